"""One batch of raw documents → cleaned, merged with metadata, split into paragraphs, signed: the one pipeline.

:func:`process_batch` is the composition every path runs: the in-memory loader calls it once
on the whole corpus (cleaning in worker processes where that pays), and the streaming path
maps it over shards, one per worker, writing what it returns as Parquet. A change to cleaning,
metadata or structure is made here once and holds for both.

Duplicates need the whole corpus: each batch returns its documents' signatures
(:func:`text_signature`) and :func:`duplicates_from_signatures` compares them in one ordered pass.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from .clean import (BULK_STEPS, FIELDS, STEP_NAMES, CleanConfig, Edit, clean_text, edit_text_spans, raw_offsets,
                    summarize_bulk, to_simplified)  # fmt: skip
from .docvars import merge_metadata
from .patterns import model_heads
from .schedule import PROCESS_POOL_MIN_CHARS, with_progress
from .segment import TokenConfig, corpus_terms
from .structure import paragraphs

#: ``start``/``end``: offsets in ``raw`` as it was when the step ran; ``text_start``/``text_end``: where the
#: edit's ``after`` lies in the cleaned ``text`` (empty where a bulk step's edits are summarised).
AUDIT_COLUMNS = ["doc_id", "step", "action", "start", "end", "before", "after", "count", "note", "text_start", "text_end"]
SIGNATURE_COLUMNS = ["doc_id", "digest", "minhash"]


class Batch(NamedTuple):
    """What one batch of documents becomes: every table a corpus is made of, for these documents."""

    #: One row per document: :data:`corpus.docvars.CORE_COLUMNS` (``duplicate_of`` still None) then metadata.
    docs: pd.DataFrame
    paragraphs: pd.DataFrame
    audit: pd.DataFrame
    #: doc_id, digest of the whitespace-free text, MinHash values (None for an empty text).
    signatures: pd.DataFrame
    #: Metadata disagreements (``corpus.io.PROBLEM_COLUMNS`` rows).
    problems: list[dict]
    #: The units the texts mark themselves (quotations, formulae, X+Y models), for the corpus lexicon.
    terms: frozenset[str]


def process_batch(raw_docs: pd.DataFrame, metadata: pd.DataFrame | None, clean_config: CleanConfig,
                  token_config: TokenConfig, *, workers: int | None = 1) -> Batch:  # fmt: skip
    """Clean a batch of decoded documents, merge their metadata, split paragraphs, sign them for duplicates.

    ``raw_docs`` has the columns :data:`corpus.io.RAW_COLUMNS` (doc_id, path, sha256,
    raw, encoding, read_notes); ``metadata`` holds the rows of these documents (None: none). Cleaning
    runs in ``workers`` processes (None: all cores when the batch is large); the result is
    the same whatever the number.
    """
    docs = raw_docs.copy()
    columns, audit = cleaned_columns(docs, clean_config, workers=workers)
    for name in columns.columns:
        docs[name] = columns[name].to_numpy()
    docs["n_chars"] = docs["n_chars"].astype(int)
    docs["duplicate_of"] = None
    found: list[dict] = []
    docs = merge_metadata(docs, metadata, found)
    paras = paragraphs(docs)
    signed = [text_signature(t) for t in docs["text"]]
    signatures = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(), "digest": [d for d, _ in signed],
                               "minhash": [None if v is None else v.astype(np.uint64) for _, v in signed]})  # fmt: skip
    terms = frozenset()
    if token_config.corpus_lexicon:
        terms = frozenset(corpus_terms(paras["text"].tolist(), max_quote_len=token_config.max_quote_len)["term"])
    return Batch(docs, paras, audit, signatures, found, terms)


def cleaned_columns(docs: pd.DataFrame, cfg: CleanConfig, *, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cleaned columns (text, extracted fields, n_chars) of raw documents, and their audit rows."""
    cleaned = clean_all(docs["raw"].tolist(), cfg, workers=workers)
    columns = pd.DataFrame({"text": [c.text for c in cleaned]})
    for name in FIELDS:
        columns[name] = [c.fields.get(name) for c in cleaned]
    columns["n_chars"] = [len(t) for t in columns["text"]]
    columns = columns.astype(object).where(columns.notna(), None)
    columns["raw_offsets"] = [c.offsets for c in cleaned]
    empty = [_row(d, "(result)", Edit(0, 0, "", "", "flagged", "document is empty after cleaning"), 1, (0, 0))
             for d, c in zip(docs["doc_id"], cleaned) if not c.text.strip()]  # fmt: skip
    notes = docs["read_notes"] if "read_notes" in docs.columns else [()] * len(docs)
    rows = [r for doc_id, c, read in zip(docs["doc_id"], cleaned, notes)
            for r in [*read_audit_rows(doc_id, read), *audit_rows(doc_id, c.edits)]]  # fmt: skip
    audit = pd.DataFrame(rows + empty, columns=AUDIT_COLUMNS)
    return columns, audit.astype({"text_start": "Int64", "text_end": "Int64"})


