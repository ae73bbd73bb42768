#include "storyline/extractor/lexicons.hpp"

#include <algorithm>
#include <span>

#include <nlohmann/json.hpp>

namespace storyline::extractor {

inline const PhraseTable::Bucket* PhraseTable::find(std::string_view word, std::uint32_t h) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.bucket == 0) return nullptr;
    if (s.hash == h) {
      const Bucket& b = buckets_[s.bucket - 1];
      if (lexicon_detail::folded_equals(word, b.key)) return &b;
    }
  }
}

namespace {

// The open-addressing tables here (PhraseTable's slots, WordSet's index): linear probing from a
// slot's `hash`, a power-of-two size; `used` tells a taken slot from a free one.
template <class Slot, class Used>
void probe_insert(std::vector<Slot>& slots, const Slot& s, Used used) {
  const std::size_t mask = slots.size() - 1;
  std::size_t i = s.hash & mask;
  while (used(slots[i])) i = (i + 1) & mask;
  slots[i] = s;
}

// The taken slots moved into `cap` fresh ones.
template <class Slot, class Used>
void reslot(std::vector<Slot>& slots, std::size_t cap, Used used) {
  std::vector<Slot> fresh(cap);
  for (const Slot& s : slots)
    if (used(s)) probe_insert(fresh, s, used);
  slots.swap(fresh);
}

}  // namespace

void PhraseTable::reserve(std::size_t phrases) {
  buckets_.reserve(buckets_.size() + phrases);
  std::size_t cap = slots_.empty() ? 16 : slots_.size();
  while ((buckets_.size() + phrases) * 4 > cap) cap *= 2;
  if (cap != slots_.size()) grow(cap);
}

void PhraseTable::grow(std::size_t cap) {
  reslot(slots_, cap, [](const Slot& s) { return s.bucket != 0; });
  // (At least 16384 bits: a small table, whose few first words are mostly absent from a text, is
  // asked about every capitalised word; a clear bit is what turns those away.)
  starts_.assign(std::max<std::size_t>(cap * 4, 16384) / 64, 0);
  start_mask_ = starts_.size() * 64 - 1;
  for (const Slot& s : slots_)
    if (s.bucket != 0) {
      const std::size_t x = start_bit(s.hash);
      starts_[x >> 6] |= std::uint64_t{1} << (x & 63);
    }
}

void PhraseTable::add(std::string_view phrase, std::string value, std::string extra, const TextLexicons& lex,
                      std::string code) {
  std::vector<Token> toks = tokenize(phrase, lex);
  if (toks.empty()) return;
  Entry e;
  e.tokens.reserve(toks.size());
  for (const Token& t : toks) e.tokens.emplace_back(t.view(phrase));
  if (e.tokens[0].size() <= 8) e.first_case = lexicon_detail::case_bits(e.tokens[0]);
  e.value = std::move(value);
  e.extra = std::move(extra);
  e.code = std::move(code);
  Bucket* bucket = const_cast<Bucket*>(find(e.tokens.front(), toks.front().fold));
  if (!bucket) {
    // A new key: grow the slots to stay at most a quarter full, then insert.
    if ((buckets_.size() + 1) * 4 > slots_.size()) {
      std::size_t cap = slots_.empty() ? 16 : slots_.size() * 2;
      while ((buckets_.size() + 1) * 4 > cap) cap *= 2;
      grow(cap);
    }
    Bucket b;
    b.key = ascii_lower(e.tokens.front());
    const std::uint32_t h = toks.front().fold;   // fold_hash(b.key)
    buckets_.push_back(std::move(b));
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    while (slots_[i].bucket != 0) i = (i + 1) & mask;
    slots_[i].hash = h;
    slots_[i].bucket = static_cast<std::uint32_t>(buckets_.size());
    const std::size_t x = start_bit(h);
    starts_[x >> 6] |= std::uint64_t{1} << (x & 63);
    bucket = &buckets_.back();
  }
  auto& entries = bucket->entries;
  // Keep the first entry for an identical phrase (files are read in a fixed order).
  for (const Entry& old : entries)
    if (old.tokens == e.tokens) return;
  // Longest first, in insertion order among equal lengths (what a stable sort after push_back
  // gives): after every entry at least as long.
  auto at = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& old) { return old.tokens.size() < e.tokens.size(); });
  const std::uint32_t second = toks.size() >= 2 ? toks[1].fold : 0;
  if (toks.size() >= 2) {
    bucket->second_bits |= std::uint32_t{1} << (second & 31);
    ++bucket->singles;   // longest first: an entry of two tokens or more goes before the single ones
  }
  const std::size_t pos = static_cast<std::size_t>(at - entries.begin());
  entries.insert(at, std::move(e));
  ++count_;
  if (toks.size() >= 2) {
    // multi stays sorted: the entries after the new one move up by one (within a second hash
    // their order holds), and the new one goes where the sort would put it. A one-token entry
    // goes after every longer one and leaves multi as it is.
    for (std::uint64_t& m : bucket->multi)
      if (static_cast<std::uint32_t>(m) >= pos) ++m;
    const std::uint64_t v = (std::uint64_t{second} << 32) | pos;
    bucket->multi.insert(std::lower_bound(bucket->multi.begin(), bucket->multi.end(), v), v);
  }
}

