// Runs every `examples` and `counter_examples` row of every timex rule file (Duckling-style corpus):
// an example must yield exactly one timex covering the whole text with the expected type and value,
// against the file's fixed document date; a counter-example must yield nothing. Failures are counted
// over all rows and listed together instead of stopping at the first.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "storyline/extractor/timex.hpp"

using namespace storyline::extractor;

namespace {

RuleDirs source_rules() { return RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}); }

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_SUITE("extractor.time") {
  TEST_CASE("every example and counter-example of every timex rule file") {
    auto tagger = TimexTagger::load(source_rules());
    if (!tagger.ok()) FAIL(tagger.error().message);
    const auto files = source_rules().list("en/timex", ".json");
    REQUIRE(!files.empty());
    int rows = 0, rules_with_examples = 0;
    std::vector<std::string> failures;
    for (const auto& path : files) {
      const nlohmann::json j = nlohmann::json::parse(slurp(path));
      const std::string dct = j.value("dct", "2018-11-21");
      for (const auto& rule : j["rules"]) {
        const std::string id = rule.value("id", "?");
        if (rule.contains("examples") && !rule["examples"].empty()) ++rules_with_examples;
        for (const auto& ex : rule.value("examples", nlohmann::json::array())) {
          ++rows;
          const std::string text = ex["text"];
          const auto got = tagger->tag(text, {{0, text.size()}}, dct);
          std::string why;
          if (got.size() != 1) why = std::to_string(got.size()) + " timexes";
          else if (got[0].start != 0 || got[0].end != text.size()) why = "partial span '" + got[0].text + "'";
          else if (got[0].type != ex["type"]) why = "type " + got[0].type;
          else if (got[0].value != ex["value"]) why = "value " + got[0].value;
          if (!why.empty()) {
            std::string detail;
            for (const auto& t : got) detail += " [" + t.text + "|" + t.type + "|" + t.value + "|" + t.rule + "]";
            failures.push_back(path.filename().string() + ": " + id + ": '" + text + "': " + why + detail);
          }
        }
        for (const auto& cx : rule.value("counter_examples", nlohmann::json::array())) {
          ++rows;
          const std::string text = cx;
          const auto got = tagger->tag(text, {{0, text.size()}}, dct);
          if (!got.empty())
            failures.push_back(path.filename().string() + ": " + id + ": counter-example '" + text +
                               "' yielded '" + got[0].text + "' (" + got[0].rule + ")");
        }
      }
    }
    std::string report;
    for (const auto& f : failures) report += f + "\n";
    INFO(failures.size() << " of " << rows << " rows failed:\n" << report);
    CHECK(rows > 100);
    CHECK(rules_with_examples > 50);
    CHECK(failures.empty());
  }
}
