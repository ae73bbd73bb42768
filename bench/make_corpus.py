#!/usr/bin/env python3
"""A deterministic news-like throughput corpus: the bundled example articles plus, when ../shared
is present, the CoNLL-2003 dev texts, shuffled with a fixed seed and repeated until SIZE MB.

  python3 bench/make_corpus.py OUT_PREFIX SIZE_MB
writes OUT_PREFIX.jsonl ({"id","date","text"} per line, for storyline) and OUT_PREFIX.txt (the same
documents separated by blank lines, for ../shared/anchors/bench.mjs --split 4000). Not committed:
build it into /tmp (see docs/scale.md)."""
import glob
import json
import os
import random
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
prefix, size_mb = sys.argv[1], float(sys.argv[2])
files = sorted(glob.glob(os.path.join(root, "examples", "*.txt")))
files += sorted(glob.glob(os.path.join(root, "..", "shared", "eval", "ner", "dev", "text", "*.txt")))
texts = []
for f in files:
    with open(f, encoding="utf-8") as fh:
        t = fh.read().strip()
    # Blank lines would split a document in bench.mjs; paragraphs stay single-newline separated.
    texts.append("\n".join(line for line in t.splitlines() if line.strip()))
rng = random.Random(7)
target, total, n = int(size_mb * 1e6), 0, 0
with open(prefix + ".jsonl", "w", encoding="utf-8") as js, open(prefix + ".txt", "w", encoding="utf-8") as tx:
    while total < target:
        order = list(range(len(texts)))
        rng.shuffle(order)
        for i in order:
            if total >= target:
                break
            t = texts[i]
            date = f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            js.write(json.dumps({"id": f"d{n:07d}", "date": date, "text": t}, ensure_ascii=False) + "\n")
            tx.write(t + "\n\n")
            total += len(t.encode("utf-8"))
            n += 1
print(f"{prefix}: {n} documents, {total / 1e6:.1f} MB of text", file=sys.stderr)
