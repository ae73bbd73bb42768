// Private to the timex tagger: test and benchmark hooks; one compares the two matching engines of TimexTagger::Impl
// (start positions with an anchored RE2::Set, and the per-paragraph unanchored scans they replace).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storyline/extractor/timex.hpp"
#include "timex_internal.hpp"

namespace storyline::extractor::timex_engine {

// The rules whose capturing groups, as read at load time (RE2 compiles a rule on first use), are
// not those RE2 finds (number and names); "" when all agree.
std::string group_mismatches(const TimexTagger& t);

// Whether the tagger uses the start-position engine (false when a rule reads outside its match).
bool uses_starts(const TimexTagger& t);

// Forgets the outcomes of matches this thread has memoised (same results, only slower): for the
// benchmark that measures every document as new to the tagger.
void forget_outcomes();

// For every rule with a word-form capture pattern and every position of `text` where the rule
// matches: the captures through it, when taken, must be those of the full pattern. Returns the
// rules and spans where they differ ("" when none); `taken` and `refused` count the spans where
// the word form was used and where the full pattern was asked instead.
std::string word_form_mismatches(const TimexTagger& t, std::string_view text, std::size_t& taken,
                                 std::size_t& refused);

// Raw candidates (before overlap resolution) of both engines on `text`: {starts, blocks}.
std::pair<std::vector<timex_internal::Candidate>, std::vector<timex_internal::Candidate>> both(
    const TimexTagger& t, std::string_view text);

}  // namespace storyline::extractor::timex_engine
