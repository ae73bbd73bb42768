// build_graph: entities of many documents merged into nodes, relations into weighted edges.
//
// Merge rules (one place, used by build_graph and build_timeline alike):
//  * An entity joins an existing node of the same type when, case-insensitively, its canonical
//    name equals any name or alias of the node, or else one of its aliases equals a canonical name
//    of the node. Alias-to-alias is not enough ("Smith" and "Smith"). Among several candidate
//    nodes the one created first wins.
//  * Two entities of the same document never join the same node: the extractor already merged
//    its own aliases, so entities it kept apart stay apart.
//  * A node is named by the longest canonical name among its entities (ties: byte order); every
//    other surface form is an alias.
//  * A node's id is the entity id of its first entity (document order, then extraction order).
//    When distinct nodes want the same id, the first keeps it and the others become
//    "<id>@<document>" (then "<id>@<document>#2", ...).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "graph_internal.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::graph {

const Node* KnowledgeGraph::find(const std::string& id) const {
  // Nodes are sorted by id when they come from build_graph/filter_graph; hand-built graphs may
  // not be, hence the linear fallback.
  auto it = std::lower_bound(nodes.begin(), nodes.end(), id,
                             [](const Node& n, const std::string& key) { return n.id < key; });
  if (it != nodes.end() && it->id == id) return &*it;
  for (const Node& n : nodes) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

namespace detail {

const Node* EntityMerge::node(const std::string& id) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), id,
                             [](const Node& n, const std::string& key) { return n.id < key; });
  return (it != nodes.end() && it->id == id) ? &*it : nullptr;
}

namespace {

struct Proto {
  std::string type;
  std::string wanted_id;
  std::size_t first_doc = 0;
  std::vector<std::string> names;     // canonical names of the merged entities
  std::set<std::string> surfaces;     // names and aliases, as written
  int mentions = 0;
  std::vector<EvidenceRef> evidence;
};

std::string fallback_id(const extractor::Entity& e) {
  std::string id = fold_case(e.type) + ":";
  for (char c : fold_case(e.name)) id += (c == ' ' ? '_' : c);
  return id;
}

}  // namespace

EntityMerge merge_entities(const std::vector<DocumentInput>& docs) {
  std::vector<Proto> protos;
  // (type, folded surface) -> protos having that surface, in creation order.
  using Index = std::map<std::pair<std::string, std::string>, std::vector<std::size_t>>;
  Index by_surface;   // every name and alias
  Index by_name;      // canonical names only
  std::vector<std::map<std::string, std::size_t>> proto_of(docs.size());

  for (std::size_t d = 0; d < docs.size(); ++d) {
    if (docs[d].extraction == nullptr) continue;
    const auto& x = *docs[d].extraction;
    const std::string doc_name = document_name(docs[d], d);
    std::set<std::size_t> used;   // protos already joined by an entity of this document

    // Pass 1 matches canonical names against every known form, pass 2 aliases against canonical
    // names only (two people sharing the alias "Smith" are not one person); pass 3 creates nodes.
    // Name matches go first so that an alias cannot steal a node that a name match wants.
    std::vector<std::optional<std::size_t>> target(x.entities.size());
    std::vector<bool> skip(x.entities.size(), false);
    std::set<std::string> seen_ids;
    for (std::size_t i = 0; i < x.entities.size(); ++i) {
      skip[i] = !seen_ids.insert(x.entities[i].id).second;   // duplicate id in a document: first wins
    }
    auto lookup = [&](const auto& index, const std::string& type,
                      const std::string& surface) -> std::optional<std::size_t> {
      auto it = index.find({type, fold_case(surface)});
      if (it == index.end()) return std::nullopt;
      for (std::size_t p : it->second) {
        if (used.count(p) == 0) return p;
      }
      return std::nullopt;
    };
    for (std::size_t i = 0; i < x.entities.size(); ++i) {
      if (skip[i]) continue;
      target[i] = lookup(by_surface, x.entities[i].type, x.entities[i].name);
      if (target[i]) used.insert(*target[i]);
    }
    for (std::size_t i = 0; i < x.entities.size(); ++i) {
      if (skip[i] || target[i]) continue;
      for (const auto& alias : x.entities[i].aliases) {
        auto p = lookup(by_name, x.entities[i].type, alias);
        if (p && (!target[i] || *p < *target[i])) target[i] = p;
      }
      if (target[i]) used.insert(*target[i]);
    }

    for (std::size_t i = 0; i < x.entities.size(); ++i) {
      if (skip[i]) continue;
      const auto& e = x.entities[i];
      if (!target[i]) {
        Proto p;
        p.type = e.type;
        p.wanted_id = e.id.empty() ? fallback_id(e) : e.id;
        p.first_doc = d;
        protos.push_back(std::move(p));
        target[i] = protos.size() - 1;
      }
      const std::size_t t = *target[i];
      Proto& p = protos[t];
      proto_of[d][e.id] = t;
      p.names.push_back(e.name);
      p.mentions += static_cast<int>(e.mentions.size());
      if (!e.mentions.empty()) {
        const auto& m = e.mentions.front();
        p.evidence.push_back({doc_name, m.sentence, m.start, m.end, sentence_text(docs[d], m.sentence)});
      }
      auto remember = [&](auto& index, const std::string& form) {
        if (form.empty()) return;
        auto& list = index[{e.type, fold_case(form)}];
        if (std::find(list.begin(), list.end(), t) == list.end()) {
          list.push_back(t);
          std::sort(list.begin(), list.end());
        }
      };
      remember(by_name, e.name);
      remember(by_surface, e.name);
      if (!e.name.empty()) p.surfaces.insert(e.name);
      for (const auto& alias : e.aliases) {
        remember(by_surface, alias);
        if (!alias.empty()) p.surfaces.insert(alias);
      }
    }
  }

  // Ids: first come keeps the entity id; later distinct nodes get "@<document>".
  std::vector<std::string> ids(protos.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < protos.size(); ++i) {
    std::string id = protos[i].wanted_id;
    if (taken.count(id) != 0) {
      const std::string base = id + "@" + document_name(docs[protos[i].first_doc], protos[i].first_doc);
      id = base;
      for (int n = 2; taken.count(id) != 0; ++n) id = base + "#" + std::to_string(n);
    }
    taken.insert(id);
    ids[i] = id;
  }

  EntityMerge out;
  out.nodes.reserve(protos.size());
  for (std::size_t i = 0; i < protos.size(); ++i) {
    Proto& p = protos[i];
    Node n;
    n.id = ids[i];
    n.type = p.type;
    std::string name;
    for (const auto& candidate : p.names) {
      if (name.empty() || candidate.size() > name.size() ||
          (candidate.size() == name.size() && candidate < name)) {
        name = candidate;
      }
    }
    n.name = name;
    const std::string folded = fold_case(name);
    for (const auto& s : p.surfaces) {   // std::set: sorted, unique
      if (fold_case(s) != folded) n.aliases.push_back(s);
    }
    n.mentions = p.mentions;
    n.evidence = std::move(p.evidence);
    out.nodes.push_back(std::move(n));
  }
  std::sort(out.nodes.begin(), out.nodes.end(), [](const Node& a, const Node& b) { return a.id < b.id; });

  out.node_of.resize(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    for (const auto& [entity, proto] : proto_of[d]) out.node_of[d][entity] = ids[proto];
  }
  return out;
}

}  // namespace detail

