#!/bin/sh
# Scores entity recognition on the CoNLL-2003 development set (shared/eval/ner/dev) end to end:
# `storyline extract --out-dir` over every document, then score_ner.py on the JSON as written.
#
#   tools/eval_ner.sh build/storyline [scorer options: --types PER,ORG,LOC | --errors | --json]
set -eu
bin=${1:?usage: tools/eval_ner.sh STORYLINE_BINARY [scorer options]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
gold="$here/../shared/eval/ner/dev"
[ -x "$bin" ] || { echo "eval_ner: no executable '$bin'" >&2; exit 2; }
[ -d "$gold" ] || { echo "eval_ner: no gold folder '$gold'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
"$bin" extract "$gold"/text/*.txt --out-dir "$work" --quiet
python3 "$gold/../../score_ner.py" "$gold" "$work" "$@"
