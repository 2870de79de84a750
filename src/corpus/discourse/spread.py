"""Diffusion: documents in time order, which items each uses, and which document used an item first.

An item (a formula, a model, a slogan, a term of a user's list of 提法) is counted wherever the
text writes it, quoted or not: :func:`item_occurrences` searches every paragraph for every item
once the set of items is known, so a phrase one document quotes is found in the documents that
use it without quotation marks, and two detectors finding the same phrase count it once.
"""

from __future__ import annotations

import bisect
import importlib.util
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import CleanConfig
from ..dates import document_date_column, parse_dates
from ..dictionary import HALF_WIDTH, entry_kind, text_form
from ..patterns import CJK, CN_NUMERAL_CHARS
from .units import iter_paragraphs, paragraph_units

log = logging.getLogger(__name__)

#: The columns of :func:`item_occurrences`: one row per item and position.
OCCURRENCE_COLUMNS = ["doc_id", "para_no", "start", "end", "item", "surface"]
#: The columns of :func:`item_list`.
ITEM_LIST_COLUMNS = ["item", "category"]
#: The columns of :func:`diffusion`.
DIFFUSION_COLUMNS = ["item", "n_docs", "count", "status", "first_doc", "first_date", "first_para_no", "first_start", "docs",
                     "variants"]  # fmt: skip


def doc_dates(docs: pd.DataFrame, date_column: str = "date") -> pd.Series:
    """Each document's date read by :func:`corpus.dates.parse_dates` (ISO text at its precision; None where undated), by doc_id.

    The column is chosen as every report chooses it (:func:`corpus.dates.document_date_column`):
    where the default ``date`` leaves documents undated, a year column (``year``, 年份 …) that
    dates more of them is used instead, and a warning says so; where most documents (more than
    half) stay undated, a warning says how many and which column to fill. The Series is named
    after the column it was read from.

    >>> doc_dates(pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [1982, 1969, None]})).tolist()
    ['1982', '1969', None]
    """
    dates = document_date_column(docs, date_column)
    undated = int(dates.isna().sum())
    named = int(parse_dates(docs[date_column]).notna().sum()) if date_column in docs.columns else 0
    where = f"column {date_column!r} dates {named} of {len(docs)} documents" if date_column in docs.columns \
        else f"there is no column {date_column!r}"  # fmt: skip
    if dates.name != date_column:
        log.warning("documents ordered by column %r (it dates %d of %d documents): %s; pass date_column=%r to choose it, "
                    "or give each document a date in a `%s` column of metadata.csv",
                    dates.name, len(docs) - undated, len(docs), where, dates.name, date_column)  # fmt: skip
    elif len(docs) and undated == len(docs):
        log.warning("documents ordered by doc_id: %s (give each document a date in a `%s` column of metadata.csv, "
                    "e.g. 2022-07-26 or 2022年7月26日, or pass date_column=...)",
                    f"column {date_column!r} holds no date" if date_column in docs.columns else where, date_column)  # fmt: skip
    elif undated * 2 > len(docs):
        log.warning("%d of %d documents have no date and come last, by doc_id: %s (give each document a date in a `%s` column "
                    "of metadata.csv, e.g. 2022-07-26 or 2022年7月26日, or pass date_column=...)",
                    undated, len(docs), where, date_column)  # fmt: skip
    return dates


def doc_order(docs: pd.DataFrame, date_column: str = "date", *, dates: pd.Series | None = None) -> list[str]:
    """Document ids in time order (dates read by :func:`doc_dates`), undated last, then by id.

    Dates written in mixed forms sort as the dates they are; a date known only to the year or
    month comes before the days of that year or month. ``dates``: the result of
    :func:`doc_dates` where the caller has it (read once, warned once); None reads them here.

    >>> doc_order(pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "date": ["2024", None, "2021年5月", "2021/12/1"]}))
    ['c', 'd', 'a', 'b']
    """
    if dates is None:
        dates = doc_dates(docs, date_column)
    ids = docs["doc_id"].astype(str)
    lookup = dict(zip(dates.index.astype(str), dates.to_numpy()))
    known = np.array([lookup.get(d) for d in ids], dtype=object)
    undated = pd.isna(known)
    keyed = pd.DataFrame({"doc_id": ids.to_numpy(), "date": np.where(undated, "", known), "undated": undated})
    return keyed.sort_values(["undated", "date", "doc_id"], kind="stable")["doc_id"].tolist()


