// storyline::graph — the story as data: an entity graph and an event timeline, merged over one or
// many documents. Plain value types (no Boost in this header) so that render/ and tests can build
// them by hand; Boost.Graph does the analytics behind graph.hpp.
//
//   KnowledgeGraph g = build_graph(docs);          // docs: extractions with their texts
//   compute_analytics(g);                          // degree, betweenness, components
//   Timeline t = build_timeline(docs);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "storyline/extractor/timex_value.hpp"
#include "storyline/extractor/types.hpp"

namespace storyline::graph {

// How many pieces of evidence a node or an edge keeps, and how many tellings a timeline event
// keeps, when built from documents: the first ones in document (timeline) order. A collection's
// busiest nodes, edges and events are told thousands of times; keeping them all would make a merged
// story grow with the text instead of with the distinct entities and events.
constexpr std::size_t kEvidenceKept = 20;

// Where a fact was read: document id, byte span, and the sentence text (for tooltips).
struct EvidenceRef {
  std::string doc;
  std::size_t sentence = 0;
  std::size_t start = 0;
  std::size_t end = 0;
  std::string sentence_text;
};

struct Node {
  std::string id;            // entity id, unique in the graph ("org:nissan")
  std::string name;
  std::string type;          // PER | ORG | LOC | MISC
  std::vector<std::string> aliases;
  int mentions = 0;
  std::vector<EvidenceRef> evidence;   // first mention per document, in document order (at most kEvidenceKept)
  // analytics (compute_analytics)
  double degree = 0;         // weighted degree
  double betweenness = 0;    // relative (0..1)
  int component = 0;         // connected component index, 0 = largest
  std::size_t evidence_total = 0;      // first mentions per document, kept in `evidence` or not
};

struct Edge {
  std::string source;        // node id
  std::string target;        // node id
  std::string type;          // role_of | partner_of | located_in | co_occurs | ...
  std::string qualifier;     // "former", "CEO", ...; may be empty
  bool directed = false;
  double weight = 1.0;
  std::vector<EvidenceRef> evidence;   // the first tellings, in document order (at most kEvidenceKept)
  // Time span as the texts give it (TIMEX3 values, empty = not told). Merged over tellings: the
  // earliest start and the latest end.
  std::string start;
  std::string end;
  std::size_t evidence_total = 0;      // every telling, kept in `evidence` or not (the weight sums them all)
};

struct KnowledgeGraph {
  std::string title;
  std::vector<Node> nodes;   // sorted by id
  std::vector<Edge> edges;   // sorted by (source, target, type, qualifier)
  const Node* find(const std::string& id) const;
};

struct TimelineEvent {
  std::string id;            // "<doc>:ev3" when several documents, else "ev3"
  std::string type;
  std::string summary;
  std::string date_value;    // TIMEX3 value as extracted
  std::optional<extractor::CalendarDate> date;   // parsed; nullopt = undated
  std::string date_source;   // text | anaphoric | document | order | none
  std::string modality;      // asserted | negated | hypothetical | future
  std::vector<std::string> participants;   // node ids
  std::vector<std::string> participant_names;
  std::string lane;          // main participant's name (or type), chosen by build_timeline
  EvidenceRef evidence;      // the first telling (timeline order)
  // Tellings of the same event, in one article or across articles, in timeline order; the first is
  // `evidence`. Built from documents: the first kEvidenceKept, and sources_total counts them all
  // (0 in a hand-made event: `sources` is then the whole list).
  std::vector<EvidenceRef> sources;
  std::size_t sources_total = 0;
  std::string amount;        // money as written ("$44 billion"); empty when none
  // Partial order from the text ("after the takeover"): ids of timeline events this one follows.
  // An undated event with such a constraint to a dated one is placed beside it (date_source "order").
  std::vector<std::string> after;
};

struct Timeline {
  std::string title;
  // Ordered by first day, then the longer interval first ("2018" before "2018-01" before
  // "2018-01-01"), then document, then text order.
  std::vector<TimelineEvent> events;
  std::size_t undated = 0;             // events left out for lack of a date
};

// One document as the graph module sees it: its extraction and its text (for evidence sentences).
struct DocumentInput {
  const extractor::Extraction* extraction = nullptr;
  const std::string* text = nullptr;
};

}  // namespace storyline::graph
