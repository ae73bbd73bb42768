// JsonOut: compact JSON written straight into a buffer, byte for byte what nlohmann's
// dump(-1, ' ', false, replace) writes for the same values, for the fixed-layout outputs (extract
// JSON, graph and timeline JSON). Keys and the punctuation around them go out as literal fragments
// ("\",\"end\":") of constant size; json_reindent lays the compact text out as nlohmann's
// dump(indent) does. Building an nlohmann tree first cost several times the writing itself.
#pragma once
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "storyline/extractor/text.hpp"

namespace storyline::extractor {

class JsonOut {
 public:
  JsonOut() : data_(new char[1 << 14]), cap_(1 << 14) {}
  std::string take(std::string_view suffix) const {
    std::string s;
    s.reserve(len_ + suffix.size());
    s.append(data_.get(), len_);
    s.append(suffix);
    return s;
  }
  std::string_view view() const { return {data_.get(), len_}; }

  // A fragment of our own (field names and punctuation: plain ASCII, nothing to escape).
  template <std::size_t N>
  void lit(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    std::memcpy(tail(n), s, n);
    len_ += n;
  }
  void ch(char c) {
    *tail(1) = c;
    ++len_;
  }
  template <std::integral I>
  void num(I v) {
    char* p = tail(24);
    len_ = static_cast<std::size_t>(std::to_chars(p, p + 24, v).ptr - data_.get());
  }
  void boolean(bool v) {
    if (v) lit("true");
    else lit("false");
  }
  // A double as nlohmann writes it (halves, the usual weights, directly; others through nlohmann).
  void dec(double v) {
    const double twice = v * 2;
    if (twice > -4e6 && twice < 4e6 && twice == static_cast<double>(static_cast<long>(twice)) &&
        !(v == 0 && std::signbit(v))) {
      const long k = static_cast<long>(twice);
      const long whole = (k < 0 ? -k : k) / 2;
      char* const start = tail(32);
      char* p = start;
      if (k < 0) *p++ = '-';
      p = std::to_chars(p, start + 32, whole).ptr;
      *p++ = '.';
      *p++ = (k % 2 != 0) ? '5' : '0';
      len_ = static_cast<std::size_t>(p - data_.get());
      return;
    }
    dec_general(v);
  }
  // A JSON string (escapes as nlohmann writes them; invalid UTF-8 replaced as its `replace` does).
  void str(std::string_view s) {
    if (!is_plain(s)) return str_escaped(s);
    char* p = tail(s.size() + 2);
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    len_ = static_cast<std::size_t>(p - data_.get());
  }
  void str(const std::string& s) { str(std::string_view(s)); }
  void str(const char* s) { str(std::string_view(s)); }
  void str(const std::optional<std::string>& v) {
    if (v) str(std::string_view(*v));
    else lit("null");
  }
  // A fragment that ends in a key (",\"end\":"), then the value (written as its type says).
  template <std::size_t N, class T>
  void field(const char (&key)[N], const T& v) {
    lit(key);
    if constexpr (std::is_same_v<T, double>) dec(v);
    else if constexpr (std::is_integral_v<T>) num(v);
    else str(v);
  }
  // [item(v[0]),item(v[1]),...]: item writes one element.
  template <class T, class Item>
  void list(const std::vector<T>& v, Item&& item) {
    ch('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) ch(',');
      item(v[i]);
    }
    ch(']');
  }
  void strings(const std::vector<std::string>& v) {
    list(v, [this](const std::string& s) { str(s); });
  }
  // key + string, only when s is not empty.
  template <std::size_t N>
  void opt_str(const char (&key)[N], const std::string& s) {
    if (s.empty()) return;
    lit(key);
    str(s);
  }
  void append(std::string_view s) {
    std::memcpy(tail(s.size()), s.data(), s.size());
    len_ += s.size();
  }

 private:
  // True when one of the 8 bytes in x is a control character, '"', '\\' or not ASCII.
  static bool needs_escape8(std::uint64_t x) {
    using namespace text_detail;
    return any_non_ascii8(x) | any_control8(x) | any_byte8(x, '"') | any_byte8(x, '\\');
  }
  static bool is_plain(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8)
      if (needs_escape8(text_detail::load8(s.data() + i))) return false;
    for (; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
    }
    return true;
  }
  void dec_general(double v);              // (extractor.cpp: through nlohmann)
  void str_escaped(std::string_view s);    // (extractor.cpp)
  // Room for n more bytes at the returned pointer (written through raw pointers: std::string's
  // per-append capacity checks and terminators were a third of the writer's time).
  char* tail(std::size_t n) {
    if (len_ + n > cap_) grow(len_ + n);
    return data_.get() + len_;
  }
  void grow(std::size_t need) {
    std::size_t cap = cap_ * 2;
    while (cap < need) cap *= 2;
    std::unique_ptr<char[]> bigger(new char[cap]);
    std::memcpy(bigger.get(), data_.get(), len_);
    data_ = std::move(bigger);
    cap_ = cap;
  }
  std::unique_ptr<char[]> data_;
  std::size_t cap_, len_ = 0;
};

// nlohmann's dump(indent) layout of compact JSON: a line per member and element, `"key": value`,
// empty objects and arrays kept as {} and []; then suffix.
std::string json_reindent(std::string_view compact, int indent, std::string_view suffix = {});

// compact as is (indent < 0) or re-indented, then suffix.
inline std::string json_finish(const JsonOut& o, int indent, std::string_view suffix = {}) {
  return indent < 0 ? o.take(suffix) : json_reindent(o.view(), indent, suffix);
}

}  // namespace storyline::extractor
