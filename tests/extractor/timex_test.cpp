// Unit tests of the timex tagger: negative corpus, overlap resolution, anchoring with and without a
// document date, anaphora, timex_value parsing and dateline detection.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <filesystem>
#include <string>
#include <vector>

#include "../../extractor/src/timex_internal.hpp"
#include "storyline/extractor/timex.hpp"
#include "storyline/extractor/timex_value.hpp"

using namespace storyline::extractor;

namespace {

const TimexTagger& tagger() {
  static const TimexTagger t = [] {
    auto r = TimexTagger::load(RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"}));
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return *r;
  }();
  return t;
}

std::vector<Timex> tag(const std::string& text, std::optional<std::string> dct = "2018-11-21") {
  return tagger().tag(text, {{0, text.size()}}, dct);
}

}  // namespace

TEST_SUITE("extractor.time") {
  TEST_CASE("negative corpus: text that must yield no timex") {
    const char* kNone[] = {
        "Call us at 650-650-6500.", "The code is 2882015.", "They may leave early.",
        "It cost $2018 in total.", "About 2,018 people came.", "We march on.", "Room 1204B.",
        "He scored 20.2018 points.", "The 6-year-old boy smiled.", "Version 3.5 shipped.",
        "a 5-4 vote", "nowhere to be seen", "the snow fell", "Mayor Jones spoke.",
    };
    int failures = 0;
    for (const char* text : kNone) {
      const auto got = tag(text);
      if (!got.empty()) {
        ++failures;
        MESSAGE("'" << text << "' yielded '" << got[0].text << "' (" << got[0].rule << ")");
      }
    }
    CHECK(failures == 0);
  }

  TEST_CASE("overlap resolution: longer span, then priority, then start, then id") {
    using timex_internal::Candidate;
    const std::vector<std::string> ids = {"a", "b", "c"};
    auto mk = [](std::size_t s, std::size_t e, int prio, int rule) {
      Candidate c;
      c.start = s;
      c.end = e;
      c.priority = prio;
      c.rule = rule;
      return c;
    };
    SUBCASE("longer span wins over higher priority") {
      auto kept = timex_internal::resolve_overlaps({mk(0, 4, 99, 0), mk(0, 10, 1, 1)}, ids);
      REQUIRE(kept.size() == 1);
      CHECK(kept[0].rule == 1);
    }
    SUBCASE("equal length: priority") {
      auto kept = timex_internal::resolve_overlaps({mk(0, 5, 1, 0), mk(2, 7, 5, 1)}, ids);
      REQUIRE(kept.size() == 1);
      CHECK(kept[0].rule == 1);
    }
    SUBCASE("equal length and priority: earlier start") {
      auto kept = timex_internal::resolve_overlaps({mk(2, 7, 5, 0), mk(0, 5, 5, 1)}, ids);
      REQUIRE(kept.size() == 1);
      CHECK(kept[0].start == 0);
    }
    SUBCASE("identical span: smaller id; input order does not matter") {
      auto k1 = timex_internal::resolve_overlaps({mk(0, 5, 5, 2), mk(0, 5, 5, 0)}, ids);
      auto k2 = timex_internal::resolve_overlaps({mk(0, 5, 5, 0), mk(0, 5, 5, 2)}, ids);
      REQUIRE(k1.size() == 1);
      CHECK(k1[0].rule == 0);
      CHECK(k2[0].rule == 0);
    }
    SUBCASE("latent candidates block overlaps but are not returned") {
      auto c = mk(0, 10, 1, 0);
      c.latent = true;
      auto kept = timex_internal::resolve_overlaps({c, mk(0, 4, 1, 1), mk(12, 15, 1, 2)}, ids);
      REQUIRE(kept.size() == 1);
      CHECK(kept[0].start == 12);
    }
    SUBCASE("non-overlapping results come back in text order") {
      auto kept = timex_internal::resolve_overlaps({mk(20, 25, 1, 0), mk(0, 5, 1, 1)}, ids);
      REQUIRE(kept.size() == 2);
      CHECK(kept[0].start == 0);
    }
    SUBCASE("many random candidates: what checking each against every kept span keeps") {
      // resolve_overlaps finds a clash through an ordered map of the kept spans; this is the
      // definition it must agree with, on dense, nested and touching spans.
      std::uint32_t seed = 12345;
      auto next = [&](std::uint32_t n) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % n;
      };
      for (int round = 0; round < 50; ++round) {
        std::vector<Candidate> cands;
        const int n = 1 + static_cast<int>(next(200));
        for (int i = 0; i < n; ++i) {
          const std::size_t s = next(300), len = 1 + next(12);
          Candidate c = mk(s, s + len, static_cast<int>(next(4)), static_cast<int>(next(3)));
          c.latent = next(10) == 0;
          cands.push_back(c);
        }
        // The reference: the same order, then a scan of all kept spans per candidate.
        std::vector<Candidate> order = cands;
        std::sort(order.begin(), order.end(), [&](const Candidate& a, const Candidate& b) {
          const std::size_t la = a.end - a.start, lb = b.end - b.start;
          if (la != lb) return la > lb;
          if (a.priority != b.priority) return a.priority > b.priority;
          if (a.start != b.start) return a.start < b.start;
          return ids[a.rule] < ids[b.rule];
        });
        std::vector<Candidate> expected;
        for (const auto& c : order) {
          bool clash = false;
          for (const auto& k : expected) clash = clash || (c.start < k.end && k.start < c.end);
          if (!clash) expected.push_back(c);
        }
        std::erase_if(expected, [](const Candidate& c) { return c.latent; });
        std::sort(expected.begin(), expected.end(),
                  [](const Candidate& a, const Candidate& b) { return a.start < b.start; });
        const auto kept = timex_internal::resolve_overlaps(cands, ids);
        REQUIRE(kept.size() == expected.size());
        for (std::size_t i = 0; i < kept.size(); ++i) {
          CHECK(kept[i].start == expected[i].start);
          CHECK(kept[i].end == expected[i].end);
          CHECK(kept[i].rule == expected[i].rule);
        }
      }
    }
  }

