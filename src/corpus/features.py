"""Features: document–term matrices, TF-IDF, term frequencies, similarity and KWIC.

Matrices never travel without their labels: :class:`DTM` holds the sparse matrix, the
row ids (``doc_id`` and, for paragraphs or sentences, ``para_no`` / ``sent_no``) and the
column terms together. Vocabulary pruning (``min_df``, ``max_df``, ``max_features``)
happens on counts, once, before weighting.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from numbers import Integral
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from .clean import raw_position, to_traditional
from .container import Corpus
from .schedule import Runner, small_pages

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


@small_pages()  # a large corpus's index arrays and matrix on ordinary pages: huge ones can be slow to come
def dtm(
    tokens: pd.DataFrame | Corpus,
    unit: Unit = "doc",
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
    units: pd.DataFrame | None = None,
    runner: Runner | None = None,
) -> DTM:
    """Count matrix of tokens per document, paragraph or sentence, from a :class:`~corpus.Corpus` or a token table.

    ``min_df`` / ``max_df`` are document frequencies (counts if int, shares if float) and
    ``max_features`` keeps the most frequent terms (ties broken by term), as in scikit-learn.
    Pass ``units`` (documents or paragraphs) to keep rows for units without any token; from a
    corpus, ``units`` instead restricts the rows (e.g. the paragraphs that are not headings)
    before the vocabulary is pruned. A sharded corpus is counted shard by shard (on ``runner``,
    default serially), pruning the vocabulary before any matrix exists: the same matrix.

    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b"], "token": ["党建", "引领", "党建"]})
    >>> m = dtm(t); m.terms.tolist(), m.matrix.toarray().tolist()
    (['党建', '引领'], [[1, 1], [1, 0]])
    """
    if unit not in UNIT_KEYS:
        raise ValueError(f"`unit` must be one of {list(UNIT_KEYS)}; got {unit!r}")
    keys = UNIT_KEYS[unit]
    if isinstance(tokens, Corpus):
        return _corpus_dtm(tokens, unit, min_df=min_df, max_df=max_df, max_features=max_features, units=units, runner=runner)
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


def _corpus_dtm(corpus: Corpus, unit: Unit, *, min_df: int | float, max_df: int | float, max_features: int | None,
                units: pd.DataFrame | None, runner: Runner | None) -> DTM:  # fmt: skip
    """:func:`dtm` of a corpus: from its token table, or shard by shard when it is sharded."""
    prune_by = {"min_df": min_df, "max_df": max_df, "max_features": max_features}
    keys = UNIT_KEYS[unit]
    if not corpus.sharded or unit == "sentence" or corpus.selection is not None:
        toks = corpus.tokens()
        if units is not None:
            toks = toks.merge(units[keys].drop_duplicates(), on=keys)
        return dtm(toks, unit, **prune_by)
    assert corpus.folder is not None
    if units is None:
        return shard_counts(corpus.folder, corpus.shards, unit, **prune_by, runner=runner)
    full = shard_counts(corpus.folder, corpus.shards, unit, runner=runner)
    wanted = _row_index(units[keys].astype({"doc_id": str}), keys)
    have = _row_index(full.rows[keys].astype({"doc_id": str}), keys)
    return prune(full.select_rows(have.isin(wanted)), **prune_by)


def _row_index(rows: pd.DataFrame, keys: list[str]) -> pd.Index:
    return pd.MultiIndex.from_frame(rows[keys]) if len(keys) > 1 else pd.Index(rows[keys[0]])


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
    if not n_units:
        raise ValueError("there are no units to count: the corpus or selection is empty (a subset that matched no document?)")
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
    """The ``n`` highest-weighted terms of each row, as a tidy table (row ids, rank, term, weight, tied_beyond).

    Ties are broken by term (code-point order, so the order is stable but says nothing about
    the terms); ``tied_beyond`` counts, for a term at the cut's weight, the terms of the same
    weight left out by the cut (0 elsewhere): a list cut inside a tie says so.

    >>> counts = DTM(sp.csr_matrix([[3.0, 1, 1, 1]]), pd.DataFrame({"doc_id": ["a"]}), np.array(["改革", "开放", "发展", "稳定"]))
    >>> top_terms(counts, 2)[["rank", "term", "weight", "tied_beyond"]].values.tolist()
    [[1, '改革', 3.0, 0], [2, '发展', 1.0, 2]]
    """
    rows = []
    for i in range(weights.matrix.shape[0]):
        row = weights.matrix.getrow(i)
        idx, vals = row.indices, row.data
        order = np.lexsort((weights.terms[idx], -vals))
        beyond = _tied_beyond(vals[order], n)
        ids = weights.rows.iloc[i].to_dict()
        rows += [{**ids, "rank": r + 1, "term": weights.terms[idx[j]], "weight": float(vals[j]), "tied_beyond": t}
                 for r, (j, t) in enumerate(zip(order[:n], beyond))]  # fmt: skip
    return pd.DataFrame(rows, columns=[*weights.rows.columns, "rank", "term", "weight", "tied_beyond"])


def _tied_beyond(ranked: np.ndarray, n: int) -> list[int]:
    """For each of the first ``n`` of these values (sorted, largest first): how many values after the cut equal it."""
    shown = ranked[:n]
    if len(ranked) <= n or not len(shown):
        return [0] * len(shown)
    cut = shown[-1]
    left_out = int(np.isclose(ranked[n:], cut, rtol=1e-12, atol=0).sum())
    return [left_out if np.isclose(v, cut, rtol=1e-12, atol=0) else 0 for v in shown]


def ties_at_cut(top: pd.DataFrame, by: str = "doc_id") -> pd.DataFrame:
    """The rows of a :func:`top_terms` table whose list is cut inside a tie: the weight, the terms shown at it and those left out.

    >>> top = pd.DataFrame({"doc_id": ["a", "a", "b"], "term": ["改革", "发展", "开放"], "weight": [3.0, 1.0, 2.0], "tied_beyond": [0, 2, 0]})
    >>> ties_at_cut(top).values.tolist()
    [['a', 1.0, 1, 2]]
    """
    tied = top[top["tied_beyond"] > 0]
    out = tied.groupby(by, sort=False).agg(weight=("weight", "first"), shown_at_cut=("term", "size"), left_out=("tied_beyond", "first"))
    return out.reset_index()


def corpus_keywords(weights: DTM, n: int = 30) -> pd.DataFrame:
    """Terms ranked by their mean weight over all rows, with the number of rows they occur in (ties by term; ``tied_beyond`` as in :func:`top_terms`)."""
    mean = np.asarray(weights.matrix.mean(axis=0)).ravel()
    df = np.asarray((weights.matrix > 0).sum(axis=0)).ravel()
    ranked = np.lexsort((weights.terms, -mean))
    order = ranked[:n]
    return pd.DataFrame({"rank": np.arange(1, len(order) + 1), "term": weights.terms[order], "mean_weight": mean[order], "units": df[order],
                         "tied_beyond": _tied_beyond(mean[ranked], n)})  # fmt: skip


def term_frequency(counts: DTM) -> pd.DataFrame:
    """Each term's count, rate per 10,000 tokens, share, number of units it occurs in and dispersion, most frequent first.

    ``per_10k`` and ``share`` are over the tokens the matrix counts (after filters and pruning).
    ``dp`` is Gries's deviation of proportions (Gries 2008, "Dispersions and adjusted
    frequencies in corpora", *IJCL* 13(4)), normalised as Lijffijt & Gries (2012, *IJCL* 17(1)):
    ``DP = ½ Σᵢ |vᵢ/f − sᵢ|`` over the units, ``vᵢ`` the term's count in unit ``i``, ``f`` its total,
    ``sᵢ`` unit ``i``'s share of all tokens; ``dp = DP / (1 − minᵢ sᵢ)``. 0: spread over the units
    in proportion to their size; 1: all in one unit (the smallest). A frequent word with a high
    ``dp`` is one document's word, not the corpus's. Ties in ``count`` are ordered by term.

    >>> m = DTM(sp.csr_matrix([[2, 1, 1], [0, 1, 1], [0, 1, 0]]), pd.DataFrame({"doc_id": ["a", "b", "c"]}),
    ...         np.array(["甲", "乙", "丙"], dtype=object))
    >>> term_frequency(m).set_index("term")["dp"].round(3).to_dict()  # by hand: s = 4/7, 2/7, 1/7
    {'乙': 0.278, '丙': 0.25, '甲': 0.5}
    """
    m = counts.matrix.tocsr()
    total = np.asarray(m.sum(axis=0)).ravel()
    df = np.diff(m.tocsc().indptr)
    n_tokens = max(int(total.sum()), 1)
    frame = pd.DataFrame({"term": counts.terms, "count": total, "per_10k": total / n_tokens * 10_000,
                          "share": total / n_tokens, "units": df, "dp": deviation_of_proportions(m)})  # fmt: skip
    return frame.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def deviation_of_proportions(matrix: sp.spmatrix) -> np.ndarray:
    """Gries's DP of every column of a unit × term count matrix, normalised to [0, 1] (see :func:`term_frequency`)."""
    m = sp.coo_matrix(matrix)
    sizes = np.asarray(m.sum(axis=1)).ravel().astype(np.float64)
    n_terms = m.shape[1]
    if sizes.sum() == 0 or m.shape[0] < 2:
        return np.zeros(n_terms)
    share = sizes / sizes.sum()
    total = np.asarray(m.sum(axis=0)).ravel().astype(np.float64)
    observed = m.data / total[m.col]
    expected = share[m.row]
    # Units without the term add their whole share: ½ (Σ_{v>0} |v/f − s| + 1 − Σ_{v>0} s)
    dp = 0.5 * (np.bincount(m.col, np.abs(observed - expected), minlength=n_terms) + 1
                - np.bincount(m.col, expected, minlength=n_terms))  # fmt: skip
    dp = np.clip(dp / (1 - share.min()), 0.0, 1.0)
    dp[total == 0] = np.nan  # a term that never occurs has no dispersion
    return dp


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


