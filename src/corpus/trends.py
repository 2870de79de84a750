"""Trends: how often terms (or dictionary categories) are used over time, with the document as the unit.

The path is quanteda's: documents get a time (:func:`document_dates`: the loader's parsed
``date``, or a year column where the dates are missing), the times are binned
(:func:`time_bins`: by date, month, year or user periods; :func:`ordered_bins`: by any ordered
docvar such as a congress number), and :func:`trend` gives each feature's rate per 10,000
tokens in each bin with a bootstrap interval over the bin's documents. :func:`first_last_use`
says when each feature first and last appears; :func:`risers_fallers` compares an earlier and a
later period with the document-level permutation test of :mod:`corpus.keyterms`;
:func:`dispersion` says where in each document a term occurs (quanteda's ``textplot_xray``).

Everything takes a count matrix (:class:`corpus.features.DTM`) of terms or of dictionary
categories, so one code path serves both; rates are over the tokens the term matrix counts
(after stop-word and other filters), as in :mod:`corpus.keyterms`.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .container import Corpus
from .dates import YEAR_COLUMNS, document_date_column, parse_date, parse_dates
from .features import DTM, kwic
from .keyterms import ROUNDING, keyness

log = logging.getLogger(__name__)

TimeUnit = Literal["date", "month", "year", "period"]
TIME_UNITS = ("date", "month", "year", "period")
Statistic = Literal["mean", "pooled"]
STATISTICS = ("mean", "pooled")
#: A bin needs at least this many documents for a bootstrap band; below it the rate is shown without one.
MIN_DOCS_FOR_BAND = 3
#: The columns of :func:`trend`.
TREND_COLUMNS = ["feature", "bin", "position", "n_docs", "tokens", "count", "docs_using", "rate", "lo", "hi", "band"]
#: The columns of :func:`first_last_use`.
FIRST_LAST_COLUMNS = ["feature", "docs_using", "count", "first_date", "first_doc", "last_date", "last_doc"]
#: The columns of :func:`dispersion`.
DISPERSION_COLUMNS = ["doc_id", "term", "para_no", "start", "end", "n_chars", "position"]
_CELLS = 4_000_000  # bootstrap resamples × documents held at once (32 MB of float64)


@dataclass(frozen=True)
class DocumentDates:
    """Each dated document's date (ISO, at its own precision), the column it came from, and a sentence saying so.

    ``values``: a Series doc_id → ISO date (``2022-07-26``, ``2022-07`` or ``2022``), documents
    without a date left out (they are in ``undated``, in corpus order).
    """

    values: pd.Series
    column: str
    note: str
    undated: tuple[str, ...] = ()


def document_dates(docs: pd.DataFrame, date_column: str = "date") -> DocumentDates:
    """The documents' dates from ``date_column``, read by :func:`corpus.dates.parse_date`; a year column where it dates more.

    The loader reads ``date`` from the metadata and the texts. Where that leaves documents
    undated and the table has a year column (:data:`YEAR_COLUMNS`, e.g. the CPC corpus's
    ``labels.csv`` has ``year``) that dates more of them, the year column is read instead and
    the note says so; only the default ``date`` falls back, a column the caller names is read as
    named. Documents without a date are left out of trends, and the note counts them. No date
    at all is an error naming ``date_column``. The column is chosen by
    :func:`corpus.dates.document_date_column`, the rule every report follows.

    >>> d = pd.DataFrame({"doc_id": ["cpc_19", "cpc_20", "cpc_11"], "date": ["2017-10-18", None, None], "year": [2017, 2022, 1977]})
    >>> found = document_dates(d); found.column, found.values.tolist()
    ('year', ['2017', '2022', '1977'])
    """
    if "doc_id" not in docs.columns:
        raise ValueError("the documents have no doc_id column: pass corpus.docs (or a table with doc_id and a date column)")
    if date_column not in docs.columns:
        raise ValueError(f"the documents have no column {date_column!r}: set `date_column` to the column holding each "
                         f"document's date or year (columns: {', '.join(map(str, docs.columns))})")  # fmt: skip
    read = document_date_column(docs, date_column).rename_axis(None)
    n = len(read)
    column, note = str(read.name), ""
    if column != date_column:
        named = int(parse_dates(docs[date_column]).notna().sum())
        note = (f"`{date_column}` dates {named} of {n} documents; their year is read from `{column}`, "
                f"which dates {int(read.notna().sum())} (set `date_column` to choose another column). ")  # fmt: skip
    dated = read.dropna()
    if dated.empty:
        if not n:
            raise ValueError("there are no documents to date: the corpus or selection is empty")
        held = sorted(set(docs[date_column].dropna().astype(str)))
        values = f"its values: {', '.join(map(repr, held[:6]))}{' …' if len(held) > 6 else ''}" if held else "it is empty"
        raise ValueError(f"no document has a date in column {column!r} ({values}; dates are read in forms such as "
                         "2022-07-26, 2022年7月, 2022): add a `date` column to the metadata, or set `date_column` to the "
                         "column holding each document's date or year")  # fmt: skip
    undated = tuple(read.index[read.isna().to_numpy()])
    span = f"{dated.min()} to {dated.max()}" if dated.nunique() > 1 else f"one date, {dated.iloc[0]}"
    note += f"{len(dated)} of {n} documents dated by `{column}` ({span})"
    note += f"; {len(undated)} without a date are left out." if undated else "."
    return DocumentDates(dated.rename(column), column, note, undated)


def time_bins(dates: pd.Series | DocumentDates, by: TimeUnit = "year", *, breaks: Sequence[object] | None = None) -> pd.Series:
    """Each document's bin in time, an ordered categorical indexed by doc_id, bins in time order.

    ``by``: ``"date"`` (each date as given, at its precision), ``"month"`` (``2022-07``),
    ``"year"`` (``2022``), or ``"period"``: half-open periods starting at each of ``breaks``
    (dates or years, read by :func:`corpus.dates.parse_date`), plus one before the first break
    when documents are earlier. A date coarser than the unit stays as it is (a document dated
    ``2022`` is in bin ``2022`` by month), and a date coarser than a break counts from its
    start (``2022`` is before a break at ``2022-07``). Empty bins are left out.

    >>> d = pd.Series(["1969", "1977", "1982", "1992", "2012"], index=["cpc_09", "cpc_11", "cpc_12", "cpc_14", "cpc_18"])
    >>> time_bins(d, "period", breaks=[1978, 1992]).tolist()
    ['–1977', '–1977', '1978–1991', '1992–', '1992–']
    """
    values = dates.values if isinstance(dates, DocumentDates) else dates
    if by not in TIME_UNITS:
        raise ValueError(f"`by` must be one of {', '.join(repr(u) for u in TIME_UNITS)}; got {by!r}")
    iso = pd.Series([parse_date(v) for v in values], index=values.index.astype(str), dtype=object)
    if iso.isna().any():
        bad = [f"{d}={v!r}" for d, v in zip(iso.index[iso.isna()], values[iso.isna().to_numpy()])][:5]
        raise ValueError(f"dates that are not dates: {', '.join(bad)} (pass DocumentDates.values, or ISO dates)")
    if by != "period":
        if breaks is not None:
            raise ValueError(f"`breaks` is for by='period'; got by={by!r}")
        width = {"date": None, "month": 7, "year": 4}[by]
        labels = iso if width is None else iso.str[:width]
        return pd.Series(pd.Categorical(labels, categories=sorted(set(labels)), ordered=True), index=iso.index, name=by)
    if not breaks:
        raise ValueError("by='period' needs `breaks`: the dates or years each period starts at, e.g. [1978, 1992, 2012]")
    starts = [parse_date(b) for b in breaks]
    if any(s is None for s in starts):
        raise ValueError(f"`breaks` must be dates or years; not read: {[b for b, s in zip(breaks, starts) if s is None]}")
    starts = sorted(set(starts))
    edges = np.searchsorted(np.array(starts, dtype=object), iso.to_numpy(dtype=object), side="right")
    names = _period_names(starts)
    labels = pd.Series([names[e] for e in edges], index=iso.index)
    order = [names[e] for e in sorted(set(edges))]
    return pd.Series(pd.Categorical(labels, categories=order, ordered=True), index=iso.index, name="period")


def _period_names(starts: list[str]) -> list[str]:
    """Names of the periods before, between and after ``starts``: 1978–1991 for years, "2020-01 – before 2020-07" otherwise.

    >>> _period_names(["1978", "1992"])
    ['–1977', '1978–1991', '1992–']
    """
    years = all(len(s) == 4 for s in starts)
    names = []
    for i in range(len(starts) + 1):
        lo = starts[i - 1] if i > 0 else ""
        hi = starts[i] if i < len(starts) else ""
        if years:
            names.append(f"{lo}–{int(hi) - 1 if hi else ''}")
        else:
            names.append(f"{lo} – before {hi}" if lo and hi else (f"before {hi}" if hi else f"{lo} –"))
    return names


def ordered_bins(docs: pd.DataFrame, column: str, order: Sequence[Hashable] | None = None) -> pd.Series:
    """Each document's value of an ordered docvar (a congress number, a plan period) as ordered bins indexed by doc_id.

    Numbers sort as numbers; an ordered categorical keeps its order; other values need
    ``order`` (every value, earliest first). Documents without a value are left out.

    >>> d = pd.DataFrame({"doc_id": ["cpc_10", "cpc_9"], "congress": [10, 9]})
    >>> ordered_bins(d, "congress").cat.categories.tolist()
    ['9', '10']
    """
    if column not in docs.columns:
        raise ValueError(f"the documents have no column {column!r} (columns: {', '.join(map(str, docs.columns))})")
    values = pd.Series(docs[column].to_numpy(), index=docs["doc_id"].astype(str).to_numpy())
    values = values[values.notna() & (values.astype(str).str.strip() != "")]
    if order is not None:
        unknown = sorted(set(values.astype(str)) - {str(v) for v in order})
        if unknown:
            raise ValueError(f"values of {column!r} missing from `order`: {unknown[:10]}")
        categories = [str(v) for v in order if str(v) in set(values.astype(str))]
    elif isinstance(docs[column].dtype, pd.CategoricalDtype) and docs[column].cat.ordered:
        categories = [str(v) for v in docs[column].cat.categories if v in set(values)]
    else:
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.isna().any():
            raise ValueError(f"the values of {column!r} are not numbers, so their order is unknown: pass `order` "
                             f"(e.g. {sorted(set(values.astype(str)))[:5]}, earliest first)")  # fmt: skip
        values = numbers.map(lambda v: str(int(v)) if float(v).is_integer() else str(v))
        categories = [values.iloc[i] for i in np.unique(numbers.to_numpy(), return_index=True)[1]]
    return pd.Series(pd.Categorical(values.astype(str), categories=categories, ordered=True), index=values.index, name=column)


def bin_positions(bins: pd.Series) -> pd.Series:
    """Where each bin sits on a time axis: a decimal year for dated bins, the number for numeric ones, else its rank.

    >>> bin_positions(time_bins(pd.Series(["2021", "2022-07-01"], index=["a", "b"]), "date")).round(2).tolist()
    [2021.0, 2022.5]
    """
    categories = [str(c) for c in bins.cat.categories]
    dated = [parse_date(c) for c in categories]
    if all(d is not None for d in dated):
        return pd.Series([_decimal_year(d) for d in dated], index=categories, dtype=float)
    numbers = pd.to_numeric(pd.Series(categories), errors="coerce")
    if numbers.notna().all() and numbers.is_monotonic_increasing:
        return pd.Series(numbers.to_numpy(dtype=float), index=categories)
    return pd.Series(np.arange(len(categories), dtype=float), index=categories)


def _decimal_year(iso: str) -> float:
    """2022 → 2022.0, 2022-07 → 2022.496 (its first day), 2022-07-26 → 2022 + (day of the year − 1) / days in the year."""
    ts = pd.Timestamp(iso if len(iso) > 4 else f"{iso}-01-01")
    days = 366 if ts.is_leap_year else 365
    return ts.year + (ts.day_of_year - 1) / days


def document_lengths(counts: DTM) -> pd.Series:
    """Tokens per document (rows summed by ``doc_id``): the denominator of rates, e.g. for a dictionary matrix."""
    matrix, ids = _per_document(counts)
    return pd.Series(np.asarray(matrix.sum(axis=1)).ravel(), index=ids, name="tokens")


def _per_document(counts: DTM) -> tuple[sp.csr_matrix, np.ndarray]:
    """The matrix's rows summed per doc_id (paragraphs or sentences to documents), in first-seen order."""
    if "doc_id" not in counts.rows.columns:
        raise ValueError("`counts.rows` has no doc_id column: pass a matrix from corpus.dtm (not one summed by DTM.group)")
    codes, ids = pd.factorize(counts.rows["doc_id"].astype(str))
    if len(ids) == len(codes):
        return counts.matrix.tocsr(), np.asarray(ids, dtype=object)
    indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(ids), len(codes)))
    return (indicator @ counts.matrix).tocsr(), np.asarray(ids, dtype=object)


