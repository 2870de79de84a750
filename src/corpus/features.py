"""Features: document–term matrices, TF-IDF, term frequencies, similarity and KWIC.

Matrices never travel without their labels: :class:`DTM` holds the sparse matrix, the
row ids (``doc_id`` and, for paragraphs or sentences, ``para_no`` / ``sent_no``) and the
column terms together. Vocabulary pruning (``min_df``, ``max_df``, ``max_features``)
happens on counts, once, before weighting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from numbers import Integral
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

Unit = Literal["doc", "paragraph", "sentence"]
#: The id columns of each unit a matrix can count by.
UNIT_KEYS = {"doc": ["doc_id"], "paragraph": ["doc_id", "para_no"], "sentence": ["doc_id", "para_no", "sent_no"]}


@dataclass(frozen=True)
class DTM:
    """A sparse unit × term matrix with its row ids and column terms.

    ``rows`` is a DataFrame (``doc_id`` [, ``para_no`` [, ``sent_no``]]) aligned with the
    matrix rows; ``terms`` an array aligned with its columns.
    """

    matrix: sp.csr_matrix
    rows: pd.DataFrame
    terms: np.ndarray

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.rows), len(self.terms)):
            raise ValueError(f"matrix shape {self.matrix.shape} does not match {len(self.rows)} rows × {len(self.terms)} terms")

    @property
    def labels(self) -> list[str]:
        """One readable id per row: doc_id, or doc_id:para_no[:sent_no]."""
        return [":".join(str(v) for v in row) for row in self.rows.itertuples(index=False)]

    def texts(self, units: pd.DataFrame) -> pd.Series:
        """The ``text`` of each row, looked up by id in ``units`` (documents, paragraphs or sentences)."""
        keys = list(self.rows.columns)
        found = self.rows.merge(units[[*keys, "text"]], on=keys, how="left")
        return found["text"].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a dense DataFrame (rows labelled, terms as columns): for small matrices."""
        return pd.DataFrame(self.matrix.toarray(), index=self.labels, columns=self.terms)

    def select_rows(self, mask: np.ndarray | pd.Series) -> DTM:
        """The rows where ``mask`` is true, labels kept."""
        mask = np.asarray(mask, dtype=bool)
        return replace(self, matrix=self.matrix[mask], rows=self.rows[mask].reset_index(drop=True))

    def group(self, by: pd.Series | np.ndarray) -> DTM:
        """Rows summed by a label per row, given in row order (e.g. documents → provinces).

        The result has one row per label, in sorted order, with a ``group`` id column.
        """
        codes, uniques = pd.factorize(pd.Series(np.asarray(by)), sort=True)
        indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(uniques), len(codes)))
        return DTM((indicator @ self.matrix).tocsr(), pd.DataFrame({"group": uniques}), self.terms)


def dtm(
    tokens: pd.DataFrame,
    unit: Unit = "doc",
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
    units: pd.DataFrame | None = None,
) -> DTM:
    """Count matrix of tokens per document, paragraph or sentence (``tokens`` from :func:`corpus.tokens`).

    ``min_df`` / ``max_df`` are document frequencies (counts if int, shares if float) and
    ``max_features`` keeps the most frequent terms (ties broken by term), as in scikit-learn.
    Pass ``units`` (documents or paragraphs) to keep rows for units without any token.

    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b"], "token": ["党建", "引领", "党建"]})
    >>> m = dtm(t); m.terms.tolist(), m.matrix.toarray().tolist()
    (['党建', '引领'], [[1, 1], [1, 0]])
    """
    if unit not in UNIT_KEYS:
        raise ValueError(f"`unit` must be one of {list(UNIT_KEYS)}; got {unit!r}")
    keys = UNIT_KEYS[unit]
    missing = [k for k in keys if k not in tokens.columns]
    if missing:
        raise ValueError(f"tokens have no {missing} column: tokenize {unit}s to count by {unit}")
    row_ids = (units[keys] if units is not None else tokens[keys]).drop_duplicates()
    row_ids = row_ids.sort_values(keys, kind="stable").reset_index(drop=True) if units is None else row_ids.reset_index(drop=True)
    row_index = pd.MultiIndex.from_frame(row_ids) if len(keys) > 1 else pd.Index(row_ids[keys[0]])
    tok_rows = pd.MultiIndex.from_frame(tokens[keys]) if len(keys) > 1 else pd.Index(tokens[keys[0]])
    r = row_index.get_indexer(tok_rows)
    if (r < 0).any():
        unknown = tokens.loc[r < 0, keys].drop_duplicates().head(5).to_dict("records")
        raise ValueError(f"tokens of units missing from `units`: {unknown} (pass the units the tokens came from)")
    terms = pd.Categorical(tokens["token"])
    vocab = np.asarray(terms.categories, dtype=object)
    counts = sp.csr_matrix((np.ones(len(tokens), dtype=np.int64), (r, terms.codes)), shape=(len(row_ids), len(vocab)))
    counts.sum_duplicates()
    return prune(DTM(counts, row_ids, vocab), min_df=min_df, max_df=max_df, max_features=max_features)


