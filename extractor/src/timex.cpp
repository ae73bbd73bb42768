// Temporal expression tagger: rules as data (extractor/rules/en/timex/), compiled once with RE2.
//
// Pass 1 (extract): every rule's pattern is expanded from lexicons and macros, an RE2::Set picks the
// rules that can match the document, each of those scans the text once; candidates are checked for
// word boundaries and calendar validity, then overlaps are resolved with one total order.
// Pass 2 (anchor): bracketed functions left in values ("[year-1]", "[weekday:5]", "[@day+1]") are
// resolved against the document date, or ('@') against the previous anchored date in the text.
#include "storyline/extractor/timex.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <bitset>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "storyline/extractor/ascii.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/extractor/timex_value.hpp"
#include "timex_engine.hpp"
#include "timex_internal.hpp"

namespace storyline::extractor {

namespace {

using timex_internal::Candidate;

// "%02d" of a non-negative number.
std::string two_digits(int n) {
  if (n >= 0 && n < 10) return std::string{'0', static_cast<char>('0' + n)};
  return std::to_string(n);
}

struct Lexicon {
  std::unordered_map<std::string, std::vector<std::string>> values;  // lower-case surface -> columns
  std::vector<std::string> surfaces;
  // values[text in ASCII lower case], or null: an open-addressing table over `values` by
  // fold_hash (no lower-case copy of the text), built by index().
  const std::vector<std::string>* find(std::string_view text) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = fold_hash(text) & mask_;; i = (i + 1) & mask_) {
      const auto* e = slots_[i];
      if (!e) return nullptr;
      if (lower_equals(text, e->first)) return &e->second;
    }
  }
  void index() {
    std::size_t n = 8;
    while (n < 2 * values.size()) n *= 2;
    slots_.assign(n, nullptr);
    mask_ = n - 1;
    for (const auto& kv : values) {
      std::size_t i = fold_hash(kv.first) & mask_;
      while (slots_[i]) i = (i + 1) & mask_;
      slots_[i] = &kv;
    }
  }

 private:
  std::vector<const std::pair<const std::string, std::vector<std::string>>*> slots_;
  std::size_t mask_ = 0;

 public:
  // For a lexicon of words joined by single separators ("twenty-one", "a dozen", "ninety"): a run
  // of the bytes of its first words, then any number of (separator, one of the words after a
  // separator, longest first): "[a-z]+(?:[\ \-](?:thousand|...|one))*", a superset of the
  // surfaces that prefers the longer of two texts at a position, as their alternation does; ""
  // for other lexicons, or when not much shorter. See CompiledRule::words_re.
  std::string word_form;
  // The surfaces as one regex factored by their common prefixes ("sep(?:t(?:ember)?)?"): the
  // language of their alternation (the set's patterns: no captures, so no parse to keep).
  std::string factored;
};

// Lexicon::factored of `surfaces` (lower case, none empty): the alternation as a trie over
// their UTF-8 characters.
std::string factored_alternation(std::vector<std::string> surfaces) {
  std::sort(surfaces.begin(), surfaces.end());
  surfaces.erase(std::unique(surfaces.begin(), surfaces.end()), surfaces.end());
  std::string out;
  const auto char_len = [](const std::string& s, std::size_t d) {
    std::size_t j = d + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
    return j - d;
  };
  // The surfaces [lo, hi) share their first d bytes (whole characters); sorted, the one that ends
  // there (if any) comes first, and those with the same next character are together.
  const auto emit = [&](auto&& self, std::size_t lo, std::size_t hi, std::size_t d) -> void {
    const bool ends = surfaces[lo].size() == d;
    const std::size_t from = ends ? lo + 1 : lo;
    if (from == hi) return;
    const std::size_t n0 = char_len(surfaces[from], d);
    const bool one = surfaces[hi - 1].compare(d, n0, surfaces[from], d, n0) == 0;  // one next character
    if (ends || !one) out += "(?:";
    for (std::size_t i = from; i < hi;) {
      const std::size_t n = char_len(surfaces[i], d);
      std::size_t j = i + 1;
      while (j < hi && surfaces[j].compare(d, n, surfaces[i], d, n) == 0) ++j;
      if (i != from) out += '|';
      out += RE2::QuoteMeta(re2::StringPiece(surfaces[i].data() + d, n));
      self(self, i, j, d + n);
      i = j;
    }
    if (ends || !one) out += ends ? ")?" : ")";
  };
  if (!surfaces.empty()) emit(emit, 0, surfaces.size(), 0);
  return out;
}

// Lexicon::word_form of `surfaces` (lower case), or "" when it is not shorter than half of their
// alternation.
std::string word_form_of(const std::vector<std::string>& surfaces) {
  std::bitset<128> first_bytes, seps;  // the bytes of first words; separators
  std::vector<std::string> later;      // distinct words after a separator
  std::set<std::string> seen;
  std::size_t alternation = 0;
  const auto alnum = [](unsigned char c) { return c < 0x80 && std::isalnum(c); };
  for (const auto& s : surfaces) {
    alternation += s.size() + 1;
    for (std::size_t i = 0; i < s.size();) {
      std::size_t j = i;
      while (j < s.size() && alnum(static_cast<unsigned char>(s[j]))) ++j;
      if (j == i) return "";  // empty, or a separator first, last or doubled
      if (i == 0) {
        for (std::size_t k = 0; k < j; ++k) first_bytes.set(static_cast<unsigned char>(s[k]));
      } else if (seen.insert(s.substr(i, j - i)).second) {
        later.push_back(s.substr(i, j - i));
      }
      if (j == s.size()) break;
      const unsigned char sep = static_cast<unsigned char>(s[j]);
      if (sep >= 0x80 || sep < 0x20 || j + 1 == s.size()) return "";
      seps.set(sep);
      i = j + 1;
    }
  }
  const auto byte_class = [](const std::bitset<128>& b) {
    std::string c = "[";
    for (int x = 0x20; x < 0x80; ++x)
      if (b.test(static_cast<std::size_t>(x))) {
        if (!std::isalnum(x)) c += '\\';
        c += static_cast<char>(x);
      }
    return c + "]";
  };
  std::string out = byte_class(first_bytes) + "+";
  if (!later.empty()) {
    // Longest first: of two words that both match at a position, the longer is tried first.
    std::stable_sort(later.begin(), later.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    out += "(?:" + byte_class(seps) + "(?:";
    for (std::size_t i = 0; i < later.size(); ++i) out += (i ? "|" : "") + later[i];
    out += "))*";
  }
  return 2 * out.size() < alternation ? out : std::string();
}

// A value template ("{year}-{month:02}-{day:02}", "[@{u:c2=}+1]") read once at load time: literal
// text, and captures with their column, format and default (fill() gives what the template says).
struct ValueSeg {
  static constexpr int kLiteral = -2;
  int group = kLiteral;  // kLiteral, -1 for a name that is no capture, else the capture index
  std::string literal;   // when group == kLiteral
  int column = 0;        // "{name:cN}": value column N-1 of the lexicon
  char fmt = 0;          // '2' ("02"), 'y', 'h', or 0
  bool has_def = false;  // "{name=default}"
  std::string def;
  std::shared_ptr<const std::vector<ValueSeg>> def_segs;  // the default, when it holds captures
};

std::vector<ValueSeg> parse_value(const std::string& t, const std::map<std::string, int>& index) {
  std::vector<ValueSeg> out;
  auto literal = [&](std::string_view x) {
    if (out.empty() || out.back().group != ValueSeg::kLiteral) out.emplace_back();
    out.back().literal += x;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') {
      literal(std::string_view(&t[i], 1));
      continue;
    }
    std::size_t close = i + 1;
    for (int depth = 1; close < t.size(); ++close) {
      if (t[close] == '{') ++depth;
      if (t[close] == '}' && --depth == 0) break;
    }
    if (close >= t.size()) {
      literal(std::string_view(t).substr(i));
      break;
    }
    std::string spec = t.substr(i + 1, close - i - 1);
    i = close;
    ValueSeg seg;
    if (auto eq = spec.find('='); eq != std::string::npos) {
      seg.def = spec.substr(eq + 1);
      spec = spec.substr(0, eq);
      seg.has_def = true;
    }
    std::string fmt;
    if (auto colon = spec.find(':'); colon != std::string::npos) {
      fmt = spec.substr(colon + 1);
      spec = spec.substr(0, colon);
    }
    if (fmt.size() >= 2 && fmt[0] == 'c') {
      seg.column = std::max(0, std::atoi(fmt.c_str() + 1) - 1);
      fmt.clear();
    }
    seg.fmt = fmt == "02" ? '2' : fmt == "y" ? 'y' : fmt == "h" ? 'h' : 0;
    auto it = index.find(spec);
    seg.group = it == index.end() ? -1 : it->second;
    if (seg.def.find('{') != std::string::npos)
      seg.def_segs = std::make_shared<const std::vector<ValueSeg>>(parse_value(seg.def, index));
    out.push_back(std::move(seg));
  }
  return out;
}

// At a class's "[" (p[i]), the index of its last opening byte: a ']' right after "[" or "[^" is
// a literal, read with the opening.
inline std::size_t class_opening_end(std::string_view p, std::size_t i) {
  if (i + 1 < p.size() && p[i + 1] == '^') ++i;
  if (i + 1 < p.size() && p[i + 1] == ']') ++i;
  return i;
}

// For an ASCII text (no Kelvin sign, no long s to fold), a case-insensitive pattern matches as
// the pattern with its letters lower-cased matches the text lower-cased, case-sensitively, with
// the same parse (the same syntax tree, each atom matching the same characters): "" when the
// pattern holds what that reading does not cover: a non-ASCII byte (the Kelvin sign folds to
// 'k'), an escape other than \d \s \w \D \S \W and punctuation, flags, an upper-case letter in
// a class (a lower-cased text never holds one: [A-Z]), a POSIX class; or for case-sensitive
// options.
std::string lowered_pattern(std::string_view p, const RE2::Options& opts) {
  if (opts.case_sensitive()) return "";
  const auto upper = [](unsigned char c) { return c >= 'A' && c <= 'Z'; };
  std::string out(p);  // lower-cased in place
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80) return "";
    if (c == '\\') {
      if (i + 1 >= p.size()) return "";
      const unsigned char e = static_cast<unsigned char>(p[++i]);
      if (e >= 0x80 || (std::isalnum(e) && !std::strchr("dswDSW", e))) return "";
      continue;
    }
    if (in_class) {
      if (c == '[' || upper(c)) return "";
      // A range over the upper-case letters ("[!-~]") holds them too.
      if (c == '-' && i + 1 < p.size() && p[i + 1] != ']' && p[i - 1] != '[' &&
          static_cast<unsigned char>(p[i - 1]) < 'A' && static_cast<unsigned char>(p[i + 1]) > 'Z')
        return "";
      if (c == ']') in_class = false;  // (a literal ']' first in the class was read with its '[')
      continue;
    }
    if (c == '[') {
      in_class = true;
      i = class_opening_end(p, i);
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      if (p.compare(i, 3, "(?:") == 0) {
        i += 2;
        continue;
      }
      std::size_t name = 0;
      if (p.compare(i, 4, "(?P<") == 0) name = i + 4;
      else if (p.compare(i, 3, "(?<") == 0) name = i + 3;
      else return "";  // flags
      i = p.find('>', name);  // (the group's name as it is)
      if (i == std::string_view::npos) return "";
      continue;
    }
    if (upper(c)) out[i] = static_cast<char>(c + 32);
  }
  return out;
}

// A rule's RE2, compiled on first use (most runs read a few documents that wake a part of the
// rules; every pattern was parsed at load time, and what RE2 refuses was refused there).
// Thread-safe: std::call_once.
class LazyRe {
 public:
  LazyRe(std::string pattern, const RE2::Options& opts) : pattern_(std::move(pattern)), opts_(opts) {}
  const RE2& get() const {
    // Compiled already (nearly every call): no call_once, which costs a call and thread-local
    // set-up each time. (ready_ is set, with release, only once re_ is.)
    if (ready_.load(std::memory_order_acquire)) return *re_;
    std::call_once(once_, [this] {
      re_ = std::make_unique<RE2>(pattern_, opts_);
      ready_.store(true, std::memory_order_release);
    });
    return *re_;
  }
  bool compiled() const { return ready_.load(std::memory_order_acquire); }  // get() would not compile
  // The pattern for lower-cased ASCII text (lowered_pattern), compiled case-sensitively on first
  // use, which costs RE2 some 40% less than its case folding (a rule's RE2 is compiled for a few
  // capture calls): on an ASCII text, get()'s captures are this one's on the text lower-cased.
  // Null when the pattern has no such twin.
  const RE2* lowered() const {
    if (low_ready_.load(std::memory_order_acquire)) return low_re_.get();
    std::call_once(low_once_, [this] {
      if (const std::string p = lowered_pattern(pattern_, opts_); !p.empty()) {
        RE2::Options o = opts_;
        o.set_case_sensitive(true);
        low_re_ = std::make_unique<RE2>(p, o);
        if (!low_re_->ok()) low_re_.reset();
      }
      low_ready_.store(true, std::memory_order_release);
    });
    return low_re_.get();
  }

 private:

  std::string pattern_;
  RE2::Options opts_;
  mutable std::once_flag once_, low_once_;
  mutable std::unique_ptr<RE2> re_, low_re_;
  mutable std::atomic<bool> ready_{false}, low_ready_{false};
};

// The capturing groups of an RE2 pattern, as RE2 numbers them: every "(" that is not escaped, not
// in a character class and not "(?" opens one, as does "(?P<name>"; {index, name} for the named
// ones. Returns the number of groups.
int capture_groups(std::string_view p, std::vector<std::pair<int, std::string>>& named) {
  int n = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && p[i + 1] == 'Q') {  // \Q...\E: literal text
        const std::size_t e = p.find("\\E", i + 2);
        i = e == std::string_view::npos ? p.size() : e + 1;
        continue;
      }
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      i = class_opening_end(p, i);
      continue;
    }
    if (c != '(') continue;
    if (i + 1 < p.size() && p[i + 1] == '?') {
      if (p.compare(i + 1, 3, "?P<") == 0) {
        const std::size_t close = p.find('>', i + 4);
        if (close == std::string_view::npos) return -1;
        named.emplace_back(++n, std::string(p.substr(i + 4, close - i - 4)));
        i = close;
      }
      continue;
    }
    ++n;
  }
  return n;
}

// Reading a pattern's groups: at p[i], steps over an escape or a whole character class (i is left
// on its last byte). kUnread at what group_end and in_repeated_group do not read: \Q...\E, and a
// '[' inside a class ([[:alpha:]]).
enum class Skipped { kNo, kYes, kUnread };
Skipped skip_escape_or_class(std::string_view p, std::size_t& i) {
  auto escape = [&] {
    if (i + 1 < p.size() && p[i + 1] == 'Q') return Skipped::kUnread;
    ++i;
    return Skipped::kYes;
  };
  if (p[i] == '\\') return escape();
  if (p[i] != '[') return Skipped::kNo;
  i = class_opening_end(p, i);
  for (++i; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (escape() == Skipped::kUnread) return Skipped::kUnread;
    } else if (p[i] == '[') {
      return Skipped::kUnread;
    } else if (p[i] == ']') {
      return Skipped::kYes;
    }
  }
  return Skipped::kYes;   // (a class left open: i is at the end)
}