def clean_all(raws: list[str], config: CleanConfig, *, workers: int | None = None) -> list[CleanedSummary]:
    """Clean many texts (bulk edits summarised), in worker processes where that is faster.

    The order and the results are those of a serial run, whatever the number of workers.
    """
    large = sum(map(len, raws)) >= PROCESS_POOL_MIN_CHARS
    n = workers if workers is not None else (os.cpu_count() or 1) if large else 1
    if n <= 1 or len(raws) < 2:
        return [clean_collapsed(raw, config) for raw in raws]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(raws) // (n * 8))
    with ProcessPoolExecutor(n) as pool:
        cleaned = pool.map(clean_collapsed, raws, [config] * len(raws), chunksize=chunk)
        return list(with_progress(cleaned, len(raws), "cleaning"))


class CleanedSummary(NamedTuple):
    """A cleaned text with its fields and its edits as (step, edit, count, span in the text), bulk steps summarised."""

    text: str
    fields: dict[str, str]
    edits: list[tuple[str, Edit, int, tuple[int, int] | None]]
    #: :func:`corpus.clean.raw_offsets` flattened: text position, raw position, text position, …
    offsets: list[int]


def clean_collapsed(raw: str, config: CleanConfig) -> CleanedSummary:
    """Clean one text keeping bulk edits as summaries: what loading needs, cheap to send between processes."""
    result = clean_text(raw, config)
    offsets = [pos for point in raw_offsets(result.edits) for pos in point]
    return CleanedSummary(result.text, result.fields, collapse_bulk(result.edits, edit_text_spans(result.edits)), offsets)


def collapse_bulk(edits: list[tuple[str, Edit]], spans: list[tuple[int, int]]) -> list[tuple[str, Edit, int, tuple[int, int] | None]]:
    """Edits with each bulk step (script, punctuation ...) replaced by one summary edit and its count (no span)."""
    out, bulk = [], {}
    for (step, e), span in zip(edits, spans):
        if step in BULK_STEPS:
            bulk.setdefault(step, []).append(e)
        else:
            out.append((step, e, 1, span))
    return out + [(step, summarize_bulk(step, es), len(es), None) for step, es in bulk.items()]


def audit_rows(doc_id: str, edits: list[tuple[str, Edit, int, tuple[int, int] | None]]) -> list[dict]:
    """Audit rows of one document from (step, edit, count, span in the text) tuples, in pipeline order."""
    order = {name: i for i, name in enumerate(STEP_NAMES)}
    rows = [_row(doc_id, step, e, n, span) for step, e, n, span in edits]
    return sorted(rows, key=lambda r: (order.get(r["step"], len(order)), r["start"]))


#: The audit's name for what happened before cleaning: decoding and extraction (:func:`corpus.io.read_file`).
READ_STEP = "(read)"


def read_audit_rows(doc_id: str, notes) -> list[dict]:
    """Audit rows of a document's reading notes (``(action, start, end, before, after, note)``, offsets in ``raw``)."""
    if notes is None or not len(notes):
        return []
    return [_row(doc_id, READ_STEP, Edit(int(start), int(end), before, after, action, note), 1, None)
            for action, start, end, before, after, note in notes]  # fmt: skip


