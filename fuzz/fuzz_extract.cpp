// libFuzzer target: the whole extract step on one document, as the CLI runs it — text check, then
// Extractor::extract, the extract JSON, and the graph/timeline built and exported from it.
// Invariants: every offset lies inside the text on a UTF-8 boundary, and every JSON written parses back.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "io.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/graph/graph.hpp"

namespace {

using namespace storyline;

bool boundary(const std::string& text, std::size_t at) {
  return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

void check_span(const std::string& text, std::size_t start, std::size_t end, const char* what) {
  fuzzsupport::require(start <= end && end <= text.size(), what);
  fuzzsupport::require(boundary(text, start) && boundary(text, end), what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (64u << 10)) return 0;   // size is the bounded-work tests' job; keep iterations fast
  const std::string text = fuzzsupport::as_string(data, size);
  if (!cli::check_text(text).empty()) return 0;   // the CLI rejects these before extraction
  extractor::DocumentInfo info;
  info.id = "fuzz";
  info.source = "fuzz.txt";
  if (size % 3 == 0) {
    info.date = "2023-02-06";
    info.date_source = "option";
  }
  extractor::ExtractOptions options;
  if (size % 2 == 0) options.max_sentence_tokens = 16;   // also exercise the sentence cutting
  const extractor::Extraction x = fuzzsupport::extractor().extract(text, info, options);

  for (const auto& s : x.sentences) check_span(text, s.start, s.end, "sentence span");
  for (const auto& t : x.timexes) {
    check_span(text, t.start, t.end, "timex span");
    fuzzsupport::require(t.sentence < x.sentences.size() || x.sentences.empty(), "timex sentence index");
  }
  for (const auto& e : x.entities) {
    fuzzsupport::require(!e.id.empty(), "entity id");
    for (const auto& m : e.mentions) {
      check_span(text, m.start, m.end, "mention span");
      fuzzsupport::require(m.sentence < x.sentences.size(), "mention sentence index");
    }
  }
  for (const auto& ev : x.events) check_span(text, ev.trigger.start, ev.trigger.end, "event trigger span");

  const std::string json = extractor::to_json(x, -1);
  fuzzsupport::require(!nlohmann::json::parse(json, nullptr, false).is_discarded(), "extract JSON parses");

  const std::vector<graph::DocumentInput> docs = {{&x, &text}};
  graph::KnowledgeGraph g = graph::build_graph(docs);
  graph::compute_analytics(g);
  fuzzsupport::require(!nlohmann::json::parse(graph::to_json(g), nullptr, false).is_discarded(), "graph JSON");
  const std::string graphml = graph::to_graphml(g);
  fuzzsupport::require(graphml.find("<graphml") != std::string::npos, "GraphML written");
  graph::KnowledgeGraph top = graph::filter_graph(g, {.min_weight = 1.0, .top = 5});
  (void)top;
  const graph::Timeline t = graph::build_timeline(docs);
  fuzzsupport::require(!nlohmann::json::parse(graph::timeline_to_json(t), nullptr, false).is_discarded(),
                       "timeline JSON");
  fuzzsupport::require(!nlohmann::json::parse(graph::timeline_to_timelinejs(t), nullptr, false).is_discarded(),
                       "TimelineJS JSON");
  return 0;
}
