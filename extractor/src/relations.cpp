#include "storyline/extractor/relations.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace storyline::extractor {
namespace {

struct Item {
  bool ent = false;
  std::size_t entity = 0;
  std::string type;
  std::size_t tb = 0, te = 0;      // tokens
  std::size_t start = 0, end = 0;  // bytes
  std::string lower;               // TOK: lower-cased text
};

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
    std::string v = ascii_lower(toks[q].view(ctx.text));
    if (v == ";" || (v == "," && ascii_lower(toks[q + 1].view(ctx.text)) == "and")) clause = q + 1;
  }
  std::optional<std::size_t> subject;
  for (const auto& m : mentions) {
    if (m.tok_begin >= k) break;
    if (m.sentence != s || ents[m.entity].type != "PER") continue;
    if (m.tok_begin >= clause && !subject) subject = m.entity;
  }
  if (!subject) {
    for (const auto& m : mentions)
      if (m.sentence == s && m.tok_begin < k && ents[m.entity].type == "PER") {
        subject = m.entity;
        break;
      }
  }
  std::optional<std::size_t> best;
  for (const auto& m : mentions) {
    if (m.tok_begin >= k) break;
    if (ents[m.entity].type != "PER" || (subject && m.entity == *subject)) continue;
    if (m.sentence + 2 < s) continue;   // no further back than the previous two sentences
    best = m.entity;
  }
  return best;
}

namespace {

std::vector<Item> build_items(const DocContext& ctx, const std::vector<MentionSpan>& mentions, std::size_t tb,
                              std::size_t te, std::vector<MentionSpan>::const_iterator& mit) {
  const auto& toks = *ctx.tokens;
  std::vector<Item> items;
  std::size_t k = tb;
  while (k < te) {
    while (mit != mentions.end() && mit->tok_begin < k && mit->start < toks[k].start) ++mit;
    if (mit != mentions.end() && mit->tok_begin == k) {
      // All mentions starting in this token (hyphen parts share one token).
      std::size_t last_te = k + 1;
      bool first = true;
      while (mit != mentions.end() && mit->tok_begin == k) {
        if (!first) {
          Item dash;
          dash.lower = "-";
          dash.tb = k;
          dash.te = k + 1;
          dash.start = dash.end = mit->start;
          items.push_back(dash);
        }
        first = false;
        Item it;
        it.ent = true;
        it.entity = mit->entity;
        it.type = ctx.entities->entities[mit->entity].type;
        it.tb = mit->tok_begin;
        it.te = mit->tok_end;
        it.start = mit->start;
        it.end = mit->end;
        last_te = std::max(last_te, mit->tok_end);
        items.push_back(it);
        ++mit;
      }
      k = last_te;
      continue;
    }
    Item it;
    it.tb = k;
    it.te = k + 1;
    it.start = toks[k].start;
    it.end = toks[k].end;
    it.lower = ascii_lower(toks[k].view(ctx.text));
    if (auto who = resolve_object_pronoun(ctx, k)) {
      it.ent = true;
      it.entity = *who;
      it.type = "PER";
    }
    items.push_back(it);
    ++k;
  }
  return items;
}

struct Elem {
  enum Kind { kEnt, kEntList, kClass, kLit, kSkip, kNotList, kNotLit } kind = kLit;
  std::string type;                 // PER | ORG | LOC | MISC | ENT
  std::string cls;                  // @class
  std::vector<std::string> alts;    // literals
  bool optional = false;
  int skip = 0;
  std::string label;                // "ORG", "ORG#2", "@role" (for source/target/qualifier)
};

struct Rule {
  std::string id;
  int priority = 0;
  std::string relation;
  bool directed = true;
  std::vector<Elem> elems;
  std::string source, target, qualifier;
  bool former = false;   // the relation ended with what the sentence tells ("fired its CEO X")
};

inline bool type_ok(const std::string& want, const std::string& have) {
  return (want.size() == 3 && want[0] == 'E' && want[1] == 'N' && want[2] == 'T') || want == have;
}

struct MatchState {
  std::vector<std::vector<std::size_t>> ents;   // per element: matched entity indices
  std::vector<std::string> texts;               // per element: matched class text
  bool former = false;
  std::size_t last = 0;                         // one past the last matched item
};

}  // namespace

struct RelationRules::Impl {
  std::shared_ptr<const Lexicons> lex;
  PhraseTable words;   // value: class
  std::vector<Rule> rules;
  // may_start() precomputed (it reads only a rule's first element): for an item, the rules that
  // may start there, in rule order. Entity items by type; other items by their lower-cased text
  // (rules starting with one of these words), else `word_rules`.
  std::map<std::string, std::vector<std::size_t>, std::less<>> ent_rules;   // type -> rules
  std::vector<std::size_t> any_ent_rules;                                   // a type not listed
  std::unordered_map<std::string, std::vector<std::size_t>> lit_rules;      // word -> rules
  std::vector<std::size_t> word_rules;                                      // any other word

