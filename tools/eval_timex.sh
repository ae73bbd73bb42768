#!/bin/sh
# Scores the TIMEX3 tagger on the TempEval-3 dev set (shared/eval/timex/dev) end to end:
# dump each document's text and DCT, run `storyline extract` on it, score with score_timex.py.
#
#   tools/eval_timex.sh build/storyline [GOLD_DIR] [--errors|--json|--per-doc]
#
# Exit status: the scorer's (0 ok, 2 bad input); 2 when the binary or gold folder is missing.
set -eu

bin=${1:?usage: tools/eval_timex.sh STORYLINE_BINARY [GOLD_DIR] [scorer options]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
gold="$here/../shared/eval/timex/dev"
if [ $# -gt 0 ] && [ -d "$1" ]; then gold=$1; shift; fi
scorer="$(dirname "$gold")/../score_timex.py"
[ -x "$bin" ] || { echo "eval_timex: no executable '$bin'" >&2; exit 2; }
[ -d "$gold" ] || { echo "eval_timex: no gold folder '$gold'" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/text" "$work/pred" "$work/raw"
python3 "$scorer" --dump-text "$gold" "$work/text" >/dev/null 2>&1

failed=0
for txt in "$work/text"/*.txt; do
  doc=$(basename "$txt" .txt)
  dct=$(cut -c1-10 "$work/text/$doc.dct")
  if ! "$bin" extract "$txt" --date "$dct" -o "$work/raw/$doc.json" 2>>"$work/stderr"; then
    failed=$((failed + 1))
    continue
  fi
  # Keep only what the scorer reads (timexes), whatever else the extraction carries.
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump({"timexes": d.get("timexes", [])}, open(sys.argv[2], "w"))' \
    "$work/raw/$doc.json" "$work/pred/$doc.json"
done
[ "$failed" -eq 0 ] || { echo "eval_timex: $failed documents failed; first errors:" >&2; head -5 "$work/stderr" >&2; }
python3 "$scorer" "$gold" "$work/pred" "$@"
