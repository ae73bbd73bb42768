// The entity tagger's pass over a sentence goes from one capitalised word to the next when there
// are no user patterns, and word by word when there are (a user pattern may start with any word).
// Both ways must find the same names: a user gazetteer whose only pattern occurs nowhere changes
// nothing in any extraction.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.entities_paths") {

TEST_CASE("a user pattern that matches nowhere leaves every extraction as it was") {
  namespace fs = std::filesystem;
  auto dir = testsupport::temp_dir("entities-paths");
  fs::create_directories(dir / "en" / "gazetteer");
  testsupport::spit((dir / "en" / "gazetteer" / "none.jsonl").string(),
                    "{\"label\": \"ORG\", \"pattern\": \"Qzxv Wqzx Holdings\", \"id\": \"org:qzxv\"}\n");
  RuleDirs dirs = RuleDirs::defaults();
  dirs.add(dir);
  auto with_users = Extractor::load(dirs);
  REQUIRE(with_users.ok());

  std::vector<std::string> texts = {
      // Headlines, upper-case lines, names after dates the date rules took, sentences that start
      // with capitalised common words, connectors, and a sentence with no capital at all.
      "NISSAN AND RENAULT SIGN NEW ALLIANCE DEAL\nTOKYO, Feb. 6, 2023 - Nissan Motor Co. and Renault SA said "
      "on Monday that Carlos Ghosn will not return. Theresa May met the Bank of England governor in May.",
      "ROBERTO DURAN WINS AGAIN\nShares of Toyota rose. the market was calm. In Paris, the Gulf of Mexico "
      "spill was discussed by BP and the Federal Aviation Administration (FAA).",
      "no capital letters here at all. Then Apple, Samsung and Qualcomm answered; Australian Tom Moody agreed."};
  for (const auto& f : fs::directory_iterator(testsupport::source_dir() + "/examples"))
    if (f.path().extension() == ".txt") texts.push_back(testsupport::slurp(f.path().string()));

  for (const std::string& text : texts) {
    DocumentInfo a;
    a.id = "t";
    a.source = "t.txt";
    DocumentInfo b = a;
    const Extraction plain = testing::extractor().extract(text, a);
    const Extraction users = with_users->extract(text, b);
    CHECK(to_json(plain, -1) == to_json(users, -1));
    CHECK_FALSE(plain.entities.empty());
  }
  fs::remove_all(dir);
}

// The first walk counts a sentence's words only when three or more are in capitals (or in the
// first sentence): an upper-case line needs seven tenths of at least three words in capitals.
// At the edge: a later line of three words in capitals out of four is such a line (its words
// are names only by look-up: none here); out of five it is not, nor is a line of two words.
TEST_CASE("an upper-case line after the first is told by the share of its words in capitals") {
  auto names = [](const std::string& line) {
    DocumentInfo info;
    info.id = "t";
    info.source = "t.txt";
    const Extraction x = testing::extractor().extract("Shares rose on Monday.\n" + line + "\n", info);
    std::vector<std::string> out;
    for (const Entity& e : x.entities) out.push_back(e.name);
    return out;
  };
  CHECK(names("QORVANT ZELMAX LAUNCH rocket").empty());
  CHECK(names("QORVANT ZELMAX LAUNCH big rocket") == std::vector<std::string>{"QORVANT ZELMAX LAUNCH"});
  CHECK(names("QORVANT ZELMAX") == std::vector<std::string>{"QORVANT ZELMAX"});
}

// An id is the type lower-cased, ":", the slug of the name; the lower-cased types are kept per
// type while the ids are made, the types coming in any order.
TEST_CASE("ids of entities of types met in turn each start with their own type") {
  DocumentInfo info;
  info.id = "t";
  info.source = "t.txt";
  const Extraction x = testing::extractor().extract(
      "Carlos Ghosn of Nissan Motor Co. flew to Tokyo with Rwandan officials. Later Jane Holloway of "
      "Toyota Motor Corp. went to Paris, and Brexit talks resumed.\n",
      info);
  std::vector<std::string> ids;
  for (const Entity& e : x.entities) ids.push_back(e.id);
  CHECK(ids == std::vector<std::string>{"per:carlos-ghosn", "org:nissan-motor", "loc:tokyo", "misc:rwandan",
                                        "per:jane-holloway", "org:toyota-motor", "loc:paris", "misc:brexit"});
}

// The tokens of a timex are never names: the walk over them finds each timex's first token by a
// galloping search from the last one, here at gaps of 0 to 34 words (one timex at the end).
TEST_CASE("the words of dates at any distance from the last one are no names") {
  std::string text = "On Monday Acme Corp. said";
  const char* const days[] = {"Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                              "February", "March"};
  const int gaps[] = {0, 1, 2, 3, 5, 8, 13, 21, 34};
  const std::string filler = "the company said that it would keep its plans for the new plant in the north of the country";
  for (int i = 0; i < 9; ++i) {
    std::string words;
    for (int n = 0; n < gaps[i]; ++n) {
      std::size_t at = 0;   // the (n mod 19)th word of the filler
      for (int skip = n % 19; skip > 0; --skip) at = filler.find(' ', at) + 1;
      words += filler.substr(at, filler.find(' ', at) - at) + " ";
    }
    text += " " + words + "on " + days[i];
  }
  text += ". Globex agreed in March.\n";
  DocumentInfo info;
  info.id = "t";
  info.source = "t.txt";
  const Extraction x = testing::extractor().extract(text, info);
  std::vector<std::string> names;
  for (const Entity& e : x.entities) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"Acme", "Globex"});
  CHECK(x.timexes.size() >= 10);
}

}  // TEST_SUITE
