#!/usr/bin/env python3
"""Hostile texts for the linearity check of issue 7: each kind at a base size and at ten times it.

Usage: bench/hostile_corpus.py OUT_DIR [KIND ...]
Writes OUT_DIR/<kind>_1x.txt and OUT_DIR/<kind>_10x.txt (fixed seeds: the same bytes every run).
tools/bench_hostile.sh counts the instructions `storyline extract` spends on each.

Each kind stresses a step that would grow with the square of a document if it looked back over
everything read so far: long runs with no full stop, one story told thousands of times, pronouns
far from any name, thousands of people or companies, markup, quotes, lists, dates.
"""
import random
import sys
from pathlib import Path

SYLLABLES = ["ka", "ro", "vel", "min", "da", "si", "or", "vat", "te", "lu", "mar", "nos", "bri", "gen", "tal", "fe"]


def name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def words(vocab):
    # n words drawn from vocab, one run with no full stop of its own
    return lambda rng, n: " ".join(rng.choice(vocab) for _ in range(n)) + "."


KINDS = {
    # kind: (text of size n, n at 1x)
    "said": (words(["Smith", "said", "Jones", "told", "Acme", "Corp.", "acquired", "in", "Paris", "Beta",
                    "Inc.", ",", "and"]), 20000),
    "runon": (words(["Smith", "said", "Jones", "told", "Acme", "Corp.", "acquired", "in", "Paris", "Beta",
                     "Inc.", ",", "and", "the", "company", "who", "sold", "after", "2019", "May", "he", "it",
                     "with", "of"]), 20000),
    "caps": (words(["Alpha", "Beta", "Gamma", "Smith", "Tokyo", "Inc.", "Co.", "Mr.", "and", "of"]), 20000),
    "months": (words(["January", "May", "March 3,", "1st", "2019", "since", "ago", "week", "the", "of"]), 20000),
    "digits": (lambda rng, n: " ".join(str(rng.randint(1, 2030)) for _ in range(n)) + ".", 20000),
    "noalnum": (lambda rng, n: "".join(rng.choice(".,;:'\"()-&") for _ in range(3 * n)), 20000),
    "pronouns": (lambda rng, n: "".join(
        f"{rng.choice(['Initech', 'Acme Corp.', 'John Smith', 'Mary Jones'])} met "
        f"{rng.choice(['Peter Brown', 'Globex'])} in {rng.choice(['London', 'Berlin', 'Tokyo'])}. "
        "He said it acquired the unit. It sold shares. She resigned. " for _ in range(n)), 1000),
    "retold": (lambda rng, n: "".join(
        f"Acme Corp. acquired Beta Inc. on {1 + i % 28} May {1990 + i % 30}. Gamma LLC sold Delta Ltd. after the "
        "acquisition. Acme Corp. acquired Beta Inc. " for i in range(n)), 1000),
    "relative": (lambda rng, n: "".join(
        f"The next day, {name(rng)} Corp. sued {name(rng)} Inc. Two days later, it settled with {name(rng)} Ltd. "
        f"in {rng.choice(['Paris', 'Oslo', 'Lima'])}. A week earlier, {name(rng)} {name(rng)} had resigned. "
        for _ in range(n)), 500),
    "people": (lambda rng, n: " ".join(
        f"{f} {l} joined {name(rng)} Group as chief executive. {l} said the group would grow. Mr. {l} later left."
        for f, l in ((name(rng), name(rng)) for _ in range(n))), 700),
    "markup": (lambda rng, n: "".join(
        f"<div class=\"story\"><script>var a='{name(rng)} Corp.';</script><p>{name(rng)} Inc. hired "
        f"{name(rng)} {name(rng)} on {1 + i % 28} May 20{10 + i % 15}.</p></div>\n" for i in range(n)), 600),
    "quotes": (lambda rng, n: " ".join(
        f"\"{name(rng)} Corp. will sue,\" said {name(rng)} {name(rng)}, \"and {name(rng)} Inc. agreed to buy it,\""
        for _ in range(n)) + ".", 800),
    "list": (lambda rng, n: "Members include " + ", ".join(
        f"{name(rng)} {rng.choice(['Corp.', 'Inc.', 'Ltd.', 'Group'])}" for _ in range(n)) + ".", 4000),
    # lists closed by "and", 500 names each (a list is read for each of its suffixes)
    "andlists": (lambda rng, n: " ".join(
        "Members include " + ", ".join(f"{name(rng)} {rng.choice(['Corp.', 'Inc.', 'Ltd.', 'Group'])}" for _ in range(499)) +
        f" and {name(rng)} Corp." for _ in range(n)), 8),
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for kind in sys.argv[2:] or KINDS:
        make, n = KINDS[kind]
        for scale, label in ((1, "1x"), (10, "10x")):
            rng = random.Random(f"{kind}-{scale}")
            (out / f"{kind}_{label}.txt").write_text(make(rng, n * scale), encoding="utf-8")


if __name__ == "__main__":
    main()
