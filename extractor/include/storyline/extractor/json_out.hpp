// JsonOut: compact JSON written straight into a buffer, byte for byte what nlohmann's
// dump(-1, ' ', false, replace) writes for the same values, for the fixed-layout outputs (extract
// JSON, graph and timeline JSON). Keys and the punctuation around them go out as literal fragments
// ("\",\"end\":") of constant size; json_reindent lays the compact text out as nlohmann's
// dump(indent) does. Building an nlohmann tree first cost several times the writing itself.
#pragma once
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "storyline/extractor/text.hpp"

#if defined(__GNUC__)
#define STORYLINE_JSON_INLINE [[gnu::always_inline]] inline
#else
#define STORYLINE_JSON_INLINE inline
#endif

namespace storyline::extractor {

namespace json_detail {
std::string dec_general(double v);              // (extractor.cpp: through nlohmann)
std::string str_escaped(std::string_view s);    // (extractor.cpp)
}  // namespace json_detail

// JsonOut is BasicJsonOut<true>. BasicJsonOut<false> skips the room checks: for a writer that has
// made room for all it writes first (to_json measures an extraction's greatest size, then writes).
template <bool Checked>
class BasicJsonOut {
 public:
  BasicJsonOut() = default;
  explicit BasicJsonOut(std::size_t capacity) { reserve(capacity); }
  // A moved-from JsonOut is empty, without a buffer (and usable again). The buffer moves between
  // the checked and the unchecked kind too.
  template <bool C>
  BasicJsonOut(BasicJsonOut<C>&& o) noexcept
      : data_(std::move(o.data_)), cap_(std::exchange(o.cap_, 0)), len_(std::exchange(o.len_, 0)) {}
  BasicJsonOut(BasicJsonOut&& o) noexcept
      : data_(std::move(o.data_)), cap_(std::exchange(o.cap_, 0)), len_(std::exchange(o.len_, 0)) {}
  template <bool C>
  BasicJsonOut& operator=(BasicJsonOut<C>&& o) noexcept {
    data_ = std::move(o.data_);
    cap_ = std::exchange(o.cap_, 0);
    len_ = std::exchange(o.len_, 0);
    return *this;
  }
  BasicJsonOut& operator=(BasicJsonOut&& o) noexcept { return operator= <Checked>(std::move(o)); }
  std::string take(std::string_view suffix) const {
    std::string s;
    s.reserve(len_ + suffix.size());
    s.append(view());
    s.append(suffix);
    return s;
  }
  std::string_view view() const { return len_ ? std::string_view(data_.get(), len_) : std::string_view(); }
  std::size_t size() const { return len_; }
  void clear() { len_ = 0; }   // (the buffer is kept for the next text)
  void reserve(std::size_t n) {
    if (n > cap_) grow_to(n);
  }