namespace {

// Relation types read the same both ways: "A partner_of B" in one article and "B partner_of A"
// in another are one edge. Everything else keeps its direction.
bool is_symmetric(const std::string& type) {
  return type == "co_occurs" || type == "partner_of" || type == "co_occurrence" || type == "met_with" ||
         type == "related_to";
}

}  // namespace

KnowledgeGraph build_graph(const std::vector<DocumentInput>& docs) {
  detail::EntityMerge merged = detail::merge_entities(docs);
  KnowledgeGraph g;
  g.title = detail::title_for(docs);

  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, Edge> edges;   // std::map: output order is the key order
  for (std::size_t d = 0; d < docs.size(); ++d) {
    if (docs[d].extraction == nullptr) continue;
    const std::string doc_name = detail::document_name(docs[d], d);
    const auto& node_of = merged.node_of[d];
    for (const auto& r : docs[d].extraction->relations) {
      auto s = node_of.find(r.source);
      auto t = node_of.find(r.target);
      if (s == node_of.end() || t == node_of.end()) continue;   // dangling relation: nothing to draw
      std::string source = s->second;
      std::string target = t->second;
      if (source == target) continue;   // self-loops carry no story and break nothing by leaving
      const bool symmetric = is_symmetric(r.type);
      if (symmetric && target < source) std::swap(source, target);
      Key key{source, target, r.type, r.qualifier};
      auto [it, inserted] = edges.try_emplace(key);
      Edge& e = it->second;
      if (inserted) {
        e.source = source;
        e.target = target;
        e.type = r.type;
        e.qualifier = r.qualifier;
        e.directed = !symmetric;
        e.weight = 0;
      }
      e.weight += r.weight;
      if (!r.start.empty() && (e.start.empty() || r.start < e.start)) e.start = r.start;
      if (!r.end.empty() && (e.end.empty() || r.end > e.end)) e.end = r.end;
      for (const auto& ev : r.evidence) {
        e.evidence.push_back({doc_name, ev.sentence, ev.start, ev.end, detail::sentence_text(docs[d], ev.sentence)});
      }
    }
  }
  g.nodes = std::move(merged.nodes);
  g.edges.reserve(edges.size());
  for (auto& [key, e] : edges) g.edges.push_back(std::move(e));
  return g;
}

}  // namespace storyline::graph
