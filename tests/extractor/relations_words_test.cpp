// The relation stage looks each token's lower-cased word up in its rules' word table: a word of up
// to eight bytes is compared with a key as one eight-byte load (masked to the key's length, read
// from a padded copy of the document), the object pronouns him/her are found by their word ids,
// and a sentence's last tokens are counted rather than scanned. What a rule reads is the same.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/relations.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

namespace {

using testing::relation;
using testing::run;

// The relation stage alone over `text`, its entities tagged as ever but its references ("he",
// "her") left out: an object pronoun is then found only by the relation stage's own test of the
// word (its word id), not as a reference. Whether source -type-> target (by entity id) is told.
bool told_without_references(const std::string& text, const std::string& src, const std::string& type,
                             const std::string& tgt) {
  static const std::shared_ptr<const Lexicons> lex = [] {
    auto l = Lexicons::load(RuleDirs::defaults());
    REQUIRE(l.ok());
    return std::make_shared<const Lexicons>(std::move(*l));
  }();
  static const RelationRules rules = [] {
    auto r = RelationRules::load(RuleDirs::defaults(), lex);
    REQUIRE(r.ok());
    return *r;
  }();
  std::vector<Token> toks = tokenize(text, lex->text);
  const std::vector<Sentence> sents = split_sentences(text, toks, lex->text);
  const std::vector<Timex> timexes;
  EntityResult er = EntityTagger(lex).tag(text, toks, sents, timexes);
  er.references.clear();
  DocContext ctx;
  ctx.text = text;
  ctx.tokens = &toks;
  ctx.sentences = &sents;
  ctx.timexes = &timexes;
  ctx.entities = &er;
  for (const Relation& r : rules.relations(ctx))
    if (er.entities.at(r.source).id == src && r.type == type && er.entities.at(r.target).id == tgt) return true;
  return false;
}

}  // namespace

TEST_SUITE("extractor.relations.words") {

TEST_CASE("a short rule word is matched whole whatever follows it in the text") {
  // "sued" (four bytes) followed by more text: only its own bytes are compared.
  auto x = run("Peter Holm sued Dag Moe in May.");
  CHECK(relation(x, "per:peter-holm", "sued", "per:dag-moe"));
  // The same word followed by another of the rule's words ("sue" is one of its three).
  auto y = run("Peter Holm sue Dag Moe in May.");
  CHECK(relation(y, "per:peter-holm", "sued", "per:dag-moe"));
  // A longer word that starts like a rule word is not it.
  auto z = run("Peter Holm sueded Dag Moe in May.");
  CHECK_FALSE(relation(z, "per:peter-holm", "sued", "per:dag-moe"));
}

TEST_CASE("a rule word that is the document's last byte is matched (read from the padded copy)") {
  // based.org_s_loc_headquarters ends with "office": the text ends with it, no full stop.
  auto x = run("Halvor Mining's Oslo office");
  CHECK(relation(x, "org:halvor-mining", "based_in", "loc:oslo"));
  auto y = run("Halvor Mining's Oslo offices");
  CHECK(relation(y, "org:halvor-mining", "based_in", "loc:oslo"));
}

TEST_CASE("object pronouns him and her in capitals (the lower-case forms: relations_test)") {
  auto y = run("Halvor Mining fired Tom Baker in March. Lisa Grant succeeded HIM in April.");
  CHECK(relation(y, "per:lisa-grant", "replaced", "per:tom-baker"));
  auto w = run("Halvor Mining fired Ann Lee in March. Lisa Grant succeeded Her in April.");
  CHECK(relation(w, "per:lisa-grant", "replaced", "per:ann-lee"));
}

TEST_CASE("object pronouns found by the relation stage itself: him, her, in any case") {
  // With and without more words before the name: in the second, the pronoun is the sentence's
  // second possible entity only by its own count (no other capitalised word in it, which with no
  // timexes given might be tagged as a name).
  for (const std::string lead : {"", "The board said that "}) {
    const std::string tom = "Halvor Mining fired Tom Baker in March. " + lead + "Lisa Grant succeeded ";
    const std::string ann = "Halvor Mining fired Ann Lee in March. " + lead + "Lisa Grant succeeded ";
    for (const char* him : {"him", "HIM", "Him"})
      CHECK(told_without_references(tom + him + ".", "per:lisa-grant", "replaced", "per:tom-baker"));
    for (const char* her : {"her", "HER", "Her"})
      CHECK(told_without_references(ann + her + ".", "per:lisa-grant", "replaced", "per:ann-lee"));
    // A word like them that is neither: no pronoun.
    CHECK_FALSE(told_without_references(ann + "hem.", "per:lisa-grant", "replaced", "per:ann-lee"));
  }
}

TEST_CASE("sentences of every length from 6 to 20 tokens keep their own relations, no more") {
  // Each "Peter Holm sued Dag Moe" padded with words to n tokens, then a sentence that names
  // someone else: the relation is told once per long sentence, in it, and nobody of the next
  // sentence co-occurs with them (each sentence's bounds found by counting its last tokens).
  std::string text;
  for (int n = 6; n <= 20; ++n) {
    text += "Peter Holm sued Dag Moe";
    for (int i = 6; i < n; ++i) text += " again";
    text += ". Ola Nord smiled. ";
  }
  auto x = run(text);
  const Relation* r = relation(x, "per:peter-holm", "sued", "per:dag-moe");
  REQUIRE(r);
  REQUIRE(r->evidence.size() == 15);
  for (std::size_t i = 0; i < r->evidence.size(); ++i) {
    CHECK(r->evidence[i].sentence == 2 * i);
    CHECK(text.compare(r->evidence[i].start, 4, "Pete") == 0);
  }
  const Relation* co = relation(x, "per:dag-moe", "co_occurs", "per:peter-holm");
  REQUIRE(co);
  CHECK(co->evidence.size() == 15);
  bool nord = false;
  for (const Entity& e : x.entities) nord = nord || e.id == "per:ola-nord";
  REQUIRE(nord);
  for (const Relation& rel : x.relations)
    CHECK((x.entities.at(rel.source).id != "per:ola-nord" && x.entities.at(rel.target).id != "per:ola-nord"));
}

}  // TEST_SUITE
