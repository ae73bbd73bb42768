#include "storyline/extractor/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace storyline::extractor {
namespace {

// Decodes one code point at s[i]; returns its length (1 for an invalid byte, cp = 0xFFFD).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { cp = c; return 1; }
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) { cp = 0xFFFD; return 1; }
  cp = c & (0x3F >> (n - 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0xC0 && cp <= 0x24F) return true;        // Latin-1 supplement, Latin extended
  if (cp >= 0x370 && cp <= 0x52F) return true;       // Greek, Cyrillic
  if (cp >= 0x1E00 && cp <= 0x1FFF) return true;     // Latin extended additional, Greek ext.
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;    // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;    // CJK punctuation
  if (cp >= 0xFF00 && cp <= 0xFF20) return false;    // full-width punctuation
  return cp >= 0x530 && cp != 0xFFFD && cp != 0xFEFF;
}

bool is_upper(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x100 && cp <= 0x17F) return (cp % 2) == 0 && cp != 0x138;
  if (cp >= 0x391 && cp <= 0x3A9) return true;
  if (cp >= 0x400 && cp <= 0x42F) return true;
  return false;
}

bool is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000 || cp == 0xFEFF;
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

// Character classes of a code point, as the tokenizer asks them.
enum : std::uint8_t { kClsLetter = 1, kClsUpper = 2, kClsDigit = 4, kClsSpace = 8 };
constexpr std::uint8_t kClsAlnum = kClsLetter | kClsDigit;

// kClsUpper only together with kClsLetter; kClsSpace: is_space, a control character or DEL.
std::uint8_t char_class(char32_t cp) {
  std::uint8_t c = 0;
  if (is_letter(cp)) c |= kClsLetter | (is_upper(cp) ? kClsUpper : 0);
  if (is_digit(cp)) c |= kClsDigit;
  if (is_space(cp) || cp < 0x20 || cp == 0x7F) c |= kClsSpace;
  return c;
}

struct AsciiClasses {
  std::uint8_t cls[128];
  AsciiClasses() {
    for (char32_t c = 0; c < 128; ++c) cls[c] = char_class(c);
  }
};
const AsciiClasses kAscii;

// Decodes the code point at s[i] and returns its class; n = its length.
inline std::uint8_t class_at(std::string_view s, std::size_t i, char32_t& cp, std::size_t& n) {
  const unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    cp = b;
    n = 1;
    return kAscii.cls[b];
  }
  n = decode(s, i, cp);
  return char_class(cp);
}
bool is_alnum(char32_t cp) { return is_letter(cp) || is_digit(cp); }
bool is_apostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019; }

bool is_upper_at(std::string_view s, std::size_t i) {
  char32_t cp;
  decode(s, i, cp);
  return is_upper(cp);
}


}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Eight ASCII bytes at a time (most text is ASCII).
    while (i + 8 <= s.size() && !text_detail::any_non_ascii8(text_detail::load8(s.data() + i))) i += 8;
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    char32_t cp = c & (0x3F >> (n - 1));
    for (std::size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n;
  }
  return std::string_view::npos;
}

