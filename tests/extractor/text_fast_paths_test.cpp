// The fast paths added to tokenize and split_sentences (a word that runs to the end of the text,
// an apostrophe after white space, ASCII compounds folded with the word fold, punctuation roles
// from a byte table, tokens skipped four at a time) give what main @ fe9b28e gave: the expected
// tokens (start-end:flags/sentence) and sentences below were produced by it. Also stage_text's
// shortcut for sentences that cannot need cutting.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/text.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

namespace {
struct FastCase {
  const char* text;
  std::size_t size;
  const char* tokens;
  const char* sentences;
};
#define STORYLINE_CASE(lit, toks, sents) FastCase{lit, sizeof(lit) - 1, toks, sents}
const FastCase kFastCases[] = {
    STORYLINE_CASE("abc",
                   "0-3:461/0",
                   "0-3"),
    STORYLINE_CASE("ABC",
                   "0-3:67/0",
                   "0-3"),
    STORYLINE_CASE("A",
                   "0-1:63/0",
                   "0-1"),
    STORYLINE_CASE("x1",
                   "0-2:469/0",
                   "0-2"),
    STORYLINE_CASE("1x",
                   "0-2:469/0",
                   "0-2"),
    STORYLINE_CASE("9",
                   "0-1:69/0",
                   "0-1"),
    STORYLINE_CASE("Co",
                   "0-2:63/0",
                   "0-2"),
    STORYLINE_CASE("Co.",
                   "0-3:263/0",
                   "0-3"),
    STORYLINE_CASE("Mr",
                   "0-2:63/0",
                   "0-2"),
    STORYLINE_CASE("end A1b2",
                   "0-3:461/0 4-8:2b/0",
                   "0-8"),
    STORYLINE_CASE("AB1 1AB a1B 12ab 3",
                   "0-3:6f/0 4-7:2f/0 8-11:429/0 12-16:429/0 17-18:29/0",
                   "0-18"),
    STORYLINE_CASE("Mr. Smith 's car's 'quoted' O'Neill rock'n'roll ' s 's",
                   "0-3:263/0 4-9:23/0 10-11:30/0 11-12:401/0 13-16:421/0 16-18:401/0 19-20:30/0 20-26:401/0 26-27:10/0 28-35:23/0 36-47:421/0 48-49:30/0 50-51:421/0 52-53:30/0 53-54:401/0",
                   "0-54"),
    STORYLINE_CASE("1996-08-30 18-year-old Arab-Israeli U.S. 0.96 AT&T caf\xC3" "\xA9" "-bar d\xE2" "\x80" "\x99" "Alembert x-\xC3" "\xA9" "t\xC3" "\xA9" " 2-1 3.5.",
                   "0-10:169/0 11-22:529/0 23-35:123/0 36-40:227/0 41-45:29/0 46-50:27/0 51-60:521/0 61-73:421/0 74-81:521/0 82-85:129/0 86-90:229/0",
                   "0-90"),
    STORYLINE_CASE("He left. \xE2" "\x80" "\x9C" "No,\xE2" "\x80" "\x9D" " she said\xE2" "\x80" "\xA6" " Then (yes) [no] \xE2" "\x80" "\x94" " ok! \"Go.\" 'x' - y? Z \xE2" "\x80" "\x98" "q\xE2" "\x80" "\x99" " end.",
                   "0-2:63/0 3-7:421/0 7-8:10/0 9-12:30/1 12-14:3/1 14-15:10/1 15-18:10/1 19-22:421/1 23-27:421/1 27-30:10/1 31-35:23/2 36-37:30/2 37-40:401/2 40-41:10/2 42-43:30/2 43-45:401/2 45-46:10/2 47-50:30/2 51-53:421/2 53-54:10/2 55-56:30/3 56-58:3/3 58-59:10/3 59-60:10/3 61-62:30/4 62-63:401/4 63-64:10/4 65-66:30/4 67-68:421/4 68-69:10/4 70-71:23/5 72-75:30/5 75-76:401/5 76-79:10/5 80-83:421/5 83-84:10/5",
                   "0-8 9-30 31-54 55-60 61-69 70-84"),
    STORYLINE_CASE("a b c d e f g h i j. K l m n o p q r s t u v w x y z. The end of it all, said Mr. Jones, was near\nand it came. But no.\n\nNew paragraph here",
                   "0-1:461/0 2-3:421/0 4-5:421/0 6-7:421/0 8-9:421/0 10-11:421/0 12-13:421/0 14-15:421/0 16-17:421/0 18-19:421/0 19-20:10/0 21-22:23/1 23-24:421/1 25-26:421/1 27-28:421/1 29-30:421/1 31-32:421/1 33-34:421/1 35-36:421/1 37-38:421/1 39-40:421/1 41-42:421/1 43-44:421/1 45-46:421/1 47-48:421/1 49-50:421/1 51-52:421/1 52-53:10/1 54-57:23/2 58-61:421/2 62-64:421/2 65-67:421/2 68-71:421/2 71-72:10/2 73-77:421/2 78-81:223/2 82-87:23/2 87-88:10/2 89-92:421/2 93-97:421/2 98-101:461/2 102-104:421/2 105-109:421/2 109-110:10/2 111-114:23/3 115-117:421/3 117-118:10/3 120-123:e3/4 124-133:421/4 134-138:421/4",
                   "0-20 21-53 54-110 111-118 120-138"),
    STORYLINE_CASE("one two three four five six seven eight nine ten eleven twelve,\ncontinued on the next line\nShort\nlines",
                   "0-3:461/0 4-7:421/0 8-13:421/0 14-18:421/0 19-23:421/0 24-27:421/0 28-33:421/0 34-39:421/0 40-44:421/0 45-48:421/0 49-55:421/0 56-62:421/0 62-63:10/0 64-73:461/0 74-76:421/0 77-80:421/0 81-85:421/0 86-90:421/0 91-96:63/1 97-102:461/2",
                   "0-90 91-96 97-102"),
    STORYLINE_CASE("1 2 3 4 5 6 7 8 9 0 , , , , ; ; : : ! ? 1 2 3 4 5 6 7 8 9 0 a b c d e f g h i j k l m n o p q r s t",
                   "0-1:69/0 2-3:29/0 4-5:29/0 6-7:29/0 8-9:29/0 10-11:29/0 12-13:29/0 14-15:29/0 16-17:29/0 18-19:29/0 20-21:30/0 22-23:30/0 24-25:30/0 26-27:30/0 28-29:30/0 30-31:30/0 32-33:30/0 34-35:30/0 36-37:30/0 38-39:30/0 40-41:29/1 42-43:29/1 44-45:29/1 46-47:29/1 48-49:29/1 50-51:29/1 52-53:29/1 54-55:29/1 56-57:29/1 58-59:29/1 60-61:421/1 62-63:421/1 64-65:421/1 66-67:421/1 68-69:421/1 70-71:421/1 72-73:421/1 74-75:421/1 76-77:421/1 78-79:421/1 80-81:421/1 82-83:421/1 84-85:421/1 86-87:421/1 88-89:421/1 90-91:421/1 92-93:421/1 94-95:421/1 96-97:421/1 98-99:421/1",
                   "0-39 40-99"),
    STORYLINE_CASE("Nissan Motor Co. The alliance. turned the service into X. Musk said. Acme Inc. he said. U.S. Army",
                   "0-6:63/0 7-12:23/0 13-16:223/0 17-20:23/1 21-29:421/1 29-30:10/1 31-37:421/1 38-41:421/1 42-49:421/1 50-54:421/1 55-57:223/1 58-62:23/2 63-67:421/2 67-68:10/2 69-73:23/3 74-78:223/3 79-81:421/3 82-86:421/3 86-87:10/3 88-92:227/4 93-97:23/4",
                   "0-16 17-57 58-68 69-87 88-97"),
    STORYLINE_CASE("word\xC2" "\xA0" "next\xE2" "\x80" "\x8B" "zero\x09" "Tab\x0D" "CR\x01" "ctl end",
                   "0-4:461/0 6-10:421/0 13-17:421/0 18-21:23/0 22-24:27/0 25-28:421/0 29-32:421/0",
                   "0-32"),
    STORYLINE_CASE("\"Quoted.\" (Paren.) [Bracket.] Done\xE2" "\x80" "\xA6" "\xE2" "\x80" "\x9D" " Next",
                   "0-1:70/0 1-7:3/0 7-8:10/0 8-9:10/0 10-11:30/1 11-16:3/1 16-17:10/1 17-18:10/1 19-20:30/2 20-27:3/2 27-28:10/2 28-29:10/2 30-34:23/3 34-37:10/3 37-40:10/3 41-45:23/4",
                   "0-9 10-18 19-29 30-40 41-45"),
};
#undef STORYLINE_CASE
}  // namespace

TEST_SUITE("extractor.text") {

TEST_CASE("tokenize and split_sentences: the fast paths give the earlier tokens and sentences") {
  TextLexicons l;
  l.abbreviations = {"Co.", "Mr.", "Nov.", "Inc.", "U.S."};
  l.sentence_starters = {"The", "But", "He"};
  for (const FastCase& c : kFastCases) {
    const std::string_view text(c.text, c.size);
    auto toks = tokenize(text, l);
    auto sents = split_sentences(text, toks, l);
    std::string got, got_s;
    char buf[64];
    for (const Token& t : toks) {
      std::snprintf(buf, sizeof buf, "%s%u-%u:%x/%u", got.empty() ? "" : " ", t.start, t.end, t.flags, t.sentence);
      got += buf;
      CHECK(t.fold == fold_hash(t.view(text)));
    }
    for (const Sentence& s : sents) {
      std::snprintf(buf, sizeof buf, "%s%zu-%zu", got_s.empty() ? "" : " ", s.start, s.end);
      got_s += buf;
    }
    INFO("text: ", std::string(text));
    CHECK(got == c.tokens);
    CHECK(got_s == c.sentences);
  }
}

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
