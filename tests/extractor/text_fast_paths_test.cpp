// The sixth round's fast paths in tokenize and stage_text, beyond the odd texts of
// text_paths_test.cpp (which also holds the cases for a word that runs to the end of the text, an
// apostrophe after white space, ASCII compounds and punctuation roles from a byte table): more
// tokens than the first capacity guess, and stage_text's shortcut for sentences that cannot need
// cutting.
#include <doctest/doctest.h>

#include <string>

#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/text.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.text") {

TEST_CASE("tokenize: more tokens than its first guess (one per four bytes)") {
  TextLexicons l;
  std::string text;
  for (int i = 0; i < 5000; ++i) text += i % 3 == 0 ? ", " : "1 ";
  text += "x";
  const auto toks = tokenize(text, l);
  REQUIRE(toks.size() == 5001);
  for (std::size_t k = 0; k < 5000; ++k) {
    CHECK(toks[k].start == 2 * k);
    CHECK(toks[k].end == 2 * k + 1);
  }
  CHECK(toks.back().has(kWord));
}

TEST_CASE("stage_text: a sentence longer in bytes than the token limit is cut only when its tokens are") {
  const Extractor& ex = storyline::extractor::testing::extractor();
  ExtractOptions eo;
  eo.max_sentence_tokens = 4;
  std::size_t cut = 0;
  eo.sentences_cut = &cut;
  // 4 tokens, 41 bytes: not cut.
  auto x = ex.extract("Extraordinarily longwinded sentences here", {}, eo);
  CHECK(cut == 0);
  REQUIRE(x.sentences.size() == 1);
  CHECK(x.sentences[0].end == 41);
  // 6 tokens: cut into 4 + 2.
  x = ex.extract("Extraordinarily longwinded sentences here and there", {}, eo);
  CHECK(cut == 1);
  REQUIRE(x.sentences.size() == 2);
  CHECK(x.sentences[0].end == 41);
  CHECK(x.sentences[1].start == 42);
}

}  // TEST_SUITE