namespace {

// Four hex digits at s[i]; -1 when they are not.
long hex4_at(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return -1;
  long v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::size_t json_unescape(std::string_view s, std::size_t i, std::string* out) {
  if (i >= s.size()) return 0;
  char plain = 0;
  switch (s[i]) {
    case '"': plain = '"'; break;
    case '\\': plain = '\\'; break;
    case '/': plain = '/'; break;
    case 'b': plain = '\b'; break;
    case 'f': plain = '\f'; break;
    case 'n': plain = '\n'; break;
    case 'r': plain = '\r'; break;
    case 't': plain = '\t'; break;
    case 'u': break;
    default: return 0;
  }
  if (plain) {
    if (out) out->push_back(plain);
    return 1;
  }
  const long unit = hex4_at(s, i + 1);
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return 0;   // bad hex, a lone low surrogate
  char32_t cp = static_cast<char32_t>(unit);
  std::size_t used = 5;
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    if (i + 6 >= s.size() || s[i + 5] != '\\' || s[i + 6] != 'u') return 0;
    const long low = hex4_at(s, i + 7);
    if (low < 0xDC00 || low > 0xDFFF) return 0;
    cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
    used = 11;
  }
  if (out) append_utf8(*out, cp);
  return used;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  ascii_lower_copy(out.data(), out.data(), out.size());
  return out;
}

void ascii_lower_copy(char* dst, const char* src, std::size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {   // sixteen bytes a step; the last sixteen overlap (lower-casing twice changes nothing)
    auto lower16 = [&](std::size_t at) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at));
      // 'A'..'Z': x + (128 - 'A') < -128 + 26 as signed bytes
      const __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - 'A'))),
                                           _mm_set1_epi8(static_cast<char>(-128 + 26)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + at), _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    };
    for (std::size_t i = 0; i + 16 < n; i += 16) lower16(i);
    lower16(n - 16);
    return;
  }
