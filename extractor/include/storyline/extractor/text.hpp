// storyline::extractor — UTF-8 checks, tokens and sentences: the layer every rule stage reads.
//
//   Lexicon abbrev = ...;                         // "Mr.", "Co.", "Nov." (rules/en/lexicon/abbreviations.tsv)
//   std::vector<Token> toks = tokenize(text, abbrev);
//   std::vector<Sentence> sents = split_sentences(text, toks, abbrev_sentence_starters);
//
// Offsets are UTF-8 byte offsets. Tokens never straddle sentences; Token::sentence is set by
// split_sentences.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "storyline/extractor/types.hpp"

namespace storyline::extractor {

// Byte offset of the first invalid UTF-8 sequence, or npos when `s` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view s);

enum TokenFlags : std::uint16_t {
  kWord = 1 << 0,        // letters/digits (possibly with inner ' - . &)
  kCap = 1 << 1,         // first letter upper case
  kAllCaps = 1 << 2,     // every letter upper case, at least two letters
  kDigit = 1 << 3,       // contains a digit
  kPunct = 1 << 4,       // a single punctuation character
  kSpaceBefore = 1 << 5, // white space (or start of text) before the token
  kNewlineBefore = 1 << 6,
  kBlankLineBefore = 1 << 7,
  kHyphenated = 1 << 8,  // inner hyphen ("Renault-Nissan")
  kAbbrev = 1 << 9,      // ends in "." that belongs to the word ("Co.", "U.S.", "J.")
  kLower = 1 << 10,      // first letter lower case
};

struct Token {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::uint32_t sentence = 0;
  std::uint16_t flags = 0;
  bool has(TokenFlags f) const { return (flags & f) != 0; }
  std::string_view view(std::string_view text) const { return text.substr(start, end - start); }
};

struct TextLexicons {
  std::unordered_set<std::string> abbreviations;   // "Mr.", "Co." (case-sensitive)
  std::unordered_set<std::string> sentence_starters;  // words that start a sentence after "Co."
};

std::vector<Token> tokenize(std::string_view text, const TextLexicons& lex);

// Sentences in text order; sets Token::sentence. A sentence ends at . ! ? (not after an
// abbreviation unless a typical sentence starter follows), at a blank line, and at a line break
// unless the line break falls inside running lower-case text (wrapped paragraphs).
std::vector<Sentence> split_sentences(std::string_view text, std::vector<Token>& tokens, const TextLexicons& lex);

// ASCII-lower-cased copy (non-ASCII bytes kept).
std::string ascii_lower(std::string_view s);

}  // namespace storyline::extractor
