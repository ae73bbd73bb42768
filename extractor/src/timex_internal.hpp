// Private to the timex tagger: candidates, overlap resolution and the anchoring pass.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

struct Anchor {
  std::optional<Ymd> dct;  // document date
  std::optional<Ymd> ref;  // last anchored date in the text (starts as dct)
  std::optional<Ymd> ref_day;  // last anchored date of day granularity (bare clock times use it)
  bool future = false;     // tense cue around the expression
  bool past = false;       // a past-tense verb right before it ("ended March 31")
  bool quarter_context = false;  // the surrounding text talks about quarters (earnings prose)
  // When set, resolve_value reads future/past and quarter_context from this text instead of the
  // fields above, and only if a value's functions need them (most never do).
  struct Around {
    std::string_view before, after;  // tense_context's arguments
    std::string_view window;         // quarter_context's argument
    bool doc_quarters = false;       // quarter talk anyway (the document is about quarters)
  };
  const Around* around = nullptr;
};

std::optional<Ymd> parse_ymd(std::string_view s);  // "YYYY-MM-DD..." or nullopt

// True when the words before (same sentence) or just after the expression point to the future.
bool future_context(std::string_view before, std::string_view after);

// True when the word right before the expression (skipping "on", "in", ...) is a past-tense verb.
bool past_context(std::string_view before);

// Both at once: future = future_context(before, after), past = !future && past_context(before).
void tense_context(std::string_view before, std::string_view after, bool& future, bool& past);

// True when the window mentions a fiscal quarter.
bool quarter_context(std::string_view window);
int quarter_mentions(std::string_view text);  // how often "quarter" occurs

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