#endif
  constexpr std::uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, src + i, 8);
    const std::uint64_t low7 = x & ~k80;                       // each byte's low seven bits
    const std::uint64_t ge_a = low7 + k01 * (0x80 - 'A');      // high bit: low7 >= 'A'
    const std::uint64_t gt_z = low7 + k01 * (0x7F - 'Z');      // high bit: low7 > 'Z'
    const std::uint64_t upper = (ge_a & ~gt_z) & ~x & k80;     // ASCII and in A..Z
    x |= upper >> 2;                                           // 0x80 >> 2 = 0x20
    std::memcpy(dst + i, &x, 8);
  }
  for (; i < n; ++i) {
    const char c = src[i];
    dst[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

namespace {

inline std::uint32_t fold_word(const char* p, std::size_t n);   // below

// What a one-character punctuation token can do at a sentence's edge.
enum : std::uint8_t { kEndsSentence = 1, kCloser = 2, kOpener = 4, kComma = 8 };
struct PunctRoles {
  std::uint8_t role[256];
  constexpr PunctRoles() : role{} {
    for (unsigned char c : {'.', '!', '?'}) role[c] = kEndsSentence;
    for (unsigned char c : {'"', '\''}) role[c] = kCloser | kOpener;
    for (unsigned char c : {')', ']'}) role[c] = kCloser;
    for (unsigned char c : {'(', '[', '-'}) role[c] = kOpener;
    role[static_cast<unsigned char>(',')] = kComma;
  }
};
constexpr PunctRoles kPunctRoles;

// The roles of token t: . ! ? and U+2026 end a sentence; " ' ) ] U+201D U+2019 close one; " U+201C '
// ( [ U+2018 - U+2014 may open the next. None for a token that is not punctuation.
inline std::uint8_t punct_roles(std::string_view text, const Token& t) {
  if (!t.has(kPunct)) return 0;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data()) + t.start;
  const std::uint32_t len = t.end - t.start;
  if (len == 1) return kPunctRoles.role[s[0]];
  if (len == 3 && s[0] == 0xE2 && s[1] == 0x80) {
    switch (s[2]) {
      case 0xA6: return kEndsSentence;     // U+2026
      case 0x9D: case 0x99: return kCloser;   // U+201D U+2019
      case 0x9C: case 0x98: case 0x94: return kOpener;   // U+201C U+2018 U+2014
      default: break;
    }
  }
  return 0;
}

// One token that starts at text[i] (not white space), the general way: any UTF-8, inner joiners,
// hyphen splits, the trailing period. flags holds the white-space flags; after_token: a token
// comes before this one. Returns the token (it ends at its end).
Token general_token(std::string_view text, std::size_t i, std::uint16_t flags, bool after_token,
                    const TextLexicons& lex) {
  char32_t cp;
  std::size_t n;
  const std::uint8_t cls0 = class_at(text, i, cp, n);
  Token t;
  t.start = static_cast<std::uint32_t>(i);
  if (cls0 & kClsAlnum) {
    flags |= kWord;
    bool first_letter_seen = false, all_upper = true;
    int letters = 0;
    bool lower_part = false, upper_part = false;  // per hyphen part: first letter case
    std::size_t j = i;
    std::size_t part_start = i;
    std::size_t hyphens = 0, first_hyphen = 0;   // inner hyphens, the first one's offset
    bool upper_later = false;                     // a part after the first starts upper-case
    bool ascii = true;                            // no multi-byte character in the token
    const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n_text = text.size();
    while (j < n_text) {
      char32_t c;
      std::size_t m;
      const std::uint8_t cls = class_at(text, j, c, m);
      if (cls & kClsAlnum) {
        if (cls & kClsLetter) {
          const bool up = (cls & kClsUpper) != 0;
          ++letters;
          if (!up) all_upper = false;
          if (!first_letter_seen) {
            first_letter_seen = true;
            flags |= up ? kCap : kLower;
          }
          if (j == part_start) {
            (up ? upper_part : lower_part) = true;
            if (up && j != i) upper_later = true;
          }
          if (m != 1) ascii = false;
          j += m;
          // A run of ASCII lower-case letters (the common case): no other state changes.
          {
            std::size_t q = j;
            while (q < n_text && p[q] >= 'a' && p[q] <= 'z') ++q;
            if (q != j) {
              letters += static_cast<int>(q - j);
              all_upper = false;
              j = q;
            }
          }
        } else {
          flags |= kDigit;
          j += m;
          while (j < n_text && p[j] >= '0' && p[j] <= '9') ++j;   // (digits change nothing else)
        }
        continue;
      }
      // Inner joiners: ' ’ - . & followed by an alphanumeric character.
      if (j + m < n_text && (c == '-' || c == '.' || c == '&' || is_apostrophe(c))) {
        char32_t next;
        std::size_t next_len;
        if (class_at(text, j + m, next, next_len) & kClsAlnum) {
          // "Renault's": the possessive becomes its own token.
          if (is_apostrophe(c) && (next == 's' || next == 'S')) {
            std::size_t after = j + m + 1;
            char32_t c2 = 0;
            if (after < text.size()) decode(text, after, c2);
            if (after >= text.size() || !is_alnum(c2)) break;
          }
          if (c == '-') {
            if (hyphens++ == 0) first_hyphen = j;
            part_start = j + m;
          }
          if (m != 1) ascii = false;
          j += m;
          continue;
        }
      }
      break;
    }
    // Split "Tokyo-based" (capitalised, then only lower-case parts) and "al-Assad" (one lower-case
    // prefix); keep "Ata-ur-Rehman" and "Jean-Dominique" whole.
    bool split = false;
    if (upper_part && lower_part) {
      const bool first_upper = is_upper_at(text, i);
      const std::size_t parts = hyphens + 1;
      split = (first_upper && !upper_later) || (!first_upper && parts == 2);
    }
    if (split) {
      j = first_hyphen;
      // Recompute flags for the first part only.
      flags &= static_cast<std::uint16_t>(~(kAllCaps | kDigit));
      all_upper = true;
      letters = 0;
      for (std::size_t k = i; k < j;) {
        char32_t c;
        k += decode(text, k, c);
        if (is_letter(c)) { ++letters; if (!is_upper(c)) all_upper = false; }
        if (is_digit(c)) flags |= kDigit;
      }
    } else if (hyphens != 0) {
      flags |= kHyphenated;
    }
    if (all_upper && letters >= 2) flags |= kAllCaps;
    // Trailing period that belongs to the word: known abbreviations, initials ("J."), dotted
    // acronyms ("U.S.").
    if (j < text.size() && text[j] == '.') {
      std::string_view word = text.substr(i, j - i);
      bool dotted = word.find('.') != std::string_view::npos;
      bool initial = letters == 1 && (flags & kCap) && (j - i) <= 2;
      if (dotted || initial || lex.abbreviations.count(text.substr(i, j + 1 - i))) {   // (the word and its ".")
        ++j;
        flags |= kAbbrev;
      }
    }
    t.end = static_cast<std::uint32_t>(j);
    t.flags = flags;
    t.fold = ascii ? fold_word(text.data() + i, j - i) : fold_hash(t.view(text));
    return t;
  }
  // "'s" possessive after a word, and any other single character: punctuation.
  if (is_apostrophe(cp) && i + n < text.size() && (text[i + n] == 's' || text[i + n] == 'S') && after_token &&
      !(flags & kSpaceBefore)) {
    std::size_t after = i + n + 1;
    char32_t c2 = 0;
    if (after < text.size()) decode(text, after, c2);
    if (after >= text.size() || !is_alnum(c2)) {
      t.end = static_cast<std::uint32_t>(after);
      t.flags = flags | kWord | kLower;
      t.fold = fold_hash(t.view(text));
      return t;
    }
  }
  t.end = static_cast<std::uint32_t>(i + n);
  t.flags = flags | kPunct;
  t.punct_roles = punct_roles(text, t);
  t.fold = fold_hash(t.view(text));
  return t;
}

// Byte classes for tokenize's fast path: ASCII letters and digits, white space (as char_class
// has it: is_space, control characters, DEL), the joiners - . & ' and bytes of multi-byte
// characters (>= 0x80, handed to general_token); kBBlank: ' ' (white space too).
enum : std::uint8_t { kBUpper = 1, kBLower = 2, kBSpace = 4, kBDigit = 8, kBJoiner = 16, kBHigh = 32, kBBlank = 64 };
static_assert(static_cast<int>(kBDigit) == static_cast<int>(kDigit), "a word's kDigit is its bytes' kBDigit");
constexpr std::uint8_t kBAlnum = kBUpper | kBLower | kBDigit;
struct ByteClasses {
  std::uint8_t cls[256];
  constexpr ByteClasses() : cls{} {
    for (int b = 0; b < 256; ++b) {
      std::uint8_t c = 0;
      if (b >= 'A' && b <= 'Z') c = kBUpper;
      else if (b >= 'a' && b <= 'z') c = kBLower;
      else if (b >= '0' && b <= '9') c = kBDigit;
      else if (b <= 0x20 || b == 0x7F) c = b == ' ' ? kBSpace | kBBlank : kBSpace;
      else if (b == '-' || b == '.' || b == '&' || b == '\'') c = kBJoiner;
      else if (b >= 0x80) c = kBHigh;
      cls[b] = c;
    }
  }
};
constexpr ByteClasses kBytes;

// fold_hash of a token made of ASCII letters, digits and the joiners . - & ': for those bytes the
// fold to lower case is setting bit 0x20 (the others have it already).
inline std::uint32_t fold_word(const char* p, std::size_t n) {
  constexpr std::uint64_t k20 = 0x2020202020202020ull;
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
  std::uint64_t w;
  if (n >= 8) {
    while (n > 8) {
      h = (h ^ (text_detail::load8(p) | k20)) * 0xC2B2AE3D27D4EB4Full;
      h ^= h >> 31;
      p += 8;
      n -= 8;
    }
    w = text_detail::load8(p + n - 8) | k20;
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = (a | (static_cast<std::uint64_t>(b) << 32)) | k20;
  } else {
    const unsigned char* q = reinterpret_cast<const unsigned char*>(p);
    w = (static_cast<std::uint64_t>(q[0]) | (static_cast<std::uint64_t>(q[n / 2]) << 8) |
         (static_cast<std::uint64_t>(q[n - 1]) << 16)) | 0x202020u;
  }
  h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return static_cast<std::uint32_t>(h);
}

// fold_hash of each one-byte token.
struct SingleByteFolds {
  std::uint32_t fold[256];
  SingleByteFolds() {
    for (int b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      fold[b] = fold_hash(std::string_view(&c, 1));
    }
  }
};
const SingleByteFolds kSingleFolds;

// kWord, kDigit and the case flag of an ASCII word of letters and digits by the class of its first
// byte and the classes of all its bytes, with kAskMore where these do not tell all: a first letter
// after digits, or upper-case letters only (kAllCaps wants two).
constexpr std::uint16_t kAskMore = 0x8000;
static_assert((kAskMore & (kWord | kCap | kAllCaps | kDigit | kPunct | kSpaceBefore | kNewlineBefore |
                           kBlankLineBefore | kHyphenated | kAbbrev | kLower)) == 0);
static_assert(kBUpper < 16 && kBLower < 16 && kBDigit < 16);
struct WordFlags {
  std::uint16_t flags[16][16];
  constexpr WordFlags() : flags{} {
    for (int first = 0; first < 16; ++first) {
      for (int seen = 0; seen < 16; ++seen) {
        int f = kWord | (seen & kBDigit) | ((first & kBUpper) ? kCap : (first & kBLower) ? kLower : 0);
        if (((first & kBDigit) && (seen & (kBUpper | kBLower))) || (seen & (kBUpper | kBLower)) == kBUpper)
          f |= kAskMore;
        flags[first][seen] = static_cast<std::uint16_t>(f);
      }
    }
  }
};
constexpr WordFlags kWordFlags;

// kWord, kDigit, kAllCaps and the case flags of the ASCII word p[i, j) of letters and digits; first:
// the class of p[i], seen: the classes of all its bytes.
inline std::uint16_t ascii_word_flags(const unsigned char* p, std::size_t i, std::size_t j, std::uint8_t first,
                                      std::uint8_t seen) {
  std::uint16_t flags = kWordFlags.flags[first & 15][seen & 15];
  if (!(flags & kAskMore)) return flags;
  flags &= static_cast<std::uint16_t>(~kAskMore);
  if ((first & kBDigit) && (seen & (kBUpper | kBLower))) {
    std::size_t f = i;
    while (!(kBytes.cls[p[f]] & (kBUpper | kBLower))) ++f;   // the first letter
    flags |= (kBytes.cls[p[f]] & kBUpper) ? kCap : kLower;
  }
  if ((seen & (kBUpper | kBLower)) == kBUpper) {   // at least two letters, all upper case?
    std::size_t uppers = j - i;
    if (seen & kBDigit) {
      uppers = 0;
      for (std::size_t k = i; k < j; ++k) uppers += (kBytes.cls[p[k]] & kBUpper) != 0;
    }
    if (uppers >= 2) flags |= kAllCaps;
  }
  return flags;
}

// Whether the "." after the ASCII word text[i, j) belongs to it: initials ("J.") and known
// abbreviations ("Co."). flags: the word's flags so far.
[[gnu::noinline]] bool keeps_period(std::string_view text, std::size_t i, std::size_t j, std::uint16_t flags,
                                    const TextLexicons& lex) {
  if ((flags & kCap) && j - i <= 2) {
    int letters = 0;
    for (std::size_t k = i; k < j; ++k) letters += (kBytes.cls[static_cast<unsigned char>(text[k])] & (kBUpper | kBLower)) != 0;
    if (letters == 1) return true;
  }
  return lex.abbreviations.count(text.substr(i, j + 1 - i)) != 0;   // (the word and its ".")
}

// A token's flags and punct_roles as one load, for split_sentences' skip loop that tests both on
// every token: they sit side by side in Token, the byte after them padding (masked off).
static_assert(offsetof(Token, punct_roles) == offsetof(Token, flags) + 2 &&
              offsetof(Token, fold) >= offsetof(Token, flags) + 4);
inline std::uint32_t flags_and_roles(const Token& t) {
  std::uint32_t v;
  std::memcpy(&v, reinterpret_cast<const unsigned char*>(&t) + offsetof(Token, flags), 4);
  return v;
}
// The mask that picks these flags and roles out of flags_and_roles (in the machine's byte order).
inline std::uint32_t flags_and_roles_mask(std::uint16_t flags, std::uint8_t roles) {
  unsigned char b[4] = {};
  std::memcpy(b, &flags, 2);
  b[2] = roles;
  std::uint32_t v;
  std::memcpy(&v, b, 4);
  return v;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text, const TextLexicons& lex) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::vector<Token> toks;
  toks.reserve(n / 4 + 16);   // news: about one token per five bytes
  // A run of ASCII letters and digits that starts before `bounded` ends before the text does: the
  // byte before `bounded` is none of them. (0: the text is one such run, or empty.) The loop below
  // stops there; the text's last run, from `bounded` on, is one word after it.
  std::size_t bounded = n;
  std::uint8_t tail_seen = 0;   // the classes of that last run's bytes
  for (std::uint8_t c; bounded > 0 && ((c = kBytes.cls[p[bounded - 1]]) & kBAlnum); --bounded) tail_seen |= c;
  std::size_t i = 0;
  // The white-space flags of the next token, gathered as the blanks go by; kLineSeen marks a
  // line break among them (a second one makes a blank line). The first token starts a line.
  constexpr std::uint16_t kLineSeen = 0x8000;
  static_assert((kLineSeen & (kWord | kCap | kAllCaps | kDigit | kPunct | kSpaceBefore | kNewlineBefore |
                              kBlankLineBefore | kHyphenated | kAbbrev | kLower)) == 0);
  std::uint16_t ws = kSpaceBefore | kNewlineBefore;
  if (n != 0) {   // (a token after leading white space starts a line only with a line break)
    char32_t cp;
    std::size_t m;
    if (class_at(text, 0, cp, m) & kClsSpace) ws = kSpaceBefore;
  }
  auto line_break = [&ws] {
    if (ws & kLineSeen) ws |= kBlankLineBefore;
    ws |= kLineSeen | kNewlineBefore;
  };
  while (i < bounded) {
    const std::uint8_t c = kBytes.cls[p[i]];
    if (c & kBAlnum) {
      // A run of ASCII letters and digits ended by white space, plain punctuation or the end of
      // the text; anything else (a multi-byte character, a joiner - . & ' before a letter or
      // digit) sends the token the general way, from its start.
      std::uint16_t flags = ws & static_cast<std::uint16_t>(~kLineSeen);
      ws = 0;
      std::size_t j = i + 1;
      std::uint8_t seen = c, ck;   // ck: the class of the byte that ends the run (i < bounded: one does)
      for (;;) {   // four bytes a step, no bounds to check
        ck = kBytes.cls[p[j]];
        if (!(ck & kBAlnum)) break;
        seen |= ck;
        ck = kBytes.cls[p[j + 1]];
        if (!(ck & kBAlnum)) {
          j += 1;
          break;
        }
        seen |= ck;
        ck = kBytes.cls[p[j + 2]];
        if (!(ck & kBAlnum)) {
          j += 2;
          break;
        }
        seen |= ck;
        ck = kBytes.cls[p[j + 3]];
        if (!(ck & kBAlnum)) {
          j += 3;
          break;
        }
        seen |= ck;
        j += 4;
      }
      if ((ck & (kBHigh | kBJoiner)) &&
          ((ck & kBHigh) || (j + 1 < n && (kBytes.cls[p[j + 1]] & (kBAlnum | kBHigh))))) {
        const Token t = general_token(text, i, flags, !toks.empty(), lex);
        toks.push_back(t);
        i = t.end;
        continue;
      }
      flags |= ascii_word_flags(p, i, j, c, seen);
      if ((ck & kBJoiner) && p[j] == '.' && keeps_period(text, i, j, flags, lex)) {
        ++j;
        flags |= kAbbrev;
        ck = j < n ? kBytes.cls[p[j]] : 0;
      }
      // (The token first, then its hash: the hash's registers are free by then, nothing spilled.)
      toks.push_back(Token{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0, flags, 0, 0});
      toks.back().fold = fold_word(text.data() + i, j - i);
      i = j;
      if (ck & kBBlank) {   // the usual one blank after a word
        ws = kSpaceBefore;
        ++i;
      }
      continue;
    }
    if (c & kBSpace) {
      if (p[i] == '\n') line_break();
      ws |= kSpaceBefore;
      ++i;
      while (i < n && p[i] == ' ') ++i;   // the common run of blanks
      continue;
    }
    if (c & kBHigh) {
      char32_t cp;
      std::size_t m;
      if (class_at(text, i, cp, m) & kClsSpace) {   // no-break space, U+2000.., BOM
        if (cp == '\n') line_break();   // (an overlong encoding)
        ws |= kSpaceBefore;
        i += m;
        while (i < n && p[i] == ' ') ++i;
        continue;
      }
    }
    const std::uint16_t flags = ws & static_cast<std::uint16_t>(~kLineSeen);
    ws = 0;
    // One ASCII punctuation character; an apostrophe only when it cannot start a possessive "'s"
    // (after white space, or first).
    if (!(c & kBHigh) && (p[i] != '\'' || (flags & kSpaceBefore) || toks.empty())) {
      toks.push_back(Token{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1), 0,
                           static_cast<std::uint16_t>(flags | kPunct), kPunctRoles.role[p[i]], kSingleFolds.fold[p[i]]});
      ++i;
      if (i < n && p[i] == ' ') {
        ws = kSpaceBefore;
        ++i;
      }
      continue;
    }
    const Token t = general_token(text, i, flags, !toks.empty(), lex);
    toks.push_back(t);
    i = t.end;
  }
  if (i == bounded && i < n) {   // the text ends in a run of letters and digits: a word to the end
    const std::uint16_t flags = ws & static_cast<std::uint16_t>(~kLineSeen);
    toks.push_back(Token{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(n), 0,
                         static_cast<std::uint16_t>(flags | ascii_word_flags(p, i, n, kBytes.cls[p[i]], tail_seen)), 0,
                         fold_word(text.data() + i, n - i)});
    i = n;
  }
  while (i < n) {   // what is left of that run after a token that went into it
    const std::uint16_t flags = ws & static_cast<std::uint16_t>(~kLineSeen);
    ws = 0;
    const Token t = general_token(text, i, flags, !toks.empty(), lex);
    toks.push_back(t);
    i = t.end;
  }
  // (Moved out, not returned by name: toks stays in this frame, so the loop's push_backs reach its
  // end and capacity at fixed places rather than through the address of the caller's vector.)
  return std::vector<Token>(std::move(toks));
}

