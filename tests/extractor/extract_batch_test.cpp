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
