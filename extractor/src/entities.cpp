#include "storyline/extractor/entities.hpp"

#include "storyline/extractor/ascii.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <forward_list>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace storyline::extractor {

namespace {
// A word list keyed by fold_hash (Token::fold), so a token is looked up without making a string.
// Keys are unique (they come from the lexicons' sets and maps); the keys are copied into the
// table, the values are pointers to the lexicons' strings (the tagger keeps the lexicons alive).
class WordTable {
 public:
  template <typename Map>
  static WordTable from_map(const Map& m) {
    WordTable t;
    t.reserve(m.size());
    for (const auto& [k, v] : m) t.add(k, &v);
    t.finish();
    return t;
  }
  template <typename Set>
  static WordTable from_set(const Set& m) {
    static const std::string none;
    WordTable t;
    t.reserve(m.size());
    for (const auto& k : m) t.add(k, &none);
    t.only_ = &none;
    t.finish();
    return t;
  }
  // The distinct words each(add) gives through add(word), at most `most` of them. (Without the
  // words of `unless`, when given.)
  template <typename Each>
  static WordTable from_words(std::size_t most, Each each, const WordTable* unless = nullptr) {
    static const std::string none;
    WordTable t;
    t.reserve(most);
    each([&](std::string_view word) {
      const std::uint32_t h = fold_hash(word);
      if (t.exact_probe(word, h) || (unless && unless->exact(word, h))) return;   // (given before, or not wanted)
      t.add(word, &none, h);
    });
    t.only_ = &none;
    t.finish();
    return t;
  }
  // The value of the key equal to `word` (case-sensitive), or nullptr; hash = fold_hash(word).
  // (The bit test inline where the word is looked up: most words find their bit clear.)
  [[gnu::always_inline]] const std::string* exact(std::string_view word, std::uint32_t hash) const {
    return maybe(hash) ? exact_probe(word, hash) : nullptr;
  }
  [[gnu::noinline]] const std::string* exact_probe(std::string_view word, std::uint32_t hash) const {
    return probe(word, hash, head(word), false);
  }
  // The value of the key equal to ascii_lower(word), or nullptr; hash = fold_hash(word).
  [[gnu::always_inline]] const std::string* folded(std::string_view word, std::uint32_t hash) const {
    if (!maybe(hash)) return nullptr;
    return probe(word, hash, text_detail::fold8(head(word)), true);
  }

 private:
  // A key's hash, length and first eight bytes are in its slot: a key of eight bytes or less (most
  // words) is told from a word by its slot alone, one cache line, not the slot, the item and the
  // string's bytes (three lines, which a big table's look-ups mostly miss).
  struct Slot {
    std::uint64_t head = 0;   // head(key)
    std::uint32_t hash = 0;
    std::uint32_t item = 0;   // where the key starts in pool_ + 1 (0 = empty; the pools are far under
                              // 2^24 bytes), and min(key length, 255) << 24
  };
  static constexpr std::uint32_t kItemBits = 0xFFFFFF;
  static std::uint32_t short_size(std::size_t n) { return static_cast<std::uint32_t>(std::min<std::size_t>(n, 255)) << 24; }
  // The word's first eight bytes as one number (all of a shorter word, read as load_short does):
  // two words of one length up to eight are equal exactly when these are.
  static std::uint64_t head(std::string_view w) {
    return w.size() < 8 ? lexicon_detail::load_short(w.data(), w.size()) : text_detail::load8(w.data());
  }
  // The value of the key equal to `word` (up to case when `fold`; `want` is head(word), folded
  // when `fold`).
  [[gnu::always_inline]] const std::string* probe(std::string_view word, std::uint32_t hash, std::uint64_t want,
                                                  bool fold) const {
    const std::uint32_t size = short_size(word.size());
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.item == 0) return nullptr;
      if (s.hash != hash || (s.item & ~kItemBits) != size || s.head != want) continue;
      const char* const at = pool_.data() + (s.item & kItemBits) - 1;
      if (word.size() > 8) {
        std::uint32_t n;
        std::memcpy(&n, at + sizeof(const std::string*), sizeof n);
        const std::string_view key(at + kHeader, n);
        if (!(fold ? lexicon_detail::folded_equals(word, key) : lexicon_detail::same_bytes(key, word))) continue;
      }
      if (only_) return only_;   // (a set's one value, without reading the pool)
      const std::string* value;
      std::memcpy(&value, at, sizeof value);
      return value;
    }
  }
  // Each key as its value (a pointer's bytes), its length (four bytes) and its bytes, one after
  // the other: a key longer than eight bytes is compared with the bytes its slot leads to, not
  // through an item to a string elsewhere (one cache line fewer).
  static constexpr std::size_t kHeader = sizeof(const std::string*) + sizeof(std::uint32_t);
  std::vector<char> pool_;
  std::size_t count_ = 0;
  const std::string* only_ = nullptr;   // the value of every key of a set (nullptr: a map)
  std::vector<Slot> slots_ = std::vector<Slot>(16);
  std::size_t mask_ = 15;
  // A bit per key's hash (at least 16 bits per key, and 1024): a word whose bit is clear is no
  // key. (Most words asked about are none: the small lists are asked about every capitalised word.
  // A small list's bits are a few cache lines: the dozen lists' bits stay in the data cache
  // together, where 2 KB each pushed one another out.)
  std::vector<std::uint64_t> bits_ = std::vector<std::uint64_t>(1, 0);
  std::size_t bit_mask_ = 63;
  bool maybe(std::uint32_t h) const {
    const std::size_t x = (h ^ (h >> 13)) & bit_mask_;
    return (bits_[x >> 6] >> (x & 63)) & 1;
  }
  void finish() {
    std::size_t n = 1024;
    while (n < count_ * 16) n *= 2;
    bits_.assign(n / 64, 0);
    bit_mask_ = n - 1;
    for (const Slot& sl : slots_)
      if (sl.item != 0) {
        const std::size_t x = (sl.hash ^ (sl.hash >> 13)) & bit_mask_;
        bits_[x >> 6] |= std::uint64_t{1} << (x & 63);
      }
  }
  void reserve(std::size_t n) {
    pool_.reserve(n * (kHeader + 12));
    std::size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  // (Inline in the from_* loops: tens of thousands of words at load.)
  [[gnu::always_inline]] void add(std::string_view key, const std::string* value) { add(key, value, fold_hash(key)); }
  [[gnu::always_inline]] void add(std::string_view key, const std::string* value, std::uint32_t hash) {   // hash = fold_hash(key)
    const std::size_t at = pool_.size();
    const auto n = static_cast<std::uint32_t>(key.size());
    // A slot has 24 bits for where its key starts: a word list past 16 MB (only a rules folder
    // could give one) is refused at load, never looked up wrong.
    if (at + kHeader + n > kItemBits)
      throw std::length_error("a word list of the entity rules is larger than 16 MB");
    pool_.resize(at + kHeader + n);
    std::memcpy(pool_.data() + at, &value, sizeof value);
    std::memcpy(pool_.data() + at + sizeof value, &n, sizeof n);
    std::memcpy(pool_.data() + at + kHeader, key.data(), n);
    if (++count_ * 2 > slots_.size()) {
      std::vector<Slot> old(slots_.size() * 2);
      old.swap(slots_);
      mask_ = slots_.size() - 1;
      for (const Slot& s : old)
        if (s.item != 0) place(s);
    }
    place(Slot{head(key), hash, static_cast<std::uint32_t>(at + 1) | short_size(key.size())});
  }
  void place(const Slot& s) {
    std::size_t i = s.hash & mask_;
    while (slots_[i].item != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
};
}  // namespace

// Lookups derived once from the lexicons (the tagger is shared by threads: read-only).
struct EntityTagger::Index {
  WordTable org_heads, loc_heads, misc_heads, org_suffixes, given_names, numbered_heads, non_entities,
      common_words, cues_before, cues_after, cues_fixture, facility_heads, pair_nouns;
  // Lexicons::is_demonym without the rule loop: every word the demonym rules turn into a one-word
  // country or region ("Rwandan" -> "Rwanda"), stems of three letters or more (once each), but
  // the countries and regions themselves (a place is not its demonym).
  WordTable derived_demonyms_table;
  std::vector<std::string> misc_suffixes;   // misc_heads.tsv entries with position "suffix"
  // A mark per fold hash (its low 10 bits) of the words the coreference step may act on: the
  // first words of references, "both" and "the"; and of "and" and "or" (for the first walk). A
  // word whose mark is clear is none of them. (A byte per mark, not a bit: asked about every word
  // of the text, one load and no shifts. 1 KB, not 4: it stays in the data cache; the few more
  // words let through are passed over by the step.)
  std::array<unsigned char, 1024> ref_words{};
  bool may_refer(std::uint32_t h) const { return ref_words[h & 1023] != 0; }
  // Whether references.match() at a word can find anything, before the look-up: a bit per fold
  // hash of the first word of a one-word reference ("he"), and one per pair of fold hashes of
  // the first two words of a longer one ("the company"). Most "the"s start none.
  std::array<std::uint64_t, 64> ref_singles{}, ref_pairs{};
  static std::uint32_t pair_bit(std::uint32_t h1, std::uint32_t h2) { return ((h1 * 0x9E3779B1u) ^ h2) & 4095; }
  bool may_match_ref(std::uint32_t h1, std::uint32_t h2, bool has_next) const {
    if ((ref_singles[(h1 >> 6) & 63] >> (h1 & 63)) & 1) return true;
    const std::uint32_t x = pair_bit(h1, h2);
    return has_next && ((ref_pairs[x >> 6] >> (x & 63)) & 1);
  }
};

EntityTagger::EntityTagger(std::shared_ptr<const Lexicons> lex) : lex_(std::move(lex)) {
  auto index = std::make_shared<Index>();
  // (Made into the table at once, not first into a set of strings: thousands of words.)
  const WordTable countries = WordTable::from_set(lex_->country_names);
  index->derived_demonyms_table = WordTable::from_words(
      lex_->country_names.size() * lex_->demonym_rules.size(), [&](auto&& add_word) {
        std::string word;   // (reused)
        for (const std::string& country : lex_->country_names)
          for (const auto& [strip, add] : lex_->demonym_rules) {
            if (country.size() < add.size() + 3 || country.compare(country.size() - add.size(), add.size(), add) != 0)
              continue;
            word.assign(country, 0, country.size() - add.size());
            word += strip;
            add_word(word);
          }
      },
      &countries);
  for (const auto& [suffix, pos] : lex_->misc_heads)
    if (pos == "suffix") index->misc_suffixes.push_back(suffix);
  index->org_heads = WordTable::from_map(lex_->org_heads);
  index->loc_heads = WordTable::from_map(lex_->loc_heads);
  index->misc_heads = WordTable::from_map(lex_->misc_heads);
  index->org_suffixes = WordTable::from_map(lex_->org_suffixes);
  index->given_names = WordTable::from_set(lex_->given_names);
  index->numbered_heads = WordTable::from_set(lex_->numbered_heads);
  index->non_entities = WordTable::from_set(lex_->non_entities);
  index->common_words = WordTable::from_set(lex_->common_words);
  index->cues_before = WordTable::from_map(lex_->cues_before);
  index->cues_after = WordTable::from_map(lex_->cues_after);
  index->cues_fixture = WordTable::from_map(lex_->cues_fixture);
  index->facility_heads = WordTable::from_map(lex_->facility_heads);
  index->pair_nouns = WordTable::from_map(lex_->pair_nouns);
  std::vector<std::uint32_t> ref_hashes = lex_->references.start_hashes();
  ref_hashes.push_back(fold_hash("both"));
  ref_hashes.push_back(fold_hash("the"));
  // (And "and" and "or", which the first walk looks for among the words whose bit is set; the
  // coreference step passes over them.)
  ref_hashes.push_back(fold_hash("and"));
  ref_hashes.push_back(fold_hash("or"));
  for (std::uint32_t h : ref_hashes) index->ref_words[h & 1023] = 1;
  lex_->references.for_each_entry([&](std::string_view, const PhraseTable::Entry& e) {
    const std::uint32_t h1 = fold_hash(e.tokens[0]);
    if (e.tokens.size() == 1) {
      index->ref_singles[(h1 >> 6) & 63] |= std::uint64_t{1} << (h1 & 63);
    } else {
      const std::uint32_t x = Index::pair_bit(h1, fold_hash(e.tokens[1]));
      index->ref_pairs[x >> 6] |= std::uint64_t{1} << (x & 63);
    }
  });
  index_ = std::move(index);
}

namespace {

// Lexicons::is_demonym(word), the rule loop answered by the derived set; fold = fold_hash(word).
bool is_demonym(const Lexicons& lex, const EntityTagger::Index& ix, std::string_view word, std::uint32_t fold) {
  if (word.size() < 4) return false;
  if (lex.demonyms.may_start(fold) && lex.demonyms.has_single(word, fold)) return true;   // (the bit inline: mostly clear)
  // (The word, then without a plural "s"; the places themselves are not in the derived set.)
  if (ix.derived_demonyms_table.exact(word, fold)) return true;
  if (word.back() != 's') return false;
  const std::string_view singular = word.substr(0, word.size() - 1);
  return ix.derived_demonyms_table.exact(singular, fold_hash(singular)) != nullptr;
}

struct Cand {
  Cand() = default;
  Cand(std::size_t tb_, std::size_t te_, std::size_t start_, std::size_t end_, std::size_t sentence_, std::string_view type_,
       bool strong_)
      : tb(tb_), te(te_), start(start_), end(end_), sentence(sentence_), type(type_), strong(strong_) {}
  std::size_t tb = 0, te = 0;        // tokens [tb, te)
  std::size_t start = 0, end = 0;    // bytes
  std::size_t sentence = 0;
  // Views of literals or of the lexicons' strings (the tagger keeps the lexicons alive): a
  // candidate is copied and sorted without allocating.
  std::string_view type;             // "" = unknown
  bool strong = false;
  bool hyphen_pair = false;
  bool acronym = false;
  bool drop_unless_known = false;
  std::string_view user_id;
  std::string_view place_code;       // ISO code from the gazetteer
  bool place_is_country = false;
  std::size_t entity = static_cast<std::size_t>(-1);
};

struct Work {
  std::string_view text;
  const std::vector<Token>& toks;
  const Lexicons& lex;
  const EntityTagger::Index& ix;
  // (The vectors and the string are a thread's scratch, reused from document to document.)
  std::vector<char>& blocked;        // token covered by a timex
  std::vector<Cand>& cands;
  std::string& scratch;              // reused for keys made of several words

  std::string_view tv(std::size_t k) const { return toks[k].view(text); }
  // The token (case-sensitive) in a word list: its value, or nullptr.
  [[gnu::always_inline]] const std::string* in(const WordTable& t, std::size_t k) const {
    return t.exact(tv(k), toks[k].fold);
  }
  [[gnu::always_inline]] bool has(const WordTable& t, std::size_t k) const { return in(t, k) != nullptr; }
  // ascii_lower(token) in a word list: its value, or nullptr.
  const std::string* lowered_in(const WordTable& t, std::size_t k) const { return t.folded(tv(k), toks[k].fold); }
  // given_names.count(first_part(token)): the part before a hyphen.
  bool given_first(std::size_t k) const {
    // (A word has a '-' exactly when the tokenizer flags it kHyphenated.)
    if (toks[k].has(kWord) && !toks[k].has(kHyphenated)) return has(ix.given_names, k);
    const std::string_view t = tv(k);
    const std::size_t h = t.find('-');
    if (h == std::string_view::npos) return has(ix.given_names, k);
    return ix.given_names.exact(t.substr(0, h), fold_hash(t.substr(0, h))) != nullptr;
  }
  std::string span_text(std::size_t s, std::size_t e) const { return std::string(text.substr(s, e - s)); }
  bool cap(std::size_t k) const { return toks[k].has(kWord) && (toks[k].has(kCap) || toks[k].has(kAllCaps)); }
  // Memoised per token (the word lists are consulted many times for the same token): bit 0 set
  // when common() is known, bit 1 its answer; bits 2 and 3 the same for demonym(). Sized by tag().
  std::vector<unsigned char>& memo;
  [[gnu::always_inline]] bool common(std::size_t k) const {
    const unsigned char m = memo[k];
    return (m & 1) ? (m & 2) != 0 : common_slow(k);
  }
  [[gnu::noinline]] bool common_slow(std::size_t k) const {
    // common_words.count(ascii_lower(token)), without a final ".".
    const std::string_view t = tv(k);
    bool v;
    if (!t.empty() && t.back() == '.')
      v = ix.common_words.folded(t.substr(0, t.size() - 1), fold_hash(t.substr(0, t.size() - 1))) != nullptr;
    else
      v = ix.common_words.folded(t, toks[k].fold) != nullptr;
    memo[k] |= static_cast<unsigned char>(v ? 3 : 1);
    return v;
  }
  // Lexicons::is_demonym of the token's text, memoised.
  [[gnu::always_inline]] bool demonym(std::size_t k) const {
    const unsigned char m = memo[k];
    return (m & 4) ? (m & 8) != 0 : demonym_slow(k);
  }
  [[gnu::noinline]] bool demonym_slow(std::size_t k) const {
    const bool v = is_demonym(lex, ix, tv(k), toks[k].fold);
    memo[k] |= static_cast<unsigned char>(v ? 12 : 4);
    return v;
  }
  bool is_cue_before(std::size_t k, std::size_t a, std::string_view* kind) const {
    for (std::size_t len = 1; len <= 4 && len <= k - a; ++len) {
      const auto* e = lex.person_cues.may_start(toks[k - len]) ? lex.person_cues.match(text, toks, k - len, k, false) : nullptr;
      if (e && e->tokens.size() == len) {
        if (kind) *kind = e->value;
        return true;
      }
    }
    return false;
  }
};

template <std::size_t N>
bool listed(const std::string_view (&list)[N], std::string_view word) {
  for (std::string_view x : list)
    if (x == word) return true;
  return false;
}

// Items grouped by a key in [0, n), each group in the order the items come: `fill(n, expected,
// each)`: each(add) calls add(key, item) for every item and is run twice (count, then place).
// (Filled again for each document: its vectors keep their memory.)
template <typename T>
class Grouped {
 public:
  struct Group {
    const T* b;
    const T* e;
    const T* begin() const { return b; }
    const T* end() const { return e; }
    std::size_t size() const { return static_cast<std::size_t>(e - b); }
    bool empty() const { return b == e; }
    const T& operator[](std::size_t i) const { return b[i]; }
  };
  template <typename Each>
  void fill(std::size_t n, std::size_t expected, Each each) {
    start_.assign(n + 1, 0);
    items_.clear();
    items_.reserve(expected);
    each([&](std::size_t key, const T&) { ++start_[key + 1]; });
    for (std::size_t i = 0; i < n; ++i) start_[i + 1] += start_[i];
    items_.resize(start_[n]);
    at_.assign(start_.begin(), start_.end() - 1);
    each([&](std::size_t key, const T& item) { items_[at_[key]++] = item; });
  }
  Group operator[](std::size_t key) const { return Group{items_.data() + start_[key], items_.data() + start_[key + 1]}; }

 private:
  std::vector<std::size_t> start_;
  std::vector<T> items_;
  std::vector<std::size_t> at_;   // (fill's cursor per group)
};

// s == lit, inline (the type names are compared often).
inline bool is(std::string_view s, std::string_view lit) {
  return s.size() == lit.size() && std::memcmp(s.data(), lit.data(), lit.size()) == 0;
}

template <std::size_t N>
bool listed_lower(const std::string_view (&list)[N], std::string_view word) {
  for (std::string_view x : list)
    if (lower_equals(word, x)) return true;
  return false;
}

constexpr std::string_view kConnectors[] = {"of", "de", "del", "della", "di", "da", "dos", "das", "van", "von",
                                            "der", "den", "la", "le", "du", "bin", "ibn", "al", "el", "y", "&"};
// The first n (<= 8) bytes of a word as one number, to compare short words at once.
constexpr std::uint64_t word_code(const char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
// kConnectors of length Len as numbers (word_code), worked out from the list at compile time.
template <std::size_t Len>
constexpr auto connector_codes() {
  constexpr std::size_t count = [] {
    std::size_t c = 0;
    for (std::string_view x : kConnectors) c += x.size() == Len;
    return c;
  }();
  std::array<std::uint64_t, count> out{};
  std::size_t i = 0;
  for (std::string_view x : kConnectors)
    if (x.size() == Len) out[i++] = word_code(x.data(), Len);
  return out;
}
template <std::size_t Len>
constexpr bool has_code(std::string_view word) {
  constexpr auto codes = connector_codes<Len>();
  const std::uint64_t v = word_code(word.data(), Len);
  for (std::uint64_t x : codes)
    if (x == v) return true;
  return false;
}
// Bit n set when some connector has n bytes (all are shorter than 64).
constexpr std::uint64_t kConnectorLengths = [] {
  std::uint64_t m = 0;
  for (std::string_view x : kConnectors) m |= std::uint64_t{1} << x.size();
  return m;
}();
constexpr bool is_connector(std::string_view word) {
  if (word.size() >= 64 || !((kConnectorLengths >> word.size()) & 1)) return false;
  switch (word.size()) {   // (words of other lengths were turned away above when no connector has them)
    case 1: return has_code<1>(word);
    case 2: return has_code<2>(word);
    case 3: return has_code<3>(word);
    case 4: return has_code<4>(word);
    case 5: return has_code<5>(word);
    case 6: return has_code<6>(word);
    case 7: return has_code<7>(word);
    case 8: return has_code<8>(word);
    default:
      for (std::string_view x : kConnectors)
        if (x == word) return true;
      return false;
  }
}
static_assert(is_connector("della") && is_connector("&") && is_connector("ibn") && !is_connector("dell") &&
              !is_connector("ofx") && !is_connector("delta") && is_connector("von"));

// (A word with an upper-case letter is none: the connectors are in lower case. Most words asked
// about are capitalised: one flag test.)
inline bool is_connector_at(const Work& w, std::size_t k) { return !w.toks[k].has(kCap) && is_connector(w.tv(k)); }
static_assert([] {
  for (std::string_view x : kConnectors)
    for (char ch : x)
      if (ch >= 'A' && ch <= 'Z') return false;
  return true;
}());

// Generation suffixes that are not surnames.
constexpr std::string_view kNameSuffixes[] = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "V"};
bool is_name_suffix(std::string_view word) { return word.size() <= 3 && listed(kNameSuffixes, word); }

// Type of a lone capitalised word nothing else explains.
const char* const kDefaultSingle = "ORG";

// Words a title-case headline leaves in lower case.
constexpr std::string_view kTitleLower[] = {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to",
                                            "for", "by", "with", "from", "as", "vs", "via", "into", "over", "per"};
// The same lists for ascii_lower(word) (all their words are lower case).
bool is_title_lower_or_connector_ci(std::string_view word, std::uint32_t fold) {
  // Most words are in neither list: their fold_hash (Token::fold) is not among the lists' hashes.
  static const std::vector<std::uint32_t> hashes = [] {
    std::vector<std::uint32_t> v;
    for (std::string_view x : kTitleLower) v.push_back(fold_hash(x));
    for (std::string_view x : kConnectors) v.push_back(fold_hash(x));
    std::sort(v.begin(), v.end());
    return v;
  }();
  // A bit per hash (1024 bits, most words find theirs clear) before the search.
  static const std::vector<std::uint64_t> bits = [] {
    std::vector<std::uint64_t> b(16, 0);
    for (std::uint32_t h : hashes) b[(h >> 6) & 15] |= std::uint64_t{1} << (h & 63);
    return b;
  }();
  if (!((bits[(fold >> 6) & 15] >> (fold & 63)) & 1)) return false;
  if (!std::binary_search(hashes.begin(), hashes.end(), fold)) return false;
  return (word.size() <= 4 && listed_lower(kTitleLower, word)) || (word.size() <= 5 && listed_lower(kConnectors, word));
}


// Entity indices in the order added; the first two without an allocation (most aliases name one).
class EntityIds {
 public:
  EntityIds() = default;
  EntityIds(std::initializer_list<std::size_t> ids) {
    for (std::size_t e : ids) push_back(e);
  }
  std::size_t size() const { return n_; }
  std::size_t operator[](std::size_t i) const { return i < 2 ? first_[i] : more_[i - 2]; }
  void push_back(std::size_t e) {
    if (n_ < 2) first_[n_] = e;
    else more_.push_back(e);
    ++n_;
  }
  bool contains(std::size_t e) const {
    for (std::size_t i = 0; i < n_; ++i)
      if ((*this)[i] == e) return true;
    return false;
  }
  // An alias names at most kMax entities (a text of a thousand Smiths would otherwise make every
  // "Smith" a scan of them all): the later ones keep their longer names.
  static constexpr std::size_t kMax = 64;
  void add(std::size_t e) {
    if (n_ < kMax && !contains(e)) push_back(e);
  }
  struct Iter {
    const EntityIds* ids;
    std::size_t i;
    std::size_t operator*() const { return (*ids)[i]; }
    Iter& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iter& o) const { return i != o.i; }
  };
  Iter begin() const { return Iter{this, 0}; }
  Iter end() const { return Iter{this, n_}; }

 private:
  std::size_t first_[2] = {0, 0};
  std::size_t n_ = 0;
  std::vector<std::size_t> more_;
};

// Counts of words compared ASCII-case-insensitively; keys are views into the document.
class FoldedCounter {
 public:
  void add(std::string_view key, std::uint32_t h) {   // h = fold_hash(key)
    if ((used_ + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.count == 0) {
        s = Slot{h, key, 1};
        ++used_;
        return;
      }
      if (s.hash == h && equal_any_case(s.key, key)) {
        ++s.count;
        return;
      }
    }
  }
  int get(std::string_view key, std::uint32_t h) const {
    if (slots_.empty()) return 0;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.count == 0) return 0;
      if (s.hash == h && equal_any_case(s.key, key)) return s.count;
    }
  }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::string_view key;
    int count = 0;
  };
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});   // (most documents count a few words)
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.count == 0) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].count != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
};