def trend(
    counts: DTM,
    bins: pd.Series,
    features: Sequence[str] | None = None,
    *,
    lengths: pd.Series | None = None,
    statistic: Statistic = "mean",
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Each feature's rate per 10,000 tokens in each time bin, with a bootstrap interval over the bin's documents.

    ``counts``: terms or dictionary categories per document (paragraph rows are summed per
    document); ``bins``: doc_id → bin (:func:`time_bins`, :func:`ordered_bins`), documents not in
    it are left out; ``features``: columns of ``counts`` (default all); ``lengths``: doc_id →
    tokens, the denominator (default the row sums of ``counts``; pass
    :func:`document_lengths` of the term matrix for a dictionary matrix). Documents without
    tokens take no part.

    With r_i = 10⁴ · x_i / N_i the rate of document i (x_i its count, N_i its tokens):

    * ``statistic="mean"`` (default): rate = (1/n) Σ r_i over the bin's n documents, each
      document one voice, as in :func:`corpus.keyterms.permutation_test`;
      ``"pooled"``: rate = 10⁴ · Σ x_i / Σ N_i (long documents weigh more).
    * ``lo``, ``hi``: a bootstrap interval at ``level`` over the bin's documents: they are
      resampled with replacement ``n_boot`` times (``numpy.random.default_rng([random_state,
      bin number])``, so a bin's draws depend neither on the other bins nor on the features),
      the statistic recomputed, and the quantiles taken at Hesterberg's expanded tails
      (:func:`expanded_tail`; the percentile interval of Efron & Tibshirani 1993, ch. 13,
      widened for small samples). Documents are the unit, so a term one document repeats gets
      a wide band. A bin of fewer than :data:`MIN_DOCS_FOR_BAND` documents gets none (``band``
      False, ``lo``/``hi`` NaN): one or two documents say nothing about how documents vary.
      Even so, few documents give too narrow a band: in simulations (documents' rates gamma
      around 20 per 10,000, Poisson counts, 300 bins each) a nominal 95% band covered the true
      mean rate in 72% of bins of 3 documents, 89% of 5, 89% of 10, 94% of 30, 95% of 100
      (plain percentile: 70%, 80%, 83%, 93%, 95%). Read a band of a few documents as a lower
      bound on the uncertainty.

    Also ``n_docs`` (documents in the bin), ``tokens``, ``count``, ``docs_using`` (documents of
    the bin with the feature) and ``position`` (:func:`bin_positions`). One row per feature and
    bin, features in the order given, bins in time order.
    """
    _check_trend_options(statistic, n_boot, level, random_state)
    matrix, ids = _per_document(counts)
    terms = np.asarray(counts.terms, dtype=object)
    if features is None:
        columns = np.arange(len(terms))
    else:
        features = [features] if isinstance(features, str) else list(features)
        lookup = {t: i for i, t in enumerate(terms)}
        missing = [f for f in features if f not in lookup]
        if missing:
            raise ValueError(f"not features of `counts`: {missing[:10]}; a term the segmenter splits (or a stop word) is not "
                             "counted: add it to a lexicon (lexicon_paths) or count it with a dictionary")  # fmt: skip
        columns = np.array([lookup[f] for f in features], dtype=np.int64)
    if not isinstance(bins, pd.Series) or not isinstance(bins.dtype, pd.CategoricalDtype):
        raise ValueError("`bins` must be a categorical Series indexed by doc_id: use corpus.trends.time_bins or ordered_bins")
    bin_of = bins.copy()
    bin_of.index = bin_of.index.astype(str)
    if bin_of.index.duplicated().any():
        raise ValueError(f"`bins` has more than one bin for documents {sorted(set(bin_of.index[bin_of.index.duplicated()]))[:10]}")
    if lengths is None:
        n_tokens = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    else:
        given = pd.Series(lengths.to_numpy(), index=lengths.index.astype(str))
        lacking = [d for d in ids if d not in given.index]
        if lacking:
            raise ValueError(f"`lengths` has no value for documents {lacking[:10]}")
        n_tokens = given.reindex(ids).to_numpy(dtype=np.float64)
    selected = matrix[:, columns].tocsr()
    codes = pd.Categorical(bin_of.reindex(ids), categories=bins.cat.categories, ordered=True).codes
    used = (codes >= 0) & (n_tokens > 0)
    positions = bin_positions(bins)
    rows = []
    for b, name in enumerate(bins.cat.categories):
        members = np.flatnonzero(used & (codes == b))
        if not len(members):
            continue
        nb = n_tokens[members]
        band = len(members) >= MIN_DOCS_FOR_BAND
        # Features in chunks, so a bin's dense block (documents or resamples × features) stays under _CELLS values.
        step = max(1, _CELLS // max(n_boot, len(members)))
        for lo_col in range(0, len(columns), step):
            part = slice(lo_col, lo_col + step)
            xb = selected[members][:, part].toarray().astype(np.float64)
            rate = _statistic(xb, nb, np.ones((1, len(members))), statistic)[0]
            lo = hi = np.full(xb.shape[1], np.nan)
            if band:  # the same seed for every chunk: the same resamples, whatever the chunking
                draws = _bootstrap(xb, nb, statistic, n_boot, np.random.default_rng([random_state, b]))
                tail = expanded_tail(level, len(members))
                lo, hi = np.quantile(draws, [tail, 1 - tail], axis=0)
            rows.append(pd.DataFrame({
                "feature": terms[columns][part], "bin": str(name), "position": positions.iloc[b], "n_docs": len(members),
                "tokens": int(nb.sum()), "count": xb.sum(axis=0).astype(np.int64), "docs_using": (xb > 0).sum(axis=0),
                "rate": rate, "lo": lo, "hi": hi, "band": band,
            }))  # fmt: skip
    if not rows:
        raise ValueError("no document of `counts` with tokens is in `bins`: are they the same documents?")
    frame = pd.concat(rows, ignore_index=True)
    feature_order = pd.Categorical(frame["feature"], categories=list(dict.fromkeys(terms[columns]))).codes
    order = np.lexsort((frame.index.to_numpy(), feature_order))  # features as given, then bins in time order
    return frame.iloc[order].reset_index(drop=True)[TREND_COLUMNS]


def expanded_tail(level: float, n: int) -> float:
    """The tail share of Hesterberg's expanded percentile interval for ``n`` documents: Φ(−√(n/(n−1)) · t_{n−1, (1+level)/2}).

    The plain percentile interval is too narrow for small samples (it has the spread of s·√((n−1)/n)
    and normal, not t, quantiles); taking the bootstrap quantiles at this tail instead of
    (1 − level)/2 corrects both (Hesterberg 2015, "What teachers should know about the bootstrap",
    *The American Statistician* 69(4), §4.2). For 30 documents at 95%:

    >>> round(expanded_tail(0.95, 30), 4)
    0.0188
    """
    from scipy import stats

    return float(stats.norm.cdf(-math.sqrt(n / (n - 1)) * stats.t.ppf((1 + level) / 2, n - 1)))


def _statistic(x: np.ndarray, n: np.ndarray, weights: np.ndarray, statistic: str) -> np.ndarray:
    """The rate per 10,000 tokens of each feature under each row of ``weights`` (how often each document is drawn)."""
    if statistic == "mean":
        return weights @ (x / n[:, None]) * 1e4 / weights.sum(axis=1, keepdims=True)
    return (weights @ x) / (weights @ n)[:, None] * 1e4


def _bootstrap(x: np.ndarray, n: np.ndarray, statistic: str, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` values of the statistic, each on the documents resampled with replacement (as draw counts per document)."""
    size = len(n)
    out = np.empty((n_boot, x.shape[1]))
    step = max(1, _CELLS // size)
    for lo in range(0, n_boot, step):
        block = min(step, n_boot - lo)
        drawn = rng.integers(0, size, size=(block, size))
        weights = np.bincount((drawn + size * np.arange(block)[:, None]).ravel(), minlength=block * size).reshape(block, size)
        out[lo : lo + block] = _statistic(x, n, weights.astype(np.float64), statistic)
    return out


def _check_trend_options(statistic: str, n_boot: int, level: float, random_state: int) -> None:
    if statistic not in STATISTICS:
        raise ValueError(f"`statistic` must be one of {', '.join(repr(s) for s in STATISTICS)}; got {statistic!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"`n_boot` must be a positive integer; got {n_boot!r}")
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"`level` must be a number between 0 and 1; got {level!r}")
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise ValueError(f"`random_state` must be a non-negative integer; got {random_state!r}")


def first_last_use(counts: DTM, dates: pd.Series | DocumentDates, features: Sequence[str] | None = None) -> pd.DataFrame:
    """When each feature is first and last used in the corpus: the dates and documents, and how many documents use it.

    ``dates``: doc_id → ISO date (:func:`document_dates`); undated documents are left out.
    Dates compare as ISO text, so a date at year precision (``2022``) comes before the days of
    that year. Ties go to the first doc_id in code-point order. First use *in this corpus*: a
    corpus that starts later cannot say when a term was coined. Features no dated document
    uses have no dates.

    >>> m = DTM(sp.csr_matrix([[1, 0], [2, 1]]), pd.DataFrame({"doc_id": ["cpc_11", "cpc_12"]}), np.array(["改革", "开放"]))
    >>> used = first_last_use(m, pd.Series(["1977", "1982"], index=["cpc_11", "cpc_12"]))
    >>> used[["feature", "first_date", "last_doc"]].values.tolist()
    [['改革', '1977', 'cpc_12'], ['开放', '1982', 'cpc_12']]
    """
    values = dates.values if isinstance(dates, DocumentDates) else dates
    matrix, ids = _per_document(counts)
    terms = np.asarray(counts.terms, dtype=object)
    columns = np.arange(len(terms)) if features is None else np.array([_column(terms, f) for f in features], dtype=np.int64)
    when = pd.Series(values.to_numpy(dtype=object), index=values.index.astype(str)).reindex(ids)
    dated = np.flatnonzero(when.notna().to_numpy())
    order = dated[np.lexsort((ids[dated].astype(str), when.to_numpy()[dated].astype(str)))]
    sub = matrix[order][:, columns].tocsc()
    sub.eliminate_zeros()
    sub.sort_indices()
    n_hits = np.diff(sub.indptr)
    first = last = np.full(len(columns), -1, dtype=np.int64)
    if sub.nnz:
        used = n_hits > 0
        first = np.where(used, sub.indices[np.minimum(sub.indptr[:-1], sub.nnz - 1)], -1)
        # The last use is the first document (by doc_id) of the latest date: each column's first hit at or after the
        # row where that date starts (rows are sorted by date, then doc_id, and each column's hits by row).
        sorted_dates = when.to_numpy()[order].astype(str)
        date_start = np.searchsorted(sorted_dates, sorted_dates, side="left")
        latest = sub.indices[np.maximum(sub.indptr[1:] - 1, 0)]
        width = np.int64(len(order))
        keys = np.repeat(np.arange(len(columns), dtype=np.int64), n_hits) * width + sub.indices
        at = np.searchsorted(keys, np.arange(len(columns), dtype=np.int64) * width + date_start[latest])
        last = np.where(used, sub.indices[np.minimum(at, sub.nnz - 1)], -1)

    def pick(values: np.ndarray, rows: np.ndarray) -> list:
        return [values[order[r]] if r >= 0 else None for r in rows]

    dates_of = when.to_numpy()
    return pd.DataFrame({
        "feature": terms[columns],
        "docs_using": n_hits.astype(np.int64),
        "count": np.asarray(sub.sum(axis=0)).ravel().astype(np.int64),
        "first_date": pick(dates_of, first),
        "first_doc": pick(ids, first),
        "last_date": pick(dates_of, last),
        "last_doc": pick(ids, last),
    }, columns=FIRST_LAST_COLUMNS)  # fmt: skip


def _column(terms: np.ndarray, feature: str) -> int:
    found = np.flatnonzero(terms == feature)
    if not len(found):
        raise ValueError(f"{feature!r} is not a feature of `counts`")
    return int(found[0])


def split_periods(bins: pd.Series) -> tuple[list[str], list[str]]:
    """The bins of the earlier and the later half of the documents: cut at the bin boundary nearest the median document.

    >>> split_periods(pd.Series(pd.Categorical(["1969", "1973", "1977", "1982"], ordered=True), index=list("abcd")))
    (['1969', '1973'], ['1977', '1982'])
    """
    sizes = bins.value_counts(sort=False).reindex(bins.cat.categories).fillna(0).to_numpy()
    present = [str(c) for c, s in zip(bins.cat.categories, sizes) if s > 0]
    sizes = sizes[sizes > 0]
    if len(present) < 2:
        raise ValueError(f"two periods need documents in two bins or more; all documents are in {present or 'no bin'}")
    cum = np.cumsum(sizes)[:-1]
    cut = int(np.argmin(np.abs(cum - sizes.sum() / 2))) + 1
    return present[:cut], present[cut:]


def risers_fallers(
    counts: DTM,
    bins: pd.Series,
    *,
    earlier: Sequence[str] | None = None,
    later: Sequence[str] | None = None,
    min_count: int = 5,
    fdr: float = 0.05,
    permutations: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Terms used more (risers) or less (fallers) in a later period than an earlier one, tested with the document as unit.

    ``earlier`` / ``later``: bins of ``bins`` (default :func:`split_periods`: the earlier and
    the later half of the documents). The table is :func:`corpus.keyterms.keyness` with the
    later period as target and the earlier as reference (log-odds with an informative
    Dirichlet prior for ranking, Monroe et al. 2008; the permutation test of per-document rates
    with Benjamini–Hochberg for significance, :func:`corpus.keyterms.permutation_test`), its
    ``_target`` / ``_reference`` columns renamed ``_later`` / ``_earlier`` and ``target`` /
    ``reference`` renamed ``later`` / ``earlier`` (the periods' bins). ``direction`` is "rises"
    where the mean per-document rate is higher later, "falls" where lower, "level" where the
    two are equal (within rounding: such a term has t = 0 and p = 1); ``significant`` is
    ``q < fdr``. With too few documents no term can be significant (``tested`` False): the
    table then holds effect sizes only. Sorted as keyness sorts: risers first, fallers last.
    Documents dated only to a bin that spans both periods (a year, where the cut falls at a month
    of it: "2020" against "2020-05") belong to neither and are left out, with a warning.
    """
    if earlier is None or later is None:
        early_default, late_default = _split_finest(bins)
        earlier = early_default if earlier is None else earlier
        later = late_default if later is None else later
    earlier, later = [str(b) for b in _as_list(earlier)], [str(b) for b in _as_list(later)]
    known = {str(c) for c in bins.cat.categories}
    unknown = [b for b in earlier + later if b not in known]
    if unknown:
        raise ValueError(f"not bins of `bins`: {unknown}; bins are {[str(c) for c in bins.cat.categories]}")
    if set(earlier) & set(later):
        raise ValueError(f"bins in both periods: {sorted(set(earlier) & set(later))}")
    if straddling := _straddling(earlier, later):
        n_docs = int(bins.astype(str).isin(straddling).sum())
        warnings.warn(f"{n_docs} document(s) dated only to {', '.join(straddling)} are left out of the test: their dates "
                      "span both periods (a year cut at a month), so neither side can claim them", stacklevel=2)
        earlier, later = [b for b in earlier if b not in straddling], [b for b in later if b not in straddling]
        if not earlier or not later:
            raise ValueError("with the documents dated only to a coarser bin left out, one period has no bin left")
    names = (period_label(earlier), period_label(later))
    side = bins.astype(str).map({**{b: names[0] for b in earlier}, **{b: names[1] for b in later}})
    doc_ids = counts.rows["doc_id"].astype(str)
    side = side.reindex(pd.Index(doc_ids.unique()))  # documents outside both periods (or undated) belong to neither
    table = keyness(counts, side, target=names[1], reference=names[0], min_count=min_count, fdr=fdr,
                    permutations=permutations, random_state=random_state)  # fmt: skip
    table = table.rename(columns=lambda c: c.replace("_target", "_later").replace("_reference", "_earlier"))
    table = table.rename(columns={"target": "later", "reference": "earlier"})
    later_rate, earlier_rate = table["mean_rate_later"], table["mean_rate_earlier"]
    level = (later_rate - earlier_rate).abs() <= ROUNDING * (later_rate.abs() + earlier_rate.abs())  # equal but for rounding
    table["direction"] = np.where(level, "level", np.where(later_rate > earlier_rate, "rises", "falls"))
    table["significant"] = table["q"] < fdr
    return table


def _split_finest(bins: pd.Series) -> tuple[list[str], list[str]]:
    """:func:`split_periods` cut among the bins at the finest precision; a coarser bin ("2020" beside "2020-05") joins the
    later period where every bin inside it is there, else the earlier (where :func:`_straddling` finds it if it spans the cut)."""
    present = [str(c) for c, n in zip(bins.cat.categories, bins.value_counts(sort=False).reindex(bins.cat.categories)) if n]
    coarse = {b for b in present if _inside(b, present)}
    if not coarse:
        return split_periods(bins)
    early, late = split_periods(bins[~bins.astype(str).isin(coarse)])
    later_only = {b for b in coarse if set(_inside(b, present)) <= set(late)}
    return [b for b in present if b in early or b in coarse - later_only], [b for b in present if b in late or b in later_only]


def _straddling(earlier: list[str], later: list[str]) -> list[str]:
    """Bins at a coarser precision than a bin of the other period that falls inside them: "2020" against "2020-05"."""
    return [b for side, other in ((earlier, later), (later, earlier)) for b in side if _inside(b, other)]


def _inside(coarse: str, bins: list[str]) -> list[str]:
    """The bins that fall inside a coarser one ("2020-05" inside "2020")."""
    return [b for b in bins if b.startswith(coarse + "-")]


def _as_list(value: str | Sequence[str]) -> list:
    return [value] if isinstance(value, str) else list(value)


def period_label(bins: list[str]) -> str:
    """A period's name from its bins: one bin's name, or first–last.

    >>> period_label(["1969", "1973", "1992"]), period_label(["–1977", "1978–1991"]), period_label(["2012–"])
    ('1969–1992', '–1991', '2012–')
    """
    return bins[0] if len(bins) == 1 else f"{bins[0].split('–')[0].strip()}–{bins[-1].split('–')[-1].strip()}"


def changing_terms(changes: pd.DataFrame, n: int = 8) -> list[str]:
    """The terms that change most between two periods, from :func:`risers_fallers`: up to n/2 risers and n/2 fallers.

    Criterion: terms more than one document carries on their side first (``single_doc`` False:
    a term one document repeats is that document's, not the period's; they come last, which
    matters only where a period has a single document), then significant terms (``significant``:
    q < fdr), each group ordered by the largest |z| of the log-odds with informative Dirichlet
    prior (Monroe et al. 2008, the ranking :func:`corpus.keyterms.keyness` uses). A term is a riser
    or a faller by its ``direction`` (the mean per-document rates, as the test compares them; the
    sign of z, a pooled measure, where the table has no ``direction``); a "level" term (or z = 0)
    is neither and never chosen. A side with fewer candidates leaves its places to the other.

    >>> f = pd.DataFrame({"term": ["改革", "开放", "阶级斗争", "革命"], "z": [3.0, 5.0, -4.0, -0.5], "q": [None] * 4,
    ...                   "significant": [False] * 4, "single_doc": [False, True, False, False]})
    >>> changing_terms(f, 2), changing_terms(f, 4)
    (['改革', '阶级斗争'], ['改革', '开放', '阶级斗争', '革命'])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive integer; got {n!r}")
    key = pd.DataFrame({"term": changes["term"], "single_doc": changes["single_doc"].astype(bool),
                        "not_significant": ~changes["significant"].astype(bool), "abs_z": -changes["z"].abs(),
                        "up": changes["direction"].eq("rises") if "direction" in changes else changes["z"] > 0,
                        "down": changes["direction"].eq("falls") if "direction" in changes else changes["z"] < 0})  # fmt: skip
    ranked = key.sort_values(["single_doc", "not_significant", "abs_z", "term"], kind="stable")
    up, down = ranked[ranked["up"]]["term"].tolist(), ranked[ranked["down"]]["term"].tolist()
    half = math.ceil(n / 2)
    take_up = min(len(up), max(half, n - len(down)))
    take_down = min(len(down), n - take_up)
    return up[:take_up] + down[:take_down]


def dispersion(corpus: Corpus, terms: Sequence[str], *, match: Literal["token", "substring"] = "token") -> pd.DataFrame:
    """Where in each document each term occurs: one row per occurrence, its relative position in the text (0 = start, 1 = end).

    The data of quanteda's ``textplot_xray``. Occurrences are :func:`corpus.features.kwic`
    matches (``match="token"``: whole tokens of the corpus's segmentation, so a term of several
    tokens still matches); ``position`` = start offset / characters of the document's cleaned
    ``text`` (``n_chars``). Documents without an occurrence have no row. Rows in corpus order
    of documents, then ``terms`` order, then offset.
    """
    terms = [terms] if isinstance(terms, str) else list(dict.fromkeys(terms))
    if not terms:
        raise ValueError("`terms` is empty: name the terms whose positions to show")
    if not all(isinstance(t, str) and t.strip() for t in terms):
        raise ValueError(f"`terms` must be non-empty strings; got {terms!r}")
    docs = corpus.documents(["doc_id", "text"])
    sizes = dict(zip(docs["doc_id"].astype(str), docs["text"].str.len()))
    paragraphs, tokens = corpus.paragraphs, corpus.tokens() if match == "token" else None
    found = []
    for term in terms:
        hits = kwic(docs, re.escape(term), window=0, match=match, paragraphs=paragraphs, tokens=tokens)
        found.append(hits.assign(term=term))
    frame = pd.concat(found, ignore_index=True)
    frame["doc_id"] = frame["doc_id"].astype(str)
    frame["n_chars"] = frame["doc_id"].map(sizes).astype(np.int64)
    frame["position"] = frame["start"] / frame["n_chars"].clip(lower=1)
    order = {d: i for i, d in enumerate(docs["doc_id"].astype(str))}
    frame = frame.assign(_doc=frame["doc_id"].map(order), _term=frame["term"].map({t: i for i, t in enumerate(terms)}))
    frame = frame.sort_values(["_doc", "_term", "start"], kind="stable")
    return frame[DISPERSION_COLUMNS].reset_index(drop=True).astype({"para_no": np.int64, "start": np.int64, "end": np.int64})
