// An event nobody named takes part in is left out before its date, summary and amount are worked
// out, except a definite noun of a type told before ("The acquisition closed on ..."), which takes
// that event's participants.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;
using testing::run;

TEST_SUITE("extractor.events.nobody") {

TEST_CASE("a trigger with nobody named is no event, dated or not") {
  CHECK(run("Lawyers sued on 3 May 2021 for $2 billion.").events.empty());
  CHECK(run("The acquisition closed on 9 June 2023.").events.empty());   // no acquisition told before
}

TEST_CASE("a definite noun of a type told before still takes that event's participants") {
  auto x = run("Globex Inc. agreed to buy Initech LLC in March 2023. The acquisition closed on 9 June 2023.");
  REQUIRE(x.events.size() == 2);
  const Event& closed = x.events[1];
  CHECK(closed.type == "acquisition");
  REQUIRE_FALSE(closed.participants.empty());
  CHECK(closed.participants[0].entity == "org:globex");
  CHECK(closed.date == std::optional<std::string>("2023-06-09"));
  // "An acquisition" is no definite noun: nobody named, left out.
  auto y = run("Globex Inc. agreed to buy Initech LLC in March 2023. An acquisition closed on 9 June 2023.");
  CHECK(y.events.size() == 1);
}

}
