#include "jsonl_scan.hpp"

#include <cstring>

#include "storyline/extractor/text.hpp"

namespace storyline::cli {
namespace {

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void put_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
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
  // `allow_escapes` false: declines on any backslash (used for keys).
  bool string(std::string* out, bool allow_escapes = true) {
    if (!eat('"')) return false;
    if (out) out->clear();
    for (;;) {
      std::size_t q = p_;
      // Eight bytes at a time while none is '"', '\\' or a control byte (bytes >= 0x80 are
      // plain here: UTF-8 was checked before).
      while (q + 8 <= s_.size()) {
        using namespace extractor::text_detail;
        const std::uint64_t w = load8(s_.data() + q);
        if (any_control8(w) | any_byte8(w, '"') | any_byte8(w, '\\')) break;
        q += 8;
      }
      while (q < s_.size()) {
        const unsigned char c = static_cast<unsigned char>(s_[q]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++q;
      }
      if (out) out->append(s_.data() + p_, q - p_);
      p_ = q;
      if (p_ == s_.size()) return false;
      const char c = s_[p_];
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\' || !allow_escapes) return false;  // a control byte, or an escaped key
      if (++p_ == s_.size()) return false;
      const char e = s_[p_++];
      char plain = 0;
      switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': break;
        default: return false;
      }
      if (plain) {
        if (out) out->push_back(plain);
        continue;
      }
      int unit = 0;
      if (!hex4(unit)) return false;
      char32_t cp = static_cast<char32_t>(unit);
      if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        int low = 0;
        if (p_ + 1 >= s_.size() || s_[p_] != '\\' || s_[p_ + 1] != 'u') return false;
        p_ += 2;
        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
        cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
      }
      if (out) put_utf8(*out, cp);
    }
  }

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
  std::size_t digits() {
    std::size_t n = 0;
    while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_, ++n;
    return n;
  }
  bool hex4(int& v) {
    if (p_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hex_value(s_[p_ + k]);
      if (h < 0) return false;
      v = v * 16 + h;
    }
    p_ += 4;
    return true;
  }

  std::string_view s_;
  std::size_t p_ = 0;
};

}  // namespace

bool scan_flat_object(std::string_view line, FlatFields& out) {
  out = FlatFields{};
  // Raw bytes must be valid UTF-8 (the full parser rejects the line otherwise).
  if (extractor::find_invalid_utf8(line) != std::string_view::npos) return false;
  Scanner sc(line);
  std::string key;
  sc.skip_space();
  if (!sc.eat('{')) return false;
  sc.skip_space();
  if (!sc.eat('}')) {
    for (;;) {
      sc.skip_space();
      if (!sc.string(&key, false)) return false;
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
