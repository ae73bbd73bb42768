// Throughput of the TIMEX3 tagger alone (no tokens, entities or events): MB/s of news text on one
// core. Input: the TempEval-3 dev texts (shared/eval/timex/dev, dumped with score_timex.py
// --dump-text) when the shared folder exists, else the articles in examples/*.txt.
//
//   build/timex_bench                                   # all benchmarks
//   build/timex_bench --benchmark_filter=PerDocument    # one
//
// Sentences are split once outside the timed loop with a naive splitter (". " or a blank line);
// the tagger uses them only for tense cues. Rule loading is not timed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "storyline/extractor/rules.hpp"
#include "storyline/extractor/timex.hpp"

namespace fs = std::filesystem;
using namespace storyline::extractor;

namespace {

struct Doc {
  std::string text;
  std::vector<Sentence> sentences;
  std::string dct;
};

std::vector<Sentence> naive_sentences(const std::string& text) {
  std::vector<Sentence> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const bool stop = (text[i] == '.' || text[i] == '?' || text[i] == '!') && text[i + 1] == ' ';
    const bool blank = text[i] == '\n' && text[i + 1] == '\n';
    if (stop || blank) {
      Sentence s;
      s.start = start;
      s.end = i + 1;
      out.push_back(s);
      start = i + 1;
    }
  }
  Sentence s;
  s.start = start;
  s.end = text.size();
  out.push_back(s);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The dev texts (with their DCTs) if the shared folder is there, else the examples.
const std::vector<Doc>& corpus() {
  static const std::vector<Doc> docs = [] {
    std::vector<Doc> out;
    const fs::path shared = STORYLINE_SHARED_DIR;
    const fs::path gold = shared / "eval" / "timex" / "dev";
    std::vector<fs::path> files;
    if (fs::is_directory(gold)) {
      const fs::path dump = fs::temp_directory_path() / "storyline_timex_bench";
      if (!fs::is_directory(dump) || fs::is_empty(dump)) {
        const std::string cmd = "python3 '" + (shared / "eval" / "score_timex.py").string() + "' --dump-text '" +
                                gold.string() + "' '" + dump.string() + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "timex_bench: dump failed, using examples\n");
      }
      if (fs::is_directory(dump))
        for (const auto& e : fs::directory_iterator(dump))
          if (e.path().extension() == ".txt") files.push_back(e.path());
    }
    if (files.empty())
      for (const auto& e : fs::directory_iterator(fs::path(STORYLINE_SOURCE_DIR) / "examples"))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Doc d;
      d.text = slurp(f);
      fs::path dct = f;
      dct.replace_extension(".dct");
      d.dct = fs::exists(dct) ? slurp(dct).substr(0, 10) : "2023-02-06";
      d.sentences = naive_sentences(d.text);
      out.push_back(std::move(d));
    }
    return out;
  }();
  return docs;
}

const TimexTagger& tagger() {
  static const TimexTagger t = [] {
    auto r = TimexTagger::load(RuleDirs::defaults());
    if (!r.ok()) {
      std::fprintf(stderr, "timex_bench: %s\n", r.error().message.c_str());
      std::abort();
    }
    return *r;
  }();
  return t;
}

// One call per article, as `storyline extract` does: the usual case.
void BM_TimexPerDocument(benchmark::State& state) {
  const auto& docs = corpus();
  const auto& t = tagger();
  std::size_t bytes = 0, found = 0;
  for (const auto& d : docs) bytes += d.text.size();
  for (auto _ : state) {
    for (const auto& d : docs) {
      auto xs = t.tag(d.text, d.sentences, d.dct);
      found += xs.size();
      benchmark::DoNotOptimize(xs);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["docs"] = static_cast<double>(docs.size());
  state.counters["timexes/iter"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_TimexPerDocument)->Unit(benchmark::kMillisecond);

// The whole corpus as one text: the worst case for rule pruning (every rule can match somewhere).
void BM_TimexConcatenated(benchmark::State& state) {
  std::string all;
  for (const auto& d : corpus()) all += d.text + "\n\n";
  const auto sentences = naive_sentences(all);
  const auto& t = tagger();
  for (auto _ : state) {
    auto xs = t.tag(all, sentences, std::string("1998-02-06"));
    benchmark::DoNotOptimize(xs);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * all.size()));
}
BENCHMARK(BM_TimexConcatenated)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
