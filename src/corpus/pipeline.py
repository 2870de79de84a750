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
import logging
import os
import re
from collections.abc import Callable, Iterable
from itertools import groupby, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import pandas as pd

from .clean import (BULK_STEPS, FIELDS, STEP_NAMES, Changes, CleanConfig, Edit, block_raw_offsets, block_text_spans,
                    clean_blocks, ideograph_count, nonspace_count, summarize_bulk, summarize_changes, to_simplified,
                    warm_up)  # fmt: skip
from .docvars import merge_metadata
from .patterns import model_heads, plus_sign_lines
from .schedule import PROCESS_POOL_MIN_CHARS, collector_paused, small_pages, with_progress
from .segment import TokenConfig, corpus_term_set
from .structure import paragraph_frame, paragraph_rows, paragraphs

log = logging.getLogger(__name__)

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


@collector_paused()  # a batch's edits and rows form few cycles: no collector scans while they pile up
@small_pages()  # its large arrays (signatures, tables) on ordinary pages, in worker processes of any scheduler too
def process_batch(raw_docs: pd.DataFrame, metadata: pd.DataFrame | None, clean_config: CleanConfig,
                  token_config: TokenConfig, *, workers: int | None = 1) -> Batch:  # fmt: skip
    """Clean a batch of decoded documents, merge their metadata, split paragraphs, sign them for duplicates.

    ``raw_docs`` has the columns :data:`corpus.io.RAW_COLUMNS` (doc_id, path, sha256,
    raw, encoding, read_notes); ``metadata`` holds the rows of these documents (None: none). Cleaning
    runs in ``workers`` processes (None: all cores when the batch is large); the result is
    the same whatever the number.
    """
    lexicon = token_config.max_quote_len if token_config.corpus_lexicon else None
    doc_ids = raw_docs["doc_id"].tolist()
    para_parts: list[pd.DataFrame] = []

    def split(first: int, run: list[CleanedSummary]) -> None:  # here, while the workers clean the next runs
        rows = paragraph_rows(doc_ids[first : first + len(run)], [c.text for c in run])
        if rows:
            para_parts.append(paragraph_frame(rows))  # the frame too: its texts made an Arrow column are most of the cost

    cleaned, signed, terms = clean_and_sign(raw_docs["raw"].tolist(), clean_config, lexicon=lexicon, workers=workers, each_run=split)
    columns, audit = _cleaned_frames(raw_docs, cleaned)
    docs = raw_docs.copy()
    fresh = {name: columns[name].to_numpy() for name in columns.columns}
    for name in [n for n in fresh if n in docs.columns]:  # a column the documents had: replaced where it stands
        docs[name] = fresh.pop(name)
    docs = pd.concat([docs, pd.DataFrame(fresh, index=docs.index)], axis=1)  # the new columns at once, not one by one
    docs["n_chars"] = docs["n_chars"].astype(int)
    docs["duplicate_of"] = None
    found: list[dict] = _without_chinese(docs) + _one_character_lines(docs)
    docs = merge_metadata(docs, metadata, found)
    if docs["doc_id"].tolist() == doc_ids:
        paras = pd.concat(para_parts, ignore_index=True) if para_parts else paragraph_frame([])
    else:  # metadata rows added documents: split and sign the texts as they stand now
        paras = paragraphs(docs)
        signed = text_signatures(docs["text"].tolist())
        terms = _terms(paras["text"].tolist(), lexicon)
    signatures = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(), "digest": [d for d, _ in signed],
                               "minhash": [None if v is None else v.astype(np.uint64) for _, v in signed]})  # fmt: skip
    return Batch(docs, paras, audit, signatures, found, terms)


#: A text with a smaller share of Chinese ideographs among its non-space characters is not Chinese text.
MIN_CHINESE_SHARE = 0.05


def _without_chinese(docs: pd.DataFrame) -> list[dict]:
    """A problems row (the document is loaded) for each text that is not Chinese: English, leftover mojibake, numbers only.

    Korean and Japanese are refused when decoded (``not chinese``); a text that decoded but holds almost
    no ideograph would pass silently into every analysis, its words counted as Chinese words.
    """
    rows = []
    for doc_id, path, text in zip(docs["doc_id"], docs["path"], docs["text"]):
        letters = nonspace_count(text) if isinstance(text, str) else 0  # counts, no list of characters (a 50 MB text)
        if letters and (han := ideograph_count(text)) < MIN_CHINESE_SHARE * letters:
            rows.append({"path": path, "doc_id": doc_id, "problem": LITTLE_CHINESE,
                         "detail": f"{han:,} Chinese characters of {letters:,}: not Chinese text (English, numbers, or mojibake "
                                   "the cleaning could not repair); loaded all the same"})  # fmt: skip
    if rows:
        log.warning("%d document(s) loaded with almost no Chinese in them (see problems()): %s", len(rows),
                    ", ".join(r["doc_id"] for r in rows[:10]) + (" …" if len(rows) > 10 else ""))  # fmt: skip
    return rows