def prune(counts: DTM, *, min_df: int | float = 1, max_df: int | float = 1.0, max_features: int | None = None) -> DTM:
    """The columns of a count matrix kept by :func:`vocabulary_mask`, sorted by term (e.g. after selecting rows)."""
    m = counts.matrix
    df = np.diff((m > 0).tocsc().indptr)
    total = np.asarray(m.sum(axis=0)).ravel()
    keep = vocabulary_mask(counts.terms, df, total, m.shape[0], min_df=min_df, max_df=max_df, max_features=max_features)
    cols = np.flatnonzero(keep)[np.argsort(counts.terms[keep], kind="stable")]
    return DTM(counts.matrix[:, cols].tocsr(), counts.rows, counts.terms[cols])


def vocabulary_mask(terms: np.ndarray, df: np.ndarray, total: np.ndarray, n_units: int, *,
                    min_df: int | float, max_df: int | float, max_features: int | None) -> np.ndarray:  # fmt: skip
    """Which terms pass the document-frequency bounds and ``max_features`` (the most frequent, ties by term).

    scikit-learn's rule: ``min_df`` / ``max_df`` are counts if int, shares of ``n_units`` if float.
    The streaming path (:mod:`corpus.stream`) applies the same rule to counts merged from shards.
    """
    low = int(min_df) if isinstance(min_df, Integral) else int(np.ceil(min_df * n_units))
    high = int(max_df) if isinstance(max_df, Integral) else int(np.floor(max_df * n_units))
    if low > high:
        raise ValueError(f"min_df={min_df} keeps fewer documents than max_df={max_df} with {n_units} units")
    keep = (df >= low) & (df <= high)
    if max_features is not None and keep.sum() > max_features:
        idx = np.flatnonzero(keep)
        ranked = idx[np.lexsort((terms[idx], -total[idx]))][:max_features]
        keep = np.zeros_like(keep)
        keep[ranked] = True
    return keep


