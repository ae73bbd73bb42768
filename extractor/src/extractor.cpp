#include "storyline/extractor/extractor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <cstring>
#include <functional>
#include <optional>

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

namespace {

// One document between the stages: extract() runs them on one, extract_batch() on many, stage by
// stage (each stage's tables stay in the caches).
struct DocWork {
  std::string_view text;
  Extraction x;
  std::vector<Token> tokens;
  EntityResult er;
  std::optional<DocContext> ctx;
};

void stage_text(const Extractor::Impl& im, DocWork& w, DocumentInfo info, const ExtractOptions& options) {
  std::string_view text = w.text;
  Extraction& x = w.x;
  info.bytes = text.size();
  if (!info.date) {
    if (auto d = im.timex.dateline_date(text)) {
      info.date = *d;
      info.date_source = "dateline";
    } else {
      info.date_source = "none";
    }
  }
  x.document = std::move(info);
  std::vector<Token>& tokens = w.tokens;
  tokens = tokenize(text, im.lex->text);
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
}

void stage_timexes(const Extractor::Impl& im, DocWork& w) {
  w.x.timexes = im.timex.tag(w.text, w.x.sentences, w.x.document.date);
}

void stage_entities(const Extractor::Impl& im, DocWork& w) {
  Extraction& x = w.x;
  w.er = im.entities->tag(w.text, w.tokens, x.sentences, x.timexes);
  const EntityResult& er = w.er;
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
}

void stage_events(const Extractor::Impl& im, DocWork& w) {
  Extraction& x = w.x;
  w.ctx.emplace(DocContext{w.text, &w.tokens, &x.sentences, &x.timexes, &w.er, x.document.date});
  w.ctx->merge_mentions();   // once, for events and relations
  x.events = im.events.events(*w.ctx);
  w.ctx->events = &x.events;
}

void stage_relations(const Extractor::Impl& im, DocWork& w) {
  w.x.relations = im.relations.relations(*w.ctx);
  w.x.entities = std::move(w.er.entities);
}

}  // namespace

Extraction Extractor::extract(std::string_view text, DocumentInfo info, const ExtractOptions& options) const {
  const Impl& im = *impl_;
  DocWork w;
  w.text = text;
  stage_text(im, w, std::move(info), options);
  stage_timexes(im, w);
  stage_entities(im, w);
  stage_events(im, w);
  stage_relations(im, w);
  return std::move(w.x);
}

std::vector<Extraction> Extractor::extract_batch(const std::vector<std::string_view>& texts,
                                                 std::vector<DocumentInfo> infos,
                                                 const ExtractOptions& options,
                                                 std::vector<std::size_t>* cut_each) const {
  const Impl& im = *impl_;
  std::vector<DocWork> ws(texts.size());
  if (cut_each) cut_each->assign(texts.size(), 0);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ws[i].text = texts[i];
    ExtractOptions one = options;
    std::size_t cut = 0;
    one.sentences_cut = &cut;
    stage_text(im, ws[i], i < infos.size() ? std::move(infos[i]) : DocumentInfo{}, one);
    if (options.sentences_cut) *options.sentences_cut += cut;
    if (cut_each) (*cut_each)[i] = cut;
  }
  for (auto& w : ws) stage_timexes(im, w);
  for (auto& w : ws) stage_entities(im, w);
  for (auto& w : ws) stage_events(im, w);
  for (auto& w : ws) stage_relations(im, w);
  std::vector<Extraction> out;
  out.reserve(ws.size());
  for (auto& w : ws) out.push_back(std::move(w.x));
  return out;
}

