// Token::punct_roles, set by tokenize for split_sentences: a punctuation token that can end, close
// or open a sentence (or is a comma) has roles, on the fast one-byte path and on the general path
// (multi-byte punctuation) alike; words and other punctuation have none.
#include <doctest/doctest.h>

#include <string>

#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.text") {

TEST_CASE("tokenize: punctuation that splitting reads carries its roles, words none") {
  TextLexicons l;
  const std::string text = "He left. \xe2\x80\x9cNo,\xe2\x80\x9d she said\xe2\x80\xa6 (Yes) [ok]: really? Go! a-b 'x' ; - \xe2\x80\x94";
  const auto toks = tokenize(text, l);
  for (const Token& t : toks) {
    const std::string v(t.view(text));
    INFO("token " << v);
    if (t.has(kWord)) {
      CHECK(t.punct_roles == 0);
    } else if (v == ":" || v == ";") {
      CHECK(t.punct_roles == 0);
    } else {
      CHECK(t.punct_roles != 0);
    }
  }
  // The three that end a sentence share one role; a comma, an opener and a closer do not have it.
  auto roles_of = [&](const std::string& v) {
    for (const Token& t : toks)
      if (t.view(text) == v) return t.punct_roles;
    FAIL("no token " << v);
    return std::uint8_t{0};
  };
  const std::uint8_t ends = roles_of(".") & roles_of("?") & roles_of("!") & roles_of("\xe2\x80\xa6");
  CHECK(ends != 0);
  for (const char* v : {",", "(", ")", "[", "]", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x94"}) {
    INFO(v);
    CHECK((roles_of(v) & ends) == 0);
  }
}

}  // TEST_SUITE
