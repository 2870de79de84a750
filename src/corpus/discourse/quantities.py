"""Quantitative claims: numbers with units a text asserts (百分之十二点一, 47.3万亿元, 300余个), and what each measures.

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
    NUMBER,
    SCALE,
    SCALES,
    UNIT_WORDS,
    cn_int,
    iter_formulae,
    iter_models,
    iter_numbers,
    iter_titles,
    iter_zero_counts,
    number_value,
)
from ..segment import TokenConfig, segmenter_for
from ..structure import SENTENCE_COLUMNS

CLAIM_COLUMNS = ["doc_id", "para_no", "sent_no", "start", "end", "surface", "number", "value", "unit", "value_unit", "low",
                 "high", "kind", "qualifier", "direction", "change", "measured", "sentence"]  # fmt: skip

#: The direction words before a number (:data:`_DIRECTION`), and those of them that state a fall.
_DIRECTION_WORDS = ("负增长", "上升", "下降", "增长", "增加", "减少", "降低", "提升", "提高", "回落", "回升", "攀升", "下滑",
                    "上涨", "下跌", "上调", "下调", "增幅", "降幅", "扩大", "缩小", "缩减", "压缩", "加快", "放缓", "收窄", "裁减",
                    "削减", "压减", "裁军", "涨幅", "跌幅")  # fmt: skip
_FALL_WORDS = frozenset({"下降", "减少", "降低", "回落", "下滑", "下跌", "下调", "缩小", "缩减", "压缩", "压减", "削减", "裁减",
                         "裁军", "降幅", "跌幅", "收窄", "放缓", "负增长"})  # fmt: skip
#: A rise and a fall in a claim's ``direction`` (比上年提高, 同比下降, 翻两番, 裁减), read by :func:`change_of`.
_RISE = re.compile("|".join([w for w in _DIRECTION_WORDS if w not in _FALL_WORDS] + ["翻", "[升增涨]"]))
_FALL = re.compile("|".join([w for w in _DIRECTION_WORDS if w in _FALL_WORDS] + ["[降减跌]"]))


def change_of(direction: str) -> str:
    """The change a claim's ``direction`` states: "up", "down" or "" (a level or a count), so that 比二〇〇〇年翻番 and
    比二零零零年翻番, or 同比下降 and 较上年减少, are tabulated together.

    >>> [change_of(d) for d in ("比上年提高", "同比下降", "比二〇〇〇年翻番", "裁减", "")]
    ['up', 'down', 'up', 'down', '']
    """
    return "down" if _FALL.search(direction or "") else "up" if _RISE.search(direction or "") else ""


#: Unit → kind of quantity, for charts of what each document chooses to quantify.
UNIT_KINDS = {
    "percent": ("%", "％", "‰", "个百分点", "个多百分点", "百分点", "百分之", "千分之", "成", "分之", "/", "／", "半"),
    "money": ("元", "美元", "欧元", "港元", "港币", "日元"),
    "people": ("人", "名", "人次", "户", "人口"),
    "cases": ("起", "件", "宗", "件次"),
    "events": ("次", "场", "场次", "期", "批", "批次", "轮", "支次", "笔"),
    "measures": ("项", "条", "种", "篇"),
    "units": ("个", "家", "所", "支", "处", "块", "辆", "顶", "套", "份", "台", "张", "座", "艘", "头", "只", "册", "标箱"),
    "mass": ("吨", "公斤", "千克", "克", "斤"),
    "physical": ("公里", "平方公里", "千米", "米", "平方米", "立方米", "公顷", "亩"),
    "energy": ("千瓦时", "千瓦"),  # 千 is part of the unit here, never a scale: 29.2亿千瓦 is 2.92e9 千瓦
    "duration": ("个月", "个多月", "天", "小时", "分钟"),
    "age": ("岁",),
    "multiple": ("倍", "番"),
    "count": ("",),  # a large count without a counter (五千八百万党员): ``measured`` names what it counts
    "zero": ("",),  # 零事故: no number, no unit
}
_KIND_OF_UNIT = {u: k for k, units in UNIT_KINDS.items() if k != "zero" for u in units}
#: What ``value`` is counted in (the ``value_unit`` column), by kind: percentages in percentage points
#: (12.1% → 12.1, 3个百分点 → 3, 5‰ → 0.5, 三成 → 30), money in 元 (another currency in its own:
#: 5亿美元 → 500000000 美元), multiples as the factor of the end over the start (是…的3倍 → 3, 翻两番 → 4,
#: 增长一倍 → 2), masses in 吨 (一万二千亿斤 → 600000000); a count without a counter in what ``measured`` names (五千八百万党员 → 58000000, ''); any
#: other kind in its unit without scale (3.6万户 → 36000 户, 12万人次 → 120000 人次; 千米 as 公里: 2100千米 → 2100 公里).
BASE_UNITS = {"percent": "%", "money": "元", "mass": "吨", "multiple": "倍", "count": "", "zero": ""}
#: Units whose value is a multiple of the number: per mille and 成 (tenths) in percentage points, masses in 吨.
_PER_UNIT = {"‰": 0.1, "千分之": 0.1, "成": 10, "公斤": 0.001, "千克": 0.001, "斤": 0.0005, "克": 0.000001}

#: A year written in digits or numerals (2021年, 二〇一〇年, 二0一0年, 一九八○年: scraped texts mix ○, 〇 and 0).
_YEAR = r"[\d零〇○Ｏ一二三四五六七八九]{4}年"
#: What a change is compared with: a year, the period before (上年, 上月, 上半年, 上季度), the start of the year.
_BASE_PERIOD = rf"(?:{_YEAR}|[上去前]年|上半年|上[个]?月|上[个]?季度|年初|同期)(?:同期)?"
_COMPARISON = re.compile(rf"同比(?:去年|上年)?|环比|[较比]{_BASE_PERIOD}")
_DIRECTION = re.compile(rf"({'|'.join(_DIRECTION_WORDS)}|[升降增减涨跌](?=[到至]))(?:了|分别|均|达|为|到|至)*$")
#: A year in the words before a number, with what ties it there (到二〇二〇年, 由一九八○年的, 二〇一一年): never part of a measure.
_ANY_YEAR = re.compile(rf"(?:[比较到至在从由]|同比)?{_YEAR}(?:底|末|初|前|以前|以来|同期)?的?")
#: Between the two ends of a change (从A增长到B, 由A增加到二〇〇〇年的B) and before its start.
_FROM_TO = re.compile(rf"[^，。；：！？]{{0,4}}[到至](?:{_YEAR}的?)?")
_FROM = re.compile(rf"[从由](?:{_YEAR}的?)?$")
#: The basis of a figure (按可比价格计算, 按常住人口统计, 以二〇二〇年价格计算): how it was computed, never what it measures.
_BASIS = re.compile(r"(?:按照?|以|依)[^，。；：！？、]{1,10}?(?:计算|测算|折算|核算|统计)")
#: A time without a year between an indicator and its number (比上年, 到本世纪末): dropped before reading.
_TIME_BETWEEN = re.compile(r"(?:即?[比较从由到至在])?(?:上年|去年|本世纪|上世纪)(?:底|末|初|同期)?的?$")
#: Numbers in words: percentages (百分之十二点一, 千分之三, 三成 — after a numeral only: 成为 and 完成 are
#: not counts), 翻一番, 翻两番 (the end value is 2ⁿ times the start), fractions (三分之一) and vague
#: numbers (十几亿, 几十万). Groups as :func:`corpus.patterns.iter_numbers`.
_NO_SCALE = "(?P<scale>)(?P<approx>)(?P<scale2>)(?P<alt>)"
_WORDED = (
    # 百分之八到九: a range whose high end carries no 百分之 of its own
    re.compile(rf"(?P<unit>百分之|千分之)(?P<number>{NUMBER})"
               rf"(?:(?P<sep>[到至－\-—–~～])(?!百分之|千分之)(?P<high>{NUMBER})(?![{CN_NUMERAL_CHARS}\d年月日号]))?{_NO_SCALE}"),
    re.compile(rf"(?<![{CN_NUMERAL_CHARS}\d.．])(?P<number>[一二三四五六七八九两]|十|10|[1-9])(?P<unit>成)"
               r"(?![为功立员果就本熟长绩效交型品批套分份年人事家才活千片串色不]|群(?!众))(?P<scale>)(?P<approx>)(?P<scale2>)(?P<alt>)"),
    re.compile(rf"翻了?(?P<number>[一两二三四五六七八九十]|\d+)?(?P<unit>番){_NO_SCALE}"),
    # 三分之一, 百分之 aside: a fraction, read as a percentage (33.33…)
    re.compile(rf"(?!百分之|千分之)(?P<number>(?P<den>{NUMBER})(?P<unit>分之)(?P<num>{NUMBER})){_NO_SCALE}"),
    # 2/3, 1／4: a proper fraction in digits, not a date (2021/3/5), a score or a code (checked in _is_claim)
    re.compile(rf"(?<![\d/／.．:：A-Za-z])(?P<number>(?P<num>\d{{1,3}})(?P<unit>[/／])(?P<den>\d{{1,3}}))(?![\d/／.．:：年月日号]|小时)"
               rf"{_NO_SCALE}"),
    # 半数, and 一半 where a bound says it is a share (一半以上, 超过一半; not 一半是…, "on the one hand")
    re.compile(r"(?P<number>(?<=超过|不到|不足|接近|将近)一|(?<=[超近约逾])一|一(?=半(?:以上|以下|左右))|(?=半数))(?P<unit>半)数?"
               rf"{_NO_SCALE}"),
    # Vague numbers: 十几亿, 十几个, 几十万, 数百万, 上百万 (the value of 十几 is 10, of 上百 100; of 几十 unknown)
    re.compile(rf"(?<![{CN_NUMERAL_CHARS}以])(?P<number>[{CN_DIGITS}]?十几|[几数][十百千万亿]|上[百千万亿])(?P<scale>{SCALE})(?P<approx>余|多)?"
               rf"(?P<scale2>{SCALE})(?P<unit>{UNIT_WORDS}|)(?P<alt>)"),
)
#: What each pattern of _WORDED needs in a sentence to match there.
_WORDED_TRIGGERS = tuple(re.compile(t) for t in ("分之", "成", "番", "分之", r"\d[/／]\d", "半", "[几数]|上[百千万亿]"))
#: A large count written without a counter (五千八百万党员, 减少了三千二百万, 3000万农民): a number with 万 or 亿
#: and no unit after it; a count only where it opens with a digit (not 千万 "by all means", 亿万 "myriad"), or
#: is 百万 alone, a million (裁军百万, 百万大军), which is never an adverb.
_BARE_COUNT = re.compile(rf"(?P<number>{NUMBER})(?P<scale>{SCALE})(?P<approx>余|多)?(?P<scale2>{SCALE})(?P<unit>)(?P<alt>)")
_BARE_COUNT_OPENING = re.compile(rf"[\d{CN_DIGITS}]")
_BOUND_AFTER = re.compile("以上|以下|左右|上下")
_BARE_COUNT_TRIGGER = re.compile("[万亿]|[百千](?:以上|以下|左右|上下)")
#: A unit word that is the first character of the noun after it: 十亿人民, 两千三百万台湾同胞, 五千万家庭 (a count of
#: 人民, 同胞, 家庭 without a counter), 三个条件 aside.
_UNIT_IN_WORD = re.compile("人[民士才类]|台湾|家[庭长]|名[义单]|户[口籍]|场所|条[件例]")
#: What may follow a count without a counter: a noun, a bound, the end of a clause; not an idiom (十万火急).
_BARE_COUNT_IDIOMS = re.compile(r"火急|分之|之一|之众|年|富翁|富豪|计")  # 数以百万计: "by the millions"
#: What joins the two ends of a range: 5%－6%, 5—6%, 百分之五到百分之六, 八千万至一亿人.
_RANGE_LEFT = re.compile(rf"(?:百分之|千分之)?(?P<number>{NUMBER})(?P<scale>{SCALE})(?P<approx>余|多)?(?P<scale2>{SCALE})"
                         rf"(?P<unit>%|％|‰|[{CJK}]{{0,3}}?)\s*(?P<sep>[－\-—–~～至到])\s*$")  # fmt: skip
_QUALIFIER_BEFORE = re.compile(r"(超过|超|不到|不足|近|约|逾|将近|接近|突破)$")
#: A bound or approximation written after a number (6500万吨以上, 两千户左右, 百分之四以下, 五十岁开外): the number is
#: not exact, as with 超 or 约 before it; read where nothing before or inside the number qualifies it already.
_QUALIFIER_AFTER = re.compile(rf"及?(?:以上|以下|以内|左右|上下|开外|有余)|多(?=的|[^{CJK}]|$)")  # 增长两倍多
_THRESHOLD_BEFORE = re.compile(r"(未达|不低于|不少于|不超过|不高于|低于|高于|达不到)$")
_AGE_BOUND_AFTER = re.compile(r"以上|以下|以内|及以上|及以下|[至到—\-－]")
_NOT_MONEY_AFTER = re.compile("[化论素首帅旦老气宵件勋凶月音]")
_CODE_BEFORE = re.compile(r"[A-Za-z0-9.．€$£¥#＃/_\-—×＊*]$")  # 7×24小时: a schedule, not a duration
#: A minus sign before a number (增长-0.3%, 为−35亿元): a hyphen, a full-width one or U+2212 not after a code's characters.
_SIGN_BEFORE = re.compile(r"(?<![A-Za-z0-9.．€$£¥#＃/_\-—－−])[-－−]$")
#: Where 是…的三倍 puts a multiple written in numerals: the multiple of what came before (出口额是十年前的三倍).
_TIMES_OF = re.compile(r"(?:是|为|相当于|达到?|[增提]\w?到)[^，。；：]{0,15}的$")
#: Nouns a scale of money names a class of (超亿元企业, 过千万元项目), not an amount.
_CATEGORY_AFTER = re.compile(r"(?:企业|项目|工程|大项目|园区|集团|产业|村|镇|县|级)")
_POINTING_BEFORE = re.compile(r"(?:以上|上述|前述|下列|下述|以下|下面)$")
_ARTICLE_BEFORE = re.compile(r"(作为|成为|是|为|每|无|任何|第|当|做)$")


#: A tagger: words of a text with their part-of-speech tags.
Tagger = Callable[[str], list[tuple[str, str]]]


def claims(sentences: pd.DataFrame, *, config: TokenConfig) -> pd.DataFrame:
    """Quantitative claims: number, value, unit, range, kind, qualifier, direction (比上年提高), what is measured, the sentence.

    A claim is a number with a unit the text asserts about its subject's work (12.1%,
    四十七点三万亿元, 300余个, 18个月), a percentage, fraction or multiple in words (百分之九十五,
    三分之一, 七成, 翻两番), a proper fraction in digits (2/3), a half (半数, 一半以上), a large
    count without a counter (五千八百万党员), a vague count (十几亿人, 几十万), a Chinese-numeral count of people (一名副主任), of eleven or more (八十三个乡镇:
    smaller written-out counts, 三个方面, are mostly rhetoric) or of a scale made a number (万余个, 近百个), or a
    zero outcome (零事故). Arabic digits with scales inside are one number (1亿2千万元). Not claims:
    dates, ranks (第三, 前三名), codes (7×24小时), thresholds (不低于5%), bounds of a category (60岁以上),
    the count of a list just given (以上十四条), idioms (千万, 亿万, 十万火急, 数以百万计). See
    :mod:`corpus.discourse` for what is a formula instead.

    - ``surface``: the claim as written (number, 余/多, scale, unit; both ends of a range);
      ``number`` the number as written (``5－6`` for a range), ``unit`` the unit with its scale
      (万亿元, 个百分点, 百分之).
    - ``value``: the number times its whole scale (万亿 = 10¹², 千万 = 10⁷: see
      :data:`corpus.patterns.SCALES`) in ``value_unit``, one unit per kind (:data:`BASE_UNITS`):
      percentages in percentage points, money in 元 (or the currency written), masses in 吨,
      multiples as the factor, people in 人; a range's midpoint; a vague number's round lower
      figure (十几亿 → 10亿), NaN where it has none (几十万).
    - ``low``, ``high``: the two ends of a range (5%－6%, 百分之五到百分之六); both ``value`` otherwise.
    - ``qualifier``: what makes the number inexact, as written: 余/多 inside it (300余个), a word before it
      (超, 近, 约, 不到) or a bound after it (以上, 以下, 以内, 左右, 上下, 开外: 6500万吨以上, 两千户左右; 多 after
      the unit: 两倍多);
      '' for an exact number. ``value`` stays the number written (6500万吨以上 is 65000000 吨, qualifier 以上).
    - ``direction``: the comparison and direction word before the number (比上年提高, 同比下降,
      增长, 比二〇一〇年翻番), with 到 or 至 where the number is the level reached rather than the size of
      the change (下降到3.2% against 下降3.2%), or ''; ``change``: what it states, "up", "down" or '' (:func:`change_of`).
    - ``measured``: what the number quantifies, read from the sentence's grammar (the noun a
      count counts, the indicator a direction word applies to, the subject of 达到/提高到, the
      object of the verb before an amount; the rules are listed above ``_reading`` in this
      module): 有三百四十万个基层党组织 → 基层党组织, 城镇化率提高十一点六个百分点 → 城镇化率,
      国内生产总值从五十四万亿元增长到一百一十四万亿元 → 国内生产总值 (both ends), 全县破案率比上年
      提高到92% → 全县破案率. It is empty only where the sentence names nothing the number measures.

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
    for m in _number_matches(sentence):
        if any(a <= base + m.start() < b for a, b in taken):
            continue
        left = _range_left(sentence, m)
        if left is None and not _is_claim(sentence, m):
            continue
        begin = _claim_start(sentence, m, left)
        if found and found[-1]["_span"][1] > begin:  # 5%－6%: the low end was read as a claim of its own
            found.pop()
        row = _claim_row(sentence, m, found, tag, left)
        if found and not found[-1]["direction"] and _is_change_end(sentence, found[-1]["_span"], begin):
            # 从五十四万亿元增长到…: the start of a rise is part of it
            found[-1]["direction"], found[-1]["change"] = row["direction"], row["change"]
        end = m.end() + len(row["_per"])  # 8.7万元/人: the rate's denominator is part of the claim
        found.append(dict(row, start=base + begin, end=base + end, sentence=sentence, _span=(begin, end)))
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in found]


