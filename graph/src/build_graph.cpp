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
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "graph_internal.hpp"
#include "storyline/extractor/ascii.hpp"
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

const Node* find_sorted(const std::vector<Node>& nodes, const std::string& id) {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), id,
                             [](const Node& n, const std::string& key) { return n.id < key; });
  return (it != nodes.end() && it->id == id) ? &*it : nullptr;
}

namespace {

// EntityMerger's index key of (type, surface) in `key`: the type's length (4 bytes), the type, the
// surface folded as fold_case folds it (ASCII letters lowered).
const std::string& surface_key(std::string& key, std::string_view type, std::string_view surface) {
  const auto n = static_cast<std::uint32_t>(type.size());
  key.assign(reinterpret_cast<const char*>(&n), sizeof n);
  key.append(type);
  const std::size_t at = key.size();
  key.resize(at + surface.size());
  extractor::ascii_lower_copy(key.data() + at, surface.data(), surface.size());
  return key;
}

std::string fallback_id(const extractor::Entity& e) {
  std::string id = fold_case(e.type) + ":";
  for (char c : fold_case(e.name)) id += (c == ' ' ? '_' : c);
  return id;
}

}  // namespace

EntityMerger::DocNodes EntityMerger::add(const DocumentInput& doc, std::size_t d) {
  DocNodes node_of;
  if (doc.extraction == nullptr) return node_of;
  const auto& x = *doc.extraction;
  node_of.of_entity.assign(x.entities.size(), DocNodes::npos);
  const std::string doc_name = document_name(doc, d);
  std::set<std::size_t> used;   // protos already joined by an entity of this document

  // Pass 1 matches canonical names against every known form, pass 2 aliases against canonical
  // names only (two people sharing the alias "Smith" are not one person); pass 3 creates nodes.
  // Name matches go first so that an alias cannot steal a node that a name match wants.
  std::vector<std::optional<std::size_t>> target(x.entities.size());
  std::vector<bool> skip(x.entities.size(), false);
  for (std::size_t i = 0; i < x.entities.size(); ++i) {
    skip[i] = !node_of.entity_of_id.emplace(x.entities[i].id, i).second;   // duplicate id in a document: first wins
  }
  auto lookup = [&](const Index& index, const std::string& type,
                    const std::string& surface) -> std::optional<std::size_t> {
    auto it = index.find(surface_key(key_, type, surface));
    if (it == index.end()) return std::nullopt;
    for (std::size_t p : it->second) {
      if (used.count(p) == 0) return p;
    }
    return std::nullopt;
  };
  for (std::size_t i = 0; i < x.entities.size(); ++i) {
    if (skip[i]) continue;
    target[i] = lookup(by_surface_, x.entities[i].type, x.entities[i].name);
    if (target[i]) used.insert(*target[i]);
  }
  for (std::size_t i = 0; i < x.entities.size(); ++i) {
    if (skip[i] || target[i]) continue;
    for (const auto& alias : x.entities[i].aliases) {
      auto p = lookup(by_name_, x.entities[i].type, alias);
      if (p && (!target[i] || *p < *target[i])) target[i] = p;
    }
    if (target[i]) used.insert(*target[i]);
  }

  for (std::size_t i = 0; i < x.entities.size(); ++i) {
    if (skip[i]) continue;
    const auto& e = x.entities[i];
    if (!target[i]) {
      // Ids: first come keeps the entity id; later distinct nodes get "@<document>".
      Proto p;
      p.type = e.type;
      std::string id = e.id.empty() ? fallback_id(e) : e.id;
      if (proto_of_id_.count(id) != 0) {
        const std::string base = id + "@" + doc_name;
        id = base;
        for (int n = 2; proto_of_id_.count(id) != 0; ++n) id = base + "#" + std::to_string(n);
      }
      p.id = id;
      proto_of_id_.emplace(id, protos_.size());
      protos_.push_back(std::move(p));
      target[i] = protos_.size() - 1;
    }
    const std::size_t t = *target[i];
    Proto& p = protos_[t];
    node_of.of_entity[i] = t;
    // A node is named by the longest canonical name among its entities (ties: byte order).
    if (p.name.empty() || e.name.size() > p.name.size() || (e.name.size() == p.name.size() && e.name < p.name))
      p.name = e.name;
    p.mentions += static_cast<int>(e.mentions.size());
    if (!e.mentions.empty()) {
      const auto& m = e.mentions.front();
      if (p.evidence.size() < kEvidenceKept)
        p.evidence.push_back({doc_name, m.sentence, m.start, m.end, sentence_text(doc, m.sentence)});
      ++p.evidence_total;
    }
    auto remember = [&](Index& index, const std::string& form) {
      if (form.empty()) return;
      auto& list = index[surface_key(key_, e.type, form)];
      if (std::find(list.begin(), list.end(), t) == list.end()) {
        list.push_back(t);
        std::sort(list.begin(), list.end());
      }
    };
    remember(by_name_, e.name);
    // A form the node has already is in by_surface_ with it (the two are only ever added to
    // together): a node told in many documents costs a set look-up, not a hash of its key.
    if (!e.name.empty() && p.surfaces.insert(e.name).second) remember(by_surface_, e.name);
    for (const auto& alias : e.aliases)
      if (!alias.empty() && p.surfaces.insert(alias).second) remember(by_surface_, alias);
  }
  // An entity whose id an earlier one of the document has stands for that one's node.
  for (std::size_t i = 0; i < x.entities.size(); ++i)
    if (skip[i]) node_of.of_entity[i] = node_of.of_entity[node_of.entity_of_id.find(x.entities[i].id)->second];
  return node_of;
}