  TEST_CASE("tagging a sentence: longest match, offsets, sentence index") {
    const std::string text = "Shares fell. On Nov. 19, 2018 the company said profit rose 5% last year.";
    const auto xs = tagger().tag(text, {{0, 12}, {13, text.size()}}, "2018-11-21");
    REQUIRE(xs.size() == 2);
    CHECK(xs[0].text == "Nov. 19, 2018");
    CHECK(text.substr(xs[0].start, xs[0].end - xs[0].start) == "Nov. 19, 2018");
    CHECK(xs[0].sentence == 1);
    CHECK(xs[0].value == "2018-11-19");
    CHECK(xs[1].value == "2017");
  }

  TEST_CASE("anchoring with and without a document date") {
    CHECK(tag("yesterday")[0].value == "2018-11-20");
    CHECK(tag("yesterday", std::nullopt)[0].value == "XXXX-XX-XX");
    CHECK(tag("last year", std::nullopt)[0].value == "XXXX");
    CHECK(tag("Nov. 19", std::nullopt)[0].value == "XXXX-11-19");
    CHECK(tag("recently", std::nullopt)[0].value == "PAST_REF");
    CHECK(tag("Nov. 19, 2018", std::nullopt)[0].value == "2018-11-19");
    // A month-day without a year takes the year that puts it nearest the document date.
    CHECK(tag("Dec. 28", "2019-01-03")[0].value == "2018-12-28");
    CHECK(tag("Jan. 3", "2018-12-28")[0].value == "2019-01-03");
    // Weekdays: past by default, future with a future cue.
    CHECK(tag("He left Friday.")[0].value == "2018-11-16");
    CHECK(tag("She will leave Friday.")[0].value == "2018-11-23");
  }

  TEST_CASE("anaphora: relative to the previous anchored date") {
    const auto xs = tag("The plant closed on March 3, 2015. Two months later it reopened; the next day workers returned.");
    REQUIRE(xs.size() == 3);
    CHECK(xs[0].value == "2015-03-03");
    CHECK(xs[1].value == "2015-05");
    CHECK(xs[2].value == "2015-05-02");
  }

