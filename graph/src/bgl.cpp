// Everything that includes Boost.Graph: analytics and GraphML export. Kept in this one
// translation unit because the BGL headers cost ~13 s per file to compile.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
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

// Exact Brandes costs |V|·|E| per component; past this many steps a component is sampled.
constexpr std::size_t kExactBetweennessWork = 50'000'000;
constexpr std::size_t kMinBetweennessPivots = 64;
// Below this many steps (sources x (vertices + edge ends)) a component's Brandes stays on one thread.
constexpr std::size_t kParallelBetweennessWork = 4'000'000;

std::map<std::string, std::size_t> index_of(const KnowledgeGraph& g) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) index.emplace(g.nodes[i].id, i);
  return index;
}

}  // namespace

namespace {

// Brandes' dependency accumulation from the given sources only, on an unweighted undirected graph
// in adjacency-array form. With every vertex as a source it equals BGL's
// brandes_betweenness_centrality (each unordered pair counted from both ends); with a sample of
// sources it is the pivot estimate of Brandes & Pich (2007), scaled by |V| / |sources|.
void sampled_brandes(const std::vector<std::vector<std::size_t>>& adj, const std::vector<std::size_t>& sources,
                     std::vector<double>& out, unsigned threads) {
  const std::size_t n = adj.size();
  // The adjacency lists in one array (same order): the inner loops run over 31-bit indices.
  std::vector<std::uint32_t> first(n + 1, 0), next;
  for (std::size_t v = 0; v < n; ++v) {
    first[v] = static_cast<std::uint32_t>(next.size());
    for (std::size_t w : adj[v]) next.push_back(static_cast<std::uint32_t>(w));
  }
  first[n] = static_cast<std::uint32_t>(next.size());
  struct Scratch {
    std::vector<double> sigma, delta;
    std::vector<std::int32_t> dist;
    std::vector<std::uint32_t> order;   // breadth-first order; read backwards, it is Brandes' stack
    explicit Scratch(std::size_t n) : sigma(n), delta(n), dist(n, -1) { order.reserve(n); }
  };
  // One source's dependencies, handed to add(w, delta) for every w it reaches but itself, in
  // Brandes' stack order; the scratch is left clean.
  auto one_source = [&first, &next](std::size_t s, Scratch& sc, auto&& add) {
    auto& [sigma, delta, dist, order] = sc;
    order.clear();
    order.push_back(static_cast<std::uint32_t>(s));
    dist[s] = 0;
    sigma[s] = 1;
    for (std::size_t head = 0; head < order.size(); ++head) {
      const std::uint32_t v = order[head];
      const std::int32_t dw = dist[v] + 1;
      for (std::uint32_t k = first[v], e = first[v + 1]; k < e; ++k) {
        const std::uint32_t w = next[k];
        if (dist[w] < 0) {
          dist[w] = dw;
          order.push_back(w);
        }
        if (dist[w] == dw) sigma[w] += sigma[v];
      }
    }
    for (std::size_t i = order.size(); i-- > 0;) {
      const std::uint32_t w = order[i];
      const std::int32_t dv = dist[w] - 1;
      const double sw = sigma[w], share = 1.0 + delta[w];   // BGL: (sigma_v / sigma_w) * share
      for (std::uint32_t k = first[w], e = first[w + 1]; k < e; ++k) {
        const std::uint32_t v = next[k];
        if (dist[v] == dv) delta[v] += sigma[v] / sw * share;
      }
      if (w != s) add(w, delta[w]);
    }
    for (std::uint32_t v : order) {   // reset only what this source touched: O(component), not O(V)
      dist[v] = -1;
      sigma[v] = 0;
      delta[v] = 0;
    }
  };
  // Small work, or one thread: every source in turn, straight into out.
  if (threads <= 1 || sources.size() * (n + next.size()) < kParallelBetweennessWork) {
    Scratch sc(n);
    for (std::size_t s : sources) one_source(s, sc, [&out](std::uint32_t w, double d) { out[w] += d; });
  } else {
    // Sources on worker threads, each source's dependencies in a row of a ring of rows; this
    // thread adds the rows to out in source order. out[w] gets the same additions in the same order
    // as above (a row's other entries are 0.0, and x + 0.0 is x for the non-negative sums here), so
    // the doubles are the same for any number of threads.
    const std::size_t ring = 2 * static_cast<std::size_t>(threads);
    std::vector<std::vector<double>> rows(ring, std::vector<double>(n, 0.0));
    std::vector<char> done(sources.size(), 0);
    std::vector<Scratch> scratch;
    scratch.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) scratch.emplace_back(n);
    std::size_t claimed = 0, added = 0;
    std::mutex m;
    std::condition_variable changed;
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        std::unique_lock lock(m);
        for (;;) {
          if (claimed == sources.size()) return;
          const std::size_t i = claimed++;
          changed.wait(lock, [&] { return i < added + ring; });   // its row is free
          lock.unlock();
          std::vector<double>& row = rows[i % ring];
          one_source(sources[i], scratch[t], [&row](std::uint32_t w, double d) { row[w] = d; });
          lock.lock();
          done[i] = 1;
          changed.notify_all();
        }
      });
    for (std::size_t i = 0; i < sources.size(); ++i) {
      {
        std::unique_lock lock(m);
        changed.wait(lock, [&] { return done[i] != 0; });
      }
      std::vector<double>& row = rows[i % ring];
      for (std::size_t w = 0; w < n; ++w) out[w] += row[w];
      std::fill(row.begin(), row.end(), 0.0);
      std::lock_guard lock(m);
      ++added;
      changed.notify_all();
    }
    for (auto& w : workers) w.join();
  }
  // Halved like BGL's undirected result: each unordered pair was counted from both of its ends.
  const double scale =
      sources.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(sources.size()) / 2.0;
  for (double& c : out) c *= scale;
}

}  // namespace