const PhraseTable::Entry* PhraseTable::match_slot(std::string_view text, const std::vector<Token>& tokens,
                                                  std::size_t k, std::size_t end, bool any_case) const {
  const std::string_view word = tokens[k].view(text);
  const Bucket* b = find(word, tokens[k].fold);
  if (!b) return nullptr;
  // Some longer entry has the next token as its second one (else only the one-token entries can
  // match): those first, longest first. (Out of line: the usual path keeps few registers.)
  if (k + 1 < end && ((b->second_bits >> (tokens[k + 1].fold & 31)) & 1))
    if (const Entry* e = match_longer(*b, text, tokens, k, end, any_case)) return e;
  const Entry* const last = b->entries.data() + b->entries.size();
  for (const Entry* e = b->entries.data() + b->singles; e != last; ++e)
    if (any_case || same_first(word, *e)) return e;
  return nullptr;
}

[[gnu::noinline]] const PhraseTable::Entry* PhraseTable::match_longer(const Bucket& bucket, std::string_view text,
                                                                      const std::vector<Token>& tokens, std::size_t k,
                                                                      std::size_t end, bool any_case) const {
  const Bucket* const b = &bucket;
  // Only the entries whose second token has the next token's fold hash can match (any other's
  // text differs in any case), tried in entry order.
  const std::uint64_t h2 = tokens[k + 1].fold;
  auto it = b->multi.begin();
  if (b->multi.size() > 8) it = std::lower_bound(b->multi.begin(), b->multi.end(), h2 << 32);
  for (; it != b->multi.end(); ++it) {
    if ((*it >> 32) != h2) {
      if ((*it >> 32) > h2) break;
      continue;
    }
    const Entry& e = b->entries[static_cast<std::uint32_t>(*it)];
    const std::size_t n = e.tokens.size();
    if (k + n > end) continue;
    // The first token equals the key up to case: with any_case it matches already.
    bool ok = any_case || same_first(tokens[k].view(text), e);
    for (std::size_t i = 1; i < n && ok; ++i) {
      // Phrase tokens must be adjacent the way they are in the phrase (no sentence break).
      if (tokens[k + i].sentence != tokens[k].sentence) {
        ok = false;
        break;
      }
      std::string_view tv = tokens[k + i].view(text);
      ok = any_case ? equal_any_case(tv, e.tokens[i]) : lexicon_detail::same_bytes(tv, e.tokens[i]);
    }
    if (ok) return &e;
  }
  return nullptr;
}

bool PhraseTable::has_single(std::string_view word) const { return has_single(word, fold_hash(word)); }

bool PhraseTable::has_single(std::string_view word, std::uint32_t fold) const {
  // The bucket's key is ascii_lower(word), of the same fold hash: no phrase starts with a word
  // whose may_start bit is clear.
  if (start_mask_ == 0) return false;
  const std::size_t x = start_bit(fold);
  if (!((starts_[x >> 6] >> (x & 63)) & 1)) return false;
  const Bucket* b = find(word, fold);
  if (!b) return false;
  for (const Entry& e : b->entries)
    if (e.tokens.size() == 1 && same_first(word, e)) return true;
  return false;
}

void WordSet::reserve(std::size_t n) {
  words_.reserve(n);
  if (slots_.empty()) return;   // (sized when the index is made)
  std::size_t cap = slots_.size();
  while (n * 2 > cap) cap *= 2;
  if (cap != slots_.size()) rehash(cap);
}

void WordSet::rehash(std::size_t cap) {
  reslot(slots_, cap, [](const Slot& s) { return s.word != 0; });
}