// The index past the ")" closing the group that opens at p[i] == '(', or npos when not read
// (see skip_escape_or_class; unbalanced).
std::size_t group_end(std::string_view p, std::size_t i) {
  int depth = 0;
  for (; i < p.size(); ++i) {
    const Skipped k = skip_escape_or_class(p, i);
    if (k == Skipped::kUnread) return std::string_view::npos;
    if (k == Skipped::kYes) continue;
    if (p[i] == '(') ++depth;
    if (p[i] == ')' && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

// Whether the group opening at p[at] is inside a group repeated more than once ("(...)*", "+",
// "{n,m}"): then a capture there holds only the last repetition. True when not read.
bool in_repeated_group(std::string_view p, std::size_t at) {
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < at; ++i) {
    const Skipped k = skip_escape_or_class(p, i);
    if (k == Skipped::kUnread) return true;
    if (k == Skipped::kYes) continue;
    if (p[i] == '(') {
      open.push_back(i);
    } else if (p[i] == ')') {
      if (open.empty()) return true;
      open.pop_back();
    }
  }
  for (const std::size_t o : open) {
    const std::size_t e = group_end(p, o);
    if (e == std::string_view::npos) return true;
    if (e < p.size() && (p[e] == '*' || p[e] == '+' || p[e] == '{')) return true;
  }
  return false;
}

// For a pattern "(?:H)?(?P<x>...)" ending with that group: "(?:H)"; "" for any other shape.
std::string optional_head(std::string_view p) {
  if (p.compare(0, 3, "(?:") != 0) return "";
  const std::size_t e1 = group_end(p, 0);
  if (e1 == std::string_view::npos || e1 + 1 >= p.size() || p[e1] != '?') return "";
  if (p.compare(e1 + 1, 4, "(?P<") != 0 && p.compare(e1 + 1, 3, "(?<") != 0) return "";
  if (group_end(p, e1 + 1) != p.size()) return "";
  return std::string(p.substr(0, e1));
}

// Where an anchored match of a rule can end, without a call into RE2, for the patterns the rules
// are made of: literal bytes, classes ([...], \d, \s, \w), groups, alternation and the
// quantifiers ? * + {n,m}, read as RE2 reads them here (case-insensitive, longest match). The
// pattern becomes an NFA at load (Thompson's construction; only its language matters, so captures
// are plain groups and x{n,m} is n copies of x and m-n of x?); each thread runs it as a DFA built
// lazily, state by state (SpanDfa), which costs a table look-up per byte where RE2's own DFA costs
// some 800 instructions a call before its first byte. Its answer is RE2's: the end of the longest
// match is the last accepting state the DFA passes before it dies. It reads UTF-8 as RE2 does, byte
// by byte: the only non-ASCII text a rule can match is a \x{...} code point (its bytes) and, where
// case folds, the Kelvin sign of 'k' and the long s of 's' (RE2's case folding, \w included). A
// code point whose case folding is not known here makes the NFA give up at a non-ASCII byte
// (kUnknown) and RE2 answer.
class SpanNfa {
 public:
  static constexpr int kUnknown = -2;
  // Null when the pattern holds anything else (., ^, $, \b, flags, negated classes, non-ASCII).
  static std::shared_ptr<const SpanNfa> parse(std::string_view p) {
    auto m = std::make_shared<SpanNfa>();
    m->p_ = p;
    m->states_.reserve(p.size() + 1);  // (about a state, a class and an exit a byte of the pattern)
    m->classes_.reserve(p.size());
    m->holes_.reserve(p.size());
    Frag f = m->alt();
    if (m->bad_ || m->i_ != p.size()) return nullptr;
    m->patch(f, m->add({kMatch, 0, -1, -1}));
    m->start_ = f.start;
    m->p_ = {};
    m->holes_.clear();
    m->holes_.shrink_to_fit();
    return m;
  }
  // The union of `nfas` (null ones left out), each match state telling its index there.
  static std::shared_ptr<const SpanNfa> combine(const std::vector<const SpanNfa*>& nfas) {
    auto u = std::make_shared<SpanNfa>();
    int start = -1;
    for (std::size_t r = 0; r < nfas.size(); ++r) {
      if (!nfas[r]) continue;
      const int base = static_cast<int>(u->states_.size()), cbase = static_cast<int>(u->classes_.size());
      for (State x : nfas[r]->states_) {
        if (x.op == kByte) x.cls += cbase;
        if (x.op == kMatch) x.cls = static_cast<int>(r);
        if (x.out >= 0) x.out += base;
        if (x.out1 >= 0) x.out1 += base;
        u->states_.push_back(x);
      }
      u->classes_.insert(u->classes_.end(), nfas[r]->classes_.begin(), nfas[r]->classes_.end());
      const int s = base + nfas[r]->start_;
      start = start < 0 ? s : u->add({kSplit, -1, start, s});
    }
    u->start_ = start < 0 ? u->add({kSplit, -1, -1, -1}) : start;
    u->rules_ = nfas.size();
    for (const SpanNfa* n : nfas) u->utf8_ = u->utf8_ && (!n || n->utf8_);
    return u;
  }
  std::size_t rules() const { return rules_; }

 private:
  friend class SpanDfa;
  enum Op : unsigned char { kByte, kSplit, kEmpty, kMatch };
  struct State {
    Op op;
    int cls;        // kByte: index into classes_; kMatch: the rule it ends (0 but in a union)
    int out, out1;  // next states (kSplit: both)
  };
  struct Bytes {  // a set of bytes
    std::uint64_t w[4] = {0, 0, 0, 0};
    void add(unsigned c) { w[c >> 6] |= std::uint64_t{1} << (c & 63); }
    bool has(unsigned c) const { return (w[c >> 6] >> (c & 63)) & 1; }
  };
  // A piece of the NFA: its first state and the list of its dangling exits (holes_ from `holes`).
  struct Frag {
    int start = -1;
    int holes = -1;  // head of a linked list in holes_: {state, which out, next}
  };
  struct Hole {
    int state, which, next;
  };

  int add(State s) {
    states_.push_back(s);
    return static_cast<int>(states_.size()) - 1;
  }
  int hole(int state, int which, int next) {
    holes_.push_back({state, which, next});
    return static_cast<int>(holes_.size()) - 1;
  }
  static int join(std::vector<Hole>& hs, int a, int b) {  // the list a, then b
    if (a < 0) return b;
    int k = a;
    while (hs[static_cast<std::size_t>(k)].next >= 0) k = hs[static_cast<std::size_t>(k)].next;
    hs[static_cast<std::size_t>(k)].next = b;
    return a;
  }
  void patch(const Frag& f, int to) {
    for (int k = f.holes; k >= 0; k = holes_[static_cast<std::size_t>(k)].next) {
      State& s = states_[static_cast<std::size_t>(holes_[static_cast<std::size_t>(k)].state)];
      (holes_[static_cast<std::size_t>(k)].which ? s.out1 : s.out) = to;
    }
  }
  Frag empty() {
    const int s = add({kEmpty, -1, -1, -1});
    return {s, hole(s, 0, -1)};
  }
  Frag cat(Frag a, Frag b) {
    if (a.start < 0) return b;
    patch(a, b.start);
    return {a.start, b.holes};
  }
  Frag optional(Frag a) {
    const int s = add({kSplit, -1, a.start, -1});
    return {s, join(holes_, a.holes, hole(s, 1, -1))};
  }
  Frag star(Frag a) {
    const int s = add({kSplit, -1, a.start, -1});
    patch(a, s);
    return {s, hole(s, 1, -1)};
  }

  // The parser (recursive descent over RE2's syntax, refusing what it does not read).
  Frag alt() {
    Frag f = seq();
    while (!bad_ && i_ < p_.size() && p_[i_] == '|') {
      ++i_;
      Frag g = seq();
      const int s = add({kSplit, -1, f.start, g.start});
      f = {s, join(holes_, f.holes, g.holes)};
    }
    return f;
  }
  Frag seq() {
    Frag f;
    while (!bad_ && i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') f = cat(f, item());
    return f.start < 0 ? empty() : f;
  }
  Frag item() {
    const std::size_t from = i_;
    Frag a = atom();
    if (bad_ || i_ >= p_.size()) return a;
    int n = 1, m = 1;  // m -1: no bound
    const char q = p_[i_];
    if (q == '?') {
      n = 0;
    } else if (q == '*') {
      n = 0;
      m = -1;
    } else if (q == '+') {
      m = -1;
    } else if (q == '{') {
      if (!repeat(n, m)) return fail();
      --i_;  // (at the '}', as at the other quantifiers)
    } else {
      return a;
    }
    ++i_;
    if (i_ < p_.size() && p_[i_] == '?') ++i_;  // non-greedy: the same language
    if (i_ < p_.size() && std::strchr("?*+{", p_[i_]) != nullptr) return fail();
    const std::size_t after = i_;
    auto copy = [&] {  // the atom again, as new states
      i_ = from;
      Frag c = atom();
      i_ = after;
      return c;
    };
    Frag f;
    for (int k = 0; k < n; ++k) f = cat(f, k == 0 ? a : copy());
    if (m < 0) {
      f = cat(f, star(n == 0 ? a : copy()));
    } else {
      for (int k = n; k < m; ++k) f = cat(f, optional(k == 0 ? a : copy()));
    }
    return f.start < 0 ? empty() : f;
  }
  // "{n}", "{n,}", "{n,m}" at i_ (small counts): i_ after the '}'.
  bool repeat(int& n, int& m) {
    std::size_t j = i_ + 1;
    auto number = [&](int& v) {
      const std::size_t from = j;
      v = 0;
      while (j < p_.size() && j - from < 3 && p_[j] >= '0' && p_[j] <= '9') v = v * 10 + (p_[j++] - '0');
      return j > from;
    };
    if (!number(n)) return false;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (j < p_.size() && p_[j] == '}') m = -1;
      else if (!number(m) || m < n) return false;
    } else {
      m = n;
    }
    if (j >= p_.size() || p_[j] != '}' || n > 16 || m > 16) return false;
    i_ = j + 1;
    return true;
  }
  void add_folded(Bytes& b, unsigned c) const {  // (case-insensitive: a letter stands for both cases)
    b.add(c);
    if (!fold_) return;
    if (c >= 'a' && c <= 'z') b.add(c - 32);
    if (c >= 'A' && c <= 'Z') b.add(c + 32);
  }
  // \d \s \w, or an escaped ASCII punctuation byte or space; false for anything else.
  static bool escape(char e, Bytes& b) {
    const unsigned char u = static_cast<unsigned char>(e);
    if (e == 'd') {
      for (unsigned c = '0'; c <= '9'; ++c) b.add(c);
    } else if (e == 's') {
      for (const unsigned c : {' ', '\t', '\n', '\f', '\r'}) b.add(c);
    } else if (e == 'w') {
      for (unsigned c = 0; c < 128; ++c)
        if (std::isalnum(static_cast<int>(c)) || c == '_') b.add(c);
    } else if (u < 0x80 && (std::ispunct(u) || e == ' ')) {
      b.add(u);
    } else {
      return false;
    }
    return true;
  }
  Frag atom() {
    const char c = p_[i_];
    if (c == '(') {
      ++i_;
      const bool fold = fold_;
      if (p_.compare(i_, 2, "?:") == 0) {
        i_ += 2;
      } else if (p_.compare(i_, 4, "?-i:") == 0) {  // case-sensitive inside
        i_ += 4;
        fold_ = false;
      } else if (p_.compare(i_, 3, "?P<") == 0) {
        const std::size_t close = p_.find('>', i_);
        if (close == std::string_view::npos) return fail();
        i_ = close + 1;
      } else if (i_ < p_.size() && p_[i_] == '?') {
        return fail();  // flags, other group kinds
      }
      Frag f = alt();
      fold_ = fold;
      if (bad_ || i_ >= p_.size() || p_[i_] != ')') return fail();
      ++i_;
      return f;
    }
    Bytes b;
    std::vector<std::string> extra;  // byte strings it also matches (non-ASCII)
    if (c == '[') {
      ++i_;
      if (i_ < p_.size() && p_[i_] == '^') return fail();
      bool first = true;
      while (i_ < p_.size() && (p_[i_] != ']' || first)) {
        first = false;
        const char x = p_[i_++];
        unsigned lo = static_cast<unsigned char>(x);
        if (x == '\\') {
          if (i_ >= p_.size()) return fail();
          const char e = p_[i_++];
          Bytes eb;
          if (!escape(e, eb)) return fail();
          if (e == 'd' || e == 's' || e == 'w') {
            b.w[0] |= eb.w[0];
            b.w[1] |= eb.w[1];
            continue;
          }
          lo = static_cast<unsigned char>(e);
        } else if (x == '[' || lo >= 0x80) {
          return fail();
        }
        if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {  // a range
          ++i_;
          const unsigned char hi = static_cast<unsigned char>(p_[i_++]);
          if (hi == '\\' || hi == '[' || hi >= 0x80 || hi < lo) return fail();
          for (unsigned k = lo; k <= hi; ++k) add_folded(b, k);
        } else {
          add_folded(b, lo);
        }
      }
      if (i_ >= p_.size()) return fail();
      ++i_;  // ']'
    } else if (c == '\\' && p_.compare(i_, 3, "\\x{") == 0) {
      // A code point: an ASCII one is that byte; another its UTF-8 bytes, when it has no case
      // folding (Latin-1's signs but the micro sign; ½ is the rules' one); else only ASCII text is
      // read (utf8_ false).
      const std::size_t close = p_.find('}', i_);
      if (close == std::string_view::npos || close == i_ + 3 || close - i_ > 9) return fail();
      unsigned long cp = 0;
      for (std::size_t k = i_ + 3; k < close; ++k) {
        if (!std::isxdigit(static_cast<unsigned char>(p_[k]))) return fail();
        cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(p_[k])) ? p_[k] - '0' : std::tolower(static_cast<unsigned char>(p_[k])) - 'a' + 10);
      }
      if (cp > 0x10FFFF) return fail();
      if (cp < 0x80) add_folded(b, static_cast<unsigned>(cp));
      else if (!fold_ || (cp <= 0xBF && cp != 0xB5)) extra.push_back(utf8(cp));
      else utf8_ = false;
      i_ = close + 1;
    } else if (c == '\\') {
      if (i_ + 1 >= p_.size() || !escape(p_[i_ + 1], b)) return fail();
      i_ += 2;
    } else {
      if (static_cast<unsigned char>(c) >= 0x80 || std::strchr(".^$|()[]{}?*+", c) != nullptr) return fail();
      add_folded(b, static_cast<unsigned char>(c));
      ++i_;
    }
    if (fold_ && (b.has('k') || b.has('K'))) extra.emplace_back("\xE2\x84\xAA");  // U+212A KELVIN SIGN
    if (fold_ && (b.has('s') || b.has('S'))) extra.emplace_back("\xC5\xBF");      // U+017F LATIN SMALL LETTER LONG S
    Frag f;
    if (extra.empty() || b.w[0] || b.w[1]) {
      classes_.push_back(b);
      const int s = add({kByte, static_cast<int>(classes_.size()) - 1, -1, -1});
      f = {s, hole(s, 0, -1)};
    }
    for (const std::string& x : extra) {  // each an alternative: its bytes in a row
      Frag g;
      for (const char y : x) {
        Bytes one;
        one.add(static_cast<unsigned char>(y));
        classes_.push_back(one);
        const int s = add({kByte, static_cast<int>(classes_.size()) - 1, -1, -1});
        g = cat(g, Frag{s, hole(s, 0, -1)});
      }
      if (f.start < 0) {
        f = g;
      } else {
        const int s = add({kSplit, -1, f.start, g.start});
        f = {s, join(holes_, f.holes, g.holes)};
      }
    }
    return f;
  }
  static std::string utf8(unsigned long cp) {  // (cp >= 0x80)
    std::string u;
    if (cp < 0x800) {
      u += static_cast<char>(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      u += static_cast<char>(0xE0 | (cp >> 12));
      u += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    } else {
      u += static_cast<char>(0xF0 | (cp >> 18));
      u += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      u += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    u += static_cast<char>(0x80 | (cp & 0x3F));
    return u;
  }
  Frag fail() {
    bad_ = true;
    i_ = p_.size();
    return empty();
  }

  std::vector<State> states_;
  std::vector<Bytes> classes_;
  int start_ = -1;
  std::size_t rules_ = 1;  // the rules of its match states (a union's: combine's count)
  std::vector<Hole> holes_;  // while parsing
  std::string_view p_;
  std::size_t i_ = 0;
  bool bad_ = false;
  bool fold_ = true;  // letters match both cases (RE2's case_sensitive(false)), but in (?-i:...)
  bool utf8_ = true;  // it reads non-ASCII text as RE2 does (else the DFA gives up there)
};

// SpanNfa run as a DFA, its states made as the text reaches them; one per rule and thread.
class SpanDfa {
 public:
  // The length of the longest match of text[at, end) anchored at `at`, -1 when none, or kUnknown.
  int longest(const SpanNfa& nfa, std::string_view text, std::size_t at, std::size_t end) {
    if (sets_.empty() || sets_.size() > kMaxStates) reset(nfa);
    const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
    int st = 0;
    int last = accept_[0] ? 0 : -1;  // (one rule: one word of bits, bit 0)
    for (std::size_t i = at; i < end; ++i) {
      const int t = next(nfa, st, s[i]);
      if (t == kUnread) return SpanNfa::kUnknown;
      if (t < 0) return last;
      st = t;
      if (accept_[static_cast<std::size_t>(st)]) last = static_cast<int>(i + 1 - at);
    }
    return last;
  }
  // For a union (SpanNfa::combine): sets in `rules` (all clear) the bit of each rule with an
  // anchored match of text[at, end) (as RE2::Set::Match says), and in ends[r] the length of rule
  // r's longest one (what its own DFA's longest() says: the union's state holds the rule's); false
  // (and `rules` as it was) at a non-ASCII byte when some rule's NFA does not read them
  // (SpanNfa::utf8_).
  bool matching(const SpanNfa& nfa, std::string_view text, std::size_t at, std::size_t end, std::uint64_t* rules,
                std::int32_t* ends) {
    if (sets_.empty() || sets_.size() > kMaxStates) reset(nfa);
    const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
    // At each accepting state passed, its rules' ends move to the length read: the last state a
    // rule's bit is seen in ends its longest match (no list of the states passed, read back after).
    const auto passed = [&](int state, std::int32_t len) {
      const std::uint64_t* b = bits_.data() + static_cast<std::size_t>(state) * words_;
      for (std::size_t w = 0; w < words_; ++w) {
        rules[w] |= b[w];
        for (std::uint64_t x = b[w]; x; x &= x - 1) ends[w * 64 + static_cast<std::size_t>(std::countr_zero(x))] = len;
      }
    };
    int st = 0;
    if (accept_[0]) passed(0, 0);
    // (Hot: the tables by local pointers, which the writes through `rules` and `ends` cannot
    // change, reloaded only after next() built a state; a built ASCII step takes one test.)
    const std::int32_t* nx = next_.data();
    const unsigned char* acc = accept_.data();
    for (std::size_t i = at; i < end; ++i) {
      const unsigned char c = s[i];
      int t = c < 0x80 ? nx[static_cast<std::size_t>(st) * 128 + c] : kUnbuilt;
      if (t < 0) {
        if (t == kDead) break;
        t = next(nfa, st, c);
        if (t == kUnread) {
          std::fill(rules, rules + words_, 0);  // (all clear on entry)
          return false;
        }
        if (t < 0) break;
        nx = next_.data();
        acc = accept_.data();
      }
      st = t;
      if (acc[static_cast<std::size_t>(st)]) passed(st, static_cast<std::int32_t>(i + 1 - at));
    }
    return true;
  }

 private:
  static constexpr int kUnbuilt = -2, kDead = -1, kUnread = -3;
  // The state after byte c from st (built when new): kDead when none, kUnread at a non-ASCII byte
  // that the NFA does not read (SpanNfa::utf8_).
  [[gnu::always_inline]] int next(const SpanNfa& nfa, int st, unsigned char c) {
    if (c >= 0x80) return nfa.utf8_ ? high(nfa, st, c) : kUnread;
    const int t = next_[static_cast<std::size_t>(st) * 128 + c];
    return t == kUnbuilt ? build(nfa, st, c) : t;
  }
  static constexpr std::size_t kMaxStates = 4096;  // then it starts again (bounded memory)
  void reset(const SpanNfa& nfa) {
    next_.clear();
    accept_.clear();
    bits_.clear();
    words_ = (nfa.rules_ + 63) / 64;
    sets_.clear();
    index_.clear();
    high_.clear();
    std::vector<int> start;
    new_marks(nfa);
    closure(nfa, nfa.start_, start);
    intern(nfa, start);
  }
  void new_marks(const SpanNfa& nfa) {  // (closure's marks, for one new state)
    if (seen_.size() < nfa.states_.size()) seen_.assign(nfa.states_.size(), 0);
    if (++mark_ == 0) {
      std::fill(seen_.begin(), seen_.end(), 0);
      mark_ = 1;
    }
  }
  // Adds to `out` the byte and match states reached from `s` without reading a byte (each once
  // since new_marks).
  void closure(const SpanNfa& nfa, int s, std::vector<int>& out) {
    stack_.assign(1, s);
    while (!stack_.empty()) {
      const int k = stack_.back();
      stack_.pop_back();
      if (k < 0 || seen_[static_cast<std::size_t>(k)] == mark_) continue;
      seen_[static_cast<std::size_t>(k)] = mark_;
      const SpanNfa::State& x = nfa.states_[static_cast<std::size_t>(k)];
      if (x.op == SpanNfa::kSplit) {
        stack_.push_back(x.out1);
        stack_.push_back(x.out);
      } else if (x.op == SpanNfa::kEmpty) {
        stack_.push_back(x.out);
      } else {
        out.push_back(k);
      }
    }
  }
  // The state of `set`, the byte and match states closure() gave since new_marks (each once, in
  // no particular order). Sets are not sorted: the hash adds a mix of each state (any order gives
  // it), and a stored set is this one when it has as many states, all marked since new_marks
  // (it then holds only states of this set).
  int intern(const SpanNfa& nfa, const std::vector<int>& set) {
    if (set.empty()) return kDead;
    std::uint64_t h = set.size();
    for (const int k : set) {
      std::uint64_t x = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k)) + 1) * 0x9E3779B97F4A7C15ULL;
      h += x ^ (x >> 29);
    }
    for (auto [it, last] = index_.equal_range(h); it != last; ++it) {
      const std::vector<int>& old = sets_[static_cast<std::size_t>(it->second)];
      if (old.size() == set.size() &&
          std::all_of(old.begin(), old.end(), [&](int k) { return seen_[static_cast<std::size_t>(k)] == mark_; }))
        return it->second;
    }
    const int id = static_cast<int>(sets_.size());
    bool match = false;
    bits_.resize(bits_.size() + words_, 0);
    for (const int k : set)
      if (const SpanNfa::State& x = nfa.states_[static_cast<std::size_t>(k)]; x.op == SpanNfa::kMatch) {
        match = true;
        bits_[bits_.size() - words_ + static_cast<std::size_t>(x.cls) / 64] |= std::uint64_t{1} << (x.cls % 64);
      }
    index_.emplace(h, id);
    sets_.push_back(set);
    next_.resize(sets_.size() * 128, kUnbuilt);
    accept_.push_back(match ? 1 : 0);
    return id;
  }
  int step(const SpanNfa& nfa, int st, unsigned char c) {
    new_marks(nfa);
    to_.clear();  // (kept: most steps reach a state already made)
    for (const int k : sets_[static_cast<std::size_t>(st)]) {
      const SpanNfa::State& x = nfa.states_[static_cast<std::size_t>(k)];
      if (x.op == SpanNfa::kByte && nfa.classes_[static_cast<std::size_t>(x.cls)].has(c)) closure(nfa, x.out, to_);
    }
    return intern(nfa, to_);
  }
  int build(const SpanNfa& nfa, int st, unsigned char c) {
    const int t = step(nfa, st, c);
    next_[static_cast<std::size_t>(st) * 128 + c] = t;
    return t;
  }
  // A non-ASCII byte's transition (rare: kept in a map, not in the table).
  int high(const SpanNfa& nfa, int st, unsigned char c) {
    const std::uint32_t key = static_cast<std::uint32_t>(st) << 8 | c;
    if (auto it = high_.find(key); it != high_.end()) return it->second;
    const int t = step(nfa, st, c);
    high_.emplace(key, t);
    return t;
  }

  std::vector<std::int32_t> next_;    // state x byte: the next state, kDead or kUnbuilt
  std::vector<unsigned char> accept_; // per state: a match ends here
  std::vector<std::uint64_t> bits_;   // per state, words_ words: the rules whose match ends here
  std::size_t words_ = 1;
  std::vector<std::vector<int>> sets_;
  // The states by the hash of their sets (intern's; sorting each set and hashing it as a key cost
  // more than the rest of building a state).
  std::unordered_multimap<std::uint64_t, int> index_;
  std::unordered_map<std::uint32_t, int> high_;  // state << 8 | byte (>= 0x80): the next state
  std::vector<int> stack_, to_;
  std::vector<std::uint32_t> seen_;
  std::uint32_t mark_ = 0;
};

