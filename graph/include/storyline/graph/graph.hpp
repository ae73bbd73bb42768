// storyline::graph — building, merging, analysing, filtering and exporting the story.
//
//   std::vector<DocumentInput> docs = {{&x, &text}};
//   KnowledgeGraph g = build_graph(docs);          // merged by entity name and alias
//   compute_analytics(g);
//   KnowledgeGraph small = filter_graph(g, {.top = 30, .min_weight = 1.0});
//   std::string xml = to_graphml(small);
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storyline/graph/model.hpp"

namespace storyline::graph {

// Merges entities across documents by canonical name and alias (same type), relations by
// (source, target, type, qualifier) with summed weight and all evidence. Deterministic.
KnowledgeGraph build_graph(const std::vector<DocumentInput>& docs);

// build_graph and build_timeline one document at a time, for collections too big to hold at once
// (`storyline merge`, `graph`, `timeline`): add() the documents in the order build_graph would
// get them, then take graph() and/or timeline() once each. The results are those of
// build_graph/build_timeline over the same documents; a document's data is needed only during its
// add(). Memory grows with the distinct entities and relations (evidence is capped, see
// kEvidenceKept) and with the dated events — not with the text.
class StoryBuilder {
 public:
  enum class Parts { graph, timeline, both };
  explicit StoryBuilder(Parts parts = Parts::both);
  ~StoryBuilder();
  StoryBuilder(StoryBuilder&&) noexcept;
  StoryBuilder& operator=(StoryBuilder&&) noexcept;

  void add(const DocumentInput& doc);
  KnowledgeGraph graph();   // analytics not computed
  Timeline timeline();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Fills Node::degree, betweenness (Brandes, relative), component (0 = largest). Boost.Graph.
// Betweenness of a large component runs on `threads` threads; the doubles are the same for any number.
void compute_analytics(KnowledgeGraph& g, unsigned threads = 1);

struct FilterOptions {
  double min_weight = 0;          // drop edges lighter than this
  std::size_t top = 0;            // keep the N most important nodes (0 = all)
  std::size_t max_edges = 0;      // then keep the N heaviest edges (0 = all; ties: the first in id order)
  std::string focus;              // keep the ego graph of this node (name, alias or id)
  int depth = 1;                  // ego graph radius
  bool drop_isolated = false;     // drop nodes with no edge after filtering
};
// A filtered copy; analytics are recomputed. Unknown focus gives an empty graph.
KnowledgeGraph filter_graph(const KnowledgeGraph& g, const FilterOptions& options);

// Events of all documents, dated and ordered; modality != asserted kept but flagged.
Timeline build_timeline(const std::vector<DocumentInput>& docs);

// Keeps events whose date overlaps [from_year, to_year] (either may be absent).
Timeline filter_timeline(const Timeline& t, std::optional<int> from_year, std::optional<int> to_year,
                         bool include_non_asserted = false);

// Exports. All deterministic.
std::string to_json(const KnowledgeGraph& g);            // {"nodes":[...],"edges":[...]}
std::string to_graphml(const KnowledgeGraph& g);         // Boost write_graphml
std::string timeline_to_json(const Timeline& t);         // storyline's own
// The same two as one JSON text with nlohmann's indent (-1 compact), no trailing newline: for
// embedding (`storyline merge`).
std::string to_json(const KnowledgeGraph& g, int indent);
std::string timeline_to_json(const Timeline& t, int indent);
std::string timeline_to_timelinejs(const Timeline& t);   // TimelineJS3 JSON

// Neo4j bulk import (neo4j-admin database import): one node file and one relationship file with
// typed headers (id:ID, :LABEL, :START_ID, :END_ID, :TYPE, weight:float ...). RFC 4180 quoting.
struct CsvFiles {
  std::string nodes;
  std::string edges;
};
CsvFiles to_neo4j_csv(const KnowledgeGraph& g);

}  // namespace storyline::graph
