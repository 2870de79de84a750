"""Discourse: how official texts package policy — formulae, slogans, models, cited documents,
quantitative claims, enumerated measures — and which passages they share verbatim.

Every function takes documents (``doc_id``, ``text``) or their paragraphs
(:func:`corpus.paragraphs`) and returns one tidy DataFrame whose rows cite ``doc_id``,
``para_no`` and ``start``/``end`` offsets into the document's cleaned ``text``. The units
are found by the detectors in :mod:`corpus.patterns`, the same ones cleaning and
segmentation use.

Formula or claim? decided once, here:

- A count in **Chinese numerals** that names a package of policy items is a *formula*:
  五个坚持, 三会一课, 十项措施, 二十条措施, 六个方面 (after its six listed items), 两个40%.
- A count in **Arabic digits** with a unit is a *claim*, even when it counts measures, tasks
  or areas (49项具体措施, 6项举措, 15个方面): it says how many, it does not name the package.
  An Arabic count that only restates the number of the items just listed (…等6个方面的提升
  after six items) belongs to that list and is not a claim.
- Periods, plans and anniversaries are neither (三年行动, 近3年来, 2024年, 8月25日, 三周年);
  nor are ranks (第一, 全省第二), ordinals (一是), thresholds (未达100%), codes (G228, 12345)
  or the number inside a formula or model (两个40%, 5+2).
- Numeric models (1+X, 5+2, 6+N: digits, or a letter for an open number, joined by +) are
  both: :func:`models` lists them with every X+Y model, :func:`formulae` with the numbered
  formulae (form ``numeric``); the two rows cite the same occurrence. Their digits are never
  claims.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .patterns import (
    CJK,
    ENUMERATION_STYLES,
    cn_int,
    formula_head,
    formula_numbers,
    iter_enumerators,
    iter_formulae,
    iter_models,
    iter_numbers,
    iter_quotes,
    iter_titles,
    iter_zero_counts,
    model_parts,
)
from .clean import CleanConfig, Edit, clean_text
from .load import audit
from .structure import paragraphs
from .segment import TokenConfig, segmenter_for

log = logging.getLogger(__name__)

FORMULA_COLUMNS = ["doc_id", "para_no", "start", "end", "surface", "form", "numbers", "total", "head", "quoted",
                   "members", "n_members"]  # fmt: skip
SLOGAN_COLUMNS = ["doc_id", "para_no", "start", "end", "slogan", "kind", "in_title", "count", "n_docs", "docs"]
TITLE_COLUMNS = ["doc_id", "para_no", "start", "end", "title", "genre", "count", "n_docs", "docs"]
MODEL_COLUMNS = ["doc_id", "para_no", "start", "end", "surface", "parts", "head", "n_parts", "numeric", "open_slot",
                 "restored"]  # fmt: skip
CLAIM_COLUMNS = ["doc_id", "para_no", "start", "end", "surface", "number", "value", "unit", "kind", "qualifier",
                 "direction", "measured", "sentence"]  # fmt: skip
ENUMERATION_COLUMNS = ["doc_id", "para_no", "start", "end", "section", "enum_no", "marker", "item_no", "n_items",
                       "label", "text"]  # fmt: skip
PASSAGE_COLUMNS = ["doc_id_a", "para_no_a", "start_a", "end_a", "doc_id_b", "para_no_b", "start_b", "end_b", "chars",
                   "similarity", "n_docs", "text_a", "text_b"]  # fmt: skip

#: Unit → kind of quantity, for charts of what each document chooses to quantify.
UNIT_KINDS = {
    "percent": ("%", "％", "‰", "个百分点", "百分点"),
    "money": ("元",),
    "people": ("人", "名", "人次", "户"),
    "cases": ("起", "件", "宗"),
    "events": ("次", "场", "期", "批", "批次"),
    "measures": ("项", "条", "种", "篇"),
    "units": ("个", "家", "所", "支", "处", "块", "辆", "顶", "套", "份", "台", "张", "座", "艘"),
    "physical": ("公里", "千米", "米", "平方米", "立方米", "公斤", "千克", "吨", "亩"),
    "duration": ("个月", "天", "小时", "分钟"),
    "zero": ("",),
}
_KIND_OF_UNIT = {u: k for k, units in UNIT_KINDS.items() for u in units}


# --------------------------------------------------------------------------- units


def _paragraphs(units: pd.DataFrame) -> pd.DataFrame:
    """Paragraphs of documents, or the paragraph table itself (with ``start`` offsets)."""
    missing = [c for c in ("doc_id", "text") if c not in units.columns]
    if missing:
        raise ValueError(f"units need the columns {missing}: pass documents (corpus.load_corpus) or paragraphs (corpus.paragraphs)")
    if "para_no" not in units.columns:
        return paragraphs(units)
    return units if "start" in units.columns else units.assign(start=0)


def _rows(paras: pd.DataFrame) -> Iterator[tuple[str, int, int, str]]:
    for doc_id, para_no, start, text in zip(paras["doc_id"], paras["para_no"], paras["start"], paras["text"]):
        yield str(doc_id), int(para_no), int(start), str(text)


def _occurrence_stats(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Add corpus-wide ``count``, ``n_docs`` and ``docs`` (the documents using it) for each ``key``."""
    if frame.empty:
        return frame.assign(count=pd.Series(dtype=int), n_docs=pd.Series(dtype=int), docs=pd.Series(dtype=object))
    grouped = frame.groupby(key, sort=False)["doc_id"]
    docs = grouped.agg(lambda s: ", ".join(sorted(set(s))))
    return frame.assign(count=frame[key].map(grouped.size()), n_docs=frame[key].map(grouped.nunique()), docs=frame[key].map(docs))


# --------------------------------------------------------------------------- formulae


def formulae(units: pd.DataFrame) -> pd.DataFrame:
    """Numbered formulae (三会一课, 五个坚持, “四风”, 双提升) and numeric models (1+X, 5+2, 6+N) with numbers, head, offsets and members.

    ``form`` is the detector's form (multi, counted, bare, head_first), or ``numeric`` for a
    numeric model; ``numbers`` the numerals as written, joined by '/'; ``total`` their sum;
    ``members`` the items the same paragraph spells out (see :func:`formula_members`), joined
    by '；'. A formula inside a longer one (一改两为 in 一改两为五做到) is not listed again.

    Numeric models are X+Y models whose parts are all digits or letters, at least one a digit
    (1+X, 5+2, 1+2+5, 6+N). They are listed here and in :func:`models`: each such row is the
    same occurrence (same ``doc_id``, ``start``, ``end``) as a :func:`models` row with
    ``numeric`` True. Here ``numbers`` are the parts (5/2, 6/N), ``total`` the sum of the digit
    parts (a letter is an open slot and counts nothing), ``head`` the noun the model names,
    written right after it (“1+X”制度体系 → 制度体系; '' where none is); no members are read
    for them, since their numbers count groups (5+2: five tasks set above, two added locally)
    that the texts seldom spell out item by item.
    """
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        found = []
        for m in iter_formulae(text):
            nums = formula_numbers(m.group())
            values = [cn_int(n.replace("双", "两")) or 0 for n in nums]
            members = formula_members(text, m.start(), m.end(), values)
            found.append({"start": m.start(), "end": m.end(), "surface": m.group(), "form": m.lastgroup,
                          "numbers": "/".join(nums), "total": sum(values), "head": formula_head(m.group()),
                          "members": "；".join(members), "n_members": len(members)})  # fmt: skip
        for m in iter_models(text):
            parts = model_parts(m.group())
            if is_numeric_model(parts):
                found.append({"start": m.start(), "end": m.end(), "surface": m.group(), "form": "numeric",
                              "numbers": "/".join(parts), "total": sum(int(p) for p in parts if p.isdigit()),
                              "head": _named_after(text, m.end()), "members": "", "n_members": 0})  # fmt: skip
        for row in sorted(found, key=lambda r: r["start"]):
            rows.append({"doc_id": doc_id, "para_no": para_no, **row, "start": offset + row["start"], "end": offset + row["end"],
                         "quoted": _quoted(text, row["start"], row["end"])})  # fmt: skip
    return pd.DataFrame(rows, columns=FORMULA_COLUMNS)


def is_numeric_model(parts: list[str]) -> bool:
    """Whether an X+Y model's parts make it a numeric model: all digits or letters (at most 3), one at least a digit.

    >>> is_numeric_model(["1", "X"]), is_numeric_model(["5", "2"]), is_numeric_model(["党建", "X"]), is_numeric_model(["党建", ""])
    (True, True, False, False)
    """
    return all(re.fullmatch(r"[0-9A-Za-z]{1,3}", p) for p in parts) and any(p.isdigit() for p in parts)


