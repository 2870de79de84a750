"""Scaling of the streaming path: corpus size × workers × scheduler → wall time, MB/s, efficiency, peak memory.

Usage: python benchmarks/bench_scale.py [--sizes 1 10 100 1000] [--runs serial:1 threads:2 processes:2 dask:2]

For each size (MB of UTF-8 text on disk) a corpus is built once under ``--work`` from the
real paragraphs of the seeds and, where present, ``../shared/corpora/cpc`` (read in place),
as ~3,000-character documents each made unique by a numbered first line (the builder of
``bench_tokenize.py``). Each run is one cold ``stream_corpus`` (read, clean, paragraphs,
duplicate signatures, tokenize, all written as Parquet shards into an empty folder) plus
``dtm(corpus, "doc", min_df=2)``, in a fresh child process; the parent samples the resident
memory of that process and all its children (workers included) every 0.1 s. ``all`` as a
worker count means every core. Runs go in rounds (``--repeat``, for sizes up to
``--repeat-up-to``), every scheduler once per round, and each row shows its fastest round
with that round's stage times (scan, clean, tokenize from the manifest; counting) and every
round's wall time. Parallel efficiency = T(serial, 1 worker) / (workers × T), both fastest
rounds. One table is printed; the machine is shared and noisy, so compare within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_tokenize import build  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from corpus.features import dtm
from corpus.stream import MANIFEST, stream_corpus
from corpus.schedule import Runner
src, out, scheduler, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = time.perf_counter()
with Runner(scheduler, workers) as runner:
    t1 = time.perf_counter()
    sharded = stream_corpus(src, out, runner=runner, shard_mb=float(sys.argv[5]))
    t2 = time.perf_counter()
    counts = dtm(sharded, "doc", min_df=2, runner=runner)
    t3 = time.perf_counter()
stages = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))["seconds"]
print(json.dumps({"startup": t1 - t0, "stream": t2 - t1, "count": t3 - t2, "stages": stages, "docs": len(sharded),
                  "shards": len(sharded.shards), "terms": len(counts.terms), "nnz": int(counts.matrix.nnz)}))
"""


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_one(src: Path, out: Path, scheduler: str, workers: int, shard_mb: float) -> dict:
    """One cold run in a child process: its timings and the peak memory of its process tree."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "CORPUS_PROGRESS": "0", "CORPUS_CACHE_DIR": str(out.parent / "cache-unused")}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(src), str(out), scheduler, str(workers), str(shard_mb)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    proc, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, tree_rss(proc))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{scheduler}/{workers} failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    shutil.rmtree(out, ignore_errors=True)
    return {**result, "wall": wall, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100, 1000], help="corpus sizes in MB")
    parser.add_argument("--runs", nargs="+", default=["serial:1", "threads:2", "processes:2", "dask:2", "processes:all", "dask:all"],
                        help="scheduler:workers pairs (workers a number or 'all'); the first must be serial:1")  # fmt: skip
    parser.add_argument("--threads-up-to", type=float, default=100.0,
                        help="skip thread runs above this size (MB): cleaning holds the GIL, so they take as long as serial")
    parser.add_argument("--repeat", type=int, default=2,
                        help="rounds of every run per size; the table shows each run's fastest round (noisy machines)")
    parser.add_argument("--repeat-up-to", type=float, default=100.0,
                        help="sizes above this (MB) get one round: a 1 GB round takes most of an hour on 2 cores")
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    parser.add_argument("--work", type=Path, default=Path("/tmp/corpus-bench-scale"), help="where corpora and shards go")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    runs, seen = [], set()
    for item in args.runs:
        scheduler, _, n = item.partition(":")
        workers = cores if n == "all" else int(n)
        if (scheduler, workers) not in seen:  # "all" is 2 on a 2-core machine: run it once
            seen.add((scheduler, workers))
            runs.append((scheduler, workers))
    if runs[0] != ("serial", 1):
        parser.error("the first run must be serial:1 (the baseline of parallel efficiency)")
    disk = psutil.disk_usage(str(args.work.parent if not args.work.exists() else args.work))
    print(f"{cores} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB memory, {disk.free / 2**30:.0f} GiB free disk; "
          f"python {sys.version.split()[0]}", flush=True)  # fmt: skip
    header = (f"{'size MB':>8} {'docs':>7} {'shards':>6} {'scheduler':>10} {'workers':>7} {'wall s':>8} {'MB/s':>6} {'effic.':>6} "
              f"{'peak MB':>8} {'peak/size':>9} | {'scan':>6} {'clean':>6} {'tok.':>6} {'count':>6} | all runs (s)")  # fmt: skip
    print(header + "\n" + "-" * len(header), flush=True)
    for size in args.sizes:
        src = args.work / f"corpus-{size:g}MB"
        if not (src / ".complete").is_file():
            shutil.rmtree(src, ignore_errors=True)
            src.mkdir(parents=True)
            build(src, size, args.cpc)
            (src / ".complete").touch()
        nbytes = sum(p.stat().st_size for p in src.glob("*.txt"))
        todo = [(sch, w) for sch, w in runs if not (sch == "threads" and size > args.threads_up_to)]
        repeats = args.repeat if size <= args.repeat_up_to else 1
        walls: dict[tuple[str, int], list[float]] = {run: [] for run in todo}
        best: dict[tuple[str, int], dict] = {}
        for _ in range(repeats):  # rounds of every run, so a noisy minute hits all schedulers alike
            for scheduler, workers in todo:
                r = run_one(src, args.work / "shards", scheduler, workers, shard_mb=min(16.0, max(0.125, size / 32)))
                walls[(scheduler, workers)].append(r["wall"])
                if (scheduler, workers) not in best or r["wall"] < best[(scheduler, workers)]["wall"]:
                    best[(scheduler, workers)] = r
        baseline = best[("serial", 1)]["wall"]
        for scheduler, workers in runs:
            if (scheduler, workers) not in best:
                print(f"{nbytes / 1e6:8.1f} {'':7} {'':6} {scheduler:>10} {workers:7d}   skipped: thread runs stop at --threads-up-to "
                      f"{args.threads_up_to:g} MB (cleaning holds the GIL; see the rows above)", flush=True)  # fmt: skip
                continue
            r, st = best[(scheduler, workers)], best[(scheduler, workers)]["stages"]
            efficiency = baseline / (workers * r["wall"])
            print(f"{nbytes / 1e6:8.1f} {r['docs']:7d} {r['shards']:6d} {scheduler:>10} {workers:7d} {r['wall']:8.1f} "
                  f"{nbytes / 1e6 / r['wall']:6.2f} {efficiency:6.0%} {r['peak'] / 1e6:8.0f} {r['peak'] / nbytes:9.2f} | "
                  f"{st['scan']:6.1f} {st['clean']:6.1f} {st['tokenize']:6.1f} {r['count']:6.1f} | "
                  f"{', '.join(f'{w:.1f}' for w in walls[(scheduler, workers)])}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
