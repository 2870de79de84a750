"""Reading documents: files and tables in, decoded or extracted text with its provenance out.

Each file is read as its format says (:func:`read_file`): plain text decoded by
:mod:`corpus.decode`, web pages, PDF and Word files through :mod:`corpus.extract` (their
extracted text cached by the file's bytes), news-record dumps split into their records,
tables row by row. A file that is empty, binary, undecodable, not Chinese, of a format to
convert first or unreadable is not loaded: it becomes a row of the ``problems`` table with
the reason, and a logged warning. What reading did to the text (bytes replaced, the encoding
detected, the extractor used) travels with each document as ``read_notes``, which the
pipeline turns into audit rows of the step ``(read)``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io as _io
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple
from pathlib import Path

import pandas as pd

from . import cache as store
from . import extract
from .schedule import default_workers
from .patterns import CJK
from .decode import BOMS, CorpusError, DecodeError, Decoded, ReadError, decode_bytes, encode_like  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

#: Columns of the problems table.
PROBLEM_COLUMNS = ["path", "doc_id", "problem", "detail"]
TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".csv", ".jsonl", ".json", ".parquet")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes: the identity of a file's exact content."""
    return hashlib.sha256(data).hexdigest()


def repeated_ids(ids: pd.Series) -> list:
    """The values that occur more than once in a column of document ids, each once, sorted (none: an empty list).

    >>> repeated_ids(pd.Series(["b", "a", "b", "c", "a"]))
    ['a', 'b']
    """
    return [] if ids.is_unique else sorted(ids[ids.duplicated()].unique())  # most columns are unique: one hash pass


def repeated_ids_message(docs: pd.DataFrame, dupes: list, *, shown: int = 10) -> str:
    """The repeated ids with the files that give each (``docs``: ``doc_id`` and ``path``), for an error a user can act on.

    >>> repeated_ids_message(pd.DataFrame({"doc_id": ["a", "a", "b"], "path": ["x/a.txt", "x/dump.dat", "x/b.txt"]}), ["a"])
    "duplicate document ids: 'a' (x/a.txt, x/dump.dat); rename a file, or give each row of a table its own id"
    """
    paths = docs[docs["doc_id"].isin(dupes[:shown])].groupby("doc_id", sort=True)["path"].agg(lambda p: list(dict.fromkeys(p)))
    named = "; ".join(f"{d!r} ({', '.join(map(str, paths[d][:3]))}{' …' if len(paths[d]) > 3 else ''}"
                      + (", rows of one table" if len(paths[d]) == 1 else "") + ")" for d in dupes[:shown])  # fmt: skip
    more = f" … ({len(dupes)} in all)" if len(dupes) > shown else ""
    return f"duplicate document ids: {named}{more}; rename a file, or give each row of a table its own id"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks (at disk speed, whatever its size)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


#: Every suffix a corpus folder is read for by default (lower case): plain text, record dumps, web pages,
#: PDF, Word and tables of documents. Files of the formats in :data:`corpus.extract.CONVERT_FIRST` are listed in
#: ``problems`` with what to convert them to; other files (a README, images) are skipped and named in the log.
DUMP_SUFFIXES = (".dat",)
DOCUMENT_SUFFIXES = (TEXT_SUFFIXES + DUMP_SUFFIXES + extract.HTML_SUFFIXES + extract.PDF_SUFFIXES
                     + extract.DOCX_SUFFIXES + TABLE_SUFFIXES)  # fmt: skip


def corpus_files(folder: Path, pattern: str | None = None, *, exclude: Iterable[Path] = (), quiet: bool = False) -> list[Path]:
    """The document files of a corpus folder, sorted by name: those matching ``pattern`` (read as their suffix
    says, any other suffix as plain text), or by default those of :data:`DOCUMENT_SUFFIXES` and
    :data:`corpus.extract.CONVERT_FIRST`; the other files are named in one log line.

    Hidden files (``.name``) and Office lock files (``~$name``) are skipped, and so are the
    ``exclude`` files (the metadata file beside the documents). ``quiet``: no log line.
    """
    skip = {p.resolve() for p in exclude}
    skip_names = {p.name for p in skip}  # a file is an excluded one only under its name or through a link: the others are not resolved
    found = [p for p in (folder.glob(pattern) if pattern else folder.iterdir()) if not p.name.startswith((".", "~$"))]
    files = sorted((p for p in found if p.is_file()
                    and not (skip and (p.name in skip_names or p.is_symlink()) and p.resolve() in skip)), key=lambda p: (p.stem, p.name))  # fmt: skip
    if not quiet:
        _log_not_files(folder, [p for p in found if not p.is_file()], pattern)
    if pattern:
        return files
    known = DOCUMENT_SUFFIXES + tuple(extract.CONVERT_FIRST)
    other = [p for p in files if p.suffix.lower() not in known]
    if other and not quiet:
        shown = ", ".join(display_path(Path(p.name)) for p in other[:10]) + (f" … ({len(other)} in all)" if len(other) > 10 else "")
        log.warning("%s: skipped %d file(s) of other types (pass pattern= to read them as text): %s",
                    display_path(folder), len(other), shown)  # fmt: skip
    return [p for p in files if p.suffix.lower() in known]


