"""Cleaning: named, ordered, switchable steps from ``raw`` to ``text``, every change recorded.

Each step reads the text the previous step produced and returns a list of
:class:`Edit` records (offsets into its own input) plus any fields it extracted
(title, source, date ...). The step's output is *built from those edits*, so the
audit is the cleaning: replaying the recorded edits on ``raw`` gives ``text``.
Nothing is deleted silently: removals, changes, extractions and mere suspicions
(``flagged``) all become audit rows. Steps match the shape of an artifact
(a line that starts with 上一篇, a trailer at the end of a page), never the
strings of one particular outlet.

Cleaning never deletes a document's body. Every step that removes text is bounded
relative to the document it is given: it may take at most ``max_removal_share`` of the
document's Chinese text (its ideographs; its non-space characters where it has none), never
all of it, and a trailer only at the end and only while it is short (``max_trailer_share``).
Where a bound stops a step, the step removes nothing and records its would-be removals
as ``flagged`` rows whose note names the bound.
"""

from __future__ import annotations

import html
import importlib
import math
import re
from bisect import bisect_left, bisect_right
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache, wraps
from itertools import accumulate, groupby, repeat
from operator import add, attrgetter, itemgetter, sub
from typing import NamedTuple

import numpy as np

from .dates import WEEKDAY_AFTER, find_dates, is_date_alone, parse_date
from .patterns import (CJK, CJK_CHAR, CN_DIGITS, CN_ORDINALS, CN_ZERO, DEFAULT_MODEL_HEADS, LINE_FINAL, MAX_HEADING_LEN,
                       SENTENCE_END, is_cjk, iter_spaced_sequences)  # fmt: skip

#: Actions an audit row can record.
ACTIONS = ("removed", "changed", "flagged", "extracted")
#: Fields that steps extract into document columns.
FIELDS = ("title", "subtitle", "column_label", "source", "date", "author", "editor", "script")


class Edit(NamedTuple):
    """One change (or flag) at ``[start, end)`` of a step's input: ``before`` becomes ``after``.

    A named tuple: immutable, and made in under half a frozen dataclass's time (0.27 against
    0.69 µs; a heavily edited page holds tens of thousands).
    """

    start: int
    end: int
    before: str
    after: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class CleanConfig:
    """One switch per cleaning step (all on by default) and the few settings they share."""

    page_furniture: bool = True
    unicode: bool = True
    pinyin: bool = True
    mojibake: bool = True
    script: bool = True
    variants: bool = True
    fullwidth: bool = True
    quotes: bool = True
    punctuation: bool = True
    plus_signs: bool = True
    captions: bool = True
    markup: bool = True
    navigation: bool = True
    trailers: bool = True
    header_lines: bool = True
    title: bool = True
    bylines: bool = True
    section_markers: bool = True
    broken_lines: bool = True
    enumeration_breaks: bool = True
    whitespace: bool = True
    #: Heads of X+Y models (党建 ...) that make a lost "+" recognisable outside quotes.
    model_heads: frozenset[str] = DEFAULT_MODEL_HEADS
    #: Confirmed annotations after which orphaned tone-marked syllables count as annotations too.
    min_pinyin_annotations: int = 3
    #: Longest line that can be a title, a heading or front matter.
    max_title_len: int = 80
    #: Largest share of a document that a trailer (repost notice, licence) may take.
    max_trailer_share: float = 0.3
    #: Largest share of a document's Chinese text (its ideographs) that one removal step may take
    #: (page furniture, captions, markup, navigation, trailers, header lines, title, bylines, pinyin); above it the
    #: step removes nothing and flags what it would have removed.
    max_removal_share: float = 0.5

    def __post_init__(self) -> None:
        for name in ("max_trailer_share", "max_removal_share"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"`{name}` must be a share of the document, above 0 and at most 1; got {value!r}")

    def enabled(self) -> list[str]:
        """Names of the steps this configuration runs, in pipeline order."""
        return [name for name, _, _ in STEPS if getattr(self, name)]


@dataclass
class Cleaned:
    """The result of cleaning one document: text, extracted fields and the audit trail."""

    text: str
    fields: dict[str, str] = field(default_factory=dict)
    edits: list[tuple[str, Edit]] = field(default_factory=list)


StepFn = Callable[[str, CleanConfig, dict], list[Edit]]


# --------------------------------------------------------------------------- helpers


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (sorted by start) to text; flags change nothing.

    >>> apply_edits("党建 警务", [Edit(2, 3, " ", "+", "changed")])
    '党建+警务'
    """
    out, pos = [], 0
    append = out.append
    for e in edits:
        start = e.start
        if start < pos:
            raise ValueError(f"overlapping edits at {start}: {e}")
        append(text[pos:start])
        append(e.after if e.action != "flagged" else text[start : e.end])
        pos = e.end
    append(text[pos:])
    return "".join(out)


#: The order of a step's edits (by start, then end), as clean_text sorts them.
_EDIT_ORDER = attrgetter("start", "end")


class _Line(NamedTuple):  # a tuple: built for every line of every text, three times as fast as a frozen dataclass
    start: int
    end: int  # end of content, before the newline
    stop: int  # after the newline (== end at end of text)
    text: str


@lru_cache(maxsize=4)
def _lines(text: str) -> tuple[_Line, ...]:
    """The lines of a text with their offsets; cached, since most steps change nothing and the next reads the same text."""
    parts = text.splitlines(keepends=True)
    stops = list(accumulate(map(len, parts)))
    contents = [part[:-1] if part[-1] == "\n" else part for part in parts]  # a part ends in one \n at most
    starts = [0, *stops[:-1]]
    rows = zip(starts, map(add, starts, map(len, contents)), stops, contents)
    return tuple(map(tuple.__new__, repeat(_Line), rows))  # tuples made in C: a fifth faster than calling _Line


def _lines_holding(text: str, hint: re.Pattern[str]) -> list[_Line]:
    """The lines of a text (as :func:`_lines` splits it) that hold a match of ``hint``, in order.

    For steps whose every edit lies on a line that holds some character: they need look at
    those lines only, found by a search of the text that goes on after the line of each match
    (a line of many matches costs one search). ``hint`` must match nothing
    ``str.splitlines`` breaks at (\\n, \\r, \\x0b, \\x0c, \\x1c-\\x1e, \\x85, U+2028, U+2029).
    """
    m = hint.search(text)
    if m is None:
        return []
    lines, found = _lines(text), []
    starts = [line.start for line in lines]
    search = hint.search
    while m is not None:  # one search a line that holds a match: the rest of the line is skipped
        line = lines[bisect_right(starts, m.start()) - 1]
        found.append(line)
        m = search(text, line.end + 1)
    return found


def _remove_line(line: _Line, text: str, note: str, action: str = "removed") -> Edit:
    return Edit(line.start, line.stop, text[line.start : line.stop], "", action, note)


class Changes:
    """A step's changes that keep the text's length, as columns: the edits ``(start, end, before, after, "changed", note)``.

    What a bulk step (script, quotes, punctuation) finds in a heavily edited text is thousands
    of one-character changes; held as their offsets (``before`` and ``after`` are the step's
    input and output at them, sliced when asked for) they cost two list items each instead of
    an :class:`Edit`, and the loader, which summarises them (:func:`summarize_changes`), never
    makes the objects. :meth:`edits` gives the very edits the step records in :attr:`Cleaned.edits`.
    """

    __slots__ = ("starts", "ends", "note", "source", "text")

    def __init__(self, starts: list[int], ends: list[int], note: str, source: str, text: str):
        self.starts, self.ends, self.note = starts, ends, note
        self.source = source  # the step's input
        self.text = text  # its output: ``source`` with the changes made, as long as it

    @property
    def befores(self) -> list[str]:
        return list(map(self.source.__getitem__, map(slice, self.starts, self.ends)))

    @property
    def afters(self) -> list[str]:
        return list(map(self.text.__getitem__, map(slice, self.starts, self.ends)))

    def edits(self) -> list[Edit]:
        return list(map(Edit, self.starts, self.ends, self.befores, self.afters, repeat("changed"), repeat(self.note)))

    def changed_positions(self) -> np.ndarray:
        """The positions of every changed character, in order."""
        starts, ends = np.array(self.starts, dtype=np.int64), np.array(self.ends, dtype=np.int64)
        lengths = ends - starts
        if len(lengths) and lengths.max() == 1:
            return starts
        return np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + np.arange(lengths.sum())

    def counts(self, top: int | None = None) -> tuple[list[tuple[tuple[str, str], int]], int, int]:
        """The ``top`` commonest (before, after) pairs with their numbers (None: all; ties: first seen first), the number
        of distinct pairs and the number of changes. (Counting code points in arrays instead was no faster, even for
        a megabyte of Traditional text: runs of several characters are common, and a ``Counter`` of 75,000 is 40 ms.)"""
        counts = Counter(zip(self.befores, self.afters))
        return counts.most_common(top), len(counts), len(self.starts)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _char_edits(text: str, changes: dict[int, str], note: str) -> list[Edit]:
    """The edits that put ``changes`` (position → another character) into ``text``: adjacent changes are one edit.

    The same edits :func:`_diff_edits` finds between ``text`` and the text with the changes
    made, without building that text and comparing it.
    """
    return _char_changes(text, changes, note).edits()


def _char_changes(text: str, changes: dict[int, str], note: str) -> Changes:
    """:func:`_char_edits` as :class:`Changes` (adjacent changes one run), the changed text built in an array of code points."""
    positions = sorted(changes)
    if len(positions) < max(_ARRAY_MIN, 1):  # a few: a loop costs less than the arrays
        starts, ends, afters = [], [], []
        k, n = 0, len(positions)
        while k < n:
            start = positions[k]
            end, k = start + 1, k + 1
            while k < n and positions[k] == end:
                end, k = end + 1, k + 1
            starts.append(start)
            ends.append(end)
            afters.append(changes[start] if end == start + 1 else "".join(map(changes.__getitem__, range(start, end))))
        kept = list(map(text.__getitem__, map(slice, [0, *ends], [*starts, len(text)])))  # the text between the changes
        return Changes(starts, ends, note, text, "".join([part for pair in zip(kept, afters) for part in pair] + kept[-1:]))
    at = np.array(positions, dtype=np.int64)
    points = _code_points(text).copy()
    points[at] = _code_points("".join(map(changes.__getitem__, positions)))
    apart = np.diff(at) != 1
    starts, ends = at[np.concatenate(([True], apart))].tolist(), (at[np.concatenate((apart, [True]))] + 1).tolist()
    return Changes(starts, ends, note, text, points.tobytes().decode("utf-32-le", "surrogatepass"))


def _diff_edits(before: str, after: str, note: str) -> list[Edit]:
    """Character-level edits turning ``before`` into ``after`` (for bulk conversions)."""
    found = _diff_changes(before, after, note)
    return found.edits() if isinstance(found, Changes) else found


def _diff_changes(before: str, after: str, note: str) -> Changes | list[Edit]:
    """:func:`_diff_edits`, as :class:`Changes` where ``after`` is as long as ``before`` (edits otherwise)."""
    if len(before) == len(after):
        a = np.frombuffer(before.encode("utf-32-le"), dtype=np.uint32)
        b = np.frombuffer(after.encode("utf-32-le"), dtype=np.uint32)
        diff = np.concatenate(([False], a != b, [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(diff))  # run starts and ends, alternating
        return Changes(edges[::2].tolist(), edges[1::2].tolist(), note, before, after)
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(i1, i2, before[i1:i2], after[j1:j2], "changed", note)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _is_body(line: str, max_len: int) -> bool:
    """A line that reads as running text rather than a title, heading or front matter."""
    stripped = line.strip()
    return len(stripped) > max_len or (len(stripped) > 20 and stripped[-1] in SENTENCE_END)


_REMOVING = frozenset({"removed", "extracted"})
# The code-point ranges of patterns.CJK, for counting ideographs with NumPy (the 64 Yijing hexagram
# symbols between the first two are counted with them: one comparison instead of two).
_IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF))


_IDEOGRAPH = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")  # the same ranges, hexagrams included


@lru_cache(maxsize=8)
def ideograph_count(text: str) -> int:
    """How many CJK ideographs a text holds (counted on its code points at once; cached, as several steps measure one text)."""
    if len(text) < 256:  # a removed line or phrase: a scan costs less than building the arrays
        return len(_IDEOGRAPH.findall(text))
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    # One unsigned comparison a range: a code point below the range wraps round to a large number.
    count = np.count_nonzero(points - np.uint32(0x3400) <= np.uint32(0x9FFF - 0x3400))
    if points.max() >= 0xF900:
        count += sum(np.count_nonzero(points - np.uint32(lo) <= np.uint32(hi - lo)) for lo, hi in _IDEOGRAPH_RANGES[2:])
    return int(count)


def nonspace_count(text: str) -> int:
    """How many characters of a text are not spaces, tabs, line breaks or ideographic spaces (what a bound measures)."""
    return len(text) - sum(map(text.count, " \t\n\u3000"))


def _removal_bound(text: str, removals: list[Edit], cfg: CleanConfig) -> str | None:
    """Why a step may not make these removals from ``text`` (the bound that stops it), or None if it may.

    A step may remove at most ``max_removal_share`` of the document's Chinese text (its
    ideographs: markup, pinyin syllables and blank lines weigh nothing), and never all of
    its text. A document without ideographs is measured in non-space characters.
    """
    measure, unit = (ideograph_count, "Chinese characters") if ideograph_count(text) else (nonspace_count, "non-space characters")
    total = measure(text)
    # Both measures add up over pieces of text: one count of all the removed text instead of one per removal.
    removed = measure("".join([e.before for e in removals])) - measure("".join([e.after for e in removals]))
    if removed and removed >= total:
        return f"bound: it would remove all {total} {unit} of the document"
    if removed > cfg.max_removal_share * total:
        return (f"bound max_removal_share={cfg.max_removal_share:g}: it would remove {removed} of the document's "
                f"{total} {unit} ({removed / total:.0%})")  # fmt: skip
    return None


def _bounded(step: StepFn) -> StepFn:
    """A removal step held to :func:`_removal_bound`: stopped, it removes and extracts nothing and flags what it would have.

    The step fills a copy of the context; its fields reach the real one only when its removals stand.
    """

    @wraps(step)
    def bounded(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
        found = dict(ctx)
        edits = step(text, cfg, found)
        removals = [e for e in edits if e.action in _REMOVING]
        stop = _removal_bound(text, removals, cfg) if removals else None
        if stop is None:
            ctx.update(found)
            return edits
        return [Edit(e.start, e.end, e.before, e.before, "flagged", f"{e.note}; kept, {stop}") if e.action in _REMOVING else e
                for e in edits]  # fmt: skip

    return bounded


# --------------------------------------------------------------------------- steps

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ODD_SPACE = re.compile("[\u00a0\u2002-\u200a\u202f\u205f]")
# Line breaks other than \n: \r\n and \r; vertical tab (a manual break in word processors), the
# separators Python's str.splitlines breaks at (\x1c-\x1e, NEL \x85, U+2028, U+2029).
_LINE_BREAKS = frozenset("\x0b\x1c\x1d\x1e\x85\u2028\u2029")
# Control characters: C0 but tab, line feed, form feed and the line breaks above; DEL; C1.
_CONTROLS = frozenset(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0xA0)])) - _LINE_BREAKS
# One character class, no lookbehind: the scan skips ahead to the next candidate (a lookbehind in the
# pattern would make it try every position). A C1 code point after a Latin-1 character is tested below.
# Bidirectional controls (marks, embeddings, overrides, isolates): invisible, and they reorder how the text
# around them is shown (U+202E shows what follows backwards, in a report page too).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNICODE_FIXES = re.compile(
    "[\r\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u2002-\u200a\u202f\u205f"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    "(?:(?<=\r)\n)?"  # \r\n as one
)


def step_unicode(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """NFC, one kind of line break, no control or invisible characters, ordinary spaces for odd ones.

    A form feed (a page break in text taken from a PDF) is a line break, not a paragraph break:
    a page ends wherever the sentence was, and :func:`step_broken_lines` rejoins a sentence the
    page cut; beside a line break it is simply removed. A C1 code point (\\x80-\\x9f) right after
    a Latin-1 character, and a soft hyphen or no-break space after two, are left alone: they are
    bytes of UTF-8 read as Latin-1 (å\\x85¬ for 公, ä¸\\xad for 中), which the mojibake step repairs.
    """
    normalized = unicodedata.is_normalized("NFC", text)
    edits: list[Edit] = []
    pos = 0
    for m in _UNICODE_FIXES.finditer(text):
        ch = m.group()
        if "\x80" <= ch <= "\x9f" and "\x80" <= text[m.start() - 1 : m.start()] <= "\xff":
            continue
        if ch in "\xa0\xad" and m.start() >= 2 and all("\x80" <= c <= "\xff" for c in text[m.start() - 2 : m.start()]):
            continue  # the last byte of a character in a run of UTF-8 read as Latin-1 (ä¸\xad: 中, å\x8a\xa0: 加)
        if not normalized:
            edits += _nfc_edits(text, pos, m.start())
        pos = m.end()
        if ch == "\x0c":
            beside_break = text[m.start() - 1 : m.start()] in ("\n", "\r") or text[m.end() : m.end() + 1] in ("\n", "\r")
            edits.append(Edit(m.start(), m.end(), ch, "" if beside_break else "\n", "changed", "page break (form feed) → line break"))
        elif ch[0] == "\r":
            edits.append(Edit(m.start(), m.end(), ch, "\n", "changed", "unicode normalisation"))
        elif ch in _LINE_BREAKS:
            edits.append(Edit(m.start(), m.end(), ch, "\n", "changed", f"line break U+{ord(ch):04X} → \\n"))
        elif ch in _CONTROLS:
            edits.append(Edit(m.start(), m.end(), ch, "", "removed", f"control character U+{ord(ch):04X} removed"))
        elif ch in _BIDI:
            edits.append(Edit(m.start(), m.end(), ch, "", "removed", f"bidirectional control U+{ord(ch):04X} removed "
                                                                     "(it reorders how the text around it is shown)"))
        else:
            edits.append(Edit(m.start(), m.end(), ch, " " if _ODD_SPACE.fullmatch(ch) else "", "changed", "unicode normalisation"))
    if not normalized:
        edits += _nfc_edits(text, pos, len(text))
    return edits


def _nfc_edits(text: str, start: int, end: int) -> list[Edit]:
    """The edits that bring ``text[start:end]`` to NFC, at offsets into ``text`` (compatibility ideographs, combining marks)."""
    part = text[start:end]
    if unicodedata.is_normalized("NFC", part):
        return []
    return [e._replace(start=e.start + start, end=e.end + start)
            for e in _diff_edits(part, unicodedata.normalize("NFC", part), "unicode normalisation (NFC)")]  # fmt: skip


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """The text in Traditional script (OpenCC s2t): how a KWIC line of a Traditional document is shown.

    >>> to_traditional("坚持党的领导")
    '堅持黨的領導'
    """
    return _converter("s2t").convert(text)


def to_simplified(text: str) -> str:
    """The text in Simplified script (OpenCC t2s), as the ``script`` step writes it.

    >>> to_simplified("堅持黨的領導")
    '坚持党的领导'
    """
    return _converter("t2s").convert(text)


#: Per code point, memoised across texts: 1 once known, + 2 where only Traditional writes it, + 4 where
#: only Simplified writes it, as OpenCC t2s and s2t tell (a character t2s changes is Traditional; one s2t
#: changes, Simplified). Filled for the characters a corpus uses, a few thousand; looked up with NumPy.
_SCRIPT_OF = np.zeros(0x110000, dtype=np.uint8)


def detect_script(text: str) -> str:
    """'simplified', 'traditional' or 'mixed', from the characters only one script uses.

    >>> detect_script("党建引领"), detect_script("黨建引領"), detect_script("党建引領公安機關")
    ('simplified', 'traditional', 'mixed')
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points[points >= 0x3400]
    flags = _SCRIPT_OF[points]
    if not flags.all():
        unseen = [chr(c) for c in np.unique(points[flags == 0])]
        as_simp = _converter("t2s").convert("\n".join(unseen)).split("\n")
        as_trad = _converter("s2t").convert("\n".join(unseen)).split("\n")
        for c, s_, t_ in zip(unseen, as_simp, as_trad):
            _SCRIPT_OF[ord(c)] = 1 | (2 if s_ != c else 0) | (4 if t_ != c else 0)
        flags = _SCRIPT_OF[points]
    trad = int(np.count_nonzero(flags & 2))
    simp = int(np.count_nonzero(flags & 4))
    if trad == 0 or simp > 4 * trad:
        return "simplified"
    if simp == 0 or trad > 9 * simp:
        return "traditional"
    return "mixed"


