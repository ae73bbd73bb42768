#!/usr/bin/env bash
# Re-renders every bundled example into examples/rendered/ (SVG and PNG of both diagrams).
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
echo "rendered $(ls examples/rendered | wc -l) files into examples/rendered/"