def _named_after(text: str, end: int) -> str:
    """The noun written right after a model (“1+X”制度体系, “6+N”顽瘴痼疾和…): up to 8 ideographs, to 的/和/与/及/等."""
    run = re.match(f"[”’」]?([{CJK}]{{1,8}})", text[end:])
    return re.split("[的和与及等]", run.group(1))[0] if run else ""


def _quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] in ("“", "‘") and text[end : end + 1] in ("”", "’")


_LIST_VERBS = ("形成|实行|建立|健全|开设|推行|围绕|通过|实施|实现|开展|坚持|落实|包括|按照|聚焦|构建|打造|完善|制定|"
               "明确|强化|推进|做到|整合|优化|保持|组织|涵盖|突出|深化|紧盯|依托")  # fmt: skip
_LEAD_VERB = re.compile(rf"^.*(?:{_LIST_VERBS})(?=.)")


def formula_members(text: str, start: int, end: int, numbers: list[int]) -> list[str]:
    """The items a formula at ``[start, end)`` of a paragraph counts, where the paragraph spells them out.

    Tried in order: for a multi-part formula, the clauses of its sentence that assign each
    part (以A为主体，以B为两翼，以C为支撑的“一体两翼三支撑”); a list ending right before it
    (清查、检查、督查“三查”), one after ，即 or a colon, the list in the next clause of the same
    sentence, and for a formula opening the paragraph (“三抓”强基础。) the first list of the
    next sentence. A list counts when it has as many items as the formula's number (the sum of
    a multi-part formula's numbers, or for 四位一体 its first); 一X一Y formulae and formulae
    that are themselves list items have none.

    >>> formula_members("严格落实清查、检查、督查“三查”工作机制", 13, 15, [3])
    ['清查', '检查', '督查']
    >>> formula_members("以服务为主体，以线上线下为两翼，以掌上办、窗口办为支撑的“一体两翼三支撑”格局", 29, 36, [1, 2, 3])
    ['服务', '线上线下', '掌上办', '窗口办']
    """
    roles = _role_members(text, start, end) if len(numbers) > 1 else []
    if roles:
        return roles
    wanted = _wanted_members(numbers)
    close = end + (text[end : end + 1] in ("”", "’"))
    rest = text[close:]
    in_list = text[:start].rstrip("“‘").endswith("、") or rest.startswith("等") or "、" in re.split(r"[，。；：！？]", rest)[0]
    if not wanted or in_list:
        return []
    for candidate, lead in ((_clause_before(text, start), True), (_after_colon(text, end), False)):
        items = _split_list(candidate, wanted, lead=lead)
        if items:
            return items
    sentences = re.split(r"[。；！？]", rest)
    later = re.split(r"[，：]", sentences[0])[1:2]
    if start <= 1 and len(sentences) > 1:  # “三抓”强基础。该局通过抓党建引领、抓责任落实、抓整体推进，……
        later += re.split(r"[，：]", sentences[1])
    return next((items for clause in later if (items := _split_list(clause, wanted, lead=True))), [])


def _role_members(text: str, start: int, end: int) -> list[str]:
    """Members given part by part before a multi-part formula in its sentence: 以A为(主)体 … 以C为支撑 → A, …, C (split at 、)."""
    terms = formula_head(text[start:end]).split("/")
    sentence = re.split(r"[。；！？]", text[:start])[-1]
    items, pos = [], 0
    for term in terms:
        role = re.compile(rf"以([^，。；：以为]{{1,30}})为(?:主|[{_ROLE_NUMERALS}]{{1,2}})?{re.escape(term)}(?=[，、的和])")
        m = role.search(sentence, pos)
        if not term or m is None:
            return []
        items += [i for i in m.group(1).split("、") if i]
        pos = m.end()
    return items


_ROLE_NUMERALS = "一二三四五六七八九十两双"


def _wanted_members(numbers: list[int]) -> set[int]:
    """How many members a formula with these numbers has: N, the sum of several, or 四位一体's first."""
    if not numbers or all(n == 1 for n in numbers):
        return set()
    wanted = {sum(numbers)} | ({numbers[0]} if len(numbers) > 1 and numbers[-1] == 1 else set())
    return wanted - {0, 1}


def _clause_before(text: str, start: int) -> str:
    """The clause that ends where a formula starts (a quoted list right before it, else back to ，。；：)."""
    head = text[:start].rstrip("“‘")
    if head.endswith(("”", "’")):
        opening = max(head.rfind("“"), head.rfind("‘"))
        return head[opening + 1 : -1] if opening >= 0 else ""
    return re.split(r"[，。；：！？”]", head)[-1]


def _after_colon(text: str, end: int) -> str:
    """The sentence after a formula followed by ，即 or a colon, else ''."""
    m = re.match(r"[”’]?(?:，即|，也就是|：|即)([^。；]*)", text[end:])
    return m.group(1) if m else ""


def _split_list(clause: str, wanted: set[int], *, lead: bool) -> list[str]:
    """The clause's items (split at 、, else at ， or 和/与/及) when their number is one wanted."""
    clause = clause.strip()
    if not clause:
        return []
    for pattern in (r"、", r"[，；]", r"、|和|与|及"):
        items = [i.strip() for i in re.split(pattern, clause)]
        if len(items) in wanted and all(items):
            if lead:
                items[0] = _LEAD_VERB.sub("", items[0]) or items[0]
            items[-1] = re.split(r"等", items[-1])[0] or items[-1]
            return [i.strip("“”‘’") for i in items]
    return []


# --------------------------------------------------------------------------- slogans, titles, models


def slogans(units: pd.DataFrame, *, max_len: int = 30) -> pd.DataFrame:
    """Quoted phrases (“…”, 2 to ``max_len`` characters, not whole sentences) with corpus counts and documents.

    ``kind`` says whether the phrase is a formula, a model or another slogan; ``in_title``
    marks a phrase quoted inside a cited title (《…“第一议题”学习制度》). Titles themselves
    are listed by :func:`cited_documents`; one quoted character (“严”的态势) is emphasis.
    """
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        titles = [m.span() for m in iter_titles(text)]
        for m in iter_quotes(text, max_len=max_len):
            inner = m.group(1) or m.group(2)
            if len(inner) < 2 or re.search(r"[。！？!?]", inner) or not re.search(f"[{CJK}]", inner):
                continue
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start(), "end": offset + m.end(),
                         "slogan": inner, "kind": _phrase_kind(inner),
                         "in_title": any(a < m.start() < b for a, b in titles)})  # fmt: skip
    return _occurrence_stats(pd.DataFrame(rows, columns=SLOGAN_COLUMNS[:7]), "slogan")[SLOGAN_COLUMNS]


def _phrase_kind(inner: str) -> str:
    if any(m.span() == (0, len(inner)) for m in iter_formulae(inner)):
        return "formula"
    if any(m.span() == (0, len(inner)) for m in iter_models(inner)):
        return "model"
    return "slogan"


_GENRE = re.compile(
    r"(实施意见|实施方案|实施计划|实施细则|指导意见|工作要点|行动计划|行动方案|管理办法|暂行规定|若干措施|若干意见|"
    r"制度|规定|意见|办法|方案|计划|清单|要点|细则|通知|决定|条例|纲要|汇编|职责|规划|规则|守则|准则|报告|措施|标准|指引)$"
)


def cited_documents(units: pd.DataFrame) -> pd.DataFrame:
    """Titles cited in 《…》 with their genre (制度, 规定, 实施意见 …; '' for films, books and papers), counts and documents."""
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        for m in iter_titles(text):
            title = m.group(1)
            genre = _GENRE.search(re.sub(r"[（(][^（）()]*[）)]$", "", title))
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start(), "end": offset + m.end(),
                         "title": title, "genre": genre.group(1) if genre else ""})  # fmt: skip
    return _occurrence_stats(pd.DataFrame(rows, columns=TITLE_COLUMNS[:6]), "title")[TITLE_COLUMNS]


