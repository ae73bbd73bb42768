// Second pass of the timex tagger: anchoring underspecified values.
#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "storyline/extractor/ascii.hpp"
#include "storyline/extractor/timex_value.hpp"
#include "timex_internal.hpp"

namespace storyline::extractor::timex_internal {

namespace {

// snprintf(f, a, b, c) for the formats used here: literal bytes, "%d" and "%0Nd" (one digit N).
std::string fmt(const char* f, int a, int b = 0, int c = 0) {
  const int args[3] = {a, b, c};
  int next = 0;
  char out[96];  // built here, one std::string at the end (at most 31 bytes are kept)
  std::size_t n = 0;
  for (const char* p = f; *p && n < 64; ++p) {
    if (*p != '%') {
      out[n++] = *p;
      continue;
    }
    int width = 0;
    if (p[1] == '0' && p[2] >= '1' && p[2] <= '9' && p[3] == 'd') {
      width = p[2] - '0';
      p += 3;
    } else if (p[1] == 'd') {
      p += 1;
    } else {  // not one of ours: the C library
      char buf[32];
      std::snprintf(buf, sizeof buf, f, a, b, c);
      return buf;
    }
    const long v = next < 3 ? args[next++] : 0;
    if (v >= 0 && v < 10000) {  // years, months, days, weeks: up to 4 digits, no sign
      const unsigned u = static_cast<unsigned>(v);
      const int nd = u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 : 4;
      for (int k = nd; k < width; ++k) out[n++] = '0';
      switch (nd) {
        case 4: out[n++] = static_cast<char>('0' + u / 1000);
          [[fallthrough]];
        case 3: out[n++] = static_cast<char>('0' + u / 100 % 10);
          [[fallthrough]];
        case 2: out[n++] = static_cast<char>('0' + u / 10 % 10);
          [[fallthrough]];
        default: out[n++] = static_cast<char>('0' + u % 10);
      }
      continue;
    }
    const unsigned long mag = v < 0 ? static_cast<unsigned long>(-v) : static_cast<unsigned long>(v);
    char digits[24];
    int nd = 0;
    unsigned long m = mag;
    do {
      digits[nd++] = static_cast<char>('0' + m % 10);
      m /= 10;
    } while (m);
    if (v < 0) out[n++] = '-';
    for (int k = nd + (v < 0 ? 1 : 0); k < width; ++k) out[n++] = '0';  // the sign counts in the width
    while (nd) out[n++] = digits[--nd];
  }
  return std::string(out, std::min<std::size_t>(n, 31));  // as the 32-byte buffer of snprintf
}

// fmt("%04d-%02d-%02d", y, m, d) and its shorter forms "%04d-%02d" and "%04d" (`parts` numbers),
// which make most values: CalendarDate::iso's text, written without a format in the usual ranges.
std::string iso_date(int parts, int y, int m = 0, int d = 0) {
  const Granularity g = parts == 3 ? Granularity::day : parts == 2 ? Granularity::month : Granularity::year;
  return CalendarDate{y, m, d, g}.iso();
}

long weekday_of(long days) { return ((days % 7) + 7 + 3) % 7 + 1; }  // 1 = Monday

std::string iso_week(long days) {
  // ISO week: the week's Thursday decides the year.
  const long thursday = days - (weekday_of(days) - 1) + 3;
  int y, m, d;
  civil_from_days(thursday, y, m, d);
  const long jan1 = days_from_civil(y, 1, 1);
  const int week = static_cast<int>((thursday - jan1) / 7 + 1);
  return fmt("%04d-W%02d", y, week);
}

std::string unresolved(std::string_view unit) {
  if (unit == "year") return "XXXX";
  if (unit == "month") return "XXXX-XX";
  if (unit == "day" || unit == "weekday" || unit == "nthweekday") return "XXXX-XX-XX";
  if (unit == "pastmonth" || unit == "nextmonth" || unit == "near" || unit == "monthago") return "XXXX-XX";
  if (unit == "yearago" || unit == "nearyear") return "XXXX";
  if (unit == "dayago") return "XXXX-XX-XX";
  if (unit == "weekago") return "XXXX-WXX";
  if (unit == "pastquarter") return "XXXX-QX";
  if (unit == "week") return "XXXX-WXX";
  if (unit == "weekend") return "XXXX-WXX-WE";
  if (unit == "lastq") return "X";
  if (unit == "quarter") return "XXXX-QX";
  if (unit == "half") return "XXXX-HX";
  if (unit == "decade") return "XXX";
  if (unit == "century") return "XX";
  return "XXXX";
}

// The ':'-separated arguments of a function, as views into the value (the first 8; apply reads 4).
struct Args {
  std::string_view v[8];
  std::size_t n = 0;
  std::size_t size() const { return n; }
  bool empty() const { return n == 0; }
  std::string_view operator[](std::size_t i) const { return v[i]; }
};

// std::atoi of a view (leading C-locale space, a sign, digits).
int atoi_sv(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  long v = 0;
  for (int nd = 0; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++nd) {
    if (nd == 18) return std::atoi(std::string(s).c_str());  // long enough to overflow: the C library
    v = v * 10 + (s[i] - '0');
  }
  return static_cast<int>(neg ? -v : v);
}

int season_month(std::string_view s) {
  return s == "SP" ? 3 : s == "SU" ? 6 : s == "FA" ? 9 : s == "WI" ? 12 : 0;
}

// `args`: the ':'-separated arguments after the unit ("5", "5:p", "11:4:4", "SU").
// The year that puts month `m` nearest to the anchor (news convention: "Nov. 25" in a January
// article is last November); ties go to the past.
// With a future cue ("will", "scheduled", "by") the next occurrence of the month, the current one
// included.
// With a past-tense verb right before ("the year ended March 31") the latest occurrence that has
// begun, the current month included.
int near_year(const Ymd& a, int m, int tense) {
  if (tense > 0) return m >= a.m ? a.y : a.y + 1;
  if (tense < 0) return m <= a.m ? a.y : a.y - 1;
  const int ahead = 4;  // months ahead still read as "upcoming" (tuned on news: past bias)
  const int diff = m - a.m;
  if (diff > ahead) return a.y - 1;
  if (diff + 12 <= ahead) return a.y + 1;
  return a.y;
}

// The tense (1 future, -1 past, 0 neither) and quarter talk of an expression, read from the text
// around it (Anchor::around) on first use.
class Context;
int near_year(const Ymd& a, int m, Context& ctx);

class Context {
 public:
  explicit Context(const Anchor& a) : a_(a) {}
  // A past-tense verb right before the expression ("said Friday", "met on Monday") wins over cues
  // further back (quotes: "... will concentrate on ...," he said Friday).
  int tense() {
    if (tense_ == kUnknown) {
      const bool future = !past() && a_.around && a_.around->cues &&
                          a_.around->cues->future_cues(a_.around->before, a_.around->after);
      tense_ = future ? 1 : past() ? -1 : 0;
    }
    return tense_;
  }
  // Whether tense() is -1, without reading the future cues.
  bool past() {
    if (past_ == kUnknown)
      past_ = a_.around && a_.around->cues && a_.around->cues->past_verb_before(a_.around->before);
    return past_ != 0;
  }
  bool quarter() {
    if (quarter_ == kUnknown)
      quarter_ = a_.around && (a_.around->doc_about_quarters() || quarter_context(a_.around->window));
    return quarter_ != 0;
  }