def tfidf(counts: DTM, *, sublinear_tf: bool = False, norm: Literal["l2", "l1"] | None = "l2", smooth_idf: bool = True) -> DTM:
    """TF-IDF weights of a count matrix (scikit-learn's ``TfidfTransformer``; same formula and options).

    idf(t) = ln((1 + n) / (1 + df(t))) + 1 with ``smooth_idf`` (else ln(n / df(t)) + 1);
    tf is the count, or 1 + ln(count) with ``sublinear_tf``; rows are then normalised.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    weights = TfidfTransformer(norm=norm, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf).fit_transform(counts.matrix)
    return replace(counts, matrix=sp.csr_matrix(weights))


def top_terms(weights: DTM, n: int = 15) -> pd.DataFrame:
    """The ``n`` highest-weighted terms of each row, as a tidy table (row ids, rank, term, weight).

    Ties are broken by term so the order is stable.
    """
    rows = []
    for i in range(weights.matrix.shape[0]):
        row = weights.matrix.getrow(i)
        idx, vals = row.indices, row.data
        order = np.lexsort((weights.terms[idx], -vals))[:n]
        ids = weights.rows.iloc[i].to_dict()
        rows += [{**ids, "rank": r + 1, "term": weights.terms[idx[j]], "weight": float(vals[j])} for r, j in enumerate(order)]
    return pd.DataFrame(rows, columns=[*weights.rows.columns, "rank", "term", "weight"])


def corpus_keywords(weights: DTM, n: int = 30) -> pd.DataFrame:
    """Terms ranked by their mean weight over all rows, with the number of rows they occur in."""
    mean = np.asarray(weights.matrix.mean(axis=0)).ravel()
    df = np.asarray((weights.matrix > 0).sum(axis=0)).ravel()
    order = np.lexsort((weights.terms, -mean))[:n]
    return pd.DataFrame({"rank": np.arange(1, len(order) + 1), "term": weights.terms[order], "mean_weight": mean[order], "units": df[order]})


def term_frequency(counts: DTM) -> pd.DataFrame:
    """Each term's total count, share of all tokens and number of units it occurs in, most frequent first."""
    total = np.asarray(counts.matrix.sum(axis=0)).ravel()
    df = np.asarray((counts.matrix > 0).sum(axis=0)).ravel()
    frame = pd.DataFrame({"term": counts.terms, "count": total, "share": total / max(total.sum(), 1), "units": df})
    return frame.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def similarity(weights: DTM, labels: pd.Series | None = None, *, max_rows: int = 2000) -> pd.DataFrame:
    """Cosine similarity between rows (documents, or groups after :meth:`DTM.group`), labelled.

    The table is rows × rows, so more than ``max_rows`` rows are refused: name a few documents
    or groups first (:meth:`Shown.matrix`), or raise the limit knowingly.

    >>> m = DTM(sp.csr_matrix([[1.0, 0.0], [1.0, 1.0]]), pd.DataFrame({"doc_id": ["a", "b"]}), np.array(["x", "y"]))
    >>> similarity(m).round(3).values.tolist()
    [[1.0, 0.707], [0.707, 1.0]]
    """
    from sklearn.metrics.pairwise import cosine_similarity

    n = weights.matrix.shape[0]
    if n > max_rows:
        raise ValueError(f"a similarity table of {n:,} rows would hold {n * n:,} values (more than max_rows={max_rows} rows): "
                         "compare groups or a chosen set of documents (Shown.matrix), or raise max_rows")  # fmt: skip
    names = list(labels) if labels is not None else weights.labels
    return pd.DataFrame(cosine_similarity(weights.matrix), index=names, columns=names)


def linkage(sim: pd.DataFrame, method: Literal["average", "complete", "single"] = "average") -> np.ndarray:
    """A hierarchical clustering linkage (scipy) of a similarity matrix, distance = 1 − cosine."""
    from scipy.cluster.hierarchy import linkage as scipy_linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1.0 - sim.to_numpy(), 0.0, None)
    np.fill_diagonal(dist, 0.0)
    return scipy_linkage(squareform(dist, checks=False), method=method)


# --------------------------------------------------------------------------- documents shown by name

ShownBy = Literal["length", "sample"]
_SHOWN_BY = ("length", "sample")
#: The name of the group of documents whose grouping value is missing.
UNLABELLED = "（未标注 unlabelled）"


