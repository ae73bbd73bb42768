// The relation stage's shortcuts keep what it finds: co-occurrence tellings grouped per pair and
// merged into the output order, the one-read class filter (roles, offices, words.tsv classes) and
// the literal test on the item after a rule's first element. Every sentence is written for the test.
#include <doctest/doctest.h>

#include <string>
#include <tuple>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

namespace {

using testing::relation;
using testing::run;

}  // namespace

TEST_SUITE("extractor.relations.paths") {

TEST_CASE("a pair told in several sentences is one co_occurs relation, its evidence in text order") {
  auto x = run("Nora Vik met Olaf Dahl in Bergen. Olaf Dahl thanked Nora Vik on Monday. "
               "Later Nora Vik and Olaf Dahl left Bergen.");
  const Relation* r = relation(x, "per:nora-vik", "co_occurs", "per:olaf-dahl");
  REQUIRE(r);
  CHECK(r->weight == doctest::Approx(1.5));
  REQUIRE(r->evidence.size() == 3);
  for (std::size_t i = 0; i + 1 < r->evidence.size(); ++i) CHECK(r->evidence[i].start < r->evidence[i + 1].start);
  // Undirected: the id that sorts first is the source; never the other way round.
  CHECK_FALSE(relation(x, "per:olaf-dahl", "co_occurs", "per:nora-vik"));
  // Two sentences name Bergen with Nora Vik.
  const Relation* b = relation(x, "loc:bergen", "co_occurs", "per:nora-vik");
  REQUIRE(b);
  CHECK(b->evidence.size() == 2);
  CHECK(b->weight == doctest::Approx(1.0));
}

TEST_CASE("relations come sorted by source, target, type, qualifier, co_occurs among the others") {
  auto x = run("Anna Berg, the chief executive of Halvor Mining, visited Oslo. Halvor Mining is based in Oslo. "
               "Anna Berg praised Halvor Mining.");
  const Relation* role = relation(x, "per:anna-berg", "role_of", "org:halvor-mining");   // a person_cues role
  REQUIRE(role);
  CHECK(role->qualifier == "chief executive");
  CHECK(relation(x, "org:halvor-mining", "based_in", "loc:oslo"));   // a words.tsv class
  CHECK(relation(x, "org:halvor-mining", "co_occurs", "per:anna-berg"));
  CHECK(relation(x, "loc:oslo", "co_occurs", "org:halvor-mining"));
  for (std::size_t i = 0; i + 1 < x.relations.size(); ++i) {
    const Relation& a = x.relations[i];
    const Relation& b = x.relations[i + 1];
    CHECK(std::tie(x.entities[a.source].id, x.entities[a.target].id, a.type, a.qualifier) <
          std::tie(x.entities[b.source].id, x.entities[b.target].id, b.type, b.qualifier));
  }
}

TEST_CASE("a rule's literal right after its first element: matched there, not a word later") {
  // "ENT sued ENT": the pattern's evidence runs from the plaintiff to the defendant.
  auto x = run("Peter Holm sued Dag Moe in May.");
  const Relation* r = relation(x, "per:peter-holm", "sued", "per:dag-moe");
  REQUIRE(r);
  REQUIRE(r->evidence.size() == 1);
  CHECK(r->evidence[0].start == 0);
  CHECK(r->evidence[0].end == std::string("Peter Holm sued Dag Moe").size());
  // A word between: no pattern; only the lawsuit event tells it (its trigger the evidence).
  auto y = run("Greta Lund quickly sued Halvor Mining in June.");
  const Relation* s = relation(y, "per:greta-lund", "sued", "org:halvor-mining");
  REQUIRE(s);
  REQUIRE(s->evidence.size() == 1);
  CHECK(s->evidence[0].start == std::string("Greta Lund quickly ").size());
  CHECK(s->evidence[0].end == std::string("Greta Lund quickly sued").size());
}

}  // TEST_SUITE