def _row(doc_id: str, step: str, e: Edit, count: int, span: tuple[int, int] | None) -> dict:
    return {"doc_id": doc_id, "step": step, "action": e.action, "start": e.start, "end": e.end,
            "before": e.before, "after": e.after, "count": count, "note": e.note,
            "text_start": None if span is None else span[0], "text_end": None if span is None else span[1]}  # fmt: skip


def default_clean_config(raws: Iterable[str]) -> CleanConfig:
    """Default cleaning, with the X+Y model heads these texts themselves write out (党建+…)."""
    return CleanConfig(model_heads=corpus_model_heads(raws))


def corpus_model_heads(raws: Iterable[str]) -> frozenset[str]:
    """The X+Y model heads raw texts write out, read in Simplified script (only texts with a plus sign can have one)."""
    return model_heads(to_simplified(r) for r in raws if "+" in r or "＋" in r)


# --------------------------------------------------------------------------- duplicates


def flag_duplicates(doc_ids: list[str], texts: list[str], *, threshold: float = 0.85, shingle: int = 5) -> list[str | None]:
    """For each document, the id of an earlier document it duplicates (exactly or nearly), else None.

    Exact duplicates compare the text with all whitespace removed. Near-duplicates are
    found with MinHash LSH (datasketch, 128 permutations, fixed seed) over hashed
    character ``shingle``-grams and accepted where the estimated Jaccard similarity
    reaches ``threshold``; memory per document is the 128-value signature.

    >>> flag_duplicates(["a", "b", "c"], ["全面建成小康社会", "全面 建成小康社会", "另一篇文章的正文内容"])
    [None, 'a', None]
    """
    return duplicates_from_signatures(doc_ids, [text_signature(t, shingle) for t in texts], threshold=threshold)


#: Characters of a text whose shingles are hashed at once: MinHash's work arrays are 128 values a
#: shingle, so a whole 50 MB document at once would take gigabytes; in chunks, memory stays flat.
SIGNATURE_CHUNK_CHARS = 200_000


def text_signature(text: str, shingle: int = 5) -> tuple[str, np.ndarray | None]:
    """What duplicate detection needs of a text: the hash of its whitespace-free form and its MinHash values.

    Computed per document (in parallel, in a worker) and compared in one ordered pass by
    :func:`duplicates_from_signatures`. An empty text has no MinHash (None). The shingles are
    hashed and fed in chunks of distinct values; a MinHash is a minimum, so the values are
    those of feeding every shingle at once, in memory independent of the text's length.
    """
    from datasketch import MinHash

    key = "".join(text.split())
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    if not key:
        return digest, None
    template = _minhash_template()
    mh = MinHash(num_perm=128, seed=1, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
    step = SIGNATURE_CHUNK_CHARS
    for start in range(0, max(1, len(key) - shingle + 1), step):  # chunks overlap by shingle - 1: every shingle once
        mh.update_batch(np.unique(_shingle_hashes(key[start : start + step + shingle - 1], shingle)).tolist())
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


def duplicates_of(signatures: pd.DataFrame, *, threshold: float = 0.85) -> list[str | None]:
    """:func:`duplicates_from_signatures` over a table of :data:`SIGNATURE_COLUMNS` (a batch's, or all shards' in order)."""
    pairs = [(d, None if v is None else np.asarray(v, dtype=np.uint64)) for d, v in zip(signatures["digest"], signatures["minhash"])]
    return duplicates_from_signatures(signatures["doc_id"].tolist(), pairs, threshold=threshold)


def _shingle_hashes(text: str, k: int) -> np.ndarray:
    """32-bit hashes of the character k-grams of a text (a polynomial hash, vectorised; repeats kept, a minimum ignores them)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.pad(codes, (0, k - len(codes)))
    h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    for j in range(k):
        h = h * np.uint64(1_000_003) + codes[j : len(codes) - k + 1 + j]
    return (h ^ (h >> np.uint64(29))) & np.uint64(0xFFFFFFFF)