void WordSet::index() {
  std::size_t cap = 16;
  while ((std::max(words_.size() + 1, words_.capacity())) * 2 > cap) cap *= 2;
  slots_.assign(cap, Slot{});
  for (std::size_t w = 0; w < words_.size(); ++w)
    probe_insert(slots_, Slot{fold_hash(words_[w]), static_cast<std::uint32_t>(w + 1)},
                 [](const Slot& s) { return s.word != 0; });
}

bool WordSet::emplace(std::string_view word) {
  if (slots_.empty()) {
    // Ascending so far: a word after the last one is new; one out of order needs the index.
    if (words_.empty() || std::string_view(words_.back()) < word) {
      words_.emplace_back(word);
      return true;
    }
    index();
  }
  if ((words_.size() + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
  const std::uint32_t h = fold_hash(word);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  for (; slots_[i].word != 0; i = (i + 1) & mask)
    if (slots_[i].hash == h && words_[slots_[i].word - 1] == word) return false;
  words_.emplace_back(word);
  slots_[i].hash = h;
  slots_[i].word = static_cast<std::uint32_t>(words_.size());
  return true;
}

std::size_t WordSet::count(std::string_view word) const {
  if (slots_.empty()) {
    auto it = std::lower_bound(words_.begin(), words_.end(), word,
                               [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
    return it != words_.end() && *it == word ? 1 : 0;
  }
  const std::uint32_t h = fold_hash(word);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask; slots_[i].word != 0; i = (i + 1) & mask)
    if (slots_[i].hash == h && words_[slots_[i].word - 1] == word) return 1;
  return 0;
}

bool Lexicons::is_demonym(std::string_view word) const {
  if (word.size() < 4) return false;
  // The word as a one-token phrase of the demonym table (case-sensitive).
  if (demonyms.has_single(word)) return true;
  std::string key;   // reused for the set lookups
  key.reserve(word.size() + 8);
  const std::string_view forms[2] = {word, word.back() == 's' ? word.substr(0, word.size() - 1) : std::string_view()};
  for (int i = 0; i < (word.back() == 's' ? 2 : 1); ++i) {
    const std::string_view f = forms[i];
    key.assign(f);
    if (country_names.count(key)) continue;   // the place itself is not its demonym
    for (const auto& [strip, add] : demonym_rules) {
      if (f.size() < strip.size() + 3 || f.compare(f.size() - strip.size(), strip.size(), strip) != 0) continue;
      key.assign(f.substr(0, f.size() - strip.size()));
      key += add;
      if (country_names.count(key)) return true;
    }
  }
  return false;
}

Result<Lexicons> Lexicons::load(const RuleDirs& dirs) {
  Lexicons lex;
  auto tsv = [&](const std::string& rel) -> Result<TsvRows> {
    auto text = dirs.read(rel);
    if (!text) return text.error();
    return TsvRows(std::move(*text));
  };
#define STORYLINE_LOAD(var, rel)        \
  auto var = tsv(rel);                  \
  if (!var) return var.error();
  STORYLINE_LOAD(abbrev, "en/lexicon/abbreviations.tsv")
  STORYLINE_LOAD(non_entities, "en/lexicon/non_entities.tsv")
  STORYLINE_LOAD(places, "en/lexicon/places.tsv")
  STORYLINE_LOAD(places_extra, "en/lexicon/places_extra.tsv")
  STORYLINE_LOAD(loc_heads, "en/lexicon/loc_heads.tsv")
  STORYLINE_LOAD(demonym_rules, "en/lexicon/demonym_rules.tsv")
  STORYLINE_LOAD(religions, "en/lexicon/religions.tsv")
  STORYLINE_LOAD(context, "en/lexicon/context_cues.tsv")
  STORYLINE_LOAD(misc_heads, "en/lexicon/misc_heads.tsv")
  STORYLINE_LOAD(facility, "en/lexicon/facility_heads.tsv")
  STORYLINE_LOAD(known_names, "en/lexicon/known_names.tsv")
  STORYLINE_LOAD(numbered, "en/lexicon/numbered_heads.tsv")
  STORYLINE_LOAD(references, "en/lexicon/references.tsv")
  STORYLINE_LOAD(cues, "en/lexicon/person_cues.tsv")
  STORYLINE_LOAD(demonyms, "en/lexicon/demonyms.tsv")
  STORYLINE_LOAD(suffixes, "en/lexicon/org_suffixes.tsv")
  STORYLINE_LOAD(heads, "en/lexicon/org_heads.tsv")
  STORYLINE_LOAD(given, "en/lexicon/given_names.tsv")
  STORYLINE_LOAD(common, "en/lexicon/common_words.tsv")
#undef STORYLINE_LOAD
  using S = std::string;
  using Row = std::span<const std::string_view>;
  for (Row row : *abbrev) lex.text.abbreviations.emplace(row[0]);
  for (Row row : *non_entities) {
    lex.non_entities.emplace(row[0]);
    lex.text.sentence_starters.emplace(row[0]);
  }
  // Sized once (no rehash while filling). Nothing iterates these sets in an order that reaches
  // the output: they are looked up, or copied into EntityTagger's WordTables (looked up by key).
  lex.given_names.reserve(given->size());
  for (Row row : *given) lex.given_names.emplace(row[0]);
  lex.common_words.reserve(common->size());
  for (Row row : *common) lex.common_words.emplace(row[0]);
  for (Row row : *suffixes) lex.org_suffixes[S(row[0])] = row.size() > 1 ? row[1] : row[0];
  for (Row row : *heads) lex.org_heads[S(row[0])] = row.size() > 1 ? row[1] : "any";
  lex.places.reserve(places_extra->size() + places->size());
  for (const TsvRows* list : {&*places_extra, &*places})   // hand-written first: they win on duplicates
    for (Row row : *list)
      lex.places.add(row[0], S(row.size() > 1 ? row[1] : "LOC"), S(row.size() > 2 ? row[2] : ""), lex.text,
                     S(row.size() > 3 ? row[3] : ""));
  for (Row row : *loc_heads) lex.loc_heads[S(row[0])] = row.size() > 1 ? row[1] : "last";
  for (const TsvRows* list : {&*places_extra, &*places})
    for (Row row : *list)
      if (row.size() > 2 && (row[2] == "country" || row[2] == "region") && row[0].find(' ') == std::string_view::npos)
        lex.country_names.emplace(row[0]);
  for (Row row : *demonym_rules) lex.demonym_rules.emplace_back(S(row[0]), S(row.size() > 1 ? row[1] : ""));
  for (Row row : *references) {
    if (row.size() < 2) continue;
    if (!row[0].empty() && row[0][0] == '*') lex.pair_nouns[S(row[0].substr(1))] = row[1];
    else lex.references.add(row[0], S(row[1]), "", lex.text);
  }
  for (Row row : *numbered) lex.numbered_heads.emplace(row[0]);
  for (Row row : *misc_heads) lex.misc_heads[S(row[0])] = row.size() > 1 ? row[1] : "last";
  for (Row row : *facility) lex.facility_heads[S(row[0])] = row.size() > 1 ? row[1] : "MISC";
  for (Row row : *known_names)
    lex.known_names.add(row[0], S(row.size() > 1 ? row[1] : "ORG"), S(row.size() > 2 ? row[2] : ""), lex.text);
  for (Row row : *context)
    if (row.size() >= 3) {
      lex.context_cues[{S(row[0]), S(row[1])}] = row[2];
      if (row[1] == "before") lex.cues_before[S(row[0])] = row[2];
      else if (row[1] == "after") lex.cues_after[S(row[0])] = row[2];
      else if (row[1] == "fixture") lex.cues_fixture[S(row[0])] = row[2];
    }
  for (Row row : *religions) lex.demonyms.add(row[0], "", "religion", lex.text);
  for (Row row : *cues) lex.person_cues.add(row[0], S(row.size() > 1 ? row[1] : "title"), "", lex.text);
  for (Row row : *demonyms) lex.demonyms.add(row[0], S(row.size() > 1 ? row[1] : ""), "", lex.text);

  // spaCy-EntityRuler-shaped gazetteers: {"label":"ORG","pattern":"Acme Corp.","id":"org:acme"}.
  for (const auto& path : dirs.list("en/gazetteer", ".jsonl")) {
    auto text = read_file(path);
    if (!text) return text.error();
    std::size_t line_no = 0, pos = 0;
    while (pos < text->size()) {
      std::size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) nl = text->size();
      std::string line = text->substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto where = path.string() + ":" + std::to_string(line_no);
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return Error{"rules.parse", where + ": not a JSON object"};
      if (!j.contains("label") || !j["label"].is_string() || !j.contains("pattern") || !j["pattern"].is_string())
        return Error{"rules.pattern", where + ": needs string fields \"label\" and \"pattern\""};
      std::string label = j["label"];
      if (label != "PER" && label != "ORG" && label != "LOC" && label != "MISC")
        return Error{"rules.label", where + ": label '" + label + "' is not PER, ORG, LOC or MISC"};
      std::string id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
      lex.user_entities.add(j["pattern"].get<std::string>(), label, id, lex.text);
    }
  }
  return lex;
}

}  // namespace storyline::extractor
