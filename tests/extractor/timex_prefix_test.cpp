// The prefix trie of the start-position engine reads rules with few entries to more symbols
// (kLongSymbols): "on Saturday " is then refused for "(?:on\s+)?{weekday_plural}" without an
// RE2::Set call. The engine must still find exactly what the per-paragraph scans find, at the end
// of the text, across whitespace runs and case, and next to non-ASCII bytes. Texts written for this
// test.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../../extractor/src/timex_engine.hpp"
#include "storyline/extractor/timex.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

namespace {

std::string listing(const std::vector<timex_internal::Candidate>& cs) {
  std::string out;
  for (const auto& c : cs)
    out += std::to_string(c.start) + "-" + std::to_string(c.end) + " r" + std::to_string(c.rule) + " " + c.value + "\n";
  return out;
}

}  // namespace

TEST_SUITE("extractor.timex") {
  TEST_CASE("long trie entries: the start engine still finds what the block scans find") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    REQUIRE(timex_engine::uses_starts(*t));
    const std::vector<std::string> texts = {
        "We meet on Saturdays and left on Saturday.",
        "ON SATURDAYS, on  Saturdays, on\nSundays, on\t\tMondays, on Saturday's game, on Saturdaysx.",
        "every Monday, each   Tuesday, every Mondays, each\tFriday, Every FRIDAY, everyMonday",
        "on Saturdays",
        "on Saturday",
        "on Saturd",
        "on S\u00e1turdays, on Saturdays\u00e9, \u00e9on Saturdays, on Saturday\u2019s",
        "the year, the years, the yearly report, over the years, this year, the year-end",
        "once a week, twice a month, three times a year, several times a day, once ayear",
    };
    int failures = 0;
    for (const auto& text : texts) {
      auto [starts, blocks] = timex_engine::both(*t, text);
      if (listing(starts) != listing(blocks)) {
        ++failures;
        MESSAGE("text: " << text << "\nstarts:\n" << listing(starts) << "blocks:\n" << listing(blocks));
      }
    }
    CHECK(failures == 0);
  }

  TEST_CASE("long trie entries: \"on Saturdays\" is a set, \"on Saturday\" is not") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    const std::string text = "We meet on Saturdays and left on Saturday.";
    const auto starts = timex_engine::both(*t, text).first;
    bool plural = false, singular_set = false;
    for (const auto& c : starts) {
      const std::string span = text.substr(c.start, c.end - c.start);
      if (span == "on Saturdays" && c.value == "XXXX-WXX-6") plural = true;
      if (c.start >= text.find("left") && c.value.rfind("XXXX-WXX", 0) == 0) singular_set = true;
    }
    CHECK(plural);
    CHECK_FALSE(singular_set);
  }
}
