// Shared helpers for storyline's libFuzzer targets (fuzz/fuzz_*.cpp; see docs/robustness.md).
//
// A target must never crash, hang, leak or trip a sanitizer; an invariant it checks is enforced with
// require(), which aborts so that libFuzzer records the input as a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storyline/extractor/extractor.hpp"

namespace fuzzsupport {

inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

// The built-in rules, loaded once per process.
inline const storyline::extractor::Extractor& extractor() {
  static const storyline::extractor::Extractor ex = [] {
    auto loaded = storyline::extractor::Extractor::load(storyline::extractor::RuleDirs::defaults());
    if (!loaded) {
      std::fprintf(stderr, "fuzz: cannot load the built-in rules: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return *loaded;
  }();
  return ex;
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace fuzzsupport
