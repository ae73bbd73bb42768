#include "storyline/extractor/extractor.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/relations.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/extractor/timex.hpp"

namespace storyline::extractor {

struct Extractor::Impl {
  std::shared_ptr<const Lexicons> lex;
  TimexTagger timex;
  std::unique_ptr<EntityTagger> entities;
  EventRules events;
  RelationRules relations;
  std::string hash;
};

namespace {
// FNV-1a over every rule file's relative path and bytes: which rules produced an output.
std::string hash_rules(const RuleDirs& dirs) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  for (const char* ext : {".tsv", ".json", ".jsonl"}) {
    for (const auto& p : dirs.list("", ext)) {
      mix(p.filename().string());
      if (auto text = read_file(p)) mix(*text);
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
}  // namespace

Result<Extractor> Extractor::load(const RuleDirs& dirs) {
  auto lex = Lexicons::load(dirs);
  if (!lex) return lex.error();
  auto shared = std::make_shared<const Lexicons>(std::move(*lex));
  auto timex = TimexTagger::load(dirs);
  if (!timex) return timex.error();
  auto events = EventRules::load(dirs, shared);
  if (!events) return events.error();
  auto relations = RelationRules::load(dirs, shared);
  if (!relations) return relations.error();
  auto impl = std::make_shared<Impl>(Impl{shared, std::move(*timex), std::make_unique<EntityTagger>(shared),
                                          std::move(*events), std::move(*relations), hash_rules(dirs)});
  Extractor ex;
  ex.impl_ = impl;
  return ex;
}

const std::string& Extractor::rules_hash() const { return impl_->hash; }

Extraction Extractor::extract(std::string_view text, DocumentInfo info, const ExtractOptions& options) const {
  const Impl& im = *impl_;
  Extraction x;
  info.bytes = text.size();
  if (!info.date) {
    if (auto d = im.timex.dateline_date(text)) {
      info.date = *d;
      info.date_source = "dateline";
    } else {
      info.date_source = "none";
    }
  }
  x.document = info;
  std::vector<Token> tokens = tokenize(text, im.lex->text);
  x.sentences = split_sentences(text, tokens, im.lex->text);
  // Bounded work: a "sentence" of thousands of tokens (a table, a dump) is cut into pieces.
  if (options.max_sentence_tokens > 0) {
    std::vector<Sentence> cut;
    std::size_t k = 0;
    std::uint32_t index = 0;
    while (k < tokens.size()) {
      std::size_t s = tokens[k].sentence, e = k;
      while (e < tokens.size() && tokens[e].sentence == s) ++e;
      if (e - k > options.max_sentence_tokens && options.sentences_cut) ++*options.sentences_cut;
      for (std::size_t p = k; p < e; p += options.max_sentence_tokens) {
        std::size_t q = std::min(e, p + options.max_sentence_tokens);
        for (std::size_t t = p; t < q; ++t) tokens[t].sentence = index;
        cut.push_back({tokens[p].start, tokens[q - 1].end});
        ++index;
      }
      k = e;
    }
    x.sentences = std::move(cut);
  }
  x.timexes = im.timex.tag(text, x.sentences, info.date);
  EntityResult er = im.entities->tag(text, tokens, x.sentences, x.timexes);
  // A name the entity rules took over from the date rules ("Theresa May") is not a date.
  if (!er.mentions.empty()) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (const auto& m : er.mentions) spans.emplace_back(m.start, m.end);
    std::sort(spans.begin(), spans.end());
    std::erase_if(x.timexes, [&](const Timex& t) {
      auto it = std::lower_bound(spans.begin(), spans.end(), std::make_pair(t.end, std::size_t{0}));
      while (it != spans.begin()) {
        --it;
        if (it->second <= t.start) {
          if (it->first + 256 < t.start) break;   // spans are short; stop scanning back
          continue;
        }
        return it->first < t.end;
      }
      return false;
    });
  }
  DocContext ctx{text, &tokens, &x.sentences, &x.timexes, &er, info.date};
  x.events = im.events.events(ctx);
  x.relations = im.relations.relations(ctx);
  x.entities = std::move(er.entities);
  return x;
}

std::string to_json(const Extraction& x, int indent) {
  using ojson = nlohmann::ordered_json;
  ojson doc;
  doc["id"] = x.document.id;
  doc["source"] = x.document.source;
  doc["date"] = x.document.date ? ojson(*x.document.date) : ojson(nullptr);
  doc["date_source"] = x.document.date_source;
  doc["bytes"] = x.document.bytes;
  ojson j;
  j["document"] = doc;
  j["sentences"] = ojson::array();
  for (const auto& s : x.sentences) j["sentences"].push_back({{"start", s.start}, {"end", s.end}});
  j["entities"] = ojson::array();
  for (const auto& e : x.entities) {
    ojson je{{"id", e.id}, {"name", e.name}, {"type", e.type}, {"aliases", e.aliases}};
    je["mentions"] = ojson::array();
    for (const auto& m : e.mentions)
      je["mentions"].push_back({{"start", m.start}, {"end", m.end}, {"text", m.text}, {"sentence", m.sentence}});
    j["entities"].push_back(je);
  }
  j["timexes"] = ojson::array();
  for (const auto& t : x.timexes)
    j["timexes"].push_back({{"start", t.start}, {"end", t.end}, {"text", t.text}, {"type", t.type},
                            {"value", t.value}, {"sentence", t.sentence}, {"rule", t.rule}});
  j["events"] = ojson::array();
  for (const auto& ev : x.events) {
    ojson je{{"id", ev.id}, {"type", ev.type}};
    je["trigger"] = {{"start", ev.trigger.start}, {"end", ev.trigger.end}, {"text", ev.trigger.text}};
    je["date"] = ev.date ? ojson(*ev.date) : ojson(nullptr);
    je["date_source"] = ev.date_source;
    je["participants"] = ojson::array();
    for (const auto& p : ev.participants) je["participants"].push_back({{"entity", p.entity}, {"role", p.role}});
    je["sentence"] = ev.sentence;
    je["summary"] = ev.summary;
    je["modality"] = ev.modality;
    je["amount"] = ev.amount ? ojson(*ev.amount) : ojson(nullptr);
    j["events"].push_back(je);
  }
  j["relations"] = ojson::array();
  for (const auto& r : x.relations) {
    ojson jr{{"source", r.source}, {"target", r.target}, {"type", r.type}, {"qualifier", r.qualifier},
             {"weight", r.weight}};
    jr["evidence"] = ojson::array();
    for (const auto& ev : r.evidence)
      jr["evidence"].push_back({{"sentence", ev.sentence}, {"start", ev.start}, {"end", ev.end}});
    j["relations"].push_back(jr);
  }
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace storyline::extractor
