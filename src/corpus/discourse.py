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
- Digit and letter models (1+X, 5+2, 6+N) are *models*, listed by :func:`models` only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

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
                   "similarity", "text_a", "text_b"]  # fmt: skip

#: Unit → kind of quantity, for charts of what each document chooses to quantify.
UNIT_KINDS = {
    "percent": ("%", "％", "‰", "个百分点", "百分点"),
    "money": ("元",),
    "people": ("人", "名", "人次", "户"),
    "cases": ("起", "件", "宗"),
    "events": ("次", "场", "期", "批", "批次"),
    "measures": ("项", "条", "种", "篇"),
    "units": ("个", "家", "所", "支", "处", "块", "辆", "顶"),
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
    """Numbered formulae (三会一课, 五个坚持, “四风”, 双提升) with numbers, head, offsets and spelled-out members.

    ``form`` is the detector's form (multi, counted, bare, head_first); ``numbers`` the
    numerals as written, joined by '/'; ``total`` their sum; ``members`` the items the same
    paragraph spells out (see :func:`formula_members`), joined by '；'. A formula inside a
    longer one (一改两为 in 一改两为五做到) is not listed again; numeric models (5+2) are in
    :func:`models` only.
    """
    rows = []
    for doc_id, para_no, offset, text in _rows(_paragraphs(units)):
        for m in iter_formulae(text):
            nums = formula_numbers(m.group())
            values = [cn_int(n.replace("双", "两")) or 0 for n in nums]
            members = formula_members(text, m.start(), m.end(), values)
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start(), "end": offset + m.end(),
                         "surface": m.group(), "form": m.lastgroup, "numbers": "/".join(nums), "total": sum(values),
                         "head": formula_head(m.group()), "quoted": _quoted(text, m.start(), m.end()),
                         "members": "；".join(members), "n_members": len(members)})  # fmt: skip
    return pd.DataFrame(rows, columns=FORMULA_COLUMNS)


def _quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] in ("“", "‘") and text[end : end + 1] in ("”", "’")


_LIST_VERBS = ("形成|实行|建立|健全|开设|推行|围绕|通过|实施|实现|开展|坚持|落实|包括|按照|聚焦|构建|打造|完善|制定|"
               "明确|强化|推进|做到|整合|优化|保持|组织|涵盖|突出|深化|紧盯|依托")  # fmt: skip
_LEAD_VERB = re.compile(rf"^.*(?:{_LIST_VERBS})(?=.)")


def formula_members(text: str, start: int, end: int, numbers: list[int]) -> list[str]:
    """The items a formula at ``[start, end)`` of a paragraph counts, where the paragraph spells them out.

    Tried in order: a list ending right before it (清查、检查、督查“三查”), one after ，即 or a
    colon, the list in the next clause of the same sentence, and for a formula opening the
    paragraph (“三抓”强基础。) the first list of the next sentence. A list counts when it has as
    many items as the formula's number (the sum of a multi-part formula's numbers, or for
    四位一体 its first); 一X一Y formulae and formulae that are themselves list items have none.

    >>> formula_members("严格落实清查、检查、督查“三查”工作机制", 13, 15, [3])
    ['清查', '检查', '督查']
    """
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
    and letter models (5+2, 6+N). ``restored`` is True where the cleaning restored the plus
    sign (known when ``units`` are, or ``docs`` gives, documents loaded by
    :func:`corpus.load_corpus`; otherwise <NA>).
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
                         "numeric": any(re.fullmatch(r"[0-9A-Za-z]{1,3}", p) for p in parts),
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
_LEAD_WORDS = re.compile(r"^(?:[、，和及并且]|累计|共计|共|先后|已|还|其中|同时|全年|今年以来|目前|近\d+年来|\d{4}年(?:以来)?)+")
_TRAIL_WORDS = re.compile(r"(?:分别|均|同比(?:去年|上年)?|环比|较\d{4}年|达到|达|为|超过|超|不到|不足|近|约|逾|累计|共计|共|了|的|等)+$")


