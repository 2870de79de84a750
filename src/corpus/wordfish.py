"""Wordfish: documents placed on one latent dimension from their word counts (Slapin & Proksch 2008).

The model (Slapin, J. B. & Proksch, S.-O. 2008, "A Scaling Model for Estimating Time-Series Party
Positions from Texts", *American Journal of Political Science* 52(3): 705–722)::

    y_ij ~ Poisson(λ_ij),    log λ_ij = α_i + ψ_j + β_j · θ_i

``y_ij`` is the count of word ``j`` in document ``i``; ``θ_i`` the document's position, ``α_i`` its
fixed effect (length), ``ψ_j`` the word's fixed effect (its log expected count at θ = 0 where α = 0: not its
frequency, since a word one pole uses often and the other never has a low ψ) and ``β_j`` its weight
(how strongly its use rises, β > 0, or falls, β < 0, along θ). Assumptions: one dimension; counts
Poisson given the parameters (variance = mean); words independent given θ. The dimension is the
main axis of variation in word use, whatever drives it (time, topic, author, genre or ideology):
naming it is the researcher's work, with the words at each pole and the documents' docvars.

This module is written from the paper (its alternating conditional maximum likelihood, its
starting values, its parametric bootstrap) in numpy/scipy; see :func:`wordfish`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import LinearOperator, svds
from scipy.special import gammaln

from .features import DTM

log = logging.getLogger(__name__)

#: Dense cells (documents × words) evaluated at a time: bounds the memory of one pass (8 bytes each).
CHUNK_CELLS = 4_000_000
#: The largest change one Newton step may make to a parameter (a log-rate): keeps early steps from overshooting.
MAX_STEP = 1.0

SeMethod = Literal["hessian", "bootstrap"]


@dataclass(frozen=True)
class WordfishResult:
    """A fitted Wordfish model: tidy tables and how the fit went.

    ``documents``: the row ids of the input (``doc_id`` [, ``para_no`` …]), ``theta``, ``se``,
    ``lower``, ``upper`` (the ``level`` interval), ``alpha``. ``words``: ``term``, ``beta``, ``psi``,
    ``count`` (the word's total count in the fitted matrix, what :func:`pole_words` filters on).
    ``log_likelihood`` is the Poisson log-likelihood at the estimates (with the ln y! term);
    ``dispersion`` is Pearson's χ² over its residual degrees of freedom (1 under the Poisson
    model; above 1, every interval here is too narrow, roughly by √dispersion).
    """

    documents: pd.DataFrame
    words: pd.DataFrame
    dir: tuple[Hashable, Hashable]
    se_method: SeMethod
    level: float
    iterations: int
    converged: bool
    log_likelihood: float
    dispersion: float
    beta_sd: float
    tol: float
    max_iter: int
    n_boot: int = 0
    boot_failed: int = 0


def wordfish(
    counts: DTM | pd.DataFrame | sp.spmatrix | np.ndarray,
    dir: tuple[Hashable, Hashable] | None = None,
    *,
    doc_ids: Sequence[Hashable] | None = None,
    terms: Sequence[str] | None = None,
    se: SeMethod = "hessian",
    level: float = 0.95,
    n_boot: int = 100,
    beta_sd: float = 3.0,
    tol: float = 1e-8,
    max_iter: int = 500,
    random_state: int = 0,
    n_jobs: int = 1,
) -> WordfishResult:
    """Fit Wordfish (Slapin & Proksch 2008) to a document × word count matrix.

    Model: ``y_ij ~ Poisson(exp(α_i + ψ_j + β_j θ_i))`` (see the module docstring). Identification:
    θ has mean 0 and (population, ddof=0) standard deviation 1 over the documents; ``α`` of the first
    document is 0; the sign is set so that ``dir[0]`` lies left of (below) ``dir[1]``; β has mean 0
    (the likelihood is unchanged by β_j + c with α_i − c θ_i: the ridge prior below picks c = −mean β).
    ``dir`` names two documents by their id (default: the first and the last row); rows of a
    paragraph or sentence matrix are named ``doc_id:para_no[:sent_no]`` (:attr:`DTM.labels`).

    Estimation, as in the paper: alternating conditional maximum likelihood. Starting values:
    α and ψ from the model without words' weights (α_i = ln(n_i / n_1), ψ_j = ln(c_j n_1 / N) with
    n_i the document's tokens, c_j the word's, N all), θ from the leading left singular vector of the
    double-centred ln(1 + y) matrix (the paper's SVD of the standardized log counts), β from the word
    step. Each iteration takes one Newton step for every word's (ψ_j, β_j) given θ and α, then one
    for every document's (α_i, θ_i) given ψ and β (2 × 2 systems, all words or documents at once;
    steps capped at ``MAX_STEP``), then re-imposes the identification (a reparametrisation that
    leaves the likelihood unchanged). β carries a ridge penalty β_j² / (2 ``beta_sd``²), i.e. a
    N(0, ``beta_sd``²) prior, as is usual for Wordfish: without it a word used by one document only
    has an infinite β. Stops when the relative change of the penalised log-likelihood between
    iterations is below ``tol`` and no θ moved by more than ``sqrt(tol)``, or after ``max_iter``
    iterations (``converged`` says which). Counts are kept sparse; the expected counts are computed
    in row blocks of about ``CHUNK_CELLS`` cells, on ``n_jobs`` threads.

    Standard errors (``se``):

    - ``"hessian"`` (default): from the Hessian of document i's conditional log-likelihood in
      (α_i, θ_i), the word parameters held at their estimates:
      ``se(θ_i)² = [H⁻¹]_θθ = Σλ / (Σλ · Σλβ² − (Σλβ)²)``, sums over the words of document i.
      Known to be too narrow (Lowe & Benoit 2013, *Political Analysis* 21(3)): they ignore the
      uncertainty of β and ψ, of the standardization, and any overdispersion. On counts simulated
      from the model, 100 documents × 1,000 Zipf-distributed words, 95% intervals covered the truth
      for 89–98% of documents (four draws); 10,000 × 5,000: 94.8%.
    - ``"bootstrap"``: the paper's parametric bootstrap: ``n_boot`` count matrices drawn from
      Poisson(λ̂), each refitted (from the estimates, same identification); ``se`` is the standard
      deviation of the replicates' θ. It still assumes Poisson variance and word independence.

    The interval is ``θ ± z se`` at ``level`` (z the normal quantile) for both. Not the replicates'
    percentiles: refits of resampled counts are biased towards or away from the centre, and on the
    CPC reports (2,000 words) the percentile interval of the end documents excluded their estimate.

    ``counts``: a :class:`~corpus.DTM` (its row ids and terms are kept), a DataFrame (index: documents,
    columns: words), or a sparse / dense matrix with ``doc_ids`` and ``terms`` (default 0, 1, …).
    Counts must be non-negative integers, with at least 3 documents and 2 words, no empty document
    and no word that occurs nowhere.

    >>> rng = np.random.default_rng(0); theta = np.linspace(-1.5, 1.5, 8); beta = rng.normal(0, 1, 60)
    >>> y = rng.poisson(np.exp(1.0 + np.outer(theta, beta)))
    >>> fit = wordfish(y, dir=(0, 7))
    >>> bool(fit.converged), round(float(np.corrcoef(fit.documents["theta"], theta)[0, 1]), 2) >= 0.95
    (True, True)
    """
    matrix, rows, term_array = _as_counts(counts, doc_ids, terms)
    if se not in ("hessian", "bootstrap"):
        raise ValueError(f"`se` must be one of 'hessian', 'bootstrap'; got {se!r}")
    if not 0 < level < 1:
        raise ValueError(f"`level` must be between 0 and 1; got {level!r}")
    if not beta_sd > 0:
        raise ValueError(f"`beta_sd` must be positive; got {beta_sd!r}")
    if not tol > 0 or max_iter < 1:
        raise ValueError(f"`tol` must be positive and `max_iter` at least 1; got tol={tol!r}, max_iter={max_iter!r}")
    if se == "bootstrap" and n_boot < 2:
        raise ValueError(f"`n_boot` must be at least 2 for bootstrap standard errors; got {n_boot!r}")
    ids = list(rows.iloc[:, 0]) if rows.shape[1] == 1 else [":".join(map(str, r)) for r in rows.itertuples(index=False)]
    left, right = _direction(dir, ids)
    fitter = _Fitter(matrix, beta_sd=beta_sd, tol=tol, max_iter=max_iter, n_jobs=n_jobs)
    est = fitter.fit(fitter.start(), left, right)
    if not est.converged:
        log.warning("Wordfish did not converge in %d iterations (tol=%g): raise max_iter or tol", max_iter, tol)
    z = stats.norm.ppf(0.5 + level / 2)
    boot_failed = 0
    if se == "hessian":
        se_theta = fitter.hessian_se(est)
        lower, upper = est.theta - z * se_theta, est.theta + z * se_theta
    else:
        draws, boot_failed = fitter.bootstrap(est, left, right, n_boot, random_state)
        se_theta = draws.std(axis=0, ddof=1)
        lower, upper = est.theta - z * se_theta, est.theta + z * se_theta
        if boot_failed:
            log.warning("%d of %d bootstrap refits did not converge (kept)", boot_failed, n_boot)
    dispersion = fitter.dispersion(est)
    if dispersion > 2:
        log.warning("the counts vary %.1f times as much as the Poisson model allows: the intervals are too narrow, roughly by "
                    "a factor %.1f (the bootstrap assumes Poisson counts too)", dispersion, np.sqrt(dispersion))  # fmt: skip
    documents = rows.reset_index(drop=True).assign(theta=est.theta, se=se_theta, lower=lower, upper=upper, alpha=est.alpha)
    words = pd.DataFrame({"term": term_array, "beta": est.beta, "psi": est.psi,
                          "count": np.asarray(matrix.sum(axis=0)).ravel().round().astype(np.int64)})
    return WordfishResult(documents, words, (ids[left], ids[right]), se, level, est.iterations, est.converged,
                          est.log_likelihood, dispersion, beta_sd, tol, max_iter,
                          n_boot if se == "bootstrap" else 0, boot_failed)  # fmt: skip


@dataclass(frozen=True)
class DimensionTest:
    """Whether a Wordfish fit finds a dimension beyond what mixing the corpus's text at random gives: :func:`dimension_test`.

    ``gain``: the fit's log-likelihood minus that of the same counts without positions (every
    document's words in the corpus's proportions); ``null_gains``: the same for documents made of
    the corpus's units dealt at random; ``p_value`` = (1 + #{null gains ≥ gain}) / (``n_sim`` + 1).
    """

    gain: float
    null_gains: np.ndarray
    p_value: float
    n_sim: int
    unit: str


def dimension_test(units: DTM, fit: WordfishResult, *, n_sim: int = 19, random_state: int = 0) -> DimensionTest:
    """Do the documents differ along a dimension more than documents of the same text dealt at random would?

    Wordfish always finds an axis: fitted to documents that differ only by chance, it still
    spreads them over θ (mean 0, sd 1), and its intervals, which assume the model, then call many
    pairs apart. The statistic is the fit's gain in log-likelihood over the model without
    positions, λ⁰_ij = n_i c_j / N (Wordfish with every β = 0). Its law without a dimension is
    drawn by permutation (Good 2005, ch. 3): ``units`` holds the documents' sentences (or
    paragraphs) as rows of counts of the fit's words; each draw deals the units out to the
    documents at random, as many to each as it has, fits the sums as ``fit`` was (words a draw
    does not use left out) and takes the same gain. p = (1 + #{draws with a gain ≥ the
    documents' own}) / (``n_sim`` + 1); with the default 19 draws, p = 0.05 is the smallest
    possible. Units are dealt whole, so a phrase or a topic that fills a sentence stays
    together: drawing Poisson counts from λ⁰ instead ignores that clumping and finds a
    'dimension' in shuffled text (40 documents of CPC sentences dealt at random: gain 1,604
    against 1,294–1,424 for Poisson draws).

    ``units``: a sentence or paragraph matrix (``doc_id`` in its rows) of the corpus the fit
    was made from; its columns are matched to the fit's words by name and its rows to the fit's
    documents by ``doc_id`` (rows of other documents are left out). A draw leaves out the words
    and documents it deals no count to, as Wordfish cannot place them.
    """
    if isinstance(n_sim, bool) or not isinstance(n_sim, (int, np.integer)) or n_sim < 1:
        raise ValueError(f"`n_sim` must be a positive integer; got {n_sim!r}")
    if "doc_id" not in units.rows.columns or units.rows.shape[1] < 2:
        raise ValueError("`units` must be a sentence or paragraph matrix (rows with doc_id and para_no [, sent_no])")
    if "doc_id" not in fit.documents.columns or "para_no" in fit.documents.columns:
        raise ValueError("`fit` must be a fit to a document matrix (one row per doc_id)")
    doc_ids = fit.documents["doc_id"].astype(str).to_numpy()
    column = pd.Index(units.terms.astype(str)).get_indexer(fit.words["term"].astype(str))
    if (column < 0).any():
        raise ValueError(f"{int((column < 0).sum())} of the fit's words are not columns of `units`: pass the units of the "
                         "same corpus, segmented the same way")  # fmt: skip
    owner = pd.Index(doc_ids).get_indexer(units.rows["doc_id"].astype(str))
    keep = owner >= 0
    matrix, owner = units.matrix[keep][:, column].tocsr(), owner[keep]
    gain = _refit_gain(_summed(matrix, owner, len(doc_ids)), fit)  # refitted to the units' sums, as every draw is
    rng = np.random.default_rng(random_state)
    null = [_refit_gain(_summed(matrix, rng.permutation(owner), len(doc_ids)), fit) for _ in range(n_sim)]
    null_gains = np.asarray(null)
    unit = "sentence" if "sent_no" in units.rows.columns else "paragraph"
    return DimensionTest(float(gain), null_gains, float((1 + np.sum(null_gains >= gain)) / (n_sim + 1)), n_sim, unit)


def _summed(matrix: sp.csr_matrix, owner: np.ndarray, n_docs: int) -> sp.csr_matrix:
    """Units' counts summed per document (``owner``: each unit's document)."""
    indicator = sp.csr_matrix((np.ones(len(owner)), (owner, np.arange(len(owner)))), shape=(n_docs, len(owner)))
    return (indicator @ matrix).tocsr()


def _refit_gain(counts: sp.csr_matrix, fit: WordfishResult) -> float:
    """Wordfish's log-likelihood on ``counts`` (fitted as ``fit`` was) minus the independence model's."""
    counts = counts[:, np.asarray(counts.sum(axis=0)).ravel() > 0]
    counts = counts[np.asarray(counts.sum(axis=1)).ravel() > 0]  # a document dealt no word of the fit's is left out
    refit = wordfish(counts, dir=(0, counts.shape[0] - 1), beta_sd=fit.beta_sd, tol=fit.tol, max_iter=fit.max_iter)
    return refit.log_likelihood - _independence_log_likelihood(counts)


def _independence_log_likelihood(matrix: sp.csr_matrix) -> float:
    """Poisson log-likelihood of counts under λ_ij = n_i c_j / N, with the ln y! term (as Wordfish's)."""
    coo = matrix.tocoo()
    rows, cols = np.asarray(matrix.sum(axis=1)).ravel(), np.asarray(matrix.sum(axis=0)).ravel()
    total = rows.sum()
    y = coo.data.astype(np.float64)
    return float(np.sum(y * np.log(rows[coo.row] * cols[coo.col] / total)) - total - gammaln(y + 1).sum())


def top_features(counts: DTM, n: int) -> DTM:
    """The ``n`` terms used by the most documents (ties: the more frequent, then by term), columns in term order.

    Wordfish's word parameters are estimated from the documents a word occurs in; ranking by
    document frequency, not by total count, keeps words that many documents use rather than
    one document's favourites. Prune with ``min_df`` (:func:`corpus.dtm`) first.

    >>> m = DTM(sp.csr_matrix([[5, 1, 1], [0, 1, 2], [0, 0, 1]]), pd.DataFrame({"doc_id": ["a", "b", "c"]}), np.array(["甲", "乙", "丙"]))
    >>> top_features(m, 2).terms.tolist()
    ['丙', '乙']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive integer; got {n!r}")
    matrix = counts.matrix.tocsc()
    df = np.diff((matrix > 0).tocsc().indptr)
    total = np.asarray(matrix.sum(axis=0)).ravel()
    ranked = np.lexsort((counts.terms.astype(str), -total, -df))[:n]
    cols = np.sort(ranked)
    cols = cols[np.argsort(counts.terms[cols].astype(str), kind="stable")]
    return DTM(counts.matrix[:, cols].tocsr(), counts.rows, counts.terms[cols])


def pole_words(words: pd.DataFrame, n: int = 15, *, min_count_quantile: float = 0.5) -> pd.DataFrame:
    """The words that define each pole: the ``n`` most negative and ``n`` most positive β among the frequent words.

    Only words whose observed total ``count`` is at or above the ``min_count_quantile`` quantile
    of all the words' counts are ranked: a rare word gets an extreme β from a few occurrences (the
    wide base of the "Eiffel tower" of ψ against β), a frequent one says what the pole is about. The
    filter is on the count, not on ψ: ψ is a word's log rate at θ = 0, so a frequent word that one
    pole uses and the other never (its strongest words) has a low ψ and would pass for a rare one.
    Columns: ``pole`` ("left", "right"), ``rank``, ``term``, ``beta``, ``psi``, ``count``; ties by term.

    >>> w = pd.DataFrame({"term": ["甲", "乙", "丙", "丁"], "beta": [-2.0, -0.5, 0.5, 3.0], "psi": [-3.0, 1.0, 1.0, -5.0],
    ...                   "count": [300, 120, 150, 2]})
    >>> pole_words(w, 1)[["pole", "term"]].values.tolist()
    [['left', '甲'], ['right', '丙']]
    """
    if not 0 <= min_count_quantile <= 1:
        raise ValueError(f"`min_count_quantile` must be between 0 and 1; got {min_count_quantile!r}")
    if "count" not in words.columns:
        raise ValueError("`words` has no count column: pass the words table of a wordfish() fit (term, beta, psi, count)")
    common = words[words["count"] >= words["count"].quantile(min_count_quantile)]
    left = common.sort_values(["beta", "term"], ascending=[True, True], kind="stable").head(n)
    right = common.sort_values(["beta", "term"], ascending=[False, True], kind="stable").head(n)
    parts = [part.assign(pole=pole, rank=np.arange(1, len(part) + 1)) for pole, part in (("left", left), ("right", right))]
    return pd.concat(parts, ignore_index=True)[["pole", "rank", "term", "beta", "psi", "count"]]


def position_correlates(documents: pd.DataFrame, docvars: pd.DataFrame, *, max_groups: int | None = None,
                        random_state: int = 0) -> pd.DataFrame:
    """How the positions θ go with each document variable: what the dimension may be.

    Numeric and date columns (a date is read as its year with fraction): Spearman's ρ with θ.
    Text columns with 2 to ``max_groups`` values (default: the documents less 2, so that some
    values repeat): ε² = (SS_between − (k − 1) MS_within) / SS_total, the share of θ's variance
    between the groups, corrected for the k groups (Kelley 1935; can be below 0), tested by
    Kruskal–Wallis H. The p-value (``p_method``) is exact where the documents are few: for ρ with
    n ≤ :data:`EXACT_RANK_N` every ordering of θ is enumerated, where the t approximation of
    ``scipy.stats.spearmanr`` would be too small (n = 5, ρ = 0.9: 0.037 against the exact 0.083);
    for groups with n ≤ :data:`PERMUTED_GROUPS_N`, 9,999 seeded reassignments of θ to the groups
    (Monte Carlo, p = (1 + hits) / 10,000); above, the approximations. Variables that order the
    documents identically (a year and a congress number, two length columns) are one row, the
    others named in ``same_order``. Joined on ``doc_id``; one row per usable column:
    ``variable``, ``kind`` ("rank" or "groups"), ``n``, ``groups``, ``statistic``, ``p_value``,
    ``p_method``, ``same_order``, strongest first.
    """
    if "doc_id" not in docvars.columns:
        raise ValueError("`docvars` needs a doc_id column to join the positions on")
    joined = documents[["doc_id", "theta"]].merge(docvars.drop_duplicates("doc_id"), on="doc_id", how="left")
    limit = max_groups if max_groups is not None else len(joined) - 2
    rows, seen = [], {}
    for column in [c for c in docvars.columns if c not in ("doc_id", "theta")]:
        values = joined[column]
        numeric = _as_number(values)
        if numeric is not None:
            ok = numeric.notna() & joined["theta"].notna()
            if ok.sum() >= 3 and numeric[ok].nunique() > 1:
                key = ("rank", tuple(ok), tuple(numeric[ok].rank(method="average")))
                if key in seen:
                    seen[key]["same_order"].append(column)
                    continue
                theta = joined.loc[ok, "theta"].to_numpy()
                rho, p, method = _spearman(numeric[ok].to_numpy(dtype=float), theta)
                seen[key] = {"variable": column, "kind": "rank", "n": int(ok.sum()), "groups": None, "statistic": rho,
                             "p_value": p, "p_method": method, "same_order": []}
                rows.append(seen[key])
            continue
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        ok = values.notna() & (values.astype(str).str.strip() != "")
        labels = values[ok].astype(str)
        groups = joined.loc[ok].groupby(labels, sort=True)["theta"]
        k = groups.ngroups
        if 2 <= k <= limit and k < ok.sum():
            codes = pd.factorize(labels)[0]
            key = ("groups", tuple(ok), tuple(codes))
            if key in seen:
                seen[key]["same_order"].append(column)
                continue
            p, method = _kruskal(joined.loc[ok, "theta"].to_numpy(), codes, random_state)
            seen[key] = {"variable": column, "kind": "groups", "n": int(ok.sum()), "groups": k, "statistic": _epsilon_squared(groups),
                         "p_value": p, "p_method": method, "same_order": []}
            rows.append(seen[key])
    for row in rows:
        row["same_order"] = ", ".join(row["same_order"])
    out = pd.DataFrame(rows, columns=["variable", "kind", "n", "groups", "statistic", "p_value", "p_method", "same_order"])
    out = out.astype({"groups": "Int64"})
    return out.reindex(out["statistic"].abs().sort_values(ascending=False, kind="stable").index).reset_index(drop=True)


#: Up to this many documents, Spearman's p-value enumerates every ordering (9! = 362,880).
EXACT_RANK_N = 9
#: Up to this many documents, the Kruskal–Wallis p-value comes from 9,999 reassignments instead of the χ² approximation.
PERMUTED_GROUPS_N = 30


def _spearman(x: np.ndarray, theta: np.ndarray) -> tuple[float, float, str]:
    """Spearman's ρ and its two-sided p: exact by enumeration for n ≤ EXACT_RANK_N, else the t approximation."""
    result = stats.spearmanr(x, theta)
    if len(x) > EXACT_RANK_N:
        return float(result.statistic), float(result.pvalue), "t approximation"
    rx = stats.rankdata(x)
    rx = (rx - rx.mean()) / np.linalg.norm(rx - rx.mean())

    def rho(ranks: np.ndarray, axis: int) -> np.ndarray:  # Spearman's ρ: Pearson's r of the ranks (the x side centred once)
        centred = ranks - ranks.mean(axis=axis, keepdims=True)
        return (centred @ rx) / np.linalg.norm(centred, axis=axis)

    # every ordering of θ against x (n! ≤ 362,880): scipy enumerates them when there are fewer than n_resamples
    exact = stats.permutation_test((stats.rankdata(theta),), rho, permutation_type="pairings", n_resamples=np.inf, vectorized=True)
    return float(result.statistic), float(exact.pvalue), f"exact ({math.factorial(len(x)):,} orderings)"


