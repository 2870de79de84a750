"""Document variables: the hand-coded metadata merged onto the documents, and every mismatch listed.

Metadata (``metadata.csv`` beside the files, or a file the user names, or the extra columns
of a table of documents) is merged on ``doc_id``; its values win over what the text says,
and each disagreement, each document without a row and each row without a document is a
``problems`` row naming the file and the document, logged in one summary line per kind.
Dates, from the metadata and from the text, are read to ISO by :mod:`corpus.dates` (what was
written is kept in ``date_original`` where that differs); a value that is not a date is a
problems row. A metadata column named like a core column (``source``, ``path`` …) is kept as
``meta_<name>``, with a warning.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import io
from .clean import signed_date, to_simplified
from .dates import parse_date, parse_dates, unparseable

log = logging.getLogger(__name__)

#: The columns every corpus table starts with, in this order; metadata columns follow.
CORE_COLUMNS = [
    "doc_id", "path", "sha256", "raw", "text", "title", "subtitle", "column_label", "source", "date",
    "author", "editor", "encoding", "script", "n_chars", "duplicate_of", "raw_offsets",
]  # fmt: skip
#: Metadata columns that replace an extracted column of the same meaning.
METADATA_OVERRIDES = {"date": "date", "script": "script", "outlet": "source", "title": "title", "subtitle": "subtitle",
                      "author": "author"}
#: Beside ``date``: the metadata's dates as written, where reading them to ISO changed any.
DATE_ORIGINAL = "date_original"
#: Columns a file's extraction gives about the file, not the document (a PDF's pages and columns, a page's address):
#: never a variable an analysis compares documents by.
FILE_COLUMNS = ("pages", "pages_without_text", "unmapped_glyphs", "columns", "url")
#: The least share of the documents a column must give a value for to be a variable analyses compare by (a disclosure
#: table's topic_category on 2 pages of 24 describes those 2, not the corpus).
MIN_VARIABLE_SHARE = 0.5
#: Put before the name of a metadata column that is named like a core column (``source`` → ``meta_source``).
COLLISION_PREFIX = "meta_"
#: The ``problem`` of a problems row.
DISAGREES, UNPARSEABLE_DATE = "metadata disagrees with text", "unparseable date"
#: The forms of dates :func:`corpus.dates.parse_date` reads, as a problems row names them.
DATE_FORMS = "dates read: 2022-07-26, 2022/7/26, 2022.7.26, 2022年7月26日, 20220726, 2022年7月, 2022"
# The column a disagreement's detail names (written by _override: "metadata <column>=...").
_DETAIL_COLUMN = r"^metadata (\S+?)="


def metadata_file(path: Path, metadata: str | Path | None) -> Path | None:
    """The metadata file a corpus uses: the one given, else ``metadata.csv`` beside a folder's files, else None.

    A file that was named but does not exist is an error; a missing default is not, but a
    ``metadata.xlsx`` (or another spreadsheet) beside the files in its place is: it says to save it as CSV.
    """
    if metadata is not None:
        given = Path(metadata)
        if not given.is_file():
            raise io.CorpusError(f"metadata file {given} does not exist")
        return given
    beside = path / "metadata.csv" if path.is_dir() else None
    if beside is not None and not beside.is_file():
        sheets = [p for p in sorted(path.glob("metadata.*")) if p.suffix.lower() in io.SPREADSHEET_SUFFIXES]
        if sheets:  # metadata meant for the corpus that would be left out without a word
            raise io.CorpusError(io.spreadsheet_message(sheets[0]))
    return beside if beside is not None and beside.is_file() else None


def analysis_variables(docs: pd.DataFrame, *, min_share: float = MIN_VARIABLE_SHARE) -> list[str]:
    """The document variables an analysis may compare by: columns beyond the core ones, :data:`DATE_ORIGINAL` and
    :data:`FILE_COLUMNS`, with a value for at least ``min_share`` of the documents; in the documents' column order.

    >>> docs = pd.DataFrame({"doc_id": list("abcd"), "text": list("甲乙丙丁"), "province": ["甲", "甲", "乙", None],
    ...                      "pages": ["2", "3", "1", "4"], "issuer": [None, None, None, "某市人民政府"]})
    >>> analysis_variables(docs)
    ['province']
    """
    skipped = {*CORE_COLUMNS, DATE_ORIGINAL, *FILE_COLUMNS}
    return [c for c in docs.columns if c not in skipped and len(docs) and docs[c].notna().mean() >= min_share]


def corpus_metadata(path: Path, metadata: str | Path | None, doc_ids: pd.Series,
                    table_metadata: pd.DataFrame | None = None) -> tuple[pd.DataFrame | None, list[dict]]:  # fmt: skip
    """The metadata rows for a corpus's documents and the problems rows of ids that do not match or dates that are not dates.

    ``table_metadata``: the other columns of a table of documents, or what a folder's files
    carry (merged with a metadata file, whose values win). The rows come back ready to merge:
    dates read to ISO (:func:`read_metadata_dates`), a column named like a core column renamed
    (:func:`keep_colliding_columns`), each with one log line.
    """
    meta_path = metadata_file(path, metadata)
    if meta_path is None:
        if path.is_dir():
            log.info("no metadata.csv beside %s: documents carry only what their text says", path)
        if table_metadata is None:
            return None, []
        return _ready(table_metadata, path)
    meta = io.read_metadata(meta_path)
    ids, meta_ids = set(doc_ids), set(meta["doc_id"])
    found = _id_problems(meta_path, sorted(meta_ids - ids), "metadata without document", "a row of the metadata names no loaded document")
    found += _id_problems(meta_path, sorted(ids - meta_ids), "document without metadata", "no row of the metadata names this document")
    if table_metadata is not None:
        meta = _over_carried(table_metadata, meta, meta_path, found)
    meta, date_problems = _ready(meta, meta_path)
    return meta, found + date_problems


def _over_carried(carried: pd.DataFrame, meta: pd.DataFrame, meta_path: Path, found: list[dict]) -> pd.DataFrame:
    """What the files carry (a page's date, a disclosure table's issuer …) with the metadata file's values over it.

    A column both give is one column: the file's value where its cell is filled, the carried one
    where the cell is blank (a blank cell gives no value: a ``date`` column filled for one
    document leaves the others' dates as their pages give them). Where both give a value and
    they disagree, the file's wins and ``found`` gets a problems row naming the metadata file, as
    a disagreement with the text does (dates compared as dates: 2023 agrees with 2023-05-12).

    >>> carried = pd.DataFrame({"doc_id": ["a", "b"], "issuer": ["某市人民政府", "某县人民政府"], "date": ["2019-05-09", "2020-01-02"]})
    >>> found = []
    >>> _over_carried(carried, pd.DataFrame({"doc_id": ["a", "b"], "date": ["2019-05-10", None]}), Path("m.csv"), found)
      doc_id  issuer        date
    0      a  某市人民政府  2019-05-10
    1      b  某县人民政府  2020-01-02
    >>> [(p["doc_id"], p["problem"]) for p in found]
    [('a', 'metadata disagrees with text')]
    """
    merged = carried.merge(meta, on="doc_id", how="outer", suffixes=("_carried", ""))
    for column in [c for c in meta.columns if c != "doc_id" and c in carried.columns]:
        given, own = merged[column], merged[f"{column}_carried"]
        for i in np.flatnonzero(given.notna().to_numpy() & own.notna().to_numpy()):
            value, carried_value = str(given.iloc[i]), str(own.iloc[i])
            if not _agrees(value, carried_value, dates=column == "date"):
                found.append({"path": str(meta_path), "doc_id": merged["doc_id"].iloc[i],
                              "problem": DISAGREES, "detail": f"metadata {column}={value!r}, the file gives {column}={carried_value!r}"})  # fmt: skip
        merged[column] = given.astype(object).where(given.notna(), own.astype(object))
        merged = merged.drop(columns=f"{column}_carried")
    return merged


def _ready(meta: pd.DataFrame, source: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Metadata as the merge takes it: colliding columns renamed, dates read (the column this adds is reserved too)."""
    meta, renamed = keep_colliding_columns(meta)
    if DATE_ORIGINAL in meta.columns and "date" in meta.columns:
        meta, also = _prefixed(meta, [DATE_ORIGINAL])
        renamed |= also
    if renamed:
        shown = ", ".join(f"{old} → {new}" for old, new in renamed.items())
        log.warning("%s: metadata columns named like the corpus's own columns are kept under another name: %s", source, shown)
    return read_metadata_dates(meta, source)


def _id_problems(meta_path: Path, doc_ids: list[str], problem: str, detail: str) -> list[dict]:
    """One problems row per document, and one log line for them all (a large corpus would flood the log)."""
    if doc_ids:
        log.warning("%s: %s: %s", meta_path, problem, _first(doc_ids))
    return [{"path": str(meta_path), "doc_id": d, "problem": problem, "detail": detail} for d in doc_ids]


def _first(items: list[str], n: int = 10, sep: str = ", ") -> str:
    """The first ``n`` items, and how many there are in all where there are more."""
    return sep.join(items[:n]) + (f" … ({len(items)} in all)" if len(items) > n else "")


def keep_colliding_columns(meta: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Metadata with each column named like a core column (``source``, ``path``, ``text`` …) renamed ``meta_<name>``, and the renames.

    The columns of :data:`METADATA_OVERRIDES` (``date``, ``title`` …) keep their names: they
    replace what the text says. A column is renamed, never dropped, since the researcher coded it.

    >>> keep_colliding_columns(pd.DataFrame({"doc_id": ["a"], "source": ["人民日报"], "date": ["2022"]}))[1]
    {'source': 'meta_source'}
    """
    reserved = set(CORE_COLUMNS) - set(METADATA_OVERRIDES) - {"doc_id"}
    return _prefixed(meta, [c for c in meta.columns if c in reserved])


def _prefixed(meta: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """``meta`` with ``columns`` renamed ``meta_<name>`` (``meta_meta_<name>`` where that is taken …), and the renames."""
    renamed: dict[str, str] = {}
    taken = set(meta.columns)
    for column in columns:
        new = f"{COLLISION_PREFIX}{column}"
        while new in taken:
            new = f"{COLLISION_PREFIX}{new}"
        renamed[column] = new
        taken.add(new)
    return meta.rename(columns=renamed), renamed


def read_metadata_dates(meta: pd.DataFrame, source: str | Path) -> tuple[pd.DataFrame, list[dict]]:
    """Metadata with its ``date`` column read to ISO (:func:`corpus.dates.parse_date`), and a problems row per value that is not a date.

    Where reading changed any value (2022年7月26日 → 2022-07-26), the values as written are kept
    in a ``date_original`` column beside ``date`` (as text; None where the row gave no date);
    metadata already in ISO gains no column. A value that is not a date (2022年夏, 2022-02-30)
    is left out, so the document's date is the one its text gives, if any; its problems row
    names ``source`` (the metadata file) and the value, and one log line lists them all.

    >>> meta, found = read_metadata_dates(pd.DataFrame({"doc_id": ["a", "b", "c"], "date": ["1954年9月", "2022年夏", None]}), "m.csv")
    >>> meta.to_dict("list")
    {'doc_id': ['a', 'b', 'c'], 'date': ['1954-09', None, None], 'date_original': ['1954年9月', '2022年夏', None]}
    >>> [(p["doc_id"], p["problem"]) for p in found]
    [('b', 'unparseable date')]
    """
    if "date" not in meta.columns:
        return meta, []
    original = meta["date"]
    iso = parse_dates(original)
    bad = unparseable(original).to_numpy()
    given = iso.notna().to_numpy() | bad
    written = [v if isinstance(v, str) else str(v) for v in original]
    as_text = pd.Series([w if g else None for w, g in zip(written, given)], index=meta.index, dtype=object)
    meta = meta.copy()
    meta["date"] = iso
    if any(g and w != d for w, d, g in zip(written, iso, given)):
        meta.insert(meta.columns.get_loc("date") + 1, DATE_ORIGINAL, as_text)
    found = [{"path": str(source), "doc_id": str(d), "problem": UNPARSEABLE_DATE,
              "detail": f"metadata date {v!r} is not a date ({DATE_FORMS}); the document's date is the one its text gives, if any"}
             for d, v in zip(meta["doc_id"][bad], original[bad])]  # fmt: skip
    if found:
        log.warning("%s: %d metadata dates are not dates and are left out (each is in problems()): %s", source, len(found),
                    _first([f"{p['doc_id']}={v!r}" for p, v in zip(found, original[bad])]))  # fmt: skip
    return meta, found


def merge_metadata(docs: pd.DataFrame, meta: pd.DataFrame | None, found: list[dict]) -> pd.DataFrame:
    """The documents with their metadata columns; metadata wins over extracted values, each disagreement goes to ``found``.

    ``meta``: rows as :func:`corpus_metadata` gives them. The dates the text gave are read to ISO
    as well (one the parser cannot read is left empty, with a problems row); dates agree when
    they are the same date at the coarser precision (2023 agrees with 2023-05-12). The rows
    added to ``found`` are logged in one summary (:func:`log_disagreements`).
    """
    docs = docs[[c for c in CORE_COLUMNS if c in docs.columns]].copy()
    new: list[dict] = []
    if "date" in docs.columns:
        docs["date"] = _text_dates(docs, new)
    if meta is not None and not meta.empty:
        meta, _ = keep_colliding_columns(meta)  # corpus_metadata did it and said so; here for a caller that did not
        meta = meta[meta["doc_id"].isin(docs["doc_id"])].set_index("doc_id")
        for meta_col, col in METADATA_OVERRIDES.items():
            if meta_col in meta.columns and col in docs.columns:
                _override(docs, meta, meta_col, col, new)
        extra = meta.drop(columns=[c for c in meta.columns if c in docs.columns])
        docs = docs.merge(extra, left_on="doc_id", right_index=True, how="left")
    log_disagreements(new)
    found.extend(new)
    return docs


def _override(docs: pd.DataFrame, meta: pd.DataFrame, meta_col: str, col: str, found: list[dict]) -> None:
    """Metadata column ``meta_col`` over the documents' ``col``: a problems row, naming the document's file, where both have a value and they disagree.

    A text dated only by the date it is signed with (:func:`corpus.clean.signed_date`) does not disagree with a
    metadata date: a page or a table gives the date of publication, often days after the signing.
    """
    written = meta[DATE_ORIGINAL] if col == "date" and DATE_ORIGINAL in meta.columns else None
    for i, doc_id in enumerate(docs["doc_id"]):
        value = meta[meta_col].get(doc_id)
        if value is None or pd.isna(value) or value == "":
            continue
        if col == "date":
            value = parse_date(value)
            if value is None:  # not a date: corpus_metadata listed it
                continue
        extracted = docs.at[docs.index[i], col]
        if col == "title" and isinstance(extracted, str) and value != extracted and to_simplified(str(value)) == extracted:
            continue  # the page's title in the script the text was converted from: the text's (converted) one stands
        if col == "author" and isinstance(extracted, str) and _ROLES.sub("", extracted) == _ROLES.sub("", str(value)):
            extracted = value  # 记者 王明 and 王明 name the same author
        if extracted is not None and not pd.isna(extracted) and not _agrees(str(value), str(extracted), dates=col == "date") \
                and not (col == "date" and "text" in docs and _signed_on(docs.at[docs.index[i], "text"], str(extracted))):
            as_written = written.get(doc_id) if written is not None else None
            note = f" (written {as_written!r})" if as_written is not None and as_written != value else ""
            path = docs.at[docs.index[i], "path"] if "path" in docs.columns else None
            found.append({"path": path if isinstance(path, str) and path else "metadata", "doc_id": doc_id, "problem": DISAGREES,
                          "detail": f"metadata {meta_col}={value!r}{note}, text says {col}={extracted!r}"})  # fmt: skip
        if col == meta_col:
            docs.at[docs.index[i], col] = value


# The roles a byline writes before its names (记者 王明；通讯员 李红), and the separators between them.
_ROLES = re.compile(r"(?:特约|实习)?(?:记者|通讯员|实习生|作者)|[\s；;、,，]")


def _signed_on(text: object, date: str) -> bool:
    """Whether a text's date is the one it is signed with at its foot: a page or a table dates its publication, no disagreement."""
    signed = signed_date(text) if isinstance(text, str) else None
    return signed is not None and signed[2] == date


def _text_dates(docs: pd.DataFrame, found: list[dict]) -> pd.Series:
    """The dates the texts gave, read to ISO; a problems row for each that is not a date (left empty)."""
    dates = docs["date"]
    bad = unparseable(dates).to_numpy()
    paths = docs["path"] if "path" in docs.columns else docs["doc_id"]
    for path, doc_id, value in zip(paths[bad], docs["doc_id"][bad], dates[bad]):
        found.append({"path": str(path), "doc_id": doc_id, "problem": UNPARSEABLE_DATE,
                      "detail": f"the text gives the date {value!r}, which is not a date ({DATE_FORMS}); left empty"})  # fmt: skip
    return parse_dates(dates)  # object dtype, None where missing, the documents' index


def log_disagreements(problems: pd.DataFrame | list[dict]) -> None:
    """Log, in one line each, the disagreements between metadata and text and the unreadable text dates among ``problems``.

    A corpus can have hundreds (every document's date written one way in the metadata and
    another in the text): each stays a problems row; the log says how many, of which
    columns, and shows the first few. :func:`merge_metadata` calls it on what it finds; a
    loader that takes those rows from a cache calls it on them to say the same again.
    Other problems rows are ignored (their own code logs them).
    """
    rows = pd.DataFrame(problems, columns=io.PROBLEM_COLUMNS) if isinstance(problems, list) else problems
    if rows.empty:
        return
    disagree = rows[rows["problem"] == DISAGREES]
    if len(disagree):
        columns = disagree["detail"].str.extract(_DETAIL_COLUMN, expand=False).fillna("?").value_counts()
        by_column = ", ".join(f"{name} {n}" for name, n in columns.items())
        examples = [f"{d}: {detail}" for d, detail in zip(disagree["doc_id"], disagree["detail"])]
        log.warning("%d metadata values disagree with the text (%s); metadata wins, each is in problems(): %s",
                    len(disagree), by_column, _first(examples, 3, "; "))  # fmt: skip
    unread = rows[(rows["problem"] == UNPARSEABLE_DATE) & rows["detail"].str.startswith("the text gives", na=False)]
    if len(unread):
        log.warning("%d documents' texts give a date that is not a date (left empty; each is in problems()): %s",
                    len(unread), _first([f"{d}: {detail}" for d, detail in zip(unread["doc_id"], unread["detail"])], 3, "; "))  # fmt: skip


def _agrees(meta_value: str, extracted: str, *, dates: bool = False) -> bool:
    """Same value, or one is a prefix of the other (a year against a full date); ``dates``: compared as read to ISO.

    >>> _agrees("2021", "2021-07-01"), _agrees("新华社", "人民日报")
    (True, False)
    >>> _agrees("2022年7月26日", "2022-07-26", dates=True), _agrees("2022年7月", "2022-08-01", dates=True)
    (True, False)
    """
    if dates:
        meta_value, extracted = parse_date(meta_value) or meta_value, parse_date(extracted) or extracted
    a, b = meta_value.strip(), extracted.strip()
    return a == b or a.startswith(b) or b.startswith(a)
