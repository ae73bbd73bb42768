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
