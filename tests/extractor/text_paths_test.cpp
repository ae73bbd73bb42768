// tokenize's fast path (ASCII words and punctuation) and its general path (any UTF-8, joiners,
// possessives, hyphen splits) must agree with the original one-path tokenizer: the expected
// tokens (start-end:flags/sentence) and sentences below were produced by it (main @ 5489e8e; the
// cases added for the sixth round's fast paths by main @ fe9b28e).
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
    // Added with the fast paths of the sixth round (expected values from main @ fe9b28e):
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
