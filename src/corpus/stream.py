"""The streaming path for corpora larger than memory: files in shards → clean → Parquet shards → counts.

:func:`stream_corpus` splits a folder of text files (in ``doc_id`` order), or a CSV / JSONL /
Parquet table read in batches (in row order), into shards of about ``shard_mb`` MB and runs
four stages over them on a :class:`corpus.schedule.Runner` (serial, threads, processes or a
Dask cluster):

1. scan — decode every file, collect the X+Y model heads the corpus writes (cleaning needs them);
2. clean — clean, split into paragraphs, and write ``docs/`` and ``paragraphs/`` shards, with
   each document's duplicate signature and the shard's corpus terms (quotations, formulae, models);
3. tokenize — segment each shard's paragraphs with the corpus-wide lexicon and write ``tokens/``;
4. count (on demand, :meth:`ShardedCorpus.counts`) — a sparse unit × term matrix with the
   vocabulary pruned by document frequency, built shard by shard into preallocated arrays.

Each task reads and writes its own shard and returns a small summary, so memory stays
flat in the number of shards and nothing large crosses a process or network boundary.
The results are those of the in-memory path (``load_corpus`` → ``paragraphs`` → ``tokens``
→ ``features.dtm``), token for token and count for count, whatever the scheduler
(``tests/test_stream.py``), in ``load_corpus``'s order. Each run's stage times go to the
log and to ``manifest.json``.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from . import cache as store
from . import io
from .clean import CleanConfig
from .features import DTM, UNIT_KEYS, Unit, vocabulary_mask
from .load import (_merge_metadata, _metadata, cleaned_columns, corpus_model_heads,
                   duplicates_from_signatures, text_signature)  # fmt: skip
from .schedule import Runner, Scheduler
from .structure import paragraphs
from .segment import TokenConfig, corpus_terms, tokens

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Columns of the paragraph shards the tokenize stage reads (the text and what locates it).
_PARA_INPUT = ["doc_id", "para_no", "start", "text"]


@dataclass(frozen=True)
class ShardedCorpus:
    """A corpus cleaned and tokenized into Parquet shards under ``folder``, in ``load_corpus``'s order."""

    folder: Path
    shards: tuple[str, ...]
    token_config: TokenConfig
    n_docs: int
    n_bytes: int

    def _parts(self, kind: str) -> list[Path]:
        return [self.folder / kind / f"{name}.parquet" for name in self.shards]

    def docs(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The documents (all columns of ``load_corpus``, or ``columns``), with ``duplicate_of`` filled in."""
        frame = _read_parts(self._parts("docs"), columns)
        if columns is None or "duplicate_of" in columns:
            dupes = pd.read_parquet(self.folder / "duplicates.parquet")
            frame["duplicate_of"] = frame["doc_id"].map(dict(zip(dupes["doc_id"], dupes["duplicate_of"])))
            frame["duplicate_of"] = frame["duplicate_of"].astype(object).where(frame["duplicate_of"].notna(), None)
        return frame

    def paragraphs(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The paragraphs of every document, as :func:`corpus.paragraphs` gives them."""
        frame = _read_parts(self._parts("paragraphs"), columns)
        if "level" in frame.columns:
            frame["level"] = frame["level"].astype("Int64")
        return frame

    def iter_tokens(self) -> Iterator[pd.DataFrame]:
        """The token table one shard at a time (the way to read it when it does not fit in memory)."""
        for path in self._parts("tokens"):
            yield _token_frame(pd.read_parquet(path))

    def tokens(self) -> pd.DataFrame:
        """The whole token table, as :func:`corpus.tokens` returns it for the paragraphs (for corpora that fit)."""
        frame = pd.concat([pd.read_parquet(p) for p in self._parts("tokens")], ignore_index=True)
        return _token_frame(frame)

    def audit(self) -> pd.DataFrame:
        """Every cleaning edit, as :func:`corpus.audit` lists them."""
        return _read_parts(self._parts("audit"), None)

    def problems(self) -> pd.DataFrame:
        """Files that were not loaded and metadata mismatches, as :func:`corpus.problems` lists them."""
        return pd.read_parquet(self.folder / "problems.parquet")

    def counts(self, unit: Unit = "doc", *, min_df: int | float = 1, max_df: int | float = 1.0,
               max_features: int | None = None, runner: Runner | None = None) -> DTM:  # fmt: skip
        """The unit × term count matrix, equal to ``features.dtm(self.tokens(), unit, ...)``, built shard by shard.

        The vocabulary is pruned before any matrix exists (``min_df`` / ``max_df`` document
        frequencies, ``max_features`` most frequent terms, as in scikit-learn), so memory is
        the pruned matrix plus one shard. Shards are counted on ``runner`` (default: serially).
        """
        if unit not in ("doc", "paragraph"):
            raise ValueError(f"`unit` must be 'doc' or 'paragraph' for a sharded corpus; got {unit!r}")
        stats = [pq.read_table(p) for p in self._parts("term_stats")]
        n_units = sum(json.loads(t.schema.metadata[b"units"])[unit] for t in stats)
        totals = pa.concat_tables(stats).to_pandas().groupby("term", sort=True)[["count", f"df_{unit}"]].sum()
        vocab = select_vocabulary(totals.index.to_numpy(dtype=object), totals[f"df_{unit}"].to_numpy(),
                                  totals["count"].to_numpy(), n_units, min_df=min_df, max_df=max_df,
                                  max_features=max_features)  # fmt: skip
        (self.folder / "counts").mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=self.folder / "counts"))  # one per call: notebooks count at the same time
        try:  # the work folder goes, whether counting ends or fails
            pq.write_table(pa.table({"term": pa.array(vocab, type=pa.string())}), work / "vocabulary.parquet")
            with _using(runner) as run:
                sizes = run.map(_count_shard, list(self.shards), str(self.folder), str(work), unit, progress="counting")
            rows = pd.concat([pd.read_parquet(work / f"{name}.rows.parquet") for name in self.shards], ignore_index=True)
            matrix = _stack_parts([work / f"{name}.npz" for name in self.shards], sizes, len(vocab))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return DTM(matrix, rows, vocab)


