#include "pipeline.hpp"

#include <cstdio>
#include <iostream>

namespace storyline::cli {

Progress::Progress(bool enabled, std::uint64_t total_bytes, std::string label)
    : enabled_(enabled),
      total_(total_bytes),
      label_(std::move(label)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(std::size_t documents, std::uint64_t bytes, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double mb = bytes / 1e6, rate = secs > 0 ? mb / secs : 0;
  char line[160];
  int n = std::snprintf(line, sizeof line, "\rstoryline: %s%zu documents, %.1f MB, %.1f MB/s", label_.c_str(),
                        documents, mb, rate);
  std::string out(line, static_cast<std::size_t>(n));
  if (total_ > 0 && rate > 0 && bytes <= total_) {
    auto eta = static_cast<long long>((total_ - bytes) / 1e6 / rate + 0.5);
    std::snprintf(line, sizeof line, ", ETA %lld:%02lld", eta / 60, eta % 60);
    out += line;
  }
  out += "   ";   // wipes the tail of a longer previous line
  std::cerr << out << std::flush;
  shown_ = true;
}

void Progress::finish() {
  if (enabled_ && shown_) std::cerr << "\n";
  shown_ = false;
}

}  // namespace storyline::cli
