// Issue 3, "a timeline of an article full of relative dates places every event right": the full
// Extractor on an article of ours whose every event is dated only relative to the document date
// ("on Tuesday", "last month", "a year ago") or to the previous date in the text ("two days later",
// "the following week", "three days earlier").
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storyline/extractor/extractor.hpp"

using namespace storyline::extractor;

namespace {

// Published on Friday 2023-03-24.
const char* kArticle =
    "Harbor Freight Logistics acquired Bluewater Shipping on Tuesday.\n\n"
    "Two days later, the board appointed Maria Lopez as chief executive of Bluewater Shipping.\n\n"
    "Last month, regulators charged Bluewater Shipping with customs fraud.\n\n"
    "On March 6, inspectors detained a Bluewater tanker in Gdansk. The following week, police "
    "arrested two Bluewater managers in Oslo.\n\n"
    "Earlier this year, Bluewater Shipping launched a new Baltic route.\n\n"
    "Earlier this month, Nordlink Freight joined the Baltic Carriers Alliance.\n\n"
    "A year ago, Bluewater Shipping sold its tanker fleet to Nordlink Freight.\n\n"
    "Yesterday, Maria Lopez resigned from the board of Nordlink Freight.\n\n"
    "On Monday, Harbor Freight Logistics fired its finance chief. Three days earlier, the company "
    "had dismissed its auditor.\n\n"
    "Next week, Harbor Freight Logistics will unveil a new logo.\n";

struct Expected {
  const char* trigger;
  const char* type;
  const char* date;  // the event's date (a week is given by its Monday)
};

// Every event, in text order.
const Expected kEvents[] = {
    {"acquired", "acquisition", "2023-03-21"},   // on Tuesday (the one before the Friday)
    {"appointed", "appointment", "2023-03-23"},  // two days after that Tuesday
    {"charged", "charge", "2023-02"},            // last month
    {"detained", "arrest", "2023-03-06"},        // March 6 (the anchor for the next sentence)
    {"arrested", "arrest", "2023-03-13"},        // the week after March 6: 2023-W11
    {"launched", "launch", "2023"},              // earlier this year
    {"joined", "partnership", "2023-03"},        // earlier this month
    {"sold", "sale", "2022"},                    // a year ago
    {"resigned", "resignation", "2023-03-23"},   // yesterday
    {"fired", "dismissal", "2023-03-20"},        // on Monday
    {"dismissed", "dismissal", "2023-03-17"},    // three days before that Monday
    {"unveil", "launch", "2023-03-27"},          // next week: 2023-W13
};

Extraction run(const std::string& text, const std::optional<std::string>& date) {
  static const Extractor ex = [] {
    auto r = Extractor::load(RuleDirs::defaults());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
  }();
  DocumentInfo info;
  info.id = "relative";
  info.source = "relative.txt";
  info.date = date;
  info.date_source = date ? "option" : "none";
  return ex.extract(text, info);
}

}  // namespace

TEST_SUITE("extractor.time") {
  TEST_CASE("issue 3: a timeline of an article full of relative dates places every event right") {
    const Extraction x = run(kArticle, "2023-03-24");
    std::vector<std::string> failures;
    std::size_t next = 0;
    for (const Expected& want : kEvents) {
      // Events in text order; find this one's trigger from where the last one was found.
      std::size_t i = next;
      while (i < x.events.size() && x.events[i].trigger.text != want.trigger) ++i;
      if (i == x.events.size()) {
        failures.push_back(std::string("no event for '") + want.trigger + "'");
        continue;
      }
      const Event& ev = x.events[i];
      next = i + 1;
      if (ev.type != want.type)
        failures.push_back(std::string(want.trigger) + ": type " + ev.type + ", want " + want.type);
      const std::string got = ev.date ? *ev.date : "(none)";
      if (got != want.date)
        failures.push_back(std::string(want.trigger) + ": date " + got + ", want " + want.date);
      else if (ev.date_source != "text")
        failures.push_back(std::string(want.trigger) + ": date source " + ev.date_source + ", want text");
    }
    std::string report;
    for (const auto& f : failures) report += f + "\n";
    CHECK_MESSAGE(failures.empty(), report);
    CHECK(x.events.size() == std::size(kEvents));
  }

  TEST_CASE("relative dates without a document date stay unanchored") {
    const Extraction x = run("Harbor Freight Logistics acquired Bluewater Shipping on Tuesday.\n", "");
    REQUIRE(x.timexes.size() == 1);
    CHECK(x.timexes[0].value == "XXXX-XX-XX");
  }
}
