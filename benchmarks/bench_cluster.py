"""Report 02's analysis calls on a large corpus, before and after: a git revision's cluster.py against the working tree's.

Usage: python benchmarks/bench_cluster.py [--mb 60] [--before HEAD] [--rounds 3] [--cpc ../shared/corpora/cpc] [--work DIR]

Builds a corpus of about ``--mb`` MB (UTF-8) from the real paragraphs of the CPC reports (read in
place, never copied into the project), shuffled with a fixed seed into ~3,000-character documents,
each made unique by a numbered first line, as ``bench_tokenize.py`` does. It is loaded once as the
notebook loads it (``open_report``; timed apart and not counted: loading is the overview's cost too).
Then it times the package calls notebook 02 makes after loading, with the notebook's parameters:
``rep.dtm`` + ``tfidf``, ``cluster_units``, ``nmf_topics`` (and, after, ``structure_verdict``).
"before" is ``corpus/cluster.py`` at git revision ``--before`` (run against the working tree's other
modules, with the parameters the notebook passed then); "after" is the working tree's, with the
notebook's parameters now. Rounds alternate before and after, so a burst of other work on the
machine hits both; the best of each is compared, every run printed in brackets. Figures, tables and
the page itself are not timed.

Last, both versions cluster the seed paragraphs exactly as the notebook does, and the script
prints whether the chosen k, the stability, the labels, the silhouettes, the top terms, the
representatives, the document × cluster counts, the map and the NMF topics are identical.
``--work`` keeps the corpus and its cache between runs (default: a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd

from corpus.features import tfidf
from corpus.report import open_report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_tokenize  # noqa: E402
#: The notebook's defaults that reach the analysis calls (notebooks/02_clustering.ipynb).
BEFORE = dict(k="auto", k_range=(2, 8), lsa_components=100, random_state=0, top_n=10, n_representatives=3, map_sample=5000,
              minibatch_above=20000, silhouette_sample=2000)  # fmt: skip
AFTER = dict(BEFORE, fit_sample=10000)
N_TOPICS, MIN_DF = 6, 2


def build(folder: Path, target_mb: float, cpc: Path) -> int:
    """``bench_tokenize.py``'s documents, drawn from the CPC reports' paragraphs only."""
    return bench_tokenize.write_documents(folder, bench_tokenize.source_lines([cpc]), target_mb)


def module_at(revision: str) -> types.ModuleType:
    """``corpus/cluster.py`` as it was at ``revision``, imported as a sibling of the package's modules."""
    source = subprocess.run(["git", "show", f"{revision}:src/corpus/cluster.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    module = types.ModuleType("corpus._cluster_before")
    module.__package__ = "corpus"
    sys.modules[module.__name__] = module
    exec(compile(source, f"{revision}:src/corpus/cluster.py", "exec"), module.__dict__)
    return module


def analysis(rep, cluster, params: dict) -> tuple[dict[str, float], object]:
    """The notebook's calls after loading, timed one by one; returns the seconds and the clustering."""
    seconds, t = {}, time.perf_counter()
    paras = rep.paragraphs[rep.paragraphs["kind"] != "heading"]
    weights = tfidf(rep.dtm("paragraph", min_df=MIN_DF, units=paras), sublinear_tf=True)
    seconds["dtm + tfidf"], t = time.perf_counter() - t, time.perf_counter()
    result = cluster.cluster_units(weights, texts=weights.texts(paras), **params)
    if hasattr(cluster, "structure_verdict"):
        cluster.structure_verdict(result.k_scores)
    seconds["cluster_units"], t = time.perf_counter() - t, time.perf_counter()
    cluster.nmf_topics(weights, n_topics=min(N_TOPICS, weights.matrix.shape[0] - 1, weights.matrix.shape[1]),
                       top_n=params["top_n"], random_state=params["random_state"])  # fmt: skip
    seconds["nmf_topics"] = time.perf_counter() - t
    seconds["total"] = sum(seconds.values())
    return seconds, (result, weights)


def _same_columns(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    """Whether the after table holds the before table exactly, columns the after version added left out."""
    return set(before.columns) <= set(after.columns) and before.equals(after[list(before.columns)])


def compare_on_seeds(before, after, cache_dir: Path) -> None:
    rep = open_report(ROOT / "seeds", None, output_dir=cache_dir / "out", cache_dir=cache_dir, progress=False)
    _, (a, _) = analysis(rep, before, BEFORE)
    _, (b, weights) = analysis(rep, after, AFTER)
    checks = {"chosen k": a.k == b.k, "stability": a.stability == b.stability}
    for name in ("assignments", "k_scores", "representatives", "doc_cluster", "coords"):
        checks[name] = getattr(a, name).equals(getattr(b, name))
    checks["top_terms (columns added after left out)"] = _same_columns(a.top_terms, b.top_terms)
    ta = before.nmf_topics(weights, N_TOPICS, top_n=10)
    tb = after.nmf_topics(weights, N_TOPICS, top_n=10)
    cols = [c for c in ta.unit_topics if c.startswith("topic_")]
    checks["NMF topic terms (columns added after left out)"] = _same_columns(ta.topic_terms, tb.topic_terms)
    checks["NMF dominant topics"] = ta.unit_topics["dominant"].equals(tb.unit_topics["dominant"])
    # Topic columns the same, or (before shares were introduced) shares × weight equal to the raw weights.
    checks["NMF topic columns (same, or shares × weight = raw)"] = _same_columns(ta.unit_topics[cols], tb.unit_topics[cols]) or (
        "weight" in tb.unit_topics and "weight" not in ta.unit_topics and bool(np.allclose(
            tb.unit_topics[cols].fillna(0).to_numpy() * tb.unit_topics[["weight"]].to_numpy(), ta.unit_topics[cols].to_numpy(), rtol=1e-12, atol=0)))
    print(f"\nseeds ({len(b.assignments)} paragraphs, the notebook's parameters): k = {b.k}, stability = {b.stability:.4f}")
    for name, same in checks.items():
        print(f"  {name:50} {'identical' if same else 'DIFFERENT'}")
    print(f"  verdict: {after.structure_verdict(b.k_scores).sentence}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=60.0)
    parser.add_argument("--before", default="HEAD", help="git revision whose cluster.py is 'before' (default: HEAD)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus and its cache here between runs")
    args = parser.parse_args()
    if not args.cpc.is_dir():
        sys.exit(f"the CPC corpus is not at {args.cpc}: this benchmark builds its corpus from the CPC paragraphs")
    import corpus.cluster as after

    before = module_at(args.before)
    revision = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        folder, cache_dir = work / "corpus", work / "cache"
        if not folder.is_dir() or not any(folder.iterdir()):
            folder.mkdir(parents=True, exist_ok=True)
            build(folder, args.mb, args.cpc)
        nbytes = sum(p.stat().st_size for p in folder.glob("*.txt"))
        t = time.perf_counter()
        rep = open_report(folder, None, output_dir=work / "out", cache_dir=cache_dir, progress=False)
        load = time.perf_counter() - t
        n_units = int((rep.paragraphs["kind"] != "heading").sum())
        print(f"corpus: {len(rep.docs):,} documents, {nbytes / 1e6:.1f} MB, {n_units:,} paragraphs; {os.cpu_count()} cores; "
              f"loaded in {load:.1f} s (not counted)")  # fmt: skip
        print(f"before: cluster.py at {revision}, {BEFORE}\nafter:  working tree, {AFTER}\n")
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for r in range(args.rounds):
            for name, module, params in (("before", before, BEFORE), ("after", after, AFTER)):
                seconds, _ = analysis(rep, module, params)
                runs[name].append(seconds)
                print(f"round {r + 1} {name:6}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), flush=True)
        print()
        for name, rounds in runs.items():
            table = pd.DataFrame(rounds)
            best = table.loc[table["total"].idxmin()]
            print(f"{name:6} best of {len(rounds)}: " + ", ".join(f"{k} {v:.1f} s" for k, v in best.items())
                  + "  [totals: " + ", ".join(f"{v:.1f}" for v in table["total"]) + "]")  # fmt: skip
        b, a = (min(r["total"] for r in runs[n]) for n in ("before", "after"))
        print(f"02's analysis calls at {nbytes / 1e6:.0f} MB: {b:.1f} s -> {a:.1f} s ({b / a:.1f}x; target < 30 s)")
        compare_on_seeds(before, after, work / "seeds-cache")


if __name__ == "__main__":
    main()
