// storyline::extractor — temporal expressions (TIMEX3), found by rules and normalised against the
// document date.
//
//   Result<TimexTagger> t = TimexTagger::load(RuleDirs::defaults());
//   std::vector<Timex> xs = t->tag(text, sentences, "2023-02-06");
//   // "last year" -> {type DATE, value "2022"}; "Nov. 19, 2018" -> "2018-11-19"
//
// Two passes, as in HeidelTime: rules produce an underspecified value, a second pass anchors it to
// the document date (or to the previous date in the text for anaphoric expressions). Without a
// document date relative expressions stay unanchored (e.g. "XXXX", "PAST_REF").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

#include "storyline/extractor/rules.hpp"
#include "storyline/extractor/types.hpp"

namespace storyline::extractor {

class TimexTagger {
 public:
  // Loads and compiles every rule file under "en/timex/"; Error{"rules.*"} naming file and rule.
  static Result<TimexTagger> load(const RuleDirs& dirs);

  // Thread-safe (const, immutable compiled rules). `dct`: "YYYY-MM-DD" or nullopt.
  // Timexes are returned in text order, non-overlapping, with `sentence` set from `sentences`.
  std::vector<Timex> tag(std::string_view text, const std::vector<Sentence>& sentences,
                         const std::optional<std::string>& dct) const;

  // A publication date from a dateline at the top of the text ("TOKYO, Feb. 6, 2023 -",
  // "Published: 6 February 2023"), as YYYY-MM-DD, or nullopt.
  std::optional<std::string> dateline_date(std::string_view text) const;

  struct Impl;
  std::shared_ptr<const Impl> impl_;

 private:
  std::vector<Timex> tag_until(std::string_view text, const std::vector<Sentence>& sentences,
                               const std::optional<std::string>& dct, bool first_day) const;
};

}  // namespace storyline::extractor