struct CompiledRule {
  std::string id;
  std::string file;
  std::string type;
  bool dated = false;  // type is DATE or TIME (their values move the reference date)
  std::string value;
  int priority = 0;
  bool latent = false;
  std::string require_capital;  // capture whose first letter must be upper case ("" = none, "*" = span)
  std::string expanded;
  std::shared_ptr<const LazyRe> re;
  // The pattern as a SpanNfa (null when it reads something SpanNfa does not): the start-position
  // engine asks it, not RE2, where a match ends.
  std::shared_ptr<const SpanNfa> span;
  int ngroups = 0;
  std::vector<std::string> group_name;                 // index -> name ("" for unnamed / 0)
  std::vector<std::vector<const Lexicon*>> group_lex;  // index -> lexicons referenced inside
  std::map<std::string, int> group_index;              // name -> index (named groups)
  // index -> what validate checks in it (the conventional capture names), kNone for the others.
  std::vector<unsigned char> group_check;
  int span_group = 0;                                  // group named "t", or 0 (whole match)
  // Patterns shaped "(?:H)?(?P<x>...)" with that one capture: H alone. When H matches no non-empty
  // start of a match, the capture is the whole match (no RE2 capture call needed).
  std::shared_ptr<const LazyRe> head;
  std::bitset<256> head_first;  // the bytes that can begin a non-empty match of H (FirstByteAnalyzer)
  std::vector<ValueSeg> value_segs;                    // `value`, parsed
  int ampm_group = -1;                                 // group named "ampm", or -1
  // The pattern with each lexicon that has a word form ("{number}": 178 surfaces, 40 words) read
  // as that form in a group of its own, for the capture call: small enough for RE2's bit-state
  // engine where the full pattern needs its NFA. Its language is larger, but on a span that both
  // match, the captures agree whenever every word-form group holds a surface of its lexicon: the
  // parse RE2 picks is the first in priority order among those of the span, the parses of the
  // pattern are among those of words_re, and they are ordered the same (both prefer, at a lexicon,
  // the longer text). Else the full pattern is asked. Null when no lexicon has a word form, and
  // when the full pattern is short enough for the bit-state engine anyway (add_words_re).
  std::shared_ptr<const LazyRe> words_re;
  int words_ngroups = 0;
  std::vector<int> words_index;                        // group of the pattern -> its group in words_re
  std::vector<std::pair<int, const Lexicon*>> words_checks;  // word-form group in words_re, its lexicon
};

// The capture names validate() checks.
enum GroupCheck : unsigned char { kNone, kYear, kMonth, kDay, kHour, kHour12, kQuarter, kHalf, kMinSec };

GroupCheck group_check_of(const std::string& name) {
  if (name == "year") return kYear;
  if (name == "month") return kMonth;
  if (name == "day") return kDay;
  if (name == "hour") return kHour;
  if (name == "hour12") return kHour12;
  if (name == "q" || name == "q2") return kQuarter;
  if (name == "h") return kHalf;
  if (name == "minute" || name == "second") return kMinSec;
  return kNone;
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Decodes the code point ending just before `pos` (for non-ASCII neighbours).
bool non_ascii_is_punct(std::string_view text, std::size_t i) {
  // i: index of the first byte of a UTF-8 sequence.
  unsigned char c = static_cast<unsigned char>(text[i]);
  unsigned cp = 0;
  int n = 0;
  if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 1; }
  else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; n = 2; }
  else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; n = 3; }
  else return false;
  for (int k = 1; k <= n; ++k) {
    if (i + k >= text.size()) return false;
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0xA0 && cp <= 0xBF && cp != 0xA3 && cp != 0xA5) ||
         (cp >= 0x3000 && cp <= 0x303F);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Byte classes for the start-position scan: word byte (is_word_byte), ASCII digit, ASCII upper
// case letter, non-ASCII.
enum : unsigned char { kWordByte = 1, kDigitByte = 2, kUpper = 4, kNonAscii = 8, kFirst = 16 /* see Impl::scan_class */ };
const std::array<unsigned char, 256> kByte = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) t[c] = kWordByte | kNonAscii;
    else if (c >= '0' && c <= '9') t[c] = kWordByte | kDigitByte;
    else if (c >= 'A' && c <= 'Z') t[c] = kWordByte | kUpper;
    else if (c >= 'a' && c <= 'z') t[c] = kWordByte;
  }
  return t;
}();

// kWordByte for 8 bytes at once: the high bit of each byte of the result is set when that byte of `x`
// is a word byte (an ASCII letter or digit, or non-ASCII). No sum carries into the next byte: the
// low 7 bits of a byte plus at most 0x50 stay below 0x100.
std::uint64_t word_bytes8(std::uint64_t x) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t x7 = x & kLow7;
  const std::uint64_t digit = (x7 + 0x50 * kOnes) & ~(x7 + 0x46 * kOnes);  // 0x30 <= b < 0x3A
  const std::uint64_t l = x7 | 0x20 * kOnes;                                 // ASCII letters to lower case
  const std::uint64_t letter = (l + 0x1F * kOnes) & ~(l + 0x05 * kOnes);     // 0x61 <= b < 0x7B
  return (digit | letter | x) & kHigh;
}

#if defined(__SSE2__)
// word_bytes8 for 16 bytes: bit i of the result is set when byte i of `x` is a word byte.
std::uint32_t word_bytes16(__m128i x) {
  // Signed compares after a shift: a byte is in [lo, lo + n) when b + (128 - lo) < -128 + n.
  const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));  // ASCII letters to lower case
  const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(static_cast<char>(128 - 'a'))),
                                        _mm_set1_epi8(static_cast<char>(-128 + 26)));
  const __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - '0'))),
                                       _mm_set1_epi8(static_cast<char>(-128 + 10)));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), x)));
}
#endif

// std::isalnum in the "C" locale (the program sets none) by the table: no libc call per byte.
inline bool ascii_alnum(unsigned char c) { return (kByte[c] & (kWordByte | kNonAscii)) == kWordByte; }

// Word boundaries, plus the number-shaped neighbours that make a digit string part of something
// else: "$2018", "2,018", "2018.5", "650-650-6500", "20%".
// The half of boundaries_ok that reads only the start (the start-position engine's prefilter).
bool start_ok(std::string_view text, std::size_t start) {
  if (start > 0) {
    const unsigned char p = static_cast<unsigned char>(text[start - 1]);
    if (p >= 0x80) {
      std::size_t i = start - 1;
      while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
      if (!non_ascii_is_punct(text, i)) return false;
    } else if (ascii_alnum(p)) {
      if (ascii_alnum(static_cast<unsigned char>(text[start]))) return false;
    }
    if (is_digit(text[start])) {
      if (p == '$' || p == '#') return false;
      if ((p == ',' || p == '.' || p == '-' || p == '/' || p == ':') && start >= 2 && is_digit(text[start - 2]))
        return false;
    }
  }
  return true;
}

bool boundaries_ok(std::string_view text, std::size_t start, std::size_t end) {
  if (!start_ok(text, start)) return false;
  if (end < text.size()) {
    const unsigned char n = static_cast<unsigned char>(text[end]);
    if (n >= 0x80) {
      if (!non_ascii_is_punct(text, end)) return false;
    } else if (ascii_alnum(n)) {
      if (ascii_alnum(static_cast<unsigned char>(text[end - 1]))) return false;
    }
    if (is_digit(text[end - 1])) {
      if (n == '%') return false;
      if ((n == ',' || n == '.' || n == '-' || n == '/' || n == ':') && end + 1 < text.size() &&
          is_digit(text[end + 1]))
        return false;
    }
  }
  return true;
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

bool parse_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  out = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

int expand_year(int y, std::size_t ndigits) {
  if (ndigits > 2) return y;
  return y < 40 ? 2000 + y : 1900 + y;  // news archive pivot
}

std::string escape_literal(const std::string& s) { return RE2::QuoteMeta(s); }

// The largest program RE2 runs with its bit-state engine (re2/prog.cc); larger ones take its NFA.
constexpr int kBitStateMaxProgram = 512;

// The name prefix of the groups around word forms (Expander::word_groups).
constexpr std::string_view kWordGroup = "_w";

// Pattern expansion: "{name}" is a macro (regex) or a lexicon (alternation of its surfaces);
// "{2}" and "{1,3}" stay regex quantifiers.
struct Expander {
  const std::map<std::string, std::string>& macros;
  const std::map<std::string, Lexicon>& lexicons;
  std::string error;
  // When set, a lexicon with a word form expands to "(?P<_wN>form)" instead, and the lexicon of
  // each such group is appended here (N = its index).
  std::vector<const Lexicon*>* word_groups = nullptr;
  // When set, a lexicon expands to its surfaces factored as a trie (Lexicon::factored): the same
  // language, read faster by RE2's parser (for the set, which asks no captures).
  bool factored = false;

  bool ref_at(const std::string& p, std::size_t i, std::string& name, std::size_t& close) const {
    if (p[i] != '{' || (i > 0 && p[i - 1] == '\\')) return false;
    if (i + 1 >= p.size() || !(std::isalpha(static_cast<unsigned char>(p[i + 1])) || p[i + 1] == '_'))
      return false;
    close = p.find('}', i);
    if (close == std::string::npos) return false;
    name = p.substr(i + 1, close - i - 1);
    return true;
  }

  std::string expand(const std::string& p, int depth = 0) {
    if (depth > 10) {
      error = "macro recursion too deep";
      return {};
    }
    std::string out;
    for (std::size_t i = 0; i < p.size(); ++i) {
      std::string name;
      std::size_t close = 0;
      if (ref_at(p, i, name, close)) {
        if (auto m = macros.find(name); m != macros.end()) {
          out += "(?:" + expand(m->second, depth + 1) + ")";
        } else if (auto l = lexicons.find(name); l != lexicons.end() && word_groups && !l->second.word_form.empty()) {
          out += "(?P<" + std::string(kWordGroup) + std::to_string(word_groups->size()) + ">" + l->second.word_form + ")";
          word_groups->push_back(&l->second);
        } else if (l != lexicons.end() && factored) {
          out += "(?:" + l->second.factored + ")";
        } else if (l != lexicons.end()) {
          out += "(?:";
          bool first = true;
          for (const auto& s : l->second.surfaces) {
            if (!first) out += '|';
            first = false;
            out += escape_literal(s);
          }
          out += ")";
        } else {
          error = "unknown lexicon or macro '" + name + "'";
          return {};
        }
        i = close;
      } else {
        out += p[i];
      }
    }
    return out;
  }

  // Lexicons referenced (directly or through macros) in `p`.
  void lexicons_in(const std::string& p, std::vector<const Lexicon*>& out, int depth = 0) const {
    if (depth > 10) return;
    for (std::size_t i = 0; i < p.size(); ++i) {
      std::string name;
      std::size_t close = 0;
      if (!ref_at(p, i, name, close)) continue;
      if (auto m = macros.find(name); m != macros.end()) lexicons_in(m->second, out, depth + 1);
      else if (auto l = lexicons.find(name); l != lexicons.end()) out.push_back(&l->second);
      i = close;
    }
  }
};

// Sets r.words_re and what reading its captures needs, when some lexicon of `pattern` (the rule's,
// `named` its named groups) has a word form and no word-form group is repeated.
void add_words_re(CompiledRule& r, const std::string& pattern, const std::vector<std::pair<int, std::string>>& named,
                  const std::map<std::string, std::string>& macros, const std::map<std::string, Lexicon>& lexicons,
                  const RE2::Options& opts) {
  // Only long patterns: the word form serves those too large for the bit-state engine, and a
  // program has about as many instructions as its pattern has bytes (the shipped ones: all those
  // over 512 instructions are over 2,000 bytes, all others under 500).
  if (r.expanded.size() <= 2 * kBitStateMaxProgram) return;
  std::vector<const Lexicon*> lexs;
  Expander wx{macros, lexicons, {}, &lexs};
  const std::string words = wx.expand(pattern);
  if (lexs.empty() || !wx.error.empty()) return;
  for (const auto& n : named)
    if (n.second.rfind(kWordGroup, 0) == 0) return;  // the rule's own name
  std::vector<std::pair<int, std::string>> wnamed;
  const int wn = capture_groups(words, wnamed);
  if (wn != r.ngroups + static_cast<int>(lexs.size())) return;
  std::vector<bool> is_word(static_cast<std::size_t>(wn) + 1, false);
  std::vector<std::pair<int, const Lexicon*>> checks;
  for (const auto& [idx, name] : wnamed) {
    if (name.rfind(kWordGroup, 0) != 0) continue;
    if (in_repeated_group(words, words.find("(?P<" + name + ">"))) return;
    is_word[static_cast<std::size_t>(idx)] = true;
    checks.emplace_back(idx, lexs[static_cast<std::size_t>(std::atoi(name.c_str() + kWordGroup.size()))]);
  }
  r.words_index.assign(static_cast<std::size_t>(r.ngroups) + 1, 0);
  for (int g = 1, at = 1; g <= wn; ++g)
    if (!is_word[static_cast<std::size_t>(g)]) r.words_index[static_cast<std::size_t>(at++)] = g;
  r.words_checks = std::move(checks);
  r.words_ngroups = wn;
  r.words_re = std::make_shared<const LazyRe>(words, opts);
}

// For every "(?P<name>" in the raw pattern, the text of the group (balanced parentheses).
std::map<std::string, std::string> named_group_bodies(const std::string& p) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 4 < p.size(); ++i) {
    if (p.compare(i, 4, "(?P<") != 0 || (i > 0 && p[i - 1] == '\\')) continue;
    const std::size_t name_end = p.find('>', i);
    if (name_end == std::string::npos) break;
    const std::string name = p.substr(i + 4, name_end - i - 4);
    int depth = 1;
    bool in_class = false;
    std::size_t j = name_end + 1;
    for (; j < p.size() && depth > 0; ++j) {
      const char c = p[j];
      if (c == '\\') { ++j; continue; }
      if (in_class) { if (c == ']') in_class = false; continue; }
      if (c == '[') in_class = true;
      else if (c == '(') ++depth;
      else if (c == ')') --depth;
    }
    out[name] = p.substr(name_end + 1, j - name_end - 2);
  }
  return out;
}


// Which bytes can begin a match of an expanded pattern (case-insensitive), for the start-position
// prefilter. A conservative reading of the RE2 syntax the rule files use: anything it does not know
// widens the answer to every byte, and anchors or look-arounds that read outside the match (^ $ \b)
// make the whole engine fall back to plain scans (`context` = true). Over-approximation is safe;
// under-approximation would lose matches, so when in doubt, widen.
struct FirstBytes {
  std::bitset<256> set;
  bool nullable = false;
};

// How a group opens, read right after its "(": "?:", a name ("?P<x>", "?<x>") or flags with a
// colon ("?-i:") leave `i` at the group's body; flags alone ("(?i)") leave it past the ")", an
// empty atom; a look-around or an unclosed name leaves it where it was (the caller gives up).
enum class GroupOpen { body, flags_only, bad_name, other };

GroupOpen open_group(std::string_view p, std::size_t& i) {
  if (p.compare(i, 2, "?:") == 0) {
    i += 2;
    return GroupOpen::body;
  }
  if (p.compare(i, 3, "?P<") == 0 || p.compare(i, 2, "?<") == 0) {
    const std::size_t close = p.find('>', i);
    if (close == std::string_view::npos) return GroupOpen::bad_name;
    i = close + 1;
    return GroupOpen::body;
  }
  if (i < p.size() && p[i] == '?') {
    std::size_t j = i + 1;
    while (j < p.size() && (p[j] == 'i' || p[j] == 'm' || p[j] == 's' || p[j] == 'U' || p[j] == '-')) ++j;
    if (j < p.size() && p[j] == ')') {
      i = j + 1;
      return GroupOpen::flags_only;
    }
    if (j >= p.size() || p[j] != ':') return GroupOpen::other;
    i = j + 1;
  }
  return GroupOpen::body;
}

// Moves `i` past the rest of the pattern group it is in (to its closing parenthesis, or the end),
// skipping escaped bytes: what the analyzers do with a construct they do not understand.
void skip_group(std::string_view p, std::size_t& i) {
  int depth = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth == 0) break;
      --depth;
    }
    ++i;
  }
  if (i > p.size()) i = p.size();
}

class FirstByteAnalyzer {
 public:
  explicit FirstByteAnalyzer(std::string_view p) : p_(p) {}
  bool context = false;  // the pattern reads outside its own match

  FirstBytes run() {
    FirstBytes f = alt();
    if (i_ != p_.size()) f = all();  // unbalanced ')' or a construct we stopped at
    return f;
  }