// Alias text -> entity indices, in the order the aliases were first added. Keys are views of the
// document (or of copies kept here for the ones made up: initials, re-cased surnames).
class AliasTable {
 public:
  struct Item {
    std::string_view key;
    std::uint32_t hash;   // fold_hash(key)
    EntityIds ids;
    bool initials = false;     // made from initials ("GM")
    bool first_name = false;   // a family name written first ("Wang" of "Wang Jianlin")
  };
  AliasTable() { reset({}); }
  // Empty, for the aliases of `text` (the memory kept: a table is reused from document to document).
  void reset(std::string_view text) {
    text_ = text;
    owned_.clear();
    items_.clear();
    items_.reserve(64);
    slots_.assign(128, 0);
  }
  const EntityIds* find(std::string_view key) const { return find(key, fold_hash(key)); }
  const EntityIds* find(std::string_view key, std::uint32_t h) const {   // h = fold_hash(key)
    const std::uint32_t at = slot_of(key, h);
    return slots_[at] ? &items_[slots_[at] - 1].ids : nullptr;
  }
  // find(ascii_lower(key), h) without making it (h = fold_hash(key): the same, case ignored).
  const EntityIds* find_lowered(std::string_view key, std::uint32_t h) const {
    const std::uint32_t mask = static_cast<std::uint32_t>(slots_.size() - 1);
    for (std::uint32_t i = (h * 0x9E3779B1u >> 7) & mask;; i = (i + 1) & mask) {
      const std::uint32_t x = slots_[i];
      if (x == 0) return nullptr;
      if (items_[x - 1].hash == h && lexicon_detail::folded_equals(key, items_[x - 1].key)) return &items_[x - 1].ids;
    }
  }
  EntityIds& operator[](std::string_view key) { return item(key).ids; }
  Item& item(std::string_view key) { return item(key, fold_hash(key)); }
  Item& item(std::string_view key, std::uint32_t h) {   // inserted (no ids) when absent; h = fold_hash(key)
    std::uint32_t at = slot_of(key, h);
    if (slots_[at]) return items_[slots_[at] - 1];
    if ((items_.size() + 1) * 2 > slots_.size()) {
      grow();
      at = slot_of(key, h);
    }
    const bool in_text = key.data() >= text_.data() && key.data() + key.size() <= text_.data() + text_.size();
    if (!in_text) key = owned_.emplace_front(key);
    Item& it = items_.emplace_back();   // (in place: no temporary moved in)
    it.key = key;
    it.hash = h;
    slots_[at] = static_cast<std::uint32_t>(items_.size());
    return it;
  }
  const std::vector<Item>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  // Each item's place in the iteration order of the std::unordered_map<std::string, EntityIds> that
  // the same keys, added in the same order, make (pass 3 breaks some ties by it).
  std::vector<std::uint32_t> unordered_map_ranks() const {
    std::unordered_map<std::string, EntityIds> m;
    for (const Item& it : items_) m[std::string(it.key)];
    std::unordered_map<std::string_view, std::uint32_t> index;
    for (std::size_t i = 0; i < items_.size(); ++i) index.emplace(items_[i].key, static_cast<std::uint32_t>(i));
    std::vector<std::uint32_t> rank(items_.size(), 0);
    std::uint32_t r = 0;
    for (const auto& kv : m) rank[index.at(kv.first)] = r++;
    return rank;
  }

 private:
  std::string_view text_;
  std::forward_list<std::string> owned_;   // (stable, and nothing allocated while empty)
  std::vector<Item> items_;
  std::vector<std::uint32_t> slots_;   // index into items_ + 1; 0 = empty; at most half full
  std::uint32_t slot_of(std::string_view key, std::uint32_t h) const {
    const std::uint32_t mask = static_cast<std::uint32_t>(slots_.size() - 1);
    for (std::uint32_t i = (h * 0x9E3779B1u >> 7) & mask;; i = (i + 1) & mask) {
      const std::uint32_t x = slots_[i];
      if (x == 0 || (items_[x - 1].hash == h && items_[x - 1].key == key)) return i;
    }
  }
  void grow() {
    slots_.assign(slots_.size() * 2, 0);
    const std::uint32_t mask = static_cast<std::uint32_t>(slots_.size() - 1);
    for (std::size_t n = 0; n < items_.size(); ++n) {
      std::uint32_t i = (items_[n].hash * 0x9E3779B1u >> 7) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<std::uint32_t>(n + 1);
    }
  }
};