  // A fragment of our own (field names and punctuation: plain ASCII, nothing to escape).
  template <std::size_t N>
  STORYLINE_JSON_INLINE void lit(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    std::memcpy(tail(n), s, n);
    len_ += n;
  }
  STORYLINE_JSON_INLINE void ch(char c) {
    *tail(1) = c;
    ++len_;
  }
  template <std::integral I>
  STORYLINE_JSON_INLINE void num(I v) {
    char* p = tail(24);
    if constexpr (std::is_signed_v<I>) {
      if (v < 0) {
        len_ = static_cast<std::size_t>(std::to_chars(p, p + 24, v).ptr - data_.get());
        return;
      }
    }
    len_ += digits(p, static_cast<std::uint64_t>(v));
  }
  STORYLINE_JSON_INLINE void boolean(bool v) {
    if (v) lit("true");
    else lit("false");
  }
  // A double as nlohmann writes it (halves, the usual weights, directly; others through nlohmann).
  STORYLINE_JSON_INLINE void dec(double v) {
    if (v == 0.5) return lit("0.5");   // (the usual weight: one co-occurrence)
    const double twice = v * 2;
    if (twice > -4e6 && twice < 4e6 && twice == static_cast<double>(static_cast<long>(twice)) &&
        !(v == 0 && std::signbit(v))) {
      const long k = static_cast<long>(twice);
      const long whole = (k < 0 ? -k : k) / 2;
      char* const start = tail(32);
      char* p = start;
      if (k < 0) *p++ = '-';
      p += digits(p, static_cast<std::uint64_t>(whole));
      *p++ = '.';
      *p++ = (k % 2 != 0) ? '5' : '0';
      len_ = static_cast<std::size_t>(p - data_.get());
      return;
    }
    append(json_detail::dec_general(v));
  }
  // A JSON string (escapes as nlohmann writes them; invalid UTF-8 replaced as its `replace` does).
  // Plain strings (printable ASCII without '"' and '\\': nearly all) are checked and copied in the
  // same loads, a few bytes at a time.
  STORYLINE_JSON_INLINE void str(std::string_view s) { keyed_str("", s); }
  STORYLINE_JSON_INLINE void str(const std::string& s) { str(std::string_view(s)); }
  void str(const char* s) { str(std::string_view(s)); }
  STORYLINE_JSON_INLINE void str(const std::optional<std::string>& v) {
    if (v) str(std::string_view(*v));
    else lit("null");
  }
  // A fragment that ends in a key (",\"end\":"), then the value (written as its type says).
  template <std::size_t N, class T>
  STORYLINE_JSON_INLINE void field(const char (&key)[N], const T& v) {
    if constexpr (std::is_same_v<T, double>) {
      lit(key);
      dec(v);
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
      constexpr std::size_t k = N - 1;
      char* const p = tail(k + 20);
      std::memcpy(p, key, k);
      len_ += k + digits(p + k, v);
    } else if constexpr (std::is_integral_v<T>) {
      lit(key);
      num(v);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      keyed_str(key, v);
    } else {
      lit(key);
      str(v);
    }
  }
  // [item(v[0]),item(v[1]),...]: item writes one element. (v: a std::vector, or another
  // contiguous container such as Relation::evidence's small_vector.)
  template <class V, class Item>
  STORYLINE_JSON_INLINE void list(const V& v, Item&& item) {
    using T = typename V::value_type;
    ch('[');
    // (The bounds read once: a char stored may alias the vector's own pointers, so v.size() would
    // be read again after every element.)
    const T* const begin = v.data();
    const T* const end = begin + v.size();
    for (const T* p = begin; p != end; ++p) {
      if (p != begin) ch(',');
      item(*p);
    }
    ch(']');
  }
  void strings(const std::vector<std::string>& v) {
    list(v, [this](const std::string& s) { str(s); });
  }
  // key + string, only when s is not empty.
  template <std::size_t N>
  STORYLINE_JSON_INLINE void opt_str(const char (&key)[N], const std::string& s) {
    if (s.empty()) return;
    keyed_str(key, s);
  }
  STORYLINE_JSON_INLINE void append(std::string_view s) {
    if (s.empty()) return;
    std::memcpy(tail(s.size()), s.data(), s.size());
    len_ += s.size();
  }

 private:
  static std::uint64_t load8(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static std::uint32_t load4(const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  }
  // key (a fragment of ours), then s as a JSON string. Plain strings (printable ASCII without '"'
  // and '\\': nearly all) are checked and copied in the same loads.
  template <std::size_t N>
  STORYLINE_JSON_INLINE void keyed_str(const char (&key)[N], std::string_view s) {
    constexpr std::size_t k = N - 1;
    const std::size_t n = s.size();
    char* p = tail(k + n + 2);
    if constexpr (k > 0) std::memcpy(p, key, k);
    p += k;
    if (!copy_plain(p + 1, s.data(), n)) [[unlikely]] {
      len_ += k;
      return append(json_detail::str_escaped(s));
    }
    p[0] = '"';
    p[n + 1] = '"';
    len_ += k + n + 2;
  }
  // The high bit of a byte of the result is set when that byte of x (or, after the first such
  // byte, a later one) is a control character, '"', '\\' or not ASCII; 0 when none is.
  template <class W>
  static W escape_bits(W x) {
    constexpr W ones = static_cast<W>(~W{0}) / 0xff, high = ones * 0x80;
    const W q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
  }
#if defined(__SSE2__)
  // A bit per byte of x that is a control character, '"', '\\' or (negative when signed) not ASCII.
  static unsigned escape_mask(__m128i x) {
    return static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))))));
  }
