#!/usr/bin/env python3
"""Writes the documents ../shared/anchors/bench.mjs --split N makes of a text file as JSON Lines, so
that extract_bench can run on exactly the documents chrono-node and compromise see:

    python3 bench/split_like_anchors.py news5.txt 4000 news5-split4000.jsonl
    STORYLINE_BENCH_CORPUS=news5-split4000.jsonl build/extract_bench --benchmark_filter=Timexes

(On the bench corpus the timex stage measures the same on these 997 documents as on the 3,851 of
news5.jsonl, within noise.) The cut follows bench.mjs's splitDocs: paragraphs end after a blank
line, paragraphs are gathered until a document reaches N bytes, and a paragraph over 4N bytes is
cut at line breaks.
"""
import json, sys

def split_docs(t, target):
    """The documents ../shared/anchors/bench.mjs --split makes of a text (its splitDocs)."""
    if not target:
        return [t]
    # Paragraphs: cut after every "\n[ \t]*\n" (a zero-width split, as the JavaScript lookbehind).
    cuts = []
    for j, ch in enumerate(t):
        if ch != '\n' or j + 1 >= len(t):
            continue
        k = j - 1
        while k >= 0 and t[k] in ' \t':
            k -= 1
        if k >= 0 and t[k] == '\n' and j + 1 > 0:
            cuts.append(j + 1)
    paras, prev = [], 0
    for c in cuts:
        paras.append(t[prev:c]); prev = c
    paras.append(t[prev:])
    paras = [p for p in paras if p] or ['']
    docs, cur, cur_bytes = [], '', 0
    def push(x):
        if x:
            docs.append(x)
    for p in paras:
        pb = len(p.encode('utf-8'))
        if pb > 4 * target:
            push(cur); cur = ''; cur_bytes = 0
            chunk, chunk_bytes = '', 0
            lines, prev = [], 0
            for j, ch in enumerate(p):
                if ch == '\n' and j + 1 < len(p):
                    lines.append(p[prev:j + 1]); prev = j + 1
            lines.append(p[prev:])
            for line in lines:
                chunk += line; chunk_bytes += len(line.encode('utf-8'))
                if chunk_bytes >= target:
                    push(chunk); chunk = ''; chunk_bytes = 0
            push(chunk)
            continue
        cur += p; cur_bytes += pb
        if cur_bytes >= target:
            push(cur); cur = ''; cur_bytes = 0
    push(cur)
    return docs

if __name__ == '__main__':
    text = open(sys.argv[1], encoding='utf-8').read()
    docs = split_docs(text, int(sys.argv[2]))
    assert ''.join(docs) == text
    with open(sys.argv[3], 'w', encoding='utf-8') as out:
        for i, d in enumerate(docs):
            out.write(json.dumps({'id': 's%05d' % i, 'text': d}, ensure_ascii=False) + '\n')
    print(len(docs), 'documents', file=sys.stderr)
