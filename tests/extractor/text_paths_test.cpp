// tokenize's fast path (ASCII words and punctuation) and its general path (any UTF-8, joiners,
// possessives, hyphen splits) must agree with the original one-path tokenizer: the expected
// tokens (start-end:flags/sentence) and sentences below were produced by it (main @ 5489e8e).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

namespace {
struct Case {
  const char* text;
  std::size_t size;
  const char* tokens;
  const char* sentences;
};
#define STORYLINE_CASE(lit, toks, sents) Case{lit, sizeof(lit) - 1, toks, sents}
const Case kCases[] = {
    STORYLINE_CASE("\xEF\xBB\xBFHello world",
                   "3-8:23/0 9-14:421/0",
                   "3-14"),
    STORYLINE_CASE(" lead space\n\nBlank line. Next",
                   "1-5:421/0 6-11:421/0 13-18:e3/1 19-23:421/1 23-24:10/1 25-29:23/2",
                   "1-11 13-24 25-29"),
    STORYLINE_CASE("\nNewline first",
                   "1-8:63/0 9-14:421/0",
                   "1-14"),
    STORYLINE_CASE("x\xC0\x8Ay z\xC0\x8A\xC0\x8A w",
                   "0-1:461/0 3-4:461/1 5-6:421/1 11-12:4e1/2",
                   "0-1 3-6 11-12"),
    STORYLINE_CASE("Renault's CEO, Renault\xE2\x80\x99s plan, it's O'Brien; 's alone x 's Ford'S",
                   "0-7:63/0 7-9:401/0 10-13:27/0 13-14:10/0 15-22:23/0 22-26:401/0 27-31:421/0 31-32:10/0 33-35:421/0 35-37:401/0 38-45:23/0 45-46:10/0 47-48:30/0 48-49:401/0 50-55:421/0 56-57:421/0 58-59:30/0 59-60:401/0 61-65:23/0 65-67:401/0",
                   "0-67"),
    STORYLINE_CASE("Tokyo-based al-Assad Ata-ur-Rehman Jean-Dominique F-16 mid-2020 3-D x-ray NEW-York",
                   "0-5:63/0 5-6:10/0 6-11:401/0 12-14:421/0 14-15:10/0 15-20:3/0 21-34:123/0 35-49:123/0 50-54:12b/0 55-63:529/0 64-67:12b/0 68-73:521/0 74-82:123/0",
                   "0-82"),
    STORYLINE_CASE("U.S. J. A. NATO I A1 1st 3M 42 x. Co. Inc. abc. 3.5 1,000 AT&T a&b N.Y Mr. Smith",
                   "0-4:267/0 5-7:223/0 8-10:223/0 11-15:27/0 16-17:23/0 18-20:2b/0 21-24:429/0 25-27:2b/0 28-30:29/0 31-32:421/0 32-33:10/0 34-37:223/1 38-42:223/1 43-46:421/1 46-47:10/1 48-51:29/2 52-53:29/2 53-54:10/2 54-57:9/2 58-62:27/2 63-66:421/2 67-70:27/2 71-74:223/2 75-80:23/2",
                   "0-33 34-47 48-80"),
    STORYLINE_CASE("caf\xC3\xA9 \xC3\x89" "cole na\xC3\xAFve Stra\xC3\x9F" "e \xD0\x96\xD0\xB0 \xC3\x97 x\xE2\x80\x94y",
                   "0-5:461/0 6-12:23/0 13-19:421/0 20-27:23/0 28-32:23/0 33-35:30/0 36-37:421/0 37-40:10/0 40-41:401/0",
                   "0-41"),
    STORYLINE_CASE("\x01" "a\x7F" "b\x09" "c\x0D" "d\x0C" "e\x0B" "f g\xC2\xA0h\xE2\x80\x8Bi\xE3\x80\x80j",
                   "1-2:421/0 3-4:421/0 5-6:421/0 7-8:421/0 9-10:421/0 11-12:421/0 13-14:421/0 16-17:421/0 20-21:421/0 24-25:421/0",
                   "1-25"),
    STORYLINE_CASE("turned the service into X. Musk said it. He left! Really? Yes\xE2\x80\xA6 fine",
                   "0-6:461/0 7-10:421/0 11-18:421/0 19-23:421/0 24-26:223/0 27-31:23/1 32-36:421/1 37-39:421/1 39-40:10/1 41-43:23/2 44-48:421/2 48-49:10/2 50-56:23/3 56-57:10/3 58-61:23/4 61-64:10/4 65-69:421/4",
                   "0-26 27-40 41-49 50-57 58-69"),
    STORYLINE_CASE("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ end",
                   "0-26:461/0 27-37:27/0 38-41:421/0",
                   "0-41"),
    STORYLINE_CASE("a-",
                   "0-1:461/0 1-2:10/0",
                   "0-2"),
    STORYLINE_CASE("a.",
                   "0-1:461/0 1-2:10/0",
                   "0-2"),
    STORYLINE_CASE("a'",
                   "0-1:461/0 1-2:10/0",
                   "0-2"),
    STORYLINE_CASE("ab",
                   "0-2:461/0",
                   "0-2"),
    STORYLINE_CASE("Xy",
                   "0-2:63/0",
                   "0-2"),
    STORYLINE_CASE("x",
                   "0-1:461/0",
                   "0-1"),
    STORYLINE_CASE("A.",
                   "0-2:263/0",
                   "0-2"),
    STORYLINE_CASE("Co.",
                   "0-3:263/0",
                   "0-3"),
    STORYLINE_CASE("The quick brown fox jumps over the lazy dog and keeps on running\nalong the bank. \"Quoted.\" (Paren.) Done",
                   "0-3:63/0 4-9:421/0 10-15:421/0 16-19:421/0 20-25:421/0 26-30:421/0 31-34:421/0 35-39:421/0 40-43:421/0 44-47:421/0 48-53:421/0 54-56:421/0 57-64:421/0 65-70:461/0 71-74:421/0 75-79:421/0 79-80:10/0 81-82:30/1 82-88:3/1 88-89:10/1 89-90:10/1 91-92:30/2 92-97:3/2 97-98:10/2 98-99:10/2 100-104:23/3",
                   "0-80 81-90 91-99 100-104"),
    STORYLINE_CASE("\xFF\xFE bad \xC3 bytes \xE2\x80 here \xF0\x9F\x98\x80 emoji",
                   "0-6:461/0 7-14:421/0 15-18:30/0 18-22:401/0 23-27:421/0 28-33:421/0",
                   "0-33"),
};
#undef STORYLINE_CASE
}  // namespace

TEST_SUITE("extractor.text") {

TEST_CASE("tokenize: the fast and the general path give the original tokens on odd text") {
  TextLexicons l;
  l.abbreviations = {"Co.", "Mr.", "Nov.", "Inc.", "U.S."};
  l.sentence_starters = {"The", "But", "He"};
  for (const Case& c : kCases) {
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

}  // TEST_SUITE
