"""Document variables: the hand-coded metadata merged onto the documents, and every mismatch listed.

Metadata (``metadata.csv`` beside the files, or a file the user names, or the extra columns
of a table of documents) is merged on ``doc_id``; its values win over what the text says,
and each disagreement, each document without a row and each row without a document is a
``problems`` row naming the file and the document.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from . import io

log = logging.getLogger(__name__)

#: The columns every corpus table starts with, in this order; metadata columns follow.
CORE_COLUMNS = [
    "doc_id", "path", "sha256", "raw", "text", "title", "subtitle", "column_label", "source", "date",
    "author", "editor", "encoding", "script", "n_chars", "duplicate_of", "raw_offsets",
]  # fmt: skip
#: Metadata columns that replace an extracted column of the same meaning.
METADATA_OVERRIDES = {"date": "date", "script": "script", "outlet": "source", "title": "title", "author": "author"}


def metadata_file(path: Path, metadata: str | Path | None) -> Path | None:
    """The metadata file a corpus uses: the one given, else ``metadata.csv`` beside a folder's files, else None.

    A file that was named but does not exist is an error; a missing default is not.
    """
    if metadata is not None:
        given = Path(metadata)
        if not given.is_file():
            raise io.CorpusError(f"metadata file {given} does not exist")
        return given
    beside = path / "metadata.csv" if path.is_dir() else None
    return beside if beside is not None and beside.is_file() else None


def corpus_metadata(path: Path, metadata: str | Path | None, doc_ids: pd.Series,
                    table_metadata: pd.DataFrame | None = None) -> tuple[pd.DataFrame | None, list[dict]]:  # fmt: skip
    """The metadata rows for a corpus's documents and the problems rows of ids that do not match.

    ``table_metadata``: the other columns of a table of documents (merged with a metadata file,
    whose values win).
    """
    meta_path = metadata_file(path, metadata)
    if meta_path is None:
        if path.is_dir():
            log.info("no metadata.csv beside %s: documents carry only what their text says", path)
        return table_metadata, []
    meta = io.read_metadata(meta_path)
    if table_metadata is not None:
        meta = table_metadata.merge(meta, on="doc_id", how="outer", suffixes=("_table", ""))
    ids, meta_ids = set(doc_ids), set(meta["doc_id"])
    found = _id_problems(meta_path, sorted(meta_ids - ids), "metadata without document", "a row of the metadata names no loaded document")
    found += _id_problems(meta_path, sorted(ids - meta_ids), "document without metadata", "no row of the metadata names this document")
    return meta, found


def _id_problems(meta_path: Path, doc_ids: list[str], problem: str, detail: str) -> list[dict]:
    """One problems row per document, and one log line for them all (a large corpus would flood the log)."""
    if doc_ids:
        shown = ", ".join(doc_ids[:10]) + (f" … ({len(doc_ids)} in all)" if len(doc_ids) > 10 else "")
        log.warning("%s: %s: %s", meta_path, problem, shown)
    return [{"path": str(meta_path), "doc_id": d, "problem": problem, "detail": detail} for d in doc_ids]


def merge_metadata(docs: pd.DataFrame, meta: pd.DataFrame | None, found: list[dict]) -> pd.DataFrame:
    """The documents with their metadata columns; metadata wins over extracted values, each disagreement goes to ``found``."""
    docs = docs[[c for c in CORE_COLUMNS if c in docs.columns]].copy()
    if meta is None or meta.empty:
        return docs
    meta = meta[meta["doc_id"].isin(docs["doc_id"])].set_index("doc_id")
    for meta_col, col in METADATA_OVERRIDES.items():
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
    """Same value, or one is a prefix of the other (a year against a full date).

    >>> _agrees("2021", "2021-07-01"), _agrees("新华社", "人民日报")
    (True, False)
    """
    a, b = meta_value.strip(), extracted.strip()
    return a == b or a.startswith(b) or b.startswith(a)
