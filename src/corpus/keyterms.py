"""Keyness: which terms one group of documents uses more than another, with tests and effect sizes.

One table per comparison, one row per term, every statistic side by side: counts,
document frequencies and rates per 10,000 tokens in each group; Monroe, Colaresi &
Quinn's log-odds ratio with an informative Dirichlet prior and its z-score; Pearson's
chi-square and Dunning's log-likelihood G² on the term's 2 × 2 table; a p-value from
the chosen test, Benjamini–Hochberg adjusted over all tested terms; Hardie's Log Ratio
as the effect size; and a ``single_doc`` flag where one document carries the whole
target count (with two or three documents a side, token counts overstate the evidence:
read ``docs_target`` before the p-value).

Everything is computed for all terms at once with numpy (vocabularies run to 10⁵ terms).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.special import xlogy

from .features import DTM

Measure = Literal["log_odds", "chi2", "g2"]
MEASURES = ("log_odds", "chi2", "g2")
KEYNESS_COLUMNS = [
    "term", "count_target", "count_reference", "docs_target", "docs_reference", "freq_target", "freq_reference",
    "log_odds", "z", "chi2", "g2", "p_value", "p_adjusted", "log_ratio", "single_doc",
]  # fmt: skip


def keyness(
    counts: DTM,
    group: pd.Series | Sequence[Hashable] | None = None,
    *,
    target: Hashable | Sequence[str],
    reference: Hashable | Sequence[str] | None = None,
    measure: Measure = "log_odds",
    prior: float = 100.0,
    min_count: int = 5,
    yates: bool = False,
) -> pd.DataFrame:
    """Terms key to a target group of documents against a reference group, one row per term.

    Groups come either from a label per row — ``group`` a Series indexed by ``doc_id``
    (a docvar such as ``docs.set_index("doc_id")["level"]``, mapped onto
    ``counts.rows.doc_id``) or a sequence aligned with ``counts.rows`` — with ``target``
    (and optionally ``reference``) naming labels; or, with ``group=None``, ``target``
    (and optionally ``reference``) are lists of ``doc_id``. The reference defaults to every
    other row; rows whose label is missing belong to neither side. ``counts`` may be a
    document, paragraph or sentence matrix (not one summed by :meth:`DTM.group`: document
    frequencies need ``doc_id``).

    For term w, with a = its count in the target, c in the reference, n_t and n_r the
    groups' token totals (all columns of ``counts``, before ``min_count``), N = n_t + n_r:

    * ``chi2``: Pearson's X² = N (a·d − b·c)² / (n_t · n_r · (a + c) · (b + d)) with b = n_t − a,
      d = n_r − c; with ``yates``, |a·d − b·c| is first reduced by N/2 (not below 0). Equal to
      ``scipy.stats.chi2_contingency(table, correction=yates)``.
    * ``g2``: Dunning's (1993) log-likelihood G² = 2 Σ O ln(O / E) over the four cells,
      E = row total × column total / N, 0 ln 0 = 0 (never Yates-corrected).
    * ``log_odds``: Monroe, Colaresi & Quinn (2008, Political Analysis 16(4), eq. 16–22),
      informative Dirichlet prior α_w = ``prior`` × f_w / F, where f_w / F is w's share of all
      tokens in ``counts`` (so α₀ = Σ α_w = ``prior``):
      δ_w = ln((a + α_w) / (n_t + α₀ − a − α_w)) − ln((c + α_w) / (n_r + α₀ − c − α_w)),
      Var(δ_w) ≈ 1/(a + α_w) + 1/(c + α_w), z = δ_w / √Var.
    * ``p_value``: chi-square survival with 1 df of X² or G², or two-sided normal 2·Φ(−|z|)
      for ``log_odds``; ``p_adjusted``: Benjamini & Hochberg (1995) over the tested terms.
    * ``log_ratio``: Hardie's (2014) Log Ratio, log₂(((a + 0.5) / n_t) / ((c + 0.5) / n_r)):
      0.5 is added to both counts so terms absent from one side stay finite.
    * ``freq_*``: rate per 10,000 tokens; ``docs_*``: distinct ``doc_id`` with the term;
      ``single_doc``: every target occurrence comes from one document.

    Terms with count_target + count_reference < ``min_count`` are left out (terms that never
    occur always are). Rows are sorted by the statistic of ``measure`` signed by direction
    (z for ``log_odds``): terms key to the target first, terms key to the reference last.
    ``prior`` is the total pseudo-count of the prior; larger values shrink rare terms harder.
    """
    _check_options(measure, prior, min_count)
    if "doc_id" not in counts.rows.columns:
        raise ValueError(
            "`counts.rows` has no doc_id column: pass a document, paragraph or sentence matrix from "
            "corpus.features.dtm, not one summed by DTM.group"
        )
    in_target, in_reference = _sides(counts, group, target, reference)

    matrix = counts.matrix.tocsr()
    total = np.asarray(matrix.sum(axis=0), dtype=np.float64).ravel()
    a = np.asarray(matrix[in_target].sum(axis=0), dtype=np.float64).ravel()
    c = np.asarray(matrix[in_reference].sum(axis=0), dtype=np.float64).ravel()
    docs_t = _doc_frequency(matrix, counts.rows["doc_id"], in_target)
    docs_r = _doc_frequency(matrix, counts.rows["doc_id"], in_reference)
    return keyness_table(counts.terms, a, c, docs_t, docs_r, total=total, measure=measure, prior=prior,
                         min_count=min_count, yates=yates)  # fmt: skip


def keyness_table(
    terms: np.ndarray,
    a: np.ndarray,
    c: np.ndarray,
    docs_t: np.ndarray,
    docs_r: np.ndarray,
    *,
    total: np.ndarray | None = None,
    measure: Measure = "log_odds",
    prior: float = 100.0,
    min_count: int = 5,
    yates: bool = False,
) -> pd.DataFrame:
    """The :func:`keyness` table from per-term counts (``a`` target, ``c`` reference) and document frequencies.

    For callers that already hold the group totals (e.g. each document against the rest,
    without slicing the matrix once per document). ``total``: each term's count in the whole
    corpus, for the prior (default ``a + c``). Formulas and sorting as in :func:`keyness`.
    """
    _check_options(measure, prior, min_count)
    a, c = np.asarray(a, dtype=np.float64), np.asarray(c, dtype=np.float64)
    total = a + c if total is None else np.asarray(total, dtype=np.float64)
    docs_t, docs_r = np.asarray(docs_t, dtype=np.int64), np.asarray(docs_r, dtype=np.int64)
    n_t, n_r = a.sum(), c.sum()
    if n_t == 0 or n_r == 0:
        side = "target" if n_t == 0 else "reference"
        raise ValueError(f"the {side} group has no tokens in `counts`: nothing to compare")

    keep = (a + c >= max(int(min_count), 1))
    a_k, c_k = a[keep], c[keep]
    alpha = prior * total[keep] / total.sum()
    delta, z = log_odds_dirichlet(a_k, c_k, n_t, n_r, alpha, prior)
    x2 = pearson_chi2(a_k, c_k, n_t, n_r, yates=yates)
    g = log_likelihood_g2(a_k, c_k, n_t, n_r)
    if measure == "log_odds":
        p = 2.0 * stats.norm.sf(np.abs(z))
    else:
        p = stats.chi2.sf(x2 if measure == "chi2" else g, 1)
    frame = pd.DataFrame({
        "term": np.asarray(terms)[keep],
        "count_target": a_k.astype(np.int64),
        "count_reference": c_k.astype(np.int64),
        "docs_target": docs_t[keep],
        "docs_reference": docs_r[keep],
        "freq_target": a_k / n_t * 1e4,
        "freq_reference": c_k / n_r * 1e4,
        "log_odds": delta,
        "z": z,
        "chi2": x2,
        "g2": g,
        "p_value": p,
        "p_adjusted": benjamini_hochberg(p),
        "log_ratio": np.log2(((a_k + 0.5) / n_t) / ((c_k + 0.5) / n_r)),
        "single_doc": docs_t[keep] == 1,
    })  # fmt: skip
    if measure == "log_odds":
        key = z
    else:
        key = np.sign(a_k / n_t - c_k / n_r) * (x2 if measure == "chi2" else g)
    order = np.lexsort((frame["term"].to_numpy(dtype=str), -key))
    return frame.iloc[order].reset_index(drop=True)


def _check_options(measure: str, prior: float, min_count: int) -> None:
    if measure not in MEASURES:
        raise ValueError(f"`measure` must be one of {', '.join(repr(m) for m in MEASURES)}; got {measure!r}")
    if not prior > 0:
        raise ValueError(f"`prior` must be a positive number; got {prior!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 0:
        raise ValueError(f"`min_count` must be a non-negative integer; got {min_count!r}")


def pearson_chi2(a: np.ndarray, c: np.ndarray, n_t: float, n_r: float, *, yates: bool = False) -> np.ndarray:
    """Pearson's X² of each term's 2 × 2 table (counts a, c of totals n_t, n_r), as in ``chi2_contingency``.

    >>> round(float(pearson_chi2(np.array([4.0]), np.array([1.0]), 10, 10)[0]), 6)
    2.4
    """
    a, c = np.asarray(a, dtype=np.float64), np.asarray(c, dtype=np.float64)
    b, d = n_t - a, n_r - c
    n = n_t + n_r
    diff = np.abs(a * d - b * c)
    if yates:
        diff = np.maximum(diff - n / 2.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return n * diff**2 / (n_t * n_r * (a + c) * (b + d))


def log_likelihood_g2(a: np.ndarray, c: np.ndarray, n_t: float, n_r: float) -> np.ndarray:
    """Dunning's log-likelihood G² = 2 Σ O ln(O/E) of each term's 2 × 2 table (0 ln 0 = 0).

    >>> round(float(log_likelihood_g2(np.array([5.0]), np.array([5.0]), 10, 10)[0]), 6)
    0.0
    """
    a, c = np.asarray(a, dtype=np.float64), np.asarray(c, dtype=np.float64)
    n = n_t + n_r
    f, rest = a + c, n - (a + c)
    observed = (a, n_t - a, c, n_r - c)
    expected = (n_t * f / n, n_t * rest / n, n_r * f / n, n_r * rest / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2.0 * sum(xlogy(o, o / e) for o, e in zip(observed, expected))


def log_odds_dirichlet(
    a: np.ndarray, c: np.ndarray, n_t: float, n_r: float, alpha: np.ndarray, alpha0: float
) -> tuple[np.ndarray, np.ndarray]:
    """Monroe et al.'s (2008) log-odds ratio δ with Dirichlet prior α (summing to ``alpha0``) and its z-score."""
    a, c, alpha = (np.asarray(x, dtype=np.float64) for x in (a, c, alpha))
    delta = np.log((a + alpha) / (n_t + alpha0 - a - alpha)) - np.log((c + alpha) / (n_r + alpha0 - c - alpha))
    return delta, delta / np.sqrt(1.0 / (a + alpha) + 1.0 / (c + alpha))


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini & Hochberg (1995) adjusted p-values: min over k ≥ i of p₍ₖ₎ · m / k, capped at 1.

    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03])).round(6).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p, dtype=np.float64)
    if p.size == 0:
        return p.copy()
    if hasattr(stats, "false_discovery_control") and not np.isnan(p).any():
        return stats.false_discovery_control(p, method="bh")
    return _benjamini_hochberg_by_hand(p)