#endif
  // Copies the n bytes at s to d when none needs escaping (else false, d partly written).
  static bool copy_plain(char* d, const char* s, std::size_t n) {
    if (n < 4) {
      if (n == 0) return true;
      // 1 to 3 bytes: the first, middle and last (overlapping when n < 3).
      const char a = s[0], m = s[n >> 1], z = s[n - 1];
      const std::uint32_t w = static_cast<unsigned char>(a) | static_cast<std::uint32_t>(static_cast<unsigned char>(m)) << 8 |
                              static_cast<std::uint32_t>(static_cast<unsigned char>(z)) << 16 | 0x20000000u;
      if (escape_bits(w)) return false;
      d[0] = a;
      d[n >> 1] = m;
      d[n - 1] = z;
      return true;
    }
    if (n > 16) return copy_long(d, s, n);
    // 4 to 16 bytes: the first and last 8 (or 4), overlapping.
#if defined(__SSE2__)
    if (n >= 8) {
      const __m128i a = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s));
      const __m128i z = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + n - 8));
      if (escape_mask(_mm_unpacklo_epi64(a, z))) return false;
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d), a);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d + n - 8), z);
      return true;
    }
    const std::uint32_t a = load4(s), z = load4(s + n - 4);
    if (escape_mask(_mm_unpacklo_epi32(_mm_cvtsi32_si128(static_cast<int>(a)), _mm_cvtsi32_si128(static_cast<int>(z)))) & 0xff)
      return false;
#else
    if (n >= 8) {
      const std::uint64_t a = load8(s), z = load8(s + n - 8);
      if (escape_bits(a) | escape_bits(z)) return false;
      std::memcpy(d, &a, 8);
      std::memcpy(d + n - 8, &z, 8);
      return true;
    }
    const std::uint32_t a = load4(s), z = load4(s + n - 4);
    if (escape_bits(a) | escape_bits(z)) return false;
#endif
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &z, 4);
    return true;
  }
  // copy_plain of more than 16 bytes.
  [[gnu::noinline]] static bool copy_long(char* d, const char* s, std::size_t n) {
#if defined(__SSE2__)
    std::size_t i = 0;
    for (; i + 16 < n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      if (escape_mask(x)) return false;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), x);
    }
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + n - 16));
    if (escape_mask(x)) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + n - 16), x);
#else
    std::size_t i = 0;
    for (; i + 8 < n; i += 8) {
      const std::uint64_t x = load8(s + i);
      if (escape_bits(x)) return false;
      std::memcpy(d + i, &x, 8);
    }
    const std::uint64_t x = load8(s + n - 8);
    if (escape_bits(x)) return false;
    std::memcpy(d + n - 8, &x, 8);
