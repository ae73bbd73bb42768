#include "text.hpp"

#include <cstdint>

namespace storyline::render::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes one code point at s[i]; returns its byte length, 0 when the sequence is invalid
// (overlong, surrogate, > U+10FFFF, truncated).
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2; cp = b0 & 0x1F; min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3; cp = b0 & 0x0F; min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4; cp = b0 & 0x07; min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t len = decode(s, i, cp);
    std::string_view piece;
    if (len == 0) {
      piece = kReplacement;
      len = 1;
    } else {
      piece = s.substr(i, len);
    }
    i += len;
    if (piece.size() == 1 && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r')) {
      pending_space = !out.empty();
      continue;
    }
    // C0, DEL, C1 controls and the XML non-characters U+FFFE/U+FFFF are dropped.
    if (len != 0 && piece != kReplacement &&
        (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF)) {
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += piece;
  }
  return out;
}

std::string gv_text(std::string_view s) {
  const std::string c = clean_text(s);
  std::string out;
  out.reserve(c.size());
  for (char ch : c) {
    if (ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  const std::string c = clean_text(s);
  std::string out;
  out.reserve(c.size());
  for (char ch : c) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string gv_url(std::string_view s) {
  const std::string c = gv_text(s);
  std::string out;
  for (char ch : c) {
    if (ch == '&') out += "&amp;";
    else if (ch == '"' || ch == '<' || ch == '>' || ch == ' ') {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[static_cast<unsigned char>(ch) >> 4];
      out += kHex[static_cast<unsigned char>(ch) & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string id_token(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '_' || ch == '-';
    out += ok ? ch : '_';
  }
  return out;
}

std::string class_token(std::string_view s) {
  std::string out = id_token(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  // CSS classes may not start with a digit or "--"; prefix to stay a valid identifier.
  if (!out.empty() && ((out[0] >= '0' && out[0] <= '9') || out[0] == '-')) out = "c" + out;
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string evidence_place(std::string_view doc, std::size_t sentence) {
  return "[" + clean_text(doc) + ", sentence " + std::to_string(sentence) + "]";
}

std::string ellipsize(std::string_view s, std::size_t max_chars) {
  if (utf8_length(s) <= max_chars || max_chars == 0) return std::string(s);
  std::size_t n = 0;
  std::size_t cut = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == max_chars - 1) { cut = i; break; }
      ++n;
    }
  }
  std::string out(s.substr(0, cut));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += "\xE2\x80\xA6";
  return out;
}

}  // namespace storyline::render::detail
