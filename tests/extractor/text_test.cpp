#include <doctest/doctest.h>

#include <algorithm>

#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

namespace {
TextLexicons lex() {
  TextLexicons l;
  l.abbreviations = {"Co.", "Mr.", "Nov.", "Inc.", "U.S."};
  l.sentence_starters = {"The", "But", "He"};
  return l;
}
std::vector<std::string> words(std::string_view text, const std::vector<Token>& toks) {
  std::vector<std::string> out;
  for (const auto& t : toks) out.emplace_back(t.view(text));
  return out;
}
}  // namespace

TEST_SUITE("extractor.text") {

TEST_CASE("utf-8 validation finds the first bad byte") {
  CHECK(find_invalid_utf8("plain ascii") == std::string_view::npos);
  CHECK(find_invalid_utf8("J\xC3\xBCrgen S\xC3\xA9nard \xE6\x9D\xB1\xE4\xBA\xAC") == std::string_view::npos);
  CHECK(find_invalid_utf8("caf\xE9 au lait") == 3);
  CHECK(find_invalid_utf8("\xC0\x80") == 0);            // overlong
  CHECK(find_invalid_utf8("ab\xED\xA0\x80") == 2);      // surrogate
  CHECK(find_invalid_utf8("abc\xE2\x82") == 3);         // truncated
}

TEST_CASE("tokens: abbreviations, possessives, hyphens, initials") {
  auto l = lex();
  std::string text = "Nissan Motor Co. and Renault's CEO met J.P. Morgan in the U.S. on Nov. 19, 2018.";
  auto toks = tokenize(text, l);
  auto w = words(text, toks);
  CHECK(w == std::vector<std::string>{"Nissan", "Motor", "Co.", "and", "Renault", "'s", "CEO", "met", "J.P.", "Morgan",
                                      "in", "the", "U.S.", "on", "Nov.", "19", ",", "2018", "."});
  CHECK(toks[0].has(kCap));
  CHECK(toks[6].has(kAllCaps));
  CHECK(toks[2].has(kAbbrev));
  CHECK(toks[15].has(kDigit));
}

TEST_CASE("tokens: hyphenated names stay whole, Tokyo-based splits, offsets are bytes") {
  auto l = lex();
  std::string text = "The Nissan-Renault alliance, a Tokyo-based firm, and Jürgen Sénard.";
  auto toks = tokenize(text, l);
  auto w = words(text, toks);
  CHECK(w[1] == "Nissan-Renault");
  CHECK(toks[1].has(kHyphenated));
  CHECK(w[5] == "Tokyo");
  CHECK(w[6] == "-");
  CHECK(w[7] == "based");
  auto jt = std::find(w.begin(), w.end(), "Jürgen");
  REQUIRE(jt != w.end());
  const Token& j = toks[jt - w.begin()];
  CHECK(j.end - j.start == 7);  // ü is two bytes
  CHECK(j.has(kCap));
  CHECK(toks[(jt - w.begin()) + 1].has(kCap));  // Sénard
}

TEST_CASE("sentences: abbreviations do not end sentences, typical starters after Co. do") {
  auto l = lex();
  std::string text = "Mr. Ghosn left Nissan Motor Co. The alliance held. It was founded by Renault Co. in Paris!  Done?";
  auto toks = tokenize(text, l);
  auto s = split_sentences(text, toks, l);
  REQUIRE(s.size() == 4);
  CHECK(text.substr(s[0].start, s[0].end - s[0].start) == "Mr. Ghosn left Nissan Motor Co.");
  CHECK(text.substr(s[1].start, s[1].end - s[1].start) == "The alliance held.");
  CHECK(text.substr(s[2].start, s[2].end - s[2].start) == "It was founded by Renault Co. in Paris!");
  CHECK(toks.back().sentence == 3);
}

TEST_CASE("sentences: headline lines and wrapped paragraphs") {
  auto l = lex();
  std::string text = "Carmakers loosen their alliance\n\nThe two companies, long partners in the car trade, said on\nMonday that they would split.\n";
  auto toks = tokenize(text, l);
  auto s = split_sentences(text, toks, l);
  REQUIRE(s.size() == 2);
  CHECK(text.substr(s[0].start, s[0].end - s[0].start) == "Carmakers loosen their alliance");
  CHECK(text.substr(s[1].start, s[1].end - s[1].start) == "The two companies, long partners in the car trade, said on\nMonday that they would split.");
}

TEST_CASE("sentences: closing quotes stay with their sentence") {
  auto l = lex();
  std::string text = "He said \"we are done.\" The board agreed.";
  auto toks = tokenize(text, l);
  auto s = split_sentences(text, toks, l);
  REQUIRE(s.size() == 2);
  CHECK(text.substr(s[0].start, s[0].end - s[0].start) == "He said \"we are done.\"");
}

TEST_CASE("tokenizer is linear and safe on pathological input") {
  auto l = lex();
  std::string flood(200000, 'a');
  flood += std::string(1000, '\x01') + std::string(50000, '(') + std::string(1000, '-');
  auto toks = tokenize(flood, l);
  CHECK(toks.size() > 1000);
  auto s = split_sentences(flood, toks, l);
  CHECK(!s.empty());
}

}  // TEST_SUITE