@dataclass(frozen=True)
class Shown:
    """The documents a report names in its tables and figures, and how they were chosen.

    ``names`` maps every doc_id (corpus order) to the name it is shown under (its label, or the
    value of its group) and is missing for a document not shown. ``order`` lists the names in
    display order; ``note`` says what was chosen ("" when every document is shown by itself);
    ``unit`` is what one name stands for: "document" or "group".
    """

    names: pd.Series
    order: tuple[str, ...]
    note: str
    unit: str = "document"

    @property
    def doc_ids(self) -> list[str]:
        """The documents shown, by themselves or within a group, in corpus order."""
        return [str(d) for d in self.names.index[self.names.notna().to_numpy()]]

    @property
    def complete(self) -> bool:
        """Whether every document is shown, by itself or within a group."""
        return bool(self.names.notna().all())

    def caption(self, text: str) -> str:
        """A table caption with the note on what is shown (nothing added when every document is)."""
        return f"{text} ({self.note})" if self.note else text

    def title(self, text: str) -> str:
        """A figure title with the note on what is shown as a second line."""
        return f"{text}\n{self.note}" if self.note else text

    def rows(self, frame: pd.DataFrame, how: Literal["sum", "mean"] = "sum", *, others: str | None = None) -> pd.DataFrame:
        """The rows of a table indexed by doc_id (repeats allowed, e.g. paragraphs), combined per name, in order.

        With ``others``, the rows of documents not shown become one more row of that name.
        """
        if how not in ("sum", "mean"):
            raise ValueError(f"`how` must be one of 'sum', 'mean'; got {how!r}")
        keys = pd.Series(frame.index.map(self.names.to_dict()), dtype=object)
        rest = keys.isna().to_numpy()
        if others is not None:
            keys = keys.where(~rest, others)
        keep = keys.notna().to_numpy()
        grouped = frame[keep].groupby(keys[keep].to_numpy(), sort=False)
        combined = grouped.sum() if how == "sum" else grouped.mean()
        order = [*self.order, *([others] if others is not None and rest.any() else [])]
        out = combined.reindex(order)
        if how == "sum":
            out = out.fillna(0).astype(frame.dtypes.to_dict())
        out.index.name = frame.index.name
        return out

    def columns(self, frame: pd.DataFrame, how: Literal["sum", "mean"] = "sum", *, others: str | None = None) -> pd.DataFrame:
        """:meth:`rows` for a table whose columns are doc_ids (e.g. the audit summary)."""
        return self.rows(frame.T, how, others=others).T

    def matrix(self, m: DTM, how: Literal["sum", "mean"] = "mean") -> DTM:
        """The rows of a matrix combined per name (mean weights, or summed counts), in order; ``rows``: ``label``."""
        if how not in ("sum", "mean"):
            raise ValueError(f"`how` must be one of 'sum', 'mean'; got {how!r}")
        keys = m.rows["doc_id"].map(self.names.to_dict())
        keep = np.flatnonzero(keys.notna().to_numpy())
        codes = pd.Categorical(keys.iloc[keep], categories=list(self.order)).codes
        indicator = sp.csr_matrix((np.ones(len(keep)), (codes, keep)), shape=(len(self.order), m.matrix.shape[0]))
        combined = sp.csr_matrix(indicator @ m.matrix)
        if how == "mean":
            sizes = np.bincount(codes, minlength=len(self.order)).astype(np.float64)
            combined = sp.csr_matrix(sp.diags(1.0 / np.maximum(sizes, 1.0)) @ combined)
        return DTM(combined, pd.DataFrame({"label": list(self.order)}), m.terms)