def claims(units: pd.DataFrame) -> pd.DataFrame:
    """Quantitative claims: number, unit, kind, qualifier, direction (同比上升, 较2021年上升), what is measured, the sentence.

    A claim is a number with a unit the text asserts about its subject's work (25.8%,
    13.8亿元, 4900余场, 23个月), a Chinese-numeral count of people (一名副局长) or a zero
    outcome (零发案). ``surface`` is number, 余/多 and unit as written; ``value`` the number
    times its scale (万, 亿). See the module docstring for what is a formula instead.
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
    if "zero" in m.re.groupindex:
        subject = _measured_before(clause.strip("“‘”’"))
        return {"surface": m.group(), "number": "零", "value": 0.0, "unit": "", "kind": "zero", "qualifier": "",
                "direction": "", "measured": subject, "_subject": subject}  # fmt: skip
    number, scale = m.group("number"), m.group("scale") or m.group("scale2") or ""
    kind = _KIND_OF_UNIT.get(m.group("unit"), "other")
    item = clause.split("、")[-1]
    subject = _measured_before(item)
    if prev is not None and not re.search(r"[，。；：！？、]", between):  # 4个方面12项: the same subject
        subject = prev["_subject"]
    if not subject and (joined or "分别" in clause):
        subject = _distributed(previous) if kind == "percent" else ""
    counted = "" if kind in ("percent", "money", "duration") else _measured_after(sentence[m.end() :])
    return {"surface": m.group(), "number": number,
            "value": round(_value(number) * {"": 1, "百": 100, "千": 1e3, "万": 1e4, "亿": 1e8}[scale], 6),
            "unit": scale + m.group("unit") + (m.group("alt") or ""), "kind": kind,
            "qualifier": m.group("approx") or (q.group(1) if (q := _QUALIFIER_BEFORE.search(before)) else ""),
            "direction": _direction(item) or (prev["direction"] if joined and prev else ""),
            "measured": (subject + counted)[-30:], "_subject": subject}  # fmt: skip


def _direction(clause: str) -> str:
    """The comparison and direction word right before a number: 同比上升, 较2021年上升, 上升, or ''."""
    verb = _DIRECTION.search(re.sub(r"[超近约逾]$|不到$", "", clause))
    if not verb:
        return ""
    comparison = _COMPARISON.search(clause)
    return (comparison.group() if comparison else "") + verb.group(1)


def _measured_before(clause: str) -> str:
    """What a number measures, read from the words before it (破案率, 避免群众损失)."""
    text = re.sub(r"《[^《》]*》|^[^《]*》", "", _COMPARISON.sub("", clause))  # titles name, they do not measure
    text = re.sub(_DIRECTION.pattern, "", text)
    text = _TRAIL_WORDS.sub("", _LEAD_WORDS.sub("", text.strip()))
    return text[-24:]


def _measured_after(rest: str) -> str:
    """The noun a count counts, read from the words after it (14支党员先锋队 → 党员先锋队)."""
    m = re.match(rf"的?((?:(?!的)[{CJK}A-Za-z“”]){{1,8}})", rest)
    return m.group(1) if m else ""


def _distributed(previous: list[dict]) -> str:
    """For 分别 (A…、B…，同比分别上升x%、y%): the measure of the earlier claim in the same place of the list."""
    own = [p for p in previous if p["kind"] != "percent"]
    already = sum(1 for p in previous if p["kind"] == "percent")
    return own[already]["_subject"] if already < len(own) else ""


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
    shingle: int = 8,
    max_gap: int = 3,
    min_similarity: float = 0.9,
    max_docs: int | None = 100,
) -> pd.DataFrame:
    """Passages of at least ``min_chars`` characters shared verbatim or nearly by two documents, both locations given.

    Seed and extend, as text-reuse detectors do: every ``shingle``-character window of each
    paragraph (punctuation and spaces ignored, so 、 against ， does not break a match) is
    hashed; windows whose hash two documents share are chained along each pair of
    paragraphs, bridging gaps of up to ``max_gap`` differing characters. ``chars`` counts
    the passage's characters without punctuation; ``similarity`` is difflib's ratio of the
    two passages (rows below ``min_similarity`` are dropped). Windows found in more than
    ``max_docs`` documents are stock phrases and seed nothing (None: no limit). Cost grows
    with the corpus's characters and the amount of text shared, not with its pairs of documents.
    """
    paras = _paragraphs(units).reset_index(drop=True)
    shingle = max(2, min(shingle, min_chars))
    codes, para_of, pos_of = _skeleton(paras["text"].astype(str).tolist())
    doc_codes, _ = pd.factorize(paras["doc_id"])
    seeds = _shared_seeds(codes, para_of, doc_codes, shingle, max_docs)
    if seeds is None:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    skeleton = codes.astype(np.uint32).tobytes().decode("utf-32-le")
    seg = _extend(_chain(seeds, para_of, shingle, max_gap), skeleton, para_of.tolist(), max_gap)
    seg = seg[np.minimum(seg[:, 1] - seg[:, 0], seg[:, 3] - seg[:, 2]) >= min_chars]
    table = _passage_table(paras, skeleton, para_of, pos_of, seg)
    return table[table["similarity"] >= min_similarity].reset_index(drop=True)


def _skeleton(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ideographs, letters and digits of all paragraphs as code points, with their paragraph and offset."""
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    para = np.cumsum(codes == 0)
    starts = np.concatenate([[0], np.flatnonzero(codes == 0) + 1])
    pos = np.arange(len(codes)) - starts[para]
    keep = (
        ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF)) | ((codes >= 0x20000) & (codes <= 0x2EBEF))
        | ((codes >= 48) & (codes <= 57)) | ((codes >= 65) & (codes <= 90)) | ((codes >= 97) & (codes <= 122))
        | ((codes >= 0xFF10) & (codes <= 0xFF5A))
    )  # fmt: skip
    return codes[keep], para[keep], pos[keep]


