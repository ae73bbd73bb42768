#include "storyline/extractor/relations.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <cstdint>
#include <cstring>
#include <sstream>

#include <nlohmann/json.hpp>

namespace storyline::extractor {
namespace {

const std::string kNoType;
const RelationType kCoOccurs{"co_occurs"}, kLocatedIn{"located_in"};

// PER, ORG, LOC, MISC -> 0..3; anything else -1.
inline int type_slot_of(const std::string& t) {
  if (t.size() == 3) {
    if (t[0] == 'P' && t[1] == 'E' && t[2] == 'R') return 0;
    if (t[0] == 'O' && t[1] == 'R' && t[2] == 'G') return 1;
    if (t[0] == 'L' && t[1] == 'O' && t[2] == 'C') return 2;
  } else if (t.size() == 4 && t[0] == 'M' && t[1] == 'I' && t[2] == 'S' && t[3] == 'C') {
    return 3;
  }
  return -1;
}
constexpr int kPerSlot = 0;   // type_slot_of("PER")
// Bytes readable past the end of relations()' lower-cased copy of the document, so that a word
// in it may be read eight bytes at a time (WordTable::FoldProbe).
constexpr std::size_t kWordPad = 8;

struct Item {
  bool ent = false;
  signed char tslot = -1;          // type_slot_of(type)
  // What person_cues, words.tsv and offices.tsv match at token tb (to the sentence end), looked up
  // once per item on first use: the rules ask again and again.
  mutable unsigned char phrases_done = 0;   // bit t: item_phrases[index][t] looked up
  int word = -1;                   // `lower` in the rules' word table (RelationRules::Impl::word_id), or -1
  // 32 bits, as Token's offsets: a smaller item is cheaper to build.
  std::uint32_t entity = 0;
  std::uint32_t tb = 0, te = 0;      // tokens
  std::uint32_t start = 0, end = 0;  // bytes
  // TOK: lower-cased text (a view of the lower-cased document); a one-word reference ("her") keeps
  // its word too.
  std::string_view lower;
};

// One sentence's items: a buffer that only grows (kept per thread), written without a capacity
// test per item: add() after room(n) for at most n items.
class ItemList {
 public:
  std::size_t size() const { return n_; }
  const Item& operator[](std::size_t i) const { return p_[i]; }
  const Item* begin() const { return p_.get(); }
  const Item* end() const { return p_.get() + n_; }
  void clear() { n_ = 0; }
  // Room for n more items.
  void room(std::size_t n) {
    if (n_ + n <= cap_) return;
    std::size_t cap = std::max<std::size_t>(64, 2 * cap_);
    while (cap < n_ + n) cap *= 2;
    std::unique_ptr<Item[]> p(new Item[cap]);
    std::copy(p_.get(), p_.get() + n_, p.get());
    p_ = std::move(p);
    cap_ = cap;
  }
  Item& add(const Item& it) { return p_[n_++] = it; }
  // n more items, to be written by the caller: their first (the count is kept in a register of the
  // caller's loop, not in this thread-local list per item).
  Item* extend(std::size_t n) {
    room(n);
    Item* at = p_.get() + n_;
    n_ += n;
    return at;
  }

 private:
  std::unique_ptr<Item[]> p_;
  std::size_t n_ = 0, cap_ = 0;
};

// What person_cues, words.tsv and offices.tsv match at an item (Item::phrases_done says which are
// known), by item index: kept out of Item, which is built for every token, and filled only for the
// items a class element asks about. Never shrunk nor cleared (phrases_done guards it).
thread_local std::vector<std::array<const PhraseTable::Entry*, 3>> item_phrases;

}  // namespace

// "succeeded him", "replaced her with Hunt": an object pronoun stands for the most recent person
// named before it who is not the subject of its own clause. The subject is the nearest person
// named since the last clause break (", and", ";") outside asides, else the sentence's first
// person. Only him/her in object position (her before a noun is a possessive).
std::optional<std::size_t> resolve_object_pronoun(const DocContext& ctx, std::size_t k) {
  const auto& toks = *ctx.tokens;
  if (toks[k].end - toks[k].start != 3) return std::nullopt;   // not him/her: no lower-casing
  std::string w = ascii_lower(toks[k].view(ctx.text));
  if (w != "him" && w != "her") return std::nullopt;
  if (w == "her" && k + 1 < toks.size() && toks[k + 1].sentence == toks[k].sentence) {
    static const std::vector<std::string> after = {"as", "with", "to", "on", "in", "at", "after", "for", "by",
                                                   "from", "and", "that", "of", "before", "when"};
    std::string next = ascii_lower(toks[k + 1].view(ctx.text));
    if (!toks[k + 1].has(kPunct) && std::find(after.begin(), after.end(), next) == after.end())
      return std::nullopt;
  }
  const auto& mentions = ctx.entities->mentions;
  const auto& ents = ctx.entities->entities;
  const std::size_t s = toks[k].sentence;
  std::size_t sb = k;
  while (sb > 0 && toks[sb - 1].sentence == s) --sb;
  // Clause start: after the last ", and" / ";" before the pronoun.
  std::size_t clause = sb;
  for (std::size_t q = sb; q + 1 < k; ++q) {
    const std::string_view v = toks[q].view(ctx.text);   // ";" and "," have no case
    if (v == ";" || (v == "," && lower_equals(toks[q + 1].view(ctx.text), "and"))) clause = q + 1;
  }
  std::optional<std::size_t> subject;
  for (const auto& m : mentions) {
    if (m.tok_begin >= k) break;
    if (m.sentence != s || type_slot_of(ents[m.entity].type) != kPerSlot) continue;
    if (m.tok_begin >= clause && !subject) subject = m.entity;
  }
  if (!subject) {
    for (const auto& m : mentions)
      if (m.sentence == s && m.tok_begin < k && type_slot_of(ents[m.entity].type) == kPerSlot) {
        subject = m.entity;
        break;
      }
  }
  std::optional<std::size_t> best;
  for (const auto& m : mentions) {
    if (m.tok_begin >= k) break;
    if (type_slot_of(ents[m.entity].type) != kPerSlot || (subject && m.entity == *subject)) continue;
    if (m.sentence + 2 < s) continue;   // no further back than the previous two sentences
    best = m.entity;
  }
  return best;
}

namespace {

// entities' names and references in text order (a stable sort by start: on a tie the name first);
// both lists come in text order, so a merge does it.
void merge_into(const EntityResult& er, std::vector<MentionSpan>& out) {
  const auto by_start = [](const MentionSpan& a, const MentionSpan& b) { return a.start < b.start; };
  out.resize(er.mentions.size() + er.references.size());
  if (std::is_sorted(er.mentions.begin(), er.mentions.end(), by_start) &&
      std::is_sorted(er.references.begin(), er.references.end(), by_start)) {
    std::merge(er.mentions.begin(), er.mentions.end(), er.references.begin(), er.references.end(), out.begin(),
               by_start);
  } else {
    std::copy(er.mentions.begin(), er.mentions.end(), out.begin());
    std::copy(er.references.begin(), er.references.end(), out.begin() + static_cast<std::ptrdiff_t>(er.mentions.size()));
    std::stable_sort(out.begin(), out.end(), by_start);
  }
}

}  // namespace

void DocContext::merge_mentions() {
  all_mentions.clear();
  if (!entities->references.empty()) merge_into(*entities, all_mentions);
  mentions_merged = true;
}

const std::vector<MentionSpan>& DocContext::mentions_in_order(std::vector<MentionSpan>& scratch) const {
  if (entities->references.empty()) return entities->mentions;
  if (mentions_merged) return all_mentions;
  merge_into(*entities, scratch);
  return scratch;
}

namespace {

// Whether token k may be an object pronoun (him/her): resolve_object_pronoun says no at once otherwise.
inline bool maybe_object_pronoun(std::string_view lower) {
  return lower.size() == 3 && lower[0] == 'h' &&
         ((lower[1] == 'i' && lower[2] == 'm') || (lower[1] == 'e' && lower[2] == 'r'));
}

// The items of tokens [tb, te); on_word(id) for each item's word id (>= 0) as it is built.
// him_her: the word ids of "him" and "her" (Impl::him_her).
template <class WordId, class OnWord>
void build_items(const DocContext& ctx, std::string_view lowered, WordId word_id, OnWord on_word, int dash_word,
                 std::array<int, 2> him_her, const std::vector<MentionSpan>& mentions, std::size_t tb, std::size_t te,
                 std::vector<MentionSpan>::const_iterator& mit, ItemList& items,
                 std::vector<std::uint32_t>& ent_items, const std::vector<signed char>& ent_slot) {
  const auto& toks = *ctx.tokens;
  items.clear();
  ent_items.clear();
  auto lower_of = [&](std::size_t k) { return std::string_view(lowered.data() + toks[k].start, toks[k].end - toks[k].start); };
  std::size_t k = tb;
  while (k < te) {
    while (mit != mentions.end() && mit->tok_begin < k && mit->start < toks[k].start) ++mit;
    if (mit != mentions.end() && mit->tok_begin == k) {
      // All mentions starting in this token (hyphen parts share one token).
      std::size_t last_te = k + 1;
      bool first = true;
      while (mit != mentions.end() && mit->tok_begin == k) {
        if (!first) {
          items.room(1);
          Item& dash = items.add(Item{});
          if (dash_word >= 0) on_word(dash_word);
          // A class phrase may start at it (its token is the whole word): that word's literals
          // are met too (more than needed, never less).
          if (const int w = word_id(lower_of(k), toks[k].fold); w >= 0) on_word(w);
          dash.lower = "-";
          dash.word = dash_word;
          dash.tb = k;
          dash.te = k + 1;
          dash.start = dash.end = mit->start;
        }
        first = false;
        ent_items.push_back(static_cast<std::uint32_t>(items.size()));
        items.room(1);
        Item& it = items.add(Item{});
        it.ent = true;
        it.entity = mit->entity;
        // An object pronoun the reference pass resolved to the clause's own subject ("Grant
        // succeeded him"): the object rule knows better.
        if (mit->tok_end == k + 1) {
          // A one-word reference stays a word for literals too ("dismissed her chancellor").
          it.lower = lower_of(k);
          if (maybe_object_pronoun(it.lower))
            if (auto who = resolve_object_pronoun(ctx, k)) it.entity = *who;
          it.word = word_id(it.lower, toks[k].fold);
          if (it.word >= 0) on_word(it.word);
        }
        it.tslot = ent_slot[it.entity];
        it.tb = mit->tok_begin;
        it.te = mit->tok_end;
        it.start = mit->start;
        it.end = mit->end;
        last_te = std::max(last_te, mit->tok_end);
        ++mit;
      }
      k = last_te;
      continue;
    }
    // Plain tokens up to the next mention's first token: there neither test above can hold, so
    // they are built in one run, the same as one at a time.
    std::size_t stop = k + 1;
    if (mit == mentions.end()) stop = te;
    else if (mit->tok_begin > k) stop = std::min<std::size_t>(te, mit->tok_begin);
    Item* out = items.extend(stop - k);
    for (const Token* t = toks.data() + k; k < stop; ++k, ++t, ++out) {
      const std::string_view lower(lowered.data() + t->start, t->end - t->start);
      const int w = word_id(lower, t->fold);
      // (built whole, not field by field over a value-initialised one)
      Item& it = *out = Item{false, -1, 0, w, 0, static_cast<std::uint32_t>(k),
                             static_cast<std::uint32_t>(k + 1), t->start, t->end, lower};
      if (w >= 0) {
        on_word(w);
        // An object pronoun is a word of the table (maybe_object_pronoun(lower) is w being one of
        // those two): no test of its letters per token, whose length (three letters: "the",
        // "and") is too often the pronouns' to be predicted.
        if (w == him_her[0] || w == him_her[1])
          if (auto who = resolve_object_pronoun(ctx, k)) {
            ent_items.push_back(static_cast<std::uint32_t>(out - items.begin()));
            it.ent = true;
            it.entity = *who;
            it.tslot = 0;   // PER
          }
      }
    }
  }
}

struct Elem {
  enum Kind { kEnt, kEntList, kClass, kLit, kSkip, kNotList, kNotLit, kAside } kind = kLit;
  std::string type;                 // PER | ORG | LOC | MISC | ENT
  std::string cls;                  // @class
  std::vector<std::string> alts;    // literals
  std::vector<int> alt_ids;         // kLit: the alternatives in the rules' word table
  signed char tslot = -1;           // type_slot_of(type)
  bool any_type = false;            // type "ENT"
  unsigned char tables = 7;         // kClass: which of person_cues, words, offices may hold the class
  bool optional = false;
  int skip = 0;
  std::string label;                // "ORG", "ORG#2", "@role" (for source/target/qualifier)
};

struct Rule {
  std::string id;
  int priority = 0;
  RelationType relation;
  bool directed = true;
  std::vector<Elem> elems;
  std::string source, target, qualifier;
  bool former = false;   // the relation ended with what the sentence tells ("fired its CEO X")
  std::string label;     // fixed qualifier when the pattern has no @class for it ("has led X": "head")
  std::string point;     // "start" | "end": what a plain date after the match ("in 2019") tells
};

inline bool type_ok(const std::string& want, const std::string& have) {
  return (want.size() == 3 && want[0] == 'E' && want[1] == 'N' && want[2] == 'T') || want == have;
}
// type_ok(e.type, *it.type) by slots (an element's type is ENT or one of the four).
inline bool type_ok(const Elem& e, const Item& it) { return e.any_type || (e.tslot >= 0 && e.tslot == it.tslot); }

// Lower-cased words -> dense ids (open addressing), looked up by view: one probe per item (the
// items by their token's fold hash, find_fold). The hash reads eight bytes at a time.
class WordTable {
 public:
  int find(std::string_view w) const { return find_hashed(w, hash(w)); }
  int add(const std::string& w) {
    int id = find(w);
    if (id >= 0) return id;
    id = static_cast<int>(keys_.size());
    keys_.push_back(w);
    if (2 * keys_.size() > slots_.size()) {
      slots_.assign(slots_.empty() ? 64 : 2 * slots_.size(), -1);
      for (std::size_t i = 0; i < keys_.size(); ++i) place(static_cast<int>(i));
    } else {
      place(id);
    }
    return id;
  }
  std::size_t size() const { return keys_.size(); }
  // The same lookup by the fold_hash of the word (a token's Token::fold: its text lower-cased
  // hashes alike): no hashing per token. index_folds() after the last add().
  int find_fold(std::string_view w, std::uint32_t fold) const { return fold_probe()(w, fold); }
  struct FoldSlot {
    std::uint32_t fold = 0;
    int id = -1;
  };
  // A key of 1 to 8 bytes as one word: its bytes (zero-padded) and a mask of them, so that a word
  // is compared with it by one load, with no branch per byte (a loop over the bytes mispredicts its
  // exit at most matches, and most words are that short). size 0 or over 8: compared byte by byte.
  struct KeyHead {
    std::uint64_t bytes = 0, mask = 0;
    std::size_t size = 0;
  };
  // find_fold by the tables' addresses, taken once: a loop calling it by value keeps them in
  // registers while it writes items (through chars, which could alias the vectors).
  // w must have eight readable bytes from its start (relations() pads its lower-cased copy of
  // the document: kWordPad).
  struct FoldProbe {
    const std::uint64_t* bits;
    const FoldSlot* slots;
    std::size_t mask;
    const std::string* keys;
    const KeyHead* heads;
    int operator()(std::string_view w, std::uint32_t fold) const {
      // A bit per fold hash's low 16 bits first (8 KB): most words are in no rule and stop there.
      if (!(bits[(fold & 0xFFFF) >> 6] >> (fold & 63) & 1u)) return -1;
      for (std::size_t p = fold & mask;; p = (p + 1) & mask) {
        const FoldSlot& f = slots[p];
        if (f.id < 0) return -1;
        if (f.fold == fold) {
          const KeyHead& head = heads[static_cast<std::size_t>(f.id)];
          if (head.size != w.size()) continue;
          if (head.size - 1 < 8) {   // (1 to 8 bytes)
            std::uint64_t x;
            std::memcpy(&x, w.data(), 8);
            if (((x ^ head.bytes) & head.mask) == 0) return f.id;
            continue;
          }
          const std::string& key = keys[static_cast<std::size_t>(f.id)];
          std::size_t i = 0;
          while (i < w.size() && key[i] == w[i]) ++i;
          if (i == w.size()) return f.id;
        }
      }
    }
  };
  FoldProbe fold_probe() const {
    return FoldProbe{fold_bits_.data(), fold_slots_.data(), fold_slots_.size() - 1, keys_.data(), heads_.data()};
  }
  void index_folds() {
    std::size_t cap = 64;
    while (cap < 8 * keys_.size()) cap *= 2;   // mostly one probe for a word not in the table
    fold_slots_.assign(cap, FoldSlot{});
    fold_bits_.assign(1024, 0);
    heads_.assign(keys_.size(), KeyHead{});
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      KeyHead& head = heads_[i];
      head.size = keys_[i].size();
      if (head.size - 1 < 8) {
        const unsigned char ones[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        std::memcpy(&head.bytes, keys_[i].data(), head.size);
        std::memcpy(&head.mask, ones, head.size);
      }
      const std::uint32_t h = fold_hash(keys_[i]);
      fold_bits_[(h & 0xFFFF) >> 6] |= std::uint64_t{1} << (h & 63);
      std::size_t p = h & (cap - 1);
      while (fold_slots_[p].id >= 0) p = (p + 1) & (cap - 1);
      fold_slots_[p] = FoldSlot{h, static_cast<int>(i)};
    }
  }

