"""Keyness: which terms one group of documents uses more than another: effect sizes, and a test by document.

One table per comparison, one row per term. Token-level statistics, side by side: counts,
document frequencies and rates per 10,000 tokens in each group; Monroe, Colaresi & Quinn's
log-odds ratio with an informative Dirichlet prior and its z-score; Pearson's chi-square and
Dunning's log-likelihood G² on the term's 2 × 2 table; Hardie's Log Ratio. These treat every
token as an independent draw, so their p-values (``p_value``, ``p_adjusted``) overstate the
evidence whenever documents differ among themselves, as documents always do: two documents
against ten give p = 0.000 for every listed term. They are kept as effect sizes and for
comparison, never as a claim of significance.

The claim of significance comes from :func:`permutation_test`, whose unit is the document (or a
unit the user names): the difference between the groups' mean per-document rates, referred to
its distribution over relabelings of the documents (all of them when they are few, a seeded
Monte Carlo sample with sequential stopping otherwise), and Benjamini–Hochberg over the terms
that can reach significance at all (``p_perm``, ``q``). With too few documents no term can:
``tested`` is then False everywhere and the table holds effect sizes only.

Everything is computed for all terms at once with numpy and scipy.sparse (vocabularies run to
10⁵ terms, corpora to thousands of documents).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.special import gammaln, xlogy

from .features import DTM

log = logging.getLogger(__name__)

Measure = Literal["log_odds", "chi2", "g2"]
MEASURES = ("log_odds", "chi2", "g2")
#: The columns of :func:`keyness_table`: token-level statistics and effect sizes.
TOKEN_COLUMNS = [
    "term", "count_target", "count_reference", "docs_target", "docs_reference", "freq_target", "freq_reference",
    "log_odds", "z", "chi2", "g2", "p_value", "p_adjusted", "log_ratio", "single_doc",
]  # fmt: skip
#: The columns of :func:`permutation_test`: the document-level test.
PERMUTATION_COLUMNS = [
    "n_target", "n_reference", "mean_rate_target", "mean_rate_reference", "min_p", "tested", "p_perm", "q", "test", "B",
]  # fmt: skip
#: The columns of :func:`keyness`: which groups were compared, then both of the above.
KEYNESS_COLUMNS = ["target", "reference", *PERMUTATION_COLUMNS[:2], *TOKEN_COLUMNS, *PERMUTATION_COLUMNS[2:]]
#: Total mass α₀ of the log-odds' informative Dirichlet prior (Monroe et al. 2008) unless ``prior`` is given: 100
#: pseudo-tokens shared among the terms in proportion to their corpus counts (α_w = α₀ f_w / F).
PRIOR = 100.0
#: The reference recorded when it is every document outside the target.
ALL_OTHER_DOCUMENTS = "all other documents"
#: Besag & Clifford's h: a term's Monte Carlo permutations stop once this many permuted statistics reach its own.
STOP_AFTER = 20
#: Bounds on the Monte Carlo permutations B when they are chosen from the number of terms tested.
MIN_PERMUTATIONS, MAX_PERMUTATIONS = 9_999, 199_999
#: Rows of a relabeling block (Monte Carlo: the first blocks are smaller, so most terms stop early and cheaply).
_BLOCKS = (256, 512, 1024, 2048, 4096)
#: Relative size under which a difference of mean rates is rounding, not a difference (sums in another order).
ROUNDING = 1e-9
_CELLS = 4_000_000  # permutations × terms held in memory at once (32 MB of float64)


def keyness(
    counts: DTM,
    group: pd.Series | Sequence[Hashable] | None = None,
    *,
    target: Hashable | Sequence[str],
    reference: Hashable | Sequence[str] | None = None,
    measure: Measure = "log_odds",
    prior: float = PRIOR,
    min_count: int = 5,
    yates: bool = False,
    unit: pd.Series | None = None,
    fdr: float = 0.05,
    permutations: int | None = None,
    random_state: int = 0,
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
      for ``log_odds``; ``p_adjusted``: Benjamini & Hochberg (1995) over the terms listed.
      Token-level: every token an independent draw. Kept for comparison; not a test of
      whether the groups of *documents* differ.
    * ``log_ratio``: Hardie's (2014) Log Ratio, log₂(((a + 0.5) / n_t) / ((c + 0.5) / n_r)):
      0.5 is added to both counts so terms absent from one side stay finite.
    * ``freq_*``: rate per 10,000 tokens; ``docs_*``: distinct ``doc_id`` with the term on each
      side; ``single_doc``: every occurrence on the side the term is key to (the sign of the
      sorting statistic) comes from one document.

    The document-level test is :func:`permutation_test` (formula, family of terms tested,
    B and the smallest attainable p there), run on the rows summed per document — or per
    ``unit``, a Series doc_id → unit (e.g. the agency that issued each document, when one
    agency's documents cannot count as independent); a unit's documents must all be on one
    side. It adds ``n_target`` / ``n_reference`` (documents or units in each group),
    ``mean_rate_*`` (mean per-document rate per 10,000 tokens), ``min_p``, ``tested``,
    ``p_perm``, ``q``, ``test`` and ``B``; ``target`` and ``reference`` name the groups
    (labels, or doc_ids) on every row. A term is significantly key to the side of its
    ``mean_rate_*`` difference when ``q < fdr``.

    Terms with count_target + count_reference < ``min_count`` are left out (terms that never
    occur always are). Rows are sorted by the statistic of ``measure`` signed by direction
    (z for ``log_odds``): terms key to the target first, terms key to the reference last.
    ``prior`` is the total pseudo-count of the prior (:data:`PRIOR`); larger values shrink rare terms harder. A term
    one side never uses has that side's variance term 1/α_w, the prior's alone, so |z| ≤ |δ_w|·√α_w however often
    the other side uses it, and it can rank below terms that are only rarer on that side: read ``log_ratio`` and
    the counts for such terms.
    """
    _check_options(measure, prior, min_count)
    _check_test_options(fdr, permutations, random_state)
    if "doc_id" not in counts.rows.columns:
        raise ValueError(
            "`counts.rows` has no doc_id column: pass a document, paragraph or sentence matrix from "
            "corpus.features.dtm, not one summed by DTM.group"
        )
    in_target, in_reference, names = _sides(counts, group, target, reference)

    matrix = counts.matrix.tocsr()
    total = np.asarray(matrix.sum(axis=0), dtype=np.float64).ravel()
    a = np.asarray(matrix[in_target].sum(axis=0), dtype=np.float64).ravel()
    c = np.asarray(matrix[in_reference].sum(axis=0), dtype=np.float64).ravel()
    docs_t = _doc_frequency(matrix, counts.rows["doc_id"], in_target)
    docs_r = _doc_frequency(matrix, counts.rows["doc_id"], in_reference)
    frame, keep, key = _token_statistics(counts.terms, a, c, docs_t, docs_r, total=total, measure=measure, prior=prior,
                                         min_count=min_count, yates=yates)  # fmt: skip

    per_unit, unit_in_target = _per_unit(counts, matrix, in_target, in_reference, unit)
    tested = permutation_test(per_unit[:, keep], unit_in_target, lengths=np.asarray(per_unit.sum(axis=1)).ravel(),
                              fdr=fdr, permutations=permutations, random_state=random_state)  # fmt: skip
    frame = pd.concat([frame, tested.reset_index(drop=True)], axis=1)
    frame.insert(0, "reference", names[1])
    frame.insert(0, "target", names[0])
    return _sorted(frame, key)[KEYNESS_COLUMNS]


