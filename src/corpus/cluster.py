"""Clustering and topics: group documents, paragraphs or sentences by their TF-IDF weights.

:func:`cluster_units` runs TF-IDF → LSA (TruncatedSVD, rows L2-normalised) → k-means or
Ward clustering, picks k by silhouette when asked, and labels clusters by size so the
numbering never depends on the algorithm. :func:`structure_verdict` reads the silhouette, the
stability and where k fell in its range, and says in words whether there is cluster structure
to report at all. :func:`nmf_topics` factorises the same weights into topics, each unit's topic
weights given as shares. Every table keeps the row ids (``doc_id`` [, ``para_no`` [, ``sent_no``]]),
and every random step takes ``random_state``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .features import DTM, top_terms

log = logging.getLogger(__name__)

Method = Literal["kmeans", "agglomerative"]
_METHODS = ("kmeans", "agglomerative")


def _one_thread():
    """BLAS and OpenMP limited to one thread while clustering, whatever the size of the input.

    k-means is fit on at most ``fit_sample`` units, where threads gain little and, on a shared
    machine, lose much: on 2 busy cores, the 7 k-means fits of a k search on 10,000 units took
    1.8 s on one thread and 5.0–10.4 s on two (OpenMP spin-waits); NMF of 90,645 paragraphs
    took 2.7–3.0 s either way. One thread also makes the results independent of the core count
    (with two threads the Party Congress corpus's silhouettes and distances differed in the last digits).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


@dataclass(frozen=True)
class ClusterResult:
    """The tables :func:`cluster_units` returns; every one carries the row ids of the weights.

    ``assignments``: row ids, ``cluster``, ``distance`` (Euclidean) and ``similarity`` (cosine) to
    the cluster centroid. ``k_scores``: ``k``, ``silhouette``, ``stability`` (chosen k only),
    ``reference`` (chosen k only: the best silhouette of :data:`REFERENCE_SETS` structureless sets
    of the same units, NaN above :data:`REFERENCE_MAX_UNITS` units), ``chosen`` (what
    :func:`structure_verdict` reads). ``top_terms``: ``cluster``, ``rank``,
    ``term``, ``weight`` (mean TF-IDF in the cluster), ``tied_beyond`` (terms of the cut's weight
    left out, as in :func:`corpus.features.top_terms`). ``representatives``: ``cluster``, ``rank``,
    row ids, ``similarity`` [, ``text``].
    ``doc_cluster``: units per doc_id (index) and cluster (columns). ``coords``: row ids, ``x``,
    ``y``, ``cluster`` for a 2-D map. ``stability``: mean adjusted Rand index of reruns.
    """

    assignments: pd.DataFrame
    k_scores: pd.DataFrame
    top_terms: pd.DataFrame
    representatives: pd.DataFrame
    doc_cluster: pd.DataFrame
    coords: pd.DataFrame
    k: int
    stability: float


@dataclass(frozen=True)
class TopicResult:
    """The tables :func:`nmf_topics` returns.

    ``topic_terms``: ``topic``, ``rank``, ``term``, ``weight`` (the topic's loading on the term),
    ``tied_beyond``. ``unit_topics``: row ids, ``topic_0`` … ``topic_{n-1}`` as *shares* of the
    unit's topic weight (each row sums to 1; NaN for a row without any), ``weight`` (that total,
    the raw NMF weight) and ``dominant`` (-1 for a row without weight). ``doc_topics``: mean share
    per doc_id (index) over the document's units that have topic weight, so each row sums to 1.
    """

    topic_terms: pd.DataFrame
    unit_topics: pd.DataFrame
    doc_topics: pd.DataFrame


# --------------------------------------------------------------------------- is there structure?

#: Mean silhouette readings of Kaufman & Rousseeuw (1990, *Finding Groups in Data*, ch. 2), as
#: (upper bound, band, reading): ≤ 0.25 no substantial structure; 0.26–0.50 weak, could be
#: artificial; 0.51–0.70 reasonable; above, strong. They were written for the silhouette of a
#: partition of points; here it is the cosine silhouette of the units in the clustering space.
SILHOUETTE_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.25, "0.25 or less", "no substantial structure"),
    (0.50, "0.26–0.50", "weak structure, could be artificial"),
    (0.70, "0.51–0.70", "reasonable structure"),
    (1.00, "above 0.70", "strong structure"),
)
#: Mean adjusted Rand index below which reruns are read as not reproducing the grouping: Steinley
#: (2004, "Properties of the Hubert-Arabie adjusted Rand index", *Psychological Methods* 9(3))
#: reads ARI ≥ 0.90 as excellent, ≥ 0.80 good, ≥ 0.65 moderate and < 0.65 poor recovery of a
#: partition; here the partition to recover is the main run's.
STABILITY_MIN = 0.65