 private:
  // The bytes w[at, at + n) (n <= 8) as the low bytes of a word, the rest zero.
  static std::uint64_t chunk(std::string_view w, std::size_t at, std::size_t n) {
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < n; ++i) x |= std::uint64_t{static_cast<unsigned char>(w[at + i])} << (8 * i);
    return x;
  }
  static std::uint64_t hash(std::string_view w) {
    std::uint64_t h = w.size() * 0x9E3779B97F4A7C15ull;
    for (std::size_t at = 0; at < w.size(); at += 8) {
      h = (h ^ chunk(w, at, std::min<std::size_t>(8, w.size() - at))) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    return h;
  }
  int find_hashed(std::string_view w, std::uint64_t h) const {
    if (slots_.empty()) return -1;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t p = h & mask;; p = (p + 1) & mask) {
      int id = slots_[p];
      if (id < 0) return -1;
      const std::string& key = keys_[static_cast<std::size_t>(id)];
      if (key.size() == w.size() && std::memcmp(key.data(), w.data(), w.size()) == 0) return id;
    }
  }
  void place(int id) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t p = hash(keys_[static_cast<std::size_t>(id)]) & mask;
    while (slots_[p] >= 0) p = (p + 1) & mask;
    slots_[p] = id;
  }
  std::vector<std::string> keys_;
  std::vector<int> slots_;
  std::vector<FoldSlot> fold_slots_;
  std::vector<KeyHead> heads_;   // by id
  std::vector<std::uint64_t> fold_bits_ = std::vector<std::uint64_t>(1024, 0);
};

struct MatchState {
  std::vector<std::vector<std::size_t>> ents;   // per element: matched entity indices
  std::vector<std::string> texts;               // per element: matched class text
  bool former = false;
  std::size_t last = 0;                         // one past the last matched item
  // A failed match leaves ents/texts/former as it found them (every element undoes what it set),
  // so only a successful one needs clearing before the next attempt.
  bool dirty = false;
};

}  // namespace

struct RelationRules::Impl {
  std::shared_ptr<const Lexicons> lex;
  std::uint64_t serial = 0;   // unique per loaded rule set: keys the per-thread scratch
  PhraseTable words;   // value: class
  PhraseTable offices; // relations/offices.tsv: offices of a state ("prime minister"), class "office"
  PhraseTable spans;   // relations/spans.tsv: "from" -> start, "until" -> end
  std::set<std::string> word_classes;  // the classes `words` holds
  std::set<std::string> party_words;   // words.tsv class "party": an ORG named "... Party"
  std::set<std::string> not_done;      // words.tsv class "not_done": before a trigger ("to be acquired")
  struct FromEvent {
    std::string event_type;
    std::vector<std::string> triggers;   // lower-cased trigger texts; empty = any
    RelationType relation;
    std::string source_role, target_role;
    std::vector<std::string> source_types, target_types;
    std::vector<std::string> unless;     // words within five tokens after the trigger that block it
  };
  std::vector<FromEvent> from_events;  // relations/from_events.tsv
  struct Implies {
    RelationType relation, implied;
    std::string condition;   // condition: "-" or a words.tsv class the target's last word is in
  };
  std::vector<Implies> implies;        // relations/implies.tsv
  // Whether co_occurs is a relation only co-occurrence tells (no pattern, event or implication
  // tells or reads one): then its relations are kept apart from the others while a document is
  // read and merged in order at the end.
  bool co_apart = true;

  // The TIMEX start of token k's text, or nullptr.
  const Timex* timex_at(const DocContext& ctx, std::size_t k) const {
    if (!ctx.timexes) return nullptr;
    const auto& tx = *ctx.timexes;
    std::size_t at = (*ctx.tokens)[k].start;
    auto it = std::lower_bound(tx.begin(), tx.end(), at, [](const Timex& t, std::size_t v) { return t.start < v; });
    if (it == tx.end() || it->start != at || it->type != "DATE") return nullptr;
    if (it->value.empty() || !(it->value[0] >= '0' && it->value[0] <= '9')) return nullptr;
    return &*it;
  }

  // Reads a time span told with the relation: "from 2010 to 2017", "since 2019", "until March"
  // after the match (within eight tokens) or opening the sentence ("Since 2019, X has led Y").
  // A rule with "point" takes a plain date after it ("became CEO in 2019") as its start or end.
  // The first telling wins.
  void time_span(const DocContext& ctx, std::size_t sb, std::size_t after, std::size_t se, const Rule& rule,
                 Relation& rel) const {
    const auto& toks = *ctx.tokens;
    std::string start, end;
    auto scan = [&](std::size_t p, std::size_t limit) {
      bool opened = false;
      while (p < se && p < limit) {
        const PhraseTable::Entry* w = spans.match(ctx.text, toks, p, se, true);
        if (!w) {
          const std::string_view v = toks[p].view(ctx.text);   // "." and ";" have no case
          if (v == "." || v == ";") return;
          ++p;
          continue;
        }
        std::size_t q = p + w->tokens.size();
        const Timex* t = q < se ? timex_at(ctx, q) : nullptr;
        std::string kind = w->value;
        if (kind == "then_end") kind = opened ? "end" : "";
        if (kind == "point") kind = rule.point;
        if (!t || kind.empty()) {
          ++p;
          continue;
        }
        if (kind == "start" && start.empty()) start = t->value;
        if (kind == "end" && end.empty()) end = t->value;
        opened = true;
        while (q < se && toks[q].start < t->end) ++q;
        p = q;
        limit = std::max(limit, p + 2);
      }
    };
    scan(after, after + 8);
    if (start.empty() && end.empty() && sb < after) scan(sb, sb + 1);
    if (rel.start.empty() && rel.end.empty()) {
      rel.start = start;
      rel.end = end;
    }
  }
  std::vector<Rule> rules;
  // Which rules may start at an item, as bit sets over rule indices (one bit per rule), so the
  // sentence loop tries only those, still in rule order.
  using Mask = std::vector<std::uint64_t>;
  std::unordered_map<std::string, Mask> start_lit;   // a literal word
  std::map<std::string, Mask> start_ent;             // an entity of this type
  Mask start_any;                                    // anything (a skip first)
  Mask all_rules;                                    // every rule
  Mask class_rules;                                  // the rules with a class element
  std::array<Mask, 8> start_cls;                     // a word class whose tables (bits) include one of these

