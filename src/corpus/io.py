"""Reading documents: files and tables in, decoded text with its provenance out.

Encodings are detected, not assumed: strict UTF-8 (with or without BOM) and UTF-16/32
with a BOM are tried first because they are cheap and certain; only bytes that fail
them go to charset-normalizer, restricted to the encodings Chinese text comes in.
A file that is empty, binary or undecodable is not loaded: it becomes a row of the
``problems`` table with the reason, and a logged warning.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io as _io
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

#: Encodings the detector may choose between; anything else is implausible for Chinese text.
CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "big5", "cp950", "big5hkscs", "utf_16", "utf_32")
#: Detector answers that name a subset of a larger encoding map to the superset.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030", "big5": "cp950"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Columns of the problems table.
PROBLEM_COLUMNS = ["path", "doc_id", "problem", "detail"]
TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".csv", ".jsonl", ".json", ".parquet")


class CorpusError(ValueError):
    """A corpus or metadata file cannot be used as it is; the message says which and why."""


class DecodeError(CorpusError):
    """A document's bytes are empty, binary or in no plausible encoding."""

    def __init__(self, problem: str, detail: str):
        super().__init__(f"{problem}: {detail}")
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    """A document's text exactly as decoded, and the encoding that decoded it."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document's bytes, detecting the encoding; raise DecodeError with the reason.

    >>> decode_bytes("党建引领".encode("gb18030")).encoding
    'gb18030'
    >>> decode_bytes(codecs.BOM_UTF8 + "公安".encode()).text
    '公安'
    """
    if not data.strip():
        raise DecodeError("empty", "the file has no text" if not data else "the file holds only whitespace")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(name.removesuffix("-sig")), name if name == "utf-8-sig" else f"{name}-bom")
            except UnicodeDecodeError as exc:
                raise DecodeError("undecodable", f"starts with a {name} byte-order mark but is not valid {name}: {exc.reason} at byte {exc.start}") from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise DecodeError("binary", "contains NUL bytes and no UTF-16/32 byte-order mark")
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is None:
        raise DecodeError("undecodable", "not valid in any of " + ", ".join(CANDIDATE_ENCODINGS))
    encoding = SUPERSETS.get(best.encoding, best.encoding)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = best.encoding, str(best)
    if _control_share(text) > 0.01:
        raise DecodeError("binary", f"decodes as {encoding} only with many control characters")
    return Decoded(text, encoding.replace("_", "-"))


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls / max(len(text), 1)


def encode_like(text: str, encoding: str) -> bytes:
    """Re-encode decoded text as the file held it (byte-order mark included).

    >>> data = codecs.BOM_UTF16_LE + "治理".encode("utf-16-le")
    >>> encode_like(decode_bytes(data).text, decode_bytes(data).encoding) == data
    True
    """
    if encoding.endswith("-bom"):
        name = encoding.removesuffix("-bom")
        return dict((n, b) for b, n in _BOMS)[name] + text.encode(name)
    return text.encode(encoding)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes: the identity of a file's exact content."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks (at disk speed, whatever its size)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_text_files(folder: Path, *, pattern: str = "*.txt") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decode every text file in a folder (sorted by name): documents and problems tables."""
    return read_text_paths(sorted(p for p in folder.glob(pattern) if p.is_file()))