#: Reference sets of structureless units whose best silhouette a few units' must beat: with 19, a
#: silhouette above all of them is one a structureless set reaches with probability at most 1/20.
REFERENCE_SETS = 19
#: Units up to which the reference is computed. Few units score high silhouettes by chance (three
#: documents of shuffled sentences: a pair and a singleton, 0.64–0.66), many do not (forty: at most
#: 0.003); up to here the reference costs 19 small fits per k, beyond it the bands alone judge.
REFERENCE_MAX_UNITS = 100

VerdictLevel = Literal["none", "weak", "clear"]


@dataclass(frozen=True)
class Verdict:
    """Whether a clustering found structure: ``level``, one ``sentence`` to print before any cluster
    is named, and the ``reasons`` behind it (one per reading). ``exploratory``: clusters named under
    this verdict are a partition the method was asked for, not established themes."""

    level: VerdictLevel
    sentence: str
    reasons: tuple[str, ...]

    @property
    def exploratory(self) -> bool:
        return self.level != "clear"


def structure_verdict(k_scores: pd.DataFrame) -> Verdict:
    """Read a :class:`ClusterResult`'s ``k_scores`` (``k``, ``silhouette``, ``stability``, ``chosen``)
    as a verdict on cluster structure, in words a report prints before naming any cluster.

    Readings of the chosen k: its silhouette (Kaufman & Rousseeuw's bands, see
    :data:`SILHOUETTE_BANDS`), against the ``reference`` where ``k_scores`` has one (the best
    silhouette of structureless sets of the same units: a silhouette no higher is one chance
    gives, whatever its band), its stability (mean adjusted Rand index of reseeded reruns, poor below
    :data:`STABILITY_MIN` after Steinley 2004) and whether k was chosen at either end of the range
    searched (the silhouette might keep rising beyond it, or the range never held a peak; k = 2 at
    the bottom of a range from 2 is not counted, as no smaller k can be scored). Level
    ``"none"``: silhouette undefined, no higher than the reference, or ≤ 0.25 unless it is above the
    reference with stability ≥ :data:`STABILITY_MIN` (text's term weights overlap: two topics split
    cleanly may score 0.15–0.25, and beating all :data:`REFERENCE_SETS` structureless sets is the
    evidence the band cannot give, at p ≤ 1/20). ``"clear"``:
    silhouette > 0.50, stability measured and ≥ 0.65, and k chosen from two or more candidates and
    not at an end of their range (a k that was set, or the only one a few units allow, is no
    evidence against another k). ``"weak"``: everything between.

    >>> scores = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.03, 0.04, 0.05],
    ...                        "stability": [None, None, 0.3], "chosen": [False, False, True]})
    >>> structure_verdict(scores).sentence.split(". ")[0]
    'No clear cluster structure: silhouette 0.05 (0.25 or less), stability 0.30 (below 0.65), k = 4 at the top of the range searched (2–4)'
    >>> scores = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.4, 0.62, 0.5],
    ...                        "stability": [None, 0.93, None], "chosen": [False, True, False]})
    >>> v = structure_verdict(scores); v.level, v.exploratory
    ('clear', False)
    """
    missing = {"k", "silhouette", "stability", "chosen"} - set(k_scores.columns)
    if missing:
        raise ValueError(f"`k_scores` lacks column(s) {', '.join(sorted(missing))}; pass ClusterResult.k_scores")
    chosen = k_scores[k_scores["chosen"].astype(bool)]
    if len(chosen) != 1:
        raise ValueError(f"`k_scores` must mark exactly one row as chosen; {len(chosen)} are")
    row = chosen.iloc[0]
    k, sil, stab = int(row["k"]), float(row["silhouette"]), float(row["stability"])
    ks = k_scores["k"].astype(int)
    lo, hi = int(ks.min()), int(ks.max())

    if np.isnan(sil):
        sil_text, sil_reason = "silhouette undefined", "silhouette undefined (one cluster, or one unit in each): no evidence of structure"
    else:
        _, band, reading = next((b for b in SILHOUETTE_BANDS if sil <= b[0]), SILHOUETTE_BANDS[-1])
        sil_text = f"silhouette {sil:.2f} ({band})"
        sil_reason = f"silhouette {sil:.2f}: {reading} (Kaufman & Rousseeuw 1990)"
    if np.isnan(stab):
        stab_ok, stab_text = False, "stability not measured"
        stab_reason = "stability not measured (no reseeded reruns): the grouping's reproducibility is unknown"
    else:
        stab_ok = stab >= STABILITY_MIN
        stab_text = f"stability {stab:.2f} ({'0.65 or more' if stab_ok else 'below 0.65'})"
        stab_reason = (f"stability {stab:.2f}: reseeded reruns {'reproduce' if stab_ok else 'do not reproduce'} the grouping "
                       f"(mean adjusted Rand index; {'0.65 or more: moderate recovery or better' if stab_ok else 'below 0.65: poor recovery'}, "
                       "Steinley 2004)")  # fmt: skip
    reference = float(row["reference"]) if "reference" in k_scores.columns else float("nan")
    by_chance = not np.isnan(sil) and not np.isnan(reference) and sil <= reference
    beyond_chance = not np.isnan(sil) and not np.isnan(reference) and sil > reference
    if by_chance:
        sil_text += f", no higher than structureless units reach ({reference:.2f})"
        sil_reason += (f"; but the best of {REFERENCE_SETS} structureless sets of the same units (each term's weights "
                       f"shuffled across the units) reaches {reference:.2f}: a silhouette chance gives this many units")  # fmt: skip
    elif beyond_chance:
        sil_text += f", above all {REFERENCE_SETS} structureless sets of the same units (best {reference:.2f})"
        sil_reason += (f"; the best of {REFERENCE_SETS} structureless sets of the same units (each term's weights shuffled "
                       f"across the units) reaches {reference:.2f}: a silhouette this high has a chance of at most "
                       f"1 in {REFERENCE_SETS + 1} without structure")  # fmt: skip
    searched = len(ks) > 1
    # k = 2 at the bottom of a range from 2 is no edge: no smaller k can be scored (a silhouette needs two clusters).
    at_edge = searched and (k == hi or (k == lo and lo > 2))
    if not searched:
        k_text = f"k = {k}, the only k tried"
        k_reason = (f"k = {k} was the only k tried (set, or the only one the units allow), not chosen by the silhouette: "
                    "nothing says another k fits better or worse")  # fmt: skip
    elif at_edge:
        end = "top" if k == hi else "bottom"
        k_text = f"k = {k} at the {end} of the range searched ({lo}–{hi})"
        k_reason = (f"k = {k} at the {end} of the range {lo}–{hi}: "
                    + ("the silhouette may keep rising beyond it, so no peak was found" if end == "top"
                       else f"k below {lo} were not tried, so no peak was found"))  # fmt: skip
    elif k == lo:
        k_text = f"k = {k}, the fewest clusters a silhouette can score (range {lo}–{hi})"
        k_reason = (f"k = {k} at the bottom of the range {lo}–{hi}, the fewest clusters a silhouette can score: "
                    "it cannot compare them with one undivided group, so the silhouette itself is the evidence")  # fmt: skip
    else:
        k_text = f"k = {k} inside the range searched ({lo}–{hi})"
        k_reason = f"k = {k} inside the range {lo}–{hi}: the silhouette peaks within it"

    # Below the first band, structure needs the evidence the band cannot give: beating every structureless set, reproducibly
    # (term weights of real text overlap, so a clean split of two topics may score 0.15-0.25).
    shown = beyond_chance and stab_ok
    if np.isnan(sil) or by_chance or (sil <= SILHOUETTE_BANDS[0][0] and not shown):
        level: VerdictLevel = "none"
    elif sil > SILHOUETTE_BANDS[1][0] and stab_ok and searched and not at_edge:
        level = "clear"
    else:
        level = "weak"
    head = {"none": "No clear cluster structure", "weak": "Weak cluster structure", "clear": "Clear cluster structure"}[level]
    sentence = f"{head}: {sil_text}, {stab_text}, {k_text}."
    if level == "weak" and shown:
        sentence += (" The grouping is beyond chance and reproducible, but the clusters overlap: read them as tendencies "
                     "of vocabulary, not as separate themes.")  # fmt: skip
    elif level != "clear":
        sentence += (" The clusters below are exploratory: a partition the method was asked for, "
                     "not themes the text is shown to fall into.")  # fmt: skip
    return Verdict(level, sentence, (sil_reason, stab_reason, k_reason))


