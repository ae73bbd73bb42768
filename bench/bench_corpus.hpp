// The benchmarks' news-like corpus: STORYLINE_BENCH_CORPUS (a JSON Lines file, "text" per line;
// bench/make_corpus.py builds one of any size) or else the bundled examples plus, when ../shared is
// present, the CoNLL-2003 dev texts, in file-name order.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace storyline::bench {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> load_corpus() {
  std::vector<std::string> out;
  if (const char* path = std::getenv("STORYLINE_BENCH_CORPUS"); path && *path) {
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
    return out;
  }
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"examples", "../shared/eval/ner/dev/text"}) {
    std::filesystem::path d = std::filesystem::path(STORYLINE_SOURCE_DIR) / dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(d, ec)) continue;
    for (const auto& f : std::filesystem::directory_iterator(d))
      if (f.path().extension() == ".txt") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(slurp(f));
  return out;
}

}  // namespace storyline::bench
