// Private helpers shared by the graph/ translation units. Not installed, not for render/.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storyline/graph/model.hpp"

namespace storyline::graph::detail {

// ASCII-only case folding: entity names are compared case-insensitively byte by byte; non-ASCII
// bytes are kept as they are ("Zürich" and "ZÜRICH" do not merge — see the weak points).
std::string fold_case(std::string_view s);

// Valid UTF-8 with C0 controls (except tab, newline) removed: what every export writes, so that
// a hostile byte never makes invalid JSON or XML. Invalid sequences become U+FFFD.
std::string clean_text(std::string_view s);

// &, <, >, " and ' as entities (TimelineJS text is HTML).
std::string html_escape(std::string_view s);

// Sentence `index` of the document, trimmed; empty when the text or the index is missing.
std::string sentence_text(const DocumentInput& doc, std::size_t index);

// "<id>" of a document, or "<source>", or "doc<N>" (1-based) when both are empty.
std::string document_name(const DocumentInput& doc, std::size_t index);

// Entities merged into nodes one document at a time (see build_graph for the rules). A node's id
// is final when it is made; its name (the longest canonical name) only when every document is in.
class EntityMerger {
 public:
  // The nodes of one document's entities, valid until the next add().
  struct DocNodes {
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::size_t> of_entity;   // by entity index: the node (proto) index, or npos
    std::map<std::string_view, std::size_t> entity_of_id;   // extractor entity id -> its first entity
    // The node index of the entity with extractor id `id`, or npos.
    std::size_t find(std::string_view id) const {
      auto it = entity_of_id.find(id);
      return it == entity_of_id.end() ? npos : of_entity[it->second];
    }
  };
  // Merges document `index`'s entities; returns which node each of them joined (views of the
  // document's entity ids: valid while the document is).
  DocNodes add(const DocumentInput& doc, std::size_t index);
  // A node's id and type by its index in DocNodes.
  const std::string& id_at(std::size_t node) const { return protos_[node].id; }
  const std::string& type_at(std::size_t node) const { return protos_[node].type; }
  // Every node so far, sorted by id; analytics not computed.
  std::vector<Node> nodes() const;

 private:
  struct Proto {
    std::string id;
    std::string type;
    std::string name;                   // longest canonical name so far (ties: byte order)
    std::set<std::string> surfaces;     // names and aliases, as written
    int mentions = 0;
    std::vector<EvidenceRef> evidence;  // first mention per document (at most kEvidenceKept)
    std::size_t evidence_total = 0;
  };
  // (type, folded surface) -> protos having that surface, in creation order. The key is one string
  // (surface_key: the type's length, the type, the surface with ASCII letters lowered), looked up
  // through a scratch key: no allocation per look-up. Only looked up, never iterated.
  using Index = std::unordered_map<std::string, std::vector<std::size_t>>;
  std::string key_;   // scratch for surface_key
  std::vector<Proto> protos_;
  Index by_surface_;   // every name and alias
  Index by_name_;      // canonical names only
  std::map<std::string, std::size_t> proto_of_id_;
};

// The timeline of build_timeline, one document at a time. Participant names and lanes wait for
// finish(): a node's name is final only when every document is in.
struct TimelineAccumulator {
  struct Keyed {
    TimelineEvent event;
    std::size_t doc = 0;
    std::size_t start = 0;
    std::size_t ordinal = 0;               // position in the document's event list
    std::vector<std::string> lane_nodes;   // PER/ORG participants, in order: the lane candidates
  };
  using EventKey = std::pair<std::size_t, std::string>;   // (document index, extractor event id)
  bool enabled = true;
  std::vector<Keyed> dated;   // event.id is the extractor's until finish()
  std::size_t undated = 0;
  std::vector<std::string> doc_names;   // by document index
  // Event -> events it must follow (from "after" and the reverse of "before").
  std::map<EventKey, std::set<EventKey>> follows;

  void add(const DocumentInput& doc, std::size_t index, const EntityMerger::DocNodes& nodes,
           const EntityMerger& merger);
  // `several`: the story has several documents, so timeline ids are "<document>:<event>".
  Timeline finish(const std::vector<Node>& nodes, bool several);
};

// Node lookup by id in a vector sorted by id; null when absent.
const Node* find_sorted(const std::vector<Node>& nodes, const std::string& id);

// Brandes betweenness (raw, undirected: each pair counted once) of an unweighted graph given as
// adjacency lists, accumulated from `sources` only and scaled by |V| / |sources| (the pivot estimate
// compute_analytics uses for components too big for exact Brandes). Exact when sources are all.
// With threads > 1 the sources run on that many threads; the doubles are the same for any number.
std::vector<double> betweenness_from(const std::vector<std::vector<std::size_t>>& adj,
                                     const std::vector<std::size_t>& sources, unsigned threads = 1);

}  // namespace storyline::graph::detail
