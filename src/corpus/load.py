"""``load_corpus``: a folder or table of raw documents → one clean, audited :class:`~corpus.Corpus`.

The loader reads and decodes (``io``), then runs the one pipeline (:func:`corpus.pipeline.process_batch`:
clean, metadata, paragraphs, duplicate signatures, corpus terms) on the whole corpus in memory,
or, for a corpus larger than ``stream_above_mb`` MB or sent to a Dask cluster, over Parquet
shards (:func:`corpus.stream.stream_corpus`). It never drops a document silently: files it cannot
read are listed in ``corpus.problems``, duplicates are flagged in ``duplicate_of``, documents
left empty by cleaning stay with a flag in the audit.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import cache as store
from . import io
from .clean import CleanConfig
from .container import Corpus, clean_config_json, in_memory_corpus
from .docvars import corpus_metadata, log_disagreements, metadata_file
from .pipeline import AUDIT_COLUMNS, default_clean_config, duplicates_of, process_batch
from .schedule import Runner, check_scheduler, progress_bars, small_pages
from .segment import TokenConfig
from .stream import stream_corpus

log = logging.getLogger(__name__)

#: Corpora (folders or table files) larger than this (MB on disk) take the streaming path by default.
STREAM_ABOVE_MB = 256.0
_SCHEDULERS = ("auto", "serial", "processes", "threads", "dask")


@small_pages()  # reading, cleaning and the tables on ordinary pages: huge ones can be slow to come (see small_pages)
def load_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    clean: CleanConfig | None = None,
    token_config: TokenConfig | None = None,
    text_column: str = "text",
    id_column: str | None = "doc_id",
    pattern: str | None = None,
    near_duplicate_threshold: float = 0.85,
    strict: bool = False,
    workers: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    scheduler: str = "auto",
    scheduler_address: str | None = None,
    stream_above_mb: float = STREAM_ABOVE_MB,
    progress: bool = True,
) -> Corpus:
    """Load a corpus: a folder of documents, or a CSV / JSONL / Parquet table of documents.

    A folder may mix plain text (``.txt``), news-record dumps (``<doc>`` records, any suffix),
    web pages (``.html``, ``.htm``), PDF, Word (``.docx``) and tables; ``pattern`` (a glob such
    as ``"*.txt"``) limits which files are read, and by default every file that is not hidden
    is (:func:`corpus.io.read_file`: what cannot be read is listed in ``.problems``).

    Returns a :class:`~corpus.Corpus`: ``.docs`` (one row per document: :data:`corpus.docvars.CORE_COLUMNS`
    then the metadata columns), ``.paragraphs``, ``.sentences``, ``.audit``, ``.problems``, and
    ``.tokens()`` segmented with ``token_config`` (default :class:`~corpus.segment.TokenConfig`) plus
    the terms the corpus marks itself. ``metadata`` defaults to ``metadata.csv`` beside the files.
    Files that cannot be read are listed in ``.problems`` and, with ``strict=True``, raise
    :class:`corpus.io.CorpusError` instead.

    ``scheduler``: ``"auto"`` (this process for small corpora, worker processes for large
    ones), ``"serial"``, ``"processes"``, ``"threads"`` or ``"dask"`` (``scheduler_address``: a
    running Dask scheduler such as ``tcp://host:8786``; without one, a local cluster). A corpus
    above ``stream_above_mb`` MB on disk, or one on ``"threads"`` or ``"dask"``, is written as
    Parquet shards under the cache and read from them (the same tables, document for document).
    Results are cached under ``cache_dir`` (default :func:`corpus.cache.cache_root`) unless
    ``cache=False``, keyed by the files' contents and paths, the metadata file's contents, every
    setting and the pipeline's code. ``progress=False`` hides progress bars.
    """
    path = Path(path)
    if scheduler not in _SCHEDULERS:
        raise ValueError(f"`scheduler` must be one of {', '.join(map(repr, _SCHEDULERS))}; got {scheduler!r}")
    if scheduler != "auto":
        check_scheduler(scheduler, scheduler_address)
    elif scheduler_address is not None:
        scheduler = "dask"
    base = token_config or TokenConfig()
    folder = store.cache_root(cache_dir) if cache else None
    with progress_bars(progress):
        size = corpus_megabytes(path, pattern, metadata)
        if scheduler in ("dask", "threads") or size > stream_above_mb:
            chosen = "processes" if scheduler == "auto" else scheduler
            log.info("%s: %.0f MB, streaming path on %s", path, size, chosen)
            with Runner(chosen, 1 if chosen == "serial" else workers, scheduler_address) as runner:  # type: ignore[arg-type]
                return stream_corpus(path, metadata=metadata, clean=clean, token_config=base, pattern=pattern,
                                     text_column=text_column, id_column=id_column,
                                     near_duplicate_threshold=near_duplicate_threshold, runner=runner,
                                     cache_dir=folder, strict=strict)  # fmt: skip
        return _in_memory(path, metadata, clean, base, text_column=text_column, id_column=id_column, pattern=pattern,
                          threshold=near_duplicate_threshold, strict=strict, workers=1 if scheduler == "serial" else workers,
                          folder=folder)  # fmt: skip


def corpus_megabytes(path: str | Path, pattern: str | None = None, metadata: str | Path | None = None) -> float:
    """Size on disk of a corpus folder's document files (or of a table file), in MB."""
    path = Path(path)
    files = io.corpus_files(path, pattern, exclude=_metadata_files(path, metadata), quiet=True) if path.is_dir() else [path] if path.is_file() else []
    return sum(p.stat().st_size for p in files) / 1e6


def _in_memory(path: Path, metadata: str | Path | None, clean: CleanConfig | None, base: TokenConfig, *, text_column: str,
               id_column: str | None, pattern: str, threshold: float, strict: bool, workers: int | None,
               folder: Path | None) -> Corpus:  # fmt: skip
    """The whole corpus through :func:`corpus.pipeline.process_batch` at once, from the cache where it was done before."""
    raw_docs, read_problems, table_meta = _read(path, metadata, text_column=text_column, id_column=id_column, pattern=pattern,
                                                cache_dir=folder, workers=workers)  # fmt: skip
    if strict:
        io.refuse_unread(read_problems)
    dupes = io.repeated_ids(raw_docs["doc_id"])
    if dupes:
        raise io.CorpusError(f"{path}: {io.repeated_ids_message(raw_docs, dupes)}")
    cfg = clean or default_clean_config(raw_docs["raw"])
    meta, id_problems = corpus_metadata(path, metadata, raw_docs["doc_id"], table_meta)
    key = _batch_key(path, metadata, raw_docs, table_meta, cfg, base, threshold) if folder else ""
    parts = _cached_batch(folder / "corpus", key, raw_docs) if folder else None
    if parts is None:
        batch = process_batch(raw_docs, meta, cfg, base, workers=workers)
        docs = batch.docs.assign(duplicate_of=duplicates_of(batch.signatures, threshold=threshold))
        docs = _missing_as_none(docs.drop(columns="raw"))
        parts = {"docs": docs, "paragraphs": batch.paragraphs, "audit": batch.audit,
                 "problems": pd.DataFrame(batch.problems, columns=io.PROBLEM_COLUMNS),
                 "terms": pd.DataFrame({"term": sorted(batch.terms)}, dtype=object),
                 "objects": _object_columns(docs)}  # fmt: skip
        if folder:
            for name, frame in parts.items():
                store.keep(folder / "corpus", f"{key}-{name}", frame)
    else:  # from the cache: say again what the merge found, as a fresh load does
        log_disagreements(parts["problems"])
    docs = parts["docs"]
    raw = raw_docs["raw"]  # a column of strings as it is: made into objects, it would be converted back
    docs.insert(docs.columns.get_loc("text"), "raw", raw.array if isinstance(raw.dtype, pd.StringDtype) else raw.to_numpy())
    docs["duplicate_of"] = docs["duplicate_of"].astype(object).where(docs["duplicate_of"].notna(), None)
    audit = parts["audit"]
    for doc_id in audit.loc[audit["step"] == "(result)", "doc_id"]:
        log.warning("document %s is empty after cleaning (kept, flagged in the audit)", doc_id)
    problems = pd.concat([read_problems, pd.DataFrame(id_problems, columns=io.PROBLEM_COLUMNS), parts["problems"]],
                         ignore_index=True)  # fmt: skip
    for column in io.PROBLEM_COLUMNS:
        problems[column] = problems[column].astype(object)
    terms = parts["terms"]["term"].tolist()
    config = replace(base, extra_terms=tuple(sorted(set(base.extra_terms) | set(terms)))) if base.corpus_lexicon else base
    return in_memory_corpus(str(path), docs, parts["paragraphs"], audit, problems, cfg, config,
                            cache_dir=folder)  # fmt: skip


def _read(path: Path, metadata: str | Path | None, *, text_column: str, id_column: str | None, pattern: str | None,
          cache_dir: Path | None, workers: int | None) -> io.TableRows:  # fmt: skip
    """Decoded documents, the files that could not be read, and the metadata the files carry (a table's columns, a page's title …)."""
    if path.is_dir():
        files = io.corpus_files(path, pattern, exclude=_metadata_files(path, metadata))
        found = io.read_paths(files, cache_dir=cache_dir, workers=workers)
        if found.docs.empty and found.problems.empty:
            raise io.CorpusError(f"{path}: no document files " + (f"matching {pattern!r}" if pattern else f"(read: {', '.join(io.DOCUMENT_SUFFIXES)})"))
        return found
    if path.is_file():
        return io.read_table(path, text_column=text_column, id_column=id_column)
    raise io.CorpusError(f"{path}: no such folder or file")


def _metadata_files(path: Path, metadata: str | Path | None) -> list[Path]:
    """The metadata file of a folder, which is not one of its documents."""
    meta = metadata_file(path, metadata)
    return [meta] if meta is not None else []


def _batch_key(path: Path, metadata: str | Path | None, raw_docs: pd.DataFrame, table_meta: pd.DataFrame | None,
               cfg: CleanConfig, base: TokenConfig, threshold: float) -> str:  # fmt: skip
    """Everything the pipeline's output depends on: its code, the texts and the paths they were read from (the tables
    name them: a copy of a folder, or the same folder by another path, is not served the first one's paths), the
    metadata's bytes and path, the settings."""
    meta_path = metadata_file(path, metadata)
    meta_hash = io.file_sha256(meta_path) if meta_path else None
    table_hash = int(pd.util.hash_pandas_object(table_meta.astype(str), index=False).sum() % (1 << 63)) if table_meta is not None else None
    return store.stable_hash(store.stage_fingerprint("corpus.pipeline"), clean_config_json(cfg), threshold,
                             (base.corpus_lexicon, base.max_quote_len), meta_hash, str(meta_path), table_hash,
                             list(zip(raw_docs["doc_id"], raw_docs["sha256"], raw_docs["path"].astype(str))))  # fmt: skip


def _cached_batch(folder: Path, key: str, raw_docs: pd.DataFrame) -> dict[str, pd.DataFrame] | None:
    """The pipeline's tables for ``key`` if every one is in the cache and is of these documents, else None (recomputed).

    A hit is checked against what it claims: the same documents, in order, with the same
    file hashes; an entry that holds other documents is named in a warning and not used.
    """
    parts = {}
    for name in ("docs", "paragraphs", "audit", "problems", "terms", "objects"):
        frame = store.read(folder, f"{key}-{name}")
        if frame is None:
            return None
        parts[name] = frame
    if list(parts["audit"].columns) != AUDIT_COLUMNS:
        return None
    cached = parts["docs"]
    if cached["doc_id"].tolist() != raw_docs["doc_id"].tolist() or cached["sha256"].tolist() != raw_docs["sha256"].tolist():
        log.warning("cache entry %s holds other documents than its key says; cleaning again", folder / f"{key}-docs.parquet")
        return None
    if "level" in parts["paragraphs"].columns:
        parts["paragraphs"]["level"] = parts["paragraphs"]["level"].astype("Int64")
    _as_first_built(cached, parts["objects"])
    return parts


def _missing_as_none(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents' columns of Python objects (dates, metadata, extracted fields) with None, never NaN, where a value is missing."""
    for column, dtype in docs.dtypes.items():
        if dtype == object and docs[column].isna().any():
            docs[column] = _as_objects(docs[column])
    return docs


def _as_objects(values: pd.Series) -> pd.Series:
    """A column as Python objects: None where a value is missing, a list where Parquet gave an array."""
    return pd.Series([v.tolist() if isinstance(v, np.ndarray) else None if _missing(v) else v for v in values],
                     index=values.index, dtype=object)  # fmt: skip  (built from a list, the column would be typed as strings)


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA (a list or an array of offsets is never missing)."""
    return value is None or (not isinstance(value, (list, tuple, np.ndarray)) and bool(pd.isna(value)))


def _object_columns(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents' columns of Python objects: Parquet gives them back typed otherwise (see :func:`_as_first_built`)."""
    return pd.DataFrame({"column": [c for c, dtype in docs.dtypes.items() if dtype == object]}, dtype=object)


def _as_first_built(docs: pd.DataFrame, objects: pd.DataFrame) -> None:
    """Give the columns that were Python objects when the documents were first built (dates, metadata, raw offsets)
    that type again: Parquet gives them back as Arrow strings (NaN where missing) and arrays, where the first load had
    Python strings (None where missing) and lists, so a load from the cache gives the very table the first load gave."""
    for column in objects["column"]:
        if column in docs.columns:
            docs[column] = _as_objects(docs[column])