def models(units: pd.DataFrame, docs: pd.DataFrame | None = None) -> pd.DataFrame:
    """X+Y(+Z) models (党建+警务, 1+X, 公安+村居（企业）, the open slot “党建+”), one row per occurrence.

    ``parts`` are joined by '|' (an open slot is an empty last part); ``numeric`` marks digit
    and letter models (5+2, 6+N; see :func:`is_numeric_model`). ``restored`` is True where the cleaning restored the plus
    sign (known when ``units`` are, or ``docs`` gives, documents loaded by
    :func:`corpus.load_corpus`; otherwise <NA>). Numeric models are also listed by
    :func:`formulae` (form ``numeric``), with their numbers and the noun they name.
    """
    if docs is None and "raw" in units.columns:
        docs = units
    restored = _restored_plus_signs(docs) if docs is not None else None
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        for m in iter_models(text):
            parts = model_parts(m.group())
            start, end = offset + m.start(), offset + m.end()
            plus = [start + i for i, ch in enumerate(m.group()) if ch in "+＋"]
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": start, "end": end, "surface": m.group(),
                         "parts": "|".join(parts), "head": parts[0], "n_parts": len(parts),
                         "numeric": is_numeric_model(parts),
                         "open_slot": parts[-1] == "",
                         "restored": pd.NA if restored is None else any(p in restored.get(doc_id, ()) for p in plus)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=MODEL_COLUMNS)
    frame["restored"] = frame["restored"].astype("boolean")
    return frame


def _restored_plus_signs(docs: pd.DataFrame) -> dict[str, set[int]]:
    """Offsets in each document's text of the '+' signs the cleaning restored (re-cleaning only those documents)."""
    if "raw" not in docs.columns:
        return {}
    log = audit(docs)
    restored = set(log.loc[(log["step"] == "plus_signs") & (log["after"] == "+"), "doc_id"])
    cfg = docs.attrs.get("clean_config") or CleanConfig()
    return {d: _forward_plus_positions(clean_text(raw, cfg).edits) for d, raw in zip(docs["doc_id"], docs["raw"]) if d in restored}


def _forward_plus_positions(edits: list[tuple[str, Edit]]) -> set[int]:
    """Where the restored '+' signs of one cleaning run end up in the final text."""
    steps = list(dict.fromkeys(step for step, _ in edits))
    positions: list[int] = []
    for step in steps:
        own = [e for s, e in edits if s == step and e.action != "flagged"]
        positions = [_shift(p, own) for p in positions]
        if step == "plus_signs":
            positions += [_shift(e.start, own) for e in own if e.after == "+"]
    return set(positions)


def _shift(pos: int, edits: list[Edit]) -> int:
    """A position in a step's input mapped to its output."""
    delta = 0
    for e in edits:
        if e.end <= pos and not (e.start == e.end == pos):
            delta += len(e.after) - (e.end - e.start)
        elif e.start <= pos < e.end:
            return e.start + delta
    return pos + delta


# --------------------------------------------------------------------------- claims

_SENTENCE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）)]*|$)")
_COMPARISON = re.compile(r"同比(?:去年|上年)?|环比|较(?:\d{4}年|上年|去年|同期|上年同期|年初)|比(?:\d{4}年|上年|去年)(?:同期)?")
_DIRECTION = re.compile(r"(上升|下降|增长|增加|减少|降低|提升|提高|回落|攀升|下滑|增幅|降幅)(?:了|分别|均|达|为)*$")
_QUALIFIER_BEFORE = re.compile(r"(超过|超|不到|不足|近|约|逾|将近|接近)$")
_THRESHOLD_BEFORE = re.compile(r"(未达|不低于|不少于|不超过|不高于|低于|高于|达不到)$")
_CODE_BEFORE = re.compile(r"[A-Za-z0-9.．€$£¥#＃/_\-—]$")
_ARTICLE_BEFORE = re.compile(r"(作为|成为|是|为|每|无|任何|第|当|做)$")


def claims(units: pd.DataFrame) -> pd.DataFrame:
    """Quantitative claims: number, unit, kind, qualifier, direction (同比上升, 较2021年上升), what is measured, the sentence.

    A claim is a number with a unit the text asserts about its subject's work (25.8%,
    13.8亿元, 4900余场, 23个月), a Chinese-numeral count of people (一名副局长) or a zero
    outcome (零发案). ``surface`` is number, 余/多 and unit as written; ``value`` the number
    times its scale (万, 亿). See the module docstring for what is a formula instead.
    ``measured`` is what the number quantifies, read from the sentence's grammar (the noun a
    count counts, the indicator a direction word applies to, the object of the verb before an
    amount; the rules are listed above ``_reading`` in this module): 组建14支党员先锋队 → 党员先锋队, 破案率较2021年上升25.8% → 破案率,
    避免群众损失13.8亿元 → 群众损失.
    """
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        taken = _named_spans(text)
        for s in _SENTENCE.finditer(text):
            if s.group().strip():
                rows += [dict(r, doc_id=doc_id, para_no=para_no, start=offset + r["start"], end=offset + r["end"])
                         for r in _sentence_claims(s.group(), s.start(), taken)]  # fmt: skip
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _named_spans(text: str) -> list[tuple[int, int]]:
    """Spans of formulae, models and titles: numbers inside them are names, not claims."""
    finders: list[Callable[[str], Iterator[re.Match[str]]]] = [iter_formulae, iter_models, iter_titles]
    return [m.span() for finder in finders for m in finder(text)]


def _sentence_claims(sentence: str, base: int, taken: list[tuple[int, int]]) -> list[dict]:
    found: list[dict] = []
    matches = sorted([*iter_numbers(sentence), *iter_zero_counts(sentence)], key=lambda m: m.start())
    for m in matches:
        start, end = base + m.start(), base + m.end()
        if any(a <= start < b for a, b in taken) or not _is_claim(sentence, m):
            continue
        row = _claim_row(sentence, m, found)
        found.append(dict(row, start=start, end=end, sentence=sentence, _span=(m.start(), m.end())))
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in found]


def _is_claim(sentence: str, m: re.Match[str]) -> bool:
    """Whether a number with a unit is a claim rather than a date, rank, code, threshold or article."""
    if "zero" in m.re.groupindex:
        return True
    before, number, unit = sentence[: m.start()], m.group("number"), m.group("unit")
    if unit in ("年", "月") or (unit == "个月" and before.endswith("近")):
        return False
    if _CODE_BEFORE.search(before) or _THRESHOLD_BEFORE.search(before) or before.endswith("第"):
        return False
    if not re.search(r"\d", number):  # Chinese numerals: a count of people, or a written-out large number
        if not re.match("[一二三四五六七八九十两]", number) or re.search("[几多余数一二三四五六七八九十百千万亿两零〇]$", before):
            return False
        return bool(re.search("[百千万亿]", number) or (unit == "名" and not _ARTICLE_BEFORE.search(before)))
    if before.endswith("等") and m.group("approx") is None:  # 甲、乙、丙等3个方面: the count of a list just given
        listed = re.split(r"[，。；：]", before[:-1])[-1].split("、")
        return len(listed) < 2 or cn_int(number) != len(listed)
    return True


def _claim_row(sentence: str, m: re.Match[str], previous: list[dict]) -> dict:
    before = sentence[: m.start()]
    clause = re.split(r"[，。；：！？]", before)[-1]
    prev = previous[-1] if previous else None
    between = sentence[prev["_span"][1] : m.start()] if prev else "，"
    joined = re.fullmatch(r"[、和及]", between) is not None  # 53.9%、32.3%: same direction, next measure
    item = clause.split("、")[-1]
    if "zero" in m.re.groupindex:
        reading = _reading(sentence, m.start(), m.end(), "zero", previous)
        return {"surface": m.group(), "number": "零", "value": 0.0, "unit": "", "kind": "zero", "qualifier": "",
                "direction": "", "measured": reading.text, "_reading": reading}  # fmt: skip
    number, scale = m.group("number"), m.group("scale") or m.group("scale2") or ""
    kind = _KIND_OF_UNIT.get(m.group("unit"), "other")
    reading = _reading(sentence, m.start(), m.end(), kind, previous)
    return {"surface": m.group(), "number": number,
            "value": round(_value(number) * {"": 1, "百": 100, "千": 1e3, "万": 1e4, "亿": 1e8}[scale], 6),
            "unit": scale + m.group("unit") + (m.group("alt") or ""), "kind": kind,
            "qualifier": m.group("approx") or (q.group(1) if (q := _QUALIFIER_BEFORE.search(before)) else ""),
            "direction": _direction(item) or (prev["direction"] if joined and prev else ""),
            "measured": reading.text, "_reading": reading}  # fmt: skip


def _direction(clause: str) -> str:
    """The comparison and direction word right before a number: 同比上升, 较2021年上升, 上升, or ''."""
    verb = _DIRECTION.search(re.sub(r"[超近约逾]$|不到$", "", clause))
    if not verb:
        return ""
    comparison = _COMPARISON.search(clause)
    return (comparison.group() if comparison else "") + verb.group(1)