// (type, key) -> entity: open addressing on a hash of both; the keys' bytes copied into one
// buffer (no string per key, no node per entry). Types are views that outlive the table
// (literals and the lexicons' strings). Only looked up, never iterated.
class TypedKeys {
 public:
  TypedKeys() { reset(); }
  // Empty (the memory kept: a table is reused from document to document).
  void reset() {
    // (A slot's other fields are read only while it is used: clearing that flag empties it.)
    slots_.resize(64);
    for (Slot& s : slots_) s.used = false;
    used_ = 0;
    bytes_.clear();
    bytes_.reserve(1024);
  }
  // The entity of (type, key), or nullptr; kh = fold_hash(key). With `folded` the key is
  // ascii_lower(key) (kh the same: fold_hash ignores case), not made.
  std::size_t* find(std::string_view type, std::string_view key, std::uint32_t kh, bool folded = false) {
    const std::uint32_t h = hash(type, kh);
    Slot& s = slots_[slot_of(type, key, h, folded)];
    return s.used ? &s.value : nullptr;
  }
  // The entity of (type, key), inserted as `value` when absent (then `inserted`); kh = fold_hash(key).
  std::size_t& emplace(std::string_view type, std::string_view key, std::uint32_t kh, std::size_t value,
                       bool& inserted, bool folded = false) {   // (folded: as find's)
    const std::uint32_t h = hash(type, kh);
    std::size_t at = slot_of(type, key, h, folded);
    if (slots_[at].used) {
      inserted = false;
      return slots_[at].value;
    }
    if ((used_ + 1) * 2 > slots_.size()) {
      grow();
      at = slot_of(type, key, h, folded);
    }
    inserted = true;
    ++used_;
    Slot& s = slots_[at];
    s.used = true;
    s.hash = h;
    s.type = type;
    s.off = static_cast<std::uint32_t>(bytes_.size());
    s.len = static_cast<std::uint32_t>(key.size());
    if (folded) {
      bytes_.resize(s.off + key.size());
      ascii_lower_copy(bytes_.data() + s.off, key.data(), key.size());
    } else {
      bytes_.append(key);
    }
    s.value = value;
    return s.value;
  }
  // by_key[(type, key)] = value (folded: as find's).
  void set(std::string_view type, std::string_view key, std::uint32_t kh, std::size_t value, bool folded = false) {
    bool inserted;
    emplace(type, key, kh, value, inserted, folded) = value;
  }
  void set(std::string_view type, std::string_view key, std::size_t value) { set(type, key, fold_hash(key), value); }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t off = 0, len = 0;
    bool used = false;
    std::string_view type;
    std::size_t value = 0;
  };
  std::vector<Slot> slots_;   // a power of two, at most half full
  std::size_t used_ = 0;
  std::string bytes_;
  // (The type by its length and its first and last bytes: types differ in those, or share the
  // key's slots and are told apart by comparison.)
  static std::uint32_t hash(std::string_view type, std::uint32_t kh) {
    std::uint32_t t = static_cast<std::uint32_t>(type.size());
    if (!type.empty())
      t = (t << 16) ^ (static_cast<std::uint32_t>(static_cast<unsigned char>(type.front())) << 8) ^
          static_cast<unsigned char>(type.back());
    return kh ^ (t * 0x9E3779B1u);
  }
  [[gnu::always_inline]] std::size_t slot_of(std::string_view type, std::string_view key, std::uint32_t h,
                                             bool folded) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = (h * 0x85EBCA6Bu >> 8) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (!s.used) return i;
      if (s.hash == h && s.len == key.size() && s.type == type &&
          (folded ? lexicon_detail::folded_equals(key, std::string_view(bytes_.data() + s.off, s.len))
                  : std::memcmp(bytes_.data() + s.off, key.data(), key.size()) == 0))
        return i;
    }
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (!s.used) continue;
      std::size_t i = (s.hash * 0x85EBCA6Bu >> 8) & mask;
      while (slots_[i].used) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
};

void classify(Work& w, Cand& c, std::size_t sentence_begin) {
  const Lexicons& lex = w.lex;
  std::size_t n = c.te - c.tb;
  bool upper = true;
  for (std::size_t k = c.tb; k < c.te && upper; ++k) upper = w.toks[k].has(kAllCaps) || !w.toks[k].has(kWord);
  // (Kept: the "Real Madrid" rule below asks the same of the same words when `upper` is false.)
  const PhraseTable::Entry* const place = lex.places.match(w.text, w.toks, c.tb, c.te, upper);
  if (const auto* p = place; p && p->tokens.size() == n) {
    c.type = "LOC";
    c.strong = true;
    c.place_code = p->code;
    c.place_is_country = is(p->extra, "country");
    return;
  }
  if (const auto* d = lex.demonyms.match(w.text, w.toks, c.tb, c.te, false); d && d->tokens.size() == n) {
    c.type = "MISC";
    c.strong = true;
    return;
  }
  if (const auto* k = lex.known_names.match(w.text, w.toks, c.tb, c.te, false); k && k->tokens.size() == n) {
    c.type = k->value;   // "Nasdaq", "Euronext": names no head word or context types
    c.strong = true;
    return;
  }
  if (n >= 2 && w.toks[c.te - 1].has(kDigit) && !w.toks[c.te - 1].has(kCap)) {   // "Lion Air Flight 610"
    c.type = "MISC";
    c.strong = true;
    return;
  }
  if (n >= 2 && w.has(w.ix.org_suffixes, c.te - 1)) {
    c.type = "ORG";
    c.strong = true;
    return;
  }
  for (std::size_t k = c.tb; k < c.te && n >= 2; ++k) {
    const std::string* it = w.in(w.ix.org_heads, k);
    if (!it) continue;
    if (is(*it, "any") || (is(*it, "last") && k + 1 == c.te) || (is(*it, "first") && k == c.tb)) {
      c.type = "ORG";
      c.strong = true;
      return;
    }
  }
  if (n >= 2) {
    const std::string* first = w.in(w.ix.loc_heads, c.tb);
    const std::string* lastw = w.in(w.ix.loc_heads, c.te - 1);
    if ((first && !is(*first, "last")) || (lastw && !is(*lastw, "first"))) {
      c.type = "LOC";
      c.strong = true;
      return;
    }
  }
  if (n >= 2) {
    const std::string* it = w.in(w.ix.misc_heads, c.te - 1);
    if (!it || !is(*it, "last")) {   // "Hurricane Milton": a head first
      it = w.in(w.ix.misc_heads, c.tb);
      if (it && !is(*it, "first")) it = nullptr;
    }
    if (it) {
      c.type = "MISC";
      c.strong = true;
      return;
    }
  }
  if (n >= 2 && w.demonym(c.te - 1)) {   // "South Asian", "Latin American"
    bool lead_common = true;
    for (std::size_t k = c.tb; k + 1 < c.te; ++k) lead_common = lead_common && w.common(k);
    if (lead_common) {
      c.type = "MISC";
      c.strong = true;
      return;
    }
  }
  if (n >= 2 && upper) {   // "W L PCT GB": table headers are not names
    bool short_words = true;
    for (std::size_t k = c.tb; k < c.te; ++k) short_words = short_words && w.tv(k).size() <= 3;
    if (short_words) {
      c.drop_unless_known = true;
      return;
    }
  }
  // ("LONDON" in a dateline: one word in capitals is `upper`, looked up in any case above.)
  std::string_view cue;   // (a view of the lexicons' value)
  // "an analyst at Credit Suisse", "an economist at Morgan Stanley": a role at a name is a job at
  // an organisation (a place would have been typed above).
  if (c.tb >= sentence_begin + 2 && is(w.tv(c.tb - 1), "at") && w.toks[c.tb - 2].has(kLower) &&
      w.is_cue_before(c.tb - 1, sentence_begin, &cue) && is(cue, "role")) {
    c.type = "ORG";
    c.strong = true;
    return;
  }
  if (w.is_cue_before(c.tb, sentence_begin, &cue)) {
    c.type = "PER";
    c.strong = true;
    return;
  }
  const bool given_first = w.given_first(c.tb);
  if (n >= 2 && given_first && !w.toks[c.tb].has(kAllCaps)) {
    c.type = "PER";
    c.strong = true;
    return;
  }
  // "M. Butcher", "J. K. Rowling": initials before a capitalised word are a person's.
  if (n >= 2 && !upper) {
    std::size_t k = c.tb;
    auto initial = [&](std::size_t q) {
      std::string_view t = w.tv(q);
      return t.size() == 2 && t[0] >= 'A' && t[0] <= 'Z' && t[1] == '.';
    };
    while (k + 1 < c.te && initial(k)) ++k;
    if (k > c.tb && w.toks[k].has(kCap) && !initial(k)) {
      c.type = "PER";
      c.strong = true;
      return;
    }
  }
  if (n == 1 && w.toks[c.tb].has(kHyphenated) && w.toks[c.tb].has(kCap)) {
    c.hyphen_pair = true;  // resolved against known names later ("Nissan-Renault")
    return;
  }
  bool digits = false;
  for (std::size_t k = c.tb; k < c.te; ++k)
    if (w.toks[k].has(kDigit)) digits = true;
  if (digits) {
    c.type = "MISC";
    return;
  }
  if (n == 1 && w.demonym(c.tb)) {
    c.type = "MISC";
    c.strong = true;
    return;
  }
  if (n == 1 && !w.toks[c.tb].has(kAllCaps) && !w.common(c.tb)) {
    // "Brexit", "Grexit": a one-word name built on an event suffix (misc_heads.tsv, "suffix").
    const std::string_view t = w.tv(c.tb);   // ascii_lower(t) ends with the suffix
    for (const std::string& suffix : w.ix.misc_suffixes)
      if (t.size() >= suffix.size() + 2 && lower_equals(t.substr(t.size() - suffix.size()), suffix)) {
        c.type = "MISC";
        c.strong = true;
        return;
      }
  }
  if (n == 1) {
    std::string_view t = w.tv(c.tb);
    if (w.toks[c.tb].has(kAllCaps) && t.size() <= 6) c.acronym = true;
    if (w.common(c.tb) || t.size() == 1 || (t.size() == 2 && t[1] == '.') || w.has(w.ix.org_heads, c.tb) ||
        w.has(w.ix.org_suffixes, c.tb) || w.has(w.ix.loc_heads, c.tb))
      c.drop_unless_known = true;   // "Women", "Test", "NOTE", "N": a name only if known
    return;  // unknown single word: resolved by alias, else ORG
  }
  // "Real Madrid", "Air France", "Bristol City": a name built on a place is an organisation.
  for (std::size_t k = c.tb; k < c.te; ++k) {
    if (k == c.tb && given_first) continue;   // (a place first counts only without a given name)
    if (k == c.tb && !upper ? place : lex.places.match(w.text, w.toks, k, c.te, false)) {
      c.type = "ORG";
      return;
    }
  }
  // "Gorgon LNG", "Banco BPI": an upper-case word of two letters or more is an acronym, not part of
  // a person's name. Whole names in capitals outside headlines (short table lines) fall here too:
  // people in capitals were taken by the given-name rule above.
  bool has_acronym = false;
  for (std::size_t k = c.tb; k < c.te; ++k)
    has_acronym = has_acronym || (w.toks[k].has(kAllCaps) && w.toks[k].has(kWord) && w.tv(k).size() >= 2 &&
                                  w.tv(k).back() != '.');
  bool all_common = true;   // (only names of several words get here)
  for (std::size_t k = c.tb; k < c.te && all_common; ++k)
    if (w.toks[k].has(kWord) && !is_connector_at(w, k) && !w.common(k)) all_common = false;
  // "Alameda Research", "Deepwater Horizon": a last word from the dictionary makes a person unlikely.
  // (Asked last, after the cheap tests: common() looks in a big table.)
  auto last_common = [&] {
    return !w.toks[c.te - 1].has(kAllCaps) && w.tv(c.te - 1).size() > 4 && w.common(c.te - 1);
  };
  if (all_common) c.type = "MISC";
  else if (has_acronym || last_common()) c.type = "ORG";
  else c.type = "PER";
}

// Initials of the capitalised words: "Federal Aviation Administration" -> "FAA".
std::string initials(const Work& w, std::size_t tb, std::size_t te) {
  std::string out;
  for (std::size_t k = tb; k < te; ++k)
    if (w.cap(k) && !w.toks[k].has(kAllCaps)) out.push_back(w.tv(k)[0]);
    else if (w.toks[k].has(kAllCaps)) out.append(w.tv(k));
  return out;
}

}  // namespace

namespace {
// slug(name) appended to `out`.
// Per byte: the byte slug() keeps (ASCII letters lower-cased; digits, a-z and non-ASCII bytes as
// they are), or 0 for a separator.
constexpr auto kSlugByte = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) t[c] = static_cast<char>(c);
    else if (c >= 'A' && c <= 'Z') t[c] = static_cast<char>(c - 'A' + 'a');
  }
  return t;
}();

// slug(name) written at `base` (at most max(name.size(), 1) bytes): its length.
std::size_t write_slug(char* const base, std::string_view name) {
  char* o = base;
  const char* p = name.data();
  const char* const end = p + name.size();
  // Runs of kept bytes, each run of separators after one a single "-" (kept bytes are never "-").
  while (p != end) {
    for (char x; p != end && (x = kSlugByte[static_cast<unsigned char>(*p)]) != 0; ++p) *o++ = x;
    if (p == end) break;
    while (p != end && kSlugByte[static_cast<unsigned char>(*p)] == 0) ++p;
    if (o != base) *o++ = '-';
  }
  while (o != base && o[-1] == '-') --o;
  if (o == base) *o++ = 'x';
  return static_cast<std::size_t>(o - base);
}

void append_slug(std::string& out, std::string_view name) {
  const std::size_t at = out.size();
  out.resize(at + std::max<std::size_t>(name.size(), 1));   // never longer than the name (or "x")
  out.resize(at + write_slug(out.data() + at, name));
}
}  // namespace

std::string slug(std::string_view name) {
  std::string out;
  append_slug(out, name);
  return out;
}

