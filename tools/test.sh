#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root), builds storyline and its tests, runs every test.
# Usage: tools/test.sh        (.ci/run calls exactly this)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_missing
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure
cd ..

# Hostile input (issue 8, docs/robustness.md): the whole suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer (+ LeakSanitizer, Graphviz/font-stack one-time leaks suppressed in
# fuzz/lsan.supp), built with clang in build-asan, then a short run of every libFuzzer target.
# STORYLINE_SKIP_SANITIZE=1 skips this part; STORYLINE_FUZZ_SECONDS sets the per-target fuzz time.
if [ "${STORYLINE_SKIP_SANITIZE:-0}" != 1 ]; then
  # The benchmarks are built (and so compile-checked) in build/ above; under sanitizers they would
  # only cost CI time.
  CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTORYLINE_FUZZ=ON \
    -DSTORYLINE_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  (cd build-asan && ctest --output-on-failure --timeout 900)
  tools/fuzz.sh --seconds "${STORYLINE_FUZZ_SECONDS:-10}" --build-dir build-asan
fi