def _benjamini_hochberg_by_hand(p: np.ndarray) -> np.ndarray:
    """The BH step-up adjustment without scipy (NaN p-values stay NaN and do not count in m)."""
    p = np.asarray(p, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    order = np.argsort(p[ok], kind="stable")
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    values = np.empty(m)
    values[order] = adjusted
    out[ok] = values
    return out


def _sides(counts: DTM, group, target, reference) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over ``counts.rows`` for the target and the reference."""
    doc_ids = counts.rows["doc_id"].astype(str).to_numpy()
    if group is None:
        t_ids = _id_list(target, "target")
        known = set(doc_ids)
        missing = [d for d in t_ids if d not in known]
        if missing:
            raise ValueError(f"`target` names documents not in `counts`: {missing}")
        in_target = np.isin(doc_ids, t_ids)
        if reference is None:
            in_reference = ~in_target
        else:
            r_ids = _id_list(reference, "reference")
            missing = [d for d in r_ids if d not in known]
            if missing:
                raise ValueError(f"`reference` names documents not in `counts`: {missing}")
            both = sorted(set(t_ids) & set(r_ids))
            if both:
                raise ValueError(f"documents in both `target` and `reference`: {both}")
            in_reference = np.isin(doc_ids, r_ids)
    else:
        labels = _row_labels(counts, group, doc_ids)
        present = labels.dropna().unique().tolist()
        for name, value in (("target", target), ("reference", reference)):
            if value is not None and value not in present:
                raise ValueError(f"`{name}` {value!r} is not a label in `group`; labels are {sorted(map(str, present))}")
        if reference is not None and reference == target:
            raise ValueError(f"`target` and `reference` are the same label {target!r}")
        in_target = (labels == target).to_numpy(dtype=bool)
        if reference is None:
            in_reference = labels.notna().to_numpy(dtype=bool) & ~in_target
        else:
            in_reference = (labels == reference).to_numpy(dtype=bool)
    if not in_target.any():
        raise ValueError("the target group is empty: no row of `counts` belongs to it")
    if not in_reference.any():
        raise ValueError("the reference group is empty: every labelled row of `counts` is in the target")
    return in_target, in_reference


def _id_list(value, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Sequence | np.ndarray | pd.Series | pd.Index | set | frozenset):
        raise ValueError(f"with `group=None`, `{name}` must be a doc_id or a list of doc_ids; got {value!r}")
    ids = [str(v) for v in value]
    if not ids:
        raise ValueError(f"`{name}` is an empty list of documents")
    return ids


def _row_labels(counts: DTM, group, doc_ids: np.ndarray) -> pd.Series:
    """One label per row: a Series indexed by doc_id is mapped; anything else must align with the rows."""
    if isinstance(group, pd.Series) and group.index.astype(str).isin(doc_ids).any():
        index = group.index.astype(str)
        if index.duplicated().any():
            raise ValueError(f"`group` has more than one label for documents {sorted(set(index[index.duplicated()]))}")
        missing = sorted(set(doc_ids) - set(index))
        if missing:
            raise ValueError(f"`group` has no label for documents {missing}")
        return pd.Series(group.to_numpy(), index=index).reindex(doc_ids).reset_index(drop=True)
    values = list(group)
    if len(values) != len(doc_ids):
        raise ValueError(
            f"`group` has {len(values)} labels for {len(doc_ids)} rows of `counts`: pass one label per row, "
            "or a Series indexed by doc_id"
        )
    return pd.Series(values, dtype=object)


def _doc_frequency(matrix: sp.csr_matrix, doc_ids: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Number of distinct documents among ``rows`` in which each term occurs."""
    sub = matrix[rows]
    codes, uniques = pd.factorize(doc_ids[rows].to_numpy())
    indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(uniques), len(codes)))
    per_doc = indicator @ sub
    return np.asarray((per_doc > 0).sum(axis=0)).ravel().astype(np.int64)
