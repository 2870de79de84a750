"""Quantitative claims: numbers with units a text asserts (25.8%, 13.8亿元, 4900余场), and what each measures.

Claims are read sentence by sentence from :func:`corpus.sentences`, and what a number
measures from the sentence's grammar, with the part-of-speech tags of the corpus's own
segmenter (its :class:`corpus.segment.TokenConfig`: engine, domain lexicon, user lexicons).
See :mod:`corpus.discourse` for what counts as a claim rather than a formula.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..patterns import (
    CJK,
    CN_DIGITS,
    CN_NUMERAL_CHARS,
    CN_SCALES,
    CN_VAGUE,
    chinese_numeral_value,
    cn_int,
    iter_formulae,
    iter_models,
    iter_numbers,
    iter_titles,
    iter_zero_counts,
)
from ..segment import TokenConfig, segmenter_for
from ..structure import SENTENCE_COLUMNS

CLAIM_COLUMNS = ["doc_id", "para_no", "sent_no", "start", "end", "surface", "number", "value", "unit", "kind", "qualifier",
                 "direction", "measured", "sentence"]  # fmt: skip

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

_COMPARISON = re.compile(r"同比(?:去年|上年)?|环比|较(?:\d{4}年|上年|去年|同期|上年同期|年初)|比(?:\d{4}年|上年|去年)(?:同期)?")
_DIRECTION = re.compile(r"(上升|下降|增长|增加|减少|降低|提升|提高|回落|攀升|下滑|增幅|降幅)(?:了|分别|均|达|为)*$")
_QUALIFIER_BEFORE = re.compile(r"(超过|超|不到|不足|近|约|逾|将近|接近)$")
_THRESHOLD_BEFORE = re.compile(r"(未达|不低于|不少于|不超过|不高于|低于|高于|达不到)$")
_CODE_BEFORE = re.compile(r"[A-Za-z0-9.．€$£¥#＃/_\-—]$")
_ARTICLE_BEFORE = re.compile(r"(作为|成为|是|为|每|无|任何|第|当|做)$")


#: A tagger: words of a text with their part-of-speech tags.
Tagger = Callable[[str], list[tuple[str, str]]]


def claims(sentences: pd.DataFrame, *, config: TokenConfig) -> pd.DataFrame:
    """Quantitative claims: number, unit, kind, qualifier, direction (同比上升, 较2022年上升), what is measured, the sentence.

    A claim is a number with a unit the text asserts about its subject's work (12.6%,
    3.2亿元, 1200余起, 23个月), a Chinese-numeral count of people (一名副主任) or a zero
    outcome (零发案). ``surface`` is number, 余/多 and unit as written; ``value`` the number
    times its scale (万, 亿). See :mod:`corpus.discourse` for what is a formula instead.
    ``measured`` is what the number quantifies, read from the sentence's grammar (the noun a
    count counts, the indicator a direction word applies to, the object of the verb before an
    amount; the rules are listed above ``_reading`` in this module): 组建17支志愿服务队 → 志愿服务队,
    破案率较2022年上升12.6% → 破案率, 挽回群众经济损失3.2亿元 → 群众经济损失.

    ``sentences`` is the table :func:`corpus.sentences` gives (``doc_id``, ``para_no``,
    ``sent_no``, ``start``, ``end``, ``text``); each claim cites its sentence by ``doc_id``,
    ``para_no`` and ``sent_no``, and its ``start``/``end`` are offsets into the document's
    ``text``. ``config`` is the corpus's token configuration: its segmenter and lexicons tag
    the words ``measured`` is read from.
    """
    missing = [c for c in SENTENCE_COLUMNS if c not in sentences.columns]
    if missing:
        raise ValueError(f"`sentences` lacks the columns {missing}: pass the sentence table, "
                         "corpus.sentences(paragraphs)")  # fmt: skip
    tag = _tagger(config)
    rows = []
    keys = zip(sentences["doc_id"], sentences["para_no"], sentences["sent_no"], sentences["start"], sentences["text"])
    for (doc_id, para_no), group in _by_paragraph(keys):
        base = group[0][1]
        taken = _named_spans(_paragraph_text(group))
        for sent_no, start, text in group:
            rows += [dict(r, doc_id=doc_id, para_no=para_no, sent_no=sent_no, start=base + r["start"], end=base + r["end"])
                     for r in _sentence_claims(text, start - base, taken, tag)]  # fmt: skip
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _by_paragraph(rows: Iterator[tuple]) -> Iterator[tuple[tuple[str, int], list[tuple[int, int, str]]]]:
    """The sentences of each paragraph in turn: (doc_id, para_no) and its (sent_no, start, text), as written."""
    key, group = None, []
    for doc_id, para_no, sent_no, start, text in rows:
        if (str(doc_id), int(para_no)) != key:
            if group:
                yield key, group
            key, group = (str(doc_id), int(para_no)), []
        group.append((int(sent_no), int(start), str(text)))
    if group:
        yield key, group


def _paragraph_text(group: list[tuple[int, int, str]]) -> str:
    """A paragraph rebuilt from its sentences (spaces where the splitter dropped blank stretches between them).

    Formulae, models and titles are found in the whole paragraph, as they were written: a
    formula's context reaches across a sentence end (八项规定 after 。 is a formula, at the
    start of a text the detector has no 。 to see).
    """
    base, pieces, pos = group[0][1], [], 0
    for _, start, text in group:
        pieces += [" " * (start - base - pos), text]
        pos = start - base + len(text)
    return "".join(pieces)


def _named_spans(text: str) -> list[tuple[int, int]]:
    """Spans of formulae, models and titles: numbers inside them are names, not claims."""
    finders: list[Callable[[str], Iterator[re.Match[str]]]] = [iter_formulae, iter_models, iter_titles]
    return [m.span() for finder in finders for m in finder(text)]


def _sentence_claims(sentence: str, base: int, taken: list[tuple[int, int]], tag: Tagger) -> list[dict]:
    found: list[dict] = []
    matches = sorted([*iter_numbers(sentence), *iter_zero_counts(sentence)], key=lambda m: m.start())
    for m in matches:
        start, end = base + m.start(), base + m.end()
        if any(a <= start < b for a, b in taken) or not _is_claim(sentence, m):
            continue
        row = _claim_row(sentence, m, found, tag)
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
        if not re.match(f"[{CN_DIGITS}]", number) or re.search(f"[{CN_VAGUE}{CN_NUMERAL_CHARS}]$", before):
            return False
        return bool(re.search(f"[{CN_SCALES}]", number) or (unit == "名" and not _ARTICLE_BEFORE.search(before)))
    if before.endswith("等") and m.group("approx") is None:  # 甲、乙、丙等3个方面: the count of a list just given
        listed = re.split(r"[，。；：]", before[:-1])[-1].split("、")
        return len(listed) < 2 or cn_int(number) != len(listed)
    return True


def _claim_row(sentence: str, m: re.Match[str], previous: list[dict], tag: Tagger) -> dict:
    before = sentence[: m.start()]
    clause = re.split(r"[，。；：！？]", before)[-1]
    prev = previous[-1] if previous else None
    between = sentence[prev["_span"][1] : m.start()] if prev else "，"
    joined = re.fullmatch(r"[、和及]", between) is not None  # 53.9%、32.3%: same direction, next measure
    item = clause.split("、")[-1]
    if "zero" in m.re.groupindex:
        reading = _reading(sentence, m.start(), m.end(), "zero", previous, tag)
        return {"surface": m.group(), "number": "零", "value": 0.0, "unit": "", "kind": "zero", "qualifier": "",
                "direction": "", "measured": reading.text, "_reading": reading}  # fmt: skip
    number, scale = m.group("number"), m.group("scale") or m.group("scale2") or ""
    kind = _KIND_OF_UNIT.get(m.group("unit"), "other")
    reading = _reading(sentence, m.start(), m.end(), kind, previous, tag)
    return {"surface": m.group(), "number": number,
            "value": round(chinese_numeral_value(number) * {"": 1, "百": 100, "千": 1e3, "万": 1e4, "亿": 1e8}[scale], 6),
            "unit": scale + m.group("unit") + (m.group("alt") or ""), "kind": kind,
            "qualifier": m.group("approx") or (q.group(1) if (q := _QUALIFIER_BEFORE.search(before)) else ""),
            "direction": _direction(item) or (prev["direction"] if joined and prev else ""),
            "measured": reading.text, "_reading": reading}  # fmt: skip


def _direction(clause: str) -> str:
    """The comparison and direction word right before a number: 同比上升, 较2022年上升, 上升, or ''."""
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
#   the counted noun after a count:      组建17支志愿服务队, 12个集体、35名个人受到表彰, 对1.8万余起违法停车
#     with a possessor right before it:  全市政务大厅320个窗口, 将民生实事25个项目
#     or the noun after 的:              3次覆盖所有村（社区）的安全检查, 120支860人的志愿巡逻队
#   the action an event count counts:    先后5次召开专题会议
#   the noun phrase before the number:   挽回群众经济损失3.2亿元, 新建成综治中心12个, 群众满意率达97.2%
#     (the object of the verb, the subject of 达/为, or the indicator of a direction word; the
#     words between it and the number — comparisons, direction words, 分别, 累计, 超, 不到 — are
#     skipped); a nominalised verb can head an indicator (居民消费支出同比增长6.1%);
#   a duration: its subject and the predicate that lasted (火灾事故连续18个月保持…“零死亡”).

_SKIPPED_WORDS = frozenset(
    "同比 环比 分别 分别为 均 都 共计 累计 合计 总计 共 达到 达 为 至 降至 升至 增至 上升 下降 增长 增加 减少 降低 提升 提高 回落 "
    "攀升 下滑 增幅 降幅 超过 超 不到 不足 近 约 逾 将近 接近 日均 月均 年均 平均 人均 先后 已 已经 连续 持续 长达 了 等 去年 上年 "
    "同期 较 比 以上 以来".split()
)
_CLAUSE_END = "，。；：！？,;:!?"
_OPENERS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "「": "」"}
_MODIFIER_PREFIX = ("被", "不", "未", "非")  # 被困群众, 不合格产品: a verb that modifies the noun after it
_ATTRIBUTIVE = frozenset("相关 有关 所属 下属".split())
_EVENT_KINDS = ("events",)


#: One-character suffixes that make a measure of a verb or noun (破案率, 播放量, 人数, 金额).
_MEASURE_SUFFIXES = "率量数额值"


@dataclass(frozen=True)
class _Reading:
    """What a claim measures, as read from its sentence: the phrase and its words with their tags."""

    text: str = ""
    words: tuple[tuple[str, str], ...] = ()


def _tagged(text: str, tag: Tagger) -> list[tuple[str, str]]:
    """Words of ``text`` with jieba POS tags; a quotation or bracket of up to 12 characters is one noun ('Q')."""
    if not text:
        return []
    words = tag(text)
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


@lru_cache(maxsize=8)
def _tagger(config: TokenConfig) -> Tagger:
    """Words with jieba POS tags from the segmenter of ``config`` (its engine, lexicons and HMM setting), built once."""
    seg = segmenter_for(config)
    if config.segmenter == "rjieba":
        return lambda text: [(w, t) for w, t in seg.tag(text, config.hmm)]
    import jieba.posseg

    tagger = jieba.posseg.POSTokenizer(seg)
    return lambda text: [(p.word, p.flag) for p in tagger.cut(text, HMM=config.hmm)]


def _nominal(word: str, tag: str) -> bool:
    """A word that can be part of a noun phrase: nouns, nominal verbs, distinguishing words, quoted terms, domain terms."""
    if tag == "m":  # 一线, 十类, 四轮: numeral words, not bare numbers
        return bool(re.search(f"[{CJK}]", word)) and not re.fullmatch(f"[{CN_NUMERAL_CHARS}{CN_VAGUE}]+", word)
    return tag in ("", "Q", "vn", "an", "j", "l", "b", "s", "eng", "ng", "vg", "ag") or tag.startswith("n")


def _verb(tag: str) -> bool:
    return tag.startswith("v") and tag != "vn"


def _phrase_before(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The noun phrase that ends ``words``, walking back from its head.

    The head (the last word) may be any noun or verb (jieba tags 组织, 做法, 举措 as verbs; 立案,
    破案 head indicators); before it come nouns, distinguishing words and adjectives, a counter
    between nouns (诈骗类案件), a verb after 被/不/未 (被困群众, 不合格产品), a verb before a
    measure (播放量, 满意率, 死亡人数, 涉案金额), 的 between nouns, and coordination with 、/和/及.
    A nominal verb or set phrase (vn, l) continues the phrase after a noun or a verb (政务窗口服务,
    抓获犯罪嫌疑人); at the start of a clause it governs the phrase (发动志愿者, 依法查处违法行为).
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
            break  # 发动志愿者, 依法查处违法行为: it governs the phrase (but 抓获犯罪嫌疑人, 政务窗口服务, 信访总量)
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


#: Words that end a noun phrase read forward: the predicate starts (新招录人员全部充实…, 两个部门共同组建…).
_PREDICATE_OPENERS = frozenset("全部 全体 均 都 各自 分别 共同 一起 全面 已 先后 累计 主要 正在 也 还 又".split())


def _phrase_after(words: list[tuple[str, str]], *, verb_head: bool = False) -> list[tuple[str, str]]:
    """The noun phrase that opens ``words`` (the noun a count counts).

    Nouns, a code before them (12345热线工单), an attributive verb first (必读书目), 被 + verb
    (被困人员), 、-coordination of nouns (教师、医生), a quotation first or between nouns; a
    final verb heads it only where a count is all it follows (6项举措), an event is counted
    (``verb_head``: 3次省级表彰) or a list continues (、). The phrase ends where the predicate
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
        if t == "Q" and out and not _nominal(*nxt):  # 违法停车“首违不罚”: a quoted predicate
            break
        if _nominal(w, t) or (not out and t == "m" and w.isdigit() and _nominal(*nxt)):
            out.append((w, t))
        elif w == "被" and i + 2 < len(words) and _nominal(*words[i + 2]):
            out += [(w, t), nxt]
            i += 1
        elif t.startswith("v") and w.startswith(_MODIFIER_PREFIX) and _nominal(*nxt):
            out.append((w, t))
        elif (t.startswith("v") and not out and (_nominal(*nxt) or end)) or (t == "a" and not out and _nominal(*nxt)):
            out.append((w, t))  # 8种必读书目, 6项举措, 35名被困群众
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

    Where the segmenter glued one of them to a one-character measure suffix (满意率达 → 率达),
    the suffix stays (率).
    """
    n = len(words)
    while words and (words[-1][0] in _SKIPPED_WORDS or re.fullmatch(r"\d{4}|年|较|比|[“‘（(]", words[-1][0])):
        words = words[:-1]
    if words and len(words[-1][0]) > 1 and words[-1][0][0] in _MEASURE_SUFFIXES and words[-1][0][1:] in _SKIPPED_WORDS:
        return words[:-1] + [(words[-1][0][0], "ng")], True
    return words, len(words) != n


def _reading(sentence: str, start: int, end: int, kind: str, previous: list[dict], tag: Tagger) -> _Reading:
    """What the claim at ``sentence[start:end]`` measures (see the rules above)."""
    prev = previous[-1] if previous else None
    floor = prev["_span"][1] if prev else 0
    clause_start = max(floor, *(sentence.rfind(p, 0, start) + 1 for p in _CLAUSE_END))
    # A count right after another's noun (5个方面20项…): that noun is not this one's possessor.
    after_prev = prev is not None and clause_start == floor and "、" not in sentence[floor:start]
    if prev is not None and clause_start == floor:  # 32项具体措施、试点单位3项: this item only
        clause_start = max(clause_start, sentence.rfind("、", floor, start) + 1)
    words, stripped = _strip_between(_tagged(sentence[clause_start:start], tag))
    before = _phrase_before(words)
    subject = _text(before)
    after_words = _tagged(_after_region(sentence, end), tag)
    if kind == "duration":  # 火灾事故连续18个月保持…: the subject and what lasted
        return _Reading((subject + _text(after_words))[-30:], tuple(before))
    if kind in ("percent", "money", "zero"):
        phrase = before
        if kind == "money" and not phrase:
            phrase = _phrase_after(after_words)
        if kind == "percent" and not phrase and previous:  # 同比分别上升12.4%、9.6%
            return _Reading(_distributed(previous))
        elided = len(phrase) == 1 and _verb(phrase[0][1]) and sentence[floor:start].startswith("、")
        if kind == "percent" and elided and prev is not None:  # 治安案件受理上升6.1%、查处上升9.3%
            phrase = list(prev["_reading"].words[:-1]) + phrase
        return _Reading(_text(phrase)[-30:], tuple(phrase))
    counted = _phrase_after(_after_relative(after_words), verb_head=kind in _EVENT_KINDS)
    if counted:
        # A possessor is a noun phrase right before the count (全市政务大厅320个窗口), not a verb's object.
        owned = before and not (stripped or after_prev) and _nominal(*before[-1]) and not before[0][1].startswith("v")
        possessor = before if owned else []
        return _Reading(_text(possessor + counted)[-30:], tuple(possessor + counted))
    if kind in _EVENT_KINDS and after_words and _verb(after_words[0][1]):  # 5次召开专题会议
        return _Reading(_text(after_words)[:16], tuple(after_words))
    return _Reading(subject[-30:], tuple(before))


def _after_region(sentence: str, end: int) -> str:
    """The words after a number up to the clause end or the next number, skipping a number that qualifies the same noun (120支860人的…)."""
    rest = sentence[end:]
    lead = next(iter_numbers(rest), None)
    if lead is not None and lead.start() == 0:
        rest = rest[lead.end() :]
    stop = min([len(rest)] + [rest.find(p) for p in _CLAUSE_END if p in rest] + [n.start() for n in iter_numbers(rest)][:1])
    return rest[:stop]


def _after_relative(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For a count followed by a relative clause (3次覆盖所有村（社区）的安全检查, 860人的志愿巡逻队): the words after its last 的."""
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
