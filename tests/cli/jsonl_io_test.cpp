// The JSON Lines input and output paths that skip work: lines read in place from the read buffer
// (or gathered when they run over its end), the text's second checks left to what the fast reader
// knows, and each group's lines written in one piece.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jsonl_scan.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using storyline::cli::FlatFields;
using storyline::cli::scan_flat_object;
using testsupport::run;
using testsupport::slurp;
using testsupport::spit;

TEST_CASE("scan_flat_object says whether the text had a \\u escape (the only way to a NUL byte)") {
  FlatFields f;
  REQUIRE(scan_flat_object(R"({"id":"a","text":"plain \" \\ \n\t text"})", f));
  CHECK_FALSE(f.text_u_escape);
  REQUIRE(scan_flat_object(R"({"id":"\u0041","text":"no escape here"})", f));   // (the id's does not count)
  CHECK_FALSE(f.text_u_escape);
  REQUIRE(scan_flat_object(R"({"text":"Acme\u0000Corp."})", f));
  CHECK(f.text_u_escape);
  CHECK(f.text == std::string("Acme\0Corp.", 10));
  REQUIRE(scan_flat_object(R"({"text":"caf\u00e9","text":"second"})", f));   // the last text decides
  CHECK_FALSE(f.text_u_escape);
  // Long strings, specials near every 16-byte boundary, decoded as the full parser does.
  std::string text;
  for (int i = 0; i < 300; ++i) text += std::string(static_cast<std::size_t>(i % 37), 'a') + (i % 3 ? "\\n" : "\\\"");
  const std::string line = "{\"text\":\"" + text + "\",\"id\":\"x\"}";
  REQUIRE(scan_flat_object(line, f));
  CHECK(f.text == nlohmann::json::parse(line)["text"].get<std::string>());
}

TEST_CASE("extract: JSON Lines over the read buffer's end, to a file and to stdout, the same lines") {
  auto dir = testsupport::temp_dir("jsonl-io");
  // Texts of sizes around and past the 64 KB read buffer; the last line has no newline.
  const std::vector<std::size_t> sizes = {30000, 70000, 100, 40000, 5, 200000, 3000};
  std::string in;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    std::string text;
    while (text.size() < sizes[k]) text += "Acme Corp. hired Jane Doe in Paris on May 5, 2021.\\n";
    text.resize(sizes[k]);
    if (text.back() == '\\') text.back() = '.';
    in += "{\"id\":\"d" + std::to_string(k) + "\",\"text\":\"" + text + "\"}";
    if (k + 1 < sizes.size()) in += "\n";
  }
  spit((dir / "in.jsonl").string(), in);
  const fs::path file = dir / "out.jsonl";
  auto a = run("extract --jsonl '" + (dir / "in.jsonl").string() + "' --compact --quiet -j 1 -o '" + file.string() + "'");
  REQUIRE_MESSAGE(a.status == 0, a.err);
  auto b = run("extract --jsonl '" + (dir / "in.jsonl").string() + "' --compact --quiet -j 2 -o -");
  REQUIRE_MESSAGE(b.status == 0, b.err);
  const std::string out = slurp(file.string());
  CHECK(out == b.out);
  std::size_t at = 0;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const std::size_t nl = out.find('\n', at);
    REQUIRE(nl != std::string::npos);
    const auto j = nlohmann::json::parse(out.substr(at, nl - at));
    CHECK(j["document"]["id"] == "d" + std::to_string(k));
    at = nl + 1;
  }
  CHECK(at == out.size());
  // No temporary file is left beside the output.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 2);
  fs::remove_all(dir);
}