#: The problem of a loaded text that is not Chinese.
LITTLE_CHINESE = "little chinese"

#: The problem of a loaded text set one character a line (vertical text, a one-character column), after cleaning.
ONE_CHARACTER_LINES = "one character a line"
#: The fewest lines, and the share of them holding one character, that make a text one set a character a line.
ONE_CHARACTER_MIN_LINES, ONE_CHARACTER_SHARE = 10, 0.5
# A line holding one character, after a line break (a scan for the break is fast; ^ in MULTILINE tries every position).
_ONE_CHARACTER_LINE = re.compile(r"\n[ \t\u3000]*\S[ \t\u3000]*(?=\n)")
_BLANK_LINE = re.compile(r"\n[^\S\n]*(?=\n)")


def _one_character_lines(docs: pd.DataFrame) -> list[dict]:
    """A problems row (the document is loaded) for each text most of whose lines hold one character.

    Vertical text copied out of a PDF or a scan comes one character a line: cleaning cannot
    tell its columns apart from headings, and each character becomes a paragraph.
    """
    rows = []
    for doc_id, path, text in zip(docs["doc_id"], docs["path"], docs["text"]):
        if not isinstance(text, str) or text.count("\n") + 1 < ONE_CHARACTER_MIN_LINES:
            continue
        framed = f"\n{text}\n"  # every line between two breaks
        single = len(_ONE_CHARACTER_LINE.findall(framed))
        if single < ONE_CHARACTER_MIN_LINES:
            continue
        filled = framed.count("\n") - 1 - len(_BLANK_LINE.findall(framed))
        if single >= ONE_CHARACTER_SHARE * filled:
            rows.append({"path": path, "doc_id": doc_id, "problem": ONE_CHARACTER_LINES,
                         "detail": f"{single:,} of {filled:,} lines hold one character: text set vertically, or a column one "
                                   "character wide, read as a paragraph a character; join its lines or extract it again "
                                   "before analysing it; loaded all the same"})  # fmt: skip
    if rows:
        log.warning("%d document(s) loaded set one character a line (see problems()): %s", len(rows),
                    ", ".join(r["doc_id"] for r in rows[:10]) + (" …" if len(rows) > 10 else ""))  # fmt: skip
    return rows


def clean_and_sign(raws: list[str], config: CleanConfig, *, lexicon: int | None = None, workers: int | None = 1,
                   each_run: Callable[[int, list[CleanedSummary]], None] | None = None,
                   ) -> tuple[list[CleanedSummary], list[tuple[str, np.ndarray | None]], frozenset[str]]:  # fmt: skip
    """Clean texts, sign them for duplicates and find the terms their paragraphs mark, in worker processes where that pays.

    The work of a batch that does not need the whole batch at once, done where its text is:
    a worker cleans a run of documents, then signs them and collects their corpus terms
    (``lexicon``: the longest quotation taken as a term; None: no terms). The results, in
    order, are those of one process whatever the number of workers (None: all cores when the
    texts are large): the terms of the whole batch are the union of the runs' terms, each run's
    paragraphs searched as they stand in the whole (after a line break, but the first run's first).
    ``each_run(first, cleaned)`` is called in this process with each run's results as it comes
    back, in order (``first``: the index of its first text), so that the caller's own work on
    them shares the cores with the workers' instead of waiting for the last.
    """
    large = sum(map(len, raws)) >= PROCESS_POOL_MIN_CHARS
    n = workers if workers is not None else (os.cpu_count() or 1) if large else 1
    if n <= 1 or len(raws) < 2:
        result = _clean_run(raws, config, lexicon, True)
        if each_run is not None:
            each_run(0, result[0])
        return result
    from concurrent.futures import ProcessPoolExecutor

    warm_up(raws)  # the workers are forked from this process: they start with its tables built and libraries imported
    _minhash_template()
    runs = _runs(raws, 4 * n)
    cleaned: list[CleanedSummary] = []
    signed: list[tuple[str, np.ndarray | None]] = []
    terms: set[str] = set()
    with ProcessPoolExecutor(min(n, len(runs))) as pool:
        done = pool.map(_clean_run, runs, repeat(config), repeat(lexicon), [k == 0 for k in range(len(runs))])
        for run_cleaned, run_signed, run_terms in with_progress(done, len(runs), "cleaning"):
            if each_run is not None:
                each_run(len(cleaned), run_cleaned)
            cleaned += run_cleaned
            signed += run_signed
            terms |= run_terms
    return cleaned, signed, frozenset(terms)