def _is_change_end(sentence: str, prev_span: tuple[int, int], start: int) -> bool:
    """Whether the number at ``start`` ends a change (从A增长到B, 由A减少到二〇〇〇年的B) that the one at ``prev_span`` starts."""
    return bool(_FROM.search(sentence, 0, prev_span[0]) and _FROM_TO.fullmatch(sentence, prev_span[1], start))


def _number_matches(sentence: str) -> list[re.Match[str]]:
    """Numbers with units, numbers in words (:data:`_WORDED`), counts without a counter, zero outcomes: in order, none
    inside another (the longest of those starting together)."""
    matches = [m for m in iter_numbers(sentence) if not _UNIT_IN_WORD.match(sentence, m.start("unit"))]
    matches += iter_zero_counts(sentence)
    for pattern, trigger in zip(_WORDED, _WORDED_TRIGGERS):  # each scanned only where it can match (most sentences: none)
        if trigger.search(sentence):
            matches += pattern.finditer(sentence)
    if _BARE_COUNT_TRIGGER.search(sentence):  # 五千八百万党员, 一千以上的干部
        matches += [m for m in _BARE_COUNT.finditer(sentence)
                    if re.search("[万亿]", m.group()) or _BOUND_AFTER.match(sentence, m.end())]  # fmt: skip
    out: list[re.Match[str]] = []
    for m in sorted(matches, key=lambda m: (m.start(), -m.end())):
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _range_left(sentence: str, m: re.Match[str]) -> re.Match[str] | None:
    """The low end of a range the number ``m`` closes (5%－6%, 5—6%, 百分之五到百分之六), None if it closes none.

    The low end has the same unit as the high end or none; joined by 至 or 到 after 从 or 由 it is
    where a change started, not a range (从5%提高到8% has no range; 由5%到8% neither).
    """
    if "zero" in m.re.groupindex or m.start() == 0 or not re.match(r"[\s－\-—–~～至到]", sentence[m.start() - 1]):
        return None
    window = sentence[max(0, m.start() - 30) : m.start()]
    left = _RANGE_LEFT.search(window)
    if left is None or left.group("unit") not in ("", m.group("unit")) or (left.group("unit") == "" and m.group("unit") == "番"):
        return None
    if m.group("unit") in ("百分之", "千分之") and not left.group().startswith(m.group("unit")):
        return None
    before = sentence[: m.start() - len(left.group())]
    if left.group("sep") in "至到" and re.search(r"[从由自]$", before):
        return None
    if _CODE_BEFORE.search(before) or before.endswith("第") or m.group("unit") in ("年", "月"):
        return None
    return left