# --------------------------------------------------------------------------- what a claim measures
#
# Read from the sentence's grammar: jieba's part-of-speech tags (the project's own segmenter and
# domain lexicon) of the words around the number. Official prose puts what is measured in one of
# a few places, tried in this order by kind of claim:
#   the counted noun after a count:      组建14支党员先锋队, 17个集体、43名辅警获得表彰, 对2.3万余起交通违法
#     with a possessor right before it:  公安机关662个窗口, 将党建工作33个项目
#     or the noun after 的:              2次覆盖所有基层党组织的党建考评, 249支1157人的义警巡逻队
#   the action an event count counts:    先后10次主持召开党委会
#   the noun phrase before the number:   避免群众损失13.8亿元, 新打掉涉黑涉恶组织10个, 调解率达99.84%
#     (the object of the verb, the subject of 达/为, or the indicator of a direction word; the
#     words between it and the number — comparisons, direction words, 分别, 累计, 超, 不到 — are
#     skipped); a nominalised verb can head an indicator (刑事案件立案同比下降1.5%);
#   a duration: its subject and the predicate that lasted (电信诈骗连续23个月保持…“双下降”).

_SKIPPED_WORDS = frozenset(
    "同比 环比 分别 分别为 均 都 共计 累计 合计 总计 共 达到 达 为 至 降至 升至 增至 上升 下降 增长 增加 减少 降低 提升 提高 回落 "
    "攀升 下滑 增幅 降幅 超过 超 不到 不足 近 约 逾 将近 接近 日均 月均 年均 平均 人均 先后 已 已经 连续 持续 长达 了 等 去年 上年 "
    "同期 较 比 以上 以来".split()
)
_CLAUSE_END = "，。；：！？,;:!?"
_OPENERS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "「": "」"}
_MODIFIER_PREFIX = ("被", "不", "未", "非")  # 被骗资金, 不满意评价: a verb that modifies the noun after it
_ATTRIBUTIVE = frozenset("相关 有关 所属 下属".split())
_EVENT_KINDS = ("events",)


#: One-character suffixes that make a measure of a verb or noun (破案率, 播放量, 人数, 金额).
_MEASURE_SUFFIXES = "率量数额值"


@dataclass(frozen=True)
class _Reading:
    """What a claim measures, as read from its sentence: the phrase and its words with their tags."""

    text: str = ""
    words: tuple[tuple[str, str], ...] = ()


def _tagged(text: str) -> list[tuple[str, str]]:
    """Words of ``text`` with jieba POS tags; a quotation or bracket of up to 12 characters is one noun ('Q')."""
    if not text:
        return []
    words = [(w, t) for w, t in _segmenter().tag(text, True)]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        w = words[i][0]
        if w in _OPENERS:
            close = next((j for j in range(i + 1, min(len(words), i + 12)) if words[j][0] == _OPENERS[w]), None)
            inner = "".join(x for x, _ in words[i : close + 1]) if close is not None else ""
            if close is not None and len(inner) <= 14 and not any(x in _CLAUSE_END for x, _ in words[i:close]):
                out.append((inner, "Q"))
                i = close + 1
                continue
        out.append(words[i])
        i += 1
    return out


@lru_cache(maxsize=1)
def _segmenter():
    """The project's default segmenter (jieba's dictionary and the domain lexicon), built once per process."""
    return segmenter_for(TokenConfig())


def _nominal(word: str, tag: str) -> bool:
    """A word that can be part of a noun phrase: nouns, nominal verbs, distinguishing words, quoted terms, domain terms."""
    if tag == "m":  # 一线, 十类, 四轮: numeral words, not bare numbers
        return bool(re.search(f"[{CJK}]", word)) and not re.fullmatch(r"[零〇一二三四五六七八九十百千万亿两几多余数]+", word)
    return tag in ("", "Q", "vn", "an", "j", "l", "b", "s", "eng", "ng", "vg", "ag") or tag.startswith("n")


def _verb(tag: str) -> bool:
    return tag.startswith("v") and tag != "vn"