 private:
  static FirstBytes all() {
    FirstBytes f;
    f.set.set();
    f.nullable = true;
    return f;
  }
  static const std::bitset<256>& high_bytes() {
    static const std::bitset<256> m = [] {
      std::bitset<256> b;
      for (int c = 0x80; c < 0x100; ++c) b.set(c);
      return b;
    }();
    return m;
  }
  void add_byte(FirstBytes& f, unsigned char c) const {
    f.set.set(c);
    if (std::isalpha(c)) {
      // Case folding: both cases, and the non-ASCII letters RE2 folds with ASCII ones (K, s).
      f.set.set(static_cast<unsigned char>(std::tolower(c)));
      f.set.set(static_cast<unsigned char>(std::toupper(c)));
      f.set |= high_bytes();
    }
    if (c >= 0x80) f.set |= high_bytes();
  }
  FirstBytes alt() {
    FirstBytes f = seq();
    while (i_ < p_.size() && p_[i_] == '|') {
      ++i_;
      FirstBytes g = seq();
      f.set |= g.set;
      f.nullable = f.nullable || g.nullable;
    }
    return f;
  }
  FirstBytes seq() {
    FirstBytes f;
    f.nullable = true;
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      FirstBytes a = item();
      if (f.nullable) f.set |= a.set;
      f.nullable = f.nullable && a.nullable;
    }
    return f;
  }
  // Parses "{n}", "{n,}", "{n,m}" at i_; returns the minimum, or -1 (then '{' is a literal).
  int repeat_min() {
    std::size_t j = i_ + 1;
    int n = 0;
    bool digits = false;
    while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) {
      n = n * 10 + (p_[j] - '0');
      digits = true;
      ++j;
    }
    if (!digits) return -1;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) ++j;
    }
    if (j >= p_.size() || p_[j] != '}') return -1;
    i_ = j + 1;
    return n;
  }
  FirstBytes item() {
    FirstBytes a = atom();
    while (i_ < p_.size()) {
      const char q = p_[i_];
      if (q == '?' || q == '*') {
        a.nullable = true;
        ++i_;
      } else if (q == '+') {
        ++i_;
      } else if (q == '{') {
        const std::size_t save = i_;
        const int n = repeat_min();
        if (n < 0) {
          i_ = save;
          break;
        }
        if (n == 0) a.nullable = true;
      } else {
        break;
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // non-greedy
    }
    return a;
  }
  void escape_class(char e, FirstBytes& f, bool& known) {
    switch (e) {
      case 'd':
        for (char c = '0'; c <= '9'; ++c) f.set.set(static_cast<unsigned char>(c));
        break;
      case 's':
        for (char c : std::string_view(" \t\n\r\f\v")) f.set.set(static_cast<unsigned char>(c));
        break;
      case 'w':
        for (int c = 0; c < 128; ++c)
          if (std::isalnum(c) || c == '_') add_byte(f, static_cast<unsigned char>(c));
        break;
      default:
        if (std::isalnum(static_cast<unsigned char>(e))) known = false;  // \D \S \W \pN \x41 ...
        else add_byte(f, static_cast<unsigned char>(e));                  // \. \- \' ...
    }
  }
  FirstBytes atom() {
    FirstBytes f;
    const char c = p_[i_];
    if (c == '(') {
      ++i_;
      // Flags ("(?-i:This Week)", "(?i)"): case sensitivity only narrows what we assume (every
      // pattern read as case-insensitive), 's' and 'U' change no start byte, 'm' matters only
      // with ^ and $, which are flagged where they occur.
      switch (open_group(p_, i_)) {
        case GroupOpen::body: break;
        case GroupOpen::flags_only: f.nullable = true; return f;   // flags for the rest of the group
        case GroupOpen::bad_name: return fail();
        case GroupOpen::other: context = true; return fail();      // look-arounds and the like
      }
      f = alt();
      if (i_ >= p_.size() || p_[i_] != ')') return fail();
      ++i_;
      return f;
    }
    if (c == '[') {
      ++i_;
      if (i_ < p_.size() && p_[i_] == '^') return fail();
      bool known = true, first = true;
      int prev = -1;
      while (i_ < p_.size() && (p_[i_] != ']' || first)) {
        first = false;
        char x = p_[i_++];
        if (x == '[') return fail();  // [[:alpha:]]
        if (x == '\\' && i_ < p_.size()) {
          const char e = p_[i_++];
          escape_class(e, f, known);
          prev = std::isalnum(static_cast<unsigned char>(e)) ? -1 : static_cast<unsigned char>(e);
          continue;
        }
        if (x == '-' && prev >= 0 && i_ < p_.size() && p_[i_] != ']') {
          unsigned char hi = static_cast<unsigned char>(p_[i_++]);
          if (hi == '\\') return fail();
          for (int b = prev; b <= hi; ++b) add_byte(f, static_cast<unsigned char>(b));
          prev = -1;
          continue;
        }
        add_byte(f, static_cast<unsigned char>(x));
        prev = static_cast<unsigned char>(x);
      }
      if (i_ >= p_.size()) return fail();
      ++i_;  // ']'
      if (!known) return fail();
      return f;
    }
    if (c == '\\') {
      if (i_ + 1 >= p_.size()) return fail();
      const char e = p_[i_ + 1];
      i_ += 2;
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Q' || e == 'C') {
        context = true;
        return fail();
      }
      bool known = true;
      escape_class(e, f, known);
      if (!known) return fail();
      return f;
    }
    if (c == '^' || c == '$') {
      context = true;
      ++i_;
      return fail();
    }
    ++i_;
    if (c == '.') return fail();
    add_byte(f, static_cast<unsigned char>(c));
    return f;
  }
  FirstBytes fail() {
    // Not understood: any byte may start it, and it may be empty. Skip to the end of this group so
    // the rest of the pattern is still read (a wider answer is always safe).
    skip_group(p_, i_);
    return all();
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

// What text can begin a match that survives the boundary check, for the prefilter of the
// start-position engine. The text at a position is read in a reduced alphabet (`fold`): ASCII
// letters lower-cased, every digit as '0', a run of whitespace ([\t\n\f\r ], RE2's \s) as one ' ',
// other ASCII bytes as they are. Per pattern, the analysis computes entries (s, kind): some match
// begins with s in that alphabet, and kind END = the expression matched exactly s (more may follow
// in an enclosing expression), OPEN = s then something not read (s is only a prefix). Every match
// of the pattern is covered by an entry: its folded text starts with an OPEN entry or is an END
// one. Anything not understood (classes it cannot list, '.', non-ASCII bytes, which may fold to
// ASCII letters) ends the entry as OPEN, which only widens the answer. Repetitions end the entry too
// (OPEN), except a run of whitespace (folded to one ' ') and small counted ones ({1,3}).
// Up to kCap symbols (never 0) packed first-symbol-highest, so that integers compare as strings:
// 8 in a 64-bit word (Sym8), 16 in a 128-bit one (Sym16: the trie's, and kLongSymbols, below).
template <class Bits>
class SymN {
 public:
  static constexpr std::size_t kCap = sizeof(Bits);
  SymN() = default;
  SymN(const char* z) {  // NOLINT: implicit, for {"the", END}
    for (; *z; ++z) push_back(*z);
  }
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  char operator[](std::size_t i) const { return static_cast<char>((bits_ >> (8 * (kCap - 1 - i))) & 0xFF); }
  char back() const { return (*this)[len_ - 1]; }
  void push_back(char c) {  // requires size() < kCap
    bits_ |= static_cast<Bits>(static_cast<unsigned char>(c)) << (8 * (kCap - 1 - len_));
    ++len_;
  }
  // Appends g's symbols from index `from` (<= g.size()), as many as fit in `cap` (<= kCap); false
  // when some did not.
  bool append(const SymN& g, std::size_t from, std::size_t cap = kCap) {
    const std::size_t take = g.len_ - from, room = cap - len_, k = std::min(take, room);
    if (k > 0) {
      Bits gb = g.bits_ << (8 * from);  // from < g.len_ <= kCap here
      if (k < kCap) gb &= ~Bits{0} << (8 * (kCap - k));
      bits_ |= gb >> (8 * len_);  // len_ < kCap here
      len_ = static_cast<unsigned char>(len_ + k);
    }
    return take <= room;
  }
  SymN prefix(std::size_t t) const {
    SymN o;
    for (std::size_t i = 0; i < t && i < len_; ++i) o.push_back((*this)[i]);
    return o;
  }
  // The symbols into out[0, size()).
  void chars(char* out) const {
    Bits b = bits_;
    for (std::size_t i = 0; i < len_; ++i, b <<= 8) out[i] = static_cast<char>(b >> (8 * (kCap - 1)));
  }
  // The same symbols in a type at least as wide.
  template <class S>
  S widen() const {
    S o;
    o.bits_ = static_cast<decltype(o.bits_)>(bits_) << (8 * (S::kCap - kCap));
    o.len_ = len_;
    return o;
  }
  bool operator==(const SymN& o) const { return bits_ == o.bits_; }
  bool operator!=(const SymN& o) const { return bits_ != o.bits_; }
  bool operator<(const SymN& o) const { return bits_ < o.bits_; }

 private:
  template <class>
  friend class SymN;
  Bits bits_ = 0;
  unsigned char len_ = 0;
};
using Sym8 = SymN<std::uint64_t>;
__extension__ using Sym16 = SymN<unsigned __int128>;

template <class S>
struct PrefixEntryT {
  S s;
  enum Kind : unsigned char { END, OPEN } kind;
  bool operator<(const PrefixEntryT& o) const { return s != o.s ? s < o.s : kind < o.kind; }
  bool operator==(const PrefixEntryT& o) const { return s == o.s && kind == o.kind; }
};
using PrefixEntry = PrefixEntryT<Sym8>;
using PrefixSet = std::vector<PrefixEntry>;

bool is_space_byte(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

// The reduced alphabet of one ASCII byte (whitespace runs are collapsed by the reader).
char fold_byte(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c + 32);
  if (c >= '0' && c <= '9') return '0';
  if (is_space_byte(c)) return ' ';
  return static_cast<char>(c);
}

template <class S, std::size_t kMaxLen = S::kCap>  // kMaxLen: symbols kept per entry
class PrefixAnalyzerT {
  using PrefixEntry = PrefixEntryT<S>;
  using PrefixSet = std::vector<PrefixEntry>;

 public:
  // With a `budget`, an analysis whose concatenations would make more entries than that stops
  // (too_big()) instead of shortening them.
  explicit PrefixAnalyzerT(std::string_view p, std::size_t budget = 0) : p_(p), budget_(budget) {}
  bool too_big() const { return too_big_; }

  PrefixSet run() {
    PrefixSet f = alt();
    if (i_ != p_.size() || failed_) return open();  // fail() skips alternatives: read nothing
    return f;
  }

 private:
  static constexpr std::size_t kMaxEntries = 20000;  // per concatenation
  static PrefixSet open() { return {PrefixEntry{"", PrefixEntry::OPEN}}; }
  static PrefixSet empty() { return {PrefixEntry{"", PrefixEntry::END}}; }
  // Sorts and deduplicates. The sets arrive as a few sorted runs (the alternatives of alt(), the
  // blocks of concat()), so the runs are merged rather than sorted from scratch; equal entries are
  // identical, so the result is the same as std::sort's.
  static void tidy(PrefixSet& f) {
    const std::size_t n = f.size();
    if (n < 2) return;
    std::vector<std::size_t> bounds{0};
    for (std::size_t i = 1; i < n; ++i)
      if (f[i] < f[i - 1]) bounds.push_back(i);
    if (bounds.size() > 1) {
      if (bounds.size() > n / 8) {
        std::sort(f.begin(), f.end());
      } else {
        bounds.push_back(n);
        PrefixSet buf(n);
        while (bounds.size() > 2) {
          std::size_t w = 1;
          for (std::size_t r = 0; r + 1 < bounds.size(); r += 2) {
            const std::size_t lo = bounds[r], mid = bounds[r + 1];
            const std::size_t hi = r + 2 < bounds.size() ? bounds[r + 2] : mid;
            std::merge(f.begin() + lo, f.begin() + mid, f.begin() + mid, f.begin() + hi, buf.begin() + lo);
            bounds[w++] = hi;
          }
          bounds.resize(w);
          f.swap(buf);
        }
      }
    }
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  // One byte of the pattern (or of a class), case-folded.
  static void add_byte(PrefixSet& f, unsigned char c) {
    // A non-ASCII byte is read as '\x80' (the reader stops at a non-ASCII byte of the text and
    // says yes: the pattern's letters 'k' and 's' match two non-ASCII letters too).
    if (c >= 0x80) f.push_back({"\x80", PrefixEntry::OPEN});
    else if (c < 0x09) f.push_back({"", PrefixEntry::OPEN});
    else {
      S one;
      one.push_back(fold_byte(c));
      f.push_back({one, PrefixEntry::END});
    }
  }
  PrefixSet concat(const PrefixSet& a, const PrefixSet& b) {
    std::size_t ends = 0;
    for (const auto& e : a) ends += e.kind == PrefixEntry::END;
    if (budget_ && (too_big_ || ends * b.size() > budget_)) {
      too_big_ = true;
      return a;
    }
    PrefixSet out;
    out.reserve(a.size() + b.size());
    // Too many: only the first t symbols of what follows are kept (the rest OPEN), t as large as fits.
    PrefixSet cut;
    const PrefixSet* bp = &b;
    if (ends * b.size() > kMaxEntries) {
      for (std::size_t t = kMaxLen; ; --t) {
        cut.clear();
        for (const auto& g : b)
          cut.push_back(g.s.size() <= t ? g : PrefixEntry{g.s.prefix(t), PrefixEntry::OPEN});
        tidy(cut);
        if (ends * cut.size() <= kMaxEntries || t == 0) break;
      }
      bp = &cut;
    }
    for (const auto& e : a) {
      if (e.kind != PrefixEntry::END) {
        out.push_back(e);
        continue;
      }
      for (const auto& g : *bp) {
        S s = e.s;
        // Whitespace runs fold to one ' ': " " + " " is " ".
        std::size_t from = !s.empty() && s.back() == ' ' && !g.s.empty() && g.s[0] == ' ' ? 1 : 0;
        const bool cut_off = !s.append(g.s, from, kMaxLen);
        out.push_back({s, cut_off ? PrefixEntry::OPEN : g.kind});
      }
    }
    tidy(out);
    return out;
  }
  // One or more repetitions: an entry may be followed by more of the same.
  PrefixSet plus(PrefixSet f) {
    bool spaces = true;  // only whitespace: any repetition folds to " "
    for (const auto& e : f) spaces = spaces && e.kind == PrefixEntry::END && e.s == S(" ");
    if (spaces) return f;
    // Spelled out, f | ff | fff ..., while some entry is still an END one: each step lengthens them
    // until concat cuts them off (OPEN) at kMaxLen symbols. Not when an END entry may not grow (an
    // empty one, or whitespace that folds into the whitespace before it): then, as for a budget
    // stop, every END entry that is not empty becomes OPEN.
    bool grows = true;
    for (const auto& e : f) grows = grows && !(e.kind == PrefixEntry::END && (e.s.empty() || e.s[0] == ' '));
    if (grows) {
      PrefixSet out = f, power = f;
      const bool was_big = too_big_;
      for (std::size_t k = 0; k <= kMaxLen; ++k) {
        bool any_end = false;
        for (const auto& e : power) any_end = any_end || e.kind == PrefixEntry::END;
        if (!any_end) {
          tidy(out);
          return out;
        }
        power = concat(power, f);
        if (too_big_ != was_big) break;
        out.insert(out.end(), power.begin(), power.end());
      }
    }
    for (auto& e : f)
      if (e.kind == PrefixEntry::END && !e.s.empty()) e.kind = PrefixEntry::OPEN;
    tidy(f);
    return f;
  }
  PrefixSet alt() {
    PrefixSet f = seq();
    while (i_ < p_.size() && p_[i_] == '|') {
      ++i_;
      PrefixSet g = seq();
      f.insert(f.end(), g.begin(), g.end());
    }
    tidy(f);
    return f;
  }
  // The literal ASCII byte at i_ with no quantifier after it ("a", "\."), and its length; 0 if none.
  std::size_t plain_literal(unsigned char& c) const {
    std::size_t len = 0;
    const char x = p_[i_];
    if (x == '\\') {
      if (i_ + 1 >= p_.size() || std::isalnum(static_cast<unsigned char>(p_[i_ + 1]))) return 0;
      c = static_cast<unsigned char>(p_[i_ + 1]);
      len = 2;
    } else {
      if (std::strchr("()[]{}|?*+.^$", x) != nullptr) return 0;
      c = static_cast<unsigned char>(x);
      len = 1;
    }
    if (c >= 0x80 || c < 0x09) return 0;
    if (i_ + len < p_.size() && std::strchr("?*+{", p_[i_ + len]) != nullptr) return 0;
    return len;
  }
  PrefixSet seq() {
    PrefixSet f = empty();
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      unsigned char c = 0;
      if (const std::size_t len = plain_literal(c)) {
        // concat(f, {c}) in place: the common case of lexicon surfaces and literal words.
        i_ += len;
        const char sym = fold_byte(c);
        for (auto& e : f) {
          if (e.kind != PrefixEntry::END) continue;
          if (sym == ' ' && !e.s.empty() && e.s.back() == ' ') continue;
          if (e.s.size() == kMaxLen) e.kind = PrefixEntry::OPEN;
          else e.s.push_back(sym);
        }
        continue;
      }
      PrefixSet a = item();
      f = concat(f, a);
    }
    tidy(f);
    return f;
  }
  // "{n}", "{n,}", "{n,m}" at i_: true with n and m (m = -1 for none); false: '{' is a literal.
  bool repeat(int& n, int& m) {
    std::size_t j = i_ + 1;
    n = 0;
    m = -1;
    bool digits = false;
    while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) {
      n = std::min(n * 10 + (p_[j] - '0'), 100000);
      digits = true;
      ++j;
    }
    if (!digits) return false;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      bool mdigits = false;
      int mm = 0;
      while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) {
        mm = std::min(mm * 10 + (p_[j] - '0'), 100000);
        mdigits = true;
        ++j;
      }
      if (mdigits) m = mm;
    } else {
      m = n;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    return true;
  }
  PrefixSet item() {
    PrefixSet a = atom();
    while (i_ < p_.size()) {
      const char q = p_[i_];
      if (q == '?') {
        a.push_back({"", PrefixEntry::END});
        tidy(a);
        ++i_;
      } else if (q == '*') {
        a = plus(std::move(a));
        a.push_back({"", PrefixEntry::END});
        tidy(a);
        ++i_;
      } else if (q == '+') {
        a = plus(std::move(a));
        ++i_;
      } else if (q == '{') {
        const std::size_t save = i_;
        int n = 0, m = 0;
        if (!repeat(n, m)) {
          i_ = save;
          break;
        }
        if (m >= 0 && m <= 4 && n <= m) {  // small counts: spelled out
          PrefixSet out, power = empty();
          for (int k = 0; k <= m; ++k) {
            if (k >= n) out.insert(out.end(), power.begin(), power.end());
            if (k < m) power = concat(power, a);
          }
          tidy(out);
          a = std::move(out);
        } else {
          a = plus(std::move(a));
          if (n == 0) {
            a.push_back({"", PrefixEntry::END});
            tidy(a);
          }
        }
      } else {
        break;
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // non-greedy
    }
    return a;
  }
  // An escape's bytes into `f`; false when not understood.
  static bool escape(char e, PrefixSet& f) {
    switch (e) {
      case 'd':
        f.push_back({"0", PrefixEntry::END});
        return true;
      case 's':
        f.push_back({" ", PrefixEntry::END});
        return true;
      case 'w':
        for (int c = 'a'; c <= 'z'; ++c) add_byte(f, static_cast<unsigned char>(c));
        add_byte(f, '0');
        add_byte(f, '_');
        return true;
      case 'n': add_byte(f, '\n'); return true;
      case 't': add_byte(f, '\t'); return true;
      case 'r': add_byte(f, '\r'); return true;
      case 'f': add_byte(f, '\f'); return true;
      default:
        if (std::isalnum(static_cast<unsigned char>(e))) return false;  // \D \S \W \pN \b \v ...
        add_byte(f, static_cast<unsigned char>(e));                       // \. \- \' ...
        return true;
    }
  }
  PrefixSet atom() {
    PrefixSet f;
    const char c = p_[i_];
    if (c == '(') {
      ++i_;
      switch (open_group(p_, i_)) {
        case GroupOpen::body: break;
        case GroupOpen::flags_only: return empty();   // flags for the rest of the group
        case GroupOpen::bad_name:
        case GroupOpen::other: return fail();
      }
      f = alt();
      if (i_ >= p_.size() || p_[i_] != ')') return fail();
      ++i_;
      return f;
    }
    if (c == '[') {
      ++i_;
      if (i_ < p_.size() && p_[i_] == '^') return fail();
      bool first = true;
      int prev = -1;
      while (i_ < p_.size() && (p_[i_] != ']' || first)) {
        first = false;
        const char x = p_[i_++];
        if (x == '[') return fail();  // [[:alpha:]]
        if (x == '\\' && i_ < p_.size()) {
          const char e = p_[i_++];
          if (!escape(e, f)) return fail();
          prev = std::isalnum(static_cast<unsigned char>(e)) ? -1 : static_cast<unsigned char>(e);
          continue;
        }
        if (x == '-' && prev >= 0 && i_ < p_.size() && p_[i_] != ']') {
          const unsigned char hi = static_cast<unsigned char>(p_[i_++]);
          if (hi == '\\' || hi >= 0x80) return fail();
          for (int b = prev; b <= hi; ++b) add_byte(f, static_cast<unsigned char>(b));
          prev = -1;
          continue;
        }
        add_byte(f, static_cast<unsigned char>(x));
        prev = static_cast<unsigned char>(x);
      }
      if (i_ >= p_.size()) return fail();
      ++i_;  // ']'
      tidy(f);
      return f;
    }
    if (c == '\\') {
      if (i_ + 1 >= p_.size()) return fail();
      const char e = p_[i_ + 1];
      i_ += 2;
      if (e == 'x') {  // \x41, \x{00BD}
        std::size_t j = i_, end = i_ + 2;
        if (j < p_.size() && p_[j] == '{') {
          end = p_.find('}', j);
          if (end == std::string_view::npos) return fail();
          ++j;
        }
        unsigned long cp = 0;
        if (j >= end || end > p_.size()) return fail();
        for (std::size_t k = j; k < end; ++k) {
          if (!std::isxdigit(static_cast<unsigned char>(p_[k]))) return fail();
          cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(p_[k]))
                                                        ? p_[k] - '0'
                                                        : std::tolower(static_cast<unsigned char>(p_[k])) - 'a' + 10);
          if (cp > 0x10FFFF) return fail();
        }
        i_ = p_[i_] == '{' ? end + 1 : end;
        // RE2 folds two non-ASCII letters with ASCII ones (KELVIN SIGN, LONG S).
        if (cp == 0x212A) add_byte(f, 'k');
        else if (cp == 0x17F) add_byte(f, 's');
        else add_byte(f, cp >= 0x80 ? 0x80 : static_cast<unsigned char>(cp));
        return f;
      }
      if (!escape(e, f)) return fail();
      tidy(f);
      return f;
    }
    ++i_;
    if (c == '.' || c == '^' || c == '$') return open();
    add_byte(f, static_cast<unsigned char>(c));
    return f;
  }
  PrefixSet fail() {
    // Not understood: skip to the end of this group (as FirstByteAnalyzer::fail); the alternatives
    // skipped are not read, so the whole pattern then counts as read nothing (run() widens).
    failed_ = true;
    skip_group(p_, i_);
    return open();
  }

  std::string_view p_;
  std::size_t budget_;
  bool too_big_ = false;
  std::size_t i_ = 0;
  bool failed_ = false;
};
using PrefixAnalyzer = PrefixAnalyzerT<Sym8>;

