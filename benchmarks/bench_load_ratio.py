"""Is cleaning ever the bottleneck? ``load_corpus`` per core against the tokenize stage, on the same text.

Usage: python benchmarks/bench_load_ratio.py [--sets cpc seeds news mixed] [--mb 5] [--repeat 5]
                                             [--scale-mb 50] [--scale-repeat 2]

Per set of documents, in one process: ``load_corpus(folder, cache=False, scheduler="serial")``
(read, decode, every cleaning step, metadata, paragraphs, duplicate signatures and corpus
terms: the whole in-memory path) against the tokenize stage of the corpus it returns
(``corpus.segment.tokens`` on its paragraphs with its ``token_config``, one thread, no cache:
what ``Corpus.tokens`` runs). Each stage's MB/s is of its own input: the files' bytes for the
load, the cleaned paragraphs' UTF-8 bytes for the tokenizer. The two alternate ``--repeat``
times and the best of each is compared, so a burst of other work on a shared machine cannot
decide the ratio; the same by CPU time (this process's), which other work on a shared machine
disturbs less. Sets:

- ``cpc``: the 12 CPC reports (``../shared/corpora/cpc``, read in place), official reports;
- ``seeds``: the five scraped news articles of ``seeds/`` (40 KB: fixed costs show here);
- ``news``: ``--mb`` MB of news-like documents built from the seeds' lines only (each
  a shuffled draw of ~3,000 characters under a numbered first line);
- ``mixed``: ``--mb`` MB built as ``bench_load_clean.py`` builds its corpus (the seeds' and
  the CPC reports' paragraphs; one file in ten written as GB18030).

After the ratios, where one load's time goes (the best of ``--repeat`` loads with a timer around
each stage): reading and decoding, the cleaning steps, the audit's spans, raw offsets and
summaries, duplicate signatures and their pass, paragraphs, corpus terms, the tables, the rest.
Paragraphs and corpus terms belong to the structure and the tokenizer's lexicon, not to the
issue's list (read, decode, every cleaning step, duplicates); a last line gives the ratio of the
load without them, labelled as such, beside the whole load's.

Each set's header gives its non-blank lines and how many are distinct: ``news`` repeats the
seeds' few hundred lines (5 MB: about 14,700 lines, 681 distinct), so work done once per
distinct line or phrase (a cache, a set) gains more there than it would on real news.

With ``--scale-mb`` (0: skip), the 2-core figure: load + tokens of a corpus of that size
(``bench_tokenize.py``'s build) with one core against two, for each way of using two: the
in-memory path with two workers (cleaning in two processes, segmenting in two threads) and
the streaming path on two processes. Rounds alternate the runs (``--scale-repeat``), best
of each, with the CPU seconds of this process and its workers beside the wall time: where
other work shares the two cores, the CPU time shows what the wall time could be. Then the best
in-memory runs split (the load; of it, cleaning, signing and corpus terms, what the workers
share; the rest of the load, in this process; tokens) and the most two workers could give were
that shared part exactly halved and all else as measured (Amdahl's bound of this design). Last,
what two processes give this machine on four kinds of work alone (interpreted Python, NumPy
in a core's cache, NumPy streaming through memory, touching new memory): the ceiling the
hardware sets, which on a virtual machine can be below 2x for the last two kinds (1.7-1.9x on
the project's two-core machine).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from statistics import median

import corpus
from corpus.schedule import progress_bars
from corpus.segment import tokens

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_load_clean  # noqa: E402
import bench_tokenize  # noqa: E402


def news_corpus(folder: Path, target_mb: float) -> None:
    """Documents drawn from the seed articles' lines only (their headers, bylines and notices included)."""
    lines = bench_tokenize.source_lines([ROOT / "seeds"], keep=str.strip)
    bench_tokenize.write_documents(folder, lines, target_mb, kind="新闻", prefix="news")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.txt"))