  TEST_CASE("timex_value parsing and day ranges") {
    auto d = parse_timex_value("2018-11");
    REQUIRE(d);
    CHECK(d->granularity == Granularity::month);
    CHECK(d->first_day() == days_from_civil(2018, 11, 1));
    CHECK(d->last_day() == days_from_civil(2018, 11, 30));
    auto leap = parse_timex_value("2016-02");
    CHECK(leap->last_day() - leap->first_day() == 28);
    auto q = parse_timex_value("2019-Q3");
    REQUIRE(q);
    CHECK(q->first_day() == days_from_civil(2019, 7, 1));
    CHECK(q->last_day() == days_from_civil(2019, 9, 30));
    auto dec = parse_timex_value("199");
    REQUIRE(dec);
    CHECK(dec->granularity == Granularity::decade);
    CHECK(dec->first_day() == days_from_civil(1990, 1, 1));
    CHECK(dec->last_day() == days_from_civil(1999, 12, 31));
    auto w = parse_timex_value("2018-W47");
    REQUIRE(w);
    CHECK(w->first_day() == days_from_civil(2018, 11, 19));
    CHECK(w->last_day() == days_from_civil(2018, 11, 25));
    auto day = parse_timex_value("2018-11-19T15:00");
    REQUIRE(day);
    CHECK(day->iso() == "2018-11-19");
    auto wi = parse_timex_value("2018-WI");
    REQUIRE(wi);
    CHECK(wi->last_day() == days_from_civil(2019, 2, 28));
    CHECK(parse_timex_value("2018-H2")->first_day() == days_from_civil(2018, 7, 1));
    CHECK_FALSE(parse_timex_value("PRESENT_REF"));
    CHECK_FALSE(parse_timex_value("XXXX-11-19"));
    CHECK_FALSE(parse_timex_value("P3Y"));
    CHECK_FALSE(parse_timex_value("2018-02-30"));
    CHECK_FALSE(parse_timex_value("2018-13"));
    int y, m, dd;
    civil_from_days(days_from_civil(2000, 2, 29), y, m, dd);
    CHECK((y == 2000 && m == 2 && dd == 29));
    CHECK(days_from_civil(1970, 1, 1) == 0);
  }

  TEST_CASE("dateline detection") {
    CHECK(tagger().dateline_date("TOKYO, Feb. 6, 2023 -- Nissan said on Monday...") == "2023-02-06");
    CHECK(tagger().dateline_date("Published: 6 February 2023\n\nThe company...") == "2023-02-06");
    CHECK(tagger().dateline_date("2023-02-06\nBERLIN (Reuters) - ...") == "2023-02-06");
    CHECK_FALSE(tagger().dateline_date("BERLIN (Reuters) - The company said on Monday..."));
    std::string late(400, 'x');
    late += " on Feb. 6, 2023";
    CHECK_FALSE(tagger().dateline_date(late));
  }

  // Issue 3 (value F1): anchoring by context. Sentences written for these tests.
  TEST_CASE("a bare clock time belongs to the day the text last named") {
    const auto xs = tag("The ferry sank on Oct. 2, 2018. Rescuers arrived at 10:15 p.m. and worked until 4 a.m.");
    REQUIRE(xs.size() == 3);
    CHECK(xs[1].value == "2018-10-02T22:15");
    CHECK(xs[2].value == "2018-10-02T04:00");
    // No day named yet: the document date.
    CHECK(tag("The vote closes at 6 p.m.")[0].value == "2018-11-21T18:00");
    // A month is not a day: the clock time stays on the document date.
    const auto ys = tag("Sales rose in March. The store opens at 9 a.m.");
    REQUIRE(ys.size() == 2);
    CHECK(ys[1].value == "2018-11-21T09:00");
  }

  TEST_CASE("weekday tense: 'until' looks ahead, a plan that 'had been' set does not") {
    // dct 2018-11-21 is a Wednesday.
    CHECK(tag("The court gave the tenants until Monday to leave.")[0].value == "2018-11-26");
    CHECK(tag("The hearing was postponed until Friday morning.")[0].value == "2018-11-23");
    CHECK(tag("The offer had been due to expire Friday evening.")[0].value == "2018-11-16TEV");
    CHECK(tag("The offer had been scheduled to end Tuesday.")[0].value == "2018-11-20");
    CHECK(tag("Until Monday, the two sides had not spoken.")[0].value == "2018-11-19");
    CHECK(tag("She said the team would be flying home Saturday.")[0].value == "2018-11-24");
    CHECK(tag("Traders sold ahead of the weekend.")[0].value == "2018-W47-WE");
    // A clause-initial weekday takes the tense of the verb after it.
    CHECK(tag("On Friday, the union plans to hold a rally.").at(0).value == "2018-11-23");
    CHECK(tag("On Friday, the union held a rally.").at(0).value == "2018-11-16");
    CHECK(tag("Ahead of the summit, the ministers met on Monday.").at(0).value == "2018-11-19");
    const auto x = tag("Fans gathered Sunday evening outside the stadium.");
    REQUIRE(x.size() == 1);
    CHECK(x[0].type == "TIME");
    CHECK(x[0].value == "2018-11-18TEV");
  }

  TEST_CASE("a past-tense verb right before a month picks its latest occurrence") {
    // In a November article "March 31" alone would be read as the coming one within 4 months ...
    CHECK(tag("Profit will be reported Jan. 31.", "2018-11-21")[0].value == "2019-01-31");
    // ... but "the year ended Jan. 31" is over.
    CHECK(tag("In the fiscal year that ended Jan. 31, sales fell.", "2018-11-21")[1].value == "2018-01-31");
  }