def _log_not_files(folder: Path, entries: list[Path], pattern: str | None) -> None:
    """One log line naming what a folder listing held that is no file to read: subfolders, links to nothing (or in a loop)."""
    folders = sorted(p.name for p in entries if p.is_dir())
    others = sorted(p.name for p in entries if not p.is_dir())
    parts = []
    if folders and not pattern:
        parts.append(f"{len(folders)} subfolder(s), not read (pass pattern='**/*.txt' or the like to read inside them): "
                     + ", ".join(folders[:10]) + (" …" if len(folders) > 10 else ""))  # fmt: skip
    if others:
        parts.append(f"{len(others)} link(s) to nothing or in a loop, or not regular files: " + ", ".join(others[:10])
                     + (" …" if len(others) > 10 else ""))  # fmt: skip
    if parts:
        log.warning("%s: %s", display_path(folder), "; ".join(parts))


def read_folder(folder: Path, *, pattern: str | None = None, exclude: Iterable[Path] = (),
                cache_dir: Path | None = None) -> TableRows:  # fmt: skip
    """Read every document of a folder (:func:`corpus_files`, :func:`read_paths`)."""
    return read_paths(corpus_files(folder, pattern, exclude=exclude), cache_dir=cache_dir)


def read_paths(paths: Iterable[Path], *, ids: list[str] | None = None, cache_dir: Path | None = None,
               workers: int | None = 1) -> TableRows:  # fmt: skip
    """Read these files, in this order, each as its format says (:func:`read_file`): documents, problems, metadata.

    ``ids``: each file's document id (default :func:`file_ids` of these paths).
    ``cache_dir``: where extracted text (web pages, PDF, Word) is kept, keyed by the file's
    bytes and the extractors' versions, so that a second load does not extract again (None: no cache).
    ``workers``: processes for the files that need an extractor (None: every core where there
    are at least :data:`EXTRACT_POOL_MIN_FILES` of them); the result is a serial run's.
    """
    paths = list(paths)
    ids = ids if ids is not None else file_ids(paths)
    heavy = sum(p.suffix.lower() in EXTRACTED_SUFFIXES for p in paths)
    n = workers if workers is not None else (default_workers() if heavy >= EXTRACT_POOL_MIN_FILES else 1)
    if n > 1 and heavy > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(n, heavy)) as pool:
            reads = list(pool.map(_read_one, paths, ids, [cache_dir] * len(paths), chunksize=max(1, len(paths) // (n * 8))))
    else:
        reads = [read_file(path, doc_id=doc_id, cache_dir=cache_dir) for path, doc_id in zip(paths, ids)]
    rows = [r for got in reads for r in got.docs]
    problems = [r for got in reads for r in got.problems]
    metadata = [r for got in reads for r in got.metadata]
    meta = pd.DataFrame(metadata) if metadata else None
    if meta is not None:
        meta = meta.astype(object).where(meta.notna(), None)
    return TableRows(_frame(rows), pd.DataFrame(problems, columns=PROBLEM_COLUMNS), meta)


#: Suffixes whose files go through an extractor (the costly ones: worth a process pool).
EXTRACTED_SUFFIXES = extract.HTML_SUFFIXES + extract.PDF_SUFFIXES + extract.DOCX_SUFFIXES
#: Files to extract from before reading takes worker processes (below, starting them costs more than it saves).
EXTRACT_POOL_MIN_FILES = 16


def _read_one(path: Path, doc_id: str, cache_dir: Path | None) -> FileRead:
    return read_file(path, doc_id=doc_id, cache_dir=cache_dir)


class FileRead(NamedTuple):
    """What one file gives: document rows, problems rows and metadata rows (each a list of dicts)."""

    docs: list[dict]
    problems: list[dict]
    metadata: list[dict]


def file_ids(paths: list[Path]) -> list[str]:
    """Each file's document id: its name without the suffix, or with it where two files share a name (a.txt, a.pdf).

    >>> file_ids([Path("报告.txt"), Path("通知.pdf"), Path("通知.docx")])
    ['报告', '通知.pdf', '通知.docx']
    """
    stems = Counter(safe_name(p.stem)[0] for p in paths)
    return [safe_name(p.stem)[0] if stems[safe_name(p.stem)[0]] == 1 else safe_name(p.name)[0] for p in paths]


def read_file(path: Path, *, doc_id: str | None = None, cache_dir: Path | None = None) -> FileRead:
    """One file as documents: a plain text, a record dump, a web page, a PDF, a Word file or a table.

    The format is the suffix's, except that a dump of ``<doc>`` records and a web page are
    recognised by their content in any text file, a .pdf or .docx whose bytes are not of that
    format among them (a web page is read, flagged; plain text is a problem: the wrong suffix).
    ``doc_id`` is the file name without its suffix (:func:`file_ids`; for a dump:
    ``<name>_<record number>``); ``sha256`` is of the file's bytes (a table row's: of its text).
    A file that cannot be read becomes a problems row, never an exception.
    """
    doc_id = doc_id if doc_id is not None else safe_name(path.stem)[0]
    renamed = safe_name(path.name)[1]
    where = display_path(path)
    suffix = path.suffix.lower()
    found = FileRead([], [], [])
    if renamed:
        found.problems.append(_problem(where, doc_id, "file name not UTF-8",
                                       f"the name's bytes are not UTF-8 (a Windows archive?); loaded as doc_id {doc_id!r}",
                                       loaded=True))  # fmt: skip
    if suffix in extract.CONVERT_FIRST:
        found.problems.append(_problem(where, doc_id, "unsupported format", extract.CONVERT_FIRST[suffix]))
        return found
    if suffix in TABLE_SUFFIXES:
        return _read_table_in_folder(path, where, found)
    try:
        data = path.read_bytes()
    except OSError as exc:
        found.problems.append(_problem(where, doc_id, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}"))
        return found
    sha = sha256_bytes(data)
    misnamed = suffix in extract.PDF_SUFFIXES + extract.DOCX_SUFFIXES and not _is_container(data, suffix)
    try:
        if suffix in extract.PDF_SUFFIXES + extract.DOCX_SUFFIXES and not misnamed:
            got = _extracted(data, sha, suffix, cache_dir)
            found.docs.append(_row(doc_id, where, sha, got.text, None, _extraction_notes(got)))
            found.metadata.append({"doc_id": doc_id, **got.metadata})
            return found
        decoded = decode_html(data) if suffix in extract.HTML_SUFFIXES or misnamed else decode_bytes(data)
    except ReadError as exc:
        if misnamed and exc.problem != "empty":
            exc = ReadError(f"unreadable {suffix[1:]}", f"not a {_FORMATS[suffix]}, nor text ({exc.problem}: {exc.detail})")
        found.problems.append(_problem(where, doc_id, exc.problem, exc.detail))
        return found
    notes = read_notes(decoded)
    if misnamed and not extract.looks_like_html(decoded.text):
        found.problems.append(_problem(where, doc_id, "wrong suffix", f"a {suffix} file that holds plain text, not a "
                                       f"{_FORMATS[suffix]} (a failed download?): rename it .txt to load it"))  # fmt: skip
        return found
    if misnamed:
        notes.append(("flagged", 0, 0, "", "", f"a {suffix} file that holds a web page, not a {_FORMATS[suffix]} (a download "
                                               "that saved a page in place of the file?): read as a web page"))  # fmt: skip
    if extract.looks_like_records(decoded.text):
        return _read_records(decoded, doc_id, where, sha, notes, found)
    if suffix in extract.HTML_SUFFIXES and not _MARKUP.search(decoded.text, 0, 1 << 20):  # a text file named as a page
        notes.append(("flagged", 0, 0, "", "", f"a {suffix} file without any markup: read as plain text"))
    elif suffix in extract.HTML_SUFFIXES or extract.looks_like_html(decoded.text):
        try:
            got = _extracted(decoded.text, sha, ".html", cache_dir)
        except extract.ExtractError as exc:
            found.problems.append(_problem(where, doc_id, exc.problem, exc.detail))
            return found
        found.docs.append(_row(doc_id, where, sha, got.text, decoded.encoding, [*notes, *_extraction_notes(got)]))
        found.metadata.append({"doc_id": doc_id, **got.metadata})
        return found
    found.docs.append(_row(doc_id, where, sha, decoded.text, decoded.encoding, notes))
    return found


def decode_html(data: bytes) -> Decoded:
    """A web page's bytes decoded in the charset its ``<meta>`` declares (where they are valid in it), else detected.

    A single-byte charset (ISO-8859-1, windows-1252, KOI8-R …) reads any bytes at all, so a page
    that declares one but holds GBK or UTF-8 (a template's default left in place) would load as
    Latin letters; there the bytes are detected, and the detection kept where it reads them as
    Chinese (the audit then flags the detected encoding).
    """
    declared = extract.declared_charset(data)
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            return decode_bytes(data)
        if not (_single_byte(declared) and not data.isascii()):
            return Decoded(text, declared, 1.0, ())
        try:
            detected = decode_bytes(data)
        except DecodeError:
            return Decoded(text, declared, 1.0, ())
        if not _single_byte(detected.encoding) and _CJK_TEXT.search(detected.text):
            return dataclasses.replace(detected, overrides=f"the page declares {declared}, a single-byte charset in which "
                                                           f"any bytes are valid; its bytes read as Chinese in {detected.encoding}")
        return Decoded(text, declared, 1.0, ())
    return decode_bytes(data)


_CJK_TEXT = re.compile(f"[{CJK}]{{2}}")
#: A tag, a comment or a doctype: what any web page holds and plain text does not.
_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:-]*[\s/>]|/[a-zA-Z]|!)")


#: Byte pairs that are one character in UTF-8, GBK/Big5/EUC, Shift-JIS and GBK/Big5 again: two in a single-byte codec.
_DOUBLE_BYTE_PROBES = (b"\xc3\xa9", b"\xb0\xa1", b"\x88\x9f", b"\x81\x40")


@lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """Whether a codec reads each byte as a character of its own (ISO-8859-x, windows-125x, KOI8 …), so most bytes are 'valid' in it."""
    try:
        return all(len(pair.decode(encoding, errors="replace")) == 2 for pair in _DOUBLE_BYTE_PROBES)
    except LookupError:
        return False


def read_notes(decoded: Decoded) -> list[tuple]:
    """Audit notes of decoding: each replaced byte sequence with its offsets, and a detected (not declared) encoding.

    Each note is ``(action, start, end, before, after, note)``, offsets in the decoded text.
    """
    notes = [("changed", r.char_offset, r.char_offset + 1, r.hex, "\ufffd",
              f"undecodable bytes at byte {r.byte_offset} of the file replaced with U+FFFD") for r in decoded.replaced]  # fmt: skip
    if decoded.confidence < 1.0:
        notes.append(("flagged", 0, 0, "", "", f"encoding detected as {decoded.encoding} (confidence {decoded.confidence:.2f})"))
    if decoded.overrides:
        notes.append(("flagged", 0, 0, "", "", f"encoding {decoded.encoding}, not the declared one: {decoded.overrides}"))
    return notes


def _extraction_notes(got: extract.Extracted) -> list[tuple]:
    """Audit notes of extraction: the extractor, and a flag for each thing it found amiss (pages without text …)."""
    return [("extracted", 0, len(got.text), "", "", f"text extracted by {got.extractor}"),
            *(("flagged", 0, 0, "", "", note) for note in got.notes)]  # fmt: skip


#: What a suffix of an extracted binary format promises, as a problems row names it.
_FORMATS = {".pdf": "PDF", ".docx": "Word document"}


def _is_container(data: bytes, suffix: str) -> bool:
    """Whether a file's bytes are of the format its suffix names: a PDF has ``%PDF`` in its first KB, a .docx is a zip."""
    return b"%PDF" in data[:1024] if suffix in extract.PDF_SUFFIXES else data.startswith(b"PK")


def _extracted(content: bytes | str, sha: str, suffix: str, cache_dir: Path | None) -> extract.Extracted:
    """A file's extracted text, from the cache where this file was extracted before by the same extractor versions."""
    kind = "html" if suffix in extract.HTML_SUFFIXES else suffix.lstrip(".")
    extractor = {"html": extract.extract_html, "pdf": extract.extract_pdf, "docx": extract.extract_docx}[kind]
    package = {"html": "trafilatura", "pdf": "pdfplumber", "docx": "python-docx"}[kind]
    key = store.stable_hash(store.stage_fingerprint(__name__), extract.extractor_name(package), kind, sha)
    folder = cache_dir / "extracted" if cache_dir is not None else None
    if folder is not None:
        hit = store.read(folder, key)
        if hit is not None and len(hit) == 1:
            row = hit.iloc[0]
            return extract.Extracted(row["text"], json.loads(row["metadata"]), row["extractor"], tuple(json.loads(row["notes"])))
    got = extractor(content)
    if folder is not None:
        store.keep(folder, key, pd.DataFrame({"text": [got.text], "metadata": [json.dumps(got.metadata, ensure_ascii=False)],
                                              "extractor": [got.extractor], "notes": [json.dumps(got.notes, ensure_ascii=False)]}))  # fmt: skip
    return got


def _read_records(decoded: Decoded, stem: str, where: str, sha: str, notes: list[tuple], found: FileRead) -> FileRead:
    """The records of a news-record dump as documents ``<stem>_<number>``, with their other fields as metadata.

    A decoding note is kept by the record whose span in the file holds it, as a flag (its
    offsets are the file's, not the record text's).
    """
    records = extract.parse_records(decoded.text)
    width = max(5, len(str(len(records))))
    for record in records:
        doc_id, at = f"{stem}_{record.number:0{width}d}", f"{where}#record{record.number}"
        text, meta = extract.record_text(record)
        if not text.strip():
            found.problems.append(_problem(at, doc_id, "empty", "the record has no content"))
            continue
        own = [n if n[0] != "changed" else ("flagged", 0, 0, n[3], n[4], f"{n[5]} (character {n[1]} of the file)")
               for n in notes if n[0] != "changed" or record.start <= n[1] < record.end]  # fmt: skip
        own += [("flagged", 0, 0, "", "", f"{note} (record {record.number})") for note in record.notes]
        own.append(("extracted", 0, len(text), "", "", "record of a <doc> dump (corpus.extract.parse_records)"))
        found.docs.append(_row(doc_id, at, sha, text, decoded.encoding, own))
        found.metadata.append({"doc_id": doc_id, **meta})
    return found


def _read_table_in_folder(path: Path, where: str, found: FileRead) -> FileRead:
    """A table of documents found in a corpus folder: its rows, or one problems row saying why not."""
    try:
        rows = read_table(path)
    except NoTextColumn as exc:  # a table of labels or notes beside the documents, not a table of documents
        log.warning("%s: not read as documents (%s); pass it as metadata= if it holds their metadata", where, exc.columns)
        return found
    except CorpusError as exc:
        found.problems.append(_problem(where, safe_name(path.stem)[0], "unreadable table", str(exc)))
        return found
    found.docs.extend({**r, "read_notes": []} for r in rows.docs.to_dict("records"))
    found.problems.extend(rows.problems.to_dict("records"))
    if rows.metadata is not None:
        found.metadata.extend(rows.metadata.to_dict("records"))
    return found


def safe_name(name: str) -> tuple[str, bool]:
    """A file name as text that can be written anywhere, and whether it had to be changed.

    Names whose bytes are not UTF-8 reach Python with surrogate escapes; they are read as
    GB18030 (the usual case: a Windows archive unpacked on Linux) where that gives Chinese
    text, else each stray byte is written as ``\\xNN``.

    >>> safe_name("十四五规划纲要")
    ('十四五规划纲要', False)
    >>> import os; safe_name(os.fsdecode("规划".encode("gbk")))
    ('规划', True)
    """
    try:
        name.encode("utf-8")
        return name, False
    except UnicodeEncodeError:
        pass
    raw = name.encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("gb18030")
        if all(ch.isprintable() for ch in text):
            return text, True
    except UnicodeDecodeError:
        pass
    return raw.decode("utf-8", "backslashreplace"), True


def display_path(path: Path) -> str:
    """A path as text safe to store and print: each name whose bytes are not UTF-8 read as :func:`safe_name` reads it."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return str(Path(*(safe_name(part)[0] for part in path.parts)))


def _row(doc_id: str, where: str, sha: str, raw: str, encoding: str | None, notes: list[tuple]) -> dict:
    return {"doc_id": doc_id, "path": where, "sha256": sha, "raw": raw, "encoding": encoding, "read_notes": notes}


class NoTextColumn(CorpusError):
    """A table without the column that holds the documents' text."""

    def __init__(self, message: str, columns: str):
        super().__init__(message)
        self.columns = columns


class TableRows(NamedTuple):
    """What the rows of a table of documents give: documents, rows not loaded, and the other columns."""

    docs: pd.DataFrame
    problems: pd.DataFrame
    #: The table's other columns with ``doc_id``, one row per document (None: the table has none).
    metadata: pd.DataFrame | None


def read_table(path: Path, *, text_column: str = "text", id_column: str | None = "doc_id") -> TableRows:
    """Read documents from a CSV, JSONL or Parquet table; other columns become metadata."""
    return table_documents(_read_any_table(path), path, text_column=text_column, id_column=id_column)


def iter_table(path: Path, *, text_column: str = "text", id_column: str | None = "doc_id",
               batch_rows: int = 2000) -> Iterator[TableRows]:  # fmt: skip
    """:func:`read_table` in batches of ``batch_rows`` rows, reading the file as it goes (for tables larger than memory).

    Parquet is read by row batches; CSV and JSONL in the encoding detected on their first
    megabytes (a file whose later bytes are not in that encoding raises CorpusError).
    Concatenated, the batches are what :func:`read_table` returns.
    """
    suffix, first = check_table_suffix(path), 0
    for frame in _table_batches(path, suffix, batch_rows):
        yield table_documents(frame, path, text_column=text_column, id_column=id_column, first_row=first)
        first += len(frame)


def table_documents(frame: pd.DataFrame, path: Path, *, text_column: str, id_column: str | None,
                    first_row: int = 0) -> TableRows:  # fmt: skip
    """Documents, problems and the other columns of the rows of a table (``first_row``: the rows before these).

    Lines of a JSON Lines file that were not JSON objects (the frame's ``attrs``) are problems rows ``path#lineN``.
    """
    unread = [_problem(f"{path}#line{line_no}", None, "unreadable row", why) for line_no, why in frame.attrs.get(UNREAD_LINES, ())]
    if frame.empty and not len(frame.columns) and unread:  # a batch of nothing but such lines
        return TableRows(_frame([]), pd.DataFrame(unread, columns=PROBLEM_COLUMNS), None)
    if text_column not in frame.columns:
        raise NoTextColumn(f"{path}: no text column {text_column!r}; columns are {list(frame.columns)} (set text_column=...)",
                           f"no column {text_column!r}")  # fmt: skip
    if id_column is None or id_column not in frame.columns:
        if id_column not in (None, "doc_id"):
            raise CorpusError(f"{path}: no id column {id_column!r}; columns are {list(frame.columns)}")
        ids = [f"{path.stem}_{i:05d}" for i in range(first_row + 1, first_row + len(frame) + 1)]
    else:
        ids = frame[id_column].astype(str).tolist()
    rows, problems, meta = [], unread, []
    for i, (doc_id, text) in enumerate(zip(ids, frame[text_column])):
        where = f"{path}#row{first_row + i + 1}"
        if not isinstance(text, str) or not text.strip():
            problems.append(_problem(where, doc_id, "empty", f"column {text_column!r} is empty"))
            continue
        rows.append({"doc_id": doc_id, "path": where, "sha256": sha256_bytes(text.encode("utf-8")), "raw": text, "encoding": "utf-8",
                     "read_notes": []})
        meta.append(i)
    docs = _frame(rows)
    extra = frame.drop(columns=[c for c in (text_column, id_column) if c in frame.columns]).iloc[meta].reset_index(drop=True)
    metadata = None
    if len(docs) and len(extra.columns):
        extra.insert(0, "doc_id", docs["doc_id"].to_numpy())
        metadata = extra
    return TableRows(docs, pd.DataFrame(problems, columns=PROBLEM_COLUMNS), metadata)


def check_table_suffix(path: Path) -> str:
    """The table's suffix, lower-cased; CorpusError for a file that is not a CSV, JSONL or Parquet table."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise CorpusError(f"{path}: unsupported file type {suffix!r}; use a folder of .txt files or one of {TABLE_SUFFIXES}")
    return suffix


def _table_batches(path: Path, suffix: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    """A table file's rows, ``batch_rows`` at a time, as :func:`_read_any_table` would type them."""
    encoding = None if suffix == ".parquet" else _sniff_encoding(path)
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
                yield batch.to_pandas()
            return
        if suffix == ".csv":
            with pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, chunksize=batch_rows) as reader:
                yield from reader
            return
        if suffix == ".json" and _starts_json_array(path, encoding):  # one JSON document: read whole
            table = _json_table(path.read_text(encoding=encoding), path)
            for start in range(0, len(table), batch_rows):
                yield table.iloc[start : start + batch_rows].reset_index(drop=True)
            return
        with path.open(encoding=encoding) as lines:
            rows, unread, any_read = [], [], False
            for line_no, line in enumerate(lines, 1):
                if line.strip():
                    _json_line(line, line_no, path, rows, unread)
                if len(rows) == batch_rows:
                    yield _json_frame(rows, unread)
                    rows, unread, any_read = [], [], True
            if not any_read:
                _check_some_read(rows, unread, path)
            if rows or unread:
                yield _json_frame(rows, unread)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid {exc.encoding} at byte {exc.start} of a chunk, though its first "
                          f"megabytes are; convert the file to UTF-8") from None  # fmt: skip
    except (ValueError, json.JSONDecodeError, pd.errors.ParserError, OSError) as exc:
        raise CorpusError(f"{path}: not a readable {suffix[1:].upper()} table ({exc})") from None