  void index_starts() {
    const std::size_t words = (rules.size() + 63) / 64;
    start_any.assign(words, 0);
    all_rules.assign(words, 0);
    for (std::size_t ri = 0; ri < rules.size(); ++ri) all_rules[ri / 64] |= std::uint64_t{1} << (ri % 64);
    class_rules.assign(words, 0);
    for (std::size_t ri = 0; ri < rules.size(); ++ri)
      for (const Elem& e : rules[ri].elems)
        if (e.kind == Elem::kClass) class_rules[ri / 64] |= std::uint64_t{1} << (ri % 64);
    for (Mask& m : start_cls) m.assign(words, 0);
    auto set = [&](Mask& m, std::size_t ri) {
      m.resize(words, 0);
      m[ri / 64] |= std::uint64_t{1} << (ri % 64);
    };
    for (std::size_t ri = 0; ri < rules.size(); ++ri) {
      bool required = false;
      for (const Elem& e : rules[ri].elems) {
        if (e.kind == Elem::kSkip) {
          set(start_any, ri);
          required = true;
          break;
        }
        // Look-aheads consume nothing: the next element starts where they stand.
        if (e.kind == Elem::kNotList || e.kind == Elem::kNotLit) continue;
        if (e.kind == Elem::kAside) {
          // Nothing (the next element here) or ", ... ," from here.
          set(start_lit[","], ri);
          continue;
        }
        if (e.kind == Elem::kEnt || e.kind == Elem::kEntList) {
          for (const char* t : {"PER", "ORG", "LOC", "MISC"})
            if (type_ok(e.type, t)) set(start_ent[t], ri);
        } else if (e.kind == Elem::kLit) {
          for (const auto& a : e.alts) set(start_lit[a], ri);
        } else if (e.kind == Elem::kClass) {
          for (unsigned m = 0; m < 8; ++m)
            if (m & e.tables) set(start_cls[m], ri);
        }
        if (!e.optional) {
          required = true;
          break;
        }
      }
      if (!required) set(start_any, ri);
    }
  }

  // start_any | start_ent_slot[0..3], start_any (an entity of another type).
  std::array<Mask, 5> start_base;
  // start_any | start_cls[m], by a word item's may_class bits m.
  std::array<Mask, 8> start_word_base;
  std::vector<char> word_starts_some;   // by word id + 1: whether word_start has a rule for it
  // By rule: bit b (0-12) when start_base[b] (b < 5) or start_word_base[b - 5] holds it, bit 13
  // when start_cls[7] does, bit 14 + t when start_cls[1 << t] does.
  std::vector<std::uint32_t> rule_sets;

  // By a token's fold hash (its bits in class_mask): bit t when table t (person_cues, words.tsv,
  // offices.tsv) has a phrase whose first token hashes alike, so that one may start there (a class
  // element needs one of its tables' bits). One read for the three tables' may_start.
  std::vector<unsigned char> class_starts;
  std::uint32_t class_mask = 0;
  void index_class_starts() {
    const PhraseTable* table[3] = {&lex->person_cues, &words, &offices};
    std::vector<std::uint32_t> hashes[3];
    std::size_t n = 0;
    for (unsigned t = 0; t < 3; ++t) n += (hashes[t] = table[t]->start_hashes()).size();
    std::size_t cap = 4096;
    while (cap < 16 * n) cap *= 2;   // as sparse as may_start's bits
    class_starts.assign(cap, 0);
    class_mask = static_cast<std::uint32_t>(cap - 1);
    for (unsigned t = 0; t < 3; ++t)
      for (std::uint32_t h : hashes[t]) class_starts[h & class_mask] |= static_cast<unsigned char>(1u << t);
  }
  // An item's may_class bits: which tables may have a phrase starting at its token (0 for an entity).
  unsigned may_class_of(const DocContext& ctx, const Item& it) const {
    return it.ent ? 0u : class_starts[(*ctx.tokens)[it.tb].fold & class_mask];
  }

  // The rules' words (every literal alternative and start word): start_lit and lit_words by id.
  WordTable word_table;
  std::vector<Mask> word_start;                          // start_lit by word id + 1 (0: no word)
  std::vector<std::vector<std::size_t>> word_lits;       // lit_words by word id
  // The required literals by position: rule ri's j-th required literal is met in a sentence when
  // some word's row has bit ri in block j. A row is lit_blocks blocks of rule-mask words
  // (lit_stride words in all); lit_none has, per block, the rules with fewer required literals.
  // A rule is out when some block of the sentence's rows (OR-ed over its words) misses it.
  std::size_t lit_blocks = 0, lit_stride = 0;
  // A word's row, its words that are not zero only: word_lit_rules[word_lit_first[w + 1] ..
  // word_lit_first[w + 2]) for word id w (0: no word).
  struct LitWord {
    std::uint32_t at;     // the word of the row
    std::uint64_t bits;
  };
  std::vector<LitWord> word_lit_rules;
  std::vector<std::uint32_t> word_lit_first;
  std::vector<std::uint64_t> lit_none;                   // lit_stride words
  std::array<Mask, 4> start_ent_slot;                    // start_ent by type slot
  int word_id(std::string_view lower) const { return lower.empty() ? -1 : word_table.find(lower); }
  // The ids of "him" and "her" in word_table, added to it for build_items' object pronouns.
  std::array<int, 2> him_her{-1, -1};

  void index_elems() {
    for (Rule& r : rules)
      for (Elem& e : r.elems) {
        e.any_type = e.type == "ENT";
        e.tslot = static_cast<signed char>(type_slot_of(e.type));
        // person_cues' classes are the lexicon's: always looked into. words.tsv's are known, and
        // offices.tsv's one class is "office".
        if (e.kind == Elem::kClass)
          e.tables = static_cast<unsigned char>(1u | (word_classes.count(e.cls) ? 2u : 0u) | (e.cls == "office" ? 4u : 0u));
      }
  }

  void index_words() {
    for (Rule& r : rules)
      for (Elem& e : r.elems)
        if (e.kind == Elem::kLit)
          for (const std::string& a : e.alts) e.alt_ids.push_back(word_table.add(a));
    for (const auto& [w, m] : start_lit) word_table.add(w);
    for (const auto& [w, ids] : lit_words) word_table.add(w);
    // (in no rule's literals unless one names them: then the same id)
    him_her = {word_table.add("him"), word_table.add("her")};
    // By word id + 1 (0: no word), each as long as start_any.
    word_start.assign(word_table.size() + 1, Mask(start_any.size(), 0));
    word_lits.assign(word_table.size(), {});
    for (const auto& [w, m] : start_lit) {
      Mask& x = word_start[static_cast<std::size_t>(word_table.find(w)) + 1];
      for (std::size_t i = 0; i < m.size(); ++i) x[i] |= m[i];
    }
    for (const auto& [w, ids] : lit_words) word_lits[static_cast<std::size_t>(word_table.find(w))] = ids;
    word_table.index_folds();
    // The same by position (see lit_blocks): by word id + 1 (0: no word).
    const std::size_t rule_words = all_rules.size();
    lit_blocks = 0;
    for (std::size_t ri = 0; ri < rules.size(); ++ri) lit_blocks = std::max(lit_blocks, lit_first[ri + 1] - lit_first[ri]);
    lit_stride = lit_blocks * rule_words;
    word_lit_rules.clear();
    word_lit_first.assign(word_table.size() + 2, 0);
    for (std::size_t w = 0; w < word_lits.size(); ++w) {
      std::vector<std::uint64_t> row(lit_stride, 0);
      for (std::size_t id : word_lits[w]) {
        const std::size_t ri = lit_rule[id], j = id - lit_first[ri];
        row[j * rule_words + ri / 64] |= std::uint64_t{1} << (ri % 64);
      }
      for (std::size_t at = 0; at < row.size(); ++at)
        if (row[at] != 0) word_lit_rules.push_back(LitWord{static_cast<std::uint32_t>(at), row[at]});
      word_lit_first[w + 2] = static_cast<std::uint32_t>(word_lit_rules.size());
    }
    lit_none.assign(lit_stride, 0);
    for (std::size_t ri = 0; ri < rules.size(); ++ri)
      for (std::size_t j = lit_first[ri + 1] - lit_first[ri]; j < lit_blocks; ++j)
        lit_none[j * rule_words + ri / 64] |= std::uint64_t{1} << (ri % 64);
    for (const auto& [t, m] : start_ent)
      if (int slot = type_slot_of(t); slot >= 0) start_ent_slot[static_cast<std::size_t>(slot)] = m;
    for (std::size_t b = 0; b < start_base.size(); ++b) {
      start_base[b] = start_any;
      const Mask* x = b < 4 ? &start_ent_slot[b] : nullptr;
      if (x)
        for (std::size_t w = 0; w < x->size(); ++w) start_base[b][w] |= (*x)[w];
    }
    word_starts_some.assign(word_start.size(), 0);
    for (std::size_t w = 0; w < word_start.size(); ++w)
      for (std::uint64_t x : word_start[w]) word_starts_some[w] = word_starts_some[w] || x != 0;
    for (std::size_t m = 0; m < start_word_base.size(); ++m) {
      start_word_base[m] = start_any;
      for (std::size_t w = 0; w < start_cls[m].size(); ++w) start_word_base[m][w] |= start_cls[m][w];
    }
    // The same by rule: which of those sets hold it.
    rule_sets.assign(rules.size(), 0);
    auto holds = [](const Mask& m, std::size_t ri) { return ri / 64 < m.size() && (m[ri / 64] >> (ri % 64) & 1u); };
    for (std::size_t ri = 0; ri < rules.size(); ++ri) {
      std::uint32_t x = 0;
      for (std::size_t b = 0; b < 13; ++b)
        if (holds(b < 5 ? start_base[b] : start_word_base[b - 5], ri)) x |= 1u << b;
      if (holds(start_cls[7], ri)) x |= 1u << 13;
      for (unsigned t = 0; t < 3; ++t)
        if (holds(start_cls[1u << t], ri)) x |= 1u << (14 + t);
      rule_sets[ri] = x;
    }
  }

