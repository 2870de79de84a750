"""Comparisons between documents: each against the rest, and vocabulary shared or used by one only.

Both work from per-document totals in one pass over the sparse matrix, so their cost grows
with the corpus, not with its square; a report names a few documents (or groups) and the
rest still count on the reference side and in the document frequencies.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .features import DTM
from .keyterms import ALL_OTHER_DOCUMENTS, keyness_table


def each_against_rest(
    counts: DTM,
    targets: Mapping[str, str] | pd.Series | None = None,
    *,
    n: int = 10,
    measure: str = "log_odds",
    min_count: int = 3,
    prior: float = 100.0,
) -> pd.DataFrame:
    """The ``n`` terms most key to each target against all the other documents, one row per term.

    ``targets`` maps doc_id → the name of the target a document belongs to: documents sharing a
    name form one target, documents without one (missing, or absent) are only ever reference.
    None: every document is its own target, named by its doc_id. Each target's rows are the
    token-level columns of :func:`corpus.keyterms.keyness` with that target against every other
    document (same numbers), computed from per-document totals rather than by slicing the matrix
    once per target. Columns: ``target``, ``reference`` ("all other documents"), ``rank``,
    ``term``, counts, document frequencies, ``log_ratio``, the statistic (``z`` for log_odds) and
    the token-level ``p_adjusted``; targets in order of their first document.

    A ranking by effect size, not a test: one document against the rest has as many
    relabelings as there are documents, and ``p_adjusted`` counts every token as independent,
    so neither supports calling a term significant (:func:`corpus.keyterms.keyness` does, for
    groups of documents).
    """
    stat = "z" if measure == "log_odds" else measure
    cols = ["target", "reference", "rank", "term", "count_target", "count_reference", "docs_target", "docs_reference",
            "log_ratio", stat, "p_adjusted"]  # fmt: skip
    per_doc, doc_ids = _per_document(counts)
    names = _names(doc_ids, targets)
    order = list(dict.fromkeys(v for v in names if v is not None))
    if not order:
        return pd.DataFrame(columns=cols)
    member = _indicator(names, order)
    summed = (member @ per_doc).tocsr()
    used = (member @ (per_doc > 0).astype(np.int64)).tocsr()
    total = np.asarray(per_doc.sum(axis=0), dtype=np.float64).ravel()
    df = np.asarray((per_doc > 0).sum(axis=0)).ravel().astype(np.int64)
    frames = []
    for i, name in enumerate(order):
        a = summed[i].toarray().ravel().astype(np.float64)
        docs_t = used[i].toarray().ravel().astype(np.int64)
        table = keyness_table(counts.terms, a, total - a, docs_t, df - docs_t, total=total, measure=measure,
                              prior=prior, min_count=min_count)  # fmt: skip
        table = table[table[stat] > 0].head(n)
        frames.append(table.assign(target=name, reference=ALL_OTHER_DOCUMENTS, rank=np.arange(1, len(table) + 1)))
    return pd.concat(frames, ignore_index=True)[cols]


def vocabulary_overlap(counts: DTM, labels: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Per term: how many documents use it (``docs``), its ``total`` count, and its count under each name.

    ``labels`` maps doc_id → column name (a document absent from it is named by its doc_id);
    documents sharing a name are summed in one column, documents whose name is missing get no
    column but still count in ``docs`` and ``total``, so a report can name a few documents of a
    large corpus. Sorted by ``docs``, then ``total``: the top rows are the shared vocabulary,
    rows with ``docs == 1`` a single document's own words.
    """
    per_doc, doc_ids = _per_document(counts)
    labels = labels if labels is not None else {}
    names = [_present(labels.get(d, d)) for d in doc_ids]
    order = list(dict.fromkeys(v for v in names if v is not None))
    member = _indicator(names, order)
    columns = (member @ per_doc).T.toarray() if order else np.zeros((len(counts.terms), 0), dtype=np.int64)
    frame = pd.DataFrame(columns.astype(per_doc.dtype), columns=order)
    frame.insert(0, "term", counts.terms)
    frame["docs"] = np.asarray((per_doc > 0).sum(axis=0)).ravel().astype(np.int64)
    frame["total"] = np.asarray(per_doc.sum(axis=0)).ravel()
    return frame.sort_values(["docs", "total", "term"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def distinctive_terms(overlap: pd.DataFrame, *, n: int = 10, min_count: int = 2) -> pd.DataFrame:
    """For each named column of :func:`vocabulary_overlap`, its most frequent terms used nowhere else in the corpus.

    A term belongs to a column when the column holds its whole ``total`` (for a document: no
    other document uses it; for a group: no document outside the group does).
    """
    doc_cols = [c for c in overlap.columns if c not in ("term", "docs", "total")]
    own = overlap[overlap["total"] >= min_count]
    rows = []
    for col in doc_cols:
        part = own[(own[col] > 0) & (own[col] == own["total"])]
        part = part.sort_values([col, "term"], ascending=[False, True], kind="stable").head(n)
        rows += [{"document": col, "rank": r + 1, "term": t, "count": int(c)} for r, (t, c) in enumerate(zip(part["term"], part[col]))]
    return pd.DataFrame(rows, columns=["document", "rank", "term", "count"])


def group_members(groups: pd.Series, labels: Mapping[str, str] | None = None, *, max_names: int = 12) -> pd.DataFrame:
    """Each group of a docvar (``groups``: doc_id → value) with the labels of its documents, the first ``max_names`` named.

    A larger group lists its first ``max_names`` documents and how many more it has, so the
    cell stays readable whatever the corpus size; documents without a value are left out.

    >>> group_members(pd.Series(["县", "省", "县"], index=["a", "b", "c"], name="level"), max_names=1).values.tolist()
    [['县', 'a …（+1）'], ['省', 'b']]
    """
    labels = labels or {}
    known = groups.dropna()
    rows = []
    for value, members in known.groupby(known, sort=True):
        names = [labels.get(d, d) for d in members.index]
        more = f" …（+{len(names) - max_names:,}）" if len(names) > max_names else ""
        rows.append({groups.name or "group": value, "documents": "、".join(names[:max_names]) + more})
    return pd.DataFrame(rows, columns=[groups.name or "group", "documents"])


def _per_document(counts: DTM) -> tuple[sp.csr_matrix, list[str]]:
    """Counts summed per doc_id (paragraph or sentence rows become their document), doc_ids in first-seen order."""
    codes, uniques = pd.factorize(counts.rows["doc_id"].astype(str))
    if len(uniques) == len(codes) and np.array_equal(codes, np.arange(len(codes))):
        return counts.matrix.tocsr(), list(uniques)
    indicator = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))),
                              shape=(len(uniques), len(codes)))  # fmt: skip
    return (indicator @ counts.matrix).tocsr(), list(uniques)


def _present(value: object) -> str | None:
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else str(value)


def _names(doc_ids: list[str], targets: Mapping[str, str] | pd.Series | None) -> list[str | None]:
    if targets is None:
        return list(doc_ids)
    return [_present(targets.get(d)) for d in doc_ids]


def _indicator(names: list[str | None], order: list[str]) -> sp.csr_matrix:
    """A name × document 0/1 matrix; documents without a name are in no row."""
    row = {name: i for i, name in enumerate(order)}
    pairs = [(row[v], j) for j, v in enumerate(names) if v is not None]
    r = np.array([p[0] for p in pairs], dtype=np.int64)
    c = np.array([p[1] for p in pairs], dtype=np.int64)
    return sp.csr_matrix((np.ones(len(pairs), dtype=np.int64), (r, c)), shape=(len(order), len(names)))
