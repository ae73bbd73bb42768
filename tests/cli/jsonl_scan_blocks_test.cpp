// The fast JSON Lines reader scans strings 16 bytes at a time: escapes, quotes, control bytes and
// non-ASCII bytes at every place around those steps, against nlohmann::json.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jsonl_scan.hpp"

TEST_CASE("scan_flat_object: specials at every place of a string, as nlohmann reads them") {
  const std::vector<std::string> specials = {"\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9",
                                             "\xe2\x80\x94", "\t", "\x01", "\xff", "\\x", "\\", "\""};
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string plain;
    for (std::size_t i = 0; i < n; ++i) plain.push_back(static_cast<char>('a' + (i * 5) % 26));
    for (std::size_t at = 0; at <= n; ++at)
      for (const auto& sp : specials) {
        std::string text = plain;
        text.insert(at, sp);
        for (const std::string& pad : {std::string(), std::string(37, ' ')}) {
          const std::string line = "{\"id\":\"x\",\"text\":\"" + text + "\"" + pad + ",\"date\":\"2020-01-02\"}";
          storyline::cli::FlatFields f;
          const bool fast = storyline::cli::scan_flat_object(line, f);
          const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
          INFO("line: " << line);
          if (j.is_discarded()) {
            CHECK_FALSE(fast);
            continue;
          }
          if (!fast) {
            // Declined shapes are the parser's to read; plain text and simple escapes are not among them.
            CHECK((sp == "\t" || sp == "\x01"));
            continue;
          }
          CHECK(f.text_string);
          CHECK(f.text == j["text"].get<std::string>());
          CHECK(f.date == "2020-01-02");
          CHECK(f.id == "x");
        }
      }
  }
}
