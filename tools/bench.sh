#!/usr/bin/env bash
# The speed table of README.md / docs/scale.md (issue 7) in one run, on generated news-like corpora
# of 1, 5 and 50 MB (bench/make_corpus.py; made once, kept in the corpus folder):
#  - each extraction stage on one core (build/extract_bench, 5 MB) and the story and render stages
#    (story_bench, render_bench);
#  - `storyline extract` on 50 MB with 1 and 2 threads, and on 5 MB (10x input vs time);
#  - peak memory (/usr/bin/time) of extract, merge, graph, timeline and report on 5 and 50 MB;
#  - chrono-node and compromise on the same text, when node and ../shared/anchors' packages are
#    installed (/opt/anchors, see ../shared/anchors/README.md).
# Usage: tools/bench.sh [BUILD_DIR] [CORPUS_DIR]     (defaults: build, /tmp/storyline-bench)
# Needs a Release build with the benchmarks (cmake -DCMAKE_BUILD_TYPE=Release). Takes 5-10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
corpora=${2:-/tmp/storyline-bench}
bin="$build/storyline"
mkdir -p "$corpora"
for mb in 1 5 50; do
  [ -s "$corpora/news$mb.jsonl" ] || python3 bench/make_corpus.py "$corpora/news$mb" "$mb"
done
# Outputs go to a tmpfs when there is one: on the VM of issue 7's ninth round, writing `extract`'s
# 368 MB of JSON to disk stalled the writer in page-cache writeback for up to 1.2 s a run, a fixed
# wait that no thread count shortens (1.47-2.32x two threads against one to a disk file, 1.84-2.26x
# to /dev/shm, in twelve and six alternating pairs). The benchmark measures storyline, not the disk.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then out=$(mktemp -d /dev/shm/storyline-bench.XXXXXX); else out=$(mktemp -d); fi
trap 'rm -rf "$out"' EXIT

# "CPU seconds, wall seconds, peak MB" of one command.
measure() {
  /usr/bin/time -f "%U %S %e %M" -o "$out/time" "$@" >/dev/null 2>"$out/err" || {
    cat "$out/err" >&2
    return 1
  }
  awk '{printf "%.2f %.2f %.1f\n", $1 + $2, $3, $4 / 1024}' "$out/time"
}
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f", b / 1e6 / s }'; }
size() { stat -c %s "$1"; }
text_bytes() { python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1])))" "$1"; }

echo "## Stages, one core (extract_bench, news5, median of 3, CPU time; MB = 10^6 bytes)"
echo
echo "| stage | MB/s |"
echo "| --- | --- |"
STORYLINE_BENCH_CORPUS="$corpora/news5.jsonl" "$build/extract_bench" --benchmark_min_time=0.01 \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null |
  python3 -c '
import json, sys
names = {"BM_TokensAndSentences": "tokens + sentences", "BM_Timexes": "temporal expressions",
         "BM_TimexesEveryDocNew": "temporal expressions, every document new to the tagger (memo emptied)",
         "BM_Entities": "entities", "BM_EventsAndRelations": "events + relations",
         "BM_ToJson": "JSON output", "BM_FullExtract": "full extraction, one document at a time",
         "BM_FullExtractBatch/64": "full extraction, groups of 64 (as `extract` runs it)"}
for b in json.load(sys.stdin)["benchmarks"]:
    if b.get("aggregate_name") == "median" and b["run_name"] in names:
        print("| %s | %.1f |" % (names[b["run_name"]], b["bytes_per_second"] / 1e6))
'
echo
echo "## The command (/usr/bin/time; CPU = user + system)"
echo
echo "| run | CPU s | wall s | MB/s (CPU) | peak MB |"
echo "| --- | --- | --- | --- | --- |"
for mb in 5 50; do
  bytes=$(text_bytes "$corpora/news$mb.jsonl")
  echo "$bytes" >"$out/bytes$mb"
  read -r cpu wall peak < <(measure "$bin" extract --jsonl "$corpora/news$mb.jsonl" --compact -j 1 --quiet -o "$out/x$mb.jsonl")
  echo "| extract news$mb, 1 thread | $cpu | $wall | $(mbps "$bytes" "$cpu") | $peak |"
  echo "$cpu" >"$out/cpu$mb"
