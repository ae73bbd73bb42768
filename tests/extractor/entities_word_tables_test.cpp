// The tagger's word lists (common words, given names, head words) keep a key's length and first
// eight bytes in its slot: a word of eight bytes or less is told from a key there, a longer one
// by its bytes besides. Both ways, case-sensitive and up to case, must answer as the lists say.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.entities_word_tables") {

namespace {
std::vector<std::pair<std::string, std::string>> names_of(const std::string& text) {
  DocumentInfo info;
  info.id = "t";
  info.source = "t.txt";
  const Extraction x = testing::extractor().extract(text, info);
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entity& e : x.entities) out.emplace_back(e.name, e.type);
  return out;
}
}  // namespace

// A capitalised common word opening a sentence is no part of the name after it: the common
// words are looked up lower-cased, "Whatever" (eight bytes, told by its slot) as "Consequently"
// (twelve, told by its bytes too). Words that are no common word stay in the name.
TEST_CASE("capitalised common words of eight bytes and of more are found up to case") {
  const auto names = names_of(
      "Meanwhile Qorvant officials met. Nevertheless Zelmax agreed. Afterwards Brandon spoke. Tomorrow "
      "Lisa Quade will fly. Otherwise MARY Zorn stays. Consequently Amandine Qorr left. Whatever Jo Vell said.");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Qorvant", "ORG"},          {"Nevertheless Zelmax", "PER"}, {"Afterwards Brandon", "PER"},
      {"Lisa Quade", "PER"},       {"Otherwise MARY Zorn", "ORG"}, {"Amandine Qorr", "PER"},
      {"Jo Vell", "PER"}};
  CHECK(names == want);
}

// Head words are lists with values: "Lake" is a place's first word, "Authority" and "Bank" an
// organisation's (a set's look-up answers one value for all its words; these answer each word's).
TEST_CASE("head words are found with their own values") {
  const auto names = names_of(
      "The talks went on for a week. Officials of the Qorvant Alliance met Christopher Zell at Grace Road. "
      "The Zelmax Authority and Lake Vellor were named. Maximiliano Drou joined Bank Qorr.");
  // (The first sentence is plain: a first sentence this full of capitals reads as a headline.)
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Qorvant Alliance", "ORG"}, {"Christopher Zell", "PER"}, {"Grace Road", "LOC"}, {"Zelmax Authority", "ORG"},
      {"Lake Vellor", "LOC"},      {"Maximiliano Drou", "PER"}, {"Bank Qorr", "ORG"}};
  CHECK(names == want);
}
}
