"""``load_corpus``: a folder or table of raw documents → one clean, audited DataFrame.

The loader decodes (``io``), cleans (``clean``), flags duplicates and merges the
hand-coded metadata. It never drops a document silently: files it cannot read are
listed by :func:`problems`, duplicates are flagged in ``duplicate_of``, documents
left empty by cleaning stay in the table with a flag in the audit.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import cache as store
from . import io
from .clean import BULK_STEPS, FIELDS, STEP_NAMES, CleanConfig, Edit, clean_text, summarize_bulk
from .patterns import model_heads
from .schedule import with_progress

log = logging.getLogger(__name__)

#: The columns every corpus table starts with, in this order; metadata columns follow.
CORE_COLUMNS = [
    "doc_id", "path", "sha256", "raw", "text", "title", "subtitle", "column_label", "source", "date",
    "author", "editor", "encoding", "script", "n_chars", "duplicate_of",
]  # fmt: skip
AUDIT_COLUMNS = ["doc_id", "step", "action", "start", "end", "before", "after", "count", "note"]
#: Metadata columns that replace an extracted column of the same meaning.
_METADATA_OVERRIDES = {"date": "date", "script": "script", "outlet": "source", "title": "title", "author": "author"}


class AuditLog:
    """Audit rows carried in ``DataFrame.attrs``; shared, not copied, when pandas copies attrs."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __deepcopy__(self, memo: dict) -> AuditLog:
        return self


@dataclass(frozen=True)
class _Loaded:
    docs: pd.DataFrame
    problems: pd.DataFrame


def load_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    clean: CleanConfig | None = None,
    text_column: str = "text",
    id_column: str | None = "doc_id",
    pattern: str = "*.txt",
    near_duplicate_threshold: float = 0.85,
    strict: bool = False,
    workers: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Load a corpus: a folder of ``.txt`` files, or a CSV / JSONL / Parquet table of documents.

    Returns one row per document with :data:`CORE_COLUMNS` then the metadata columns.
    ``metadata`` defaults to ``metadata.csv`` beside the files (absent: a note in the log).
    Files that cannot be read are listed by :func:`problems` and, with ``strict=True``,
    raise :class:`corpus.io.CorpusError` instead. ``audit(docs)`` gives every cleaning edit.
    Cleaning runs in ``workers`` processes (default: all cores for corpora over a few MB);
    the result is the same, in the same order, whatever the number. The cleaned columns and
    the audit are cached (``<cache_dir>/clean``, keyed by the files' hashes, the cleaning
    settings, and the package version and code) unless ``cache=False``.
    """
    path = Path(path)
    loaded = _read(path, text_column=text_column, id_column=id_column, pattern=pattern)
    if strict and len(loaded.problems):
        listing = "; ".join(f"{r.path}: {r.problem} ({r.detail})" for r in loaded.problems.itertuples())
        raise io.CorpusError(f"{len(loaded.problems)} document(s) could not be loaded: {listing}")
    docs, problems = loaded.docs, loaded.problems
    _check_unique_ids(docs, path)

    cfg = clean or _corpus_config(docs["raw"])
    docs, audit_frame = _cleaned(docs, cfg, near_duplicate_threshold, workers=workers, cache=cache, cache_dir=cache_dir)
    for doc_id in audit_frame.loc[audit_frame["step"] == "(result)", "doc_id"]:
        log.warning("document %s is empty after cleaning (kept, flagged in the audit)", doc_id)

    meta_frame, meta_problems = _metadata(path, metadata, docs)
    docs = _merge_metadata(docs, meta_frame, meta_problems)
    problems = pd.concat([problems, pd.DataFrame(meta_problems, columns=io.PROBLEM_COLUMNS)], ignore_index=True)

    docs.attrs["audit"] = AuditLog(audit_frame)
    docs.attrs["problems"] = AuditLog(problems)
    docs.attrs["clean_config"] = cfg
    docs.attrs["source_path"] = str(path)
    return docs


def _cleaned(docs: pd.DataFrame, cfg: CleanConfig, threshold: float, *, workers: int | None, cache: bool,
             cache_dir: str | Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Add the cleaned columns to the raw table, from the cache where the same inputs were cleaned before."""
    folder = store.cache_root(cache_dir) / "clean" if cache else None
    key = store.stable_hash(store.code_fingerprint(), asdict(cfg), threshold, list(zip(docs["doc_id"], docs["sha256"])))
    columns, audit_frame = (store.read(folder, key), store.read(folder, key + "-audit")) if folder else (None, None)
    if columns is None or audit_frame is None:
        columns, audit_frame = cleaned_columns(docs, cfg, workers=workers)
        columns["duplicate_of"] = flag_duplicates(docs["doc_id"].tolist(), columns["text"].tolist(), threshold=threshold)
        if folder:
            store.write(folder, key, columns)
            store.write(folder, key + "-audit", audit_frame)
    columns = columns.astype(object).where(columns.notna(), None)
    for name in columns.columns:
        docs[name] = columns[name].to_numpy()
    docs["n_chars"] = docs["n_chars"].astype(int)
    return docs, audit_frame


