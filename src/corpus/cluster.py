"""Clustering and topics: group documents, paragraphs or sentences by their TF-IDF weights.

:func:`cluster_units` runs TF-IDF → LSA (TruncatedSVD, rows L2-normalised) → k-means or
Ward clustering, picks k by silhouette when asked, and labels clusters by size so the
numbering never depends on the algorithm. :func:`nmf_topics` factorises the same weights
into topics. Every table keeps the row ids (``doc_id`` [, ``para_no`` [, ``sent_no``]]),
and every random step takes ``random_state``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .features import DTM

log = logging.getLogger(__name__)

Method = Literal["kmeans", "agglomerative"]
_METHODS = ("kmeans", "agglomerative")
#: Up to this many units everything runs on one thread: BLAS and OpenMP threads gain nothing
#: on matrices this small, and on a busy machine their spin-waits cost seconds.
_SMALL = 1024


def _threads(n_units: int):
    """A thread limit for BLAS and OpenMP: one thread for small inputs, the libraries' default otherwise."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1 if n_units <= _SMALL else None)


@dataclass(frozen=True)
class ClusterResult:
    """The tables :func:`cluster_units` returns; every one carries the row ids of the weights.

    ``assignments``: row ids, ``cluster``, ``distance`` (Euclidean) and ``similarity`` (cosine) to
    the cluster centroid. ``k_scores``: ``k``, ``silhouette``, ``stability`` (chosen k only),
    ``chosen``. ``top_terms``: ``cluster``, ``rank``, ``term``, ``weight`` (mean TF-IDF in the
    cluster). ``representatives``: ``cluster``, ``rank``, row ids, ``similarity`` [, ``text``].
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

    ``topic_terms``: ``topic``, ``rank``, ``term``, ``weight``. ``unit_topics``: row ids,
    ``topic_0`` … ``topic_{n-1}`` and ``dominant`` (-1 for a row without weight). ``doc_topics``:
    mean topic weight per doc_id (index).
    """

    topic_terms: pd.DataFrame
    unit_topics: pd.DataFrame
    doc_topics: pd.DataFrame


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
    stability_seeds: int = 5,
    stability_sample: int = 20000,
    map_sample: int = 5000,
    texts: pd.Series | None = None,
) -> ClusterResult:
    """Cluster the rows of a TF-IDF matrix (k-means or Ward on an LSA space) and describe each cluster.

    ``k="auto"`` takes the k in ``k_range`` (at most n_units − 1) with the highest cosine
    silhouette, computed on a seeded sample of ``silhouette_sample`` units when there are more;
    ties go to the smaller k. ``lsa_components=None`` clusters the TF-IDF rows themselves.
    ``minibatch_above``: use MiniBatchKMeans above this many units (None: never).
    ``stability``: the mean adjusted Rand index between the main run and ``stability_seeds``
    reruns (LSA and clustering re-seeded with random_state + 1, + 2, …); Ward itself is
    deterministic, so its reruns vary only through LSA. Above ``stability_sample`` units the reruns
    embed and cluster a seeded sample of that many units (compared with the main run on the same
    units), so a large corpus pays for one full LSA, not six. ``texts``: one text per row of
    ``weights`` (same order), shown beside the representatives. ``map_sample``: most units
    in ``coords``, a seeded sample above it.
    """
    n_units, n_features = weights.matrix.shape
    _check_inputs(weights, k, k_range, method, lsa_components, max_agglomerative, texts,
                  top_n=top_n, n_representatives=n_representatives, silhouette_sample=silhouette_sample,
                  stability_seeds=stability_seeds, stability_sample=stability_sample, map_sample=map_sample)  # fmt: skip
    with _threads(n_units):  # one thread for small inputs (see _SMALL)
        X = sp.csr_matrix(weights.matrix, dtype=np.float64)
        n_comp = _lsa_size(lsa_components, n_units, n_features)
        space = _embed(X, n_comp, random_state)
        minibatch = minibatch_above is not None and n_units > minibatch_above
        sample = _sample(n_units, silhouette_sample, random_state)

        if k == "auto":
            candidates = list(range(k_range[0], min(k_range[1], n_units - 1) + 1))
        else:
            candidates = [int(k)]
        fits = {c: _fit(space, c, method, random_state, minibatch) for c in candidates}
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

        aris = []
        part = _sample(n_units, stability_sample, random_state)
        rerun_X, main_labels = (X, labels) if part is None else (X[part], labels[part])
        rerun_minibatch = minibatch_above is not None and rerun_X.shape[0] > minibatch_above
        for i in range(1, stability_seeds + 1):
            seed = random_state + i
            if n_comp:
                rerun_space = _embed(rerun_X, min(n_comp, rerun_X.shape[0] - 1), seed)
            else:
                rerun_space = space if part is None else space[part]
            aris.append(_ari(main_labels, _fit(rerun_space, chosen, method, seed, rerun_minibatch)))
        stability = float(np.mean(aris)) if aris else float("nan")

        k_scores = pd.DataFrame({
            "k": candidates,
            "silhouette": scores,
            "stability": [stability if c == chosen else np.nan for c in candidates],
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
    if method == "agglomerative" and n_units > max_agglomerative:
        raise ValueError(f"agglomerative (Ward) clustering of {n_units} units exceeds max_agglomerative={max_agglomerative}: "
                         "its memory grows with the square of the units; use method='kmeans' or raise the limit")  # fmt: skip
    if texts is not None and len(texts) != n_units:
        raise ValueError(f"`texts` has {len(texts)} entries but the weights have {n_units} rows; pass one text per row")
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"`{name}` must be a non-negative integer; got {value!r}")
    if counts["silhouette_sample"] < 2 or counts["map_sample"] < 1:
        raise ValueError("`silhouette_sample` must be at least 2 and `map_sample` at least 1")
    if counts["stability_sample"] < max(2, k if isinstance(k, int) else k_range[1]):
        raise ValueError(f"`stability_sample` must be at least 2 and at least the number of clusters; got {counts['stability_sample']!r}")


def _lsa_size(lsa_components: int | None, n_units: int, n_features: int) -> int:
    """LSA dimensions: capped below the number of terms and of units; 0 = no LSA."""
    if lsa_components is None:
        return 0
    return max(0, min(lsa_components, n_features - 1, n_units - 1))


def _embed(X: sp.csr_matrix, n_comp: int, random_state: int) -> np.ndarray | sp.csr_matrix:
    """The clustering space: LSA then unit-length rows, or the unit-length TF-IDF rows."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import Normalizer

    if not n_comp:
        return sp.csr_matrix(Normalizer(copy=True).fit_transform(X))
    reduced = TruncatedSVD(n_components=n_comp, random_state=random_state).fit_transform(X)
    return Normalizer(copy=False).fit_transform(reduced)


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


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def _centroid_fit(space, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's cosine similarity and Euclidean distance to the mean of its cluster in the space.

    Works through unit × cluster dot products, so a sparse space is never made dense.
    """
    n, n_clusters = len(labels), int(labels.max()) + 1
    indicator = sp.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(n_clusters, n))
    sizes = np.asarray(indicator.sum(axis=1)).ravel()
    sums = indicator @ space
    centroids = (sums.toarray() if sp.issparse(sums) else np.asarray(sums)) / sizes[:, None]
    dot = np.asarray(space @ centroids.T)[np.arange(n), labels]
    sq = space.multiply(space).sum(axis=1) if sp.issparse(space) else np.einsum("ij,ij->i", space, space)
    unit_norm = np.sqrt(np.asarray(sq).ravel())
    centroid_norm = np.linalg.norm(centroids, axis=1)[labels]
    norms = unit_norm * centroid_norm
    similarity = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
    distance = np.sqrt(np.clip(unit_norm**2 - 2 * dot + centroid_norm**2, 0.0, None))
    return similarity, distance


