// The default-rules Extractor, loaded once per test binary, and a one-call extraction of a text.
#pragma once

#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "storyline/extractor/extractor.hpp"

namespace storyline::extractor::testing {

inline const Extractor& extractor() {
  static Extractor ex = [] {
    auto r = Extractor::load(RuleDirs::defaults());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
  }();
  return ex;
}

// Document "t" (t.txt), dated by `date` (as if from --date) or undated.
inline Extraction run(const std::string& text, std::optional<std::string> date = std::nullopt) {
  DocumentInfo info;
  info.id = "t";
  info.source = "t.txt";
  info.date = date;
  info.date_source = date ? "option" : "none";
  return extractor().extract(text, info);
}

// The relation source -type-> target of x (by entity id), or null.
inline const Relation* relation(const Extraction& x, const std::string& src, const std::string& type,
                                const std::string& tgt) {
  for (const auto& r : x.relations)
    if (x.entities.at(r.source).id == src && r.type == type && x.entities.at(r.target).id == tgt) return &r;
  return nullptr;
}

}  // namespace storyline::extractor::testing
