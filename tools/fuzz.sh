#!/usr/bin/env bash
# Builds storyline's libFuzzer targets (clang + ASan + UBSan) and runs each for a fixed time on a seed
# corpus made from examples/ and the built-in rules. A finding (crash, sanitizer report, leak,
# timeout) fails the run and leaves the input in <build>/fuzz-findings/. See docs/robustness.md.
#
# Usage: tools/fuzz.sh [--seconds N] [--build-dir DIR] [TARGET...]
#   tools/fuzz.sh                         # long run: 600 s per target in build-fuzz/
#   tools/fuzz.sh --seconds 20 --build-dir build-asan    # what tools/test.sh runs
# Targets: fuzz_extract fuzz_text fuzz_jsonl fuzz_rules fuzz_compact (default: all). The corpus grows in
# <build>/fuzz-corpus/<target> and is reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
build=build-fuzz
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_extract fuzz_text fuzz_jsonl fuzz_rules fuzz_compact)

# Configure only a folder that is not yet a fuzz build; always build the targets, so a folder left
# from an older checkout is brought up to date (an up-to-date one costs a second).
if ! grep -qs '^STORYLINE_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTORYLINE_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

# Seed corpus: the example articles as text and as JSON Lines, and every rule file behind the
# selector byte fuzz_rules reads (index into its kFiles table).
seed() {
  local t="$1" dir="$build/fuzz-corpus/$1"
  mkdir -p "$dir"
  case "$t" in
    fuzz_extract|fuzz_text)
      for f in examples/*.txt; do cp "$f" "$dir/seed-$(basename "$f")"; done
      printf 'Acme Corp. said on Tuesday, March 3, 2020, that Jane Doe (CEO) left.\n' >"$dir/seed-small.txt" ;;
    fuzz_jsonl)
      python3 - "$dir" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
lines = []
for i, p in enumerate(sorted(pathlib.Path("examples").glob("*.txt"))):
    text = p.read_text(encoding="utf-8")
    lines.append(json.dumps({"id": p.stem, "date": "2023-02-06", "text": text[:2000]}))
    (out / f"seed-{p.stem}.jsonl").write_text(lines[-1] + "\n")
(out / "seed-all.jsonl").write_text("\n".join(lines) + "\n{bad\n{\"id\":7,\"text\":\"\"}\n")
PY
      ;;
    fuzz_compact)
      # Compact extract JSON of the examples (extract --compact), and one line made odd by hand.
      for f in examples/*.txt; do
        "$build/storyline" extract "$f" --compact --quiet -o "$dir/seed-$(basename "$f" .txt).json" 2>/dev/null || true
      done
      printf '%s' '{"document":{"id":"a\u00e9\ud83d\ude00\/","source":"","date":null,"date_source":"none","bytes":0},"sentences":[],"entities":[],"timexes":[],"events":[],"relations":[{"source":"a","target":"b","type":"t","qualifier":"","weight":2.5e-1,"start":"2019","evidence":[]}]}' >"$dir/seed-odd.json" ;;
    fuzz_rules)
      local i=0
      for rel in en/gazetteer/fuzz.jsonl en/relations/patterns.json en/timex/dates.json en/timex/macros.tsv \
                 en/events/triggers.tsv en/lexicon/org_suffixes.tsv en/timex/lexicons/month.tsv en/relations/words.tsv; do
        local src="extractor/rules/$rel"
        if [ "$i" -eq 0 ]; then
          { printf '\x00'; printf '%s\n' '{"label":"ORG","pattern":"Acme Corp.","id":"org:acme"}' \
              '{"label":"PER","pattern":"Jane Doe"}'; } >"$dir/seed-$i"
        elif [ -f "$src" ]; then
          { printf "\\x$(printf '%02x' "$i")"; head -c 60000 "$src"; } >"$dir/seed-$i"
        fi
        i=$((i + 1))
      done ;;
  esac
}

mkdir -p "$build/fuzz-findings"
status=0
summary=()
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "${targets[@]}"; do
  seed "$t"
  log="$build/fuzz-$t.log"
  echo "storyline: fuzzing $t for ${seconds}s" >&2
  if "$build/$t" "$build/fuzz-corpus/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
       -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-findings/$t-" >"$log" 2>&1; then
    result="ok"
  else
    result="FINDING (see $log and $build/fuzz-findings/)"
    status=1
    tail -40 "$log" >&2
  fi
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}' || true)
  secs=$(grep -ao 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{s+=$5} END {print s+0}' || true)
  corpus=$(find "$build/fuzz-corpus/$t" -type f | wc -l)
  summary+=("$(printf '%-13s %-4s %10s execs %6s s  corpus %5s' "$t" "${result%% *}" "$runs" "$secs" "$corpus")")
done
printf 'storyline: fuzz summary\n' >&2
printf '  %s\n' "${summary[@]}" >&2
exit $status
