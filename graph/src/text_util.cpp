// Text helpers for graph/: case folding, UTF-8 cleaning, HTML escaping, evidence sentences.
#include <cstdint>
#include <string>
#include <string_view>

#include "graph_internal.hpp"

namespace storyline::graph::detail {

std::string fold_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t valid_utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return len;
}

}  // namespace

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = valid_utf8_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";   // U+FFFD
      ++i;
      continue;
    }
    if (len == 1) {
      const auto c = static_cast<unsigned char>(s[i]);
      // XML 1.0 forbids C0 controls other than tab, LF, CR; JSON would escape them, but a
      // consumer pasting them into HTML or Graphviz would not.
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        ++i;
        continue;
      }
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string sentence_text(const DocumentInput& doc, std::size_t index) {
  if (doc.extraction == nullptr || doc.text == nullptr) return {};
  const auto& sentences = doc.extraction->sentences;
  if (index >= sentences.size()) return {};
  const auto& text = *doc.text;
  std::size_t start = sentences[index].start;
  std::size_t end = sentences[index].end;
  if (start > text.size()) return {};
  if (end > text.size()) end = text.size();
  if (end < start) return {};
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (start < end && is_space(text[start])) ++start;
  while (end > start && is_space(text[end - 1])) --end;
  return text.substr(start, end - start);
}

std::string document_name(const DocumentInput& doc, std::size_t index) {
  if (doc.extraction != nullptr) {
    if (!doc.extraction->document.id.empty()) return doc.extraction->document.id;
    if (!doc.extraction->document.source.empty()) return doc.extraction->document.source;
  }
  return "doc" + std::to_string(index + 1);
}

}  // namespace storyline::graph::detail