# --------------------------------------------------------------------------- clustering


def cluster_units(
    weights: DTM,
    *,
    k: int | Literal["auto"] = "auto",
    k_range: tuple[int, int] = (2, 10),
    method: Method = "kmeans",
    lsa_components: int | None = 100,
    random_state: int = 0,
    top_n: int = 10,
    n_representatives: int = 3,
    silhouette_sample: int = 2000,
    max_agglomerative: int = 5000,
    minibatch_above: int | None = 20000,
    fit_sample: int = 10000,
    stability_seeds: int = 5,
    stability_sample: int = 5000,
    map_sample: int = 5000,
    texts: pd.Series | None = None,
) -> ClusterResult:
    """Cluster the rows of a TF-IDF matrix (k-means or Ward on an LSA space) and describe each cluster.

    ``k="auto"`` takes the k in ``k_range`` (at most n_units − 1) with the highest cosine
    silhouette, computed on a seeded sample of ``silhouette_sample`` units when there are more;
    ties go to the smaller k. ``lsa_components=None`` clusters the TF-IDF rows themselves.
    ``fit_sample``: above this many units, the LSA and each clustering are fit on a seeded sample
    of this many units, and every unit is then projected into the LSA space and assigned to the
    nearest cluster mean (the sample-then-assign scheme of CLARA, Kaufman & Rousseeuw 1990, ch. 3);
    the silhouettes are those of the assigned labels, so they describe the clusters returned.
    ``minibatch_above``: use MiniBatchKMeans when more than this many units are fit (None: never).
    ``stability``: the mean adjusted Rand index between the main run and ``stability_seeds``
    reruns (LSA and clustering re-seeded with random_state + 1, + 2, …); Ward itself is
    deterministic, so its reruns vary only through LSA. Above ``stability_sample`` units the reruns
    embed and cluster a seeded sample of that many units (compared with the main run on the same
    units), so the reruns cost the same however large the corpus. ``texts``: one text per row of
    ``weights`` (same order), shown beside the representatives. ``map_sample``: most units
    in ``coords``, a seeded sample above it (the 2-D map is then fit on that sample).
    """
    n_units, n_features = weights.matrix.shape
    _check_inputs(weights, k, k_range, method, lsa_components, max_agglomerative, texts,
                  top_n=top_n, n_representatives=n_representatives, silhouette_sample=silhouette_sample,
                  fit_sample=fit_sample, stability_seeds=stability_seeds, stability_sample=stability_sample,
                  map_sample=map_sample)  # fmt: skip
    with _one_thread():
        X = sp.csr_matrix(weights.matrix, dtype=np.float64)
        n_comp = _lsa_size(lsa_components, n_units, n_features)
        fit_rows = _sample(n_units, fit_sample, random_state)
        space = _embed(X, n_comp, random_state, fit_rows)
        sample = _sample(n_units, silhouette_sample, random_state)

        if k == "auto":
            candidates = list(range(k_range[0], min(k_range[1], n_units - 1) + 1))
        else:
            candidates = [int(k)]
        fits = {c: _partition(space, c, method, random_state, minibatch_above, fit_rows) for c in candidates}
        scores = np.array([_silhouette(space, fits[c], sample) for c in candidates])
        if k == "auto":
            if np.all(np.isnan(scores)):
                log.warning("silhouette undefined for every k in %s; taking k=%d", k_range, candidates[0])
                best = 0
            else:  # rounding keeps float noise from breaking a tie in favour of the larger k
                best = int(np.nanargmax(np.round(np.nan_to_num(scores, nan=-np.inf), 12)))
            chosen = candidates[best]
        else:
            chosen = candidates[0]
        labels = _relabel(fits[chosen])
        reference = (_reference_silhouette(X, n_comp, candidates, method, random_state) if n_units <= REFERENCE_MAX_UNITS
                     else float("nan"))  # fmt: skip

        aris = []
        part = _sample(n_units, stability_sample, random_state)
        rerun_X, main_labels = (X, labels) if part is None else (X[part], labels[part])
        for i in range(1, stability_seeds + 1):
            seed = random_state + i
            rerun_fit_rows = _sample(rerun_X.shape[0], fit_sample, seed)
            if n_comp:
                rerun_space = _embed(rerun_X, min(n_comp, rerun_X.shape[0] - 1), seed, rerun_fit_rows)
            else:
                rerun_space = space if part is None else space[part]
            aris.append(_ari(main_labels, _partition(rerun_space, chosen, method, seed, minibatch_above, rerun_fit_rows)))
        stability = float(np.mean(aris)) if aris else float("nan")

        k_scores = pd.DataFrame({
            "k": candidates,
            "silhouette": scores,
            "stability": [stability if c == chosen else np.nan for c in candidates],
            "reference": [reference if c == chosen else np.nan for c in candidates],
            "chosen": [c == chosen for c in candidates],
        })  # fmt: skip
        similarity, distance = _centroid_fit(space, labels)
        rows = weights.rows.reset_index(drop=True)
        assignments = rows.assign(cluster=labels, distance=distance, similarity=similarity)
        return ClusterResult(
            assignments=assignments,
            k_scores=k_scores,
            top_terms=_cluster_terms(X, weights.terms, labels, top_n),
            representatives=_representatives(rows, labels, similarity, n_representatives, texts),
            doc_cluster=_doc_table(rows, labels),
            coords=_coords(space, rows, labels, map_sample, random_state),
            k=chosen,
            stability=stability,
        )