namespace {
// An entity of tag() before it is named (the names are chosen from the mentions at the end).
struct EntityInfo {
  std::string_view type;      // (views as Cand's)
  std::string_view user_id;
};

// The tokens of an organisation's base name: without "The", legal suffixes, a last "," or "&".
std::pair<std::size_t, std::size_t> org_key_of(const Work& w, const Cand& c) {
  std::size_t tb = c.tb, te = c.te;
  if (te - tb >= 2 && is(w.tv(tb), "The")) ++tb;
  while (te - tb >= 2 && w.has(w.ix.org_suffixes, te - 1)) --te;
  while (te - tb >= 2 && (is(w.tv(te - 1), ",") || is(w.tv(te - 1), "&"))) --te;
  return std::make_pair(tb, te);
}

// The first token after k in a sorted list of tokens (or none: n); `ci` is a cursor into the
// list, moved forward (a search when k went back).
std::size_t next_in(const std::vector<std::uint32_t>& list, std::size_t k, std::size_t& ci, std::size_t n) {
  if (ci > 0 && ci <= list.size() && list[ci - 1] > k)
    ci = static_cast<std::size_t>(std::upper_bound(list.begin(), list.end(), k) - list.begin());
  while (ci < list.size() && list[ci] <= k) ++ci;
  return ci < list.size() ? list[ci] : n;
}

// Pass 1 of tag(): the candidates (capitalised chunks split at person cues, classified), in text
// order. srange, headline: per sentence its tokens and whether it is a headline; capk: the
// capitalised words. (Its own function: its loop keeps its registers whatever tag() does around it.)
[[gnu::noinline, gnu::flatten]] void find_chunks(Work& w, std::size_t nsentences,
                                                  const std::vector<std::pair<std::size_t, std::size_t>>& srange,
                                                  const std::vector<char>& headline,
                                                  const std::vector<std::uint32_t>& capk) {
  const std::string_view text = w.text;
  const std::vector<Token>& toks = w.toks;
  const Lexicons& lex = w.lex;
  const EntityTagger::Index& ix = w.ix;
  // Without user patterns nothing happens but at capitalised words: the loop goes from one to the
  // next through capk (a cursor into it), not through the words between.
  const bool users = !lex.user_entities.empty();
  std::size_t ci = 0;
  // (Through a pointer and a count: read once, not again after every candidate pushed.)
  const std::uint32_t* const cap = capk.data();
  const std::size_t ncap = capk.size();
  char* const blocked = w.blocked.data();   // (the same: one per token)
  for (std::size_t s = 0; s < nsentences; ++s) {
    const std::size_t a = srange[s].first, b = srange[s].second;   // not a structured binding: clang 14 cannot capture one
    if (!users && ci > 0 && cap[ci - 1] >= a)   // (a sentence before the last one's tokens)
      ci = static_cast<std::size_t>(std::lower_bound(cap, cap + ncap, a) - cap);
    std::size_t k = a;
    while (k < b) {
      if (!users) {
        while (ci < ncap && cap[ci] < k) ++ci;
        if (ci == ncap || cap[ci] >= b) break;
        k = cap[ci];
        if (blocked[k]) {
          ++k;
          continue;
        }
      } else {
        if (const auto* u = lex.user_entities.may_start(toks[k]) ? lex.user_entities.match(text, toks, k, b, false) : nullptr) {
          Cand c{k, k + u->tokens.size(), toks[k].start, toks[k + u->tokens.size() - 1].end, s, u->value, true};
          c.user_id = u->extra;
          w.cands.push_back(c);
          k = c.te;
          continue;
        }
        if (blocked[k] || !w.cap(k)) {
          ++k;
          continue;
        }
      }
      if (headline[s]) {
        const auto* p = lex.places.match(text, toks, k, b, headline[s] == 2);
        if (p) {
          Cand c{k, k + p->tokens.size(), toks[k].start, toks[k + p->tokens.size() - 1].end, s, "LOC", true};
          c.place_code = p->code;
          c.place_is_country = is(p->extra, "country");
          w.cands.push_back(c);
          k = c.te;
          continue;
        }
        // "ROBERTO DURAN": a given name and a surname in an upper-case line.
        if (headline[s] == 2 && k + 1 < b && toks[k].has(kAllCaps) && toks[k + 1].has(kAllCaps) &&
            !blocked[k + 1]) {
          std::string title(w.tv(k));   // the first byte, then ascii_lower of the rest
          for (std::size_t i = 1; i < title.size(); ++i)
            if (title[i] >= 'A' && title[i] <= 'Z') title[i] = static_cast<char>(title[i] - 'A' + 'a');
          // (given_names.count(title); title has the token's fold hash, differing only in case)
          if (w.ix.given_names.exact(title, toks[k].fold) && !w.common(k)) {
            Cand c{k, k + 2, toks[k].start, toks[k + 1].end, s, "PER", true};
            w.cands.push_back(c);
            k += 2;
            continue;
          }
        }
        ++k;
        continue;
      }
      auto cue_before_head = [&](const PhraseTable::Entry* cue, std::size_t at) {
        std::size_t after = at + cue->tokens.size();
        return after < b && w.has(w.ix.org_heads, after);
      };
      if (const auto* cue = lex.person_cues.may_start(toks[k]) ? lex.person_cues.match(text, toks, k, b, false) : nullptr;
          cue && !cue_before_head(cue, k)) {
        k += cue->tokens.size();
        continue;
      }
      std::size_t j = k + 1;
      // "Theresa May": a capitalised word the date rules took ("May") is a surname after a given name.
      if (j < b && blocked[j] && w.cap(j) && w.has(w.ix.given_names, k) && !w.common(k) &&
          (j + 1 >= b || !toks[j + 1].has(kDigit))) {
        blocked[j] = 0;
      }
      while (j < b && !blocked[j]) {
        if (w.cap(j) && !toks[j].has(kNewlineBefore)) {
          if (const auto* cue = lex.person_cues.may_start(toks[j]) ? lex.person_cues.match(text, toks, j, b, false) : nullptr;
              cue && !cue_before_head(cue, j))
            break;
          ++j;
          continue;
        }
        const std::string_view lw = w.tv(j);
        auto of_ok = [&] {
          return !is(lw, "of") || w.common(j - 1) || w.has(w.ix.org_heads, j - 1) || w.has(w.ix.loc_heads, j - 1);
        };
        if (is_connector_at(w, j) && of_ok() && j + 1 < b && w.cap(j + 1) && !blocked[j + 1]) {
          ++j;
          continue;
        }
        if (toks[j].has(kDigit) && toks[j].has(kWord) && toks[j].has(kSpaceBefore) &&
            w.has(w.ix.numbered_heads, j - 1)) {
          ++j;  // "Flight 610", "Boeing 737" (the number ends the name)
          break;
        }
        break;
      }
      std::size_t end = j;
      // Leading function words and sentence-initial common words are not part of a name.
      auto initial = [&](std::size_t t) {
        for (std::size_t q = a; q < t; ++q)
          if (!toks[q].has(kPunct)) return false;
        return true;
      };
      while (k < end) {
        // Looked up only where a rule below asks (the lookups have no side effects).
        auto known = [&]() {
          return lex.places.match(text, toks, k, end, false) || w.given_first(k) ||
                 lex.demonyms.match(text, toks, k, end, false);
        };
        if (is_connector_at(w, k)) { ++k; continue; }
        if (w.has(ix.non_entities, k) && !(end - k > 1 && known())) { ++k; continue; }
        bool cap_follows = k + 1 < end && w.cap(k + 1);
        // (common() after the flag tests: the common-words table is big, its look-ups miss the cache.)
        if (initial(k) && !toks[k].has(kAllCaps) && !cap_follows && w.common(k) && !known()) {
          // "Shares of Nissan ..." but keep "Mark Zuckerberg" (given name + capitalised word).
          ++k;
          continue;
        }
        break;
      }
      while (end > k && is_connector_at(w, end - 1)) --end;
      // "General Director Ljubomir Acimovic": common words before a given name are a title.
      for (std::size_t q = k + 1; q + 1 < end; ++q) {
        if (!w.given_first(q) || w.common(q)) continue;
        bool lead_common = true;
        for (std::size_t r = k; r < q; ++r) lead_common = lead_common && (w.common(r) || toks[r].has(kHyphenated));
        if (lead_common) k = q;
        break;
      }
      // The candidate, classified where it is kept (classify() is a function of the span).
      if (k < end) {
        Cand& whole = w.cands.emplace_back(k, end, toks[k].start, toks[end - 1].end, s, "", false);
        classify(w, whole, a);
        // "Australian Tom Moody": a leading nationality word is its own (MISC) mention, before
        // the rest's.
        if (k + 1 < end && !(whole.strong && !is(whole.type, "PER"))) {
          const auto* d = lex.demonyms.match(text, toks, k, end, false);
          std::size_t dlen = d ? d->tokens.size() : w.demonym(k) ? 1 : 0;
          if (dlen > 0 && k + dlen < end && !lex.places.match(text, toks, k, end, false)) {
            std::size_t de = k + dlen;
            Cand rest{de, end, toks[de].start, toks[end - 1].end, s, "", false};
            classify(w, rest, a);
            if (!is(rest.type, "ORG") && !is(rest.type, "LOC")) {
              whole = Cand{k, de, toks[k].start, toks[de - 1].end, s, "MISC", true};
              w.cands.push_back(rest);
              k = de;
            }
          }
        }
      }
      k = std::max(j, k + 1);
    }
  }
}

// tag()'s entities: per entity (in the order of first mention) its name, id, aliases and mentions;
// r.mentions; the country of each place. (Its own function: its loops keep their registers
// whatever tag() does around them.)
[[gnu::noinline, gnu::flatten]] void build_entities(const Work& w, const std::vector<EntityInfo>& infos,
                                                     const AliasTable& aliases, EntityResult& r) {
  const std::string_view text = w.text;
  const std::vector<Token>& toks = w.toks;
  // The working vectors, a thread's scratch reused from document to document.
  struct Scratch {
    Grouped<const Cand*> by_entity;
    std::vector<std::uint32_t> own_first, own_last, own_next;
    std::vector<std::pair<std::size_t, std::size_t>> first_start;
    std::vector<std::size_t> ent_order, new_index;
    std::vector<std::uint32_t> id_slots;
    std::vector<char> seen;
    std::vector<std::string_view> texts, keys, full_bases, alias_list, own_list;
  };
  thread_local Scratch sc;
  // Per entity its candidates in order, and below its unambiguous aliases: groups in one vector.
  Grouped<const Cand*>& by_entity = sc.by_entity;
  by_entity.fill(infos.size(), w.cands.size(), [&](auto&& add) {
    for (const Cand& c : w.cands) add(c.entity, &c);
  });
  // Order entities by first mention.
  // (Sorted with the first mention's start beside each entity: the same comparisons.)
  std::vector<std::pair<std::size_t, std::size_t>>& first_start = sc.first_start;   // (start, entity)
  first_start.clear();
  first_start.reserve(infos.size());
  // (The candidates are in text order: each entity's first one, met in that order, is its first
  // mention, so the entities come sorted by it. Only where two start at the same byte is the order
  // std::sort gives equal keys wanted: then they are sorted as before.)
  std::vector<char>& seen = sc.seen;
  seen.assign(infos.size(), 0);
  bool ties = false;
  for (const Cand& c : w.cands)
    if (!seen[c.entity]) {
      seen[c.entity] = 1;
      ties = ties || (!first_start.empty() && first_start.back().first == c.start);
      first_start.emplace_back(c.start, c.entity);
    }
  if (ties) {
    first_start.clear();
    for (std::size_t e = 0; e < infos.size(); ++e)
      if (!by_entity[e].empty()) first_start.emplace_back(by_entity[e][0]->start, e);
    std::sort(first_start.begin(), first_start.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  }
  std::vector<std::size_t>& ent_order = sc.ent_order;
  ent_order.resize(first_start.size());   // (every element set below)
  for (std::size_t i = 0; i < first_start.size(); ++i) ent_order[i] = first_start[i].second;
  std::vector<std::size_t>& new_index = sc.new_index;
  new_index.assign(infos.size(), static_cast<std::size_t>(-1));
  // (Without the ones made from initials or family names written first: those are reported only
  // where the text uses them, i.e. among the surface forms.)
  // Per entity its own aliases in the order added, chained through the items (one pass over them):
  // own_first[e] and own_next[i] are an item's index + 1 (0: no more); own_last[e] is read only
  // where own_first[e] is set.
  const std::vector<AliasTable::Item>& alias_items = aliases.items();
  std::vector<std::uint32_t>&own_first = sc.own_first, &own_last = sc.own_last, &own_next = sc.own_next;
  own_first.assign(infos.size(), 0);
  own_last.resize(infos.size());
  own_next.resize(alias_items.size());
  for (std::size_t i = 0; i < alias_items.size(); ++i) {
    const AliasTable::Item& it = alias_items[i];
    if (it.ids.size() != 1 || it.ids[0] >= infos.size() || it.initials || it.first_name) continue;
    const std::size_t e = it.ids[0];
    const std::uint32_t x = static_cast<std::uint32_t>(i + 1);
    own_next[i] = 0;
    (own_first[e] ? own_next[own_last[e] - 1] : own_first[e]) = x;
    own_last[e] = x;
  }
  // Ids taken so far: views of r.entities' ids (reserved below, so they stay put), open addressing
  // on a hash of the bytes.
  r.entities.reserve(ent_order.size());
  // Sized once for every entity (at most half full): no growth, each id hashed once.
  std::size_t id_cap = 16;
  while (id_cap < ent_order.size() * 2 + 2) id_cap *= 2;
  std::vector<std::uint32_t>& id_slots = sc.id_slots;
  id_slots.assign(id_cap, 0);
  const std::size_t id_mask = id_cap - 1;
  // The slot holding `id` (`found`), else the empty slot where it would go.
  auto id_find = [&](std::string_view id, bool& found) {
    for (std::size_t i = static_cast<std::size_t>(id_hash(id)) & id_mask;; i = (i + 1) & id_mask) {
      if (id_slots[i] == 0) {
        found = false;
        return i;
      }
      if (r.entities[id_slots[i] - 1].id == id) {
        found = true;
        return i;
      }
    }
  };
  // Reused for every entity: views of the document's text (or of the alias keys).
  std::vector<std::string_view>&texts = sc.texts, &keys = sc.keys, &full_bases = sc.full_bases,
                               &alias_list = sc.alias_list, &own_list = sc.own_list;
  for (std::size_t e : ent_order) {
    Entity& ent = r.entities.emplace_back();   // built in place (reserved above); in id_slots once named
    ent.type = infos[e].type;
    const Grouped<const Cand*>::Group cands = by_entity[e];   // (found once, read four times)
    // The surface forms, sorted, once each (what the keys of a std::map of them would be).
    // (Most forms repeat one already seen: looked for among the first few forms by size and bytes,
    // cheaper than sorting them again.)
    texts.clear();
    for (const Cand* c : cands) {
      const std::string_view t(text.data() + c->start, c->end - c->start);   // (a candidate's bytes are in the text)
      const auto seen = texts.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(texts.size(), 8));
      if (std::none_of(texts.begin(), seen, [t](std::string_view x) { return lexicon_detail::same_bytes(x, t); }))
        texts.push_back(t);
    }
    if (texts.size() > 1) {   // (most entities have one form)
      std::sort(texts.begin(), texts.end());
      texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    }
    // Name: for people the longest form; otherwise the most frequent base name (not an acronym).
    std::string_view name;
    if (is(ent.type, "PER") || is(ent.type, "LOC")) {
      auto mixed = [](std::string_view t) { return std::any_of(t.begin(), t.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }); };
      for (std::string_view t : texts)   // the longest form; of equal ones, not the one in capitals
        if (t.size() > name.size() || (t.size() == name.size() && mixed(t) && !mixed(name))) name = t;
    } else {
      int best = -1;
      keys.clear();
      full_bases.clear();   // base names of mentions with a legal suffix or head
      for (const Cand* c : cands) {
        std::string_view t(text.data() + c->start, c->end - c->start);
        if (is(c->type, "ORG") || is(infos[e].type, "ORG")) {
          if (c->te > c->tb && c->start == toks[c->tb].start && c->end == toks[c->te - 1].end) {
            auto [tb, te] = org_key_of(w, *c);   // (a function of the token range only)
            t = std::string_view(text.data() + toks[tb].start, toks[te - 1].end - toks[tb].start);
            if (c->strong && c->te - c->tb >= 2) full_bases.push_back(t);
          }
        }
        keys.push_back(t);
      }
      if (keys.size() > 1) std::sort(keys.begin(), keys.end());
      if (full_bases.size() > 1) std::sort(full_bases.begin(), full_bases.end());
      // Each distinct key in order with its count.
      for (std::size_t i = 0; i < keys.size();) {
        const std::string_view t = keys[i];
        std::size_t j = i + 1;
        while (j < keys.size() && lexicon_detail::same_bytes(keys[j], t)) ++j;
        const int n = static_cast<int>(j - i);
        i = j;
        if (t.empty() || t.rfind("id:", 0) == 0) continue;
        bool acr = t.size() <= 6 && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
        int score = n * 2 + (acr ? -1000 : 0) + (std::binary_search(full_bases.begin(), full_bases.end(), t) ? 1 : 0);
        if (score > best || (score == best && t.size() < name.size())) {
          best = score;
          name = t;
        }
      }
      if (name.empty()) name = texts.front();
    }
    ent.name.assign(name);
    std::string& base = ent.id;   // the id, unless taken (built in place)
    if (!infos[e].user_id.empty()) {
      base.assign(infos[e].user_id);
    } else if (ent.type.size() + name.size() + 2 <= 256) {   // ascii_lower(type) + ":" + slug(name)
      char buf[256];   // (made here, then copied once)
      const std::string_view type = infos[e].type;
      ascii_lower_copy(buf, type.data(), type.size());
      std::size_t n = type.size();
      buf[n++] = ':';
      n += write_slug(buf + n, name);
      base.assign(buf, n);
    } else {
      base.reserve(ent.type.size() + 1 + name.size() + 1);
      base.append(ent.type);
      for (char& ch : base)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      base.push_back(':');
      append_slug(base, name);
    }
    bool used = false;
    std::size_t id_slot = id_find(base, used);
    if (used) {
      std::string id;
      for (int n = 2;; ++n) {
        id = base + "-" + std::to_string(n);
        id_slot = id_find(id, used);
        if (!used) break;
      }
      ent.id = std::move(id);
    }
    // The surface forms and the entity's own aliases, sorted, once each, without the name.
    // (An own alias that is a surface form is there already; the others are sorted apart, then
    // merged with the sorted surface forms.)
    own_list.clear();
    for (std::uint32_t x = own_first[e]; x != 0; x = own_next[x - 1]) {   // derived short forms: surnames, base names
      const std::string_view a = alias_items[x - 1].key;
      // (Few forms, compared by size first, then address: an alias of a form is mostly the same view.)
      auto same = [a](std::string_view t) { return t.size() == a.size() && (t.data() == a.data() || t == a); };
      if (std::find_if(texts.begin(), texts.end(), same) == texts.end()) own_list.push_back(a);
    }
    // (Mostly none: then the surface forms are the list, sorted and once each already.)
    if (!own_list.empty()) {
      std::sort(own_list.begin(), own_list.end());
      alias_list.resize(texts.size() + own_list.size());
      std::merge(texts.begin(), texts.end(), own_list.begin(), own_list.end(), alias_list.begin());
      alias_list.erase(std::unique(alias_list.begin(), alias_list.end()), alias_list.end());
    }
    const std::vector<std::string_view>& forms = own_list.empty() ? texts : alias_list;
    // (The name is mostly a view of one of the forms: the same bytes at once, else compared.)
    auto is_name = [&](std::string_view a) { return a.size() == name.size() && (a.data() == name.data() || a == name); };
    // (Most entities have no form but their name: then nothing is allocated.)
    if (!(forms.size() == 1 && is_name(forms[0]))) {
      ent.aliases.reserve(forms.size());
      for (std::string_view a : forms)
        if (!is_name(a)) ent.aliases.emplace_back(a);
    }
    ent.mentions.reserve(cands.size());
    for (const Cand* c : cands) {   // (each built in place, its text copied into its empty string: no temporary moved)
      Mention& m = ent.mentions.emplace_back();
      m.start = c->start;
      m.end = c->end;
      m.text.assign(text.data() + c->start, c->end - c->start);
      m.sentence = c->sentence;
    }
    new_index[e] = r.entities.size() - 1;
    id_slots[id_slot] = static_cast<std::uint32_t>(r.entities.size());
  }
  r.mentions.reserve(w.cands.size());
  for (const Cand& c : w.cands)
    r.mentions.push_back(MentionSpan{c.start, c.end, c.tb, c.te, c.sentence, new_index[c.entity]});
  r.country_of.clear();   // (then made empty in place: no copy of an empty string per entity)
  r.country_of.resize(r.entities.size());
  r.is_country.assign(r.entities.size(), 0);
  for (const Cand& c : w.cands) {
    if (c.place_code.empty()) continue;   // (most candidates: no look-up of their entity)
    std::size_t e = new_index[c.entity];
    if (e >= r.entities.size() || !is(r.entities[e].type, "LOC")) continue;
    r.country_of[e].assign(c.place_code.substr(0, 2));
    if (c.place_is_country) r.is_country[e] = 1;
  }
}

