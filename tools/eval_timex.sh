#!/bin/sh
# Scores the TIMEX3 tagger on the TempEval-3 dev set (shared/eval/timex/dev) end to end:
# dump each document's text and DCT, run `storyline extract --jsonl` once over all of them (one
# {"id","date","text"} line per document), score the `timexes` with score_timex.py.
#
#   tools/eval_timex.sh build/storyline [GOLD_DIR] [--errors|--json|--per-doc]
#
# EVAL_TIMEX_KEEP=DIR keeps the per-document predictions in DIR for inspection.
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

# One JSON Lines input; the DCT's date part is the document date.
python3 - "$work/text" "$work/all.jsonl" <<'PY'
import glob, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
with open(dst, "w", encoding="utf-8") as out:
    for txt in sorted(glob.glob(os.path.join(src, "*.txt"))):
        doc = os.path.basename(txt)[:-4]
        with open(txt, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(txt[:-4] + ".dct", encoding="utf-8") as f:
            dct = f.read().strip()[:10]
        out.write(json.dumps({"id": doc, "date": dct, "text": text}) + "\n")
PY
if ! "$bin" extract --jsonl "$work/all.jsonl" --out-dir "$work/raw" --quiet 2>"$work/stderr"; then
  echo "eval_timex: extraction failed:" >&2
  head -5 "$work/stderr" >&2
  exit 2
fi
# Keep only what the scorer reads (timexes), whatever else the extraction carries.
python3 - "$work/raw" "$work/pred" <<'PY'
import glob, json, os, sys
for p in glob.glob(os.path.join(sys.argv[1], "*.json")):
    with open(p, encoding="utf-8") as f:
        d = json.load(f)
    with open(os.path.join(sys.argv[2], os.path.basename(p)), "w", encoding="utf-8") as f:
        json.dump({"timexes": d.get("timexes", [])}, f)
PY
if [ -n "${EVAL_TIMEX_KEEP:-}" ]; then mkdir -p "$EVAL_TIMEX_KEEP" && cp "$work/pred"/*.json "$EVAL_TIMEX_KEEP"/; fi
python3 "$scorer" "$gold" "$work/pred" "$@"