  void index_starts() {
    auto fill = [&](const Item& it, std::vector<std::size_t>& out) {
      for (std::size_t ri = 0; ri < rules.size(); ++ri)
        if (may_start(rules[ri], it)) out.push_back(ri);
    };
    std::set<std::string> types = {"PER", "ORG", "LOC", "MISC"}, words;
    for (const Rule& r : rules)
      for (const Elem& e : r.elems) {
        if (e.kind == Elem::kEnt || e.kind == Elem::kEntList) types.insert(e.type);
        if (e.kind == Elem::kLit)
          for (const auto& a : e.alts) words.insert(a);
      }
    for (const std::string& t : types) {
      Item it;
      it.ent = true;
      it.type = t;
      fill(it, ent_rules[t]);
    }
    {
      Item it;
      it.ent = true;
      it.type = "\x01";   // matches only ENT and unconditional starts
      fill(it, any_ent_rules);
    }
    for (const std::string& w : words) {
      Item it;
      it.lower = w;
      fill(it, lit_rules[w]);
    }
    Item it;
    it.lower = "\x01";
    fill(it, word_rules);
  }
  const std::vector<std::size_t>& rules_starting_at(const Item& it) const {
    if (it.ent) {
      auto e = ent_rules.find(it.type);
      return e != ent_rules.end() ? e->second : any_ent_rules;
    }
    auto w = lit_rules.find(it.lower);
    return w != lit_rules.end() ? w->second : word_rules;
  }