// A rule whose 8-symbol analysis has at most kFewEntries entries is read to kLongSymbols symbols,
// unless that makes more than kLongBudget entries: the trie then refuses more text where such a
// rule cannot match ("on Saturday " for "(?:on\s+)?{weekday_plural}") while it, and so the
// loading, stay small.
constexpr std::size_t kFewEntries = 30, kLongSymbols = 12, kLongBudget = 400;

// The entries of every rule as a trie over the reduced alphabet; may_match(text, p, end) is false
// only when no rule can match at p a text that keeps its candidate.
class PrefixTrie {
 public:
  template <class S>
  void add(const std::vector<PrefixEntryT<S>>& f, int rule) {
    for (const auto& e : f) {
      if (e.kind == PrefixEntryT<S>::END && e.s.empty()) continue;  // an empty match is refused
      entries_.push_back({e.s.template widen<Sym16>(), e.kind == PrefixEntryT<S>::OPEN, rule});
    }
  }
  void build() {
    // (Entries are not deduplicated: adding one twice changes nothing.)
    std::array<int, 256> sym{};
    int nsym = 0;
    char cs[Sym16::kCap];
    std::size_t most_nodes = 1;
    for (const auto& e : entries_) {
      most_nodes += e.s.size();
      e.s.chars(cs);
      for (std::size_t i = 0; i < e.s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(cs[i]);
        if (!sym[c]) sym[c] = ++nsym;
      }
    }
    const int width = nsym + 1;
    // A trie with children by symbol first, then the transition table the reader uses.
    struct Dense {
      bool open = false, end_alnum = false;
    };
    std::vector<Dense> dense(1);
    std::vector<int> next(width, -1);
    next.reserve(most_nodes * static_cast<std::size_t>(width));  // (no copies as it grows)
    dense.reserve(most_nodes);
    // Each node's children as {symbol, child}, for the walks below (most nodes have one or two).
    std::vector<std::vector<std::pair<int, int>>> kids(1);
    // The rules with an entry ending at each node (up to two, else kManyRules), for rules_at.
    std::vector<Two> own(1);
    kids.reserve(most_nodes);
    own.reserve(most_nodes);
    // The same as bit sets, `words_` words a node, for rule_bits.
    int most_rule = 0;
    for (const auto& e : entries_) most_rule = std::max(most_rule, e.rule);
    words_ = static_cast<std::size_t>(most_rule) / 64 + 1;
    std::vector<std::uint64_t> own_bits(words_);
    own_bits.reserve(most_nodes * words_);
    for (const auto& e : entries_) {
      int n = 0;
      e.s.chars(cs);
      for (std::size_t i = 0; i < e.s.size(); ++i) {
        const int c = sym[static_cast<unsigned char>(cs[i])];
        if (next[n * width + c] < 0) {
          next[n * width + c] = static_cast<int>(dense.size());
          kids[static_cast<std::size_t>(n)].emplace_back(c, static_cast<int>(dense.size()));
          dense.emplace_back();
          kids.emplace_back();
          own.emplace_back();
          own_bits.resize(own_bits.size() + words_);
          next.resize(next.size() + width, -1);
        }
        n = next[n * width + c];
      }
      own[static_cast<std::size_t>(n)] = own[static_cast<std::size_t>(n)].with(e.rule);
      own_bits[static_cast<std::size_t>(n) * words_ + static_cast<std::size_t>(e.rule) / 64] |= std::uint64_t{1} << (e.rule % 64);
      if (e.open) dense[n].open = true;
      else if (!e.s.empty() && (std::isalpha(static_cast<unsigned char>(e.s.back())) || e.s.back() == '0'))
        dense[n].end_alnum = true;
      else dense[n].open = true;  // an END entry ending in another byte: nothing to check after it
    }
    entries_.clear();
    entries_.shrink_to_fit();
    // Columns of the table: 0 a letter or digit no entry reads, 1..nsym the symbols, then any other
    // byte no entry reads, then non-ASCII bytes (which stop the reader: may be a folded letter, or
    // what a class or '.' reads).
    // The last column is the end of the text (no byte there).
    const int c_other = nsym + 1, c_non_ascii = nsym + 2;
    end_col_ = nsym + 3;
    cols_ = nsym + 4;
    std::vector<bool> col_alnum(static_cast<std::size_t>(cols_), false);
    col_alnum[0] = true;
    for (int c = 0; c < 128; ++c)
      if (sym[c] && (std::isalpha(c) || c == '0')) col_alnum[static_cast<std::size_t>(sym[c])] = true;
    for (int b = 0; b < 256; ++b) {
      if (b >= 0x80) byte_col_[b] = static_cast<std::uint8_t>(c_non_ascii);
      else if (const int s = sym[static_cast<unsigned char>(fold_byte(static_cast<unsigned char>(b)))]) byte_col_[b] = static_cast<std::uint8_t>(s);
      else byte_col_[b] = static_cast<std::uint8_t>((kByte[b] & kWordByte) ? 0 : c_other);
    }
    space_col_ = sym[static_cast<unsigned char>(' ')] ? sym[static_cast<unsigned char>(' ')] : -1;
    // Breadth first (the nodes near the root, which every walk reads, together).
    std::vector<int> order{0}, index(dense.size(), -1);
    index[0] = 0;
    order.reserve(dense.size());
    for (auto& k : kids) std::sort(k.begin(), k.end());  // by symbol, as a scan of `next` would
    for (std::size_t at = 0; at < order.size(); ++at)
      for (const auto& [c, child] : kids[static_cast<std::size_t>(order[at])]) {
        index[child] = static_cast<int>(order.size());
        order.push_back(child);
      }
    root_open_ = dense[0].open;
    // The whole trie (no stop at an OPEN entry), and per node the rules with an entry ending on
    // the way to it (parents come first in `order`).
    non_ascii_col_ = c_non_ascii;
    full_.assign(order.size() * static_cast<std::size_t>(cols_), kNo);  // rules_at stops at a negative cell
    path_rules_.assign(order.size(), Two{});
    path_rules_[0] = own[0];
    path_bits_.assign(order.size() * words_, 0);
    std::copy(own_bits.begin(), own_bits.begin() + static_cast<std::ptrdiff_t>(words_), path_bits_.begin());
    for (std::size_t at = 0; at < order.size(); ++at)
      for (const auto& [c, child] : kids[static_cast<std::size_t>(order[at])]) {
        const std::size_t ci = static_cast<std::size_t>(index[child]);
        full_[at * static_cast<std::size_t>(cols_) + static_cast<std::size_t>(c)] = static_cast<std::int32_t>(ci) * cols_;
        path_rules_[ci] = path_rules_[at].with(own[static_cast<std::size_t>(child)]);
        for (std::size_t w = 0; w < words_; ++w)
          path_bits_[ci * words_ + w] = path_bits_[at * words_ + w] | own_bits[static_cast<std::size_t>(child) * words_ + w];
      }
    // The walk's table holds only the nodes it can reach (those above every OPEN entry and every
    // stop after an END one: some 7,000 of 18,000), by 16-bit index: about 0.5 MB, where the
    // whole trie's 2.8 MB of row offsets missed the L2 cache at most steps after the first three
    // bytes. Breadth first still (the nodes near the root together). Past kMaxNodes nodes the cells
    // to the others say yes: may_match is only a necessary condition.
    // A walk goes on to a child unless an entry ends there as OPEN (yes), or at an END entry a
    // letter or digit last, by a byte that is neither (yes: boundaries_ok refuses the others).
    const auto stops = [&](const Dense& d, int c, int child) {
      return dense[static_cast<std::size_t>(child)].open || (d.end_alnum && !col_alnum[static_cast<std::size_t>(c)]);
    };
    std::vector<std::int32_t> node_of(order.size(), -1);  // trie node (in `order`) -> its node in the walk's table
    node_of[0] = 0;
    std::int32_t nodes = 1;
    for (std::size_t at = 0; at < order.size() && nodes < kMaxNodes; ++at) {
      if (node_of[at] < 0) continue;  // (a parent comes before its children)
      const Dense& d = dense[static_cast<std::size_t>(order[at])];
      for (const auto& [c, child] : kids[static_cast<std::size_t>(order[at])])
        if (!stops(d, c, child) && nodes < kMaxNodes) node_of[static_cast<std::size_t>(index[child])] = nodes++;
    }
    // No and yes are two more nodes, which stay where they are at every byte (and at the end of
    // the text): the walk then takes its first step after tri_ before it asks whether it is over,
    // one branch a walk that the text decides, not two.
    no_ = static_cast<std::uint16_t>(nodes);
    yes_ = static_cast<std::uint16_t>(nodes + 1);
    // Every row starts as one of two templates: a non-ASCII byte says yes; a match ending at a
    // node with an END entry (a letter or digit last) may keep its candidate before anything but
    // a letter or digit, or at the end of the text.
    std::vector<std::uint16_t> plain(static_cast<std::size_t>(cols_), no_), after_end(plain);
    plain[static_cast<std::size_t>(c_non_ascii)] = yes_;
    for (int c = 0; c < cols_; ++c)
      if (!col_alnum[static_cast<std::size_t>(c)]) after_end[static_cast<std::size_t>(c)] = yes_;
    table_.assign(static_cast<std::size_t>(nodes + 1) * static_cast<std::size_t>(cols_), no_);  // (no_'s row is no_)
    table_.resize(table_.size() + static_cast<std::size_t>(cols_), yes_);
    for (std::size_t at = 0; at < order.size(); ++at) {
      if (node_of[at] < 0) continue;
      const Dense& d = dense[static_cast<std::size_t>(order[at])];
      std::uint16_t* row = &table_[static_cast<std::size_t>(node_of[at]) * static_cast<std::size_t>(cols_)];
      std::copy((d.end_alnum ? after_end : plain).begin(), (d.end_alnum ? after_end : plain).end(), row);
      for (const auto& [c, child] : kids[static_cast<std::size_t>(order[at])]) {
        if (d.end_alnum && !col_alnum[static_cast<std::size_t>(c)]) continue;  // (yes, as the template says)
        const std::int32_t to = node_of[static_cast<std::size_t>(index[child])];
        row[c] = to >= 0 ? static_cast<std::uint16_t>(to) : yes_;  // an OPEN entry's end (or a node left out)
      }
    }
    // A run of whitespace reads as one symbol: a node reached by whitespace stays there at more
    // whitespace (no entry has two in a row), so the walk reads every byte alike, with no skip of
    // the run (a branch the text decides, often mispredicted) and no slow path for it.
    if (space_col_ >= 0)
      for (std::size_t at = 0; at < order.size(); ++at)
        for (const auto& [c, child] : kids[static_cast<std::size_t>(order[at])])
          if (const std::int32_t to = node_of[static_cast<std::size_t>(index[child])]; c == space_col_ && to >= 0)
            table_[static_cast<std::size_t>(to) * static_cast<std::size_t>(cols_) + static_cast<std::size_t>(space_col_)] =
                static_cast<std::uint16_t>(to);
    // A cell of the walk's table as root_ and tri_ keep it: a node's index, kNo or kYes.
    const auto cell = [&](std::size_t node, int c) -> std::int32_t {
      const std::uint16_t t = table_[node * static_cast<std::size_t>(cols_) + static_cast<std::size_t>(c)];
      return t == no_ ? kNo : t == yes_ ? kYes : t;
    };
    for (int b = 0; b < 256; ++b) root_[b] = root_open_ ? kYes : cell(0, byte_col_[b]);
    // The walk's first three steps at once, by the columns of three bytes (none the end of the
    // text).
    const std::size_t n = static_cast<std::size_t>(cols_);
    tri_.assign(n * n * n, no_);
    for (int b = 0; b < 256; ++b) {
      col1_[b] = byte_col_[b] * cols_;
      col2_[b] = byte_col_[b] * cols_ * cols_;
    }
    for (int c0 = 0; c0 < cols_; ++c0) {
      if (c0 == end_col_) continue;
      const std::int32_t t0 = root_open_ ? kYes : cell(0, c0);
      for (int c1 = 0; c1 < cols_; ++c1) {
        if (c1 == end_col_) continue;
        const std::int32_t t1 = t0 < 0 ? t0 : cell(static_cast<std::size_t>(t0), c1);
        std::uint16_t* out = &tri_[(static_cast<std::size_t>(c0) * n + static_cast<std::size_t>(c1)) * n];
        for (int c2 = 0; c2 < cols_; ++c2)
          if (c2 != end_col_) {
            const std::int32_t t2 = t1 < 0 ? t1 : cell(static_cast<std::size_t>(t1), c2);
            out[c2] = t2 >= 0 ? static_cast<std::uint16_t>(t2) : t2 == kNo ? no_ : yes_;
          }
      }
    }
  }
  static constexpr int kNoRule = -1, kManyRules = -2, kUnknownRules = -3;
  // At most two rules: {kNoRule, kNoRule} (none), {a, kNoRule} (one), {a, b} (two, a < b), or
  // {kManyRules or kUnknownRules, kNoRule}.
  struct Two {
    int a = kNoRule, b = kNoRule;
    Two with(int r) const {
      if (a < 0 && a != kNoRule) return *this;  // many (or unknown) stay so
      if (r == a || r == b) return *this;
      if (a == kNoRule) return {r, kNoRule};
      if (b == kNoRule) return r < a ? Two{r, a} : Two{a, r};
      return {kManyRules, kNoRule};
    }
    Two with(Two o) const {
      if (o.a < 0 && o.a != kNoRule) return o;
      Two t = *this;
      if (o.a != kNoRule) t = t.with(o.a);
      if (o.b != kNoRule) t = t.with(o.b);
      return t;
    }
  };
  // The rules (none, one, two, or kManyRules) that may match at p, from the entries that are
  // prefixes of the text there (whatever follows an END entry); {kUnknownRules} when the walk
  // meets a non-ASCII byte (it may be a folded letter).
  // (`node`: where the walk ended, for rule_bits; not set for kUnknownRules.)
  Two rules_at(std::string_view text, std::size_t k, std::size_t end, std::size_t& node) const {
    const std::int32_t* full = full_.data();
    std::int32_t row = 0;
    while (k < end) {
      const int c = byte_col_[static_cast<unsigned char>(text[k])];
      if (c == non_ascii_col_) return {kUnknownRules, kNoRule};
      const std::int32_t t = full[row + c];
      if (t < 0) break;
      ++k;
      if (c == space_col_)
        while (k < end && is_space_byte(static_cast<unsigned char>(text[k]))) ++k;
      row = t;
    }
    node = static_cast<std::size_t>(row / cols_);
    return path_rules_[node];
  }
  // Every rule with an entry on the way to `node` (what rules_at counts), words() words of bits.
  const std::uint64_t* rule_bits(std::size_t node) const { return path_bits_.data() + node * words_; }
  std::size_t words() const { return words_; }
  [[gnu::always_inline]] bool may_match(std::string_view text, std::size_t p, std::size_t end) const {  // (hot: inlined in the scan)
    if (p + 3 <= end) {  // three bytes by one table
      const unsigned char b2 = static_cast<unsigned char>(text[p + 2]);
      const std::uint16_t t = tri_[static_cast<std::size_t>(col2_[static_cast<unsigned char>(text[p])] +
                                                            col1_[static_cast<unsigned char>(text[p + 1])] + byte_col_[b2])];
      return walk(text, p + 3, end, t);
    }
    if (p < end) {  // the first step by the byte itself
      const std::int32_t t = root_[static_cast<unsigned char>(text[p])];
      return t >= 0 ? walk(text, p + 1, end, static_cast<std::size_t>(t)) : t == kYes;
    }
    return root_open_ || walk(text, p, end, 0);
  }

 private:
  // The walk from `node` (of the walk's table, or no_ or yes_), reading text from k: at least one
  // step (none changes no_ or yes_).
  [[gnu::always_inline]] bool walk(std::string_view text, std::size_t k, std::size_t end, std::size_t node) const {  // (hot: GCC may not inline it otherwise)
    const std::uint16_t* table = table_.data();
    const std::size_t cols = static_cast<std::size_t>(cols_), over = no_;
    do {
      const int c = k < end ? byte_col_[static_cast<unsigned char>(text[k])] : end_col_;
      node = table[node * cols + static_cast<std::size_t>(c)];
      ++k;
    } while (node < over);  // (no_ and yes_ are the last two nodes)
    return node == yes_;
  }