def _phrase_before(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The noun phrase that ends ``words``, walking back from its head.

    The head (the last word) may be any noun or verb (jieba tags 组织, 做法, 举措 as verbs; 立案,
    破案 head indicators); before it come nouns, distinguishing words and adjectives, a counter
    between nouns (交通事故类警情), a verb after 被/不/未 (被骗资金, 不满意评价), a verb before a
    measure (播放量, 调解率, 死亡人数, 涉案金额), 的 between nouns, and coordination with 、/和/及.
    A nominal verb or set phrase (vn, l) continues the phrase after a noun or a verb (公安窗口服务,
    抓获犯罪嫌疑人); at the start of a clause it governs the phrase (发动义警, 依法查处违法行为).
    """
    out: list[tuple[str, str]] = []
    i = len(words)
    while i > 0:
        w, t = words[i - 1]
        prev = words[i - 2] if i > 1 else ("", "x")
        measure = bool(out) and (all(len(x) == 1 for x, _ in out) or (len(out) == 1 and out[0][0][-1] in _MEASURE_SUFFIXES))
        if not out:
            if not (_nominal(w, t) or t.startswith("v") or t == "i"):
                break
            out.append((w, t))
        elif t in ("vn", "l") and not (_nominal(*prev) or _verb(prev[1]) or measure):
            break  # 发动义警, 依法查处违法行为: it governs the phrase (but 抓获犯罪嫌疑人, 公安窗口服务, 信访总量)
        elif _nominal(w, t) or t == "a" or w in _ATTRIBUTIVE or (t == "q" and len(w) == 1 and _nominal(*prev)):
            out.append((w, t))
        elif t.startswith("v") and (w.startswith(_MODIFIER_PREFIX) or prev[0] in _MODIFIER_PREFIX or measure):
            out.append((w, t))
            if prev[0] in _MODIFIER_PREFIX:
                out.append(prev)
                i -= 1
        elif w in ("的", "之") and _nominal(*prev):
            out.append((w, t))
        elif w in ("、", "和", "及", "与", "或") and (_nominal(*prev) or (w == "、" and prev[1].startswith("v"))):
            out += [(w, t), prev]
            i -= 1
        else:
            break
        i -= 1
    while out and out[-1][0] in "的之、和及与或":
        out.pop()
    return out[::-1]


#: Words that end a noun phrase read forward: the predicate starts (新警全部分配…, 党组织共同组建…).
_PREDICATE_OPENERS = frozenset("全部 全体 均 都 各自 分别 共同 一起 全面 已 先后 累计 主要 正在 也 还 又".split())


def _phrase_after(words: list[tuple[str, str]], *, verb_head: bool = False) -> list[tuple[str, str]]:
    """The noun phrase that opens ``words`` (the noun a count counts).

    Nouns, a code before them (110接处警情), an attributive verb first (指定书目), 被 + verb
    (被拐人员), 、-coordination of nouns (民警、辅警), a quotation first or between nouns; a
    final verb heads it only where a count is all it follows (6项举措), an event is counted
    (``verb_head``: 2次国家级表彰) or a list continues (、). The phrase ends where the predicate
    starts: a verb, an adverb, a preposition (冲锋在…: the word before 在 is dropped too).
    """
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        w, t = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ("", "x")
        end = not nxt[0] or nxt[0] in _CLAUSE_END + "、"
        if w in _PREDICATE_OPENERS:
            break
        if t == "Q" and out and not _nominal(*nxt):  # 交通违法“轻微免处”: a quoted predicate
            break
        if _nominal(w, t) or (not out and t == "m" and w.isdigit() and _nominal(*nxt)):
            out.append((w, t))
        elif w == "被" and i + 2 < len(words) and _nominal(*words[i + 2]):
            out += [(w, t), nxt]
            i += 1
        elif t.startswith("v") and w.startswith(_MODIFIER_PREFIX) and _nominal(*nxt):
            out.append((w, t))
        elif (t.startswith("v") and not out and (_nominal(*nxt) or end)) or (t == "a" and not out and _nominal(*nxt)):
            out.append((w, t))  # 8种指定书目, 6项举措, 35名被困群众
        elif t.startswith("v") and out and end and (verb_head or nxt[0] == "、"):
            out.append((w, t))
        elif out and w in ("、", "和", "及", "与") and _nominal(*nxt) and nxt[1] != "m":
            out += [(w, t), nxt]
            i += 1
        else:
            if len(out) > 1 and t == "p" and out[-1][1].startswith("v"):
                out.pop()
            break
        i += 1
    while out and (out[-1][1] in ("a", "b") or not (_nominal(*out[-1]) or out[-1][1].startswith("v"))):
        out.pop()
    return out


def _text(words: list[tuple[str, str]]) -> str:
    return "".join(w for w, _ in words)


def _strip_between(words: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """Drop the words between a measure and its number (同比, 较2021年, 上升, 分别, 累计, 超, 不到 …); True if any were.

    Where the segmenter glued one of them to a one-character measure suffix (调解率达 → 率达),
    the suffix stays (率).
    """
    n = len(words)
    while words and (words[-1][0] in _SKIPPED_WORDS or re.fullmatch(r"\d{4}|年|较|比|[“‘（(]", words[-1][0])):
        words = words[:-1]
    if words and len(words[-1][0]) > 1 and words[-1][0][0] in _MEASURE_SUFFIXES and words[-1][0][1:] in _SKIPPED_WORDS:
        return words[:-1] + [(words[-1][0][0], "ng")], True
    return words, len(words) != n


def _reading(sentence: str, start: int, end: int, kind: str, previous: list[dict]) -> _Reading:
    """What the claim at ``sentence[start:end]`` measures (see the rules above)."""
    prev = previous[-1] if previous else None
    floor = prev["_span"][1] if prev else 0
    clause_start = max(floor, *(sentence.rfind(p, 0, start) + 1 for p in _CLAUSE_END))
    # A count right after another's noun (4个方面12项…): that noun is not this one's possessor.
    after_prev = prev is not None and clause_start == floor and "、" not in sentence[floor:start]
    if prev is not None and clause_start == floor:  # 49项具体措施、试点单位4项: this item only
        clause_start = max(clause_start, sentence.rfind("、", floor, start) + 1)
    words, stripped = _strip_between(_tagged(sentence[clause_start:start]))
    before = _phrase_before(words)
    subject = _text(before)
    after_words = _tagged(_after_region(sentence, end))
    if kind == "duration":  # 电信诈骗连续23个月保持…: the subject and what lasted
        return _Reading((subject + _text(after_words))[-30:], tuple(before))
    if kind in ("percent", "money", "zero"):
        phrase = before
        if kind == "money" and not phrase:
            phrase = _phrase_after(after_words)
        if kind == "percent" and not phrase and previous:  # 同比分别上升53.9%、32.3%
            return _Reading(_distributed(previous))
        elided = len(phrase) == 1 and _verb(phrase[0][1]) and sentence[floor:start].startswith("、")
        if kind == "percent" and elided and prev is not None:  # 治安案件受理上升8.5%、查处上升39.2%
            phrase = list(prev["_reading"].words[:-1]) + phrase
        return _Reading(_text(phrase)[-30:], tuple(phrase))
    counted = _phrase_after(_after_relative(after_words), verb_head=kind in _EVENT_KINDS)
    if counted:
        # A possessor is a noun phrase right before the count (公安机关662个窗口), not a verb's object.
        owned = before and not (stripped or after_prev) and _nominal(*before[-1]) and not before[0][1].startswith("v")
        possessor = before if owned else []
        return _Reading(_text(possessor + counted)[-30:], tuple(possessor + counted))
    if kind in _EVENT_KINDS and after_words and _verb(after_words[0][1]):  # 10次主持召开党委会
        return _Reading(_text(after_words)[:16], tuple(after_words))
    return _Reading(subject[-30:], tuple(before))


def _after_region(sentence: str, end: int) -> str:
    """The words after a number up to the clause end or the next number, skipping a number that qualifies the same noun (249支1157人的…)."""
    rest = sentence[end:]
    lead = next(iter_numbers(rest), None)
    if lead is not None and lead.start() == 0:
        rest = rest[lead.end() :]
    stop = min([len(rest)] + [rest.find(p) for p in _CLAUSE_END if p in rest] + [n.start() for n in iter_numbers(rest)][:1])
    return rest[:stop]


def _after_relative(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For a count followed by a relative clause (2次覆盖所有基层党组织的党建考评, 1157人的义警巡逻队): the words after its last 的."""
    if words and words[0][0] == "的":
        return words[1:]
    if words and words[0][1].startswith("v") and any(w == "的" for w, _ in words):
        last = max(i for i, (w, _) in enumerate(words) if w == "的")
        return words[last + 1 :]
    return words


def _distributed(previous: list[dict]) -> str:
    """For 分别 (A…、B…，同比分别上升x%、y%): the measure of the earlier claim in the same place of the list."""
    own = [p for p in previous if p["kind"] != "percent"]
    already = sum(1 for p in previous if p["kind"] == "percent")
    return own[already]["measured"] if already < len(own) else ""


def _value(number: str) -> float:
    if re.search(r"\d", number):
        return float(re.sub(r"[,，]", "", number))
    whole, _, frac = number.partition("点")
    value = _cn_large(whole)
    return value + float("0." + "".join(str(cn_int(c)) for c in frac)) if frac else value


def _cn_large(numeral: str) -> float:
    """A Chinese numeral with 万/亿 (三千二百万 → 32000000).

    >>> _cn_large("三千二百万"), _cn_large("一")
    (32000000.0, 1.0)
    """
    total = 0.0
    for scale, factor in (("亿", 1e8), ("万", 1e4)):
        if scale in numeral:
            head, numeral = numeral.split(scale, 1)
            total += (cn_int(head) or 1) * factor
    return total + (cn_int(numeral) or 0 if numeral else 0)


# --------------------------------------------------------------------------- enumerations


def enumerations(units: pd.DataFrame) -> pd.DataFrame:
    """Enumerated measures (一是/二是 inside paragraphs, 一、/（一）/1、 headings) as a table per section.

    One row per item: the section it belongs to (heading path), the run it is part of
    (``enum_no`` within the document, ``item_no``, ``n_items``), its ``marker`` style (一是, 一、 …), its
    lead phrase (``label``) and text, with offsets. Ranks (第一) inside sentences are not items.
    """
    paras = _paragraphs(units)
    rows = []
    for doc_id, part in paras.groupby("doc_id", sort=False):
        rows += _doc_enumerations(str(doc_id), part)
    frame = pd.DataFrame(rows, columns=[c for c in ENUMERATION_COLUMNS if c not in ("enum_no", "n_items")])
    if frame.empty:
        return pd.DataFrame(columns=ENUMERATION_COLUMNS)
    frame["enum_no"] = _runs(frame)
    frame["n_items"] = frame.groupby(["doc_id", "enum_no"])["item_no"].transform("size")
    return frame[ENUMERATION_COLUMNS]


def _runs(items: pd.DataFrame) -> list[int]:
    """Number the runs of items per document: a run is one style in one section counting 1, 2, 3 …"""
    current: dict[tuple, int] = {}
    last: dict[tuple, int] = {}
    count: dict[str, int] = {}
    runs = []
    for doc_id, section, style, item_no in zip(items["doc_id"], items["section"], items["marker"], items["item_no"]):
        key = (doc_id, section, style)
        if key not in current or item_no == 1 or item_no != last[key] + 1:
            count[doc_id] = count.get(doc_id, 0) + 1
            current[key] = count[doc_id]
        last[key] = item_no
        runs.append(current[key])
    return runs


def _doc_enumerations(doc_id: str, paras: pd.DataFrame) -> list[dict]:
    rows, heading_section = [], ""
    kinds = paras["kind"] if "kind" in paras.columns else pd.Series("body", index=paras.index)
    sections = paras["section"] if "section" in paras.columns else pd.Series("", index=paras.index)
    for (_, para_no, offset, text), kind, section in zip(_rows(paras), kinds, sections):
        section = "" if pd.isna(section) else str(section)
        if kind == "heading":
            heading_section = section
            parent = " > ".join(section.split(" > ")[:-1])
        else:
            parent = heading_section if kind == "list item" else section
        marks = list(iter_enumerators(text))
        for i, m in enumerate(marks):
            style = next(name for name in ENUMERATION_STYLES if m.group(name))
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            item = text[m.start("marker") : end].rstrip()
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start("marker"),
                         "end": offset + m.start("marker") + len(item), "section": parent,
                         "marker": ENUMERATION_STYLES[style], "item_no": cn_int(m.group(style)) or 0,
                         "label": re.split(r"[。；：]", item[len(m.group("marker")) :], maxsplit=1)[0][:40],
                         "text": item})  # fmt: skip
    return rows


# --------------------------------------------------------------------------- shared passages