KWIC_COLUMNS = ["doc_id", "para_no", "start", "end", "left", "match", "right", "original"]


def kwic(
    docs: pd.DataFrame | Corpus,
    pattern: str,
    *,
    window: int = 20,
    regex: bool = False,
    match: Literal["token", "substring"] = "token",
    paragraphs: pd.DataFrame | None = None,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Keyword in context: every match of a term (or regex) in ``text`` with ``window`` characters each side.

    ``docs``: a :class:`~corpus.Corpus` (its paragraphs and tokens are used), or a table of
    documents. ``match="token"`` (the default) keeps only matches that begin and end at token
    boundaries of the corpus's segmentation, so 中国 does not hit inside the token 中国共产党
    (a term of several tokens, 改革开放, still matches); a table of documents then needs its
    token table (``tokens=``). ``match="substring"`` keeps every occurrence in the text.

    Rows cite ``doc_id``, ``para_no`` and offsets into ``text``; ``original`` shows the line
    of a Traditional document as its file wrote it (what cleaning removed inside the line
    included), read from ``raw`` through ``raw_offsets`` where the table has both (a corpus
    has); a table without them gets the line converted back with OpenCC s2t, a guess where
    one Simplified character stands for several.

    >>> d = pd.DataFrame({"doc_id": ["a"], "text": ["坚持党建引领，推进基层治理。"], "script": ["simplified"]})
    >>> kwic(d, "党建", window=2, match="substring")[["left", "match", "right"]].values.tolist()
    [['坚持', '党建', '引领']]
    """
    from .structure import paragraphs as split_paragraphs

    if match not in ("token", "substring"):
        raise ValueError(f"`match` must be one of 'token', 'substring'; got {match!r}")
    if isinstance(docs, Corpus):
        paragraphs = docs.paragraphs if paragraphs is None else paragraphs
        tokens = docs.tokens() if match == "token" and tokens is None else tokens
        docs = docs.documents(["doc_id", "text", "script", "raw", "raw_offsets"])
    if match == "token" and tokens is None:
        raise ValueError("whole-token matching needs the token table: pass the Corpus, or tokens=, or match='substring'")
    inside = _inside_a_token(tokens) if match == "token" else {}
    compiled = re.compile(pattern if regex else re.escape(pattern))
    paras = paragraphs if paragraphs is not None else split_paragraphs(docs)
    scripts = dict(zip(docs["doc_id"], docs["script"])) if "script" in docs.columns else {}
    texts = dict(zip(docs["doc_id"], docs["text"]))
    sources = _sources(docs)
    rows = []
    for doc_id, para_no, p_start, p_end in zip(paras["doc_id"], paras["para_no"], paras["start"], paras["end"]):
        text = texts[doc_id]
        cuts = inside.get(doc_id)
        for m in compiled.finditer(text, p_start, p_end):
            if m.end() == m.start():
                continue
            if cuts is not None and (_cuts_a_token(cuts, m.start()) or _cuts_a_token(cuts, m.end())):
                continue
            left, right = text[max(p_start, m.start() - window) : m.start()], text[m.end() : min(p_end, m.end() + window)]
            original = left + m.group() + right
            if scripts.get(doc_id) == "traditional":
                source = sources.get(doc_id)
                original = to_traditional(original) if source is None else _raw_slice(source, m.start() - len(left), m.end() + len(right))
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": m.start(), "end": m.end(), "left": left,
                         "match": m.group(), "right": right, "original": original})  # fmt: skip
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def _inside_a_token(tokens: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per document, its tokens' starts and ends in text order: where a match may not begin or end inside one."""
    frame = tokens[["doc_id", "start", "end"]].astype({"doc_id": str}).sort_values(["doc_id", "start"], kind="stable")
    return {d: (part["start"].to_numpy(), part["end"].to_numpy()) for d, part in frame.groupby("doc_id", sort=False)}


def _cuts_a_token(cuts: tuple[np.ndarray, np.ndarray], pos: int) -> bool:
    """Whether ``pos`` falls strictly inside a token (the tokens of one text never overlap)."""
    starts, ends = cuts
    k = int(np.searchsorted(starts, pos, side="right")) - 1
    return k >= 0 and starts[k] < pos < ends[k]


def _sources(docs: pd.DataFrame) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Each document's raw text and its :func:`corpus.clean.raw_offsets` breakpoints, where the table has them."""
    if "raw" not in docs.columns or "raw_offsets" not in docs.columns:
        return {}
    return {d: (raw, list(zip(flat[::2], flat[1::2]))) for d, raw, flat in zip(docs["doc_id"], docs["raw"], docs["raw_offsets"])
            if isinstance(raw, str) and flat is not None}  # fmt: skip


def _raw_slice(source: tuple[str, list[tuple[int, int]]], start: int, end: int) -> str:
    """The stretch of the raw text that the cleaned text's ``start:end`` came from."""
    raw, points = source
    return raw[raw_position(points, start) : raw_position(points, end)]


# --------------------------------------------------------------------------- counts shard by shard


def term_stats(toks: pd.DataFrame) -> pa.Table:
    """Per term of a token table: its count and the documents and paragraphs it occurs in (what pruning needs).

    The numbers of documents and paragraphs go to the table's metadata (``units``), so the
    shards' tables add up to the corpus's document frequencies without reading any token again.
    """
    token = pd.Categorical(toks["token"])
    doc = pd.Categorical(toks["doc_id"])
    codes = token.codes
    terms = np.asarray(token.categories, dtype=object)
    count = np.bincount(codes, minlength=len(terms))
    doc_codes = doc.codes.astype(np.int64)
    para_no = toks["para_no"].to_numpy().astype(np.int64)
    para_keys = doc_codes * (int(para_no.max()) + 1 if len(para_no) else 1) + para_no  # one integer per paragraph
    stats = pa.table({"term": pa.array(terms, type=pa.string()), "count": count,
                      "df_doc": _distinct_per_term(doc_codes, codes, len(terms)),
                      "df_paragraph": _distinct_per_term(para_keys, codes, len(terms))})  # fmt: skip
    units = {"doc": int(len(np.unique(doc_codes))), "paragraph": int(len(np.unique(para_keys)))}
    return stats.replace_schema_metadata({"units": json.dumps(units)})


def shard_counts(folder: Path, shards: Sequence[str], unit: Unit = "doc", *, min_df: int | float = 1,
                 max_df: int | float = 1.0, max_features: int | None = None, runner: Runner | None = None) -> DTM:  # fmt: skip
    """The unit × term count matrix of a shard folder, equal to ``dtm(tokens, unit, ...)`` of all its tokens.

    The vocabulary is pruned from the shards' :func:`term_stats` before any matrix exists, so
    memory is the pruned matrix plus one shard. Shards are counted on ``runner`` (default: serially).
    """
    if unit not in ("doc", "paragraph"):
        raise ValueError(f"`unit` must be 'doc' or 'paragraph' for a sharded corpus; got {unit!r}")
    stats = [pq.read_table(folder / "term_stats" / f"{name}.parquet") for name in shards]
    n_units = sum(json.loads(t.schema.metadata[b"units"])[unit] for t in stats)
    totals = pa.concat_tables(stats).to_pandas().groupby("term", sort=True)[["count", f"df_{unit}"]].sum()
    vocab = select_vocabulary(totals.index.to_numpy(dtype=object), totals[f"df_{unit}"].to_numpy(),
                              totals["count"].to_numpy(), n_units, min_df=min_df, max_df=max_df,
                              max_features=max_features)  # fmt: skip
    (folder / "counts").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder / "counts"))  # one per call: notebooks count at the same time
    try:  # the work folder goes, whether counting ends or fails
        pq.write_table(pa.table({"term": pa.array(vocab, type=pa.string())}), work / "vocabulary.parquet")
        items = list(shards)
        if runner is None:
            with Runner("serial") as serial:
                sizes = serial.map(_count_shard, items, str(folder), str(work), unit, progress="counting")
        else:
            sizes = runner.map(_count_shard, items, str(folder), str(work), unit, progress="counting")
        rows = pd.concat([pd.read_parquet(work / f"{name}.rows.parquet") for name in shards], ignore_index=True)
        matrix = _stack_parts([work / f"{name}.npz" for name in shards], sizes, len(vocab))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return DTM(matrix, rows, vocab)


