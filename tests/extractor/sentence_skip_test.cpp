// The relation and event stages pass over sentences that cannot tell anything (relations: fewer
// possible entity items than any rule or co-occurrence needs, or one and no rule needing one left
// by the words; events: no token that may start a trigger). What such sentences still carry must survive: an object pronoun counts as a possible
// entity, and a passed-over sentence's date still anchors "days later" after it.
#include <doctest/doctest.h>

#include <algorithm>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;
using testing::run;

TEST_SUITE("extractor.sentence_skip") {

TEST_CASE("one name and an object pronoun make a sentence worth reading") {
  auto x = run("Halvor Mining fired Tom Baker in March. In April, the board said that Lisa Grant succeeded him.");
  const bool replaced = std::any_of(x.relations.begin(), x.relations.end(), [&](const Relation& r) {
    return x.entities[r.source].id == "per:lisa-grant" && r.type == "replaced" &&
           x.entities[r.target].id == "per:tom-baker";
  });
  CHECK(replaced);
}

TEST_CASE("a sentence with one name and nothing else tells no relation") {
  auto x = run("Lisa Grant spoke. Tom Baker listened.");
  CHECK(x.relations.empty());
}

TEST_CASE("a sentence with one name tells a role of the article's organisation, when its words allow one") {
  // (a topic organisation lets a rule tell with one name: such sentences are read only when a
  // rule needing one is left by their words)
  auto x = run("Halvor Mining reported results on Monday. Halvor Mining hired new staff. Shares of Halvor Mining "
               "rose. Tom Baker spoke to reporters. Lisa Grant became chief executive in 2019.");
  REQUIRE(x.relations.size() == 1);
  const Relation& r = x.relations[0];
  CHECK(x.entities[r.source].id == "per:lisa-grant");
  CHECK(r.type == "role_of");
  CHECK(x.entities[r.target].id == "org:halvor-mining");
  CHECK(r.qualifier == "chief executive");
}

TEST_CASE("the date of a sentence without events carries over to 'days later'") {
  auto x = run("On 3 May 2021 the markets in Oslo were calm. Days later, Acme Corp sued Beta Inc over the deal.");
  REQUIRE(x.events.size() == 1);
  CHECK(x.events[0].type == "lawsuit");
  CHECK(x.events[0].date == std::optional<std::string>("2021-05-03"));
  CHECK(x.events[0].date_source == "anaphoric");
}

}  // TEST_SUITE