  // One phrase of class `cls` at items[i]: the longest entry of person_cues (roles) or of
  // relations/words.tsv; returns the number of items it covers (0 = none).
  // `tables`: bit t set when table t (person_cues, words, offices) may hold class `cls`; the others
  // are not looked into.
  std::size_t match_one_class(const DocContext& ctx, const ItemList& items, std::size_t i,
                              const std::string& cls, unsigned tables, std::size_t sentence_end) const {
    if (i >= items.size() || items[i].ent) return 0;
    const auto& toks = *ctx.tokens;
    std::size_t best = 0;
    const Item& at = items[i];
    if (item_phrases.size() < items.size()) item_phrases.resize(items.size());
    auto& phrases = item_phrases[i];
    if ((at.phrases_done & tables) != tables) {
      const PhraseTable* table[3] = {&lex->person_cues, &words, &offices};
      for (unsigned t = 0; t < 3; ++t)
        if ((tables >> t & 1u) && !(at.phrases_done >> t & 1u))
          phrases[t] = table[t]->match(ctx.text, toks, at.tb, sentence_end, true);
      at.phrases_done = static_cast<unsigned char>(at.phrases_done | tables);
    }
    for (unsigned t = 0; t < 3; ++t) {
      if (!(tables >> t & 1u)) continue;
      const PhraseTable::Entry* e = phrases[t];
      if (!e || e->value != cls) continue;
      std::size_t n = e->tokens.size();
      if (i + n > items.size()) continue;
      bool ok = true;
      for (std::size_t q = 0; q < n; ++q)
        if (items[i + q].ent || items[i + q].tb != items[i].tb + q) ok = false;
      if (ok) best = std::max(best, n);
    }
    return best;
  }

  // Matches a class phrase at items[i]; returns the number of items consumed (0 = no match).
  std::size_t match_class(const DocContext& ctx, const ItemList& items, std::size_t i, const std::string& cls,
                          unsigned tables, std::size_t sentence_end, std::string* text) const {
    std::size_t n = match_one_class(ctx, items, i, cls, tables, sentence_end);
    if (n == 0) return 0;
    // Roles run in lists: "chairman and chief executive", "founder, chairman and CEO".
    while (cls == "role" && i + n + 1 < items.size() && !items[i + n].ent &&
           (items[i + n].lower == "and" || items[i + n].lower == ",")) {
      std::size_t more = match_one_class(ctx, items, i + n + 1, cls, tables, sentence_end);
      if (more == 0) break;
      n += 1 + more;
    }
    // The phrase as written when it is all capitals ("CEO"), else lower-cased; into *text in place.
    text->assign(ctx.text.substr(items[i].start, items[i + n - 1].end - items[i].start));
    bool upper = std::all_of(text->begin(), text->end(), [](char c) { return !(c >= 'a' && c <= 'z'); });
    if (!upper)
      for (char& c : *text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return n;
  }

  // Cheap test of the first element, so most (item, rule) pairs are rejected at once: an
  // optional element or a skip first lets anything start; an entity, literal or class must fit.
  // What that test is, per rule, is kept compact so the candidate loop does not walk the rules'
  // element vectors.
  struct StartTest {
    enum Kind : unsigned char { kAlways, kEntType, kLitAlts, kWord } kind = kAlways;
    const Elem* elem = nullptr;
    // A required literal right after a first element that takes one item (an entity, a literal):
    // the next item's word must be one of its alternatives.
    const Elem* next = nullptr;
  };
  std::vector<StartTest> start_tests;
  // Per rule: its required (not optional) literal elements. A literal matches only an item whose
  // lower-cased word is one of its alternatives, and every match passes every required element, so
  // a rule with a literal none of whose words is in the sentence cannot match there. A required
  // class counts as a literal whose words are the first words of its phrases: a phrase starts
  // only at a word item that lower-cases to its first word (PhraseTable::for_each_entry).
  // Required literals are numbered; lit_first[ri]..lit_first[ri + 1] are rule ri's, and
  // lit_words maps each alternative word to the literals it satisfies.
  std::vector<std::size_t> lit_first;
  std::unordered_map<std::string, std::vector<std::size_t>> lit_words;

  // Per rule: how many required entity elements it has of each type (PER, ORG, LOC, MISC) and in
  // all (ENT included). Each consumes its own item, so a sentence with fewer such mentions cannot
  // match the rule.
  std::vector<std::array<unsigned, 5>> ent_need;
  // The same as masks: need_row(t, n) has the rules that need more than n entity elements of slot
  // t (none beyond the most any rule needs), so a sentence rules them out at once. Rows of
  // all_rules.size() words, one block of rows per slot (need_at[t]: its first; need_top[t]: its
  // last, the empty row).
  std::vector<std::uint64_t> need_more;
  std::array<std::size_t, 5> need_at{}, need_top{};
  const std::uint64_t* need_row(std::size_t t, std::size_t n) const {
    return need_more.data() + (need_at[t] + std::min(n, need_top[t])) * all_rules.size();
  }
  // The rule each required literal belongs to.
  std::vector<std::uint32_t> lit_rule;
  // The rules whose source or target is "$org" ("$country"): they tell nothing in a document
  // without a dominant organisation (country).
  Mask needs_org, needs_country;
  // The fewest entity items a sentence needs to tell anything, by [topic organisation][topic country].
  std::size_t min_ents[2][2] = {{2, 2}, {2, 2}};

  void index_start_tests() {
    ent_need.assign(rules.size(), {0, 0, 0, 0, 0});
    for (std::size_t ri = 0; ri < rules.size(); ++ri)
      for (const Elem& e : rules[ri].elems)
        if ((e.kind == Elem::kEnt || e.kind == Elem::kEntList) && !e.optional) {
          int slot = type_slot_of(e.type);
          if (slot >= 0) ++ent_need[ri][static_cast<std::size_t>(slot)];
          ++ent_need[ri][4];
        }
    const std::size_t words = (rules.size() + 63) / 64;
    need_more.clear();
    for (std::size_t t = 0; t < 5; ++t) {
      unsigned most = 0;
      for (const auto& need : ent_need) most = std::max(most, need[t]);
      need_at[t] = need_more.size() / std::max<std::size_t>(words, 1);
      need_top[t] = most;
      for (unsigned n = 0; n <= most; ++n) {
        const std::size_t row = need_more.size();
        need_more.resize(row + words, 0);
        for (std::size_t ri = 0; ri < rules.size(); ++ri)
          if (ent_need[ri][t] > n) need_more[row + ri / 64] |= std::uint64_t{1} << (ri % 64);
      }
    }
    lit_first.assign(1, 0);
    std::size_t n = 0;
    // A class's first words, by table (bits as Elem::tables) and class.
    std::map<std::string, std::set<std::string>> class_words[3];
    {
      const PhraseTable* table[3] = {&lex->person_cues, &this->words, &offices};
      for (unsigned t = 0; t < 3; ++t)
        table[t]->for_each_entry([&](std::string_view key, const PhraseTable::Entry& e) {
          class_words[t][e.value].emplace(key);
        });
    }
    for (std::size_t ri = 0; ri < rules.size(); ++ri) {
      for (const Elem& e : rules[ri].elems) {
        if (e.optional || (e.kind != Elem::kLit && e.kind != Elem::kClass)) continue;
        auto met_by = [&](const std::string& a) {
          if (a.empty()) return;
          auto& ids = lit_words[a];
          if (ids.empty() || ids.back() != n) ids.push_back(n);
        };
        if (e.kind == Elem::kLit) {
          for (const std::string& a : e.alts) met_by(a);
        } else {
          for (unsigned t = 0; t < 3; ++t)
            if (e.tables >> t & 1u)
              if (auto c = class_words[t].find(e.cls); c != class_words[t].end())
                for (const std::string& a : c->second) met_by(a);
        }
        ++n;
      }
      lit_first.push_back(n);
      lit_rule.resize(n, static_cast<std::uint32_t>(ri));
    }
    needs_org.assign((rules.size() + 63) / 64, 0);
    needs_country.assign((rules.size() + 63) / 64, 0);
    for (std::size_t ri = 0; ri < rules.size(); ++ri)
      for (const std::string* end : {&rules[ri].source, &rules[ri].target}) {
        if (*end == "$org") needs_org[ri / 64] |= std::uint64_t{1} << (ri % 64);
        if (*end == "$country") needs_country[ri / 64] |= std::uint64_t{1} << (ri % 64);
      }
    // The fewest required entity elements of a rule a document leaves (by whether it has a topic
    // organisation, country), and no more than two (co-occurrence).
    for (unsigned org = 0; org < 2; ++org)
      for (unsigned country = 0; country < 2; ++country) {
        std::size_t least = 2;
        for (std::size_t ri = 0; ri < rules.size(); ++ri) {
          const bool out = (!org && (needs_org[ri / 64] >> (ri % 64) & 1u)) ||
                           (!country && (needs_country[ri / 64] >> (ri % 64) & 1u));
          if (!out) least = std::min<std::size_t>(least, ent_need[ri][4]);
        }
        min_ents[org][country] = least;
      }
    start_tests.assign(rules.size(), StartTest{});
    for (std::size_t ri = 0; ri < rules.size(); ++ri) {
      const auto& elems = rules[ri].elems;
      // Look-aheads ("!,", "!list") consume nothing: the first element that does takes the
      // rule's first item, the one after it (when that one takes one item) the next.
      auto consuming = [&](std::size_t from) {
        while (from < elems.size() && (elems[from].kind == Elem::kNotLit || elems[from].kind == Elem::kNotList)) ++from;
        return from;
      };
      const std::size_t f = consuming(0);
      if (f == elems.size()) continue;
      const Elem& e = elems[f];
      StartTest& t = start_tests[ri];
      t.elem = &e;
      if (e.optional || e.kind == Elem::kSkip) t.kind = StartTest::kAlways;
      else if (e.kind == Elem::kEnt || e.kind == Elem::kEntList) t.kind = StartTest::kEntType;
      else if (e.kind == Elem::kLit) t.kind = StartTest::kLitAlts;
      else if (e.kind == Elem::kClass) t.kind = StartTest::kWord;
      else t.kind = StartTest::kAlways;
      const std::size_t g = consuming(f + 1);
      if ((t.kind == StartTest::kLitAlts || (t.kind == StartTest::kEntType && e.kind == Elem::kEnt)) &&
          g < elems.size() && elems[g].kind == Elem::kLit && !elems[g].optional)
        t.next = &elems[g];
    }
  }

  // Whether rules[ri] may start at items[i].
  bool may_start_fast(std::size_t ri, const ItemList& items, std::size_t i) const {
    const StartTest& t = start_tests[ri];
    const Item& it = items[i];
    if (t.next) {
      if (i + 1 >= items.size()) return false;
      const int w = items[i + 1].word;
      if (w < 0 || std::find(t.next->alt_ids.begin(), t.next->alt_ids.end(), w) == t.next->alt_ids.end()) return false;
    }
    switch (t.kind) {
      case StartTest::kEntType:
        return it.ent && type_ok(*t.elem, it);
      case StartTest::kLitAlts:
        return it.word >= 0 && std::find(t.elem->alt_ids.begin(), t.elem->alt_ids.end(), it.word) != t.elem->alt_ids.end();
      case StartTest::kWord:
        return !it.ent;
      default:
        return true;
    }
  }

  bool match(const DocContext& ctx, const ItemList& items, const Rule& r, std::size_t ei, std::size_t ii,
             std::size_t sentence_end, MatchState& st) const {
    if (ei == r.elems.size()) {
      st.last = ii;
      return true;
    }
    const Elem& e = r.elems[ei];
    if (e.kind == Elem::kSkip) {
      for (int n = 0; n <= e.skip; ++n) {
        // Skips cross words and MISC mentions ("the British chip designer"), never other entities.
        if (n > 0 && (ii + n - 1 >= items.size() || (items[ii + n - 1].ent && items[ii + n - 1].tslot != 3))) break;
        if (match(ctx, items, r, ei + 1, ii + n, sentence_end, st)) return true;
      }
      return false;
    }
    if (e.kind == Elem::kNotList) {
      // "!list": the previous entity does not go on into a list ("Yokohama, Japan." but not
      // "Louisiana, Mississippi, Alabama").
      bool list = ii < items.size() && !items[ii].ent &&
                  (items[ii].lower == "and" || items[ii].lower == "or" ||
                   (items[ii].lower == "," && ii + 1 < items.size() && items[ii + 1].ent));
      return !list && match(ctx, items, r, ei + 1, ii, sentence_end, st);
    }
    if (e.kind == Elem::kAside) {
      // "(aside)": nothing, or ", ... ," of up to 20 items that may name anyone ("Bob Dudley, an
      // American executive who had led the response in the Gulf, succeeded him").
      if (match(ctx, items, r, ei + 1, ii, sentence_end, st)) return true;
      if (ii >= items.size() || items[ii].ent || items[ii].lower != ",") return false;
      for (std::size_t j = ii + 2; j < items.size() && j <= ii + 21; ++j)
        if (!items[j].ent && items[j].lower == ",") return match(ctx, items, r, ei + 1, j + 1, sentence_end, st);
      return false;
    }
    if (e.kind == Elem::kNotLit) {
      bool hit = false;
      if (ii < items.size() && e.type.empty())
        hit = !items[ii].ent && std::find(e.alts.begin(), e.alts.end(), items[ii].lower) != e.alts.end();
      else if (ii < items.size())
        hit = items[ii].ent && type_ok(e, items[ii]);   // "!ORG": no organisation next
      return !hit && match(ctx, items, r, ei + 1, ii, sentence_end, st);
    }
    if (e.optional && match(ctx, items, r, ei + 1, ii, sentence_end, st)) return true;
    if (ii >= items.size()) return false;
    const Item& it = items[ii];
    switch (e.kind) {
      case Elem::kEnt:
        if (!it.ent || !type_ok(e, it)) return false;
        st.ents[ei].assign(1, it.entity);
        if (match(ctx, items, r, ei + 1, ii + 1, sentence_end, st)) return true;
        st.ents[ei].clear();
        return false;
      case Elem::kEntList: {
        if (!it.ent || !type_ok(e, it)) return false;
        std::vector<std::size_t>& got = st.ents[ei];   // filled in place: no allocation per attempt
        got.assign(1, it.entity);
        std::size_t j = ii + 1;
        while (j + 1 < items.size() && !items[j].ent &&
               (items[j].lower == "-" || items[j].lower == "and" || items[j].lower == "," || items[j].lower == "/" ||
                items[j].lower == "\u2013") &&
               items[j + 1].ent && type_ok(e, items[j + 1])) {
          got.push_back(items[j + 1].entity);
          j += 2;
        }
        if (match(ctx, items, r, ei + 1, j, sentence_end, st)) return true;
        st.ents[ei].clear();
        return false;
      }
      case Elem::kClass: {
        if (!(may_class_of(ctx, it) & e.tables)) return false;   // no phrase of its tables starts here
        // Written straight into the state: an element's text is empty until it matches.
        std::size_t n = match_class(ctx, items, ii, e.cls, e.tables, sentence_end, &st.texts[ei]);
        if (n == 0) return false;
        if (match(ctx, items, r, ei + 1, ii + n, sentence_end, st)) return true;
        st.texts[ei].clear();
        return false;
      }
      case Elem::kLit: {
        if (it.word < 0 || std::find(e.alt_ids.begin(), e.alt_ids.end(), it.word) == e.alt_ids.end()) return false;
        bool was = st.former;
        if (it.lower == "former") st.former = true;
        if (match(ctx, items, r, ei + 1, ii + 1, sentence_end, st)) return true;
        st.former = was;
        return false;
      }
      default:
        return false;
    }
  }
};

namespace {

// "a|b|c" -> {"a", "b", "c"}, lower-cased.
std::vector<std::string> split_alternatives(const std::string& s) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p <= s.size()) {
    std::size_t bar = s.find('|', p);
    if (bar == std::string::npos) bar = s.size();
    out.push_back(ascii_lower(s.substr(p, bar - p)));
    p = bar + 1;
  }
  return out;
}