def _is_claim(sentence: str, m: re.Match[str]) -> bool:
    """Whether a number with a unit is a claim rather than a date, rank, code, threshold or article."""
    if "zero" in m.re.groupindex:
        return True
    before, number, unit = sentence[: m.start()], m.group("number"), m.group("unit")
    if unit in ("年", "月") or (unit == "个月" and before.endswith("近")):
        return False
    if unit == "元" and _NOT_MONEY_AFTER.match(sentence, m.end()):  # 一元化, 多元论: words, not amounts
        return False
    if unit == "岁" and (re.search("[满过]$", before) or _AGE_BOUND_AFTER.match(sentence, m.end())):  # 60岁以上老人: a bound
        return False
    if _SIGN_BEFORE.search(before):  # a negative number: what comes before the sign decides
        before = before[:-1]
    if _CODE_BEFORE.search(before) or _THRESHOLD_BEFORE.search(before) or before.endswith("第"):
        return False
    if before.endswith("前") and unit in ("名", "位"):  # 前三名, 前10位: a rank
        return False
    if _POINTING_BEFORE.search(before):  # 以上十四条, 上述三个方面: the count of what was just listed, no claim of its own
        return False
    if unit in ("/", "／"):  # 2/3: a share only where it is a proper fraction (not 24/7, 3/3)
        return 0 < int(m.group("num")) < int(m.group("den"))
    if unit in ("百分之", "千分之", "成", "番", "分之", "半"):  # the patterns of _WORDED: always a claim
        return True
    if _VAGUE_IN.search(number):  # 十几亿, 几十万, 十几个: a vague count, with a unit or 万/亿 (not 上千疮百孔)
        return bool(unit or re.search("[万亿]", number + m.group("scale") + m.group("scale2")))
    if unit == "":  # _BARE_COUNT: 五千八百万党员
        opening = _BARE_COUNT_OPENING.match(number) or (number == "百万" and not m.group("scale"))
        return bool(opening) and not re.search(f"[{CN_VAGUE}{CN_NUMERAL_CHARS}第上]$", before) \
            and not _BARE_COUNT_IDIOMS.match(sentence, m.end())  # fmt: skip
    if not re.search(r"\d", number):  # Chinese numerals: a count of people, an amount, a rate, a written-out large number
        scale_alone = all(ch in SCALES for ch in number) and bool(m.group("approx") or _QUALIFIER_BEFORE.search(before))  # 万余个, 逾千亿元
        if scale_alone and _KIND_OF_UNIT.get(unit) == "money" and _CATEGORY_AFTER.match(sentence, m.end()):  # 超亿元企业: a class
            return False
        if not (re.match(f"[{CN_DIGITS}]|零点", number) or scale_alone) or re.search(f"[{CN_VAGUE}{CN_NUMERAL_CHARS}]$", before):
            return False
        if unit == "倍":  # 增长一倍, 是上年的三倍 (claims), 凶猛十倍 (a figure of speech)
            return bool(_direction(re.split(r"[，。；：]", before)[-1]) or _TIMES_OF.search(before))
        kind = _KIND_OF_UNIT.get(unit)
        if kind == "money" and not re.search(f"[{CN_SCALES}十点]", number):  # 城乡二元经济结构, 一元化: not amounts
            return False
        scaled = number + m.group("scale") + m.group("scale2")  # 二十余万人: the scale after 余
        return bool(kind in ("percent", "money", "age") or re.search(f"[{CN_SCALES}点]", scaled)  # 点: a measurement (七十八点二岁)
                    or ("十" in number and number_value(number) >= 11)  # 八十三个乡镇; not 十个 (十个坚持 is a formula's)
                    or (unit == "名" and not _ARTICLE_BEFORE.search(before)))  # fmt: skip
    if before.endswith("等") and m.group("approx") is None:  # 甲、乙、丙等3个方面: the count of a list just given
        listed = re.split(r"[，。；：]", before[:-1])[-1].split("、")
        return len(listed) < 2 or cn_int(number) != len(listed)
    return True


