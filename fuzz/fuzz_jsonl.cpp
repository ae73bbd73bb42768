// libFuzzer target: the JSON Lines reader (cli::parse_jsonl), with and without --date.
// Invariants: every document returned passes the text check and has an id; every problem is one
// line naming the file, so a hostile id or line cannot forge or split a message.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace storyline;
  if (size > (1u << 20)) return 0;
  const std::string bytes = fuzzsupport::as_string(data, size);
  cli::InputOptions options;
  options.max_bytes = 4096;   // small, so the per-document limit is exercised too
  if (size % 2 == 1) options.date = "2023-02-06";
  std::vector<cli::InputDoc> docs;
  std::vector<std::string> problems;
  cli::parse_jsonl(bytes, "fuzz.jsonl", options, docs, problems);
  for (const auto& d : docs) {
    fuzzsupport::require(cli::check_text(d.text).empty(), "returned document passes check_text");
    fuzzsupport::require(d.text.size() <= options.max_bytes, "returned document within --max-bytes");
    if (d.date) fuzzsupport::require(cli::valid_date(*d.date), "returned date is a calendar date");
  }
  for (const auto& p : problems) {
    fuzzsupport::require(p.rfind("fuzz.jsonl:", 0) == 0, "problem names the file");
    fuzzsupport::require(p.find('\n') == std::string::npos && p.find('\r') == std::string::npos,
                         "problem is one line");
  }
  return 0;
}
