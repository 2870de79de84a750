"""What every report notebook starts from: the corpus, its paragraphs, tokens and readable labels.

One call turns the notebook parameters into the loaded, cleaned, segmented corpus, so the
notebooks' first cells stay short and identical in what they mean. It chooses the path by
size: corpora that fit go through the in-memory API (``load_corpus`` → ``paragraphs`` →
``tokens``); a folder or table above ``stream_above_mb`` MB, or any corpus sent to a Dask cluster,
goes through the streaming path (:mod:`corpus.stream`), whose counts are built shard by
shard. Either way :meth:`Study.dtm` gives the same matrix.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .features import DTM, UNIT_KEYS, Unit, dtm, prune
from .load import AuditLog, doc_labels, load_corpus
from .schedule import Runner, check_scheduler
from .stream import ShardedCorpus, stream_corpus
from .structure import paragraphs
from .segment import TokenConfig, tokens

log = logging.getLogger(__name__)

#: Corpora (folders or table files) larger than this (MB on disk) take the streaming path by default.
STREAM_ABOVE_MB = 256.0
#: Tables beside a report whose CSV would pass this many MB are written as Parquet.
CSV_MAX_MB = 50.0
#: What a spreadsheet program opens (Excel, LibreOffice Calc).
SPREADSHEET_ROWS, SPREADSHEET_COLUMNS = 1_048_576, 16_384


@dataclass(frozen=True, eq=False)
class Study:
    """A loaded corpus with its paragraphs, paragraph-level tokens and document labels."""

    docs: pd.DataFrame
    paragraphs: pd.DataFrame
    labels: dict[str, str]
    config: TokenConfig
    output_dir: Path = field(default=Path("."))
    #: The in-memory token table; None on the streaming path, where :attr:`tokens` reads the shards.
    token_table: pd.DataFrame | None = None
    #: The shards, on the streaming path.
    sharded: ShardedCorpus | None = None
    runner_settings: tuple[str, int | None, str | None] = ("serial", None, None)
    #: Tables whose CSV would pass this many MB are saved as Parquet (see :meth:`save`).
    csv_max_mb: float = CSV_MAX_MB

    @cached_property
    def tokens(self) -> pd.DataFrame:
        """One row per token of every paragraph (read from the shards, once, on the streaming path)."""
        if self.token_table is not None:
            return self.token_table
        assert self.sharded is not None
        return self.sharded.tokens()

    @property
    def streaming(self) -> bool:
        """Whether this study's counts come from shards (the corpus was too large, or ran on Dask)."""
        return self.sharded is not None

    def dtm(self, unit: Unit = "doc", *, min_df: int | float = 1, max_df: int | float = 1.0,
            max_features: int | None = None, units: pd.DataFrame | None = None) -> DTM:  # fmt: skip
        """The unit × term count matrix, pruned; from the token table, or shard by shard when streaming.

        ``units`` (rows with the unit's id columns, e.g. the paragraphs that are not headings)
        restricts the rows before the vocabulary is pruned, as counting only their tokens would.
        """
        prune_by = {"min_df": min_df, "max_df": max_df, "max_features": max_features}
        keys = UNIT_KEYS[unit]
        if self.sharded is None or unit == "sentence":
            toks = self.tokens if units is None else self.tokens.merge(units[keys].drop_duplicates(), on=keys)
            return dtm(toks, unit, **prune_by)
        scheduler, workers, address = self.runner_settings
        if scheduler == "dask" and address is None:  # counting is light: not worth starting a local cluster
            scheduler = "processes"
        with Runner(scheduler, workers, address) as runner:
            if units is None:
                return self.sharded.counts(unit, **prune_by, runner=runner)
            full = self.sharded.counts(unit, runner=runner)
        wanted = pd.MultiIndex.from_frame(units[keys].astype({"doc_id": str})) if len(keys) > 1 else pd.Index(units["doc_id"].astype(str))
        have = pd.MultiIndex.from_frame(full.rows[keys].astype({"doc_id": str})) if len(keys) > 1 else pd.Index(full.rows["doc_id"].astype(str))
        return prune(full.select_rows(have.isin(wanted)), **prune_by)

    def label(self, doc_ids: Sequence[str] | pd.Series) -> list[str]:
        """Readable labels (locality, else doc_id) for document ids."""
        return [self.labels.get(d, d) for d in doc_ids]

    def save(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> Path:
        """Write a table beside the report: CSV, or Parquet when a CSV would be too large to use.

        CSV is UTF-8 with a BOM, so spreadsheet programs read Chinese. A table whose CSV would
        pass :attr:`csv_max_mb` MB, or a spreadsheet's 1,048,576 rows or 16,384 columns (a large
        corpus's concordance, passages or paragraphs), is written as ``<name>.parquet``
        (zstd; ``pd.read_parquet``) instead, and the other file of the same name is removed.
        """
        parquet = _too_large_for_csv(frame, index, self.csv_max_mb)
        path = self.output_dir / f"{name}.{'parquet' if parquet else 'csv'}"
        path.with_suffix(".csv" if parquet else ".parquet").unlink(missing_ok=True)  # never two versions side by side
        if parquet:
            log.info("%s: %d rows, written as Parquet (its CSV would pass %g MB)", path, len(frame), self.csv_max_mb)
            _parquet_ready(frame).to_parquet(path, index=index, compression="zstd")
        else:
            frame.to_csv(path, index=index, encoding="utf-8-sig")
        return path


def _too_large_for_csv(frame: pd.DataFrame, index: bool, csv_max_mb: float) -> bool:
    """Whether a table's CSV would pass ``csv_max_mb`` MB (estimated from its memory) or a spreadsheet's limits."""
    if len(frame) >= SPREADSHEET_ROWS or frame.shape[1] > SPREADSHEET_COLUMNS:
        return True
    return frame.memory_usage(index=index, deep=True).sum() / 1e6 > csv_max_mb


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with string column names, and text columns of mixed types as text (Parquet columns have one type)."""
    out = frame.rename(columns=str)
    if out.index.name is not None or isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_names([None if n is None else str(n) for n in out.index.names])
    for col in out.columns[out.dtypes == object]:
        if len({type(v) for v in out[col].dropna()}) > 1:
            out[col] = out[col].astype("string")
    return out


def corpus_megabytes(corpus_path: str | Path, pattern: str = "*.txt") -> float:
    """Size on disk of a corpus folder's text files (or of a table file), in MB."""
    path = Path(corpus_path)
    files = [p for p in path.glob(pattern) if p.is_file()] if path.is_dir() else [path] if path.is_file() else []
    return sum(p.stat().st_size for p in files) / 1e6


def load_study(
    corpus_path: str | Path,
    metadata_path: str | Path | None = None,
    *,
    output_dir: str | Path = ".",
    label_column: str = "locality",
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
) -> Study:
    """Load, clean, split into paragraphs and tokenize a corpus as the report notebooks do.

    ``scheduler``: ``"auto"`` (worker processes for large corpora, this process for small
    ones), ``"serial"``, ``"processes"``, ``"threads"`` or ``"dask"`` (with ``scheduler_address``,
    a running Dask scheduler such as ``tcp://host:8786``; without one, a local cluster).
    A folder or table file above ``stream_above_mb`` MB, and any corpus on ``"threads"`` or ``"dask"``,
    takes the streaming path, where those schedulers run. Tables the notebook saves whose
    CSV would pass ``csv_max_mb`` MB are written as Parquet (:meth:`Study.save`).
    """
    if scheduler != "auto":
        check_scheduler(scheduler, scheduler_address)
    elif scheduler_address is not None:
        scheduler = "dask"
    config = TokenConfig(segmenter=segmenter, lexicon_paths=tuple(lexicon_paths), stopword_paths=tuple(stopword_paths),
                         bureaucratic_stopwords=bureaucratic_stopwords, corpus_lexicon=corpus_lexicon)  # fmt: skip
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    size = corpus_megabytes(corpus_path)
    if scheduler in ("dask", "threads") or size > stream_above_mb:
        settings = ("processes" if scheduler == "auto" else scheduler, workers, scheduler_address)
        log.info("%s: %.0f MB, streaming path on %s", corpus_path, size, settings[0])
        with Runner(*settings) as runner:
            sharded = stream_corpus(corpus_path, metadata=metadata_path, token_config=config, runner=runner)
        docs = sharded.docs()
        docs.attrs["audit"] = AuditLog(sharded.audit())
        docs.attrs["problems"] = AuditLog(sharded.problems())
        labels = doc_labels(docs, label_column).to_dict()
        return Study(docs, sharded.paragraphs(), labels, sharded.token_config, out, sharded=sharded, runner_settings=settings,
                     csv_max_mb=csv_max_mb)
    n_workers = 1 if scheduler == "serial" else workers
    docs = load_corpus(corpus_path, metadata_path, workers=n_workers)
    paras = paragraphs(docs)
    labels = doc_labels(docs, label_column).to_dict()
    return Study(docs, paras, labels, config, out, token_table=tokens(paras, config, workers=n_workers), csv_max_mb=csv_max_mb)