done
# Two threads against one, and 10x the input: on a noisy VM one run of each says little (the same
# one-thread run took 4.2 to 7.3 s CPU within minutes on the ninth round's VM), so three alternating
# pairs and the medians.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$out/ratios"
same="same bytes"
for pair in 1 2 3; do
  read -r cpu2 wall2 peak2 < <(measure "$bin" extract --jsonl "$corpora/news50.jsonl" --compact -j 2 --quiet -o "$out/x50j2.jsonl")
  read -r cpu1 wall1 _ < <(measure "$bin" extract --jsonl "$corpora/news50.jsonl" --compact -j 1 --quiet -o "$out/x50j1.jsonl")
  cmp -s "$out/x50j1.jsonl" "$out/x50j2.jsonl" || same="OUTPUTS DIFFER"
  echo "| extract news50, 2 threads (pair $pair) | $cpu2 | $wall2 | | $peak2 |"
  echo "$cpu1" >>"$out/cpu50"
  awk -v a="$wall1" -v b="$wall2" 'BEGIN { printf "%.2f\n", a / b }' >>"$out/ratios"
  read -r cpu _ _ < <(measure "$bin" extract --jsonl "$corpora/news5.jsonl" --compact -j 1 --quiet -o "$out/x5.jsonl")
  echo "$cpu" >>"$out/cpu5"
done
echo
echo "- 2 threads vs 1 (wall, each 2-thread run against the 1-thread run right after it): $(paste -sd' ' "$out/ratios")x, median $(median <"$out/ratios")x; $same"
echo "- 10x input: $(awk -v a="$(median <"$out/cpu50")" -v b="$(median <"$out/cpu5")" 'BEGIN { printf "%.1f", a / b }')x CPU time (medians of four runs, news5: $(paste -sd' ' "$out/cpu5") s; news50: $(paste -sd' ' "$out/cpu50") s)"
echo
echo "| run (news5 / news50) | CPU s | peak MB |"
echo "| --- | --- | --- |"
for mb in 5 50; do
  read -r cpu _ peak < <(measure "$bin" merge "$out/x$mb.jsonl" --compact --quiet -o "$out/m$mb.json")
  echo "| merge of news$mb's extractions ($(awk -v b="$(size "$out/x$mb.jsonl")" 'BEGIN { printf "%.0f", b / 1e6 }') MB of JSON) | $cpu | $peak |"
done
for mb in 5 50; do
  read -r cpu _ peak < <(measure "$bin" graph --jsonl "$corpora/news$mb.jsonl" -j 1 --quiet -o "$out/g$mb.svg")
  echo "| graph news$mb to SVG (extraction included) | $cpu | $peak |"
  read -r cpu _ peak < <(measure "$bin" timeline --jsonl "$corpora/news$mb.jsonl" -j 1 --quiet -o "$out/t$mb.json")
  echo "| timeline news$mb to JSON (extraction included) | $cpu | $peak |"
  read -r cpu _ peak < <(measure "$bin" report --jsonl "$corpora/news$mb.jsonl" -j 1 --quiet -o "$out/r$mb.html")
  echo "| report news$mb to HTML (extraction included) | $cpu | $peak |"
done

echo
echo "## After extraction (story_bench: the examples and CoNLL dev, 0.28 MB; render_bench: generated graphs)"
echo
echo "| benchmark | MB/s of text, or seconds per picture |"
echo "| --- | --- |"
{ "$build/story_bench" --benchmark_min_time=0.2 --benchmark_format=json 2>/dev/null
  "$build/render_bench" --benchmark_filter='BM_Graph/svg/1000|BM_Timeline/svg/2000' --benchmark_format=json 2>/dev/null
} | python3 -c '
import json, sys
names = {"BM_GraphPerDocument": "graph build + analytics, one document at a time",
         "BM_GraphMerged": "one graph of the whole corpus (merged, exact betweenness)",
         "BM_TimelineMerged": "timeline build, whole corpus",
         "BM_LayoutRenderPerDocument/iterations:1": "Graphviz layout + SVG of each document'"'"'s two diagrams",
         "BM_Graph/svg/1000/min_time:1.000": "1,000-entity relationship map, layout + SVG",
         "BM_Timeline/svg/2000/min_time:1.000": "2,000-event timeline, layout + SVG"}