def _claim_start(sentence: str, m: re.Match[str], left: re.Match[str] | None) -> int:
    """Where a claim begins: its range's low end, else its number, or the minus sign before it (增长-0.3%)."""
    if left:
        return m.start() - len(left.group())
    return m.start() - 1 if "zero" not in m.re.groupindex and _SIGN_BEFORE.search(sentence, 0, m.start()) else m.start()


def _claim_row(sentence: str, m: re.Match[str], previous: list[dict], tag: Tagger, left: re.Match[str] | None = None) -> dict:
    begin = _claim_start(sentence, m, left)
    sign = -1.0 if begin == m.start() - 1 and not left else 1.0  # a minus sign: the value is below zero
    before = sentence[:begin]
    clause = re.split(r"[，。；：！？]", before)[-1]
    prev = previous[-1] if previous else None
    between = sentence[prev["_span"][1] : begin] if prev else "，"
    joined = re.fullmatch(r"[、和及]", between) is not None  # 53.9%、32.3%: same direction, next measure
    item = clause.split("、")[-1]
    if "zero" in m.re.groupindex:
        reading = _reading(sentence, m.start(), m.end(), "zero", previous, tag)
        return {"surface": m.group(), "number": "零", "value": 0.0, "unit": "", "value_unit": "", "low": 0.0, "high": 0.0,
                "kind": "zero", "qualifier": "", "direction": "", "change": "", "measured": reading.text, "_reading": reading,
                "_per": ""}  # fmt: skip
    unit = m.group("unit")
    kind = _KIND_OF_UNIT.get(unit, "other")
    by = 1.0 if unit == "倍" and _INCREASE_BY.search(item) else 0.0  # 增长一倍: an increase by once the start, to twice it
    high = _value(m) + by
    low = _value(left, m) + by if left else high
    if m.groupdict().get("high"):  # 百分之八到九
        low, high = high, number_value(m.group("high")) * _PER_UNIT.get(unit, 1)
    elif not left and m.group("number") and (ends := _approximate_ends(m.group("number"))):  # 五六千人: from 五千 to 六千
        low, high = (round(number_value(n, m.group("scale") + m.group("scale2")) * _PER_UNIT.get(unit, 1), 10) for n in ends)
    low, high = sign * low, sign * high
    currency = _CURRENCY_BEFORE.search(before) if kind == "money" else None  # 特别预算约新台币…亿元: what the amount is of
    reading_start = begin - len(currency.group()) if currency else begin
    reading = _reading(sentence, reading_start, m.end(), kind, previous, tag) if unit != "人口" else _Reading("人口", (("人口", "n"),))
    direction = _direction(item) or (prev["direction"] if joined and prev else "")
    if not direction and reading.text and item.endswith(reading.text):  # 裁减军队员额二十万: a change of what it measures
        verb = _CHANGE_VERB.search(item, 0, len(item) - len(reading.text))
        direction = ((c.group() if (c := _COMPARISON.search(item)) else "") + verb.group(1)) if verb else ""
    if unit == "番":
        direction = (c.group() if (c := _COMPARISON.search(item)) else "") + "翻番"
    number = (left.group("number") + left.group("sep") if left else sentence[begin : m.start()]) + (m.group("number") or "")  # or the sign
    number += (m.group("sep") + m.group("high")) if m.groupdict().get("high") else ""
    change = change_of(direction)
    if sign < 0 and change:  # 增长-0.3%: a rise below zero is a fall
        change = "down" if change == "up" else "up"
    per = p.group() if kind != "percent" and (p := _PER_AFTER.match(sentence, m.end())) else ""
    return {"surface": sentence[begin : m.end() + len(per)], "number": number,
            "value": (low + high) / 2, "unit": m.group("scale") + m.group("scale2") + unit + (m.group("alt") or "") + per,
            "value_unit": (currency.group(1) if currency and unit == "元" and currency.group(1) != "人民币" else
                           _BASE_OF.get(unit) or BASE_UNITS.get(kind, unit)) + per, "low": low, "high": high, "kind": kind,
            "qualifier": m.group("approx") or ("多" if unit in ("个多百分点", "个多月") else "")  # 5个多百分点, 3个多月
                         or (v.group() if (v := _VAGUE_IN.search(m.group("number") or "")) else "")
                         or (q.group(1) if (q := _QUALIFIER_BEFORE.search(before)) else "")
                         or (q.group() if (q := _QUALIFIER_AFTER.match(sentence, m.end() + len(per))) else ""),
            "direction": direction, "change": change, "measured": reading.text, "_reading": reading, "_per": per}  # fmt: skip