def _shared_seeds(codes: np.ndarray, para_of: np.ndarray, doc_codes: np.ndarray, k: int, max_docs: int | None) -> np.ndarray | None:
    """Pairs (i, j) of skeleton positions in different documents whose k-character windows are equal."""
    n = len(codes) - k + 1
    if n <= 0:
        return None
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            hashes = hashes * np.uint64(1_000_003) + codes[j : j + n].astype(np.uint64)
    valid = np.flatnonzero(para_of[:n] == para_of[k - 1 : k - 1 + n])
    doc = doc_codes[para_of[valid]]
    order = np.lexsort((doc, hashes[valid]))
    idx, h, d = valid[order], hashes[valid][order], doc[order]
    group = np.concatenate([[0], np.cumsum(h[1:] != h[:-1])])
    first_doc = np.concatenate([[True], (h[1:] != h[:-1]) | (d[1:] != d[:-1])])
    n_docs = np.bincount(group, weights=first_doc)[group]
    size = np.bincount(group)[group]
    keep = (n_docs >= 2) & (size <= 400) & (n_docs <= (max_docs if max_docs is not None else np.inf))
    idx, group, d = idx[keep], group[keep], d[keep]
    pairs = []
    for step in range(1, int(size[keep].max()) if keep.any() else 1):
        same = (group[step:] == group[:-step]) & (d[step:] != d[:-step])
        pairs.append(np.stack([idx[:-step][same], idx[step:][same]], axis=1))
    return np.concatenate(pairs) if pairs and sum(len(p) for p in pairs) else None


def _chain(seeds: np.ndarray, para_of: np.ndarray, k: int, max_gap: int) -> np.ndarray:
    """Seeds merged into passages (a0, a1, b0, b1) of skeleton positions, one row each."""
    a, b = seeds[:, 0], seeds[:, 1]
    n = int(para_of.size) + 1
    pair = para_of[a] * n + para_of[b]
    along = (b - a + n) * n + a  # diagonal, then position along it
    order = np.lexsort((along, pair))
    a, b, pair = a[order], b[order], pair[order]
    # Runs on one diagonal: consecutive seeds whose windows overlap or leave a gap of at most max_gap.
    same = (pair[1:] == pair[:-1]) & ((b - a)[1:] == (b - a)[:-1])
    first = np.flatnonzero(np.concatenate([[True], ~(same & (a[1:] - a[:-1] <= k + max_gap))]))
    a0, a1 = a[first], np.maximum.reduceat(a, first) + k
    b0, b1 = b[first], b[first] + (a1 - a0)
    pa, pb = para_of[a0], para_of[b0]
    order = np.lexsort((b0, a0, pb, pa))
    a0, a1, b0, b1, pa, pb = (x[order] for x in (a0, a1, b0, b1, pa, pb))
    return _bridge(a0.tolist(), a1.tolist(), b0.tolist(), b1.tolist(), pa.tolist(), pb.tolist(), k, max_gap)