 private:
  static constexpr int kUnknown = 2;
  const Anchor& a_;
  int tense_ = kUnknown, past_ = kUnknown, quarter_ = kUnknown;
};

// The tense is read only when it can change the year: the anchor's own month is a.y whatever it is;
// and where a future cue gives the same year as no cue, only a past-tense verb can change it (the
// future cues, the dearer half, are not read then).
int near_year(const Ymd& a, int m, Context& ctx) {
  if (m == a.m) return a.y;
  if (near_year(a, m, 1) == near_year(a, m, 0)) return near_year(a, m, ctx.past() ? -1 : 0);
  return near_year(a, m, ctx.tense());
}

// `quarters`: whether the quarter talk may change the value (only at the top: "a year ago").
std::string apply(std::string_view unit, long n, const Args& args, const Ymd& a,
                  Context& ctx, bool quarters);

std::string apply(std::string_view unit, long n, const Args& args, const Ymd& a,
                  Context& ctx, bool quarters) {
  auto arg = [&](std::size_t i) { return i < args.size() ? atoi_sv(args[i]) : 0; };
  if (unit.size() > 3 && unit.compare(unit.size() - 3, 3, "ago") == 0) {
    // "a year ago": in quarterly-results prose TimeBank anchors it to the same quarter a year back.
    const std::string_view base = unit.substr(0, unit.size() - 3);
    const long k = args.empty() ? 1 : arg(0);
    if (base == "year" && quarters && ctx.quarter()) return apply("quarter", -4 * k - 1, Args{}, a, ctx, false);
    return apply(base, -k, Args{}, a, ctx, false);
  }
  if (unit == "near") {
    const int m = arg(0);
    if (m < 1 || m > 12) return "XXXX-XX";
    return iso_date(2, near_year(a, m, ctx), m);
  }
  if (unit == "nearyear") {
    const int m = arg(0);
    if (m < 1 || m > 12) return "XXXX";
    return iso_date(1, near_year(a, m, ctx));
  }
  if (unit == "nearmd") {  // args "MM-DD"
    const std::string_view md = args.empty() ? std::string_view() : args[0];
    const int m = atoi_sv(md);
    if (m < 1 || m > 12 || md.size() != 5) return std::string("XXXX-").append(md);
    return fmt("%04d-", near_year(a, m, ctx)).append(md);
  }
  if (unit == "weekend") {
    // The weekend (ISO week "YYYY-Www-WE") nearest the anchor: on a Saturday or Sunday the current
    // one; otherwise the one just past, or the coming one with a future cue (or ':f').
    const std::string_view dir = args.empty() ? std::string_view() : args[0];
    const long base = days_from_civil(a.y, a.m, a.d);
    const long wd = weekday_of(base);
    long day = base;
    if (dir == "p") day = base - 7;
    else if (dir == "f") day = wd >= 6 ? base + 7 : base;
    else if (wd < 6 && !(dir.empty() && ctx.tense() > 0)) day = base - 7;  // the tense only on a weekday
    return iso_week(day) + "-WE";
  }
  if (unit == "pastquarter") {
    const int q = arg(0);
    if (q < 1 || q > 4) return "XXXX-QX";
    const int start = (q - 1) * 3 + 1;
    return fmt("%04d-Q%d", start <= a.m ? a.y : a.y - 1, q);
  }
  if (unit == "lastq") return fmt("%d", ((a.m - 1) / 3 + 3) % 4 + 1);  // latest completed quarter
  if (unit == "year") return iso_date(1, a.y + static_cast<int>(n));
  if (unit == "decade") return fmt("%03d", a.y / 10 + static_cast<int>(n));
  if (unit == "century") return fmt("%02d", a.y / 100 + static_cast<int>(n));
  if (unit == "month") {
    long idx = a.y * 12L + (a.m - 1) + n;
    return iso_date(2, static_cast<int>(idx / 12), static_cast<int>(idx % 12 + 1));
  }
  if (unit == "pastmonth" || unit == "nextmonth") {
    const int m = arg(0);
    if (m < 1 || m > 12) return "XXXX-XX";
    int y = a.y;
    if (unit == "pastmonth" && m >= a.m) --y;
    if (unit == "nextmonth" && m <= a.m) ++y;
    return iso_date(2, y, m);
  }
  if (unit == "pastseason" || unit == "nextseason") {
    const std::string_view code = args.empty() ? std::string_view() : args[0];
    const int s = season_month(code);
    if (!s) return std::string("XXXX-").append(code);
    // The season's year is the year it starts in; winter starts in December.
    int cur_y = a.y;
    if (a.m <= 2) --cur_y;  // Jan/Feb belong to the previous year's winter
    int y;
    if (unit == "pastseason") {
      const long start = cur_y * 12L + s;  // month index of the season's start this season-year
      const long now = a.y * 12L + a.m;
      y = (now >= start + 3) ? cur_y : cur_y - 1;
    } else {
      const long start = cur_y * 12L + s;
      const long now = a.y * 12L + a.m;
      y = (now < start) ? cur_y : cur_y + 1;
    }
    return fmt("%04d-", y).append(code);
  }
  if (unit == "quarter" || unit == "half") {
    const int per = unit == "quarter" ? 4 : 2;
    const int len = 12 / per;
    long idx = a.y * static_cast<long>(per) + (a.m - 1) / len + n;
    return fmt(unit == "quarter" ? "%04d-Q%d" : "%04d-H%d", static_cast<int>(idx / per),
               static_cast<int>(idx % per + 1));
  }
  if (unit == "nthweekday") {
    // args: month, ISO weekday, n-th occurrence in that month of the anchor's year, and an optional
    // day offset (US Election Day: the day after the first Monday of November, "11:1:1:1").
    const int m = arg(0), wd = arg(1), nth = arg(2), offset = arg(3);
    if (m < 1 || m > 12 || wd < 1 || wd > 7 || nth < 1 || nth > 5) return "XXXX-XX-XX";
    const long first = days_from_civil(near_year(a, m, ctx), m, 1);
    const long delta = (wd - weekday_of(first) + 7) % 7;
    int y, mm, d;
    if (offset < -7 || offset > 7) return "XXXX-XX-XX";
    civil_from_days(first + delta + 7L * (nth - 1) + offset, y, mm, d);
    return iso_date(3, y, mm, d);
  }
  const long base = days_from_civil(a.y, a.m, a.d);
  if (unit == "day") {
    int y, m, d;
    civil_from_days(base + n, y, m, d);
    return iso_date(3, y, m, d);
  }
  if (unit == "week") return iso_week(base + 7 * n);
  if (unit == "weekday") {
    const int weekday = arg(0);
    if (weekday < 1 || weekday > 7) return "XXXX-XX-XX";
    const std::string_view dir = args.size() > 1 ? args[1] : std::string_view();
    const long wd = weekday_of(base);
    long delta = weekday - wd;  // in -6..6
    if (dir == "p" && delta >= 0) delta -= 7;            // "last Friday" is never today
    else if (dir == "f" && delta <= 0) delta += 7;       // "next Friday" is never today
    else if (dir.empty() && delta != 0) {  // (today is today whatever the tense: not read then)
      const bool fut = ctx.tense() > 0;
      if (fut && delta < 0) delta += 7;
      if (!fut && delta > 0) delta -= 7;
    }
    int y, m, d;
    civil_from_days(base + delta, y, m, d);
    return iso_date(3, y, m, d);
  }
  return "XXXX";
}

}  // namespace

std::optional<Ymd> parse_ymd(std::string_view s) {
  auto c = parse_timex_value(s.substr(0, std::min<std::size_t>(s.size(), 10)));
  if (!c || c->granularity != Granularity::day) return std::nullopt;
  return Ymd{c->year, c->month, c->day};
}

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::uint32_t head4(const char* p) {  // the first 4 bytes, to compare cues cheaply
  std::uint32_t h;
  std::memcpy(&h, p, 4);
  return h;
}

bool among(const std::vector<std::string>& words, std::string_view w) {
  // (Length and first byte before memcmp: the lists are short and their words rarely match.)
  if (w.empty()) return std::find(words.begin(), words.end(), w) != words.end();
  for (const std::string& x : words)
    if (x.size() == w.size() && x[0] == w[0] && std::memcmp(x.data(), w.data(), w.size()) == 0) return true;
  return false;
}

// Whether the cue found at `i` of `b` counts: the exceptions of the future cues, for the cue words
// that need them (the words come from tense.tsv; without them these never apply).
bool cue_counts(std::string_view b, std::size_t i, std::string_view cue) {
  if (cue == " next " && b.compare(i, 8, " next to") == 0) return false;  // "next to the embassy" is a place
  // A clause-initial "Until Thursday, they had not ..." looks back, not ahead.
  if (i == 0 && cue == " until ") return false;
  // "ahead of" points to what follows it directly ("ahead of the weekend"), not to a later
  // clause ("Ahead of the trip, officials on Sunday issued ...").
  if (cue == " ahead of ") {
    std::string_view rest = b.substr(i + 10);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    if (!rest.empty() && rest != "the") return false;
  }
  // A plan already overtaken: "had been scheduled to expire Friday", "had been due to".
  const std::size_t from = i > 12 ? i - 12 : 0;
  if (b.find(" had ", from) < i || b.find(" had been", from) < i) return false;
  return true;
}

bool any_cue(std::string_view, std::size_t, std::string_view) { return true; }

}  // namespace

