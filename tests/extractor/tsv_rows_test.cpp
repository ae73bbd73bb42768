// TsvRows against a plain line-by-line reading of its contract: lines split on '\n', a line's
// last '\r' dropped, blank lines and lines starting with '#' skipped, fields split on TAB.
// Random texts of those bytes cross the 16-byte blocks the scan reads.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/rules.hpp"

using namespace storyline::extractor;

namespace {

std::vector<std::vector<std::string>> plain(const std::string& t) {
  std::vector<std::vector<std::string>> rows;
  std::size_t pos = 0;
  while (pos < t.size()) {
    std::size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    std::string_view line(t.data() + pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> row;
    std::size_t f = 0;
    while (true) {
      const std::size_t tab = line.find('\t', f);
      row.emplace_back(line.substr(f, tab == std::string_view::npos ? std::string_view::npos : tab - f));
      if (tab == std::string_view::npos) break;
      f = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::vector<std::string>> split(const std::string& t) {
  std::vector<std::vector<std::string>> rows;
  for (const auto row : TsvRows(t)) rows.emplace_back(row.begin(), row.end());
  return rows;
}

}  // namespace

TEST_CASE("TsvRows splits as a plain line-by-line reading does") {
  for (const std::string t : {"", "\n", "a", "a\n", "a\tb", "a\tb\r\n", "\t", "\t\r", "\r", "\r\n\r\n", "#x\ty\nz",
                              "a\t\r\nb\t\t\n# c\n\n d \t e", "x\ry\tz\r\r\n", "#", "a\n#\n\tb\n"}) {
    CAPTURE(t);
    CHECK(split(t) == plain(t));
  }
  std::mt19937 rng(7);
  const char bytes[] = {'a', 'b', '\t', '\n', '\r', '#', ' '};
  for (int n = 0; n < 2000; ++n) {
    std::string t(rng() % 70, ' ');
    for (char& c : t) c = bytes[rng() % sizeof bytes];
    CAPTURE(t);
    REQUIRE(split(t) == plain(t));
  }
}
