// storyline::extractor — UTF-8 checks, tokens and sentences: the layer every rule stage reads.
//
//   Lexicon abbrev = ...;                         // "Mr.", "Co.", "Nov." (rules/en/lexicon/abbreviations.tsv)
//   std::vector<Token> toks = tokenize(text, abbrev);
//   std::vector<Sentence> sents = split_sentences(text, toks, abbrev_sentence_starters);
//
// Offsets are UTF-8 byte offsets. Tokens never straddle sentences; Token::sentence is set by
// split_sentences.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "storyline/extractor/types.hpp"

#include "storyline/extractor/ascii.hpp"

namespace storyline::extractor {

// Byte offset of the first invalid UTF-8 sequence, or npos when `s` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view s);

// One JSON string escape: s[i] is the byte after the backslash. Appends what it stands for to
// *out (UTF-8; \uD83D\uDE00 pairs joined; out may be null) and returns how many bytes it took,
// or 0 when it is no valid escape (an unknown letter, bad hex, a lone surrogate, cut short).
std::size_t json_unescape(std::string_view s, std::size_t i, std::string* out);

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

// Hash of the ASCII-lower-cased bytes of `s` (the folding ascii_lower does): "Nissan" and
// "NISSAN" hash alike. A function of the bytes and the length only.
std::uint32_t fold_hash(std::string_view s);

struct Token {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::uint32_t sentence = 0;
  std::uint16_t flags = 0;
  // Set by tokenize for a punctuation token: what it can do at a sentence's edge (end one, close
  // one, open the next, a comma), as split_sentences reads it; 0 for words.
  std::uint8_t punct_roles = 0;
  std::uint32_t fold = 0;   // fold_hash of the token's text, set by tokenize (word lists key on it)
  bool has(TokenFlags f) const { return (flags & f) != 0; }
  // (No bounds check: a token is a range of the text it was made from.)
  std::string_view view(std::string_view text) const { return std::string_view(text.data() + start, end - start); }
};

namespace text_detail {
// 'A'..'Z' -> 'a'..'z' in each byte of a 64-bit word, other bytes unchanged.
inline std::uint64_t fold8(std::uint64_t x) {
  constexpr std::uint64_t hi = 0x8080808080808080ull;
  const std::uint64_t low7 = x & ~hi;
  const std::uint64_t ge_a = low7 + 0x3F3F3F3F3F3F3F3Full;   // bit 7 set where low7 >= 'A'
  const std::uint64_t gt_z = low7 + 0x2525252525252525ull;   // bit 7 set where low7 > 'Z'
  const std::uint64_t upper = ge_a & ~gt_z & ~x & hi;
  return x | (upper >> 2);
}

// Eight bytes at a time: the bytes at p as one word, and tests on them that are non-zero when
// some byte passes (exact as a yes/no; which bit is set is not).
inline std::uint64_t load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
constexpr std::uint64_t kOnes8 = 0x0101010101010101ull, kHigh8 = 0x8080808080808080ull;
inline std::uint64_t any_non_ascii8(std::uint64_t w) { return w & kHigh8; }
inline std::uint64_t any_control8(std::uint64_t w) { return (w - kOnes8 * 0x20) & ~w & kHigh8; }   // < 0x20
inline std::uint64_t any_byte8(std::uint64_t w, unsigned char c) {
  const std::uint64_t v = w ^ (kOnes8 * c);
  return (v - kOnes8) & ~v & kHigh8;
}
}  // namespace text_detail

// A hash of an entity id for the open-addressing id tables (build_entities, the JSON reader): its
// length and its first and last eight bytes mixed, so ids that share all three only share slots.
// Take the low bits (a mask of the table's size).
inline std::uint64_t id_hash(std::string_view s) {
  std::uint64_t head = 0, tail = 0;
  std::memcpy(&head, s.data(), std::min<std::size_t>(s.size(), 8));   // (an empty id: no bytes read)
  if (s.size() > 8) std::memcpy(&tail, s.data() + s.size() - 8, 8);
  const std::uint64_t h = (head * 0x9E3779B97F4A7C15ull) ^ (tail * 0xC2B2AE3D27D4EB4Full) ^ s.size();
  return h * 0x9E3779B97F4A7C15ull >> 20;
}

inline std::uint32_t fold_hash(std::string_view s) {
  // Whole words (overlapping loads for short keys, as wyhash reads them).
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
  auto load64 = [](const unsigned char* q) {
    std::uint64_t v;
    std::memcpy(&v, q, 8);
    return v;
  };
  auto load32 = [](const unsigned char* q) {
    std::uint32_t v;
    std::memcpy(&v, q, 4);
    return static_cast<std::uint64_t>(v);
  };
  std::uint64_t w;
  if (n >= 8) {
    while (n > 8) {
      h = (h ^ text_detail::fold8(load64(p))) * 0xC2B2AE3D27D4EB4Full;
      h ^= h >> 31;
      p += 8;
      n -= 8;
    }
    w = load64(p + n - 8);   // the last 8 bytes (overlapping the previous word)
  } else if (n >= 4) {
    w = load32(p) | (load32(p + n - 4) << 32);
  } else if (n > 0) {
    w = static_cast<std::uint64_t>(p[0]) | (static_cast<std::uint64_t>(p[n / 2]) << 8) |
        (static_cast<std::uint64_t>(p[n - 1]) << 16);
  } else {
    w = 0;
  }
  h = (h ^ text_detail::fold8(w)) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return static_cast<std::uint32_t>(h);
}

// A set of strings that answers a string_view without making a string of it.
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringViewSet = std::unordered_set<std::string, StringViewHash, std::equal_to<>>;

struct TextLexicons {
  StringViewSet abbreviations;       // "Mr.", "Co." (case-sensitive)
  StringViewSet sentence_starters;   // words that start a sentence after "Co."
};

std::vector<Token> tokenize(std::string_view text, const TextLexicons& lex);

// Sentences in text order; sets Token::sentence. A sentence ends at . ! ? (not after an
// abbreviation unless a typical sentence starter follows), at a blank line, and at a line break
// unless the line break falls inside running lower-case text (wrapped paragraphs).
std::vector<Sentence> split_sentences(std::string_view text, std::vector<Token>& tokens, const TextLexicons& lex);


// Whether ascii_lower(a) == b, for a lower-case b, without making the lower-case copy.
inline bool lower_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// Whether a and b are equal when ASCII letters are lower-cased on both sides.
inline bool equal_any_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace storyline::extractor
