// Everything that includes Boost.Graph: analytics and GraphML export. Kept in this one
// translation unit because the BGL headers cost ~13 s per file to compile.
#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/property_map/dynamic_property_map.hpp>

#include "graph_internal.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::graph {

namespace {

struct Link {
  double weight = 0;
};
// undirectedS: connected_components silently miscounts on directed graphs (Boost 1.74).
using Bgl = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, Link>;

std::map<std::string, std::size_t> index_of(const KnowledgeGraph& g) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) index.emplace(g.nodes[i].id, i);
  return index;
}

}  // namespace

void compute_analytics(KnowledgeGraph& g) {
  const std::size_t n = g.nodes.size();
  const auto index = index_of(g);

  // One BGL edge per node pair: parallel relations (role_of + co_occurs) would otherwise count as
  // two shortest paths in Brandes. Their weights add up in the weighted degree.
  std::map<std::pair<std::size_t, std::size_t>, double> pairs;
  for (const Edge& e : g.edges) {
    auto s = index.find(e.source);
    auto t = index.find(e.target);
    if (s == index.end() || t == index.end() || s->second == t->second) continue;
    auto key = std::minmax(s->second, t->second);
    pairs[{key.first, key.second}] += e.weight;
  }
  Bgl bgl(n);
  std::vector<double> degree(n, 0.0);
  for (const auto& [key, weight] : pairs) {
    boost::add_edge(key.first, key.second, Link{weight}, bgl);
    degree[key.first] += weight;
    degree[key.second] += weight;
  }

  // Unweighted betweenness: relation weights are strengths, and Brandes would read them as
  // distances (a stronger tie would look longer).
  std::vector<double> centrality(n, 0.0);
  if (n > 0) {
    auto cmap = boost::make_iterator_property_map(centrality.begin(), boost::get(boost::vertex_index, bgl));
    boost::brandes_betweenness_centrality(bgl, cmap);
    // relative_betweenness_centrality divides by (n-1)(n-2)/2: undefined below 3 nodes.
    if (n > 2) boost::relative_betweenness_centrality(bgl, cmap);
    else std::fill(centrality.begin(), centrality.end(), 0.0);
  }

  std::vector<int> raw(n, 0);
  const int count = n == 0 ? 0 : boost::connected_components(bgl, raw.data());
  // Renumber: largest component first; equal sizes ordered by their smallest node index, which is
  // their smallest id since nodes are sorted by id.
  std::vector<std::size_t> size(count, 0);
  std::vector<std::size_t> first(count, n);
  for (std::size_t v = 0; v < n; ++v) {
    ++size[raw[v]];
    first[raw[v]] = std::min(first[raw[v]], v);
  }
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (size[a] != size[b]) return size[a] > size[b];
    return first[a] < first[b];
  });
  std::vector<int> rank(count, 0);
  for (int r = 0; r < count; ++r) rank[order[r]] = r;

  for (std::size_t v = 0; v < n; ++v) {
    g.nodes[v].degree = degree[v];
    g.nodes[v].betweenness = centrality[v];
    g.nodes[v].component = rank[raw[v]];
  }
}

namespace {

struct GmlNode {
  std::string id, name, type;
  int mentions = 0;
  double degree = 0, betweenness = 0;
  int component = 0;
};
struct GmlEdge {
  std::string type, qualifier;
  double weight = 0;
  bool directed = false;
};
using GmlGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, GmlNode, GmlEdge>;

}  // namespace

std::string to_graphml(const KnowledgeGraph& g) {
  GmlGraph out;
  const auto index = index_of(g);
  for (const Node& n : g.nodes) {
    boost::add_vertex(GmlNode{detail::clean_text(n.id), detail::clean_text(n.name), detail::clean_text(n.type),
                              n.mentions, n.degree, n.betweenness, n.component},
                      out);
  }
  for (const Edge& e : g.edges) {
    auto s = index.find(e.source);
    auto t = index.find(e.target);
    if (s == index.end() || t == index.end()) continue;
    boost::add_edge(s->second, t->second,
                    GmlEdge{detail::clean_text(e.type), detail::clean_text(e.qualifier), e.weight, e.directed}, out);
  }
  // Relations keep their direction in the "directed" attribute; the GraphML graph itself is
  // undirected because analytics treat it so.
  std::string title = detail::clean_text(g.title);
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("title", boost::make_constant_property<GmlGraph*>(title));
  dp.property("id", boost::get(&GmlNode::id, out));
  dp.property("name", boost::get(&GmlNode::name, out));
  dp.property("type", boost::get(&GmlNode::type, out));
  dp.property("mentions", boost::get(&GmlNode::mentions, out));
  dp.property("degree", boost::get(&GmlNode::degree, out));
  dp.property("betweenness", boost::get(&GmlNode::betweenness, out));
  dp.property("component", boost::get(&GmlNode::component, out));
  dp.property("type", boost::get(&GmlEdge::type, out));
  dp.property("qualifier", boost::get(&GmlEdge::qualifier, out));
  dp.property("weight", boost::get(&GmlEdge::weight, out));
  dp.property("directed", boost::get(&GmlEdge::directed, out));
  std::ostringstream os;
  boost::write_graphml(os, out, dp, /*ordered_vertices=*/true);
  return os.str();
}

}  // namespace storyline::graph