def _sniff_encoding(path: Path, sample: int = 4 << 20) -> str:
    """The codec of a text table: its byte-order mark's, else the one detected on its first ``sample`` bytes (cut at a line end)."""
    with path.open("rb") as f:
        head = f.read(sample)
    for bom, name in BOMS:
        if head.startswith(bom):  # codecs that read and drop the mark
            return "utf-8-sig" if name == "utf-8-sig" else name[:6]
    if len(head) == sample and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        return decode_bytes(head).encoding
    except DecodeError as exc:
        raise CorpusError(f"{path}: {exc}") from None


def _read_any_table(path: Path) -> pd.DataFrame:
    suffix = check_table_suffix(path)
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        decoded = decode_bytes(path.read_bytes())
        if decoded.replaced:
            first = decoded.replaced[0]
            log.warning("%s: %d undecodable byte sequence(s) replaced with U+FFFD, the first at byte %d (0x%s)",
                        display_path(path), len(decoded.replaced), first.byte_offset, first.hex)  # fmt: skip
        text = decoded.text
        if suffix == ".csv":
            return pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False)
        if suffix in (".jsonl", ".json"):
            return _json_table(text, path)
    except DecodeError as exc:
        raise CorpusError(f"{path}: {exc}") from None
    except (ValueError, json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise CorpusError(f"{path}: not a readable {suffix[1:].upper()} table ({exc})") from None


def _json_table(text: str, path: Path) -> pd.DataFrame:
    """The objects of a JSON table: one JSON array of objects (``.json`` as most tools write it), else one object a line (JSON Lines)."""
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}: not a readable JSON table (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        bad = next((i for i, row in enumerate(rows) if not isinstance(row, dict)), None)
        if bad is not None:
            raise CorpusError(f"{path}: item {bad + 1} of the JSON array is not an object with named fields")
        return _json_frame(rows)
    rows, unread = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            _json_line(line, n, path, rows, unread)
    _check_some_read(rows, unread, path)
    return _json_frame(rows, unread)


def _json_line(line: str, line_no: int, path: Path, rows: list[dict], unread: list[tuple[int, str]]) -> None:
    """One JSON Lines object added to ``rows``; a line that is not one to ``unread`` (its number and why)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        unread.append((line_no, f"not a JSON object ({exc.msg} at column {exc.colno})"))
        return
    if not isinstance(row, dict):
        unread.append((line_no, f"a JSON {type(row).__name__}, not an object with named fields"))
        return
    rows.append(row)


def _check_some_read(rows: list, unread: list[tuple[int, str]], path: Path) -> None:
    """CorpusError where no line of a JSON Lines file was an object: not a JSON Lines file (a line that is not one, in one
    that is, is a problems row: a scrape cut off mid-line loses that line, not the file)."""
    if unread and not rows:
        line_no, why = unread[0]
        raise CorpusError(f"{path}, line {line_no}: {why}; no line of the file is a JSON object: not a JSON Lines table")


def _json_frame(rows: list[dict], unread: list[tuple[int, str]] = ()) -> pd.DataFrame:
    """Rows of JSON objects as a table; a nested value (an object or an array) kept as its JSON text, the same on every load.

    ``unread``: the lines of the file that gave no row (number, why), kept in the frame's ``attrs`` for :func:`table_documents`.
    """
    nested = (dict, list)
    frame = pd.DataFrame([{k: json.dumps(v, ensure_ascii=False) if isinstance(v, nested) else v for k, v in row.items()}
                          for row in rows])  # fmt: skip
    frame.attrs[UNREAD_LINES] = list(unread)
    return frame


#: The key in a table frame's ``attrs`` of the lines that gave no row: (line number, why).
UNREAD_LINES = "unread_lines"


def _starts_json_array(path: Path, encoding: str) -> bool:
    with path.open(encoding=encoding) as f:
        return f.read(4096).lstrip().startswith("[")


def refuse_unread(problems: pd.DataFrame) -> None:
    """Raise :class:`CorpusError` listing every file or row that was not loaded (what ``strict=True`` asks for)."""
    if len(problems):
        listing = "; ".join(f"{r.path}: {r.problem} ({r.detail})" for r in problems.itertuples())
        raise CorpusError(f"{len(problems)} document(s) could not be loaded: {listing}")


#: Spreadsheet formats a metadata file may come in, which are not read: the message says to save them as CSV.
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".et", ".numbers")


def spreadsheet_message(path: Path) -> str:
    """What to do with metadata kept in a spreadsheet."""
    return (f"metadata file {path} is a spreadsheet, which is not read: save it as CSV (UTF-8; in Excel "
            "“CSV UTF-8 (逗号分隔)”) with a doc_id column, and pass that file or name it metadata.csv beside the documents")


def read_metadata(path: Path) -> pd.DataFrame:
    """Read a hand-coded metadata CSV keyed by ``doc_id``; malformed files (and spreadsheets: save them as CSV) raise CorpusError."""
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise CorpusError(spreadsheet_message(path))
    try:
        text = decode_bytes(path.read_bytes()).text
    except DecodeError as exc:
        raise CorpusError(f"metadata file {path}: {exc}") from None
    reader = csv.reader(_io.StringIO(text))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CorpusError(f"metadata file {path} is not valid CSV at line {reader.line_num}: {exc}") from None
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise CorpusError(f"metadata file {path} is empty")
    header, body = [name.strip() for name in rows[0][1]], [r for _, r in rows[1:]]  # "doc_id, date" names date, not " date"
    if "doc_id" not in header:
        raise CorpusError(f"metadata file {path} has no 'doc_id' column; its header is {header}")
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise CorpusError(f"metadata file {path}: the header names column(s) {repeated} more than once; "
                          "give each column one name")  # fmt: skip
    for line_no, row in rows[1:]:
        if len(row) != len(header):
            raise CorpusError(f"metadata file {path}, line {line_no}: {len(row)} fields where the header has {len(header)}")
    unnamed = [k for k, name in enumerate(header) if not name]
    filled = [k + 1 for k in unnamed if any(row[k].strip() for row in body)]
    if filled:
        raise CorpusError(f"metadata file {path}: column(s) {filled} hold values but have no name in the header; name them")
    if unnamed:  # the empty columns a spreadsheet writes after the last (doc_id,date,,)
        log.warning("metadata file %s: %d empty column(s) without a name left out", display_path(path), len(unnamed))
        header = [name for name in header if name]
        body = [[cell for k, cell in enumerate(row) if k not in unnamed] for row in body]
    if body:  # each cell stripped, a blank one missing: columns of strings
        meta = pd.DataFrame({name: pd.array([row[k].strip() or None for row in body], dtype="str") for k, name in enumerate(header)})
    else:
        meta = pd.DataFrame([], columns=header)
    empty = [line_no for (line_no, _), doc_id in zip(rows[1:], meta["doc_id"]) if pd.isna(doc_id)]
    if empty:
        raise CorpusError(f"metadata file {path}: no doc_id on line(s) {', '.join(map(str, empty[:10]))}"
                          + (f" … ({len(empty)} in all)" if len(empty) > 10 else ""))  # fmt: skip
    dupes = repeated_ids(meta["doc_id"])
    if dupes:
        raise CorpusError(f"metadata file {path}: duplicate doc_id {dupes}")
    return meta


def _problem(path: Path | str, doc_id: str | None, problem: str, detail: str, *, loaded: bool = False) -> dict:
    """A problems row, logged (``loaded``: the document was loaded all the same, and the log says so)."""
    log.warning("%s: %s (%s: %s)", "loaded with a problem" if loaded else "not loaded", path, problem, detail)
    return {"path": str(path), "doc_id": doc_id, "problem": problem, "detail": detail}


#: Columns of a table of decoded documents; ``read_notes`` holds the audit notes of reading (decoding, extraction).
RAW_COLUMNS = ["doc_id", "path", "sha256", "raw", "encoding", "read_notes"]


def _frame(rows: Iterable[dict]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=RAW_COLUMNS)