def read_text_paths(paths: Iterable[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decode these text files, in this order (doc_id: the file name without suffix): documents and problems."""
    rows, problems = [], []
    for path in paths:
        data = path.read_bytes()
        try:
            decoded = decode_bytes(data)
        except DecodeError as exc:
            problems.append(_problem(path, path.stem, exc.problem, exc.detail))
            continue
        rows.append(
            {
                "doc_id": path.stem,
                "path": str(path),
                "sha256": sha256_bytes(data),
                "raw": decoded.text,
                "encoding": decoded.encoding,
            }
        )
    return _frame(rows), pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


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
    """Documents, problems and the other columns of the rows of a table (``first_row``: the rows before these)."""
    if text_column not in frame.columns:
        raise CorpusError(f"{path}: no text column {text_column!r}; columns are {list(frame.columns)} (set text_column=...)")
    if id_column is None or id_column not in frame.columns:
        if id_column not in (None, "doc_id"):
            raise CorpusError(f"{path}: no id column {id_column!r}; columns are {list(frame.columns)}")
        ids = [f"{path.stem}_{i:05d}" for i in range(first_row + 1, first_row + len(frame) + 1)]
    else:
        ids = frame[id_column].astype(str).tolist()
    rows, problems, meta = [], [], []
    for i, (doc_id, text) in enumerate(zip(ids, frame[text_column])):
        where = f"{path}#row{first_row + i + 1}"
        if not isinstance(text, str) or not text.strip():
            problems.append(_problem(where, doc_id, "empty", f"column {text_column!r} is empty"))
            continue
        rows.append({"doc_id": doc_id, "path": where, "sha256": sha256_bytes(text.encode("utf-8")), "raw": text, "encoding": "utf-8"})
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
        with path.open(encoding=encoding) as lines:
            rows: list[dict] = []
            for line in lines:
                if line.strip():
                    rows.append(json.loads(line))
                if len(rows) == batch_rows:
                    yield pd.DataFrame(rows)
                    rows = []
            if rows:
                yield pd.DataFrame(rows)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid {exc.encoding} at byte {exc.start} of a chunk, though its first "
                          f"megabytes are; convert the file to UTF-8") from None  # fmt: skip
    except (ValueError, json.JSONDecodeError, pd.errors.ParserError, OSError) as exc:
        raise CorpusError(f"{path}: not a readable {suffix[1:].upper()} table ({exc})") from None


def _sniff_encoding(path: Path, sample: int = 4 << 20) -> str:
    """The codec of a text table: its byte-order mark's, else the one detected on its first ``sample`` bytes (cut at a line end)."""
    with path.open("rb") as f:
        head = f.read(sample)
    for bom, name in _BOMS:
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
        text = decode_bytes(path.read_bytes()).text
        if suffix == ".csv":
            return pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False)
        if suffix in (".jsonl", ".json"):
            return pd.DataFrame([json.loads(line) for line in text.splitlines() if line.strip()])
    except DecodeError as exc:
        raise CorpusError(f"{path}: {exc}") from None
    except (ValueError, json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise CorpusError(f"{path}: not a readable {suffix[1:].upper()} table ({exc})") from None


def refuse_unread(problems: pd.DataFrame) -> None:
    """Raise :class:`CorpusError` listing every file or row that was not loaded (what ``strict=True`` asks for)."""
    if len(problems):
        listing = "; ".join(f"{r.path}: {r.problem} ({r.detail})" for r in problems.itertuples())
        raise CorpusError(f"{len(problems)} document(s) could not be loaded: {listing}")


def read_metadata(path: Path) -> pd.DataFrame:
    """Read a hand-coded metadata CSV keyed by ``doc_id``; malformed files raise CorpusError."""
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
    header, body = rows[0][1], [r for _, r in rows[1:]]
    if "doc_id" not in header:
        raise CorpusError(f"metadata file {path} has no 'doc_id' column; its header is {header}")
    for line_no, row in rows[1:]:
        if len(row) != len(header):
            raise CorpusError(f"metadata file {path}, line {line_no}: {len(row)} fields where the header has {len(header)}")
    meta = pd.DataFrame(body, columns=header).apply(lambda col: col.str.strip())
    dupes = sorted(meta.loc[meta["doc_id"].duplicated(), "doc_id"].unique())
    if dupes:
        raise CorpusError(f"metadata file {path}: duplicate doc_id {dupes}")
    return meta.replace("", None)


def _problem(path: Path | str, doc_id: str, problem: str, detail: str) -> dict:
    log.warning("not loaded: %s (%s: %s)", path, problem, detail)
    return {"path": str(path), "doc_id": doc_id, "problem": problem, "detail": detail}


def _frame(rows: Iterable[dict]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["doc_id", "path", "sha256", "raw", "encoding"])
