// Events read the same whatever the size of what surrounds them: a long sentence (read through
// prefix counts and indexes) gives what its clauses give as short sentences (read by plain scans);
// a story told many times merges and orders its tellings as when told twice; a pronoun finds its
// person however many names came between. Timing is not asserted here (bench/ and docs/scale.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;
using testing::run;

namespace {

// What a reader sees of an event: not its trigger's offsets or sentence.
std::string seen(const Event& e) {
  std::string s = e.type + " | " + e.modality + " | " + e.date.value_or("-") + " (" + e.date_source + ") | " + e.summary + " |";
  for (const auto& p : e.participants) s += " " + p.role + ":" + p.entity;
  s += " | evidence " + std::to_string(e.evidence.size()) + " |";
  for (const auto& o : e.order) s += " " + o.relation + ":" + o.event;
  return s;
}

std::vector<std::string> seen(const Extraction& x) {
  std::vector<std::string> out;
  for (const auto& e : x.events) out.push_back(seen(e));
  return out;
}

std::size_t longest_sentence_bytes(const Extraction& x) {
  std::size_t bytes = 0;
  for (const auto& s : x.sentences) bytes = std::max(bytes, s.end - s.start);
  return bytes;
}

}  // namespace

TEST_SUITE("extractor.events.scale") {

TEST_CASE("clauses joined by semicolons into one long sentence give the events they give apart") {
  // Each clause names its own people and dates (a clause without one would take a date from the
  // next: the nearest in the sentence), an aside, a list or a passive; joined by "; " they make one
  // sentence of some 90 tokens.
  const std::vector<std::string> clauses = {
      "Globex Inc. acquired Initech LLC on 4 April 2022",
      "Jane Holloway, who had led Acme Corp. since 2013, resigned on 2 May 2020",
      "Acme Corp. fired John Smith, finance chief Mary Jones and Peter Brown on 1 June 2020",
      "Tom Baker sued Globex Inc. on 5 May 2021, two months after Umbrella Corp. acquired Hooli Inc. in March 2021",
      "Vandelay Industries was acquired by Kramerica Ltd. on 9 September 2019",
      "Wonka Industries merged with Slugworth Inc. in March 2018",
  };
  std::string apart, together;
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    apart += (i ? " " : "") + clauses[i] + ".";
    together += (i ? "; " : "") + clauses[i];
  }
  together += ".";
  const Extraction a = run(apart), t = run(together);
  REQUIRE(t.sentences.size() == 1);
  REQUIRE(longest_sentence_bytes(t) > 400);   // (some 90 tokens)
  REQUIRE(a.events.size() >= 6);
  CHECK(seen(t) == seen(a));
  // And what they give is right: the aside's date is not the resignation's; "two months after"
  // parts the lawsuit's date from the acquisition's and orders them; the passive's agent is "by" Kramerica.
  for (const auto& e : t.events) {
    if (e.type == "resignation") CHECK(e.date.value_or("") == "2020-05-02");
    if (e.type == "lawsuit") {
      CHECK(e.date.value_or("") == "2021-05-05");
      REQUIRE(e.order.size() == 1);
      CHECK(e.order[0].relation == "after");
    }
    if (e.summary.find("Hooli") != std::string::npos) CHECK(e.date.value_or("") == "2021-03");
  }
  const auto passive = std::find_if(t.events.begin(), t.events.end(), [](const Event& e) {
    return std::any_of(e.participants.begin(), e.participants.end(),
                       [](const Participant& p) { return p.role == "agent" && p.entity.find("kramerica") != std::string::npos; });
  });
  CHECK(passive != t.events.end());
}

TEST_CASE("a hundred deals told twice are a hundred events, each with its second telling as evidence") {
  // More kept events than the plain scan serves: the participant index finds each first telling.
  std::string text;
  for (int round = 0; round < 2; ++round)
    for (int i = 1; i <= 100; ++i)
      text += "Buyer" + std::to_string(i) + " Corp. acquired Target" + std::to_string(i) + " Inc. for cash. ";
  text += "Globex Inc. sued Initech LLC after the acquisition.";
  const Extraction x = run(text);
  std::vector<const Event*> deals;
  const Event* suit = nullptr;
  for (const auto& e : x.events) {
    if (e.type == "acquisition") deals.push_back(&e);
    if (e.type == "lawsuit") suit = &e;
  }
  REQUIRE(deals.size() == 100);
  for (std::size_t i = 0; i < deals.size(); ++i) {
    const Event& d = *deals[i];
    REQUIRE(d.evidence.size() == 1);
    CHECK(d.trigger.sentence == i);              // the first telling leads (no date is better)
    CHECK(d.evidence[0].sentence == i + 100);    // the second is its evidence
    REQUIRE(d.participants.size() == 2);
    CHECK(d.participants[0].entity.find("buyer" + std::to_string(i + 1)) != std::string::npos);
  }
  // "after the acquisition": the latest telling before it is the hundredth deal's second one.
  REQUIRE(suit);
  REQUIRE(suit->order.size() == 1);
  CHECK(suit->order[0].relation == "after");
  CHECK(suit->order[0].event == deals.back()->id);
}

TEST_CASE("one deal told three hundred times is one event whose evidence is in text order") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "Globex Inc. acquired Initech LLC. ";
  const Extraction x = run(text);
  REQUIRE(x.events.size() == 1);
  const Event& e = x.events[0];
  CHECK(e.trigger.sentence == 0);
  REQUIRE(e.evidence.size() == 299);
  for (std::size_t i = 0; i < e.evidence.size(); ++i) CHECK(e.evidence[i].sentence == i + 1);
}

TEST_CASE("'she' is the last person named, past a hundred names of companies") {
  std::string text = "Jane Holloway founded Acme Corp. in 2001. ";
  for (int i = 1; i <= 80; ++i) text += "Buyer" + std::to_string(i) + " Corp. sued Target" + std::to_string(i) + " Inc. over patents. ";
  text += "In 2020 she resigned.";
  const Extraction x = run(text);
  const auto quit = std::find_if(x.events.begin(), x.events.end(), [](const Event& e) { return e.type == "resignation"; });
  REQUIRE(quit != x.events.end());
  REQUIRE_FALSE(quit->participants.empty());
  CHECK(quit->participants[0].entity == "per:jane-holloway");
  CHECK(quit->date.value_or("") == "2020");
}

}  // TEST_SUITE