def each_text_once(groups: pd.Series, duplicate_of: pd.Series) -> pd.Series:
    """``groups`` (doc_id → group) with every document that repeats another in the groups made missing: in neither group.

    A test whose unit is the document takes its documents as independent; a text posted twice
    (``duplicate_of``, the loader's: the same text, or one whose 5-character shingles it shares at
    Jaccard ≥ 0.85) would count twice and can make a term look consistent across documents when
    one text carries it. Of each set of copies the first that has a group stays: a copy whose
    original is in no group (undated, say) is that text's one document in the test.

    >>> each_text_once(pd.Series({"a": "x", "b": "x", "c": "y"}), pd.Series({"a": None, "b": "a", "c": None})).tolist()
    ['x', nan, 'y']
    >>> each_text_once(pd.Series({"a": None, "b": "x", "c": "y"}), pd.Series({"a": None, "b": "a", "c": "a"})).tolist()
    [nan, 'x', nan]
    """
    original = {str(d): str(o) for d, o in duplicate_of.dropna().items()}
    def root(doc: str) -> str:
        seen = {doc}
        while doc in original and original[doc] not in seen:  # a copy of a copy leads to the first text
            doc = original[doc]
            seen.add(doc)
        return doc

    grouped = groups.dropna()
    roots = pd.Series([root(str(d)) for d in grouped.index], index=grouped.index)
    return groups.where(groups.index.isin(roots.index[~roots.duplicated()]))


