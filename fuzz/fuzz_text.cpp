// libFuzzer target: reading plain text — the CLI's document check (empty, NUL, invalid UTF-8) and,
// for text that passes, the tokenizer and sentence splitter with the built-in lexicons.
// Invariants: a text that passes is valid UTF-8; tokens and sentences are ordered, inside the text
// and on UTF-8 boundaries.
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "io.hpp"
#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/text.hpp"

namespace {

using namespace storyline;

const extractor::Lexicons& lexicons() {
  static const extractor::Lexicons lex = [] {
    auto l = extractor::Lexicons::load(extractor::RuleDirs::defaults());
    fuzzsupport::require(l.ok(), "built-in lexicons load");
    return std::move(*l);
  }();
  return lex;
}

bool boundary(const std::string& text, std::size_t at) {
  return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (256u << 10)) return 0;
  const std::string text = fuzzsupport::as_string(data, size);
  const std::string why = cli::check_text(text);
  const std::size_t bad = extractor::find_invalid_utf8(text);
  fuzzsupport::require(bad == std::string::npos || bad < text.size(), "find_invalid_utf8 offset");
  if (!why.empty()) return 0;
  fuzzsupport::require(bad == std::string::npos, "accepted text is valid UTF-8");
  std::vector<extractor::Token> tokens = extractor::tokenize(text, lexicons().text);
  std::size_t last = 0;
  for (const auto& t : tokens) {
    fuzzsupport::require(t.start >= last && t.start < t.end && t.end <= text.size(), "token order and span");
    fuzzsupport::require(boundary(text, t.start) && boundary(text, t.end), "token on UTF-8 boundary");
    last = t.end;
  }
  const auto sentences = extractor::split_sentences(text, tokens, lexicons().text);
  std::size_t end = 0;
  for (const auto& s : sentences) {
    fuzzsupport::require(s.start >= end && s.start <= s.end && s.end <= text.size(), "sentence order and span");
    end = s.end;
  }
  for (const auto& t : tokens) fuzzsupport::require(t.sentence < sentences.size(), "token sentence index");
  return 0;
}