#: What makes a written-out number vague (十几亿, 几十万, 数百万, 上万): its qualifier.
_VAGUE_IN = re.compile("[几数上]")
#: The denominator of a rate written after its unit (8.7万元/人, 1000立方米/日, 35平方米/人): part of the unit, so the
#: value is per that, never an amount to add up with others.
_PER_AFTER = re.compile(rf"[/／](?:人|户|日|天|年|月|亩|公顷|吨|平方米|平方公里|千瓦时|小时|辆|次)(?=[^{CJK}]|$|{_QUALIFIER_AFTER.pattern})")
#: A currency named before an amount (新台币8,824.9亿元, 港币50亿元: in that currency, not in renminbi; 人民币5000亿元): never
#: what the amount measures.
_CURRENCY_BEFORE = re.compile(r"(新台币|港币|澳门币|人民币)[约共计达为]{0,2}$")
#: Verbs that change the amount of their object (增加投资500亿元, 减少贫困人口一千万, 裁减军队员额二十万).
_CHANGE_VERB = re.compile(r"(增加|提高|减少|降低|裁减|削减|压减|压缩|扩大|缩小)了?$")
#: A rise by so many times (增长一倍, 提高了近两倍), not to so many times (增长到三倍, 是…的三倍).
_INCREASE_BY = re.compile(r"(?:增长|增加|提高|上升|提升|扩大)了?(?:近|约|超过|逾)?$")
#: The unit ``value`` counts in where it is not the unit as written (see :data:`BASE_UNITS`).
_BASE_OF = {"名": "人", "人口": "人", "千米": "公里", "个多月": "个月", **{c: c for c in UNIT_KINDS["money"][1:]}}