def _runs(texts: list[str], n: int) -> list[list[str]]:
    """``texts`` cut into about ``n`` runs in order, of about equal length in characters."""
    total, runs, current, size = sum(map(len, texts)), [], [], 0
    for text in texts:
        current.append(text)
        size += len(text)
        if size >= total / n:
            runs.append(current)
            current, size = [], 0
    return runs + [current] if current else runs


def _clean_run(raws: list[str], config: CleanConfig, lexicon: int | None,
               first: bool) -> tuple[list[CleanedSummary], list[tuple[str, np.ndarray | None]], frozenset[str]]:  # fmt: skip
    """:func:`clean_and_sign` of one run of texts in this process; ``first``: the run opens the batch."""
    cleaned = [clean_collapsed(raw, config) for raw in raws]
    signed = text_signatures([c.text for c in cleaned])
    paragraph_texts = [line for c in cleaned for line in c.text.split("\n") if line.strip()]  # structure.paragraphs' texts
    return cleaned, signed, _terms(paragraph_texts if first else ["", *paragraph_texts], lexicon)


def _terms(paragraph_texts: list[str], lexicon: int | None) -> frozenset[str]:
    """The terms paragraphs mark themselves (:func:`corpus.segment.corpus_terms`); none without a lexicon."""
    if lexicon is None:
        return frozenset()
    return corpus_term_set(paragraph_texts, max_quote_len=lexicon)


