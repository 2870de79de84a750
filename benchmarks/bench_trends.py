"""Seconds for trends on a constructed corpus of dated documents: dates, bins, rates with bootstrap bands, first/last use, risers and fallers.

Usage: python benchmarks/bench_trends.py [--docs 10000] [--terms 5000] [--features 20] [--n-boot 1000] [--planted 20]

The corpus is built with a fixed seed, as in bench_keyness.py: documents of 300 to 3,000 tokens
dated on random days of 2000-2023, term rates falling as a Zipf law (exponent 0.9), each
document's rate of each term drawn from a gamma distribution with shape 4 around it (negative
binomial counts); ``--planted`` terms of middling frequency rise linearly from half to twice
their rate over the years and as many fall from twice to half. Printed: the seconds of each step
(wall clock and CPU time of the process; a busy machine disturbs the second less): reading the
dates, binning by year, :func:`corpus.trends.trend` for ``--features`` terms with ``--n-boot``
resamples per year, then for every term, :func:`first_last_use` for every term, and
:func:`risers_fallers` between the two halves of the documents (the permutation test of
:mod:`corpus.keyterms` over every term), with how many planted risers and fallers it finds at
q < 0.05. One run on 2 shared cores (load average about 5, so wall times are inflated; CPU
times in brackets): 10,000 documents, 16.7 M tokens; dates 0.11 s (0.05), bins 0.01 s, trend of
20 terms with 1,000 resamples per year 0.63 s (0.34), of all 5,000 terms 13.1 s (6.9), first and
last use of 5,000 terms 0.58 s (0.20); risers and fallers 56.8 s (41.4: Monte Carlo, B = 199,999,
5,000 terms tested; 20 of 20 planted risers and 20 of 20 fallers found, 42 terms significant).
The trends take seconds; the document-level test is the cost, and it is keyness's
(bench_keyness.py).
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

import numpy as np
import pandas as pd
import scipy.sparse as sp

from corpus.features import DTM
from corpus.trends import document_dates, first_last_use, risers_fallers, time_bins, trend


def build(n_docs: int, n_terms: int, planted: int, seed: int = 0) -> tuple[DTM, pd.DataFrame, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    base = 1.0 / np.arange(1, n_terms + 1) ** 0.9
    base /= base.sum()
    lengths = rng.integers(300, 3000, n_docs)
    days = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 24 * 365, n_docs), unit="D")
    share = ((days.year - 2000) / 23).to_numpy()  # 0 in 2000, 1 in 2023
    mu = lengths[:, None] * base[None, :]
    rising = np.arange(20, 20 + 8 * planted, 8)[:planted]
    falling = rising + 4
    mu[:, rising] *= (0.5 + 1.5 * share)[:, None]
    mu[:, falling] *= (2.0 - 1.5 * share)[:, None]
    counts = sp.csr_matrix(rng.poisson(rng.gamma(4.0, mu / 4.0)))
    ids = [f"d{i:05d}" for i in range(n_docs)]
    terms = np.array([f"w{j:05d}" for j in range(n_terms)], dtype=object)
    docs = pd.DataFrame({"doc_id": ids, "date": days.strftime("%Y-%m-%d")})
    return DTM(counts, pd.DataFrame({"doc_id": ids}), terms), docs, terms[rising].tolist(), terms[falling].tolist()


@contextmanager
def timed(name: str):
    start, cpu = time.perf_counter(), time.process_time()
    yield
    print(f"{name}: {time.perf_counter() - start:.2f} s ({time.process_time() - cpu:.2f} s of CPU)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--terms", type=int, default=5_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--planted", type=int, default=20)
    args = parser.parse_args()
    counts, docs, rising, falling = build(args.docs, args.terms, args.planted)
    print(f"{args.docs:,} documents, {args.terms:,} terms, {int(counts.matrix.sum()):,} tokens, dated 2000-2023")
    with timed("document_dates"):
        dates = document_dates(docs)
    with timed("time_bins by year"):
        bins = time_bins(dates, "year")
    with timed(f"trend: {args.features} terms x {bins.cat.categories.size} years, n_boot={args.n_boot}"):
        table = trend(counts, bins, list(counts.terms[: args.features]), n_boot=args.n_boot)
    print(f"  {int(table['band'].sum())} of {len(table)} rates with a band; mean documents per year {table['n_docs'].mean():.0f}")
    with timed(f"trend: all {args.terms:,} terms x {bins.cat.categories.size} years, n_boot={args.n_boot}"):
        trend(counts, bins, n_boot=args.n_boot)
    with timed(f"first_last_use: all {args.terms:,} terms"):
        first_last_use(counts, dates)
    with timed("risers_fallers: earlier half against later half, every term"):
        changes = risers_fallers(counts, bins)
    significant = changes[changes["significant"]]
    up = set(significant.loc[significant["direction"] == "rises", "term"])
    down = set(significant.loc[significant["direction"] == "falls", "term"])
    print(f"  {changes['test'].iloc[0]}, B = {changes['B'].iloc[0]:,}, {int(changes['tested'].sum()):,} terms tested; "
          f"{len(significant):,} significant at q < 0.05: {len(up & set(rising))} of {len(rising)} planted risers, "
          f"{len(down & set(falling))} of {len(falling)} planted fallers")


if __name__ == "__main__":
    main()