// Light coreference (see tag()): "he", "the company", "the two automakers" -> the last named
// entities of their type. (Its own function: it does not weigh on the registers of tag's passes.)
[[gnu::noinline, gnu::flatten]] void add_references(const Work& w,
                                                     const std::vector<std::pair<std::size_t, std::size_t>>& srange,
                                                     const std::vector<std::uint32_t>& refk,
                                                     const std::vector<char>& covered, EntityResult& r) {
  const std::string_view text = w.text;
  const std::vector<Token>& toks = w.toks;
  const Lexicons& lex = w.lex;
  const EntityTagger::Index& ix = w.ix;
  static const std::uint32_t kFoldBoth = fold_hash("both"), kFoldThe = fold_hash("the"), kFoldTwo = fold_hash("two");
  // (covered: the tokens of every mention, i.e. of every candidate, as made above)
  // type -> last mention: the document's few types numbered once (a linear search of them per
  // entity, not per mention), the last mention per number.
  // (A thread's scratch, reused from document to document.)
  thread_local std::vector<std::string_view> types;
  thread_local std::vector<std::uint64_t> type_codes;   // per type: its bytes as one number, when under 8
  thread_local std::vector<std::uint32_t> type_of;
  thread_local std::vector<const MentionSpan*> last;
  // (Numbered, and the last mentions brought up to date, only where a reference was found: most
  // words looked at are none.)
  bool numbered = false;
  auto number_types = [&] {
    numbered = true;
    types.clear();
    type_codes.clear();
    type_of.resize(r.entities.size());   // (every element set below)
    for (std::size_t e = 0; e < r.entities.size(); ++e) {
      const std::string_view t = r.entities[e].type;
      std::size_t i = 0;
      // (Types are a few bytes, compared as one number of the same length; most entities have the
      // first or second one.)
      const bool small = t.size() < 8;
      const std::uint64_t code = small ? lexicon_detail::load_short(t.data(), t.size()) : 0;
      while (i < types.size() && !(types[i].size() == t.size() && (small ? type_codes[i] == code : types[i] == t))) ++i;
      if (i == types.size()) {
        types.push_back(t);
        type_codes.push_back(code);
      }
      type_of[e] = static_cast<std::uint32_t>(i);
    }
    last.assign(types.size(), nullptr);
  };
  auto last_of = [&](std::string_view type) -> const MentionSpan** {   // (nullptr: none of that type yet)
    for (std::size_t i = 0; i < types.size(); ++i)
      if (types[i] == type) return last[i] ? &last[i] : nullptr;
    return nullptr;
  };
  std::size_t mi = 0;
  // Only "both", "the" and words a reference can start with (refk) do anything below: the last
  // mentions are brought up to date just before they can be read. Returns the last token used.
  auto step = [&](std::size_t k) -> std::size_t {
    if (!lex.references.may_start(toks[k]) && toks[k].fold != kFoldBoth && toks[k].fold != kFoldThe) return k;
    if (covered[k]) return k;
    std::size_t b = srange[toks[k].sentence].second;
    // "the two automakers", "both companies": the pair of that type named together last.
    const std::string_view tk = w.tv(k);
    std::size_t noun = 0;
    // (A word whose fold hash differs is neither "both" nor "the".)
    if (toks[k].fold == kFoldBoth && lower_equals(tk, "both")) noun = k + 1;
    else if (toks[k].fold == kFoldThe && k + 1 < b && toks[k + 1].fold == kFoldTwo && lower_equals(tk, "the") &&
             lower_equals(w.tv(k + 1), "two"))
      noun = k + 2;
    if (noun > 0) {
      for (std::size_t q = noun; q < b && q < noun + 2; ++q) {   // one adjective may come between
        const std::string* pn = w.lowered_in(ix.pair_nouns, q);
        if (!pn) continue;
        // Latest sentence before this word that names exactly two entities of that type.
        std::vector<std::size_t> pair;
        for (std::size_t m = 0; m < r.mentions.size() && r.mentions[m].start < toks[k].start; ++m) {
          const MentionSpan& ms = r.mentions[m];
          if (ms.entity >= r.entities.size() || r.entities[ms.entity].type != *pn) continue;
          if (!pair.empty() && r.mentions[pair.back()].sentence != ms.sentence) pair.clear();
          bool seen = false;
          for (std::size_t pm : pair) seen = seen || r.mentions[pm].entity == ms.entity;
          if (!seen) pair.push_back(m);
        }
        if (pair.size() == 2) {
          for (std::size_t pm : pair)
            r.references.push_back(
                MentionSpan{toks[k].start, toks[q].end, k, q + 1, toks[k].sentence, r.mentions[pm].entity});
          k = q;
        }
        break;
      }
      if (k >= noun) return k;
    }
    if (!lex.references.may_start(toks[k])) return k;   // (match() would be nullptr)
    // (Nor can it find anything when no reference starts with this word, or with it and the next.)
    if (!ix.may_match_ref(toks[k].fold, k + 1 < b ? toks[k + 1].fold : 0, k + 1 < b)) return k;
    const auto* ref = lex.references.match(text, toks, k, b, true);
    if (!ref) return k;
    if (!numbered) number_types();
    while (mi < r.mentions.size() && r.mentions[mi].tok_begin <= k) {
      const MentionSpan& m = r.mentions[mi++];
      if (m.entity < r.entities.size()) last[type_of[m.entity]] = &m;
    }
    const MentionSpan** it = last_of(ref->value);
    std::size_t te = k + ref->tokens.size();
    if (it && (*it)->sentence + 2 >= toks[k].sentence)
      r.references.push_back(MentionSpan{toks[k].start, toks[te - 1].end, k, te, toks[k].sentence, (*it)->entity});
    return te - 1;
  };
  std::size_t from = 0;   // (the tokens before it were used by the last step)
  for (const std::uint32_t k : refk)
    if (k >= from) from = step(k) + 1;
}
// tag()'s first walk over the tokens (see there): srange, headline, lists (sized per sentence),
// capk and refk filled; whether every sentence's tokens are one run, the runs in
// sentence order. (Its own function: its loop keeps its registers whatever tag() does around it.)
[[gnu::noinline, gnu::flatten]] bool walk_tokens(const Work& w, std::vector<std::pair<std::size_t, std::size_t>>& srange,
                                                 std::vector<char>& headline, std::vector<char>& lists,
                                                 std::vector<std::uint32_t>& capk, std::vector<std::uint32_t>& refk) {
  const std::string_view text = w.text;
  const std::vector<Token>& toks = w.toks;
  const EntityTagger::Index& ix = w.ix;
  const std::size_t ntoks = toks.size();
  static const std::uint32_t kFoldAnd = fold_hash("and"), kFoldOr = fold_hash("or");
  bool runs_in_order = true;
  std::size_t prev_s = 0;
  for (std::size_t k = 0; k < ntoks;) {
    const std::size_t s = toks[k].sentence;
    runs_in_order = runs_in_order && s < srange.size() && (k == 0 || s > prev_s);
    prev_s = s;
    int upper = 0;   // words in capitals (no digit)
    bool comma = false, conj = false;   // a ","; a word that may be "and" or "or" (its fold hash)
    // (Through a pointer and the flags read once: the pushes below cannot move the tokens. The
    // token walked by a pointer of its own, its index worked out where it is pushed.)
    const Token* const tp = toks.data();
    const Token* const tend = tp + ntoks;
    const Token* t = tp + k;
    auto visit = [&](const Token* u) {
      const unsigned flags = u->flags;
      if (!(flags & kWord)) {
        comma = comma || (u->end - u->start == 1 && text[u->start] == ',');
        return;
      }
      // (A superset of the words the step acts on: it passes over the others. "and" and "or" have
      // their bits set too: looked for only here.)
      if (ix.may_refer(u->fold)) {
        refk.push_back(static_cast<std::uint32_t>(u - tp));
        conj = conj || u->fold == kFoldAnd || u->fold == kFoldOr;
      }
      if (flags & (kCap | kAllCaps)) {
        capk.push_back(static_cast<std::uint32_t>(u - tp));
        upper += (flags & (kAllCaps | kDigit)) == kAllCaps;
      }
    };
    // (When the last token is of another sentence the run ends before it: no test of the end.)
    if (tend[-1].sentence != s)
      for (; t->sentence == s; ++t) visit(t);
    else
      for (; t != tend && t->sentence == s; ++t) visit(t);
    const std::size_t e = static_cast<std::size_t>(t - tp);
    // The words without a digit, counted only where they decide (below): an upper-case headline
    // has at least three words and seven tenths of them in capitals, so three in capitals; the
    // title-case rule asks only about the first sentence.
    auto count_words = [&] {
      int n = 0;
      for (std::size_t q = k; q < e; ++q) n += (tp[q].flags & (kWord | kDigit)) == kWord;
      return n;
    };
    // The words of the run in title case: capitalised but the first, or in lower case as titles
    // leave "of". (Counted only where they decide: the first sentence, of four words or more.)
    auto title_caps = [&] {
      int caps = 0;
      for (std::size_t q = k; q < e; ++q) {
        const unsigned flags = tp[q].flags;
        if (!(flags & kWord) || (flags & kDigit)) continue;
        if ((flags & kCap) && q != k) ++caps;
        else if ((flags & kLower) && is_title_lower_or_connector_ci(w.tv(q), tp[q].fold)) ++caps;  // "of" in titles
      }
      return caps;
    };
    if (s < srange.size()) {
      srange[s] = {k, e};
      lists[s] = comma && conj;
      headline[s] = 0;
      if (upper >= 3 || s == 0) {
        const int words = count_words();
        if (words >= 3 && upper * 10 >= words * 7) headline[s] = 2;
        else if (s == 0 && words >= 4 && (title_caps() + 1) * 10 >= words * 9) headline[s] = 1;   // a title-case headline
      }
    }
    k = e;
  }
  return runs_in_order;
}

// tag()'s working vectors, one set per thread, reused from document to document (cleared or
// assigned before use): their memory is allocated once, not per document.
struct TagScratch {
  std::vector<char> blocked, headline, lists, covered;
  std::vector<unsigned char> memo;
  std::vector<Cand> cands, sorted;
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> srange;
  std::vector<std::uint32_t> capk, refk, at_index, starts;
  std::vector<std::string_view> locative;
  std::vector<EntityInfo> infos;
  std::vector<std::size_t> order, at, last_seen, eligible;
  std::vector<int> scored;
  std::vector<std::pair<std::uint64_t, std::size_t>> idx;
  std::vector<Cand*> numbered;
  AliasTable aliases;
  TypedKeys by_key;
};
}  // namespace

