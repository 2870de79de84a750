"""Dictionaries (codebooks): categories of entries, looked up in the texts, counted per document, group or period.

A :class:`Dictionary` maps categories to entries, as quanteda's ``dictionary()`` does: read from
YAML (quanteda's format, nested categories flattened to ``parent.child``), from a CSV table
(``category,entry``) or from a plain list of 提法 (one entry a line, ``#`` comments: one category).
Entries are words (党的建设), multiword expressions written with spaces (全面 从严 治党) and glob
patterns with ``*`` and ``?`` (党建*, *治理; the full-width ＊ and ？ a Chinese keyboard types are
wildcards too). In YAML an entry that begins with ``*`` is quoted (``- "*治理"``: unquoted, YAML
reads an alias), and a category written twice is refused, naming both lines.

:func:`lookup` finds every entry in the corpus and gives one row per match with its offsets into
the cleaned ``text``, its paragraph and sentence, so every count traces back to where it was
written:

* words and multiword entries match the **text** (``match="text"``): a substring search, one pass
  over the texts for all of them (NumPy arrays, no regex), so a 提法 the segmenter splits (or joins
  into a longer token) is still found. A multiword entry is looked for without the spaces between
  Chinese words (全面 从严 治党 → 全面从严治党; spaces between Latin words stay). A text match is a
  substring match by design: it does not have to begin and end on token boundaries, and
  ``token_aligned`` says whether it does, so a reader can filter (中国 inside 中国共产党 is a text
  match, not aligned; 党建带团建, split 党建 / 带团建, is aligned);
* globs match **tokens** (``match="token"``) of the corpus's own token table (its
  :class:`~corpus.segment.TokenConfig`, filters included: a stop-listed word is no token, and a
  glob that names one is reported in a warning): a pattern is compared with each distinct token
  once, then the token table gives the positions. A multiword glob (党建* 引领) matches
  consecutive tokens that touch in the text.

Overlaps are resolved per category, as quanteda's ``tokens_lookup(nested_scope = "key")``: within a
category each position counts once, for the longest entry that starts leftmost; the same text may
count for several categories. Entries are written as the corpus's texts are after cleaning:
each is cleaned with the corpus's :class:`~corpus.clean.CleanConfig` (so a Traditional or
full-width codebook matches the Simplified, half-width text), the entry as written stays in the
table. Widths are one in matching: a full-width form of an ASCII character (＋ － ／) matches
the ASCII one either way round (互联网+ finds 互联网＋), though cleaning leaves the text as written.

:func:`dictionary_counts` gives counts and rates per 10,000 tokens per document or group as a tidy
table; :func:`dictionary_dtm` the same counts as a :class:`~corpus.features.DTM` with the categories
as features (for keyness, similarity, trends); :func:`unmatched_entries` the entries no text
writes.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from . import segment, structure
from .clean import CleanConfig, clean_text, to_simplified
from .container import Corpus
from .features import DTM
from .io import CorpusError
from .patterns import CJK

log = logging.getLogger(__name__)

MATCH_COLUMNS = ["doc_id", "para_no", "sent_no", "start", "end", "category", "entry", "match", "surface", "token_aligned"]
COUNT_COLUMNS = ["category", "count", "tokens", "rate", "documents", "documents_matched"]
#: Rates are per this many tokens.
RATE_BASE = 10_000
#: The shipped example dictionary (party-building and governance 提法), used by the reports by default.
EXAMPLE = "party_building_governance.yml"
#: Wildcards, as typed on an English keyboard and on a Chinese one (full-width ＊ and ？ act as * and ?).
_GLOB_CHARS = frozenset("*?＊？")
#: Full-width forms of ASCII characters → ASCII. Matching reads both widths as one (互联网＋ is 互联网+): cleaning makes
#: letters and digits half-width but keeps a full-width ＋, －, ／ as written, and a keyboard may give either.
HALF_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
_CJK_CHAR = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class Dictionary:
    """Categories of entries (quanteda's dictionary): ``categories`` maps each name to its entries, in file order.

    Nested categories are flattened to ``parent.child`` names. ``source`` is the file it was read
    from (None when built in code). Build one with :func:`load_dictionary` or :func:`dictionary_from`.

    >>> d = dictionary_from({"党的建设": {"政治建设": ["两个维护"], "作风建设": ["八项规定", "四风"]}})
    >>> d.names, d.categories["党的建设.作风建设"]
    (('党的建设.政治建设', '党的建设.作风建设'), ('八项规定', '四风'))
    """

    categories: Mapping[str, tuple[str, ...]]
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValueError(f"a dictionary needs at least one category{_from(self.source)}")
        cleaned = {}
        for name, entries in self.categories.items():
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"category names must be non-empty strings{_from(self.source)}; got {name!r}")
            if isinstance(entries, str) or not all(isinstance(e, str) for e in entries):
                raise ValueError(f"category {name!r}{_from(self.source)}: entries must be a list of strings; got {entries!r}")
            kept = tuple(dict.fromkeys(" ".join(e.split()) for e in entries if e.strip()))
            if not kept:
                raise ValueError(f"category {name!r}{_from(self.source)} has no entries")
            for e in kept:
                if set(e.replace(" ", "")) <= _GLOB_CHARS:
                    raise ValueError(f"category {name!r}{_from(self.source)}: the entry {e!r} is only wildcards and would match every token")
            cleaned[name.strip()] = kept
        object.__setattr__(self, "categories", MappingProxyType(cleaned))

    def __reduce__(self):
        return (type(self), (dict(self.categories), self.source))  # a mapping proxy does not pickle; its dict does

    @property
    def names(self) -> tuple[str, ...]:
        """The category names, in order."""
        return tuple(self.categories)

    def __len__(self) -> int:
        return sum(len(entries) for entries in self.categories.values())

    def entries(self) -> pd.DataFrame:
        """One row per (category, entry): the entry as written and its kind (``word``, ``multiword`` or ``glob``)."""
        rows = [(name, e, entry_kind(e)) for name, entries in self.categories.items() for e in entries]
        return pd.DataFrame(rows, columns=["category", "entry", "kind"])


def _from(source: str | None) -> str:
    return f" (in {source})" if source else ""


def entry_kind(entry: str) -> Literal["word", "multiword", "glob"]:
    """How an entry is looked up: ``glob`` (has ``*`` or ``?``, either width: on tokens), ``multiword`` (has spaces) or ``word`` (on the text).

    >>> entry_kind("党建*"), entry_kind("＊治理"), entry_kind("全面 从严 治党"), entry_kind("两个维护")
    ('glob', 'glob', 'multiword', 'word')
    """
    if _GLOB_CHARS & set(entry):
        return "glob"
    return "multiword" if " " in entry else "word"


# --------------------------------------------------------------------------- reading


def dictionary_from(value: Mapping[str, Any] | Sequence[str], *, name: str = "entries", source: str | None = None) -> Dictionary:
    """A dictionary from a mapping (categories → entries, nested mappings allowed) or a plain list (one category, ``name``).

    >>> dictionary_from(["全面从严治党", "党建*"]).categories["entries"]
    ('全面从严治党', '党建*')
    """
    if isinstance(value, Mapping):
        return Dictionary(_flatten(value, "", source), source)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"dictionary_from takes a mapping of categories to entries or a list of entries; got {type(value).__name__}")
    return Dictionary({name: tuple(value)}, source)


def _flatten(value: Mapping[str, Any], prefix: str, source: str | None) -> dict[str, tuple[str, ...]]:
    """quanteda's nesting: a key holds entries, sub-keys, or both (a list mixing strings and mappings); names join with a dot."""
    out: dict[str, tuple[str, ...]] = {}
    for key, inner in value.items():
        if key is None or str(key).strip() == "":
            raise ValueError(f"a category without a name{_from(source)} under {prefix.rstrip('.') or 'the top level'}")
        name = prefix + str(key).strip()
        items = [inner] if isinstance(inner, (str, Mapping)) else inner
        if items is None:
            raise ValueError(f"category {name!r}{_from(source)} has no entries")
        if not isinstance(items, (list, tuple)):
            raise ValueError(f"category {name!r}{_from(source)}: expected entries or sub-categories, got {inner!r}")
        words = []
        for item in items:
            if isinstance(item, Mapping):
                inner_categories = _flatten(item, name + ".", source)
                twice = sorted(set(inner_categories) & set(out))
                if twice:
                    raise ValueError(f"category {twice[0]!r}{_from(source)} is defined twice")
                out.update(inner_categories)
            elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                words.append(str(item))
            else:
                raise ValueError(f"category {name!r}{_from(source)}: an entry must be text; got {item!r}")
        if words:
            if name in out:
                raise ValueError(f"category {name!r}{_from(source)} is defined twice")
            out[name] = tuple(words)
    return out


def load_dictionary(path: str | Path) -> Dictionary:
    """Read a dictionary: YAML (``.yml``/``.yaml``, quanteda's format), CSV (``category,entry``) or a plain list (``.txt``).

    A plain list holds one entry a line (``#`` at the start or after a space starts a comment) and becomes one category named
    after the file (``tifa.txt`` → ``tifa``). A CSV file needs the header ``category,entry``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dictionary file not found: {path}")
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: a dictionary file must be UTF-8 ({err.reason} at byte {err.start})") from None
    if suffix in (".yml", ".yaml"):
        return _from_yaml(text, path)
    if suffix == ".csv":
        return _from_csv(text, path)
    if suffix == ".txt":
        entries = [_COMMENT.sub("", line).strip() for line in text.splitlines()]
        entries = [e for e in entries if e]
        if not entries:
            raise ValueError(f"{path}: the list holds no entries")
        return Dictionary({path.stem: tuple(entries)}, str(path))
    raise ValueError(f"{path}: a dictionary file must end in .yml, .yaml, .csv or .txt; got {suffix or 'no suffix'!r}")


class _DuplicateKey(Exception):
    """A key written twice in one YAML mapping: the key and both lines (1-based)."""

    def __init__(self, key: Any, first: int, again: int) -> None:
        super().__init__(key, first, again)
        self.key, self.first, self.again = key, first, again


#: A comment in a plain list: ``#`` opening the line or after a space (C# and 第#号 are entries).
_COMMENT = re.compile(r"(?:^|\s)#.*")


@lru_cache(maxsize=1)
def _yaml_loader() -> type:
    """PyYAML's safe loader, refusing a key written twice in a mapping (PyYAML keeps the last silently), every scalar
    read as the text written.

    A category written twice in a long codebook is the likeliest slip; keeping the last would drop
    the first one's entries without a word. Entries are words: YAML 1.1 would read ``3.10`` as the
    number 3.1, ``010`` as 8 and ``yes`` or ``on`` as true; only an empty value stays empty.
    """
    import yaml

    class Loader(yaml.SafeLoader):
        yaml_implicit_resolvers = {first: [(tag, pattern) for tag, pattern in resolvers if tag == "tag:yaml.org,2002:null"]
                                   for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}  # fmt: skip

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        loader.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the base constructor says so
                break
            if first != key_node.start_mark.line + 1:
                raise _DuplicateKey(key, first, key_node.start_mark.line + 1)
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


#: What follows a YAML alias (*name) or anchor (&name) that the scanner read from an unquoted entry.
_YAML_ALIAS_ENTRY = re.compile(r"[*&][^,\]\}\n#]*")


def _yaml_error(err: Exception, text: str, path: Path) -> ValueError:
    """A YAML error in a researcher's words: the file, the line where the trouble starts, the cause.

    An entry that begins with ``*`` (a glob: *治理) is, unquoted, a YAML alias; PyYAML then says
    "expected alphabetic or numeric character" or "found undefined alias". Where a token is being
    scanned (an unclosed quote, an alias), the line it begins on is the one to look at, not the end
    of the file where the scanner gave up; otherwise the line of the problem.
    """
    context, problem = getattr(err, "context", None) or "", getattr(err, "problem", None) or ""
    mark = getattr(err, "problem_mark", None)
    if context.startswith("while scanning a") and getattr(err, "context_mark", None) is not None:
        mark = err.context_mark
    where = f", line {mark.line + 1}" if mark is not None else ""
    if mark is not None and (context in ("while scanning an alias", "while scanning an anchor") or problem.startswith("found undefined alias")):
        line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        found = _YAML_ALIAS_ENTRY.match(line, mark.column)
        entry = found.group().strip() if found else line.strip()
        return ValueError(f"{path}{where}: an entry starting with {entry[:1]} must be quoted in YAML: '{entry}'")
    cause = f"{context}: {problem}" if context and problem else problem or str(err)
    return ValueError(f"{path}{where}: not valid YAML ({cause})")


def _from_yaml(text: str, path: Path) -> Dictionary:
    import yaml

    try:
        value = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 (a SafeLoader)
    except _DuplicateKey as twice:
        raise ValueError(f"{path}, line {twice.again}: category {twice.key!r} is defined twice (first at line {twice.first}); "
                         "write its entries in one list") from None  # fmt: skip
    except yaml.YAMLError as err:
        raise _yaml_error(err, text, path) from None
    if not isinstance(value, Mapping):
        raise ValueError(f"{path}: a YAML dictionary maps category names to lists of entries; got {type(value).__name__}")
    return Dictionary(_flatten(value, "", str(path)), str(path))


def _from_csv(text: str, path: Path) -> Dictionary:
    rows = list(csv.reader(text.splitlines()))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "category" not in header or "entry" not in header:
        raise ValueError(f"{path}: a CSV dictionary needs the header 'category,entry'; got {rows[0] if rows else 'an empty file'}")
    c, e = header.index("category"), header.index("entry")
    categories: dict[str, list[str]] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(c, e) or not row[c].strip() or not row[e].strip():
            raise ValueError(f"{path}, line {line_no}: expected a category and an entry; got {row}")
        categories.setdefault(row[c].strip(), []).append(row[e])
    if not categories:
        raise ValueError(f"{path}: the table holds no entries")
    return Dictionary({k: tuple(v) for k, v in categories.items()}, str(path))


def example_dictionary_path() -> Path:
    """The shipped example dictionary of party-building and governance 提法: copy it and edit the copy."""
    return segment.data_path("dictionaries") / EXAMPLE


# --------------------------------------------------------------------------- entries as the texts write them


@dataclass(frozen=True)
class _Plan:
    """A dictionary ready to look up: the strings searched in the text, the token patterns of the globs.

    Entries are numbered by their row in :meth:`Dictionary.entries` (category by category, in file order).
    """

    categories: tuple[str, ...]
    #: Per entry number: the entry as written, and its category's number.
    entries: tuple[str, ...]
    entry_category: np.ndarray = field(repr=False)
    #: Per glob: its entry number and one LIKE pattern per token.
    globs: tuple[tuple[int, tuple[str, ...]], ...]
    #: The distinct strings searched in the text (the text entries as the cleaned texts write them, full-width ASCII made half-width).
    finder: _Finder | None = field(repr=False)
    #: Per searched string (by number), the entries that search for it: ``owner_entry[owner_start[i]:owner_start[i + 1]]``.
    owner_start: np.ndarray = field(repr=False)
    owner_entry: np.ndarray = field(repr=False)


def _plan(dictionary: Dictionary, clean_config: CleanConfig) -> _Plan:
    table = dictionary.entries()
    names = dictionary.names
    owners: dict[str, list[int]] = {}
    globs = []
    for number, (entry, kind) in enumerate(zip(table["entry"], table["kind"])):
        if kind == "glob":
            globs.append((number, tuple(_like(_glob_form(p, clean_config).translate(HALF_WIDTH)) for p in entry.split(" "))))
        else:  # one searched string for the entries that differ only in width (互联网+, 互联网＋)
            owners.setdefault(text_form(entry, clean_config).translate(HALF_WIDTH), []).append(number)
    forms = sorted(owners)
    return _Plan(names, tuple(table["entry"]), pd.Index(names).get_indexer(table["category"]).astype(np.int64), tuple(globs),
                 _Finder(forms) if forms else None, np.cumsum([0] + [len(owners[f]) for f in forms]),
                 np.asarray([n for f in forms for n in owners[f]], dtype=np.int64))  # fmt: skip


class _Finder:
    """Every occurrence of many short strings in a text, overlapping ones included, found with NumPy array operations.

    The text's code points are an array; tables of the strings' first characters and of their
    first two keep the positions where some string may start (a few percent of the text). At
    those, a polynomial hash grows one character a step; a position drops out as soon as no
    string begins with its characters, and where the hash is a string's, the characters are
    compared. So the work per step shrinks with the candidates, and the text is read as arrays,
    never character by character in Python. Python's ``re`` is no use here: a pattern of many
    alternatives (even factored as a trie) tries them one by one at every position, about 1.8
    MB/s for 900 strings against 15 MB/s here (benchmarks/bench_dictionary.py).

    Widths are one: the text's full-width forms of ASCII characters (＋, －, ＊) are read as the
    ASCII ones, so the strings are given half-width (``HALF_WIDTH``); the text is not changed
    and offsets are the text's.
    """

    #: Hash base (a 64-bit odd constant; arithmetic wraps modulo 2**64).
    BASE = np.uint64(0x100000001B3)

    def __init__(self, forms: Sequence[str]) -> None:
        self.forms = list(forms)
        self.max_len = max(map(len, forms))
        self.codes = np.zeros((len(forms), self.max_len), dtype=np.uint32)
        for i, form in enumerate(forms):
            self.codes[i, : len(form)] = _code_points(form)
        self.lengths = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms))
        # Dense numbers for the characters that begin a string and those second in one, and which pairs occur.
        self.first = np.full(0x110000, -1, dtype=np.int32)
        firsts = np.unique(self.codes[:, 0])
        self.first[firsts] = np.arange(len(firsts))
        self.second = np.full(0x110000, -1, dtype=np.int32)
        long = self.lengths >= 2
        seconds = np.unique(self.codes[long, 1])
        self.second[seconds] = np.arange(len(seconds))
        self.pairs = np.zeros((len(firsts), len(seconds) + 1), dtype=bool)  # the last column: no second character
        self.pairs[self.first[self.codes[long, 0]], self.second[self.codes[long, 1]]] = True
        # Per length L: the sorted hashes of every string's first L characters (those of length ≥ L), and
        # of the strings of length L with their numbers.
        self.prefixes, self.complete = {}, {}
        for length in range(1, self.max_len + 1):
            longer = np.flatnonzero(self.lengths >= length)
            self.prefixes[length] = np.unique(self._hash(self.codes[longer], length))
            ids = np.flatnonzero(self.lengths == length)
            hashes = self._hash(self.codes[ids], length)
            order = np.argsort(hashes, kind="stable")
            self.complete[length] = (hashes[order], ids[order])

    def _hash(self, rows: np.ndarray, length: int) -> np.ndarray:
        """The hash of the first ``length`` characters of each row of code points (as :meth:`find` grows it)."""
        h = np.zeros(len(rows), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(length):
                h = h * self.BASE + rows[:, k].astype(np.uint64)
        return h

    def find(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(start, form number) of every occurrence of every form in ``text``, overlapping ones included, in no set order."""
        codes = np.concatenate((_code_points(text), np.zeros(self.max_len, dtype=np.uint32)))  # zeros: no form runs off the end
        full = (codes >= 0xFF01) & (codes <= 0xFF5E)
        codes[full] -= 0xFEE0  # as HALF_WIDTH: one character for one, so offsets stay
        n = len(text)
        first = self.first[codes[:n]]
        at = np.flatnonzero(first >= 0)
        starts, found = [], []
        h = codes[at].astype(np.uint64)
        self._collect(codes, at, h, 1, starts, found)
        keep = self.pairs[first[at], self.second[codes[at + 1]]]  # -1: the last column, all False
        at, h = at[keep], h[keep]
        with np.errstate(over="ignore"):
            for length in range(2, self.max_len + 1):  # the hash grows one character a step; positions no string continues drop out
                h = h * self.BASE + codes[at + length - 1].astype(np.uint64)
                prefixes = self.prefixes[length]
                alive = prefixes[np.minimum(np.searchsorted(prefixes, h), len(prefixes) - 1)] == h
                at, h = at[alive], h[alive]
                if not len(at):
                    break
                self._collect(codes, at, h, length, starts, found)
        if not starts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(starts), np.concatenate(found)

    def _collect(self, codes: np.ndarray, at: np.ndarray, h: np.ndarray, length: int, starts: list, found: list) -> None:
        """Keep the positions whose ``length`` characters (hash ``h``) are one of the strings, checked character by character."""
        hashes, ids = self.complete[length]
        if not len(hashes):
            return
        k = np.minimum(np.searchsorted(hashes, h), len(hashes) - 1)
        hit = hashes[k] == h
        at, form = at[hit], ids[k[hit]]
        if len(at):  # a hash is no proof
            window = codes[at[:, None] + np.arange(length)]
            same = (window == self.codes[form, :length]).all(axis=1)
            at, form = at[same], form[same]
        starts.append(at.astype(np.int64))
        found.append(form.astype(np.int64))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _pair(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two code points as one exact key (each below 2**21)."""
    return (first.astype(np.uint64) << np.uint64(21)) | second.astype(np.uint64)


@lru_cache(maxsize=4096)
def text_form(entry: str, clean_config: CleanConfig) -> str:
    """The entry as the cleaned texts write it: cleaned like them (script, widths, NFC), spaces kept only between Latin words.

    >>> text_form("全面 從嚴 治黨", CleanConfig()), text_form("Belt and Road", CleanConfig())
    ('全面从严治党', 'Belt and Road')
    """
    parts = [clean_text(p, clean_config).text.strip() or to_simplified(p) for p in entry.split(" ")]
    out = parts[0]
    for part in parts[1:]:
        joined_by_space = not _CJK_CHAR.match(part[:1]) and not _CJK_CHAR.match(out[-1:])
        out += (" " if joined_by_space else "") + part
    return out


def _glob_form(glob: str, clean_config: CleanConfig) -> str:
    """A glob with its literal pieces cleaned as the texts are (the wildcards left alone).

    >>> _glob_form("黨建*", CleanConfig()), _glob_form("＊治理", CleanConfig())
    ('党建*', '*治理')
    """
    pieces = re.split(r"([*?＊？])", glob)
    return "".join(p.translate(HALF_WIDTH) if p in _GLOB_CHARS else (clean_text(p, clean_config).text or to_simplified(p)) if p else ""
                   for p in pieces)  # fmt: skip


def _like(glob: str) -> str:
    """A glob (``*`` any run, ``?`` one character) as an SQL LIKE pattern for Arrow's ``match_like``."""
    escaped = glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def _unlike(like: str) -> str:
    """The word a LIKE pattern without wildcards matches (its escapes undone)."""
    return re.sub(r"\\(.)", r"\1", like)


# --------------------------------------------------------------------------- lookup


def lookup(docs: Corpus | pd.DataFrame, dictionary: Dictionary, *, config: segment.TokenConfig | None = None) -> pd.DataFrame:
    """Every match of the dictionary's entries: doc_id, para_no, sent_no, start, end, category, entry, match, surface, token_aligned.

    ``docs``: a :class:`~corpus.Corpus` (its texts, paragraphs, sentences, token table and settings)
    or a table of documents with ``doc_id`` and ``text`` (segmented with ``config``, default
    settings otherwise). ``start``/``end`` are offsets into the document's cleaned ``text``;
    ``surface`` is the text matched, ``entry`` the dictionary's entry as written; ``match`` is
    ``text`` (a word or multiword entry, found as a substring) or ``token`` (a glob, matched on
    tokens); ``token_aligned`` whether the match begins and ends on token boundaries. Within a
    category each position counts once (the longest entry starting leftmost wins). ``category``
    is categorical over all the dictionary's categories and ``doc_id`` over all documents, so
    counts keep their zeros (``entry`` and ``match`` are categorical too). Rows are in document
    order, then by position. ``sent_no`` comes from the corpus's sentence table
    (:attr:`Corpus.sentences`, built once per corpus); for a table of documents, only the
    paragraphs that hold a match are split into sentences.

    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["坚持全面从严治党，加强党的建设。"]})
    >>> d = dictionary_from({"治党": ["全面从严治党", "从严治党"], "建设": ["*建设"]})
    >>> lookup(docs, d)[["category", "entry", "match", "surface"]].values.tolist()
    [['治党', '全面从严治党', 'text', '全面从严治党'], ['建设', '*建设', 'token', '党的建设']]
    """
    if not isinstance(dictionary, Dictionary):
        raise TypeError(f"lookup() takes a Dictionary (load_dictionary or dictionary_from); got {type(dictionary).__name__}")
    if isinstance(docs, Corpus):
        if config is not None:
            raise TypeError("a corpus is segmented with its own token_config: load it with load_corpus(..., token_config=...)")
        texts = docs.documents(["doc_id", "text"])
        clean_config, token_config = docs.clean_config, docs.token_config
        paras, sents, toks = docs.paragraphs, docs.sentences, docs.tokens()
    elif isinstance(docs, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in docs.columns]
        if missing:
            raise ValueError(f"lookup() needs a Corpus or a table of documents with doc_id and text; the table lacks {missing}")
        texts = docs[["doc_id", "text"]].astype({"doc_id": str})
        if texts["doc_id"].duplicated().any():
            raise ValueError(f"document ids repeat: {sorted(texts.loc[texts['doc_id'].duplicated(), 'doc_id'].unique())[:10]}")
        clean_config, token_config = CleanConfig(), config or segment.TokenConfig()
        paras = structure.paragraphs(texts)
        sents = None  # split where there are matches only
        toks = segment.tokens(paras, config)
    else:
        raise TypeError(f"lookup() takes a Corpus or a DataFrame of documents; got {type(docs).__name__}")
    plan = _plan(dictionary, clean_config)
    _warn_unreachable_globs(plan, token_config)
    doc_ids = texts["doc_id"].astype(str).tolist()
    doc_index = {d: i for i, d in enumerate(doc_ids)}
    hits = _resolve(_concat([_text_hits(plan, texts["text"].tolist()), _token_hits(plan, toks, doc_index)]), plan)
    return _located(hits, plan, doc_ids, texts["text"].tolist(), paras, sents, toks, doc_index)


#: Matches before overlaps are resolved, as arrays: document number, start, end, entry number, kind (0 text, 1 token).
Hits = dict[str, np.ndarray]
_HIT_FIELDS = ("doc", "start", "end", "entry", "kind")


def _hits(doc=(), start=(), end=(), entry=(), kind: int = 0) -> Hits:
    doc = np.asarray(doc, dtype=np.int64)
    return {"doc": doc, "start": np.asarray(start, dtype=np.int64), "end": np.asarray(end, dtype=np.int64),
            "entry": np.asarray(entry, dtype=np.int64), "kind": np.full(len(doc), kind, dtype=np.int8)}  # fmt: skip


def _concat(parts: list[Hits]) -> Hits:
    return {name: np.concatenate([p[name] for p in parts]) for name in _HIT_FIELDS} if parts else _hits()


def _text_hits(plan: _Plan, texts: list[str]) -> Hits:
    """Every position where a text entry starts, with each entry that starts there: one pass per batch of texts.

    Texts are searched joined by line breaks, about 4 million characters at a time (no entry
    holds a line break, so none matches across two texts).
    """
    if plan.finder is None:
        return _hits()
    parts, batch, size = [], [], 0
    for i, text in enumerate(texts):
        batch.append(i)
        size += len(text) + 1
        if size >= 4_000_000 or i == len(texts) - 1:
            parts.append(_batch_hits(plan, texts, batch))
            batch, size = [], 0
    return _concat(parts)


def _batch_hits(plan: _Plan, texts: list[str], batch: list[int]) -> Hits:
    joined = "\n".join(texts[i] for i in batch)
    offsets = np.cumsum([0] + [len(texts[i]) + 1 for i in batch[:-1]], dtype=np.int64)
    start, form = plan.finder.find(joined)
    # One row per entry searching for the string found (the same string may be an entry of several categories).
    n_owners = np.diff(plan.owner_start)[form]
    first = np.cumsum(n_owners) - n_owners
    owner = np.repeat(plan.owner_start[form] - first, n_owners) + np.arange(n_owners.sum())
    which = np.repeat(np.searchsorted(offsets, start, side="right") - 1, n_owners)
    local = np.repeat(start, n_owners) - offsets[which]
    return _hits(np.asarray(batch, dtype=np.int64)[which], local, local + plan.finder.lengths[np.repeat(form, n_owners)],
                 plan.owner_entry[owner], kind=0)  # fmt: skip


def _warn_unreachable_globs(plan: _Plan, config: segment.TokenConfig) -> None:
    """Name the multiword globs with a plain word that the token filters drop (stop list, single characters …): they never match."""
    literal = {part: _unlike(part) for _, likes in plan.globs for part in likes if not re.search(r"(?<!\\)[%_]", part)}
    verdict = segment.vocabulary_filter(config, sorted(set(literal.values())))
    dropped = {part for part, word in literal.items() if not verdict[word]}
    bad = [plan.entries[number] for number, likes in plan.globs if dropped & set(likes)]
    if bad:
        log.warning("%d glob entries name a word the token filters drop (the stop list, single characters, numbers …) and never match: %s",
                    len(bad), "、".join(bad[:30]) + (" …" if len(bad) > 30 else ""))  # fmt: skip


def _token_hits(plan: _Plan, toks: pd.DataFrame, doc_index: Mapping[str, int]) -> Hits:
    """Where each glob matches a token (or, for a multiword glob, a run of touching tokens): each distinct token tested once."""
    if not plan.globs or not len(toks):
        return _hits()
    token = pd.Categorical(toks["token"])
    vocabulary = pa.array([t.translate(HALF_WIDTH) for t in token.categories], type=pa.string())  # widths are one, as in _Finder
    codes = token.codes
    docs = _doc_numbers(toks["doc_id"], doc_index)
    starts, ends = toks["start"].to_numpy(dtype=np.int64), toks["end"].to_numpy(dtype=np.int64)
    matched: dict[str, np.ndarray] = {}
    by_code = np.argsort(codes, kind="stable")  # token rows grouped by token, in text order within each
    first_row = np.searchsorted(codes[by_code], np.arange(len(vocabulary) + 1))

    def vocabulary_matching(like: str) -> np.ndarray:
        if like not in matched:
            matched[like] = pc.match_like(vocabulary, like).to_numpy(zero_copy_only=False)
        return matched[like]

    def rows_matching(like: str) -> np.ndarray:
        return vocabulary_matching(like)[codes]

    parts = []
    for number, likes in plan.globs:
        n = len(likes)
        if n == 1:  # the rows of the matching tokens, gathered without a pass over every row
            words = np.flatnonzero(vocabulary_matching(likes[0]))
            sizes = first_row[words + 1] - first_row[words]
            at = by_code[np.repeat(first_row[words] - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())]
            parts.append(_hits(docs[at], starts[at], ends[at], np.full(len(at), number), kind=1))
            continue
        ok = rows_matching(likes[0]).copy()
        ok[len(ok) - n + 1 :] = False
        for k in range(1, n):
            nxt = np.zeros_like(ok)
            nxt[: len(ok) - k] = rows_matching(likes[k])[k:] & (docs[k:] == docs[:-k]) & (starts[k:] == ends[k - 1 : -1])
            ok &= nxt
        at = np.flatnonzero(ok)
        parts.append(_hits(docs[at], starts[at], ends[at + n - 1], np.full(len(at), number), kind=1))
    return _concat(parts)


def _resolve(hits: Hits, plan: _Plan) -> Hits:
    """Within each document and category, the longest match starting leftmost, then the next that starts after it ends.

    Of matches with the same span, a text entry before a glob, then dictionary order. Most
    matches overlap no other of their category: only the runs of overlapping ones are walked
    one by one. The result is in document order, then by start, end and category.
    """
    if not len(hits["doc"]):
        return hits
    doc, start, end, entry, kind = (hits[name] for name in _HIT_FIELDS)
    cat = plan.entry_category[entry]
    order = np.lexsort((entry, kind, start - end, start, cat, doc))
    doc, cat, start, end = doc[order], cat[order], start[order], end[order]
    group = np.concatenate(([0], np.cumsum((doc[1:] != doc[:-1]) | (cat[1:] != cat[:-1]))))
    first_at_start = np.concatenate(([True], (group[1:] != group[:-1]) | (start[1:] != start[:-1])))
    keep = first_at_start.copy()  # of matches starting together, the longest
    idx = np.flatnonzero(first_at_start)
    # A run of overlapping matches opens where a match begins at or after the end of every earlier one in its group.
    base = group[idx] * (1 << 40)
    reach = np.maximum.accumulate(base + end[idx])
    opens = np.concatenate(([True], base[1:] + start[idx][1:] >= reach[:-1]))
    sizes = np.bincount(np.cumsum(opens) - 1)
    first_of_run = np.concatenate(([0], np.cumsum(sizes)))
    for r in np.flatnonzero(sizes > 1).tolist():
        until = -1
        for row in idx[first_of_run[r] : first_of_run[r + 1]].tolist():  # leftmost-longest within the run
            if start[row] >= until:
                until = end[row]
            else:
                keep[row] = False
    kept = order[keep]
    kept = kept[np.lexsort((plan.entry_category[hits["entry"][kept]], hits["end"][kept], hits["start"][kept], hits["doc"][kept]))]
    return {name: hits[name][kept] for name in _HIT_FIELDS}


def _located(hits: Hits, plan: _Plan, doc_ids: list[str], texts: list[str], paras: pd.DataFrame,
             sents: pd.DataFrame | None, toks: pd.DataFrame, doc_index: Mapping[str, int]) -> pd.DataFrame:  # fmt: skip
    """The match table: paragraph, sentence and token alignment looked up by position, the surface text sliced out.

    ``sents`` is the corpus's sentence table; None: the paragraphs that hold a match are split here.
    """
    doc, start, end, entry, kind = (hits[name] for name in _HIT_FIELDS)
    surface = [texts[d][s:e] for d, s, e in zip(doc.tolist(), start.tolist(), end.tolist())]
    entry_codes, entry_names = pd.factorize(pd.Series(plan.entries, dtype=object))
    para_no = _unit_at(paras, "para_no", doc, start, doc_index)
    return pd.DataFrame({
        "doc_id": pd.Categorical.from_codes(doc, categories=pd.Index(doc_ids, dtype=object), validate=False),
        "para_no": para_no,
        "sent_no": _unit_at(_sentences_with(paras, doc, para_no, doc_ids) if sents is None else sents, "sent_no", doc, start, doc_index),
        "start": start,
        "end": end,
        "category": pd.Categorical.from_codes(plan.entry_category[entry], categories=pd.Index(plan.categories, dtype=object)),
        "entry": pd.Categorical.from_codes(entry_codes[entry], categories=pd.Index(entry_names, dtype=object)),
        "match": pd.Categorical.from_codes(kind, categories=pd.Index(["text", "token"], dtype=object)),
        "surface": pd.array(surface, dtype=object),
        "token_aligned": _aligned(toks, doc, start, end, doc_index) | (kind == 1),
    }, columns=MATCH_COLUMNS)  # fmt: skip


def _sentences_with(paras: pd.DataFrame, doc: np.ndarray, para_no: np.ndarray, doc_ids: list[str]) -> pd.DataFrame:
    """The sentences of the paragraphs that hold a match (:func:`corpus.structure.sentences` numbers them per paragraph)."""
    wanted = pd.MultiIndex.from_arrays([np.asarray(doc_ids, dtype=object)[doc], para_no]).unique()
    held = pd.MultiIndex.from_arrays([paras["doc_id"].astype(str), paras["para_no"]]).isin(wanted)
    return structure.sentences(paras[held])


def _doc_numbers(doc_ids: pd.Series, doc_index: Mapping[str, int]) -> np.ndarray:
    """Each row's document number (its place in the corpus), looked up once per distinct id."""
    ids = doc_ids if isinstance(doc_ids.dtype, pd.CategoricalDtype) else doc_ids.astype("category")
    numbers = np.asarray([doc_index.get(str(d), -1) for d in ids.cat.categories], dtype=np.int64)
    out = numbers[ids.cat.codes.to_numpy()]
    if (out < 0).any() or (ids.cat.codes.to_numpy() < 0).any():
        raise ValueError("a table of the corpus names documents its document table lacks")
    return out


def _global(doc: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(document number, offset) as one sortable number."""
    return doc.astype(np.int64) * (1 << 40) + pos.astype(np.int64)


def _unit_at(units: pd.DataFrame, column: str, doc: np.ndarray, pos: np.ndarray, doc_index: Mapping[str, int]) -> np.ndarray:
    """The ``column`` of the unit (paragraph, sentence) that holds each position: the last starting at or before it (-1 if none)."""
    if not len(doc):
        return np.zeros(0, dtype=np.int64)
    unit_doc = _doc_numbers(units["doc_id"], doc_index)
    keys = _global(unit_doc, units["start"].to_numpy())
    order = np.argsort(keys, kind="stable")
    k = np.searchsorted(keys[order], _global(doc, pos), side="right") - 1
    values = units[column].to_numpy(dtype=np.int64)[order]
    found = (k >= 0) & (unit_doc[order][np.maximum(k, 0)] == doc)
    return np.where(found, values[np.maximum(k, 0)], -1)


def _aligned(toks: pd.DataFrame, doc: np.ndarray, start: np.ndarray, end: np.ndarray, doc_index: Mapping[str, int]) -> np.ndarray:
    """Whether each span begins and ends outside any token's interior (kwic's whole-token rule; dropped tokens leave gaps)."""
    if not len(doc):
        return np.zeros(0, dtype=bool)
    tok_doc = _doc_numbers(toks["doc_id"], doc_index)
    keys = _global(tok_doc, toks["start"].to_numpy())
    order = np.argsort(keys, kind="stable")
    keys, tok_end = keys[order], _global(tok_doc, toks["end"].to_numpy())[order]

    def inside(pos: np.ndarray) -> np.ndarray:
        g = _global(doc, pos)
        k = np.searchsorted(keys, g, side="right") - 1
        safe = np.maximum(k, 0)
        return (k >= 0) & (keys[safe] < g) & (g < tok_end[safe])

    if not len(keys):
        return np.ones(len(doc), dtype=bool)
    return ~inside(start) & ~inside(end)


def unmatched_entries(matches: pd.DataFrame, dictionary: Dictionary, docs: Corpus | pd.DataFrame | None = None, *,
                      config: segment.TokenConfig | None = None) -> pd.DataFrame:  # fmt: skip
    """The dictionary's entries no text writes (category, entry, kind), in dictionary order: typos, other scripts, dead 提法.

    An entry can have no row in ``matches`` and still be written: within a category a position
    counts once, for the longest entry starting leftmost, so 治理能力现代化 written only inside
    国家治理体系和治理能力现代化 (same category) counts for the longer entry. Such an entry is not
    unmatched; the log names them. With ``docs`` (the corpus, or table of documents, the matches
    came from; ``config`` as for :func:`lookup`) each entry without a row is looked up alone, so an
    entry is listed exactly when it occurs nowhere, as :func:`lookup` finds it. Without ``docs`` the
    match table is all there is: a text entry written inside the surface of a match of its
    category is not listed; one that only overlaps a longer match (starts inside it, ends past
    it), and a glob whose tokens always lie inside a text match of its category, still are.
    """
    table = dictionary.entries()
    found = set(zip(matches["category"].astype(str), matches["entry"].astype(str)))
    missing = table[[(c, e) not in found for c, e in zip(table["category"], table["entry"])]]
    if not len(missing):
        return missing.reset_index(drop=True)
    if docs is not None:
        alone = Dictionary({str(row): (entry,) for row, entry in zip(missing.index, missing["entry"])})  # a category each: no overlap to resolve
        written = set(lookup(docs, alone, config=config)["category"].astype(str).unique())
        absorbed = np.asarray([str(row) in written for row in missing.index], dtype=bool)
    else:
        surfaces: dict[str, list[str]] = {}
        for category, surface in zip(matches["category"].astype(str), matches["surface"].astype(str)):
            surfaces.setdefault(category, []).append(surface.translate(HALF_WIDTH))
        joined = {c: "\n".join(dict.fromkeys(v)) for c, v in surfaces.items()}
        absorbed = np.asarray([kind != "glob" and text_form(e, CleanConfig()).translate(HALF_WIDTH) in joined.get(c, "")
                               for c, e, kind in zip(missing["category"], missing["entry"], missing["kind"])], dtype=bool)  # fmt: skip
    if absorbed.any():
        inside = missing[absorbed]
        log.info("%d entries are written only where a longer entry of their category starts at or before them, and count for it: %s",
                 len(inside), "、".join(f"{c}: {e}" for c, e in zip(inside["category"][:30], inside["entry"][:30])))  # fmt: skip
    return missing[~absorbed].reset_index(drop=True)


# --------------------------------------------------------------------------- counts


def _token_counts(docs: Corpus | pd.DataFrame, config: segment.TokenConfig | None) -> tuple[pd.DataFrame, pd.Series]:
    """The documents (doc_id and docvars, in order) and their token counts (the token table, after its filters)."""
    if isinstance(docs, Corpus):
        if config is not None:
            raise TypeError("a corpus is segmented with its own token_config: load it with load_corpus(..., token_config=...)")
        frame = docs.docs
        n = pd.Series(dtype=np.int64)
        for part in docs.iter_tokens():  # shard by shard on a large corpus: only the counts are kept
            n = n.add(part["doc_id"].astype(str).value_counts(), fill_value=0)
    elif isinstance(docs, pd.DataFrame):
        if "doc_id" not in docs.columns or "text" not in docs.columns:
            raise ValueError(f"a table of documents needs doc_id and text (to count its tokens); it has {list(docs.columns)}")
        frame = docs.astype({"doc_id": str})
        n = segment.tokens(structure.paragraphs(frame[["doc_id", "text"]]), config)["doc_id"].astype(str).value_counts()
    else:
        raise TypeError(f"takes a Corpus or a DataFrame of documents; got {type(docs).__name__}")
    frame = frame.drop(columns=[c for c in ("text", "raw", "raw_offsets") if c in frame.columns]).astype({"doc_id": str})
    return frame.reset_index(drop=True), frame["doc_id"].map(n).fillna(0).astype(np.int64)


def dictionary_counts(matches: pd.DataFrame, docs: Corpus | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                      config: segment.TokenConfig | None = None) -> pd.DataFrame:  # fmt: skip
    """Matches per category and document (``by=None``) or per group of documents (a docvar, or several: year, province), tidy.

    One row per unit and category, zeros included: the unit's ids (``doc_id``, or the ``by``
    columns), ``category``, ``count`` (matches), ``tokens`` (the unit's tokens in the corpus's
    token table, after its filters), ``rate`` = ``RATE_BASE`` × count / tokens (matches per
    10,000 tokens; NaN for a unit without tokens), ``documents`` (in the unit) and
    ``documents_matched`` (with at least one match). A group's rate pools its documents
    (Σ count / Σ tokens), so long documents weigh more; for inference across documents use the
    per-document rows. ``docs`` is the corpus (or table of documents) the matches came from;
    documents without a ``by`` value are left out (logged).
    """
    frame, n_tokens = _token_counts(docs, config)
    keys = [by] if isinstance(by, str) else list(by or [])
    unknown = [k for k in keys if k not in frame.columns]
    if unknown:
        raise KeyError(f"no docvar {', '.join(map(repr, unknown))}; the documents have {', '.join(c for c in frame.columns if c != 'doc_id')}")
    categories = _categories(matches)
    per_doc = _doc_category_counts(matches, frame["doc_id"], categories)
    table = pd.DataFrame({
        "doc_id": np.repeat(frame["doc_id"].to_numpy(dtype=object), len(categories)),
        "category": np.tile(np.asarray(categories, dtype=object), len(frame)),
        "count": per_doc.ravel(),
        "tokens": np.repeat(n_tokens.to_numpy(), len(categories)),
    })  # fmt: skip
    table["documents"] = 1
    table["documents_matched"] = (table["count"] > 0).astype(np.int64)
    if keys:
        table = table.merge(frame[["doc_id", *keys]], on="doc_id", how="left")
        missing = table[keys].isna().any(axis=1)
        if missing.any():
            log.info("dictionary_counts(by=%r): %d documents without a value are in no group", keys, table.loc[missing, "doc_id"].nunique())
        summed = ["count", "tokens", "documents", "documents_matched"]
        table = table[~missing].groupby([*keys, "category"], sort=True, observed=True)[summed].sum().reset_index()
        table["category"] = pd.Categorical(table["category"], categories=categories)
        table = table.sort_values([*keys, "category"], kind="stable").reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["rate"] = np.where(table["tokens"] > 0, RATE_BASE * table["count"] / table["tokens"].where(table["tokens"] > 0, 1), np.nan)
    table["category"] = pd.Categorical(table["category"], categories=categories)
    return table[[*(keys or ["doc_id"]), *COUNT_COLUMNS]].reset_index(drop=True)


def _categories(matches: pd.DataFrame) -> list[str]:
    """The dictionary's categories: those of the categorical column (zeros kept), else those found, in order."""
    missing = [c for c in ("doc_id", "category") if c not in matches.columns]
    if missing:
        raise ValueError(f"expected the table lookup() returns; it lacks {missing}")
    column = matches["category"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return list(dict.fromkeys(column.astype(str)))


def _doc_category_counts(matches: pd.DataFrame, doc_ids: pd.Series, categories: list[str]) -> np.ndarray:
    """Matches per document (rows, in ``doc_ids`` order) and category (columns)."""
    rows = pd.Index(doc_ids.astype(str)).get_indexer(matches["doc_id"].astype(str))
    if (rows < 0).any():
        stray = sorted(set(matches.loc[rows < 0, "doc_id"].astype(str)))
        raise ValueError(f"matches name documents the corpus does not have: {', '.join(stray[:10])} (count them with the corpus they came from)")
    cols = pd.Index(categories).get_indexer(matches["category"].astype(str))
    out = np.zeros((len(doc_ids), len(categories)), dtype=np.int64)
    np.add.at(out, (rows, cols), 1)
    return out


def dictionary_dtm(matches: pd.DataFrame, docs: Corpus | pd.DataFrame, *, unit: Literal["doc", "paragraph"] = "doc") -> DTM:
    """The matches as a count matrix, units × categories (a :class:`~corpus.features.DTM`): every document or paragraph, zeros kept.

    Columns are the dictionary's categories in its order, so the matrix goes where a term
    matrix goes: :func:`corpus.keyness` (then the token totals are the dictionary's matches, not
    all tokens: category shares are compared), :func:`corpus.similarity`, trends
    (:meth:`DTM.group` by period).
    """
    if unit not in ("doc", "paragraph"):
        raise ValueError(f"`unit` must be one of 'doc', 'paragraph'; got {unit!r}")
    categories = _categories(matches)
    if isinstance(docs, Corpus):
        ids = pd.Series(docs.doc_ids, dtype=object)
        paras = docs.paragraphs if unit == "paragraph" else None
    elif isinstance(docs, pd.DataFrame) and "doc_id" in docs.columns:
        ids = docs["doc_id"].astype(str).reset_index(drop=True)
        paras = (docs if "para_no" in docs.columns else structure.paragraphs(docs)) if unit == "paragraph" else None
    else:
        raise TypeError(f"dictionary_dtm() takes the Corpus (or table of documents with doc_id) the matches came from; got {type(docs).__name__}")
    if unit == "doc":
        counts = sp.csr_matrix(_doc_category_counts(matches, ids, categories))
        return DTM(counts, pd.DataFrame({"doc_id": ids}), np.asarray(categories, dtype=object))
    rows = paras[["doc_id", "para_no"]].astype({"doc_id": str}).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(rows)
    r = index.get_indexer(pd.MultiIndex.from_arrays([matches["doc_id"].astype(str), matches["para_no"].astype(np.int64)]))
    if (r < 0).any():
        raise ValueError("matches name paragraphs the documents do not have (count them with the corpus they came from)")
    c = pd.Index(categories).get_indexer(matches["category"].astype(str))
    counts = sp.csr_matrix((np.ones(len(r), dtype=np.int64), (r, c)), shape=(len(rows), len(categories)))
    counts.sum_duplicates()
    return DTM(counts, rows, np.asarray(categories, dtype=object))
