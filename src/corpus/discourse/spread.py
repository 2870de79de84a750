"""Diffusion: documents in time order, which items each uses, and which document used an item first."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..dates import parse_dates

log = logging.getLogger(__name__)


def doc_order(docs: pd.DataFrame, date_column: str = "date") -> list[str]:
    """Document ids in time order (dates read by :func:`corpus.dates.parse_date`), undated last, then by id.

    Dates written in mixed forms sort as the dates they are; a date known only to the year or
    month comes before the days of that year or month. Where ``date_column`` is missing or
    holds no date, the order is by doc_id and one warning says so.

    >>> doc_order(pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "date": ["2024", None, "2021年5月", "2021/12/1"]}))
    ['c', 'd', 'a', 'b']
    """
    ids = docs["doc_id"].astype(str)
    if date_column in docs.columns:
        dates = parse_dates(docs[date_column]).to_numpy()
    else:
        dates = np.full(len(docs), None, dtype=object)
    undated = pd.isna(dates)
    if len(docs) and undated.all():
        where = f"column {date_column!r} holds no date" if date_column in docs.columns else f"there is no column {date_column!r}"
        log.warning("documents ordered by doc_id: %s (give each document a date in a `%s` column of metadata.csv, "
                    "e.g. 2022-07-26 or 2022年7月26日, or pass date_column=...)", where, date_column)  # fmt: skip
    keyed = pd.DataFrame({"doc_id": ids.to_numpy(), "date": np.where(undated, "", dates), "undated": undated})
    return keyed.sort_values(["undated", "date", "doc_id"], kind="stable")["doc_id"].tolist()


def top_documents(scores: pd.Series, order: Sequence[str], n: int | None) -> list[str]:
    """The ``n`` documents with the highest ``scores`` (doc_id → number; ties go to the earlier in ``order``), listed in ``order``.

    None: every document in ``order``. For figures with one row or column per document.

    >>> top_documents(pd.Series({"a": 1, "b": 5, "c": 5}), ["c", "b", "a"], 2)
    ['c', 'b']
    """
    if n is None:
        return list(order)
    if n < 1:
        raise ValueError(f"`n` must be a positive integer or None; got {n!r}")
    rank = {d: i for i, d in enumerate(order)}
    scored = sorted((d for d in order if scores.get(d, 0) > 0), key=lambda d: (-scores.get(d, 0), rank[d]))[:n]
    return sorted(scored, key=rank.__getitem__)


def usage_matrix(table: pd.DataFrame, column: str, order: Sequence[str], *, items: Sequence[str] | None = None,
                 max_docs: int | None = None) -> pd.DataFrame:  # fmt: skip
    """Documents (rows, in ``order``) × items of ``column`` (by first use in that order): occurrence counts.

    ``items`` chooses the columns (None: every item; an item no shown document uses is an empty
    last column); ``max_docs`` keeps the documents that use the most of them (distinct items,
    then uses; None: every document in ``order``). Built from the counts of the pairs that
    occur, so its cost grows with the table, not with documents × items.
    """
    used = table if items is None else table[table[column].isin(set(items))]
    if used.empty:
        return pd.DataFrame(index=pd.Index([] if max_docs is not None else list(order), name="doc_id"))
    pairs = used.groupby(["doc_id", column], sort=False).size()
    per_doc = pairs.groupby(level=0).agg(["size", "sum"])
    score = per_doc["size"] * (int(per_doc["sum"].max()) + 1) + per_doc["sum"]
    shown = top_documents(score, order, max_docs) if max_docs is not None else list(order)
    counts = pairs[pairs.index.get_level_values(0).isin(set(shown))].unstack(fill_value=0).reindex(shown, fill_value=0)
    counts = counts.astype(np.int64)
    if items is not None:
        counts = counts.reindex(columns=list(dict.fromkeys(items)), fill_value=0)
    first = {c: next((i for i, v in enumerate(counts[c]) if v), len(counts)) for c in counts.columns}
    cols = sorted(counts.columns, key=lambda c: (first[c], -(counts[c] > 0).sum(), str(c)))
    return counts[cols].rename_axis(index="doc_id", columns=column)


def shared_matrix(passages: pd.DataFrame, order: Sequence[str], max_docs: int | None = None) -> pd.DataFrame:
    """Documents × documents: characters of shared passages between each two (both directions summed), in ``order``.

    ``max_docs`` keeps the documents that share the most characters (None: every document that
    shares any); the cost grows with the passages, not with pairs of documents.
    """
    both = pd.concat([passages[["doc_id_a", "doc_id_b", "chars"]].set_axis(["x", "y", "chars"], axis=1),
                      passages[["doc_id_b", "doc_id_a", "chars"]].set_axis(["x", "y", "chars"], axis=1)])  # fmt: skip
    totals = both.groupby("x")["chars"].sum()
    shown = top_documents(totals, [d for d in order if d in totals.index], max_docs)
    keep = both["x"].isin(set(shown)) & both["y"].isin(set(shown))
    pairs = both[keep].groupby(["x", "y"])["chars"].sum()
    matrix = pairs.unstack(fill_value=0).reindex(index=shown, columns=shown, fill_value=0).astype(np.int64)
    return matrix.rename_axis(index="doc_id", columns="doc_id")


def diffusion(table: pd.DataFrame, column: str, order: list[str], docs: pd.DataFrame | None = None,
              date_column: str = "date") -> pd.DataFrame:
    """Per item of ``column``: how many documents use it, the first in ``order`` (with its date) and the rest; ``shared`` or ``local``."""
    cols = ["item", "n_docs", "count", "status", "first_doc", "first_date", "first_para_no", "first_start", "docs"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    rank = {d: i for i, d in enumerate(order)}
    dates = docs.set_index("doc_id")[date_column].to_dict() if docs is not None and date_column in docs.columns else {}
    rows = []
    for item, part in table.groupby(column, sort=False):
        users = sorted(set(part["doc_id"]), key=lambda d: rank.get(d, len(rank)))
        first = part[part["doc_id"] == users[0]].sort_values("start").iloc[0]
        rows.append({"item": item, "n_docs": len(users), "count": len(part), "status": "shared" if len(users) > 1 else "local",
                     "first_doc": users[0], "first_date": dates.get(users[0], pd.NA), "first_para_no": int(first["para_no"]),
                     "first_start": int(first["start"]), "docs": ", ".join(users)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["n_docs", "count", "item"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