#endif
    return true;
  }
  // write_digits up to four digits (the offsets and indices of news documents) without the call.
  STORYLINE_JSON_INLINE static std::size_t digits(char* p, std::uint64_t v) {
    if (v < 10) {
      *p = static_cast<char>('0' + v);
      return 1;
    }
    if (v < 100) {
      std::memcpy(p, kPairs + 2 * v, 2);
      return 2;
    }
    if (v < 10000) return digits3or4(p, static_cast<std::uint32_t>(v));
    return write_digits(p, v);
  }
  // 100 <= v < 10000 (32-bit: division by constants is cheaper).
  STORYLINE_JSON_INLINE static std::size_t digits3or4(char* p, std::uint32_t v) {
    if (v < 1000) {
      *p = static_cast<char>('0' + v / 100);
      std::memcpy(p + 1, kPairs + 2 * (v % 100), 2);
      return 3;
    }
    std::memcpy(p, kPairs + 2 * (v / 100), 2);
    std::memcpy(p + 2, kPairs + 2 * (v % 100), 2);
    return 4;
  }
  static constexpr char kPairs[201] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  // v >= 10000 in decimal at p (at most 20 bytes); returns the count. Two digits at a time.
  static std::size_t write_digits(char* p, std::uint64_t v64) {
    if (v64 >= 1000000) return static_cast<std::size_t>(std::to_chars(p, p + 20, v64).ptr - p);
    const auto v = static_cast<std::uint32_t>(v64);   // (32-bit division by constants is cheaper)
    auto pair = [&](char* at, std::uint32_t two) { std::memcpy(at, kPairs + 2 * two, 2); };
    const std::uint32_t hi = v / 10000, lo = v % 10000;
    std::size_t k;
    if (hi < 10) {
      *p = static_cast<char>('0' + hi);
      k = 1;
    } else {
      pair(p, hi);
      k = 2;
    }
    pair(p + k, lo / 100);
    pair(p + k + 2, lo % 100);
    return k + 4;
  }
  // The slow paths (grown, json_detail's) take values, not `this`, and the rest is inlined: a JsonOut that
  // is a local variable then never has its address taken, so the compiler keeps its size in a
  // register instead of reloading it after every byte stored (a char store may alias anything
  // whose address got out).
  // Room for n more bytes at the returned pointer (written through raw pointers: std::string's
  // per-append capacity checks and terminators were a third of the writer's time).
  STORYLINE_JSON_INLINE char* tail(std::size_t n) {
    if constexpr (Checked) {
      if (len_ + n > cap_) grow_to(len_ + n);
    }
    return data_.get() + len_;
  }
  STORYLINE_JSON_INLINE void grow_to(std::size_t need) {
    const Grown g = grown(data_.get(), len_, cap_, need);
    (void)data_.release();   // (freed by grown)
    data_.reset(g.data);
    cap_ = g.cap;
  }
  struct Grown {
    char* data;
    std::size_t cap;
  };
  // A buffer of at least `need` bytes holding the len bytes at data, which it frees.
  [[gnu::noinline]] static Grown grown(char* data, std::size_t len, std::size_t cap, std::size_t need) {
    std::size_t bigger = cap < (1 << 14) ? (1 << 14) : cap * 2;
    while (bigger < need) bigger *= 2;
    char* d = new char[bigger];
    if (len) std::memcpy(d, data, len);
    delete[] data;
    return {d, bigger};
  }
  template <bool C>
  friend class BasicJsonOut;
  std::unique_ptr<char[]> data_;
  std::size_t cap_ = 0, len_ = 0;
};
using JsonOut = BasicJsonOut<true>;

// nlohmann's dump(indent) layout of compact JSON: a line per member and element, `"key": value`,
// empty objects and arrays kept as {} and []; then suffix. `nested` more spaces begin every line
// after the first: the layout of the same value `nested` levels of one space deep in a dump(1).
std::string json_reindent(std::string_view compact, int indent, std::string_view suffix = {}, std::size_t nested = 0);

// json_reindent's text handed to out() in pieces of about `chunk` bytes instead of made whole (a
// large graph's layout need not be held next to its compact text); false once out() returns false.
bool json_reindent_to(std::string_view compact, int indent, std::string_view suffix, std::size_t nested,
                      const std::function<bool(std::string_view)>& out, std::size_t chunk = std::size_t{1} << 20);

// compact as is (indent < 0) or re-indented, then suffix.
inline std::string json_finish(const JsonOut& o, int indent, std::string_view suffix = {}) {
  return indent < 0 ? o.take(suffix) : json_reindent(o.view(), indent, suffix);
}

}  // namespace storyline::extractor