def select_vocabulary(terms: np.ndarray, df: np.ndarray, total: np.ndarray, n_units: int, *,
                      min_df: int | float, max_df: int | float, max_features: int | None) -> np.ndarray:  # fmt: skip
    """The terms :func:`corpus.features.vocabulary_mask` keeps, sorted: the columns of the pruned matrix."""
    keep = vocabulary_mask(terms, df, total, n_units, min_df=min_df, max_df=max_df, max_features=max_features)
    return np.sort(terms[keep].astype(object), kind="stable")


def stream_corpus(
    source: str | Path,
    out_dir: str | Path | None = None,
    *,
    metadata: str | Path | None = None,
    clean: CleanConfig | None = None,
    token_config: TokenConfig | None = None,
    pattern: str = "*.txt",
    text_column: str = "text",
    id_column: str | None = "doc_id",
    shard_mb: float = 16.0,
    near_duplicate_threshold: float = 0.85,
    scheduler: Scheduler = "processes",
    workers: int | None = None,
    address: str | None = None,
    runner: Runner | None = None,
) -> ShardedCorpus:
    """Clean and tokenize a folder of text files, or a table, into Parquet shards, on any scheduler; see the module docstring.

    ``source`` is a folder of text files (``pattern``; documents in file-name order) or a
    CSV / JSONL / Parquet table of documents (``text_column``, ``id_column`` and metadata
    columns, as :func:`corpus.load_corpus` reads it; documents in row order), which is read
    in batches and split into input shards first, so it never has to fit in memory.
    ``out_dir`` defaults to a folder under the cache (``<cache>/shards/<key>``), keyed by the
    files' names, sizes and modification times, every setting and the package's code: a
    second call with the same inputs returns the shards already written. The work runs on
    ``runner`` if given, else on a :class:`~corpus.schedule.Runner` made from ``scheduler``,
    ``workers`` and ``address``. With a Dask cluster of several machines, ``out_dir`` must
    be a folder every worker can reach (a shared file system).
    """
    source = Path(source)
    table = source.is_file()
    if table:
        io.check_table_suffix(source)
        files = [source]
    elif source.is_dir():
        files = sorted((p for p in source.glob(pattern) if p.is_file()), key=lambda p: (p.stem, p.name))
        if not files:
            raise io.CorpusError(f"{source}: no files matching {pattern!r}")
    else:
        raise io.CorpusError(f"{source}: no such folder or file")
    base = token_config or TokenConfig()
    key = store.stable_hash(store.code_fingerprint(), [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files],
                            asdict(clean) if clean else None, base.key(), near_duplicate_threshold,
                            str(metadata) if metadata else None, (text_column, id_column) if table else pattern)  # fmt: skip
    folder = Path(out_dir) if out_dir is not None else store.cache_root() / "shards" / key
    done = _read_manifest(folder, key)
    if done is not None:
        return done
    if folder.exists():
        shutil.rmtree(folder)
    for kind in ("docs", "paragraphs", "audit", "signatures", "tokens", "term_stats", *(["inputs"] if table else [])):
        (folder / kind).mkdir(parents=True)
    clock = _StageClock()
    if table:
        with clock("split"):
            jobs, table_meta, split_problems = _split_table(source, folder, shard_mb, text_column, id_column)
    else:
        jobs = [_Job(f"part-{i:05d}", tuple(str(p) for p in paths)) for i, paths in enumerate(plan_shards(files, shard_mb))]
        table_meta, split_problems = None, []
    names = [job.name for job in jobs]
    with _using(runner, scheduler, workers, address) as runner:
        with clock("scan"):
            scans = runner.map(_scan_shard, jobs, progress="reading")
        ids = pd.DataFrame({"doc_id": [d for s in scans for d in s["doc_ids"]]})
        if table_meta is not None:
            ids.attrs["table_metadata"] = table_meta  # merged with a metadata file as load_corpus merges them
        meta, meta_problems = _metadata(source, metadata, ids)
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
    problems = pd.concat([pd.DataFrame(split_problems, columns=io.PROBLEM_COLUMNS)]
                         + [pd.DataFrame(s["problems"], columns=io.PROBLEM_COLUMNS) for s in scans]
                         + [pd.DataFrame(meta_problems + [p for c in cleaned for p in c["problems"]], columns=io.PROBLEM_COLUMNS)],
                         ignore_index=True)  # fmt: skip
    problems.to_parquet(folder / "problems.parquet", index=False)
    n_docs = int(len(ids))
    n_bytes = source.stat().st_size if table else int(sum(s["n_bytes"] for s in scans))
    manifest = {"key": key, "shards": names, "n_docs": n_docs, "n_bytes": n_bytes, "source": str(source),
                "token_config": _config_json(config), "scheduler": runner.scheduler, "workers": runner.workers,
                "seconds": clock.seconds}  # fmt: skip
    log.info("%s: %d documents in %d shards on %s:%d; %s", source, n_docs, len(names), runner.scheduler,
             runner.workers, ", ".join(f"{stage} {s:.1f} s" for stage, s in clock.seconds.items()))  # fmt: skip
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return ShardedCorpus(folder, tuple(names), config, n_docs, n_bytes)


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
    for docs, found in io.iter_table(source, text_column=text_column, id_column=id_column):
        problems.extend(found.to_dict("records"))
        if "table_metadata" in docs.attrs:
            metas.append(docs.attrs["table_metadata"])
        docs.attrs = {}  # the metadata goes to the clean stage by its own way (see stream_corpus)
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


