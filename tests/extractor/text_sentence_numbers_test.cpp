// split_sentences numbers each token as its loop passes it (skipped or looked at), the closers after
// a sentence's end as they join it, the rest at the end: every token must get the number of the
// sentence whose range holds it, whichever way the loop went past it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.text") {

TEST_CASE("split_sentences: every token numbered with the sentence that holds it") {
  TextLexicons l;
  l.abbreviations = {"Mr.", "Co."};
  l.sentence_starters = {"The"};
  const char* texts[] = {
      "He left. \"No.\" (Yes.) [Ok.]\" She said the quick brown fox jumps over the lazy dog again",
      "Mr. Smith of Acme Co. met them. Nissan Motor Co. The alliance grew a lot and then some more!",
      "one two three four five six seven eight nine ten eleven twelve thirteen,\ncontinued here\nShort\n\nNew one.",
      "a b c d e f g h i j k l m n o p q r s t u v w x y z. A b c d e f g h i j k l m n o p q r s. \"x.\"",
      "Ends on a closer.\")",
      "x",
      "No end at all here, just words and more words and even more of them",
  };
  for (const char* c : texts) {
    const std::string text = c;
    INFO(text);
    std::vector<Token> toks = tokenize(text, l);
    for (Token& t : toks) t.sentence = 0xFFFFFFFFu;   // (a token left unnumbered shows)
    const std::vector<Sentence> sents = split_sentences(text, toks, l);
    REQUIRE(!sents.empty());
    std::size_t s = 0;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      while (s < sents.size() && toks[k].start >= sents[s].end) ++s;
      REQUIRE(s < sents.size());
      INFO("token " << k << " " << toks[k].view(text));
      CHECK(toks[k].start >= sents[s].start);
      CHECK(toks[k].sentence == s);
    }
  }
}

}  // TEST_SUITE