def keyness_table(
    terms: np.ndarray,
    a: np.ndarray,
    c: np.ndarray,
    docs_t: np.ndarray,
    docs_r: np.ndarray,
    *,
    total: np.ndarray | None = None,
    measure: Measure = "log_odds",
    prior: float = PRIOR,
    min_count: int = 5,
    yates: bool = False,
) -> pd.DataFrame:
    """The token-level columns of :func:`keyness` (:data:`TOKEN_COLUMNS`) from per-term counts and document frequencies.

    For callers that already hold the group totals (e.g. each document against the rest,
    without slicing the matrix once per document): ``a`` target, ``c`` reference counts. No
    document-level test (it needs each document's counts). ``total``: each term's count in the
    whole corpus, for the prior (default ``a + c``). Formulas and sorting as in :func:`keyness`.
    """
    _check_options(measure, prior, min_count)
    frame, _, key = _token_statistics(terms, a, c, docs_t, docs_r, total=total, measure=measure, prior=prior,
                                      min_count=min_count, yates=yates)  # fmt: skip
    return _sorted(frame, key)


def _token_statistics(terms, a, c, docs_t, docs_r, *, total, measure, prior, min_count, yates):
    """The unsorted token-level table, the indices of the terms it keeps, and its signed sorting key."""
    a, c = np.asarray(a, dtype=np.float64), np.asarray(c, dtype=np.float64)
    total = a + c if total is None else np.asarray(total, dtype=np.float64)
    docs_t, docs_r = np.asarray(docs_t, dtype=np.int64), np.asarray(docs_r, dtype=np.int64)
    n_t, n_r = a.sum(), c.sum()
    if n_t == 0 or n_r == 0:
        side = "target" if n_t == 0 else "reference"
        raise ValueError(f"the {side} group has no tokens in `counts`: nothing to compare")

    keep = np.flatnonzero(a + c >= max(int(min_count), 1))
    a_k, c_k = a[keep], c[keep]
    alpha = prior * total[keep] / total.sum()
    delta, z = log_odds_dirichlet(a_k, c_k, n_t, n_r, alpha, prior)
    x2 = pearson_chi2(a_k, c_k, n_t, n_r, yates=yates)
    g = log_likelihood_g2(a_k, c_k, n_t, n_r)
    if measure == "log_odds":
        p = 2.0 * stats.norm.sf(np.abs(z))
        key = z
    else:
        p = stats.chi2.sf(x2 if measure == "chi2" else g, 1)
        key = np.sign(a_k / n_t - c_k / n_r) * (x2 if measure == "chi2" else g)
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
        # The side the term is listed under: one document there is one voice, whichever side it is.
        "single_doc": np.where(key >= 0, docs_t[keep], docs_r[keep]) == 1,
    })  # fmt: skip
    return frame, keep, key


def _sorted(frame: pd.DataFrame, key: np.ndarray) -> pd.DataFrame:
    order = np.lexsort((frame["term"].to_numpy(dtype=str), -key))
    return frame.iloc[order].reset_index(drop=True)


