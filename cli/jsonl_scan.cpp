#include "jsonl_scan.hpp"

#include <cstring>

#include "storyline/extractor/text.hpp"

namespace storyline::cli {
namespace {

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

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
      const std::size_t used = extractor::json_unescape(s_, ++p_, out);
      if (used == 0) return false;
      p_ += used;
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