def cleaned_columns(docs: pd.DataFrame, cfg: CleanConfig, *, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cleaned columns (text, extracted fields, n_chars) of raw documents, and their audit rows."""
    return _cleaned_frames(docs, clean_all(docs["raw"].tolist(), cfg, workers=workers))


def _cleaned_frames(docs: pd.DataFrame, cleaned: list[CleanedSummary]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`cleaned_columns` of documents cleaned already."""
    texts = [c.text for c in cleaned]
    data = {"text": texts, **{name: [c.fields.get(name) for c in cleaned] for name in FIELDS},
            "n_chars": list(map(len, texts)), "raw_offsets": [c.offsets for c in cleaned]}  # fmt: skip
    # Python objects throughout (None where a field is missing), built as such: no round trip through string arrays.
    columns = pd.DataFrame({name: np.fromiter(values, dtype=object, count=len(values)) for name, values in data.items()},
                           dtype=object, copy=False)  # fmt: skip
    if not cleaned:
        columns["raw_offsets"] = columns["raw_offsets"].astype(float)  # as an empty column of lists was typed before
    doc_ids = docs["doc_id"].tolist()
    empty = [_row_values(d, "(result)", Edit(0, 0, "", "", "flagged", "document is empty after cleaning"), 1, (0, 0))
             for d, c in zip(doc_ids, cleaned) if not c.text.strip()]  # fmt: skip
    notes = docs["read_notes"].tolist() if "read_notes" in docs.columns else [()] * len(docs)
    rows = [r for doc_id, c, read in zip(doc_ids, cleaned, notes)
            for r in [*_read_row_values(doc_id, read), *_audit_row_values(doc_id, c.edits)]]  # fmt: skip
    rows += empty
    if rows:  # audit_rows' rows as tuples made into columns: the same frame as from the dicts, a sixth faster
        audit = pd.DataFrame(dict(zip(AUDIT_COLUMNS, map(list, zip(*rows)))), columns=AUDIT_COLUMNS)
    else:
        audit = pd.DataFrame([], columns=AUDIT_COLUMNS)
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

    warm_up(raws)
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
    """Clean one text keeping bulk edits as summaries: what loading needs, cheap to send between processes.

    The bulk steps' thousands of edits in a heavily edited text (script, punctuation) stay
    columns (:func:`corpus.clean.clean_blocks`): summarised, never made into objects.
    """
    result = clean_blocks(raw, config)
    offsets = [pos for point in block_raw_offsets(result.blocks) for pos in point]
    spans = block_text_spans(result.blocks, steps=_SPANNED_STEPS)  # a bulk step's edits are summarised, with no span
    return CleanedSummary(result.text, result.fields, collapse_blocks(result.blocks, spans), offsets)


_SPANNED_STEPS = frozenset(STEP_NAMES) - BULK_STEPS


def collapse_bulk(edits: list[tuple[str, Edit]], spans: list[tuple[int, int]]) -> list[tuple[str, Edit, int, tuple[int, int] | None]]:
    """Edits with each bulk step (script, punctuation ...) replaced by one summary edit and its count (no span)."""
    return collapse_blocks([(step, list(map(itemgetter(1), run))) for step, run in groupby(edits, key=itemgetter(0))], spans)


def collapse_blocks(blocks: list[tuple[str, list[Edit] | Changes]],
                    spans: list[tuple[int, int] | None]) -> list[tuple[str, Edit, int, tuple[int, int] | None]]:  # fmt: skip
    """:func:`collapse_bulk` of :attr:`corpus.clean.CleanedBlocks.blocks` (``spans``: one per edit, flattened)."""
    out, bulk, k = [], {}, 0
    for step, own in blocks:  # a step's edits are together: one block per step
        n = len(own.starts) if isinstance(own, Changes) else len(own)
        if step in BULK_STEPS:
            bulk.setdefault(step, []).append(own)
        else:
            out.extend(zip(repeat(step), own.edits() if isinstance(own, Changes) else own, repeat(1), spans[k : k + n]))
        k += n
    return out + [(step, *_bulk_summary(step, parts), None) for step, parts in bulk.items()]


def _bulk_summary(step: str, parts: list[list[Edit] | Changes]) -> tuple[Edit, int]:
    """The summary edit of a bulk step's edits and their number."""
    if len(parts) == 1 and isinstance(parts[0], Changes):
        return summarize_changes(step, parts[0]), len(parts[0].starts)
    edits = [e for own in parts for e in (own.edits() if isinstance(own, Changes) else own)]
    return summarize_bulk(step, edits), len(edits)


def audit_rows(doc_id: str, edits: list[tuple[str, Edit, int, tuple[int, int] | None]]) -> list[dict]:
    """Audit rows of one document from (step, edit, count, span in the text) tuples, in pipeline order."""
    return [dict(zip(AUDIT_COLUMNS, values)) for values in _audit_row_values(doc_id, edits)]


_STEP_ORDER = {name: i for i, name in enumerate(STEP_NAMES)}


def _audit_row_values(doc_id: str, edits: list[tuple[str, Edit, int, tuple[int, int] | None]]) -> list[tuple]:
    """:func:`audit_rows` as tuples of the values of :data:`AUDIT_COLUMNS`, in the same order."""
    rows = [_row_values(doc_id, step, e, n, span) for step, e, n, span in edits]
    unknown = len(_STEP_ORDER)
    return sorted(rows, key=lambda r: (_STEP_ORDER.get(r[1], unknown), r[3]))


def _read_row_values(doc_id: str, notes) -> list[tuple]:
    """:func:`read_audit_rows` as tuples of the values of :data:`AUDIT_COLUMNS`."""
    if notes is None or not len(notes):
        return []
    return [_row_values(doc_id, READ_STEP, Edit(int(start), int(end), before, after, action, note), 1, None)
            for action, start, end, before, after, note in notes]  # fmt: skip


def _row_values(doc_id: str, step: str, e: Edit, count: int, span: tuple[int, int] | None) -> tuple:
    return (doc_id, step, e.action, e.start, e.end, e.before, e.after, count, e.note,
            None if span is None else span[0], None if span is None else span[1])  # fmt: skip


#: The audit's name for what happened before cleaning: decoding and extraction (:func:`corpus.io.read_file`).
READ_STEP = "(read)"


def read_audit_rows(doc_id: str, notes) -> list[dict]:
    """Audit rows of a document's reading notes (``(action, start, end, before, after, note)``, offsets in ``raw``)."""
    return [dict(zip(AUDIT_COLUMNS, values)) for values in _read_row_values(doc_id, notes)]


def default_clean_config(raws: Iterable[str]) -> CleanConfig:
    """Default cleaning, with the X+Y model heads these texts themselves write out (党建+…)."""
    return CleanConfig(model_heads=corpus_model_heads(raws))


def corpus_model_heads(raws: Iterable[str]) -> frozenset[str]:
    """The X+Y model heads raw texts write out, read in Simplified script (only lines with a plus sign can have one).

    Only those lines are converted: a model never crosses a line break, and neither does an
    OpenCC phrase, so a line converts alone as it does inside its text. Each distinct line once,
    all in one text: the heads are a set, and a line's models are those of the line alone (the
    pattern's look-arounds see one character beyond a line, a line break there either way).
    """
    lines = dict.fromkeys(line for r in raws if "+" in r or "＋" in r for line in _plus_lines(r).split("\n"))
    return model_heads([to_simplified("\n".join(lines))] if lines else [])


def _plus_lines(text: str) -> str:
    """The lines (between \\n) of a text that hold a plus sign, joined by \\n."""
    return "\n".join(text[start:end] for start, end in plus_sign_lines(text))


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
    return duplicates_from_signatures(doc_ids, text_signatures(list(texts), shingle), threshold=threshold)


#: Characters of a text whose shingles are hashed at once: MinHash's work arrays are 128 values a
#: shingle, so a whole 50 MB document at once would take gigabytes; in chunks, memory stays flat.
SIGNATURE_CHUNK_CHARS = 200_000


def text_signature(text: str, shingle: int = 5) -> tuple[str, np.ndarray | None]:
    """What duplicate detection needs of a text: the hash of its whitespace-free form and its MinHash values.

    Computed per document (in parallel, in a worker) and compared in one ordered pass by
    :func:`duplicates_from_signatures`. An empty text has no MinHash (None). The values are
    datasketch's (``MinHash(num_perm=128, seed=1)``, its ``affine32`` scheme) for the set of the
    text's shingle hashes, computed here with whole arrays (:class:`_MinHashes`): datasketch's
    ``update_batch`` takes a Python list and turns each value into an int, which cost six times
    the arithmetic. The shingles are taken in chunks of the text and their hashes in blocks, so
    memory is independent of the text's length; a MinHash is a minimum, so the values are those
    of feeding every shingle at once. :func:`text_signatures` signs many texts at once, faster.
    """
    return text_signatures([text], shingle)[0]


def text_signatures(texts: list[str], shingle: int = 5) -> list[tuple[str, np.ndarray | None]]:
    """:func:`text_signature` of each text, computed together: the same values, the arithmetic in fewer, larger arrays."""
    template = _minhash_template()
    affine32 = template.scheme == "affine32"
    minhashes = _MinHashes(len(texts), *template.permutations)
    digests, others, step = [], {}, SIGNATURE_CHUNK_CHARS
    for row, text in enumerate(texts):
        key = "".join(text.split())
        digests.append(hashlib.sha256(key.encode("utf-8")).hexdigest() if key else None)
        for start in range(0, max(1, len(key) - shingle + 1), step) if key else ():  # chunks overlap by shingle - 1
            hashes = _shingle_hashes(key[start : start + step + shingle - 1], shingle)
            if affine32:
                minhashes.add(row, hashes.astype(np.uint32))
            else:  # another scheme (a datasketch that defaults to another): its own arithmetic, text by text
                mh = template.copy()
                mh.update_batch(np.unique(hashes).tolist())
                others[row] = np.minimum(others[row], mh.hashvalues) if row in others else mh.hashvalues
    values = minhashes.values()
    empty = hashlib.sha256(b"").hexdigest()
    return [(empty, None) if digest is None else (digest, values[row].copy() if affine32 else others[row])
            for row, digest in enumerate(digests)]  # fmt: skip


#: Shingle hashes gathered before they are permuted: 131,072 values of 4 bytes stay in cache while
#: each of the 128 permutations passes over them.
_MINHASH_CHUNK = 131072
#: Fewer gathered hashes than this are permuted all at once, text by text (128 x n values): the loop
#: over permutations costs four NumPy calls each, too many for a short text alone.
_MINHASH_SMALL = 16384


class _MinHashes:
    """MinHash values (datasketch's ``affine32`` scheme) of many texts, fed their shingle hashes in turn.

    Each hash is mixed by MurmurHash3's 32-bit finalizer, then permutation ``k`` maps it to
    ``a[k] * h + b[k]`` modulo 2**32 (uint32 arithmetic wraps); a text's value for ``k`` is the
    minimum over its hashes. Hashes of several texts are gathered into one array and each
    permutation passes over all of them at once, the minimum of each text's stretch taken by
    ``np.minimum.reduceat``.
    """

    def __init__(self, n_texts: int, a: np.ndarray, b: np.ndarray):
        self.a, self.b = a, b
        self._values = np.full((len(a), n_texts), np.iinfo(np.uint32).max, dtype=np.uint32)  # permutations x texts
        self._rows: list[int] = []
        self._hashes: list[np.ndarray] = []
        self._size = 0

    def add(self, row: int, hashes: np.ndarray) -> None:
        if self._rows and self._rows[-1] == row:  # a long text's next chunk: one stretch per text
            self._hashes[-1] = np.concatenate((self._hashes[-1], hashes))
        else:
            self._rows.append(row)
            self._hashes.append(hashes)
        self._size += len(hashes)
        if self._size >= _MINHASH_CHUNK:
            self._permute()

    def values(self) -> np.ndarray:
        """The values, one row of 128 per text (rows of texts never fed keep the maximum)."""
        self._permute()
        return self._values.T

    def _permute(self) -> None:
        if not self._rows:
            return
        h = np.concatenate(self._hashes) if len(self._hashes) > 1 else self._hashes[0]
        h = h ^ (h >> np.uint32(16))
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
        rows = np.array(self._rows)
        bounds = np.cumsum([0] + [len(x) for x in self._hashes[:-1]])
        if len(h) < _MINHASH_SMALL:
            for row, start, end in zip(self._rows, bounds.tolist(), [*bounds[1:].tolist(), len(h)]):
                part = h[start:end]
                block = np.multiply(self.a[:, None], part[None, :])
                block += self.b[:, None]
                np.minimum(self._values[:, row], block.min(axis=1), out=self._values[:, row])
        else:
            work = np.empty_like(h)
            found = np.empty((len(self.a), len(rows)), dtype=np.uint32)  # each text's minimum per permutation
            for k in range(len(self.a)):
                np.multiply(h, self.a[k], out=work)
                work += self.b[k]
                found[k] = np.minimum.reduceat(work, bounds)
            self._values[:, rows] = np.minimum(self._values[:, rows], found)  # a text is one stretch here: rows differ
        self._rows, self._hashes, self._size = [], [], 0


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
    lsh = MinHashLSH(threshold=threshold, num_perm=128, params=_lsh_bands(threshold))
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


#: The chance that a pair of documents exactly at the threshold becomes a candidate for the check of its estimate.
LSH_RECALL = 0.99


@functools.cache
def _lsh_bands(threshold: float, num_perm: int = 128) -> tuple[int, int]:
    """The LSH bands and rows (b, r; b · r = ``num_perm``) with the most rows that still make a pair at ``threshold`` a candidate with chance ≥ :data:`LSH_RECALL`.

    A pair with Jaccard J is a candidate with chance 1 − (1 − J^r)^b (Leskovec, Rajaraman and
    Ullman, *Mining of Massive Datasets*, ch. 3.4). datasketch's own choice balances misses
    against false candidates (8 × 16 at 0.85: a pair at the threshold had a 46% chance, so
    reposts went unflagged); here misses are what matters, since every candidate's estimate is
    checked against the threshold anyway. At 0.85: 16 bands of 8 rows, 0.994.

    >>> _lsh_bands(0.85), _lsh_bands(0.5)
    ((16, 8), (64, 2))
    """
    rows = [r for r in range(num_perm, 0, -1) if num_perm % r == 0]
    return next(((num_perm // r, r) for r in rows if 1 - (1 - threshold**r) ** (num_perm // r) >= LSH_RECALL), (num_perm, 1))


def duplicates_of(signatures: pd.DataFrame, *, threshold: float = 0.85) -> list[str | None]:
    """:func:`duplicates_from_signatures` over a table of :data:`SIGNATURE_COLUMNS` (a batch's, or all shards' in order)."""
    pairs = [(d, None if v is None else np.asarray(v, dtype=np.uint64)) for d, v in zip(signatures["digest"], signatures["minhash"])]
    return duplicates_from_signatures(signatures["doc_id"].tolist(), pairs, threshold=threshold)


def _shingle_hashes(text: str, k: int) -> np.ndarray:
    """32-bit hashes of the character k-grams of a text (a polynomial hash, vectorised; repeats kept, a minimum ignores them)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.pad(codes, (0, k - len(codes)))
    n = len(codes) - k + 1
    h = codes[:n].copy()
    for j in range(1, k):  # in place: no new arrays per character of the shingle
        h *= np.uint64(1_000_003)
        h += codes[j : n + j]
    h ^= h >> np.uint64(29)
    h &= np.uint64(0xFFFFFFFF)
    return h
