// Throughput of the stages after extraction, in MB/s of the news text they stand for (MB = 10^6
// bytes), one core: building the knowledge graph (entity merge, relations, Boost.Graph analytics)
// and the timeline, over one document at a time and over the whole corpus merged; and Graphviz
// layout + SVG rendering of each document's relationship map and timeline.
//
//   build/story_bench --benchmark_counters_tabular=true
//   STORYLINE_BENCH_CORPUS=/tmp/news50.jsonl build/story_bench   # any JSON Lines corpus instead
//
// The corpus is the one extract_bench uses: the bundled examples plus the CoNLL-2003 dev texts
// when ../shared is present (bench/make_corpus.py builds larger ones).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_corpus.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/render/render.hpp"

namespace fs = std::filesystem;
using namespace storyline;

namespace {

struct Corpus {
  std::vector<std::string> texts;
  std::vector<extractor::Extraction> extractions;
  std::size_t bytes = 0;
  std::vector<graph::DocumentInput> inputs() const {
    std::vector<graph::DocumentInput> v;
    for (std::size_t i = 0; i < texts.size(); ++i) v.push_back({&extractions[i], &texts[i]});
    return v;
  }
};

const Corpus& corpus() {
  static Corpus c = [] {
    Corpus out;
    out.texts = bench::load_corpus();
    auto ex = extractor::Extractor::load(extractor::RuleDirs::defaults());
    if (!ex) std::abort();
    for (std::size_t i = 0; i < out.texts.size(); ++i) {
      extractor::DocumentInfo info;
      info.id = "doc" + std::to_string(i);
      info.date = "2020-01-01";
      info.date_source = "option";
      out.extractions.push_back(ex->extract(out.texts[i], info));
      out.bytes += out.texts[i].size();
    }
    return out;
  }();
  return c;
}

void finish(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(corpus().bytes));
  state.counters["docs"] = static_cast<double>(corpus().texts.size());
}

// One graph per document, with analytics: what `storyline graph ARTICLE` does before layout.
void BM_GraphPerDocument(benchmark::State& state) {
  const Corpus& c = corpus();
  const auto inputs = c.inputs();
  for (auto _ : state) {
    for (const auto& in : inputs) {
      graph::KnowledgeGraph g = graph::build_graph({in});
      graph::compute_analytics(g);
      benchmark::DoNotOptimize(g);
    }
  }
  finish(state);
}

// The whole corpus as one merged graph (entities merged across documents), with analytics.
void BM_GraphMerged(benchmark::State& state) {
  const auto inputs = corpus().inputs();
  std::size_t nodes = 0;
  for (auto _ : state) {
    graph::KnowledgeGraph g = graph::build_graph(inputs);
    graph::compute_analytics(g);
    nodes = g.nodes.size();
    benchmark::DoNotOptimize(g);
  }
  finish(state);
  state.counters["entities"] = static_cast<double>(nodes);
}

void BM_TimelineMerged(benchmark::State& state) {
  const auto inputs = corpus().inputs();
  for (auto _ : state) {
    graph::Timeline t = graph::build_timeline(inputs);
    benchmark::DoNotOptimize(t);
  }
  finish(state);
}

// Graphviz layout + SVG of each document's relationship map and timeline.
void BM_LayoutRenderPerDocument(benchmark::State& state) {
  const auto inputs = corpus().inputs();
  std::vector<graph::KnowledgeGraph> graphs;
  std::vector<graph::Timeline> timelines;
  for (const auto& in : inputs) {
    graphs.push_back(graph::build_graph({in}));
    graph::compute_analytics(graphs.back());
    timelines.push_back(graph::build_timeline({in}));
  }
  render::RenderOptions ro;
  std::size_t out_bytes = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < graphs.size(); ++i) {
      auto g = render::render_graph(graphs[i], ro);
      auto t = render::render_timeline(timelines[i], ro);
      if (!g || !t) state.SkipWithError("render failed");
      out_bytes += (g ? g->size() : 0) + (t ? t->size() : 0);
    }
  }
  finish(state);
  state.counters["svg_bytes"] = static_cast<double>(out_bytes) / static_cast<double>(state.iterations());
}

}  // namespace

BENCHMARK(BM_GraphPerDocument)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GraphMerged)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelineMerged)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LayoutRenderPerDocument)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