def permutation_test(
    counts: sp.spmatrix | np.ndarray,
    in_target: np.ndarray,
    *,
    lengths: np.ndarray | None = None,
    priority: np.ndarray | None = None,
    fdr: float = 0.05,
    permutations: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Document-level test of each term: do the target's documents use it at a different rate than the reference's?

    ``counts``: one row per document (or other unit), one column per term; ``in_target``
    True for a target row, False for a reference row; ``lengths``: each row's token total
    (default its row sum; rows without tokens take no part). One row out per column of
    ``counts``, in its order, with :data:`PERMUTATION_COLUMNS`.

    Statistic: with r_iw = x_iw / N_i the rate of term w in document i, m_t and m_r the two
    groups' mean rates (``mean_rate_*``, per 10,000 tokens) and s_t², s_r² their variances,
    Welch's t_w = (m_t − m_r) / √(s_t²/n_t + s_r²/n_r) (m_t − m_r itself when a side has a
    single document), two-sided. Each document counts once, so a term that one long document
    repeats is not evidence about its group. The p-value is that of a randomization test
    (Fisher 1935; Pitman 1937): |t_w| against its values when the documents are reassigned to
    groups of the same sizes, exact whatever the distribution of the rates when the documents
    are exchangeable; studentizing keeps it asymptotically valid for equal *mean* rates when
    the groups' variances differ (Janssen 1997; Chung & Romano 2013, Ann. Statist. 41(2)).

    * Exact, when the C = C(n_t + n_r, n_t) relabelings number no more than B:
      p = #{relabelings σ : |t_w(σ)| ≥ |t_w|} / C, the observed labeling among them.
    * Otherwise Monte Carlo over B relabelings drawn by ``numpy.random.default_rng(random_state)``,
      p = (1 + #{b : |t_w^(b)| ≥ |t_w|}) / (B + 1) (Davison & Hinkley 1997, eq. 4.11; Phipson &
      Smyth 2010), with Besag & Clifford's (1991, Biometrika 78(2)) sequential stopping: a term
      stops at the l-th relabeling where h = :data:`STOP_AFTER` of them have reached |t_w|, and
      then p = h / l. Terms far from significance stop within a few hundred relabelings, so B
      can be large enough for the ones that are not.

    Which terms are tested (the family over which ``q``, Benjamini & Hochberg 1995, is taken):
    a term occurring in k documents can at best reach
    ``min_p`` = min(C(n − k, n_t − j_hi), C(n − k, n_t − j_lo)) / C × (2 when n_t = n_r)
    with j_hi = min(k, n_t), j_lo = max(0, k − n_r) (all its documents on one side, the
    relabelings that keep them there; with equal sides each relabeling's mirror ties), and
    not below 1/(B + 1) by Monte Carlo. Ordered by ``min_p``, then by ``priority`` (higher
    first; default the variance of the term's per-document rate over all documents, so that of
    terms equally testable those whose use varies most come first, as in Bourgon, Gentleman &
    Huber's 2010 filtering by overall variance), then by column, the first m terms are tested,
    m the largest with ``min_p``₍ₘ₎ · m < ``fdr``: every tested term could pass the correction on
    its own, and none that could not dilutes it (Tarone 1990, Biometrics 46(2); Gilbert 2005,
    JRSS C 54(1)). k, ``min_p`` and the variance do not change when documents are relabelled,
    so choosing the family this way leaves the test exact. B (``permutations``; None: chosen) is
    ⌈2m/``fdr``⌉ − 1 held within [:data:`MIN_PERMUTATIONS`, :data:`MAX_PERMUTATIONS`], so that
    1/(B + 1) ≤ ``fdr``/(2m). ``B`` reports the relabelings used (C when exact; 0 when none).

    No term can be tested when even a term in every document cannot: (2 if n_t = n_r else 1)/C ≥
    ``fdr`` — at 0.05, one document against up to 19, two against up to 4, three against 3.
    ``test`` is then "none (too few documents)" ("none (no term in enough documents)" when the
    documents would do but every term is too rare): ``tested`` False, ``p_perm`` and ``q``
    missing, the effect sizes are all there is.

    >>> x = sp.csr_matrix([[3, 0], [2, 1], [0, 2], [1, 3], [0, 4], [1, 2]])
    >>> table = permutation_test(x, np.array([True, True, True, False, False, False]))
    >>> table[["min_p", "tested", "test", "B"]].values.tolist()
    [[0.1, False, 'none (too few documents)', 0], [0.1, False, 'none (too few documents)', 0]]
    """
    _check_test_options(fdr, permutations, random_state)
    x = sp.csr_matrix(counts, dtype=np.float64)
    in_target = np.asarray(in_target, dtype=bool)
    if in_target.shape != (x.shape[0],):
        raise ValueError(f"`in_target` has {in_target.size} values for {x.shape[0]} rows of `counts`")
    lengths = np.asarray(x.sum(axis=1)).ravel() if lengths is None else np.asarray(lengths, dtype=np.float64)
    used = lengths > 0
    x, lengths, in_target = x[used], lengths[used], in_target[used]
    n_t, n_r = int(in_target.sum()), int((~in_target).sum())
    if n_t == 0 or n_r == 0:
        side = "target" if n_t == 0 else "reference"
        raise ValueError(f"the {side} group has no document with tokens: nothing to compare")

    rates = sp.csc_matrix(sp.diags(1.0 / lengths) @ x)
    rates.eliminate_zeros()
    total = np.asarray(rates.sum(axis=0)).ravel()
    s_t = np.asarray(rates[in_target].sum(axis=0)).ravel()
    k = np.diff(rates.indptr)
    min_p = smallest_p(k, n_t, n_r)
    if priority is None:
        n = n_t + n_r
        priority = (np.asarray(rates.multiply(rates).sum(axis=0)).ravel() - total**2 / n) / (n - 1)
    priority = np.asarray(priority, dtype=np.float64)

    terms = np.flatnonzero(k > 0)
    ranked = terms[np.lexsort((terms, -priority[terms], min_p[terms]))]
    m = _family_size(min_p[ranked], fdr)
    b = permutations
    if b is None:
        b = int(min(MAX_PERMUTATIONS, max(MIN_PERMUTATIONS, math.ceil(2 * m / fdr) - 1)))
    relabelings = math.comb(n_t + n_r, n_t)
    exact = relabelings <= b
    if not exact:
        min_p = np.maximum(min_p, 1.0 / (b + 1))
        m = _family_size(min_p[ranked], fdr)
    family = np.sort(ranked[:m])

    p = np.full(x.shape[1], np.nan)
    q = np.full(x.shape[1], np.nan)
    if m:
        sub = rates[:, family]
        if exact:
            p[family] = _exact_p(sub, in_target, relabelings)
        else:
            p[family] = _monte_carlo_p(sub, in_target, b, np.random.default_rng(random_state))
        q[family] = benjamini_hochberg(p[family])
        test, b = ("exact permutation", relabelings) if exact else ("Monte Carlo permutation", b)
    else:
        few = smallest_p(np.array([n_t + n_r]), n_t, n_r)[0] >= fdr * (1 - 1e-9)
        test, b = ("none (too few documents)" if few else "none (no term in enough documents)"), 0
    log.info("keyness: %s, %d against %d documents, %d of %d terms tested, B = %d", test, n_t, n_r, m, x.shape[1], b)
    tested = np.zeros(x.shape[1], dtype=bool)
    tested[family] = True
    return pd.DataFrame({
        "n_target": n_t,
        "n_reference": n_r,
        "mean_rate_target": s_t / n_t * 1e4,
        "mean_rate_reference": (total - s_t) / n_r * 1e4,
        "min_p": min_p,
        "tested": tested,
        "p_perm": p,
        "q": q,
        "test": test,
        "B": b,
    })  # fmt: skip


def smallest_p(k: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    """The smallest two-sided permutation p a term found in ``k`` of the documents can reach, with n_t against n_r.

    min(C(n − k, n_t − j_hi), C(n − k, n_t − j_lo)) / C(n, n_t), doubled when n_t = n_r, with
    j_hi = min(k, n_t) and j_lo = max(0, k − n_r): see :func:`permutation_test`. A term in one of
    five documents, two of them the target, is in the target under 4 of the 10 relabelings:

    >>> smallest_p(np.array([0, 1, 2, 5]), 2, 3).round(12).tolist()
    [1.0, 0.4, 0.1, 0.1]
    """
    k = np.asarray(k, dtype=np.int64)
    n = n_t + n_r
    j_hi, j_lo = np.minimum(k, n_t), np.maximum(0, k - n_r)
    values, inverse = np.unique(np.stack([n - k, n_t - j_hi, n_t - j_lo]), axis=1, return_inverse=True)
    if n <= 500:  # exact integers (a ratio of Python ints is correctly rounded), so 1/20 is 0.05 exactly
        whole = math.comb(n, n_t)
        best = [min(math.comb(int(r), int(u)), math.comb(int(r), int(v))) / whole for r, u, v in values.T]
    else:
        log_comb = lambda a, b: gammaln(a + 1.0) - gammaln(b + 1.0) - gammaln(a - b + 1.0)  # noqa: E731
        best = np.exp(np.minimum(log_comb(values[0], values[1]), log_comb(values[0], values[2])) - log_comb(n, n_t))
    p = np.asarray(best, dtype=np.float64)[np.asarray(inverse).ravel()]
    return np.minimum(p * (2.0 if n_t == n_r else 1.0), 1.0)


def _family_size(ordered_min_p: np.ndarray, fdr: float) -> int:
    """The largest m with min_p₍ₘ₎ · m < fdr (min_p in increasing order, so the first m terms all qualify)."""
    ok = ordered_min_p * np.arange(1, len(ordered_min_p) + 1) < fdr * (1 - 1e-9)
    return int(len(ok) if ok.all() else np.argmin(ok))


def _welch(s_t: np.ndarray, q_t: np.ndarray, total: np.ndarray, total_sq: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    """Welch's t from sums of rates and of squared rates: the target's (``s_t``, ``q_t``), everyone's (``total``, ``total_sq``).

    With a single document on a side its variance is unknown: the difference of means instead.
    Rates 0.1, 0.2 against 0.0, 0.1: t = (0.15 − 0.05) / √(0.005/2 + 0.005/2) = √2.

    >>> round(float(_welch(np.array([0.3]), np.array([0.05]), np.array([0.4]), np.array([0.06]), 2, 2)[0]), 6)
    1.414214
    """
    mean_t, mean_r = s_t / n_t, (total - s_t) / n_r
    # Sums of the same rates taken in another order round differently: a difference or a standard
    # error within rounding of the rates' scale is zero (equal rates give t = 0, never ±inf or NaN).
    scale = np.abs(mean_t) + np.abs(mean_r)
    diff = np.where(np.abs(mean_t - mean_r) > ROUNDING * scale, mean_t - mean_r, 0.0)
    if min(n_t, n_r) < 2:
        return diff
    # Σr² − n·mean², clipped: a side whose rates are all equal has variance 0, not −1e-20.
    var_t = np.maximum(q_t - s_t * mean_t, 0.0) / (n_t - 1)
    var_r = np.maximum(total_sq - q_t - (total - s_t) * mean_r, 0.0) / (n_r - 1)
    se = np.sqrt(var_t / n_t + var_r / n_r)
    se = np.where(se > 1e-7 * scale, se, 0.0)  # Σr² − n·mean² loses ~1e-16 of mean² to rounding: ~1e-8 of the mean in se
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff == 0, 0.0, np.sign(diff) * np.inf))


def _relabeled(rates: sp.csc_matrix, in_target: np.ndarray):
    """|t| of the observed labeling, and a function giving |t| for blocks of relabelings (rows of 0/1) and columns."""
    n_t, n_r = int(in_target.sum()), int((~in_target).sum())
    squares = rates.multiply(rates).tocsc()
    total, total_sq = (np.asarray(m.sum(axis=0)).ravel() for m in (rates, squares))

    def abs_t(labels: np.ndarray, cols: np.ndarray) -> np.ndarray:
        s_t, q_t = _target_sums(labels, rates[:, cols]), _target_sums(labels, squares[:, cols])
        return np.abs(_welch(s_t, q_t, total[cols], total_sq[cols], n_t, n_r))

    observed = abs_t(in_target[None, :].astype(np.float64), np.arange(rates.shape[1]))[0]
    # Sums taken in another order round differently; the margin keeps exact ties (a mirror labeling) ties.
    return observed * (1 - 1e-9), abs_t


def _target_sums(labels: np.ndarray, values: sp.csc_matrix) -> np.ndarray:
    """Σ over each relabeling's target rows (``labels`` 0/1, relabelings × documents): dense where that is faster."""
    if values.nnz > 0.05 * values.shape[0] * values.shape[1]:
        return labels @ values.toarray()
    return np.asarray((values.T @ labels.T).T)


def _exact_p(rates: sp.csc_matrix, in_target: np.ndarray, relabelings: int) -> np.ndarray:
    """p over every relabeling: #{σ : |t(σ)| ≥ |t|} / C, the observed labeling among them."""
    reach, abs_t = _relabeled(rates, in_target)
    n, n_t, m = len(in_target), int(in_target.sum()), rates.shape[1]
    hits = np.zeros(m, dtype=np.int64)
    cols = np.arange(m)
    combos = itertools.combinations(range(n), n_t)
    while block := list(itertools.islice(combos, max(1, min(_CELLS // max(m, 1), _BLOCKS[-1])))):
        labels = np.zeros((len(block), n))
        labels[np.arange(len(block))[:, None], np.array(block)] = 1.0
        hits += (abs_t(labels, cols) >= reach).sum(axis=0)
    return hits / relabelings


def _monte_carlo_p(rates: sp.csc_matrix, in_target: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    """Besag–Clifford sequential Monte Carlo p: h/l for a term stopped at relabeling l, else (1 + hits)/(B + 1)."""
    reach, abs_t = _relabeled(rates, in_target)
    m = rates.shape[1]
    hits = np.zeros(m, dtype=np.int64)
    p = np.full(m, np.nan)
    active = np.arange(m)
    base = in_target.astype(np.float64)
    drawn, labels = 0, np.empty((0, len(base)))
    for size in _block_sizes(b):
        # The relabelings drawn depend on the seed and B only, never on which terms are still running.
        # Shuffling last block's rows again in place is as uniform as shuffling fresh copies of the labels.
        labels = np.tile(base, (size, 1)) if size != len(labels) else labels
        rng.permuted(labels, axis=1, out=labels)
        step = max(1, _CELLS // size)
        stopped = []
        for lo in range(0, active.size, step):
            cols = active[lo:lo + step]
            reached = abs_t(labels, cols) >= reach[cols]
            before = hits[cols]
            hits[cols] = before + reached.sum(axis=0)
            done = np.flatnonzero(hits[cols] >= STOP_AFTER)
            if done.size:
                running = before[done][None, :] + np.cumsum(reached[:, done], axis=0)
                p[cols[done]] = STOP_AFTER / (drawn + np.argmax(running >= STOP_AFTER, axis=0) + 1)
                stopped.append(cols[done])
        drawn += size
        if stopped:
            active = np.setdiff1d(active, np.concatenate(stopped), assume_unique=True)
        if not active.size:
            break
    p[active] = (hits[active] + 1) / (b + 1)
    return p


def _block_sizes(b: int) -> list[int]:
    """Relabelings per block, summing to ``b``: growing blocks, then the largest until done."""
    sizes, left = [], b
    for size in itertools.chain(_BLOCKS, itertools.repeat(_BLOCKS[-1])):
        if left <= 0:
            return sizes
        sizes.append(min(size, left))
        left -= size
    return sizes


def _check_test_options(fdr: float, permutations: int | None, random_state: int) -> None:
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float)) or not 0 < fdr < 1:
        raise ValueError(f"`fdr` must be a number between 0 and 1; got {fdr!r}")
    if permutations is not None and (isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer))
                                     or permutations < 1):  # fmt: skip
        raise ValueError(f"`permutations` must be a positive integer or None; got {permutations!r}")
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise ValueError(f"`random_state` must be a non-negative integer; got {random_state!r}")


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


def _sides(counts: DTM, group, target, reference) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Boolean masks over ``counts.rows`` for the target and the reference, and the names the table records for them."""
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
            names = (_name_list(t_ids), ALL_OTHER_DOCUMENTS)
        else:
            r_ids = _id_list(reference, "reference")
            missing = [d for d in r_ids if d not in known]
            if missing:
                raise ValueError(f"`reference` names documents not in `counts`: {missing}")
            both = sorted(set(t_ids) & set(r_ids))
            if both:
                raise ValueError(f"documents in both `target` and `reference`: {both}")
            in_reference = np.isin(doc_ids, r_ids)
            names = (_name_list(t_ids), _name_list(r_ids))
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
            others = sorted({str(v) for v in present if v != target})
            names = (str(target), _name_list(others))
        else:
            in_reference = (labels == reference).to_numpy(dtype=bool)
            names = (str(target), str(reference))
    if not in_target.any():
        raise ValueError("the target group is empty: no row of `counts` belongs to it")
    if not in_reference.any():
        raise ValueError("the reference group is empty: every labelled row of `counts` is in the target")
    return in_target, in_reference, names


def _name_list(names: list[str], shown: int = 3) -> str:
    """Up to ``shown`` names joined, then how many more: a table cell that stays short for any group."""
    more = f" …（+{len(names) - shown:,}）" if len(names) > shown else ""
    return "、".join(names[:shown]) + more


def _per_unit(counts: DTM, matrix: sp.csr_matrix, in_target: np.ndarray, in_reference: np.ndarray,
              unit: pd.Series | None) -> tuple[sp.csr_matrix, np.ndarray]:  # fmt: skip
    """The rows of either side summed per document (or per ``unit``), and whether each is in the target."""
    doc_ids = counts.rows["doc_id"].astype(str)
    if unit is None:
        keys = doc_ids
    else:
        if not isinstance(unit, pd.Series):
            raise ValueError(f"`unit` must be a Series indexed by doc_id (doc_id → unit); got {type(unit).__name__}")
        mapping = pd.Series(unit.to_numpy(), index=unit.index.astype(str))
        if mapping.index.duplicated().any():
            twice = sorted(set(mapping.index[mapping.index.duplicated()]))
            raise ValueError(f"`unit` has more than one value for documents {twice}")
        keys = doc_ids.map(mapping)
        missing = sorted(set(doc_ids[keys.isna().to_numpy() & (in_target | in_reference)]))
        if missing:
            raise ValueError(f"`unit` has no value for documents {missing}")
    side = in_target | in_reference
    codes, uniques = pd.factorize(keys[side].astype(str))
    target_share = np.bincount(codes, weights=in_target[side], minlength=len(uniques))
    sizes = np.bincount(codes, minlength=len(uniques))
    split = [str(u) for u, t, s in zip(uniques, target_share, sizes) if 0 < t < s]
    if split:
        raise ValueError(f"units with documents in both the target and the reference: {split[:10]}; "
                         "a unit is permuted whole, so all its documents must be on one side")  # fmt: skip
    rows = np.flatnonzero(side)
    indicator = sp.csr_matrix((np.ones(len(rows)), (codes, rows)), shape=(len(uniques), len(side)))
    return (indicator @ matrix).tocsr(), target_share > 0


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
    """One label per row: a Series indexed by doc_id is mapped; a Series indexed 0 … n-1 in order, a list or an array align with the rows."""
    if isinstance(group, pd.Series) and group.index.astype(str).isin(doc_ids).any():
        index = group.index.astype(str)
        if index.duplicated().any():
            raise ValueError(f"`group` has more than one label for documents {sorted(set(index[index.duplicated()]))}")
        missing = sorted(set(doc_ids) - set(index))
        if missing:
            raise ValueError(f"`group` has no label for documents {missing}")
        return pd.Series(group.to_numpy(), index=index).reindex(doc_ids).reset_index(drop=True)
    if isinstance(group, pd.Series) and not group.index.equals(pd.RangeIndex(len(group))):
        raise ValueError("`group` is a Series whose index is neither doc_ids nor the rows in order (0, 1, 2 …): a label "
                         "would go to another document. Index it by doc_id (docs.set_index('doc_id')[column]) or pass "
                         "`.to_numpy()` of labels in the order of the rows")  # fmt: skip
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