def top_documents(scores: pd.Series, order: Sequence[str], n: int | None) -> list[str]:
    """The ``n`` documents with the highest ``scores`` (doc_id → number; ties go to the earlier in ``order``), listed in ``order``.

    None: every document in ``order``. For figures with one row or column per document.

    >>> top_documents(pd.Series({"a": 1, "b": 5, "c": 5}), ["c", "b", "a"], 2)
    ['c', 'b']
    """
    if n is None:
        return list(order)
    if n < 1:
        raise ValueError(f"`n` must be a positive integer or None; got {n!r}")
    rank = {d: i for i, d in enumerate(order)}
    scored = sorted((d for d in order if scores.get(d, 0) > 0), key=lambda d: (-scores.get(d, 0), rank[d]))[:n]
    return sorted(scored, key=rank.__getitem__)


def usage_matrix(table: pd.DataFrame, column: str, order: Sequence[str], *, items: Sequence[str] | None = None,
                 max_docs: int | None = None) -> pd.DataFrame:  # fmt: skip
    """Documents (rows, in ``order``) × items of ``column`` (by first use in that order): occurrence counts.

    ``items`` chooses the columns (None: every item; an item no shown document uses is an empty
    last column); ``max_docs`` keeps the documents that use the most of them (distinct items,
    then uses; None: every document in ``order``). Built from the counts of the pairs that
    occur, so its cost grows with the table, not with documents × items.
    """
    used = table if items is None else table[table[column].isin(set(items))]
    if used.empty:
        return pd.DataFrame(index=pd.Index([] if max_docs is not None else list(order), name="doc_id"))
    pairs = used.groupby(["doc_id", column], sort=False).size()
    per_doc = pairs.groupby(level=0).agg(["size", "sum"])
    score = per_doc["size"] * (int(per_doc["sum"].max()) + 1) + per_doc["sum"]
    shown = top_documents(score, order, max_docs) if max_docs is not None else list(order)
    counts = pairs[pairs.index.get_level_values(0).isin(set(shown))].unstack(fill_value=0).reindex(shown, fill_value=0)
    counts = counts.astype(np.int64)
    if items is not None:
        counts = counts.reindex(columns=list(dict.fromkeys(items)), fill_value=0)
    first = {c: next((i for i, v in enumerate(counts[c]) if v), len(counts)) for c in counts.columns}
    cols = sorted(counts.columns, key=lambda c: (first[c], -(counts[c] > 0).sum(), str(c)))
    return counts[cols].rename_axis(index="doc_id", columns=column)


def shared_matrix(passages: pd.DataFrame, order: Sequence[str], max_docs: int | None = None) -> pd.DataFrame:
    """Documents × documents: characters of shared passages between each two (both directions summed), in ``order``.

    ``max_docs`` keeps the documents that share the most characters (None: every document that
    shares any); the cost grows with the passages, not with pairs of documents.
    """
    both = pd.concat([passages[["doc_id_a", "doc_id_b", "chars"]].set_axis(["x", "y", "chars"], axis=1),
                      passages[["doc_id_b", "doc_id_a", "chars"]].set_axis(["x", "y", "chars"], axis=1)])  # fmt: skip
    totals = both.groupby("x")["chars"].sum()
    shown = top_documents(totals, [d for d in order if d in totals.index], max_docs)
    keep = both["x"].isin(set(shown)) & both["y"].isin(set(shown))
    pairs = both[keep].groupby(["x", "y"])["chars"].sum()
    matrix = pairs.unstack(fill_value=0).reindex(index=shown, columns=shown, fill_value=0).astype(np.int64)
    return matrix.rename_axis(index="doc_id", columns="doc_id")


