// Layout + render time of the two diagrams (Graphviz does nearly all the work):
//   relationship diagram of 30 / 100 / 300 entities (dot up to 40, neato beyond), SVG and PNG;
//   timeline of 100 / 500 events over ten years in 8 lanes (nop2, two passes: measure + draw).
// Run: build/render_bench [--benchmark_filter=Graph]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "storyline/extractor/timex_value.hpp"
#include "storyline/graph/model.hpp"
#include "storyline/render/render.hpp"

using namespace storyline;

namespace {

unsigned lcg(unsigned& state, unsigned mod) {
  state = state * 1103515245u + 12345u;
  return (state >> 16) % mod;
}

graph::EvidenceRef evidence(const std::string& s) {
  graph::EvidenceRef r;
  r.doc = "bench";
  r.sentence_text = s;
  return r;
}

// Story-shaped: hubs, about 1.4 relations per entity, half of them typed (labelled).
graph::KnowledgeGraph make_graph(int n) {
  graph::KnowledgeGraph g;
  g.title = "Benchmark story";
  const char* types[] = {"PER", "ORG", "LOC", "MISC"};
  unsigned st = 7u;
  for (int i = 0; i < n; ++i) {
    graph::Node node;
    char id[16];
    std::snprintf(id, sizeof id, "x:%04d", i);
    node.id = id;
    node.type = types[lcg(st, 4)];
    node.name = std::string(node.type == "PER" ? "Person " : "Entity ") + std::to_string(i);
    node.mentions = 1 + static_cast<int>(lcg(st, 9));
    node.degree = i < 3 ? 20 : 1 + lcg(st, 4);
    node.betweenness = i < 3 ? 0.5 : 0.01 * lcg(st, 10);
    node.evidence.push_back(evidence(node.name + " is in this sentence."));
    g.nodes.push_back(node);
  }
  const char* rel[] = {"role_of", "partner_of", "located_in", "co_occurs", "co_occurs", "co_occurs"};
  for (int i = 1; i < n; ++i) {
    for (int k = 0; k < (i % 3 == 0 ? 2 : 1); ++k) {
      graph::Edge e;
      e.source = g.nodes[i].id;
      e.target = g.nodes[lcg(st, static_cast<unsigned>(std::min(i, 3 + i / 4)))].id;
      if (e.source == e.target) continue;
      e.type = rel[lcg(st, 6)];
      e.directed = e.type != "co_occurs";
      e.weight = 1 + lcg(st, 3);
      e.evidence.push_back(evidence("Evidence for a relation."));
      g.edges.push_back(e);
    }
  }
  return g;
}

graph::Timeline make_timeline(int n) {
  graph::Timeline t;
  t.title = "Benchmark timeline";
  unsigned st = 11u;
  for (int i = 0; i < n; ++i) {
    graph::TimelineEvent e;
    e.id = "ev" + std::to_string(i);
    e.type = "event";
    e.lane = "Lane " + std::to_string(lcg(st, 8));
    char date[16];
    const unsigned kind = lcg(st, 10);
    if (kind == 0) std::snprintf(date, sizeof date, "%u", 2014 + lcg(st, 10));
    else if (kind == 1) std::snprintf(date, sizeof date, "%u-%02u", 2014 + lcg(st, 10), 1 + lcg(st, 12));
    else std::snprintf(date, sizeof date, "%u-%02u-%02u", 2014 + lcg(st, 10), 1 + lcg(st, 12), 1 + lcg(st, 28));
    e.date_value = date;
    e.date = extractor::parse_timex_value(date);
    e.date_source = kind == 2 ? "document" : "text";
    e.modality = "asserted";
    e.summary = "Something happened, number " + std::to_string(i);
    e.evidence = evidence("The sentence about event " + std::to_string(i) + ".");
    t.events.push_back(e);
  }
  return t;
}

void BM_Graph(benchmark::State& state, const char* format) {
  const graph::KnowledgeGraph g = make_graph(static_cast<int>(state.range(0)));
  render::RenderOptions o;
  o.format = format;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto r = render::render_graph(g, o);
    if (!r) state.SkipWithError(r.error().message.c_str());
    else bytes = r->size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["entities"] = static_cast<double>(g.nodes.size());
  state.counters["relations"] = static_cast<double>(g.edges.size());
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_Timeline(benchmark::State& state, const char* format) {
  const graph::Timeline t = make_timeline(static_cast<int>(state.range(0)));
  render::RenderOptions o;
  o.format = format;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto r = render::render_timeline(t, o);
    if (!r) state.SkipWithError(r.error().message.c_str());
    else bytes = r->size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["events"] = static_cast<double>(t.events.size());
  state.counters["bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Graph, svg, "svg")->Arg(30)->Arg(100)->Arg(300)->Arg(1000)->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_Graph, png, "png")->Arg(300)->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_Timeline, svg, "svg")->Arg(100)->Arg(500)->Arg(2000)->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_Timeline, png, "png")->Arg(500)->Unit(benchmark::kMillisecond)->MinTime(1);

BENCHMARK_MAIN();