std::vector<Node> EntityMerger::nodes() const {
  std::vector<Node> out;
  out.reserve(protos_.size());
  for (const Proto& p : protos_) {
    Node n;
    n.id = p.id;
    n.type = p.type;
    n.name = p.name;
    const std::string folded = fold_case(p.name);
    for (const auto& s : p.surfaces) {   // std::set: sorted, unique
      if (fold_case(s) != folded) n.aliases.push_back(s);
    }
    n.mentions = p.mentions;
    n.evidence = p.evidence;
    n.evidence_total = p.evidence_total;
    out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) { return a.id < b.id; });
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

struct StoryBuilder::Impl {
  std::size_t added = 0;
  bool want_graph = true;
  std::string first_name;   // the title of a one-document story
  detail::EntityMerger merger;
  // The relations drawn so far, in the order first told; found by (source, target, type,
  // qualifier) through an open-addressing table of their indices (hash kept beside the index, so a
  // probe compares strings only on a likely hit). Sorted by that key, in byte order, by graph().
  using KeyView = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;
  static KeyView key_of(const Edge& e) { return {e.source, e.target, e.type, e.qualifier}; }
  static std::uint64_t hash_of(const KeyView& k) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    auto mix = [&h](std::string_view s) {
      h = (h ^ std::hash<std::string_view>{}(s)) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
    };
    mix(std::get<0>(k));
    mix(std::get<1>(k));
    mix(std::get<2>(k));
    mix(std::get<3>(k));
    return h;
  }
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t edge = 0;   // index + 1; 0 = empty
  };
  std::vector<Edge> edges;
  std::vector<Slot> slots = std::vector<Slot>(64);
  // The edge with key `k` (hash `h`), made empty (its key fields set) when new.
  Edge& edge_for(const KeyView& k, std::uint64_t h, bool& inserted) {
    if (2 * (edges.size() + 1) > slots.size()) {   // at most half full
      std::vector<Slot> bigger(slots.size() * 2);
      for (const Slot& o : slots)
        if (o.edge != 0)
          for (std::size_t j = o.hash & (bigger.size() - 1);; j = (j + 1) & (bigger.size() - 1))
            if (bigger[j].edge == 0) {
              bigger[j] = o;
              break;
            }
      slots.swap(bigger);
    }
    for (std::size_t j = h & (slots.size() - 1);; j = (j + 1) & (slots.size() - 1)) {
      Slot& slot = slots[j];
      if (slot.edge == 0) {
        slot = {h, static_cast<std::uint32_t>(edges.size() + 1)};
        Edge& e = edges.emplace_back();
        e.source = std::get<0>(k);
        e.target = std::get<1>(k);
        e.type = std::get<2>(k);
        e.qualifier = std::get<3>(k);
        inserted = true;
        return e;
      }
      if (slot.hash == h && key_of(edges[slot.edge - 1]) == k) {
        inserted = false;
        return edges[slot.edge - 1];
      }
    }
  }
  detail::TimelineAccumulator timeline;

  std::string title() const {
    if (added == 1) return first_name;
    return std::to_string(added) + " documents";
  }

  void add_relations(const DocumentInput& doc, std::size_t d, const detail::EntityMerger::DocNodes& node_of) {
    const std::string doc_name = detail::document_name(doc, d);
    const auto& ents = doc.extraction->entities;
    for (const auto& r : doc.extraction->relations) {
      if (r.source >= ents.size() || r.target >= ents.size()) continue;   // dangling relation: nothing to draw
      const std::size_t s = node_of.of_entity[r.source], t = node_of.of_entity[r.target];
      if (s == detail::EntityMerger::DocNodes::npos || t == detail::EntityMerger::DocNodes::npos) continue;
      const std::string* source = &merger.id_at(s);
      const std::string* target = &merger.id_at(t);
      if (*source == *target) continue;   // self-loops carry no story and break nothing by leaving
      const bool symmetric = is_symmetric(r.type.name());
      if (symmetric && *target < *source) std::swap(source, target);
      const KeyView key{*source, *target, r.type.name(), r.qualifier};
      bool inserted = false;
      Edge& e = edge_for(key, hash_of(key), inserted);
      if (inserted) {
        e.directed = !symmetric;
        e.weight = 0;
      }
      e.weight += r.weight;
      if (!r.start.empty() && (e.start.empty() || r.start < e.start)) e.start = r.start;
      if (!r.end.empty() && (e.end.empty() || r.end > e.end)) e.end = r.end;
      for (const auto& ev : r.evidence) {
        if (e.evidence.size() < kEvidenceKept)
          e.evidence.push_back({doc_name, ev.sentence, ev.start, ev.end, detail::sentence_text(doc, ev.sentence)});
        ++e.evidence_total;
      }
    }
  }
};