_DIGIT_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _approximate_ends(number: str) -> tuple[str, str] | None:
    """The two ends of an approximate figure written with two neighbouring digits (or 三五, "three to five"), or None.

    >>> _approximate_ends("五六千"), _approximate_ends("一千二三百"), _approximate_ends("七八十"), _approximate_ends("二十三")
    (('五千', '六千'), ('一千二百', '一千三百'), ('七十', '八十'), None)
    >>> _approximate_ends("三五百")
    ('三百', '五百')
    """
    whole = number.split("点")[0]  # decimals are digits one by one: 三点五六 is no range
    for i in range(len(whole) - 1):
        a, b = _DIGIT_VALUES.get(whole[i]), _DIGIT_VALUES.get(whole[i + 1])
        if a and b and (b == a + 1 or (a, b) == (3, 5)):
            return number[: i + 1] + number[i + 2 :], number[:i] + number[i + 1 :]
    return None


def _value(m: re.Match[str], high: re.Match[str] | None = None) -> float:
    """The value of a number match in the base unit of its kind (:data:`BASE_UNITS`): the number times its whole scale.

    ``high``: for the low end of a range, its high end, whose scale and unit a bare low end shares
    (3—5万元 is 3万 to 5万元, 10至15万人 10万 to 15万人; 1万—2万元 has a scale of its own).
    """
    if m.group("unit") == "番" and not m.group("number"):  # 翻番 is one doubling
        return 2.0
    if high is not None and not (m.group("scale") + m.group("scale2")) and (scale := _shared_scale(m.group("number"), high)):
        return round(number_value(m.group("number"), scale) * _PER_UNIT.get(high.group("unit"), 1), 10)
    unit, number = m.group("unit"), m.group("number")
    if unit == "番":  # 翻番 is one doubling
        return float(2 ** (cn_int(number) if number else 1))
    if unit in ("分之", "/", "／"):
        return number_value(m.group("num")) / number_value(m.group("den")) * 100
    if unit == "半":  # 半数, 一半
        return 50.0
    if _VAGUE_IN.search(number):  # 十几 → 10, 上百 → 100: the round figure it exceeds; 几十, 数百: unknown
        lower = number.replace("几", "") if "十几" in number else number[1:] if number[0] == "上" else ""
        return number_value(lower, m.group("scale") + m.group("scale2")) if lower else float("nan")
    per = _PER_UNIT.get(unit or (high.group("unit") if high is not None else ""), 1)  # 七到八成: the low end's 成 too
    return round(number_value(number, m.group("scale") + m.group("scale2")) * per, 10)


def _shared_scale(low: str, high: re.Match[str]) -> str:
    """The scale a range's low end takes from its high end: the high end's scale words, or, where it is written out,
    the scales closing its number that are above any in the low end's (三至五万人: 万; 一千至两千万元: 万; 十至二十亿元: 亿)."""
    scale, number = high.group("scale") + high.group("scale2"), high.group("number") or ""
    if scale or re.search(r"\d", number) or re.search("[万亿]", low):  # 八千万至一亿人: its own
        return scale
    closing = re.search(f"[{CN_SCALES}]+$", number)
    own = max((SCALES[c] for c in low if c in SCALES), default=1)
    return "".join(c for c in closing.group() if SCALES[c] > own) if closing else ""


def _direction(clause: str) -> str:
    """The comparison and direction word right before a number: 比上年提高, 较二〇一〇年增长, 下降, or ''; with 到 or
    至 where the number is the level reached (下降到3.2%, 降至, 提高到), not the size of the change (下降3.2%)."""
    verb = _DIRECTION.search(re.sub(r"[超近约逾]$|不到$", "", clause))
    if not verb:
        return ""
    comparison = _COMPARISON.search(clause)
    reached = next((c for c in verb.group()[len(verb.group(1)) :] if c in "到至"), "")
    return (comparison.group() if comparison else "") + verb.group(1) + reached


# --------------------------------------------------------------------------- what a claim measures
#
# Read from the sentence's grammar: jieba's part-of-speech tags (the project's own segmenter and
# domain lexicon) of the words around the number. Official prose puts what is measured in one of
# a few places, tried in this order by kind of claim:
#   the counted noun after a count:      同一百二十五个国家建立了外交关系, 有三百四十万个基层党组织
#     with a possessor right before it:  全国八百三十二个贫困县, 将全年工作40个项目
#     or the noun after 的:              3个覆盖全部乡镇的服务站, 20支300人的医疗队
#   the action an event count counts:    先后3次召开全体会议
#   the noun phrase before the number:   改造棚户区住房四千二百多万套, 互联网上网人数达十亿三千万人,
#     城镇化率提高十一点六个百分点 (the object of the verb, the subject of 达/为/提高到, or the
#     indicator of a direction word; the words between it and the number — comparisons, years,
#     direction words, 分别, 累计, 超, 不到, 稳定在 — are skipped); a nominalised verb can head an
#     indicator (全社会研发经费支出从一万亿元增加到二万八千亿元); a share names its whole
#     (经济总量占世界经济的比重达百分之十八点五); the end of a change (从A增长到B) and a number
#     that only continues its indicator (提高七点二个百分点，达到…) measure what the one before measured;
#   a duration: its subject and the predicate that lasted (粮食产量连续十年保持增长).