std::vector<Sentence> split_sentences(std::string_view text, std::vector<Token>& tokens, const TextLexicons& lex) {
  std::vector<Sentence> out;
  if (tokens.empty()) return out;
  const std::size_t n_tokens = tokens.size();
  out.reserve(n_tokens / 16 + 4);   // news: about 25 tokens a sentence
  Token* const tk = tokens.data();
  auto is_closer = [](const Token& t) { return (t.punct_roles & kCloser) != 0; };
  auto starts_sentence = [&](const Token& t) {
    if (t.has(kCap) || t.has(kDigit)) return true;
    return (t.punct_roles & kOpener) != 0;
  };
  // Each token is numbered as the loop passes it (skips it or looks at it), with the sentence then
  // open, which is its own: a sentence ends no earlier than right before the token the loop stops
  // at (the closers after that token are numbered as they join it, the rest at the end).
  std::size_t begin = 0;
  std::uint32_t index = 0;
  auto close = [&](std::size_t last) {   // (its tokens numbered)
    out.push_back({tk[begin].start, tk[last].end});
    ++index;
    begin = last + 1;
  };
  // The first token of the current line: no line break lies between it and a later token of the
  // line (white space, with any line break, only comes before a token flagged kNewlineBefore; the
  // tokens the loop skips, closers without space before, have none).
  std::size_t line_tok = 0;
  const std::uint32_t may_stop = flags_and_roles_mask(kNewlineBefore | kAbbrev, kEndsSentence);
  for (std::size_t k = 0; k < n_tokens; ++k) {
    // Skip the tokens that neither follow a line break nor can end a sentence (most words, commas),
    // four at a time while they last.
    while (k + 4 < n_tokens && !((flags_and_roles(tk[k]) | flags_and_roles(tk[k + 1]) | flags_and_roles(tk[k + 2]) |
                                  flags_and_roles(tk[k + 3])) & may_stop)) {
      tk[k].sentence = index;
      tk[k + 1].sentence = index;
      tk[k + 2].sentence = index;
      tk[k + 3].sentence = index;
      k += 4;
    }
    while (k + 1 < n_tokens && !(flags_and_roles(tk[k]) & may_stop)) tk[k++].sentence = index;
    const Token& t = tk[k];
    // Line breaks.
    if (t.has(kNewlineBefore)) {
      const std::size_t first = line_tok;
      line_tok = k;
      if (k > begin) {
        const Token& prev = tk[k - 1];
        // A wrapped paragraph: the line before is long prose that stops mid-sentence. The last line
        // break before prev is the one before the first token of its line (looked for only when the
        // rest holds).
        auto long_line = [&] {
          std::size_t line_start = text.rfind('\n', tk[first].start);
          line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
          return prev.end - line_start >= 40;
        };
        bool wrapped = !t.has(kBlankLineBefore) && (prev.has(kLower) || (prev.punct_roles & kComma)) && long_line();
        if (!wrapped) {
          close(k - 1);
          tk[k].sentence = index;
          continue;
        }
      }
    }
    if (k + 1 >= n_tokens) break;   // (numbered below)
    tk[k].sentence = index;
    bool terminal = (t.punct_roles & kEndsSentence) != 0;
    bool abbrev_end = t.has(kAbbrev);
    if (!terminal && !abbrev_end) continue;
    std::size_t last = k;
    while (last + 1 < n_tokens && is_closer(tk[last + 1]) && !tk[last + 1].has(kSpaceBefore)) ++last;
    if (last + 1 >= n_tokens) break;
    const Token& next = tk[last + 1];
    if (!next.has(kSpaceBefore) || next.has(kNewlineBefore)) continue;  // handled by line rule
    if (!starts_sentence(next)) continue;
    if (abbrev_end && !terminal) {
      // "Nissan Motor Co. The alliance ...": only a typical sentence starter ends it. A lone capital
      // after a lower-case word ("turned the service into X. Musk said") ends the sentence too:
      // an initial follows a given name or a title, not a verb or a preposition.
      const std::string_view word = next.view(text);
      bool lone_capital = t.end - t.start == 2 && k > begin && tk[k - 1].has(kLower) &&
                          tk[k - 1].has(kWord);
      if (!lex.sentence_starters.count(word) && !lone_capital) continue;
    }
    for (std::size_t m = k + 1; m <= last; ++m) tk[m].sentence = index;   // the closers
    close(last);
    k = last;
  }
  if (begin < n_tokens) {   // the last sentence, from the tokens the loop stopped before
    for (std::size_t m = begin; m < n_tokens; ++m) tk[m].sentence = index;
    close(n_tokens - 1);
  }
  return out;
}

}  // namespace storyline::extractor
