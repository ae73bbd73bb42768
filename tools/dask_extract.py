#!/usr/bin/env python3
"""storyline past one machine: JSON Lines shards mapped through `storyline extract` on Dask
workers, reduced with `storyline merge` (associative and commutative, so any grouping and any
order give the same bytes as one merge over the whole corpus).

  # a real cluster (every worker has the storyline binary and can read the inputs):
  python3 tools/dask_extract.py --scheduler tcp://scheduler:8786 --work-dir /shared/run1 \\
      -o merged.json corpus/*.jsonl
  # a local cluster of worker processes on this machine (what the test runs):
  python3 tools/dask_extract.py --local 4 -o merged.json corpus.jsonl

Shards are cut at line boundaries (--shard-docs documents each); each map task runs
`storyline extract --compact -j 1 SHARD -o SHARD.out.jsonl` (a process, so a crashed document cannot
take a worker down, and a retried task rewrites the same bytes); merges run as a tree of
--fan-in inputs, the last one writes -o. Needs python3-distributed (Debian) on driver and workers.
"""
import argparse
import os
import shutil
import subprocess
import sys


def run(cmd):
    """Runs one storyline command on a worker; raises with its stderr on failure."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    return cmd[-1]


def extract_shard(binary, shard, out, extra):
    return run([binary, "extract", "--compact", "--quiet", "-j", "1", *extra, shard, "-o", out])


def merge_files(binary, out, compact, *inputs):
    # -j 1: a worker process per core, as for extract.
    return run([binary, "merge", *(["--compact"] if compact else []), "-j", "1", "--quiet", *inputs, "-o", out])


def cut_shards(inputs, shard_docs, work_dir):
    """JSON Lines inputs into shard files of at most shard_docs lines each, in input order.
    Document ids must be unique across the corpus (storyline extract makes them unique only
    within one run)."""
    shards, n, out = [], 0, None
    for path in inputs:
        with open(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                if out is None or n == shard_docs:
                    if out:
                        out.close()
                    shards.append(os.path.join(work_dir, f"shard-{len(shards):06d}.jsonl"))
                    out, n = open(shards[-1], "wb"), 0
                out.write(line if line.endswith(b"\n") else line + b"\n")
                n += 1
    if out:
        out.close()
    return shards


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="JSON Lines files ({\"id\",\"date\",\"text\"} per line)")
    ap.add_argument("-o", "--output", required=True, help="merged graph JSON")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    where.add_argument("--local", type=int, metavar="N", default=0, help="start a local cluster of N worker processes")
    ap.add_argument("--binary", default=shutil.which("storyline") or "storyline", help="storyline on the workers")
    ap.add_argument("--work-dir", default="storyline-dask", help="shards and partial results (shared by all workers)")
    ap.add_argument("--shard-docs", type=int, default=1000, help="documents per shard")
    ap.add_argument("--fan-in", type=int, default=8, help="inputs per merge task")
    ap.add_argument("--date", help="passed to extract")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    os.makedirs(args.work_dir, exist_ok=True)
    work = os.path.abspath(args.work_dir)
    shards = cut_shards(args.inputs, max(1, args.shard_docs), work)
    if not shards:
        print("dask_extract: error: no documents", file=sys.stderr)
        return 1
    extra = ["--date", args.date] if args.date else []
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, args.local or 2), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        # Map.
        level = [client.submit(extract_shard, args.binary, s, s[:-len(".jsonl")] + ".out.jsonl", extra,
                               key=f"extract-{os.path.basename(s)}", pure=False) for s in shards]
        # Reduce: a tree of merges; the order and grouping do not change the result.
        # Intermediate merges are compact; the last one is written like `storyline merge` writes it.
        fan, depth = max(2, args.fan_in), 0
        while len(level) > 1 or depth == 0:
            last = len(level) <= fan
            nxt = []
            for i in range(0, len(level), fan):
                out = os.path.join(work, f"merge-{depth}-{i // fan:06d}.json")
                nxt.append(client.submit(merge_files, args.binary, out, not last, *level[i:i + fan],
                                         key=f"merge-{depth}-{i // fan}", pure=False))
            level, depth = nxt, depth + 1
        final = level[0].result()
        shutil.copyfile(final, args.output)
    finally:
        client.close()
        if not args.scheduler:
            cluster.close()
    print(f"dask_extract: {len(shards)} shard(s) -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