  TEST_CASE("coming units without an article and year-end") {
    const auto xs = tag("Prices should ease in coming months, and the plant will close by year-end.");
    REQUIRE(xs.size() == 2);
    CHECK(xs[0].text == "coming months");
    CHECK(xs[0].value == "FUTURE_REF");
    CHECK(xs[1].text == "year-end");
    CHECK(xs[1].value == "2018");
  }

  TEST_CASE("'the year': the current year, a duration when it ended or runs throughout") {
    const auto xs = tag("For the year, exports were flat; in the fiscal year ended June 30 they fell, and they "
                        "should grow throughout the fiscal year. Later in the year prices rose.");
    REQUIRE(xs.size() == 5);
    CHECK((xs[0].text == "the year" && xs[0].type == "DATE" && xs[0].value == "2018"));
    CHECK((xs[1].text == "the fiscal year" && xs[1].type == "DURATION" && xs[1].value == "P1Y"));
    CHECK(xs[2].value == "2018-06-30");
    CHECK((xs[3].text == "the fiscal year" && xs[3].value == "P1Y"));
    CHECK((xs[4].text == "Later in the year" && xs[4].value == "2018"));
    const auto ws = tag("Prices have doubled over the years.");
    REQUIRE(ws.size() == 1);
    CHECK((ws[0].text == "the years" && ws[0].value == "PXY"));
    const auto ys = tag("Investors are cautious about the months ahead.");
    REQUIRE(ys.size() == 1);
    CHECK(ys[0].value == "PXM");
  }

  TEST_CASE("anaphoric weekdays and weekly sets") {
    const auto xs = tag("The strike began on Wednesday, Nov. 7, 2018, and the following Monday the mines closed.");
    REQUIRE(xs.size() == 2);
    CHECK(xs[1].value == "2018-11-12");
    const auto zs = tag("Talks collapsed on Nov. 7, 2018; the previous Friday they had looked close to a deal.");
    REQUIRE(zs.size() == 2);
    CHECK(zs[1].value == "2018-11-02");
    const auto ys = tag("The club is open on Friday and Saturday nights.");
    REQUIRE(ys.size() == 2);
    CHECK((ys[0].text == "Friday" && ys[0].type == "SET" && ys[0].value == "XXXX-WXX-5TNI"));
    CHECK((ys[1].text == "Saturday nights" && ys[1].value == "XXXX-WXX-6TNI"));
  }

  TEST_CASE("the second day of 'December 4 and 5' keeps the month") {
    const auto xs = tag("The summit is on December 4 and 5 in Vienna.");
    REQUIRE(xs.size() == 2);
    CHECK(xs[0].value == "2018-12-04");
    CHECK((xs[1].text == "5" && xs[1].value == "2018-12-05"));
    CHECK(tag("Voters go to the polls on Election Day.").at(0).value == "2018-11-06");
    const auto xs2 = tag("Robots could one day replace them, perhaps in a year or two.");
    REQUIRE(xs2.size() == 2);
    CHECK((xs2[0].text == "one day" && xs2[0].value == "FUTURE_REF"));
    CHECK((xs2[1].text == "a year or two" && xs2[1].value == "FUTURE_REF"));
    CHECK(tag("The strike lasted one day.").at(0).value == "P1D");
  }

  TEST_CASE("what a tagger tagged before changes nothing (per-thread outcome memo)") {
    // The same words in several cases and contexts, so that outcomes are reused within and across
    // texts: a capital check ("May" the month, "may" the verb), calendar checks, values.
    const std::vector<std::string> texts = {
        "On Monday, March 3, the board met. They may meet again in May 2019, or on monday.",
        "MONDAY: Sales rose 5% in the first quarter of 2019 and fell in May. on Monday they may rise.",
        "The talks on Monday, March 33, failed; talks on March 3 and in May resumed in 2019.",
        "In may the firm said last year was good; last year, March 3 and May 2019 were bad."};
    const auto dirs = RuleDirs({std::filesystem::path(STORYLINE_SOURCE_DIR) / "extractor/rules"});
    auto describe = [](const std::vector<Timex>& xs) {
      std::string out;
      for (const auto& x : xs)
        out += std::to_string(x.start) + "-" + std::to_string(x.end) + " " + x.type + " " + x.value + " " + x.rule + "\n";
      return out;
    };
    // Reference: each text tagged by a tagger that has tagged nothing yet.
    std::vector<std::string> fresh;
    for (const auto& t : texts) {
      auto tg = TimexTagger::load(dirs);
      REQUIRE(tg.ok());
      fresh.push_back(describe(tg->tag(t, {{0, t.size()}}, std::string("2019-06-01"))));
    }
    CHECK(fresh[0].find("DATE") != std::string::npos);
    CHECK(fresh[0] != fresh[1]);
    // Two taggers taking turns on this thread, each text several times and in both orders.
    auto a = TimexTagger::load(dirs), b = TimexTagger::load(dirs);
    REQUIRE((a.ok() && b.ok()));
    for (int round = 0; round < 3; ++round)
      for (std::size_t k = 0; k < texts.size(); ++k) {
        const std::size_t i = round % 2 ? texts.size() - 1 - k : k;
        const auto& tg = (k + round) % 2 ? *a : *b;
        CHECK(describe(tg.tag(texts[i], {{0, texts[i].size()}}, std::string("2019-06-01"))) == fresh[i]);
      }
  }
}

