#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "storyline/extractor/relations.hpp"
#include "storyline/extractor/timex_value.hpp"

namespace storyline::extractor {
namespace {

// A set of lower-cased words, asked ASCII-case-insensitively by a token's fold hash (Token::fold:
// fold_hash of its text, alike in any case) without building a key: open addressing, mostly one
// probe for a word not in the set; the rare collisions are told apart by comparing.
class FirstWords {
 public:
  // The bit of a fold hash in bits(): one per 16 of its bits, the top ten picking the word and the
  // low six the bit in it (a shift, no mask, on the token scan's path).
  static bool bit(const std::uint64_t* bits, std::uint32_t fold) { return bits[fold >> 22] >> (fold & 63) & 1u; }
  // Whether a word of this fold hash may be in the set (has() asks this first): a bit test.
  bool may_have(std::uint32_t fold) const { return bit(bits_.data(), fold); }
  const std::uint64_t* bits() const { return bits_.data(); }
  bool has(std::string_view w, std::uint32_t fold) const {
    // A bit per 16 bits of the fold hash first (8 KB, stays in cache): most words stop there.
    if (!bit(bits_.data(), fold)) return false;
    if (slots_.empty()) return false;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t p = fold & mask;; p = (p + 1) & mask) {
      const Slot& sl = slots_[p];
      if (sl.id < 0) return false;
      if (sl.fold == fold && lower_equals(w, keys_[static_cast<std::size_t>(sl.id)])) return true;
    }
  }
  void add(const std::string& lower) {
    if (has(lower, fold_hash(lower))) return;
    keys_.push_back(lower);
    const std::uint32_t h = fold_hash(lower);
    bits_[h >> 22] |= std::uint64_t{1} << (h & 63);
    if (4 * keys_.size() > slots_.size()) {
      slots_.assign(slots_.empty() ? 64 : 2 * slots_.size(), Slot{});
      for (std::size_t i = 0; i < keys_.size(); ++i) place(i);
    } else {
      place(keys_.size() - 1);
    }
  }

 private:
  struct Slot {
    std::uint32_t fold = 0;
    int id = -1;
  };
  void place(std::size_t id) {
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t h = fold_hash(keys_[id]);
    std::size_t p = h & mask;
    while (slots_[p].id >= 0) p = (p + 1) & mask;
    slots_[p] = Slot{h, static_cast<int>(id)};
  }
  std::vector<std::string> keys_;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> bits_ = std::vector<std::uint64_t>(1024, 0);
};

// The first token in [p, pe) whose fold hash has its bit set in `bits` (FirstWords::bits()), else
// pe: eight tokens per bound test, as most tokens have no bit.
inline const Token* next_may_start(const Token* p, const Token* pe, const std::uint64_t* bits) {
  auto hit = [bits](const Token& t) { return FirstWords::bit(bits, t.fold); };
  for (; pe - p >= 8; p += 8)
    for (int u = 0; u < 8; ++u)
      if (hit(p[u])) return p + u;
  while (p != pe && !hit(*p)) ++p;
  return p;
}

// PhraseTable::match with its first test (may_start: one bit) made here, inline: most tokens start
// no phrase, and GCC calls match itself out of line.
[[gnu::always_inline]] inline const PhraseTable::Entry* phrase_at(const PhraseTable& table, std::string_view text,
                                                                 const std::vector<Token>& toks, std::size_t k,
                                                                 std::size_t end) {
  return k < end && table.may_start(toks[k]) ? table.match(text, toks, k, end, true) : nullptr;
}

// A trigger's value: its index in defs, written by std::to_string at load.
inline std::size_t def_index(const std::string& v) {
  std::size_t n = 0;
  for (char c : v) n = n * 10 + static_cast<std::size_t>(c - '0');
  return n;
}

// A trigger's part of speech: its pos column, "verb" or "noun" (any other word: neither).
enum class Pos : unsigned char { other, verb, noun };

struct Trigger {
  std::string type, pos, label, requires_class;
  bool control = false;   // takes an infinitive that may carry the real event ("agreed to sell")
  Pos part = Pos::other;  // pos, as compared per trigger found
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p <= s.size()) {
    std::size_t q = s.find(sep, p);
    if (q == std::string::npos) q = s.size();
    std::string part = s.substr(p, q - p);
    if (!part.empty()) out.push_back(part);
    p = q + 1;
  }
  return out;
}

// A stretch of a sentence that is not its main clause: ", who ...", ", the former CEO of X,", "( ... )".
struct Aside {
  std::size_t begin = 0, end = 0;   // tokens
  bool relative = false;            // who / which / whose / where
  bool name = false;                // ", Kwasi Kwarteng," after a noun: names the noun (an object may sit in it)
};

std::vector<Aside> find_asides(const DocContext& ctx, std::size_t b, std::size_t e) {
  static constexpr std::string_view relative[] = {"who", "whom", "whose", "which", "where"};
  static constexpr std::string_view openers[] = {"the", "a", "an", "at", "then", "now", "once", "also",
                                                 "previously", "formerly", "its", "his", "her", "their",
                                                 "both", "until", "since", "including"};
  // Asked ASCII-case-insensitively by a token's fold hash (most words after a comma: one bit each).
  auto set_of = [](const auto& list) {
    FirstWords set;
    for (std::string_view w : list) set.add(std::string(w));
    return set;
  };
  static const FirstWords relatives = set_of(relative), opening = set_of(openers);
  const auto& toks = *ctx.tokens;
  std::vector<Aside> out;
  for (std::size_t k = b; k + 1 < e; ++k) {
    if (!toks[k].has(kPunct)) continue;   // (an aside opens at "(" or ",": punctuation; most tokens are words)
    std::string_view v = toks[k].view(ctx.text);
    if (v == "(") {
      std::size_t q = k + 1;
      while (q < e && toks[q].view(ctx.text) != ")") ++q;
      out.push_back({k, std::min(q + 1, e), false});
      k = q;
      continue;
    }
    if (v != ",") continue;
    // "her chancellor, Kwasi Kwarteng, on ...": a name set off by commas after a lower-case noun.
    if (k > b && toks[k - 1].has(kWord) && !toks[k - 1].has(kCap) && toks[k + 1].has(kCap)) {
      std::size_t q = k + 1;
      while (q < e && q < k + 6 && toks[q].has(kCap)) ++q;
      if (q < e && q > k + 1 && toks[q].view(ctx.text) == ",") {
        out.push_back({k, q + 1, false, true});
        k = q - 1;
        continue;
      }
    }
    const std::string_view next = toks[k + 1].view(ctx.text);
    bool rel = relatives.has(next, toks[k + 1].fold);
    bool app = opening.has(next, toks[k + 1].fold);
    if (!rel && !app) continue;
    std::size_t q = k + 1;
    while (q < e && q < k + 20 && toks[q].view(ctx.text) != "," && toks[q].view(ctx.text) != "—") ++q;
    bool closed = q < e && q < k + 20;
    if (!closed && !rel) continue;
    out.push_back({k, closed ? q + 1 : e, rel});
    k = closed ? q - 1 : e;
  }
  return out;
}

// Sentences longer than this many tokens get prefix counts and indexes for their look-ups.
constexpr std::size_t kLongSentence = 64;
// A walk over names from a trigger (to its subject, its object) looks at this many at most.
constexpr std::size_t kWalk = 64;

// Prefix counts over a sentence's tokens (entry i: its first i tokens) of what ends a subject (";",
// ", and", ", but"), a clause (those and "—"), and of barrier words (all; those that open another time).
struct SentenceCounts {
  std::vector<std::uint32_t> semi, stop, conj, barrier, date_barrier;
  void reset(std::size_t n) {
    for (auto* v : {&semi, &stop, &conj, &barrier, &date_barrier}) v->assign(n + 1, 0);
  }
  void push(std::size_t i, bool is_semi, bool is_stop, bool is_conj, bool is_barrier, bool is_date_barrier) {
    semi[i + 1] = semi[i] + is_semi;
    stop[i + 1] = stop[i] + is_stop;
    conj[i + 1] = conj[i] + is_conj;
    barrier[i + 1] = barrier[i] + is_barrier;
    date_barrier[i + 1] = date_barrier[i] + is_date_barrier;
  }
  // Whether one is counted in [from, to) (relative to the sentence's first token).
  static bool any(const std::vector<std::uint32_t>& v, std::size_t from, std::size_t to) {
    return from < to && v[to] != v[from];
  }
};

// A noun that refers to an event told elsewhere ("after the takeover").
struct Reference {
  std::size_t event = 0;      // index of the event of its clause
  std::size_t start = 0;      // byte offset of the reference
  std::string relation, type, cue;
};
// "A, two months after B" inside one sentence.
struct Order {
  std::size_t from = 0, to = 0;   // event indexes
  std::string relation, cue;
};

int source_rank(const std::string& source) {
  return source == "text" ? 3 : source == "anaphoric" ? 2 : source == "document" ? 1 : 0;
}

bool narrower(const std::string& a, const std::string& b) {
  auto da = parse_timex_value(a), db = parse_timex_value(b);
  return da && db && da->last_day() - da->first_day() < db->last_day() - db->first_day();
}

