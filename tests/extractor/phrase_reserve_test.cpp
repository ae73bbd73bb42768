// PhraseTable::reserve changes no answer: a table reserved before its phrases (and one reserved
// too little, then grown) matches as one grown phrase by phrase.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

TEST_CASE("PhraseTable::reserve: the same matches as a table grown phrase by phrase") {
  const TextLexicons lex;
  const std::vector<std::string> words = {"San", "san", "Jose", "Ana", "Al", "Ain", "New", "York", "Port", "Said"};
  std::mt19937 rng(5);
  std::vector<std::string> phrases;
  for (int i = 0; i < 300; ++i) {
    std::string p;
    for (std::size_t n = 1 + rng() % 3; n > 0; --n) p += (p.empty() ? "" : " ") + words[rng() % words.size()];
    phrases.push_back(p + (i % 7 == 0 ? " " + std::to_string(i) : ""));
  }
  PhraseTable grown, reserved, small;
  reserved.reserve(phrases.size());
  small.reserve(3);
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    const std::string v = "v" + std::to_string(i);
    grown.add(phrases[i], v, "", lex);
    reserved.add(phrases[i], v, "", lex);
    small.add(phrases[i], v, "", lex);
  }
  CHECK(reserved.size() == grown.size());
  CHECK(small.size() == grown.size());
  std::string text;
  for (int i = 0; i < 400; ++i) text += words[rng() % words.size()] + (i % 9 == 0 ? " 14 " : " ");
  std::vector<Token> toks = tokenize(text, lex);
  split_sentences(text, toks, lex);
  for (const bool any_case : {false, true})
    for (std::size_t k = 0; k < toks.size(); ++k) {
      const PhraseTable::Entry* g = grown.match(text, toks, k, toks.size(), any_case);
      for (const PhraseTable* t : {&reserved, &small}) {
        const PhraseTable::Entry* e = t->match(text, toks, k, toks.size(), any_case);
        CAPTURE(k);
        CHECK((e ? e->value : "") == (g ? g->value : ""));
        if (e) CHECK(t->may_start(toks[k]));   // (a clear bit says no phrase starts there)
        CHECK(t->has_single(toks[k].view(text)) == grown.has_single(toks[k].view(text)));
      }
    }
}
