// Throughput of each extraction stage on one core (MB/s, MB = 10^6 bytes), on news-like text:
// the bundled examples plus, when ../shared is present, the CoNLL-2003 and TimeBank texts, cut into
// documents the size of a news article.
//
//   build/extract_bench --benchmark_counters_tabular=true
//   STORYLINE_BENCH_CORPUS=/tmp/news50.jsonl build/extract_bench   # any JSON Lines corpus instead
//                                     (bench/make_corpus.py builds a deterministic one of any size)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_corpus.hpp"
#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/relations.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/extractor/timex.hpp"
#include "timex_engine.hpp"   // (extractor/src: the memo hook)

namespace fs = std::filesystem;
using namespace storyline::extractor;

namespace {

// Documents of about 3-5 KB each, in a fixed order.
const std::vector<std::string>& corpus() {
  static std::vector<std::string> docs = storyline::bench::load_corpus();
  return docs;
}

std::size_t corpus_bytes() {
  std::size_t n = 0;
  for (const auto& d : corpus()) n += d.size();
  return n;
}

struct Stages {
  std::shared_ptr<const Lexicons> lex;
  TimexTagger timex;
  std::unique_ptr<EntityTagger> entities;
  EventRules events;
  RelationRules relations;
  Extractor extractor;
};

const Stages& stages() {
  static Stages s = [] {
    RuleDirs dirs = RuleDirs::defaults();
    auto lex = std::make_shared<const Lexicons>(std::move(*Lexicons::load(dirs)));
    Stages st{lex, std::move(*TimexTagger::load(dirs)), std::make_unique<EntityTagger>(lex),
              std::move(*EventRules::load(dirs, lex)), std::move(*RelationRules::load(dirs, lex)),
              std::move(*Extractor::load(dirs))};
    return st;
  }();
  return s;
}

struct Prepared {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  std::vector<Timex> timexes;
  EntityResult entities;
};

const std::vector<Prepared>& prepared() {
  static std::vector<Prepared> out = [] {
    std::vector<Prepared> v;
    const Stages& s = stages();
    for (const auto& d : corpus()) {
      Prepared p;
      p.tokens = tokenize(d, s.lex->text);
      p.sentences = split_sentences(d, p.tokens, s.lex->text);
      p.timexes = s.timex.tag(d, p.sentences, std::string("2020-01-01"));
      p.entities = s.entities->tag(d, p.tokens, p.sentences, p.timexes);
      v.push_back(std::move(p));
    }
    return v;
  }();
  return out;
}

void finish(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(corpus_bytes()));
  state.counters["docs"] = static_cast<double>(corpus().size());
}

void BM_TokensAndSentences(benchmark::State& state) {
  const Stages& s = stages();
  for (auto _ : state)
    for (const auto& d : corpus()) {
      auto toks = tokenize(d, s.lex->text);
      benchmark::DoNotOptimize(split_sentences(d, toks, s.lex->text));
    }
  finish(state);
}

void BM_Timexes(benchmark::State& state) {
  const Stages& s = stages();
  const auto& p = prepared();
  for (auto _ : state)
    for (std::size_t i = 0; i < corpus().size(); ++i)
      benchmark::DoNotOptimize(s.timex.tag(corpus()[i], p[i].sentences, std::string("2020-01-01")));
  finish(state);
}

// The same, but each document as if the tagger had never seen text before: the per-thread memo of
// match outcomes is emptied first. The corpus repeats its 223 documents, so BM_Timexes's memo
// also remembers whole earlier documents; this is the figure for text that is all new.
void BM_TimexesEveryDocNew(benchmark::State& state) {
  const Stages& s = stages();
  const auto& p = prepared();
  for (auto _ : state)
    for (std::size_t i = 0; i < corpus().size(); ++i) {
      storyline::extractor::timex_engine::forget_outcomes();
      benchmark::DoNotOptimize(s.timex.tag(corpus()[i], p[i].sentences, std::string("2020-01-01")));
    }
  finish(state);
}

void BM_Entities(benchmark::State& state) {
  const Stages& s = stages();
  const auto& p = prepared();
  for (auto _ : state)
    for (std::size_t i = 0; i < corpus().size(); ++i)
      benchmark::DoNotOptimize(s.entities->tag(corpus()[i], p[i].tokens, p[i].sentences, p[i].timexes));
  finish(state);
}

void BM_EventsAndRelations(benchmark::State& state) {
  const Stages& s = stages();
  const auto& p = prepared();
  for (auto _ : state)
    for (std::size_t i = 0; i < corpus().size(); ++i) {
      DocContext ctx{corpus()[i], &p[i].tokens, &p[i].sentences, &p[i].timexes, &p[i].entities,
                     std::string("2020-01-01")};
      ctx.merge_mentions();
      // As the pipeline does: the relations read the events (relations/from_events.tsv).
      std::vector<Event> evs = s.events.events(ctx);
      ctx.events = &evs;
      benchmark::DoNotOptimize(s.relations.relations(ctx));
      benchmark::DoNotOptimize(evs);
    }
  finish(state);
}

void BM_FullExtract(benchmark::State& state) {
  const Stages& s = stages();
  for (auto _ : state)
    for (const auto& d : corpus()) {
      DocumentInfo info;
      info.date = "2020-01-01";
      benchmark::DoNotOptimize(s.extractor.extract(d, info));
    }
  finish(state);
}

// The same documents through extract_batch(), range(0) at a time: stage by stage over each batch.
void BM_FullExtractBatch(benchmark::State& state) {
  const Stages& s = stages();
  const std::size_t n = corpus().size(), batch = static_cast<std::size_t>(state.range(0));
  for (auto _ : state)
    for (std::size_t b = 0; b < n; b += batch) {
      std::vector<std::string_view> texts;
      std::vector<DocumentInfo> infos;
      for (std::size_t i = b; i < std::min(n, b + batch); ++i) {
        texts.push_back(corpus()[i]);
        infos.emplace_back().date = "2020-01-01";
      }
      benchmark::DoNotOptimize(s.extractor.extract_batch(texts, std::move(infos)));
    }
  finish(state);
}

void BM_ToJson(benchmark::State& state) {
  const Stages& s = stages();
  static const std::vector<Extraction> xs = [&] {
    std::vector<Extraction> v;
    for (const auto& d : corpus()) {
      DocumentInfo info;
      info.date = "2020-01-01";
      v.push_back(s.extractor.extract(d, info));
    }
    return v;
  }();
  for (auto _ : state)
    for (const auto& x : xs) benchmark::DoNotOptimize(to_json(x, -1));
  finish(state);
}

}  // namespace

BENCHMARK(BM_ToJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TokensAndSentences)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timexes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimexesEveryDocNew)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Entities)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EventsAndRelations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullExtract)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullExtractBatch)->Arg(8)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);   // 64: the command's group
BENCHMARK_MAIN();