def _kruskal(theta: np.ndarray, codes: np.ndarray, random_state: int) -> tuple[float, str]:
    """Kruskal–Wallis p: by 9,999 seeded reassignments of θ to the groups for n ≤ PERMUTED_GROUPS_N, else χ².

    Reassigning θ permutes its ranks, whose ties stay the same, so H's tie correction is a constant
    and Σ R_g² / n_g (R_g a group's rank sum) orders the reassignments as H does.
    """
    groups = np.unique(codes)
    observed = float(stats.kruskal(*[theta[codes == g] for g in groups]).statistic)
    if len(theta) > PERMUTED_GROUPS_N:
        return float(stats.chi2.sf(observed, len(groups) - 1)), "χ² approximation"
    ranks = stats.rankdata(theta)
    member = (codes[:, None] == groups[None, :]).astype(float)
    sizes = member.sum(axis=0)
    rng = np.random.default_rng(random_state)
    shuffled = np.array([rng.permutation(ranks) for _ in range(9_999)])
    score = ((ranks @ member) ** 2 / sizes).sum()
    scores = ((shuffled @ member) ** 2 / sizes).sum(axis=1)
    return float((1 + np.sum(scores >= score - 1e-9)) / 10_000), "permutation (9,999)"


# --------------------------------------------------------------------------- input


