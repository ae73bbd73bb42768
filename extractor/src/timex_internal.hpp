// Private to the timex tagger: candidates, overlap resolution and the anchoring pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/rules.hpp"

namespace storyline::extractor::timex_internal {

struct Candidate {
  std::size_t start = 0;
  std::size_t end = 0;
  int priority = 0;
  int rule = 0;        // index into the rule table
  bool latent = false;
  std::string value;   // underspecified, e.g. "[year-1]", "[year]-11-19", "P3Y"
};

// Keeps non-overlapping candidates by one total order (longer span, higher priority, earlier start,
// smaller id), drops latent ones, returns them in text order. `ids[c.rule]` is the rule id.
std::vector<Candidate> resolve_overlaps(std::vector<Candidate> cands,
                                        const std::vector<std::string>& ids);

struct Ymd {
  int y = 0, m = 0, d = 0;
};

class TenseCues;

int quarter_mentions(std::string_view text);  // how often "quarter" occurs

struct Anchor {
  std::optional<Ymd> dct;  // document date
  std::optional<Ymd> ref;  // last anchored date in the text (starts as dct)
  std::optional<Ymd> ref_day;  // last anchored date of day granularity (bare clock times use it)
  // The text around the expression: resolve_value reads its tense (a future cue, a past-tense verb
  // right before it) and quarter talk from it, only if a value's functions need them (most never
  // do). Unset: no tense, no quarter talk.
  struct Around {
    const TenseCues* cues = nullptr;  // the tagger's tense cues (tense.tsv)
    std::string_view before, after;   // TenseCues' arguments (past_verb_before, future_cues)
    std::string_view window;          // quarter_context's argument
    // Quarter talk anyway (the document is about quarters: quarter_mentions(doc) >= 2), counted
    // on first use into *doc_quarters (-1 until then; 0 or 1), which the caller keeps per document.
    std::string_view doc;
    int* doc_quarters = nullptr;
    bool doc_about_quarters() const {
      if (!doc_quarters) return false;
      if (*doc_quarters < 0) *doc_quarters = quarter_mentions(doc) >= 2;
      return *doc_quarters != 0;
    }
  };
  const Around* around = nullptr;
};

std::optional<Ymd> parse_ymd(std::string_view s);  // "YYYY-MM-DD..." or nullopt

// The tense cues of en/timex/tense.tsv (what each kind means is written there), ready to scan.
class TenseCues {
 public:
  static Result<TenseCues> parse(const std::vector<std::vector<std::string>>& rows, const std::string& file);
  // An expression's tense is past when past_verb_before, else future when future_cues (the
  // dearer of the two, read only when needed).
  // Whether the word right before the expression is a past-tense verb.
  bool past_verb_before(std::string_view before) const;
  // Whether the words before the expression (same sentence) or, for a clause-initial one, the rest
  // of its clause point ahead.
  bool future_cues(std::string_view before, std::string_view after) const;

 private:
  // Cues by the byte after their leading ' ' (" will "), clitics ("'ll ") apart.
  struct CueIndex {
    struct Cue {
      std::string s;
      std::uint32_t head = 0;  // its first 4 bytes
    };
    std::vector<Cue> by_second[256];
    std::vector<Cue> clitics;
    bool add(std::string_view word);   // false: too short to index
    // Whether some cue occurs in `b` (lower-cased, padded with spaces) and counts(b, at, cue).
    template <class Counts>
    bool any_in(std::string_view b, Counts counts) const;
  };

  std::vector<std::string> skip_before_, past_verbs_, past_suffixes_, planning_verbs_, not_past_after_,
      initial_words_;
  CueIndex before_, after_;
};

// True when the window mentions a fiscal quarter.
bool quarter_context(std::string_view window);

// Resolves the bracketed functions of an underspecified value:
//   [year|month|day|week|quarter|half|decade|century(+N|-N)]  relative to the dct,
//   [@unit(+N|-N)]  relative to the previous anchored date (anaphora),
//   [refday(+N|-N)]  relative to the last day-granular date in the text, else the dct
//                    ("10 p.m." in a story about an earlier day),
//   [weekday:N]  the nearest such weekday (1 = Monday) to the dct, past unless `future`.
// Without an anchor a function becomes X's of its granularity ("XXXX", "XXXX-XX-XX").
std::string resolve_value(const std::string& value, const Anchor& a);

// After a DATE/TIME is anchored, it becomes the reference for later anaphora.
void update_ref(const std::string& value, Anchor& a);

}  // namespace storyline::extractor::timex_internal