  static constexpr std::int32_t kNo = -1, kYes = -2;
  // The walk's table and tri_ hold 16-bit nodes: kMaxNodes nodes at most, then no_ and yes_.
  static constexpr std::int32_t kMaxNodes = 0xFFFE;
  std::uint16_t no_ = 0, yes_ = 0;  // the nodes of no and yes (the last two)
  std::array<std::int32_t, 256> root_{};  // the root's step by byte: a node of the walk's table, kNo or kYes
  struct Entry {
    Sym16 s;
    bool open;  // an OPEN entry (else END)
    int rule;
  };
  std::vector<Entry> entries_;  // every rule's entries (until build)
  std::array<std::uint8_t, 256> byte_col_{};
  std::array<std::int32_t, 256> col1_{}, col2_{};  // byte_col_ times cols_, times cols_ squared (tri_'s index)
  std::vector<std::uint16_t> tri_;                 // columns (c0, c1, c2) -> the walk's node after them (no_ or yes_ when over)
  int space_col_ = -1;  // the column of whitespace, -1 when no entry reads it
  int cols_ = 0;
  int end_col_ = 0;
  bool root_open_ = false;
  std::vector<std::uint16_t> table_;  // node x column: the next node (what the walk reaches only, then no_ and yes_)
  int non_ascii_col_ = 0;
  std::vector<std::int32_t> full_;  // node x column: the next node's row (every child), or negative
  std::vector<Two> path_rules_;     // node -> rules_at's answer there
  std::size_t words_ = 1;
  std::vector<std::uint64_t> path_bits_;  // node -> rule_bits
};

// What take_match makes of a match that passed the boundary check: refused (not ok), or its
// candidate's span (relative to the match start) and value when `filled`.
struct MatchOutcome {
  bool ok = false;
  bool filled = false;
  bool memo = true;  // read nothing outside the match (a capital checked in an empty group at its end does)
  std::uint32_t s_off = 0, e_off = 0;
  std::string value;
};

// Captures read in `from` (a copy of `to`, lower-cased) moved to the same places in `to`.
void move_captures(std::vector<re2::StringPiece>& groups, const re2::StringPiece& from, const re2::StringPiece& to) {
  for (auto& g : groups)
    if (g.data()) g = re2::StringPiece(to.data() + (g.data() - from.data()), g.size());
}

// Whether every byte of `s` is ASCII.
bool ascii_span(std::string_view s) {
  unsigned char any = 0;
  for (const char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// Where a rule's scan goes on after a refused match starting at `ms`: after the word it starts in.
std::size_t skip_word(std::string_view text, std::size_t ms, std::size_t to) {
  std::size_t p = ms + 1;
  while (p < to && is_word_byte(static_cast<unsigned char>(text[p])) &&
         is_word_byte(static_cast<unsigned char>(text[p - 1])))
    ++p;
  return p;
}

// Outcomes of the start-position engine by (rule, text of the match), per thread. There no
// pattern reads outside its match, so the captures of an anchored match of exactly that text, and
// everything take_match derives from them (calendar checks, capitals inside the span, the value),
// depend on the rule and that text only: news repeats "Monday", "last year", "2019" over and over.
// Open addressing, cleared when half full (bounded memory); tied to one tagger by its serial.
class OutcomeMemo {
 public:
  const MatchOutcome* find(std::uint64_t owner, int rule, std::string_view span, std::uint64_t& h) {
    if (owner != owner_) {
      clear();
      owner_ = owner;
    }
    h = hash(rule, span);
    for (std::size_t i = h & kMask;; i = (i + 1) & kMask) {
      const Slot& sl = slots_[i];
      if (sl.entry < 0) return nullptr;
      if (sl.hash == h && sl.rule == rule && sl.len == span.size() &&
          std::memcmp(keys_.data() + sl.key, span.data(), span.size()) == 0)
        return &entries_[static_cast<std::size_t>(sl.entry)];
    }
  }
  const MatchOutcome& add(std::uint64_t h, int rule, std::string_view span, MatchOutcome&& o) {
    if (entries_.size() >= kSlots / 2 || keys_.size() + span.size() > kMaxKeyBytes) clear();
    std::size_t i = h & kMask;
    while (slots_[i].entry >= 0) i = (i + 1) & kMask;
    slots_[i] = Slot{h, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(span.size()), rule,
                     static_cast<std::int32_t>(entries_.size())};
    used_.push_back(static_cast<std::uint32_t>(i));
    keys_.append(span);
    entries_.push_back(std::move(o));
    return entries_.back();
  }
  // Everything forgotten (the benchmark's "every document new to the tagger").
  void forget() { clear(); }

 private:
  static constexpr std::size_t kSlots = std::size_t{1} << 14, kMask = kSlots - 1;
  static constexpr std::size_t kMaxKeyBytes = std::size_t{1} << 20;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t key = 0, len = 0;
    int rule = 0;
    std::int32_t entry = -1;
  };
  static std::uint64_t hash(int rule, std::string_view s) {  // (case variants collide; memcmp tells them apart)
    const std::uint64_t h =
        (std::uint64_t{fold_hash(s)} ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(rule)) << 32)) *
        0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 32);
  }
  void clear() {   // only the slots in use are reset
    if (slots_.size() != kSlots) slots_.resize(kSlots);
    for (std::uint32_t i : used_) slots_[i] = Slot{};
    used_.clear();
    entries_.clear();
    keys_.clear();
  }
  std::uint64_t owner_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> used_;   // the slots holding an entry
  std::vector<MatchOutcome> entries_;
  std::string keys_;
};

// Per thread (the tagger is shared between threads).
thread_local OutcomeMemo t_outcomes;

// Each rule's SpanDfa, per thread, for one tagger (by its serial).
struct SpanDfas {
  std::uint64_t owner = 0;
  std::vector<SpanDfa> rules;
  SpanDfa all;  // of Impl::all_spans
  SpanDfas& of(std::uint64_t serial, std::size_t n) {
    if (owner != serial) {
      rules.clear();
      all = SpanDfa();
      owner = serial;
    }
    if (rules.size() < n) rules.resize(n);
    return *this;
  }
};
thread_local SpanDfas t_span_dfas;

std::atomic<std::uint64_t> g_tagger_serial{0};

}  // namespace

struct TimexTagger::Impl {
  std::map<std::string, std::string> macros;
  std::map<std::string, Lexicon> lexicons;
  std::vector<CompiledRule> rules;
  std::vector<std::string> ids;       // rules[i].id, for the overlap order
  std::unique_ptr<RE2::Set> set;      // unanchored: which rules match somewhere in a block
  // Start-position engine: `starts_set` (anchored at the start) says which rules match at a
  // position; only positions whose byte can begin some rule (`first`) are tried. Off (plain
  // per-block scans) when a rule reads outside its match (^, $, \b) or could not be read.
  mutable std::unique_ptr<RE2::Set> starts_set;
  // The set is made and compiled on first use (its parse and compiling cost some 85 M
  // instructions; the SpanDfas leave it only positions with non-ASCII text, and most runs never
  // need it), of `start_patterns` (the rules' patterns, lexicons factored, which load() had RE2
  // parse); null when it does not compile.
  std::vector<std::string> start_patterns;
  RE2::Options set_options;
  const RE2::Set* start_set() const {
    std::call_once(starts_once_, [this] {
      starts_set = std::make_unique<RE2::Set>(set_options, RE2::ANCHOR_START);
      bool ok = true;
      for (const std::string& p : start_patterns) ok = ok && starts_set->Add(p, nullptr) >= 0;
      starts_ok_ = ok && starts_set->Compile();
    });
    return starts_ok_ ? starts_set.get() : nullptr;
  }
  mutable std::once_flag starts_once_;
  mutable bool starts_ok_ = false;  // (written once, in call_once)
  std::bitset<256> first;
  std::array<unsigned char, 256> scan_class{};  // kByte, plus kFirst for the bytes in `first`
  // The ASCII bytes other than letters and digits in `first` ("'" of "'90s"), when there are at most
  // four: the ASCII scan then visits only those among such bytes (8 at a time); else (all = true)
  // every one.
  struct OtherFirst {
    bool all = true;
    std::array<unsigned char, 4> bytes{};
    int n = 0;
    // The high bit of each byte of `x` that is `b`, exactly.
    static std::uint64_t eq(std::uint64_t x, unsigned char b) {
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
      const std::uint64_t y = x ^ (b * 0x0101010101010101ULL);
      return ~(((y & kLow7) + kLow7) | y) & kHigh;
    }
    // The high bit of each byte of `x` that is one of `bytes`.
    std::uint64_t in(std::uint64_t x) const {
      if (n == 1) return eq(x, bytes[0]);  // the usual case
      std::uint64_t m = 0;
      for (int i = 0; i < n; ++i) m |= eq(x, bytes[static_cast<std::size_t>(i)]);
      return m;
    }
#if defined(__SSE2__)
    // Bit i set when byte i of `x` is one of `bytes`.
    std::uint32_t in16(__m128i x) const {
      if (n == 0) return 0;
      __m128i m = _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(bytes[0])));
      for (int i = 1; i < n; ++i)
        m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(bytes[static_cast<std::size_t>(i)]))));
      return static_cast<std::uint32_t>(_mm_movemask_epi8(m));
    }
#endif
  } other_first;
  PrefixTrie prefixes;  // what text can begin a match (a necessary condition, see PrefixAnalyzer)
  // The union of the rules' SpanNfas, which tells the rules that match at a position as the set
  // does, where the trie leaves no rule without one (`no_span`, PrefixTrie::words() words).
  std::shared_ptr<const SpanNfa> all_spans;
  std::vector<std::uint64_t> no_span;
  bool union_alone = false;  // no_span has no bit, at most 4 words, and no rule matches the empty text
  bool nullable_rule = false;  // some rule matches the empty text (FirstBytes::nullable)
  bool use_starts = false;
  timex_internal::TenseCues tense;   // tense.tsv: the cues that say ahead or back
  std::uint64_t serial = 0;  // unique per loaded tagger (keys the per-thread outcome memo)

  std::string normalise(const CompiledRule& r, int g, const std::string& raw, int column) const;
  bool validate(const CompiledRule& r, const std::vector<std::string>& caps) const;
  std::string fill(const CompiledRule& r, const std::vector<std::string>& raw, bool& ok) const;
  std::string fill_segs(const CompiledRule& r, const std::vector<ValueSeg>& segs,
                        const std::vector<std::string>& raw, bool& ok) const;
  std::vector<Candidate> extract(std::string_view text) const;
  std::vector<Candidate> extract_blocks(std::string_view text, const RE2::Set& block_set) const;
  std::vector<Candidate> extract_starts(std::string_view text) const;
  void scan_rule(int ri, std::string_view text, std::size_t from, std::size_t to,
                 std::vector<re2::StringPiece>& groups, std::vector<std::string>& caps,
                 std::vector<Candidate>& cands) const;
  std::size_t take_match(const CompiledRule& r, int ri, std::string_view text, std::size_t to,
                         const std::vector<re2::StringPiece>& groups, std::vector<std::string>& caps,
                         std::vector<Candidate>& cands) const;
  void judge(const CompiledRule& r, std::string_view text, std::size_t ms,
             const std::vector<re2::StringPiece>& groups, std::vector<std::string>& caps,
             MatchOutcome& out) const;
  static bool words_captures(const CompiledRule& r, const re2::StringPiece& window, std::size_t from,
                             std::size_t to, std::vector<re2::StringPiece>& groups,
                             const re2::StringPiece* lowered = nullptr);
};

// The captures of the span [from, to) of `window` through r.words_re (see there) into `groups`;
// false (groups unchanged) when that is not sure to give the captures of the full pattern.
// (`lowered`, when set: `window` lower-cased, for LazyRe::lowered; the captures still point into
// `window`.)
bool TimexTagger::Impl::words_captures(const CompiledRule& r, const re2::StringPiece& window, std::size_t from,
                                       std::size_t to, std::vector<re2::StringPiece>& groups,
                                       const re2::StringPiece* lowered) {
  thread_local std::vector<re2::StringPiece> wg;
  wg.assign(static_cast<std::size_t>(r.words_ngroups) + 1, re2::StringPiece());
  const RE2* low = lowered ? r.words_re->lowered() : nullptr;
  const re2::StringPiece& read = low ? *lowered : window;
  if (!(low ? *low : r.words_re->get()).Match(read, from, to, RE2::ANCHOR_BOTH, wg.data(), r.words_ngroups + 1)) return false;
  if (low) move_captures(wg, read, window);
  for (const auto& [g, lex] : r.words_checks) {
    const re2::StringPiece w = wg[static_cast<std::size_t>(g)];
    if (w.data() == nullptr) continue;
    if (!lex->find(std::string_view(w.data(), w.size()))) return false;
  }
  for (int g = 0; g <= r.ngroups; ++g) groups[static_cast<std::size_t>(g)] = wg[static_cast<std::size_t>(r.words_index[static_cast<std::size_t>(g)])];
  return true;
}

std::string TimexTagger::Impl::normalise(const CompiledRule& r, int g, const std::string& raw,
                                         int column) const {
  if (raw.empty() || r.group_lex[g].empty()) return raw;
  for (const Lexicon* lex : r.group_lex[g]) {
    const std::vector<std::string>* cols = lex->find(raw);
    if (!cols && raw.size() > 1 && raw.back() == '.') cols = lex->find(std::string_view(raw).substr(0, raw.size() - 1));
    if (cols) {
      if (cols->empty()) return raw;
      return (*cols)[std::min<std::size_t>(column, cols->size() - 1)];
    }
  }
  return raw;
}

// Calendar validation of the conventional capture names (only those groups of `caps` are read).
bool TimexTagger::Impl::validate(const CompiledRule& r, const std::vector<std::string>& caps) const {
  int year = 2000, month = 0, v = 0;
  for (int g = 1; g <= r.ngroups; ++g) {
    const unsigned char check = r.group_check[g];
    if (check == kNone || caps[g].empty()) continue;
    if (check == kYear && parse_int(caps[g], v)) year = expand_year(v, caps[g].size());
    if (check == kMonth) {
      if (!parse_int(caps[g], month) || month < 1 || month > 12) return false;
    }
  }
  for (int g = 1; g <= r.ngroups; ++g) {
    const unsigned char check = r.group_check[g];
    if (check == kNone || caps[g].empty()) continue;
    if (check == kDay) {
      if (!parse_int(caps[g], v) || v < 1 || v > (month ? days_in_month(year, month) : 31)) return false;
    } else if (check == kHour) {
      if (!parse_int(caps[g], v) || v > 24) return false;
    } else if (check == kHour12) {
      if (!parse_int(caps[g], v) || v < 1 || v > 12) return false;
    } else if (check == kQuarter) {
      if (!parse_int(caps[g], v) || v < 1 || v > 4) return false;
    } else if (check == kHalf) {
      if (!parse_int(caps[g], v) || v < 1 || v > 2) return false;
    } else if (check == kMinSec) {
      if (!parse_int(caps[g], v) || v > 59) return false;
    }
  }
  return true;
}

// Substitutes "{name}" / "{name:fmt}" / "{name:fmt=default}" in the rule's value template.
// fmt: "02" zero-pad to 2, "y" two-digit year to four, "h" 12-hour clock with the "ampm" capture,
// "cN" the N-th value column of the lexicon (1-based).
std::string TimexTagger::Impl::fill(const CompiledRule& r, const std::vector<std::string>& raw,
                                    bool& ok) const {
  return fill_segs(r, r.value_segs, raw, ok);
}

// fill() with `segs` as the value template (a default holding captures is filled the same way).
std::string TimexTagger::Impl::fill_segs(const CompiledRule& r, const std::vector<ValueSeg>& segs,
                                         const std::vector<std::string>& raw, bool& ok) const {
  ok = true;
  std::string out;
  for (const ValueSeg& seg : segs) {
    if (seg.group == ValueSeg::kLiteral) {
      out += seg.literal;
      continue;
    }
    std::string v = seg.group >= 0 ? normalise(r, seg.group, raw[seg.group], seg.column) : std::string();
    if (v.empty()) {
      if (!seg.has_def) ok = false;
      if (seg.def_segs) {
        bool sub_ok = true;
        out += fill_segs(r, *seg.def_segs, raw, sub_ok);
        ok = ok && sub_ok;
      } else {
        out += seg.def;
      }
      continue;
    }
    int n = 0;
    if (seg.fmt == '2' && parse_int(v, n)) {
      v = two_digits(n);
    } else if (seg.fmt == 'y' && parse_int(v, n)) {
      v = std::to_string(expand_year(n, v.size()));
    } else if (seg.fmt == 'h' && parse_int(v, n)) {
      const std::string ampm =
          ascii_lower(r.ampm_group >= 0 ? normalise(r, r.ampm_group, raw[r.ampm_group], 0) : std::string());
      if (ampm == "pm" && n < 12) n += 12;
      if (ampm == "am" && n == 12) n = 0;
      v = two_digits(n);
    }
    out += v;
  }
  return out;
}

// Blocks of text that no timex crosses: paragraphs (split at blank lines), and in a block that grows
// past 4 KB without one, lines; into `out` (cleared first, so that a caller can keep its storage).
static void blocks_of(std::string_view text, std::vector<std::pair<std::size_t, std::size_t>>& out) {
  out.clear();
  constexpr std::size_t kLong = 4096;
  std::size_t start = 0;
  for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    const bool blank = i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r');
    if (blank || i - start > kLong) {
      if (i > start) out.emplace_back(start, i);
      start = i + 1;
    }
  }
  if (start < text.size()) out.emplace_back(start, text.size());
}

std::vector<Candidate> TimexTagger::Impl::extract(std::string_view text) const {
  return use_starts ? extract_starts(text) : extract_blocks(text, *set);
}