def shared_passages(
    units: pd.DataFrame,
    min_chars: int = 12,
    *,
    order: Sequence[str] | None = None,
    shingle: int = 8,
    max_gap: int = 10,
    min_similarity: float = 0.9,
    max_docs: int | None = 100,
) -> pd.DataFrame:
    """Passages of at least ``min_chars`` characters a document shares, verbatim or nearly, with an earlier one; both locations.

    Every passage of a document (``doc_id_b``) found in a document earlier in ``order``
    (default: the order of ``units``; pass :func:`doc_order` for dates) is given once, with
    the first document holding it (``doc_id_a``): where one text was copied into many, each
    copy cites the first, so the table grows with the text shared, not with the pairs of
    documents sharing it, and a near copy of a whole document is one passage, not one per
    sentence. ``n_docs`` is how many documents hold the passage (counted at its windows: a
    typical value where a few characters differ between copies).

    Seed and extend, as text-reuse detectors do: every ``shingle``-character window (ideographs,
    letters and digits; punctuation, spaces and paragraph breaks ignored, so 、 against ，
    does not break a match) is hashed and linked to the first occurrence of its hash in an
    earlier document; links are chained along the diagonal of each pair of documents and
    runs joined across insertions, deletions and substitutions of up to ``max_gap``
    characters; the ends are then extended character by character. A passage may run over
    paragraph breaks (``para_no_*`` is where it starts, ``end_*`` where it ends). Where
    passages from several earlier documents cover the same stretch of a later one, one is kept:
    the longest, among about equally long ones (within a quarter) the earliest. ``chars`` counts its
    characters without punctuation; ``similarity`` is 2·M / (chars_a + chars_b), M the
    characters the alignment matches (difflib's ratio, read from the alignment); rows below
    ``min_similarity`` are dropped. Windows found in more than ``max_docs`` documents are
    stock phrases and seed nothing (None: no limit); a warning says how many there were.
    Time and memory grow with the corpus's characters (one sort of its windows).
    """
    paras = _paragraphs(units)
    if shingle < 2 or min_chars < 1 or max_gap < 0 or not 0 <= min_similarity <= 1:
        raise ValueError("`shingle` must be at least 2, `min_chars` at least 1, `max_gap` at least 0 and `min_similarity` "
                         f"between 0 and 1; got {shingle}, {min_chars}, {max_gap}, {min_similarity}")
    shingle = min(shingle, max(min_chars, 2))
    rank = _doc_rank(paras["doc_id"].astype(str), order)
    paras = paras.assign(_rank=paras["doc_id"].astype(str).map(rank)).sort_values(["_rank", "para_no"], kind="stable")
    paras = paras.reset_index(drop=True)
    codes, para_of, pos_of = _skeleton(paras["text"].astype(str).tolist())
    doc_of = paras["_rank"].to_numpy(dtype=para_of.dtype)[para_of] if len(codes) else np.zeros(0, dtype=np.int32)
    seeds = _first_use_seeds(codes, doc_of, shingle, max_docs)
    if seeds is None:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    skeleton = codes.tobytes().decode("utf-32-le")
    seg = _outside_longer(_chain(seeds, codes, doc_of, shingle, max_gap, min_chars), doc_of)
    seg = _merge_overlapping(_extend(seg, skeleton, codes, doc_of, max_gap, min_chars), doc_of, max_gap)
    seg = _one_source_each(seg[np.minimum(seg[:, 1] - seg[:, 0], seg[:, 3] - seg[:, 2]) >= min_chars], doc_of)
    seg = _aligned(seg, skeleton, max_gap)
    table = _passage_table(paras, para_of, pos_of, doc_of, seg)
    return table[table["similarity"] >= min_similarity].reset_index(drop=True)


def _doc_rank(doc_ids: pd.Series, order: Sequence[str] | None) -> dict[str, int]:
    """Each document's place: its position in ``order``, documents not in it after, in order of appearance."""
    seen = list(dict.fromkeys(doc_ids))
    present = set(seen)
    ranked = [d for d in dict.fromkeys(map(str, order)) if d in present] if order is not None else []
    placed = set(ranked)
    return {d: i for i, d in enumerate(ranked + [d for d in seen if d not in placed])}


