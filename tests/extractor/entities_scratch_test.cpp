// The entity tagger keeps its working tables per thread and reuses them from document to document
// (cleared or reset first). Nothing of one document may leak into the next: each extraction on a
// thread that has just done others (longer ones, shorter ones, the same one) is exactly what a
// thread that never tagged anything makes of it.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.entities_scratch") {

TEST_CASE("an extraction does not depend on the documents the thread extracted before") {
  namespace fs = std::filesystem;
  std::vector<std::string> texts;
  for (const auto& f : fs::directory_iterator(testsupport::source_dir() + "/examples"))
    if (f.path().extension() == ".txt") texts.push_back(testsupport::slurp(f.path().string()));
  // Short documents after long ones (tables that grew, then a few names), aliases made up from
  // initials and re-cased surnames, a list of names, repeated names with hyphen parts.
  texts.push_back("ROBERTO DURAN WINS AGAIN\nDuran beat Leonard. The Federal Aviation Administration (FAA) "
                  "said GM and Nissan-Renault were fine.");
  texts.push_back("Apple, Samsung and Qualcomm answered. Apple said so.");
  texts.push_back("Nothing here.");
  texts.push_back("");
  REQUIRE(texts.size() >= 5);

  auto json_of = [](const std::string& text) {
    DocumentInfo info;
    info.id = "t";
    info.source = "t.txt";
    return to_json(testing::extractor().extract(text, info), -1);
  };
  // Each text alone, on a thread of its own (fresh working tables).
  std::vector<std::string> fresh(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::thread t([&, i] { fresh[i] = json_of(texts[i]); });
    t.join();
  }
  // All of them on one thread, forwards, backwards and each twice in a row.
  std::vector<std::string> got_fwd, got_back, got_twice;
  std::thread t([&] {
    for (const std::string& text : texts) got_fwd.push_back(json_of(text));
    for (std::size_t i = texts.size(); i-- > 0;) got_back.push_back(json_of(texts[i]));
    for (const std::string& text : texts) {
      json_of(text);
      got_twice.push_back(json_of(text));
    }
  });
  t.join();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CAPTURE(i);
    CHECK(got_fwd[i] == fresh[i]);
    CHECK(got_back[texts.size() - 1 - i] == fresh[i]);
    CHECK(got_twice[i] == fresh[i]);
  }
}

}  // TEST_SUITE