EntityResult EntityTagger::tag(std::string_view text, const std::vector<Token>& toks,
                               const std::vector<Sentence>& sentences, const std::vector<Timex>& timexes) const {
  const Lexicons& lex = *lex_;
  const Index& ix = *index_;
  thread_local TagScratch sc;
  sc.blocked.assign(toks.size(), 0);
  sc.memo.assign(toks.size(), 0);   // (nothing known yet)
  sc.cands.clear();
  Work w{text, toks, lex, *index_, sc.blocked, sc.cands, sc.text, sc.memo};
  w.cands.reserve(toks.size() / 8 + 16);
  // Tokens inside temporal expressions are never names ("November", "Tuesday").
  {
    // A token that ends at or before the start of the current timex neither moves to the next
    // timex (its end is after the token's start) nor overlaps it: such tokens are skipped by a
    // binary search (tokens end in increasing order).
    // (The search gallops from the token: the next timex is mostly a few tokens on, the text's end
    // far. Sizes read once, the flags set through a pointer.)
    const Token* const tp = toks.data();
    const std::size_t ntoks = toks.size(), ntimex = timexes.size();
    char* const blocked = w.blocked.data();
    std::size_t ti = 0;
    for (std::size_t k = 0; k < ntoks && ti < ntimex; ++k) {
      const std::size_t ts = timexes[ti].start;
      if (tp[k].end <= ts && ts <= timexes[ti].end) {
        std::size_t lo = k, step = 1;   // tp[lo] ends at or before ts; the first token that does not is after it
        while (lo + step < ntoks && tp[lo + step].end <= ts) {
          lo += step;
          step *= 2;
        }
        const Token* const hi = tp + std::min(lo + step, ntoks);   // (ends after ts, or the end)
        k = static_cast<std::size_t>(std::partition_point(tp + lo + 1, hi, [ts](const Token& t) { return t.end <= ts; }) - tp);
        if (k >= ntoks) break;
      }
      while (ti < ntimex && timexes[ti].end <= tp[k].start) ++ti;
      if (ti < ntimex && timexes[ti].start < tp[k].end && tp[k].start < timexes[ti].end) blocked[k] = 1;
    }
  }

  // One walk over the tokens: the token range of each sentence, whether it is a headline (title
  // case or upper case: names by lookup only), the capitalised words (the later passes visit only
  // them) and the words a reference may start with.
  std::vector<std::pair<std::size_t, std::size_t>>& srange = sc.srange;
  srange.assign(sentences.size(), {0, 0});
  std::vector<char>& headline = sc.headline;
  headline.assign(sentences.size(), 0);
  // Whether srange's tokens may hold a closed list: a "," and "and" or "or" (words of that fold hash).
  std::vector<char>& lists = sc.lists;
  lists.assign(sentences.size(), 0);
  std::vector<std::uint32_t>& capk = sc.capk;   // tokens k with w.cap(k), in order
  std::vector<std::uint32_t>& refk = sc.refk;   // words that are "both", "the" or may start a reference, in order
  capk.clear();
  refk.clear();
  capk.reserve(toks.size() / 4 + 8);
  refk.reserve(toks.size() / 8 + 8);
  // Whether every sentence's tokens are one run, the runs in sentence order (as split_sentences
  // makes them): then a sentence's tokens are exactly srange's.
  const bool runs_in_order = walk_tokens(w, srange, headline, lists, capk, refk);
  bool any_upper_headline = false;
  for (char h : headline) any_upper_headline = any_upper_headline || h == 2;


  // Pass 1: chunks.
  find_chunks(w, sentences.size(), srange, headline, capk);

  // Results tables ("Chicago 5 Detroit 3"): a city or region followed by a number in a sentence with
  // several such pairs is a team, an organisation.
  {
    std::vector<int>& scored = sc.scored;   // sentence -> names followed by a number
    scored.assign(sentences.size() + 1, 0);
    auto followed_by_number = [&](const Cand& c) {
      return c.te < toks.size() && toks[c.te].sentence == c.sentence && toks[c.te].has(kDigit) &&
             !w.blocked[c.te];
    };
    // The candidates followed by a number, in order: the rules below look at no others (most
    // candidates are turned away here, by one flag).
    std::vector<Cand*>& numbered = sc.numbered;
    numbered.clear();
    for (Cand& c : w.cands)
      if (c.te < toks.size() && toks[c.te].has(kDigit)) numbered.push_back(&c);
    for (const Cand* c : numbered)
      if (followed_by_number(*c)) scored[c->sentence]++;
    for (Cand* const cp : numbered) {
      Cand& c = *cp;
      if (!is(c.type, "LOC") || !followed_by_number(c) || scored[c.sentence] < 2) continue;
      const auto* p = lex.places.match(text, toks, c.tb, c.te, true);
      if (p && !is(p->extra, "country")) c.type = "ORG";
    }
    // Standings ("BOSTON 69 66 .511 6"): a city or region that starts its line and is followed by
    // two numbers on it, in a document with at least three such lines, is a team; so are both
    // sides of a fixture line there ("CHICAGO AT TORONTO", context_cues.tsv side "fixture").
    auto city = [&](const Cand& c) {
      if (!is(c.type, "LOC")) return false;
      const auto* p = lex.places.match(text, toks, c.tb, c.te, true);
      return p != nullptr && p->tokens.size() == c.te - c.tb && !is(p->extra, "country");
    };
    auto line_start = [&](const Cand& c) { return c.tb == 0 || toks[c.tb].has(kNewlineBefore); };
    auto on_line = [&](std::size_t k) { return k < toks.size() && !toks[k].has(kNewlineBefore); };
    std::vector<Cand*> rows;
    for (Cand* const c : numbered)
      if (line_start(*c) && on_line(c->te) && on_line(c->te + 1) && toks[c->te].has(kDigit) &&
          toks[c->te + 1].has(kDigit) && city(*c))
        rows.push_back(c);
    if (rows.size() >= 3) {
      for (Cand* c : rows) c->type = "ORG";
      for (std::size_t i = 0; i + 1 < w.cands.size(); ++i) {
        Cand& x = w.cands[i];
        Cand& y = w.cands[i + 1];
        if (!line_start(x) || y.tb != x.te + 1 || !on_line(x.te) || !on_line(y.tb)) continue;
        if (y.te < toks.size() && on_line(y.te)) continue;   // the line is exactly "X at Y"
        if (!w.lowered_in(ix.cues_fixture, x.te)) continue;
        if ((city(x) || is(x.type, "ORG")) && (city(y) || is(y.type, "ORG"))) x.type = y.type = "ORG";
      }
    }
  }

  // Facilities, vessels and craft ("the Macondo well", "the Deepwater Horizon drilling rig"): a name
  // nothing else typed, followed by a facility head noun (facility_heads.tsv) and preceded by a
  // determiner, is not an organisation. It takes the head's type when at least half of the mentions
  // of that name have this shape.
  if (!lex.facility_heads.empty()) {
    auto kind = [&](std::size_t k) -> const std::string* {
      if (k >= toks.size() || !toks[k].has(kWord) || !toks[k].has(kLower)) return nullptr;
      return w.in(ix.facility_heads, k);
    };
    auto facility_type = [&](const Cand& c) -> std::string_view {
      if (c.strong || c.hyphen_pair || !c.user_id.empty() || (c.te - c.tb == 1 && toks[c.tb].has(kAllCaps)))
        return "";
      // (No facility word right after the name, modifier or head: no facility, whatever comes before;
      // most names are turned away here, with one look-up.)
      if (!kind(c.te)) return "";
      bool det = false;   // "the", "its", "BP's": at most two lower-case words or numbers between
      for (std::size_t back = 1; back <= 3 && back <= c.tb && !det; ++back) {
        std::size_t q = c.tb - back;
        if (toks[q].sentence != c.sentence) break;
        const std::string* it = w.lowered_in(ix.facility_heads, q);
        if (it && is(*it, "det")) det = true;
        else if (!(toks[q].has(kLower) || (toks[q].has(kDigit) && !toks[q].has(kPunct)))) break;
      }
      if (!det) return "";
      std::size_t k = c.te, mods = 0;
      while (mods < 2 && k < toks.size() && toks[k].sentence == c.sentence) {
        const std::string* kk = kind(k);
        if (!kk || !is(*kk, "mod")) break;
        ++mods;
        ++k;
      }
      if (k >= toks.size() || toks[k].sentence != c.sentence) return "";
      const std::string* head = kind(k);
      if (!head || is(*head, "mod") || is(*head, "det")) return "";
      std::string_view type = *head;
      if (type.back() == '?') {
        if (mods == 0) return "";
        type.remove_suffix(1);
      }
      return type;
    };
    // Most documents have no facility mention at all: then nothing below changes a candidate.
    bool any_facility = false;
    for (const Cand& c : w.cands)
      if (!c.strong && c.te > c.tb && !facility_type(c).empty()) {
        any_facility = true;
        break;
      }
    std::unordered_map<std::string, std::pair<int, int>> votes;   // surface -> (facility mentions, weak mentions)
    std::unordered_map<std::string, std::string_view> fac_type;  // (only looked up)
    for (const Cand& c : w.cands) {
      if (!any_facility) break;
      if (c.strong || c.te <= c.tb) continue;
      std::string surface = w.span_text(c.start, c.end);
      auto& v = votes[surface];
      ++v.second;
      std::string_view t = facility_type(c);
      if (!t.empty()) {
        ++v.first;
        fac_type.emplace(surface, t);
      }
    }
    for (Cand& c : w.cands) {
      if (fac_type.empty()) break;
      if (c.strong || c.hyphen_pair || !c.user_id.empty()) continue;
      std::string surface = w.span_text(c.start, c.end);
      auto ft = fac_type.find(surface);
      if (ft == fac_type.end()) continue;
      const auto& v = votes[surface];
      if (v.first * 2 < v.second) continue;
      c.type = ft->second;
      c.strong = true;
      c.drop_unless_known = false;
    }
  }

  // Pass 2: entities from strong candidates, with aliases.
  EntityResult r;
  std::vector<EntityInfo>& infos = sc.infos;
  infos.clear();
  infos.reserve(w.cands.size() + 8);
  AliasTable& aliases = sc.aliases;   // alias text -> entity indices
  aliases.reset(text);
  // (Aliases made from initials and family names written first are flagged in `aliases`.)
  std::map<std::string, std::vector<std::size_t>, std::less<>> city_first;          // "Toyota" -> "Toyota Motor Corp."
  // The capitalised words the document puts after "in", "near" ... (a word after another of its
  // sentence), in text order: made from capk where first asked about (a city that names a
  // company here: in few documents). (Looked up rarely: a list, not a set.)
  std::vector<std::string_view>& locative = sc.locative;   // views of the text
  bool locative_made = false;
  auto used_as_place = [&](std::string_view name) {
    if (!locative_made) {
      locative_made = true;
      locative.clear();
      for (const std::uint32_t q : capk)
        if (q > 0 && toks[q - 1].sentence == toks[q].sentence) {
          const std::string* cue = ix.cues_before.folded(w.tv(q - 1), toks[q - 1].fold);
          if (cue && is(*cue, "LOC")) locative.push_back(w.tv(q));
        }
    }
    return std::find(locative.begin(), locative.end(), name) != locative.end();
  };
  std::map<std::string, std::vector<std::size_t>, std::less<>> first_words;         // common first words of ORG names
  // (type, key) -> entity; only looked up.
  TypedKeys& by_key = sc.by_key;
  by_key.reset();
  auto add_alias = [&](std::string_view a, std::size_t e) {
    aliases[a].add(e);
  };
  // add_alias of the text of tokens [tb, te) (its fold hash known when it is one token).
  auto add_alias_toks = [&](std::size_t tb, std::size_t te, std::size_t e) {
    const std::string_view a = text.substr(toks[tb].start, toks[te - 1].end - toks[tb].start);
    (te == tb + 1 ? aliases.item(a, toks[tb].fold).ids : aliases[a]).add(e);
  };
  auto org_key = [&](const Cand& c) { return org_key_of(w, c); };
  // Appends the candidate's key to `out`.
  auto append_key = [&](const Cand& c, std::string& out) {
    if (!c.user_id.empty()) {
      out.append("id:").append(c.user_id);
    } else if (is(c.type, "LOC") && c.place_is_country && !c.place_code.empty()) {
      out.append("place:").append(c.place_code);
    } else if (is(c.type, "LOC") && c.place_code.find('-') != std::string::npos) {
      out.append("place:").append(c.place_code);   // "Fla." = "Florida"
    } else if (is(c.type, "LOC") || is(c.type, "PER")) {
      // "SARASOTA" in a dateline and "Sarasota" in the text are one place (one person).
      const std::size_t at = out.size();
      out.resize(at + (c.end - c.start));   // ascii_lower of it
      ascii_lower_copy(out.data() + at, text.data() + c.start, c.end - c.start);
    } else if (is(c.type, "ORG")) {
      auto [tb, te] = org_key(c);
      out.append(text.substr(toks[tb].start, toks[te - 1].end - toks[tb].start));
    } else {
      out.append(text.substr(c.start, c.end - c.start));
    }
  };
  auto key_of = [&](const Cand& c) {
    std::string out;
    append_key(c, out);
    return out;
  };
  auto new_entity = [&](std::string_view type) {
    infos.push_back(EntityInfo{type, {}});
    return infos.size() - 1;
  };
  // An entity is listed once under a first word however often its name is told: the look-ups
  // below want one entity (size() == 1), not one telling.
  auto add_once = [](std::vector<std::size_t>& v, std::size_t e) {
    if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
  };
  // (surface_hash: fold_hash of the candidate's text, mostly known where it is registered.)
  auto register_aliases = [&](const Cand& c, std::size_t e, std::uint32_t surface_hash) {
    if (c.te == c.tb + 1 && c.start == toks[c.tb].start && c.end == toks[c.tb].end) add_alias_toks(c.tb, c.te, e);
    else aliases.item(text.substr(c.start, c.end - c.start), surface_hash).ids.add(e);
    if (is(c.type, "ORG") && c.user_id.empty()) {
      auto [tb, te] = org_key(c);
      // (The base name of a name without "The" or a suffix is its text, just added.)
      if (!(tb == c.tb && te == c.te && c.start == toks[tb].start && c.end == toks[te - 1].end)) add_alias_toks(tb, te, e);
      // Only for a legal name ("Toyota Motor Corp."): "Tokyo Stock Exchange" is not "Tokyo".
      const auto* first_place = lex.places.match(text, toks, tb, tb + 1, false);
      if (te < c.te && c.strong && !toks[tb].has(kHyphenated))
        if (first_place && is(first_place->extra, "city"))
          add_once(city_first[std::string(w.tv(tb))], e);                 // "Toyota Motor Corp." -> "Toyota"
      bool plain_first = !first_place &&
                         !w.has(ix.org_heads, tb) && !toks[tb].has(kHyphenated) &&
                         !w.demonym(tb);   // "American Airlines" is not "American"
      if (te - tb >= 2 && plain_first && !w.common(tb))
        add_alias_toks(tb, tb + 1, e);                                    // "Nissan Motor" -> "Nissan"
      else if (te - tb >= 2 && plain_first)
        add_once(first_words[std::string(w.tv(tb))], e);                  // "Fiat" only inside "Peugeot-Fiat"
      if (te - tb >= 2) {
        std::string ini = initials(w, tb, te);
        if (ini.size() >= 2) {
          AliasTable::Item& it = aliases.item(ini);                       // "General Motors" -> "GM"
          it.ids.add(e);
          it.initials = true;
        }
      }
    } else if (is(c.type, "PER") && c.te - c.tb >= 2) {
      std::size_t sur = c.te - 1;                                         // surname, before "Jr." / "III"
      while (sur > c.tb + 1 && is_name_suffix(w.tv(sur))) --sur;
      if (!toks[sur].has(kDigit) && !is_name_suffix(w.tv(sur))) {
        add_alias_toks(sur, sur + 1, e);
        bool all_caps = true;
        for (std::size_t k = c.tb; k < c.te; ++k) all_caps = all_caps && (toks[k].has(kAllCaps) || !toks[k].has(kWord));
        if (all_caps && w.tv(sur).size() > 2) {   // "ROBERTO DURAN" in a headline ... "Duran"
          std::string t = ascii_lower(w.tv(sur));
          if (t[0] >= 'a' && t[0] <= 'z') add_alias(static_cast<char>(t[0] - 'a' + 'A') + t.substr(1), e);
        }
      }
      if (!w.given_first(c.tb) && !w.common(c.tb) && !toks[c.tb].has(kAbbrev)) {
        AliasTable::Item& it = aliases.item(w.tv(c.tb), toks[c.tb].fold);   // family name first ("Wang")
        it.ids.add(e);
        it.first_name = true;   // reported only where the text uses it alone
      }
    } else if (is(c.type, "LOC") && c.te - c.tb >= 3 && is(w.tv(c.tb + 1), "of")) {
      // "Gulf of Mexico" ... "the Gulf", "Strait of Hormuz" ... "the Strait".
      auto head = lex.loc_heads.find(std::string(w.tv(c.tb)));
      if (head != lex.loc_heads.end() && !is(head->second, "last")) add_alias_toks(c.tb, c.tb + 1, e);
    }
  };
  // Multi-token strong candidates first, so single words resolve to them.
  // (A counting sort by token count, longest first, in candidate order among equal counts: what
  // a stable sort by count gives. Of the strong ones only: the loop takes no other, and makes none.)
  std::vector<std::size_t>& order = sc.order;
  {
    std::size_t longest = 0, strong = 0;
    for (const Cand& c : w.cands)
      if (c.strong) {
        longest = std::max(longest, c.te - c.tb);
        ++strong;
      }
    order.resize(strong);   // (every element set below)
    std::vector<std::size_t>& at = sc.at;
    at.assign(longest + 2, 0);   // at[longest - n + 1]: candidates longer than n
    for (const Cand& c : w.cands)
      if (c.strong) ++at[longest - (c.te - c.tb) + 1];
    for (std::size_t i = 1; i < at.size(); ++i) at[i] += at[i - 1];
    for (std::size_t i = 0; i < w.cands.size(); ++i)
      if (w.cands[i].strong) order[at[longest - (w.cands[i].te - w.cands[i].tb)]++] = i;
  }
  std::string key_buf;   // key_of(c) when made from an id or a place code, reused
  for (std::size_t i : order) {
    Cand& c = w.cands[i];
    // The key is the candidate's text up to case (fold_hash ignores case) unless made from an id
    // or a place code (append_key): for one token its hash is the token's.
    const bool one_tok = c.te == c.tb + 1 && c.start == toks[c.tb].start && c.end == toks[c.tb].end;
    const bool coded = !c.user_id.empty() || (is(c.type, "LOC") && ((c.place_is_country && !c.place_code.empty()) ||
                                                                    c.place_code.find('-') != std::string::npos));
    // append_key(c) made only when coded: otherwise a view of the text, whose ascii_lower is the
    // key of a place or person (`lowered`: the tables compare it so, and store it lower-cased).
    std::string_view key;
    const bool lowered = !coded && (is(c.type, "LOC") || is(c.type, "PER"));
    if (coded) {
      key_buf.clear();
      append_key(c, key_buf);
      key = key_buf;
    } else if (!lowered && is(c.type, "ORG")) {
      auto [tb, te] = org_key(c);
      key = text.substr(toks[tb].start, toks[te - 1].end - toks[tb].start);
    } else {
      key = text.substr(c.start, c.end - c.start);
    }
    const std::uint32_t key_hash = one_tok && !coded ? toks[c.tb].fold : fold_hash(key);
    const std::size_t* known = by_key.find(c.type, key, key_hash, lowered);
    if (!known) {
      // A strong single word that is a known alias of the same type ("Mr. Ghosn").
      const EntityIds* al =
          !is(c.type, "LOC") ? (lowered ? aliases.find_lowered(key, key_hash) : aliases.find(key, key_hash))
          : !coded           ? aliases.find(text.substr(c.start, c.end - c.start), key_hash)   // (the same up to case)
          : aliases.find(text.substr(c.start, c.end - c.start), one_tok ? toks[c.tb].fold : fold_hash(text.substr(c.start, c.end - c.start)));
      // A one-word place that is also the short name of an organisation or person named in full in
      // this document ("Toyota Motor Corp." ... "Toyota") is that organisation or person.
      bool yields = is(c.type, "LOC") && c.te - c.tb == 1 && c.user_id.empty();
      auto cf = yields ? city_first.find(text.substr(c.start, c.end - c.start)) : city_first.end();
      if (al && al->size() == 1 && (infos[(*al)[0]].type == c.type || yields)) {
        c.entity = (*al)[0];
      } else if (cf != city_first.end() && cf->second.size() == 1 && !used_as_place(cf->first)) {
        // A city that names a company named in full here ("Toyota Motor Corp." ... "Shares of
        // Toyota") is the company, unless the document also uses it as a place ("in Toyota").
        c.entity = cf->second[0];
      } else {
        c.entity = new_entity(c.type);
        by_key.set(c.type, key, key_hash, c.entity, lowered);
      }
    } else {
      c.entity = *known;
    }
    infos[c.entity].user_id = c.user_id;
    // (The key's hash is the text's when the key is the text up to case: not coded, no base name.)
    register_aliases(c, c.entity, one_tok ? toks[c.tb].fold
                                  : !coded && !is(c.type, "ORG") ? key_hash
                                  : fold_hash(text.substr(c.start, c.end - c.start)));
  }
  // Acronyms defined in brackets: "Federal Aviation Administration (FAA)".
  for (std::size_t i = 0; i + 1 < w.cands.size(); ++i) {
    Cand& a = w.cands[i];
    Cand& b = w.cands[i + 1];
    if (b.te - b.tb != 1 || !toks[b.tb].has(kAllCaps) || a.te <= a.tb) continue;
    if (b.tb != a.te + 1 || !is(w.tv(a.te), "(") || b.te >= toks.size() || !is(w.tv(b.te), ")")) continue;
    std::string acr(w.tv(b.tb));
    std::string ini = initials(w, a.tb, a.te);
    if (ini == acr || (acr.size() >= 2 && ini.find(acr) == 0)) {
      if (a.entity == static_cast<std::size_t>(-1)) {   // a weak name made definite by its acronym
        if (a.type.empty()) a.type = "ORG";
        a.strong = true;
        a.entity = new_entity(a.type);
        by_key.set(a.type, key_of(a), a.entity);
        register_aliases(a, a.entity, fold_hash(text.substr(a.start, a.end - a.start)));
      }
      aliases[acr] = {a.entity};
      b.type = infos[a.entity].type;
    }
  }
  // A dictionary word used as a name throughout ("Twitter", "Shell"): capitalised at least twice
  // inside sentences and never written in lower case.
  // cap_inside: ascii_lower of capitalised words -> count; lower_uses: words written in lower case
  // (only those without an upper-case ASCII letter can equal a lower-cased word).
  FoldedCounter cap_inside, lower_uses;
  bool counted = false;   // the counts are made only when a candidate asks
  auto asks = [&](const Cand& c) {   // the candidates the loop below asks used_as_name about
    return c.drop_unless_known && c.te - c.tb == 1 && !toks[c.tb].has(kAllCaps) && w.tv(c.tb).size() > 2;
  };
  auto used_as_name = [&](std::size_t k) {
    if (!counted) {
      counted = true;
      // Only words some candidate asks about are counted: a bit per fold_hash of them (a word
      // whose bit is set but that nobody asks about is counted too, harmlessly).
      std::array<std::uint64_t, 64> asked{};
      auto bit = [](const std::array<std::uint64_t, 64>& bits, std::uint32_t h) {
        return (bits[(h >> 6) & 63] >> (h & 63)) & 1;
      };
      for (const Cand& c : w.cands)
        if (asks(c)) asked[(toks[c.tb].fold >> 6) & 63] |= std::uint64_t{1} << (toks[c.tb].fold & 63);
      // The capitalised words first, from their list (words with kCap are in it); then the words
      // in lower case, a pass over every token, only for the words capitalised twice inside
      // sentences (the others are no name whatever their lower-case uses): most documents have none.
      for (const std::uint32_t q : capk)
        if (bit(asked, toks[q].fold) && !toks[q].has(kLower) && toks[q].has(kCap) && q > 0 &&
            toks[q - 1].sentence == toks[q].sentence && !toks[q - 1].has(kPunct))
          cap_inside.add(w.tv(q), toks[q].fold);
      std::array<std::uint64_t, 64> twice{};
      bool any_twice = false;
      for (const Cand& c : w.cands)
        if (asks(c) && cap_inside.get(w.tv(c.tb), toks[c.tb].fold) >= 2) {
          twice[(toks[c.tb].fold >> 6) & 63] |= std::uint64_t{1} << (toks[c.tb].fold & 63);
          any_twice = true;
        }
      // (Through a pointer, the flags tested at once, and first a bit per (fold & 63) of those words:
      // most tokens are turned away by one or two tests.)
      std::uint64_t twice_low = 0;
      for (const std::uint64_t x : twice) twice_low |= x;
      const Token* const tp = toks.data();
      for (std::size_t q = 0, n = any_twice ? toks.size() : 0; q < n; ++q) {
        const Token& t = tp[q];
        if (!((twice_low >> (t.fold & 63)) & 1) || (t.flags & (kWord | kLower)) != (kWord | kLower) || !bit(twice, t.fold))
          continue;
        const std::string_view tx = t.view(text);
        if (std::none_of(tx.begin(), tx.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) lower_uses.add(tx, t.fold);
      }
    }
    const std::string_view t = w.tv(k);
    return cap_inside.get(t, toks[k].fold) >= 2 && lower_uses.get(t, toks[k].fold) == 0;
  };
  // A capitalised dictionary word inside a sentence with a possessive after it is a name too
  // ("Alphabet's Google", "fines on Amazon's unit"): "the Apple's" does not occur in prose.
  auto possessor = [&](const Cand& c) {
    return c.te < toks.size() && toks[c.te].sentence == c.sentence && is(w.tv(c.te), "'s") && c.tb > 0 &&
           toks[c.tb - 1].sentence == c.sentence && toks[c.tb - 1].has(kLower) && w.common(c.tb) &&
           !w.has(ix.org_heads, c.tb) && !w.has(ix.loc_heads, c.tb);
  };
  for (Cand& c : w.cands)
    if (asks(c) && (used_as_name(c.tb) || possessor(c)))
      c.drop_unless_known = false;

  // Weak candidates: resolve by alias, else new entities.
  std::vector<std::size_t>& last_seen = sc.last_seen;
  last_seen.assign(infos.size(), 0);
  auto resolve = [&](std::string_view s, std::uint32_t h, std::size_t pos) -> std::size_t {   // h = fold_hash(s)
    const EntityIds* ids = aliases.find(s, h);
    if (!ids) return static_cast<std::size_t>(-1);
    std::size_t best = (*ids)[0];
    for (std::size_t e : *ids)   // ambiguous: the most recently mentioned
      if (e < last_seen.size() && last_seen[e] > last_seen[best] && last_seen[e] <= pos) best = e;
    return best;
  };
  std::vector<Cand> extra;  // hyphen parts
  for (Cand& c : w.cands) {
    if (c.entity < infos.size()) {
      if (c.entity >= last_seen.size()) last_seen.resize(infos.size(), 0);
      last_seen[c.entity] = c.start + 1;
      continue;
    }
    if (last_seen.size() < infos.size()) last_seen.resize(infos.size(), 0);   // (infos only grows)
    const std::string_view surface = text.substr(c.start, c.end - c.start);
    const bool one_token = c.te == c.tb + 1 && c.start == toks[c.tb].start && c.end == toks[c.tb].end;
    const std::uint32_t surface_hash = one_token ? toks[c.tb].fold : fold_hash(surface);
    std::size_t e = resolve(surface, surface_hash, c.start + 1);
    if (e == static_cast<std::size_t>(-1) && c.hyphen_pair) {
      // "Nissan-Renault": split when every part is a known name.
      std::vector<std::pair<std::size_t, std::size_t>> parts;
      std::size_t ps = c.start;
      for (std::size_t q = c.start; q <= c.end; ++q) {
        if (q == c.end || text[q] == '-') {
          parts.push_back({ps, q});
          ps = q + 1;
        }
      }
      std::vector<std::size_t> ents;
      for (auto [s0, e0] : parts) {
        const std::string_view part = text.substr(s0, e0 - s0);
        std::size_t pe = resolve(part, fold_hash(part), c.start + 1);
        if (pe == static_cast<std::size_t>(-1)) {
          auto fw = first_words.find(part);
          if (fw != first_words.end() && fw->second.size() == 1) pe = fw->second[0];
        }
        if (pe == static_cast<std::size_t>(-1)) {
          if (const auto* p = lex.places.match(part, tokenize(part, lex.text), 0, 1, false); p && p->tokens.size() == 1) {
            pe = new_entity("LOC");
            by_key.set("LOC", part, pe);
            add_alias(part, pe);
          }
        }
        ents.push_back(pe);
      }
      if (std::find(ents.begin(), ents.end(), static_cast<std::size_t>(-1)) == ents.end()) {
        for (std::size_t p = 0; p < parts.size(); ++p) {
          Cand part = c;
          part.start = parts[p].first;
          part.end = parts[p].second;
          part.entity = ents[p];
          part.type = infos[ents[p]].type;
          extra.push_back(part);
        }
        c.entity = static_cast<std::size_t>(-2);  // replaced by its parts
        continue;
      }
    }
    if (e == static_cast<std::size_t>(-1) && c.drop_unless_known) {
      c.entity = static_cast<std::size_t>(-2);
      continue;
    }

    if (e == static_cast<std::size_t>(-1)) {
      std::string_view type = c.type;
      if (type.empty() && c.tb > 1 && toks[c.tb - 2].sentence == c.sentence) {   // "the town of X"
        // lex.cues_before of the two words lower-cased with a space between (the same keys).
        std::string& two = w.scratch;
        two.assign(w.tv(c.tb - 2));
        two.push_back(' ');
        two.append(w.tv(c.tb - 1));
        for (char& ch : two)
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (const std::string* cue = ix.cues_before.exact(two, fold_hash(two))) type = *cue;
      }
      if (type.empty() && c.tb > 0 && toks[c.tb - 1].sentence == c.sentence) {
        if (const std::string* cue = w.lowered_in(ix.cues_before, c.tb - 1)) type = *cue;
      }
      if (type.empty() && c.te < toks.size() && toks[c.te].sentence == c.sentence) {
        if (const std::string* cue = w.lowered_in(ix.cues_after, c.te)) type = *cue;
      }
      if (type.empty()) type = kDefaultSingle;
      bool fresh = false;
      std::size_t& known = by_key.emplace(type, surface, surface_hash, 0, fresh);   // (one look-up; filled in below when new)
      if (!fresh) {
        e = known;
      } else {
        c.type = type;
        e = new_entity(type);
        known = e;
        register_aliases(c, e, surface_hash);
      }
    }
    c.entity = e;
    if (last_seen.size() < infos.size()) last_seen.resize(infos.size(), 0);
    last_seen[e] = c.start + 1;
  }
  w.cands.erase(std::remove_if(w.cands.begin(), w.cands.end(),
                               [](const Cand& c) { return c.entity == static_cast<std::size_t>(-2); }),
                w.cands.end());
  for (Cand& c : extra) w.cands.push_back(c);

  // The tokens some candidate covers: made for the lists below, brought up to date as candidates
  // are added (pass 3 and the coreference step read it).
  std::vector<char>& covered = sc.covered;
  covered.assign(toks.size(), 0);
  // Lists of names ("such as Apple, Samsung and Qualcomm", "Apple, Nvidia, Samsung and Alphabet"):
  // a lone capitalised dictionary word among at least two names of one type, in a list of three or
  // more items closed by "and" or "or", is a name of that type.
  {
    for (const Cand& c : w.cands)
      for (std::size_t k = c.tb; k < c.te && k < covered.size(); ++k) covered[k] = 1;
    // (The lists are looked for only in the sentences that may hold one: without any, no index of
    // the candidates' first tokens is made.)
    bool any_list = false;
    for (std::size_t s = 0; s < sentences.size() && !any_list; ++s) any_list = !headline[s] && lists[s];
    std::vector<std::uint32_t>& at_index = sc.at_index;   // candidate starting at a token: index + 1
    auto at = [&](std::size_t k) -> const Cand* { return at_index[k] ? &w.cands[at_index[k] - 1] : nullptr; };
    std::vector<std::uint32_t>& starts = sc.starts;   // the tokens where `at` is set, sorted
    if (any_list) {
      at_index.assign(toks.size(), 0);
      starts.resize(w.cands.size());
      std::size_t nstarts = 0;
      bool in_order = true;   // (the candidates come in text order but for the hyphen parts: then no sort)
      for (const Cand& c : w.cands)
        if (c.tb < at_index.size() && c.entity < infos.size()) {
          at_index[c.tb] = static_cast<std::uint32_t>(&c - w.cands.data() + 1);
          in_order = in_order && (nstarts == 0 || starts[nstarts - 1] <= c.tb);
          starts[nstarts++] = static_cast<std::uint32_t>(c.tb);
        }
      starts.resize(nstarts);
      if (!in_order) std::sort(starts.begin(), starts.end());
    }
    // The tokens where an item may start: candidates' first tokens and capitalised words (the
    // next one of either list: a cursor into each, not a merged list made for every document).
    std::size_t start_ci = 0, cap_ci = 0;
    std::vector<Cand> listed;
    struct Item { std::size_t tb, te; const Cand* c; };
    thread_local std::vector<Item> items;   // reused for every start (and document)
    // Per suffix of a closed list (items [j, end)): its named items' type (the first non-empty
    // one), whether they agree (every named item after that first one has its type), how many are named.
    struct Suffix {
      std::string_view type;
      bool agree = true;
      int named = 0;
    };
    thread_local std::vector<Suffix> suffix;
    for (std::size_t s = 0; s < sentences.size(); ++s) {
      const std::size_t a = srange[s].first, b = srange[s].second;
      // (A list of three items or more has a "," between two of them, and (see below) only one
      // closed by "and" or "or" after its next item names anything.)
      if (headline[s] || !lists[s]) continue;
      for (std::size_t k = a; k < b;) {
        // Items: a candidate, or one capitalised word nothing took; separators: ",", "and", "or".
        if (!at_index[k] && !w.cap(k)) {   // (no first item here, nor before the next capital or candidate)
          k = std::min({next_in(starts, k, start_ci, toks.size()), next_in(capk, k, cap_ci, toks.size()), b});
          continue;
        }
        items.clear();
        bool closed = false;
        std::size_t q = k;
        while (q < b) {
          Item it{q, q + 1, nullptr};
          if (const Cand* aq = at(q)) it = Item{q, aq->te, aq};
          else if (!(w.cap(q) && !covered[q] && !w.blocked[q] && !w.has(ix.non_entities, q)))
            break;
          items.push_back(it);
          q = it.te;
          if (closed || q >= b) break;
          const std::string_view sep = w.tv(q);   // compared lower-cased
          if (is(sep, ",")) {
            ++q;
            if (q < b && (lower_equals(w.tv(q), "and") || lower_equals(w.tv(q), "or"))) { ++q; closed = true; }
          } else if (lower_equals(sep, "and") || lower_equals(sep, "or")) {
            ++q;
            closed = true;
          } else {
            break;
          }
        }
        // A walk from any later item of the list is the rest of this one (the same items, ended
        // the same way): a walk that ended without "and"/"or" ends so from each of them too, and
        // a closed one is read for each of its suffixes here, from the back, instead of walked
        // again from each item (a list of 2,000 names cost the square of that).
        const bool complete = closed && items.size() >= 3 && items.back().te <= q;   // (then so are its suffixes of 3 or more)
        suffix.assign(complete ? items.size() + 1 : 0, Suffix{});
        std::string_view common;   // the rest's named items all have this type, when `uniform`
        bool uniform = true;
        for (std::size_t j = suffix.empty() ? 0 : items.size(); j-- > 0;) {
          Suffix& cur = suffix[j];
          cur = suffix[j + 1];
          if (!items[j].c) continue;
          const std::string_view t = infos[items[j].c->entity].type;
          const bool rest_named = cur.named > 0;
          if (!t.empty()) {
            cur.type = t;
            cur.agree = !rest_named || (uniform && common == t);
          }
          uniform = uniform && (!rest_named || common == t);
          common = t;
          ++cur.named;
        }
        for (std::size_t j = 0; complete && j + 3 <= items.size(); ++j) {
          const Suffix& sf = suffix[j];
          if (sf.agree && sf.named >= 2 && sf.named < static_cast<int>(items.size() - j) && !is(sf.type, "MISC"))
            for (std::size_t i = j; i < items.size(); ++i)
              if (!items[i].c)
                listed.push_back(Cand{items[i].tb, items[i].te, toks[items[i].tb].start, toks[items[i].te - 1].end, s, sf.type, true});
        }
        k = items.empty() ? k + 1 : std::max(k + 1, q);
      }
    }
    for (Cand& c : listed) {
      const std::string_view surface = text.substr(c.start, c.end - c.start);
      bool fresh = false;
      const bool one_tok = c.te == c.tb + 1;   // (its bytes are the token's)
      const std::uint32_t surface_hash = one_tok ? toks[c.tb].fold : fold_hash(surface);
      std::size_t& known = by_key.emplace(c.type, surface, surface_hash, 0, fresh);   // (one look-up; filled in below when new)
      if (!fresh) {
        c.entity = known;
      } else {
        c.entity = new_entity(c.type);
        known = c.entity;
        register_aliases(c, c.entity, surface_hash);
      }
      w.cands.push_back(c);
      for (std::size_t k = c.tb; k < c.te; ++k) covered[k] = 1;
    }
  }

  // Pass 3: known aliases where no candidate was taken (headlines, sentence-initial words).
  {
    // The unambiguous aliases as phrases, matched as a PhraseTable of them would (longest first, in
    // the aliases' order among equal lengths), without copying them: token views into the alias
    // keys, sorted by the folded hash of the first token.
    struct AliasPhrase {
      std::uint32_t hash;
      bool single;            // one word (the last of its first word's group)
      std::uint32_t hash2;    // fold hash of the second word (0 for one word)
      std::size_t first, n;   // tokens: alias_toks[first, first + n)
      std::size_t entity;
      std::uint32_t item;     // index into aliases.items()
    };
    // (covered: every candidate's tokens, as made above)
    // The words the loop below may look up (a superset: it covers more as it goes): a bit per
    // fold_hash, and their lengths. An alias that starts with an ASCII character other than
    // white space starts with its first token; when no looked-up word's length of its start has
    // a set bit, it matches nowhere and is not tokenised.
    std::array<std::uint64_t, 64> looked{};
    std::vector<std::size_t> lengths;   // (of 64 bytes or more; the shorter ones are bits of short_lengths)
    std::uint64_t short_lengths = 0;
    // Per first byte (case folded: (byte | 0x20) & 63), a bit per length under 64 of the words
    // starting with it: an alias prefix of a length whose bit is clear is none of them.
    std::array<std::uint64_t, 64> lengths_of_first{};
    auto first_of = [](char ch) { return (static_cast<unsigned char>(ch) | 0x20) & 63; };
    std::vector<std::size_t>& eligible = sc.eligible;   // the tokens the loop below looks at (unless covered by then)
    eligible.clear();
    auto eligible_add = [&](std::size_t k) {
      eligible.push_back(k);
      looked[(toks[k].fold >> 6) & 63] |= std::uint64_t{1} << (toks[k].fold & 63);
      const std::size_t len = toks[k].end - toks[k].start;
      if (len < 64) {
        short_lengths |= std::uint64_t{1} << len;
        lengths_of_first[first_of(text[toks[k].start])] |= std::uint64_t{1} << len;
      } else if (std::find(lengths.begin(), lengths.end(), len) == lengths.end()) lengths.push_back(len);
    };
    if (!any_upper_headline) {   // only capitalised words: the list of them
      for (const std::uint32_t k : capk)
        if (!covered[k] && !w.blocked[k]) eligible_add(k);
    } else if (runs_in_order) {   // every word of an upper-case headline, else the capitalised words
      std::size_t ci = 0;
      for (std::size_t s = 0; s < srange.size(); ++s) {
        const std::size_t a = srange[s].first, b = srange[s].second;
        if (headline[s] == 2) {
          for (std::size_t k = a; k < b; ++k)
            if (!covered[k] && !w.blocked[k] && toks[k].has(kWord)) eligible_add(k);
          continue;
        }
        while (ci < capk.size() && capk[ci] < a) ++ci;
        for (; ci < capk.size() && capk[ci] < b; ++ci)
          if (!covered[capk[ci]] && !w.blocked[capk[ci]]) eligible_add(capk[ci]);
      }
    } else {
      for (std::size_t k = 0; k < toks.size(); ++k) {
        if (covered[k] || w.blocked[k] || !toks[k].has(kWord)) continue;
        std::size_t s = toks[k].sentence;
        if (!(s < headline.size() && headline[s] == 2) && !w.cap(k)) continue;
        eligible_add(k);
      }
    }
    auto may_match = [&](std::string_view a) {
      const unsigned char c0 = static_cast<unsigned char>(a[0]);
      if (c0 <= 0x20 || c0 >= 0x7F) return true;   // not sure where its first token starts
      // A looked-up length: not longer than the alias, and no ASCII letter or digit right after it
      // (no word token ends right before one: the tokenizer joins them).
      auto try_len = [&](std::size_t len) {
        if (len < a.size()) {
          const char nx = a[len];
          if ((nx >= 'a' && nx <= 'z') || (nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9')) return false;
        }
        const std::uint32_t h = fold_hash(a.substr(0, len));
        return ((looked[(h >> 6) & 63] >> (h & 63)) & 1) != 0;
      };
      const std::uint64_t starting = lengths_of_first[first_of(a[0])];
      std::uint64_t m = a.size() >= 63 ? starting : starting & ((std::uint64_t{2} << a.size()) - 1);
      for (; m != 0; m &= m - 1)
        if (try_len(static_cast<std::size_t>(__builtin_ctzll(m)))) return true;
      for (std::size_t len : lengths)
        if (len <= a.size() && try_len(len)) return true;
      return false;
    };
    // (A thread's scratch, reused from document to document.)
    thread_local std::vector<std::string_view> alias_toks;
    thread_local std::vector<AliasPhrase> alias_phrases;
    alias_toks.clear();
    alias_phrases.clear();
    for (std::size_t ai = 0; ai < aliases.items().size(); ++ai) {
      const std::string_view a = aliases.items()[ai].key;
      const EntityIds& ents = aliases.items()[ai].ids;
      if (ents.size() != 1 || a.size() < 2 || (short_lengths == 0 && lengths.empty()) || !may_match(a)) continue;
      const std::vector<Token> at = tokenize(a, lex.text);
      if (at.empty()) continue;
      alias_phrases.push_back(AliasPhrase{at[0].fold, at.size() == 1, at.size() > 1 ? at[1].fold : 0, alias_toks.size(),
                                          at.size(), ents[0], static_cast<std::uint32_t>(ai)});
      for (const Token& t : at) alias_toks.push_back(t.view(a));
    }
    // Longest first among phrases of one first word; among equal lengths the order of the
    // aliases' std::unordered_map (the first match wins). That order matters only where two
    // phrases of different entities can match the same words, i.e. are equal ignoring case: only
    // then is it worked out; otherwise any order gives the same matches. Phrases of several words
    // are grouped by their second word too (only those whose second word is the text's can
    // match), so a look-up reads the few phrases that may match, not all of one first word's.
    auto group = [](const AliasPhrase& x) { return std::tie(x.hash, x.single, x.hash2); };
    auto by_item = [&](const AliasPhrase& x, const AliasPhrase& y) {
      if (group(x) != group(y)) return group(x) < group(y);
      if (x.n != y.n) return x.n > y.n;
      return x.item < y.item;
    };
    std::sort(alias_phrases.begin(), alias_phrases.end(), by_item);
    // Phrases equal ignoring case sit together (same group, same length): compared in twos where
    // a run is short, through their lower-cased words where it is long.
    auto same_words = [&](const AliasPhrase& x, const AliasPhrase& y) {
      for (std::size_t q = 0; q < x.n; ++q)
        if (!equal_any_case(alias_toks[x.first + q], alias_toks[y.first + q])) return false;
      return true;
    };
    bool ties_matter = false;
    for (std::size_t i = 0, j = 0; i < alias_phrases.size() && !ties_matter; i = j) {
      const AliasPhrase& x = alias_phrases[i];
      for (j = i + 1; j < alias_phrases.size() && group(alias_phrases[j]) == group(x) && alias_phrases[j].n == x.n;) ++j;
      if (j - i <= 8) {
        for (std::size_t a = i; a < j && !ties_matter; ++a)
          for (std::size_t b = a + 1; b < j && !ties_matter; ++b)
            ties_matter = alias_phrases[a].entity != alias_phrases[b].entity && same_words(alias_phrases[a], alias_phrases[b]);
      } else {
        std::unordered_map<std::string, std::size_t> entity_of_words;   // words lower-cased -> entity
        for (std::size_t a = i; a < j && !ties_matter; ++a) {
          std::string words;
          for (std::size_t q = 0; q < alias_phrases[a].n; ++q) words += ascii_lower(alias_toks[alias_phrases[a].first + q]) + '\x1f';
          auto [at, fresh] = entity_of_words.emplace(std::move(words), alias_phrases[a].entity);
          ties_matter = !fresh && at->second != alias_phrases[a].entity;
        }
      }
    }
    if (ties_matter) {
      const std::vector<std::uint32_t> rank = aliases.unordered_map_ranks();
      std::sort(alias_phrases.begin(), alias_phrases.end(), [&](const AliasPhrase& x, const AliasPhrase& y) {
        if (group(x) != group(y)) return group(x) < group(y);
        if (x.n != y.n) return x.n > y.n;
        return rank[x.item] < rank[y.item];
      });
    }
    auto alias_match = [&](std::size_t k, std::size_t end, bool any_case) -> const AliasPhrase* {
      const std::uint32_t h = toks[k].fold;
      // Several words (when the next word is in the sentence), then one.
      for (const bool single : {false, true}) {
        if (!single && (k + 1 >= end || toks[k + 1].sentence != toks[k].sentence)) continue;
        const auto key = std::make_tuple(h, single, single ? std::uint32_t{0} : toks[k + 1].fold);
        auto it = std::lower_bound(alias_phrases.begin(), alias_phrases.end(), key,
                                   [&](const AliasPhrase& x, const auto& v) { return group(x) < v; });
        for (; it != alias_phrases.end() && group(*it) == key; ++it) {
          if (k + it->n > end) continue;
          bool ok = true;
          for (std::size_t i = 0; i < it->n && ok; ++i) {
            if (i > 0 && toks[k + i].sentence != toks[k].sentence) ok = false;
            else ok = any_case ? equal_any_case(w.tv(k + i), alias_toks[it->first + i]) : w.tv(k + i) == alias_toks[it->first + i];
          }
          if (ok) return &*it;
        }
      }
      return nullptr;
    };
    // A bit per fold hash of the phrases' first words (4096 bits): a word whose bit is clear
    // starts none of them (alias_match finds them by it), and most eligible words start none.
    std::array<std::uint64_t, 64> first_bits{};
    for (const AliasPhrase& x : alias_phrases) first_bits[(x.hash >> 6) & 63] |= std::uint64_t{1} << (x.hash & 63);
    for (const std::size_t k : eligible) {
      if (covered[k]) continue;   // (a match covers its tokens: the loop went on after them)
      if (!((first_bits[(toks[k].fold >> 6) & 63] >> (toks[k].fold & 63)) & 1)) continue;
      std::size_t s = toks[k].sentence;
      bool any_case = s < headline.size() && headline[s] == 2;
      std::size_t b = s < srange.size() ? srange[s].second : toks.size();
      const AliasPhrase* m = alias_match(k, b, any_case);
      if (!m) continue;
      std::size_t te = k + m->n;
      bool free = true;
      for (std::size_t q = k; q < te; ++q) free = free && !covered[q];
      if (!free) continue;
      Cand c{k, te, toks[k].start, toks[te - 1].end, s, "", true};
      c.entity = m->entity;
      w.cands.push_back(c);
      for (std::size_t q = k; q < te; ++q) covered[q] = 1;
    }
  }

  // Entities: names, ids, mentions.
  {
    // Sorted through an index (the same comparisons, so the same order) and moved once.
    // The order (start ascending, end descending) as one packed key per candidate: every
    // comparison answers as before. Already strictly in order (no two equal): nothing to do, as
    // a sort of distinct keys has one result.
    auto order_key = [](const Cand& c) {
      return (static_cast<std::uint64_t>(c.start) << 32) | (0xFFFFFFFFull - static_cast<std::uint32_t>(c.end));
    };
    // Candidates come in text order but for those added after pass 1 at the end: the sorted
    // prefix merged with the sorted rest. When no two keys are equal that is what std::sort
    // gives (distinct keys have one sorted order); otherwise std::sort itself decides. (The
    // prefix found on the candidates: in most documents it is all of them, and no index is made.)
    const std::size_t ncands = w.cands.size();
    std::size_t prefix = ncands == 0 ? 0 : 1;
    for (std::uint64_t prev = ncands == 0 ? 0 : order_key(w.cands[0]); prefix < ncands; ++prefix) {
      const std::uint64_t next = order_key(w.cands[prefix]);
      if (!(prev < next)) break;
      prev = next;
    }
    if (prefix < ncands) {
      std::vector<std::pair<std::uint64_t, std::size_t>>& idx = sc.idx;
      idx.resize(ncands);   // (every element set below)
      for (std::size_t i = 0; i < ncands; ++i) idx[i] = {order_key(w.cands[i]), i};
      auto by_key = [](const auto& x, const auto& y) { return x.first < y.first; };
      std::vector<std::pair<std::uint64_t, std::size_t>> merged(idx.begin() + prefix, idx.end());
      std::sort(merged.begin(), merged.end(), by_key);
      std::vector<std::pair<std::uint64_t, std::size_t>> both(idx.size());
      std::merge(idx.begin(), idx.begin() + prefix, merged.begin(), merged.end(), both.begin(), by_key);
      bool distinct = true;
      for (std::size_t i = 1; i < both.size() && distinct; ++i) distinct = both[i - 1].first < both[i].first;
      if (distinct) idx.swap(both);
      else std::sort(idx.begin(), idx.end(), by_key);
      std::vector<Cand>& sorted = sc.sorted;
      sorted.clear();
      for (const auto& [key, i] : idx) sorted.push_back(std::move(w.cands[i]));
      w.cands.swap(sorted);
    }
  }
  build_entities(w, infos, aliases, r);
  // Light coreference: pronouns and definite descriptions point back to the last named entity of
  // their type (within two sentences).
  add_references(w, srange, refk, covered, r);
  return r;
}

}  // namespace storyline::extractor