def select_vocabulary(terms: np.ndarray, df: np.ndarray, total: np.ndarray, n_units: int, *,
                      min_df: int | float, max_df: int | float, max_features: int | None) -> np.ndarray:  # fmt: skip
    """The terms :func:`vocabulary_mask` keeps, sorted: the columns of the pruned matrix."""
    keep = vocabulary_mask(terms, df, total, n_units, min_df=min_df, max_df=max_df, max_features=max_features)
    return np.sort(terms[keep].astype(object), kind="stable")


def _count_shard(name: str, folder: str, work: str, unit: str) -> tuple[int, int]:
    """Count one shard's tokens per unit over the chosen vocabulary; write rows and matrix; return (rows, nnz)."""
    vocab = pd.read_parquet(Path(work) / "vocabulary.parquet")["term"]
    toks = pd.read_parquet(Path(folder) / "tokens" / f"{name}.parquet", columns=["doc_id", "para_no", "token"])
    keys = UNIT_KEYS[unit]
    rows = toks[keys].drop_duplicates().sort_values(keys, kind="stable").reset_index(drop=True)
    r = _row_index(rows, keys).get_indexer(_row_index(toks, keys))
    c = pd.Index(vocab).get_indexer(toks["token"])
    hit = c >= 0
    matrix = sp.csr_matrix((np.ones(int(hit.sum()), dtype=np.int32), (r[hit], c[hit])), shape=(len(rows), len(vocab)))
    matrix.sum_duplicates()
    rows.to_parquet(Path(work) / f"{name}.rows.parquet", index=False)
    sp.save_npz(Path(work) / f"{name}.npz", matrix, compressed=False)
    return len(rows), int(matrix.nnz)