// The same event told twice in one document (same type and modality, a shared participant in the
// same role other than the place, dates that nest) becomes one event: the telling with the best date (text, then
// the narrower interval) gives trigger, date and summary; the others are kept as `evidence`.
// Then references and in-sentence orders become `order` constraints, and ids are given.
// Every step is linear in the events (give or take a logarithm), so that a long text that tells the
// same kind of event thousands of times costs no more per event than a short one: a telling is
// looked for among the kMergeWindow latest kept events of its type sharing one of its participants.
constexpr std::size_t kMergeWindow = 256;

std::vector<Event> finish(std::vector<Event> evs, const std::vector<Reference>& references,
                          const std::vector<Order>& orders) {
  // Most documents tell no event or one: nothing to merge or order (an order needs two events).
  if (evs.size() <= 1) {
    if (!evs.empty()) evs[0].id = "ev1";
    return evs;
  }
  // The events kept are evs' first n_kept: one kept moves down over the merged ones before it
  // (most documents merge none: no move).
  std::vector<Event>& kept = evs;
  std::size_t n_kept = 0;
  // Two dates may name the same day when equal, one missing, or one inside the other ("2022" and
  // "2022-10-27"): each kept event's date is parsed once, as days (first, last).
  struct Span {
    bool parsed = false;
    long first = 0, last = 0;
  };
  auto span_of = [](const std::optional<std::string>& d) {
    Span sp;
    if (auto v = d ? parse_timex_value(*d) : std::nullopt) sp = {true, v->first_day(), v->last_day()};
    return sp;
  };
  std::vector<Span> spans;
  spans.reserve(evs.size());
  auto nest = [&](const Event& k, const Span& ks, const Event& ev, const Span& es) {
    if (!k.date || !ev.date) return true;
    if (!ks.parsed || !es.parsed) return *k.date == *ev.date;
    return (ks.first >= es.first && ks.last <= es.last) || (es.first >= ks.first && es.last <= ks.last);
  };
  std::vector<std::size_t> into(evs.size());
  std::vector<std::size_t> candidates;
  // The kept events by (type, modality, role, participant), each list ascending: built when kept
  // first grows past a few dozen events (a scan of the few kept events serves until then).
  constexpr std::size_t kScan = 48;
  std::unordered_map<std::string, std::vector<std::size_t>> index;
  bool indexed = false;
  std::string key;
  auto key_of = [&](const Event& k, const Participant& p) -> const std::string& {
    key.clear();
    key.append(k.type).push_back('\x1f');
    key.append(k.modality).push_back('\x1f');
    key.append(p.role).push_back('\x1f');
    key.append(p.entity);
    return key;
  };
  auto index_add = [&](std::size_t j, const Participant& p) {
    if (std::string_view(p.role) == "place") return;
    auto& list = index[key_of(kept[j], p)];
    if (list.empty() || list.back() < j) list.push_back(j);
    else if (auto it = std::lower_bound(list.begin(), list.end(), j); it == list.end() || *it != j) list.insert(it, j);
  };
  for (std::size_t i = 0; i < evs.size(); ++i) {
    Event& ev = evs[i];
    // The kept events of the same type and modality sharing a participant (same role, not the
    // place, same entity), in order.
    candidates.clear();
    if (n_kept <= kScan) {
      for (std::size_t j = 0; j < n_kept; ++j) {
        const Event& k = kept[j];
        if (k.type != ev.type || k.modality != ev.modality) continue;
        bool shared = false;
        for (const auto& p : ev.participants) {
          if (std::string_view(p.role) == "place") continue;
          for (const auto& q : k.participants)
            if (q.entity == p.entity && q.role == p.role) {
              shared = true;
              break;
            }
          if (shared) break;
        }
        if (shared) candidates.push_back(j);
      }
    } else {
      if (!indexed)
        for (std::size_t j = 0; j < n_kept; ++j)
          for (const auto& p : kept[j].participants) index_add(j, p);
      indexed = true;
      for (const auto& p : ev.participants) {
        if (std::string_view(p.role) == "place") continue;
        auto it = index.find(key_of(ev, p));
        if (it == index.end()) continue;
        const auto& list = it->second;
        const auto mid = static_cast<std::ptrdiff_t>(candidates.size());
        candidates.insert(candidates.end(), list.end() - static_cast<std::ptrdiff_t>(std::min(list.size(), kMergeWindow)),
                          list.end());
        std::inplace_merge(candidates.begin(), candidates.begin() + mid, candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      }
      // (each list is in order: merged, not sorted)
    }
    if (candidates.size() > kMergeWindow)
      candidates.erase(candidates.begin(), candidates.end() - static_cast<std::ptrdiff_t>(kMergeWindow));
    // The latest dated telling that fits, else the latest undated one. (A telling without a date
    // cannot be checked against a dated one: only an undated one takes it.)
    std::size_t target = n_kept;
    const Span ev_span = span_of(ev.date);
    for (int dated_pass = ev.date ? 1 : 0; dated_pass >= 0 && target == n_kept; --dated_pass)
      for (auto it = candidates.rbegin(); it != candidates.rend() && target == n_kept; ++it) {
        const Event& k = kept[*it];
        if (k.date.has_value() != (dated_pass == 1) || !nest(k, spans[*it], ev, ev_span)) continue;
        target = *it;
      }
    into[i] = target;
    if (target == n_kept) {
      if (n_kept != i) kept[n_kept] = std::move(ev);
      ++n_kept;
      spans.push_back(ev_span);
      if (indexed)
        for (const auto& p : kept[target].participants) index_add(target, p);
      continue;
    }
    Event& k = kept[target];
    for (const auto& p : ev.participants) {
      bool have = false;
      for (const auto& q : k.participants) have = have || q.entity == p.entity;
      if (!have) {
        k.participants.push_back(p);
        if (indexed) index_add(target, p);
      }
    }
    if (!k.amount) k.amount = ev.amount;
    bool better = ev.date && (!k.date || source_rank(ev.date_source) > source_rank(k.date_source) ||
                              (source_rank(ev.date_source) == source_rank(k.date_source) && narrower(*ev.date, *k.date)));
    if (better) {
      k.evidence.push_back(k.trigger);
      k.trigger = ev.trigger;
      k.sentence = ev.sentence;
      k.date = ev.date;
      spans[target] = ev_span;
      k.date_source = ev.date_source;
      k.summary = ev.summary;
    } else {
      k.evidence.push_back(ev.trigger);
    }
    for (auto& m : ev.evidence) k.evidence.push_back(m);
  }
  evs.erase(evs.begin() + static_cast<std::ptrdiff_t>(n_kept), evs.end());
  // Each telling once, in text order (sorted once here, not at each merge).
  for (Event& k : kept)
    if (k.evidence.size() > 1)
      std::sort(k.evidence.begin(), k.evidence.end(), [](const Mention& a, const Mention& b) { return a.start < b.start; });
  // Text order of the main telling; ids follow it.
  std::vector<std::size_t> perm(kept.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::stable_sort(perm.begin(), perm.end(),
                   [&](std::size_t a, std::size_t b) { return kept[a].trigger.start < kept[b].trigger.start; });
  std::vector<std::size_t> rank(kept.size());
  for (std::size_t i = 0; i < perm.size(); ++i) rank[perm[i]] = i;
  auto id_of = [&](std::size_t kidx) { return "ev" + std::to_string(rank[kidx] + 1); };
  std::set<std::tuple<std::size_t, std::size_t, std::string>> ordered;   // (from, to, relation) given
  auto add_order = [&](std::size_t from, std::size_t to, const std::string& relation, const std::string& cue) {
    if (from == to || !ordered.emplace(from, to, relation).second) return;
    kept[from].order.push_back({relation, id_of(to), cue});
  };
  if (!references.empty()) {
    // Per event type, every telling (main and evidence) as (start, kept event), by start; for each
    // position the nearest earlier telling of another event, and from each position on the two
    // events of lowest rank.
    struct Telling {
      std::size_t start, event;
    };
    struct TypeTellings {
      std::vector<Telling> all;
      std::vector<std::ptrdiff_t> prev_other;   // index of the last earlier telling of another event, or -1
      std::vector<std::pair<std::size_t, std::size_t>> lowest;   // from i on: two events of lowest rank (npos: none)
    };
    std::map<std::string, TypeTellings> by_type;
    for (std::size_t j = 0; j < kept.size(); ++j) {
      auto& tt = by_type[kept[j].type];
      tt.all.push_back({kept[j].trigger.start, j});
      for (const auto& m : kept[j].evidence) tt.all.push_back({m.start, j});
    }
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    for (auto& [type, tt] : by_type) {
      std::sort(tt.all.begin(), tt.all.end(), [](const Telling& a, const Telling& b) {
        return std::tie(a.start, a.event) < std::tie(b.start, b.event);
      });
      const std::size_t n = tt.all.size();
      tt.prev_other.assign(n, -1);
      for (std::size_t i = 1; i < n; ++i)
        tt.prev_other[i] = tt.all[i - 1].event != tt.all[i].event ? static_cast<std::ptrdiff_t>(i - 1) : tt.prev_other[i - 1];
      tt.lowest.assign(n + 1, {none, none});
      for (std::size_t i = n; i-- > 0;) {
        auto [a, b] = tt.lowest[i + 1];
        const std::size_t j = tt.all[i].event;
        if (j != a && j != b) {
          if (a == none || rank[j] < rank[a]) b = a, a = j;
          else if (b == none || rank[j] < rank[b]) b = j;
        }
        tt.lowest[i] = {a, b};
      }
    }
    for (const Reference& r : references) {
      if (r.relation != "after" && r.relation != "before") continue;
      std::size_t gov = into[r.event];
      // The event referred to: the latest of its type told before the reference, else the first after.
      auto same_type = by_type.find(r.type);
      if (same_type == by_type.end()) continue;
      const TypeTellings& tt = same_type->second;
      const auto at = std::partition_point(tt.all.begin(), tt.all.end(), [&](const Telling& x) { return x.start < r.start; });
      std::ptrdiff_t p = (at - tt.all.begin()) - 1;
      if (p >= 0 && tt.all[p].event == gov) p = tt.prev_other[p];
      std::size_t best = p >= 0 ? tt.all[p].event : none;
      if (best == none) {
        // (a telling at the reference's own start is neither before nor after it)
        const auto after = std::partition_point(at, tt.all.end(), [&](const Telling& x) { return x.start <= r.start; });
        auto [a, b] = tt.lowest[after - tt.all.begin()];
        best = a != gov ? a : b;
      }
      if (best != none) add_order(gov, best, r.relation, r.cue);
    }
  }
  for (const Order& o : orders) add_order(into[o.from], into[o.to], o.relation, o.cue);
  // Mostly already in text order: then kept is the result as it is (no moves).
  bool in_order = true;
  for (std::size_t i = 0; i < perm.size(); ++i) in_order = in_order && perm[i] == i;
  std::vector<Event> result;
  if (in_order) {
    result = std::move(kept);
  } else {
    result.reserve(kept.size());
    for (std::size_t i : perm) result.push_back(std::move(kept[i]));
  }
  for (std::size_t i = 0; i < result.size(); ++i) {
    result[i].id = "ev" + std::to_string(i + 1);
    std::sort(result[i].order.begin(), result[i].order.end(), [](const EventOrder& a, const EventOrder& b) {
      return std::tie(a.event, a.relation, a.cue) < std::tie(b.event, b.relation, b.cue);
    });
  }
  return result;
}

}  // namespace

struct EventRules::Impl {
  std::shared_ptr<const Lexicons> lex;
  PhraseTable triggers;    // value: index into defs
  PhraseTable modality;    // value: negated | hypothetical | future | present | passive
  PhraseTable words;       // relations/words.tsv classes
  PhraseTable amounts;     // events/amounts.tsv: currency | scale
  PhraseTable references;  // events/references.tsv: after | before | about
  PhraseTable barriers;    // events/barriers.tsv: after | before | none
  PhraseTable anaphora;    // events/anaphora.tsv: anaphoric
  PhraseTable determiners; // events/determiners.tsv: definite | indefinite
  PhraseTable stakes;      // events/stakes.tsv: stake | control
  std::vector<Trigger> defs;
  FirstWords trigger_firsts;   // the first tokens of the trigger forms, lower-cased

  // The first money amount within ten tokens after the trigger: "$2.5 billion", "£24 billion".
  std::optional<std::string> amount_after(const DocContext& ctx, std::size_t from, std::size_t end) const {
    const auto& toks = *ctx.tokens;
    for (std::size_t q = from; q < end && q < from + 10; ++q) {
      const auto* cur = phrase_at(amounts, ctx.text, toks, q, end);
      if (!cur || cur->value != "currency") continue;
      std::size_t n = q + cur->tokens.size();
      if (n >= end || !toks[n].has(kWord) || !(toks[n].view(ctx.text)[0] >= '0' && toks[n].view(ctx.text)[0] <= '9'))
        continue;
      std::size_t last = n;
      if (n + 1 < end) {
        const auto* sc = phrase_at(amounts, ctx.text, toks, n + 1, end);
        if (sc && sc->value == "scale") last = n + sc->tokens.size();
      }
      return std::string(ctx.text.substr(toks[q].start, toks[last].end - toks[q].start));
    }
    return std::nullopt;
  }

  // A word of class `cls` within six tokens after k, names looked into but not counted ("named
  // Jean-Dominique Senard, at the time chief executive"; "joined the Baltic Carriers Alliance").
  bool class_near(const DocContext& ctx, std::size_t k, std::size_t end, const std::string& cls,
                  const std::vector<int>& in_mention) const {
    const auto& toks = *ctx.tokens;
    for (std::size_t q = k, n = 0; q < end && n < 6; ++q) {
      if (q >= in_mention.size() || in_mention[q] < 0) ++n;   // a name's words are looked at, not counted
      for (const PhraseTable* table : {&lex->person_cues, &words}) {
        const auto* e = phrase_at(*table, ctx.text, toks, q, end);
        if (e && e->value == cls) return true;
      }
    }
    return false;
  }
};

Result<EventRules> EventRules::load(const RuleDirs& dirs, std::shared_ptr<const Lexicons> lex) {
  auto impl = std::make_shared<Impl>();
  impl->lex = lex;
  auto trig = dirs.read("en/events/triggers.tsv");
  if (!trig) return trig.error();
  std::size_t row_no = 0;
  for (auto& row : parse_tsv(*trig)) {
    ++row_no;
    if (row.size() < 4)
      return Error{"rules.events", "en/events/triggers.tsv: row " + std::to_string(row_no) +
                                       " needs type, pos, forms and label"};
    Trigger t{row[0], row[1], row[3], row.size() > 4 && row[4] != "-" ? row[4] : "", row.size() > 5 && row[5] == "control"};
    if (row.size() > 5 && row[5] != "control" && row[5] != "-")
      return Error{"rules.events", "en/events/triggers.tsv: row " + std::to_string(row_no) + ": unknown frame '" +
                                       row[5] + "'"};
    t.part = t.pos == "verb" ? Pos::verb : t.pos == "noun" ? Pos::noun : Pos::other;
    impl->defs.push_back(t);
    for (const std::string& form : split(row[2], ',')) {
      impl->triggers.add(form, std::to_string(impl->defs.size() - 1), "", lex->text);
      // PhraseTable::match finds a phrase only at a token equal (ASCII case aside) to its first token.
      std::vector<Token> ft = tokenize(form, lex->text);
      if (!ft.empty()) impl->trigger_firsts.add(ascii_lower(ft.front().view(form)));
    }
  }
  auto mod = dirs.read("en/events/modality.tsv");
  if (!mod) return mod.error();
  for (auto& row : parse_tsv(*mod))
    if (row.size() >= 2) impl->modality.add(row[0], row[1], "", lex->text);
  for (const char* file : {"en/relations/words.tsv", "en/events/words.tsv"}) {
    auto words = dirs.read(file);
    if (!words) return words.error();
    for (auto& row : parse_tsv(*words))
      if (row.size() >= 2) impl->words.add(row[0], row[1], "", lex->text);
  }
  auto amounts = dirs.read("en/events/amounts.tsv");
  if (!amounts) return amounts.error();
  for (auto& row : parse_tsv(*amounts))
    if (row.size() >= 2) impl->amounts.add(row[0], row[1], "", lex->text);
  for (auto [file, table] : {std::pair{"en/events/references.tsv", &impl->references},
                              std::pair{"en/events/barriers.tsv", &impl->barriers},
                              std::pair{"en/events/anaphora.tsv", &impl->anaphora},
                              std::pair{"en/events/determiners.tsv", &impl->determiners},
                              std::pair{"en/events/stakes.tsv", &impl->stakes}}) {
    auto rows = dirs.read(file);
    if (!rows) return rows.error();
    for (auto& row : parse_tsv(*rows))
      if (row.size() >= 2) table->add(row[0], row[1], "", lex->text);
  }
  EventRules er;
  er.impl_ = impl;
  return er;
}

std::vector<Event> EventRules::events(const DocContext& ctx) const {
  const Impl& im = *impl_;
  const auto& toks = *ctx.tokens;
  // Names plus resolved references ("he", "the company"), in text order. Scratch buffers are kept
  // per thread across documents.
  thread_local std::vector<MentionSpan> all_mentions, sorted_mentions;
  const std::vector<MentionSpan>* in_order = &ctx.mentions_in_order(all_mentions);
  // The look-ups below find mentions by position (binary search): they must be in text order, by start.
  const auto by_start = [](const MentionSpan& x, const MentionSpan& y) { return x.start < y.start; };
  if (!std::is_sorted(in_order->begin(), in_order->end(), by_start)) {
    sorted_mentions = *in_order;
    std::stable_sort(sorted_mentions.begin(), sorted_mentions.end(), by_start);
    in_order = &sorted_mentions;
  }
  const auto& mentions = *in_order;
  const auto& ents = ctx.entities->entities;
  // Worked out when a trigger first needs them (most documents need none): each entity's kind;
  // for each mention, the furthest token reached by it or an earlier one, and the last person and
  // the last organisation named before it; an entity by id.
  // (a MISC entity is some_misc until asked whether it is a demonym: only the participants'
  // walks ask; the others only tell persons, organisations and places apart)
  enum class Kind : unsigned char { other, per, org, loc, misc, demonym, some_misc };
  constexpr auto unknown = static_cast<Kind>(255);
  std::vector<Kind> kinds;
  auto kind = [&](const MentionSpan& ms) __attribute__((always_inline)) {
    if (kinds.empty()) kinds.resize(ents.size(), unknown);
    Kind& kd = kinds[ms.entity];
    if (kd == unknown) {
      const std::string_view ty = ents[ms.entity].type;
      kd = ty == "PER" ? Kind::per : ty == "ORG" ? Kind::org : ty == "LOC" ? Kind::loc
         : ty != "MISC" ? Kind::other : Kind::some_misc;
    }
    return kd;
  };
  // A place or a nationality word ("the French carmaker"): no participant.
  auto place_or_demonym = [&](const MentionSpan& ms) {
    const Kind kd = kind(ms);
    if (kd != Kind::some_misc) return kd == Kind::loc || kd == Kind::demonym;
    const bool d = im.lex->is_demonym(ents[ms.entity].name);
    kinds[ms.entity] = d ? Kind::demonym : Kind::misc;
    return d;
  };
  std::vector<std::size_t> reach_of;
  auto reach = [&](std::size_t mi) {
    if (reach_of.empty()) {
      reach_of.resize(mentions.size());
      for (std::size_t i = 0, r = 0; i < mentions.size(); ++i) reach_of[i] = r = std::max(r, mentions[i].tok_end);
    }
    return reach_of[mi];
  };
  std::vector<int> last_per, last_org;   // [n]: the last mention of that kind among the first n, or -1
  // The last person (or organisation) named before byte `pos`, or -1: usually a few names back;
  // when not, looked up in tables of the last one before each mention.
  auto last_named = [&](Kind want, std::size_t pos) {
    const auto n = std::partition_point(mentions.begin(), mentions.end(),
                                        [&](const MentionSpan& x) { return x.start < pos; }) - mentions.begin();
    for (auto mi = n, stop = std::max<std::ptrdiff_t>(0, n - static_cast<std::ptrdiff_t>(kWalk)); mi-- > stop;)
      if (kind(mentions[static_cast<std::size_t>(mi)]) == want) return static_cast<int>(mi);
    if (n <= static_cast<std::ptrdiff_t>(kWalk)) return -1;
    if (last_per.empty()) {
      last_per.assign(mentions.size() + 1, -1);
      last_org.assign(mentions.size() + 1, -1);
      for (std::size_t i = 0; i < mentions.size(); ++i) {
        const Kind kd = kind(mentions[i]);
        last_per[i + 1] = kd == Kind::per ? static_cast<int>(i) : last_per[i];
        last_org[i + 1] = kd == Kind::org ? static_cast<int>(i) : last_org[i];
      }
    }
    return (want == Kind::per ? last_per : last_org)[static_cast<std::size_t>(n)];
  };
  std::unordered_map<std::string_view, std::size_t> by_id;
  auto entity_of = [&](const std::string& id) -> std::optional<std::size_t> {
    if (ents.size() <= kWalk) {   // (a few: a scan)
      for (std::size_t i = 0; i < ents.size(); ++i)
        if (ents[i].id == id) return i;
      return std::nullopt;
    }
    if (by_id.empty())
      for (std::size_t i = 0; i < ents.size(); ++i) by_id.emplace(ents[i].id, i);
    auto it = by_id.find(id);
    if (it == by_id.end()) return std::nullopt;
    return it->second;
  };
  std::vector<Event> out;   // (8 reserved at its first event: most documents tell fewer, many none)
  thread_local SentenceCounts sc;
  thread_local std::vector<int> in_mention;
  in_mention.assign(toks.size(), -1);
  std::size_t in_mention_next = 0;   // the first mention not yet marked in in_mention (or passed over)

  // Nouns that refer to an event told elsewhere ("after the takeover"), resolved once all events
  // are known; and ordering constraints between events of one sentence.
  std::vector<Reference> references;
  std::vector<Order> orders;
  // The last anchored date of the sentences read so far: its timex, written out (iso) when first needed.
  const Timex* last_date_tx = nullptr;
  const Timex* last_date_done = nullptr;
  std::string last_date_iso;
  auto last_date = [&]() -> const std::string& {
    if (last_date_done != last_date_tx) {
      last_date_iso = parse_timex_value(last_date_tx->value)->iso();
      last_date_done = last_date_tx;
    }
    return last_date_iso;
  };
  std::map<std::string, std::size_t> last_of_type;   // type -> index in `out` of its last event in earlier sentences
  // Timexes by sentence: every look-up below stays inside one sentence (linear in the document).
  // (Only the first n_sentences rows are this document's; rows are cleared, not freed.)
  thread_local std::vector<std::vector<std::reference_wrapper<const Timex>>> sentence_timexes;
  const std::size_t n_sentences = toks.empty() ? 0 : toks.back().sentence + 1;
  if (sentence_timexes.size() < n_sentences) sentence_timexes.resize(n_sentences);
  for (std::size_t i = 0; i < n_sentences; ++i) sentence_timexes[i].clear();
  for (const Timex& x : *ctx.timexes)
    if (x.sentence < n_sentences) sentence_timexes[x.sentence].push_back(std::cref(x));
  auto is_word = [&](std::size_t q, const PhraseTable& table, const char* value) {
    const auto* m = phrase_at(table, ctx.text, toks, q, q + 1);
    return m && (value == nullptr || m->value == value);
  };

  const bool mentions_by_sentence = std::is_sorted(
      mentions.begin(), mentions.end(), [](const MentionSpan& x, const MentionSpan& y) { return x.sentence < y.sentence; });
  std::size_t m_next = 0;   // the first mention of the sentence read (or of a later one)
  // What a sentence leaves for the next ones, events or not: its last anchored date, if it has
  // one (looked for from its end: the first found is the last).
  auto date_of_sentence = [&](std::size_t s) {
    const auto& xs = sentence_timexes[s];
    for (auto x = xs.rbegin(); x != xs.rend(); ++x)
      if (x->get().sentence == s && std::string_view(x->get().type) == "DATE" && parse_timex_value(x->get().value)) {
        last_date_tx = &x->get();
        return true;
      }
    return false;
  };
  const std::uint64_t* const first_bits = im.trigger_firsts.bits();
  const Token* const tk = toks.data();
  std::size_t k = 0;
  std::size_t s_next = 0;   // the first sentence whose date is not looked at yet
  while (k < toks.size()) {
    // Only a sentence with a token that may start a trigger (the first test the loop below makes)
    // can tell an event: the others between are passed over, their dates kept.
    std::size_t c = k;
    {
      c = static_cast<std::size_t>(next_may_start(tk + k, tk + toks.size(), first_bits) - tk);
    }
    if (c == toks.size()) break;
    const std::size_t s = toks[c].sentence;
    // The sentences since the last one read (that one too): only the last with an anchored date
    // counts, looked for from the last back.
    for (std::size_t q = s; q-- > s_next && !date_of_sentence(q);) {
    }
    s_next = s;
    std::size_t b = c, e = c;
    // (eight at a time first: sentence numbers never go down, so all eight between are in s)
    while (b >= k + 8 && toks[b - 8].sentence == s) b -= 8;
    while (b > k && toks[b - 1].sentence == s) --b;
    {
      // By pointer: a size() per token divides by sizeof(Token).
      const Token* p = toks.data() + e;
      const Token* const end = toks.data() + toks.size();
      while (end - p > 8 && p[8].sentence == s) p += 8;
      while (p != end && p->sentence == s) ++p;
      e = static_cast<std::size_t>(p - toks.data());
    }
    // The names' tokens marked in in_mention for the sentence read (only its tokens are asked
    // about): the mentions that start before its end, from its first token to the mention's end
    // (a mention reaching past it stays marked for the next); those in sentences passed over are
    // passed over unmarked. (Mentions are in text order, so their first tokens never go down.)
    for (; in_mention_next < mentions.size() && mentions[in_mention_next].tok_begin < e; ++in_mention_next) {
      const MentionSpan& ms = mentions[in_mention_next];
      for (std::size_t q = std::max(ms.tok_begin, b), qe = std::min(ms.tok_end, toks.size()); q < qe; ++q)
        in_mention[q] = static_cast<int>(in_mention_next);
    }
    // The mentions of this sentence, [m_lo, m_hi): every look-up below that wants only them reads
    // only them (all of them when the mentions are not in sentence order).
    std::size_t m_lo = 0, m_hi = mentions.size();
    if (mentions_by_sentence) {
      while (m_next < mentions.size() && mentions[m_next].sentence < s) ++m_next;
      m_lo = m_hi = m_next;
      while (m_hi < mentions.size() && mentions[m_hi].sentence == s) ++m_hi;
    }
    std::size_t last_verb = static_cast<std::size_t>(-1);
    // Asides, and whether the sentence has a date or an anaphoric cue ("days later"), are worked out
    // when a trigger first needs them: most sentences have none.
    std::vector<Aside> asides;
    bool asides_done = false;
    const std::size_t first_here = out.size();
    std::vector<std::size_t> trig_tok;   // per event of this sentence: first trigger token
    std::vector<unsigned char> controls;   // (bytes: a vector<bool> push_back is a call)
    struct PendingRef {
      std::size_t tok = 0, start = 0;
      std::string relation, type, cue;
    };
    std::vector<PendingRef> pending;
    auto sentence_dated = [&]() {
      for (const Timex& x : sentence_timexes[s])
        if (x.sentence == s && (x.type == "DATE" || x.type == "TIME") && parse_timex_value(x.value)) return true;
      return false;
    };
    signed char anaphoric_known = -1;
    auto anaphoric_cue = [&]() {
      if (anaphoric_known < 0) {
        bool cue = false;
        for (std::size_t q = b; q < e && !cue; ++q) cue = phrase_at(im.anaphora, ctx.text, toks, q, e) != nullptr;
        anaphoric_known = cue ? 1 : 0;
      }
      return anaphoric_known == 1;
    };
    // A long sentence (a run-on text, a list with no full stop) gets prefix counts and indexes, built
    // when a trigger first needs them, so that each look-up below costs the same whatever its
    // length; a short one is read by plain scans, which give the same answers.
    const bool long_sentence = e - b > kLongSentence;
    bool counts_done = false, marks_done = false, locs_done = false, by_entity_done = false;
    // ", and" / ", but" at token q, both words before token `to`: it ends a clause and a subject.
    auto comma_conj = [&](std::size_t q, std::size_t to) {
      return toks[q].view(ctx.text) == "," && q + 1 < to &&
             (lower_equals(toks[q + 1].view(ctx.text), "and") || lower_equals(toks[q + 1].view(ctx.text), "but"));
    };
    auto counts = [&]() -> const SentenceCounts& {
      if (!counts_done) {
        thread_local std::vector<std::size_t> duration_ends;   // ends of the sentence's durations, sorted
        duration_ends.clear();
        for (const Timex& x : sentence_timexes[s])
          if (x.type == "DURATION") duration_ends.push_back(x.end);
        std::sort(duration_ends.begin(), duration_ends.end());
        sc.reset(e - b);
        for (std::size_t q = b; q < e; ++q) {
          const std::string_view v = toks[q].view(ctx.text);
          const bool conj = comma_conj(q, e);
          bool barrier = false, date_barrier = false;
          if (in_mention[q] < 0)
            if (const auto* w = phrase_at(im.barriers, ctx.text, toks, q, q + 1)) {
              barrier = true;
              // (a duration ending right before it: "two months after")
              const std::size_t at = toks[q].start;
              auto d = std::lower_bound(duration_ends.begin(), duration_ends.end(), at == 0 ? 0 : at - 1);
              date_barrier = w->value == "none" || (d != duration_ends.end() && *d <= at);
            }
          sc.push(q - b, v == ";", v == ";" || v == "—", conj, barrier, date_barrier);
        }
        counts_done = true;
      }
      return sc;
    };
    // Per token of a long sentence: 1 when inside a timex, 2 when overlapping one.
    thread_local std::vector<unsigned char> marks;
    auto timex_marks = [&]() -> const std::vector<unsigned char>& {
      if (!marks_done) {
        marks.assign(e - b, 0);
        for (const Timex& x : sentence_timexes[s]) {
          std::size_t q = static_cast<std::size_t>(
              std::partition_point(tk + b, tk + e, [&](const Token& y) { return y.end <= x.start; }) - tk);
          for (; q < e && toks[q].start < x.end; ++q)
            marks[q - b] |= static_cast<unsigned char>(2 | (toks[q].start >= x.start && toks[q].end <= x.end ? 1 : 0));
        }
        marks_done = true;
      }
      return marks;
    };
    // The sentence's places (LOC mentions), in order.
    thread_local std::vector<std::size_t> locs;
    auto places = [&]() -> const std::vector<std::size_t>& {
      if (!locs_done) {
        locs.clear();
        for (std::size_t mi = m_lo; mi < m_hi; ++mi)
          if (mentions[mi].sentence == s && kind(mentions[mi]) == Kind::loc) locs.push_back(mi);
        locs_done = true;
      }
      return locs;
    };
    // The sentence's mentions as (entity, mention), sorted.
    thread_local std::vector<std::pair<std::size_t, std::size_t>> by_entity;
    auto mentions_by_entity = [&]() -> const std::vector<std::pair<std::size_t, std::size_t>>& {
      if (!by_entity_done) {
        by_entity.clear();
        for (std::size_t mi = m_lo; mi < m_hi; ++mi)
          if (mentions[mi].sentence == s) by_entity.emplace_back(mentions[mi].entity, mi);
        std::sort(by_entity.begin(), by_entity.end());
        by_entity_done = true;
      }
      return by_entity;
    };
    // The first mention of the sentence that begins at or after token q.
    auto mention_from = [&](std::size_t q) {
      return static_cast<std::size_t>(
          std::partition_point(mentions.begin() + static_cast<std::ptrdiff_t>(m_lo), mentions.begin() + static_cast<std::ptrdiff_t>(m_hi),
                               [&](const MentionSpan& x) { return x.tok_begin < q; }) -
          mentions.begin());
    };
    // Asides come in text order and overlap by a comma at most: the one that may contain token x is
    // the last that begins at or before it (and the one before that).
    auto aside_at = [&](std::size_t x) {
      return std::partition_point(asides.begin(), asides.end(), [&](const Aside& a) { return a.begin <= x; });
    };
    for (std::size_t t = c; t < e; ++t) {   // (no token in [b, c) may start a trigger)
      // The cheapest test first (the first one has() makes), in a tight loop: most tokens start no trigger.
      {
        t = static_cast<std::size_t>(next_may_start(tk + t, tk + e, first_bits) - tk);
      }
      if (t == e) break;
      if (in_mention[t] >= 0 || !toks[t].has(kWord)) continue;
      if (!im.trigger_firsts.has(toks[t].view(ctx.text), toks[t].fold)) continue;   // starts no trigger: match() says no
      const auto* m = im.triggers.match(ctx.text, toks, t, e, true);
      if (!m) continue;
      // Capitalised triggers mid-sentence are names or titles, not events.
      if (toks[t].has(kCap) && t != b) continue;
      const Trigger& def = im.defs[def_index(m->value)];
      std::size_t te = t + m->tokens.size();
      if (!def.requires_class.empty() && !im.class_near(ctx, te, e, def.requires_class, in_mention)) continue;
      if (!asides_done) {
        asides = find_asides(ctx, b, e);
        asides_done = true;
      }
      const Aside* inside = nullptr;   // the last aside containing t
      if (auto a = aside_at(t); a != asides.begin() && std::prev(a)->end > t) inside = &*std::prev(a);
      // "the crash", "a split", "the second crash": after a determiner (and at most one more
      // lower-case word) a verb form is a noun.
      Pos pos = def.part;
      if (pos == Pos::verb && t > b && in_mention[t - 1] < 0) {
        if (is_word(t - 1, im.determiners, nullptr)) pos = Pos::noun;
        else if (t > b + 1 && in_mention[t - 2] < 0 && toks[t - 1].has(kWord) && !toks[t - 1].has(kCap) &&
                 is_word(t - 2, im.determiners, nullptr))
          pos = Pos::noun;
      }
      if (pos == Pos::noun) {
        // "after the takeover", "over the 2010 oil spill", "at the trial": a reference to an event
        // told elsewhere, not a new one. It may order the event of its clause.
        std::string relation;
        std::size_t from = t;
        for (std::size_t back = 1; back <= 6 && t >= b + back; ++back) {
          std::size_t q = t - back;
          if (toks[q].has(kPunct) && ctx.text.substr(toks[q].start, 1) != "'") break;
          const auto* r = phrase_at(im.references, ctx.text, toks, q, t);
          if (!r || r->value == "place") continue;
          relation = r->value;
          from = q;
          break;
        }
        if (!relation.empty()) {
          pending.push_back({t, toks[t].start, relation, def.type,
                             std::string(ctx.text.substr(toks[from].start, toks[te - 1].end - toks[from].start))});
          t = te - 1;
          continue;
        }
        // "abandoned the deal": a noun right after a verb trigger is its object, not another event.
        if (last_verb != static_cast<std::size_t>(-1) && t - last_verb <= 5) continue;
        // ", the largest settlement in its history,": a noun in an apposition describes, it does not tell.
        if (inside && !inside->relative) {
          t = te - 1;
          continue;
        }
      }
      if (pos == Pos::verb) last_verb = t;

      // Made in place, at out's end (taken off again when it is left out below): no move of the
      // finished event into out.
      if (out.empty()) out.reserve(8);
      Event& ev = out.emplace_back();
      ev.type = def.type;
      if (std::string_view(def.type) == "launch") {
        // "launched a major restructuring effort": the launch of an event is that event.
        for (std::size_t q = te; q < e && q < te + 4; ++q) {
          if (toks[q].has(kPunct) || in_mention[q] >= 0) break;
          const auto* inner = im.triggers.match(ctx.text, toks, q, e, true);
          if (inner && im.defs[def_index(inner->value)].part == Pos::noun) {
            ev.type = im.defs[def_index(inner->value)].type;
            break;
          }
        }
      }
      if (std::string_view(ev.type) == "acquisition") {
        // "bought a 36.8% stake in Nissan" is a stake; "a controlling stake" stays an acquisition.
        bool control = false;
        for (std::size_t q = te; q < e && q < te + 5; ++q) {
          if (toks[q].has(kPunct) && toks[q].view(ctx.text) != "%") break;
          if (is_word(q, im.stakes, "control")) control = true;
          if (is_word(q, im.stakes, "stake")) {
            if (!control) ev.type = "stake";
            break;
          }
        }
      }
      ev.trigger = Mention{toks[t].start, toks[te - 1].end,
                           std::string(ctx.text.substr(toks[t].start, toks[te - 1].end - toks[t].start)), s};
      ev.sentence = s;
      // Modality, tense and voice from the four words before the trigger.
      bool present = false, passive = false;
      std::size_t modal_tok = t;
      auto v_is = [&](std::size_t q, const char* w) { return lower_equals(toks[q].view(ctx.text), w); };
      for (std::size_t back = 1; back <= 4 && t >= b + back; ++back) {
        std::size_t q = t - back;
        if (toks[q].has(kPunct) && ctx.text.substr(toks[q].start, 1) != "'") break;
        if (in_mention[q] >= 0) break;
        bool in_timex = false;   // "on 4 May 2021 and replaced": the month is no modal
        if (long_sentence) in_timex = timex_marks()[q - b] & 1;
        else
          for (const Timex& x : sentence_timexes[s]) in_timex = in_timex || (toks[q].start >= x.start && toks[q].end <= x.end);
        if (in_timex) continue;
        const auto* mm = phrase_at(im.modality, ctx.text, toks, q, t);
        if (!mm) continue;
        const std::string& v = mm->value;
        if (v == "present") present = true;
        else if (v == "passive") passive = !ev.trigger.text.ends_with("ing");  // "has been investing" is active
        else if (v == "announce") continue;
        else if (ev.modality == "asserted") {
          ev.modality = v;
          modal_tok = q;
        }
      }
      // "announced that she would step down": the announcement is the event, told as done.
      if (modal_tok < t && v_is(modal_tok, "would")) {
        for (std::size_t q = modal_tok; q-- > b && modal_tok - q <= 15;) {
          const auto* mm = phrase_at(im.modality, ctx.text, toks, q, modal_tok);
          if (mm && mm->value == "announce") {
            ev.modality = "asserted";
            break;
          }
        }
      }
      // Participants: nearest entity before (agent, or patient in the passive), nearest after.
      // Participants: the subject is the nearest entity before the trigger outside asides
      // (", the former president of X,"), or before the relative clause the trigger sits in
      // ("Ghosn, who was arrested"); the object is the nearest entity after it.
      int before = -1, after = -1, place = -1, by_agent = -1;
      // The object sits in the trigger's clause: ", and John J. Ray III" after "resigned" is not it.
      // (counts are relative to the sentence's first token b)
      auto fast = [&](std::size_t from, std::size_t to) { return long_sentence && from >= b && to <= e; };
      auto clause_break = [&](std::size_t from, std::size_t to) {
        if (fast(from, to)) {
          const auto& n = counts();
          return SentenceCounts::any(n.stop, from - b, to - b) ||
                 (to > from + 1 && SentenceCounts::any(n.conj, from - b, to - 1 - b));
        }
        for (std::size_t q = from; q < to; ++q) {
          if (!toks[q].has(kPunct)) continue;   // (";", "—", ", and": punctuation first; most tokens are words)
          std::string_view v = toks[q].view(ctx.text);
          if (v == ";" || v == "—" || comma_conj(q, to)) return true;
        }
        return false;
      };
      auto subject_break = [&](std::size_t from, std::size_t to) {
        if (fast(from, to)) {
          const auto& n = counts();
          return SentenceCounts::any(n.semi, from - b, to - b) ||
                 (to > from + 1 && SentenceCounts::any(n.conj, from - b, to - 1 - b));
        }
        for (std::size_t q = from; q < to; ++q)
          if (toks[q].has(kPunct) && (toks[q].view(ctx.text) == ";" || comma_conj(q, to))) return true;
        return false;
      };
      auto barrier_between = [&](std::size_t from, std::size_t to) {
        if (fast(from, to)) return SentenceCounts::any(counts().barrier, from - b, to - b);
        for (std::size_t q = from; q < to; ++q)
          if (in_mention[q] < 0 && is_word(q, im.barriers, nullptr)) return true;
        return false;
      };
      // For dates: "although", "because" always open another time; "after" and "before" only with a
      // distance ("two months after Son agreed": not the same date; "in October 2016 after Nissan
      // acquired": the same month).
      auto date_barrier = [&](std::size_t from, std::size_t to) {
        if (fast(from, to)) return SentenceCounts::any(counts().date_barrier, from - b, to - b);
        for (std::size_t q = from; q < to; ++q) {
          if (in_mention[q] >= 0) continue;
          const auto* w = phrase_at(im.barriers, ctx.text, toks, q, q + 1);
          if (!w) continue;
          if (w->value == "none") return true;
          for (const Timex& x : sentence_timexes[s])
            if (x.type == "DURATION" && x.end <= toks[q].start && x.end + 1 >= toks[q].start) return true;
        }
        return false;
      };
      std::size_t subject_limit = inside && inside->relative ? inside->begin : t;
      // Whether token x sits in an aside other than the trigger's (for an object: other than a name's).
      auto other_aside = [&](std::size_t x, bool object = false) {
        for (auto a = aside_at(x); a != asides.begin();) {
          --a;
          if (a->end <= x) break;   // (ends grow with begins: the earlier ones end before x too)
          if (&*a != inside && !(object && a->name)) return true;
        }
        return false;
      };
      auto in_aside = [&](const MentionSpan& ms, bool object = false) { return other_aside(ms.tok_begin, object); };
      // Participants: the subject is the nearest entity before the trigger outside asides
      // (", the former president of X,"), or before the relative clause the trigger sits in
      // ("Ghosn, who was arrested"); the object is the nearest entity after it; places and
      // nationality words ("the French carmaker": they describe an actor) are neither.
      // The subject, walking back from the trigger:
      std::size_t walked = 0;
      for (std::size_t mi = mention_from(subject_limit); mi-- > m_lo && walked++ < kWalk;) {
        const MentionSpan& ms = mentions[mi];
        if (ms.sentence != s || ms.tok_end > subject_limit) continue;
        if (place_or_demonym(ms)) continue;
        // "Musk announced it, and the new logo replaced the bird": not across ", and" or ";" (and
        // then, when no earlier name reaches further, none of them either).
        if (subject_break(ms.tok_end, subject_limit)) {
          if (subject_break(reach(mi), subject_limit)) break;
          continue;
        }
        // "rose 25% on the Nasdaq, in the largest offering": a name after "on", "at", "from", "into"
        // is a circumstance, not the subject.
        if (ms.tok_begin > b) {
          std::size_t q = ms.tok_begin - 1;
          if (q > b && lower_equals(toks[q].view(ctx.text), "the")) --q;
          if (is_word(q, im.references, "place")) continue;
        }
        if (!in_aside(ms) || (inside && inside->relative)) {
          before = static_cast<int>(mi);
          break;
        }
      }
      // The object, walking on from the trigger up to the end of its clause or a barrier word:
      walked = 0;
      for (std::size_t mi = static_cast<std::size_t>(
               std::partition_point(mentions.begin() + static_cast<std::ptrdiff_t>(m_lo), mentions.begin() + static_cast<std::ptrdiff_t>(m_hi),
                                    [&](const MentionSpan& x) { return x.start < ev.trigger.end; }) - mentions.begin());
           mi < m_hi && walked++ < kWalk; ++mi) {
        const MentionSpan& ms = mentions[mi];
        if (ms.sentence != s) continue;
        if (place_or_demonym(ms)) continue;
        if ((in_aside(ms, true) && !inside) ||
            (before >= 0 && mentions[before].entity == ms.entity))   // "fired her deputy": not the subject
          continue;
        // (past the end of the clause or a barrier word, so is every later name)
        if (clause_break(te, ms.tok_begin) || barrier_between(te, ms.tok_begin)) break;
        after = static_cast<int>(mi);
        if (ms.tok_begin > 0 && lower_equals(toks[ms.tok_begin - 1].view(ctx.text), "by")) by_agent = static_cast<int>(mi);
        break;
      }
      // The place: the first named after the trigger, else the first of the sentence.
      if (const auto& lc = places(); !lc.empty()) {
        place = static_cast<int>(lc.front());
        if (mentions[lc.front()].start < ev.trigger.start) {
          auto it = std::partition_point(lc.begin(), lc.end(), [&](std::size_t mi) { return mentions[mi].start < ev.trigger.end; });
          if (it != lc.end()) place = static_cast<int>(*it);
        }
      }
      if (inside && inside->relative && before >= 0) {
        // The antecedent of "who" is the entity right before the clause, even inside an earlier aside.
        walked = 0;
        for (std::size_t mi = mention_from(inside->begin); mi-- > m_lo && walked++ < kWalk;)
          if (mentions[mi].sentence == s && mentions[mi].tok_end <= inside->begin && kind(mentions[mi]) != Kind::loc) {
            before = static_cast<int>(mi);
            break;
          }
      }
      // "replaced him with Hunt", "merged with Globex": the name after "with" in the clause takes part.
      int with_object = -1;
      for (std::size_t mi = mention_from(te + 1); mi < m_hi && mentions[mi].tok_begin <= te + 5; ++mi) {
        const MentionSpan& ms = mentions[mi];
        if (ms.sentence != s) continue;
        if (kind(ms) == Kind::loc || !lower_equals(toks[ms.tok_begin - 1].view(ctx.text), "with")) continue;
        if (clause_break(te, ms.tok_begin) || barrier_between(te, ms.tok_begin)) continue;
        with_object = static_cast<int>(mi);
        break;
      }
      // "fired Parag Agrawal, chief financial officer Ned Segal and Vijaya Gadde": every object of a list.
      std::vector<int> more_objects;
      for (int cur = after, mi = after + 1; after >= 0 && mi < static_cast<int>(mentions.size()); ++mi) {
        const MentionSpan& ms = mentions[mi];
        if (ms.sentence != s) break;
        if (ms.tok_begin < mentions[cur].tok_end) continue;   // a name and its reference
        const std::string& ty = ents[ms.entity].type;
        if (std::string_view(ty) == "LOC" || std::string_view(ty) == "MISC") break;
        std::size_t g0 = mentions[cur].tok_end, g1 = ms.tok_begin;
        if (g1 == g0 || g1 - g0 > 4) break;
        std::string first = ascii_lower(toks[g0].view(ctx.text));
        if (first != "," && first != "and" && first != "or") break;
        bool list_gap = true;
        for (std::size_t q = g0 + 1; q < g1; ++q)
          if (toks[q].has(kPunct) || is_word(q, im.barriers, nullptr) || is_word(q, im.references, nullptr))
            list_gap = false;
        if (!list_gap || clause_break(g0, g1)) break;
        more_objects.push_back(mi);
        cur = mi;
      }
      auto add = [&](int mi, const char* role) {   // (a literal: its std::string made only when added)
        if (mi < 0) return;
        const std::string& id = ents[mentions[mi].entity].id;
        for (const auto& p : ev.participants)
          if (p.entity == id) return;
        if (ev.participants.empty()) ev.participants.reserve(4);
        Participant& np = ev.participants.emplace_back();   // (filled in place: no temporary moved in)
        np.entity = id;
        np.role = role;
      };
      // "Nissan Motor Co. and Renault SA have abandoned": every conjunct is a participant.
      std::vector<int> conjuncts;
      for (int mi = before; mi > 0;) {
        const MentionSpan& cur = mentions[mi];
        const MentionSpan& prev = mentions[mi - 1];
        if (prev.sentence != s || ents[prev.entity].type == "LOC") break;
        bool joined = prev.tok_end == cur.tok_begin - 1 || prev.tok_begin == cur.tok_begin;
        if (!joined) break;
        if (prev.tok_end == cur.tok_begin - 1) {
          const std::string_view w = toks[prev.tok_end].view(ctx.text);   // compared lower-cased
          if (!lower_equals(w, "and") && w != "," && w != "-" && w != "/") break;
        }
        conjuncts.push_back(mi - 1);
        mi = mi - 1;
      }
      auto names = [&](int last) {
        if (conjuncts.empty()) return ents[mentions[last].entity].name;   // (most subjects: one name)
        std::vector<int> all(conjuncts.rbegin(), conjuncts.rend());
        all.push_back(last);
        std::vector<std::string> unique;   // "Nissan and Renault", not "Nissan, Renault" (a name and its reference)
        for (int mi : all) {
          const std::string& n = ents[mentions[mi].entity].name;
          if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
        }
        std::string out;
        for (std::size_t q = 0; q < unique.size(); ++q) {
          if (q > 0) out += q + 1 == unique.size() ? " and " : ", ";
          out += unique[q];
        }
        return out;
      };
      // "he fled": a personal pronoun right before the trigger stands for the last person named.
      if (before < 0) {
        for (std::size_t back = 1; back <= 3 && t >= b + back; ++back) {
          const std::string_view w = toks[t - back].view(ctx.text);   // compared lower-cased
          const bool it_word = lower_equals(w, "it");
          if (!lower_equals(w, "he") && !lower_equals(w, "she") && !it_word) continue;
          // "it" is the subject of an earlier event of the sentence ("Binance signed ..., but it
          // abandoned the deal"), else the last organisation named.
          if (int last = last_named(it_word ? Kind::org : Kind::per, toks[t - back].start); last >= 0) before = last;
          // (the latest such event whose agent is named in the sentence before the trigger: its last mention)
          std::size_t looked = 0;
          for (std::size_t i = out.size() - 1; it_word && i-- > first_here && looked++ < kWalk;) {   // (not ev)
            if (out[i].participants.empty() || out[i].participants[0].role != "agent") continue;
            const auto agent = entity_of(out[i].participants[0].entity);
            if (!agent) continue;
            const auto& be = mentions_by_entity();
            auto lo = std::lower_bound(be.begin(), be.end(), std::pair{*agent, std::size_t{0}});
            auto hi = std::partition_point(lo, be.end(), [&](const auto& x) {
              return x.first == *agent && mentions[x.second].start < ev.trigger.start;
            });
            if (hi != lo) {
              before = static_cast<int>(std::prev(hi)->second);
              break;
            }
          }
          break;
        }
      }
      // "the departure of former CEO Carlos Ghosn": after a noun, the person of the "of" phrase is
      // the one it happened to, told as the subject.
      bool of_subject = false;
      if (pos == Pos::noun && te < e && lower_equals(toks[te].view(ctx.text), "of")) {
        for (std::size_t mi = mention_from(te + 1); mi < m_hi && mentions[mi].tok_begin <= te + 6; ++mi)
          if (mentions[mi].sentence == s && kind(mentions[mi]) == Kind::per) {
            before = static_cast<int>(mi);
            after = -1;
            more_objects.clear();
            conjuncts.clear();
            of_subject = true;
            break;
          }
      }
      // "convicted the 32-year-old": an age stands for the last person named.
      if (after < 0 && te + 1 < e && lower_equals(toks[te].view(ctx.text), "the") &&
          toks[te + 1].view(ctx.text).ends_with("-year-old")) {
        after = last_named(Kind::per, toks[te].start);
      }
      std::string subject, object;
      if (passive && pos == Pos::verb) {
        for (auto it = conjuncts.rbegin(); it != conjuncts.rend(); ++it) add(*it, "patient");
        add(before, "patient");
        add(by_agent, "agent");
        if (before >= 0) subject = names(before);
        if (by_agent >= 0) object = "by " + ents[mentions[by_agent].entity].name;
      } else {
        for (auto it = conjuncts.rbegin(); it != conjuncts.rend(); ++it) add(*it, "agent");
        add(before, "agent");
        add(after, "patient");
        for (int mi : more_objects) add(mi, "patient");
        add(with_object, "patient");
        if (before >= 0) subject = names(before);
        if (after >= 0) object = ents[mentions[after].entity].name;
      }
      add(place, "place");
      // Nobody named takes part: the event is left out below unless it is a definite noun of a type
      // told before (whose participants it takes); its date, summary and amount are not worked out.
      if (ev.participants.empty() &&
          !(pos == Pos::noun && t > b && last_of_type.count(def.type) && is_word(t - 1, im.determiners, "definite"))) {
        out.pop_back();
        t = te - 1;
        continue;
      }
      // Date: the nearest anchored date in the sentence, else the article date for present reports.
      const Timex* best = nullptr;
      std::size_t best_dist = 0;
      for (const Timex& x : sentence_timexes[s]) {
        if (x.sentence != s || (std::string_view(x.type) != "DATE" && std::string_view(x.type) != "TIME")) continue;
        if (!parse_timex_value(x.value)) continue;
        // A date inside another aside or relative clause belongs to it ("who had led the company
        // since 2013"), and an attributive year belongs to its noun ("the 2010 oil spill").
        const std::size_t xt = static_cast<std::size_t>(
            std::partition_point(tk + b, tk + e, [&](const Token& y) { return y.end <= x.start; }) - tk);
        if (other_aside(xt)) continue;
        // An event told in a relative clause takes only a date from that clause
        // ("Musk, who had run the company since the takeover, said in May").
        if (inside && inside->relative && (xt < inside->begin || xt >= inside->end)) continue;
        // Nor a date across ", and", ";" or a word opening another clause ("in September 2016, two
        // months after Son agreed to buy it").
        const std::size_t xe = static_cast<std::size_t>(
            std::partition_point(tk + xt, tk + e, [&](const Token& y) { return y.start < x.end; }) - tk);
        std::size_t g0 = xe <= t ? xe : te, g1 = xe <= t ? t : xt;
        if (g0 < g1 && date_barrier(g0, g1)) continue;
        // Across ", and" only when the trigger's own clause has no date ("resigned the same day, and
        // Ray was appointed to replace him").
        const bool other_clause = g0 < g1 && clause_break(g0, g1);
        if (xt > b && x.value.size() == 4) {
          std::string prev = ascii_lower(toks[xt - 1].view(ctx.text));
          bool attributive = prev == "the" || prev == "a" || prev == "its" || prev == "their" || prev == "his" ||
                             prev == "her" || prev == "this" || prev == "that";
          if (attributive && !(t > xt && t - xt <= 3)) continue;
        }
        std::size_t dist = x.start >= ev.trigger.end ? x.start - ev.trigger.end : ev.trigger.start - x.end;
        if (other_clause) dist += ctx.text.size();
        if (!best || dist < best_dist) {
          best = &x;
          best_dist = dist;
        }
      }
      if (best) {
        auto d = parse_timex_value(best->value);
        ev.date = d->iso();
        ev.date_source = "text";
      } else if (present && ctx.document_date) {
        ev.date = *ctx.document_date;
        ev.date_source = "document";
      } else if (last_date_tx && !sentence_dated() && anaphoric_cue()) {
        // "Twitter sued him days later": the time of the sentence before carries over.
        ev.date = last_date();
        ev.date_source = "anaphoric";
      } else {
        ev.date_source = "none";
      }
      // Summary: subject, past-tense label, object or the next few words, place.
      std::string summary = std::move(subject);
      auto append = [&](std::string_view w) {   // (a view: the words after the trigger are not copied first)
        if (w.empty()) return;
        if (!summary.empty()) summary += ' ';
        summary += w;
      };
      append(def.label);
      std::size_t tail_from = of_subject ? e : te;
      {
        // "held an election held on ...": the label already says it.
        // (the lower-cased word against each space-separated word of the label, without copies)
        const std::string_view first_tail = te < e ? toks[te].view(ctx.text) : std::string_view();
        const std::string_view label = def.label;
        for (std::size_t p = 0; !first_tail.empty() && p <= label.size();) {
          std::size_t q = label.find(' ', p);
          if (q == std::string_view::npos) q = label.size();
          if (lower_equals(first_tail, label.substr(p, q - p))) {
            tail_from = te + 1;
            break;
          }
          p = q + 1;
        }
      }
      // The words after the trigger, as written, up to a clause boundary: "Nissan's chief executive",
      // "to pay more than $2.5 billion". Dates are left out (the timeline shows them).
      static const std::vector<std::string> stops = {"in", "on", "at", "after", "before", "during", "since", "when",
                                                     "while", "which", "who", "that", "because", "amid", "following",
                                                     "until", "and", "but", "from", "over", "as"};
      std::size_t tail_end = tail_from, words = 0;
      for (std::size_t q = tail_from; q < e && words < 7; ++q) {
        if (toks[q].has(kPunct) && toks[q].view(ctx.text) != "%" && toks[q].view(ctx.text) != "$") break;
        // ascii_lower of the word against the (lower-case) stops, without the copy.
        const std::string_view v = toks[q].view(ctx.text);
        bool is_stop = std::any_of(stops.begin(), stops.end(), [&](const std::string& w) { return lower_equals(v, w); }) &&
                       !(lower_equals(v, "as") && q == te + 1);
        if (is_stop && in_mention[q] < 0) break;
        bool in_timex = false;
        if (long_sentence) in_timex = timex_marks()[q - b] & 2;
        else
          for (const Timex& x : sentence_timexes[s])
            if (x.sentence == s && toks[q].start < x.end && x.start < toks[q].end) in_timex = true;
        if (in_timex) break;
        tail_end = q + 1;
        if (toks[q].has(kWord)) ++words;
      }
      if (tail_end > tail_from) {
        append(ctx.text.substr(toks[tail_from].start, toks[tail_end - 1].end - toks[tail_from].start));
      } else if (!object.empty() && summary.find(object) == std::string::npos) {
        append(object);
      }
      if (place >= 0 && summary.find(ents[mentions[place].entity].name) == std::string::npos)
        append("in " + ents[mentions[place].entity].name);
      ev.summary = std::move(summary);
      ev.amount = im.amount_after(ctx, te, e);
      // An event nobody named takes part in ("renamed", "the deal soured") cannot be placed in the
      // story: it is left out rather than shown as an anonymous mark.
      // Except "The acquisition closed on October 27": a definite noun with nobody named is the
      // event of its type told before, now told again (usually with its date).
      // Its date must follow it closely ("The deal follows months of talks that began last year" is no
      // new telling).
      auto date_close = [&]() {
        if (!best || best->start < ev.trigger.end) return false;
        std::size_t n = 0;
        for (std::size_t q = te; q < e && toks[q].start < best->start; ++q) ++n;
        return n <= 4;
      };
      // "the explosion was caused by ...", "The deal follows months of talks": "the" + a noun of a type
      // already told, with no date of its own right after it, is that event again, not a new one.
      if (pos == Pos::noun && t > b && lower_equals(toks[t - 1].view(ctx.text), "the") && !date_close()) {
        if (last_of_type.count(ev.type)) {
          out.pop_back();
          t = te - 1;
          continue;
        }
      }
      if (ev.participants.empty() && pos == Pos::noun && t > b && is_word(t - 1, im.determiners, "definite") &&
          date_close()) {
        if (auto it = last_of_type.find(def.type); it != last_of_type.end()) {
          const std::size_t i = it->second;
          std::string agents, patients;
          for (const auto& p : out[i].participants) {
            if (p.role == "place") continue;
            ev.participants.push_back(p);
            std::string& list = p.role == "agent" ? agents : patients;
            if (auto en = entity_of(p.entity)) list += (list.empty() ? "" : " and ") + ents[*en].name;
          }
          ev.summary = agents + (agents.empty() ? "" : " ") + def.label + (patients.empty() ? "" : " " + patients);
        }
      }
      if (ev.participants.empty()) {
        out.pop_back();
        t = te - 1;
        continue;
      }
      trig_tok.push_back(t);
      controls.push_back(def.control);
      t = te - 1;
    }
    // "agreed to sell Arm": one event, of the inner type, with the outer subject and date.
    std::vector<unsigned char> drop(out.size() - first_here, 0);
    for (std::size_t a = 0; a < drop.size(); ++a) {
      if (!controls[a]) continue;
      for (std::size_t c = a + 1; c < drop.size(); ++c) {
        std::size_t ta = trig_tok[a], tc = trig_tok[c];
        if (tc - ta > 12) break;   // (triggers come in text order)
        if (!lower_equals(toks[tc - 1].view(ctx.text), "to")) continue;
        Event& outer = out[first_here + a];
        Event& inner = out[first_here + c];
        std::vector<Participant> merged;
        for (const auto& p : outer.participants)
          if (p.role == "agent") merged.push_back(p);
        for (const auto& p : inner.participants) {
          bool dup = false;
          for (const auto& m : merged) dup = dup || m.entity == p.entity;
          if (!dup && !(p.role == "agent" && !merged.empty())) merged.push_back(p);
        }
        inner.participants = merged;
        if (!inner.date || outer.date_source == "text") {
          inner.date = outer.date;
          inner.date_source = outer.date_source;
        }
        if (outer.modality != "asserted") inner.modality = outer.modality;
        if (!inner.amount) inner.amount = outer.amount;
        inner.summary = outer.summary;   // "SoftBank agreed to sell Arm to Nvidia for $40 billion"
        drop[a] = 1;
        break;
      }
    }
    if (std::find(drop.begin(), drop.end(), 1) != drop.end()) {
      std::size_t kept = 0;
      for (std::size_t a = 0; a < drop.size(); ++a)
        if (!drop[a]) {
          if (kept != a) {
            out[first_here + kept] = std::move(out[first_here + a]);
            trig_tok[kept] = trig_tok[a];
          }
          ++kept;
        }
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(first_here + kept), out.end());
      trig_tok.resize(kept);
    }
    // References ("after the takeover") order the nearest event of the sentence before them (or
    // after them, when none precedes).
    for (const PendingRef& r : pending) {
      if (out.size() == first_here) break;
      // (the last event whose trigger comes before it, else the first)
      const auto before_ref = std::partition_point(trig_tok.begin(), trig_tok.end(), [&](std::size_t x) { return x < r.tok; });
      const std::size_t gov = first_here + (before_ref == trig_tok.begin() ? 0 : static_cast<std::size_t>(before_ref - trig_tok.begin()) - 1);
      references.push_back({gov, r.start, r.relation, r.type, r.cue});
    }
    // "A, two months after B": between two events of the sentence, after | before orders them.
    for (std::size_t i = first_here; i + 1 < out.size(); ++i) {
      std::size_t a = trig_tok[i - first_here], c = trig_tok[i + 1 - first_here];
      for (std::size_t q = a + 1; q < c; ++q) {
        if (in_mention[q] >= 0) continue;
        const auto* w = phrase_at(im.barriers, ctx.text, toks, q, c);
        if (!w || w->value == "none") continue;
        bool nominal = false;   // "after the takeover" is a reference, handled above
        for (const PendingRef& r : pending) nominal = nominal || (r.tok > q && r.tok < c);
        bool timex = false;      // "since 2013"
        for (const Timex& x : sentence_timexes[s]) timex = timex || (x.start >= toks[q].end && x.start <= toks[q].end + 1);
        if (nominal || timex) break;
        orders.push_back({i, i + 1, w->value,
                          std::string(ctx.text.substr(toks[q].start, toks[q].end - toks[q].start))});
        break;
      }
    }
    for (std::size_t i = first_here; i < out.size(); ++i) last_of_type[out[i].type] = i;
    k = e;
  }
  return finish(std::move(out), references, orders);
}

}  // namespace storyline::extractor
