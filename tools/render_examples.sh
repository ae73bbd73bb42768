#!/usr/bin/env bash
# Re-renders every bundled example into examples/rendered/ (SVG and PNG of both diagrams), and the
# HTML report of nissan_renault.
# Usage: tools/render_examples.sh [path/to/storyline]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/storyline}
mkdir -p examples/rendered
for txt in examples/*.txt; do
  name=$(basename "$txt" .txt)
  date=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['date'])" "examples/$name.meta.json")
  for kind in graph timeline; do
    for ext in svg png; do
      "$bin" "$kind" "$txt" --date "$date" --quiet -o "examples/rendered/$name.$kind.$ext"
    done
  done
done
# The self-contained HTML report of the seed-like example (docs/diagrams.md).
date=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['date'])" examples/nissan_renault.meta.json)
"$bin" report examples/nissan_renault.txt --date "$date" --quiet -o examples/rendered/nissan_renault.report.html
echo "rendered $(ls examples/rendered | wc -l) files into examples/rendered/"