void compute_analytics(KnowledgeGraph& g, unsigned threads) {
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

  // Unweighted betweenness: relation weights are strengths, and Brandes would read them as
  // distances (a stronger tie would look longer). Shortest paths never leave a component, so
  // Brandes runs per component: on the whole graph BGL's version clears O(V) arrays per source,
  // which is quadratic on a corpus graph of many small components. A component too big for exact
  // Brandes within the budget uses evenly spaced pivot sources (deterministic) instead.
  std::vector<double> centrality(n, 0.0);
  std::vector<std::vector<std::size_t>> members(count);
  for (std::size_t v = 0; v < n; ++v) members[raw[v]].push_back(v);
  std::vector<std::size_t> local(n, 0);
  for (int c = 0; c < count; ++c) {
    const auto& vs = members[c];
    if (vs.size() < 3) continue;   // no vertex lies between two others
    for (std::size_t i = 0; i < vs.size(); ++i) local[vs[i]] = i;
    std::size_t edges = 0;
    for (std::size_t v : vs) edges += boost::out_degree(v, bgl);
    edges /= 2;
    std::vector<double> part(vs.size(), 0.0);
    if (vs.size() * edges <= kExactBetweennessWork) {
      // Exact: every vertex a source, over the adjacency lists in the order BGL's
      // adjacency_list would hold them for this component (each edge appended at both ends, in
      // vertex order), so the breadth-first order, and with it every floating-point sum, is
      // BGL's brandes_betweenness_centrality's: the same doubles (a test checks them against BGL),
      // without BGL's per-source O(V) clearing of its incoming-edge lists.
      std::vector<std::vector<std::size_t>> adj(vs.size());
      for (std::size_t v : vs)
        for (auto [it, end] = boost::adjacent_vertices(v, bgl); it != end; ++it)
          if (v < *it) {
            adj[local[v]].push_back(local[*it]);
            adj[local[*it]].push_back(local[v]);
          }
      std::vector<std::size_t> all(vs.size());
      std::iota(all.begin(), all.end(), std::size_t{0});
      sampled_brandes(adj, all, part, threads);
    } else {
      std::vector<std::vector<std::size_t>> adj(vs.size());
      for (std::size_t v : vs)
        for (auto [it, end] = boost::adjacent_vertices(v, bgl); it != end; ++it) adj[local[v]].push_back(local[*it]);
      const std::size_t k = std::clamp<std::size_t>(kExactBetweennessWork / std::max<std::size_t>(edges, 1),
                                                    kMinBetweennessPivots, vs.size());
      std::vector<std::size_t> pivots;
      for (std::size_t i = 0; i < k; ++i) pivots.push_back(i * vs.size() / k);
      sampled_brandes(adj, pivots, part, threads);
    }
    for (std::size_t i = 0; i < vs.size(); ++i) centrality[vs[i]] = part[i];
  }
  // BGL's relative_betweenness_centrality: divide by (n-1)(n-2)/2 over the whole graph; undefined
  // below 3 nodes.
  if (n > 2) {
    const double norm = 2.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2));
    for (double& c : centrality) c *= norm;
  } else {
    std::fill(centrality.begin(), centrality.end(), 0.0);
  }

  for (std::size_t v = 0; v < n; ++v) {
    g.nodes[v].degree = degree[v];
    g.nodes[v].betweenness = centrality[v];
    g.nodes[v].component = rank[raw[v]];
  }
}

namespace detail {
std::vector<double> betweenness_from(const std::vector<std::vector<std::size_t>>& adj,
                                     const std::vector<std::size_t>& sources, unsigned threads) {
  std::vector<double> out(adj.size(), 0.0);
  sampled_brandes(adj, sources, out, threads);
  return out;
}
}  // namespace detail

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
