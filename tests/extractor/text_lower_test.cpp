// ascii_lower_copy's sixteen-byte steps (their overlapping last step, in place and into another
// buffer) against the byte-by-byte rule, and JsonOut::dec's literal for 0.5 beside its neighbours.
#include <doctest/doctest.h>

#include <string>

#include "storyline/extractor/ascii.hpp"
#include "storyline/extractor/json_out.hpp"

using namespace storyline::extractor;

TEST_SUITE("extractor.text") {

TEST_CASE("ascii_lower_copy: every length to 70, in place and copied, ASCII letters only") {
  // Bytes around the letters' edges, and bytes of multi-byte characters (kept as they are).
  const std::string alphabet = std::string("@AZ[`az{09 -.'\x7f") + "\x80\xc3\x89\xc1\xda\xe1\xfa\xff";
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string src;
    for (std::size_t k = 0; k < n; ++k) src += alphabet[(k * 7 + n) % alphabet.size()];
    std::string want = src;
    for (char& c : want)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string copied(n, '#');
    ascii_lower_copy(copied.data(), src.data(), n);
    CHECK(copied == want);
    std::string in_place = src;
    ascii_lower_copy(in_place.data(), in_place.data(), n);
    CHECK(in_place == want);
    CHECK(ascii_lower(src) == want);
  }
}

TEST_CASE("JsonOut::dec: 0.5 and the halves around it") {
  JsonOut o;
  for (double v : {0.5, -0.5, 0.0, 1.0, 1.5, 2.0, 0.25}) {
    o.dec(v);
    o.ch(' ');
  }
  CHECK(o.view() == "0.5 -0.5 0.0 1.0 1.5 2.0 0.25 ");
}

}  // TEST_SUITE