def _check_inputs(weights: DTM, k, k_range, method, lsa_components, max_agglomerative, texts, **counts: int) -> None:
    n_units, n_features = weights.matrix.shape
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {', '.join(repr(m) for m in _METHODS)}; got {method!r}")
    if n_units == 0 or n_features == 0 or weights.matrix.nnz == 0:
        raise ValueError(f"the weight matrix is empty ({n_units} units × {n_features} terms, "
                         f"{weights.matrix.nnz} non-zero weights): nothing to cluster")  # fmt: skip
    if isinstance(k, str):
        if k != "auto":
            raise ValueError(f"`k` must be a positive integer or 'auto'; got {k!r}")
        lo, hi = k_range
        if not (2 <= lo <= hi):
            raise ValueError(f"`k_range` must be (low, high) with 2 <= low <= high; got {k_range!r}")
        if n_units < 3 or lo > n_units - 1:
            raise ValueError(f"k='auto' needs k_range to start below the number of units; "
                             f"got k_range={k_range!r} for {n_units} units")  # fmt: skip
    elif isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer or 'auto'; got {k!r}")
    elif k > n_units:
        raise ValueError(f"k={k} is larger than the number of units ({n_units})")
    if lsa_components is not None and lsa_components < 1:
        raise ValueError(f"`lsa_components` must be a positive integer or None; got {lsa_components!r}")
    fitted = min(n_units, counts["fit_sample"])
    if method == "agglomerative" and fitted > max_agglomerative:
        raise ValueError(f"agglomerative (Ward) clustering of {fitted} units exceeds max_agglomerative={max_agglomerative}: "
                         "its memory grows with the square of the units; use method='kmeans', lower fit_sample "
                         "or raise the limit")  # fmt: skip
    if texts is not None and len(texts) != n_units:
        raise ValueError(f"`texts` has {len(texts)} entries but the weights have {n_units} rows; pass one text per row")
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"`{name}` must be a non-negative integer; got {value!r}")
    if counts["silhouette_sample"] < 2 or counts["map_sample"] < 1:
        raise ValueError("`silhouette_sample` must be at least 2 and `map_sample` at least 1")
    most_k = k if isinstance(k, (int, np.integer)) else k_range[1]
    if counts["stability_sample"] < max(2, most_k):
        raise ValueError(f"`stability_sample` must be at least 2 and at least the number of clusters; got {counts['stability_sample']!r}")
    if counts["fit_sample"] <= max(2, most_k):
        raise ValueError(f"`fit_sample` must be larger than 2 and than the number of clusters; got {counts['fit_sample']!r}")


