// Lexicons::is_demonym answers as the demonym rules say, tried on the word (and without a plural
// "s"); PhraseTable::may_start turns away no phrase's first word.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

namespace {

// is_demonym spelled out: the word (and without a plural "s") through every rule.
bool demonym_by_rules(const Lexicons& lex, std::string_view word) {
  if (word.size() < 4) return false;
  if (lex.demonyms.has_single(word)) return true;
  for (int i = 0; i < (word.back() == 's' ? 2 : 1); ++i) {
    const std::string_view f = i == 0 ? word : word.substr(0, word.size() - 1);
    if (lex.country_names.count(std::string(f))) continue;   // the place itself is not its demonym
    for (const auto& [strip, add] : lex.demonym_rules) {
      if (f.size() < strip.size() + 3 || f.compare(f.size() - strip.size(), strip.size(), strip) != 0) continue;
      if (lex.country_names.count(std::string(f.substr(0, f.size() - strip.size())) + add)) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("Lexicons::is_demonym: as the rule loop, on words near the answers") {
  auto loaded = Lexicons::load(RuleDirs::defaults());
  REQUIRE(loaded);
  const Lexicons& lex = *loaded;
  // Words near the answers: each country, its stems with every rule's endings (and their plurals,
  // upper-cased and cut short), and the words the demonym table lists.
  std::vector<std::string> words = {"", "s", "Iraq", "Iraqi", "Iraqis", "Sudanese", "Rwandan", "Rwandans", "Mali"};
  for (const std::string& c : lex.country_names) {
    words.push_back(c);
    words.push_back(c + "s");
    for (const auto& [strip, add] : lex.demonym_rules)
      for (std::size_t cut = 0; cut <= 4 && cut <= c.size(); ++cut) {
        const std::string w = c.substr(0, c.size() - cut) + strip;
        words.push_back(w);
        words.push_back(w + "s");
        words.push_back(ascii_lower(w));
      }
  }
  lex.demonyms.for_each_entry([&](std::string_view key, const PhraseTable::Entry& e) {
    words.emplace_back(key);
    words.push_back(e.tokens[0]);
    words.push_back(e.tokens[0] + "s");
  });
  std::size_t yes = 0;
  for (const std::string& w : words) {
    const bool expect = demonym_by_rules(lex, w);
    yes += expect;
    if (lex.is_demonym(w) != expect) CHECK_MESSAGE(false, w);
  }
  CHECK(yes > 100);
  CHECK(lex.is_demonym("Rwandan"));
  CHECK(lex.is_demonym("Rwandans"));
  CHECK(!lex.is_demonym("Rwanda"));
}

TEST_CASE("PhraseTable::may_start: set for every first word, in any case; clear in an empty table") {
  const TextLexicons text;
  PhraseTable empty, t;
  CHECK(!empty.may_start(fold_hash("the")));
  CHECK(!empty.has_single("the"));
  t.add("United States", "LOC", "", text);
  t.add("Paris", "LOC", "", text);
  for (const char* w : {"united", "United", "UNITED", "paris", "Paris"}) CHECK(t.may_start(fold_hash(w)));
  CHECK(t.has_single("Paris"));
  CHECK(!t.has_single("paris"));
  CHECK(!t.has_single("United"));
}