def step_script(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Traditional → Simplified with OpenCC (t2s), recording the original script."""
    return _as_edits(_script_changes(text, cfg, ctx))


def _script_changes(text: str, cfg: CleanConfig, ctx: dict) -> Changes | list[Edit]:
    """:func:`step_script`, its changes as :class:`Changes` where the conversion kept the length (edits otherwise)."""
    script = detect_script(text)
    ctx["script"] = script
    if script == "simplified":
        return []
    converted = _converter("t2s").convert(text)
    if len(converted) == len(text):  # leave flagged mojibake exactly as it was found
        for start, end in _suspect_spans(text):
            converted = converted[:start] + text[start:end] + converted[end:]
    return _diff_changes(text, converted, f"OpenCC t2s ({script} original)")


def _as_edits(found: Changes | list[Edit]) -> list[Edit]:
    return found.edits() if isinstance(found, Changes) else found


@lru_cache(maxsize=1)
def _variant_table() -> dict[str, str]:
    """Old and variant forms → their standard Simplified character, from OpenCC's own tables.

    A variant here is an ideograph in neither GB2312 (the characters every Simplified text
    writes) nor Big5 (standard Traditional): 羣衆, 敎, 衞, 綫 in texts of the 1950s, Hong Kong
    forms, old glyph shapes. Its standard form is the first that maps it, in this order:
    OpenCC t2s; its Hong Kong and Taiwan variant tables (hk2s, tw2s: t2s alone leaves 衞);
    the Japanese table read backwards, where the modern form is a Chinese one (硏 → 研).
    Only mappings to a GB2312 character are kept, so a character a Simplified text may
    write (著, 於, 徵, and names such as 喆 or 堃) is never touched. The radicals (Kangxi radicals
    and the CJK radicals supplement: ⽣ U+2F63, ⻔ U+2EC6) are here too: PDF and word-processor
    exports write them for the ideograph of the same shape, which segmentation and search then
    miss; each maps to its NFKC form, in Simplified script. Built once, in about 0.1 s.
    """
    candidates = [chr(c) for lo, hi in _IDEOGRAPH_RANGES[:2] for c in range(lo, hi + 1)]
    gb2312, big5 = _charset(candidates, "gb2312"), _charset(candidates, "big5")
    outside = [c for c in candidates if c not in gb2312 and c not in big5]
    joined = "\n".join(outside)  # one character a line: no phrase of one can match across two
    mapped = {name: _converter(name).convert(joined).split("\n") for name in ("t2s", "hk2s", "tw2s", "t2jp")}
    table = {}
    for i, c in enumerate(outside):
        for target in (mapped["t2s"][i], mapped["hk2s"][i], mapped["tw2s"][i]):
            if target != c:
                break
        else:
            modern = mapped["t2jp"][i]
            target = to_simplified(modern) if modern in gb2312 or modern in big5 else c
        if target != c and target in gb2312:
            table[c] = target
    for c in map(chr, range(*_RADICALS)):
        target = unicodedata.normalize("NFKC", c)
        target = target if target in gb2312 else to_simplified(target)
        if target != c and len(target) == 1 and _charset([target], "gb2312"):
            table[c] = target
    return table


#: The radical blocks (CJK Radicals Supplement, Kangxi Radicals), as a range of code points.
_RADICALS = (0x2E80, 0x2FE0)


def _charset(chars: list[str], encoding: str) -> frozenset[str]:
    """Those of ``chars`` that ``encoding`` can write."""
    out = set()
    for c in chars:
        try:
            c.encode(encoding)
        except UnicodeEncodeError:
            continue
        out.add(c)
    return frozenset(out)


@lru_cache(maxsize=1)
def _variant_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(sorted(_variant_table())) + "]")


def step_variants(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Old and variant forms → the standard Simplified character (羣衆 → 群众, 敎 → 教, 衞 → 卫, 綫 → 线; radicals ⽣ → 生), in every text.

    Runs on Simplified texts too, which the ``script`` step leaves as they are, and after it
    on Traditional ones (for what t2s does not know). The table is :func:`_variant_table`'s;
    a character inside a span the mojibake step flagged is left as it was found.
    """
    variant = _variant_re()
    if not variant.search(text):
        return []
    table, edits = _variant_table(), []
    suspect = {i for start, end in _suspect_spans(text) for i in range(start, end)}
    for m in variant.finditer(text):
        if m.start() not in suspect:
            note = "radical → the ideograph of its shape" if _RADICALS[0] <= ord(m.group()) < _RADICALS[1] else "variant form → standard character"
            edits.append(Edit(m.start(), m.end(), m.group(), table[m.group()], "changed", note))
    return edits


_FULLWIDTH_HINT = re.compile("[０-９Ａ-Ｚａ-ｚ]")
# A run of full-width digits and letters, with the decimal point and percent sign of a full-width number.
_FULLWIDTH_RUN = re.compile("[０-９Ａ-Ｚａ-ｚ](?:[０-９Ａ-Ｚａ-ｚ]|(?<=[０-９])．(?=[０-９])|(?<=[０-９])％)*")
_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()} | {"．": ".", "％": "%"}
_CN_YEAR_DIGITS = CN_DIGITS + CN_ZERO


def step_fullwidth(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Full-width digits and Latin letters → ASCII (２０１２年 → 2012年, ＧＤＰ → GDP, １２．５％ → 12.5%).

    A number's full-width decimal point and percent sign go with its digits; Chinese punctuation
    (，。：；（）！？ and ％ after an ASCII digit) stays as it is. A full-width zero inside a
    written-out number stands for 〇 (二００一年, 二０一０年 → 二〇〇一年, 二〇一〇年).
    """
    if not _FULLWIDTH_HINT.search(text):
        return []
    edits = []
    for m in _FULLWIDTH_RUN.finditer(text):
        run = m.group()
        beside = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
        if run.strip("０") == "" and any(ch in _CN_YEAR_DIGITS for ch in beside):
            edits.append(Edit(m.start(), m.end(), run, "〇" * len(run), "changed", "full-width zero in a Chinese numeral → 〇"))
        else:
            edits.append(Edit(m.start(), m.end(), run, "".join(_TO_ASCII[c] for c in run), "changed", "full-width digits and letters → ASCII"))
    return edits


_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_SYLLABLE = rf"[a-z{_TONES}]{{1,6}}[1-5]?"
# A tone-marked syllable left without its character: after an opening parenthesis (its closing one optional), or starting
# a word and closed by a parenthesis. ``[(（][a-z]*T[a-z]*[)）]?|(?<![A-Za-zT])[a-z]*T[a-z]*[)）]`` written to open on its
# first character, so that the scan skips to the next parenthesis or letter (the same matches, ten times as fast); the
# branch is chosen by that character, and the lookbehind after it (``(?<!X.)``) tests the one before it.
_ORPHAN_PINYIN_RE = re.compile(rf"[(（a-z{_TONES}](?:(?<=[(（])[a-z]*[{_TONES}][a-z]*[)）]?"
                               rf"|(?<=[a-z])(?<![A-Za-z{_TONES}].)[a-z]*[{_TONES}][a-z]*[)）]"
                               rf"|(?<=[{_TONES}])(?<![A-Za-z{_TONES}].)[a-z]*[)）])")  # fmt: skip
_PINYIN_RE = re.compile(rf"([{CJK}]{{1,6}})[(（]((?:[a-z{_TONES}]{{1,6}}[1-5]?)(?:\s+[a-z{_TONES}]{{1,6}}[1-5]?)*)[)）]")


@lru_cache(maxsize=65536)
def _readings(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    readings = set()
    for style in (Style.TONE, Style.TONE3, Style.NORMAL):
        readings.update(r.replace("v", "ü") for r in pinyin(char, style=style, heteronym=True)[0])
        readings.update(pinyin(char, style=style, heteronym=True, v_to_u=False)[0])
    return frozenset(readings)


_PINYIN_HINT = re.compile(rf"[(（][a-z{_TONES}]")


def _pinyin_annotations(text: str) -> Iterator[re.Match[str]]:
    """What ``_PINYIN_RE.finditer(text)`` finds, tried only where a parenthesis opens on pinyin.

    A match is one to six ideographs right before such a parenthesis: the search starts at
    the earliest of them. (Searching for the ideographs first tries every position of a
    Chinese text; this tries a few.)
    """
    tail, match = _CJK_TAIL.search, _PINYIN_RE.match
    for hint in _PINYIN_HINT.finditer(text):
        paren = hint.start()
        run = tail(text, max(paren - 6, 0), paren)  # the longest run of at most six ideographs right before it
        if run is not None:
            m = match(text, run.start())
            if m:
                yield m


# One to six ideographs up to the end of the searched stretch (\Z: at endpos, never before a line break).
_CJK_TAIL = re.compile(rf"[{CJK}]{{1,6}}\Z")


@lru_cache(maxsize=65536)
def _annotated(ideographs: str, annotation: str) -> str | None:
    """The characters at the end of ``ideographs`` that ``annotation`` (syllables) reads, one syllable each; None if it
    does not read them. Cached: a converter annotates the same words over and over."""
    syllables = annotation.split()
    chars = ideographs[-len(syllables) :]
    if len(chars) == len(syllables) and all(s in _readings(c) for c, s in zip(chars, syllables)):
        return chars
    return None


@_bounded
def step_pinyin(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Drop pinyin a converter inserted after characters (區(qū) → 區), only where it is their reading."""
    if not _PINYIN_HINT.search(text):  # most texts: no parenthesis opens on a lower-case letter
        return []
    edits = []
    for m in _pinyin_annotations(text):
        chars = _annotated(*m.group(1, 2))
        if chars is not None:
            start = m.start(2) - 1
            edits.append(Edit(start, m.end(), text[start : m.end()], "", "removed", f"pinyin annotation of {chars}"))
    if len(edits) >= cfg.min_pinyin_annotations:
        # The converter ran over this text: tone-marked syllables whose character was lost
        # (to mojibake) are its annotations too, even with one parenthesis eaten. None crosses
        # a line, so the whole text's search finds what a search of each line would.
        starts, ends = [e.start for e in edits], [e.end for e in edits]
        for m in _ORPHAN_PINYIN_RE.finditer(text):
            k = bisect_right(starts, m.start()) - 1
            if k < 0 or m.start() >= ends[k]:
                edits.append(Edit(m.start(), m.end(), m.group(), "", "removed", "pinyin annotation whose character was lost"))
    return edits


# The signs of mojibake: U+FFFD, €, a private-use character, and a "?" right before or after an ideograph
# (U+3400-U+9FFF) where no question ends (_QUESTION). _mark_re finds them, with the rare ideographs, in one scan.
# A clause that asks: a "?" after it is a question mark that lost its width, not mojibake.
_QUESTION = re.compile(r"(?:吗|呢|吧|么|啊|呀|什么|怎么|怎样|为什么|为何|如何|哪|谁|是否|还是|难道|岂|多少|几)[^，。！？；：,.!;:\n]{0,12}$")


@lru_cache(maxsize=65536)
def _is_rare(char: str) -> bool:
    """A CJK character outside both GB2312 and Big5, and no known variant form: rare in real text, common in mojibake.

    Old and variant forms (羣衆, 敎, 衞, 綫: :func:`_variant_table`) lie outside both too, but are
    real text: the ``variants`` step converts them.
    """
    if not re.fullmatch(CJK_CHAR, char):
        return False
    for enc in ("gb2312", "big5"):
        try:
            char.encode(enc)
            return False
        except UnicodeEncodeError:
            pass
    return char not in _variant_table()


_JUNK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!?()" + _TONES)


def _is_question_mark(text: str, i: int) -> bool:
    """Whether the "?" at ``i`` ends a question (its clause asks: 吗, 还是, 如何 ...; in Traditional script too: 嗎, 還是)."""
    clause = re.split(r"[，。！？；：,.!;:\n]", text[max(0, i - 40) : i])[-1]
    return bool(_QUESTION.search(clause) or _QUESTION.search(to_simplified(clause)))


@lru_cache(maxsize=1)
def _rare_bmp() -> list[int]:
    """The code points of the rare ideographs (:func:`_is_rare`) in the Basic Multilingual Plane, in order."""
    bmp = [chr(c) for lo, hi in _IDEOGRAPH_RANGES[:3] for c in range(lo, hi + 1)]
    common = _charset(bmp, "gb2312") | _charset(bmp, "big5") | frozenset(_variant_table())
    return [ord(c) for c in bmp if c not in common]


@lru_cache(maxsize=1)
def _mark_re() -> re.Pattern[str]:
    """One class of every character that can be a suspect mark: the rare ones (:func:`_is_rare`) and the signs.

    Every ideograph outside the Basic Multilingual Plane is rare (GB2312 and Big5 write none,
    and no variant form lies there); those inside it are tested once, in about 30 ms.
    """
    rare = _rare_bmp()
    ranges, k = [], 0
    while k < len(rare):
        j = k
        while j + 1 < len(rare) and rare[j + 1] == rare[j] + 1:
            j += 1
        ranges.append(chr(rare[k]) if j == k else f"{chr(rare[k])}-{chr(rare[j])}")
        k = j + 1
    return re.compile("[" + "".join(ranges) + "\U00020000-\U0002ebef\ufffd€\ue000-\uf8ff?]")


@lru_cache(maxsize=4)
def _suspect_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans that look like mis-decoded bytes: groups of suspect marks at most one character apart.

    Marks are rare characters (:func:`_is_rare`) and the signs of mojibake (U+FFFD, €, private
    use, a ? beside an ideograph that ends no question). A variant form (羣, 衞:
    :func:`_variant_table`) is real text on its own, but UTF-8 read as GBK makes such forms too
    (鎸, 閲): it joins a group only beside another mark, and a group of variants alone is no
    suspect. A group is one when it holds a sign (?, U+FFFD ...) or two marks. Found with one
    scan for every mark (:func:`_mark_re`), and cached: three steps ask about one text.
    """
    marks = []
    for m in _mark_re().finditer(text):
        i = m.start()
        if text[i] == "?":  # a sign only beside an ideograph, and only where no question ends
            if not ("\u3400" <= text[i - 1 : i] <= "\u9fff" or "\u3400" <= text[i + 1 : i + 2] <= "\u9fff"):
                continue
            if _is_question_mark(text, i):
                continue
        marks.append(i)
    if not marks:
        return ()
    seconds = {m.start() for m in _variant_re().finditer(text)}
    marks = sorted(set(marks) | seconds)
    spans = []
    i = 0
    while i < len(marks):
        start = end = marks[i]
        j = i + 1
        while j < len(marks) and marks[j] - end <= 2:  # one ordinary char may sit between
            end = marks[j]
            j += 1
        firsts = [k for k in marks[i:j] if k not in seconds]
        is_strong = bool(firsts) and (any(not _is_rare(text[k]) for k in firsts) or j - i >= 2)
        if is_strong:
            while start > 0 and text[start - 1] in _JUNK:
                start -= 1
            end += 1
            while end < len(text) and text[end] in _JUNK:
                end += 1
            spans.append((start, end))
        i = j
    return tuple(spans)


@lru_cache(maxsize=4096)
def _repair(span: str) -> str | None:
    """The original of a mojibake span, if one decoding mistake explains it with certainty.

    UTF-8 read as Latin-1/cp1252 is ftfy's job; UTF-8 read as GBK (which ftfy does not
    cover) is undone by re-encoding, accepted only if it decodes strictly to common characters.
    """
    import ftfy

    candidates = [ftfy.fix_encoding(span)]
    try:
        candidates.append(span.encode("gb18030").decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    for fixed in candidates:
        if fixed and fixed != span and all(not _is_rare(c) and c not in "\ufffd?€" for c in fixed):
            return fixed
    return None


_LATIN_MOJIBAKE = re.compile("[\u00c0-\u00ff][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u201a\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+")
# Mojibake of UTF-8 read as GBK mixes ideographs with kana, Greek, Cyrillic and symbols.
_CJK_RUN = re.compile(r"[^\x00-\x7f\s，。、；：？！“”‘’（）《》【】\ufffd]{4,}")
_UTF8_CJK_BYTES = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}){2,}")


@lru_cache(maxsize=4)
def _may_hold_utf8_read_as_gbk(text: str, min_chars: int = 3) -> bool:
    """Whether the whole text, encoded as GB18030, holds ``min_chars`` (at most 3) 3-byte UTF-8 ideographs in a row.

    Where it does not, no run of :func:`_gbk_mojibake_runs` can: a run's bytes lie in the whole
    text's (GB18030 keeps no state between characters). One test of the whole text, on its
    bytes with NumPy, instead of a search in the bytes of every run. Cached: the cleaning
    pipeline asks before the ``mojibake`` step, which asks again.
    """
    data = np.frombuffer(text.encode("gb18030", "replace"), dtype=np.uint8)
    n = min(max(min_chars, 2), 3)  # _UTF8_CJK_BYTES needs two sequences at least
    if len(data) < 3 * n:
        return False
    lead = (data - np.uint8(0xE3)) <= np.uint8(0xE9 - 0xE3)  # unsigned: below 0xE3 wraps round to large
    cont = (data - np.uint8(0x80)) <= np.uint8(0xBF - 0x80)
    seq = lead[:-2] & cont[1:-1] & cont[2:]  # a 3-byte sequence starts here
    found = seq[: len(seq) - 3 * (n - 1)].copy()
    for k in range(1, n):
        found &= seq[3 * k : len(seq) - 3 * (n - 1 - k)]
    return bool(found.any())


def _gbk_mojibake_runs(text: str, min_chars: int = 3) -> Iterator[tuple[int, int]]:
    """Spans of ideographs that are UTF-8 bytes read as GBK (鍏氬缓 for 党建).

    Re-encoded as GB18030, such a span is a sequence of 3-byte UTF-8 ideographs,
    aligned on character boundaries; ``min_chars`` recovered characters make chance
    agreement in real text negligible.
    """
    if not _may_hold_utf8_read_as_gbk(text, min_chars):
        return
    for m in _CJK_RUN.finditer(text):
        run = m.group()
        try:
            data = run.encode("gb18030")
        except UnicodeEncodeError:
            continue
        if not _UTF8_CJK_BYTES.search(data):
            continue
        if len(data) == 2 * len(run):  # all two-byte characters: offsets are even
            char_at = {2 * k: k for k in range(len(run) + 1)}
        else:
            offsets = [0]
            for ch in run:
                offsets.append(offsets[-1] + len(ch.encode("gb18030")))
            char_at = {o: k for k, o in enumerate(offsets)}
        pos = 0
        while (seq := _UTF8_CJK_BYTES.search(data, pos)) is not None:
            best = (0, 0)
            for a in range(seq.start(), seq.start() + 3):  # the phase that starts on a character
                found = _UTF8_CJK_BYTES.match(data, a) if a in char_at else None
                if found:
                    b = found.end()
                    while b > a and b not in char_at:
                        b -= 3
                    best = max(best, (b - a, a))
            length, a = best
            if length >= 3 * min_chars:
                yield m.start() + char_at[a], m.start() + char_at[a + length]
            pos = max(seq.end(), a + length) if length else seq.start() + 1


def step_mojibake(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Flag spans that look like mis-decoded bytes; repair them only where the original is certain.

    Suspects: a ``?`` or U+FFFD inside Chinese text, ``€``, runs of rare characters,
    Latin-1 mojibake (å…¬), and ideograph runs that are UTF-8 read as GBK.
    """
    certain = list(_gbk_mojibake_runs(text))
    others = sorted(set(_suspect_spans(text)) | {m.span() for m in _LATIN_MOJIBAKE.finditer(text)})
    spans = certain + [(a, b) for a, b in others if not any(a < d and c < b for c, d in certain)]
    edits: list[Edit] = []
    for start, end in sorted(spans):
        if edits and start < edits[-1].end:
            continue
        span = text[start:end]
        context = text[max(0, start - 8) : end + 8].replace("\n", " ")
        fixed = _repair(span)
        if fixed is not None:
            edits.append(Edit(start, end, span, fixed, "changed", f"mojibake repaired; context: {context}"))
        else:
            edits.append(Edit(start, end, span, span, "flagged", f"possible mojibake, kept; context: {context}"))
    return edits