TEST_CASE("CalendarDate::iso writes snprintf's formats, in and out of the fast path's range") {
  auto want = [](const CalendarDate& d) {
    char buf[64];
    switch (d.granularity) {
      case Granularity::decade: std::snprintf(buf, sizeof buf, "%03d", d.year); break;
      case Granularity::year: std::snprintf(buf, sizeof buf, "%04d", d.year); break;
      case Granularity::day:
      case Granularity::week: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day); break;
      default: std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month); break;
    }
    return std::string(buf);
  };
  for (Granularity g : {Granularity::decade, Granularity::year, Granularity::month, Granularity::day, Granularity::week})
    for (int y : {-5, 0, 7, 42, 199, 999, 1000, 2018, 9999, 10000, 123456})
      for (int m : {0, 1, 9, 12, 99, 100})
        for (int d : {0, 5, 31, 99, 100}) {
          CalendarDate c;
          c.year = y;
          c.month = m;
          c.day = d;
          c.granularity = g;
          CHECK(c.iso() == want(c));
        }
}

TEST_CASE("anchoring writes snprintf's year and month formats, in and out of iso_date's range") {
  timex_internal::Anchor a;
  a.dct = timex_internal::Ymd{2019, 3, 5};
  a.ref = a.dct;
  char buf[64];
  for (long n : {-100000L, -3000L, -2020L, -2019L, -1L, 0L, 1L, 7980L, 7981L, 100000L}) {
    std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(2019 + n));
    CHECK(timex_internal::resolve_value("[year" + std::string(n < 0 ? "" : "+") + std::to_string(n) + "]", a) == buf);
    const long idx = 2019 * 12L + 2 + n;
    std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(idx / 12), static_cast<int>(idx % 12 + 1));
    CHECK(timex_internal::resolve_value("[month" + std::string(n < 0 ? "" : "+") + std::to_string(n) + "]", a) == buf);
  }
  CHECK(timex_internal::resolve_value("[day+1]", a) == "2019-03-06");
  CHECK(timex_internal::resolve_value("[day-64]", a) == "2018-12-31");
}

TEST_CASE("a bare month takes its year from the tense; only a past verb where a future cue changes nothing") {
  // Anchor March 2019: June (3 months ahead) is this year unless a past-tense verb points back (a
  // future cue gives this year too: near_year reads only the past verb there); November (8 ahead)
  // is last year unless a future cue points ahead.
  const auto value = [](const std::string& s) {
    const auto xs = tagger().tag(s, {{0, s.size()}}, "2019-03-05");
    return xs.size() == 1 ? xs[0].value : std::string("?");
  };
  CHECK(value("The plant opens in June.") == "2019-06");
  CHECK(value("The plant will open in June.") == "2019-06");
  CHECK(value("The plant closed June.") == "2018-06");
  CHECK(value("The plant opens in November.") == "2018-11");
  CHECK(value("The plant will open in November.") == "2019-11");
  CHECK(value("The plant closed November.") == "2018-11");
}

TEST_CASE("'a year ago' in a document about quarters: the quarter a year back, counted on demand") {
  // More than 200 bytes between the quarter talk and the expression: only the document's count
  // (Around::doc_about_quarters, read when the function asks) can see it.
  const std::string filler(260, ' ');
  const std::string twice = "Its quarterly dividend and quarterly sales rose." + filler + "Profit fell from a year ago.";
  const std::string once = "Its quarterly dividend rose." + filler + "Profit fell from a year ago.";
  const auto xs = tagger().tag(twice, {{0, twice.size()}}, "2018-11-21");
  REQUIRE(xs.size() == 1);
  CHECK(xs[0].value == "2017-Q3");
  const auto ys = tagger().tag(once, {{0, once.size()}}, "2018-11-21");
  REQUIRE(ys.size() == 1);
  CHECK(ys[0].value == "2017");
}