def _read_job(job: _Job) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A shard's documents (``io.read_text_paths`` columns) and the files that could not be read."""
    if job.table:
        return pd.read_parquet(job.paths[0]), pd.DataFrame(columns=io.PROBLEM_COLUMNS)
    return io.read_text_paths(Path(p) for p in job.paths)


def _scan_shard(job: _Job) -> dict:
    """Decode a shard's files: their ids, bytes, problems, and the model heads they write."""
    docs, problems = _read_job(job)
    return {"doc_ids": docs["doc_id"].tolist() if len(docs) else [], "n_bytes": sum(Path(p).stat().st_size for p in job.paths),
            "problems": problems.to_dict("records"), "heads": corpus_model_heads(docs["raw"]) if len(docs) else frozenset()}  # fmt: skip


def _clean_shard(item: tuple[_Job, pd.DataFrame | None], folder: str, cfg: CleanConfig, base: TokenConfig) -> dict:
    """Clean one shard; write its documents, paragraphs, audit and duplicate signatures; return its corpus terms.

    ``item`` is the shard and the metadata rows of its documents (None: no metadata).
    """
    job, meta = item
    out = Path(folder)
    docs, _ = _read_job(job)
    columns, audit_frame = cleaned_columns(docs, cfg, workers=1)
    for col in columns.columns:
        docs[col] = columns[col].to_numpy()
    docs["duplicate_of"] = None
    found: list[dict] = []
    docs = _merge_metadata(docs, meta, found)
    paras = paragraphs(docs)
    name = job.name
    _write(docs, out / "docs" / f"{name}.parquet")
    _write(paras, out / "paragraphs" / f"{name}.parquet")
    _write(audit_frame, out / "audit" / f"{name}.parquet")
    signatures = [text_signature(t) for t in docs["text"]]
    _write(pd.DataFrame({"doc_id": docs["doc_id"], "digest": [d for d, _ in signatures],
                         "minhash": [None if v is None else v.astype(np.uint64) for _, v in signatures]}),
           out / "signatures" / f"{name}.parquet")  # fmt: skip
    terms = corpus_terms(paras["text"].tolist(), max_quote_len=base.max_quote_len) if base.corpus_lexicon else None
    return {"terms": set() if terms is None else set(terms["term"]), "problems": found}


