#include "storyline/extractor/extractor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <cstring>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/json_out.hpp"
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
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8)   // (unrolled: the loop's own work was half of it)
      for (std::size_t k = 0; k < 8; ++k) {
        h ^= p[i + k];
        h *= 1099511628211ull;
      }
    for (; i < s.size(); ++i) {
      h ^= p[i];
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

Result<Extractor> Extractor::load(const RuleDirs& dirs, unsigned threads) {
  // The temporal rules share nothing with the others: on a second thread when there is one. (The
  // future's get() waits for it and passes on what it threw; an early return below waits too.)
  std::future<Result<TimexTagger>> timex_loading;
  if (threads >= 2) timex_loading = std::async(std::launch::async, [&dirs] { return TimexTagger::load(dirs); });
  auto lex = Lexicons::load(dirs);
  if (!lex) return lex.error();
  auto shared = std::make_shared<const Lexicons>(std::move(*lex));
  auto timex = timex_loading.valid() ? timex_loading.get() : TimexTagger::load(dirs);
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

// Whether stage_text's cutting at `max` tokens would change the sentences or the tokens' sentence
// numbers (read only; news sentences are far shorter than the limit).
bool cut_changes(const std::vector<Sentence>& sentences, const std::vector<Token>& tokens, std::size_t max) {
  // split_sentences numbers the tokens as its sentences run, and a sentence of at most `max` bytes
  // has at most `max` tokens (each is a byte or more): then only the sentences need a look.
  if (std::all_of(sentences.begin(), sentences.end(), [max](const Sentence& s) { return s.end - s.start <= max; }))
    return false;
  std::size_t k = 0, index = 0;
  while (k < tokens.size()) {
    const std::size_t s = tokens[k].sentence;
    std::size_t e = k + 1;
    while (e < tokens.size() && tokens[e].sentence == s) ++e;
    if (e - k > max || s != index || index >= sentences.size() || sentences[index].start != tokens[k].start ||
        sentences[index].end != tokens[e - 1].end)
      return true;
    ++index;
    k = e;
  }
  return index != sentences.size();
}

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
  if (options.max_sentence_tokens > 0 && !cut_changes(x.sentences, tokens, options.max_sentence_tokens)) {
    // (nothing to cut, and the sentences are already what the cutting would rebuild)
  } else if (options.max_sentence_tokens > 0) {
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
  if (!er.mentions.empty() && !x.timexes.empty()) {
    // The mentions by start, then end: as they come (text order) unless two that start together
    // are the other way round.
    const auto by_span = [](const MentionSpan& a, const MentionSpan& b) {
      return a.start < b.start || (a.start == b.start && a.end < b.end);
    };
    std::vector<MentionSpan> sorted;
    const std::vector<MentionSpan>* spans = &er.mentions;
    if (!std::is_sorted(er.mentions.begin(), er.mentions.end(), by_span)) {
      sorted = er.mentions;
      std::sort(sorted.begin(), sorted.end(), by_span);
      spans = &sorted;
    }
    const MentionSpan* const first = spans->data();
    const MentionSpan* const last = first + spans->size();
    std::erase_if(x.timexes, [&](const Timex& t) {
      const MentionSpan* it = std::partition_point(first, last, [&](const MentionSpan& m) { return m.start < t.end; });
      while (it != first) {
        --it;
        if (it->end <= t.start) {
          if (it->start + 256 < t.start) break;   // spans are short; stop scanning back
          continue;
        }
        return it->start < t.end;
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
  std::vector<Extraction> out(texts.size());
  extract_batch(texts, std::move(infos), options, cut_each, [&out](std::size_t i, Extraction& x) { out[i] = std::move(x); });
  return out;
}

void Extractor::extract_batch(const std::vector<std::string_view>& texts, std::vector<DocumentInfo> infos,
                              const ExtractOptions& options, std::vector<std::size_t>* cut_each,
                              const std::function<void(std::size_t, Extraction&)>& done) const {
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
  for (std::size_t i = 0; i < ws.size(); ++i) {
    stage_relations(im, ws[i]);
    done(i, ws[i].x);
    ws[i] = DocWork{};   // (its memory, hot, for the next document's relations and done)
  }
}

// The slow paths of JsonOut (json_out.hpp): nlohmann's own number and replacement rules.
namespace json_detail {
std::string dec_general(double v) { return nlohmann::json(v).dump(); }

std::string str_escaped(std::string_view s) {
  if (find_invalid_utf8(s) != std::string_view::npos)
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size() + 8);
  out += '"';
  std::size_t run = 0;   // start of the bytes not yet written (they need no escape)
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(u, 6);
      }
    }
  }
  out.append(s.substr(run));
  out += '"';
  return out;
}
}  // namespace json_detail

namespace {
// nlohmann's dump(indent) layout of compact JSON, handed to `out` piece by piece: out.run(text),
// out.ch(c) and out.pad(n) (a newline and n spaces). json_reindent runs it twice, counting and then
// writing, so that the text is made in a buffer of exactly its size, through a plain pointer (a large
// graph's JSON is tens of MB; std::string's appends were half of the time).
template <class Out>
void reindent_into(Out& out, std::string_view c, int indent, std::size_t nested) {
  std::size_t depth = 0;
  const auto line = [&] { out.pad(nested + depth * static_cast<std::size_t>(indent)); };
  const auto structural = [](char ch) {
    return ch == '"' || ch == '{' || ch == '}' || ch == '[' || ch == ']' || ch == ',' || ch == ':';
  };
  for (std::size_t i = 0; i < c.size(); ++i) {
    const char ch = c[i];
    switch (ch) {
      case '"': {
        // The closing quote: the next one not escaped (after an even run of backslashes).
        std::size_t j = i + 1;
        for (;;) {
          const void* q = std::memchr(c.data() + j, '"', c.size() - j);
          if (q == nullptr) {
            j = c.size();
            break;
          }
          j = static_cast<std::size_t>(static_cast<const char*>(q) - c.data());
          std::size_t b = j;
          while (b > i + 1 && c[b - 1] == '\\') --b;
          if ((j - b) % 2 == 0) break;
          ++j;
        }
        out.run(c.substr(i, j + 1 - i));
        i = j;
        break;
      }
      case '{':
      case '[':
        out.ch(ch);
        if (i + 1 < c.size() && c[i + 1] == (ch == '{' ? '}' : ']')) {
          out.ch(c[++i]);
          break;
        }
        ++depth;
        line();
        break;
      case '}':
      case ']':
        --depth;
        line();
        out.ch(ch);
        break;
      case ',':
        out.ch(',');
        line();
        break;
      case ':':
        out.ch(':');
        out.ch(' ');
        break;
      default: {   // a number or a literal: up to the next structural byte
        std::size_t j = i + 1;
        while (j < c.size() && !structural(c[j])) ++j;
        out.run(c.substr(i, j - i));
        i = j - 1;
      }
    }
  }
}
}  // namespace

std::string json_reindent(std::string_view c, int indent, std::string_view suffix, std::size_t nested) {
  struct Count {
    std::size_t n = 0;
    void run(std::string_view s) { n += s.size(); }
    void ch(char) { ++n; }
    void pad(std::size_t k) { n += 1 + k; }
  } count;
  reindent_into(count, c, indent, nested);
  std::string out(count.n + suffix.size(), '\0');
  struct Write {
    char* p;
    void run(std::string_view s) {
      std::memcpy(p, s.data(), s.size());
      p += s.size();
    }
    void ch(char c) { *p++ = c; }
    void pad(std::size_t k) {
      *p++ = '\n';
      std::memset(p, ' ', k);
      p += k;
    }
  } write{out.data()};
  reindent_into(write, c, indent, nested);
  if (!suffix.empty()) std::memcpy(write.p, suffix.data(), suffix.size());
  return out;
}

bool json_reindent_to(std::string_view c, int indent, std::string_view suffix, std::size_t nested,
                      const std::function<bool(std::string_view)>& out, std::size_t chunk) {
  struct Pieces {
    std::string buf;
    const std::function<bool(std::string_view)>& out;
    std::size_t chunk;
    bool ok = true;
    void flush_if_full() {
      if (buf.size() < chunk) return;
      ok = ok && out(buf);
      buf.clear();
    }
    void run(std::string_view s) {
      buf.append(s);
      flush_if_full();
    }
    void ch(char c) {
      buf.push_back(c);
      flush_if_full();
    }
    void pad(std::size_t k) {
      buf.push_back('\n');
      buf.append(k, ' ');
      flush_if_full();
    }
  } pieces{{}, out, std::max<std::size_t>(chunk, 1)};
  pieces.buf.reserve(pieces.chunk + 4096);
  reindent_into(pieces, c, indent, nested);
  pieces.buf.append(suffix);
  return pieces.ok && (pieces.buf.empty() || out(pieces.buf));
}

namespace {

// The compact extract JSON read back by the fragments the writer above puts out, in its order. Any
// other layout, key order, number form or invalid text stops it (the caller then uses a general
// JSON parser); what it accepts it reads exactly as that parser would.
class JsonIn {
 public:
  explicit JsonIn(std::string_view s) : p_(s.data()), e_(s.data() + s.size()), b_(s.data()) {}
  bool ok() const { return ok_; }
  std::size_t used() const { return static_cast<std::size_t>(p_ - b_); }

  // The fragment s must come next.
  template <std::size_t N>
  bool lit(const char (&s)[N]) {
    if (!lit_if(s)) ok_ = false;
    return ok_;
  }
  // The next byte is c (taken) or not (left).
  bool take(char c) {
    if (ok_ && p_ < e_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // "[" then elements separated by ",", then "]", each appended to v and read by item(element).
  template <class V, class Item>
  void list(V& v, Item&& item) {
    if (!lit("[")) return;
    if (take(']')) return;
    do item(v.emplace_back());
    while (ok_ && take(','));
    lit("]");
  }
  // A fragment that ends in a key (",\"end\":"), then the value (read as its type says).
  template <std::size_t N, class T>
  void field(const char (&key)[N], T& v) {
    lit(key);
    if constexpr (std::is_same_v<T, double>) dec(v);
    else if constexpr (std::is_integral_v<T>) num(v);
    else str(v);
  }
  // key + string when the key comes next; otherwise nothing (s stays as it is). The writer leaves
  // out an empty one, so a written-out "" is not this form.
  template <std::size_t N>
  void opt_str(const char (&key)[N], std::string& s) {
    if (!lit_if(key)) return;
    str(s);
    if (s.empty()) ok_ = false;
  }
  void num(std::size_t& v) {
    // An unsigned integer as std::to_chars writes it: no sign, no leading zero, no fraction.
    const char* q = p_;
    std::size_t x = 0;
    while (q < e_ && *q >= '0' && *q <= '9' && q - p_ < 19) x = x * 10 + static_cast<std::size_t>(*q++ - '0');
    const std::size_t n = static_cast<std::size_t>(q - p_);
    if (!ok_ || n == 0 || (n > 1 && *p_ == '0') || (q < e_ && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9')))) {
      ok_ = false;
      return;
    }
    v = x;
    p_ = q;
  }
  void dec(double& v) {
    // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    const char* q = p_;
    auto digits = [&] {
      const char* d = q;
      while (q < e_ && *q >= '0' && *q <= '9') ++q;
      return q != d;
    };
    if (q < e_ && *q == '-') ++q;
    const char* int_start = q;
    bool good = digits() && !(*int_start == '0' && q - int_start > 1);
    if (good && q < e_ && *q == '.') {
      ++q;
      good = digits();
    }
    if (good && q < e_ && (*q == 'e' || *q == 'E')) {
      ++q;
      if (q < e_ && (*q == '+' || *q == '-')) ++q;
      good = digits();
    }
    if (!ok_ || !good) {
      ok_ = false;
      return;
    }
    const auto r = std::from_chars(p_, q, v);
    if (r.ptr != q || r.ec != std::errc()) {   // (out of range: left to nlohmann)
      ok_ = false;
      return;
    }
    p_ = q;
  }
  void str(std::string& out) {
    if (!take('"')) {
      ok_ = false;
      return;
    }
    out.clear();
    for (;;) {
      const char* q = p_;
      bool ascii = true;
#if defined(__SSE2__)
      // Sixteen bytes at a time while none is a quote, a backslash or a control byte (the text of
      // a document is most of what is read); the bytes' high bits say whether any is non-ASCII.
      {
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
        const __m128i high3 = _mm_set1_epi8(static_cast<char>(0xE0)), zero = _mm_setzero_si128();
        unsigned high = 0;
        while (e_ - q >= 16) {
          const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
          const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                            _mm_cmpeq_epi8(_mm_and_si128(v, high3), zero));   // < 0x20
          const unsigned at = static_cast<unsigned>(_mm_movemask_epi8(stop));
          const unsigned hi = static_cast<unsigned>(_mm_movemask_epi8(v));
          if (at != 0) {   // the bytes before the first stop
            const unsigned n = static_cast<unsigned>(__builtin_ctz(at));
            high |= hi & ((1u << n) - 1u);
            q += n;
            break;
          }
          high |= hi;
          q += 16;
        }
        ascii = high == 0;
      }
#endif
      while (q < e_ && *q != '"' && *q != '\\' && static_cast<unsigned char>(*q) >= 0x20) {
        ascii = ascii && static_cast<unsigned char>(*q) < 0x80;
        ++q;
      }
      const std::string_view run(p_, static_cast<std::size_t>(q - p_));
      if (q == e_ || static_cast<unsigned char>(*q) < 0x20 || (!ascii && find_invalid_utf8(run) != std::string_view::npos)) {
        ok_ = false;
        return;
      }
      out.append(run);
      p_ = q + 1;
      if (*q == '"') return;
      const std::size_t used = json_unescape(std::string_view(p_, static_cast<std::size_t>(e_ - p_)), 0, &out);
      if (used == 0) {
        ok_ = false;
        return;
      }
      p_ += used;
    }
  }
  void str(std::optional<std::string>& out) {
    if (lit_if("null")) {
      out.reset();
      return;
    }
    out.emplace();
    str(*out);
  }
  // A relation type: read, then interned (the types read last are kept, so most take no look-up in
  // the process-wide table).
  void str(RelationType& out) {
    str(scratch_);
    if (!ok_) return;
    for (const RelationType& t : types_)
      if (t == std::string_view(scratch_)) {
        out = t;
        return;
      }
    out = RelationType(scratch_);
    if (types_.size() < 16) types_.push_back(out);
  }
  // key + an entity id, as the index of the entity of `entities` that has it (the first, if several
  // have it); an id no entity has stops the read.
  template <std::size_t N>
  void entity(const char (&key)[N], const std::vector<Entity>& entities, std::size_t& v) {
    lit(key);
    str(scratch_);
    if (!ok_) return;
    if (!ids_built_) {   // (first use in this document: the entities are all read)
      ids_built_ = true;
      std::size_t n = 8;
      while (n < 2 * entities.size()) n *= 2;
      ids_.assign(n, 0);
      for (std::size_t i = 0; i < entities.size(); ++i)
        for (std::size_t h = id_hash(entities[i].id);; ++h) {
          std::uint32_t& slot = ids_[h & (n - 1)];
          if (slot == 0) {
            slot = static_cast<std::uint32_t>(i + 1);
            break;
          }
          if (entities[slot - 1].id == entities[i].id) break;   // (the first with an id keeps it)
        }
    }
    for (std::size_t h = id_hash(scratch_);; ++h) {
      const std::uint32_t slot = ids_[h & (ids_.size() - 1)];
      if (slot == 0) {
        ok_ = false;
        return;
      }
      if (entities[slot - 1].id == scratch_) {
        v = slot - 1;
        return;
      }
    }
  }
  // The fragment s when it comes next (taken), else nothing (and ok() unchanged).
  template <std::size_t N>
  bool lit_if(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    if (!ok_ || static_cast<std::size_t>(e_ - p_) < n || std::memcmp(p_, s, n) != 0) return false;
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* e_;
  const char* b_;
  bool ok_ = true;
  std::string scratch_;
  std::vector<RelationType> types_;                             // relation types read so far
  // The entities by id: open addressing, each slot an entity's index + 1 (0: empty).
  std::vector<std::uint32_t> ids_;
  bool ids_built_ = false;
};

[[noreturn, gnu::cold, gnu::noinline]] void no_such_entity(std::size_t i, std::size_t n) {
  throw std::out_of_range("storyline::extractor::to_json: a relation names entity " + std::to_string(i) + " of " +
                          std::to_string(n));
}

class JsonBound;

// A relation's end, for writing: the id of entity i. JsonBound, which to_json runs over x before
// anything is written, checks that i is one of x's entities; the writer after it need not.
template <class IO>
[[gnu::always_inline]] inline const std::string& entity_id(const Extraction& x, std::size_t i) {
  if constexpr (std::is_same_v<IO, JsonBound>) {
    if (i >= x.entities.size()) [[unlikely]] no_such_entity(i, x.entities.size());
  }
  return x.entities[i].id;
}

// The extract JSON's layout, written once for both directions: with JsonOut it writes x, with
// JsonIn it reads into x. Keys, their order and the punctuation between them are the same for the
// writer and the reader by construction.
template <class IO, class M>
[[gnu::always_inline]] inline void mention_layout(IO& io, M& m) {
  io.field("{\"start\":", m.start);
  io.field(",\"end\":", m.end);
  io.field(",\"text\":", m.text);
  io.field(",\"sentence\":", m.sentence);
  io.lit("}");
}

template <class IO, class X>
[[gnu::always_inline]] inline void extraction_layout(IO& io, X& x) {
  io.field("{\"document\":{\"id\":", x.document.id);
  io.field(",\"source\":", x.document.source);
  io.field(",\"date\":", x.document.date);
  io.field(",\"date_source\":", x.document.date_source);
  io.field(",\"bytes\":", x.document.bytes);
  io.lit("},\"sentences\":");
  io.list(x.sentences, [&](auto& s) __attribute__((always_inline)) {
    io.field("{\"start\":", s.start);
    io.field(",\"end\":", s.end);
    io.lit("}");
  });
  io.lit(",\"entities\":");
  io.list(x.entities, [&](auto& e) __attribute__((always_inline)) {
    io.field("{\"id\":", e.id);
    io.field(",\"name\":", e.name);
    io.field(",\"type\":", e.type);
    io.lit(",\"aliases\":");
    io.list(e.aliases, [&](auto& a) __attribute__((always_inline)) { io.str(a); });
    io.lit(",\"mentions\":");
    io.list(e.mentions, [&](auto& m) __attribute__((always_inline)) { mention_layout(io, m); });
    io.lit("}");
  });
  io.lit(",\"timexes\":");
  io.list(x.timexes, [&](auto& t) __attribute__((always_inline)) {
    io.field("{\"start\":", t.start);
    io.field(",\"end\":", t.end);
    io.field(",\"text\":", t.text);
    io.field(",\"type\":", t.type);
    io.field(",\"value\":", t.value);
    io.field(",\"sentence\":", t.sentence);
    io.field(",\"rule\":", t.rule);
    io.lit("}");
  });
  io.lit(",\"events\":");
  io.list(x.events, [&](auto& ev) __attribute__((always_inline)) {
    io.field("{\"id\":", ev.id);
    io.field(",\"type\":", ev.type);
    // The trigger's sentence is the event's (not written; the reader sets it after the parse).
    io.field(",\"trigger\":{\"start\":", ev.trigger.start);
    io.field(",\"end\":", ev.trigger.end);
    io.field(",\"text\":", ev.trigger.text);
    io.field("},\"date\":", ev.date);
    io.field(",\"date_source\":", ev.date_source);
    io.lit(",\"participants\":");
    io.list(ev.participants, [&](auto& p) __attribute__((always_inline)) {
      io.field("{\"entity\":", p.entity);
      io.field(",\"role\":", p.role);
      io.lit("}");
    });
    io.field(",\"sentence\":", ev.sentence);
    io.field(",\"summary\":", ev.summary);
    io.field(",\"modality\":", ev.modality);
    io.field(",\"amount\":", ev.amount);
    io.lit(",\"evidence\":");
    io.list(ev.evidence, [&](auto& m) __attribute__((always_inline)) { mention_layout(io, m); });
    io.lit(",\"order\":");
    io.list(ev.order, [&](auto& o) __attribute__((always_inline)) {
      io.field("{\"relation\":", o.relation);
      io.field(",\"event\":", o.event);
      io.field(",\"cue\":", o.cue);
      io.lit("}");
    });
    io.lit("}");
  });
  io.lit(",\"relations\":");
  io.list(x.relations, [&](auto& r) __attribute__((always_inline)) {
    // The ends by entity id (Relation holds indices into x.entities).
    if constexpr (std::is_same_v<IO, JsonIn>) {
      io.entity("{\"source\":", x.entities, r.source);
      io.entity(",\"target\":", x.entities, r.target);
    } else {
      io.field("{\"source\":", entity_id<IO>(x, r.source));
      io.field(",\"target\":", entity_id<IO>(x, r.target));
    }
    io.field(",\"type\":", r.type);
    io.field(",\"qualifier\":", r.qualifier);
    io.field(",\"weight\":", r.weight);
    io.opt_str(",\"start\":", r.start);   // only when the text gives a span
    io.opt_str(",\"end\":", r.end);
    io.lit(",\"evidence\":");
    io.list(r.evidence, [&](auto& v) __attribute__((always_inline)) {
      io.field("{\"sentence\":", v.sentence);
      io.field(",\"start\":", v.start);
      io.field(",\"end\":", v.end);
      io.lit("}");
    });
    io.lit("}");
  });
  io.lit("}");
}

// The most bytes extraction_layout writes for an extraction, read through the same layout: each
// fragment's size, 24 bytes a number, 32 a double, and a string's quotes and 6 bytes for each of
// its bytes (an escape "\u001f" is 6; invalid UTF-8 becomes U+FFFD, 3 bytes a byte).
class JsonBound {
 public:
  std::size_t bytes = 0;
  template <std::size_t N>
  void lit(const char (&)[N]) {
    bytes += N - 1;
  }
  template <class V, class Item>
  void list(const V& v, Item&& item) {
    bytes += 2 + v.size();
    for (const auto& e : v) item(e);
  }
  template <std::size_t N, class T>
  void field(const char (&)[N], const T& v) {
    bytes += N - 1;
    if constexpr (std::is_same_v<T, double>) bytes += 32;
    else if constexpr (std::is_integral_v<T>) bytes += 24;
    else str(v);
  }
  void str(const std::string& s) { bytes += 6 * s.size() + 2; }
  void str(RelationType t) { bytes += 6 * t.name().size() + 2; }
  void str(const std::optional<std::string>& s) { bytes += s ? 6 * s->size() + 2 : 4; }
  template <std::size_t N>
  void opt_str(const char (&)[N], const std::string& s) {
    bytes += N - 1 + 6 * s.size() + 2;
  }
};

}  // namespace

void to_json(const Extraction& x, JsonOut& out, std::string_view suffix) {
  // Room for the most it can take first (one check instead of one per field), then written
  // through a local unchecked writer holding out's buffer (given back at the end): its address is
  // never taken, so its size stays in a register (json_out.hpp, on the slow paths).
  JsonBound bound;
  extraction_layout(bound, x);
  out.reserve(out.size() + bound.bytes + suffix.size());
  BasicJsonOut<false> o = std::move(out);
  extraction_layout(o, x);
  o.append(suffix);
  out = std::move(o);
}

std::string to_json(const Extraction& x, int indent, std::string_view suffix) {
  thread_local JsonOut o;   // (its buffer serves every document of the thread)
  o.clear();
  to_json(x, o);
  return json_finish(o, indent, suffix);
}

std::optional<Extraction> from_compact_json(std::string_view text, std::size_t* used) {
  JsonIn in(text);
  Extraction x;
  extraction_layout(in, x);
  if (!in.ok()) return std::nullopt;
  for (auto& ev : x.events) ev.trigger.sentence = ev.sentence;
  if (used) *used = in.used();
  return x;
}

}  // namespace storyline::extractor
