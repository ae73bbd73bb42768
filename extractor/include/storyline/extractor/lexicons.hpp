// storyline::extractor — the word lists every rule stage shares, loaded once from rule files.
//
//   Result<Lexicons> lex = Lexicons::load(RuleDirs::defaults());
//   lex->places.match(text, tokens, k, end, /*any_case=*/false, &len);   // "United States" -> LOC
//
// Immutable after load; safe to share between threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storyline/extractor/rules.hpp"
#include "storyline/extractor/text.hpp"

namespace storyline::extractor {

namespace lexicon_detail {
// The n (< 8) bytes at p as one number, read inside them: n >= 4 as two overlapping 4-byte loads;
// shorter, their first, middle and last bytes (which are all of them). Two strings of one length
// n are equal exactly when these numbers are.
inline std::uint64_t load_short(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (static_cast<std::uint64_t>(b) << 32);
  }
  if (n == 0) return 0;
  return static_cast<unsigned char>(p[0]) | (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
         (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
}
// lower_equals(word, key) (key as it is, word with 'A'..'Z' lower-cased), eight bytes at a time:
// a word a hash look-up found is mostly equal to the key, all its bytes compared.
inline bool folded_equals(std::string_view word, std::string_view key) {
  const std::size_t n = word.size();
  if (n != key.size()) return false;
  const char* p = word.data();
  const char* q = key.data();
  if (n < 8) return text_detail::fold8(load_short(p, n)) == load_short(q, n);
  for (std::size_t i = 0; i + 8 < n; i += 8)
    if (text_detail::fold8(text_detail::load8(p + i)) != text_detail::load8(q + i)) return false;
  return text_detail::fold8(text_detail::load8(p + n - 8)) == text_detail::load8(q + n - 8);   // (the last eight)
}
// a == b, the same way (no call: the strings compared here are short).
inline bool same_bytes(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n < 8) return load_short(p, n) == load_short(q, n);
  for (std::size_t i = 0; i + 8 < n; i += 8)
    if (text_detail::load8(p + i) != text_detail::load8(q + i)) return false;
  return text_detail::load8(p + n - 8) == text_detail::load8(q + n - 8);
}
// The ASCII capitals of a word of at most eight bytes, as bits (0x20 at each, read as
// load_short reads): two words of one length and equal up to case are equal exactly when these are.
inline std::uint64_t case_bits(std::string_view w) {
  const std::uint64_t x = w.size() < 8 ? load_short(w.data(), w.size()) : text_detail::load8(w.data());
  return x ^ text_detail::fold8(x);
}
}  // namespace lexicon_detail

// Multi-token phrases matched on token boundaries, longest first.
class PhraseTable {
 public:
  struct Entry {
    std::vector<std::string> tokens;   // surface tokens of the phrase
    // case_bits(tokens[0]) when it is at most eight bytes: a token that equals it up to case (as
    // every token that found its bucket does) equals it exactly when its capitals are these; the
    // entry's own line says so, not the tokens' bytes, one more cache line away.
    std::uint64_t first_case = 0;
    std::string value;                 // payload (type, kind, canonical form ...)
    std::string extra;
    std::string code;                  // places: ISO code ("US", "US-DE", city: its country's)
  };
  void add(std::string_view phrase, std::string value, std::string extra, const TextLexicons& lex,
           std::string code = "");
  // Longest entry matching tokens[k..end); nullptr if none. `any_case` compares ASCII-case-insensitively.
  const Entry* match(std::string_view text, const std::vector<Token>& tokens, std::size_t k, std::size_t end,
                     bool any_case) const;
  // Whether a one-token entry is exactly `word` (case-sensitive): what match() says of `word`
  // taken as a single token.
  bool has_single(std::string_view word) const;
  bool has_single(std::string_view word, std::uint32_t fold) const;   // fold = fold_hash(word)
  bool empty() const { return buckets_.empty(); }
  // False when no phrase can start with the token (then match() at it is nullptr): one bit read
  // (a bit per first token's fold hash, at least 16 bits per key).
  bool may_start(const Token& t) const { return may_start(t.fold); }
  bool may_start(std::uint32_t fold) const {   // fold = fold_hash of the first token's text
    if (start_mask_ == 0) return false;   // (no phrase)
    const std::size_t x = start_bit(fold);
    return (starts_[x >> 6] >> (x & 63)) & 1;
  }
  std::size_t size() const { return count_; }
  // Room for `phrases` more phrases (at most that many new first words) without regrowing.
  void reserve(std::size_t phrases);
  // f(key, entry) for every entry, key its first token lower-cased: match() with any_case finds
  // an entry only at a token that lower-cases to its key.
  template <class F>
  void for_each_entry(F&& f) const {
    for (const Bucket& b : buckets_)
      for (const Entry& e : b.entries) f(std::string_view(b.key), e);
  }
  // fold_hash of every phrase's first token (once each).
  std::vector<std::uint32_t> start_hashes() const {
    std::vector<std::uint32_t> out;
    for (const Slot& s : slots_)
      if (s.bucket != 0) out.push_back(s.hash);
    return out;
  }