def line_counts(folder: Path) -> tuple[int, int]:
    """Non-blank lines of the files and how many of them are distinct: where few are, what a step finds once per
    distinct line (a cache, a set) costs little, and the set says less of a corpus whose lines differ."""
    lines = [line for p in folder.glob("*.txt") for line in p.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return len(lines), len(set(lines))


def load_vs_tokens(folder: Path, repeat: int) -> tuple[float, float]:
    """Best MB/s of the load and of the tokenize stage, alternating ``repeat`` times; by wall time, then by CPU time.

    Both stages run in this process on one thread, so its CPU time is their work alone: on a
    shared machine, where other sessions' bursts lengthen the wall time, the CPU ratio is the steadier.
    """
    nbytes = folder_bytes(folder)
    loads, toks = [], []
    docs = corpus.load_corpus(folder, pattern="*.txt", cache=False, scheduler="serial", progress=False)  # warm-up
    paras = docs.paragraphs
    text_bytes = sum(len(t.encode("utf-8")) for t in paras["text"])
    config = replace(docs.token_config, corpus_lexicon=False)
    tokens(paras, config, cache=False, workers=1)  # warm-up: dictionary loading is start-up
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        corpus.load_corpus(folder, pattern="*.txt", cache=False, scheduler="serial", progress=False)
        loads.append((time.perf_counter() - wall, time.process_time() - cpu))
        wall, cpu = time.perf_counter(), time.process_time()
        tokens(paras, config, cache=False, workers=1)
        toks.append((time.perf_counter() - wall, time.process_time() - cpu))
    rates = []
    for k, clock in enumerate(("wall", "CPU")):
        load_s, tok_s = min(run[k] for run in loads), min(run[k] for run in toks)
        load_rate, tok_rate = nbytes / 1e6 / load_s, text_bytes / 1e6 / tok_s
        print(f"  {clock:4} load_corpus, 1 core : {load_rate:7.2f} MB/s  ({nbytes / 1e6:.2f} MB in {load_s:.3f} s; runs "
              + ", ".join(f"{run[k]:.3f}" for run in loads) + ")")
        print(f"  {clock:4} tokenize, 1 thread  : {tok_rate:7.2f} MB/s  ({text_bytes / 1e6:.2f} MB in {tok_s:.3f} s; runs "
              + ", ".join(f"{run[k]:.3f}" for run in toks) + ")")
        print(f"  {clock:4} load / tokenize     : {load_rate / tok_rate:7.2f}x  (must hold >= 1, aim 3)")
        rates.append((load_rate, tok_rate))
    return rates[0]


#: The load's stages, each timed where the loader calls it: (label, module, function name).
STAGES = [
    ("reading and decoding", "corpus.io", "read_paths"),
    ("cleaning steps", "corpus.pipeline", "clean_blocks"),
    ("audit spans, offsets, summaries", "corpus.pipeline", "block_raw_offsets"),
    ("audit spans, offsets, summaries", "corpus.pipeline", "block_text_spans"),
    ("audit spans, offsets, summaries", "corpus.pipeline", "collapse_blocks"),
    ("duplicates (signatures, pass)", "corpus.pipeline", "text_signatures"),
    ("duplicates (signatures, pass)", "corpus.load", "duplicates_of"),
    ("paragraphs", "corpus.pipeline", "paragraphs"),
    ("corpus terms", "corpus.pipeline", "_terms"),
    ("tables", "corpus.pipeline", "_cleaned_frames"),
    ("tables", "corpus.pipeline", "merge_metadata"),
    ("tables", "corpus.load", "in_memory_corpus"),
]


def stage_split(folder: Path, repeat: int, tok_rate: float) -> None:
    """Where the load's time goes: the best of ``repeat`` loads, each stage timed by a wrapper around it."""
    import importlib

    spent: dict[str, float] = {}
    originals = []
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        originals.append((module, name, original))

        def timed(*args, _f=original, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)
    best: tuple[float, dict[str, float]] | None = None
    try:
        for _ in range(repeat):
            spent.clear()
            start = time.perf_counter()
            corpus.load_corpus(folder, pattern="*.txt", cache=False, scheduler="serial", progress=False)
            total = time.perf_counter() - start
            if best is None or total < best[0]:
                best = (total, dict(spent))
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    total, split = best
    split["other (listing, metadata, frames)"] = total - sum(split.values())
    print(f"  where one load's {total * 1000:.1f} ms go (best of {repeat}): "
          + ", ".join(f"{label} {ms * 1000:.1f}" for label, ms in split.items()))
    scoped = total - split.get("paragraphs", 0.0) - split.get("corpus terms", 0.0)
    nbytes = folder_bytes(folder)
    print(f"  load without paragraphs and corpus terms (the issue's list: read, decode, cleaning, duplicates): "
          f"{nbytes / 1e6 / scoped:.2f} MB/s, {nbytes / 1e6 / scoped / tok_rate:.2f}x the tokenize stage (wall)")


def scale(folder: Path, repeat: int, cache_dir: Path) -> None:
    """Load + tokens on one core against two, each way of using two, alternating rounds; then where the in-memory runs' time goes."""
    import corpus.pipeline

    nbytes = folder_bytes(folder)
    parts: dict[int, list[tuple[float, float, float, float]]] = {1: [], 2: []}  # (total, load, of it cleaning, tokens)
    clean_and_sign = corpus.pipeline.clean_and_sign

    def in_memory(workers: int) -> float:
        cleaning = []

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return clean_and_sign(*args, **kwargs)
            finally:
                cleaning.append(time.perf_counter() - start)

        corpus.pipeline.clean_and_sign = timed
        try:
            t = time.perf_counter()
            scheduler = "serial" if workers == 1 else "processes"
            docs = corpus.load_corpus(folder, cache=False, scheduler=scheduler, workers=workers, progress=False)
            loaded = time.perf_counter()
            tokens(docs.paragraphs, replace(docs.token_config, corpus_lexicon=False), cache=False, workers=workers)
            end = time.perf_counter()
        finally:
            corpus.pipeline.clean_and_sign = clean_and_sign
        parts[workers].append((end - t, loaded - t, sum(cleaning), end - loaded))
        return end - t

    def streaming(workers: int) -> float:
        fresh = Path(tempfile.mkdtemp(dir=cache_dir))  # an empty cache each run: nothing is served from an earlier one
        t = time.perf_counter()
        docs = corpus.load_corpus(folder, cache_dir=fresh, scheduler="processes", workers=workers,
                                  stream_above_mb=0, progress=False)  # fmt: skip
        docs.tokens()  # written by the streaming path's tokenize stage: read back, as a user would
        return time.perf_counter() - t

    runs = {"in memory, 1 core": lambda: in_memory(1), "in memory, 2 workers": lambda: in_memory(2),
            "streaming, 2 processes": lambda: streaming(2)}  # fmt: skip
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    with progress_bars(False):
        for _ in range(repeat):
            for name, run in runs.items():
                before = cpu_seconds()
                wall = run()
                times[name].append((wall, cpu_seconds() - before))
    one = min(wall for wall, _ in times["in memory, 1 core"])
    one_median = median(wall for wall, _ in times["in memory, 1 core"])
    for name, runs_ in times.items():
        best, cpu = min(runs_)
        middle = median(wall for wall, _ in runs_)
        print(f"  {name:24} {nbytes / 1e6 / best:7.2f} MB/s  {best:7.2f} s  {one / best:5.2f}x one core  "
              f"(CPU {cpu:.2f} s, this process and its workers; median of the rounds {middle:.2f} s, "
              f"{one_median / middle:.2f}x the median one core)  [runs " + ", ".join(f"{w:.2f}" for w, _ in runs_) + "]")
    (total1, load1, clean1, tok1), (total2, load2, clean2, tok2) = min(parts[1]), min(parts[2])
    for label, (total, load, clean, tok) in (("1 core", min(parts[1])), ("2 workers", min(parts[2]))):
        print(f"  in memory, {label:9}: load {load:.2f} s (cleaning, signing, corpus terms {clean:.2f}; the rest, "
              f"in this process, {load - clean:.2f}), tokens {tok:.2f} s")
    bound = total1 / (load1 - clean1 + clean1 / 2 + tok2)
    print(f"  with cleaning, signing and corpus terms halved and all else as measured (the rest of the load on one "
          f"core, tokens as on two threads), two workers could reach at most {bound:.2f}x one core")


# What two cores give this machine's work of four kinds, so the load's figure can be read against
# it: interpreted Python (the cleaning steps), NumPy over data that stays in a core's cache (signatures,
# a chunk's offsets), NumPy streaming a large array through memory (the tokens stage's final pass,
# the tables), and new memory, whose pages the kernel maps and zeroes on first touch (every large
# temporary array). Each alone in a worker process, then two at once.


def _python_work() -> None:
    total = 0
    for i in range(3_000_000):
        total += i * i % 7


def _cached_numpy() -> None:
    import numpy as np

    a = np.ones(128 * 1024, dtype=np.int64)  # 1 MB
    for _ in range(2500):
        a += 1


_LARGE: list = []


def _streaming_numpy() -> None:
    import numpy as np

    if not _LARGE:
        _LARGE.append(np.ones(32 * 1024 * 1024, dtype=np.int64))  # 256 MB, its pages touched before the clock starts
        _LARGE[0] += 1
    for _ in range(10):
        _LARGE[0] += 1


def _fresh_memory() -> None:
    import numpy as np

    for _ in range(5):
        np.ones(64 * 1024 * 1024, dtype=np.uint8)  # 64 MB of new pages each time (a large temporary array)


def _timed(name: str, barrier=None) -> float:
    work = globals()[name]
    work()  # warm: imports, first touch
    if barrier is not None:
        barrier.wait()  # both processes start the clock together
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def machine_scaling(rounds: int = 5) -> None:
    """Print two processes' speed-up over one on each kind of work (median of ``rounds``): the ceiling the hardware sets."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    figures = []
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:  # its barriers reach the pool's processes
        for name, label in (("_python_work", "interpreted Python"), ("_cached_numpy", "NumPy in cache"),
                            ("_streaming_numpy", "NumPy streaming 256 MB"), ("_fresh_memory", "new memory (page faults)")):  # fmt: skip
            ratios = []
            for _ in range(rounds):
                barrier = manager.Barrier(2)
                with ProcessPoolExecutor(2, mp_context=context) as pool:
                    alone = pool.submit(_timed, name).result()
                    both = [f.result() for f in [pool.submit(_timed, name, barrier) for _ in range(2)]]
                ratios.append(2 * alone / max(both))
            figures.append(f"{label} {median(ratios):.2f}x")
    print("  this machine, two processes against one on the same work (median of "
          f"{rounds}; the hardware's ceiling): " + ", ".join(figures))


def cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes: on a shared machine, what the wall time cannot tell."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=["cpc", "seeds", "news", "mixed"])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the generated sets (news, mixed)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale-mb", type=float, default=0.0, help="corpus size for the 2-core figure (0: skip)")
    parser.add_argument("--scale-repeat", type=int, default=2)
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # metadata notes on every load would drown the figures
    print(f"{os.cpu_count()} cores; best of {args.repeat} alternating runs per stage")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            if name == "cpc":
                if not args.cpc.is_dir():
                    print("cpc: folder absent, skipped")
                    continue
                folder = args.cpc
            elif name == "seeds":
                folder = ROOT / "seeds"
            else:
                folder = Path(tmp) / name
                folder.mkdir()
                if name == "news":
                    news_corpus(folder, args.mb)
                else:
                    bench_load_clean.build(args.mb, bench_load_clean.source_paragraphs(args.cpc), folder)
            n_lines, distinct = line_counts(folder)
            print(f"{name}: {len(list(folder.glob('*.txt')))} documents, {folder_bytes(folder) / 1e6:.2f} MB, "
                  f"{n_lines:,} lines ({distinct:,} distinct)")
            stage_split(folder, args.repeat, load_vs_tokens(folder, args.repeat)[1])
        if args.scale_mb:
            folder = Path(tmp) / "scale"
            folder.mkdir()
            bench_tokenize.build(folder, args.scale_mb, args.cpc)
            print(f"scale: {len(list(folder.glob('*.txt')))} documents, {folder_bytes(folder) / 1e6:.1f} MB; "
                  f"load + tokens, best of {args.scale_repeat} rounds")
            (Path(tmp) / "cache").mkdir()
            scale(folder, args.scale_repeat, Path(tmp) / "cache")
            machine_scaling()


if __name__ == "__main__":
    main()
