"""Seconds for Wordfish on counts simulated from the model: by default 10,000 documents × 5,000 words.

Usage: python benchmarks/bench_wordfish.py [--docs 10000] [--terms 5000] [--jobs 2] [--boot 0]

Counts are drawn, with a fixed seed, from the Wordfish model itself: θ ~ N(0, 1), β ~ N(0, 0.5²),
ψ falling as a Zipf law (exponent 0.9) so that the matrix is sparse as a real top-5,000
vocabulary is, documents of 300 to 3,000 tokens (α). The fit runs with the Hessian standard
errors on ``--jobs`` threads; ``--boot`` > 0 times a parametric bootstrap of that many refits
as well. Printed: the matrix (size, share of non-zero cells), the seconds (wall clock, and CPU
time of the process, which a busy machine disturbs less), iterations, whether it converged, the
correlation of θ with the truth and the share of 95% intervals that cover it.
The target: ≤ 60 s for 10,000 × 5,000 on 2 cores.

One run on 2 shared cores (load about 3): 6.5 s wall, 10.0 s CPU, 13 iterations (15.4% of cells
non-zero, 16.4 M tokens), r = 0.998, 94.8% coverage; an earlier run under load about 7 took 39.8 s
wall for 13.4 s CPU. A bootstrap of 20 refits on 1,000 × 2,000: 7.6 s (0.9 s without).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse as sp

from corpus.wordfish import wordfish


def simulate(n_docs: int, n_terms: int, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sparse counts from the Wordfish model, built block by block (the dense rates never exist whole); and the true θ."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_docs)
    theta = (theta - theta.mean()) / theta.std()
    beta = rng.normal(0.0, 0.5, n_terms)
    rate = 1.0 / np.arange(1, n_terms + 1) ** 0.9
    psi = np.log(rate / rate.sum())
    lengths = rng.integers(300, 3000, n_docs)
    blocks = []
    for start in range(0, n_docs, 500):
        rows = slice(start, min(start + 500, n_docs))
        shares = np.exp(psi + np.outer(theta[rows], beta))
        shares /= shares.sum(axis=1, keepdims=True)
        blocks.append(sp.csr_matrix(rng.poisson(shares * lengths[rows, None])))
    counts = sp.vstack(blocks, format="csr")
    keep = np.asarray(counts.sum(axis=0)).ravel() > 0
    return counts[:, keep], theta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--terms", type=int, default=5_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--boot", type=int, default=0)
    args = parser.parse_args()
    counts, truth = simulate(args.docs, args.terms)
    left, right = int(np.argmin(truth)), int(np.argmax(truth))
    print(f"counts: {counts.shape[0]:,} documents × {counts.shape[1]:,} words, {counts.nnz / np.prod(counts.shape):.1%} non-zero, "
          f"{int(counts.sum()):,} tokens")  # fmt: skip
    runs = [("hessian", 0)] + ([("bootstrap", args.boot)] if args.boot else [])
    for se, n_boot in runs:
        wall, cpu = time.perf_counter(), time.process_time()
        fit = wordfish(counts, dir=(left, right), se=se, n_boot=max(n_boot, 2), n_jobs=args.jobs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        docs = fit.documents
        r = np.corrcoef(docs["theta"], truth)[0, 1]
        covered = ((docs["lower"] <= truth) & (truth <= docs["upper"])).mean()
        label = f"se={se}" + (f", {n_boot} refits" if n_boot else "")
        print(f"wordfish ({label}, {args.jobs} thread(s)): {wall:.1f} s wall, {cpu:.1f} s CPU; {fit.iterations} iterations, "
              f"converged={fit.converged}; r(θ, truth) = {r:.4f}; 95% intervals cover the truth for {covered:.1%}; "
              f"dispersion {fit.dispersion:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