  // One phrase of class `cls` at items[i]: the longest entry of person_cues (roles) or of
  // relations/words.tsv; returns the number of items it covers (0 = none).
  std::size_t match_one_class(const DocContext& ctx, const std::vector<Item>& items, std::size_t i,
                              const std::string& cls, std::size_t sentence_end) const {
    if (i >= items.size() || items[i].ent) return 0;
    const auto& toks = *ctx.tokens;
    std::size_t best = 0;
    for (const PhraseTable* table : {&lex->person_cues, &words}) {
      const PhraseTable::Entry* e = table->match(ctx.text, toks, items[i].tb, sentence_end, true);
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
  std::size_t match_class(const DocContext& ctx, const std::vector<Item>& items, std::size_t i, const std::string& cls,
                          std::size_t sentence_end, std::string* text) const {
    std::size_t n = match_one_class(ctx, items, i, cls, sentence_end);
    if (n == 0) return 0;
    // Roles run in lists: "chairman and chief executive", "founder, chairman and CEO".
    while (cls == "role" && i + n + 1 < items.size() && !items[i + n].ent &&
           (items[i + n].lower == "and" || items[i + n].lower == ",")) {
      std::size_t more = match_one_class(ctx, items, i + n + 1, cls, sentence_end);
      if (more == 0) break;
      n += 1 + more;
    }
    std::string s(ctx.text.substr(items[i].start, items[i + n - 1].end - items[i].start));
    bool upper = std::all_of(s.begin(), s.end(), [](char c) { return !(c >= 'a' && c <= 'z'); });
    *text = upper ? s : ascii_lower(s);
    return n;
  }

  // Cheap test of the first required element, so most (item, rule) pairs are rejected at once.
  bool may_start(const Rule& r, const Item& it) const {
    for (const Elem& e : r.elems) {
      if (e.optional || e.kind == Elem::kSkip) return true;
      switch (e.kind) {
        case Elem::kEnt:
        case Elem::kEntList:
          return it.ent && type_ok(e.type, it.type);
        case Elem::kLit:
          return !it.ent && std::find(e.alts.begin(), e.alts.end(), it.lower) != e.alts.end();
        case Elem::kClass:
          return !it.ent;
        default:
          return true;   // look-aheads: no cheap test
      }
    }
    return true;
  }

  bool match(const DocContext& ctx, const std::vector<Item>& items, const Rule& r, std::size_t ei, std::size_t ii,
             std::size_t sentence_end, MatchState& st) const {
    if (ei == r.elems.size()) {
      st.last = ii;
      return true;
    }
    const Elem& e = r.elems[ei];
    if (e.kind == Elem::kSkip) {
      for (int n = 0; n <= e.skip; ++n) {
        // Skips cross words and MISC mentions ("the British chip designer"), never other entities.
        if (n > 0 && (ii + n - 1 >= items.size() || (items[ii + n - 1].ent && items[ii + n - 1].type != "MISC"))) break;
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
    if (e.kind == Elem::kNotLit) {
      bool hit = ii < items.size() && !items[ii].ent &&
                 std::find(e.alts.begin(), e.alts.end(), items[ii].lower) != e.alts.end();
      return !hit && match(ctx, items, r, ei + 1, ii, sentence_end, st);
    }
    if (e.optional && match(ctx, items, r, ei + 1, ii, sentence_end, st)) return true;
    if (ii >= items.size()) return false;
    const Item& it = items[ii];
    switch (e.kind) {
      case Elem::kEnt:
        if (!it.ent || !type_ok(e.type, it.type)) return false;
        st.ents[ei] = {it.entity};
        if (match(ctx, items, r, ei + 1, ii + 1, sentence_end, st)) return true;
        st.ents[ei].clear();
        return false;
      case Elem::kEntList: {
        if (!it.ent || !type_ok(e.type, it.type)) return false;
        std::vector<std::size_t>& got = st.ents[ei];   // filled in place: no allocation per attempt
        got.assign(1, it.entity);
        std::size_t j = ii + 1;
        while (j + 1 < items.size() && !items[j].ent &&
               (items[j].lower == "-" || items[j].lower == "and" || items[j].lower == "," || items[j].lower == "/" ||
                items[j].lower == "\u2013") &&
               items[j + 1].ent && type_ok(e.type, items[j + 1].type)) {
          got.push_back(items[j + 1].entity);
          j += 2;
        }
        if (match(ctx, items, r, ei + 1, j, sentence_end, st)) return true;
        st.ents[ei].clear();
        return false;
      }
      case Elem::kClass: {
        std::string text;
        std::size_t n = match_class(ctx, items, ii, e.cls, sentence_end, &text);
        if (n == 0) return false;
        st.texts[ei] = text;
        if (match(ctx, items, r, ei + 1, ii + n, sentence_end, st)) return true;
        st.texts[ei].clear();
        return false;
      }
      case Elem::kLit: {
        if (it.ent || std::find(e.alts.begin(), e.alts.end(), it.lower) == e.alts.end()) return false;
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
  if (s == "!list") {
    e.kind = Elem::kNotList;
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
    e.label = s;
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
  for (auto& row : parse_tsv(*words))
    if (row.size() >= 2) impl->words.add(row[0], row[1], "", lex->text);
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
    r.relation = jr.value("relation", "");
    r.directed = jr.value("directed", true);
    r.source = jr.value("source", "");
    r.target = jr.value("target", "");
    r.qualifier = jr.value("qualifier", "");
    r.former = jr.value("former", false);
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
      if (!labels.count(*need)) return Error{"rules.pattern", where + ": unknown element '" + *need + "'"};
    if (!r.qualifier.empty() && !labels.count(r.qualifier))
      return Error{"rules.pattern", where + ": unknown qualifier element '" + r.qualifier + "'"};
    if (r.relation.empty()) return Error{"rules.pattern", where + ": needs \"relation\""};
    impl->rules.push_back(std::move(r));
  }
  std::stable_sort(impl->rules.begin(), impl->rules.end(), [](const Rule& a, const Rule& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
  });
  impl->index_starts();
  RelationRules rr;
  rr.impl_ = impl;
  return rr;
}

std::vector<Relation> RelationRules::relations(const DocContext& ctx) const {
  const Impl& im = *impl_;
  const auto& toks = *ctx.tokens;
  const auto& ents = ctx.entities->entities;
  // key: source, target, type, qualifier
  std::map<std::tuple<std::size_t, std::size_t, std::string, std::string>, Relation> out;
  // Names and resolved references ("he", "the company"), in text order, for the patterns.
  std::vector<MentionSpan> all_mentions;
  const std::vector<MentionSpan>* mentions = &ctx.entities->mentions;
  if (!ctx.entities->references.empty()) {
    all_mentions = ctx.entities->mentions;
    all_mentions.insert(all_mentions.end(), ctx.entities->references.begin(), ctx.entities->references.end());
    std::stable_sort(all_mentions.begin(), all_mentions.end(),
                     [](const MentionSpan& a, const MentionSpan& b) { return a.start < b.start; });
    mentions = &all_mentions;
  }
  auto mit = mentions->cbegin();
  // One match state per rule, reused (clearing keeps capacity: no allocation per item and rule).
  std::vector<MatchState> states(im.rules.size());
  for (std::size_t ri = 0; ri < im.rules.size(); ++ri) {
    states[ri].ents.resize(im.rules[ri].elems.size());
    states[ri].texts.resize(im.rules[ri].elems.size());
  }
  std::size_t k = 0;
  const std::size_t kMaxCooccurring = 12;
  while (k < toks.size()) {
    std::size_t s = toks[k].sentence, e = k;
    while (e < toks.size() && toks[e].sentence == s) ++e;
    std::vector<Item> items = build_items(ctx, *mentions, k, e, mit);
    const Sentence& sent = (*ctx.sentences)[s];
    auto add = [&](std::size_t a, std::size_t b, const std::string& type, const std::string& qual, bool directed,
                   Evidence ev, double w) {
      if (a == b) return;
      if (!directed && ents[a].id > ents[b].id) std::swap(a, b);
      auto key = std::make_tuple(a, b, type, qual);
      auto it = out.find(key);
      if (it == out.end()) {
        Relation r;
        r.source = ents[a].id;
        r.target = ents[b].id;
        r.type = type;
        r.qualifier = qual;
        r.weight = 0;
        it = out.emplace(key, std::move(r)).first;
      }
      for (const Evidence& old : it->second.evidence)
        if (old.start == ev.start && old.end == ev.end) return;
      it->second.weight += w;
      it->second.evidence.push_back(ev);
    };
    struct Found {
      std::size_t a, b;
      const Rule* rule;
      std::string qual;
      Evidence ev;
    };
    std::vector<Found> found;
    for (std::size_t i = 0; i < items.size(); ++i) {
      for (std::size_t ri : im.rules_starting_at(items[i])) {
        const Rule& r = im.rules[ri];
        MatchState& st = states[ri];
        for (auto& v : st.ents) v.clear();
        for (auto& t : st.texts) t.clear();
        st.former = false;
        st.last = 0;
        if (!im.match(ctx, items, r, 0, i, e, st)) continue;
        auto find = [&](const std::string& label) -> std::size_t {
          for (std::size_t q = 0; q < r.elems.size(); ++q)
            if (r.elems[q].label == label) return q;
          return r.elems.size();
        };
        std::size_t si = find(r.source), ti = find(r.target);
        std::string qual;
        if (!r.qualifier.empty()) qual = st.texts[find(r.qualifier)];
        if (st.former || r.former) qual = qual.empty() ? "former" : "former " + qual;
        std::size_t last = std::max(st.last, i + 1) - 1;
        Evidence ev{s, items[i].start, items[last].end};
        for (std::size_t a : st.ents[si])
          for (std::size_t b : st.ents[ti]) found.push_back({a, b, &r, qual, ev});
      }
    }
    // One reading per pair and span: the longest match wins ("former Renault CEO X" over "Renault CEO X").
    for (std::size_t f = 0; f < found.size(); ++f) {
      bool beaten = false;
      for (std::size_t g = 0; g < found.size() && !beaten; ++g) {
        if (f == g || found[f].a != found[g].a || found[f].b != found[g].b ||
            found[f].rule->relation != found[g].rule->relation)
          continue;
        bool overlap = found[f].ev.start < found[g].ev.end && found[g].ev.start < found[f].ev.end;
        std::size_t lf = found[f].ev.end - found[f].ev.start, lg = found[g].ev.end - found[g].ev.start;
        beaten = overlap && (lg > lf || (lg == lf && g < f));
      }
      if (!beaten)
        add(found[f].a, found[f].b, found[f].rule->relation, found[f].qual, found[f].rule->directed, found[f].ev, 1.0);
    }
    // A place and the country the gazetteer puts it in, named in one sentence ("Addis Ababa ...
    // Ethiopia"): located_in.
    const auto& country_of = ctx.entities->country_of;
    if (!country_of.empty()) {
      for (const Item& a : items) {
        if (!a.ent || a.type != "LOC" || country_of[a.entity].empty() || ctx.entities->is_country[a.entity]) continue;
        for (const Item& b : items)
          if (b.ent && b.entity != a.entity && ctx.entities->is_country[b.entity] &&
              country_of[b.entity] == country_of[a.entity])
            add(a.entity, b.entity, "located_in", "", true,
                Evidence{s, std::min(a.start, b.start), std::max(a.end, b.end)}, 1.0);
      }
    }
    // Same-sentence co-occurrence: a weak, weighted link.
    std::vector<std::size_t> present;
    for (const Item& it : items)
      if (it.ent && std::find(present.begin(), present.end(), it.entity) == present.end()) present.push_back(it.entity);
    if (present.size() > kMaxCooccurring) present.resize(kMaxCooccurring);
    for (std::size_t x = 0; x < present.size(); ++x)
      for (std::size_t y = x + 1; y < present.size(); ++y)
        add(present[x], present[y], "co_occurs", "", false, Evidence{s, sent.start, sent.end}, 0.5);
    k = e;
  }
  std::vector<Relation> rels;
  for (auto& [key, r] : out) rels.push_back(std::move(r));
  std::sort(rels.begin(), rels.end(), [](const Relation& a, const Relation& b) {
    return std::tie(a.source, a.target, a.type, a.qualifier) < std::tie(b.source, b.target, b.type, b.qualifier);
  });
  return rels;
}

}  // namespace storyline::extractor
