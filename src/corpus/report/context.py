"""What a report notebook starts from, and what only reports need: the loaded corpus, labels, saved tables, documents shown.

:func:`open_report` turns the notebook parameters into a loaded :class:`~corpus.Corpus` and the
report's output folder, in one short cell; :class:`Shown` / :func:`choose_documents` pick the
documents a page names when there are too many to name them all. Nothing in the analysis
modules imports this.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
import pandas as pd
from IPython.display import HTML

import corpus as _package
from ..audit import doc_labels
from ..container import Corpus
from ..features import DTM, Unit, dtm
from ..load import STREAM_ABOVE_MB, load_corpus
from ..schedule import Runner
from ..segment import TokenConfig
from ..spreadsheet import write_csv
from .show import summary, table

log = logging.getLogger(__name__)

#: Tables beside a report whose CSV would pass this many MB are written as Parquet.
CSV_MAX_MB = 50.0
#: What a spreadsheet program opens (Excel, LibreOffice Calc).
SPREADSHEET_ROWS, SPREADSHEET_COLUMNS = 1_048_576, 16_384
#: The most characters a spreadsheet cell holds (Excel cuts a longer one; LibreOffice splits it).
SPREADSHEET_CELL_CHARS = 32_767


@dataclass(frozen=True, eq=False)
class Report:
    """A report's corpus, its output folder and labels: what every notebook cell after the first uses."""

    corpus: Corpus
    output_dir: Path
    labels: dict[str, str]
    #: Where a sharded corpus is counted: (scheduler, workers, address).
    runner_settings: tuple[str, int | None, str | None] = ("serial", None, None)
    #: Tables whose CSV would pass this many MB are saved as Parquet (see :meth:`save`).
    csv_max_mb: float = CSV_MAX_MB

    @property
    def docs(self) -> pd.DataFrame:
        """The corpus's documents (see :attr:`corpus.Corpus.docs`)."""
        return self.corpus.docs

    @property
    def paragraphs(self) -> pd.DataFrame:
        """The corpus's paragraphs (see :attr:`corpus.Corpus.paragraphs`)."""
        return self.corpus.paragraphs

    def table(self, frame: pd.DataFrame, name: str, caption: str, *, shown: pd.DataFrame | None = None, index: bool = False,
              **options: Any) -> Any:
        """Save ``frame`` beside the report as ``name`` (:meth:`save`) and show ``shown`` (default: its first rows) linking the file.

        ``options`` go to :func:`corpus.report.table` (``max_rows``, ``max_chars``, ``empty``).
        """
        return table(frame if shown is None else shown, caption, file=self.save(frame, name, index=index), **options)

    def summary(self, supports: Sequence[str], cannot: Sequence[str]) -> HTML:
        """The report's opening box: what the data supports and what it does not, in sentences the notebook computes.

        Call it in the last code cell, tagged ``summary``; the runner shows that cell first, under the title.
        """
        return summary(list(supports), list(cannot))

    def label(self, doc_ids: Sequence[str] | pd.Series) -> list[str]:
        """Readable labels (the label column's value, else doc_id) for document ids."""
        return [self.labels.get(d, d) for d in doc_ids]

    def dtm(self, unit: Unit = "doc", *, min_df: int | float = 1, max_df: int | float = 1.0,
            max_features: int | None = None, units: pd.DataFrame | None = None) -> DTM:  # fmt: skip
        """:func:`corpus.dtm` of the corpus, a sharded one counted on the report's scheduler."""
        scheduler, workers, address = self.runner_settings
        if not self.corpus.sharded:
            return dtm(self.corpus, unit, min_df=min_df, max_df=max_df, max_features=max_features, units=units)
        if scheduler == "dask" and address is None:  # counting is light: not worth starting a local cluster
            scheduler = "processes"
        with Runner(scheduler, workers, address) as runner:  # type: ignore[arg-type]
            return dtm(self.corpus, unit, min_df=min_df, max_df=max_df, max_features=max_features, units=units, runner=runner)

    def save(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> Path:
        """Write a table beside the report: CSV, or Parquet when a CSV would be too large to use.

        CSV is UTF-8 with a BOM, so spreadsheet programs read Chinese; a text cell that begins
        with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` before it, so a
        spreadsheet shows it as text instead of running it as a formula
        (:func:`corpus.spreadsheet.spreadsheet_safe`). A table whose CSV would pass
        :attr:`csv_max_mb` MB, or a spreadsheet's 1,048,576 rows or 16,384 columns (a large
        corpus's concordance, passages or paragraphs), is written as ``<name>.parquet``
        (zstd; ``pd.read_parquet``; exact values) instead, and the other file of the same name
        is removed. ``name`` may hold a column's name (``keyness_省/市``): a character no file name
        may hold becomes ``_`` (:func:`file_stem`). Returns the path written, for the page to link.
        """
        parquet = _too_large_for_csv(frame, index, self.csv_max_mb)
        path = self.output_dir / f"{file_stem(name)}.{'parquet' if parquet else 'csv'}"
        path.with_suffix(".csv" if parquet else ".parquet").unlink(missing_ok=True)  # never two versions side by side
        if parquet:
            log.info("%s: %d rows, written as Parquet (its CSV would pass %g MB)", path, len(frame), self.csv_max_mb)
            _parquet_ready(frame).to_parquet(path, index=index, compression="zstd")
        else:
            write_csv(frame, path, index=index)
        return path


#: Characters no file name may hold on some system (/ and \ separate folders; Windows refuses the rest), and controls.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def file_stem(name: str) -> str:
    """``name`` made a file name on any system: each character a path cannot hold as ``_``, no leading dot or space.

    >>> file_stem("keyness_省/市"), file_stem("dictionary_by_<b>level</b>")
    ('keyness_省_市', 'dictionary_by__b_level__b_')
    """
    return _NOT_IN_FILE_NAMES.sub("_", name).lstrip(". ") or "_"


def open_report(
    corpus_path: str | Path,
    metadata_path: str | Path | None = None,
    *,
    output_dir: str | Path = ".",
    label_column: str | None = None,
    lexicon_paths: Sequence[str] = (),
    stopword_paths: Sequence[str] = (),
    bureaucratic_stopwords: bool = True,
    corpus_lexicon: bool = True,
    segmenter: str = "rjieba",
    scheduler: str = "auto",
    scheduler_address: str | None = None,
    stream_above_mb: float = STREAM_ABOVE_MB,
    workers: int | None = None,
    csv_max_mb: float = CSV_MAX_MB,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> Report:
    """Load a corpus as the report notebooks do, and make the report's output folder.

    Relative paths are read against the working directory, else against the repository the
    package runs from (so a notebook runs from any folder). The settings are
    :func:`corpus.load_corpus`'s and :class:`~corpus.segment.TokenConfig`'s.
    """
    config = TokenConfig(segmenter=segmenter, lexicon_paths=tuple(str(resolve_path(p)) for p in lexicon_paths),  # type: ignore[arg-type]
                         stopword_paths=tuple(str(resolve_path(p)) for p in stopword_paths),
                         bureaucratic_stopwords=bureaucratic_stopwords, corpus_lexicon=corpus_lexicon)  # fmt: skip
    out = resolve_path(output_dir, must_exist=False)
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_corpus(resolve_path(corpus_path), resolve_path(metadata_path) if metadata_path is not None else None,
                         token_config=config, scheduler=scheduler, scheduler_address=scheduler_address,
                         stream_above_mb=stream_above_mb, workers=workers, cache_dir=cache_dir, progress=progress)  # fmt: skip
    chosen = "processes" if scheduler == "auto" else scheduler
    settings = ("dask" if scheduler_address else chosen, workers, scheduler_address)
    labels = doc_labels(loaded.docs, label_column).to_dict()
    return Report(loaded, out, labels, settings, csv_max_mb)


def repository_root() -> Path | None:
    """The repository the package runs from (an editable install), or None for an installed package."""
    root = Path(_package.__file__).resolve().parents[2]
    return root if (root / "notebooks").is_dir() and (root / "src" / "corpus").is_dir() else None


def resolve_path(path: str | Path, *, must_exist: bool = True) -> Path:
    """``path`` as given when absolute or found from the working directory, else under the repository root.

    A path that exists nowhere is returned as given (absolute), so the error that follows names it.
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given.resolve()
    root = repository_root()
    if root is not None:
        beside = root / given
        if beside.exists() or not must_exist:
            return beside
    return given.resolve()


def _too_large_for_csv(frame: pd.DataFrame, index: bool, csv_max_mb: float) -> bool:
    """Whether a table's CSV would pass ``csv_max_mb`` MB (estimated from its memory) or a spreadsheet's limits (rows,
    columns, the characters of a cell: a scraped page without line breaks is one paragraph of 200,000)."""
    if len(frame) >= SPREADSHEET_ROWS or frame.shape[1] > SPREADSHEET_COLUMNS:
        return True
    if frame.memory_usage(index=index, deep=True).sum() / 1e6 > csv_max_mb:
        return True
    texts = [frame[c] for c in frame.columns[(frame.dtypes == object) | (frame.dtypes == "string")]]
    return any(col.map(lambda v: isinstance(v, str) and len(v) > SPREADSHEET_CELL_CHARS).any() for col in texts)


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with string column names, and text columns of mixed types as text (Parquet columns have one type)."""
    out = frame.rename(columns=str)
    if out.index.name is not None or isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_names([None if n is None else str(n) for n in out.index.names])
    for col in out.columns[out.dtypes == object]:
        if len({type(v) for v in out[col].dropna()}) > 1:
            out[col] = out[col].astype("string")
    return out


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


