"""The corpus object: documents, paragraphs, audit, problems and settings that travel together.

:func:`corpus.load_corpus` returns a :class:`Corpus` for every size. A small corpus holds its
tables in memory; a large one reads them from Parquet shards (:mod:`corpus.stream` writes
them) only when asked. Either way the documents are a plain DataFrame (``corpus.docs``), and
the audit, the problems, the cleaning and token configurations and the cache location stay
with the object, so no pandas operation on the DataFrame can lose them. Selecting documents
gives a corpus again (quanteda's ``corpus_subset``); so do :meth:`Corpus.with_docvars` and
:func:`concat_corpora`. A folder of Parquet files holds a saved corpus (:func:`open_corpus`).
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from . import io
from .clean import CleanConfig
from .docvars import CORE_COLUMNS
from .pipeline import AUDIT_COLUMNS
from . import segment, structure
from .segment import TokenConfig

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: The document columns as long as the texts: a sharded corpus reads them only when asked.
TEXT_COLUMNS = ("raw", "text", "raw_offsets")
#: The tables a corpus folder holds, one Parquet file per shard each.
SHARD_TABLES = ("docs", "paragraphs", "audit", "tokens")


@dataclass(frozen=True, eq=False)
class Corpus:
    """A loaded corpus: its documents and every table derived from them, with the settings that made them.

    Build one with :func:`corpus.load_corpus` (or :func:`open_corpus` for a saved one), not by
    hand. ``docs`` is one row per document (``doc_id``, the cleaned ``text``, extracted fields,
    then the metadata columns, the docvars); ``paragraphs``, ``sentences``, ``audit`` and
    ``problems`` are tables keyed by ``doc_id``; :meth:`tokens` segments with the corpus's own
    :attr:`token_config`, whose corpus-derived terms are fixed when the corpus is loaded.
    """

    #: Where the documents came from (a folder, a table file), as given.
    source: str
    clean_config: CleanConfig
    #: The segmentation settings, including the terms the corpus marks itself (``extra_terms``).
    token_config: TokenConfig
    #: The cache folder for token tables (None: no cache).
    cache_dir: Path | None = None
    #: In-memory tables (``docs``, ``paragraphs``, ``audit``, ``problems``, optionally ``tokens``); None when sharded.
    frames: Mapping[str, pd.DataFrame] | None = field(default=None, repr=False)
    #: The shard folder and its shard names, when the tables live on disk.
    folder: Path | None = None
    shards: tuple[str, ...] = ()
    #: The documents of the shard folder this corpus keeps (None: all).
    selection: frozenset[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.frames is None) == (self.folder is None):
            raise io.CorpusError("a Corpus holds either in-memory tables (frames) or a shard folder, exactly one")
        if self.frames is not None:
            missing = [k for k in ("docs", "paragraphs", "audit", "problems") if k not in self.frames]
            if missing:
                raise io.CorpusError(f"a Corpus needs the tables docs, paragraphs, audit and problems; missing: {', '.join(missing)}")
            _check_parts(self.frames)

    # ----------------------------------------------------------------------------- tables

    @property
    def sharded(self) -> bool:
        """Whether the tables are read from Parquet shards (a large corpus) rather than held in memory."""
        return self.frames is None

    @cached_property
    def doc_ids(self) -> list[str]:
        """The documents' ids, in corpus order."""
        if self.frames is not None:
            return self.frames["docs"]["doc_id"].astype(str).tolist()
        return self._read("docs", ["doc_id"])["doc_id"].astype(str).tolist()

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __repr__(self) -> str:
        where = f"shards in {self.folder}" if self.sharded else "in memory"
        return f"<Corpus {self.source!r}: {len(self)} documents, {where}>"

    @property
    def docs(self) -> pd.DataFrame:
        """One row per document with its docvars (a copy); on a sharded corpus without ``raw``/``text`` (see :meth:`documents`)."""
        return (self.frames["docs"] if self.frames is not None else self._light_docs).copy()

    @cached_property
    def _light_docs(self) -> pd.DataFrame:
        names = pq.read_schema(self.folder / "docs" / f"{self.shards[0]}.parquet").names if self.shards else CORE_COLUMNS
        return self.documents([c for c in names if c not in TEXT_COLUMNS])

    def documents(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The document table with the columns asked for (all, including the texts, by default)."""
        if self.frames is not None:
            frame = self.frames["docs"]
            return (frame if columns is None else frame[list(columns)]).copy()
        frame = self._read("docs", None if columns is None else list(dict.fromkeys(["doc_id", *columns])))
        if columns is None or "duplicate_of" in columns:
            dupes = pd.read_parquet(self.folder / "duplicates.parquet")
            mapped = frame["doc_id"].map(dict(zip(dupes["doc_id"], dupes["duplicate_of"])))
            frame["duplicate_of"] = mapped.astype(object).where(mapped.notna(), None)
        return frame if columns is None else frame[list(columns)]

    @property
    def paragraphs(self) -> pd.DataFrame:
        """Paragraphs: doc_id, para_no, kind, level, section, start, end, text (offsets into the document's ``text``)."""
        return (self.frames["paragraphs"] if self.frames is not None else self._shard_paragraphs).copy()

    @cached_property
    def _shard_paragraphs(self) -> pd.DataFrame:
        frame = self._read("paragraphs")
        if "level" in frame.columns:
            frame["level"] = frame["level"].astype("Int64")
        return frame

    @property
    def sentences(self) -> pd.DataFrame:
        """Sentences: doc_id, para_no, sent_no, start, end, text (the rows claims and KWIC lines cite)."""
        return self._sentences.copy()

    @cached_property
    def _sentences(self) -> pd.DataFrame:
        return structure.sentences(self.paragraphs)

    @property
    def audit(self) -> pd.DataFrame:
        """Every change cleaning made, one row each (bulk conversions summarised per document)."""
        frame = self.frames["audit"] if self.frames is not None else self._read("audit")
        return frame.reset_index(drop=True)

    @property
    def problems(self) -> pd.DataFrame:
        """Files that were not loaded and metadata mismatches, with the reason for each."""
        if self.frames is not None:
            return self.frames["problems"].copy()
        frame = pd.read_parquet(self.folder / "problems.parquet")
        return _problems_of(frame, self.selection)

    def tokens(self) -> pd.DataFrame:
        """One row per token of every paragraph (doc_id, para_no, sent_no, token, start, end), segmented once.

        In memory: :func:`corpus.segment.tokens` with :attr:`token_config`, cached under
        :attr:`cache_dir`; sharded: read from the shards (see :meth:`iter_tokens` when it does not fit).
        """
        return self._tokens

    @cached_property
    def _tokens(self) -> pd.DataFrame:
        if self.frames is not None:
            given = self.frames.get("tokens")
            if given is not None:
                return given
            # The corpus terms are in token_config already (load_corpus found them): not searched for again.
            config = replace(self.token_config, corpus_lexicon=False)
            return segment.tokens(self.paragraphs, config, cache=self.cache_dir is not None, cache_dir=self.cache_dir)
        return _token_frame(self._read("tokens"))

    def iter_tokens(self) -> Iterator[pd.DataFrame]:
        """The token table one shard at a time (in memory: all at once)."""
        if self.frames is not None:
            yield self.tokens()
            return
        for name in self.shards:
            yield _token_frame(self._read("tokens", shards=(name,)))

    def _read(self, kind: str, columns: list[str] | None = None, *, shards: Sequence[str] | None = None) -> pd.DataFrame:
        """A table read from the shard folder, only this corpus's documents."""
        assert self.folder is not None
        filters = [("doc_id", "in", sorted(self.selection))] if self.selection is not None else None
        paths = [self.folder / kind / f"{name}.parquet" for name in (self.shards if shards is None else shards)]
        frames = [pd.read_parquet(p, columns=columns, filters=filters) for p in paths]
        if not frames:
            return pd.DataFrame(columns=columns or [])
        return pd.concat(frames, ignore_index=True)

    # ----------------------------------------------------------------------------- verbs

    def docvars(self, *names: str) -> pd.DataFrame:
        """The document variables (metadata columns, or ``names``) with ``doc_id``, one row per document."""
        docs = self.docs
        wanted = list(names) or [c for c in docs.columns if c not in CORE_COLUMNS]
        unknown = [n for n in wanted if n not in docs.columns]
        if unknown:
            raise KeyError(f"no docvar {', '.join(map(repr, unknown))}; the corpus has {', '.join(c for c in docs.columns if c not in CORE_COLUMNS) or 'none'}")
        return docs[["doc_id", *wanted]].reset_index(drop=True)

    def subset(self, doc_ids: Sequence[str] | pd.Series | np.ndarray | None = None, **docvars: Any) -> Corpus:
        """The documents named by ``doc_ids`` (ids, or a boolean mask over :attr:`docs`) and/or matching docvars, as a corpus.

        A boolean Series is aligned on its index, as pandas aligns (the index of :attr:`docs`, or
        doc_ids), so a mask made from a sorted or filtered copy of the table selects the right
        documents; a list or array of booleans is read in the order of the documents.
        ``corpus.subset(province="甘肃")`` keeps the documents whose ``province`` is 甘肃; a list
        value keeps any of its values. Metadata is read as text, so ``year=2019`` matches "2019";
        a value no document has is warned about, naming the values the column holds. Their audit and problems rows come along; file-level
        problems (a file that was never loaded) stay with every subset. The order is the corpus's.
        """
        docs = self.docs
        keep = pd.Series(True, index=docs.index)
        if doc_ids is not None:
            given = pd.Series(doc_ids) if not isinstance(doc_ids, pd.Series) else doc_ids
            if given.dtype == bool:
                if len(given) != len(docs):
                    raise ValueError(f"a boolean selection needs one value per document ({len(docs)}); got {len(given)}")
                keep &= _aligned_mask(doc_ids, docs)
            else:
                wanted = set(given.astype(str))
                unknown = sorted(wanted - set(docs["doc_id"].astype(str)))
                if unknown:
                    raise KeyError(f"no document with id {', '.join(unknown[:10])}" + (" …" if len(unknown) > 10 else ""))
                keep &= docs["doc_id"].astype(str).isin(wanted).to_numpy()
        for name, value in docvars.items():
            if name not in docs.columns:
                raise KeyError(f"no docvar {name!r}; the corpus has {', '.join(c for c in docs.columns if c not in CORE_COLUMNS) or 'none'}")
            values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            keep &= _matching(docs[name], name, values)
        kept = frozenset(docs.loc[keep.to_numpy(), "doc_id"].astype(str))
        log.info("subset of %s: %d of %d documents kept (their paragraphs, audit and problems rows with them)",
                 self.source, len(kept), len(docs))  # fmt: skip
        return self._restricted(kept)

    def group(self, by: str) -> dict[Any, Corpus]:
        """One corpus per value of the docvar ``by`` (in order of first appearance); documents without a value are left out (warned)."""
        values = self.docvars(by)[by]
        missing = int(values.isna().sum())
        if missing:
            warnings.warn(f"group({by!r}): {missing} of {len(values)} documents have no value and are in no group", stacklevel=2)
        return {value: self.subset(**{by: value}) for value in pd.unique(values.dropna())}

    def reshape(self, to: Literal["paragraphs", "sentences"]) -> pd.DataFrame:
        """The corpus as one row per paragraph or sentence, each carrying its document's docvars (quanteda's ``corpus_reshape``)."""
        if to not in ("paragraphs", "sentences"):
            raise ValueError(f"`to` must be one of 'paragraphs', 'sentences'; got {to!r}")
        units = self.paragraphs if to == "paragraphs" else self.sentences
        return units.merge(self.docvars(), on="doc_id", how="left")

    def with_docvars(self, frame: pd.DataFrame) -> Corpus:
        """The corpus with more document variables: ``frame`` has ``doc_id`` and new columns (merged, ids checked).

        A row naming no document, or a column the corpus already has, is refused with a message.
        """
        if "doc_id" not in frame.columns:
            raise io.CorpusError(f"docvars need a 'doc_id' column; got {list(frame.columns)}")
        if self.sharded:
            raise io.CorpusError("with_docvars works on an in-memory corpus; for a sharded one, give the metadata file to load_corpus")
        docs = self.frames["docs"]
        clash = [c for c in frame.columns if c != "doc_id" and c in docs.columns]
        if clash:
            raise io.CorpusError(f"the corpus already has docvars {clash}; drop or rename them first")
        unknown = sorted(set(frame["doc_id"].astype(str)) - set(self.doc_ids))
        if unknown:
            raise io.CorpusError(f"docvars name documents the corpus does not have: {', '.join(unknown[:10])}")
        if frame["doc_id"].duplicated().any():
            raise io.CorpusError(f"docvars name a document twice: {sorted(frame.loc[frame['doc_id'].duplicated(), 'doc_id'])[:10]}")
        merged = docs.merge(frame.astype({"doc_id": docs["doc_id"].dtype}), on="doc_id", how="left", validate="one_to_one")
        return replace(self, frames={**self.frames, "docs": merged})

    def _restricted(self, kept: frozenset[str]) -> Corpus:
        if self.frames is None:
            current = self.selection if self.selection is not None else frozenset(self.doc_ids)
            return replace(self, selection=current & kept)
        frames = {name: _rows_of(frame, kept) if name != "problems" else _problems_of(frame, kept)
                  for name, frame in self.frames.items()}  # fmt: skip
        if "tokens" not in frames and "_tokens" in self.__dict__:  # segmented already: keep, do not segment again
            frames["tokens"] = _rows_of(self.__dict__["_tokens"], kept)
        return replace(self, frames=frames)


# --------------------------------------------------------------------------- the stages, for a corpus or a table


def paragraphs(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    """The paragraphs of a corpus (:attr:`Corpus.paragraphs`), or of a table of documents with ``doc_id`` and ``text``."""
    return data.paragraphs if isinstance(data, Corpus) else structure.paragraphs(data)


def sentences(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    """The sentences of a corpus (:attr:`Corpus.sentences`), or of a paragraph table."""
    return data.sentences if isinstance(data, Corpus) else structure.sentences(data)


def tokens(data: Corpus | pd.DataFrame, config: TokenConfig | None = None, **options: Any) -> pd.DataFrame:
    """The token table of a corpus (:meth:`Corpus.tokens`, its own settings), or of units (:func:`corpus.segment.tokens`)."""
    if isinstance(data, Corpus):
        if config is not None or options:
            raise TypeError("a corpus is segmented with its own token_config: load it with load_corpus(..., token_config=...)")
        return data.tokens()
    return segment.tokens(data, config, **options)


# --------------------------------------------------------------------------- building, opening, combining


def in_memory_corpus(source: str, docs: pd.DataFrame, paragraphs: pd.DataFrame, audit: pd.DataFrame,
                     problems: pd.DataFrame, clean_config: CleanConfig, token_config: TokenConfig, *,
                     cache_dir: Path | None = None) -> Corpus:  # fmt: skip
    """A corpus of tables held in memory (what :func:`corpus.load_corpus` builds), its parts checked against each other."""
    frames = {"docs": docs.reset_index(drop=True), "paragraphs": paragraphs.reset_index(drop=True),
              "audit": audit.reset_index(drop=True), "problems": problems.reset_index(drop=True)}  # fmt: skip
    return Corpus(source, clean_config, token_config, cache_dir, frames=frames)


def open_corpus(folder: str | Path, *, cache_dir: str | Path | None = None) -> Corpus:
    """The corpus saved in ``folder`` (by :func:`corpus.save_corpus` or the streaming path), read lazily."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise io.CorpusError(f"{folder} holds no saved corpus (no readable {MANIFEST})")
    missing = [f"{kind}/{name}.parquet" for kind in SHARD_TABLES for name in manifest["shards"]
               if not (folder / kind / f"{name}.parquet").is_file()]  # fmt: skip
    if missing:
        raise io.CorpusError(f"{folder}: the saved corpus is incomplete; missing {', '.join(missing[:5])}")
    return Corpus(manifest["source"], clean_config_from_json(manifest["clean_config"]),
                  token_config_from_json(manifest["token_config"]), Path(cache_dir) if cache_dir else None,
                  folder=folder, shards=tuple(manifest["shards"]))  # fmt: skip


def read_manifest(folder: Path) -> dict | None:
    """A corpus folder's manifest, or None if it has none or it cannot be read."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) and {"shards", "clean_config", "token_config", "source"} <= manifest.keys() else None


def concat_corpora(corpora: Sequence[Corpus]) -> Corpus:
    """One in-memory corpus of several, in order: documents, paragraphs, audit and problems of each (a problem once).

    Refused, naming the corpora, when document ids repeat or the cleaning settings differ
    (their texts would not be comparable). The token configuration takes the union of their
    corpus-derived terms, so the combined corpus segments every text alike.
    """
    if not corpora:
        raise ValueError("concat_corpora needs at least one corpus")
    first = corpora[0]
    for other in corpora[1:]:
        if other.clean_config != first.clean_config:
            diff = [f.name for f in fields(CleanConfig) if getattr(other.clean_config, f.name) != getattr(first.clean_config, f.name)]
            raise io.CorpusError(f"{first.source} and {other.source} were cleaned with different settings ({', '.join(diff)}); load them together instead")
        base, theirs = replace(first.token_config, extra_terms=()), replace(other.token_config, extra_terms=())
        if base != theirs:
            raise io.CorpusError(f"{first.source} and {other.source} have different token settings; give both the same TokenConfig")
    ids = pd.Series([d for c in corpora for d in c.doc_ids], dtype=object)
    repeated = io.repeated_ids(ids)
    if repeated:
        raise io.CorpusError(f"document ids repeat across the corpora: {', '.join(repeated[:10])}")
    parts = {name: pd.concat([c.documents() if name == "docs" else getattr(c, name) for c in corpora], ignore_index=True)
             for name in ("docs", "paragraphs", "audit", "problems")}  # fmt: skip
    parts["problems"] = parts["problems"].drop_duplicates(ignore_index=True)  # file-level rows travel with every subset
    terms = sorted({t for c in corpora for t in c.token_config.extra_terms})
    return in_memory_corpus(" + ".join(c.source for c in corpora), parts["docs"], parts["paragraphs"], parts["audit"],
                            parts["problems"], first.clean_config, replace(first.token_config, extra_terms=tuple(terms)),
                            cache_dir=first.cache_dir)  # fmt: skip


def as_corpus(value: object, function: str) -> Corpus:
    """``value`` if it is a :class:`Corpus`; else a TypeError that says what to pass (never an empty result)."""
    if isinstance(value, Corpus):
        return value
    hint = " (a DataFrame carries no audit or problems: pass the Corpus itself, not corpus.docs)" if isinstance(value, pd.DataFrame) else ""
    raise TypeError(f"{function}() takes the Corpus that corpus.load_corpus returns; got {type(value).__name__}{hint}")


def clean_config_json(config: CleanConfig) -> dict:
    """A cleaning configuration as JSON-ready values (sets sorted)."""
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in asdict(config).items()}


def clean_config_from_json(values: Mapping[str, Any]) -> CleanConfig:
    """The cleaning configuration :func:`clean_config_json` wrote."""
    kinds = {f.name: f for f in fields(CleanConfig)}
    return CleanConfig(**{k: frozenset(v) if isinstance(v, list) else v for k, v in values.items() if k in kinds})


def token_config_json(config: TokenConfig) -> dict:
    """A token configuration as JSON-ready values."""
    return asdict(config)


def token_config_from_json(values: Mapping[str, Any]) -> TokenConfig:
    """The token configuration :func:`token_config_json` wrote."""
    return TokenConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


# --------------------------------------------------------------------------- internals


def _check_parts(frames: Mapping[str, pd.DataFrame]) -> None:
    """Refuse tables that do not belong together, naming the table and the documents."""
    docs = frames["docs"]
    if "doc_id" not in docs.columns:
        raise io.CorpusError("the docs table has no doc_id column")
    dupes = [] if docs["doc_id"].is_unique else sorted(docs.loc[docs["doc_id"].duplicated(), "doc_id"].astype(str).unique())
    if dupes:
        raise io.CorpusError(f"duplicate document ids {dupes[:10]}")
    ids = set(docs["doc_id"].astype(str))
    for name in ("paragraphs", "audit", "tokens"):
        frame = frames.get(name)
        if frame is None or not len(frame):
            continue
        stray = sorted(set(frame["doc_id"].drop_duplicates().astype(str)) - ids)  # each id once: a row each costs more
        if stray:
            raise io.CorpusError(f"the {name} table names documents the docs table lacks: {', '.join(stray[:10])}")
    if list(frames["audit"].columns[: len(AUDIT_COLUMNS)]) != AUDIT_COLUMNS:
        raise io.CorpusError(f"the audit table's columns are {list(frames['audit'].columns)}, not {AUDIT_COLUMNS}")


def _rows_of(frame: pd.DataFrame, kept: frozenset[str]) -> pd.DataFrame:
    rows = frame[frame["doc_id"].astype(str).isin(kept)].reset_index(drop=True)
    if isinstance(frame["doc_id"].dtype, pd.CategoricalDtype):
        rows["doc_id"] = rows["doc_id"].cat.remove_unused_categories()
    return rows


def _problems_of(frame: pd.DataFrame, kept: frozenset[str] | None) -> pd.DataFrame:
    """Problems rows of the kept documents, plus those of files that never became a document."""
    if kept is None:
        return frame.reset_index(drop=True)
    doc = frame["doc_id"].astype(object)
    return frame[doc.isna() | doc.astype(str).isin(kept) | ~frame["problem"].isin(_DOCUMENT_PROBLEMS)].reset_index(drop=True)


#: Problems that concern a loaded document (they follow it into a subset); the others concern files.
_DOCUMENT_PROBLEMS = frozenset({"metadata disagrees with text", "document without metadata", "unparseable date",
                                "file name not UTF-8", "little chinese", "one character a line"})


def _token_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A token table read from shards, with the categorical columns of :func:`corpus.tokens`."""
    return frame.astype({"doc_id": "category", "token": "category"})


def _aligned_mask(mask: Any, docs: pd.DataFrame) -> np.ndarray:
    """A boolean selection as one value per row of ``docs``: a Series by its index (rows or doc_ids), anything else in order."""
    if not isinstance(mask, pd.Series):
        return np.asarray(mask, dtype=bool)
    if mask.index.equals(docs.index):
        return mask.to_numpy()
    if set(mask.index) == set(docs.index):
        return mask.reindex(docs.index).to_numpy()
    ids = docs["doc_id"].astype(str)
    if set(mask.index.astype(str)) == set(ids):
        return mask.set_axis(mask.index.astype(str)).reindex(ids).to_numpy()
    raise ValueError("a boolean Series selects by its index, but its index names neither the rows of `docs` nor the "
                     "doc_ids of this corpus; build it from this corpus's `docs`, or pass `.to_numpy()` to select in order")  # fmt: skip


def _matching(column: pd.Series, name: str, values: list[Any]) -> np.ndarray:
    """Which values of a docvar column are among ``values`` (numbers also as the text metadata is read as); a value no document has is warned about."""
    as_text = [str(v) for v in values if isinstance(v, (int, np.integer)) and not isinstance(v, bool)]
    match = column.isin([*values, *as_text]).to_numpy()
    present = set(column.dropna().astype(str))
    absent = [v for v in values if str(v) not in present]
    if absent:
        held = sorted(present)
        warnings.warn(f"subset: no document has {name}={', '.join(map(repr, absent))}; the column holds "
                      f"{', '.join(map(repr, held[:12]))}{' …' if len(held) > 12 else ''}", stacklevel=3)  # fmt: skip
    return match