def _lsa_size(lsa_components: int | None, n_units: int, n_features: int) -> int:
    """LSA dimensions: capped below the number of terms and of units; 0 = no LSA."""
    if lsa_components is None:
        return 0
    return max(0, min(lsa_components, n_features - 1, n_units - 1))


def _embed(X: sp.csr_matrix, n_comp: int, random_state: int, fit_rows: np.ndarray | None = None) -> np.ndarray | sp.csr_matrix:
    """The clustering space: LSA then unit-length rows, or the unit-length TF-IDF rows.

    With ``fit_rows``, the LSA axes are fit on those rows only and every row is projected onto
    them: on a large corpus a seeded sample finds the same leading axes for a fraction of the cost.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import Normalizer

    if not n_comp:
        return sp.csr_matrix(Normalizer(copy=True).fit_transform(X))
    svd = TruncatedSVD(n_components=n_comp, random_state=random_state)
    reduced = svd.fit_transform(X) if fit_rows is None else svd.fit(X[fit_rows]).transform(X)
    return Normalizer(copy=False).fit_transform(reduced)


def _partition(space, k: int, method: str, random_state: int, minibatch_above: int | None,
               fit_rows: np.ndarray | None) -> np.ndarray:  # fmt: skip
    """Raw labels of every row: the clustering fit on all rows, or on ``fit_rows`` with every row then
    assigned to the nearest cluster mean (Euclidean, as k-means assigns)."""
    fitted = space if fit_rows is None else space[fit_rows]
    minibatch = minibatch_above is not None and fitted.shape[0] > minibatch_above
    labels = _fit(fitted, k, method, random_state, minibatch)
    if fit_rows is None:
        return labels
    return _nearest(space, _means(fitted, labels))


def _means(space, labels: np.ndarray) -> np.ndarray:
    """The mean row of each label 0 … max (a dense array, whether ``space`` is sparse or not)."""
    n, n_clusters = len(labels), int(labels.max()) + 1
    indicator = sp.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(n_clusters, n))
    sums = indicator @ space
    sizes = np.maximum(np.asarray(indicator.sum(axis=1)).ravel(), 1.0)
    return (sums.toarray() if sp.issparse(sums) else np.asarray(sums)) / sizes[:, None]


def _nearest(space, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre (Euclidean) for each row; ties to the lower index.

    >>> _nearest(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]), np.array([[0.0, 1.0], [1.0, 0.0]])).tolist()
    [1, 0, 0]
    """
    # ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every centre of a row.
    cost = np.einsum("ij,ij->i", centres, centres)[None, :] - 2.0 * np.asarray(space @ centres.T)
    return np.argmin(cost, axis=1).astype(np.int64)