_SKIPPED_WORDS = frozenset(
    "同比 环比 分别 分别为 均 都 共计 累计 合计 总计 共 达到 达 为 至 降至 升至 增至 上升 下降 增长 增加 减少 降低 提升 提高 回落 "
    "攀升 下滑 增幅 降幅 超过 超 不到 不足 近 约 逾 将近 接近 日均 月均 年均 平均 人均 先后 已 已经 连续 持续 长达 了 等 去年 上年 "
    "有 拥有 共有 约有 尚有 还有 同期 较 比 以上 以来 到 即 从 由 实际 稳定 保持 控制 在 扩大 缩小 提高到 增加到 增长到 "
    "上升到 下降到 降低到 减少到 回升 上涨 下跌 上调 下调 缩减 压缩 加快 放缓 收窄 名义 大体上 基本上 大体 力争 争取 再 将 将要 "
    "要 可望 有望 预计 进一步 大幅 大幅度 稳步 明显 裁减 削减 压减 每年 每月 平均每年 "
    # verbs that state a level reached (收入完成356.8亿元, 总额突破40万亿元, 失业率降到5.2%, 罪犯占百分之三十): the
    # segmenter tags some of them as nouns (突破 vn), so the phrase would run on through them
    "突破 完成 实现 降到 升到 增到 涨到 涨至 跌到 跌至 高达 多达 仅 仅为 只有 占 首次 再次".split()
)
_CLAUSE_END = "，。；：！？,;:!?"
_OPENERS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "「": "」"}
_MODIFIER_PREFIX = ("被", "不", "未", "非", "可")  # 被困群众, 不合格产品, 可支配收入: a verb that modifies the noun after it
_ATTRIBUTIVE = frozenset("相关 有关 所属 下属 新增".split())
_EVENT_KINDS = ("events",)
#: Kinds whose number is the level or change of an indicator named before it (破案率上升到92%, 国内生产总值翻两番).
_INDICATOR_KINDS = ("percent", "money", "multiple")


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
    between nouns (诈骗类案件), a verb after 被/不/未/可 (被困群众, 不合格产品, 可支配收入), a verb
    before a measure (参保率, 上网人数, 发行量, 成交金额), 的 between nouns, and coordination with 、/和/及.
    A nominal verb or set phrase (vn, l) continues the phrase after a noun or a verb (社区卫生服务,
    研发经费支出); at the start of a clause it governs the phrase (发动群众, 依法打击走私犯罪).
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
            break  # 发动群众, 依法打击走私犯罪: it governs the phrase (but 研发经费支出, 社区卫生服务, 货物总量)
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


#: Words that end a noun phrase read forward: the predicate starts (八百三十二个贫困县全部摘帽, 两个部门共同起草…).
_PREDICATE_OPENERS = frozenset("全部 全体 均 都 各自 分别 共同 一起 全面 已 先后 累计 主要 正在 也 还 又".split())