StoryBuilder::StoryBuilder(Parts parts) : impl_(std::make_unique<Impl>()) {
  impl_->want_graph = parts != Parts::timeline;
  impl_->timeline.enabled = parts != Parts::graph;
}
StoryBuilder::~StoryBuilder() = default;
StoryBuilder::StoryBuilder(StoryBuilder&&) noexcept = default;
StoryBuilder& StoryBuilder::operator=(StoryBuilder&&) noexcept = default;

void StoryBuilder::add(const DocumentInput& doc) {
  const std::size_t d = impl_->added++;
  if (d == 0) impl_->first_name = detail::document_name(doc, 0);
  if (doc.extraction == nullptr) return;
  const auto node_of = impl_->merger.add(doc, d);
  if (impl_->want_graph) impl_->add_relations(doc, d, node_of);
  impl_->timeline.add(doc, d, node_of, impl_->merger);
}

KnowledgeGraph StoryBuilder::graph() {
  KnowledgeGraph g;
  g.title = impl_->title();
  g.nodes = impl_->merger.nodes();
  auto& edges = impl_->edges;
  std::vector<std::uint32_t> order(edges.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::sort(order.begin(), order.end(),
            [&edges](std::uint32_t a, std::uint32_t b) { return Impl::key_of(edges[a]) < Impl::key_of(edges[b]); });
  g.edges.reserve(edges.size());
  for (std::uint32_t i : order) g.edges.push_back(std::move(edges[i]));
  edges.clear();
  impl_->slots.assign(64, {});
  return g;
}

Timeline StoryBuilder::timeline() {
  Timeline t = impl_->timeline.finish(impl_->merger.nodes(), impl_->added > 1);
  t.title = impl_->title();
  return t;
}

KnowledgeGraph build_graph(const std::vector<DocumentInput>& docs) {
  StoryBuilder b(StoryBuilder::Parts::graph);
  for (const auto& doc : docs) b.add(doc);
  return b.graph();
}

Timeline build_timeline(const std::vector<DocumentInput>& docs) {
  StoryBuilder b(StoryBuilder::Parts::timeline);
  for (const auto& doc : docs) b.add(doc);
  return b.timeline();
}

}  // namespace storyline::graph
