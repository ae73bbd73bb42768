#include "jsonl_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "storyline/extractor/text.hpp"

namespace storyline::cli {
namespace {

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The byte a one-letter escape stands for (\n: '\n'), 0 for the others (\u, or not JSON).
constexpr auto kPlainEscape = [] {
  std::array<char, 256> t{};
  t['"'] = '"';
  t['\\'] = '\\';
  t['/'] = '/';
  t['b'] = '\b';
  t['f'] = '\f';
  t['n'] = '\n';
  t['r'] = '\r';
  t['t'] = '\t';
  return t;
}();

// '"', '\\', a control byte or a byte >= 0x80 (UTF-8, checked where it is met: non_ascii_run).
bool special_byte(char c) {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80;
}

#if defined(__SSE2__)
// A bit per byte of x that is '"', '\\', a control byte or >= 0x80 (its own top bit).
unsigned special_mask(__m128i x) {
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);   // unsigned x <= 0x1f
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
      _mm_or_si128(control, x), _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))))));
}
#endif

// The first special_byte() of b[i, n), or n. 16 bytes at a time.
std::size_t find_special(const char* b, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  auto special = [](const char* at) { return special_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at))); };
  for (; i + 16 <= n; i += 16)
    if (const unsigned m = special(b + i)) return i + static_cast<std::size_t>(std::countr_zero(m));
  if (i < n && n >= 16) {
    // The last 16 bytes, those before i left out.
    const unsigned m = special(b + n - 16) >> (i - (n - 16));
    return m ? i + static_cast<std::size_t>(std::countr_zero(m)) : n;
  }
#else
  for (; i + 8 <= n; i += 8) {
    using namespace extractor::text_detail;
    const std::uint64_t w = load8(b + i);
    if (any_control8(w) | any_non_ascii8(w) | any_byte8(w, '"') | any_byte8(w, '\\')) break;
  }
#endif
  while (i < n && !special_byte(b[i])) ++i;
  return i;
}

// Copies b[i, n) to d up to the first special_byte(); returns its place (or n), d
// moved past the bytes copied. d must not be ahead of b + i in its own buffer, which has room up to
// the equivalent of b + n: sixteen bytes are stored as they are checked, those after a special byte
// to be overwritten later.
std::size_t copy_run(const char* b, std::size_t i, std::size_t n, char*& d) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16, d += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), x);
    if (const unsigned m = special_mask(x)) {
      const auto k = static_cast<std::size_t>(std::countr_zero(m));
      d += k;
      return i + k;
    }
  }
#endif
  for (; i < n && !special_byte(b[i]); ++i) *d++ = b[i];
  return i;
}

