// filter_graph: min_weight -> focus/depth -> top N -> drop_isolated, then analytics again.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "graph_internal.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::graph {

namespace {

// The focus node: an id match beats a name match beats an alias match (all case-insensitive);
// within a class the smallest id wins, so "Ford" is always the same Ford.
const Node* find_focus(const KnowledgeGraph& g, const std::string& focus) {
  const std::string key = detail::fold_case(focus);
  const Node* best = nullptr;
  int best_class = 4;
  for (const Node& n : g.nodes) {
    int cls = 4;
    if (detail::fold_case(n.id) == key) {
      cls = 0;
    } else if (detail::fold_case(n.name) == key) {
      cls = 1;
    } else {
      for (const auto& a : n.aliases) {
        if (detail::fold_case(a) == key) cls = 2;
      }
    }
    if (cls < best_class || (cls == best_class && cls < 4 && n.id < best->id)) {
      best = &n;
      best_class = cls;
    }
  }
  return best;
}

// Keeps only nodes in `keep` and the edges between them.
KnowledgeGraph restrict(const KnowledgeGraph& g, const std::set<std::string>& keep) {
  KnowledgeGraph out;
  out.title = g.title;
  for (const Node& n : g.nodes) {
    if (keep.count(n.id) != 0) out.nodes.push_back(n);
  }
  for (const Edge& e : g.edges) {
    if (keep.count(e.source) != 0 && keep.count(e.target) != 0) out.edges.push_back(e);
  }
  return out;
}

std::set<std::string> all_ids(const KnowledgeGraph& g) {
  std::set<std::string> ids;
  for (const Node& n : g.nodes) ids.insert(n.id);
  return ids;
}

}  // namespace

KnowledgeGraph filter_graph(const KnowledgeGraph& g, const FilterOptions& options) {
  KnowledgeGraph cur;
  cur.title = g.title;
  cur.nodes = g.nodes;
  std::sort(cur.nodes.begin(), cur.nodes.end(), [](const Node& a, const Node& b) { return a.id < b.id; });
  const std::set<std::string> ids = all_ids(cur);
  for (const Edge& e : g.edges) {
    if (e.weight < options.min_weight) continue;
    if (ids.count(e.source) == 0 || ids.count(e.target) == 0) continue;
    cur.edges.push_back(e);
  }
  std::sort(cur.edges.begin(), cur.edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.source, a.target, a.type, a.qualifier) < std::tie(b.source, b.target, b.type, b.qualifier);
  });

  std::string focus_id;
  if (!options.focus.empty()) {
    const Node* focus = find_focus(cur, options.focus);
    if (focus == nullptr) {
      KnowledgeGraph empty;
      empty.title = g.title;
      return empty;
    }
    focus_id = focus->id;
    std::map<std::string, std::vector<std::string>> adjacent;
    for (const Edge& e : cur.edges) {
      adjacent[e.source].push_back(e.target);
      adjacent[e.target].push_back(e.source);
    }
    std::map<std::string, int> dist{{focus_id, 0}};
    std::deque<std::string> queue{focus_id};
    while (!queue.empty()) {
      const std::string v = queue.front();
      queue.pop_front();
      if (dist[v] >= options.depth) continue;
      for (const auto& w : adjacent[v]) {
        if (dist.emplace(w, dist[v] + 1).second) queue.push_back(w);
      }
    }
    std::set<std::string> keep;
    for (const auto& [id, d] : dist) keep.insert(id);
    cur = restrict(cur, keep);
  }

  if (options.top > 0 && cur.nodes.size() > options.top) {
    // Rank on the graph as it stands after the weight and focus filters, not on stale analytics.
    compute_analytics(cur);
    std::vector<const Node*> ranked;
    for (const Node& n : cur.nodes) ranked.push_back(&n);
    std::sort(ranked.begin(), ranked.end(), [](const Node* a, const Node* b) {
      if (a->betweenness != b->betweenness) return a->betweenness > b->betweenness;
      if (a->degree != b->degree) return a->degree > b->degree;
      if (a->mentions != b->mentions) return a->mentions > b->mentions;
      return a->id < b->id;
    });
    std::set<std::string> keep;
    if (!focus_id.empty()) keep.insert(focus_id);   // the focus is the point of the picture
    for (const Node* n : ranked) {
      if (keep.size() >= options.top) break;
      keep.insert(n->id);
    }
    cur = restrict(cur, keep);
  }

  if (options.max_edges > 0 && cur.edges.size() > options.max_edges) {
    std::vector<std::size_t> order(cur.edges.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cur.edges[a].weight > cur.edges[b].weight; });
    std::vector<bool> kept(cur.edges.size(), false);
    for (std::size_t i = 0; i < options.max_edges; ++i) kept[order[i]] = true;
    std::vector<Edge> edges;
    edges.reserve(options.max_edges);
    for (std::size_t i = 0; i < cur.edges.size(); ++i)
      if (kept[i]) edges.push_back(std::move(cur.edges[i]));
    cur.edges = std::move(edges);
  }

  if (options.drop_isolated) {
    std::set<std::string> keep;
    for (const Edge& e : cur.edges) {
      keep.insert(e.source);
      keep.insert(e.target);
    }
    cur = restrict(cur, keep);
  }

  compute_analytics(cur);
  return cur;
}

}  // namespace storyline::graph