def _distinct_per_term(units: np.ndarray, codes: np.ndarray, n_terms: int) -> np.ndarray:
    """For each term, the number of distinct units it occurs in.

    Each (unit, term) pair once: the cells of a sparse unit × term matrix, whose duplicates SciPy
    sums (the units numbered densely first). A fifth to a half of ``np.unique``'s time on the pairs.
    """
    if not len(codes):
        return np.zeros(n_terms, dtype=np.int64)
    rows, _ = pd.factorize(units)
    cells = sp.csr_matrix((np.ones(len(codes), dtype=np.int32), (rows, codes)), shape=(int(rows.max()) + 1, n_terms))
    cells.sum_duplicates()
    return np.bincount(cells.indices, minlength=n_terms)


def _stack_parts(paths: list[Path], sizes: list[tuple[int, int]], n_terms: int) -> sp.csr_matrix:
    """One CSR matrix from per-shard files, filled into arrays allocated once (no second copy)."""
    n_rows, nnz = sum(r for r, _ in sizes), sum(n for _, n in sizes)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=np.int32)
    row, at = 0, 0
    for path, (rows, n) in zip(paths, sizes):
        part = sp.load_npz(path)
        indptr[row + 1 : row + rows + 1] = part.indptr[1:] + at
        indices[at : at + n] = part.indices
        data[at : at + n] = part.data
        row, at = row + rows, at + n
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_terms))