 private:
  // A first word's entries. What match_slot reads of it (the key, the entries, the filter on
  // second tokens and where the one-token entries start) fills the first 64 bytes, one cache line:
  // a look-up that finds a bucket mostly ends there or at its entries.
  struct alignas(64) Bucket {
    std::string key;              // lower-cased first token
    std::vector<Entry> entries;   // longest first, insertion order among equal lengths
    std::uint32_t second_bits = 0;   // bit (fold_hash of the second token & 31) of every entry of two tokens or more
    std::uint32_t singles = 0;       // index of the first one-token entry (they come last)
    // The entries of two tokens or more as (second << 32) | index, sorted: those whose second
    // token has a given fold hash, in entry order, without a pass over the others.
    std::vector<std::uint64_t> multi;
  };
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t bucket = 0;     // index into buckets_ + 1; 0 = empty slot
  };
  std::vector<Bucket> buckets_;
  std::vector<Slot> slots_;       // open addressing on fold_hash, a power of two, at most a quarter full
  std::vector<std::uint64_t> starts_;   // may_start's bits: slots_.size() * 4 of them
  std::size_t start_mask_ = 0;          // starts_.size() * 64 - 1 (0 while empty)
  std::size_t start_bit(std::uint32_t h) const { return (h ^ (h >> 15)) & start_mask_; }
  std::size_t count_ = 0;
  void grow(std::size_t cap);   // slots_ (and starts_) to `cap` slots, a power of two
  const Bucket* find(std::string_view word, std::uint32_t hash) const;   // bucket whose key is ascii_lower(word)
  const Entry* match_slot(std::string_view text, const std::vector<Token>& tokens, std::size_t k, std::size_t end,
                          bool any_case) const;
  // match_slot's entries of two tokens or more in bucket b (nullptr if none matches).
  const Entry* match_longer(const Bucket& b, std::string_view text, const std::vector<Token>& tokens, std::size_t k,
                            std::size_t end, bool any_case) const;
  // word == e.tokens[0], for a word equal to it up to case (one whose bucket is e's).
  static bool same_first(std::string_view word, const Entry& e) {
    return word.size() <= 8 ? lexicon_detail::case_bits(word) == e.first_case : lexicon_detail::same_bytes(word, e.tokens[0]);
  }
};

inline const PhraseTable::Entry* PhraseTable::match(std::string_view text, const std::vector<Token>& tokens,
                                                    std::size_t k, std::size_t end, bool any_case) const {
  // Most words start no phrase: their slot is empty (the table is at most a quarter full).
  if (k >= end || !may_start(tokens[k])) return nullptr;
  return match_slot(text, tokens, k, end, any_case);
}

// Distinct words in the order first added, looked up by their exact text: a set of many words
// without a node and a hash per word. While the words come in strictly ascending order (sorted
// word lists) no index is kept (count() searches the sorted words); from the first word out of
// order on, an index by fold_hash (open addressing, at most half full).
// Word tables elsewhere keep views of the strings: a loaded set is not changed.
class WordSet {
 public:
  void reserve(std::size_t n);
  bool emplace(std::string_view word);   // false (and nothing added) when already there
  std::size_t count(std::string_view word) const;
  std::size_t size() const { return words_.size(); }
  bool empty() const { return words_.empty(); }
  std::vector<std::string>::const_iterator begin() const { return words_.begin(); }
  std::vector<std::string>::const_iterator end() const { return words_.end(); }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t word = 0;   // index into words_ + 1; 0 = empty slot
  };
  std::vector<std::string> words_;
  std::vector<Slot> slots_;   // a power of two; empty while words_ is strictly ascending
  void rehash(std::size_t cap);
  void index();   // the slots for words_ (from the first word out of order on)
};

struct Lexicons {
  TextLexicons text;
  PhraseTable places;          // value: LOC, extra: kind (country | region | city)
  PhraseTable user_entities;   // user/gazetteer JSONL patterns: value: type, extra: id
  PhraseTable person_cues;     // value: title | role
  PhraseTable demonyms;        // value: place name
  PhraseTable references;      // "he", "the company": value: the type they refer back to
  std::unordered_map<std::string, std::string> pair_nouns;   // "automakers" -> ORG ("the two automakers")
  std::unordered_map<std::string, std::string> org_suffixes;   // surface -> canonical
  std::unordered_map<std::string, std::string> org_heads;      // word -> any | last | first
  std::unordered_map<std::string, std::string> loc_heads;      // word -> last | first
  std::unordered_map<std::string, std::string> misc_heads;     // word -> last | suffix ("exit": "Brexit")
  std::unordered_map<std::string, std::string> facility_heads; // "rig" -> MISC, "mine" -> LOC, "oil" -> mod, "the" -> det
  PhraseTable known_names;     // well-known names without a head word ("Nasdaq"): value: type, extra: kind
  WordSet given_names;
  std::unordered_set<std::string> numbered_heads;  // "Flight" (610), "Euro" (96)
  WordSet common_words;   // lower-case English words
  std::unordered_set<std::string> non_entities;   // "The", "But", ...
  std::map<std::pair<std::string, std::string>, std::string> context_cues;   // (word, side) -> type
  // The same cues by side, for lookups by one key: word -> type.
  std::unordered_map<std::string, std::string> cues_before, cues_after, cues_fixture;
  std::unordered_set<std::string> country_names;  // one-word countries and regions ("Rwanda")
  std::vector<std::pair<std::string, std::string>> demonym_rules;   // strip, add

  // "Rwandan", "Iraqis", "Sudanese": a listed demonym or religion word, or a word that the
  // demonym rules turn into a one-word country or region.
  bool is_demonym(std::string_view word) const;

  // Loads en/lexicon/*.tsv and en/gazetteer/*.jsonl; Error{"rules.*"} naming the file and line.
  static Result<Lexicons> load(const RuleDirs& dirs);
};

}  // namespace storyline::extractor