def _phrase_after(words: list[tuple[str, str]], *, verb_head: bool = False) -> list[tuple[str, str]]:
    """The noun phrase that opens ``words`` (the noun a count counts).

    Nouns, a code before them (12345热线工单), an attributive verb first (必读书目), 被 + verb
    (被困人员), 、-coordination of nouns (教师、医生), a quotation first or between nouns; a
    final verb heads it only where a count is all it follows (5项举措), an event is counted
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
            out.append((w, t))  # 8种必读书目, 5项举措, 35名被困群众
        elif t.startswith("v") and out and end and (verb_head or nxt[0] == "、" or out[-1][1] == "vn"):
            out.append((w, t))  # 3次省级表彰, 1500项改革举措 (a nominal verb before it: the segmenter's verb is a noun)
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
    """Drop the words between a measure and its number (同比, 比上年, 上升, 提高到, 分别, 累计, 超, 不到 …); True if any were.

    Where the segmenter glued one of them to a one-character measure suffix (满意率达 → 率达),
    the suffix stays (率); where it glued a direction word of two characters to a noun (价格上涨),
    the noun stays (价格).
    """
    n = len(words)
    while words and (words[-1][0] in _SKIPPED_WORDS or re.fullmatch(r"\d{4}|年|较|比|和|及|与|[“‘（(]", words[-1][0])):
        words = words[:-1]
    if words and len(words[-1][0]) > 1 and words[-1][0][0] in _MEASURE_SUFFIXES and words[-1][0][1:] in _SKIPPED_WORDS:
        return words[:-1] + [(words[-1][0][0], "ng")], True
    if words and len(words[-1][0]) > 3 and _DIRECTION.search(words[-1][0]) and words[-1][0][-2:] in _SKIPPED_WORDS:
        return words[:-1] + [(words[-1][0][:-2], "n")], True
    return words, len(words) != n


def _reading(sentence: str, start: int, end: int, kind: str, previous: list[dict], tag: Tagger) -> _Reading:
    """What the claim at ``sentence[start:end]`` measures (see the rules above)."""
    prev = previous[-1] if previous else None
    floor = prev["_span"][1] if prev else 0
    clause_start = max(floor, *(sentence.rfind(p, 0, start) + 1 for p in _CLAUSE_END))
    # A count right after another's noun (4个领域20项…): that noun is not this one's possessor.
    after_prev = prev is not None and clause_start == floor and "、" not in sentence[floor:start]
    if prev is not None and clause_start == floor:  # 32项具体措施、试点单位3项: this item only
        clause_start = max(clause_start, sentence.rfind("、", floor, start) + 1)
    # Years go before tagging (segmenters split 二0一0年): a comparison (比二〇一〇年), the start or end of a
    # change before the number (由一九八○年的), a time that opens the phrase (二〇一一年国内生产总值).
    clause = _ANY_YEAR.sub("", _COMPARISON.sub("", _BASIS.sub("", sentence[clause_start:start])))
    while (time := _TIME_BETWEEN.search(clause)) and time.group():
        clause = clause[: time.start()]
    words, stripped = _strip_between(_tagged(clause, tag))
    before = _phrase_before(words)
    if kind in _INDICATOR_KINDS and before and len(words) > len(before) + 1 and words[-len(before) - 1][0] == "占":
        owner = _phrase_before(words[: -len(before) - 1])  # 经济总量占世界经济的比重: the share names its whole
        before = owner + [words[-len(before) - 1]] + before if owner else before
    subject = _text(before)
    after_words = _tagged(_after_region(sentence, end), tag)
    if prev is not None and _is_change_end(sentence, prev["_span"], start):
        return prev["_reading"]  # 从五十四万亿元增长到一百一十四万亿元: the end of the change the start began
    if (listed := _listed_before_respectively(sentence, start, previous)) is not None:
        return _Reading(listed)  # 工业增加值、固定资产投资比上年分别增长6.5%、8.2%: the item in the same place
    if kind == "duration":  # 粮食产量连续十年保持增长: the subject and what lasted
        return _Reading((subject + _text(after_words))[-30:], tuple(before))
    if kind in ("percent", "money", "multiple", "zero"):
        phrase = before
        # After 的, a noun jieba tags zg (县, 村, 厂: elsewhere zg is also 掉 of 打掉) is a noun.
        unbound = after_words[1:] if after_words and after_words[0][0] in _BOUNDS else after_words  # 三分之二以上的村
        retagged = [(w, "n" if t == "zg" and i == 1 else t) for i, (w, t) in enumerate(unbound)]
        share_of = _phrase_after(retagged[1:]) if kind == "percent" and retagged[:1] == [("的", "uj")] else []
        after_zhan = len(words) > len(before) and words[-len(before) - 1][0] == "占"  # 占世界人口五分之一的国家
        if share_of and not stripped and not after_zhan and (not before or _nominal(*before[-1])):  # 全国三分之一的企业
            phrase = before + share_of
        following = _after_relative(after_words)
        if kind in ("money", "percent") and not phrase and following and _nominal(*following[0]):
            phrase = _phrase_after(following)  # 七成以上的群众: a share of what follows
        whole_clause = sentence[max(sentence.rfind(p, 0, start) for p in _CLAUSE_END) + 1 : start]
        if kind == "percent" and not phrase and previous and "分别" in whole_clause:  # 比上年分别增长12.4%、9.6%
            return _Reading(_distributed(previous))
        if not phrase and prev is not None and (prev["kind"] in _INDICATOR_KINDS or (stripped and not words)):
            return prev["_reading"]  # 从五十四万亿元增长到一百一十四万亿元, 提高十一点六个百分点，达到百分之六十四点七: the same indicator
        elided = len(phrase) == 1 and _verb(phrase[0][1]) and sentence[floor:start].startswith("、")
        if kind == "percent" and elided and prev is not None:  # 出口货物生产增长6.1%、销售增长9.3%
            phrase = list(prev["_reading"].words[:-1]) + phrase
        return _Reading(_text(phrase)[-30:], tuple(phrase))
    # Without a counter, the object of a verb right before the number is what it counts (裁减军队员额二十万),
    # else the noun right after it (有五千万党员, 中国十亿人民; 一百万的基础上 counts no 基础).
    governed = len(words) > len(before) and _verb(words[-len(before) - 1][1])
    if kind == "count" and before and not stripped and _nominal(*before[-1]) and governed:
        return _Reading(subject[-30:], tuple(before))
    if kind == "count" and after_words and after_words[0][0] in _BOUNDS:  # 一千以上的干部
        after_words = after_words[2:] if after_words[1:2] and after_words[1][0] == "的" else after_words[1:]
    counted = _phrase_after(after_words if kind == "count" else _after_relative(after_words), verb_head=kind in _EVENT_KINDS)
    if counted:
        # A possessor is a noun phrase right before the count (全市政务大厅320个窗口), not a verb's object.
        owned = before and not (stripped or after_prev) and _nominal(*before[-1]) and not before[0][1].startswith("v")
        possessor = before if owned else []
        return _Reading(_text(possessor + counted)[-30:], tuple(possessor + counted))
    if kind in _EVENT_KINDS and after_words and _verb(after_words[0][1]):  # 5次召开专题会议
        return _Reading(_text(after_words)[:16], tuple(after_words))
    if not before and stripped and not words and prev is not None and prev["kind"] == kind:
        return prev["_reading"]  # 粮食产量达到6.5亿吨，比上年增加1200万吨: the clause continues the one before
    return _Reading(subject[-30:], tuple(before))


def _after_region(sentence: str, end: int) -> str:
    """The words after a number up to the clause end or the next number, skipping one that qualifies the same noun (20支300人的…)."""
    rest = sentence[end:]
    lead = next(iter_numbers(rest), None)
    if lead is not None and lead.start() == 0:
        rest = rest[lead.end() :]
    stop = min([len(rest)] + [rest.find(p) for p in _CLAUSE_END if p in rest] + [n.start() for n in iter_numbers(rest)][:1])
    return rest[:stop]


_BOUNDS = ("以上", "以下", "左右", "上下", "之多")


def _after_relative(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For a count followed by a relative clause (3个覆盖全部乡镇的服务站, 300人的医疗队): the words after its last 的.

    A bound after the number goes first (七成以上的群众, 一百个左右的城市).
    """
    if words and words[0][0] in _BOUNDS:
        words = words[1:]
    if words and words[0][0] == "的":
        return words[1:]
    if words and words[0][1].startswith("v") and any(w == "的" for w, _ in words):
        last = max(i for i, (w, _) in enumerate(words) if w == "的")
        return words[last + 1 :]
    return words


def _listed_before_respectively(sentence: str, start: int, previous: list[dict]) -> str | None:
    """For A、B、C…分别 x、y、z (the usual shape of a work report's figures): the item of the list before 分别 in the
    place this number holds among the numbers after it; None where the clause has no such list."""
    clause_start = max(sentence.rfind(p, 0, start) for p in _CLAUSE_END) + 1
    at = sentence.rfind("分别", clause_start, start)
    if at < 0:
        return None
    head = _ANY_YEAR.sub("", _COMPARISON.sub("", sentence[clause_start:at]))
    items = [item.strip() for item in re.sub(r"(?:同比|环比)$", "", head).split("、")]
    place = sum(1 for p in previous if p["_span"][0] > at)
    if len(items) < 2 or not all(items) or place >= len(items):
        return None
    return items[place]


def _distributed(previous: list[dict]) -> str:
    """For 分别 (A…、B…，比上年分别增长x%、y%): the measure of the earlier claim in the same place of the list."""
    own = [p for p in previous if p["kind"] != "percent"]
    already = sum(1 for p in previous if p["kind"] == "percent")
    return own[already]["measured"] if already < len(own) else ""
