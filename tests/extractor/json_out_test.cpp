// JsonOut (json_out.hpp) against nlohmann::json and std::to_string: strings of every length up to
// well past the 4-, 8- and 16-byte steps of its plain-string copy, with a byte to escape (or a
// non-ASCII one) at every place; integers at every digit-count boundary; and to_json's two forms.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/json_out.hpp"

using storyline::extractor::JsonOut;

namespace {

std::string nlohmann_str(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(const std::string& s) {
  JsonOut o;
  o.lit("[");
  o.str(s);
  o.lit("]");
  return std::string(o.view());
}

}  // namespace

TEST_CASE("JsonOut::str writes every length and escape position as nlohmann does") {
  const std::vector<std::string> specials = {"\"", "\\", "\n", "\t", std::string(1, '\0'), "\x01", "\x1f",
                                             "\x7f", "\xc3\xa9", "\xe2\x80\x9c", "\xff", "\xc3"};
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string plain;
    for (std::size_t i = 0; i < n; ++i) plain.push_back(static_cast<char>('a' + (i * 7) % 26));
    INFO("length " << n);
    CHECK(written(plain) == "[" + nlohmann_str(plain) + "]");
    for (std::size_t at = 0; at < n; ++at)
      for (const auto& sp : specials) {
        std::string s = plain;
        s.replace(at, 1, sp);
        INFO("special at " << at << ": " << nlohmann::json(static_cast<int>(static_cast<unsigned char>(sp[0]))).dump());
        CHECK(written(s) == "[" + nlohmann_str(s) + "]");
      }
  }
}

TEST_CASE("JsonOut: keyed strings, numbers and a buffer kept from one text to the next") {
  const std::vector<std::uint64_t> values = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 10001,
                                             99999, 100000, 100001, 999999, 1000000, 1000001, 4294967295ull,
                                             4294967296ull, std::numeric_limits<std::uint64_t>::max()};
  JsonOut o;
  for (int round = 0; round < 2; ++round) {
    o.clear();
    std::string want;
    for (std::uint64_t v : values) {
      o.field(",\"n\":", static_cast<std::size_t>(v));
      want += ",\"n\":" + std::to_string(v);
      o.field(",\"s\":", std::string("x\"y") + std::to_string(v));
      want += ",\"s\":" + nlohmann_str("x\"y" + std::to_string(v));
    }
    for (int v = -12; v <= 12; ++v) {
      o.num(v * 1000);
      want += std::to_string(v * 1000);
    }
    CHECK(o.view() == want);
  }
}

TEST_CASE("to_json into a JsonOut is to_json's compact text") {
  using namespace storyline::extractor;
  auto ex = Extractor::load(RuleDirs::defaults());
  REQUIRE(ex);
  DocumentInfo info;
  info.id = "doc \"1\"";
  info.date = "2023-02-06";
  const Extraction x = ex->extract(
      "LONDON (Reuters) - Acme Corp said on Monday it would buy Widget Ltd for $2 billion.\n"
      "Chief executive Jane Doe said the deal, first reported in March 2022, would close by June.",
      info);
  JsonOut out;
  for (int round = 0; round < 3; ++round) {
    out.clear();
    to_json(x, out, "\n");
    CHECK(out.view() == to_json(x, -1, "\n"));
  }
  to_json(x, out);   // appended
  CHECK(out.view() == to_json(x, -1, "\n") + to_json(x, -1));
}