// Per block, the positions where some rule can start (anchored RE2::Set at each candidate
// position), then each rule with such positions takes them in order. This finds exactly the
// matches of scan_rule's leftmost-longest unanchored search:
//  - a match found from `pos` is the one at the smallest position >= pos where the rule matches
//    (anchored), and the anchored longest match there is the same match with the same captures;
//  - positions are tried only where the byte can begin some rule (the first-byte sets), and, in a
//    run of ASCII letters and digits, only at its first byte: a match starting inside such a run
//    fails the boundary check, and scan_rule then skips to the end of the run anyway, past every
//    position in it. Runs holding other bytes (UTF-8) are tried at every position.
//  - outside such UTF-8 runs, a position is tried only when a match starting there can keep its
//    candidate: the start half of the boundary check (start_ok) and the text there can begin a
//    match (`prefixes`, see PrefixAnalyzer) that does not end between two ASCII letters or digits.
//    At such a position a refused match adds nothing and sends the rule's scan to the next
//    position tried anyway (the end of the run, or the next byte). Not so inside UTF-8 runs, where
//    a refused match skips the rest of the run: there every position is still tried.
//  - where the trie leaves one rule (or none) at a position, the position is that rule's start
//    without the set's word: the rule's own anchored match, made for every start anyway, refuses
//    it when the rule does not match there.
std::vector<Candidate> TimexTagger::Impl::extract_starts(std::string_view text) const {
  std::vector<Candidate> cands;
  // Scratch kept across calls on this thread (the tagger is shared between threads).
  // Per rule, the positions where it may match and, when the union's DFA told (else -1), the
  // length of its longest match there.
  struct Start {
    std::uint32_t pos;
    std::int32_t len;
  };
  thread_local std::vector<std::vector<Start>> starts;
  thread_local std::vector<int> hit_rules, which;
  thread_local std::vector<re2::StringPiece> groups;
  thread_local std::vector<std::string> caps;
  OutcomeMemo& memo = t_outcomes;
  SpanDfas& span_dfas = t_span_dfas.of(serial, rules.size());
  std::vector<SpanDfa>& dfas = span_dfas.rules;
  for (int ri : hit_rules) starts[ri].clear();
  hit_rules.clear();
  if (starts.size() < rules.size()) starts.resize(rules.size());
  thread_local std::vector<std::pair<std::size_t, std::size_t>> blocks;
  blocks_of(text, blocks);
  for (const auto& block : blocks) {
    // Named copies: a lambda may not capture a structured binding in C++17 (clang refuses).
    const std::size_t bs = block.first, be = block.second;
    for (int ri : hit_rules) starts[ri].clear();
    hit_rules.clear();
    auto try_at = [&](std::size_t p) {
      // Where the trie leaves one rule, its own match (which its scan below makes anyway for a
      // rule that matches) says whether it matches: no set match, which costs about as much as
      // two of them; so too for two rules whose RE2s are compiled, where their union's DFA (below)
      // cannot tell. Not for a rule whose pattern SpanNfa does not read and whose RE2 is not
      // compiled yet (the set compiles none: a rule that never matches is never compiled).
      const auto add = [&](int ri, std::int32_t len = -1) {
        if (starts[ri].empty()) hit_rules.push_back(ri);
        starts[ri].push_back(Start{static_cast<std::uint32_t>(p), len});
      };
      const auto compiled = [&](int ri) { return ri >= 0 && rules[static_cast<std::size_t>(ri)].re->compiled(); };
      const auto ready = [&](int ri) { return ri >= 0 && (rules[static_cast<std::size_t>(ri)].span || compiled(ri)); };
      // Every rule with a SpanNfa and none matching the empty text (the usual rule set): their
      // union's DFA alone says which rules match here and where their matches end, with no walk of
      // the trie first (the rules the trie would leave hold every rule with a non-empty match
      // here). The trie below when the DFA cannot read the text (a non-ASCII byte some NFA does
      // not read).
      if (union_alone) {
        std::uint64_t m[4] = {0, 0, 0, 0};
        std::int32_t ends[4 * 64];  // (read only where m has a bit)
        if (span_dfas.all.matching(*all_spans, text, p, be, m, ends)) {
          for (std::size_t w = 0; w < no_span.size(); ++w)
            for (std::uint64_t b = m[w]; b; b &= b - 1) {
              const std::size_t ri = w * 64 + static_cast<std::size_t>(std::countr_zero(b));
              add(static_cast<int>(ri), ends[ri]);
            }
          return;
        }
      }
      std::size_t node = 0;
      const PrefixTrie::Two two = prefixes.rules_at(text, p, be, node);
      if (two.a == PrefixTrie::kNoRule) return;
      if (two.b == PrefixTrie::kNoRule && ready(two.a)) {
        add(two.a);
        return;
      }
      // Two rules or more, all with a SpanNfa: their union's DFA says which match, as the set
      // would, at a table look-up a byte (where the set's call costs some 1,000 instructions first,
      // and a rule's own refused match a few dozen). Where the trie cannot tell (its walk met a
      // non-ASCII byte), every rule is a candidate: the DFA then needs all rules' NFAs.
      if (two.a == PrefixTrie::kManyRules || two.a == PrefixTrie::kUnknownRules || two.b >= 0) {
        bool all = true;
        if (two.a == PrefixTrie::kUnknownRules) {
          for (const std::uint64_t w : no_span) all = all && !w;
        } else {
          const std::uint64_t* bits = prefixes.rule_bits(node);
          for (std::size_t w = 0; w < prefixes.words(); ++w) all = all && !(bits[w] & no_span[w]);
        }
        std::uint64_t m[4] = {0, 0, 0, 0};
        std::int32_t ends[4 * 64];  // (read only where m has a bit)
        if (all && no_span.size() <= 4 && span_dfas.all.matching(*all_spans, text, p, be, m, ends)) {
          for (std::size_t w = 0; w < no_span.size(); ++w)
            for (std::uint64_t b = m[w]; b; b &= b - 1) {
              const std::size_t ri = w * 64 + static_cast<std::size_t>(std::countr_zero(b));
              add(static_cast<int>(ri), ends[ri]);
            }
          return;
        }
      }
      if (compiled(two.a) && compiled(two.b)) {
        add(two.a);
        add(two.b);
        return;
      }
      which.clear();
      RE2::Set::ErrorInfo info;
      const re2::StringPiece rest(text.data() + p, be - p);
      // The prefilters leave mostly positions where some rule matches: one call, with the rules.
      if (const RE2::Set* ss = start_set(); !ss || (!ss->Match(rest, &which, &info) && info.kind != RE2::Set::kNoError)) {
        which.clear();  // DFA budget exhausted (or no set): every rule is a candidate here
        for (std::size_t i = 0; i < rules.size(); ++i) which.push_back(static_cast<int>(i));
      }
      for (int ri : which) add(ri);
    };
    // The prefilters of a position outside UTF-8 runs: the trie, then start_ok, which can refuse
    // only a digit or a byte after a non-ASCII one (the byte before a run start is no letter or
    // digit, and a byte that is neither is never refused after an ASCII one).
    auto may_start = [&](std::string_view t, std::size_t at, std::size_t end) __attribute__((always_inline)) {  // (hot: GCC may not inline it otherwise)
      if (!prefixes.may_match(t, at, end)) return false;
      const unsigned char b = static_cast<unsigned char>(t[at]);
      if (!(kByte[b] & kDigitByte) && !(at > 0 && static_cast<unsigned char>(t[at - 1]) >= 0x80)) return true;
      return start_ok(t, at);
    };
    std::size_t p = bs;
    if constexpr (std::endian::native == std::endian::little) {
      // A block of ASCII text only (most are), 8 bytes at a time: the positions tried are the
      // first byte of each run of letters and digits and every other byte, when they can begin
      // a rule (kFirst) and pass may_start, as in the loop below.
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
      std::uint64_t any_high = 0;
      std::size_t q = bs;
#if defined(__SSE2__)
      {
        __m128i acc = _mm_setzero_si128();
        for (; q + 16 <= be; q += 16) acc = _mm_or_si128(acc, _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + q)));
        if (_mm_movemask_epi8(acc)) any_high = kHigh;
      }
#endif
      for (; q + 8 <= be; q += 8) {
        std::uint64_t x;
        std::memcpy(&x, text.data() + q, 8);
        any_high |= x;
      }
      for (; q < be; ++q) any_high |= static_cast<unsigned char>(text[q]);
      if (!(any_high & kHigh)) {
        std::uint64_t carry = 0;  // high bit set: the byte before p (in the block) is a letter or digit
#if defined(__SSE2__)
        {  // 16 bytes at a time, as the loop below does 8
          std::uint32_t carry16 = 0;  // bit 0 set: the byte before p is a letter or digit
          for (; p + 16 <= be; p += 16) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p));
            const std::uint32_t word = word_bytes16(x);
            std::uint32_t other = ~word & 0xFFFFu;
            if (!other_first.all && other) other &= other_first.in16(x);
            std::uint32_t tried = (word & ~((word << 1) | carry16)) | other;
            carry16 = word >> 15;
            for (; tried; tried &= tried - 1) {
              const std::size_t at = p + static_cast<std::size_t>(std::countr_zero(tried));
              if ((scan_class[static_cast<unsigned char>(text[at])] & kFirst) && may_start(text, at, be)) try_at(at);
            }
          }
          carry = carry16 ? 0x80 : 0;
        }
#endif
        for (; p + 8 <= be; p += 8) {
          std::uint64_t x;
          std::memcpy(&x, text.data() + p, 8);
          const std::uint64_t word = word_bytes8(x);
          std::uint64_t other = ~word & kHigh;  // bytes that are not letters or digits
          if (!other_first.all && other) other &= other_first.in(x);
          std::uint64_t tried = (word & ~((word << 8) | carry)) | other;
          carry = word >> 56;
          for (; tried; tried &= tried - 1) {
            const std::size_t at = p + static_cast<std::size_t>(std::countr_zero(tried) / 8);
            if ((scan_class[static_cast<unsigned char>(text[at])] & kFirst) && may_start(text, at, be)) try_at(at);
          }
        }
        if (carry)  // the rest of a run whose first byte was tried
          while (p < be && (kByte[static_cast<unsigned char>(text[p])] & kWordByte)) ++p;
      }
    }
    while (p < be) {
      const unsigned char c = static_cast<unsigned char>(text[p]);
      const unsigned char cls = scan_class[c];
      if (!(cls & kWordByte)) {
        if ((cls & kFirst) && may_start(text, p, be)) try_at(p);
        ++p;
        continue;
      }
      // A run of word bytes [p, q), read 8 bytes at a time while the block allows.
      std::size_t q = p + 1;
      std::uint64_t high = c & 0x80;  // non-zero when the run holds a non-ASCII byte
      if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
        while (q + 8 <= be) {
          std::uint64_t x;
          std::memcpy(&x, text.data() + q, 8);
          const std::uint64_t other = ~word_bytes8(x) & kHigh;  // bytes that end the run
          if (!other) {
            high |= x & kHigh;
            q += 8;
            continue;
          }
          // The high bits of the word bytes before the first other one (below its lowest bit).
          high |= x & kHigh & ((other & (0 - other)) - 1);
          q += static_cast<std::size_t>(std::countr_zero(other) / 8);
          goto run_end;
        }
      }
      for (; q < be; ++q) {
        const unsigned char b = static_cast<unsigned char>(text[q]);
        if (!(kByte[b] & kWordByte)) break;
        high |= b & 0x80;
      }
    run_end:
      if (!high) {
        if ((cls & kFirst) && may_start(text, p, be)) try_at(p);
      } else {
        for (std::size_t k = p; k < q; ++k)
          if (scan_class[static_cast<unsigned char>(text[k])] & kFirst) try_at(k);
      }
      p = q;
    }
    std::sort(hit_rules.begin(), hit_rules.end());
    for (int ri : hit_rules) {
      const CompiledRule& r = rules[ri];
      groups.assign(r.ngroups + 1, re2::StringPiece());
      const auto& at = starts[ri];
      std::size_t pos = bs, k = 0;
      while (pos < be) {
        while (k < at.size() && at[k].pos < pos) ++k;
        if (k == at.size()) break;
        const std::size_t ms0 = at[k].pos;
        // The span first (the union's DFA told it, or the rule's SpanDfa, else RE2's DFA), then
        // the captures on exactly that span: the submatch engines then read no text past the match.
        const int len = at[k].len >= 0 ? at[k].len
                        : r.span        ? dfas[static_cast<std::size_t>(ri)].longest(*r.span, text, ms0, be)
                                        : SpanNfa::kUnknown;
        if (len >= 0) {
          groups[0] = re2::StringPiece(text.data() + ms0, static_cast<std::size_t>(len));
        } else if (len == -1 || !r.re->get().Match(text, ms0, be, RE2::ANCHOR_START, groups.data(), 1)) {
          ++k;  // a start the trie gave (or all rules after a DFA budget failure in the set): no match here
          continue;
        }
        const std::size_t me0 = ms0 + groups[0].size();
        // take_match refuses a match failing the boundary check before it reads any capture.
        if (me0 == ms0 || !boundaries_ok(text, ms0, me0)) {
          pos = skip_word(text, ms0, be);
          continue;
        }
        const std::string_view span = text.substr(ms0, me0 - ms0);
        std::uint64_t h = 0;
        const MatchOutcome* o = memo.find(serial, ri, span, h);
        MatchOutcome fresh;
        if (!o) {
          // The text handed to RE2 is the span and one byte either side: all RE2 reads for its
          // empty-width assertions (\b, ^, $, ...), and short enough for RE2 to skip its DFA pass
          // and go straight to its one-pass or bit-state engine when the pattern allows one.
          const std::size_t w0 = ms0 > 0 ? ms0 - 1 : 0, w1 = me0 < text.size() ? me0 + 1 : me0;
          const re2::StringPiece window(text.data() + w0, w1 - w0);
          // An ASCII span (nearly all) is read lower-cased by the lowered twins of the rule's
          // RE2s (cheaper to compile: LazyRe::lowered), the captures then moved onto the text.
          // (The bytes around the span are no part of any match here: use_starts.)
          thread_local std::string lower;
          re2::StringPiece lw;  // `window` lower-cased, or unset
          if (ascii_span(span)) {
            lower.resize(window.size());
            ascii_lower_copy(lower.data(), window.data(), window.size());
            lw = re2::StringPiece(lower.data(), lower.size());
          }
          // "(?:H)?(?P<x>...)": when H matches no non-empty start of the span, every parse skips
          // it (or matches it empty), so x is the whole span.
          re2::StringPiece hm;
          const RE2* head_low = r.head && lw.data() ? r.head->lowered() : nullptr;
          // (No RE2 call when the span's first byte cannot begin H.)
          if (r.head && (!r.head_first.test(static_cast<unsigned char>(text[ms0])) ||
                         !(head_low ? *head_low : r.head->get())
                              .Match(head_low ? lw : window, ms0 - w0, me0 - w0, RE2::ANCHOR_START, &hm, 1) ||
                         hm.empty())) {
            groups[1] = groups[0];
          } else if (r.ngroups > 0 &&
                     // (words_re exists only for patterns too large for the bit-state engine,
                     // judged at load by their size: asking RE2 for the program size here would
                     // compile the full pattern, the costliest of all, for nothing.)
                     !(r.words_re && words_captures(r, window, ms0 - w0, me0 - w0, groups, lw.data() ? &lw : nullptr))) {
            const RE2* low = lw.data() ? r.re->lowered() : nullptr;
            const re2::StringPiece& read = low ? lw : window;
            if (!(low ? *low : r.re->get()).Match(read, ms0 - w0, me0 - w0, RE2::ANCHOR_BOTH, groups.data(), r.ngroups + 1)) {
              ++k;  // cannot happen: the span matched
              continue;
            }
            if (low) move_captures(groups, read, window);
          }
          judge(r, text, ms0, groups, caps, fresh);
          o = fresh.memo ? &memo.add(h, ri, span, std::move(fresh)) : &fresh;
        }
        if (!o->ok) {
          pos = skip_word(text, ms0, be);
          continue;
        }
        if (o->filled) {
          Candidate c;
          c.start = ms0 + o->s_off;
          c.end = ms0 + o->e_off;
          c.priority = r.priority;
          c.rule = ri;
          c.latent = r.latent;
          c.value = o->value;
          cands.push_back(std::move(c));
        }
        pos = me0;
      }
    }
  }
  return cands;
}

std::vector<Candidate> TimexTagger::Impl::extract_blocks(std::string_view text, const RE2::Set& block_set) const {
  std::vector<Candidate> cands;
  std::vector<int> which;
  std::vector<re2::StringPiece> groups;
  std::vector<std::string> caps;
  // Per block, the RE2::Set says which rules can match there; only those scan the block. Most
  // paragraphs wake a handful of the ~100 rules, so this beats one scan of the document per rule.
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  blocks_of(text, blocks);
  for (const auto& [bs, be] : blocks) {
    which.clear();
    RE2::Set::ErrorInfo info;
    if (!block_set.Match(text.substr(bs, be - bs), &which, &info) && info.kind != RE2::Set::kNoError) {
      which.clear();  // DFA budget exhausted: fall back to running every rule.
      for (std::size_t i = 0; i < rules.size(); ++i) which.push_back(static_cast<int>(i));
    }
    std::sort(which.begin(), which.end());
    for (int ri : which) scan_rule(ri, text, bs, be, groups, caps, cands);
  }
  return cands;
}

// Every match of rule `ri` that starts in [from, to) and ends by `to`; text outside is context for
// the boundary checks.
void TimexTagger::Impl::scan_rule(int ri, std::string_view text, std::size_t from, std::size_t to,
                                  std::vector<re2::StringPiece>& groups, std::vector<std::string>& caps,
                                  std::vector<Candidate>& cands) const {
  const CompiledRule& r = rules[ri];
  groups.assign(r.ngroups + 1, re2::StringPiece());
  std::size_t pos = from;
  while (pos < to) {
    if (!r.re->get().Match(text, pos, to, RE2::UNANCHORED, groups.data(), r.ngroups + 1)) break;
    pos = take_match(r, ri, text, to, groups, caps, cands);
  }
}

// Checks the match in `groups` (boundaries, calendar, capitals), adds its candidate, and returns
// where the scan goes on: after the match, or after the word it starts in when it was refused.
std::size_t TimexTagger::Impl::take_match(const CompiledRule& r, int ri, std::string_view text, std::size_t to,
                                          const std::vector<re2::StringPiece>& groups,
                                          std::vector<std::string>& caps, std::vector<Candidate>& cands) const {
  const std::size_t ms = groups[0].data() - text.data();
  const std::size_t me = ms + groups[0].size();
  if (me == ms || !boundaries_ok(text, ms, me)) return skip_word(text, ms, to);
  MatchOutcome o;
  judge(r, text, ms, groups, caps, o);
  if (!o.ok) return skip_word(text, ms, to);
  if (o.filled) {
    Candidate c;
    c.start = ms + o.s_off;
    c.end = ms + o.e_off;
    c.priority = r.priority;
    c.rule = ri;
    c.latent = r.latent;
    c.value = std::move(o.value);
    cands.push_back(std::move(c));
  }
  return me;
}

// The checks of a match starting at `ms` past its boundaries (calendar, capitals) and its value;
// reads only the text inside the match.
void TimexTagger::Impl::judge(const CompiledRule& r, std::string_view text, std::size_t ms,
                              const std::vector<re2::StringPiece>& groups, std::vector<std::string>& caps,
                              MatchOutcome& out) const {
  std::size_t s = ms, e = ms + groups[0].size();
  if (r.span_group && groups[r.span_group].data() != nullptr) {
    s = groups[r.span_group].data() - text.data();
    e = s + groups[r.span_group].size();
  }
  caps.resize(r.ngroups + 1);
  for (int g = 1; g <= r.ngroups; ++g) {
    if (groups[g].data()) caps[g].assign(groups[g].data(), groups[g].size());
    else caps[g].clear();
  }
  // validate() reads only the checked groups: only those are normalised.
  thread_local std::vector<std::string> normed;
  normed.resize(caps.size());
  for (int g = 1; g <= r.ngroups; ++g)
    if (r.group_check[g] != kNone) normed[g] = normalise(r, g, caps[g], 0);
  bool ok = e > s && validate(r, normed);
  if (ok && !r.require_capital.empty()) {
    std::size_t at = s;
    if (r.require_capital != "*") {
      for (int g = 1; g <= r.ngroups; ++g)
        if (r.group_name[g] == r.require_capital && groups[g].data()) at = groups[g].data() - text.data();
    }
    if (at >= ms + groups[0].size()) out.memo = false;
    if (!std::isupper(static_cast<unsigned char>(text[at]))) ok = false;
  }
  out.ok = ok;
  if (!ok) return;
  out.value = fill(r, caps, out.filled);
  out.s_off = static_cast<std::uint32_t>(s - ms);
  out.e_off = static_cast<std::uint32_t>(e - ms);
}