_CORNER_TO = {"「": "“", "」": "”", "『": "‘", "』": "’", "﹁": "“", "﹂": "”", "﹃": "‘", "﹄": "’"}
_CORNER_HINT = re.compile("[「」『』﹁﹂﹃﹄]")


def step_quotes(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Corner quotes 「」『』 → “” ‘’, the marks simplified-script texts use."""
    return _quote_changes(text, cfg, ctx).edits()


def _quote_changes(text: str, cfg: CleanConfig, ctx: dict) -> Changes:
    """:func:`step_quotes` as :class:`Changes`."""
    changes = {m.start(): _CORNER_TO[m.group()] for m in _CORNER_HINT.finditer(text)}
    return _char_changes(text, changes, "corner quotes")


_CJK_OR_FW = rf"[{CJK}“”‘’（）《》【】、。，；：？！]"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# A half-width mark with Chinese on either side. The mark comes first and the lookbehind after it
# (``(?<=X.)``), so the scan skips to the next mark instead of trying every position.
_PUNCT_RE = re.compile(rf"[,;:?!](?:(?<={_CJK_OR_FW}.)|(?={_CJK_OR_FW}))")
_PAREN_RE = re.compile(r"\(([^()\n]{0,80})\)")


_HALF_WIDTH_HINT = re.compile(r"[,;:?!()]")


def step_punctuation(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Half-width , ; : ? ! ( ) in Chinese context → full-width; numbers (1,000, 14:44) untouched."""
    return _as_edits(_punctuation_changes(text, cfg, ctx))


def _punctuation_changes(text: str, cfg: CleanConfig, ctx: dict) -> Changes | list[Edit]:
    """:func:`step_punctuation` as :class:`Changes`."""
    if not _HALF_WIDTH_HINT.search(text):
        return []
    # A match has Chinese or a full-width mark on one side, never a digit (no character of _CJK_OR_FW is one: tested),
    # so numbers (1,000, 14:44) never match; a ? or ! inside a span the mojibake step suspects stays as it is.
    found = [m.start() for m in _PUNCT_RE.finditer(text)]
    marks = list(map(text.__getitem__, found))
    changes = dict(zip(found, map(_HALF_TO_FULL.__getitem__, marks)))
    if "?" in marks or "!" in marks:
        suspect = {k for start, end in _suspect_spans(text) for k in range(start, end)}
        for i in suspect.intersection(found):
            if text[i] in "?!":
                del changes[i]
    for m in _PAREN_RE.finditer(text):
        before = text[m.start() - 1 : m.start()]
        if _CJK_ONE.search(m.group(1)) or (before and is_cjk(before)):
            changes[m.start()], changes[m.end() - 1] = "（", "）"
    return _char_changes(text, changes, "punctuation width")


_CJK_ONE = re.compile(CJK_CHAR)


_IMAGE_MD = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_CAPTION_START = re.compile(r"^\s*(?:[▲△▼▽■□◆◇●○]\s*)?(?:[▲△▼▽]|图为|图片|图[:：]|上图|下图|左图|右图)")
_CAPTION_END = re.compile(
    r"[（(](?:资料)?(?:图片|照片|摄影?|供图|视频截图)[）)]\s*\|?\s*$|[（(][^（）()\n]{0,20}?(?:摄|供图)[）)]\s*\|?\s*$|(?:摄|供图)\s*\|?\s*$"
)

# What every _CAPTION_START and _CAPTION_END match holds: one of ▲△▼▽图摄 or 照片 (not the 照 of 按照, common in
# official prose), opening on a class so that the search skips ahead.
_CAPTION_HINT = re.compile("[▲△▼▽图摄照](?:(?<=照)片|(?<!照))")


@_bounded
def step_captions(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Photo captions: lines marked ▲/图为/(资料图片), and table cells beside an image."""
    edits, after_image = [], False
    # Without an image, a caption is a line marked by one of these characters: only those lines are read.
    lines = _lines(text) if "![" in text else _lines_holding(text, _CAPTION_HINT)
    for line in lines:
        content = line.text.strip()
        is_image_row = bool(_IMAGE_MD.search(content)) and not _IMAGE_MD.sub("", content).strip(" |")
        beside_image = after_image and content.endswith("|") and len(content) <= cfg.max_title_len
        if content and not is_image_row and (
            _CAPTION_START.match(content) or (len(content) <= 120 and _CAPTION_END.search(content)) or beside_image
        ):
            edits.append(_remove_line(line, text, "photo caption"))
        after_image = is_image_row
    return edits


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
#: The elements of HTML a scrape leaves as tags in its text (a name after < or </, then attributes up to >).
_HTML_ELEMENTS = ("a|abbr|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|"
                  "figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link|main|mark|"
                  "meta|nav|noscript|o:p|ol|option|p|pre|q|s|section|select|small|span|strike|strong|sub|sup|table|tbody|td|"
                  "textarea|tfoot|th|thead|title|tr|tt|u|ul")  # fmt: skip
_HTML_TAG = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?![\w:-])[^<>]*>", re.I)
#: A script or style left in a scrape's text, with what it holds (code, never text to read).
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>|<(script|style)\b[^<>]*/>", re.I | re.S)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")

_MARKUP = re.compile(r"^\s*\|\s*|\s*\|\s*$|" + _IMAGE_MD.pattern + "|" + _HTML_TAG.pattern + "|" + _ENTITY.pattern, re.I)
# What a line needs for any markup edit: a pipe, an image, a tag, an entity or a table rule.
_MARKUP_HINT = re.compile(r"[|<&!-](?:(?<=[|<&])|(?<=!)\[|(?<=-)--)")  # [|<&]|!\[|---, opening on a class: scanned fast


@_bounded
def step_markup(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Web markup: image markdown, table pipes, HTML tags and entities, scripts and styles with their code."""
    blocks = [Edit(m.start(), m.end(), m.group(), "", "removed", "script or style") for m in _SCRIPT_BLOCK.finditer(text)]
    edits = []
    for line in _lines_holding(text, _MARKUP_HINT):
        if any(b.start < line.end and line.start < b.end for b in blocks):  # its tags go with the block
            outside = [(max(line.start, a), min(line.end, z)) for a, z in _gaps(blocks, line.start, line.end)]
            edits += [Edit(line.start + m.start(), line.start + m.end(), m.group(), "", "removed", "markup")
                      for m in _HTML_TAG.finditer(line.text)
                      if any(a <= line.start + m.start() and line.start + m.end() <= z for a, z in outside)]  # fmt: skip
            continue
        stripped = _IMAGE_MD.sub("", line.text).strip(" |\t")
        if (not stripped and line.text.strip()) or _TABLE_RULE.match(line.text):
            edits.append(_remove_line(line, text, "image / table markup line"))
            continue
        for m in _MARKUP.finditer(line.text):
            s, e = line.start + m.start(), line.start + m.end()
            if m.group().startswith("&"):
                edits.append(Edit(s, e, m.group(), _ODD_SPACE.sub(" ", html.unescape(m.group())), "changed", "HTML entity"))
            elif m.group():
                edits.append(Edit(s, e, m.group(), "", "removed", "markup"))
    return blocks + edits


def _gaps(spans: list[Edit], start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of ``start``–``end`` outside the (sorted, disjoint) edits' spans."""
    out, pos = [], start
    for e in spans:
        if e.end <= pos or e.start >= end:
            continue
        if e.start > pos:
            out.append((pos, e.start))
        pos = max(pos, e.end)
    return out + [(pos, end)] if pos < end else out


_NAV_WORDS = (r"上一篇|下一篇|上一条|下一条|上一页|下一页|返回顶部|返回首页|返回列表|打印本页|打印|关闭窗口|关闭|"
              r"分享到|分享至|微信扫一扫|扫一扫在手机打开当前页|扫一扫|关注该公众号|相关阅读|相关新闻|相关链接|推荐阅读|"
              r"我要纠错|纠错|阅读原文|写留言|字号|字体|【大中小】|阅读次数|浏览次数|点击数|收藏")  # fmt: skip
_NAV = re.compile(rf"^\s*(?:[-*•·>]\s*)?[【\[]?(?:{_NAV_WORDS})[】\]]?(?:\s*[:：].{{0,60}})?\s*$")
# A navigation line holds one of the words: only those lines are read. The hint searches for the words that hold
# no other (纠错 for 我要纠错 too): fewer first characters to stop at (我 is common, 纠 is not).
_NAV_HINT = re.compile("|".join(w for w in _NAV_WORDS.split("|") if not any(o != w and o in w for o in _NAV_WORDS.split("|"))))
# A page's row of widgets (【打印本页】【关闭窗口】, 【字体：大 中 小】【打印】): nothing but navigation words, their brackets,
# separators, a counter's number and the font sizes. A sentence that names 打印 or 分享 holds other words. Tried only on
# lines that hold a navigation word (no lookahead for one: it would scan a long paragraph that holds 关闭 to its word).
_WIDGET = rf"(?:{_NAV_WORDS})(?:\s*[:：]\d*)?"  # the sizes after 字体： are tokens of their own: one way to read a line
_WIDGETS = re.compile(rf"^(?:[\s【】\[\]|｜/·]|{_WIDGET}|[大中小])+$")
# What a row of widgets split over lines leaves on the lines between its words (【字体：/大/中/小/】【/打印/】【/关闭/】).
_WIDGET_SCRAP = re.compile(r"^[\s【】\[\]|｜/·]*(?:[大中小]|默认)?[\s【】\[\]|｜/·]*$")
# Widgets in brackets before a line's content (【我要纠错】 责任编辑：张明远).
_WIDGET_PREFIX = rf"(?:[【\[]\s*{_WIDGET}\s*[】\]]\s*)*"


# A breadcrumb: the path of the page in its site (首页 > 国内新闻 > 正文, 当前位置：首页 / 政务公开 / 通知公告), on a line of its own.
_CRUMB = r"[^\s>»＞›/／。，；！？]{1,12}"
_BREADCRUMB = re.compile(rf"^\s*(?:(?:当前位置|您的位置|你的位置|您现在的位置|所在位置)\s*[:：]\s*(?:{_CRUMB}(?:\s*[>»＞›/／]\s*{_CRUMB}){{0,6}})?"
                         rf"|{_CRUMB}(?:\s*[>»＞›]\s*{_CRUMB}){{2,6}})\s*[>»＞›]?\s*$")
_BREADCRUMB_HINT = re.compile("[>»＞›]|当前位置|您的位置|你的位置|您现在的位置|所在位置")


@_bounded
def step_navigation(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Page navigation and widgets (上一篇/下一篇, 【打印本页】【关闭窗口】, 分享到, 微信扫一扫 ...) and breadcrumbs
    (首页 > 国内新闻 > 正文, 当前位置：…) on lines of their own.

    A row of widgets split over lines takes the scraps between its words with it (the brackets, 大/中/小):
    such a line goes only where it stands among navigation lines, blank lines between them aside.
    """
    nav = [line for line in _lines_holding(text, _NAV_HINT) if line.text.strip() and (_NAV.match(line.text) or _WIDGETS.match(line.text))]
    crumbs = [line for line in _lines_holding(text, _BREADCRUMB_HINT) if _BREADCRUMB.match(line.text)]
    nav = sorted({line.start: line for line in nav + crumbs}.values(), key=attrgetter("start"))
    if not nav:
        return []
    lines = _lines(text)
    starts = [line.start for line in lines]
    taken = {bisect_left(starts, line.start) for line in nav}
    scraps = set()
    for k in taken:
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(lines) and j not in taken and _WIDGET_SCRAP.match(lines[j].text):
                if lines[j].text.strip():
                    scraps.add(j)
                j += step
    return [_remove_line(lines[k], text, "page navigation") for k in sorted(taken | scraps)]


_OPENER_WORDS = r"本文来[自源]|本文转[自载]|转载自|原标题[:：]|本作品|免责声明|版权所有|版权声明|声明[:：]|责任编辑[:：]|责编[:：]"
#: Lines (or, on a text's last line, sentences) that open a trailer wherever they stand in the closing part of a page.
# Also in brackets (（本文转载自某网）) and after a page's widgets (【我要纠错】 责任编辑：张明远).
_TRAILER_OPENER = re.compile(rf"^\s*{_WIDGET_PREFIX}[（(【\[]?\s*(?:{_OPENER_WORDS})", re.I)
# What only a notice says: a body sentence may name 著作权 or 未经授权 (打击侵犯著作权犯罪), not 版权所有 or 不得转载.
_NOTICE_WORDS = (
    r"仅代表作者|不代表本[站网]|版权(?:所有|声明|归)|著作权(?:所有|声明|归)|未经[^，。\n]{0,8}(?:授权|许可)[，,、\s]*(?:不得|禁止|严禁|请勿)|"
    r"(?:不得|禁止|严禁|请勿)转载|转载请注明|信息发布传播服务|公有领域|public domain|copyright|©|"
    r"ICP备\s*\d{4}|公网安备\s*\d{6}|网站标识码\s*[:：]?\s*[0-9A-Za-z]{6}"  # a site's footer: its registration numbers
)
#: Lines that are trailers only among the last few lines.
_TRAILER = re.compile(rf"{_NOTICE_WORDS}|^\s*ID\s*[:：]\s*\w+\s*$", re.I)
_FOOTNOTE_LINE = re.compile(r"^\s*(?:[\[\]↑^]|\d{1,3}|[A-Z]{2,6}\s*\d{1,3}|true|false|[.…]+)?\s*$", re.I)
# Anything a trailer could start with, anywhere: where the closing part of a text has none, the step stops there.
_TRAILER_HINT = re.compile(rf"{_OPENER_WORDS}|{_NOTICE_WORDS}|^\s*ID\s*[:：]", re.I | re.M)
# The same words, each alternative opening on a fixed character: Python's re then skips to the next of
# those characters, where _TRAILER and _TRAILER_HINT (opening on ^ or on letters under IGNORECASE) try
# every position. The letters after the first keep IGNORECASE; p and c match only themselves and their
# capitals under it, as d does. The one form left out, ^\s*ID, needs an I (I, i, İ or ı) and a d.
_NOTICE_FAST = (
    r"仅代表作者|不代表本[站网]|版权(?:所有|声明|归)|著作权(?:所有|声明|归)|未经[^，。\n]{0,8}(?:授权|许可)[，,、\s]*(?:不得|禁止|严禁|请勿)|"
    r"不得转载|禁止转载|严禁转载|请勿转载|转载请注明|信息发布传播服务|公有领域|"
    r"p(?i:ublic domain)|P(?i:ublic domain)|c(?i:opyright)|C(?i:opyright)|©|"
    r"I(?i:CP备)\s*\d{4}|i(?i:cp备)\s*\d{4}|公网安备\s*\d{6}|网站标识码\s*[:：]?\s*[0-9A-Za-z]{6}"
)
_NOTICE_FAST_RE = re.compile(_NOTICE_FAST)
_HINT_FAST_RE = re.compile(rf"{_OPENER_WORDS}|{_NOTICE_FAST}")
_ID_LIKE = re.compile("[IiİıI][dD]")
_SITE_FOOTER = re.compile(r"[Ii][Cc][Pp]备\s*\d{4}|公网安备\s*\d{6}|网站标识码")
# A site footer's other lines (主办：…, 技术支持：…, 联系电话：…, 网站地图): trailers only in a closing block that
# holds a notice (ICP备…号, 版权所有): a notice may end with 联系电话：… or 主办单位：… of its own.
_FOOTER_LINE = re.compile(r"^\s*(?:(?:主办|承办|协办)(?:单位)?|技术支持|网站维护|联系电话|联系方式|电话|传真|地址|邮编|电子邮箱)\s*[:：]"
                          r"|^\s*(?:网站地图|联系我们|关于我们)|^[^。！？\n]{2,40}(?:主办|承办)\s*$")
# A credit line closing a page (编辑：刘晓, （责编：孙立新、李娜）, 来源：某某派出所): a trailer where only such lines,
# notices and footnote markers follow it. Its editor, source and author are kept.
_CREDIT = re.compile(rf"^\s*{_WIDGET_PREFIX}[（(【\[]?\s*(?:责任编辑|责编|编辑|审核|审校|校对|编审|终审|初审|美编|作者|撰稿|"
                     r"来源|稿源|文章来源|信息来源|文字|图文|图片|摄影|排版)\s*[:：]\s*[^。！？\n]{1,30}?[）)】\]]?\s*$")


def _is_notice(line: str) -> bool:
    """``_TRAILER.search(line)``, found faster."""
    return bool(_NOTICE_FAST_RE.search(line) or (_ID_LIKE.search(line) and _TRAILER.search(line)))


def _trailer_hint(text: str, pos: int) -> bool:
    """``_TRAILER_HINT.search(text, pos)``, found faster."""
    return bool(_HINT_FAST_RE.search(text, pos) or (_ID_LIKE.search(text, pos) and _TRAILER_HINT.search(text, pos)))


# The end of a sentence, with the closing marks and spaces after it: where a trailer on the last line may start.
_SENTENCE_BREAK = re.compile(r"[。！？!?]+[”’」』）)]*\s*")


@_bounded
def step_trailers(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Repost trailers and licence notices that close a page, with their footnote markers.

    A trailer is removed only at the end of the text and only while it is short: at most
    ``max_trailer_share`` of the text. It is a block of closing lines — from a line that opens
    one (本文来自, 本作品 ...) in the closing part, or from a notice line (版权所有, 不得转载 ...)
    followed by nothing but notices and footnote markers. Where that line holds more than the
    trailer (the last paragraph, a page flattened to one line), the trailer starts at the
    sentence that opens it (:func:`_trailer_start`), with or without line breaks. A trailer that
    would be longer, or the whole text (a lone line that matches, the first line included), is
    flagged and kept; a site's footer (ICP备…号, 网站标识码 with 主办：…, 联系电话：… lines) may be longer,
    within the step's bound. Footer lines other than the registration numbers and notices are trailers
    only in a block that holds a notice. The editor, source and author of credit lines (责任编辑：…,
    编辑：…, 来源：…) in a trailer are kept as fields.
    """
    content = [line for line in _lines(text) if line.text.strip()]
    if not content:
        return []
    n = len(content)
    tail_from = max(1, n - max(6, n // 4))
    closing = len(text) - cfg.max_trailer_share * len(text)
    look_from = 0 if n <= 2 else min(int(closing), content[tail_from].start)
    if not (_trailer_hint(text, look_from) or _CREDIT.match(content[-1].text)):  # most texts: nothing trailer-like near the end
        return []
    limit = cfg.max_trailer_share * len(text.strip())
    end = len(text.rstrip())

    def trailer_like(line: _Line) -> bool:
        return bool(_TRAILER_OPENER.match(line.text) or _is_notice(line.text) or _FOOTNOTE_LINE.match(line.text)
                    or _CREDIT.match(line.text) or _FOOTER_LINE.search(line.text))  # fmt: skip

    # The closing run of trailer-like lines, read once from the end: whether the lines from k on are a trailer is
    # whether k is in it and, where a footer line (主办：…) is among them, a notice is too.
    closing_run: dict[int, bool] = {}
    footer_seen = notice_seen = False
    for k in range(n - 1, -1, -1):
        if not trailer_like(content[k]):
            break
        line_text = content[k].text
        notice_seen = notice_seen or _is_notice(line_text)
        footer_seen = footer_seen or bool(_FOOTER_LINE.search(line_text) and not _CREDIT.match(line_text))
        closing_run[k] = notice_seen or not footer_seen

    def rest_is_trailer(k: int) -> bool:
        return closing_run.get(k, False)

    starts = set()
    for k in range(n - 1, 0, -1):  # the lines in the closing part are the last ones: read from the end
        if content[k].start < closing:
            break
        if _TRAILER_OPENER.match(content[k].text):
            starts.add(k)
    starts |= {k for k, whole in closing_run.items() if whole and k >= tail_from and not _FOOTNOTE_LINE.match(content[k].text)}
    if (_TRAILER_OPENER.match(content[0].text) or _is_notice(content[0].text)) and rest_is_trailer(0):
        starts.add(0)
    first = min(starts) if starts else None
    # Where in its first line the trailer starts: a line may close a paragraph with one (a page flattened to one line).
    line = content[-1] if first is None else content[first]
    at = _trailer_start(text, line, closing)
    if at is None:
        if first is None:
            return []
        at = line.start  # a notice inside a sentence of a trailer line: the line, as a whole
    block = text[at:]
    # A site's footer (its registration numbers, 主办, 联系电话 ...) of lines each a notice, credit or footer line, on a
    # short page, is held to the step's bound alone: the share is for a trailer that takes whatever follows its opener.
    footer = (first is not None and at == content[first].start and rest_is_trailer(first)
              and any(_SITE_FOOTER.search(line.text) for line in content[first:]))  # fmt: skip
    if at <= content[0].start or (len(text[at:end].lstrip()) > limit and not footer):
        why = "it is the whole text" if at <= content[0].start else f"more than max_trailer_share={cfg.max_trailer_share:g} of the text"
        return [Edit(at, len(text), block, block, "flagged", f"looks like a trailer but is too long to remove ({why})")]
    # What the trailer credits fills a field only where the page's front matter and byline say nothing
    # (_clean_blocks): a header 来源 names the page's source, a closing one often the outlet a paragraph came from.
    closing = ctx.setdefault(CLOSING_FIELDS, {})
    source = re.search(r"(?:本文来[自源]|本文转载自|转载自)\s*[:：]?\s*[【\[《]?([^】\]》）)，,。\s]{2,30})", block)
    if source:
        closing.setdefault("source", source.group(1))
    credits = {}
    for line in block.splitlines():
        if _CREDIT.match(line) or _TRAILER_OPENER.match(line):  # 责任编辑：张明远 in a trailer: the page's editor
            for name, value in parse_header_line(line).items():
                if name in ("editor", "source", "author") and (value := value.strip("（）()【】[] ")):
                    credits.setdefault(name, value)
                    closing.setdefault(name, value)
    note = "".join(f"; {name}={value}" for name, value in credits.items())
    return [Edit(at, len(text), block, "", "extracted" if credits else "removed", f"repost trailer / licence notice{note}")]


#: The key in a cleaning's context of the fields a closing trailer credits (editor, source, author).
CLOSING_FIELDS = "closing_fields"

_OPENER_AT = re.compile(rf"\s*{_WIDGET_PREFIX}[（(【\[]?\s*(?:{_OPENER_WORDS})", re.I)


def _trailer_start(text: str, line: _Line, closing: float) -> int | None:
    """Where a trailer starts in a line, at a sentence start (None: no sentence of the line starts one).

    The earliest of: the start of the closing run of sentences that are all notices or
    openers (…新篇章。本网站所有内容版权所有，未经授权不得转载。), and a sentence that opens a
    trailer (本文来自, 本作品 ...) at the start of the line or in the closing part of the text.
    """
    bounds = [line.start] + [line.start + m.end() for m in _SENTENCE_BREAK.finditer(line.text)]
    bounds = sorted({b for b in bounds if b < line.end}) + [line.end]
    found = None
    for k in range(len(bounds) - 2, -1, -1):  # the closing run of notices, from the end
        sentence = text[bounds[k] : bounds[k + 1]]
        if not (_is_notice(sentence) or _OPENER_AT.match(sentence)):
            break
        found = bounds[k]
    for b in [bounds[0], *bounds[bisect_left(bounds, closing) : -1]]:
        if found is not None and b >= found:
            break
        if _OPENER_AT.match(text, b):
            return b
    return found


_FIELD_LABELS = {
    "source": r"来源|稿源|出处|信息来源|文章来源|资料来源|新闻来源",
    "editor": r"责编|编辑|责任编辑|审核|校对|编审",
    "author": r"作者|撰稿|记者|通讯员|供稿|文字|图文|文",
    "date": r"发布时间|发布日期|时间|日期|发表时间|更新时间",
    # Credits for what is not the text (a WeChat post's 文字：王楠 图片：刘洋): they end the fields before them; no column.
    "credit": r"图片|摄影|摄像|视频|排版|美编|设计|图",
}
# What a page shows beside its header fields and a value never runs into (来源：某报 浏览次数：386).
_PAGE_COUNTERS = r"浏览次数|浏览量|点击数|点击量|点击率|阅读量|阅读次数|访问量|访问次数|字号|字体"
# A label opens a field only where no ideograph stands right before it: 会议时间： is the body of a notice, not a date.
_LABEL_RE = re.compile(
    rf"(?<![{CJK}])(?P<label>" + "|".join(_FIELD_LABELS.values()) + r")\s*[:：]\s*(?P<value>.*?)(?=\s{2,}|\s+(?:"
    + "|".join(_FIELD_LABELS.values())
    + rf")\s*[:：]|\s*(?:{_PAGE_COUNTERS})|$)"
)


#: The most non-blank lines the front matter (titles, header lines, a column label) can hold.
FRONT_LINES = 8
# Lines that open the body whatever their length: a salutation (各区县人民政府：), an enumerated item (一、 （一） 1. 第一，).
_BODY_OPENING = re.compile(rf"[:：]\s*$|^\s*(?:[{CN_ORDINALS}]+、|[（(][{CN_ORDINALS}\d]+[）)]|\d+[.．、](?!\d)|第[{CN_ORDINALS}]+[，、])")


def _front(text: str, cfg: CleanConfig) -> list[_Line]:
    """Lines before the first paragraph of running text: where titles and header lines sit.

    It ends at the first line of running text (:func:`_is_body`), of a salutation or of an enumerated
    item (a short notice may have no long line), and after :data:`FRONT_LINES`
    non-blank lines: a line further down is the body's, whatever its form (会议时间：…, a date signed at the end).
    """
    front, filled = [], 0
    for line in _lines(text):
        if _is_body(line.text, cfg.max_title_len) or _BODY_OPENING.search(line.text) or filled == FRONT_LINES:
            break
        front.append(line)
        filled += bool(line.text.strip())
    return front


def _label_field(label: str) -> str:
    return next(name for name, pattern in _FIELD_LABELS.items() if re.fullmatch(pattern, label))


_SELF_OUTLETS = frozenset({"本报", "本台", "本刊", "本网", "本社"})
# The role written before an author's name in a field (本报记者 王明, 通讯员 李红).
_ROLE_BEFORE_NAME = re.compile(r"^(?:本报|本台|本刊|本网)?(?:特约|实习)?(?:记者|通讯员|实习生)\s*")


def parse_header_line(line: str) -> dict[str, str]:
    """Fields of a header line such as '来源: 法治日报 2023-05-12 09:30:00    责编: 李明'.

    A date outside every field's value (before 来源, or set apart by two spaces) is the date where
    no field gives one: the line is removed, and its date must not go with it. A line with no field has none.

    >>> parse_header_line("来源: 法治日报 2023-05-12 09:30:00    责编: 李明")
    {'date': '2023-05-12', 'source': '法治日报', 'editor': '李明'}
    >>> parse_header_line("2019年12月3日 10:20　来源：某某日报")
    {'date': '2019-12-03', 'source': '某某日报'}
    """
    found: dict[str, str] = {}
    fields = list(_LABEL_RE.finditer(line))
    outside = "\n".join(line[a:b] for a, b in zip([0, *(m.end() for m in fields)], [*(m.start() for m in fields), len(line)]))
    for m in fields:
        name, value = _label_field(m.group("label")), m.group("value").strip()
        dates = find_dates(value)
        if name == "date" and not dates and (iso := parse_date(value)):  # 发布日期：106-03-23 (a year of the Republic of China)
            found.setdefault("date", iso)
            continue
        if dates:
            date = dates[0]
            found.setdefault("date", date.iso)
            value = (value[: date.start] + value[date.end :]).strip()
            value = re.sub(r"^\d{1,2}:\d{2}(?::\d{2})?\s*|\s*\d{1,2}:\d{2}(?::\d{2})?$", "", value).strip()
        value = value.strip("【】[] ")
        if value.startswith("《") and value.endswith("》") and value.count("《") == 1:
            value = value[1:-1]  # 来源：《求是》 names the journal; 《求是》2023/21 keeps its marks
        if name == "author":
            value = _ROLE_BEFORE_NAME.sub("", value) or value  # 作者：本报记者 王明 → 王明
        if value and name != "date":
            found.setdefault(name, value)
    # A labelled date (发布时间：…) comes first; one after a label of no field (会议时间：…) is another day's.
    if found and "date" not in found:
        bare = [d for d in find_dates(outside) if not outside[: d.start].rstrip().endswith((":", "："))]
        if bare:
            found = {"date": bare[0].iso, **found}
    return found


@_bounded
def step_header_lines(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Source / date / editor lines in the front matter: extracted into fields, removed from text.

    Where the front matter gives no date, the date a document is signed with at its foot
    (:func:`_closing_date`) is the date, flagged and left in the text.
    """
    edits = []
    for line in _front(text, cfg):
        fields_found = parse_header_line(line.text) if _LABEL_RE.search(line.text) else {}
        bare = WEEKDAY_AFTER.sub("", line.text.strip().strip("（）()[]【】 "))
        bare_date = find_dates(bare) if not fields_found and len(bare) <= 40 else []
        if bare_date and bare_date[0].start == 0 and bare_date[0].end == len(bare):
            fields_found = {"date": bare_date[0].iso}
        elif not fields_found and _MONTH_DATE.fullmatch(bare) and (month := parse_date(bare)):  # （2021年9月） under a title
            fields_found = {"date": month}
        elif not fields_found and (m := _EDITORIAL.fullmatch(bare)) and (when := find_dates(m.group("date"))):
            fields_found = {"source": m.group("outlet"), "date": when[0].iso}  # 人民日报社论 一九五六年一月一日
        elif not fields_found and (m := _MASTHEAD.fullmatch(bare)) and (when := find_dates(m.group("date"))):
            fields_found = {"source": m.group("outlet"), "date": when[0].iso}  # 某某日报 2013年1月1日 星期二
        if fields_found:
            for name, value in fields_found.items():
                ctx.setdefault(name, value)
            note = "; ".join(f"{k}={v}" for k, v in fields_found.items())
            edits.append(_remove_line(line, text, f"header line: {note}", "extracted"))
        elif "date" not in ctx and (adopted := _ADOPTED.fullmatch(line.text.strip())) and (when := find_dates(adopted.group(1))):
            ctx["date"] = when[0].iso  # a law's or regulation's adoption line: its history, kept in the text
            at = line.start + line.text.index(adopted.group())
            edits.append(Edit(at, at + len(adopted.group()), adopted.group(), adopted.group(), "flagged",
                              f"adoption date: date={when[0].iso} (the day it was adopted; kept in the text)"))
    if "date" not in ctx and (closing := signed_date(text)):
        start, end, iso = closing
        ctx["date"] = iso
        edits.append(Edit(start, end, text[start:end], text[start:end], "flagged", f"closing date: date={iso} (the date the "
                                                                                   "document is signed with; kept in the text)"))  # fmt: skip
    return edits


# A date at month precision alone on a line (2021年9月, 一九八二年九月): the date a white paper or a book is dated with.
_MONTH_DATE = re.compile(r"[\d〇○零一二三四五六七八九]{4}\s*年\s*(?:[1-9]|1[0-2]|[一二三四五六七八九十]|十[一二])\s*月")
# A law's adoption line under its title (（2019年11月28日某省人民代表大会常务委员会第十四次会议通过）): the first date is the day.
_ADOPTED = re.compile(r"[（(]\s*([^（）()]{6,20}?日)[^（）()]{0,120}?(?:通过|批准|公布|发布|修正|修订)[^（）()]{0,80}[）)]")
# A newspaper's editorial line with its date (人民日报社论 一九五六年一月一日, 某某日报评论员 2020年5月1日): the outlet is the source.
_EDITORIAL = re.compile(rf"(?P<outlet>[{CJK}]{{2,12}}?)(?:社论|评论员文章|评论员|编辑部文章|短评|述评)\s*(?P<date>[\d〇○零一二三四五六七八九十年月日号\s]{{6,20}})")
# A newspaper page's masthead line, the paper's name and the day's date (某某日报 2013年1月1日, its weekday and page aside):
# the paper is the source.
_MASTHEAD = re.compile(rf"(?P<outlet>[{CJK}]{{1,10}}(?:日报|晚报|时报|早报|商报|导报|青年报|法制报|农民报|周刊|画报))"
                       rf"\s*(?P<date>[\d〇○零一二三四五六七八九十]{{4}}\s*年[\d〇○零一二三四五六七八九十\s]{{1,3}}月[\d〇○零一二三四五六七八九十\s]{{1,4}}[日号])"
                       r"(?:\s*第\s*[\d０-９一二三四五六七八九十]+\s*版)?")
# Lines of a 公文's closing block after its signed date: copies sent (抄送), the printing line (…印发), notes.
_AFTER_SIGNATURE = re.compile(r"^(?:抄送|主送|印发|主题词|[（(]此件|[（(]联系人|联系人|附件)|印发$")
_COPIES_LINE = re.compile(r"^[ \t\u3000]*(?:抄送|主送)", re.MULTILINE)
#: How many closing lines are read for a signed date, from the end.
CLOSING_LINES = 6


def signed_date(text: str) -> tuple[int, int, str] | None:
    """The date a document is signed with (成文日期): a line that is a full date alone among its last lines.

    Read from the end, over the 抄送/印发 lines that may follow it and up to the first line of
    running text; a date at day precision only (二〇二三年五月六日, 2023年5月6日), so a year or a
    month at the foot of a text is never taken for it; where none is there, from the line that opens
    the first attachment set after the document (附件1 on a line of its own). Returns the line's
    span and the ISO date.
    """
    found = _signed_date_above(text, len(text))
    if found is None and (attachment := _ATTACHMENT_OPENS.search(text)):
        found = _signed_date_above(text, attachment.start())
    return found


# The line that opens an attachment set after a 公文's signature: 附件, 附件1, 附件二 alone on it.
_ATTACHMENT_OPENS = re.compile(r"^[ \t\u3000]*附件\s*[0-9一二三四五六七八九十]{0,2}[ \t\u3000]*$", re.MULTILINE)


def _signed_date_above(text: str, end: int) -> tuple[int, int, str] | None:
    """:func:`signed_date` read upwards from ``end``."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    seen = 0
    tail = text[max(0, end - 2000) : end]
    copies = [m.start() for m in _COPIES_LINE.finditer(tail)]  # a 抄送 list may wrap: the lines below it are its own
    block = end - len(tail) + copies[-1] if copies else end
    while end > 0 and seen < CLOSING_LINES:
        start = text.rfind("\n", 0, end) + 1
        stripped = text[start:end].strip()
        if stripped:
            seen += 1
            bare = WEEKDAY_AFTER.sub("", stripped.strip("（）() "))
            dates = find_dates(bare) if len(bare) <= 24 else []
            if dates and dates[0].start == 0 and dates[0].end == len(bare):
                at = start + text[start:end].index(stripped)
                return at, at + len(stripped), dates[0].iso
            if _is_body(stripped, MAX_HEADING_LEN) and not _AFTER_SIGNATURE.search(stripped) and start < block:
                return None  # the body: no signed date below it
        end = start - 1
    return None


_COLUMN_TAG = re.compile(r"^\s*[【\[]([^】\]]{1,20})[】\]]\s*(?=\S)")
_PUNCT = r"，。、；：？！,.;:?!“”‘’（）()《》【】"


def _norm_title(s: str) -> str:
    return re.sub(r"\s+", "", _COLUMN_TAG.sub("", s))


@_bounded
def step_title(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Title (and a column label above or in 【】 before it) from the first lines; a repeat of it removed."""
    front_all = _front(text, cfg)
    front = [line for line in front_all if line.text.strip()]
    if not front or not text[front_all[-1].stop :].strip():
        return []  # no running text follows: these lines are the document, not its header
    edits, idx = [], 0
    first = front[0].text.strip()
    is_label = (len(first) <= 6 and not re.search(f"[{_PUNCT}]", first) and len(front) > 1 and not _DOCUMENT_KIND.match(first)
                and not _HEAD_MARK.match(first))  # fmt: skip
    if is_label and len(front[1].text.strip()) > len(first) and _can_follow_label(front[1].text):
        ctx.setdefault("column_label", first)
        edits.append(_remove_line(front[0], text, f"column label: column_label={first}", "extracted"))
        idx = 1
    if idx >= len(front):
        return edits
    while idx < len(front) - 1 and (_DOCUMENT_HEAD.match(front[idx].text) or _HEAD_MARK.match(front[idx].text)
                                    or (_ISSUER.match(front[idx].text) and _DOCUMENT_HEAD.match(front[idx + 1].text))):
        idx += 1  # left in the text: the red head (某某厅文件, or the issuer alone over its number), 份号, 密级, 紧急程度, 文号
    title_line = front[idx]
    title = title_line.text.strip()
    if not _can_be_title(title_line.text):
        return edits
    tag = _COLUMN_TAG.match(title)
    if tag:
        ctx.setdefault("column_label", tag.group(1))
        title = title[tag.end() :].strip()
    edits.append(_remove_line(title_line, text, f"title line: title={title}", "extracted"))
    rest = front[idx + 1 :]
    if rest and _norm_title(rest[0].text) == _norm_title(title):
        edits.append(_remove_line(rest[0], text, "title repeated"))
        rest = rest[1:]
    if rest and _is_title_continuation(rest[0].text):
        second = rest[0].text.strip()
        title += ("" if _DOCUMENT_TITLE.search(title + second) else " ") + second  # a 公文's title is one phrase, broken for layout
        edits.append(_remove_line(rest[0], text, f"title line: title={title}", "extracted"))
        rest = rest[1:]
    if rest and re.match(r"^\s*(?:——|--|—)", rest[0].text):
        subtitle = rest[0].text.strip()
        ctx.setdefault("subtitle", subtitle)
        note = f"subtitle: subtitle={subtitle}"
        if "date" not in ctx and (when := find_dates(subtitle)):  # ——2017年3月5日在…会议上: the day the report was given
            ctx["date"] = when[0].iso
            note += f"; date={when[0].iso}"
        edits.append(_remove_line(rest[0], text, note, "extracted"))
    ctx.setdefault("title", re.sub(r"[\s\u3000]+", " ", title))  # 中共中央　国务院: one space, as the text gets
    return edits


# The red head of a 公文 (its issuer, then 文件, often letter-spaced) and a document number (国办发〔2023〕12号, 〔2023〕5号),
# with its signer where a report upwards names one (某发〔2021〕12号　签发人：王某).
_DOCUMENT_HEAD = re.compile(rf"^\s*(?:[{CJK}\s]{{2,40}}文\s*件|[{CJK}]{{0,12}}\s*[〔\[［【(（]\s*\d{{4}}\s*[〕\]］】)）]\s*(?:第\s*)?\d{{1,5}}\s*号"
                            rf"(?:\s+签发人\s*[:：]\s*[{CJK}·\s]{{2,30}})?)\s*$")
# The marks above a 公文's red head (GB/T 9704): its copy number (份号 000128), secrecy (秘密★1年) and urgency (特急).
_HEAD_MARK = re.compile(r"^\s*(?:(?:份号\s*[:：]?\s*)?\d{5,8}|(?:绝密|机密|秘密|内部)(?:\s*★\s*\S{1,6})?|特急|加急|特提|平急|急件)\s*$")
# An issuer's name alone (a red head without 文件: 某市农业农村局), read as such over a document number only.
_ISSUER = re.compile(rf"^\s*(?![^\n]*关于)[{CJK}（）()、\s]{{1,38}}(?:局|厅|委员会|委|办公室|办公厅|政府|部|院|中心|党委|党组|常委会|政协|"
                     rf"联合会|协会|公司|小组|总队|支队|大队)\s*$")
# The kind of a 公文 written alone as its title (公告, 通  知): a title, not a column label.
_DOCUMENT_KIND = re.compile(r"^(?:公\s*告|通\s*告|通\s*知|通\s*报|决\s*定|命\s*令|公\s*报|批\s*复|意\s*见|决\s*议|纪\s*要|请\s*示|报\s*告|函)$")
# A paragraph's first-line indent (two full-width spaces, GB/T 9704): with a comma, the line opens a paragraph, not a title.
_INDENTED = re.compile(r"^(?:\u3000\u3000|\u3000? {2,4})(?=\S)")
# The title of a 公文 (关于…的意见): one noun phrase, so its two lines join without a space (a headline's two clauses keep one).
_DOCUMENT_TITLE = re.compile(r"关于.+的(?:若干)?(?:通知|意见|实施意见|指导意见|决定|办法|规定|方案|报告|请示|批复|通报|公告|通告|函|纪要|决议|措施|若干措施|细则|规划|计划)$")
# A line that is no part of a title: a breadcrumb (首页 > 通知公告), a document number.
_NOT_TITLE = re.compile(r"[>＞»]|首页|当前位置|您的位置|[〔\[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*号")


def _can_be_title(line: str) -> bool:
    """Whether a first line can be a title: not navigation, a byline or a clause (ending in a sentence mark or comma,
    holding a full stop or two commas, or indented as a paragraph with one), and of four characters at least or a
    公文's kind (公告)."""
    title = line.strip()
    return not (
        _NAV.match(title)
        or title[-1] in "。；：:，,、"
        or "。" in title[:-1]  # a sentence ended inside: a paragraph's first line
        or title.count("，") > 1
        or (_INDENTED.match(line) and "，" in title)
        or (title[-1] in "！!" and len(title) <= 6)
        or (len(title) < 4 and not _DOCUMENT_KIND.match(title))
        or _REPORTER.match(title)
    )


def _can_follow_label(line: str) -> bool:
    """Whether the line under a short first line can be the title that makes it a column label: not a subtitle (——…),
    a chapter heading, a date, a byline or a note in brackets (政府工作报告 over ——2017年3月5日在…: the title itself)."""
    s = line.strip()
    return _can_be_title(line) and not (re.match(r"(?:——|--|—)", s) or _CHAPTER_HEADING.match(s) or _OFFICE_NAME.match(s)
                                         or is_date_alone(s) or re.fullmatch(r"[（(].*[）)]", s))


def _is_title_continuation(line: str) -> bool:
    """The second line of a two-line title: long enough, no sentence punctuation or comma, not a byline, dateline,
    breadcrumb, number, chapter heading (第一章 总则), rule of symbols or note in brackets."""
    s = line.strip()
    return (
        len(s) >= 8
        and ideograph_count(s) >= 4
        and not re.search(r"[。；：:！？!?，,]", s)
        and not _CHAPTER_HEADING.match(s)
        and not _OFFICE_NAME.match(s)
        and not re.fullmatch(r"[（(].*[）)]", s)
        and not _NOT_TITLE.search(s)
        and not re.match(r"^\s*(?:——|--|—)", s)
        and not _REPORTER.match(s)
        and not _AGENCY.match(s)
        and not _DATELINE.match(s)
        and not find_dates(s)
    )


# A chapter, part or section heading (第一章 总则, 第三编, 第二节): the body's structure, never part of a title.
_CHAPTER_HEADING = re.compile(rf"^第[\s\u3000]*[{CN_ORDINALS}\d]{{1,4}}[\s\u3000]*[编章节部篇]")
# A speaker's or signatory's line: an office and a name apart (国务院总理　李克强, 中共某某县委书记 王建国, 副省长 李明华).
_OFFICE_NAME = re.compile(
    rf"^\s*(?P<office>[{CJK}]{{0,24}}(?:书记|主任|部长|省长|市长|县长|区长|州长|镇长|乡长|局长|厅长|总理|主席|院长|检察长|司长|处长|秘书长|"
    rf"会长|行长|董事长|总经理|委员|主委|政委|司令员|校长))[\s\u3000]+(?P<name>[{CJK}·]{{2,4}})\s*$"
)
_REPORTER = re.compile(
    r"^\s*[□■●◆◇○]?\s*(?P<outlet>[^\s，,。记者通讯员]{1,20}?(?:报|网|台|社|电视台|日报|晚报|新闻|杂志))?\s*"
    r"(?P<names>(?:(?:特约|实习)?(?:记者|通讯员|实习生|作者)\s*[^\s，,。]{0,20}?\s*)+)(?:/|／)?\s*(?:文图|图文|文|摄|报道)?\s*$"
)
_AGENCY = re.compile(rf"^[{CJK}]{{2,14}}(?:厅|局|委|办|部|院|处|科|队|中心|支队|大队|分局|派出所|所|站|室)$")
_SPACED_NAME = re.compile(rf"^\s*[{CJK}](?:[ \u3000]+[{CJK}]){{1,3}}\s*$")
# Headings letter-spaced as names are (目　　录, 前　言): the body's, never an author.
_SPACED_HEADINGS = frozenset("目录 前言 序言 引言 总则 附则 分则 附件 附录 说明 后记 结语 结束语 摘要 正文 注释 绪论 导言".split())
_CLOSING = re.compile(  # the bracket first, the lookbehind after it: the scan skips to brackets
    rf"[（(](?<=[。！？”][（(])\s*(?:(?:作者|通讯员|记者|供稿|撰稿)[:：\s]*)?"
    rf"(?!(?:试行|暂行|草案|征求意见稿|修订|节选|摘编|续|完)\s*[）)])(?P<who>[{CJK}A-Za-z·\s、]{{2,20}})\s*[）)]\s*$"
)
# The roles a byline names (本报/本台 says which outlet, not who: it is dropped), and a byline made of them.
_ROLE = r"(?:本报|本台|本刊|本网)?(?:特约|实习)?(?:记者|通讯员|实习生)"
_ROLE_NAMES = re.compile(rf"(?P<role>{_ROLE})\s*[:：]?\s*(?P<names>(?:(?!{_ROLE})[{CJK}·])+(?:[\s、，,]+(?:(?!{_ROLE})[{CJK}·])+)*)")
_BYLINE = rf"(?:{_ROLE}\s*[:：]?\s*[{CJK}·]{{2,8}}(?:[\s、，,]+[{CJK}·]{{2,8}})*\s*)+"
# A byline in brackets on a text's last line ((通讯员 周海洋), （记者 李明 通讯员 王红）).
_CLOSING_LINE = re.compile(rf"^\s*[（(]\s*(?P<who>{_BYLINE})[）)]\s*$")
# A news agency's dateline opening the body: 新华社北京10月17日电（记者李晓东）, 本报讯（通讯员 王红）.
_DATE_MD = r"[0-9一二三四五六七八九十〇]{1,3}月[0-9一二三四五六七八九十〇]{1,3}日"
_DATELINE = re.compile(
    rf"^\s*(?P<outlet>新华社|中新社|中国新闻社|中新网|人民网|新华网|央视网|央广网|光明网|本报|本台|本刊|本网|"
    rf"[{CJK}]{{2,8}}?(?:日报|晚报|新闻社|通讯社|电视台))(?:[{CJK}]{{0,12}}?{_DATE_MD}电|讯)"
    rf"(?:\s*[（(](?P<who>{_BYLINE})[）)]|(?=[\s（(]|$))\s*"  # 电 then a byline, a space or the end: not 5月3日电力
)


def _bylined(who: str) -> str:
    """A byline's roles and names as the front matter's are written: 记者 李明、王红；通讯员 周海洋.

    >>> _bylined("本报记者李明 王红 通讯员 周海洋")
    '记者 李明、王红；通讯员 周海洋'
    """
    parts = []
    for m in _ROLE_NAMES.finditer(who):
        role = re.sub("^(?:本报|本台|本刊|本网)", "", m.group("role"))
        parts.append(f"{role} " + "、".join(re.split(r"[\s、，,]+", m.group("names").strip())))
    return "；".join(parts)


_GLUED_NAME = re.compile(rf"(?<=[{SENTENCE_END}”])(?P<who>[{CJK}]{{2,4}})\s*$")
_END_MARK = re.compile(r"[（(]\s*完\s*[）)]\s*$")
# Surnames a glued name opens with (the Hundred Family Surnames and the commonest beyond them); kept here, not in
# data/, so that editing the list changes this module's source and with it the cleaning cache's key (stage_fingerprint).
_SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳"
    "酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅"
    "庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣"
    "贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲"
    "伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶"
    "堵冉宰郦雍璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东"
    "欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦岳帅缑亢况"
    "佘佴伯赏墨哈谯笪年爱阳佟言福海付覃邸兰代展练楼粟靖银揭由招过麦冼区庹禤邝"
)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 夏侯 东方 皇甫 尉迟 令狐 端木 澹台 宇文 长孙 轩辕 拓跋 南宫 呼延 赫连 淳于 百里 西门 慕容 司徒 司空 "
    "公孙 钟离 闻人 申屠 万俟 单于 亓官 颛孙 闾丘 鲜于 第五".split()
)
# A 公文's closing formula glued to its last sentence (特此通知, 此复, 此致敬礼, 谢谢): never an author.
_CLOSING_FORMULA = re.compile(r"特此|此致|此复|专此|谨此|谢谢|全文完")


def _name_like(run: str) -> bool:
    """Whether a short run glued after a text's last sentence reads as a person's name: a surname and one or two
    characters (a compound surname and one or two), and no closing formula (特此通知, 亦可参考 and 全面落实 are no names).

    >>> [_name_like(s) for s in ("张晓明", "欧阳晓明", "特此通知", "此复", "亦可参考", "全面落实", "谢谢")]
    [True, True, False, False, False, False, False]
    """
    if _CLOSING_FORMULA.match(run) or run[0] == run[1]:
        return False
    if run[:2] in _COMPOUND_SURNAMES and len(run) in (3, 4):
        return True
    return run[0] in _SURNAMES and len(run) in (2, 3)


@_bounded
def step_bylines(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Reporter bylines in the front matter, a news agency's dateline opening the body (新华社北京10月17日电（记者李晓东）:
    the dateline goes, the sentence after it stays), and author bylines closing the text (glued to it, or in brackets
    on a line of their own)."""
    edits = []
    front = _front(text, cfg)
    edits += _dateline(text, front, ctx)
    for line in front:
        m = _REPORTER.match(line.text)
        if m and re.search("记者|通讯员|实习生|作者", line.text):
            if m.group("outlet") and m.group("outlet") not in _SELF_OUTLETS:  # 本报记者: "this paper" names none
                ctx.setdefault("source", m.group("outlet"))
            names = re.sub(r"\s+", "", m.group("names"))
            names = re.sub(r"(?<=.)(特约记者|实习记者|记者|通讯员|实习生|作者)", r"；\1", names)
            names = re.sub(r"(记者|通讯员|实习生|作者)", r"\1 ", names)
            ctx.setdefault("author", names)
            edits.append(_remove_line(line, text, f"reporter byline: author={names}", "extracted"))
        elif ctx.get("title") and (office := _OFFICE_NAME.match(line.text)):
            who = office.group("name")
            ctx.setdefault("author", who)
            edits.append(_remove_line(line, text, f"speaker / author line: author={who} ({office.group('office')})", "extracted"))
        elif ctx.get("title") and _SPACED_NAME.match(line.text) and re.sub(r"\s+", "", line.text) not in _SPACED_HEADINGS:
            who = re.sub(r"\s+", "", line.text)
            ctx.setdefault("author", who)
            edits.append(_remove_line(line, text, f"speaker / author line: author={who}", "extracted"))
        elif ctx.get("title") and _AGENCY.match(line.text.strip()) and line is front[-1]:
            ctx.setdefault("author", line.text.strip())
            edits.append(_remove_line(line, text, f"author line: author={line.text.strip()}", "extracted"))
    last = next((line for line in reversed(_lines(text)) if line.text.strip()), None)
    if last is None or last in front:
        return edits
    if (m := _CLOSING_LINE.match(last.text)) and text[: last.start].strip():  # (通讯员 周海洋) under the last paragraph
        who = _bylined(m.group("who"))
        ctx.setdefault("author", who)
        return [*edits, _remove_line(last, text, f"closing byline: author={who}", "extracted")]
    for pattern, what in ((_END_MARK, None), (_CLOSING, "closing byline"), (_GLUED_NAME, "byline glued to the last paragraph")):
        # _GLUED_NAME ends the line: it can start no earlier than four characters before the trailing space
        m = pattern.search(last.text, max(0, len(last.text.rstrip()) - 4) if pattern is _GLUED_NAME else 0)
        if not m:
            continue
        if what is None:
            edits.append(Edit(last.start + m.start(), last.start + m.end(), m.group(), "", "removed", "end mark (完)"))
            break
        who = re.sub(r"\s+", " ", m.group("who")).strip()
        if len(last.text[: m.start()].strip()) < 20:
            break  # a short last line is a heading or a fragment, not a paragraph with a byline
        if pattern is _GLUED_NAME and not _name_like(who):
            break  # 特此通知 closes the text; it is not the author
        ctx.setdefault("author", who)
        edits.append(Edit(last.start + m.start(), last.start + m.end(), m.group(), "", "extracted", f"{what}: author={who}"))
        break
    return edits


def _dateline(text: str, front: list[_Line], ctx: dict) -> list[Edit]:
    """A dateline at the start of the body's first line (or a front line): removed, its outlet the source, its byline the author."""
    lines = _lines(text)
    after = lines[len(front)] if len(front) < len(lines) else None  # the first line after the front matter
    for line in [*front, *([after] if after else [])]:
        head = line.text[:48]  # outlet, place and date come before 电 or 讯: most lines are passed over without the pattern
        m = _DATELINE.match(line.text) if "电" in head or "讯" in head else None
        if not m:
            continue
        outlet, who = m.group("outlet"), m.group("who")
        if outlet not in _SELF_OUTLETS:
            ctx.setdefault("source", outlet)
        found = [f"source={outlet}"] if outlet not in _SELF_OUTLETS else []
        if who:
            ctx.setdefault("author", _bylined(who))
            found.append(f"author={_bylined(who)}")
        note = "dateline" + (": " + "; ".join(found) if found else "")
        if not line.text[m.end() :].strip():
            return [_remove_line(line, text, note, "extracted")]
        return [Edit(line.start + m.start(), line.start + m.end(), m.group(), "", "extracted", note)]
    return []


_MARKER = re.compile(rf"^\s*(?:[A-Za-z]|[0-9]{{1,2}}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[{CN_ORDINALS}]{{1,2}})\s*[.、．]?\s*$")


def step_section_markers(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """A lone section letter or number (A / B / 1) on its own line joins the heading it numbers.

    Only where a section can begin: at the start of the text, after a blank line or after a line
    that ends a sentence; a number between two cells of a table dumped a cell a line
    (乱贴乱画 ⏎ 50 ⏎ 占道经营) or a character of vertical text stays where it is.
    """
    lines = _lines(text)
    edits = []
    for i, line in enumerate(lines):
        if not _MARKER.match(line.text):
            continue
        above = lines[i - 1].text.rstrip() if i else ""
        if above and above[-1] not in LINE_FINAL:
            continue
        nxt = next((later for later in lines[i + 1 :] if later.text.strip()), None)
        if nxt is None or _MARKER.match(nxt.text) or len(nxt.text.strip()) > cfg.max_title_len:
            continue
        start = line.start + len(line.text.rstrip())
        end = nxt.start + (len(nxt.text) - len(nxt.text.lstrip()))
        edits.append(Edit(start, end, text[start:end], " ", "changed", f"section marker {line.text.strip()!r} joined to its heading"))
    return edits


_OPENERS = "“‘《（(【「『"
_CLOSERS_START = re.compile(r"^\s*[，。、；：？！）》”’】」』,.;:?!)]")


def _open_quote_at_end(line: str) -> bool:
    """Whether a line ends inside a quotation it opened, or right after an opening mark."""
    stripped = line.rstrip()
    return stripped[-1:] in _OPENERS or (line.rfind("“") > line.rfind("”") and stripped[-1:] not in LINE_FINAL)


def step_broken_lines(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Rejoin a quotation or sentence that the page broke across lines.

    Joins where the line break cannot be a paragraph end: inside an open quotation or
    bracket, before punctuation that never starts a line, in texts whose paragraphs are
    separated by blank lines at single line breaks inside a paragraph (names a page set on
    lines of their own: 工贼\\n刘少奇\\n为首), and in a hard-wrapped paragraph at a break
    inside a word (适当控\\n制信贷规模: see :func:`_wrapped_inside_sentence`) or, where paragraphs
    open indented, after a full line that ends a sentence (:func:`_wrapped_at_sentence_end`).
    """
    lines = _lines(text)
    filled = [line for line in lines if line.text.strip()]
    blank_separated = _blank_separated(text, len(lines) - len(filled), len(filled))
    indented = len(_INDENTED_LINE.findall(text)) + bool(_INDENTED.match(text))
    indent_marked = INDENT_MARKED_MIN_LINES <= indented < len(filled)  # paragraphs open indented; some lines go on unindented
    wrap_width = lru_cache(maxsize=1)(lambda: _wrap_width(filled))  # read only where a rule needs it
    edits = []
    for i, (line, nxt) in enumerate(zip(lines, lines[1:])):
        cur, nxt_text = line.text.rstrip(), nxt.text.strip()
        if not cur.strip() or not nxt_text:
            continue
        starts_block = i == 0 or not lines[i - 1].text.strip()
        reason = None
        if _open_quote_at_end(cur):
            reason = "quotation broken across lines"
        elif _CLOSERS_START.match(nxt_text):
            reason = "line starts with closing punctuation"
        elif blank_separated and cur[-1] not in LINE_FINAL and not (starts_block and _is_heading_like(cur)) \
                and not _ends_a_block_line(cur.strip(), nxt_text):  # fmt: skip
            reason = "sentence broken across lines"
        elif _wrapped_inside_sentence(None if starts_block else lines[i - 1].text, cur, nxt.text, wrap_width):
            reason = "line wrapped inside a sentence"
        elif indent_marked and cur[-1] in "。；！？" and wrap_width() and _wrapped_at_sentence_end(cur, nxt.text, wrap_width()):
            reason = "line wrapped inside an indented paragraph"
        if reason:
            start = line.start + len(cur)
            end = nxt.start + (len(nxt.text) - len(nxt.text.lstrip()))
            edits.append(Edit(start, end, text[start:end], "", "changed", reason))
    return edits


#: The fewest indented lines that make a text one whose paragraphs open indented (　　), as a PDF's text keeps them.
INDENT_MARKED_MIN_LINES = 3


def _wrapped_at_sentence_end(cur: str, nxt: str, wrap_width: int) -> bool:
    """Whether, in a text whose paragraphs open indented, a full line that ends a sentence goes on in ``nxt``.

    The line is as wide as the text's wrapped lines (``wrap_width``), and ``nxt`` starts at the
    margin, unindented (a new paragraph would be indented, a centred line starts further in), with
    an ideograph or an opening mark, and is no list item, heading, signature or date.
    """
    rest = nxt.rstrip()
    return bool(cur and rest and cur[-1] in "。；！？" and abs(_width(cur) - wrap_width) <= _WRAP_SLACK
                and not rest[0].isspace() and (is_cjk(rest[0]) or rest[0] in "“‘《")
                and not _LINE_ITEM.match(rest) and not is_date_alone(rest) and not (_is_heading_like(rest) and rest[-1] not in LINE_FINAL))


def _blank_separated(text: str, n_blank: int, n_filled: int) -> bool:
    """Whether a text's paragraphs are separated by blank lines: a third as many blank lines as filled ones, in as many
    runs between text as one per eight filled lines at least (and two). An empty page (a run of blank lines where a
    scan had no text) is one run: it makes no hard-wrapped text a blank-separated one."""
    return n_blank >= max(2, n_filled // 3) and len(_BLANK_RUN.findall(text.strip())) >= max(2, n_filled // 8)


#: A run of blank lines (between two lines of text, in a stripped text); a line opening indented as a paragraph.
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_INDENTED_LINE = re.compile("\n" + _INDENTED.pattern.removeprefix("^"))  # after a line break (a scan 6x faster than ^ in MULTILINE)


def _ends_a_block_line(cur: str, nxt: str) -> bool:
    """Lines that stand alone even where a text's single line breaks are wraps: a chapter heading or a date alone
    (第二章 附则; 2016年2月26日 over （此件公开发布）), or a line before a list item or a heading."""
    return bool(_CHAPTER_HEADING.match(cur) or _LINE_ITEM.match(nxt) or is_date_alone(cur))


# What opens a list item, a heading or a note at the start of a line: 一、 （一） 1. 一是 第一章, bullets and ① ⑴ ⒈.
_LINE_ITEM = re.compile(
    rf"\s*(?:[{CN_ORDINALS}]{{1,3}}[、．.是]|[（(](?:[{CN_ORDINALS}]{{1,3}}|\d{{1,2}})[）)]|\d{{1,2}}[、．.)）]|"
    rf"第[{CN_ORDINALS}百零〇\d]{{1,4}}[章节条部篇编卷，、]|[•·●■◆▲△□○◎★☆※\-*]|[\u2460-\u249b])"  # ①-⑳ ⑴-⒇ ⒈-⒛
)


def _wrapped_inside_sentence(prev: str | None, cur: str, nxt: str, wrap_width: Callable[[], int | None] | None = None) -> bool:
    """Whether the break between lines ``cur`` and ``nxt`` is a hard wrap inside a sentence (适当控\\n制信贷).

    ``cur`` ends in the middle of a sentence (an ideograph, or a comma or enumeration comma,
    after which no paragraph ends) and ``nxt`` goes on with an ideograph, unindented, or the
    break cuts a number or what it counts (see :func:`_number_wrapped`); ``cur``
    is no heading (it has sentence punctuation or is longer than a heading) and ``nxt`` opens
    no list item or heading; and ``cur`` is as wide as the lines of its paragraph: no narrower
    than ``nxt`` (the last line of a paragraph may be short) and as wide as ``prev`` where
    that line also continues the paragraph. A list item's first line must also be longer than
    a heading (一、坚持党的领导，加强组织建设 stays a heading), unless it holds a comma and is
    exactly as wide as the text's wrapped lines (``wrap_width()``, see :func:`_wrap_width`).
    ``prev`` is None where ``cur`` opens a block.
    """
    if not (cur and nxt):
        return False
    if not ((cur[-1] in "，、" or is_cjk(cur[-1])) and is_cjk(nxt[0])
            or (cur[-1] in _DIGIT_END or nxt[0] in _DIGITS) and _number_wrapped(cur, nxt)):
        return False
    if _is_heading_like(cur) or _LINE_ITEM.match(nxt):
        return False
    width = _width(cur)
    if _LINE_ITEM.match(cur) and len(cur.strip()) <= MAX_HEADING_LEN and not ("，" in cur and wrap_width is not None
                                                                              and width == wrap_width()):
        return False
    rest = nxt.rstrip()
    continues = prev is not None and prev.strip() and prev.rstrip()[-1] not in LINE_FINAL

    def full(measure: Callable[[str], int], slack: int) -> bool:  # as wide as its paragraph's lines, by this measure
        return measure(rest) <= measure(cur) + slack and (not continues or abs(measure(prev.rstrip()) - measure(cur)) <= slack)

    # In columns (a digit or Latin letter half an ideograph, as a typeset page sets it), or in characters (as a
    # typewriter's or a grid's page does, a digit one cell): the line is full by either.
    return full(_width, _WRAP_SLACK) or full(len, _WRAP_SLACK // 2)


#: How many columns the lines of one hard-wrapped paragraph may differ by (a Latin letter or digit is half a column).
_WRAP_SLACK = 2

#: The fewest characters a line cut inside a number is: a full line of prose, not a table's row (东山县 1200).
NUMBER_WRAP_MIN_CHARS = 12


def _number_wrapped(cur: str, nxt: str) -> bool:
    """Whether a prose line breaks inside a number or between it and what it counts (共12 ⏎ 6人, 增长3 ⏎ 0%, 4. ⏎ 56亿斤,
    4, ⏎ 600万元, 1978年12 ⏎ 月, 共 ⏎ 126人): a digit (or a decimal point or comma after one) on one side of the break, a digit, an
    ideograph or a per cent sign on the other; ``cur`` prose (a clause mark in it) and no space inside it or at the
    start of ``nxt`` (a table's rows and cells: 东山县 1200, 粮食产量（万斤）1250)."""
    c, n = cur.rstrip(), nxt.strip()
    if not c or not n:
        return False
    digit_before = c[-1] in _DIGITS or (c[-1] in ".．," and c[-2:-1] in _DIGITS)
    digit_after = n[0] in _DIGITS
    if not (digit_before and (digit_after or is_cjk(n[0]) or n[0] in "%％") or digit_after and (is_cjk(c[-1]) or c[-1] in "，、")):
        return False
    return (len(c.strip()) >= NUMBER_WRAP_MIN_CHARS and _CLAUSE_MARK.search(c) is not None
            and _SPACE.search(c.strip()) is None and _SPACE.search(n, 0, NUMBER_WRAP_MIN_CHARS) is None)


_DIGITS = frozenset("0123456789０１２３４５６７８９")
_DIGIT_END = _DIGITS | frozenset(".．,")
_CLAUSE_MARK = re.compile("[，。、；：]")
_SPACE = re.compile(r"\s")


def _wrap_width(lines: Sequence[_Line]) -> int | None:
    """The width (columns) of a hard-wrapped text's lines: the most common width of lines that end inside a sentence,
    where three such lines at least share it."""
    widths = Counter(_width(line.text.rstrip()) for line in lines if line.text.strip() and line.text.rstrip()[-1] not in LINE_FINAL)
    if not widths:
        return None
    width, n = widths.most_common(1)[0]
    return width if n >= 3 else None


def _width(line: str) -> int:
    """Display width in columns: two for an ideograph or full-width form, or for a mark of ambiguous width as Chinese
    sets it (“ ” ① —), one for anything else."""
    return 2 * len(line) - _narrow_re().subn("", line)[1]


@lru_cache(maxsize=1)
def _narrow_re() -> re.Pattern[str]:
    """The characters one column wide (East Asian width neither W, F nor A; every one below U+10000), as a class."""
    ranges, start = [], None
    for cp in range(0x10001):
        narrow = cp < 0x10000 and unicodedata.east_asian_width(chr(cp)) not in "WFA"
        if narrow and start is None:
            start = cp
        elif not narrow and start is not None:
            ranges.append(re.escape(chr(start)) + (f"-{re.escape(chr(cp - 1))}" if cp - 1 > start else ""))
            start = None
    return re.compile(f"[{''.join(ranges)}]")


_ITEM_START = re.compile(rf"^\s*([{CN_ORDINALS}])是")


def step_enumeration_breaks(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Restore paragraph breaks lost before the next enumerated items (…。三是… inside 二是…)."""
    edits = []
    for line in _lines(text):
        first = _ITEM_START.match(line.text)
        if not first:
            continue
        k, pos = CN_ORDINALS.index(first.group(1)), first.end()
        while k + 1 < len(CN_ORDINALS):
            m = re.compile(rf"(?<=[。；])\s*(?={CN_ORDINALS[k + 1]}是)").search(line.text, pos)
            if not m:
                break
            edits.append(Edit(line.start + m.start(), line.start + m.end(), m.group(), "\n", "changed",
                              f"paragraph break restored before {CN_ORDINALS[k + 1]}是"))  # fmt: skip
            k, pos = k + 1, m.end() + 2
    return edits


def _is_heading_like(line: str) -> bool:
    s = re.sub(rf"^(?:[{CN_ORDINALS}]+、|[（(][{CN_ORDINALS}]+[）)]|\d+[.、．])", "", line.strip())
    return len(s) <= MAX_HEADING_LEN and not re.search(r"[，。；]", s)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"“[^“”\n]*”", text)]


# “A“B” in a list: an opening mark right after a closing one (the lookbehind after the mark, so the scan skips to marks).
_LOST_CLOSING = re.compile(r"“(?<=”“)([^“”\n]{1,12})(?=“[^“”\n]{1,20}”)")


_CJK_WORD = re.compile(CJK_CHAR + "+")


def step_plus_signs(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Restore a '+' lost as a space in X+Y models (“党建 警务” → “党建+警务”); repair “A“B” lists.

    A space becomes '+' inside a short quotation of space-separated terms, or after a
    known model head (党建 ...) in a short, delimited run; headline spaces are left alone.
    """
    edits: list[Edit] = []
    # “A“B” inside a list of quoted items: the first item lost its closing mark.
    for m in _LOST_CLOSING.finditer(text):
        pos = m.end()
        edits.append(Edit(pos, pos, "", "”", "changed", "closing quotation mark restored in a list of quoted items"))
    patched = apply_edits(text, edits) if edits else text
    # Work on the original offsets: map a position in `patched` back to `text`.
    inserted = [e.start for e in edits]

    def orig(pos: int) -> int:
        return pos - sum(1 for p in inserted if p < pos)

    quotes: list[tuple[int, int]] | None = None  # found at the first sequence that needs them: most texts have none
    for m in iter_spaced_sequences(patched):
        parts = m.group().split()
        slogan = all(len(p) >= 4 for p in parts) and not any(p in cfg.model_heads for p in parts)
        if not slogan and quotes is None:
            quotes = _quote_spans(patched)
        in_quote = not slogan and any(
            m.start() == a + 1 and (b - a - 2) <= 24 and re.fullmatch(r"(?:（[^（）]{1,8}）)?", patched[m.end() : b - 1])
            for a, b in quotes or ()
            if a < m.start() < b
        )
        head = next((h for h in cfg.model_heads if parts[0].endswith(h) and len(parts[0]) <= len(h) + 2), None)
        delimited = _delimited(patched, m.start(), m.end())
        if not (in_quote or (head and delimited and all(len(p) <= 6 for p in parts))):
            if all(_CJK_WORD.fullmatch(p) for p in parts) and len(parts) > 1:
                s, e = orig(m.start()), orig(m.end())
                edits.append(Edit(s, e, text[s:e], text[s:e], "flagged", "space between CJK words kept (no X+Y context)"))
            continue
        for gap in re.finditer(r"[ \u3000]+", m.group()):
            s, e = orig(m.start() + gap.start()), orig(m.start() + gap.end())
            why = "inside quotation marks" if in_quote else f"after model head {head}"
            edits.append(Edit(s, e, text[s:e], "+", "changed", f"lost '+' restored ({why})"))
    return sorted(edits, key=lambda e: (e.start, e.end))


def _delimited(text: str, start: int, end: int) -> bool:
    before, after = text[start - 1 : start], text[end : end + 1]
    bounds = set(_PUNCT) | {"", "\n", " "}
    return before in bounds and after in bounds


_SPACES = re.compile(r"[ \t\u3000][ \t\u3000]*")  # not [...]+: a pattern that opens on a repeat is tried at every position
_SPACE_PUNCT = frozenset(_PUNCT) | frozenset("，。、；：？！“”‘’（）《》【】")


def _ascii_word(ch: str) -> bool:
    """Whether a character is a printed ASCII one (the side of a space that makes it Latin text's: Smith, 0.9% (est.))."""
    return bool(ch) and ch.isascii() and ch.isprintable() and not ch.isspace()


def step_whitespace(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """One line per paragraph: no indentation, trailing or blank lines, no spaces beside CJK punctuation (nor beside
    ASCII punctuation, except between it and a Latin word: ``Mr. Smith``, ``8.1%, CPI`` keep their spaces)."""
    lines = _lines(text)
    blank = [not line.text or line.text.isspace() for line in lines]  # what str.strip() would leave empty
    last = len(blank) - 1 - blank[::-1].index(False) if False in blank else -1
    if last == -1:
        return [Edit(0, len(text), text, "", "changed", "whitespace")] if text else []
    edits = [Edit(line.start, line.stop, text[line.start : line.stop], "", "changed", "whitespace")
             for line, empty in zip(lines[:last], blank) if empty]  # fmt: skip
    starts = None
    for m in _SPACES.finditer(text):  # one scan of the text: no run of spaces crosses a line break
        a, b = m.span()
        if starts is None:
            starts = [line.start for line in lines]
        i = bisect_right(starts, a) - 1
        line = lines[i]
        if blank[i]:
            continue
        left, right = text[a - 1] if a > line.start else "", text[b] if b < line.end else ""
        # Beside punctuation, unless it is ASCII punctuation in Latin text (Mr. Smith, 8.1%, CPI, CEO (ABC) keep theirs).
        beside_punct = (left in _SPACE_PUNCT and not (left.isascii() and _ascii_word(right))) \
            or (right in _SPACE_PUNCT and not (right.isascii() and _ascii_word(left)))  # fmt: skip
        after = "" if a == line.start or b == line.end or beside_punct else " "
        if after != m.group():
            edits.append(Edit(a, b, m.group(), after, "changed", "whitespace"))
    line = lines[last]
    if line.stop > line.end:
        edits.append(Edit(line.end, len(text), text[line.end :], "", "changed", "whitespace"))
    return sorted(edits, key=_EDIT_ORDER)


# --------------------------------------------------------------------------- page furniture

#: A line that is a page number and nothing else: 3, - 3 -, — 3 —, ·3·, 第3页 (第3頁), 第3页 共5页, 3/5.
_PAGE_NUMBER_LINE = re.compile(r"[\s\-—–－─·•]*(?:第\s*)?(?P<n>[0-9０-９]{1,4})(?:\s*[页頁])?(?:\s*(?:[/／]|[，,]?\s*共)\s*[0-9０-９]{1,4}\s*[页頁]?)?[\s\-—–－─·•]*")
# What sets a page number off as one: a dash or a dot around it, 第…页, a slash or 共 before the count of pages.
_PAGE_NUMBER_MARK = re.compile(r"[\-—–－─·•第页頁/／共]")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: How many lines at the top and at the foot of each page are read for page numbers and running heads.
PAGE_EDGE_LINES = 2
#: A line at a page's edge is a running head or foot where it repeats on at least this share of the pages (three at least; two word for word).
RUNNING_SHARE = 0.5
#: The longest line that can be a running head or foot.
RUNNING_MAX_CHARS = 30


@_bounded
def step_page_furniture(text: str, cfg: CleanConfig, ctx: dict) -> list[Edit]:
    """Page numbers and running heads and feet of a paged text (pages split by form feeds, as PDFs give them).

    At the top and the foot of each page (:data:`PAGE_EDGE_LINES` lines), a line is removed that
    is a page number set off as one (— 3 —, -3-, ·3·, 第3页, 3/12), a bare number that counts the
    pages along with another (3 on one page, 4 on the next), or a line of at most
    :data:`RUNNING_MAX_CHARS` characters, not ending as a sentence or clause does, that repeats, numbers aside, at the edges of at least
    :data:`RUNNING_SHARE` of the pages and three or more (a document number, an issuer's name), or word for word on
    that share and two or more but not on the first page (a 文号 atop pages 2-3 of three); never an attachment's 附件1
    nor, word for word, a numbered heading. Each goes
    with its line break, so a sentence the page cut joins again (the unicode step makes the form
    feed a line break, broken_lines joins the halves). A text without form feeds is left alone.
    """
    if "\f" not in text:
        return []
    edges, offset = [], 0
    for k, part in enumerate(text.split("\f")):
        lines = [line for line in _lines(part) if line.text.strip()]
        for line in dict.fromkeys([*lines[:PAGE_EDGE_LINES], *lines[-PAGE_EDGE_LINES:]]):
            edges.append((k, line._replace(start=line.start + offset, end=line.end + offset, stop=line.stop + offset)))
        offset += len(part) + 1
    n_pages = text.count("\f") + 1
    numbers = [_PAGE_NUMBER_LINE.fullmatch(line.text) for _, line in edges]
    offsets = Counter(int(m["n"].translate(_ASCII_DIGITS)) - k for (k, _), m in zip(edges, numbers) if m)
    shapes = [_running_shape(line.text) for _, line in edges]
    pages_with = Counter(shape for _, shape in {(k, shape) for (k, _), shape in zip(edges, shapes) if shape})
    # The same words exactly (no number set aside) on fewer pages, where the first page lacks them and they number
    # nothing: a 文号 atop pages 2-3 of a 3-page 公文, whose first page carries the red head instead.
    words = ["".join(line.text.split()) if shape and not _LINE_ITEM.match(line.text) else None
             for (_, line), shape in zip(edges, shapes)]  # fmt: skip
    on_first = {w for (k, _), w in zip(edges, words) if w and k == 0}
    pages_with_words = Counter(w for _, w in {(k, w) for (k, _), w in zip(edges, words) if w and w not in on_first})
    share = math.ceil(RUNNING_SHARE * n_pages)
    title = _title_as_running_head(edges, words)
    spans = []
    for (k, line), m, shape, w in zip(edges, numbers, shapes, words):
        if title is not None and w == title[1]:
            if line is title[0]:  # the title itself, on the first page
                continue
            note = "running head or foot"  # the title repeated atop a later page, even on one
        elif m and (_PAGE_NUMBER_MARK.search(line.text) or offsets[int(m["n"].translate(_ASCII_DIGITS)) - k] >= 2):
            note = "page number"
        elif shape and shape != "#" and not shape.startswith("附件") and (
                pages_with[shape] >= max(3, share) or pages_with_words[w] >= max(2, share)):  # fmt: skip
            note = "running head or foot"
        else:
            continue
        at, to = line.start, line.stop
        page_end = text.find("\f", to) % (len(text) + 1)  # -1 (the last page): the end of the text
        if not text[to:page_end].strip():  # a page's last line: the line break before it goes with it, and any after it
            at -= 2 if text[at - 2 : at] == "\r\n" else 1 if text[at - 1 : at] == "\n" else 0
            to = page_end
        spans.append((at, to, note))
    edits: list[Edit] = []
    for at, to, note in sorted(spans):
        if edits and at <= edits[-1].end:  # two lines at one edge of a page: one removal
            last = edits.pop()
            at, to, note = last.start, max(to, last.end), last.note
        edits.append(Edit(at, to, text[at:to], "", "removed", note))
    return sorted(edits + _sentences_across_pages(text, edits), key=attrgetter("start"))


def _title_as_running_head(edges: list[tuple[int, _Line]], words: list[str | None]) -> tuple[_Line, str] | None:
    """The text's first line and its words, where it is a title that later pages repeat as their running head.

    A long 公报 or 规划 set in pages repeats its title atop each later page: there the line is
    furniture, on the first page it is the title. It is taken for the title where the line under
    it cannot be one (a note in brackets, a heading, a date, a salutation or a sentence:
    see :func:`_can_follow_label`); a gazette's name over the title of the document it prints
    (国务院公报 ⏎ 国务院关于…的通知) or a document number (某防指〔2023〕3号) stays furniture on every page.
    """
    if not edges or edges[0][0] != 0 or not words[0] or _LINE_ITEM.match(edges[0][1].text):
        return None
    first, title = edges[0][1], words[0]
    if not _can_be_title(first.text) or _NOT_TITLE.search(first.text) or not any(k > 0 and w == title for (k, _), w in zip(edges, words)):
        return None
    under = next((line for k, line in edges[1:] if k == 0), None)
    if under is None or (_can_follow_label(under.text) and not _LINE_ITEM.match(under.text)):
        return None
    return first, title


#: The shortest line that ends a page inside a sentence: a shorter one without a stop is a heading (二、重点任务).
PAGE_JOIN_MIN_CHARS = 20


def _sentences_across_pages(text: str, removed: list[Edit]) -> list[Edit]:
    """The page breaks that cut a sentence, each removed: the page's last line (its furniture gone) runs on.

    A break joins where the line before it (of :data:`PAGE_JOIN_MIN_CHARS` characters at least)
    ends on an ideograph or a comma, and the line after it opens with an ideograph or a quotation
    mark and no numbering (一、 （一） 1.): the rest of the sentence; or where it cuts a number
    (:func:`_number_wrapped`). Never after an attachment line
    (附件：…) or before a line over a date alone (a signature: 某某局 ⏎ 2021年3月5日).
    """
    gone = [(e.start, e.end) for e in removed]  # sorted, none overlapping
    starts = [a for a, _ in gone]

    def removal_at(pos: int) -> tuple[int, int] | None:
        k = bisect_right(starts, pos) - 1
        return gone[k] if k >= 0 and pos < gone[k][1] else None

    joins = []
    for m in re.finditer("\f", text):
        before_end = m.start()
        while (span := removal_at(before_end - 1)) is not None:  # step back over removed furniture
            before_end = span[0]
        after_start = m.end()
        while (span := removal_at(after_start)) is not None:
            after_start = span[1]
        before = text[text.rfind("\n", 0, before_end) + 1 : before_end].strip()
        after_end = (text.find("\n", after_start) + 1 or len(text) + 1) - 1
        after = text[after_start:after_end].strip()
        below = text[after_end + 1 : (text.find("\n", after_end + 1) + 1 or len(text) + 1) - 1].strip()
        if (len(before) >= PAGE_JOIN_MIN_CHARS and after
                and ((is_cjk(before[-1]) or before[-1] in "，、")
                     and (is_cjk(after[0]) or after[0] in "“‘《" or re.match(r"\d+(?![\d\s.．、])", after))
                     or _number_wrapped(before, after)) and not _LINE_ITEM.match(after)
                and not before.startswith("附件") and not is_date_alone(below)):  # fmt: skip  # a signature over its date
            joins.append(Edit(m.start(), m.end(), "\f", "", "removed", "page break inside a sentence: joined"))
    return joins


def _running_shape(line: str) -> str | None:
    """A line as a running head or foot repeats it: no spaces, each run of digits one mark (None: too long, blank or a sentence)."""
    shape = re.sub(r"\s+", "", line)
    if not 0 < len(shape) <= RUNNING_MAX_CHARS or shape[-1] in "。；！？，：;!?,:":
        return None
    return re.sub(r"[0-9０-９]+", "#", shape)


#: The pipeline: (name, function, bulk). Bulk steps are summarised in one audit row per document.
STEPS: list[tuple[str, StepFn, bool]] = [
    ("page_furniture", step_page_furniture, False),
    ("unicode", step_unicode, True),
    ("pinyin", step_pinyin, False),
    ("mojibake", step_mojibake, False),
    ("script", step_script, True),
    ("variants", step_variants, True),
    ("fullwidth", step_fullwidth, True),
    ("quotes", step_quotes, True),
    ("punctuation", step_punctuation, True),
    ("plus_signs", step_plus_signs, False),
    ("captions", step_captions, False),
    ("markup", step_markup, False),
    ("navigation", step_navigation, False),
    ("trailers", step_trailers, False),
    ("header_lines", step_header_lines, False),
    ("title", step_title, False),
    ("bylines", step_bylines, False),
    ("section_markers", step_section_markers, False),
    ("broken_lines", step_broken_lines, False),
    ("enumeration_breaks", step_enumeration_breaks, False),
    ("whitespace", step_whitespace, True),
]
STEP_NAMES = [name for name, _, _ in STEPS]
BULK_STEPS = frozenset(name for name, _, bulk in STEPS if bulk)
assert STEP_NAMES == [f.name for f in fields(CleanConfig) if f.type in ("bool", bool)]


# --------------------------------------------------------------------------- gates
# Most steps find nothing in most texts, and each would scan the whole text to learn it. A step
# below finds nothing (and records nothing in the context) in a text that holds none of its
# characters; clean_text learns which of these characters a text holds in one pass over its code
# points (NumPy, a table lookup each) and skips the steps that cannot fire. Steps change the text:
# what they remove takes characters away, what they write is added to the set, so the set stays
# a superset of the characters of the text each step reads. The steps keep their own checks:
# called alone they give the same result. (tests/test_clean.py runs every step on the texts of the
# CPC reports, the seeds and the cleaning cases and checks that a skipped one finds nothing.)

_UNICODE_CHARS = [(0x00, 0x08), (0x0B, 0x0D), (0x0E, 0x1F), (0x7F, 0x9F), (0xA0, 0xA0), (0xAD, 0xAD), (0x2002, 0x200F),
                  (0x2028, 0x202F), (0x205F, 0x2060), (0x2066, 0x2069), (0x061C, 0x061C),
                  (0xFEFF, 0xFEFF)]  # fmt: skip  (_UNICODE_FIXES)


def _chars(text: str) -> list[tuple[int, int]]:
    return [(ord(c), ord(c)) for c in text]


@lru_cache(maxsize=1)
def _gate_table() -> tuple[dict[str, int], np.ndarray]:
    """Per step, its bit; per code point (all above U+FFFF at U+10000), the bits of the steps it may make fire."""
    rare = _rare_bmp()
    chars = {
        "unicode": _UNICODE_CHARS,  # and text not in NFC (tested apart)
        "pinyin": _chars("(（"),  # _PINYIN_HINT: an opening parenthesis,
        "pinyin:letter": [(0x61, 0x7A), *_chars(_TONES)],  # and after it a lower-case letter
        # the marks of _suspect_spans (_mark_re: rare ideographs, every one above U+FFFF, the signs) and
        # the first character of _LATIN_MOJIBAKE; UTF-8 read as GBK is tested apart (_may_hold_utf8_read_as_gbk)
        "mojibake": [*zip(rare, rare), (0x10000, 0x10000), *_chars("\ufffd€?"), (0xE000, 0xF8FF), (0xC0, 0xFF)],
        "variants": [(ord(c), ord(c)) for c in _variant_table()],  # _variant_re
        "fullwidth": [(0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)],  # _FULLWIDTH_HINT
        "quotes": _chars("「」『』﹁﹂﹃﹄"),  # _CORNER_HINT
        "punctuation": _chars(",;:?!()"),  # _HALF_WIDTH_HINT
        "plus_signs": _chars(" \u00a0\u3000"),  # a spaced sequence holds a space (a lost closing mark: tested apart)
        "captions": _chars("▲△▼▽图照摄!"),  # _CAPTION_HINT, and the ! of an image
        "markup": _chars("|<&!-"),  # _MARKUP_HINT
        "navigation": _chars("篇条页返印闭享扫众相荐错言号体【阅浏击藏>»＞›位"),  # one character of each _NAV_WORDS word, breadcrumbs
    }
    bits = {name: 1 << k for k, name in enumerate(chars)}
    table = np.zeros(0x10001, dtype=np.uint16)
    for name, ranges in chars.items():
        for lo, hi in ranges:
            table[lo : hi + 1] |= bits[name]
    return bits, table


def _gate_bits(text: str) -> int:
    """The bits of the steps that the characters of ``text`` may make fire (see :func:`_gate_table`)."""
    return _point_gate_bits(_code_points(text)) if text else 0


def _point_gate_bits(points: np.ndarray) -> int:
    """:func:`_gate_bits` of code points."""
    if not len(points):
        return 0
    return int(np.bitwise_or.reduce(_gate_table()[1][np.minimum(points, 0x10000)]))


def _may_fire(name: str, text: str, bits: int) -> bool:
    """Whether step ``name`` may find something in ``text``, whose characters' gate bits are (at most) ``bits``."""
    step_bits = _gate_table()[0]
    bit = step_bits.get(name)
    if bit is None:
        return True
    if bits & bit:
        return name != "pinyin" or bool(bits & step_bits["pinyin:letter"])
    if name == "unicode":
        return not unicodedata.is_normalized("NFC", text)
    if name == "mojibake":
        return _may_hold_utf8_read_as_gbk(text)
    if name == "plus_signs":
        return "”“" in text  # _LOST_CLOSING
    return False


def warm_up(raws: Iterable[str] = ()) -> None:
    """Build what cleaning these texts reads (character tables, OpenCC's converters, the libraries steps import), once per process.

    They are built on first use anyway; worker processes forked after this start with them,
    instead of each building them again on its first text: the tables take about 0.2 s, the
    mojibake step's ftfy 0.03 s and the pinyin step's pypinyin, imported only where some text
    has what looks like a pinyin annotation, 0.15-0.25 s.
    """
    _gate_table()
    _mark_re()
    _narrow_re()
    _variant_re()
    _converter("t2s")
    _converter("s2t")
    importlib.import_module("ftfy")
    if any(map(_PINYIN_HINT.search, raws)):
        _readings("中")


def clean_text(raw: str, config: CleanConfig | None = None) -> Cleaned:
    """Run the enabled steps on one raw text: cleaned text, extracted fields, every edit.

    >>> clean_text("區(qū)公安局推行「黨建 警務」模式,成效明顯。").text
    '区公安局推行“党建+警务”模式，成效明显。'
    """
    return _clean(raw, config or CleanConfig())


def _clean(raw: str, cfg: CleanConfig, *, gated: bool = True) -> Cleaned:
    """:func:`clean_text`; ``gated=False`` runs every enabled step, even those its gate skips (for the tests)."""
    text, fields, blocks = _clean_blocks(raw, cfg, gated=gated)
    return Cleaned(text, fields, [(name, e) for name, own in blocks for e in _as_edits(own)])


class CleanedBlocks(NamedTuple):
    """:func:`clean_text`'s result with each step's edits together: a list of :class:`Edit`, or :class:`Changes`."""

    text: str
    fields: dict[str, str]
    #: (step, its edits), in pipeline order, steps that changed nothing left out.
    blocks: list[tuple[str, list[Edit] | Changes]]


def clean_blocks(raw: str, config: CleanConfig | None = None) -> CleanedBlocks:
    """:func:`clean_text`, the edits of the steps that change thousands of characters kept as :class:`Changes`.

    What the loader runs: it summarises those steps' edits and never needs them one by one.
    Flattened (each :class:`Changes` as its :meth:`Changes.edits`), the blocks are
    :attr:`Cleaned.edits`.
    """
    return _clean_blocks(raw, config or CleanConfig())


#: Steps that give their edits as :class:`Changes` where they can (a function of the step's arguments).
_AS_CHANGES: dict[str, StepFn] = {"script": _script_changes, "quotes": _quote_changes, "punctuation": _punctuation_changes}


def _clean_blocks(raw: str, cfg: CleanConfig, *, gated: bool = True) -> CleanedBlocks:
    text, ctx, blocks = raw, {}, []
    bits = _gate_bits(raw) if gated else 0
    for name, fn, _ in STEPS:
        if not getattr(cfg, name) or (gated and not _may_fire(name, text, bits)):
            continue
        found = _AS_CHANGES.get(name, fn)(text, cfg, ctx)
        if isinstance(found, Changes):  # sorted and of one length, as built
            if found.starts:
                blocks.append((name, found))
                text = found.text
                if gated:
                    few = len(found.starts) < _ARRAY_MIN
                    bits |= _gate_bits("".join(found.afters)) if few else _point_gate_bits(_code_points(found.text)[found.changed_positions()])
            continue
        edits = sorted(found, key=_EDIT_ORDER)
        if edits:
            blocks.append((name, edits))
            text = apply_edits(text, edits)
            if gated:
                bits |= _gate_bits("".join(e.after for e in edits))
    return CleanedBlocks(text, {k: v for k, v in context_fields(ctx).items() if k in FIELDS}, blocks)


def context_fields(ctx: dict) -> dict:
    """What the steps found (``ctx``), a closing trailer's credits filling only the fields nothing else gave."""
    found = {k: v for k, v in ctx.items() if k != CLOSING_FIELDS}
    return found | {k: v for k, v in ctx.get(CLOSING_FIELDS, {}).items() if k not in found}



def replay(raw: str, edits: list[tuple[str, Edit]]) -> str:
    """Re-apply recorded edits step by step to raw text (the audit's proof of completeness)."""
    text = raw
    for name in dict.fromkeys(step for step, _ in edits):
        text = apply_edits(text, [e for step, e in edits if step == name])
    return text


def edit_text_spans(edits: list[tuple[str, Edit]], *, steps: Collection[str] | None = None) -> list[tuple[int, int] | None]:
    """Each edit's span in the final cleaned text: where its ``after`` ended up (a flag: the text it marked).

    ``edits`` are (step, edit) pairs in the order :func:`clean_text` records them
    (:attr:`Cleaned.edits`: steps in pipeline order, each step's edits sorted, each edit's
    offsets into the text as it was when its step ran). Every later step's changes are
    followed: text inserted right before a span moves it, text inserted right after it does
    not. Where a later edit replaced part of a span, the span keeps what survives; where it
    replaced all of it, the span is empty at the place the text vanished. So
    ``text[start:end] == edit.after`` for every edit no later edit overlapped. Lets an audit
    row say where its change is in ``text``, without cleaning again. ``steps``: spans of
    these steps' edits only, None for the others (the loader summarises the bulk steps'
    thousands of edits and needs none of their spans; following them costs more than cleaning).

    >>> edits = [("a", Edit(0, 2, "  ", "", "removed")), ("a", Edit(4, 5, "x", "yy", "changed")),
    ...          ("b", Edit(0, 1, "a", "", "removed"))]  # "  abxd" → "abyyd" → "byyd"
    >>> edit_text_spans(edits)
    [(0, 0), (1, 3), (0, 0)]
    >>> edit_text_spans(edits, steps={"b"})
    [None, None, (0, 0)]
    >>> cleaned = clean_text("推行「黨建 警務」模式")
    >>> [cleaned.text[a:b] for (step, _), (a, b) in zip(cleaned.edits, edit_text_spans(cleaned.edits)) if step == "plus_signs"]
    ['+']
    """
    return block_text_spans(_blocks_of(edits), steps=steps)


def _blocks_of(edits: list[tuple[str, Edit]]) -> list[tuple[str, list[Edit]]]:
    """(step, edit) pairs as :attr:`CleanedBlocks.blocks`: each run of one step's edits together."""
    return [(step, [e for _, e in run]) for step, run in groupby(edits, key=itemgetter(0))]


def block_text_spans(blocks: list[tuple[str, list[Edit] | Changes]], *, steps: Collection[str] | None = None) -> list[tuple[int, int] | None]:
    """:func:`edit_text_spans` of :attr:`CleanedBlocks.blocks` (one span per edit, flattened)."""
    result: list[tuple[int, int] | None] = []
    followed: list[int] = []  # the edits whose spans are followed, by index; their spans are in result
    for step, own in blocks:
        i = len(result)
        wanted = steps is None or step in steps
        if isinstance(own, Changes):
            if wanted:
                own = own.edits()
            else:  # all applied, none followed: only the spans followed so far move
                result += repeat(None, len(own.starts))
                if followed and sum(own.ends) - sum(own.starts) == len(own.starts) and len(followed) < _ARRAY_MIN:
                    # One character each (nearly always): a span loses its first character where that was changed
                    # (:meth:`_StepShift.span`); nothing is inserted or resized, so nothing else moves.
                    changed = set(own.starts)
                    for k in followed:
                        start, end = result[k]  # type: ignore[misc]
                        if start < end and start in changed:
                            result[k] = (start + 1, end)
                elif followed:
                    shift = _StepShift.of_changes(own)
                    if len(followed) >= _ARRAY_MIN:
                        _follow_in_arrays(shift, result, followed, [], i)
                    else:
                        shift.follow(result, followed)
                continue
        j = i + len(own)
        result += repeat(None, len(own))
        if any(b.start < a.start for a, b in zip(own, own[1:])):
            raise ValueError(f"the edits of step {step!r} are not sorted by offset: pass Cleaned.edits as clean_text records them")
        if followed or wanted:
            applied = [e for e in own if e.action != "flagged"]
            shift = _StepShift(applied)
            if applied and len(followed) + len(own) * wanted >= _ARRAY_MIN:
                _follow_in_arrays(shift, result, followed, own if wanted else [], i)
            else:
                shift.follow(result, followed)
                if wanted:
                    for k, e in enumerate(own, start=i):
                        result[k] = shift.span(e.start, e.end) if e.action == "flagged" else shift.placed(e)
            if wanted:
                followed.extend(range(i, j))
    return result


def _follow_in_arrays(shift: _StepShift, result: list, followed: list[int], own: list[Edit], first: int) -> None:
    """:func:`edit_text_spans`'s work for one step, in arrays: the spans followed so far, then the step's own edits'."""
    if followed:
        new_start, new_end = shift.spans_of(np.array([result[k][0] for k in followed], dtype=np.int64),
                                         np.array([result[k][1] for k in followed], dtype=np.int64))  # fmt: skip
        for k, a, b in zip(followed, new_start.tolist(), new_end.tolist()):
            result[k] = (a, b)
    if own:
        placed = zip(*(column.tolist() for column in shift.all_placed()))
        flags = [e for e in own if e.action == "flagged"]
        if flags:
            flag_spans = zip(*(column.tolist() for column in shift.spans_of(np.array([e.start for e in flags], dtype=np.int64),
                                                                          np.array([e.end for e in flags], dtype=np.int64))))  # fmt: skip
        for k, e in enumerate(own, start=first):
            result[k] = next(flag_spans) if e.action == "flagged" else next(placed)


def raw_offsets(edits: list[tuple[str, Edit]]) -> list[tuple[int, int]]:
    """Where the cleaned text came from in ``raw``: breakpoints (text position, raw position), in order.

    A text position ``p`` lies at ``r + (p - t)`` in ``raw``, for the last breakpoint ``(t, r)``
    with ``t <= p``; inside text an edit wrote (an inserted ``+``, a converted phrase of
    another length) that is the place it replaced. ``edits`` as for :func:`edit_text_spans`.
    Edits that keep the length (a character converted to the other script, a comma made
    full-width) need no breakpoint, so a document has a few: the audit of a document can
    say where any stretch of ``text`` was written, without cleaning again.

    >>> cleaned = clean_text("來源：新華社\\n\\n堅持黨的領導。")
    >>> cleaned.text
    '坚持党的领导。'
    >>> points = raw_offsets(cleaned.edits)
    >>> raw = "來源：新華社\\n\\n堅持黨的領導。"
    >>> raw[raw_position(points, 0) : raw_position(points, len(cleaned.text))]
    '堅持黨的領導。'
    """
    return block_raw_offsets(_blocks_of(edits))


def block_raw_offsets(blocks: list[tuple[str, list[Edit] | Changes]]) -> list[tuple[int, int]]:
    """:func:`raw_offsets` of :attr:`CleanedBlocks.blocks` (:class:`Changes` keep the length: they move nothing)."""
    points = [(0, 0)]
    for _, own in blocks:
        if isinstance(own, Changes):
            continue
        resized = [e for e in own if e.action != "flagged" and len(e.after) != e.end - e.start]
        if not resized:
            continue
        shift = _StepShift(resized)
        if len(points) + 2 * len(resized) >= _ARRAY_MIN:
            points = _moved_points(shift, points)
            continue
        moved = list(zip(shift.ends_each([t for t, _ in points]), [r for _, r in points]))
        for e in resized:  # after the moved points: at a shared position the edit's own point wins
            start, end = shift.placed(e)
            moved += [(start, raw_position(points, e.start)), (end, raw_position(points, e.end))]
        moved.sort(key=itemgetter(0))  # stable: of equal positions the last added is kept
        points = [point for point, after in zip(moved, moved[1:]) if after[0] != point[0]] + moved[-1:]
    return points[:1] + [point for before, point in zip(points, points[1:]) if point[1] - point[0] != before[1] - before[0]]


def _moved_points(shift: _StepShift, points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`raw_offsets`'s work for one step, in arrays: the points moved, each edit's two added, sorted."""
    t, r = (np.array(column, dtype=np.int64) for column in zip(*points))
    starts, ends = np.array(shift.starts, dtype=np.int64), np.array(shift.ends, dtype=np.int64)

    def raw_at(pos: np.ndarray) -> np.ndarray:  # raw_position, of many positions
        k = np.maximum(np.searchsorted(t, pos, side="right") - 1, 0)
        return r[k] + pos - t[k]

    placed_start, placed_end = shift.all_placed()
    added_t, added_r = np.empty(2 * len(starts), dtype=np.int64), np.empty(2 * len(starts), dtype=np.int64)
    added_t[0::2], added_t[1::2] = placed_start, placed_end
    added_r[0::2], added_r[1::2] = raw_at(starts), raw_at(ends)
    all_t, all_r = np.concatenate((shift.ends_of(t), added_t)), np.concatenate((r, added_r))
    order = np.argsort(all_t, kind="stable")  # of equal positions the last added is kept
    all_t, all_r = all_t[order], all_r[order]
    last = np.append(all_t[1:] != all_t[:-1], True)
    return list(zip(all_t[last].tolist(), all_r[last].tolist()))


def raw_position(points: list[tuple[int, int]], pos: int) -> int:
    """The position in ``raw`` of text position ``pos``, from :func:`raw_offsets`'s breakpoints."""
    k = bisect_right(points, (pos, float("inf"))) - 1
    t, r = points[max(k, 0)]
    return r + pos - t


class _StepShift:
    """Where positions of a step's input lie in its output, given the edits it applied (sorted, not overlapping).

    One position at a time (:meth:`span`, :meth:`placed`, :meth:`_end`) or many at once with
    NumPy (:meth:`spans_of`, :meth:`all_placed`, :meth:`ends_of`), the same arithmetic: a document with
    thousands of edits (a Traditional page, its pinyin removed) follows them in whole arrays.
    """

    def __init__(self, applied: list[Edit]):
        self.starts = [e.start for e in applied]
        self.ends = [e.end for e in applied]
        self.lengths = [len(e.after) for e in applied]
        self.delta = [0, *accumulate(n - (b - a) for a, b, n in zip(self.starts, self.ends, self.lengths))]
        # delta[k]: how far the first k edits moved the text after them
        self._arrays: tuple[np.ndarray, ...] | None = None

    @classmethod
    def of_changes(cls, changes: Changes) -> _StepShift:
        """The shift of :class:`Changes` (all applied, none moving the text after it)."""
        shift = cls([])
        shift.starts, shift.ends = changes.starts, changes.ends
        shift.lengths = list(map(sub, changes.ends, changes.starts))
        shift.delta = [0] * (len(changes.starts) + 1)
        return shift

    def placed(self, edit: Edit) -> tuple[int, int]:
        """The span an applied edit's ``after`` takes in the output."""
        k = bisect_right(self.starts, edit.start) - 1
        while self.ends[k] != edit.end or self.starts[k] != edit.start:  # an insertion and a change may share a start
            k -= 1
        return self.starts[k] + self.delta[k], self.starts[k] + self.delta[k] + self.lengths[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the input in the output: its surviving part, or an empty span where all of it was replaced."""
        new_end = self._end(end)
        if start == end:
            return new_end, new_end
        k = bisect_right(self.ends, start)  # edits [0, k) end at or before the span starts (insertions there too)
        if k < len(self.starts) and self.starts[k] <= start:  # the span's first character was replaced
            new_start = self.starts[k] + self.delta[k] + self.lengths[k]
        else:
            new_start = start + self.delta[k]
        return (new_start, new_end) if new_start <= new_end else (new_end, new_end)

    def follow(self, spans: list, indices: list[int]) -> None:
        """:meth:`span` of ``spans[k]`` for each ``k`` of ``indices``, in place.

        A span that ends at or before the first edit stays where it is, one that starts after the
        last edit moves by all the edits' shift: only those in between need the search.
        """
        if not self.starts:
            return
        first, last, moved, span = self.starts[0], self.ends[-1], self.delta[-1], self.span
        for k in indices:
            start, end = spans[k]
            if end <= first:
                continue
            spans[k] = (start + moved, end + moved) if start > last else span(start, end)

    def ends_each(self, positions: list[int]) -> list[int]:
        """:meth:`_end` of each position (as :meth:`follow` does, without a search before the first edit or after the last)."""
        if not self.starts:
            return positions
        first, last, moved, end = self.starts[0], self.ends[-1], self.delta[-1], self._end
        return [pos if pos <= first else pos + moved if pos > last else end(pos) for pos in positions]

    def _end(self, pos: int) -> int:
        """An end position: text inserted exactly there comes after it; inside a replaced stretch, its start."""
        k = bisect_right(self.ends, pos)
        if k < len(self.starts) and self.starts[k] < pos:
            return self.starts[k] + self.delta[k]
        while k > 0 and self.starts[k - 1] == self.ends[k - 1] == pos:
            k -= 1
        return pos + self.delta[k]

    def _as_arrays(self) -> tuple[np.ndarray, ...]:
        if self._arrays is None:
            starts, ends = np.array(self.starts, dtype=np.int64), np.array(self.ends, dtype=np.int64)
            self._arrays = (starts, ends, np.array(self.lengths, dtype=np.int64), np.array(self.delta, dtype=np.int64),
                            starts[starts == ends])  # fmt: skip  (the positions of insertions, in order)
        return self._arrays

    def ends_of(self, pos: np.ndarray) -> np.ndarray:
        """:meth:`_end` of many positions."""
        starts, ends, _, delta, insertions = self._as_arrays()
        k = np.searchsorted(ends, pos, side="right")
        at = np.minimum(k, len(starts) - 1)
        inside = (k < len(starts)) & (starts[at] < pos)
        # The edits [0, k) end at or before pos; the insertions exactly at pos are the last of them.
        k_before = k - (np.searchsorted(insertions, pos, side="right") - np.searchsorted(insertions, pos, side="left"))
        return np.where(inside, starts[at] + delta[at], pos + delta[k_before])

    def spans_of(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`span` of many spans."""
        starts, ends, lengths, delta, _ = self._as_arrays()
        new_end = self.ends_of(end)
        k = np.searchsorted(ends, start, side="right")
        at = np.minimum(k, len(starts) - 1)
        replaced = (k < len(starts)) & (starts[at] <= start)
        new_start = np.where(replaced, starts[at] + delta[at] + lengths[at], start + delta[k])
        empty = (start == end) | (new_start > new_end)
        return np.where(empty, new_end, new_start), new_end

    def all_placed(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`placed` of every applied edit, in order."""
        starts, ends, lengths, delta, _ = self._as_arrays()
        n = len(starts)
        # Edits with the same start and end (insertions at one place) are all placed where the last of them is.
        last = np.append((starts[1:] != starts[:-1]) | (ends[1:] != ends[:-1]), True)
        k = np.minimum.accumulate(np.where(last, np.arange(n), n)[::-1])[::-1]
        return starts[k] + delta[k], starts[k] + delta[k] + lengths[k]


#: Below this many positions to follow through a step, one at a time costs less than building arrays.
_ARRAY_MIN = 96


def with_steps(config: CleanConfig, **switches: bool) -> CleanConfig:
    """A copy of a configuration with some steps switched, checking the step names.

    >>> with_steps(CleanConfig(), script=False).script
    False
    """
    unknown = sorted(set(switches) - set(STEP_NAMES))
    if unknown:
        raise ValueError(f"unknown cleaning step(s) {unknown}; steps are {STEP_NAMES}")
    return replace(config, **switches)


def summarize_bulk(step: str, edits: list[Edit]) -> Edit:
    """One summary edit for a bulk step: the commonest replacements and how many characters changed."""
    first, last = min(map(attrgetter("start"), edits)), max(map(attrgetter("end"), edits))
    counts = Counter(map(attrgetter("before", "after"), edits))
    return _summary(step, (counts.most_common(8), len(counts), len(edits)), first, last)


def summarize_changes(step: str, changes: Changes) -> Edit:
    """:func:`summarize_bulk` of a step's :class:`Changes`, without making their edits."""
    return _summary(step, changes.counts(8), min(changes.starts), max(changes.ends))


def _summary(step: str, counts: tuple[list[tuple[tuple[str, str], int]], int, int], first: int, last: int) -> Edit:
    """The summary edit of a bulk step, from its commonest (before, after) pairs with their numbers, the number of distinct
    pairs and of changes."""
    commonest, distinct, total = counts
    top = ", ".join(f"{b!r}→{a!r}×{n}" for (b, a), n in commonest)
    return Edit(first, last, top, f"{total} changes", "changed", f"{step}: {distinct} distinct replacements")