def _as_counts(counts: object, doc_ids: Sequence[Hashable] | None, terms: Sequence[str] | None) -> tuple[sp.csr_matrix, pd.DataFrame, np.ndarray]:
    """The counts as CSR float64, their row ids (a DataFrame) and terms; every degenerate case refused by name."""
    if isinstance(counts, DTM):
        if doc_ids is not None or terms is not None:
            raise ValueError("a DTM carries its own row ids and terms: do not pass doc_ids or terms")
        matrix, rows, term_array = counts.matrix, counts.rows, np.asarray(counts.terms, dtype=object)
    elif isinstance(counts, pd.DataFrame):
        if doc_ids is not None or terms is not None:
            raise ValueError("a DataFrame carries its own row ids (index) and terms (columns): do not pass doc_ids or terms")
        matrix = sp.csr_matrix(counts.to_numpy(dtype=np.float64))
        rows, term_array = pd.DataFrame({"doc_id": list(counts.index)}), np.asarray(counts.columns, dtype=object)
    elif sp.issparse(counts) or isinstance(counts, np.ndarray):
        if counts.ndim != 2:
            raise ValueError(f"`counts` must be a 2-D documents × words matrix; got {counts.ndim} dimension(s)")
        matrix = counts
        n_docs, n_words = counts.shape
        rows = pd.DataFrame({"doc_id": list(doc_ids) if doc_ids is not None else list(range(n_docs))})
        term_array = np.asarray(list(terms) if terms is not None else [str(j) for j in range(n_words)], dtype=object)
        if len(rows) != n_docs or len(term_array) != n_words:
            raise ValueError(f"`counts` is {n_docs} × {n_words} but {len(rows)} doc_ids and {len(term_array)} terms were given")
    else:
        raise TypeError(f"`counts` must be a DTM, a DataFrame or a sparse/dense matrix; got {type(counts).__name__}")
    # A copy whatever the input: sum_duplicates sorts indices in place, and a dtype change alone may share them with the caller's matrix.
    matrix = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    matrix.sum_duplicates()
    n_docs, n_words = matrix.shape
    ids = [":".join(map(str, r)) for r in rows.itertuples(index=False)]
    if n_docs < 3:
        raise ValueError(f"Wordfish needs at least 3 documents; got {n_docs}: positions are standardized to mean 0 and sd 1, "
                         "so with 2 documents they are -1 and 1 whatever the texts say")  # fmt: skip
    if n_words < 2:
        raise ValueError(f"Wordfish needs at least 2 words; got {n_words}")
    if len(set(ids)) != len(ids):
        raise ValueError(f"document ids repeat: {sorted({d for d in ids if ids.count(d) > 1})[:5]}")
    data = matrix.data
    if not np.all(np.isfinite(data)) or (data < 0).any() or not np.all(data == np.round(data)):
        raise ValueError("Wordfish models counts: `counts` must be non-negative integers (not TF-IDF or other weights, no NaN)")
    empty_docs = np.flatnonzero(np.diff(matrix.indptr) == 0 if not (data == 0).any() else np.asarray(matrix.sum(axis=1)).ravel() == 0)
    if len(empty_docs):
        named = ", ".join(map(str, [ids[i] for i in empty_docs[:5]]))
        raise ValueError(f"{len(empty_docs)} document(s) have no counts ({named}{' …' if len(empty_docs) > 5 else ''}): "
                         "a position needs words; drop them first")  # fmt: skip
    unused = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() == 0)
    if len(unused):
        named = ", ".join(map(str, term_array[unused[:5]]))
        raise ValueError(f"{len(unused)} word(s) occur in no document, a constant column of zeros ({named}"
                         f"{' …' if len(unused) > 5 else ''}): their ψ would be -∞; prune the vocabulary first")  # fmt: skip
    shares = sp.diags(1.0 / np.asarray(matrix.sum(axis=1)).ravel()) @ matrix
    spread = np.asarray(shares.multiply(shares).sum(axis=0)).ravel() - np.asarray(shares.sum(axis=0)).ravel() ** 2 / n_docs
    if spread.max() <= 1e-15:
        raise ValueError("every document has the same counts, in proportion to its length: no variation to place them on")
    return matrix, rows, term_array


