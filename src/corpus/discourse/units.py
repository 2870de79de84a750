"""What the discourse analyses share: the paragraphs they read and the corpus-wide counts they add.

Every analysis takes documents (``doc_id``, ``text``) or their paragraphs
(:func:`corpus.paragraphs`); :func:`paragraph_units` turns either into paragraphs with
``start`` offsets, so each row an analysis writes cites ``doc_id``, ``para_no`` and offsets
into the document's cleaned ``text``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..structure import paragraphs


def paragraph_units(units: pd.DataFrame) -> pd.DataFrame:
    """Paragraphs of documents, or the paragraph table itself (with ``start`` offsets; 0 where it has none)."""
    missing = [c for c in ("doc_id", "text") if c not in units.columns]
    if missing:
        raise ValueError(f"units need the columns {missing}: pass documents (corpus.load_corpus) or paragraphs (corpus.paragraphs)")
    if "para_no" not in units.columns:
        return paragraphs(units)
    return units if "start" in units.columns else units.assign(start=0)


def iter_paragraphs(paras: pd.DataFrame) -> Iterator[tuple[str, int, int, str]]:
    """(doc_id, para_no, start, text) of each row of a paragraph table, as plain Python values."""
    for doc_id, para_no, start, text in zip(paras["doc_id"], paras["para_no"], paras["start"], paras["text"]):
        yield str(doc_id), int(para_no), int(start), str(text)


def occurrence_stats(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Add corpus-wide ``count``, ``n_docs`` and ``docs`` (the documents using it, sorted, joined by ', ') for each ``key``.

    >>> occurrence_stats(pd.DataFrame({"doc_id": ["b", "a", "b"], "item": ["x", "x", "y"]}), "item")[["count", "n_docs", "docs"]].values.tolist()
    [[2, 2, 'a, b'], [2, 2, 'a, b'], [1, 1, 'b']]
    """
    if frame.empty:
        return frame.assign(count=pd.Series(dtype=int), n_docs=pd.Series(dtype=int), docs=pd.Series(dtype=object))
    grouped = frame.groupby(key, sort=False)["doc_id"]
    docs = grouped.agg(lambda s: ", ".join(sorted(set(s))))
    return frame.assign(count=frame[key].map(grouped.size()), n_docs=frame[key].map(grouped.nunique()), docs=frame[key].map(docs))