def _fit(space, k: int, method: str, random_state: int, minibatch: bool) -> np.ndarray:
    """Raw cluster labels of one run."""
    from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans

    if method == "agglomerative":
        dense = space.toarray() if sp.issparse(space) else space
        if k == 1:
            return np.zeros(dense.shape[0], dtype=np.int64)
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(dense)
    if minibatch:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, batch_size=2048, random_state=random_state)
    else:
        model = KMeans(n_clusters=k, n_init=10, random_state=random_state)
    return model.fit_predict(space)


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Clusters renumbered 0, 1, … by descending size, ties by the row index of their first member.

    >>> _relabel(np.array([5, 2, 2, 5, 7, 7])).tolist()
    [0, 1, 1, 0, 2, 2]
    """
    uniq, first, inverse, sizes = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -sizes))
    new = np.empty(len(uniq), dtype=np.int64)
    new[order] = np.arange(len(uniq))
    return new[inverse.ravel()]


def _sample(n: int, size: int, random_state: int) -> np.ndarray | None:
    """Sorted indices of a seeded sample of ``size`` out of ``n``, or None when all are kept."""
    if n <= size:
        return None
    return np.sort(np.random.default_rng(random_state).choice(n, size=size, replace=False))


def _silhouette(space, labels: np.ndarray, sample: np.ndarray | None) -> float:
    """Mean cosine silhouette (on the sample if given); NaN where undefined (one cluster, or one unit each)."""
    from sklearn.metrics import silhouette_score

    if sample is not None:
        space, labels = space[sample], labels[sample]
    n_labels = len(np.unique(labels))
    if not 2 <= n_labels <= len(labels) - 1:
        return float("nan")
    return float(silhouette_score(space, labels, metric="cosine"))


def _reference_silhouette(X: sp.csr_matrix, n_comp: int, candidates: list[int], method: str, random_state: int) -> float:
    """The best silhouette, over ``candidates`` as the search takes it, of :data:`REFERENCE_SETS` structureless sets of these units.

    Each set shuffles every term's weights across the units on its own, then embeds and clusters
    them as the units were: each term keeps its weights, the units lose whatever makes them use
    terms together — a reference drawn from the data's own margins, as in Tibshirani, Walther &
    Hastie's gap statistic (2001, JRSS B 63(2)). A silhouette above all 19 is one a structureless
    set reaches with probability at most 1/20. It breaks set phrases apart too: units that share
    whole phrases without any grouping can still beat it (measured: 1 in 10 sets of 4 to 6
    documents of shuffled CPC sentences; the silhouette bands then still call it weak at most).
    """
    dense = X.toarray()
    rng = np.random.default_rng(random_state)
    best = []
    for i in range(REFERENCE_SETS):
        shuffled = sp.csr_matrix(rng.permuted(dense, axis=0))
        space = _embed(shuffled, n_comp, random_state + i)
        scores = [_silhouette(space, _fit(space, c, method, random_state + i, False), None) for c in candidates]
        best.append(np.nanmax(scores) if not np.all(np.isnan(scores)) else np.nan)
    return float(np.nanmax(best)) if not np.all(np.isnan(best)) else float("nan")


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def _centroid_fit(space, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's cosine similarity and Euclidean distance to the mean of its cluster in the space.

    Works through unit × cluster dot products, so a sparse space is never made dense.
    """
    n = len(labels)
    centroids = _means(space, labels)
    dot = np.asarray(space @ centroids.T)[np.arange(n), labels]
    sq = space.multiply(space).sum(axis=1) if sp.issparse(space) else np.einsum("ij,ij->i", space, space)
    unit_norm = np.sqrt(np.asarray(sq).ravel())
    centroid_norm = np.linalg.norm(centroids, axis=1)[labels]
    norms = unit_norm * centroid_norm
    similarity = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
    distance = np.sqrt(np.clip(unit_norm**2 - 2 * dot + centroid_norm**2, 0.0, None))
    return similarity, distance