def _direction(dir: tuple[Hashable, Hashable] | None, ids: list[str]) -> tuple[int, int]:
    """Row positions of the two documents that set the direction of θ."""
    if dir is None:
        return 0, len(ids) - 1
    if not isinstance(dir, (tuple, list)) or len(dir) != 2:
        raise ValueError(f"`dir` must be a pair of document ids (left, right); got {dir!r}")
    position = {str(d): i for i, d in enumerate(ids)}
    found = [position.get(str(d)) for d in dir]
    missing = [d for d, i in zip(dir, found) if i is None]
    if missing:
        raise ValueError(f"`dir` names document(s) not in the counts: {missing} (ids look like {ids[:3]})")
    if found[0] == found[1]:
        raise ValueError(f"`dir` must name two different documents; got {dir!r}")
    return found[0], found[1]  # type: ignore[return-value]


def _as_number(values: pd.Series) -> pd.Series | None:
    """A column as numbers (dates as fractional years), or None when it is text."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.year + (values.dt.day_of_year - 1) / 365.25
    text = values.dropna().astype(str).str.strip()
    if len(text) and pd.to_numeric(text, errors="coerce").notna().all():  # numbers written as text (a CSV's docvars)
        return pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(float)
    if len(text) and text.str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all():
        parsed = pd.to_datetime(values.astype("string").str.pad(10, side="right", fillchar="x")
                                .str.replace(r"-?x+$", "", regex=True), format="mixed", errors="coerce")  # fmt: skip
        return parsed.dt.year + (parsed.dt.day_of_year - 1) / 365.25
    return None


def _epsilon_squared(groups: pd.core.groupby.SeriesGroupBy) -> float:
    """ε² of a one-way layout: (SS_between − (k − 1) MS_within) / SS_total."""
    sizes, means = groups.size().to_numpy(), groups.mean().to_numpy()
    everything = np.concatenate([g.to_numpy() for _, g in groups])
    grand = everything.mean()
    ss_total = float(((everything - grand) ** 2).sum())
    ss_between = float((sizes * (means - grand) ** 2).sum())
    k, n = len(sizes), len(everything)
    if ss_total == 0 or n <= k:
        return float("nan")
    ms_within = (ss_total - ss_between) / (n - k)
    return (ss_between - (k - 1) * ms_within) / ss_total


# --------------------------------------------------------------------------- estimation


@dataclass(frozen=True)
class _Estimates:
    alpha: np.ndarray
    psi: np.ndarray
    beta: np.ndarray
    theta: np.ndarray
    iterations: int = 0
    converged: bool = False
    log_likelihood: float = float("nan")


class _Fitter:
    """The counts and settings of one fit; its passes over the dense expected counts run in row blocks."""

    def __init__(self, matrix: sp.csr_matrix, *, beta_sd: float, tol: float, max_iter: int, n_jobs: int) -> None:
        self.y = matrix
        self.yt = matrix.T.tocsr()
        self.n_docs, self.n_words = matrix.shape
        self.doc_totals = np.asarray(matrix.sum(axis=1)).ravel()
        self.word_totals = np.asarray(matrix.sum(axis=0)).ravel()
        self.log_factorials = float(gammaln(matrix.data + 1).sum())
        self.penalty = 1.0 / beta_sd**2
        self.tol, self.max_iter, self.n_jobs = tol, max_iter, max(1, int(n_jobs))
        step = max(1, CHUNK_CELLS // self.n_words)
        self.blocks = [slice(a, min(a + step, self.n_docs)) for a in range(0, self.n_docs, step)]

    # ----------------------------------------------------------------- passes over λ

    def _map(self, work: Callable[[slice], object]) -> list:
        if self.n_jobs == 1 or len(self.blocks) == 1:
            return [work(b) for b in self.blocks]
        with ThreadPoolExecutor(self.n_jobs) as pool:  # numpy releases the GIL in exp and matmul
            return list(pool.map(work, self.blocks))

    def _rates(self, est: _Estimates, rows: slice) -> np.ndarray:
        eta = np.multiply.outer(est.theta[rows], est.beta)
        eta += est.alpha[rows, None]
        eta += est.psi[None, :]
        return np.exp(eta, out=eta)

    def word_sums(self, est: _Estimates) -> np.ndarray:
        """Σ_i λ_ij · (1, θ_i, θ_i²) for every word (words × 3)."""
        powers = np.column_stack([np.ones(self.n_docs), est.theta, est.theta**2])
        parts = self._map(lambda rows: self._rates(est, rows).T @ powers[rows])
        return np.sum(parts, axis=0)

    def doc_sums(self, est: _Estimates) -> np.ndarray:
        """Σ_j λ_ij · (1, β_j, β_j²) for every document (documents × 3)."""
        powers = np.column_stack([np.ones(self.n_words), est.beta, est.beta**2])
        return np.vstack(self._map(lambda rows: self._rates(est, rows) @ powers))

    def log_likelihood(self, est: _Estimates, total_rate: float) -> float:
        """Σ y η − Σ λ − Σ ln y!  (Σ y η from the sparse counts alone)."""
        y_eta = self.doc_totals @ est.alpha + self.word_totals @ est.psi + est.theta @ (self.y @ est.beta)
        return float(y_eta - total_rate - self.log_factorials)

    # ----------------------------------------------------------------- steps

    def start(self) -> _Estimates:
        """The paper's starting values: α, ψ of the model without β; θ from an SVD of the double-centred log counts."""
        n1 = self.doc_totals[0]
        alpha = np.log(self.doc_totals / n1)
        psi = np.log(self.word_totals * n1 / self.doc_totals.sum())
        logs = self.y.copy()
        logs.data = np.log1p(logs.data)
        row_mean = np.asarray(logs.mean(axis=1)).ravel()
        col_mean = np.asarray(logs.mean(axis=0)).ravel()
        grand = float(row_mean.mean())
        logs_t = logs.T.tocsr()

        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            return logs @ v - row_mean * v.sum() - (col_mean @ v) + grand * v.sum()

        def rmatvec(u: np.ndarray) -> np.ndarray:
            u = np.ravel(u)
            return logs_t @ u - col_mean * u.sum() - (row_mean @ u) + grand * u.sum()

        centred = LinearOperator((self.n_docs, self.n_words), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)
        if self.n_docs * self.n_words <= 1_000_000:
            theta = np.linalg.svd(centred @ np.eye(self.n_words), full_matrices=False)[0][:, 0]
        else:  # a seeded start vector: ones lie in the null space of a double-centred matrix
            start = np.random.default_rng(0).standard_normal(min(self.n_docs, self.n_words))
            theta = svds(centred, k=1, v0=start)[0][:, 0]
        theta = (theta - theta.mean()) / (theta.std() or 1.0)
        est = _Estimates(alpha, psi, np.zeros(self.n_words), theta)
        for _ in range(3):  # β from θ: the word step, a few times, before θ moves
            est = self.word_step(est, self.word_sums(est))
        return est

    def word_step(self, est: _Estimates, sums: np.ndarray) -> _Estimates:
        """One Newton step for every word's (ψ_j, β_j), θ and α held; ridge penalty on β."""
        w0, w1, w2 = sums.T
        g_psi = self.word_totals - w0
        g_beta = self.yt @ est.theta - w1 - self.penalty * est.beta
        d_psi, d_beta = _newton_2x2(w0, w1, w2 + self.penalty, g_psi, g_beta)
        return _Estimates(est.alpha, est.psi + d_psi, est.beta + d_beta, est.theta)

    def doc_step(self, est: _Estimates, sums: np.ndarray) -> _Estimates:
        """One Newton step for every document's (α_i, θ_i), ψ and β held."""
        d0, d1, d2 = sums.T
        g_alpha = self.doc_totals - d0
        g_theta = self.y @ est.beta - d1
        d_alpha, d_theta = _newton_2x2(d0, d1, d2, g_alpha, g_theta)
        return _Estimates(est.alpha + d_alpha, est.psi, est.beta, est.theta + d_theta)

    @staticmethod
    def identify(est: _Estimates, left: int, right: int) -> _Estimates:
        """θ to mean 0, sd 1, ``left`` below ``right``; mean β 0; α_1 = 0: reparametrisations with the same rates.

        The rates are unchanged by β_j + c with α_i − c θ_i, for any c: only the ridge penalty pins c,
        at mean β = 0, and alternating steps creep towards it; setting it here does it in one go.
        """
        mean, sd = est.theta.mean(), est.theta.std()
        sd = sd if sd > 0 else 1.0
        theta, beta, psi = (est.theta - mean) / sd, est.beta * sd, est.psi + est.beta * mean
        if theta[left] > theta[right]:
            theta, beta = -theta, -beta
        centre = beta.mean()
        alpha = est.alpha + centre * theta
        shift = alpha[0]
        return _Estimates(alpha - shift, psi + shift, beta - centre, theta)

    def fit(self, est: _Estimates, left: int, right: int) -> _Estimates:
        """Alternate the word and document steps until the penalised log-likelihood and θ settle."""
        est = self.identify(est, left, right)
        previous, converged, iteration = -np.inf, False, 0
        for iteration in range(1, self.max_iter + 1):
            sums = self.word_sums(est)
            objective = self.log_likelihood(est, float(sums[:, 0].sum())) - 0.5 * self.penalty * float(est.beta @ est.beta)
            moved = est.theta
            est = self.word_step(est, sums)
            est = self.identify(self.doc_step(est, self.doc_sums(est)), left, right)
            moved = float(np.max(np.abs(est.theta - moved)))
            if abs(objective - previous) <= self.tol * abs(objective) and moved <= np.sqrt(self.tol):
                converged = True
                break
            previous = objective
        total = float(self.word_sums(est)[:, 0].sum())
        return _Estimates(est.alpha, est.psi, est.beta, est.theta, iteration, converged, self.log_likelihood(est, total))

    # ----------------------------------------------------------------- uncertainty and fit

    def hessian_se(self, est: _Estimates) -> np.ndarray:
        """se(θ_i) from the inverse of the (α_i, θ_i) block of the negative Hessian, word parameters held."""
        d0, d1, d2 = self.doc_sums(est).T
        det = d0 * d2 - d1**2
        return np.sqrt(np.where(det > 0, d0 / np.where(det > 0, det, 1.0), np.inf))

    def bootstrap(self, est: _Estimates, left: int, right: int, n_boot: int, random_state: int) -> tuple[np.ndarray, int]:
        """θ refitted on ``n_boot`` count matrices drawn from Poisson(λ̂); and how many refits did not converge."""
        rng = np.random.default_rng(random_state)
        draws, failed = np.empty((n_boot, self.n_docs)), 0
        for b in range(n_boot):
            blocks = [sp.csr_matrix(rng.poisson(self._rates(est, rows)).astype(np.float64)) for rows in self.blocks]
            replicate = _Fitter(sp.vstack(blocks, format="csr"), beta_sd=1 / np.sqrt(self.penalty), tol=self.tol,
                                max_iter=self.max_iter, n_jobs=self.n_jobs)  # fmt: skip
            refit = replicate.fit(est, left, right)
            draws[b], failed = refit.theta, failed + (not refit.converged)
        return draws, failed

    def dispersion(self, est: _Estimates) -> float:
        """Pearson χ² / (cells − free parameters): Σ (y − λ)² / λ = Σ_{y>0} y² / λ − 2 Σ y + Σ λ (McCullagh & Nelder 1989, §4.5)."""
        coo = self.y.tocoo()
        rates_at_counts = np.exp(est.alpha[coo.row] + est.psi[coo.col] + est.beta[coo.col] * est.theta[coo.row])
        total_rate = float(self.word_sums(est)[:, 0].sum())
        chi2 = float((coo.data**2 / rates_at_counts).sum()) - 2 * float(coo.data.sum()) + total_rate
        df = self.n_docs * self.n_words - (2 * self.n_docs + 2 * self.n_words - 4)  # α_1, θ's mean and sd, β's mean fixed
        return chi2 / df if df > 0 else float("nan")


def _newton_2x2(h00: np.ndarray, h01: np.ndarray, h11: np.ndarray, g0: np.ndarray, g1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps H⁻¹ g for many 2 × 2 systems (H the negative Hessian), each capped at ``MAX_STEP``."""
    det = h00 * h11 - h01**2
    safe = det > 1e-12 * np.maximum(h00 * h11, 1e-300)
    det = np.where(safe, det, 1.0)
    d0 = np.where(safe, (h11 * g0 - h01 * g1) / det, 0.0)
    d1 = np.where(safe, (h00 * g1 - h01 * g0) / det, 0.0)
    largest = np.maximum(np.abs(d0), np.abs(d1))
    scale = np.where(largest > MAX_STEP, MAX_STEP / np.maximum(largest, 1e-300), 1.0)
    return d0 * scale, d1 * scale
