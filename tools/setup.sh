#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root), builds storyline, and renders the bundled example
# into out/. Usage: tools/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_missing
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target storyline
mkdir -p out
article=examples/nissan_renault.txt
date=2023-02-07
./build/storyline extract  "$article" --date "$date" -o out/nissan_renault.json
./build/storyline graph    "$article" --date "$date" -o out/nissan_renault.graph.svg
./build/storyline graph    "$article" --date "$date" -o out/nissan_renault.graph.png
./build/storyline timeline "$article" --date "$date" -o out/nissan_renault.timeline.svg
./build/storyline timeline "$article" --date "$date" -o out/nissan_renault.timeline.png
echo "storyline: wrote out/nissan_renault.{json,graph.svg,graph.png,timeline.svg,timeline.png}"