bool TenseCues::CueIndex::add(std::string_view word) {
  // " will " (a word on its own) or "'ll " (a clitic that follows a word directly).
  const bool clitic = word.front() == '\'';
  std::string cue(clitic ? "" : " ");
  cue.append(word);
  cue.push_back(' ');
  if (cue.size() < 4) return false;   // (compared by their first 4 bytes: "'s " is too short)
  auto& list = clitic ? clitics : by_second[static_cast<unsigned char>(cue[1])];
  for (const auto& x : list)
    if (x.s == cue) return true;
  list.push_back({cue, head4(cue.data())});
  return true;
}

template <class Counts>
bool TenseCues::CueIndex::any_in(std::string_view b, Counts counts) const {
  // A cue starts at a ' ' (a word) or a '\'' (a clitic); each start is checked on its own, so the
  // spaces and the apostrophes are found in two passes (memchr) rather than one byte at a time.
  const char* d = b.data();
  const std::size_t size = b.size();
  auto starting_at = [&](std::size_t i, const std::vector<Cue>& cues) {
    if (cues.empty() || i + 4 > size) return false;
    const std::uint32_t h = head4(d + i);
    for (const auto& cue : cues)
      if (cue.head == h && size - i >= cue.s.size() && std::memcmp(d + i, cue.s.data(), cue.s.size()) == 0 &&
          counts(b, i, cue.s))
        return true;
    return false;
  };
  if (size < 2) return false;
  static_assert(std::endian::native == std::endian::little, "the byte order of the space masks");
  const std::size_t lim = size - 1;  // a start needs the byte after it
  std::size_t j = 0;
  for (; j + 8 <= lim; j += 8) {  // the spaces of 8 bytes at once (exact zero-byte test of x ^ "        ")
    std::uint64_t x;
    std::memcpy(&x, d + j, 8);
    x ^= 0x2020202020202020ULL;
    std::uint64_t zero = ~(((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x | 0x7f7f7f7f7f7f7f7fULL);
    while (zero) {
      const std::size_t i = j + static_cast<std::size_t>(__builtin_ctzll(zero) >> 3);  // little-endian
      zero &= zero - 1;
      if (starting_at(i, by_second[static_cast<unsigned char>(d[i + 1])])) return true;
    }
  }
  for (; j < lim; ++j)
    if (d[j] == ' ' && starting_at(j, by_second[static_cast<unsigned char>(d[j + 1])])) return true;
  if (clitics.empty()) return false;
  for (std::size_t i = 0; i + 1 < size;) {
    const void* hit = std::memchr(d + i, '\'', size - 1 - i);
    if (!hit) break;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - d);
    if (starting_at(i, clitics)) return true;
    ++i;
  }
  return false;
}

Result<TenseCues> TenseCues::parse(const std::vector<std::vector<std::string>>& rows, const std::string& file) {
  TenseCues t;
  for (const auto& row : rows) {
    if (row.empty() || row[0].empty()) continue;
    if (row.size() != 2 || row[1].empty())
      return Error{"rules.schema", file + ": a row is kind<TAB>words, got '" + row[0] + "'"};
    std::string w;
    for (char c : row[1]) w += ascii_lower(c);
    const std::string& kind = row[0];
    if (kind == "skip_before") t.skip_before_.push_back(w);
    else if (kind == "past_verb") t.past_verbs_.push_back(w);
    else if (kind == "past_suffix") t.past_suffixes_.push_back(w);
    else if (kind == "planning_verb") t.planning_verbs_.push_back(w);
    else if (kind == "not_past_after") t.not_past_after_.push_back(w);
    else if (kind == "initial_word") t.initial_words_.push_back(w);
    else if (kind != "future_before" && kind != "future_after")
      return Error{"rules.schema", file + ": unknown kind '" + kind + "'"};
    else if (!(kind == "future_before" ? t.before_ : t.after_).add(w))
      return Error{"rules.schema", file + ": cue '" + w + "' is too short (a word of 2 letters or more, or a clitic such as 'll)"};
  }
  return t;
}

// The last word of `before` once a skip_before word is skipped, if it is a past-tense verb ("said
// Friday", "met on Monday", "the year ended March 31") - but not a verb of planning
// ("scheduled", "postponed"), which points ahead.
bool TenseCues::past_verb_before(std::string_view before) const {
  if (before.size() > 80) before = before.substr(before.size() - 80);
  // The last few words, read backwards (this runs once per timex; keep it cheap); each word read is
  // lower-cased into `buf` at its place (ascii_alpha does not care about case).
  char buf[80];
  const char* src = before.data();
  std::string_view words[2];
  int n = 0;
  std::size_t k = before.size();
  while (n < 2) {
    while (k > 0 && !ascii_alpha(src[k - 1])) --k;
    if (k == 0) break;
    std::size_t start = k;
    while (start > 0 && ascii_alpha(src[start - 1])) --start;
    for (std::size_t x = start; x < k; ++x) buf[x] = ascii_lower(src[x]);  // (a short word: no call)
    const std::string_view w(buf + start, k - start);
    k = start;
    if (n == 0 && among(skip_before_, w)) continue;
    words[n++] = w;
  }
  if (n == 0) return false;
  const std::string_view v = words[0];
  if (among(planning_verbs_, v)) return false;
  // A participle after "be" / "will" is no past tense: "will be reported Jan. 31", "to be held Friday".
  if (n >= 2 && among(not_past_after_, words[1])) return false;
  if (among(past_verbs_, v)) return true;
  for (const auto& sfx : past_suffixes_)
    if (v.size() > 3 && v.size() > sfx.size() && v.compare(v.size() - sfx.size(), sfx.size(), sfx) == 0) return true;
  return false;
}

bool TenseCues::future_cues(std::string_view before, std::string_view after) const {
  // Only the clause right before the expression matters.
  if (before.size() > 80) before = before.substr(before.size() - 80);
  // " " + lower-cased `before` + " ", on the stack.
  char buf[84];
  buf[0] = ' ';
  ascii_lower_copy(buf + 1, before.data(), before.size());  // std::tolower in the "C" locale
  buf[before.size() + 1] = ' ';
  const std::string_view b(buf, before.size() + 2);
  // Any occurrence of a cue that is not one of the exceptions (cue_counts).
  if (before_.any_in(b, cue_counts)) return true;
  // A clause-initial expression ("On Tuesday, the league plans to ...") takes its tense from the
  // verb that follows it in the same sentence.
  if (b.size() <= 24) {  // only a clause-initial expression has so short a prefix
    bool initial = true;
    for (std::size_t k = 0; k < b.size() && initial;) {
      if (!ascii_alpha(b[k])) { ++k; continue; }
      std::size_t e = k;
      while (e < b.size() && ascii_alpha(b[e])) ++e;
      initial = among(initial_words_, b.substr(k, e - k));
      k = e;
    }
    if (initial) {
      // " " + lower-cased `after` up to the clause's end + " ", in a buffer kept per thread.
      // after.find_first_of(".;:?!"), without a memchr of the set per byte: the five are below 64.
      constexpr std::uint64_t kEnds = 1ULL << '.' | 1ULL << ';' | 1ULL << ':' | 1ULL << '?' | 1ULL << '!';
      std::size_t end = 0;
      while (end < after.size()) {
        const auto c = static_cast<unsigned char>(after[end]);
        if (c < 64 && (kEnds >> c & 1)) break;
        ++end;
      }
      after = after.substr(0, end);
      thread_local std::string abuf;
      abuf.assign(after.size() + 2, ' ');
      ascii_lower_copy(abuf.data() + 1, after.data(), after.size());
      if (after_.any_in(std::string_view(abuf), any_cue)) return true;
    }
  }
  return false;
}

int quarter_mentions(std::string_view text) {
  // Every "uarter" after a 'q' or 'Q' (the occurrences cannot overlap): memchr for the rare
  // letter rather than find("uarter"), which stops at every 'u'.
  int n = 0;
  const char* d = text.data();
  const std::size_t size = text.size();
  for (const char q : {'q', 'Q'}) {
    for (std::size_t i = 0; i < size;) {
      const void* hit = std::memchr(d + i, q, size - i);
      if (!hit) break;
      i = static_cast<std::size_t>(static_cast<const char*>(hit) - d) + 1;
      if (size - i >= 6 && std::memcmp(d + i, "uarter", 6) == 0) ++n;
    }
  }
  return n;
}

bool quarter_context(std::string_view window) { return quarter_mentions(window) > 0; }

std::string resolve_value(const std::string& value, const Anchor& a) {
  if (value.find('[') == std::string::npos) return value;  // nothing to resolve
  Context ctx(a);
  std::string out;
  const std::string_view v(value);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '[') {
      const std::size_t open = std::min(v.find('[', i), v.size());  // the text up to the next function
      out.append(v.substr(i, open - i));
      i = open - 1;
      continue;
    }
    const std::size_t close = v.find(']', i);
    if (close == std::string_view::npos) {
      out.append(v.substr(i));
      break;
    }
    std::string_view fn = v.substr(i + 1, close - i - 1);
    i = close;
    bool anaphoric = false;
    if (!fn.empty() && fn[0] == '@') {
      anaphoric = true;
      fn.remove_prefix(1);
    }
    std::size_t k = 0;
    while (k < fn.size() && ((fn[k] >= 'a' && fn[k] <= 'z') || (fn[k] >= 'A' && fn[k] <= 'Z'))) ++k;
    std::string_view unit = fn.substr(0, k);
    long n = 0;
    Args args;
    if (k < fn.size() && fn[k] == ':') {
      std::size_t p = k + 1;
      while (true) {
        const std::size_t q = fn.find(':', p);
        if (args.n < 8) args.v[args.n++] = fn.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p);
        if (q == std::string_view::npos) break;
        p = q + 1;
      }
    } else if (k < fn.size()) {
      // (the byte after `fn` is its ']', which ends a number as the end of a copy would)
      n = std::strtol(value.c_str() + (fn.data() - value.data()) + k, nullptr, 10);
    }
    // "refday": a bare clock time belongs to the day the text last named ("Oct. 23 ... at 10 p.m."),
    // or to the dct when no day has been named yet.
    const bool refday = unit == "refday";
    if (refday) unit = "day";
    const std::optional<Ymd>& anchor = refday && a.ref_day ? a.ref_day : anaphoric && a.ref ? a.ref : a.dct;
    if (!anchor) {
      // Keep what the text itself says ("Nov. 19" -> XXXX-11-19).
      const int a0 = args.empty() ? 0 : atoi_sv(args[0]);
      if ((unit == "near" || unit == "pastmonth" || unit == "nextmonth") && a0 >= 1 && a0 <= 12)
        out += fmt("XXXX-%02d", a0);
      else if (unit == "nearmd" && !args.empty())
        out.append("XXXX-").append(args[0]);
      else if (unit == "pastquarter" && a0 >= 1 && a0 <= 4)
        out += fmt("XXXX-Q%d", a0);
      else if ((unit == "pastseason" || unit == "nextseason") && !args.empty())
        out.append("XXXX-").append(args[0]);
      else
        out += unresolved(unit);
      continue;
    }
    out += apply(unit, n, args, *anchor, ctx, true);
  }
  return out;
}

void update_ref(const std::string& value, Anchor& a) {
  auto c = parse_timex_value(value);
  if (!c) return;
  if (c->granularity == Granularity::day) a.ref_day = Ymd{c->year, c->month, c->day};
  if (c->granularity == Granularity::day || c->granularity == Granularity::week) {
    a.ref = Ymd{c->year, c->month, c->day};
  } else if (c->granularity == Granularity::month) {
    a.ref = Ymd{c->year, c->month, 1};
  } else if (c->granularity == Granularity::year || c->granularity == Granularity::quarter ||
             c->granularity == Granularity::half || c->granularity == Granularity::season) {
    a.ref = Ymd{c->year, c->month ? c->month : 1, 1};
  }
}

}  // namespace storyline::extractor::timex_internal
