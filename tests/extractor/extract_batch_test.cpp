// extract_batch() runs the stages over many documents at once: it must give exactly what
// extract() gives for each document.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

TEST_CASE("extract_batch gives extract()'s result for every document") {
  namespace fs = std::filesystem;
  std::vector<std::string> texts;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(fs::path(testsupport::source_dir()) / "examples"))
    if (e.path().extension() == ".txt") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  texts.push_back("");   // an empty document among the others
  texts.push_back("LONDON, March 3 (Reuters) - Theresa May met Angela Merkel in Berlin on Tuesday.");
  REQUIRE(texts.size() >= 3);
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<DocumentInfo> infos(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    infos[i].id = "d" + std::to_string(i);
    if (i % 2 == 0) {
      infos[i].date = "2020-01-01";
      infos[i].date_source = "option";
    }
  }
  const Extractor& ex = storyline::extractor::testing::extractor();
  std::vector<Extraction> batch = ex.extract_batch(views, infos);
  REQUIRE(batch.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i)
    CHECK(to_json(batch[i], -1) == to_json(ex.extract(views[i], infos[i]), -1));
}

TEST_CASE("extract_batch counts cut sentences per document and in total") {
  std::string long_one;
  for (int i = 0; i < 30; ++i) long_one += "word" + std::to_string(i) + " ";
  long_one += "end.";
  std::vector<std::string> texts = {"A short sentence. Another one.", long_one, "Short again.", long_one + " " + long_one};
  std::vector<std::string_view> views(texts.begin(), texts.end());
  ExtractOptions eo;
  eo.max_sentence_tokens = 10;
  std::size_t total = 0;
  eo.sentences_cut = &total;
  std::vector<std::size_t> each = {99};   // replaced, not appended to
  const Extractor& ex = storyline::extractor::testing::extractor();
  auto batch = ex.extract_batch(views, {}, eo, &each);
  REQUIRE(each.size() == texts.size());
  std::vector<std::size_t> expected;
  for (const auto& v : views) {
    std::size_t one = 0;
    ExtractOptions o1 = eo;
    o1.sentences_cut = &one;
    ex.extract(v, {}, o1);
    expected.push_back(one);
  }
  CHECK(each == expected);
  CHECK(each[0] == 0);
  CHECK(each[1] == 1);
  CHECK(each[2] == 0);
  CHECK(each[3] >= 1);
  CHECK(total == each[0] + each[1] + each[2] + each[3]);
}

TEST_CASE("extract_batch hands each document to done as soon as it is complete, in order") {
  // extract JSON Lines writes each document from done, while its Extraction is in the caches:
  // done must see every document once, in order, with extract()'s result and its cut count set.
  std::string long_one;
  for (int i = 0; i < 30; ++i) long_one += "word" + std::to_string(i) + " ";
  std::vector<std::string> texts = {"Theresa May met Angela Merkel in Berlin on Tuesday.", long_one, "",
                                    "Nissan said on Monday that Carlos Ghosn was arrested in Tokyo."};
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<DocumentInfo> infos(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) infos[i].id = "d" + std::to_string(i);
  ExtractOptions eo;
  eo.max_sentence_tokens = 10;
  const Extractor& ex = storyline::extractor::testing::extractor();
  std::vector<std::size_t> cut;
  std::vector<std::size_t> order, cut_seen;
  std::vector<std::string> json;
  ex.extract_batch(views, infos, eo, &cut, [&](std::size_t i, Extraction& x) {
    order.push_back(i);
    cut_seen.push_back(cut[i]);
    json.push_back(to_json(x, -1));
    x = {};   // done may take x away
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(cut_seen == cut);   // set before done saw them
  CHECK(cut[1] == 1);
  REQUIRE(json.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) CHECK(json[i] == to_json(ex.extract(views[i], infos[i], eo), -1));
}
