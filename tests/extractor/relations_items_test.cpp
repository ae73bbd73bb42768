// The relation stage keeps a sentence's items in a per-thread buffer that only grows: a sentence
// longer than any before it makes it grow while it is being filled (the items built so far kept),
// and a shorter sentence after it reuses it. What a rule reads is the same either way.
#include <doctest/doctest.h>

#include <string>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

namespace {

using testing::relation;
using testing::run;

// About 150 lower-case words without a sentence break: far more items than the buffer starts with.
std::string filler() {
  std::string s;
  for (int i = 0; i < 14; ++i) s += "under a grey sky with rain falling on the old harbour ";
  return s;
}

}  // namespace

TEST_SUITE("extractor.relations.items") {

TEST_CASE("a pattern at the end of a very long sentence is read as in a short one") {
  const std::string tail = "Anna Berg, the chief executive of Halvor Mining, visited Oslo.";
  const std::string text = "Yesterday " + filler() + "as " + tail;
  auto x = run(text);
  const Relation* role = relation(x, "per:anna-berg", "role_of", "org:halvor-mining");
  REQUIRE(role);
  CHECK(role->qualifier == "chief executive");
  REQUIRE_FALSE(role->evidence.empty());
  // The evidence is where the tail stands in the long sentence, as in the tail alone.
  auto y = run(tail);
  const Relation* short_role = relation(y, "per:anna-berg", "role_of", "org:halvor-mining");
  REQUIRE(short_role);
  REQUIRE(short_role->evidence.size() == role->evidence.size());
  const std::size_t shift = text.size() - tail.size();
  CHECK(role->evidence[0].start == short_role->evidence[0].start + shift);
  CHECK(role->evidence[0].end == short_role->evidence[0].end + shift);
  // Co-occurrence over the whole sentence.
  const Relation* co = relation(x, "org:halvor-mining", "co_occurs", "per:anna-berg");
  REQUIRE(co);
  REQUIRE(co->evidence.size() == 1);
  CHECK(co->evidence[0].start == 0);
}

TEST_CASE("names spread through a long sentence: every pair co-occurs, the buffer reused after it") {
  const std::string text = "Nora Vik " + filler() + "met Olaf Dahl " + filler() + "near Bergen.";
  auto x = run(text);
  CHECK(relation(x, "per:nora-vik", "co_occurs", "per:olaf-dahl"));
  CHECK(relation(x, "loc:bergen", "co_occurs", "per:nora-vik"));
  CHECK(relation(x, "loc:bergen", "co_occurs", "per:olaf-dahl"));
  // A short document after the long one (same thread, same buffer).
  auto y = run("Peter Holm sued Dag Moe in May.");
  const Relation* r = relation(y, "per:peter-holm", "sued", "per:dag-moe");
  REQUIRE(r);
  REQUIRE(r->evidence.size() == 1);
  CHECK(r->evidence[0].start == 0);
}

}
