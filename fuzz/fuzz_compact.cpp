// libFuzzer target: extractor::from_compact_json, the strict reader `merge` uses for the compact
// extract JSON storyline writes. Invariants: what it accepts is JSON (nlohmann accepts the bytes it
// took) and means what it read (nlohmann's tree of those bytes equals the tree of to_json of the
// result); to_json of the result reads back to the same bytes (writer and reader agree).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace storyline;
  if (size > (1u << 20)) return 0;
  const std::string bytes = fuzzsupport::as_string(data, size);
  std::size_t used = 0;
  const auto x = extractor::from_compact_json(bytes, &used);
  if (!x) return 0;
  fuzzsupport::require(used <= bytes.size(), "used within the input");
  const std::string taken = bytes.substr(0, used);
  const auto in = nlohmann::json::parse(taken, nullptr, false);
  fuzzsupport::require(!in.is_discarded(), "accepted bytes are JSON");
  const std::string again = extractor::to_json(*x, -1);
  fuzzsupport::require(nlohmann::json::parse(again) == in, "the result means what the input said");
  std::size_t used2 = 0;
  const auto y = extractor::from_compact_json(again, &used2);
  fuzzsupport::require(y && used2 == again.size() && extractor::to_json(*y, -1) == again,
                       "to_json's output reads back to the same bytes");
  return 0;
}
