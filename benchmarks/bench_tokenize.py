"""Throughput of the analysis core: load, clean, tokenize (cold and cached), TF-IDF, clustering.

Usage: python benchmarks/bench_tokenize.py [--mb 50] [--cpc ../shared/corpora/cpc]

Builds a corpus of about ``--mb`` MB (UTF-8) from the real paragraphs of the seeds and,
where present, of the CPC reports (read in place), shuffled with a fixed seed into
~3,000-character documents, each made unique by a numbered first line so that no cache
is warm by accident. The cache folder is a fresh temporary one. Prints MB/s per stage
and, on the same cleaned paragraphs, raw ``jieba.lcut`` and raw ``rjieba.cut`` as
references (the 1-thread stage, the all-cores stage and raw ``rjieba.cut`` alternate three
times, best of each), the speed-up of segmentation on all cores, and the peak memory. One run; the machine is
noisy, so compare ratios within a run.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import corpus
from corpus.cluster import cluster_units
from corpus.features import dtm, tfidf
from corpus.segment import TokenConfig, segmenter_for, tokens, with_corpus_terms

ROOT = Path(__file__).resolve().parents[1]


def build(folder: Path, target_mb: float, cpc: Path) -> int:
    """The corpus of this benchmark: the paragraphs of the seeds and (where present) the CPC reports; bytes written."""
    return write_documents(folder, source_lines([ROOT / "seeds"] + ([cpc] if cpc.is_dir() else [])), target_mb)


def source_lines(folders: list[Path], keep: Callable[[str], bool] = lambda line: len(line) > 20) -> list[str]:
    """The lines of the ``*.txt`` files of these folders that ``keep`` keeps (default: paragraphs of over 20 characters)."""
    lines = []
    for source in folders:
        for path in sorted(source.glob("*.txt")):
            lines += [line for line in path.read_text(encoding="utf-8").splitlines() if keep(line)]
    return lines


def write_documents(folder: Path, lines: list[str], target_mb: float, *, kind: str = "文档", prefix: str = "doc") -> int:
    """About ``target_mb`` MB of ~3,000-character documents drawn from ``lines`` (fixed seed), each under a numbered first line.

    The numbered line (第{i}号文档) makes every document unique, so no cache is warm by accident.
    Returns the bytes written.
    """
    rng, written, i = random.Random(0), 0, 0
    while written < target_mb * 1e6:
        body, size = [f"第{i}号{kind}"], 0
        while size < 3000:
            body.append(rng.choice(lines))
            size += len(body[-1])
        data = "\n".join(body).encode("utf-8")
        (folder / f"{prefix}{i:06d}.txt").write_bytes(data)
        written, i = written + len(data), i + 1
    return written


class Timer:
    def __init__(self, label: str, nbytes: int, quiet: bool = False):
        self.label, self.nbytes, self.quiet = label, nbytes, quiet

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t
        if not self.quiet:
            report(self.label, self.nbytes, self.seconds)


class Best:
    """The fastest of repeated timings, printed like a Timer (with every run in brackets)."""

    def __init__(self, label: str, nbytes: int, seconds: list[float]):
        self.seconds = min(seconds)
        report(label, nbytes, self.seconds, " [" + ", ".join(f"{s:.2f}" for s in seconds) + "]")


def report(label: str, nbytes: int, seconds: float, extra: str = "") -> None:
    print(f"{label:44} {nbytes / 1e6 / seconds:8.2f} MB/s  {seconds:7.2f} s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache_dir = Path(tmp) / "corpus", Path(tmp) / "cache"
        folder.mkdir()
        nbytes = build(folder, args.mb, args.cpc)
        print(f"corpus: {len(list(folder.glob('*.txt')))} documents, {nbytes / 1e6:.1f} MB; {os.cpu_count()} cores")
        with Timer("load + clean (cold, all cores)", nbytes) as cold_clean:
            docs = corpus.load_corpus(folder, cache_dir=cache_dir)
        paras = corpus.paragraphs(docs)
        text_bytes = int(paras["text"].str.len().sum() * 3)  # UTF-8 bytes of the cleaned text
        texts = paras["text"].tolist()
        cfg = with_corpus_terms(TokenConfig(), texts)
        segmenter_for(cfg)  # dictionary loading is start-up, timed apart
        import rjieba

        raw = rjieba.Jieba()
        # The 1-thread stage, the all-cores stage and raw rjieba alternate, best of 3 each: the
        # machine is shared and a burst of other work during one of them would otherwise decide the ratio.
        ones, alls, refs = [], [], []
        for _ in range(3):
            with Timer("tokenize, 1 thread (cold)", text_bytes, quiet=True) as t:
                tokens(paras, cache=False, workers=1)
            ones.append(t.seconds)
            with Timer("tokenize, all cores (cold)", text_bytes, quiet=True) as t:
                tokens(paras, cache=False)
            alls.append(t.seconds)
            with Timer("raw rjieba.cut, 1 thread (reference)", text_bytes, quiet=True) as t:
                for text in texts:
                    raw.cut(text)
            refs.append(t.seconds)
        one = Best("tokenize, 1 thread (cold, best of 3)", text_bytes, ones)
        every = Best(f"tokenize, {os.cpu_count()} threads (cold, best of 3)", text_bytes, alls)
        ref_rs = Best("raw rjieba.cut, 1 thread (best of 3)", text_bytes, refs)
        with Timer("tokenize, all cores (cold, written to cache)", text_bytes) as cold_tok:
            toks = tokens(paras, cache_dir=cache_dir)
        with Timer("load + clean (cached)", nbytes) as warm_clean:
            corpus.load_corpus(folder, cache_dir=cache_dir)
        with Timer("tokenize (cached)", text_bytes) as warm_tok:
            tokens(paras, cache_dir=cache_dir)
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        with Timer("raw jieba.lcut, 1 thread (reference)", text_bytes) as ref_py:
            for t in texts:
                jieba.lcut(t)
        with Timer("document-term matrix + TF-IDF (docs)", text_bytes):
            tfidf(dtm(toks, min_df=2))
        sample = paras.sample(n=min(20000, len(paras)), random_state=0)
        sample_toks = toks.merge(sample[["doc_id", "para_no"]], on=["doc_id", "para_no"])
        sample_bytes = int(sample["text"].str.len().sum() * 3)
        with Timer(f"clustering {len(sample)} paragraphs (k=8, LSA)", sample_bytes):
            cluster_units(tfidf(dtm(sample_toks, "paragraph", min_df=5)), k=8, stability_seeds=0)
        print()
        print(f"tokenize stage vs raw jieba.lcut, per core : {ref_py.seconds / one.seconds:5.1f}x  (target >= 5)")
        print(f"tokenize stage vs raw rjieba.cut, 1 thread : {ref_rs.seconds / one.seconds:5.2f}x  (target >= 0.6; best of 3 each)")
        print(f"tokenize stage vs raw rjieba.cut, all cores: {ref_rs.seconds / every.seconds:5.2f}x  (the default: threads)")
        print(f"all cores (threads) vs 1 thread            : {one.seconds / every.seconds:5.2f}x")
        print(f"cached vs cold, clean + tokenize           : {(cold_clean.seconds + cold_tok.seconds) / (warm_clean.seconds + warm_tok.seconds):5.1f}x  (target >= 5)")
        print(f"peak memory (max RSS)                      : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
