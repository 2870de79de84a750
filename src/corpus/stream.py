"""The streaming path for corpora larger than memory: files in shards → clean → Parquet shards → counts.

:func:`stream_corpus` splits a folder of text files (in ``doc_id`` order), or a CSV / JSONL /
Parquet table read in batches (in row order), into shards of about ``shard_mb`` MB and runs
four stages over them on a :class:`corpus.schedule.Runner` (serial, threads, processes or a
Dask cluster):

1. scan — decode every file, collect the X+Y model heads the corpus writes (cleaning needs them);
2. clean — the one pipeline (:func:`corpus.pipeline.process_batch`, as the in-memory path runs it):
   clean, merge metadata, split into paragraphs, and write ``docs/``, ``paragraphs/`` and ``audit/``
   shards, with each document's duplicate signature and the shard's corpus terms;
3. tokenize — segment each shard's paragraphs with the corpus-wide lexicon and write ``tokens/``;
4. count (on demand, :func:`corpus.dtm` of the sharded corpus) — a sparse unit × term matrix with
   the vocabulary pruned by document frequency, built shard by shard into preallocated arrays.

Each task reads and writes its own shard and returns a small summary, so memory stays
flat in the number of shards and nothing large crosses a process or network boundary.
The results are those of the in-memory path (``load_corpus`` → ``paragraphs`` → ``tokens``
→ ``features.dtm``), token for token and count for count, whatever the scheduler
(``tests/test_stream.py``), in ``load_corpus``'s order. Each run's stage times go to the
log and to ``manifest.json``. The folder is a saved corpus: :func:`corpus.open_corpus` reads it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from filelock import FileLock

from . import cache as store
from . import io
from .clean import CleanConfig
from .container import (MANIFEST, Corpus, clean_config_json, open_corpus, read_manifest,
                        token_config_json)  # fmt: skip
from .docvars import corpus_metadata, metadata_file
from .features import term_stats
from .pipeline import corpus_model_heads, duplicates_of, process_batch
from .schedule import Runner, Scheduler
from .segment import TokenConfig, tokens

log = logging.getLogger(__name__)

#: Columns of the paragraph shards the tokenize stage reads (the text and what locates it).
_PARA_INPUT = ["doc_id", "para_no", "start", "text"]
#: The file that marks a folder as one this module made (and may therefore replace).
_OWNED = ".corpus-shards"
#: Manifest format: 2 adds the cleaning configuration (a corpus folder opens as a Corpus).
FORMAT = 2


def stream_corpus(
    source: str | Path,
    out_dir: str | Path | None = None,
    *,
    metadata: str | Path | None = None,
    clean: CleanConfig | None = None,
    token_config: TokenConfig | None = None,
    pattern: str | None = None,
    text_column: str = "text",
    id_column: str | None = "doc_id",
    shard_mb: float = 16.0,
    near_duplicate_threshold: float = 0.85,
    scheduler: Scheduler = "processes",
    workers: int | None = None,
    address: str | None = None,
    runner: Runner | None = None,
    cache_dir: str | Path | None = None,
    strict: bool = False,
) -> Corpus:
    """Clean and tokenize a folder of text files, or a table, into Parquet shards, on any scheduler; see the module docstring.

    ``source`` is a folder of text files (``pattern``; documents in file-name order) or a
    CSV / JSONL / Parquet table of documents (``text_column``, ``id_column`` and metadata
    columns, as :func:`corpus.load_corpus` reads it; documents in row order), which is read
    in batches and split into input shards first, so it never has to fit in memory.
    ``out_dir`` defaults to a folder under the cache (``<cache_dir>/shards/<key>``), keyed by the
    files' paths and contents (SHA-256), the metadata file's contents, every setting and the
    code of this stage: a second call with the same inputs returns the shards already written.
    Builds of one folder take turns under an OS file lock beside it (``.<name>.lock``), so two
    at once give one build that the other reuses. A given ``out_dir`` must be empty, absent, or a folder this function made: any
    other folder is refused, never emptied. The work runs on ``runner`` if given, else on a
    :class:`~corpus.schedule.Runner` made from ``scheduler``, ``workers`` and ``address``. With
    a Dask cluster of several machines, ``out_dir`` must be a folder every worker can reach.
    Returns the sharded :class:`~corpus.Corpus`.
    """
    source = Path(source)
    table = source.is_file()
    if table:
        io.check_table_suffix(source)
        files = [source]
    elif source.is_dir():
        meta_file = metadata_file(source, metadata)
        files = io.corpus_files(source, pattern, exclude=[meta_file] if meta_file else [])
        if not files:
            raise io.CorpusError(f"{source}: no document files " + (f"matching {pattern!r}" if pattern else f"(read: {', '.join(io.DOCUMENT_SUFFIXES)})"))
    else:
        raise io.CorpusError(f"{source}: no such folder or file")
    base = token_config or TokenConfig()
    meta_path = metadata_file(source, metadata)
    # The paths as given, not only the names: the shards' tables name the files (a name whose bytes are not UTF-8 too)
    names = [os.fsencode(p).decode("utf-8", "backslashreplace") for p in files]
    key = store.stable_hash(store.stage_fingerprint(__name__), [(n, io.file_sha256(p)) for n, p in zip(names, files)],
                            clean_config_json(clean) if clean else None, base.key(), near_duplicate_threshold,
                            io.file_sha256(meta_path) if meta_path else None, str(meta_path),
                            (text_column, id_column) if table else pattern)  # fmt: skip
    if out_dir is not None:
        folder = Path(out_dir)
    elif store.usable(store.cache_root(cache_dir) / "shards"):
        folder = store.cache_root(cache_dir) / "shards" / key
    else:  # the warning named the cache; the shards go where this run can write them, for this run
        folder = Path(tempfile.mkdtemp(prefix="corpus-shards-")) / key
    cache_for_tokens = Path(cache_dir) if cache_dir is not None else None
    folder.parent.mkdir(parents=True, exist_ok=True)
    # An OS lock (released if the process dies): a second build of the same folder waits, then reuses it.
    with FileLock(folder.parent / f".{folder.name}.lock"):
        done = read_manifest(folder)
        if done is not None and done.get("key") == key and done.get("format") == FORMAT:
            store.touch(folder / MANIFEST)  # used now: the last to go when the cache is over its limit
            corpus = open_corpus(folder, cache_dir=cache_for_tokens)
            if strict:
                io.refuse_unread(corpus.problems)
            return corpus
        _claim(folder)
        for kind in ("docs", "paragraphs", "audit", "signatures", "tokens", "term_stats", *(["inputs"] if table else [])):
            (folder / kind).mkdir(parents=True)
        clock = _StageClock()
        if table:
            with clock("split"):
                jobs, table_meta, split_problems = _split_table(source, folder, shard_mb, text_column, id_column)
        else:
            ids = dict(zip(files, io.file_ids(files)))
            extracted = str(store.cache_root(cache_dir)) if store.usable(store.cache_root(cache_dir)) else None
            jobs = [_Job(f"part-{i:05d}", tuple(str(p) for p in paths), ids=tuple(ids[p] for p in paths), cache_dir=extracted)
                    for i, paths in enumerate(plan_shards(files, shard_mb))]  # fmt: skip
            table_meta, split_problems = None, []
        names = [job.name for job in jobs]
        with _using(runner, scheduler, workers, address) as runner:
            with clock("scan"):
                scans = runner.map(_scan_shard, jobs, progress="reading")
            read_problems = [p for s in scans for p in s["problems"]]
            if strict:
                io.refuse_unread(pd.DataFrame(split_problems + read_problems, columns=io.PROBLEM_COLUMNS))
            ids = pd.Series([d for s in scans for d in s["doc_ids"]], dtype=object)
            file_meta = [row for s in scans for row in s["metadata"]]
            if file_meta:  # what the files say of themselves (a page's title, a record's URL)
                table_meta = pd.DataFrame(file_meta).astype(object)
            meta, meta_problems = corpus_metadata(source, metadata, ids, table_meta)
            cfg = clean or CleanConfig(model_heads=frozenset().union(*(s["heads"] for s in scans)))
            with clock("clean"):
                items = list(zip(jobs, _per_shard(meta, [s["doc_ids"] for s in scans])))
                cleaned = runner.map(_clean_shard, items, str(folder), cfg, base, progress="cleaning")
            if table:
                shutil.rmtree(folder / "inputs")  # the docs/ shards hold the raw text now
            found = set().union(*(c["terms"] for c in cleaned))
            config = replace(base, extra_terms=tuple(sorted(set(base.extra_terms) | found))) if base.corpus_lexicon else base
            # The ordered duplicate pass needs only the clean stage's signatures: it runs here while
            # the workers segment (the stop-list check runs in the workers, with their segmenters).
            with clock("tokenize"), ThreadPoolExecutor(1) as side:
                duplicates = side.submit(_flag_duplicates, folder, names, near_duplicate_threshold)
                runner.map(_tokenize_shard, names, str(folder), config, progress="tokenizing")
                duplicates.result()
        problems = pd.DataFrame(split_problems + read_problems + meta_problems + [p for c in cleaned for p in c["problems"]],
                                columns=io.PROBLEM_COLUMNS)  # fmt: skip
        problems.astype(object).to_parquet(folder / "problems.parquet", index=False)
        n_docs = int(len(ids))
        n_bytes = source.stat().st_size if table else int(sum(s["n_bytes"] for s in scans))
        manifest = {"format": FORMAT, "key": key, "shards": names, "n_docs": n_docs, "n_bytes": n_bytes, "source": str(source),
                    "clean_config": clean_config_json(cfg), "token_config": token_config_json(config),
                    "scheduler": runner.scheduler, "workers": runner.workers, "seconds": clock.seconds}  # fmt: skip
        log.info("%s: %d documents in %d shards on %s:%d; %s", source, n_docs, len(names), runner.scheduler,
                 runner.workers, ", ".join(f"{stage} {s:.1f} s" for stage, s in clock.seconds.items()))  # fmt: skip
        _write_manifest(folder, manifest)
    if out_dir is None and folder.parent.name == "shards":
        store.evict(folder.parent.parent, spare=folder)  # after the lock is let go, never the folder just made
    return open_corpus(folder, cache_dir=cache_for_tokens)


def save_corpus(corpus: Corpus, folder: str | Path) -> Path:
    """Write a corpus as a folder of Parquet files (the streaming path's layout); :func:`corpus.open_corpus` reads it back.

    The folder must be absent, empty or one this module wrote. Its tokens are written too
    (segmented first where they were not yet), so the opened corpus counts without segmenting.
    The corpus is written beside the folder first and takes its place only when complete, so a
    failed save leaves the folder as it was, and a corpus opened from the folder itself (a subset
    saved back where it came from) is read whole before anything there is replaced.
    """
    folder = Path(folder)
    _check_claim(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.saving-", dir=folder.parent))
    try:
        _write_corpus(corpus, work)
        _swap_in(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _write_corpus(corpus: Corpus, folder: Path) -> None:
    """The Parquet files, duplicates, problems and manifest of ``corpus`` in the (new, empty) ``folder``."""
    (folder / _OWNED).write_text(_OWNED_NOTE, encoding="utf-8")
    for kind in ("docs", "paragraphs", "audit", "tokens", "term_stats"):
        (folder / kind).mkdir(parents=True)
    parts = [_one_shard(corpus, name) for name in corpus.shards] if corpus.sharded else [corpus]
    names = [f"part-{i:05d}" for i in range(len(parts))]
    duplicates = []
    for name, part in zip(names, parts):
        docs = part.documents()
        duplicates.append(docs[["doc_id", "duplicate_of"]])
        _write(docs.assign(duplicate_of=None), folder / "docs" / f"{name}.parquet")
        _write(part.paragraphs, folder / "paragraphs" / f"{name}.parquet")
        _write(part.audit, folder / "audit" / f"{name}.parquet")
        toks = part.tokens()
        _write(toks.assign(doc_id=toks["doc_id"].astype(str), token=toks["token"].astype(str)), folder / "tokens" / f"{name}.parquet")
        pq.write_table(term_stats(toks), folder / "term_stats" / f"{name}.parquet")
    pd.concat(duplicates, ignore_index=True).astype(object).to_parquet(folder / "duplicates.parquet", index=False)
    corpus.problems.astype(object).to_parquet(folder / "problems.parquet", index=False)
    _write_manifest(folder, {"format": FORMAT, "key": None, "shards": names, "n_docs": len(corpus), "n_bytes": None,
                             "source": corpus.source, "clean_config": clean_config_json(corpus.clean_config),
                             "token_config": token_config_json(corpus.token_config)})  # fmt: skip


def _swap_in(work: Path, folder: Path) -> None:
    """Put the complete folder ``work`` where ``folder`` is, the old one (if any) moved aside and then removed."""
    if not folder.exists():
        work.rename(folder)
        return
    old = folder.with_name(f".{folder.name}.replaced-{os.getpid()}-{time.monotonic_ns()}")
    folder.rename(old)
    work.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _one_shard(corpus: Corpus, name: str) -> Corpus:
    """One shard of a sharded corpus, as a corpus (its selection kept)."""
    return replace(corpus, shards=(name,))


_OWNED_NOTE = "Made by corpus.stream: this folder may be replaced by the next build.\n"


def _check_claim(folder: Path) -> None:
    """Refuse a ``folder`` that is a file, or that holds files this module did not write."""
    if folder.is_file():
        raise io.CorpusError(f"{folder} is a file, not a folder for corpus shards")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / _OWNED).is_file():
        raise io.CorpusError(f"{folder} is not empty and was not made by stream_corpus or save_corpus "
                             f"(no {_OWNED} in it); give an empty or new folder")  # fmt: skip


def _claim(folder: Path) -> None:
    """Make ``folder`` ready for a new build: absent or empty, or one this module made (then emptied); else refuse."""
    _check_claim(folder)
    if folder.is_dir() and any(folder.iterdir()):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _OWNED).write_text(_OWNED_NOTE, encoding="utf-8")


def _write_manifest(folder: Path, manifest: dict) -> None:
    store.write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))


def plan_shards(files: Sequence[Path], shard_mb: float) -> list[list[Path]]:
    """Consecutive runs of files of about ``shard_mb`` MB each (at least one file a shard), order kept."""
    limit, shards, current, size = _shard_bytes(shard_mb), [], [], 0
    for path in files:
        current.append(path)
        size += path.stat().st_size
        if size >= limit:
            shards.append(current)
            current, size = [], 0
    return shards + ([current] if current else [])


def _shard_bytes(shard_mb: float) -> float:
    """A shard closes once its documents reach this many bytes."""
    if shard_mb <= 0:
        raise ValueError(f"`shard_mb` must be positive; got {shard_mb}")
    return shard_mb * 1e6


def _split_table(source: Path, folder: Path, shard_mb: float, text_column: str,
                 id_column: str | None) -> tuple[list[_Job], pd.DataFrame | None, list[dict]]:  # fmt: skip
    """Read a table in batches into input shards of about ``shard_mb`` MB of text, rows in order.

    Returns the shards' jobs, the table's metadata columns (all rows, without the text: small)
    and the rows that were not loaded. Document ids must be unique, as :func:`corpus.load_corpus` asks.
    """
    limit, jobs, metas, problems = _shard_bytes(shard_mb), [], [], []
    pending: list[pd.DataFrame] = []
    seen: set[str] = set()
    dupes: set[str] = set()

    def flush() -> None:
        name = f"part-{len(jobs):05d}"
        path = folder / "inputs" / f"{name}.parquet"
        _write(pd.concat(pending, ignore_index=True), path)
        jobs.append(_Job(name, (str(path),), table=True))
        pending.clear()

    size = 0
    for docs, found, metadata in io.iter_table(source, text_column=text_column, id_column=id_column):
        problems.extend(found.to_dict("records"))
        if metadata is not None:
            metas.append(metadata)  # merged with a metadata file, and sent to each shard's clean task, in stream_corpus
        for doc_id in docs["doc_id"]:
            if doc_id in seen:
                dupes.add(doc_id)
            seen.add(doc_id)
        start = 0
        for i, text in enumerate(docs["raw"]):
            size += len(text.encode("utf-8"))
            if size >= limit:
                pending.append(docs.iloc[start : i + 1])
                flush()
                start, size = i + 1, 0
        if start < len(docs):
            pending.append(docs.iloc[start:])
    if dupes:
        shown = sorted(dupes)
        raise io.CorpusError(f"{source}: duplicate document ids {shown[:10]}" + (f" … ({len(shown)} in all)" if len(shown) > 10 else ""))
    if pending:
        flush()
    if not jobs:
        raise io.CorpusError(f"{source}: no documents (every row's {text_column!r} is empty)")
    return jobs, (pd.concat(metas, ignore_index=True) if metas else None), problems


def _per_shard(meta: pd.DataFrame | None, shard_ids: list[list[str]]) -> list[pd.DataFrame | None]:
    """The metadata rows of each shard's documents (each task gets its own, not the whole table)."""
    if meta is None:
        return [None] * len(shard_ids)
    shard_of = {d: i for i, ids in enumerate(shard_ids) for d in ids}
    where = meta["doc_id"].map(shard_of)
    groups = {int(i): part for i, part in meta[where.notna()].groupby(where[where.notna()], sort=False)}
    empty = meta.iloc[:0]
    return [groups.get(i, empty) for i in range(len(shard_ids))]


# --------------------------------------------------------------------------- tasks (run on workers)


@dataclass(frozen=True)
class _Job:
    """One shard's input: text files, or (``table``) a Parquet file of documents split from a table."""

    name: str
    paths: tuple[str, ...]
    table: bool = False
    #: The document id of each file (:func:`corpus.io.file_ids` over the whole folder).
    ids: tuple[str, ...] = ()
    #: The cache folder for extracted text (web pages, PDF, Word); None: none.
    cache_dir: str | None = None


def _read_job(job: _Job) -> io.TableRows:
    """A shard's documents (:data:`corpus.io.RAW_COLUMNS`), the files that could not be read, and what the files say of themselves."""
    if job.table:
        return io.TableRows(pd.read_parquet(job.paths[0]), pd.DataFrame(columns=io.PROBLEM_COLUMNS), None)
    return io.read_paths([Path(p) for p in job.paths], ids=list(job.ids), cache_dir=Path(job.cache_dir) if job.cache_dir else None)


def _scan_shard(job: _Job) -> dict:
    """Decode a shard's files: their ids, bytes, problems, metadata, and the model heads they write."""
    docs, problems, meta = _read_job(job)
    return {"doc_ids": docs["doc_id"].tolist() if len(docs) else [], "n_bytes": sum(Path(p).stat().st_size for p in job.paths),
            "problems": problems.to_dict("records"), "heads": corpus_model_heads(docs["raw"]) if len(docs) else frozenset(),
            "metadata": meta.to_dict("records") if meta is not None else []}  # fmt: skip


def _clean_shard(item: tuple[_Job, pd.DataFrame | None], folder: str, cfg: CleanConfig, base: TokenConfig) -> dict:
    """Run the pipeline on one shard; write its documents, paragraphs, audit and duplicate signatures; return its corpus terms.

    ``item`` is the shard and the metadata rows of its documents (None: no metadata).
    """
    job, meta = item
    out = Path(folder)
    docs = _read_job(job).docs
    batch = process_batch(docs, meta, cfg, base, workers=1)
    _write(batch.docs, out / "docs" / f"{job.name}.parquet")
    _write(batch.paragraphs, out / "paragraphs" / f"{job.name}.parquet")
    _write(batch.audit, out / "audit" / f"{job.name}.parquet")
    _write(batch.signatures, out / "signatures" / f"{job.name}.parquet")
    return {"terms": set(batch.terms), "problems": batch.problems}


def _tokenize_shard(name: str, folder: str, config: TokenConfig) -> int:
    """Segment one shard's paragraphs; write its tokens and its term statistics; return the token count."""
    out = Path(folder)
    paras = pd.read_parquet(out / "paragraphs" / f"{name}.parquet", columns=_PARA_INPUT)
    toks = tokens(paras, replace(config, corpus_lexicon=False), cache=False, workers=1)
    table = toks.assign(doc_id=_as_strings(toks["doc_id"]), token=_as_strings(toks["token"]))
    _write(table, out / "tokens" / f"{name}.parquet")
    pq.write_table(term_stats(toks), out / "term_stats" / f"{name}.parquet")
    return len(toks)


def _as_strings(column: pd.Series) -> pd.Series:
    """``column.astype(str)``; a categorical of strings by taking its categories by code (Arrow's take), twenty times as fast."""
    if not isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(column.cat.categories):
        return column.astype(str)
    values = column.cat.categories.astype(str).array.take(column.cat.codes.to_numpy(), allow_fill=True)
    return pd.Series(values, index=column.index, name=column.name)


# --------------------------------------------------------------------------- helpers


@contextmanager
def _using(runner: Runner | None, scheduler: Scheduler = "serial", workers: int | None = None,
           address: str | None = None) -> Iterator[Runner]:  # fmt: skip
    """The caller's runner as it is (it manages its own pool), or a new one for this call."""
    if runner is not None:
        yield runner
        return
    with Runner(scheduler, workers, address) as made:
        yield made


class _StageClock:
    """Wall seconds per named stage, for the manifest and the log (``with clock("clean"): ...``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(time.perf_counter() - started, 3)


def _flag_duplicates(folder: Path, names: list[str], threshold: float) -> None:
    """Duplicates across the whole corpus, in doc_id order, from the shards' signatures (one pass)."""
    parts = [pd.read_parquet(folder / "signatures" / f"{name}.parquet") for name in names]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["doc_id", "digest", "minhash"])
    flagged = duplicates_of(frame, threshold=threshold)
    pd.DataFrame({"doc_id": frame["doc_id"], "duplicate_of": pd.Series(flagged, dtype=object)}).to_parquet(
        folder / "duplicates.parquet", index=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a shard atomically, as the cache writes its entries."""
    store.write(path.parent, path.stem, frame)
