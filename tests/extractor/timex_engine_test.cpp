// The start-position engine of the timex tagger (anchored RE2::Set at the positions where a rule can
// begin) must find exactly the candidates of the per-paragraph unanchored scans it replaced: same
// spans, rules and values, in the same order. Texts written for this test: digits glued to letters
// and symbols, UTF-8 neighbours, apostrophes, long digit runs, numbers in tables.
#include <doctest/doctest.h>

#include <filesystem>
#include <cctype>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../extractor/src/timex_engine.hpp"
#include "storyline/extractor/timex.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

namespace {

std::string describe(const std::vector<timex_internal::Candidate>& cs) {
  std::string out;
  for (const auto& c : cs)
    out += std::to_string(c.start) + "-" + std::to_string(c.end) + " r" + std::to_string(c.rule) + " " + c.value + "\n";
  return out;
}

// How many of `texts` the two engines tag differently (each difference is printed); *found adds
// up the candidates the start-position engine found.
int engine_differences(const TimexTagger& t, const std::vector<std::string>& texts, std::size_t* found = nullptr) {
  int failures = 0;
  for (const auto& text : texts) {
    auto [starts, blocks] = timex_engine::both(t, text);
    if (found) *found += starts.size();
    if (describe(starts) != describe(blocks)) {
      ++failures;
      MESSAGE("text: " << text << "\nstarts:\n" << describe(starts) << "blocks:\n" << describe(blocks));
    }
  }
  return failures;
}

}  // namespace