// The end of the bytes >= 0x80 from s[i] (one), or npos when they are not valid UTF-8. A UTF-8
// sequence holds no ASCII byte, so a line is valid UTF-8 when each such run is: the scanner checks
// the runs where it meets them, in strings (outside strings, a byte >= 0x80 is not JSON: the full
// parser decides), instead of a pass over the whole line.
std::size_t non_ascii_run(std::string_view s, std::size_t i) {
  std::size_t e = i + 1;
  while (e < s.size() && static_cast<unsigned char>(s[e]) >= 0x80) ++e;
  return extractor::find_invalid_utf8(s.substr(i, e - i)) == std::string_view::npos ? e : std::string_view::npos;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void skip_space() {
    while (p_ < s_.size() && json_space(s_[p_])) ++p_;
  }
  bool eat(char c) {
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool at_end() const { return p_ == s_.size(); }
  char peek() const { return p_ < s_.size() ? s_[p_] : '\0'; }

  // A string at p_ (its opening quote included); decoded into `out` unless out is null.
  bool string(std::string* out) {
    if (!eat('"')) return false;
    u_escape_ = false;
    if (!out) return skip_string();
    const char* const b = s_.data();
    const std::size_t n = s_.size();
    // Decoded into the scratch buffer (escapes shrink: the rest of the line bounds the string),
    // then into `out` in one piece: no append per run between escapes, no growth of `out`.
    thread_local std::string scratch;
    if (scratch.size() < n - p_) scratch.resize(std::max(n - p_, 2 * scratch.size()));
    char* const d0 = scratch.data();
    char* d = d0;
    std::size_t i = p_;
    for (;;) {
      i = copy_run(b, i, n, d);
      if (i == n) return false;
      const char c = b[i];
      if (static_cast<unsigned char>(c) >= 0x80) {
        const std::size_t e = non_ascii_run(s_, i);
        if (e == std::string_view::npos) return false;
        std::memcpy(d, b + i, e - i);
        d += e - i;
        i = e;
        continue;
      }
      if (c == '"') {
        p_ = i + 1;
        out->assign(d0, static_cast<std::size_t>(d - d0));
        return true;
      }
      if (c != '\\') return false;  // a control byte
      ++i;
      if (const char plain = i < n ? kPlainEscape[static_cast<unsigned char>(b[i])] : 0) {
        *d++ = plain;
        ++i;
        continue;
      }
      std::string unit;   // \uXXXX (or a pair): at most 4 bytes, for 6 or 12 read
      const std::size_t used = extractor::json_unescape(s_, i, &unit);
      if (used == 0) return false;
      std::memcpy(d, unit.data(), unit.size());
      d += unit.size();
      i += used;
      u_escape_ = true;
    }
  }
  // A key at p_ (its opening quote included), without escapes (else false): its bytes as they are.
  bool key(std::string_view& out) {
    if (!eat('"')) return false;
    std::size_t q = find_special(s_.data(), p_, s_.size());
    while (q < s_.size() && static_cast<unsigned char>(s_[q]) >= 0x80)
      if ((q = non_ascii_run(s_, q)) == std::string_view::npos) return false;
      else q = find_special(s_.data(), q, s_.size());
    if (q == s_.size() || s_[q] != '"') return false;  // an escaped key, a control byte, no end
    out = s_.substr(p_, q - p_);
    p_ = q + 1;
    return true;
  }
  // The last string read had a \u escape (the only way to a NUL byte in it).
  bool u_escape() const { return u_escape_; }

  // A number, true, false or null at p_ (JSON grammar). Nested values are declined.
  bool scalar() {
    if (s_.compare(p_, 4, "true") == 0) { p_ += 4; return true; }
    if (s_.compare(p_, 5, "false") == 0) { p_ += 5; return true; }
    if (s_.compare(p_, 4, "null") == 0) { p_ += 4; return true; }
    eat('-');
    if (eat('0')) {
    } else if (digits() == 0) {
      return false;
    }
    if (eat('.') && digits() == 0) return false;
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      if (digits() == 0) return false;
    }
    return true;
  }

 private:
  // A string's rest from p_ (after its opening quote), read over.
  bool skip_string() {
    const char* const b = s_.data();
    const std::size_t n = s_.size();
    for (;;) {
      p_ = find_special(b, p_, n);
      if (p_ == n) return false;
      if (static_cast<unsigned char>(b[p_]) >= 0x80) {
        if ((p_ = non_ascii_run(s_, p_)) == std::string_view::npos) return false;
        continue;
      }
      if (b[p_] == '"') {
        ++p_;
        return true;
      }
      if (b[p_] != '\\') return false;  // a control byte
      ++p_;
      if (p_ < n && kPlainEscape[static_cast<unsigned char>(b[p_])]) {
        ++p_;
        continue;
      }
      const std::size_t used = extractor::json_unescape(s_, p_, nullptr);   // \uXXXX, or not JSON
      if (used == 0) return false;
      p_ += used;
    }
  }
  std::size_t digits() {
    std::size_t n = 0;
    while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_, ++n;
    return n;
  }
  std::string_view s_;
  std::size_t p_ = 0;
  bool u_escape_ = false;
};

}  // namespace

bool scan_flat_object(std::string_view line, FlatFields& out) {
  out = FlatFields{};
  // Raw bytes must be valid UTF-8 (the full parser rejects the line otherwise): non_ascii_run.
  Scanner sc(line);
  std::string_view key;
  sc.skip_space();
  if (!sc.eat('{')) return false;
  sc.skip_space();
  if (!sc.eat('}')) {
    for (;;) {
      sc.skip_space();
      if (!sc.key(key)) return false;
      sc.skip_space();
      if (!sc.eat(':')) return false;
      sc.skip_space();
      bool* present = nullptr;
      bool* is_string = nullptr;
      std::string* target = nullptr;
      if (key == "id") present = &out.id_present, is_string = &out.id_string, target = &out.id;
      else if (key == "text") present = &out.text_present, is_string = &out.text_string, target = &out.text;
      else if (key == "date") present = &out.date_present, is_string = &out.date_string, target = &out.date;
      if (sc.peek() == '"') {
        if (!sc.string(target)) return false;
        if (present) *present = *is_string = true;
        if (target == &out.text) out.text_u_escape = sc.u_escape();
      } else {
        // A non-string id has its own rules (an integer, its printed form): the full parser.
        if (target == &out.id) return false;
        if (!sc.scalar()) return false;  // nested, or not JSON: the full parser decides
        if (present) {
          *present = true;
          *is_string = false;
          target->clear();
        }
      }
      sc.skip_space();
      if (sc.eat(',')) continue;
      if (sc.eat('}')) break;
      return false;
    }
  }
  sc.skip_space();
  return sc.at_end();
}

}  // namespace storyline::cli
