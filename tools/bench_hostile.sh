#!/usr/bin/env bash
# Linearity on hostile text (issue 7): for each kind of bench/hostile_corpus.py, the instructions
# `storyline extract` spends per byte at 1x and at 10x the input, counted by callgrind (exact and
# repeatable, unlike time on a shared VM), less the cost of a one-line document (loading the
# rules). 10x/1x is how much more the ten-times-larger input costs: linear work gives about 10.
# Usage: tools/bench_hostile.sh [BUILD_DIR] [OUT_DIR] [KIND ...]   (defaults: build, a temporary
# directory, every kind). Needs valgrind. Takes about ten minutes for every kind.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$(mktemp -d)}
shift $(( $# > 2 ? 2 : $# ))
bin="$build/storyline"
command -v valgrind >/dev/null || { echo "bench_hostile: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
python3 bench/hostile_corpus.py "$out" "$@"
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" extract "$1" -o "$out/out.json" --quiet 2>&1 |
    sed -n 's/.*Collected : //p'
}
printf 'Acme Corp. hired Jane Doe.\n' > "$out/base.txt"
base=$(instructions "$out/base.txt")
echo "| text | 1x bytes | instructions per byte, 1x | 10x | 10x input / 1x, instructions |"
echo "| --- | --- | --- | --- | --- |"
for one in "$out"/*_1x.txt; do
  kind=$(basename "$one" _1x.txt)
  ten="$out/${kind}_10x.txt"
  b1=$(stat -c %s "$one"); b10=$(stat -c %s "$ten")
  i1=$(instructions "$one"); i10=$(instructions "$ten")
  awk -v k="$kind" -v b1="$b1" -v b10="$b10" -v i1="$i1" -v i10="$i10" -v base="$base" 'BEGIN {
    printf "| %s | %d | %.0f | %.0f | %.1fx |\n", k, b1, (i1 - base) / b1, (i10 - base) / b10, (i10 - base) / (i1 - base) }'
done
echo
echo "(rules loading, subtracted: $base instructions; news: about 250 per byte)"