def _cluster_terms(X: sp.csr_matrix, terms: np.ndarray, labels: np.ndarray, top_n: int) -> pd.DataFrame:
    """Each cluster's ``top_n`` terms by mean TF-IDF over its units; zero weights left out.

    Ranked by :func:`corpus.features.top_terms`: ties listed in term (code-point) order, which says
    nothing about the terms, and ``tied_beyond`` counts the terms of the cut's weight left out.
    """
    means = np.vstack([np.asarray(X[labels == c].mean(axis=0)).ravel() for c in range(int(labels.max()) + 1)])
    return top_terms(DTM(sp.csr_matrix(means), pd.DataFrame({"cluster": np.arange(len(means))}), terms), top_n)


def _representatives(rows: pd.DataFrame, labels: np.ndarray, similarity: np.ndarray, n: int,
                     texts: pd.Series | None) -> pd.DataFrame:  # fmt: skip
    """The ``n`` units of each cluster most similar to its centroid, ties by row order."""
    order = np.lexsort((np.arange(len(labels)), -similarity, labels))
    picked = pd.DataFrame({"cluster": labels[order], "i": order, "similarity": similarity[order]})
    picked["rank"] = picked.groupby("cluster").cumcount() + 1
    picked = picked[picked["rank"] <= n].reset_index(drop=True)
    frame = pd.concat([picked[["cluster", "rank"]], rows.iloc[picked["i"]].reset_index(drop=True),
                       picked[["similarity"]]], axis=1)  # fmt: skip
    if texts is not None:
        frame["text"] = np.asarray(texts, dtype=object)[picked["i"].to_numpy()]
    return frame


def _doc_key(rows: pd.DataFrame) -> str:
    return "doc_id" if "doc_id" in rows.columns else rows.columns[0]