Result<TimexTagger> TimexTagger::load(const RuleDirs& dirs) {
  auto impl = std::make_shared<Impl>();
  impl->serial = ++g_tagger_serial;
  const std::string base = "en/timex";

  if (auto macros = dirs.read(base + "/macros.tsv"); macros.ok()) {
    for (const auto& row : parse_tsv(*macros))
      if (row.size() >= 2) impl->macros[row[0]] = row[1];
  } else {
    return Error{"rules.missing", base + "/macros.tsv: " + macros.error().message};
  }

  if (auto tense = dirs.read(base + "/tense.tsv"); tense.ok()) {
    auto cues = timex_internal::TenseCues::parse(parse_tsv(*tense), base + "/tense.tsv");
    if (!cues.ok()) return cues.error();
    impl->tense = std::move(*cues);
  } else {
    return Error{"rules.missing", base + "/tense.tsv: " + tense.error().message};
  }

  for (const auto& p : dirs.list(base + "/lexicons", ".tsv")) {
    auto text = read_file(p);
    if (!text.ok()) return text.error();
    Lexicon lex;
    for (const auto& row : parse_tsv(*text)) {
      if (row.empty() || row[0].empty()) continue;
      const std::string key = ascii_lower(row[0]);
      if (!lex.values.count(key)) lex.surfaces.push_back(key);
      lex.values[key] = std::vector<std::string>(row.begin() + 1, row.end());
    }
    // Longest surface first, so leftmost-first alternation prefers "September" over "Sept".
    std::stable_sort(lex.surfaces.begin(), lex.surfaces.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    lex.word_form = word_form_of(lex.surfaces);
    if (!lex.surfaces.empty()) lex.factored = factored_alternation(lex.surfaces);
    Lexicon& kept = impl->lexicons[p.stem().string()] = std::move(lex);
    kept.index();  // pointers into kept.values
  }

  Expander ex{impl->macros, impl->lexicons, {}};
  Expander fx{impl->macros, impl->lexicons, {}};
  fx.factored = true;
  std::map<std::string, std::shared_ptr<const LazyRe>> heads;
  RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_longest_match(true);
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  impl->set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
  impl->set_options = opts;
  impl->use_starts = true;
  // Every pattern is parsed now, to refuse what RE2 refuses (the start set is made of them only
  // when first needed). A pattern with a lowered_pattern is parsed as that, case-sensitively (the
  // same syntax: lower-casing letters outside escapes, classes and names changes no error), which
  // costs RE2's parser less than its case folding; the pattern itself when that fails (for RE2's
  // message) or when it has none. Sets that are never compiled: only their parse is paid.
  RE2::Options parse_lowered_opts = opts;
  parse_lowered_opts.set_case_sensitive(true);
  RE2::Set parse_lowered(parse_lowered_opts, RE2::ANCHOR_START), parse_folded(opts, RE2::ANCHOR_START);
  const auto parses = [&](const std::string& p, std::string& err) {
    if (const std::string low = lowered_pattern(p, opts); !low.empty() && parse_lowered.Add(low, nullptr) >= 0)
      return true;
    return parse_folded.Add(p, &err) >= 0;
  };
  std::set<std::string> ids;

  for (const auto& p : dirs.list(base, ".json")) {
    auto text = read_file(p);
    if (!text.ok()) return text.error();
    const std::string fname = p.filename().string();
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("rules") || !j["rules"].is_array())
      return Error{"rules.parse", fname + ": not a JSON object with a \"rules\" array"};
    for (const auto& jr : j["rules"]) {
      CompiledRule r;
      r.file = fname;
      r.id = jr.value("id", "");
      auto fail = [&](const std::string& code, const std::string& msg) {
        return Error{code, fname + ": rule '" + r.id + "': " + msg};
      };
      if (r.id.empty()) return fail("rules.schema", "missing id");
      if (!ids.insert(r.id).second) return fail("rules.duplicate", "duplicate id");
      if (!jr.contains("priority") || !jr["priority"].is_number_integer())
        return fail("rules.schema", "missing integer priority");
      r.priority = jr["priority"].get<int>();
      r.type = jr.value("type", "");
      r.dated = r.type == "DATE" || r.type == "TIME";
      if (r.type != "DATE" && r.type != "TIME" && r.type != "DURATION" && r.type != "SET")
        return fail("rules.schema", "type must be DATE|TIME|DURATION|SET");
      r.value = jr.value("value", "");
      if (r.value.empty()) return fail("rules.schema", "missing value");
      r.latent = jr.value("latent", false);
      if (jr.contains("require_capital")) {
        const auto& rc = jr["require_capital"];
        if (rc.is_boolean()) r.require_capital = rc.get<bool>() ? "*" : "";
        else if (rc.is_string()) r.require_capital = rc.get<std::string>();
        else return fail("rules.schema", "require_capital must be a boolean or a capture name");
      }
      const std::string pattern = jr.value("pattern", "");
      if (pattern.empty()) return fail("rules.schema", "missing pattern");
      r.expanded = ex.expand(pattern);
      if (!ex.error.empty()) return fail("rules.lexicon", ex.error);
      // RE2 parses every pattern now (`parses`: and refuses what RE2 refuses); the rule's own RE2
      // is compiled on first use, its groups read here as RE2 numbers them.
      // (The parse and the start set take the pattern with each lexicon factored: the same
      // language, parsed faster.)
      const std::string factored = fx.expand(pattern);
      if (std::string err; !parses(factored, err)) return fail("rules.pattern", err);
      impl->start_patterns.push_back(factored);
      r.span = SpanNfa::parse(factored);  // (the language is all it reads)
      std::vector<std::pair<int, std::string>> named;
      r.ngroups = capture_groups(r.expanded, named);
      if (r.ngroups < 0) return fail("rules.pattern", "missing closing > in a group name");
      r.group_name.assign(r.ngroups + 1, "");
      r.group_lex.assign(r.ngroups + 1, {});
      r.group_check.assign(r.ngroups + 1, kNone);
      const auto bodies = named_group_bodies(pattern);
      for (const auto& [idx, name] : named) {
        r.group_name[idx] = name;
        r.group_index[name] = idx;
        r.group_check[idx] = group_check_of(name);
        if (auto b = bodies.find(name); b != bodies.end()) ex.lexicons_in(b->second, r.group_lex[idx]);
        if (name == "t") r.span_group = idx;
        if (name == "ampm") r.ampm_group = idx;
      }
      r.value_segs = parse_value(r.value, r.group_index);
      // Every "{name}" in the value must be a capture.
      for (std::size_t i = r.value.find('{'); i != std::string::npos; i = r.value.find('{', i + 1)) {
        const std::size_t close = r.value.find('}', i);
        std::string name = r.value.substr(i + 1, close - i - 1);
        name = name.substr(0, name.find_first_of(":="));
        if (!r.group_index.count(name))
          return fail("rules.value", "value uses '{" + name + "}' which is not a named capture");
      }
      r.re = std::make_shared<const LazyRe>(r.expanded, opts);
      add_words_re(r, pattern, named, impl->macros, impl->lexicons, opts);
      if (r.ngroups == 1) {
        if (std::string h = optional_head(r.expanded); !h.empty()) {
          auto& shared = heads[h];  // rules sharing a head share its RE2
          if (!shared) shared = std::make_shared<const LazyRe>(h, opts);
          r.head = shared;
          r.head_first = FirstByteAnalyzer(h).run().set;
        }
      }
      // Entries of 8 symbols, or of kLongSymbols for a rule with few (see kFewEntries).
      if (PrefixSet f8 = PrefixAnalyzer(r.expanded).run(); f8.size() <= kFewEntries) {
        PrefixAnalyzerT<Sym16, kLongSymbols> a16(r.expanded, kLongBudget);
        std::vector<PrefixEntryT<Sym16>> f16 = a16.run();
        if (!a16.too_big() && f16.size() <= kLongBudget) impl->prefixes.add(f16, static_cast<int>(impl->rules.size()));
        else impl->prefixes.add(f8, static_cast<int>(impl->rules.size()));
      } else {
        impl->prefixes.add(f8, static_cast<int>(impl->rules.size()));
      }
      FirstByteAnalyzer fa(factored);   // (the same bytes as of r.expanded, read faster)
      const FirstBytes fb = fa.run();
      if (fa.context) impl->use_starts = false;
      impl->first |= fb.set;
      if (fb.nullable) {
        impl->first.set();
        impl->nullable_rule = true;
      }
      impl->ids.push_back(r.id);
      impl->rules.push_back(std::move(r));
    }
  }
  if (impl->rules.empty()) return Error{"rules.missing", base + ": no rule files found"};
  // Only the set the engine uses is compiled (compiling is most of the loading time).
  if (impl->use_starts) {
    impl->prefixes.build();
    impl->no_span.assign(std::max(impl->prefixes.words(), impl->rules.size() / 64 + 1), 0);
    std::vector<const SpanNfa*> spans;
    for (std::size_t i = 0; i < impl->rules.size(); ++i) {
      spans.push_back(impl->rules[i].span.get());
      if (!impl->rules[i].span) impl->no_span[i / 64] |= std::uint64_t{1} << (i % 64);
    }
    impl->all_spans = SpanNfa::combine(spans);
    impl->union_alone = !impl->nullable_rule && impl->no_span.size() <= 4 &&
                        std::all_of(impl->no_span.begin(), impl->no_span.end(), [](std::uint64_t w) { return w == 0; });
    for (int b = 0; b < 256; ++b)
      impl->scan_class[b] = static_cast<unsigned char>(kByte[b] | (impl->first.test(b) ? kFirst : 0));
    auto& of = impl->other_first;
    of.all = false;
    for (int b = 0; b < 0x80; ++b) {
      if (!(kByte[b] & kWordByte) && impl->first.test(b)) {
        if (of.n == static_cast<int>(of.bytes.size())) {
          of.all = true;
          break;
        }
        of.bytes[static_cast<std::size_t>(of.n++)] = static_cast<unsigned char>(b);
      }
    }
    impl->set.reset();  // (starts_set is compiled when first needed: Impl::start_set)
  } else {
    impl->start_patterns.clear();
    for (const auto& r : impl->rules)
      if (impl->set->Add(r.expanded, nullptr) < 0) return Error{"rules.pattern", r.file + ": rule '" + r.id + "': RE2::Set rejected pattern"};
    if (!impl->set->Compile()) return Error{"rules.compile", base + ": RE2::Set compilation failed"};
  }
  TimexTagger t;
  t.impl_ = std::move(impl);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Overlap resolution: one total order — longer span, then priority, then earlier start, then id.
std::vector<Candidate> timex_internal::resolve_overlaps(std::vector<Candidate> cands,
                                                        const std::vector<std::string>& ids) {
  // Candidates are sorted and kept by index (a Candidate holds a string: moving them costs more).
  thread_local std::vector<std::uint32_t> order, kept;
  order.resize(cands.size());
  for (std::size_t i = 0; i < cands.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const Candidate& a = cands[x];
    const Candidate& b = cands[y];
    const std::size_t la = a.end - a.start, lb = b.end - b.start;
    if (la != lb) return la > lb;
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.start != b.start) return a.start < b.start;
    return ids[a.rule] < ids[b.rule];
  });
  // The kept spans never overlap: a candidate clashes with one of them exactly when one of its
  // bytes is taken (a byte map, not a scan of all kept spans: no quadratic step on a page full of
  // dates). Empty spans, which take_match never makes, get the plain scan.
  const bool any_empty =
      std::any_of(cands.begin(), cands.end(), [](const Candidate& c) { return c.start >= c.end; });
  kept.clear();
  if (!any_empty) {
    std::size_t limit = 0;
    for (const auto& c : cands) limit = std::max(limit, c.end);
    thread_local std::vector<unsigned char> taken;
    taken.assign(limit, 0);
    for (const std::uint32_t i : order) {
      const Candidate& c = cands[i];
      // Kept spans are no shorter (the order's first key): one that overlaps c holds its first or
      // its last byte (else it would lie strictly inside c).
      const bool clash = taken[c.start] != 0 || taken[c.end - 1] != 0;
      if (!clash) {
        std::fill(taken.begin() + static_cast<std::ptrdiff_t>(c.start), taken.begin() + static_cast<std::ptrdiff_t>(c.end), 1);
        kept.push_back(i);
      }
    }
  } else {
    for (const std::uint32_t i : order) {
      const Candidate& c = cands[i];
      bool clash = false;
      for (const std::uint32_t k : kept) clash = clash || (c.start < cands[k].end && cands[k].start < c.end);
      if (!clash) kept.push_back(i);
    }
  }
  kept.erase(std::remove_if(kept.begin(), kept.end(), [&](std::uint32_t i) { return cands[i].latent; }),
             kept.end());
  std::sort(kept.begin(), kept.end(),
            [&](std::uint32_t x, std::uint32_t y) { return cands[x].start < cands[y].start; });
  std::vector<Candidate> out;
  out.reserve(kept.size());
  for (const std::uint32_t i : kept) out.push_back(std::move(cands[i]));
  return out;
}

namespace {
// A DATE/TIME whose value names a calendar day: what a dateline gives.
std::optional<std::string> day_of(const Timex& t) {
  if (t.type != "DATE" && t.type != "TIME") return std::nullopt;
  if (t.value.size() >= 10 && t.value[0] != 'X') {
    auto d = parse_timex_value(t.value.substr(0, 10));
    if (d && d->granularity == Granularity::day) return d->iso();
  }
  return std::nullopt;
}
}  // namespace

std::vector<Timex> TimexTagger::tag(std::string_view text, const std::vector<Sentence>& sentences,
                                    const std::optional<std::string>& dct) const {
  return tag_until(text, sentences, dct, false);
}

// `first_day`: stop after the first DATE/TIME naming a day, and skip the others' anchoring (they
// change no anchor state: only DATE/TIME values update the reference date).
std::vector<Timex> TimexTagger::tag_until(std::string_view text, const std::vector<Sentence>& sentences,
                                          const std::optional<std::string>& dct, bool first_day) const {
  std::vector<Timex> out;
  if (!impl_) return out;
  auto kept = timex_internal::resolve_overlaps(impl_->extract(text), impl_->ids);

  timex_internal::Anchor anchor;
  std::optional<timex_internal::Ymd> doc;
  if (dct) doc = timex_internal::parse_ymd(*dct);
  anchor.dct = doc;
  anchor.ref = doc;
  // Earnings reports: a document that mentions fiscal quarters more than once reads "a year ago"
  // as the same quarter a year back, even far from the word "quarter". Counted when a value's
  // function first asks (Around::doc_about_quarters): most documents are not scanned.
  int doc_quarters = -1;  // unknown yet
  out.reserve(kept.size());
  std::size_t si = 0;
  for (auto& c : kept) {
    const CompiledRule& r = impl_->rules[c.rule];
    if (first_day && !r.dated) continue;
    while (si + 1 < sentences.size() && sentences[si].end <= c.start) ++si;
    const std::size_t sent_start = sentences.empty() ? 0 : std::min(sentences[si].start, c.start);
    // Tense and quarter talk only matter to some functions of a value ("[weekday:5]"); most
    // values are already complete ("2019-03"): resolve_value reads the text around only if needed.
    timex_internal::Anchor::Around around;
    const bool functions = c.value.find('[') != std::string::npos;
    if (functions) {
      around.cues = &impl_->tense;
      around.before = text.substr(sent_start, c.start - sent_start);
      around.after = text.substr(c.end, std::min<std::size_t>(120, text.size() - c.end));
      const std::size_t sent_end = sentences.empty() ? text.size() : std::max(sentences[si].end, c.end);
      const std::size_t ws = std::max(sent_start, c.start > 200 ? c.start - 200 : 0);
      const std::size_t we = std::min(sent_end, c.end + 200);
      around.window = text.substr(ws, we - ws);
      around.doc = text;
      around.doc_quarters = &doc_quarters;
    }
    anchor.around = &around;
    Timex& t = out.emplace_back();  // (built in place: no Timex moved or destroyed)
    t.start = c.start;
    t.end = c.end;
    t.text.assign(text.data() + c.start, c.end - c.start);
    t.type = r.type;
    // A value without functions is final (resolve_value would return a copy): moved instead.
    if (functions) t.value = timex_internal::resolve_value(c.value, anchor);
    else t.value = std::move(c.value);
    t.sentence = sentences.empty() ? 0 : si;
    t.rule = r.id;
    anchor.around = nullptr;
    if (r.dated) timex_internal::update_ref(t.value, anchor);
    if (first_day && day_of(t)) break;
  }
  return out;
}

bool timex_engine::uses_starts(const TimexTagger& t) { return t.impl_ && t.impl_->use_starts; }

void timex_engine::forget_outcomes() { t_outcomes.forget(); }

std::string timex_engine::group_mismatches(const TimexTagger& t) {
  std::string out;
  for (const auto& r : t.impl_->rules) {
    const RE2& re = r.re->get();
    std::map<std::string, int> ours;
    for (int g = 1; g <= r.ngroups; ++g)
      if (!r.group_name[g].empty()) ours[r.group_name[g]] = g;
    if (!re.ok() || re.NumberOfCapturingGroups() != r.ngroups || re.NamedCapturingGroups() != ours)
      out += r.id + "\n";
  }
  return out;
}

std::string timex_engine::word_form_mismatches(const TimexTagger& t, std::string_view text, std::size_t& taken,
                                               std::size_t& refused) {
  std::string out;
  for (const auto& r : t.impl_->rules) {
    if (!r.words_re) continue;
    std::vector<re2::StringPiece> full(static_cast<std::size_t>(r.ngroups) + 1), words(full.size());
    for (std::size_t p = 0; p < text.size(); ++p) {
      if (!r.re->get().Match(text, p, text.size(), RE2::ANCHOR_START, full.data(), 1) || full[0].empty()) continue;
      const std::size_t e = p + full[0].size();
      const re2::StringPiece window(text.data(), text.size());
      if (!r.re->get().Match(window, p, e, RE2::ANCHOR_BOTH, full.data(), r.ngroups + 1)) continue;
      if (!TimexTagger::Impl::words_captures(r, window, p, e, words)) {
        ++refused;
        continue;
      }
      ++taken;
      for (std::size_t g = 0; g < full.size(); ++g)
        if (full[g].data() != words[g].data() || full[g].size() != words[g].size()) {
          out += r.id + " at " + std::string(text.substr(p, e - p)) + "\n";
          break;
        }
    }
  }
  return out;
}

std::pair<std::vector<Candidate>, std::vector<Candidate>> timex_engine::both(const TimexTagger& t,
                                                                             std::string_view text) {
  const auto& im = *t.impl_;
  if (!im.use_starts) return {{}, im.extract_blocks(text, *im.set)};
  RE2::Options opts;   // as in load()
  opts.set_case_sensitive(false);
  opts.set_longest_match(true);
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  RE2::Set block_set(opts, RE2::UNANCHORED);
  for (const auto& r : im.rules) block_set.Add(r.expanded, nullptr);
  block_set.Compile();
  return {im.extract_starts(text), im.extract_blocks(text, block_set)};
}

std::optional<std::string> TimexTagger::dateline_date(std::string_view text) const {
  // Only the head of the document: the first few lines / 300 bytes.
  std::size_t limit = std::min<std::size_t>(text.size(), 300);
  const auto xs = tag_until(text.substr(0, limit), {}, std::nullopt, true);
  for (const auto& t : xs)
    if (auto day = day_of(t)) return day;
  return std::nullopt;
}

}  // namespace storyline::extractor