Result<Elem> parse_elem(const std::string& raw, std::map<std::string, int>& seen, const std::string& where) {
  Elem e;
  std::string s = raw;
  if (s.size() > 1 && s.back() == '?') {
    e.optional = true;
    s.pop_back();
  }
  if (s.rfind("..", 0) == 0) {
    e.kind = Elem::kSkip;
    try {
      e.skip = std::stoi(s.substr(2));
    } catch (...) {
      return Error{"rules.pattern", where + ": bad skip '" + raw + "'"};
    }
    return e;
  }
  if (s == "(aside)") {
    e.kind = Elem::kAside;
    e.optional = true;
    return e;
  }
  if (s == "!list") {
    e.kind = Elem::kNotList;
    return e;
  }
  if (s == "!PER" || s == "!ORG" || s == "!LOC" || s == "!MISC" || s == "!ENT") {
    e.kind = Elem::kNotLit;
    e.type = s.substr(1);
    return e;
  }
  if (s.size() > 1 && s[0] == '!') {
    e.kind = Elem::kNotLit;
    e.alts = split_alternatives(s.substr(1));
    return e;
  }
  std::string base = s;
  bool list = false;
  if (base.size() > 1 && base.back() == '+') {
    list = true;
    base.pop_back();
  }
  if (base == "PER" || base == "ORG" || base == "LOC" || base == "MISC" || base == "ENT") {
    e.kind = list ? Elem::kEntList : Elem::kEnt;
    e.type = base;
    int n = ++seen[s];
    e.label = n == 1 ? s : s + "#" + std::to_string(n);
    return e;
  }
  if (s[0] == '@') {
    e.kind = Elem::kClass;
    e.cls = s.substr(1);
    int n = ++seen[s];
    e.label = n == 1 ? s : s + "#" + std::to_string(n);
    return e;
  }
  e.kind = Elem::kLit;
  e.alts = split_alternatives(s);
  return e;
}

}  // namespace

Result<RelationRules> RelationRules::load(const RuleDirs& dirs, std::shared_ptr<const Lexicons> lex) {
  auto impl = std::make_shared<Impl>();
  impl->lex = lex;
  auto words = dirs.read("en/relations/words.tsv");
  if (!words) return words.error();
  for (auto& row : parse_tsv(*words)) {
    if (row.size() < 2) continue;
    if (row[1] == "party") impl->party_words.insert(ascii_lower(row[0]));
    else if (row[1] == "not_done") impl->not_done.insert(ascii_lower(row[0]));
    else {
      impl->words.add(row[0], row[1], "", lex->text);
      impl->word_classes.insert(row[1]);
    }
  }
  auto offices = dirs.read("en/relations/offices.tsv");
  if (!offices) return offices.error();
  for (auto& row : parse_tsv(*offices))
    if (!row.empty()) impl->offices.add(row[0], "office", "", lex->text);
  auto split_commas = [](const std::string& v) {
    std::vector<std::string> out;
    if (v == "*" || v == "-") return out;
    std::size_t p = 0;
    while (p <= v.size()) {
      std::size_t c = v.find(',', p);
      if (c == std::string::npos) c = v.size();
      out.push_back(ascii_lower(v.substr(p, c - p)));
      p = c + 1;
    }
    return out;
  };
  auto fe = dirs.read("en/relations/from_events.tsv");
  if (!fe) return fe.error();
  for (auto& row : parse_tsv(*fe)) {
    if (row.size() < 8)
      return Error{"rules.parse",
                   "en/relations/from_events.tsv: row '" + (row.empty() ? "" : row[0]) + "' needs 8 columns"};
    Impl::FromEvent f{row[0],       split_commas(row[1]), RelationType(row[2]), row[3], row[4], split_commas(row[5]),
                      split_commas(row[6]), split_commas(row[7])};
    for (auto* col : {&f.source_types, &f.target_types})
      for (auto& t : *col)
        for (char& c : t) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    impl->from_events.push_back(std::move(f));
  }
  auto imp = dirs.read("en/relations/implies.tsv");
  if (!imp) return imp.error();
  for (auto& row : parse_tsv(*imp)) {
    if (row.size() < 3) return Error{"rules.parse", "en/relations/implies.tsv: rows need 3 columns"};
    impl->implies.push_back({RelationType(row[0]), RelationType(row[1]), row[2]});
  }
  auto spans = dirs.read("en/relations/spans.tsv");
  if (!spans) return spans.error();
  for (auto& row : parse_tsv(*spans))
    if (row.size() >= 2) impl->spans.add(row[0], row[1], "", lex->text);
  auto path = dirs.find("en/relations/patterns.json");
  if (!path) return Error{"rules.missing", "rule file 'en/relations/patterns.json' not found"};
  auto text = read_file(*path);
  if (!text) return text.error();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("rules") || !j["rules"].is_array())
    return Error{"rules.parse", path->string() + ": not a JSON object with a \"rules\" array"};
  for (const auto& jr : j["rules"]) {
    Rule r;
    r.id = jr.value("id", "");
    std::string where = path->string() + ": rule '" + r.id + "'";
    if (r.id.empty() || !jr.contains("pattern") || !jr["pattern"].is_array())
      return Error{"rules.pattern", where + ": needs \"id\" and a \"pattern\" array"};
    r.priority = jr.value("priority", 0);
    r.relation = RelationType(jr.value("relation", ""));
    r.directed = jr.value("directed", true);
    r.source = jr.value("source", "");
    r.target = jr.value("target", "");
    r.qualifier = jr.value("qualifier", "");
    r.former = jr.value("former", false);
    r.label = jr.value("label", "");
    r.point = jr.value("point", "");
    std::map<std::string, int> seen;
    std::set<std::string> labels;
    for (const auto& je : jr["pattern"]) {
      if (!je.is_string()) return Error{"rules.pattern", where + ": pattern elements must be strings"};
      auto e = parse_elem(je.get<std::string>(), seen, where);
      if (!e) return e.error();
      if (e->kind == Elem::kClass && e->cls != "role") {
        bool known = false;
        (void)known;
      }
      labels.insert(e->label);
      r.elems.push_back(*e);
    }
    for (const std::string* need : {&r.source, &r.target})
      if (!labels.count(*need) && *need != "$org" && *need != "$country")
        return Error{"rules.pattern", where + ": unknown element '" + *need + "'"};
    if (!r.qualifier.empty() && !labels.count(r.qualifier))
      return Error{"rules.pattern", where + ": unknown qualifier element '" + r.qualifier + "'"};
    if (r.relation.empty()) return Error{"rules.pattern", where + ": needs \"relation\""};
    impl->rules.push_back(std::move(r));
  }
  std::stable_sort(impl->rules.begin(), impl->rules.end(), [](const Rule& a, const Rule& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
  });
  for (const Rule& r : impl->rules)
    if (r.relation == kCoOccurs) impl->co_apart = false;
  for (const auto& f : impl->from_events)
    if (f.relation == kCoOccurs) impl->co_apart = false;
  for (const auto& x : impl->implies)
    if (x.relation == kCoOccurs || x.implied == kCoOccurs) impl->co_apart = false;
  impl->index_elems();
  impl->index_starts();
  impl->index_start_tests();
  impl->index_words();
  impl->index_class_starts();
  static std::atomic<std::uint64_t> serials{0};
  impl->serial = ++serials;
  RelationRules rr;
  rr.impl_ = impl;
  return rr;
}