def _skeleton(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ideographs, letters and digits of all paragraphs as code points, with their paragraph and offset (compact integers)."""
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le"), dtype=np.uint32)
    index = _index_type(len(codes))
    breaks = codes == 0
    para = np.cumsum(breaks, dtype=index)
    starts = np.concatenate([[0], np.flatnonzero(breaks) + 1]).astype(index)
    keep = (
        ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF)) | ((codes >= 0x20000) & (codes <= 0x2EBEF))
        | ((codes >= 48) & (codes <= 57)) | ((codes >= 65) & (codes <= 90)) | ((codes >= 97) & (codes <= 122))
        | ((codes >= 0xFF10) & (codes <= 0xFF5A))
    )  # fmt: skip
    where = np.flatnonzero(keep).astype(index)
    para = para[where]
    return codes[where], para, where - starts[para]


def _index_type(n: int) -> type:
    """The integer type for positions in a skeleton of ``n`` characters: 32 bits while they fit (half the memory)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def _first_use_seeds(codes: np.ndarray, doc_of: np.ndarray, k: int, max_docs: int | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:  # fmt: skip
    """Arrays (a, b, n_docs), sorted by b: window b of a later document and the first occurrence a of the same window in an earlier one.

    The skeleton is laid out in document order, so sorting the windows by hash (stable)
    puts each hash's first use first. One link per occurrence: linear, however many
    documents share a window. Intermediate arrays are freed as soon as they are used: on a
    large corpus they are what memory is spent on.
    """
    n = len(codes) - k + 1
    if n <= 0:
        return None
    index = _index_type(len(codes))
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            hashes *= np.uint64(1_000_003)
            hashes += codes[j : j + n]
    across = np.flatnonzero(doc_of[:n] != doc_of[k - 1 : k - 1 + n])  # windows over two documents: alone in their group
    hashes[across] = np.iinfo(np.uint64).max - np.arange(len(across), dtype=np.uint64)
    idx = np.argsort(hashes, kind="stable").astype(index)
    h = hashes[idx]
    del hashes
    new_group = np.empty(len(idx), dtype=bool)
    new_group[:1] = True
    np.not_equal(h[1:], h[:-1], out=new_group[1:])
    del h
    d = doc_of[idx]
    new_doc = new_group.copy()
    new_doc[1:] |= d[1:] != d[:-1]
    group = np.cumsum(new_group, dtype=index) - 1
    n_docs = np.bincount(group, weights=new_doc).astype(index)[group]
    del new_doc
    first = np.flatnonzero(new_group).astype(index)[group]
    del group
    if max_docs is not None and (n_docs > max_docs).any():
        stock = n_docs > max_docs
        log.warning("shared_passages: %d windows of %d characters (%d distinct) occur in more than max_docs=%d "
                    "documents; treated as stock phrases, they seed no passage (max_docs=None keeps them)",
                    int(stock.sum()), k, int(new_group[stock].sum()), max_docs)  # fmt: skip
        del stock
    keep = (n_docs >= 2) & (d != d[first])
    if max_docs is not None:
        keep &= n_docs <= max_docs
    del d, new_group
    if not keep.any():
        return None
    # Back in text order (a scatter, not a sort): the seeds come out sorted by b.
    source, holders = np.full(n, -1, dtype=index), np.zeros(n, dtype=index)
    source[idx[keep]], holders[idx[keep]] = idx[first[keep]], n_docs[keep]
    del idx, first, n_docs, keep
    b = np.flatnonzero(source >= 0).astype(index)
    return source[b], b, holders[b]


def _chain(seeds: tuple[np.ndarray, np.ndarray, np.ndarray], codes: np.ndarray, doc_of: np.ndarray, k: int, max_gap: int,
           min_chars: int) -> np.ndarray:  # fmt: skip
    """Seeds merged into passages: rows (a0, a1, b0, b1, matched, n_docs) of skeleton positions."""
    a, b, docs = seeds
    n = int(doc_of.max()) + 1 if doc_of.size else 1
    span = 2 * len(codes) + 1
    if n * n * span < 2**62:  # one stable sort on (pair, diagonal) keeps the seeds' order by b
        key = (doc_of[b].astype(np.int64) * n + doc_of[a]) * span + (b.astype(np.int64) - a + len(codes))
        order = np.argsort(key, kind="stable")
        del key
    else:
        order = np.lexsort((b, b.astype(np.int64) - a, doc_of[b].astype(np.int64) * n + doc_of[a]))
    a, b, docs = a[order], b[order], docs[order]
    del order
    pair = doc_of[b].astype(np.int64) * n + doc_of[a]
    # Runs on one diagonal: consecutive seeds that overlap or leave at most max_gap characters between them.
    step = b[1:] - b[:-1]
    joined = (pair[1:] == pair[:-1]) & (step == a[1:] - a[:-1]) & (step <= k + max_gap)
    first = np.flatnonzero(np.concatenate([[True], ~joined]))
    covered = np.minimum(np.concatenate([step, [k]]), k)  # characters each window adds to the match
    del step
    covered[first[1:] - 1] = k
    run_id = np.cumsum(np.concatenate([[True], ~joined])) - 1
    del joined
    last = np.concatenate([first[1:], [len(b)]]) - 1
    runs = np.stack([a[first], a[last] + k, b[first], b[last] + k, np.bincount(run_id, weights=covered).astype(np.int64),
                     pair[first]], axis=1).astype(np.int64)  # fmt: skip
    docs_of_run = docs[(first + last) // 2]  # the documents holding the run's middle window
    del a, b, docs, pair, covered, run_id
    order = np.lexsort((runs[:, 0], runs[:, 2], runs[:, 5]))
    runs, docs_of_run = runs[order], docs_of_run[order]
    keep = _may_grow(runs, codes, k, max_gap, min_chars)
    return _bridge(runs[keep], docs_of_run[keep], k, max_gap)


def _may_grow(runs: np.ndarray, codes: np.ndarray, k: int, max_gap: int, min_chars: int) -> np.ndarray:
    """Runs (sorted by pair, then b0) that are long enough, have a neighbour to join or a matching character to extend over.

    The others — most of them, chance matches of one common window — can never make a
    passage of ``min_chars`` characters and are dropped before any per-run work.
    """
    n = len(codes)
    a0, a1, b0, b1, pair = runs[:, 0], runs[:, 1], runs[:, 2], runs[:, 3], runs[:, 5]
    long_enough = np.minimum(a1 - a0, b1 - b0) >= min_chars
    close = (pair[1:] == pair[:-1]) & (b0[1:] - b1[:-1] <= max_gap) & (np.abs(a0[1:] - a1[:-1]) <= max_gap + k)
    near = np.concatenate([[False], close]) | np.concatenate([close, [False]])
    after = (a1 < n) & (b1 < n) & (codes[np.minimum(a1, n - 1)] == codes[np.minimum(b1, n - 1)])
    before = (a0 > 0) & (b0 > 0) & (codes[np.maximum(a0 - 1, 0)] == codes[np.maximum(b0 - 1, 0)])
    return long_enough | near | after | before


def _bridge(runs: np.ndarray, docs: np.ndarray, k: int, max_gap: int) -> np.ndarray:
    """Join runs of one pair of documents that follow each other on both sides (insertions, deletions, substitutions)."""
    merged: list[list[float]] = []
    last: list[float] = [-1] * 7
    for (x0, x1, y0, y1, matched, pair), n_docs in zip(runs.tolist(), docs.tolist()):
        if (pair == last[5] and -k <= y0 - last[3] <= max_gap and -k <= x0 - last[1] <= max_gap
                and x0 >= last[0] and y0 >= last[2]):  # fmt: skip
            overlap = max(0, last[3] - y0, last[1] - x0)
            last[1], last[3] = max(last[1], x1), max(last[3], y1)
            last[4] += max(0, matched - overlap)
            last[6].append(n_docs)
        else:
            last = [x0, x1, y0, y1, matched, pair, [n_docs]]
            merged.append(last)
    return np.array([[*m[:5], sorted(m[6])[len(m[6]) // 2]] for m in merged], dtype=np.float64).reshape(-1, 6)


def _extend(seg: np.ndarray, skeleton: str, codes: np.ndarray, doc_of: np.ndarray, max_gap: int, min_chars: int) -> np.ndarray:
    """Extend passages over differences of up to ``max_gap`` characters at their ends, within their documents.

    Only a passage of at least ``min_chars`` characters (once extended without gaps) crosses
    differences: shorter ones are chance matches of common words, most of them, and would
    cost a search each for nothing.
    """
    out = seg.copy()
    if not len(seg):
        return out
    n = len(skeleton)
    ids = np.arange(int(doc_of.max()) + 1)
    first, end = np.searchsorted(doc_of, ids, "left").tolist(), np.searchsorted(doc_of, ids, "right").tolist()
    backwards = skeleton[::-1]
    rows = seg.tolist()
    # A passage extends up to the next passage of the same pair of documents (and back to the one before), not across it.
    following, preceding = _neighbours(seg, doc_of)
    # Most seeds are chance matches of common words that neither extend nor reach min_chars: settled at once.
    ints = seg[:, :4].astype(np.int64)
    doc_a, doc_b = doc_of[ints[:, 0]].tolist(), doc_of[ints[:, 2]].tolist()
    nxt_a, nxt_b = np.minimum(ints[:, 1], n - 1), np.minimum(ints[:, 3], n - 1)
    same_after = (ints[:, 1] < n) & (ints[:, 3] < n) & (codes[nxt_a] == codes[nxt_b])
    same_before = (ints[:, 0] > 0) & (ints[:, 2] > 0) & (codes[np.maximum(ints[:, 0] - 1, 0)] == codes[np.maximum(ints[:, 2] - 1, 0)])
    long_enough = np.minimum(ints[:, 1] - ints[:, 0], ints[:, 3] - ints[:, 2]) >= min_chars
    for row in np.flatnonzero(long_enough | same_after | same_before).tolist():
        a0, a1, b0, b1, matched, _ = rows[row]
        a0, a1, b0, b1 = int(a0), int(a1), int(b0), int(b1)
        da, db = doc_a[row], doc_b[row]
        limits = [[end[da] - a1, end[db] - b1], [a0 - first[da], b0 - first[db]]]
        if following[row] >= 0:
            nxt = rows[following[row]]
            limits[0] = [min(limits[0][0], int(nxt[0]) - a1), min(limits[0][1], int(nxt[2]) - b1)]
        if preceding[row] >= 0:
            prv = rows[preceding[row]]
            limits[1] = [min(limits[1][0], a0 - int(prv[1])), min(limits[1][1], b0 - int(prv[3]))]
        ahead = _common_prefix(skeleton, a1, b1, min(limits[0]))
        behind = _common_prefix(backwards, n - a0, n - b0, min(limits[1]))
        if min(a1 - a0, b1 - b0) + ahead + behind >= min_chars:
            ga, gb, grown = _reach(skeleton, a1, b1, *limits[0], max_gap)
            sa, sb, shrunk = _reach(backwards, n - a0, n - b0, *limits[1], max_gap)
        else:
            ga = gb = grown = ahead
            sa = sb = shrunk = behind
        out[row, :5] = (a0 - sa, a1 + ga, b0 - sb, b1 + gb, matched + grown + shrunk)
    return out


def _neighbours(seg: np.ndarray, doc_of: np.ndarray) -> tuple[list[int], list[int]]:
    """For each passage, the next and the previous passage of the same pair of documents that lie beyond it on both sides (-1: none)."""
    ints = seg[:, :4].astype(np.int64)
    pair = doc_of[ints[:, 2]] * (int(doc_of.max()) + 1) + doc_of[ints[:, 0]]
    order = np.lexsort((ints[:, 0], ints[:, 2], pair)).tolist()
    ahead, behind = [-1] * len(seg), [-1] * len(seg)
    for i, j in zip(order, order[1:]):
        if pair[i] == pair[j] and ints[j, 0] >= ints[i, 1] and ints[j, 2] >= ints[i, 3]:
            ahead[i], behind[j] = j, i
    return ahead, behind


def _reach(text: str, x: int, y: int, limit_x: int, limit_y: int, max_gap: int) -> tuple[int, int, int]:
    """How far ``text`` from x and from y keeps matching (reach on each side) and how many characters match there.

    At a difference the two sides resynchronise where, after skipping up to ``max_gap``
    characters on either side (a substitution, an insertion, a deletion; the fewest skipped
    first), three characters match again.
    """
    i = j = good_i = good_j = matched = 0
    while i < limit_x and j < limit_y:
        run = _common_prefix(text, x + i, y + j, min(limit_x - i, limit_y - j))
        i, j, matched = i + run, j + run, matched + run
        good_i, good_j = i, j
        best = None
        window = text[y + j : y + j + min(max_gap + 3, limit_y - j)]
        for u in range(min(max_gap, limit_x - i - 3) + 1):
            v = window.find(text[x + i + u : x + i + u + 3], 0 if u else 1)
            if v >= 0 and (best is None or u + v < sum(best)):
                best = (u, v)
        if best is None:
            break
        i, j = i + best[0], j + best[1]
    return good_i, good_j, matched


def _common_prefix(text: str, x: int, y: int, limit: int) -> int:
    """Length of the common prefix of text[x:] and text[y:], at most ``limit`` (string comparisons, widening then halving)."""
    done, size = 0, 8
    while done < limit:
        m = min(size, limit - done)
        if text[x + done : x + done + m] == text[y + done : y + done + m]:
            done += m
            size *= 2
            continue
        while m > 1:
            half = m // 2
            if text[x + done : x + done + half] == text[y + done : y + done + half]:
                done += half
                m -= half
            else:
                m = half
        return done
    return done


def _merge_overlapping(seg: np.ndarray, doc_of: np.ndarray, max_gap: int) -> np.ndarray:
    """Join passages of one pair of documents that overlap or touch on both sides once extended."""
    if not len(seg):
        return seg
    ints = seg[:, :4].astype(np.int64)
    pair = doc_of[ints[:, 2]] * (int(doc_of.max()) + 1) + doc_of[ints[:, 0]]
    order = np.lexsort((ints[:, 0], ints[:, 2], pair))
    merged: list[list[float]] = []
    last_pair = -1
    rows = seg.tolist()
    for i in order.tolist():
        x0, x1, y0, y1, matched, n_docs = rows[i]
        last = merged[-1] if merged else None
        if (last is not None and pair[i] == last_pair and y0 <= last[3] + max_gap and x0 <= last[1] + max_gap
                and x0 >= last[0] and y0 >= last[2]):  # fmt: skip
            overlap = max(0.0, min(last[3], y1) - y0)
            last[1], last[3] = max(last[1], x1), max(last[3], y1)
            last[4] += max(0.0, matched - overlap)
            last[5] = max(last[5], n_docs)
        else:
            merged.append([x0, x1, y0, y1, matched, n_docs])
            last_pair = int(pair[i])
    return np.array(merged, dtype=np.float64).reshape(-1, 6)


def _aligned(seg: np.ndarray, skeleton: str, max_gap: int) -> np.ndarray:
    """The characters each passage matches, counted by aligning it end to end (the seeds miss stretches shorter than a window)."""
    out = seg.copy()
    for row, (a0, a1, b0, b1, matched, _) in enumerate(seg.tolist()):
        a0, a1, b0, b1 = int(a0), int(a1), int(b0), int(b1)
        if skeleton[a0:a1] == skeleton[b0:b1]:
            out[row, 4] = a1 - a0
        elif matched < min(a1 - a0, b1 - b0):
            out[row, 4] = max(matched, _reach(skeleton, a0, b0, a1 - a0, b1 - b0, max_gap)[2])
    return out


def _one_source_each(seg: np.ndarray, doc_of: np.ndarray) -> np.ndarray:
    """Per later document, keep the passages that give each stretch of it one source: the longest, and among passages of
    about the same length (within a quarter) the earliest document; a passage more than half covered by one kept is dropped.

    Near copies of one text each match the whole of a later copy; only the first is its source.
    """
    if not len(seg):
        return seg
    a0, b0, b1 = seg[:, 0].astype(np.int64), seg[:, 2].astype(np.int64), seg[:, 3].astype(np.int64)
    length = b1 - b0
    size_class = -np.floor(np.log(np.maximum(length, 1)) / np.log(1.25)).astype(np.int64)
    order = np.lexsort((b0, doc_of[a0], size_class, doc_of[b0])).tolist()
    ids = np.arange(int(doc_of.max()) + 1)
    starts, ends = np.searchsorted(doc_of, ids, "left").tolist(), np.searchsorted(doc_of, ids, "right").tolist()
    doc_b = doc_of[b0].tolist()
    keep = np.zeros(len(seg), dtype=bool)
    covered, doc, base = bytearray(), -1, 0
    for i in order:
        if doc_b[i] != doc:
            doc = doc_b[i]
            base = starts[doc]
            covered = bytearray(ends[doc] - base)
        lo, hi = int(b0[i]) - base, int(b1[i]) - base
        if covered[lo:hi].count(1) * 2 <= hi - lo:
            keep[i] = True
            covered[lo:hi] = b"\x01" * (hi - lo)
    return seg[keep]


def _outside_longer(seg: np.ndarray, doc_of: np.ndarray) -> np.ndarray:
    """Drop passages whose later-document span lies inside a longer passage of the same document (a fragment of it)."""
    if not len(seg):
        return seg
    b0, b1 = seg[:, 2].astype(np.int64), seg[:, 3].astype(np.int64)
    order = np.lexsort((-(b1 - b0), b0, doc_of[b0]))
    keep = np.zeros(len(seg), dtype=bool)
    reach, doc = -1, -1
    doc_b, ends = doc_of[b0].tolist(), b1.tolist()
    for i in order.tolist():
        if doc_b[i] != doc:
            doc, reach = doc_b[i], -1
        if ends[i] > reach:
            keep[i] = True
            reach = ends[i]
    return seg[keep]


def _passage_table(paras: pd.DataFrame, para_of: np.ndarray, pos_of: np.ndarray, doc_of: np.ndarray,
                   seg: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """Passages as rows: both locations (offsets into the documents' text), length, similarity, documents, texts."""
    texts, starts = paras["text"].astype(str).tolist(), paras["start"].to_numpy(dtype=np.int64)
    ints = seg[:, :4].astype(np.int64)
    frame: dict[str, object] = {}
    for side, (s, e) in (("a", (ints[:, 0], ints[:, 1])), ("b", (ints[:, 2], ints[:, 3]))):
        p0, p1, lo, hi = para_of[s], para_of[e - 1], pos_of[s], pos_of[e - 1] + 1
        frame |= {f"doc_id_{side}": paras["doc_id"].to_numpy()[p0], f"para_no_{side}": paras["para_no"].to_numpy()[p0],
                  f"start_{side}": starts[p0] + lo, f"end_{side}": starts[p1] + hi,
                  f"text_{side}": [_span_text(texts, *x) for x in zip(p0.tolist(), lo.tolist(), p1.tolist(), hi.tolist())]}  # fmt: skip
    la, lb = ints[:, 1] - ints[:, 0], ints[:, 3] - ints[:, 2]
    frame["chars"] = np.minimum(la, lb)
    frame["similarity"] = np.minimum(np.round(2 * seg[:, 4] / (la + lb), 3), 1.0)
    frame["n_docs"] = np.round(seg[:, 5]).astype(np.int64)
    out = pd.DataFrame(frame, columns=PASSAGE_COLUMNS)
    out["_rank"] = doc_of[ints[:, 2]]
    return out.sort_values(["_rank", "start_b", "start_a"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def _span_text(texts: list[str], p0: int, lo: int, p1: int, hi: int) -> str:
    """The text from offset ``lo`` of paragraph ``p0`` to offset ``hi`` of paragraph ``p1``, paragraphs joined by a line break."""
    if p0 == p1:
        return texts[p0][lo:hi]
    return "\n".join([texts[p0][lo:], *texts[p0 + 1 : p1], texts[p1][:hi]])


# --------------------------------------------------------------------------- diffusion


def doc_order(docs: pd.DataFrame, date_column: str = "date") -> list[str]:
    """Document ids by date (ISO strings such as 2021 or 2022-07-26 sort in time order), undated last, then by id.

    >>> doc_order(pd.DataFrame({"doc_id": ["a", "b", "c"], "date": ["2024", None, "2021-05"]}))
    ['c', 'a', 'b']
    """
    dates = docs[date_column] if date_column in docs.columns else pd.Series(pd.NA, index=docs.index)
    keyed = pd.DataFrame({"doc_id": docs["doc_id"].astype(str), "date": dates.astype("string")})
    keyed = keyed.assign(undated=keyed["date"].isna() | (keyed["date"].str.strip() == ""))
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
              date_column: str = "date") -> pd.DataFrame:
    """Per item of ``column``: how many documents use it, the first in ``order`` (with its date) and the rest; ``shared`` or ``local``."""
    cols = ["item", "n_docs", "count", "status", "first_doc", "first_date", "first_para_no", "first_start", "docs"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    rank = {d: i for i, d in enumerate(order)}
    dates = docs.set_index("doc_id")[date_column].to_dict() if docs is not None and date_column in docs.columns else {}
    rows = []
    for item, part in table.groupby(column, sort=False):
        users = sorted(set(part["doc_id"]), key=lambda d: rank.get(d, len(rank)))
        first = part[part["doc_id"] == users[0]].sort_values("start").iloc[0]
        rows.append({"item": item, "n_docs": len(users), "count": len(part), "status": "shared" if len(users) > 1 else "local",
                     "first_doc": users[0], "first_date": dates.get(users[0], pd.NA), "first_para_no": int(first["para_no"]),
                     "first_start": int(first["start"]), "docs": ", ".join(users)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["n_docs", "count", "item"], ascending=[False, False, True], kind="stable").reset_index(drop=True)