def diffusion(table: pd.DataFrame, column: str, order: list[str], docs: pd.DataFrame | None = None,
              date_column: str = "date", *, dates: pd.Series | None = None) -> pd.DataFrame:  # fmt: skip
    """Per item of ``column``: how many documents use it, the first in ``order`` (with its date) and the rest; ``shared`` or ``local``.

    One row of ``table`` is one use (pass :func:`item_occurrences` to count every use, quoted
    or not). Where ``table`` has a ``surface`` column (what the text wrote), ``variants`` lists
    the surfaces other than the item with their counts (一县（一区）一特色 ×3), most used first.
    ``first_date`` is read from ``dates`` (:func:`doc_dates`) where given, else from
    ``docs[date_column]`` as written.
    """
    if table.empty:
        return pd.DataFrame(columns=DIFFUSION_COLUMNS)
    rank = {d: i for i, d in enumerate(order)}
    if dates is not None:
        when = dict(zip(dates.index.astype(str), dates.to_numpy()))
    else:
        when = docs.set_index("doc_id")[date_column].to_dict() if docs is not None and date_column in docs.columns else {}
    uses = table.assign(_rank=table["doc_id"].map(rank).fillna(len(rank)), _item=table[column])
    uses = uses.sort_values(["_rank", "doc_id", "start"], kind="stable")  # each item's first use first
    grouped = uses.groupby("_item", sort=False)
    first = grouped.head(1).set_index("_item")
    users = uses.drop_duplicates(["_item", "doc_id"]).groupby("_item", sort=False)["doc_id"]
    frame = pd.DataFrame({"item": first.index, "n_docs": users.size().reindex(first.index).to_numpy(),
                          "count": grouped.size().reindex(first.index).to_numpy()})  # fmt: skip
    frame["status"] = np.where(frame["n_docs"] > 1, "shared", "local")
    frame["first_doc"] = first["doc_id"].to_numpy()
    frame["first_date"] = [when.get(d, pd.NA) for d in frame["first_doc"]]
    frame["first_para_no"] = first["para_no"].astype(int).to_numpy()
    frame["first_start"] = first["start"].astype(int).to_numpy()
    frame["docs"] = users.agg(", ".join).reindex(first.index).to_numpy()
    frame["variants"] = _variants(uses, first.index) if "surface" in uses.columns else ""
    frame = frame[DIFFUSION_COLUMNS]
    return frame.sort_values(["n_docs", "count", "item"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def _variants(uses: pd.DataFrame, items: pd.Index) -> np.ndarray:
    """Per item, the surfaces other than the item with their counts, most used first: '一县（一区）一特色 ×3；…'.

    A surface that differs from the item only by quotation marks or spaces inside it (“三个代表”重要思想) is the item.
    """
    plain = uses["surface"].astype(str).str.replace(_QUOTES_SPACES, "", regex=True)
    other = plain != uses["_item"].astype(str).str.replace(_QUOTES_SPACES, "", regex=True)
    if not other.any():
        return np.full(len(items), "", dtype=object)
    counts = pd.DataFrame({"item": uses.loc[other, "_item"], "surface": plain[other]}).value_counts().reset_index(name="n")
    counts = counts.sort_values(["item", "n", "surface"], ascending=[True, False, True], kind="stable")
    joined = counts.assign(text=counts["surface"] + " ×" + counts["n"].astype(str)).groupby("item")["text"].agg("；".join)
    return joined.reindex(items).fillna("").to_numpy(dtype=object)


# --------------------------------------------------------------------------- every use of each item

_FULL_WIDTH = HALF_WIDTH | str.maketrans({"\u3000": " "})
#: A bracketed insertion inside a term (一县（一区）一特色): short, with an ideograph right before and after it.
_INSERTION = re.compile(rf"(?<=[{CJK}])(?:（[^（）\n]{{1,8}}）|\([^()\n]{{1,8}}\)|【[^【】\n]{{1,8}}】|〔[^〔〕\n]{{1,8}}〕)(?=[{CJK}])")
#: Characters a term may be written with or without: quotation marks, interpuncts, spaces.
_TRANSPARENT = re.compile(r"[“”‘’「」『』\"'·•・‧\s\u00a0\u3000]+")
_TRANSPARENT_ENDS = re.compile(rf"^{_TRANSPARENT.pattern}|{_TRANSPARENT.pattern}$")
_QUOTES_SPACES = re.compile(r"[“”‘’「」『』\"'\s\u00a0\u3000]+")
#: Punctuation two forms of one item may differ by (斗批改 / 斗、批、改; 不忘初心，牢记使命 / 不忘初心、牢记使命).
_PUNCTUATION = re.compile(r"[、，,。．.；;：:！!？?—–\-－…~～/]+")


def variant_key(phrase: str) -> str:
    """The form an item's variants share: no bracketed insertion, quotation mark, space or punctuation; half-width letters.

    Items with one key are one item (:func:`item_occurrences`): 一县一特色, 一县（一区）一特色 and
    “一县一特色”; 斗批改 and 斗、批、改. Only an insertion is set aside (a short bracket with an
    ideograph on each side, as :func:`item_occurrences` reads the text): a bracket that ends or
    opens the item is part of its name, so 条例（试行） is another document than 条例, and is
    counted only where （试行） is written.

    >>> variant_key("一县（一区）一特色"), variant_key("斗、批、改"), variant_key("“科技＋农业”"), variant_key("条例（试行）")
    ('一县一特色', '斗批改', '科技+农业', '条例(试行)')
    """
    phrase = _INSERTION.sub("", phrase.translate(_FULL_WIDTH))
    return _PUNCTUATION.sub("", _TRANSPARENT.sub("", phrase))


def item_occurrences(units: pd.DataFrame, items: Iterable[str], *, min_len: int = 2) -> pd.DataFrame:
    """Every place the texts write one of ``items``, quoted or not: one row per item and position (``OCCURRENCE_COLUMNS``).

    Items whose :func:`variant_key` is the same are one item, named by the form of it given in
    ``items`` that the texts write most often (ties: the shorter, then the first in code-point
    order); ``surface`` is what the text writes there (一县（一区）一特色, 斗、批、改). A
    text is searched as written and with quotation marks, interpuncts, spaces and short
    bracketed insertions inside a term set aside, so “科技＋”农业 and 一县（一区）一特色
    are found as 科技+农业 and 一县一特色. Each item is counted once per position,
    whichever form or view found it; different items are counted independently, so 文化大革命
    is counted inside 无产阶级文化大革命 as well (quanteda's ``tokens_lookup`` with
    ``nested_scope = "key"`` counts the same way). Items shorter than ``min_len`` characters
    (once their key is taken) are not searched. One regular expression over all items, built as
    a trie, finds the longest item at each position; the shorter items that start at or
    inside it are read at its positions, so time grows with the text, little with the number of items.
    """
    if min_len < 1:
        raise ValueError(f"`min_len` must be a positive integer; got {min_len!r}")
    groups: dict[str, list[str]] = {}
    short = []
    for form in dict.fromkeys(_TRANSPARENT_ENDS.sub("", str(i)) for i in items):  # “四人帮” is the item 四人帮
        key = variant_key(form)
        if len(key) >= min_len:
            groups.setdefault(key, []).append(form)
        else:
            short.append(form)
    if short:
        log.info("%d items are shorter than %d characters once quotation marks, punctuation and insertions are set aside, "
                 "and are not searched: %s", len(short), min_len, "、".join(short[:20]) + (" …" if len(short) > 20 else ""))  # fmt: skip
    if not groups:
        return pd.DataFrame(columns=OCCURRENCE_COLUMNS)
    patterns = {form.translate(_FULL_WIDTH): key for key, forms in groups.items() for form in forms} | {k: k for k in groups}
    patterns = {p: k for p, k in patterns.items() if len(p) >= min_len}
    regex = re.compile(_trie_pattern(patterns))
    numeral_keys = {k for k in groups if all(ch in CN_NUMERAL_CHARS for ch in k)}  # 十五, 九五: plans, or just numbers
    rows = []
    for doc_id, para_no, offset, text in iter_paragraphs(paragraph_units(units)):
        found = _found_in(text, regex, patterns)
        rows += [(doc_id, para_no, offset + a, offset + b, key, text[a:b]) for key, a, b in found
                 if not (key in numeral_keys and _inside_a_number(text, a, b))]
    frame = pd.DataFrame(rows, columns=OCCURRENCE_COLUMNS)
    names = _item_names(groups, frame)
    return frame.assign(item=frame["item"].map(names))


def _inside_a_number(text: str, start: int, end: int) -> bool:
    """Whether an item written in numerals only (the plan 十五) is, here, part of a number, an ordinal, a count or the
    number of a section: 十五年, 十五大, 第十五, 二十五, 十五个 (a numeral, 第 or a measure word beside it), 十五、 opening a line."""
    before, after = text[start - 1 : start], text[end : end + 1]
    section = before in ("", "\n") and after in ("、", "．", ".")
    return section or (before != "" and (before in CN_NUMERAL_CHARS or before in "第")) or \
        (after != "" and (after in CN_NUMERAL_CHARS or after in _NUMBER_FOLLOWERS))  # fmt: skip


#: What follows a numeral that counts or ranks: measure words, periods, scales, a congress (大), a session (届), percent.
_NUMBER_FOLLOWERS = frozenset("个只条张本件位名口头句部份种类批群支队套对项道笔台辆年月日天周岁倍成代季届次回期大万亿千百%％")

#: The columns of :func:`tracked_items`.
TRACKED_COLUMNS = ["item", "type"]
#: Quoted phrases shorter than this are not tracked through the text (see :func:`tracked_items`).
MIN_QUOTED_LEN = 3
#: Quoted phrases shorter than this are tracked only where this share of their uses, at least, is quoted.
MIN_SLOGAN_LEN = 5
MIN_QUOTED_SHARE = 0.1


def tracked_items(formulae: pd.DataFrame, models: pd.DataFrame, slogans: pd.DataFrame,
                  listed: pd.DataFrame | None = None, *, units: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """The items whose every use :func:`item_occurrences` counts, each once with its type (formula, model, slogan, 提法).

    From the tables of :func:`corpus.discourse.formulae` (``surface``), :func:`corpus.discourse.models`
    (``surface``; numeric models are among the formulae), :func:`corpus.discourse.slogans`
    (``slogan``, typed by its ``kind``) and a list of 提法 (:func:`item_list`, type ``提法``); an item
    two sources name keeps the first type in that order. A quoted phrase of fewer than
    ``MIN_QUOTED_LEN`` characters is not tracked unless a formula or the list names it: most are
    words set off for emphasis (“和平”, “统一”, “有限”), whose unquoted uses are just the word. On
    the CPC reports 44 two-character phrases are quoted; about 17 are 提法 (“三农”, “四风”, “打虎”),
    and some of those, unquoted, are ordinary numbers too (“十五” the plan, 十五年).

    With ``units`` (the paragraphs, or documents, the tables were read from), a quoted phrase of
    fewer than ``MIN_SLOGAN_LEN`` characters that no formula or list names is tracked only where at
    least ``MIN_QUOTED_SHARE`` of its uses are quoted: “社会主义”, quoted twice in the CPC reports
    and written 1,575 times, is a word set off for emphasis there, not a slogan whose spread the
    unquoted uses would show (its quoted uses stay in the slogans table).
    """
    quoted = slogans[slogans["slogan"].str.len() >= MIN_QUOTED_LEN]
    if units is not None and len(quoted):
        named = set(formulae["surface"]) | (set(listed["item"]) if listed is not None else set())
        texts = "\n".join(paragraph_units(units)["text"].astype(str))
        times_quoted = quoted.groupby("slogan").size()
        short = [p for p in times_quoted.index if len(p) < MIN_SLOGAN_LEN and p not in named]
        emphasis = {p for p in short if times_quoted[p] < MIN_QUOTED_SHARE * texts.count(p)}
        quoted = quoted[~quoted["slogan"].isin(emphasis)]
    parts = [pd.DataFrame({"item": formulae["surface"], "type": "formula"}),
             pd.DataFrame({"item": models.loc[~models["numeric"].astype(bool), "surface"], "type": "model"}),
             pd.DataFrame({"item": quoted["slogan"], "type": quoted["kind"]})]  # fmt: skip
    if listed is not None:
        parts.append(pd.DataFrame({"item": listed["item"], "type": "提法"}))
    items = pd.concat(parts, ignore_index=True)
    return items.drop_duplicates("item").reset_index(drop=True)[TRACKED_COLUMNS]


def _item_names(groups: dict[str, list[str]], found: pd.DataFrame) -> dict[str, str]:
    """Each key's name: the given form written most often as it is (ties: shorter, then code-point order)."""
    written = found.groupby("surface").size().to_dict() if len(found) else {}
    return {key: min(forms, key=lambda f: (-written.get(f, 0), len(f), f)) for key, forms in groups.items()}


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, the longest at a position first, written as a trie (shared prefixes once).

    >>> re.findall(_trie_pattern(["小康", "小康社会", "中国梦"]), "建成小康社会，实现中国梦")
    ['小康社会', '中国梦']
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


def _found_in(text: str, regex: re.Pattern, patterns: dict[str, str]) -> list[tuple[str, int, int]]:
    """(key, start, end) of every item in one paragraph: searched with the transparent characters and insertions set aside,
    and inside each insertion set aside (an item may stand in brackets alone). Where there are insertions, the text is
    searched with them kept as well: an item whose name holds the bracket (条例（试行）) is written there as it is."""
    view, starts, origins, insertions = _searchable_view(text)
    views = [(view, starts, origins)] + ([_searchable_view(text, insertions=False)[:3]] if insertions else [])
    hits = []
    for view, starts, origins in views:
        for w, a, b in _all_matches(view, regex, patterns):
            i, j = bisect.bisect_right(starts, a) - 1, bisect.bisect_right(starts, b - 1) - 1
            hits.append((patterns[w], origins[i] + a - starts[i], origins[j] + b - starts[j]))
    for lo, hi in insertions:
        inside = text[lo + 1 : hi - 1].translate(_FULL_WIDTH)
        hits += [(patterns[w], lo + 1 + a, lo + 1 + b) for w, a, b in _all_matches(inside, regex, patterns)]
    hits.sort(key=lambda h: (h[0], h[1], -h[2]))
    kept: list[tuple[str, int, int]] = []
    for key, a, b in hits:  # one use per position: an overlapping find of the same item is the same use
        if kept and kept[-1][0] == key and a < kept[-1][2]:
            continue
        kept.append((key, a, b))
    return sorted(kept, key=lambda h: (h[1], h[2], h[0]))


def _all_matches(text: str, regex: re.Pattern, patterns: dict[str, str]) -> list[tuple[str, int, int]]:
    """Every (pattern, start, end) in ``text``, overlapping ones included.

    ``finditer`` gives the leftmost-longest matches; the items that start inside one are
    found by matching again at each of its inner positions, and the shorter items starting
    where a match starts are its prefixes. No item can start anywhere else.
    """
    out = []
    for m in regex.finditer(text):
        a, b = m.span()
        starts = [(a, b)] + [s.span() for p in range(a + 1, b) if (s := regex.match(text, p))]
        for x, y in starts:
            out += [(text[x:z], x, z) for z in range(x + 1, y) if text[x:z] in patterns]
            out.append((text[x:y], x, y))
    return out


def _searchable_view(text: str, *, insertions: bool = True) -> tuple[str, list[int], list[int], list[tuple[int, int]]]:
    """The text without transparent characters and bracketed insertions (full-width letters made half-width), where each
    kept stretch starts in it and in the text, and the insertions set aside (their spans in the text, brackets included).
    ``insertions=False``: the insertions are kept in the view (and none is returned)."""
    insertions = [m.span() for m in _INSERTION.finditer(text)] if insertions else []
    cuts = sorted([m.span() for m in _TRANSPARENT.finditer(text)] + insertions)
    if not cuts:
        return text.translate(_FULL_WIDTH), [0], [0], []
    pieces, starts, origins, pos, length = [], [], [], 0, 0
    for a, b in cuts:
        if a > pos:
            pieces.append(text[pos:a])
            starts.append(length)
            origins.append(pos)
            length += a - pos
        pos = max(pos, b)
    if pos < len(text):
        pieces.append(text[pos:])
        starts.append(length)
        origins.append(pos)
    return "".join(pieces).translate(_FULL_WIDTH), starts or [0], origins or [0], insertions


def item_list(source: str | Path | Mapping[str, Iterable[str]] | Iterable[str], *, category: str | None = None,
              clean_config: CleanConfig | None = None) -> pd.DataFrame:
    """A list of 提法 to track, as rows (item, category) in the order given, each item once (under its first category).

    ``source`` is a file read by :func:`corpus.dictionary.load_dictionary` (a plain ``.txt`` list,
    one item a line with ``#`` comments, its category the file's name; quanteda's YAML; a
    ``category,entry`` CSV), a :class:`corpus.dictionary.Dictionary` or a mapping of categories
    → entries, or a list of strings (category ``category`` or ''). A multiword entry (全面 从严
    治党) is tracked as the text writes it, without the spaces; every entry is cleaned as the texts
    are (``clean_config``, the corpus's; default settings where None), so 楓橋經驗 is tracked as
    the 枫桥经验 a Traditional text is cleaned into. Globs (*主义, ＊主义) name no one form
    and are left out (:func:`corpus.dictionary.lookup` counts them on tokens); the log says which.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"list of 提法 not found: {path} (a .txt file, one item a line, or a dictionary file)")
        entries = _dictionary_entries(_read_list_file(path), str(path))
    elif isinstance(source, Mapping) or isinstance(getattr(source, "categories", None), Mapping):
        entries = _dictionary_entries(source, "the dictionary")
    elif isinstance(source, Iterable):
        entries = []
        for entry in source:
            if not isinstance(entry, str):
                raise TypeError(f"a list of 提法 holds strings; got {type(entry).__name__} {entry!r}")
            entries.append((entry.strip(), category or ""))
    else:
        raise TypeError(f"a list of 提法 is a file, a dictionary or a list of strings; got {type(source).__name__}")
    globs = [e for e, _ in entries if entry_kind(e) == "glob"]  # * and ?, either width
    cleaning = clean_config or CleanConfig()
    entries = [(e if e in globs else text_form(e, cleaning), c) for e, c in entries]
    if globs:
        log.info("%d glob entries are not tracked as 提法 (each names no one written form): %s", len(globs), "、".join(globs[:10]))
    kept = {e: c for e, c in reversed(entries) if e and e not in globs}  # reversed: the first category an item is listed under
    order = list(dict.fromkeys(e for e, _ in entries if e in kept))
    return pd.DataFrame({"item": order, "category": [kept[e] for e in order]}, columns=ITEM_LIST_COLUMNS)


def _read_list_file(path: Path) -> Mapping[str, Iterable[str]]:
    """Categories → entries of a list file: :func:`corpus.dictionary.load_dictionary` where the package has it, else a .txt list."""
    if importlib.util.find_spec("corpus.dictionary") is not None:
        from ..dictionary import load_dictionary  # noqa: PLC0415 (read here: a later stage of the package, absent in old versions)

        return load_dictionary(path).categories
    if path.suffix.lower() != ".txt":
        raise ValueError(f"{path}: a list of 提法 must be a .txt file, one item a line (this version of the package reads no "
                         "dictionary files)")  # fmt: skip
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    return {path.stem: [line for line in lines if line]}


def _dictionary_entries(dictionary, where: str) -> list[tuple[str, str]]:
    """(entry, category) pairs of categories → entries (a mapping, or an object with a ``categories`` mapping), in order."""
    categories = dictionary if isinstance(dictionary, Mapping) else dictionary.categories
    pairs = []
    for name, entries in categories.items():
        for entry in [entries] if isinstance(entries, str) else entries:
            if not isinstance(entry, str):
                raise TypeError(f"{where}: category {name!r} holds {type(entry).__name__} {entry!r}; entries must be text")
            pairs.append((entry.strip(), str(name)))
    return pairs
