#include <doctest/doctest.h>

#include "graph/graph_fixtures.hpp"

using storyline::graph::build_timeline;
using storyline::graph::filter_timeline;
using storyline::graph::Timeline;
using storyline::graph::testing::DocBuilder;

namespace {

std::vector<std::string> ids(const Timeline& t) {
  std::vector<std::string> out;
  for (const auto& e : t.events) out.push_back(e.id);
  return out;
}

// One document, events out of date order, two undated ones.
void fill(DocBuilder& d) {
  d.sentence("Nissan reported results on 5 March 2019.");   // 0
  d.sentence("In 2018 Ghosn was arrested in Tokyo.");          // 1
  d.sentence("On 1 January 2018 the board met.");              // 2
  d.sentence("Renault will respond someday.");                 // 3
  d.sentence("Tokyo flooded now.");                            // 4
  d.sentence("In January 2018 Nissan hired Kelly.");           // 5
  d.entity("org:nissan", "Nissan", "ORG");
  d.entity("per:ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
  d.entity("loc:tokyo", "Tokyo", "LOC");
  d.entity("org:renault", "Renault", "ORG");
  d.event("ev1", "report", "2019-03-05", {"org:nissan"}, "reported", 0, "Nissan reports results");
  d.event("ev2", "arrest", "2018", {"loc:tokyo", "per:ghosn"}, "arrested", 1, "Ghosn arrested");
  d.event("ev3", "meeting", "2018-01-01", {"loc:tokyo"}, "met", 2, "Board meets");
  d.event("ev4", "respond", std::nullopt, {"org:renault"}, "respond", 3);
  d.event("ev5", "flood", "PRESENT_REF", {"loc:tokyo"}, "flooded", 4);
  d.event("ev6", "hire", "2018-01", {"org:nissan"}, "hired", 5, "Nissan hires Kelly");
}

}  // namespace

TEST_SUITE("graph") {

TEST_CASE("build_timeline orders by first day, coarser first, and counts undated events") {
  DocBuilder d("doc1");
  fill(d);
  const Timeline t = build_timeline({d.input()});
  CHECK(t.title == "doc1");
  CHECK(t.undated == 2);
  // 2018 (year) < 2018-01 (month) < 2018-01-01 (day): same first day, longer interval first.
  CHECK(ids(t) == std::vector<std::string>{"ev2", "ev6", "ev3", "ev1"});
  const auto& arrest = t.events[0];
  CHECK(arrest.type == "arrest");
  CHECK(arrest.summary == "Ghosn arrested");
  CHECK(arrest.date_value == "2018");
  CHECK(arrest.participants == std::vector<std::string>{"loc:tokyo", "per:ghosn"});
  CHECK(arrest.participant_names == std::vector<std::string>{"Tokyo", "Carlos Ghosn"});
  CHECK(arrest.lane == "Carlos Ghosn");   // first PER/ORG participant, not the place
  CHECK(arrest.evidence.doc == "doc1");
  CHECK(arrest.evidence.sentence_text == "In 2018 Ghosn was arrested in Tokyo.");
  CHECK(d.text.substr(arrest.evidence.start, arrest.evidence.end - arrest.evidence.start) == "arrested");
  CHECK(t.events[2].lane == "meeting");   // only a place: lane falls back to the event type
  CHECK(t.events[3].lane == "Nissan");
}

TEST_CASE("build_timeline over several documents: prefixed ids, document order on ties, duplicates merged") {
  DocBuilder a("a");
  a.sentence("On 19 November 2018 Ghosn was arrested.");
  a.entity("per:ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
  a.event("ev1", "arrest", "2018-11-19", {"per:ghosn"}, "arrested", 0);
  DocBuilder b("b");
  b.sentence("Ghosn was arrested on 19 November 2018. Nissan fell on 19 November 2018.");
  b.entity("per:ghosn", "Ghosn", "PER");
  b.entity("org:nissan", "Nissan", "ORG");
  b.event("ev1", "arrest", "2018-11-19", {"per:ghosn"}, "arrested", 0);   // the same arrest, told again
  b.event("ev2", "fall", "2018-11-19", {"org:nissan"}, "fell", 0);
  b.event("ev3", "arrest", "2018-11-19", {"per:ghosn"}, "arrested", 0).modality = "negated";
  const Timeline t = build_timeline({a.input(), b.input()});
  CHECK(t.title == "2 documents");
  // Same day: document order, then trigger offset (b:ev3's trigger is the first "arrested").
  CHECK(ids(t) == std::vector<std::string>{"a:ev1", "b:ev3", "b:ev2"});
  CHECK(t.events[0].participants == std::vector<std::string>{"per:ghosn"});   // merged node id
  CHECK(t.events[0].lane == "Carlos Ghosn");
}

TEST_CASE("issue 5: order constraints reorder same-date events and place undated ones beside their anchor") {
  DocBuilder d("d");
  d.sentence("On 3 May 2021 Holloway resigned after the takeover.");   // 0
  d.sentence("Globex took over Initech on 3 May 2021.");               // 1
  d.sentence("Earlier the board met.");                                // 2
  d.sentence("Nobody knows when Initech moved.");                      // 3
  d.entity("per:holloway", "Jane Holloway", "PER", {"Holloway"});
  d.entity("org:globex", "Globex", "ORG");
  d.entity("org:initech", "Initech", "ORG");
  auto& resign = d.event("ev1", "resignation", "2021-05-03", {"per:holloway"}, "resigned", 0);
  resign.order.push_back({"after", "ev2", "after the takeover"});
  d.event("ev2", "acquisition", "2021-05-03", {"org:globex", "org:initech"}, "took", 1);
  auto& met = d.event("ev3", "meeting", std::nullopt, {"org:globex"}, "met", 2);
  met.order.push_back({"before", "ev2", "earlier"});
  d.event("ev4", "move", std::nullopt, {"org:initech"}, "moved", 3);
  const Timeline t = build_timeline({d.input()});
  // ev3 borrows ev2's date and goes before it; ev1 follows ev2 although told first.
  CHECK(ids(t) == std::vector<std::string>{"ev3", "ev2", "ev1"});
  CHECK(t.events[0].date_source == "order");
  CHECK(t.events[0].date_value == "2021-05-03");
  CHECK(t.events[2].after == std::vector<std::string>{"ev2"});
  CHECK(t.events[1].after == std::vector<std::string>{"ev3"});
  CHECK(t.undated == 1);   // ev4 has no date and no constraint
}

TEST_CASE("filter_timeline keeps events overlapping [from, to] and drops non-asserted unless asked") {
  DocBuilder d("doc1");
  fill(d);
  d.sentence("The 2010s were turbulent, and a merger might come in 2019.");   // 6
  d.event("ev7", "turbulence", "201", {}, "turbulent", 6);
  d.event("ev8", "merger", "2019", {}, "merger", 6).modality = "hypothetical";
  const Timeline t = build_timeline({d.input()});
  CHECK(ids(t) == std::vector<std::string>{"ev7", "ev2", "ev6", "ev3", "ev8", "ev1"});

  CHECK(ids(filter_timeline(t, 2019, std::nullopt)) == std::vector<std::string>{"ev7", "ev1"});
  CHECK(ids(filter_timeline(t, 2019, std::nullopt, true)) == std::vector<std::string>{"ev7", "ev8", "ev1"});
  CHECK(ids(filter_timeline(t, std::nullopt, 2018)) == std::vector<std::string>{"ev7", "ev2", "ev6", "ev3"});
  CHECK(ids(filter_timeline(t, 2015, 2016)) == std::vector<std::string>{"ev7"});
  CHECK(filter_timeline(t, 2020, 2030).events.empty());   // the 2010s end in 2019
  CHECK(filter_timeline(t, std::nullopt, std::nullopt).events.size() == 5);
  CHECK(filter_timeline(t, 2019, 2019).undated == t.undated);
}

}  // TEST_SUITE