def _doc_table(rows: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Units per document (rows, in first-seen order) and cluster (columns, all clusters)."""
    key = _doc_key(rows)
    docs = pd.Categorical(rows[key], categories=pd.unique(rows[key]))
    clusters = pd.Categorical(labels, categories=range(int(labels.max()) + 1))
    table = pd.crosstab(docs, clusters, dropna=False)
    table.columns = pd.Index(list(table.columns), name="cluster", dtype=np.int64)
    table.index = pd.Index(list(table.index), name=key)
    return table


def _coords(space, rows: pd.DataFrame, labels: np.ndarray, map_sample: int, random_state: int) -> pd.DataFrame:
    """A 2-D map of the units (TruncatedSVD of the clustering space); above ``map_sample``, of a seeded sample only."""
    from sklearn.decomposition import TruncatedSVD

    keep = _sample(len(labels), map_sample, random_state)
    keep = np.arange(len(labels)) if keep is None else keep
    drawn = space[keep] if len(keep) < len(labels) else space
    dims = drawn.shape[1]
    if dims > 2:
        xy = TruncatedSVD(n_components=2, random_state=random_state).fit_transform(drawn)
    else:
        dense = drawn.toarray() if sp.issparse(drawn) else np.asarray(drawn)
        xy = np.column_stack([dense, np.zeros((dense.shape[0], 2 - dims))])
    return rows.iloc[keep].reset_index(drop=True).assign(x=xy[:, 0], y=xy[:, 1], cluster=labels[keep])


# --------------------------------------------------------------------------- topics


def nmf_topics(
    weights: DTM,
    n_topics: int = 8,
    *,
    top_n: int = 10,
    random_state: int = 0,
    init: str = "nndsvda",
    max_iter: int = 500,
) -> TopicResult:
    """Topics by non-negative matrix factorisation of TF-IDF weights (scikit-learn's ``NMF``).

    Topics are numbered by their total weight over the units, largest first, so the
    numbering does not depend on the factorisation's order; terms rank by weight, ties by term
    (``tied_beyond`` says where a list ends inside a tie). A unit's NMF weights have no unit of
    their own (they scale with its TF-IDF norm), so they are reported as shares: w_ut / Σ_t w_ut.
    """
    from sklearn.decomposition import NMF

    n_units, n_features = weights.matrix.shape
    if n_units == 0 or n_features == 0 or weights.matrix.nnz == 0:
        raise ValueError(f"the weight matrix is empty ({n_units} units × {n_features} terms, "
                         f"{weights.matrix.nnz} non-zero weights): no topics to find")  # fmt: skip
    if isinstance(n_topics, bool) or not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"`n_topics` must be a positive integer; got {n_topics!r}")
    if n_topics > min(n_units, n_features):
        raise ValueError(f"n_topics={n_topics} is larger than the number of units ({n_units}) or terms ({n_features})")
    X = sp.csr_matrix(weights.matrix, dtype=np.float64)
    if X.nnz and X.data.min() < 0:
        raise ValueError("NMF needs non-negative weights; these weights have negative entries")
    model = NMF(n_components=n_topics, init=init, random_state=random_state, max_iter=max_iter)
    with _one_thread():
        W = model.fit_transform(X)
    H = model.components_
    order = np.lexsort((np.arange(n_topics), -W.sum(axis=0)))
    W, H = W[:, order], H[order]

    topic_terms = top_terms(DTM(sp.csr_matrix(H), pd.DataFrame({"topic": np.arange(n_topics)}), weights.terms), top_n)

    cols = [f"topic_{t}" for t in range(n_topics)]
    ids = weights.rows.reset_index(drop=True)
    total = W.sum(axis=1)
    shares = np.divide(W, total[:, None], out=np.full_like(W, np.nan), where=total[:, None] > 0)
    unit_topics = pd.concat([ids, pd.DataFrame(shares, columns=cols)], axis=1)
    unit_topics["weight"] = total
    unit_topics["dominant"] = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    key = _doc_key(ids)
    doc_topics = unit_topics.groupby(key, sort=False)[cols].mean()  # NaN shares (units without weight) are skipped
    return TopicResult(topic_terms=topic_terms, unit_topics=unit_topics, doc_topics=doc_topics)