TEST_SUITE("extractor.timex") {
  TEST_CASE("start-position engine finds what the block scans find") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    CHECK(timex_engine::uses_starts(*t));
    const std::vector<std::string> texts = {
        "The depot reopened on March 3, 2021, two years after the flood of 12/04/2019.",
        "Codes x2019 and 2019x, AB1990s, $2018, #1999, 2,018 and 2018.5 are not years; 20% is not either.",
        "Call 650-650-6500 before 10:30 p.m. or after 7am tomorrow\u2014or on Friday\u20142022 at the latest.",
        "Prices rose in the \u201990s and in the '80s; caf\u00e9 2019, na\u00efve1998, \u00e92010 and \u00e9 2010.",
        "Q3 2020 results, the first quarter of 2021, fiscal 2019, H1 2018 and the third-quarter earnings.",
        "Team  W  L  PCT\nAlpha 12 4 .750\nBeta 10 6 .625\n\n1999 2000 2001 20022003 123456789 1,234,567 days",
        "every Monday, twice a week, three times a year, the past 15 years, several months ago, mid-2000s",
        "Last week's vote -- held on Tuesday, Nov. 19 -- came a decade after the 2009 ballot; next spring.",
        "\u00c9t\u00e9 2019, \u041c\u043e\u0441\u043a\u0432\u0430 1998, \u65e5\u672c2020\u5e74, 2021\u00b7 and \u00a92017.",
        "",
        "2019",
        "May",
        "The programme This Week aired this week; at high noon, High Noon, and this Week.",
    };
    std::size_t total = 0;
    CHECK(engine_differences(*t, texts, &total) == 0);
    CHECK(total > 40);   // the texts do wake many rules
  }

  // The prefix trie reads rules with few entries to more symbols (kLongSymbols): "on Saturday " is
  // then refused for "(?:on\s+)?{weekday_plural}" without an RE2::Set call. The engine must still
  // find what the block scans find at the end of the text, across white space runs and case, and
  // next to non-ASCII bytes.
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
    CHECK(engine_differences(*t, texts) == 0);
  }

  // The start engine finds where a rule's match ends, and which of several rules match at a
  // position, with its own DFAs (SpanNfa / SpanDfa) on ASCII text, and asks RE2 only elsewhere; the
  // block scans ask RE2 everywhere. Word soup of the rules' own vocabulary, in random case, spacing
  // and punctuation, with non-ASCII bytes here and there (the Kelvin sign and the long s, which RE2
  // folds to 'k' and 's'; '½'), must give both the same candidates.
  TEST_CASE("random word soup: the start engine's DFAs find what RE2's block scans find") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    REQUIRE(timex_engine::uses_starts(*t));
    const std::vector<std::string> words = {
        "January", "Feb.", "March", "Sept", "sept.", "Dec", "May", "june", "Monday", "Tues.", "Friday", "Saturdays",
        "weekend", "spring", "summer", "fall", "winter", "noon", "midnight", "morning", "tonight", "today", "tomorrow",
        "yesterday", "day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "century", "hour",
        "hours", "minutes", "quarter", "half", "fiscal", "Q3", "H1", "FY2020", "mid", "mid-", "early", "late", "last",
        "next", "this", "that", "the", "a", "an", "of", "in", "on", "at", "by", "since", "until", "from", "to", "ago",
        "later", "earlier", "past", "previous", "coming", "every", "each", "once", "twice", "times", "per", "one",
        "two", "three", "twelve", "twenty", "twenty-five", "hundred", "dozen", "few", "several", "first", "second",
        "third", "1", "3", "12", "15", "31", "2019", "1998", "2000s", "'90s", "1990s", "10:30", "7am", "p.m.", "a.m.",
        "12/04/2019", "2021-03-03", "3rd", "21st", "GMT", "EST", "B.C.", "AD", "now", "recently", "currently", "era",
        "annual", "daily", "weekly", "old", "-year-old", "long", "term", "end", "start", "beginning", "caf\u00e9",
        "\u00e92010", "\u2019", "\u2014", "\u00a0", "\u212a", "wee\u212as", "\u017fix", "\u017feconds", "\u00bd", "2\u00bd",
        "\u00a3", "\u0130", "\u00c5", "x", "#", "$", "%", "(", ")", "'", "\"", ";"};
    const std::vector<std::string> gaps = {" ", " ", " ", " ", "  ", "\t", ", ", ". ", "-", "/", "", "\n", "\n\n", " -- "};
    std::mt19937 rng(20261127);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    std::vector<std::string> texts;
    for (int k = 0; k < 24; ++k) {
      std::string text;
      for (int w = 0; w < 400; ++w) {
        std::string word = words[pick(words.size())];
        switch (pick(6)) {  // case: mostly as written
          case 0:
            for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            break;
          case 1:
            for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            break;
          default:
            break;
        }
        text += word;
        text += gaps[pick(gaps.size())];
      }
      texts.push_back(std::move(text));
    }
    std::size_t found = 0;
    int failures = 0;
    for (const auto& text : texts) {
      timex_engine::forget_outcomes();  // every text read by the DFAs, not remembered
      failures += engine_differences(*t, {text}, &found);
    }
    CHECK(failures == 0);
    CHECK(found > 1000);  // the soup does wake the rules
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

  TEST_CASE("capture groups read at load time are those RE2 numbers (rules compile on first use)") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    CHECK(timex_engine::group_mismatches(*t) == "");
  }

  TEST_CASE("captures through word forms (\"[a-z]+\" for a lexicon) are those of the full pattern") {
    auto t = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    REQUIRE(t.ok());
    // Number words with spaces and hyphens, words that are no numbers where a number would be,
    // spoken years, upper case, and a long s (U+017F), which RE2 folds to 's' but the check does not.
    const std::vector<std::string> texts = {
        "twenty one years, twenty-one-year-old, a dozen years, one hundred days, five more years ago",
        "the past twenty five years; Ninety-Nine days later; TWENTY TWO MONTHS ago; a thousand years",
        "every three weeks, three times a week, twice a month, the last seven days, the next 10 years",
        "nineteen ninety-six, in the spring of nineteen eighty four, March of nineteen ninety nine",
        "\u017fix years, \u017feven days ago, six \u017feconds, two and a half years, 2 1/2 months",
        "several more weeks, a few days later, many years ago, the first five days, the final two hours",
        "one-day strike, eleven-week run, a three-year-old, four year olds, the twelve-month period",
        "ten thousand years, twenty dozen days, a one year deal, one one years, sixty sixty days ago",
        "on Mondays, last Friday, next spring, September 11, Sept. 3, 2019, the third quarter of 2020",
    };
    std::size_t taken = 0, refused = 0;
    std::string mismatches;
    for (const auto& text : texts) mismatches += timex_engine::word_form_mismatches(*t, text, taken, refused);
    CHECK(mismatches == "");
    CHECK(taken > 50);   // the word forms are used
    CHECK(refused > 0);  // and refused where their text is no surface
  }

  TEST_CASE("rules compiled on first use by threads tagging at once give what one thread gives") {
    const auto dirs = RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"});
    const std::vector<std::string> texts = {
        "The depot reopened on March 3, 2021, two years after the flood of 12/04/2019.",
        "every Monday, twice a week, three times a year, the past 15 years, several months ago, mid-2000s",
        "Q3 2020 results, the first quarter of 2021, fiscal 2019, H1 2018 and the third-quarter earnings.",
        "Call before 10:30 p.m. or after 7am tomorrow, or on Friday at the latest; next spring, last week."};
    auto run = [&](const TimexTagger& t) {
      std::string out;
      for (const auto& text : texts)
        for (const auto& x : t.tag(text, {}, std::string("2022-06-01"))) out += x.text + "=" + x.value + ";";
      return out;
    };
    auto single = TimexTagger::load(dirs);
    REQUIRE(single.ok());
    const std::string expected = run(*single);
    CHECK(expected.find("2021-03-03") != std::string::npos);
    for (int round = 0; round < 3; ++round) {
      auto shared = TimexTagger::load(dirs);  // fresh: no rule compiled yet
      REQUIRE(shared.ok());
      std::string got[4];
      std::vector<std::thread> pool;
      for (int k = 0; k < 4; ++k) pool.emplace_back([&, k] { got[k] = run(*shared); });
      for (auto& th : pool) th.join();
      for (const auto& g : got) CHECK(g == expected);
    }
  }

  TEST_CASE("a rule that reads outside its match (\\b) switches to the block scans") {
    namespace fs = std::filesystem;
    const fs::path dir = testsupport::temp_dir("timex-engine");   // per process: parallel runs do not collide
    fs::create_directories(dir / "en/timex");
    {
      std::ofstream f(dir / "en/timex/zz_boundary.json");
      f << R"({"rules": [{"id": "test.fortnight", "priority": 1, "type": "DURATION", "value": "P2W",)"
        << R"( "pattern": "\\bfortnight\\b"}]})";
    }
    auto t = TimexTagger::load(RuleDirs({fs::path(STORYLINE_SOURCE_DIR) / "extractor/rules", dir}));
    REQUIRE(t.ok());
    CHECK_FALSE(timex_engine::uses_starts(*t));
    const std::string text = "The repairs took a fortnight and ended on May 4, 2022.";
    auto xs = t->tag(text, {}, std::string("2022-06-01"));
    bool fortnight = false, date = false;
    for (const auto& x : xs) {
      fortnight = fortnight || (x.text == "fortnight" && x.value == "P2W");
      date = date || x.value == "2022-05-04";
    }
    CHECK(fortnight);
    CHECK(date);
    fs::remove_all(dir);
  }

  // The prefix trie's first three bytes (tri_) can already say yes: an entry that ends OPEN within
  // them ("ab" of "ab.c" reads anything next). The walk then still takes one step, from the node
  // that stands for yes, which must stay yes; whitespace runs read as one symbol the same way.
  TEST_CASE("prefix trie: a yes within the first three bytes stays yes") {
    namespace fs = std::filesystem;
    const fs::path dir = testsupport::temp_dir("timex-trie");
    fs::create_directories(dir / "en/timex");
    {
      std::ofstream f(dir / "en/timex/zz_open.json");
      f << R"({"rules": [{"id": "test.qz_open", "priority": 1, "type": "DURATION", "value": "P2W",)"
        << R"( "pattern": "qz.k"}, {"id": "test.qzv_space", "priority": 1, "type": "DURATION", "value": "P3W",)"
        << R"( "pattern": "qzv\\s+w"}]})";
    }
    auto t = TimexTagger::load(RuleDirs({fs::path(STORYLINE_SOURCE_DIR) / "extractor/rules", dir}));
    REQUIRE(t.ok());
    REQUIRE(timex_engine::uses_starts(*t));
    const std::vector<std::string> texts = {"qzxk", "a qz-k b", "QZ k.", "qzk", "qz", "qzv w", "qzv \n\t w, qzvw",
                                            "qzv  w"};
    std::size_t found = 0;
    CHECK(engine_differences(*t, texts, &found) == 0);
    CHECK(found >= 5);
    fs::remove_all(dir);
  }
}
