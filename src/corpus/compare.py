"""Comparisons between documents: each against the rest, and vocabulary shared or used by one only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import DTM
from .keyness import keyness


def each_against_rest(counts: DTM, *, n: int = 10, measure: str = "log_odds", min_count: int = 3) -> pd.DataFrame:
    """The ``n`` terms most key to each document against all the others (doc_id, rank, term, statistics)."""
    frames = []
    stat = "z" if measure == "log_odds" else measure
    for doc_id in counts.rows["doc_id"].unique():
        table = keyness(counts, target=[doc_id], measure=measure, min_count=min_count)
        table = table[table[stat] > 0].head(n)
        frames.append(table.assign(doc_id=doc_id, rank=np.arange(1, len(table) + 1)))
    cols = ["doc_id", "rank", "term", "count_target", "count_reference", "docs_reference", "log_ratio", stat, "p_adjusted"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def vocabulary_overlap(counts: DTM, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per term: how many documents use it and its count in each document (columns labelled).

    Sorted by the number of documents, then total count: the top rows are the shared
    vocabulary of the corpus, rows with ``docs == 1`` a document's own words.
    """
    frame = counts.to_frame().T
    frame.columns = [labels.get(c, c) for c in counts.rows["doc_id"]] if labels else list(counts.rows["doc_id"])
    docs = (frame > 0).sum(axis=1)
    total = frame.sum(axis=1)
    out = frame.assign(docs=docs, total=total).rename_axis("term").reset_index()
    return out.sort_values(["docs", "total", "term"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def distinctive_terms(overlap: pd.DataFrame, *, n: int = 10, min_count: int = 2) -> pd.DataFrame:
    """For each document, its most frequent terms that no other document uses."""
    doc_cols = [c for c in overlap.columns if c not in ("term", "docs", "total")]
    own = overlap[(overlap["docs"] == 1) & (overlap["total"] >= min_count)]
    rows = []
    for col in doc_cols:
        part = own[own[col] > 0].sort_values([col, "term"], ascending=[False, True], kind="stable").head(n)
        rows += [{"document": col, "rank": r + 1, "term": t, "count": int(c)} for r, (t, c) in enumerate(zip(part["term"], part[col]))]
    return pd.DataFrame(rows, columns=["document", "rank", "term", "count"])