std::vector<Relation> RelationRules::relations(const DocContext& ctx) const {
  const Impl& im = *impl_;
  const auto& toks = *ctx.tokens;
  const auto& ents = ctx.entities->entities;
  // key: source, target, type, qualifier, the entities by the rank of their ids (ids are unique),
  // so the map's order is the output's order (source id, target id, type, qualifier).
  // (std::less<>: looked up with references to the strings, not copies)
  std::map<std::tuple<std::size_t, std::size_t, RelationType, std::string>, Relation, std::less<>> out;
  thread_local std::vector<std::size_t> by_rank, rank_of;
  // Sorted by id on the ids' first eight bytes (big-endian, zero-padded: the same order as the
  // strings' when they differ), the whole ids only when those are alike.
  thread_local std::vector<std::pair<std::uint64_t, std::size_t>> by_head;
  by_head.resize(ents.size());
  for (std::size_t i = 0; i < ents.size(); ++i) {
    const std::string& id = ents[i].id;
    std::uint64_t head = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (id.size() >= 8) {   // (most ids: one load)
      std::memcpy(&head, id.data(), 8);
      head = __builtin_bswap64(head);
    } else
#endif
      for (std::size_t j = 0; j < 8; ++j)
        head = head << 8 | (j < id.size() ? static_cast<unsigned char>(id[j]) : 0u);
    by_head[i] = {head, i};
  }
  std::sort(by_head.begin(), by_head.end(), [&](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : ents[x.second].id < ents[y.second].id;
  });
  by_rank.resize(ents.size());
  for (std::size_t i = 0; i < ents.size(); ++i) by_rank[i] = by_head[i].second;
  rank_of.resize(ents.size());
  for (std::size_t r = 0; r < by_rank.size(); ++r) rank_of[by_rank[r]] = r;
  // Names and resolved references ("he", "the company"), in text order, for the patterns.
  thread_local std::vector<MentionSpan> all_mentions;   // kept per thread across documents
  const std::vector<MentionSpan>* mentions = &ctx.mentions_in_order(all_mentions);
  auto mit = mentions->cbegin();
  // One match state per rule, reused (clearing keeps capacity: no allocation per item and rule),
  // kept per thread across documents (the rules are shared by threads; the serial tells whose
  // rules the states were sized for).
  thread_local std::uint64_t states_serial = 0;
  thread_local std::vector<MatchState> states;
  if (states_serial != im.serial) {
    states.assign(im.rules.size(), MatchState{});
    for (std::size_t ri = 0; ri < im.rules.size(); ++ri) {
      states[ri].ents.resize(im.rules[ri].elems.size());
      states[ri].texts.resize(im.rules[ri].elems.size());
    }
  }
  // Marked unknown while in use: a call left by an exception leaves states to be rebuilt.
  states_serial = 0;
  constexpr std::size_t kScanTellings = 16;
  std::set<std::tuple<const Relation*, std::size_t, std::size_t>> many_tellings;
  auto add = [&](std::size_t a, std::size_t b, RelationType type, const std::string& qual, bool directed,
                 Evidence ev, double w) -> Relation* {
    if (a == b) return nullptr;
    if (!directed && rank_of[a] > rank_of[b]) std::swap(a, b);
    const auto key = std::tie(rank_of[a], rank_of[b], type, qual);
    auto it = out.lower_bound(key);
    if (it == out.end() || key < it->first) {
      it = out.emplace_hint(it, std::piecewise_construct, std::forward_as_tuple(rank_of[a], rank_of[b], type, qual),
                            std::forward_as_tuple());
      Relation& r = it->second;   // built in place
      r.source = a;
      r.target = b;
      r.type = type;
      r.qualifier = qual;
      r.weight = 0;
    }
    // Each telling once: a scan of a relation's few tellings; past kScanTellings (a pair told
    // again and again), a look-up in the set of all tellings of such relations.
    auto& evs = it->second.evidence;
    if (evs.size() < kScanTellings) {
      for (const Evidence& old : evs)
        if (old.start == ev.start && old.end == ev.end) return &it->second;
    } else {
      if (evs.size() == kScanTellings)   // (its tellings so far join the set)
        for (const Evidence& old : evs) many_tellings.emplace(&it->second, old.start, old.end);
      if (!many_tellings.emplace(&it->second, ev.start, ev.end).second) return &it->second;
    }
    it->second.weight += w;
    evs.push_back(ev);
    return &it->second;
  };
  // co_occurs relations (when Impl::co_apart), as add() would make them, built at the end: each
  // telling as (rank_of[a] << 32 | rank_of[b], a's id ranking first; its sentence in co_sents),
  // sorted at the end, which groups a pair's tellings in the order told and the pairs in the
  // output's order.
  thread_local std::vector<std::pair<std::uint64_t, std::uint32_t>> co_told;
  thread_local std::vector<Evidence> co_sents;   // the sentences that tell a pair
  co_told.clear();
  co_sents.clear();
  // What an article is about, when it says so unambiguously: the organisation (or country) named
  // or referred to ("the company") at least three times and at least half again as often as any
  // other. Roles told without an organisation ("Musk remained executive chairman", "became prime
  // minister") belong to it.
  thread_local std::vector<std::size_t> told;   // names and references ("the company"); kept per thread
  told.resize(ents.size());
  for (std::size_t i = 0; i < ents.size(); ++i) told[i] = ents[i].mentions.size();
  for (const MentionSpan& m : ctx.entities->references)
    if (m.entity < told.size()) ++told[m.entity];
  auto dominant = [&](auto&& fits) -> std::optional<std::size_t> {
    std::size_t best = ents.size(), n1 = 0, n2 = 0;
    for (std::size_t i = 0; i < ents.size(); ++i) {
      if (!fits(i)) continue;
      std::size_t n = told[i];
      if (n > n1) {
        n2 = n1;
        n1 = n;
        best = i;
      } else if (n > n2) {
        n2 = n;
      }
    }
    if (best == ents.size() || n1 < 3 || 2 * n1 < 3 * n2) return std::nullopt;
    return best;
  };
  thread_local std::vector<signed char> ent_slot;   // per entity: type_slot_of(type)
  ent_slot.resize(ents.size());
  for (std::size_t i = 0; i < ents.size(); ++i) ent_slot[i] = static_cast<signed char>(type_slot_of(ents[i].type));
  const std::optional<std::size_t> topic_org = dominant([&](std::size_t i) { return ent_slot[i] == 1; });   // ORG
  const std::optional<std::size_t> topic_country = dominant([&](std::size_t i) {
    return ent_slot[i] == 2 && i < ctx.entities->is_country.size() && ctx.entities->is_country[i];   // LOC
  });
  // Per-thread scratch, reused across sentences and documents.
  struct Found {
    std::size_t a, b;
    const Rule* rule;
    std::string qual;
    Evidence ev;
    std::size_t after;   // token one past the match
  };
  thread_local std::vector<std::uint64_t> lits_present;   // by position: the rules whose literal a word of the sentence meets
  thread_local ItemList items;
  thread_local std::vector<std::uint32_t> ent_items;   // the indices of the entity items, in order
  thread_local std::vector<Found> found;
  thread_local std::vector<std::size_t> present;
  thread_local std::vector<std::uint32_t> in_present;   // per entity: 1 + the last sentence that put it in present
  in_present.assign(ents.size(), 0);
  thread_local std::string lowered;   // the document, ASCII-lower-cased: items' words are views of it
  thread_local Impl::Mask ruled_out;   // rules found impossible in this sentence
  thread_local Impl::Mask doc_out;     // rules found impossible in this document
  ruled_out.assign(im.start_any.size(), 0);
  doc_out.assign(im.start_any.size(), 0);
  for (std::size_t w = 0; w < doc_out.size(); ++w) {
    if (!topic_org) doc_out[w] |= im.needs_org[w];
    if (!topic_country) doc_out[w] |= im.needs_country[w];
  }
  // The fewest entity items a sentence needs to tell anything: two (co-occurrence, located_in),
  // or fewer when a rule left for this document needs fewer (its required entity elements).
  const std::size_t min_ents = im.min_ents[topic_org ? 1 : 0][topic_country ? 1 : 0];
  lits_present.assign(im.lit_stride, 0);
  // Per entity: a place the gazetteer puts in a country, itself no country (for located_in).
  const auto& country_of = ctx.entities->country_of;
  thread_local std::vector<char> placed;
  placed.assign(country_of.size(), 0);
  for (std::size_t i = 0; i < country_of.size(); ++i)
    placed[i] = i < ent_slot.size() && ent_slot[i] == 2 && !country_of[i].empty() && !ctx.entities->is_country[i];   // LOC only
  // Lower-cased a sentence at a time, as the sentences are built (many are passed over unbuilt);
  // the bytes of the others are left as they are (no item views them).
  if (lowered.size() < ctx.text.size() + kWordPad) lowered.resize(ctx.text.size() + kWordPad);
  const auto word_id = im.word_table.fold_probe();
  static const std::uint32_t fold_him = fold_hash("him"), fold_her = fold_hash("her");
  const int dash_word = im.word_id("-");
  // Rules out, into ruled_out, the rules this document (topic), too few entities of a slot (need:
  // a need_row per slot) and a required literal no word of the sentence meets (lits_present) leave
  // no chance: one pass over the rule-mask words, each word's masks OR-ed at once. Whether a rule
  // is left.
  auto rules_left = [&](const std::uint64_t* const* need) __attribute__((always_inline)) {   // (inlined: called per sentence)
    const std::size_t nw = im.all_rules.size(), blocks = im.lit_blocks;
    const std::uint64_t* const lp = lits_present.data();
    const std::uint64_t* const doc = doc_out.data();
    const std::uint64_t* const all = im.all_rules.data();
    std::uint64_t* const out_now = ruled_out.data();
    bool live = false;
    for (std::size_t w = 0; w < nw; ++w) {
      // (a rule missing a required literal is out; when the entities leave none, out_now is not
      // read, and its literal part is no matter)
      std::uint64_t met = ~std::uint64_t{0};
      for (std::size_t j = 0; j < blocks; ++j) met &= lp[j * nw + w];
      const std::uint64_t x = doc[w] | need[0][w] | need[1][w] | need[2][w] | need[3][w] | need[4][w] | ~met;
      out_now[w] = x;
      live = live || (~x & all[w]) != 0;
    }
    return live;
  };
  std::size_t k = 0;
  const std::size_t kMaxCooccurring = 12;
  while (k < toks.size()) {
    std::size_t s = toks[k].sentence, e = k;
    {
      // By pointer: a size() per token divides by sizeof(Token).
      const Token* p = toks.data() + e;
      const Token* const end = toks.data() + toks.size();
      // (eight at a time first: sentence numbers never go down, so all eight are in s)
      while (end - p > 8 && p[8].sentence == s) p += 8;
      if (end - p > 8) {
        // p is in s and p[8] is not: the sentence's tokens among p[1..7] counted, not scanned (a
        // loop's exit is mispredicted once per sentence).
        std::size_t n = 1;
        for (int u = 1; u < 8; ++u) n += static_cast<std::size_t>(p[u].sentence == s);
        p += n;
      } else {
        while (p != end && p->sentence == s) ++p;
      }
      e = static_cast<std::size_t>(p - toks.data());
    }
    // At most how many entity items the sentence has, counted to two (or min_ents).
    std::size_t most = 2;
    if (min_ents > 0) {
      // A sentence with fewer entity items than min_ents tells nothing: passed over unbuilt. Its
      // entity items are at most the mentions starting in it (build_items first passes over those
      // left behind, as here) and the tokens that may be object pronouns.
      while (mit != mentions->end() && mit->tok_begin < k && mit->start < toks[k].start) ++mit;
      const std::size_t enough = std::max<std::size_t>(min_ents, 2);
      most = 0;
      if (mit != mentions->end() && mit->tok_begin < k) {
        most = enough;   // (a mention left behind that starts in a later token: built as ever)
      } else {
        for (auto m = mit; m != mentions->end() && m->tok_begin < e && most < enough; ++m) ++most;
        // By fold hash (alike in any case): every him/her has one of the two, and a rare other
        // word that has one only makes the sentence built as ever. No branch per token (three-
        // letter words are too common for a test of the length to be predicted), and the text
        // is not read.
        for (const Token* t = toks.data() + k, *te = toks.data() + e; t != te && most < enough; ++t)
          most += static_cast<std::size_t>((t->fold == fold_him) | (t->fold == fold_her));
      }
      if (most < min_ents) {
        k = e;
        continue;
      }
    }
    // The required literals some word of the sentence satisfies (a rule missing one is out below),
    // gathered as the items are built.
    if (const std::size_t a = toks[k].start, b = toks[e - 1].end; b > a)
      ascii_lower_copy(lowered.data() + a, ctx.text.data() + a, b - a);
    std::copy(im.lit_none.begin(), im.lit_none.end(), lits_present.begin());
    std::uint64_t* const lp = lits_present.data();
    const Impl::LitWord* const rows = im.word_lit_rules.data();
    const std::uint32_t* const first = im.word_lit_first.data();
    auto on_word = [lp, rows, first](int id) {
      const std::size_t w = static_cast<std::size_t>(id) + 1;
      for (const Impl::LitWord* x = rows + first[w], *end = rows + first[w + 1]; x != end; ++x) lp[x->at] |= x->bits;
    };
    if (most < 2) {
      // One entity item at most (the document has a topic that lets a rule tell with one:
      // "$org", "$country"). Co-occurrence and located_in need two, so the sentence tells
      // something only when a rule needing one is left by its words; mostly none is: then it is
      // passed over unbuilt. (The words of all its tokens, those in a name too: more literals
      // than the items meet, never fewer; and one entity item of each type.)
      for (const Token* t = toks.data() + k, *te = toks.data() + e; t != te; ++t)
        if (const int w = word_id(std::string_view(lowered.data() + t->start, t->end - t->start), t->fold); w >= 0)
          on_word(w);
      const std::uint64_t* one_each[5];
      for (std::size_t t = 0; t < 5; ++t) one_each[t] = im.need_row(t, 1);
      if (!rules_left(one_each)) {
        k = e;
        continue;
      }
      std::copy(im.lit_none.begin(), im.lit_none.end(), lits_present.begin());   // (built as ever)
    }
    build_items(ctx, lowered, word_id, on_word, dash_word, im.him_her, *mentions, k, e, mit, items, ent_items, ent_slot);
    const Sentence& sent = (*ctx.sentences)[s];
    found.clear();
    // The rules the document, the sentence's entities (too few of a type) and its words leave
    // (rules_left, by the entity items each slot has).
    const std::size_t nw = im.all_rules.size();
    std::uint64_t* const out_now = ruled_out.data();
    const std::uint64_t* const all = im.all_rules.data();
    std::array<unsigned, 5> ent_have = {0, 0, 0, 0, 0};
    for (std::uint32_t q : ent_items) {
      const Item& it = items[q];
      if (it.tslot >= 0) ++ent_have[static_cast<std::size_t>(it.tslot)];
      ++ent_have[4];
    }
    const std::uint64_t* need[5];
    for (std::size_t t = 0; t < 5; ++t) need[t] = im.need_row(t, ent_have[t]);
    const bool live = rules_left(need);   // some rule may still match in this sentence
    // Per sentence: whether a rule left may start with a class (then word items need their
    // may_class bits; else start_word_base[0] does for all), and which start sets have a rule left
    // (entity slots 0-4, then word items by may_class bits 0-7): an item with none of those and no
    // start word is skipped at once.
    bool class_first = false;
    unsigned cls_tables = 0;
    std::array<bool, 13> base_live{};
    if (live) {
      // (by the rules left, each of which knows its sets: Impl::rule_sets)
      std::uint32_t sets = 0;
      for (std::size_t w = 0; w < nw; ++w)
        for (std::uint64_t bits = all[w] & ~out_now[w]; bits != 0; bits &= bits - 1)
          sets |= im.rule_sets[w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))];
      class_first = (sets >> 13 & 1u) != 0;
      // The tables the rules left that start with a class look into: an item's bits for the others
      // pick no rule (start_cls[m] keeps a rule for the bits its class's tables share with m).
      cls_tables = sets >> 14 & 7u;
      for (std::size_t b = 0; b < 13; ++b) base_live[b] = (sets >> b & 1u) != 0;
    }
    // From the item on: the entity items of each type (slots 0-3, all: 4), counted down from the
    // sentence's as the loop passes them. Each required entity element of a rule takes an item of
    // its own at or after where the rule starts, so a rule needing more than are left cannot match
    // from there.
    std::array<unsigned, 5> left = ent_have;
    for (std::size_t i = 0; live && i < items.size(); ++i) {
      if (i > 0 && items[i - 1].ent) {
        if (items[i - 1].tslot >= 0) --left[static_cast<std::size_t>(items[i - 1].tslot)];
        --left[4];
      }
      // The word items no rule left may start at (by their classes' tables or their word), in a
      // tight loop.
      while (i < items.size() && !items[i].ent &&
             !base_live[5 + (class_first ? im.may_class_of(ctx, items[i]) & cls_tables : 0u)] &&
             (items[i].word < 0 || !im.word_starts_some[static_cast<std::size_t>(items[i].word) + 1]))
        ++i;
      if (i == items.size()) break;
      // The rules that may start at the item: start_any with its entity type's or its classes'
      // rules (merged at load) and its word's.
      const Item& at = items[i];
      const unsigned mc = !at.ent && class_first ? (im.may_class_of(ctx, at) & cls_tables) : 0u;
      const std::size_t bi = at.ent ? (at.tslot >= 0 ? static_cast<std::size_t>(at.tslot) : 4) : 5 + mc;
      if (!base_live[bi] && (at.word < 0 || !im.word_starts_some[static_cast<std::size_t>(at.word) + 1])) continue;
      const std::uint64_t* base = (at.ent ? im.start_base[bi] : im.start_word_base[mc]).data();
      const std::uint64_t* by_word = im.word_start[at.word >= 0 ? static_cast<std::size_t>(at.word) + 1 : 0].data();
      for (std::size_t w = 0; w < nw; ++w)
      for (std::uint64_t bits = (base[w] | by_word[w]) & ~out_now[w]; bits != 0; bits &= bits - 1) {
        const std::size_t ri = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
        const Rule& r = im.rules[ri];
        {
          const std::array<unsigned, 5>& need = im.ent_need[ri];
          unsigned short_of = 0;   // (branch-free: one test for the five types)
          for (std::size_t t = 0; t < 5; ++t) short_of |= static_cast<unsigned>(need[t] > left[t]);
          if (short_of) continue;
        }
        if (!im.may_start_fast(ri, items, i)) continue;
        MatchState& st = states[ri];
        if (st.dirty) {
          for (auto& v : st.ents) v.clear();
          for (auto& t : st.texts) t.clear();
          st.former = false;
          st.dirty = false;
        }
        st.last = 0;
        if (!im.match(ctx, items, r, 0, i, e, st)) continue;
        st.dirty = true;
        auto find = [&](const std::string& label) -> std::size_t {
          for (std::size_t q = 0; q < r.elems.size(); ++q)
            if (r.elems[q].label == label) return q;
          return r.elems.size();
        };
        std::size_t last = std::max(st.last, i + 1) - 1;
        // "$org" / "$country": the article's dominant organisation or country, unless the
        // sentence itself names another one before the match or a nationality or place stands
        // right before it ("Indian prime minister X").
        auto implicit = [&](const std::string& label, std::vector<std::size_t>& got) -> bool {
          std::optional<std::size_t> t = label == "$org" ? topic_org : topic_country;
          if (!t) return false;
          // Another place, organisation or nationality right before the match, or its possessive,
          // says whose office it is ("Zairean Prime Minister X", "Iraq's deputy prime minister X").
          auto other = [&](std::size_t q) {
            return items[q].ent && items[q].tslot != 0 && items[q].entity != *t;
          };
          if (i > 0 && other(i - 1)) return false;
          if (i > 1 && (items[i - 1].lower == "'s" || items[i - 1].lower == "’s") && other(i - 2)) return false;
          for (std::uint32_t q : ent_items) {
            const Item& it = items[q];
            if (it.entity == *t) continue;
            if (label == "$country" && it.tslot == 2 && ctx.entities->is_country[it.entity]) return false;
            if (label == "$org" && it.tslot == 1 && q < i && q + 6 >= i) return false;
          }
          got = {*t};
          return true;
        };
        std::vector<std::size_t> src_imp, tgt_imp;
        const std::vector<std::size_t>* src = nullptr;
        const std::vector<std::size_t>* tgt = nullptr;
        if (r.source[0] == '$') {
          if (!implicit(r.source, src_imp)) continue;
          src = &src_imp;
        } else {
          src = &st.ents[find(r.source)];
        }
        if (r.target[0] == '$') {
          if (!implicit(r.target, tgt_imp)) continue;
          tgt = &tgt_imp;
        } else {
          tgt = &st.ents[find(r.target)];
        }
        std::string qual = r.label;
        if (!r.qualifier.empty()) qual = st.texts[find(r.qualifier)];
        if (st.former || r.former) qual = qual.empty() ? "former" : "former " + qual;
        Evidence ev{s, items[i].start, items[last].end};
        for (std::size_t a : *src)
          for (std::size_t b : *tgt) found.push_back({a, b, &r, qual, ev, items[last].te});
      }
    }
    // One reading per pair and span: the longest match wins ("former Renault CEO X" over "Renault CEO X").
    for (std::size_t f = 0; f < found.size(); ++f) {
      bool beaten = false;
      for (std::size_t g = 0; g < found.size() && !beaten; ++g) {
        if (f == g || found[f].a != found[g].a || found[f].b != found[g].b ||
            found[f].rule->relation != found[g].rule->relation)
          continue;
        // Two different roles told in one stretch ("X, who had been chairman, succeeded him as chief
        // executive") are two relations; the same role with and without "former" is one.
        const std::string& qf = found[f].qual;
        const std::string& qg = found[g].qual;
        auto ends_with = [](const std::string& a, const std::string& b) {
          return a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
        };
        if (!qf.empty() && !qg.empty() && !ends_with(qf, qg) && !ends_with(qg, qf)) continue;
        bool overlap = found[f].ev.start < found[g].ev.end && found[g].ev.start < found[f].ev.end;
        std::size_t lf = found[f].ev.end - found[f].ev.start, lg = found[g].ev.end - found[g].ev.start;
        beaten = overlap && (lg > lf || (lg == lf && g < f));
      }
      if (beaten) continue;
      const Found& fd = found[f];
      Relation* rel = add(fd.a, fd.b, fd.rule->relation, fd.qual, fd.rule->directed, fd.ev, 1.0);
      if (rel) im.time_span(ctx, k, fd.after, e, *fd.rule, *rel);
    }
    // A place and the country the gazetteer puts it in, named in one sentence ("Addis Ababa ...
    // Ethiopia"): located_in.
    if (!country_of.empty()) {
      for (std::uint32_t qa : ent_items) {
        const Item& a = items[qa];
        if (a.tslot != 2 || !placed[a.entity]) continue;
        for (std::uint32_t qb : ent_items) {
          const Item& b = items[qb];
          if (b.entity != a.entity && ctx.entities->is_country[b.entity] &&
              country_of[b.entity] == country_of[a.entity])
            add(a.entity, b.entity, kLocatedIn, kNoType, true,
                Evidence{s, std::min(a.start, b.start), std::max(a.end, b.end)}, 1.0);
        }
      }
    }
    // Same-sentence co-occurrence: a weak, weighted link.
    // (the sentence's first kMaxCooccurring entities, each once: in_present marks those taken)
    present.clear();
    for (std::uint32_t q : ent_items) {
      const std::uint32_t x = items[q].entity;
      if (in_present[x] == s + 1 || present.size() == kMaxCooccurring) continue;
      in_present[x] = static_cast<std::uint32_t>(s + 1);
      present.push_back(x);
    }
    if (im.co_apart && present.size() > 1) {
      const auto at = static_cast<std::uint32_t>(co_sents.size());
      co_sents.push_back(Evidence{s, sent.start, sent.end});
      for (std::size_t x = 0; x < present.size(); ++x)
        for (std::size_t y = x + 1; y < present.size(); ++y) {
          const std::uint64_t ra = rank_of[present[x]], rb = rank_of[present[y]];   // (present: no entity twice)
          // (min/max, not a swap: which ranks first is a coin toss a branch mispredicts)
          co_told.emplace_back(std::min(ra, rb) << 32 | std::max(ra, rb), at);
        }
    } else if (!im.co_apart) {
      for (std::size_t x = 0; x < present.size(); ++x)
        for (std::size_t y = x + 1; y < present.size(); ++y)
          add(present[x], present[y], kCoOccurs, kNoType, false, Evidence{s, sent.start, sent.end}, 0.5);
    }
    k = e;
  }
  // Relations that extracted events tell (relations/from_events.tsv): "Grant succeeded Baker" is
  // an appointment that also says Grant replaced Baker. Asserted events only; a pair the patterns
  // already joined in that sentence keeps its weight.
  if (ctx.events && !im.from_events.empty()) {
    // entity id -> index: a binary search over the entities in id order (by_rank; ids are unique).
    auto entity_of = [&](const std::string& id) -> std::optional<std::size_t> {
      auto at = std::lower_bound(by_rank.begin(), by_rank.end(), id,
                                 [&](std::size_t e, const std::string& v) { return ents[e].id < v; });
      if (at == by_rank.end() || ents[*at].id != id) return std::nullopt;
      return *at;
    };
    auto role_entity = [&](const Event& ev, const std::string& role,
                           const std::vector<std::string>& types) -> std::optional<std::size_t> {
      for (const Participant& p : ev.participants) {
        if (p.role != role) continue;
        const std::optional<std::size_t> e = entity_of(p.entity);
        if (!e) continue;
        if (types.empty() || std::find(types.begin(), types.end(), ents[*e].type) != types.end()) return e;
        return std::nullopt;
      }
      return std::nullopt;
    };
    std::set<std::tuple<std::size_t, std::size_t, RelationType, std::size_t>> told_at;
    bool told_indexed = false;
    for (const Event& ev : *ctx.events) {
      if (ev.modality != "asserted") continue;
      std::string trig = ascii_lower(ev.trigger.text);
      for (const auto& fe : im.from_events) {
        if (fe.event_type != ev.type) continue;
        if (!fe.triggers.empty() && std::find(fe.triggers.begin(), fe.triggers.end(), trig) == fe.triggers.end())
          continue;
        {
          // An infinitive trigger is no done deal ("agreed to be acquired by", "plans to sue").
          auto t = std::lower_bound(toks.begin(), toks.end(), ev.trigger.start,
                                    [](const Token& x, std::size_t v) { return x.start < v; });
          if (t != toks.begin() && im.not_done.count(ascii_lower((t - 1)->view(ctx.text)))) continue;
        }
        if (!fe.unless.empty()) {
          auto t = std::lower_bound(toks.begin(), toks.end(), ev.trigger.end,
                                    [](const Token& x, std::size_t v) { return x.start < v; });
          bool blocked = false;
          for (std::size_t n = 0; n < 5 && t != toks.end() && t->sentence == ev.sentence; ++n, ++t)
            blocked = blocked || std::find(fe.unless.begin(), fe.unless.end(), ascii_lower(t->view(ctx.text))) !=
                                     fe.unless.end();
          if (blocked) continue;
        }
        auto a = role_entity(ev, fe.source_role, fe.source_types);
        auto b = role_entity(ev, fe.target_role, fe.target_types);
        if (!a || !b || *a == *b) continue;
        // Told by a pattern in that sentence: in the same direction it is already there; in the other
        // direction the pattern, which reads the words, beats the event's guess at its roles ("and
        // replaced her with Y": Y replaced her).
        // (whether (from, to, relation) has a telling in the event's sentence: every telling so
        // far indexed once, at the first question, then kept up to date)
        auto told_in_sentence = [&](std::size_t from, std::size_t to) {
          if (!told_indexed) {
            for (const auto& [key, r] : out)
              for (const Evidence& x : r.evidence)
                told_at.emplace(std::get<0>(key), std::get<1>(key), std::get<2>(key), x.sentence);
            told_indexed = true;
          }
          return told_at.count(std::make_tuple(rank_of[from], rank_of[to], fe.relation, ev.sentence)) > 0;
        };
        if (told_in_sentence(*a, *b) || told_in_sentence(*b, *a)) continue;
        if (add(*a, *b, fe.relation, kNoType, true, Evidence{ev.sentence, ev.trigger.start, ev.trigger.end}, 1.0) &&
            told_indexed)
          told_at.emplace(rank_of[*a], rank_of[*b], fe.relation, ev.sentence);
      }
    }
  }
  // "chairman" and "former chairman" of one pair are one relation that has ended: the former
  // reading keeps both tellings.
  for (auto it = out.begin(); it != out.end();) {
    const auto& [a, b, type, qual] = it->first;
    // The former reading may say more or less of the title ("chancellor" and "former chancellor of
    // the exchequer"): word-prefix either way.
    auto ended = out.end();
    if (!qual.empty() && qual.rfind("former", 0) != 0) {
      auto word_prefix = [](const std::string& shorter, const std::string& longer) {
        return longer.size() > shorter.size() && longer.compare(0, shorter.size(), shorter) == 0 &&
               longer[shorter.size()] == ' ';
      };
      for (auto f = out.lower_bound(std::make_tuple(a, b, type, std::string("former ")));
           f != out.end() && std::get<0>(f->first) == a && std::get<1>(f->first) == b &&
           std::get<2>(f->first) == type && std::get<3>(f->first).rfind("former ", 0) == 0;
           ++f) {
        const std::string core = std::get<3>(f->first).substr(7);
        if (core == qual || word_prefix(qual, core) || word_prefix(core, qual)) {
          ended = f;
          break;
        }
      }
    }
    if (qual.empty() || ended == out.end()) {
      ++it;
      continue;
    }
    Relation& keep = ended->second;
    keep.weight += it->second.weight;
    for (const Evidence& x : it->second.evidence) keep.evidence.push_back(x);
    std::sort(keep.evidence.begin(), keep.evidence.end(),
              [](const Evidence& l, const Evidence& r) { return std::tie(l.start, l.end) < std::tie(r.start, r.end); });
    if (keep.start.empty()) keep.start = it->second.start;
    if (keep.end.empty()) keep.end = it->second.end;
    it = out.erase(it);
  }
  // One relation implying another (relations/implies.tsv): an acquirer owns what it bought; the
  // leader of a party is a member of it.
  if (!im.implies.empty()) {
    std::vector<std::pair<std::tuple<std::size_t, std::size_t, RelationType, std::string>, Relation>> more;
    for (const auto& [key, r] : out)
      for (const auto& rule : im.implies) {
        if (rule.relation != r.type) continue;
        if (rule.condition != "-") {
          const std::string& name = ents[by_rank[std::get<1>(key)]].name;
          std::size_t sp = name.find_last_of(' ');
          std::string last = ascii_lower(sp == std::string::npos ? name : name.substr(sp + 1));
          if (rule.condition != "party" || !im.party_words.count(last)) continue;
        }
        Relation x = r;
        x.type = rule.implied;
        x.qualifier.clear();
        x.start.clear();   // when someone became leader is not when they joined
        x.end.clear();
        more.push_back({std::make_tuple(std::get<0>(key), std::get<1>(key), rule.implied, std::string()), x});
      }
    for (auto& [key, x] : more)
      if (!out.count(key)) out.emplace(key, std::move(x));
  }
  // Keyed by id ranks, type and qualifier (each Relation's own fields): already in output order.
  // co_occurs relations kept apart go in among them, by ranks (then type: no other is co_occurs).
  {
    // Sorted as pairs (the tellings of a pair in the order told: at rises): a stable counting
    // sort by the second rank, then by the first (ranks < ents.size()), what std::sort of the
    // (ranks, at) pairs gives, without comparisons.
    thread_local std::vector<std::pair<std::uint64_t, std::uint32_t>> co_tmp;
    thread_local std::vector<std::uint32_t> co_count;
    co_tmp.resize(co_told.size());
    auto by = [&](const auto& from, auto& to, auto rank) {
      co_count.assign(ents.size() + 1, 0);
      for (const auto& x : from) ++co_count[rank(x.first) + 1];
      for (std::size_t r = 1; r < co_count.size(); ++r) co_count[r] += co_count[r - 1];
      for (const auto& x : from) to[co_count[rank(x.first)]++] = x;
    };
    if (co_told.size() > 1) {
      by(co_told, co_tmp, [](std::uint64_t key) { return key & 0xFFFFFFFFu; });
      by(co_tmp, co_told, [](std::uint64_t key) { return key >> 32; });
    }
  }
  std::size_t co_n = 0;   // pairs
  for (std::size_t i = 0; i < co_told.size(); ++i) co_n += i == 0 || co_told[i].first != co_told[i - 1].first;
  std::vector<Relation> rels;
  rels.reserve(out.size() + co_n);
  // The pair at co, built in place from its run of tellings; co moves past them.
  auto put_co = [&](std::vector<std::pair<std::uint64_t, std::uint32_t>>::const_iterator& co) {
    const std::uint64_t key = co->first;
    auto run_end = co;
    while (run_end != co_told.cend() && run_end->first == key) ++run_end;
    Relation& r = rels.emplace_back();
    r.source = by_rank[key >> 32];
    r.target = by_rank[key & 0xFFFFFFFFu];
    r.type = kCoOccurs;
    r.evidence.reserve(static_cast<std::size_t>(run_end - co));
    for (; co != run_end; ++co) {
      const Evidence& ev = co_sents[co->second];
      // The same span told again (add() keeps one).
      if (!r.evidence.empty() && r.evidence.back().start == ev.start && r.evidence.back().end == ev.end) continue;
      r.evidence.push_back(ev);
    }
    r.weight = 0.5 * static_cast<double>(r.evidence.size());   // what adding 0.5 per telling gives (exact)
  };
  // The relations of `out` and the co_occurs pairs merged in output order: a pair goes first when
  // its ranks are less, or equal and co_occurs sorts before the relation's type. (One loop, so that
  // put_co has one caller and is inlined: it runs once per pair.)
  auto co = co_told.cbegin();
  auto o = out.begin();
  while (co != co_told.cend() || o != out.end()) {
    if (o != out.end()) {
      const auto& key = o->first;
      const std::uint64_t ranks = static_cast<std::uint64_t>(std::get<0>(key)) << 32 | std::get<1>(key);
      if (co == co_told.cend() || !(co->first < ranks || (co->first == ranks && kCoOccurs < std::get<2>(key)))) {
        rels.push_back(std::move(o->second));
        ++o;
        continue;
      }
    }
    put_co(co);
  }
  states_serial = im.serial;   // every state clean or marked dirty: reusable
  return rels;
}

}  // namespace storyline::extractor