def cleaned_columns(docs: pd.DataFrame, cfg: CleanConfig, *, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cleaned columns (text, extracted fields, n_chars) of raw documents, and their audit rows."""
    cleaned = clean_all(docs["raw"].tolist(), cfg, workers=workers)
    columns = pd.DataFrame({"text": [c.text for c in cleaned]})
    for name in FIELDS:
        columns[name] = [c.fields.get(name) for c in cleaned]
    columns["n_chars"] = [len(t) for t in columns["text"]]
    empty = [_row(d, "(result)", Edit(0, 0, "", "", "flagged", "document is empty after cleaning"), 1)
             for d, c in zip(docs["doc_id"], cleaned) if not c.text.strip()]  # fmt: skip
    rows = [r for doc_id, c in zip(docs["doc_id"], cleaned) for r in _audit_rows(doc_id, c.edits)]
    return columns, pd.DataFrame(rows + empty, columns=AUDIT_COLUMNS)


#: Below this many characters a corpus is cleaned in this process: starting workers costs more.
PARALLEL_MIN_CHARS = 2_000_000


def clean_all(raws: list[str], config: CleanConfig, *, workers: int | None = None) -> list[CleanedSummary]:
    """Clean many texts (bulk edits summarised), in worker processes where that is faster.

    The order and the results are those of a serial run, whatever the number of workers.
    """
    n = workers if workers is not None else (os.cpu_count() or 1) if sum(map(len, raws)) >= PARALLEL_MIN_CHARS else 1
    if n <= 1 or len(raws) < 2:
        return [_clean_collapsed(raw, config) for raw in raws]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(raws) // (n * 8))
    with ProcessPoolExecutor(n) as pool:
        cleaned = pool.map(_clean_collapsed, raws, [config] * len(raws), chunksize=chunk)
        return list(with_progress(cleaned, len(raws), "cleaning"))


def audit(docs: pd.DataFrame, *, detail: bool = False) -> pd.DataFrame:
    """Every change cleaning made (and every suspicion it flagged), one row each.

    Bulk conversions (script, punctuation width ...) are one summary row per document
    with a ``count``; ``detail=True`` re-runs the cleaning to list them character by character.
    """
    log_ = docs.attrs.get("audit")
    if detail or log_ is None:
        return _recomputed_audit(docs, collapse=not detail)
    frame = log_.frame
    return frame[frame["doc_id"].isin(set(docs["doc_id"]))].reset_index(drop=True)


def _recomputed_audit(docs: pd.DataFrame, *, collapse: bool) -> pd.DataFrame:
    """The audit rebuilt by cleaning ``raw`` again with the documents' settings (cleaning is deterministic)."""
    cfg = docs.attrs.get("clean_config") or CleanConfig()
    rows = []
    for doc_id, raw in zip(docs["doc_id"], docs["raw"]):
        edits = _clean_collapsed(raw, cfg).edits if collapse else [(s, e, 1) for s, e in clean_text(raw, cfg).edits]
        rows += _audit_rows(doc_id, edits)
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def problems(docs: pd.DataFrame) -> pd.DataFrame:
    """Files that were not loaded and metadata mismatches, with the reason for each."""
    found = docs.attrs.get("problems")
    return found.frame.copy() if found is not None else pd.DataFrame(columns=io.PROBLEM_COLUMNS)


def audit_summary(docs: pd.DataFrame, *, long: bool = False) -> pd.DataFrame:
    """Audit counts by step and action for each document: where cleaning did what, how often.

    Wide (default): one row per (step, action), one column per document. ``long=True``: one
    row per document, step and action that occurred, with its ``count`` (what a large corpus
    saves: a wide table has a column per document).
    """
    rows = audit(docs)
    if rows.empty:
        return pd.DataFrame(columns=["doc_id", "step", "action", "count"] if long else ["step", "action"])
    order = {name: i for i, name in enumerate(STEP_NAMES + ["(result)"])}
    if long:
        out = rows.groupby(["doc_id", "step", "action"], sort=False, observed=True)["count"].sum().reset_index()
        rank = out["step"].map(lambda v: order.get(v, len(order)))
        out = out.assign(_rank=rank).sort_values(["doc_id", "_rank", "step", "action"], kind="stable")
        return out.drop(columns="_rank").reset_index(drop=True)
    table = rows.pivot_table(index=["step", "action"], columns="doc_id", values="count", aggfunc="sum", fill_value=0)
    return table.sort_index(key=lambda idx: idx.map(lambda v: order.get(v, len(order))) if idx.name == "step" else idx)


def flag_duplicates(doc_ids: list[str], texts: list[str], *, threshold: float = 0.85, shingle: int = 5) -> list[str | None]:
    """For each document, the id of an earlier document it duplicates (exactly or nearly), else None.

    Exact duplicates compare the text with all whitespace removed. Near-duplicates are
    found with MinHash LSH (datasketch, 128 permutations, fixed seed) over hashed
    character ``shingle``-grams and accepted where the estimated Jaccard similarity
    reaches ``threshold``; memory per document is the 128-value signature.
    """
    return duplicates_from_signatures(doc_ids, [text_signature(t, shingle) for t in texts], threshold=threshold)


def text_signature(text: str, shingle: int = 5) -> tuple[str, np.ndarray | None]:
    """What duplicate detection needs of a text: the hash of its whitespace-free form and its MinHash values.

    Computed per document (in parallel, in a worker) and compared in one ordered pass by
    :func:`duplicates_from_signatures`. An empty text has no MinHash (None).
    """
    from datasketch import MinHash

    key = "".join(text.split())
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    if not key:
        return digest, None
    template = _minhash_template()
    mh = MinHash(num_perm=128, seed=1, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
    mh.update_batch(_shingle_hashes(key, shingle).tolist())
    return digest, mh.hashvalues


@functools.cache
def _minhash_template():
    """The 128 seeded permutations, drawn once per process instead of once per document."""
    from datasketch import MinHash

    return MinHash(num_perm=128, seed=1, hashfunc=int)


def duplicates_from_signatures(doc_ids: list[str], signatures: list[tuple[str, np.ndarray | None]], *,
                               threshold: float = 0.85) -> list[str | None]:  # fmt: skip
    """The earlier document each one duplicates (same digest, or MinHash Jaccard ≥ threshold), in order."""
    from datasketch import LeanMinHash, MinHashLSH

    scheme = _minhash_template().scheme  # the scheme text_signature's values come from
    result: list[str | None] = [None] * len(doc_ids)
    first_seen: dict[str, int] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    kept: dict[int, LeanMinHash] = {}
    for i, (digest, values) in enumerate(signatures):
        if values is None:
            continue
        if digest in first_seen:
            result[i] = doc_ids[first_seen[digest]]
            continue
        first_seen[digest] = i
        sig = LeanMinHash(seed=1, hashvalues=values, scheme=scheme)
        for c in sorted(int(c) for c in lsh.query(sig)):
            if sig.jaccard(kept[c]) >= threshold:
                result[i] = doc_ids[c]
                break
        lsh.insert(str(i), sig)
        kept[i] = sig
    return result


def _shingle_hashes(text: str, k: int) -> np.ndarray:
    """32-bit hashes of the character k-grams of a text (a polynomial hash, vectorised; repeats kept, a minimum ignores them)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.pad(codes, (0, k - len(codes)))
    h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    for j in range(k):
        h = h * np.uint64(1_000_003) + codes[j : len(codes) - k + 1 + j]
    return (h ^ (h >> np.uint64(29))) & np.uint64(0xFFFFFFFF)


# --------------------------------------------------------------------------- internals


def _read(path: Path, *, text_column: str, id_column: str | None, pattern: str) -> _Loaded:
    if path.is_dir():
        docs, probs = io.read_text_files(path, pattern=pattern)
        if docs.empty and probs.empty:
            raise io.CorpusError(f"{path}: no files matching {pattern!r}")
        return _Loaded(docs, probs)
    if path.is_file():
        docs, probs = io.read_table(path, text_column=text_column, id_column=id_column)
        return _Loaded(docs, probs)
    raise io.CorpusError(f"{path}: no such folder or file")


def _check_unique_ids(docs: pd.DataFrame, path: Path) -> None:
    dupes = sorted(docs.loc[docs["doc_id"].duplicated(), "doc_id"].unique())
    if dupes:
        raise io.CorpusError(f"{path}: duplicate document ids {dupes}")


def _corpus_config(raws: pd.Series) -> CleanConfig:
    """Default cleaning, with the X+Y model heads this corpus itself writes out (党建+…)."""
    return CleanConfig(model_heads=corpus_model_heads(raws))


def corpus_model_heads(raws: Iterable[str]) -> frozenset[str]:
    """The X+Y model heads raw texts write out, read in Simplified script (only texts with a plus sign can have one)."""
    from .clean import _converter

    t2s = _converter("t2s")
    return model_heads(t2s.convert(r) for r in raws if "+" in r or "＋" in r)


def _audit_rows(doc_id: str, edits: list[tuple[str, Edit, int]]) -> list[dict]:
    """Audit rows of one document from (step, edit, count) triples, in pipeline order."""
    order = {name: i for i, name in enumerate(STEP_NAMES)}
    rows = [_row(doc_id, step, e, n) for step, e, n in edits]
    return sorted(rows, key=lambda r: (order.get(r["step"], len(order)), r["start"]))


def collapse_bulk(edits: list[tuple[str, Edit]]) -> list[tuple[str, Edit, int]]:
    """Edits with each bulk step (script, punctuation ...) replaced by one summary edit and its count."""
    out, bulk = [], {}
    for step, e in edits:
        if step in BULK_STEPS:
            bulk.setdefault(step, []).append(e)
        else:
            out.append((step, e, 1))
    return out + [(step, summarize_bulk(step, es), len(es)) for step, es in bulk.items()]


class CleanedSummary(NamedTuple):
    """A cleaned text with its fields and its edits as (step, edit, count), bulk steps summarised."""

    text: str
    fields: dict[str, str]
    edits: list[tuple[str, Edit, int]]


def _clean_collapsed(raw: str, config: CleanConfig) -> CleanedSummary:
    """Clean one text keeping bulk edits as summaries: what loading needs, cheap to send between processes."""
    result = clean_text(raw, config)
    return CleanedSummary(result.text, result.fields, collapse_bulk(result.edits))


def _row(doc_id: str, step: str, e: Edit, count: int) -> dict:
    return {"doc_id": doc_id, "step": step, "action": e.action, "start": e.start, "end": e.end,
            "before": e.before, "after": e.after, "count": count, "note": e.note}  # fmt: skip


def _metadata(path: Path, metadata: str | Path | None, docs: pd.DataFrame) -> tuple[pd.DataFrame | None, list[dict]]:
    table_meta = docs.attrs.get("table_metadata")
    meta_path = Path(metadata) if metadata is not None else (path / "metadata.csv" if path.is_dir() else None)
    if meta_path is None or not meta_path.exists():
        if metadata is not None:
            raise io.CorpusError(f"metadata file {meta_path} does not exist")
        if path.is_dir():
            log.info("no metadata.csv beside %s: documents carry only what their text says", path)
        return table_meta, []
    meta = io.read_metadata(meta_path)
    if table_meta is not None:
        meta = table_meta.merge(meta, on="doc_id", how="outer", suffixes=("_table", ""))
    ids, meta_ids = set(docs["doc_id"]), set(meta["doc_id"])
    found = _meta_problems(meta_path, sorted(meta_ids - ids), "metadata without document", "a row of the metadata names no loaded document")
    found += _meta_problems(meta_path, sorted(ids - meta_ids), "document without metadata", "no row of the metadata names this document")
    return meta, found


def _meta_problems(meta_path: Path, doc_ids: list[str], problem: str, detail: str) -> list[dict]:
    """One problems row per document, and one log line for them all (a large corpus would flood the log)."""
    if doc_ids:
        shown = ", ".join(doc_ids[:10]) + (f" … ({len(doc_ids)} in all)" if len(doc_ids) > 10 else "")
        log.warning("%s: %s: %s", meta_path, problem, shown)
    return [{"path": str(meta_path), "doc_id": d, "problem": problem, "detail": detail} for d in doc_ids]


def _merge_metadata(docs: pd.DataFrame, meta: pd.DataFrame | None, found: list[dict]) -> pd.DataFrame:
    """Metadata wins over extracted values; each disagreement becomes a problems row."""
    docs = docs[[c for c in CORE_COLUMNS if c in docs.columns]].copy()
    if meta is None or meta.empty:
        return docs
    meta = meta[meta["doc_id"].isin(docs["doc_id"])].set_index("doc_id")
    for meta_col, col in _METADATA_OVERRIDES.items():
        if meta_col not in meta.columns:
            continue
        for i, doc_id in enumerate(docs["doc_id"]):
            value = meta[meta_col].get(doc_id)
            extracted = docs.at[docs.index[i], col]
            if value is None or pd.isna(value) or value == "":
                continue
            if extracted is not None and not pd.isna(extracted) and not _agrees(str(value), str(extracted)):
                msg = f"metadata {meta_col}={value!r}, text says {col}={extracted!r}"
                log.warning("%s: %s (metadata wins)", doc_id, msg)
                found.append({"path": "metadata", "doc_id": doc_id, "problem": "metadata disagrees with text", "detail": msg})
            if col == meta_col:
                docs.at[docs.index[i], col] = value
    extra = meta.drop(columns=[c for c in meta.columns if c in docs.columns])
    return docs.merge(extra, left_on="doc_id", right_index=True, how="left")


def _agrees(meta_value: str, extracted: str) -> bool:
    """Same value, or one is a prefix of the other (a year against a full date)."""
    a, b = meta_value.strip(), extracted.strip()
    return a == b or a.startswith(b) or b.startswith(a)


def doc_labels(docs: pd.DataFrame, column: str = "locality") -> pd.Series:
    """A short readable label per document (``locality`` from the metadata, else the doc_id), indexed by doc_id."""
    labels = docs[column] if column in docs.columns else docs["doc_id"]
    labels = labels.where(labels.notna() & (labels.astype(str) != ""), docs["doc_id"]).astype(str)
    dup = labels.duplicated(keep=False)
    labels = labels.where(~dup, labels + " (" + docs["doc_id"].astype(str) + ")")
    return pd.Series(labels.to_numpy(), index=docs["doc_id"].to_numpy(), name="label")


def lengths(docs: pd.DataFrame, label_column: str = "locality") -> pd.DataFrame:
    """Characters before and after cleaning, and the share cleaning removed, per document (labelled by ``label_column``)."""
    out = pd.DataFrame({"doc_id": docs["doc_id"], "label": doc_labels(docs, label_column).to_numpy(),
                        "raw_chars": docs["raw"].str.len(), "text_chars": docs["text"].str.len()})  # fmt: skip
    out["removed_share"] = (1 - out["text_chars"] / out["raw_chars"]).round(3)
    return out.reset_index(drop=True)


def before_after(docs: pd.DataFrame, chars: int = 160, label_column: str = "locality") -> pd.DataFrame:
    """The opening of each document as scraped and as cleaned, side by side (labelled by ``label_column``)."""
    return pd.DataFrame({"doc_id": docs["doc_id"], "label": doc_labels(docs, label_column).to_numpy(),
                         "raw": docs["raw"].str[:chars], "text": docs["text"].str[:chars]}).reset_index(drop=True)  # fmt: skip