def _cluster_terms(X: sp.csr_matrix, terms: np.ndarray, labels: np.ndarray, top_n: int) -> pd.DataFrame:
    """Each cluster's ``top_n`` terms by mean TF-IDF over its units, ties by term; zero weights left out."""
    rows = []
    for c in range(int(labels.max()) + 1):
        mean = np.asarray(X[labels == c].mean(axis=0)).ravel()
        order = np.lexsort((terms, -mean))[:top_n]
        order = order[mean[order] > 0]
        rows += [{"cluster": c, "rank": r + 1, "term": terms[j], "weight": float(mean[j])} for r, j in enumerate(order)]
    return pd.DataFrame(rows, columns=["cluster", "rank", "term", "weight"])


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
    """A 2-D map of the units (TruncatedSVD of the clustering space), a seeded sample above ``map_sample``."""
    from sklearn.decomposition import TruncatedSVD

    dims = space.shape[1]
    if dims > 2:
        xy = TruncatedSVD(n_components=2, random_state=random_state).fit_transform(space)
    else:
        dense = space.toarray() if sp.issparse(space) else np.asarray(space)
        xy = np.column_stack([dense, np.zeros((dense.shape[0], 2 - dims))])
    keep = _sample(len(labels), map_sample, random_state)
    keep = np.arange(len(labels)) if keep is None else keep
    return rows.iloc[keep].reset_index(drop=True).assign(x=xy[keep, 0], y=xy[keep, 1], cluster=labels[keep])


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
    numbering does not depend on the factorisation's order; terms rank by weight, ties by term.
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
    with _threads(n_units):
        W = model.fit_transform(X)
    H = model.components_
    order = np.lexsort((np.arange(n_topics), -W.sum(axis=0)))
    W, H = W[:, order], H[order]

    rows = []
    for t in range(n_topics):
        top = np.lexsort((weights.terms, -H[t]))[:top_n]
        top = top[H[t, top] > 0]
        rows += [{"topic": t, "rank": r + 1, "term": weights.terms[j], "weight": float(H[t, j])} for r, j in enumerate(top)]
    topic_terms = pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])

    cols = [f"topic_{t}" for t in range(n_topics)]
    ids = weights.rows.reset_index(drop=True)
    unit_topics = pd.concat([ids, pd.DataFrame(W, columns=cols)], axis=1)
    unit_topics["dominant"] = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    key = _doc_key(ids)
    doc_topics = unit_topics.groupby(key, sort=False)[cols].mean()
    return TopicResult(topic_terms=topic_terms, unit_topics=unit_topics, doc_topics=doc_topics)
