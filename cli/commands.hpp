// storyline CLI — subcommand options and entry points (one options struct + run_x per command).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io.hpp"
#include "storyline/extractor/types.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/graph/model.hpp"

namespace storyline::cli {

struct Common {
  std::vector<std::string> inputs;
  std::string date;
  std::vector<std::string> rules;
  bool jsonl = false;
  std::size_t max_bytes = 64u << 20;
  std::size_t max_sentence_tokens = 2000;   // longer sentences are cut (bounded work); 0 = no limit
  bool keep_going = true;   // false: the first bad document stops the run, nothing is written
  std::string output;
  bool quiet = false;
  unsigned threads = 0;   // documents extracted in parallel; 0 = all cores (output identical for any N)
};

struct ExtractOptions {
  std::string out_dir;
  bool compact = false;
};

struct DiagramOptions {
  std::string format;
  std::string title;
  std::string theme = "light";
  std::size_t top = 0;
  double min_weight = 0;
  std::string focus;
  int depth = 1;
  bool no_cooccurrence = false;
  std::size_t max_entities = 1000;   // a drawn graph keeps only this many, the most central (layout time)
  std::size_t max_relations = 3000;  // and of their relations, only this many, the heaviest (layout time)
  std::optional<int> from_year, to_year;
  bool all_modalities = false;
  double dpi = 96;                   // png only
  std::string lanes = "entity";      // timeline lanes: entity | type
};

struct MergeOptions {
  std::vector<std::string> inputs;   // extract JSON, JSON Lines of them, or earlier merge outputs
  std::string output;
  bool compact = false;
  bool quiet = false;
  unsigned threads = 0;              // documents parsed in parallel (0 = all cores)
};

enum class Diagram { graph, timeline };

int run_extract(const Common& c, const ExtractOptions& o);
int run_merge(const MergeOptions& o);   // cli/merge.cpp
int run_diagram(const Common& c, const DiagramOptions& o, Diagram which);
int run_report(const Common& c, const DiagramOptions& o);   // cli/report.cpp

// Shared by run_diagram and run_report.
std::string headline(const std::vector<InputDoc>& docs);   // first line of a single article, or "N documents"
graph::KnowledgeGraph story_graph(const std::vector<graph::DocumentInput>& inputs, const DiagramOptions& o,
                                  const std::string& title);
// Past max_entities (0 = no limit) keeps the most central ones (graph::filter_graph top N), then
// past max_relations (0 = no limit) the heaviest relations among them; says so on stderr unless
// quiet, and returns the note the picture carries; "" when nothing was left out.
std::string reduce_for_layout(graph::KnowledgeGraph& g, std::size_t max_entities, std::size_t max_relations,
                              bool quiet);
graph::Timeline story_timeline(const std::vector<graph::DocumentInput>& inputs, const DiagramOptions& o,
                               const std::string& title);
// The same two on a graph or timeline already built.
// (`threads`: for the betweenness of a large component; the result is the same for any number.)
graph::KnowledgeGraph story_graph(graph::KnowledgeGraph g, const DiagramOptions& o, const std::string& title,
                                  unsigned threads = 1);
graph::Timeline story_timeline(graph::Timeline t, const DiagramOptions& o, const std::string& title);

// The graph, timeline and report commands' input: documents read, extracted on --threads threads
// and added to a StoryBuilder in input order, a few per thread alive at a time (memory grows with
// the story, not with the text); `each`, when given, sees every document and its extraction as it
// goes into the story. nullopt after reporting a fatal problem or when there is no document.
struct Streamed {
  graph::StoryBuilder story;
  std::size_t documents = 0;
  std::string headline;   // headline() of the documents
  bool problems = false;
};
std::optional<Streamed> stream_story(
    const Common& c, graph::StoryBuilder::Parts parts,
    const std::function<void(const extractor::Extraction&, const InputDoc&)>& each = {});

// Whether a file is storyline's extract JSON (an extract object, JSON Lines of them, or a merged
// file): its first key is "document" or "storyline". Not for "-".
bool is_extract_json(const std::string& path);
// Extract JSON inputs read as `merge` reads them (one document per id, in id order; a document
// told twice with different content: the smaller serialisation) into a story, without
// extracting again. Evidence keeps its spans; its sentence text is not in the JSON and stays
// empty. `each`, when given, sees every document as it goes into the story. nullopt after
// reporting a problem.
std::optional<Streamed> story_from_extractions(const Common& c, graph::StoryBuilder::Parts parts,
                                               const std::function<void(const extractor::Extraction&)>& each = {});

}  // namespace storyline::cli
