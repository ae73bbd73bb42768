// Bounded work on pathological text (issue 8): each input completes and gives sane output. Timing is
// not asserted here (that belongs in bench/); the work is linear by construction — long sentences are
// cut at ExtractOptions::max_sentence_tokens, co-occurrence is capped per sentence — and a quadratic
// regression shows up as a CTest timeout of this suite, most visibly in the sanitizer build.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storyline/extractor/extractor.hpp"
#include "storyline/graph/graph.hpp"

using namespace storyline;
using namespace storyline::extractor;

namespace {

const Extractor& loaded() {
  static Extractor ex = [] {
    auto r = Extractor::load(RuleDirs::defaults());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
  }();
  return ex;
}

// Extracts, checks every offset and the JSON, builds the graph and timeline; returns the extraction.
Extraction run_sane(const std::string& text, std::size_t* cut = nullptr) {
  DocumentInfo info;
  info.id = "pathological";
  info.source = "pathological.txt";
  info.date = "2023-02-06";
  info.date_source = "option";
  ExtractOptions options;
  options.sentences_cut = cut;
  Extraction x = loaded().extract(text, info, options);
  for (const auto& s : x.sentences) REQUIRE((s.start <= s.end && s.end <= text.size()));
  for (const auto& t : x.timexes) REQUIRE((t.start < t.end && t.end <= text.size()));
  for (const auto& e : x.entities)
    for (const auto& m : e.mentions) REQUIRE((m.start < m.end && m.end <= text.size() && m.sentence < x.sentences.size()));
  auto j = nlohmann::json::parse(to_json(x, -1), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  std::vector<graph::DocumentInput> docs = {{&x, &text}};
  graph::KnowledgeGraph g = graph::build_graph(docs);
  graph::compute_analytics(g);
  CHECK(g.nodes.size() == x.entities.size());
  graph::FilterOptions keep;
  keep.top = 50;
  graph::KnowledgeGraph top = graph::filter_graph(g, keep);
  CHECK(top.nodes.size() <= 50);
  (void)graph::build_timeline(docs);
  return x;
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_SUITE("extractor.pathological") {

TEST_CASE("one 5 MB line with no spaces") {
  std::string text = "Start. " + repeat("abcdefghijKLMNOPQRST0123456789-_/", 5'000'000 / 33) + " End.";
  Extraction x = run_sane(text);
  CHECK(x.sentences.size() >= 1);
  CHECK(x.entities.size() < 10);
}

TEST_CASE("100,000 capitalised words in a row") {
  // Distinct words, so nothing collapses into one repeated name.
  std::string text;
  for (int i = 0; i < 100'000; ++i) text += "Word" + std::string(1, static_cast<char>('A' + i % 26)) +
                                            std::to_string(i % 997) + (i % 2 ? "x " : " ");
  text += ".";
  std::size_t cut = 0;
  Extraction x = run_sane(text, &cut);
  CHECK(cut >= 1);   // one sentence of 100,000 tokens is cut at max_sentence_tokens
  CHECK(x.sentences.size() >= 100'000 / 2000);
  CHECK(x.relations.size() < 100'000);   // co-occurrence stays capped per sentence piece
}

TEST_CASE("thousands of dates in one sentence") {
  std::string text = "Acme Corp. reported on";
  for (int i = 0; i < 5000; ++i)
    text += " " + std::to_string(1 + i % 28) + " March " + std::to_string(1990 + i % 30) + ",";
  text += " and in 2021.";
  std::size_t cut = 0;
  Extraction x = run_sane(text, &cut);
  CHECK(x.timexes.size() >= 1000);
  for (const auto& t : x.timexes) CHECK(!t.value.empty());
}

TEST_CASE("deeply nested brackets and quotes") {
  std::string open = repeat("(\"[{'\xE2\x80\x9C", 20'000), close = repeat("\xE2\x80\x9D'}]\")", 20'000);
  std::string text = "Acme Corp. said " + open + "Globex Inc. bought Initech LLC on May 5, 2020" + close + ".";
  Extraction x = run_sane(text);
  CHECK(x.entities.size() >= 1);
  std::string unbalanced = repeat("((((\"\"\"", 50'000) + " Jane Doe joined Acme Corp.";
  run_sane(unbalanced);
}

TEST_CASE("a control-character flood") {
  std::string text = "Acme Corp. hired Jane Doe in 2020. ";
  for (int i = 0; i < 300'000; ++i) {
    char c = static_cast<char>(1 + i % 31);   // every C0 control except NUL (NUL is refused as binary)
    text.push_back(c);
  }
  text += " Globex Inc. sued Acme Corp. on 3 May 2021.";
  Extraction x = run_sane(text);
  CHECK(x.timexes.size() >= 1);
}

TEST_CASE("many short sentences and many distinct entities stay linear") {
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += "Company" + std::to_string(i) + " Corp. hired Person" + std::to_string(i) + ". ";
  Extraction x = run_sane(text);
  CHECK(x.sentences.size() >= 10'000);
}

TEST_CASE("a thousand people with one family name") {
  // "Smith" alone names none of them (it is ambiguous); each full name is one person. The alias
  // "Smith" names at most 64 of them (a look-up over every Smith for every "Smith" made this
  // quadratic), which keeps it ambiguous.
  const char* syllables[] = {"Ka", "Ro", "Vel", "Mi", "Da", "Si", "Or", "Te", "Lu", "Ma", "No", "Bri"};
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    std::string given = std::string(syllables[i % 12]) + char('a' + (i / 12) % 26) + "kane" + char('a' + i / 312);
    text += "Chief executive " + given + " Smith joined Acme Corp. in 2020. Smith said the firm would grow. ";
  }
  Extraction x = run_sane(text);
  std::size_t smiths = 0, bare = 0;
  for (const auto& e : x.entities) {
    if (e.type == "PER" && e.name.ends_with(" Smith") && e.mentions.size() == 1) ++smiths;
    if (e.name == "Smith") ++bare;
  }
  CHECK(smiths == 1000);
  CHECK(bare == 0);
}

}  // TEST_SUITE