def _bridge(a0: list, a1: list, b0: list, b1: list, pa: list, pb: list, k: int, max_gap: int) -> np.ndarray:
    """Merge diagonal runs of one pair of paragraphs that follow each other on both sides (insertions, deletions)."""
    merged: list[list[int]] = []
    last = [-1, -1, -1, -1, -1, -1]
    for x0, x1, y0, y1, p, q in zip(a0, a1, b0, b1, pa, pb):
        if p == last[4] and q == last[5] and -k <= x0 - last[1] <= max_gap and -k <= y0 - last[3] <= max_gap and y0 >= last[2]:
            last[1], last[3] = max(last[1], x1), max(last[3], y1)
        else:
            last = [x0, x1, y0, y1, p, q]
            merged.append(last)
    return np.array([m[:4] for m in merged], dtype=np.int64).reshape(-1, 4)


def _extend(seg: np.ndarray, skeleton: str, para_of: list[int], max_gap: int) -> np.ndarray:
    """Extend passages over substitutions of up to ``max_gap`` characters at their ends, within their paragraphs."""
    out = seg.copy()
    for row, (a0, a1, b0, b1) in enumerate(seg.tolist()):
        grow = _reach(skeleton, para_of, a1, b1, max_gap, 1)
        shrink = _reach(skeleton, para_of, a0 - 1, b0 - 1, max_gap, -1)
        out[row] = (a0 - shrink, a1 + grow, b0 - shrink, b1 + grow)
    return out


def _reach(skeleton: str, para_of: list[int], x: int, y: int, max_gap: int, step: int) -> int:
    """How far two texts keep matching from positions x and y in one direction (three matching characters resync a gap)."""
    n, pa, pb = len(skeleton), para_of[x - step], para_of[y - step]

    def same(i: int) -> bool:
        u, v = x + step * i, y + step * i
        return 0 <= u < n and 0 <= v < n and para_of[u] == pa and para_of[v] == pb and skeleton[u] == skeleton[v]

    i = good = 0
    while True:
        if same(i):
            i += 1
            good = i
            continue
        gap = next((g for g in range(1, max_gap + 1) if all(same(i + g + j) for j in range(3))), None)
        if gap is None:
            return good
        i += gap


def _passage_table(paras: pd.DataFrame, skeleton: str, para_of: np.ndarray, pos_of: np.ndarray, seg: np.ndarray) -> pd.DataFrame:
    """Passages as rows: both locations (offsets into the documents' text), length, similarity, texts."""
    texts, starts = paras["text"].astype(str).tolist(), paras["start"].to_numpy(dtype=np.int64)
    frame = {}
    for side, (s, e) in (("a", (seg[:, 0], seg[:, 1])), ("b", (seg[:, 2], seg[:, 3]))):
        para, lo, hi = para_of[s], pos_of[s], pos_of[e - 1] + 1
        frame |= {f"doc_id_{side}": paras["doc_id"].to_numpy()[para], f"para_no_{side}": paras["para_no"].to_numpy()[para],
                  f"start_{side}": starts[para] + lo, f"end_{side}": starts[para] + hi,
                  f"text_{side}": [texts[p][x:y] for p, x, y in zip(para.tolist(), lo.tolist(), hi.tolist())]}  # fmt: skip
    frame["chars"] = np.minimum(seg[:, 1] - seg[:, 0], seg[:, 3] - seg[:, 2])
    frame["similarity"] = [_ratio(skeleton[a0:a1], skeleton[b0:b1]) for a0, a1, b0, b1 in seg.tolist()]
    out = pd.DataFrame(frame, columns=PASSAGE_COLUMNS)
    keys = ["doc_id_a", "para_no_a", "start_a", "doc_id_b", "para_no_b", "start_b"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _ratio(a: str, b: str) -> float:
    return 1.0 if a == b else round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 3)


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


def usage_matrix(table: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    """Documents (rows, in ``order``) × items of ``column`` (by first use in that order): occurrence counts."""
    if table.empty:
        return pd.DataFrame(index=pd.Index(order, name="doc_id"))
    counts = pd.crosstab(table["doc_id"], table[column]).reindex(order, fill_value=0)
    first = {c: next(i for i, v in enumerate(counts[c]) if v) for c in counts.columns}
    cols = sorted(counts.columns, key=lambda c: (first[c], -(counts[c] > 0).sum(), str(c)))
    return counts[cols].rename_axis(index="doc_id", columns=column)


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