def choose_documents(
    docs: pd.DataFrame,
    max_docs: int = 12,
    *,
    labels: Mapping[str, str] | None = None,
    group_column: str | None = None,
    by: ShownBy = "length",
    random_state: int = 0,
) -> Shown:
    """Which documents a report names: all of them up to ``max_docs``; above, their groups or ``max_docs`` of them.

    Above ``max_docs`` documents, the values of ``group_column`` (missing values form one group)
    name the groups when they give 2 to ``max_docs`` groups; otherwise ``by="length"`` shows the
    ``max_docs`` longest documents (``n_chars``, ties in corpus order), ``by="sample"`` a seeded
    random sample of them. ``labels``: doc_id → readable name (default: the doc_id).

    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_chars": [5, 9, 7], "level": ["县", "省", "县"]})
    >>> choose_documents(d, 2).note
    '2 of 3 documents shown, chosen by length (the longest)'
    >>> choose_documents(d, 2, group_column="level").order
    ('县', '省')
    """
    if isinstance(max_docs, bool) or not isinstance(max_docs, Integral) or max_docs < 1:
        raise ValueError(f"`max_docs` must be a positive integer; got {max_docs!r}")
    if by not in _SHOWN_BY:
        raise ValueError(f"`by` must be one of {', '.join(repr(b) for b in _SHOWN_BY)}; got {by!r}")
    ids = docs["doc_id"].astype(str).reset_index(drop=True)
    labels = labels or {}
    n = len(ids)
    if n <= max_docs:
        names = pd.Series([labels.get(d, d) for d in ids], index=ids.to_numpy(), dtype=object)
        return Shown(names, tuple(names), "")
    if group_column is not None and group_column in docs.columns:
        values = docs[group_column].reset_index(drop=True)
        missing = values.isna() | (values.astype(str).str.strip() == "")
        groups = values.astype(str).where(~missing, UNLABELLED)
        found = sorted(set(groups) - {UNLABELLED})
        order = found + ([UNLABELLED] if missing.any() else [])
        if 2 <= len(order) <= max_docs:
            names = pd.Series(groups.to_numpy(), index=ids.to_numpy(), dtype=object)
            return Shown(names, tuple(order), f"all {n:,} documents shown in {len(order)} groups of {group_column}", "group")
    if by == "length":
        size = docs["n_chars"] if "n_chars" in docs.columns else docs["text"].str.len()
        picked = np.lexsort((np.arange(n), -size.to_numpy(dtype=np.float64)))[:max_docs]
        how = "chosen by length (the longest)"
    else:
        picked = np.sort(np.random.default_rng(random_state).choice(n, size=max_docs, replace=False))
        how = f"a random sample (random_state={random_state})"
    names = pd.Series(np.nan, index=ids.to_numpy(), dtype=object)
    order = tuple(labels.get(ids[i], ids[i]) for i in picked)
    names.iloc[picked] = list(order)
    return Shown(names, order, f"{len(picked)} of {n:,} documents shown, {how}")


KWIC_COLUMNS = ["doc_id", "para_no", "start", "end", "left", "match", "right", "original"]


def kwic(
    docs: pd.DataFrame,
    pattern: str,
    *,
    window: int = 20,
    regex: bool = False,
    paragraphs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Keyword in context: every match of a term (or regex) in ``text`` with ``window`` characters each side.

    Rows cite ``doc_id``, ``para_no`` and offsets into ``text``; ``original`` shows the line
    in the document's original script (Traditional documents converted back with OpenCC s2t).

    >>> d = pd.DataFrame({"doc_id": ["a"], "text": ["坚持党建引领，推进基层治理。"], "script": ["simplified"]})
    >>> kwic(d, "党建", window=2)[["left", "match", "right"]].values.tolist()
    [['坚持', '党建', '引领']]
    """
    from .structure import paragraphs as split_paragraphs

    compiled = re.compile(pattern if regex else re.escape(pattern))
    paras = paragraphs if paragraphs is not None else split_paragraphs(docs)
    scripts = dict(zip(docs["doc_id"], docs["script"])) if "script" in docs.columns else {}
    texts = dict(zip(docs["doc_id"], docs["text"]))
    rows = []
    for doc_id, para_no, p_start, p_end in zip(paras["doc_id"], paras["para_no"], paras["start"], paras["end"]):
        text = texts[doc_id]
        for m in compiled.finditer(text, p_start, p_end):
            if m.end() == m.start():
                continue
            left, right = text[max(p_start, m.start() - window) : m.start()], text[m.end() : min(p_end, m.end() + window)]
            line = left + m.group() + right
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": m.start(), "end": m.end(), "left": left,
                         "match": m.group(), "right": right, "original": _original_script(line, scripts.get(doc_id))})  # fmt: skip
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def _original_script(line: str, script: str | None) -> str:
    if script != "traditional":
        return line
    from .clean import _converter

    return _converter("s2t").convert(line)