def _tokenize_shard(name: str, folder: str, config: TokenConfig) -> int:
    """Segment one shard's paragraphs; write its tokens and its term statistics; return the token count."""
    out = Path(folder)
    paras = pd.read_parquet(out / "paragraphs" / f"{name}.parquet", columns=_PARA_INPUT)
    toks = tokens(paras, replace(config, corpus_lexicon=False), cache=False, workers=1)
    table = toks.assign(doc_id=toks["doc_id"].astype(str), token=toks["token"].astype(str))
    _write(table, out / "tokens" / f"{name}.parquet")
    codes = toks["token"].cat.codes.to_numpy()
    terms = np.asarray(toks["token"].cat.categories, dtype=object)
    count = np.bincount(codes, minlength=len(terms))
    doc_codes = toks["doc_id"].cat.codes.to_numpy().astype(np.int64)
    para_no = toks["para_no"].to_numpy().astype(np.int64)
    para_keys = doc_codes * (int(para_no.max()) + 1 if len(para_no) else 1) + para_no  # one integer per paragraph
    df_doc = _distinct_per_term(doc_codes, codes, len(terms))
    df_para = _distinct_per_term(para_keys, codes, len(terms))
    stats = pa.table({"term": pa.array(terms, type=pa.string()), "count": count, "df_doc": df_doc, "df_paragraph": df_para})
    units = {"doc": int(len(np.unique(doc_codes))), "paragraph": int(len(np.unique(para_keys)))}
    pq.write_table(stats.replace_schema_metadata({"units": json.dumps(units)}), out / "term_stats" / f"{name}.parquet")
    return len(toks)


def _count_shard(name: str, folder: str, work: str, unit: str) -> tuple[int, int]:
    """Count one shard's tokens per unit over the chosen vocabulary; write rows and matrix; return (rows, nnz)."""
    vocab = pd.read_parquet(Path(work) / "vocabulary.parquet")["term"]
    toks = pd.read_parquet(Path(folder) / "tokens" / f"{name}.parquet", columns=["doc_id", "para_no", "token"])
    keys = UNIT_KEYS[unit]
    rows = toks[keys].drop_duplicates().sort_values(keys, kind="stable").reset_index(drop=True)
    index = pd.MultiIndex.from_frame(rows) if len(keys) > 1 else pd.Index(rows[keys[0]])
    r = index.get_indexer(pd.MultiIndex.from_frame(toks[keys]) if len(keys) > 1 else pd.Index(toks[keys[0]]))
    c = pd.Index(vocab).get_indexer(toks["token"])
    hit = c >= 0
    matrix = sp.csr_matrix((np.ones(int(hit.sum()), dtype=np.int32), (r[hit], c[hit])), shape=(len(rows), len(vocab)))
    matrix.sum_duplicates()
    _write(rows, Path(work) / f"{name}.rows.parquet")
    sp.save_npz(Path(work) / f"{name}.npz", matrix, compressed=False)
    return len(rows), int(matrix.nnz)


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


def _distinct_per_term(units: np.ndarray, codes: np.ndarray, n_terms: int) -> np.ndarray:
    """For each term, the number of distinct units it occurs in."""
    if not len(codes):
        return np.zeros(n_terms, dtype=np.int64)
    pairs = np.unique(units.astype(np.int64) * n_terms + codes.astype(np.int64))
    return np.bincount(pairs % n_terms, minlength=n_terms)


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


def _flag_duplicates(folder: Path, names: list[str], threshold: float) -> None:
    """Duplicates across the whole corpus, in doc_id order, from the shards' signatures (one pass)."""
    parts = [pd.read_parquet(folder / "signatures" / f"{name}.parquet") for name in names]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["doc_id", "digest", "minhash"])
    signatures = [(d, None if v is None else np.asarray(v, dtype=np.uint64)) for d, v in zip(frame["digest"], frame["minhash"])]
    flagged = duplicates_from_signatures(frame["doc_id"].tolist(), signatures, threshold=threshold)
    pd.DataFrame({"doc_id": frame["doc_id"], "duplicate_of": pd.Series(flagged, dtype=object)}).to_parquet(
        folder / "duplicates.parquet", index=False)


def _token_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A token table read from shards, with the categorical columns of :func:`corpus.tokens`."""
    return frame.astype({"doc_id": "category", "token": "category"})


def _read_parts(paths: list[Path], columns: Sequence[str] | None) -> pd.DataFrame:
    frames = [pd.read_parquet(p, columns=list(columns) if columns else None) for p in paths]
    return pd.concat(frames, ignore_index=True)


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a shard atomically, as the cache writes its entries."""
    store.write(path.parent, path.stem, frame)


def _config_json(config: TokenConfig) -> dict:
    return asdict(config)


def _read_manifest(folder: Path, key: str) -> ShardedCorpus | None:
    """The shards already in ``folder`` for the same inputs and settings, if complete."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if manifest.get("key") != key:
        return None
    cfg = manifest["token_config"]
    config = TokenConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()})
    return ShardedCorpus(folder, tuple(manifest["shards"]), config, manifest["n_docs"], manifest["n_bytes"])


