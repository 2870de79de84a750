"""Throughput of loading and cleaning: prints MB/s per stage on a corpus built from real text.

Usage: python benchmarks/bench_load_clean.py [--mb 5] [--cpc ../shared/corpora/cpc]

The corpus is built from the paragraphs of the seeds (and of the CPC reports where that
folder exists), shuffled with a fixed seed into documents of about 3,000 characters, each
made unique by a numbered first line, and written as UTF-8 files (one in ten as GB18030,
so the charset detector is exercised). Figures are from one run; rerun for noise.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import corpus
from corpus import io
from corpus.clean import clean_text

ROOT = Path(__file__).resolve().parents[1]


def source_paragraphs(cpc: Path) -> list[str]:
    folders = [ROOT / "seeds"] + ([cpc] if cpc.is_dir() else [])
    paras = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            paras += [p for p in path.read_text(encoding="utf-8").splitlines() if len(p) > 20]
    return paras


def build(target_mb: float, paras: list[str], out: Path) -> int:
    rng = random.Random(0)
    written, i = 0, 0
    while written < target_mb * 1e6:
        body, size = [f"第{i}号文档"], 0
        while size < 3000:
            p = rng.choice(paras)
            body.append(p)
            size += len(p)
        data = "\n".join(body).encode("gb18030" if i % 10 == 9 else "utf-8")
        (out / f"doc{i:06d}.txt").write_bytes(data)
        written += len(data)
        i += 1
    return written


def rate(nbytes: int, seconds: float) -> str:
    return f"{nbytes / 1e6 / seconds:8.2f} MB/s  ({seconds:6.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB")
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nbytes = build(args.mb, source_paragraphs(args.cpc), folder)
        files = sorted(folder.glob("*.txt"))
        print(f"corpus: {len(files)} documents, {nbytes / 1e6:.1f} MB ({'with' if args.cpc.is_dir() else 'without'} CPC paragraphs)")

        t = time.perf_counter()
        raws = [io.decode_bytes(p.read_bytes()).text for p in files]
        print("read + decode      ", rate(nbytes, time.perf_counter() - t))

        t = time.perf_counter()
        for raw in raws:
            clean_text(raw)
        print("clean (all steps)  ", rate(nbytes, time.perf_counter() - t))

        t = time.perf_counter()
        docs = corpus.load_corpus(folder)
        print("load_corpus (total)", rate(nbytes, time.perf_counter() - t), f"{len(docs)} docs")

        t = time.perf_counter()
        corpus.sentences(docs)
        print("paragraphs+sentences", rate(nbytes, time.perf_counter() - t))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