namespace {

// The extract JSON written straight into a string, byte for byte what nlohmann::ordered_json's
// dump(indent, ' ', false, replace) wrote before (that built a tree of every value first and was
// a fifth of the extraction time). Invalid UTF-8 and doubles still go through nlohmann, so its
// replacement and number formatting rules stay the ones used.
class JsonWriter {
 public:
  explicit JsonWriter(int indent) : indent_(indent) {}
  std::string take() { return out_.take(); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // A key inside an object; the value follows. Keys are our own field names (plain ASCII, nothing
  // to escape), so they are copied as they are.
  template <std::size_t N>
  void key(const char (&k)[N]) {   // a literal: the copy has a constant size
    separator();
    constexpr std::size_t n = N - 1;
    char* p = out_.tail(n + 4);
    *p++ = '"';
    std::memcpy(p, k, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    if (indent_ >= 0) *p++ = ' ';
    out_.end_at(p);
    after_key_ = true;
  }
  void value(std::string_view v) { before_value(); put_string(v); }
  void value(const std::optional<std::string>& v) {
    if (v) value(std::string_view(*v));
    else null();
  }
  void value(std::size_t v) {
    before_value();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void value(double v) {
    before_value();
    // Halves (the usual weights) are written directly, as nlohmann writes them ("0.5", "2.0");
    // any other double goes through nlohmann for its shortest round-trip form.
    const double twice = v * 2;
    if (twice > -4e6 && twice < 4e6 && twice == static_cast<double>(static_cast<long>(twice)) &&
        !(v == 0 && std::signbit(v))) {
      const long k = static_cast<long>(twice);
      const long whole = (k < 0 ? -k : k) / 2;
      char buf[32];
      char* p = buf;
      if (k < 0) *p++ = '-';
      p = std::to_chars(p, buf + sizeof buf, whole).ptr;
      *p++ = '.';
      *p++ = (k % 2 != 0) ? '5' : '0';
      out_.append(buf, p);
      return;
    }
    out_ += nlohmann::json(v).dump();
  }
  void null() { before_value(); out_ += "null"; }
  void strings(const std::vector<std::string>& v) {
    begin_array();
    for (const auto& s : v) value(std::string_view(s));
    end_array();
  }
  template <std::size_t N, class T>
  void field(const char (&k)[N], const T& v) {
    key(k);
    value(v);
  }

 private:
  void newline(std::size_t depth) {
    out_ += '\n';
    out_.append(depth * static_cast<std::size_t>(indent_), ' ');
  }
  // Before a key or an array element: "," if not the first, then the pretty-print line break.
  void separator() {
    if (depth_ == 0) return;
    bool& empty = empty_[depth_ - 1];
    if (!empty) out_ += ',';
    if (indent_ >= 0) newline(depth_);
    empty = false;
  }
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    separator();
  }
  void open(char c) {
    before_value();
    out_ += c;
    if (depth_ == kMaxDepth) throw std::logic_error("JsonWriter: nesting too deep");
    empty_[depth_++] = true;
  }
  void close(char c) {
    bool empty = empty_[--depth_];
    if (!empty && indent_ >= 0) newline(depth_);
    out_ += c;
  }
  // True when one of the 8 bytes in x is a control character, '"', '\\' or not ASCII.
  static bool needs_escape8(std::uint64_t x) {
    using namespace text_detail;
    return any_non_ascii8(x) | any_control8(x) | any_byte8(x, '"') | any_byte8(x, '\\');
  }
  void put_string(std::string_view s) {
    bool plain = true;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      if (needs_escape8(text_detail::load8(s.data() + i))) {
        plain = false;
        break;
      }
    }
    if (plain)
      for (; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
          plain = false;
          break;
        }
      }
    if (plain) {
      char* p = out_.tail(s.size() + 2);
      *p++ = '"';
      std::memcpy(p, s.data(), s.size());
      p += s.size();
      *p++ = '"';
      out_.end_at(p);
      return;
    }
    if (find_invalid_utf8(s) != std::string_view::npos) {
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
  }

  // The output bytes: a growing buffer written through raw pointers (std::string's per-append
  // capacity checks and terminators were a third of the writer's time).
  class Buf {
   public:
    Buf() : data_(new char[1 << 14]), cap_(1 << 14) {}
    // Room for n more bytes; write them at the returned pointer, then end_at(past the last).
    char* tail(std::size_t n) {
      if (len_ + n > cap_) grow(len_ + n);
      return data_.get() + len_;
    }
    void end_at(const char* p) { len_ = static_cast<std::size_t>(p - data_.get()); }
    void append(const char* s, std::size_t n) {
      std::memcpy(tail(n), s, n);
      len_ += n;
    }
    void append(std::string_view s) { append(s.data(), s.size()); }
    void append(const char* b, const char* e) { append(b, static_cast<std::size_t>(e - b)); }
    void append(std::size_t n, char c) {
      std::memset(tail(n), c, n);
      len_ += n;
    }
    Buf& operator+=(char c) {
      *tail(1) = c;
      ++len_;
      return *this;
    }
    Buf& operator+=(std::string_view s) {
      append(s);
      return *this;
    }
    std::string take() const { return std::string(data_.get(), len_); }

   private:
    void grow(std::size_t need) {
      std::size_t cap = cap_ * 2;
      while (cap < need) cap *= 2;
      std::unique_ptr<char[]> bigger(new char[cap]);
      std::memcpy(bigger.get(), data_.get(), len_);
      data_ = std::move(bigger);
      cap_ = cap;
    }
    std::unique_ptr<char[]> data_;
    std::size_t cap_, len_ = 0;
  };

  int indent_;
  bool after_key_ = false;
  static constexpr std::size_t kMaxDepth = 8;   // the extract JSON nests 5 deep
  bool empty_[kMaxDepth] = {};                   // per open object/array: nothing written in it yet
  std::size_t depth_ = 0;
  Buf out_;
};

// Entity mentions and event evidence: [{"start","end","text","sentence"}].
void write_mentions(JsonWriter& w, const std::vector<Mention>& mentions) {
  w.begin_array();
  for (const auto& m : mentions) {
    w.begin_object();
    w.field("start", m.start);
    w.field("end", m.end);
    w.field("text", std::string_view(m.text));
    w.field("sentence", m.sentence);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string to_json(const Extraction& x, int indent) {
  JsonWriter w(indent);
  w.begin_object();
  w.key("document");
  w.begin_object();
  w.field("id", std::string_view(x.document.id));
  w.field("source", std::string_view(x.document.source));
  w.field("date", x.document.date);
  w.field("date_source", std::string_view(x.document.date_source));
  w.field("bytes", static_cast<std::size_t>(x.document.bytes));
  w.end_object();
  w.key("sentences");
  w.begin_array();
  for (const auto& s : x.sentences) {
    w.begin_object();
    w.field("start", s.start);
    w.field("end", s.end);
    w.end_object();
  }
  w.end_array();
  w.key("entities");
  w.begin_array();
  for (const auto& e : x.entities) {
    w.begin_object();
    w.field("id", std::string_view(e.id));
    w.field("name", std::string_view(e.name));
    w.field("type", std::string_view(e.type));
    w.key("aliases");
    w.strings(e.aliases);
    w.key("mentions");
    write_mentions(w, e.mentions);
    w.end_object();
  }
  w.end_array();
  w.key("timexes");
  w.begin_array();
  for (const auto& t : x.timexes) {
    w.begin_object();
    w.field("start", t.start);
    w.field("end", t.end);
    w.field("text", std::string_view(t.text));
    w.field("type", std::string_view(t.type));
    w.field("value", std::string_view(t.value));
    w.field("sentence", t.sentence);
    w.field("rule", std::string_view(t.rule));
    w.end_object();
  }
  w.end_array();
  w.key("events");
  w.begin_array();
  for (const auto& ev : x.events) {
    w.begin_object();
    w.field("id", std::string_view(ev.id));
    w.field("type", std::string_view(ev.type));
    w.key("trigger");
    w.begin_object();
    w.field("start", ev.trigger.start);
    w.field("end", ev.trigger.end);
    w.field("text", std::string_view(ev.trigger.text));
    w.end_object();
    w.field("date", ev.date);
    w.field("date_source", std::string_view(ev.date_source));
    w.key("participants");
    w.begin_array();
    for (const auto& p : ev.participants) {
      w.begin_object();
      w.field("entity", std::string_view(p.entity));
      w.field("role", std::string_view(p.role));
      w.end_object();
    }
    w.end_array();
    w.field("sentence", ev.sentence);
    w.field("summary", std::string_view(ev.summary));
    w.field("modality", std::string_view(ev.modality));
    w.field("amount", ev.amount);
    w.key("evidence");
    write_mentions(w, ev.evidence);
    w.key("order");
    w.begin_array();
    for (const auto& o : ev.order) {
      w.begin_object();
      w.field("relation", std::string_view(o.relation));
      w.field("event", std::string_view(o.event));
      w.field("cue", std::string_view(o.cue));
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("relations");
  w.begin_array();
  for (const auto& r : x.relations) {
    w.begin_object();
    w.field("source", std::string_view(r.source));
    w.field("target", std::string_view(r.target));
    w.field("type", std::string_view(r.type));
    w.field("qualifier", std::string_view(r.qualifier));
    w.field("weight", r.weight);
    if (!r.start.empty()) w.field("start", std::string_view(r.start));
    if (!r.end.empty()) w.field("end", std::string_view(r.end));
    w.key("evidence");
    w.begin_array();
    for (const auto& ev : r.evidence) {
      w.begin_object();
      w.field("sentence", ev.sentence);
      w.field("start", ev.start);
      w.field("end", ev.end);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace storyline::extractor
