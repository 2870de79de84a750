"""Comparisons between documents: each against the rest, vocabulary shared or used by one only, and
what else varies with the groups compared.

Both work from per-document totals in one pass over the sparse matrix, so their cost grows
with the corpus, not with its square; a report names a few documents (or groups) and the
rest still count on the reference side and in the document frequencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import chi2_contingency

from .docvars import analysis_variables
from .features import DTM
from .keyterms import ALL_OTHER_DOCUMENTS, PRIOR, ROUNDING, keyness_table


def each_against_rest(
    counts: DTM,
    targets: Mapping[str, str] | pd.Series | None = None,
    *,
    n: int = 10,
    measure: str = "log_odds",
    min_count: int = 3,
    prior: float = PRIOR,
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
        table = table[table[stat] > ROUNDING].head(n)  # more used by the target; a statistic of 1e-15 is rounding, not use
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


def confounders(docs: pd.DataFrame, column: str, *, candidates: Sequence[str] | None = None) -> pd.DataFrame:
    """The document variables that vary with the groups of ``column``, so a difference between groups may be theirs.

    For each candidate (default: :func:`corpus.docvars.analysis_variables`, the metadata columns that give a value
    for at least half the documents and say nothing of the file, and ``year`` from the parsed ``date``) with two
    or more values: ``determined`` when every group holds a single value of it (a group of one
    document always does), ``separated`` when the groups' ranges of a numeric one (a year) do not overlap, and
    the bias-corrected Cramér's V of the groups × values table (:func:`corrected_cramers_v`; 1 = the
    group fixes the value, about 0 where groups and values are independent, however few the documents
    and many the values). A row is kept where the variable is determined, separated or V ≥ 0.5.
    ``date_original`` (the metadata's dates as written) is left out: ``year`` stands for it. Rows sorted by V, strongest first.
    Columns: ``variable``, ``n_values``, ``determined``, ``separated``, ``cramers_v``, ``detail``.

    >>> d = pd.DataFrame({"doc_id": list("abcd"), "region": ["东", "东", "西", "西"], "date": ["1982", "1987", "2017", "2022"]})
    >>> confounders(d, "region")[["variable", "determined", "separated"]].values.tolist()
    [['year', False, True]]
    """
    if column not in docs:
        raise KeyError(f"no document variable {column!r}; the documents have {', '.join(map(str, docs.columns))}")
    frame = docs.assign(year=_years(docs["date"])) if "date" in docs and "year" not in docs else docs
    if candidates is None:
        candidates = [c for c in analysis_variables(frame) if c not in (column, "basis", "label")]
    rows = []
    for variable in candidates:
        if variable == column or variable not in frame:
            continue
        pair = frame[[column, variable]].dropna()
        values = pair[variable].astype(str)
        as_number = pd.to_numeric(pair[variable], errors="coerce")  # metadata read from CSV holds numbers as text
        numeric = bool(as_number.notna().all())
        pair = pair.assign(**{variable: as_number}) if numeric else pair
        one_each = values.nunique() == len(pair) > pair[column].nunique()
        if values.nunique() < 2 or pair[column].nunique() < 2 or (one_each and not numeric):
            continue  # constant, or a text per document (a title, an id) that no group could share
        per_group = values.groupby(pair[column]).nunique()
        table = pd.crosstab(pair[column], values).to_numpy()
        # a value per document puts each value in one group: V = 1 says nothing there
        cramers_v = corrected_cramers_v(table) if min(table.shape) > 1 and not one_each else float("nan")
        separated = False
        if numeric and (per_group.size < len(pair)):  # with one document per group, `determined` already says it
            spans = pair.groupby(column)[variable].agg(["min", "max"]).sort_values("min")
            separated = bool((spans["min"].to_numpy()[1:] > spans["max"].to_numpy()[:-1]).all())
        detail = ("; ".join(f"{g}: {', '.join(sorted(map(str, v.unique())))}" for g, v in values.groupby(pair[column], sort=True)))
        rows.append({"variable": variable, "n_values": int(values.nunique()), "determined": bool((per_group == 1).all()),
                     "separated": separated, "cramers_v": cramers_v, "detail": detail})
    columns = ["variable", "n_values", "determined", "separated", "cramers_v", "detail"]
    out = pd.DataFrame(rows, columns=columns)
    out = out[out["determined"] | out["separated"] | (out["cramers_v"] >= 0.5)]
    return out.sort_values(["cramers_v", "variable"], ascending=[False, True], kind="stable").reset_index(drop=True)


def corrected_cramers_v(table: np.ndarray) -> float:
    """Cramér's V of a contingency table with Bergsma's bias correction (Bergsma 2013, J. Korean Stat. Soc. 42: 323-328).

    The plain V = √(χ² / (n · (min(r, k) − 1))) (Cramér 1946) is far above 0 for independent
    variables in a small table of many cells (a 3 × 18 table of 47 documents: about 0.6 by chance).
    Bergsma: φ̃² = max(0, χ²/n − (k − 1)(r − 1)/(n − 1)), k̃ = k − (k − 1)²/(n − 1), r̃ likewise,
    Ṽ = √(φ̃² / min(k̃ − 1, r̃ − 1)).

    >>> round(corrected_cramers_v(np.array([[10, 0], [0, 10]])), 3), corrected_cramers_v(np.array([[5, 5], [5, 5]]))
    (1.0, 0.0)
    """
    table = np.asarray(table, dtype=float)
    n, (r, k) = table.sum(), table.shape
    if n < 2 or min(r, k) < 2:
        return float("nan")
    chi2 = chi2_contingency(table, correction=False).statistic
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    k_tilde, r_tilde = k - (k - 1) ** 2 / (n - 1), r - (r - 1) ** 2 / (n - 1)
    denominator = min(k_tilde - 1, r_tilde - 1)
    return float(min(1.0, np.sqrt(phi2 / denominator))) if denominator > 0 else float("nan")


def _years(dates: pd.Series) -> pd.Series:
    """The year of ISO-form dates (``1982``, ``1982-09``, ``1982-09-01``), NaN where there is none."""
    return pd.to_numeric(dates.astype("string").str.extract(r"^(\d{4})", expand=False), errors="coerce")


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