dec = json.JSONDecoder()
text, i = sys.stdin.read(), 0
while i < len(text):   # two JSON documents, one after the other
    if text[i].isspace():
        i += 1
        continue
    doc, i = dec.raw_decode(text, i)
    for b in doc["benchmarks"]:
        if b["name"] not in names: continue
        if b["name"].startswith(("BM_Graph/", "BM_Timeline/")):
            secs = b["cpu_time"] / {"ms": 1e3, "us": 1e6, "ns": 1e9, "s": 1}[b["time_unit"]]
            print("| %s | %.2f s |" % (names[b["name"]], secs))
        else:
            print("| %s | %.2f MB/s |" % (names[b["name"]], b["bytes_per_second"] / 1e6))
'

anchors=${ANCHORS_DIR:-/opt/anchors}
if command -v node >/dev/null && [ -d "$anchors/node_modules" ] && [ -f ../shared/anchors/bench.mjs ]; then
  # Each JavaScript run is paired with the storyline benchmark of the same text run right before it,
  # and the ratio taken within the pair: on the VM of issue 7 the machine's speed moved by a third
  # within a minute (the timex stage read 66 then 38 MB/s two runs apart), so ratios of runs made
  # minutes apart said as much about the VM as about the tools. Three pairs per tool, the median
  # ratio. The storyline side is the library (extract_bench: rules loaded, warm), as bench.mjs times
  # the JavaScript tool after loading it and a warm-up.
  lib_mbps() {  # BENCHMARK CORPUS: one extract_bench run, MB/s (10^6 bytes)
    STORYLINE_BENCH_CORPUS="$2" "$build/extract_bench" --benchmark_filter="^$1\$" --benchmark_min_time=1 \
      --benchmark_format=json 2>/dev/null |
      python3 -c 'import json, sys; print("%.2f" % (json.load(sys.stdin)["benchmarks"][0]["bytes_per_second"] / 1e6))'
  }
  js_mbps() {  # TOOL FILE: one bench.mjs run, MB/s
    node ../shared/anchors/bench.mjs "$1" "$2" --split 4000 --modules "$anchors/node_modules" 2>"$out/js_err" |
      python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["mb_per_s"])' || {
      cat "$out/js_err" >&2
      return 1
    }
  }
  echo
  echo "## The JavaScript libraries on the same text (../shared/anchors/bench.mjs --split 4000), in pairs"
  echo
  echo "| pair | storyline stage | MB/s | JavaScript tool | MB/s | ratio |"
  echo "| --- | --- | --- | --- | --- | --- |"
  : >"$out/r_chrono"
  : >"$out/r_comp"
  for pair in 1 2 3; do
    ours=$(lib_mbps BM_Timexes "$corpora/news5.jsonl")
    theirs=$(js_mbps chrono "$corpora/news5.txt")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", a / b }')
    echo "$ratio" >>"$out/r_chrono"
    echo "| $pair | temporal expressions, news5 | $ours | chrono-node, news5 | $theirs | ${ratio}x |"
    ours=$(lib_mbps BM_FullExtractBatch/64 "$corpora/news1.jsonl")
    theirs=$(js_mbps compromise "$corpora/news1.txt")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.0f", a / b }')
    echo "$ratio" >>"$out/r_comp"
    echo "| $pair | full extraction (groups of 64), news1 | $ours | compromise (entities + dates), news1 | $theirs | ${ratio}x |"
  done
  echo
  echo "- timex stage vs chrono-node: $(paste -sd' ' "$out/r_chrono")x, median **$(median <"$out/r_chrono")x**"
  echo "- full extraction vs compromise: $(paste -sd' ' "$out/r_comp")x, median **$(median <"$out/r_comp")x**"
else
  echo
  echo "(node or the anchors' packages are missing: no JavaScript comparison)"
fi
