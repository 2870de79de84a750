"""The shared detectors of the units official Chinese texts mark themselves.

X+Y models (党建+警务, 1+X), numbered formulae (四个全面, 十四五), quoted phrases
(“枫桥经验”), cited titles (《…》) and numbers with units (12.1%, 47.3万亿元).
Cleaning, segmentation and discourse analysis all use these, so a unit is detected
the same way at every stage. Each detector yields :class:`re.Match` objects over the
text it is given; offsets are therefore offsets into that text.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

#: CJK unified ideographs (BMP, Extension A, compatibility) and Extension B–F.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_CHAR = f"[{CJK}]"
# Chinese numerals, written once. Every numeral class in the package is built from these.
#: The numerals that number things in order: 一 to 十 (一是, 一、, （一）, 第一). An ordinal
#: never uses 两 (二是, 第二, never 两是), so markers, headings and section numbers use this set.
CN_ORDINALS = "一二三四五六七八九十"
#: The numerals that count: the ordinals and 两 (两个维护). They open numbered formulae (四个现代化,
#: 三大攻坚战) and a written-out number begins with one of them.
CN_DIGITS = CN_ORDINALS + "两"
#: 双 counts as two in multi-part and bare formulae only (双循环, 一核双驱), never in a number.
FORMULA_NUMERALS = CN_DIGITS + "双"
#: Zero inside a written-out number (一百零八, 二〇二四).
CN_ZERO = "零〇"
#: Scales (十 is among the digits above): 三千二百万.
CN_SCALES = "百千万亿"
#: Every character of a written-out Chinese number.
CN_NUMERAL_CHARS = CN_DIGITS + CN_ZERO + CN_SCALES
#: Words for an unknown count that stand where a numeral would (几, 多, 余, 数: 十余, 数百).
CN_VAGUE = "几多余数"
#: Full-width punctuation that ends a Chinese sentence.
SENTENCE_END = "。！？…"
#: The longest line (numbering aside) that can be a heading: cleaning does not join such a line to the
#: next, and the paragraph splitter calls a line this short without final punctuation a heading.
MAX_HEADING_LEN = 40
#: Punctuation after which a line may legitimately end.
LINE_FINAL = "。！？…；：”’」』）》】!?;:"

#: Heads that open X+Y models in Chinese official writing; a corpus adds its own.
DEFAULT_MODEL_HEADS = frozenset({"党建", "互联网", "智慧", "警务", "科技", "数字", "平台"})

_TERM = rf"(?:[{CJK}A-Za-z0-9]{{1,10}})"
_MODEL_TERM = rf"{_TERM}(?:（[^（）\n+＋]{{1,8}}）)?"  # 公安+村居（企业）
# X+Y(+Z), or inside quotation marks the open-slot head X+ (“党建+”的模式).
_MODEL_RE = re.compile(
    rf"(?<![{CJK}A-Za-z0-9+＋]){_MODEL_TERM}(?:[+＋]{_MODEL_TERM})+(?![+＋])|(?<=[“‘]){_TERM}[+＋](?=[”’])"
)
# Unquoted, a model's first term runs back to the previous non-ideograph and takes the verbs and adverbs of the clause
# with it (大力推进互联网+政务服务): a run of the words that open a clause in this genre, at its start, is no part of it.
_MODEL_LEAD_RE = re.compile(
    "(?:大力|积极|全面|深入|持续|加快|着力|不断|进一步|探索|推进|推动|推行|推广|实施|实行|发展|构建|建设|打造|深化|开展|"
    "完善|形成|健全|强化|落实|建立|坚持|运用|依托|借助|通过|拓展|培育|壮大|用好|以)+"
)
# The same model pattern without its left boundary, to match a model again from inside the run it was found in.
_MODEL_FROM_RE = re.compile(rf"{_MODEL_TERM}(?:[+＋]{_MODEL_TERM})+(?![+＋])")
# A numeric model written between words (构建1+N政策体系, 形成5+2模式): digits or letters on each side of the plus.
_NUMERIC_IN_WORDS_RE = re.compile(rf"[{CJK}]*(?P<model>[0-9A-Za-z]{{1,3}}(?:[+＋][0-9A-Za-z]{{1,3}})+)(?![0-9A-Za-z+＋])[{CJK}]*")
# A model whose parts were joined by a bare space (the "+" was lost in scraping).
_SPACED_RE = re.compile(rf"(?<![{CJK}A-Za-z0-9]){_TERM}(?:[ \u00a0\u3000]+{_TERM})+(?![{CJK}A-Za-z0-9])")
_QUOTE_RE = re.compile(r"“([^“”\n]{1,200})”|‘([^‘’\n]{1,200})’")
_TITLE_RE = re.compile(r"《([^《》\n]{1,100})》")

# Units carry no scale (亿元 is the scale 亿 and the unit 元: see SCALES); a longer unit comes before
# a unit it starts with (个百分点 before 个, 个月 before 个).
_UNIT_WORDS = (
    "元|美元|欧元|港元|港币|日元|人次|人口|人|名|户|家|起|件次|件|宗|个多百分点|个百分点|个多月|个月|个|项|条|批次|次|场次|场|批|处|所|"
    "支次|支|辆|岁|头|只|册|笔|轮|标箱|"
    "顶|篇|块|种|期|天|小时|分钟|年|月|平方公里|公里|千瓦时|千瓦|千米|平方米|立方米|米|公斤|千克|克|斤|吨|公顷|亩|套|份|台|张|座|艘|倍|"
    "百分点|%|％|‰"
)
#: The unit words a number may carry (an alternation for patterns that read numbers as :func:`iter_numbers` does).
UNIT_WORDS = _UNIT_WORDS
#: The space GB/T 15835 allows between groups of three digits (1 200 000): a space, a thin or a no-break one.
GROUP_SPACE = "[ \u00a0\u2009\u202f]"
#: A number: Arabic digits (1,200, 16.9; 1 200 with a space between groups of three, as GB/T 15835 allows for
#: long numbers, a thin or no-break space too) or a written-out Chinese number (三千二百万, 三点五: the
#: decimals after 点 are single digits, so neither 十 nor 两 appears there).
NUMBER = (rf"(?:(?:(?<!\d)\d{{1,3}}(?:{GROUP_SPACE}\d{{3}}(?!\d))+|\d+(?:[,，]\d{{3}})*)(?:[.．]\d+)?(?:[亿万]\d+(?:[千百](?=[万亿])|[千百](?!\d))?)*"  # 1亿2千万, 3万5千元, 3亿5000万
          rf"|[{CN_NUMERAL_CHARS}]+(?:点[{CN_ORDINALS[:-1]}{CN_ZERO}]+)?)")
#: Scales written after a number, alone or composed (百万 = 10⁶, 千万 = 10⁷, 万亿 = 10¹²): 16.9亿,
#: 5万亿, 四十七点三万亿, 1000余万. A scale multiplies everything before it: the whole scale of
#: 1万多亿 is 万亿. (Inside a written-out number the scales are part of the number: 二万八千亿.)
SCALES = {"百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
SCALE = "(?:百|千(?![米瓦克]))?万?亿?"  # 2100千米 is 2100 km, not 2,100,000 m (千 of 千米, 千瓦, 千克 is the unit's)
_NUMBER_RE = re.compile(NUMBER)
_NUMBER_UNIT_RE = re.compile(
    rf"(?P<number>{NUMBER})\s*(?P<scale>{SCALE})(?P<approx>余|多)?(?P<scale2>{SCALE})(?P<unit>{_UNIT_WORDS})"
    r"(?P<alt>（(?:次|篇|条|件|人|人次|家|个)）)?"
)


def number_value(number: str, scale: str = "") -> float:
    """The value of a number (as :data:`NUMBER` matches it) times its whole scale (the scale words after it, composed).

    Exact in decimal: 16.9亿 is 1,690,000,000, not 1,689,999,999.9999998. Where the written-out
    number holds a scale as high as the one after it, that scale closes its own part and the one
    after multiplies only the rest (两亿五千 + 万: 两亿 and 五千万, 250,000,000).

    >>> [number_value(n, s) for n, s in [("16.9", "亿"), ("5", "万亿"), ("四十七点三", "万亿"), ("3", "千万"), ("五十四万亿", "")]]
    [1690000000.0, 5000000000000.0, 47300000000000.0, 30000000.0, 54000000000000.0]
    >>> number_value("两亿五千", "万"), number_value("一万二千", "亿"), number_value("1亿2千", "万"), number_value("3万5千")
    (250000000.0, 1200000000000.0, 120000000.0, 35000.0)
    """
    if any(ch not in SCALES for ch in scale):
        raise ValueError(f"not a scale made of {''.join(SCALES)}: {scale!r}")
    higher = [i for i, ch in enumerate(number) if scale and ch in SCALES and SCALES[ch] >= SCALES[scale[0]]]
    if higher:
        head, rest = number[: higher[-1] + 1], number[higher[-1] + 1 :]
        return number_value(head) + (number_value(rest, scale) if rest else 0.0)
    arabic = re.search(r"\d", number) is not None
    if arabic and re.search(f"[{CN_SCALES}]", number):  # 1亿2千, 3万5千 (or a part of one: 1亿, 2千)
        if not _MIXED_RE.fullmatch(number):
            raise ValueError(f"not a number in Arabic digits or Chinese numerals: {number!r}")
        exact = _mixed_value(number)
    elif arabic:
        chinese_numeral_value(number)  # a clear error for what is not a number
        exact = Decimal(re.sub(rf"[,，]|{GROUP_SPACE}", "", number).replace("．", "."))
    else:
        chinese_numeral_value(number)
        whole, _, frac = number.partition("点")
        exact = Decimal(int(_written_out(whole))) + (Decimal("0." + "".join(str(cn_int(c)) for c in frac)) if frac else 0)
    return float(exact * math.prod(SCALES[ch] for ch in scale))


#: Arabic digits with scales inside them, or a part of such a number (1亿2千, 3万5千, 1亿, 2千).
_MIXED_RE = re.compile(r"(?:\d+(?:\.\d+)?[千百]?[亿万]?)+")


def _mixed_value(number: str) -> Decimal:
    """The exact value of Arabic digits with scales inside: 3万5千 → 35,000, 3亿5000 → 300,005,000 (each 亿 and 万 multiplying what is before it)."""
    for scale in "亿万":
        if scale in number:
            head, rest = number.split(scale, 1)
            return _mixed_value(head) * SCALES[scale] + (_mixed_value(rest) if rest else 0)
    digits, unit = (number[:-1], SCALES[number[-1]]) if number[-1] in SCALES else (number, 1)
    return Decimal(re.sub(r"[,，]", "", digits)) * unit


# Numbered formulae: fixed labels whose numeral counts the things they bundle (the rule: iter_formulae).
# A numeral (双 counts as two) opens every form but the head-first one:
#   multi-part   三严三实, 五位一体, 三去一降一补, 一村（一组）一专干 — two or more numerals,
#                each with a short term that holds no numeral;
#   counted      四个全面, 八项规定, 二十条意见, 三大攻坚战 — a numeral, a counter and a head of at most
#                four characters (eight inside quotation marks), or a pair 一个中心、两个基本点;
#   plan         十四五, “九五”, 六五计划, 第六个五年计划 — a five-year plan, named by its number and 五;
#   bare         “四风”, “三农”, 双碳, 双循环, 六稳(工作), 三结合 — a numeral and a short term, when
#                quoted, when the numeral is 双, before a word that names what it is (工作, 机制, 模式),
#                or a term of two characters standing alone (革命的三结合，), and N步走 (分两步走);
#   head first   “国十条”, “廉政十条”, 约法三章 — a head and its count, inside quotation marks or a set phrase.
# Titles count as quoted: 《十六条》 names a document by its count.
# A formula ends where the run of ideographs ends or where a word that names what it is begins.
_FORMULA_COUNTERS = "个大项条种类级场本件"


def _ideographs_except(chars: str) -> str:
    """A character class of the ideographs in :data:`CJK` but ``chars`` (re has no class subtraction)."""
    ranges = [(ord(a), ord(b)) for a, b in re.findall("(.)-(.)", CJK, flags=re.DOTALL)]
    cut = sorted({ord(c) for c in chars})
    parts = []
    for lo, hi in ranges:
        for c in (c for c in cut if lo <= c <= hi):
            if lo < c:
                parts.append((lo, c - 1))
            lo = c + 1
        if lo <= hi:
            parts.append((lo, hi))
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in parts) + "]"


# A term character: an ideograph that is not a numeral (one class, so that a quantifier repeats the test too).
_T = _ideographs_except(FORMULA_NUMERALS + CN_ZERO + CN_SCALES)
#: Words that name what a formula is or say what it does, written right after it (五位一体|总体布局,
#: 四个全面|战略布局, 双循环|相互促进): a formula in running text ends where one begins.
_FORMULA_HEAD_WORDS = (
    "工作法|工作|机制|制度|体制|活动|行动|工程|体系|模式|总要求|要求|奋斗目标|目标|清单|部署|格局|总体布局|战略布局|布局|"
    "品牌|做法|举措|措施|理念|建设|专项|任务|标准|经验|战略|原则|方针|政策|方略|重要思想|思想|理论|精神|框架|倡议|"
    "学习教育|专题教育|运动|相互|协同|联动|并举|并重"
)
_FORMULA_SUFFIX = rf"{_FORMULA_HEAD_WORDS}|问题|场所|方式|的|和|与|及|等|为|中|上"
#: Nouns that end a counted formula's head when no other head word follows (四项基本原则|以, 五项原则|基础上; but
#: 四个全面|战略布局): the kinds of set a count names.
_SET_NOUNS = "原则|方针|政策|制度|规定|任务|标准|要求|目标|工程|行动|战略|理论|思想|主张|条件|文明"
#: The head words that are no set nouns (精神, 机制, 工作: what a formula has or does, not what it counts): inside a counted
#: formula's head they end it (八项规定|精神, 四大体系 aside: a head may open with one).
_INNER_HEAD_WORDS = "|".join(w for w in _FORMULA_HEAD_WORDS.split("|") if w not in _SET_NOUNS.split("|"))


def _words(alternatives: str) -> str:
    """A pattern for one of these words, which first tests the next character against their first characters (fast to fail)."""
    first = "".join(sorted({word[0] for word in alternatives.split("|")}))
    return f"(?=[{first}])(?:{alternatives})"


_FORMULA_END = rf"(?=[^{CJK}]|$|{_words(_FORMULA_SUFFIX)})"
_PART = rf"[{FORMULA_NUMERALS}]{_T}{{1,3}}?(?:（[{FORMULA_NUMERALS}]{_T}{{1,3}}?）)?"
# What follows a formula's first numeral in the counted form (五个, 二十条): a counter, or a
# second numeral and a counter (and 二十三条: articles are numbered past twenty). 大 follows one
# numeral only: 三大任务, but 二十大 is a congress.
_COUNTER_AFTER_NUMERAL = rf"(?:[{_FORMULA_COUNTERS}]|[{CN_DIGITS}][{_FORMULA_COUNTERS.replace('大', '')}]|[{CN_DIGITS}]{{2}}条)"
# A formula's first numeral never follows a numeral, a zero (二〇三五), 第 (第三个五年计划), the dot
# of a date (五·七指示, 一二·九运动) or 之 of a fraction or percentage (百分之十以上, 三分之一).
NOT_BEFORE_FORMULA = FORMULA_NUMERALS + CN_ZERO + "第·之"
# The ordinals of five-year plans: 十一五 to 十九五 always name a plan (no number is written so);
# 一五 to 十五 only quoted or before 计划/规划/时期/期间 (三五年, 十五年 are periods).
_PLAN_ORDINALS = CN_ORDINALS[:9]
# Python's re scans fast only for a pattern that opens with a character class (it then
# skips to the next position holding one of its characters), so the detector is two
# patterns: one for the forms a numeral opens, which consumes that numeral first and tests
# what came before it by lookbehind, and one for the head-first form, tried after each
# opening quotation mark. At any position at most one of them can match.
_FORMULA_NUMERAL_RE = re.compile(
    rf"[{FORMULA_NUMERALS}](?<![{NOT_BEFORE_FORMULA}].)(?:"
    rf"(?P<plan>(?<=十)[{_PLAN_ORDINALS}]五(?![{CN_NUMERAL_CHARS}{CN_VAGUE}点年岁个])"
    rf"|(?<=[“‘《][{_PLAN_ORDINALS}十])五(?=[”’》])|(?<=[{_PLAN_ORDINALS}十])五(?=计划|规划|时期|期间))"
    rf"|(?P<multi>{_T}{{1,2}}?(?:（[{FORMULA_NUMERALS}]{_T}{{1,3}}?）)?(?:{_PART}){{1,4}}{_FORMULA_END}"
    rf"|{_T}{{1,2}}一(?=[^{CJK}]|$))"
    rf"|(?P<counted>(?<=[“‘《][{CN_DIGITS}]){_COUNTER_AFTER_NUMERAL}[{CJK}]{{0,8}}(?=[”’》])"
    rf"|(?<=一)[{_FORMULA_COUNTERS}]{_T}{{1,4}}?[、，]两[{_FORMULA_COUNTERS}]{_T}{{1,4}}?(?=[^{CJK}]|$|[的和与及])"
    rf"|(?<=[{CN_DIGITS}]){_COUNTER_AFTER_NUMERAL}(?:\d+(?:\.\d+)?[%％]|[{CJK}](?:(?!{_words(_INNER_HEAD_WORDS)})[{CJK}]){{0,3}}?(?=[^{CJK}]|$|[的和与及中等])"
    rf"|[{CJK}]{{0,2}}?(?:{_SET_NOUNS})(?!{_words(_FORMULA_HEAD_WORDS)})|[{CJK}]{{1,4}}?(?={_words(_FORMULA_HEAD_WORDS)})"
    rf"|[{CJK}]{{1,2}}?(?=[{CN_DIGITS}]{_COUNTER_AFTER_NUMERAL})))"
    rf"|(?P<bare>(?<=[“‘《].){_T}{{1,4}}(?=[”’》])|(?<=双){_T}{{1,2}}?{_FORMULA_END}"
    rf"|(?<=[{CN_DIGITS[1:]}]){_T}{{1,2}}(?=工作机制|工作法|工作模式|机制|模式)|(?<=[{CN_DIGITS[1:]}]){_T}(?={_words('问题|' + _FORMULA_HEAD_WORDS)})"
    rf"|(?<=[{CN_DIGITS[1:]}]){_T}{{2}}(?=[^{CJK}]|$|的)|(?<=[两三四五])步走|(?<=[两三四五六七八九十])化(?!螟))"  # 四化; 三化螟 (LEXICALISED) is a pest
    rf")",
    re.MULTILINE,
)
_FORMULA_HEAD_FIRST_RE = re.compile(rf"(?P<head_first>{_T}{{1,6}}[{FORMULA_NUMERALS}]{{1,2}}[条项点章](?=[”’]))")
# The set phrase that puts its count after the head unquoted (约法三章: a pledge of N rules), found by its head;
# and a five-year plan named in full by its ordinal (第六个五年计划), found by 五年.
# (Each opens with its literal and tests what came before it by lookbehind: re scans fast for a literal.)
_SET_PHRASE_RE = re.compile(rf"(?P<head_first>约(?<![{NOT_BEFORE_FORMULA}].)法[{CN_DIGITS}]{{1,2}}章)")
_PLAN_IN_FULL = rf"第[{CN_ORDINALS}]{{1,3}}个五年(?:计划|规划)"
_PLAN_IN_FULL_RE = re.compile(rf"(?P<plan>第(?<![{NOT_BEFORE_FORMULA}].){_PLAN_IN_FULL[1:]})")
#: Words that open with a numeral but name no set: lexicalised words, idioms, metaphors, and the
#: idioms built like a multi-part formula (三令五申, 五花八门): their numerals count nothing.
LEXICALISED = frozenset(
    "一把手 一线 一流 一体 一体化 一元化 一元论 二元 多元化 一览表 一往无前 一起 一切 一些 一般 一定 一直 一致 一样 一同 一并 一再 一律 "
    "一贯 一举 一道 一带 一路 一旦 一度 一年一度 一言堂 一股绳 一盘棋 一条心 一家人 一家亲 一张蓝图 一条龙 一刀切 一站式 一揽子 "
    "一心一意 一言一行 一点一滴 一朝一夕 一草一木 一针一线 一砖一瓦 一丝一毫 一举一动 一五一十 一穷二白 "
    "三心二意 四面八方 五湖四海 七上八下 七嘴八舌 十全十美 九牛一毛 一石二鸟 一举两得 三番五次 一分为二 四分五裂 "
    "一兵一卒 一模一样 一清二楚 一干二净 一来二去 一问三不知 一波三折 一刀两断 一唱一和 一张一弛 一板一眼 一目十行 "
    "一箭双雕 一言九鼎 一长一短 一高一低 一前一后 一上一下 一左一右 一大一小 一进一出 一时一地 一时一事 一城一地 "
    "一生一世 一分一秒 一举三得 一石两鸟 三令五申 三头六臂 三言两语 三心两意 三妻四妾 三纲五常 三下五除二 "
    "三长两短 两面三刀 五花八门 五颜六色 五光十色 五脏六腑 五大三粗 七手八脚 七情六欲 七拼八凑 七零八落 七高八低 "
    "九死一生 十拿九稳 十室九空 十里八乡 四平八稳 四通八达 四舍五入 四大皆空 "
    "双方 双向 双重 双手 双边 双赢 双多边 双馨 双刃剑 双胞胎 两岸 两极 "
    # place names that open with a numeral
    "四川 三峡 三亚 三明 九江 六安 十堰 五指山 三门峡 七台河 八一 "
    # pests of rice named by their broods a year
    "二化螟 三化螟".split()
)
_LEVEL_NAMES = "省市县乡镇村区"
_LEXICALISED_BY_FIRST: dict[str, tuple[str, ...]] = {
    first: tuple(sorted(w for w in LEXICALISED if w[0] == first)) for first in {w[0] for w in LEXICALISED}
}


def iter_models(text: str) -> Iterator[re.Match[str]]:
    """X+Y(+Z) models written with a plus sign: 党建+警务, 1+X, 5+2, 公安+村居（企业）, and the quoted open slot “党建+”.

    Unquoted, a model leaves out the verbs and adverbs before it (大力推进|互联网+政务服务) and a numeric one the
    words either side (构建|1+N|政策体系): see :func:`_unquoted_model_bounded`.

    >>> [m.group() for m in iter_models("深化“党建+营商环境”建设, 健全“1+X”制度, 以“党建+”的模式, 拓展“公安+村居（企业）”")]
    ['党建+营商环境', '1+X', '党建+', '公安+村居（企业）']
    >>> [m.group() for m in iter_models("大力推进互联网+政务服务，构建1+N政策体系")]
    ['互联网+政务服务', '1+N']
    """
    if "+" not in text and "＋" not in text:  # most texts: skip the scan
        return iter(())
    return _models_on_plus_lines(text)


def _models_on_plus_lines(text: str) -> Iterator[re.Match[str]]:
    """``_MODEL_RE.finditer(text)``, searched only on the lines (between \\n) that hold a plus sign.

    Every model holds a plus sign and none crosses a \\n, and the pattern ends in no ``$``:
    a search bounded to a line finds what the whole text's search finds there. (The pattern
    can open on any ideograph, so a search of a whole Chinese text tries every position.)
    """
    for start, end in plus_sign_lines(text):
        for m in _MODEL_RE.finditer(text, start, end):
            yield _unquoted_model_bounded(text, m)


def _unquoted_model_bounded(text: str, m: re.Match[str]) -> re.Match[str]:
    """An unquoted model without the words of the clause it was written in: the verbs and adverbs that open its first term
    (大力推进|互联网+政务服务, 发展|互联网+医疗健康) and, for a numeric model, the words either side (构建|1+N|政策体系).

    Quoted, its marks bound it; a first term made only of such words (发展+) is left whole.
    """
    if m.start() and text[m.start() - 1] in "“‘":
        return m
    numeric = _NUMERIC_IN_WORDS_RE.fullmatch(m.group())
    if numeric and numeric.span("model") != (0, len(m.group())):  # the parts of a numeric model are digits and letters
        return _MODEL_FROM_RE.match(text, m.start() + numeric.start("model"), m.start() + numeric.end("model")) or m
    lead = _MODEL_LEAD_RE.match(m.group())
    first = re.split("[+＋]", m.group(), maxsplit=1)[0]
    if lead is None or lead.end() >= len(first):
        return m
    return _MODEL_FROM_RE.match(text, m.start() + lead.end(), m.end()) or m


_PLUS = re.compile("[+＋]")


def model_parts(model: str) -> list[str]:
    """The parts of an X+Y model, in order; an open slot (党建+) is an empty part.

    >>> model_parts("党建+网格+警务"), model_parts("党建+")
    (['党建', '网格', '警务'], ['党建', ''])
    """
    return re.split(r"[+＋]", model)


def model_heads(texts: Iterable[str], defaults: Iterable[str] = DEFAULT_MODEL_HEADS) -> frozenset[str]:
    """Model heads seen in explicit X+Y models of these texts, plus the defaults."""
    heads = set(defaults)
    for text in texts:
        heads.update(model_parts(m.group())[0] for m in iter_models(text))
    return frozenset(h for h in heads if re.fullmatch(CJK_CHAR + "{2,}", h))


def iter_spaced_sequences(text: str) -> Iterator[re.Match[str]]:
    """Runs of short terms separated by bare spaces (党建 网格 警务): lost-plus candidates.

    >>> [m.group() for m in iter_spaced_sequences("推行“党建 网格 警务”模式，深化平安建设")]
    ['党建 网格 警务']
    """
    if " " not in text and "\u3000" not in text and "\u00a0" not in text:  # most Chinese texts: no space at all
        return iter(())
    return _spaced_at_gaps(text)


_GAP = re.compile("[ \u00a0\u3000][ \u00a0\u3000]*")  # not [...]+: a pattern opening on a repeat is tried at every position
_TERM_CHAR = re.compile(f"[{CJK}A-Za-z0-9]")


def _spaced_at_gaps(text: str) -> Iterator[re.Match[str]]:
    """``_SPACED_RE.finditer(text)``, tried only at the start of a term right before a space.

    A sequence starts where a run of term characters starts (the lookbehind) and that run,
    its first term, is at most ten characters long and followed by a space: each space
    names the one place to try. (Tried everywhere, the pattern costs ten steps a character.)
    """
    end = 0
    for gap in _GAP.finditer(text):
        at = start = gap.start()
        while start > 0 and at - start <= 10 and _TERM_CHAR.match(text, start - 1):
            start -= 1
        if start == at or at - start > 10 or start < end:
            continue
        m = _SPACED_RE.match(text, start)
        if m:
            end = m.end()
            yield m


def iter_quotes(text: str, max_len: int | None = None) -> Iterator[re.Match[str]]:
    """Quoted phrases “…” and ‘…’ on one line; group 1 or 2 holds the inner text.

    >>> [m.group() for m in iter_quotes("坚持“枫桥经验”和“为民服务”")]
    ['“枫桥经验”', '“为民服务”']
    """
    end = 0
    for at in _opening_quotes(text):  # what _QUOTE_RE.finditer finds, found faster
        m = _QUOTE_RE.match(text, at) if at >= end else None
        if m:
            end = m.end()
            if max_len is None or len(m.group(1) or m.group(2)) <= max_len:
                yield m


def _opening_quotes(text: str) -> Iterator[int]:
    """Positions of the opening quotation marks “ and ‘, in order.

    Two scans for one literal each: Python's re skips to a literal far faster than to
    either of two characters.
    """
    return heapq.merge(*((m.start() for m in re.finditer(mark, text)) for mark in "“‘"))


def iter_titles(text: str) -> Iterator[re.Match[str]]:
    """Cited document titles in 《…》; group 1 holds the title.

    >>> [m.group(1) for m in iter_titles("制定《重要事项清单》")]
    ['重要事项清单']
    """
    return _TITLE_RE.finditer(text)


def iter_numbers(text: str) -> Iterator[re.Match[str]]:
    """Numbers with a unit (12.1%, 47.3万亿元, 300余场, 1000余万元): groups number, scale, approx, scale2 (the scale after
    approx), unit, alt (（次）). The whole scale is ``scale + scale2`` (1万多亿元: 万亿); see :func:`number_value`.

    >>> [m.group() for m in iter_numbers("年均增长12.1%, 达到47.3万亿元, 提高7.2个百分点, 召开300余场, 发放5万余份, 1万多亿元")]
    ['12.1%', '47.3万亿元', '7.2个百分点', '300余场', '5万余份', '1万多亿元']
    """
    return _NUMBER_UNIT_RE.finditer(text)


#: Words written as a number that count nothing: idioms and set phrases (万一 "in case", 千万 "by all
#: means", 万岁 "long live", 百年 "centenary"). A corpus that wants them out adds them to a stop list.
NUMERAL_IDIOMS = frozenset("万一 一一 万万 千万 万千 千千万万 亿万 千百万 万岁 百年".split())
#: What may follow a number in a word that is only a number: counters, money, and 是 (一是, an
#: enumerator). Never 分, 点 or 时 alone (十分 "very", 一点 "a little", 一时 "for a while"), nor the
#: counters of formulae (类, 种: “四类”人员 is a set, not a count).
_NUMBER_UNITS = "个名场次件项条位批届天是元"
# One number: digits or numerals, with 余/多/几/数 and scales anywhere (10余万, 三千多, 数百), a fraction (三分之一).
_NUMERAL = rf"(?:\d+(?:[.．,，]\d+)*|[{CN_NUMERAL_CHARS}]+)"
_ONE_NUMBER = rf"[{CN_VAGUE}]?{_NUMERAL}(?:分之{_NUMERAL})?(?:[{CN_VAGUE}]|{_NUMERAL})*"
_NUMBER_WORD_RE = re.compile(
    rf"[\d.．,，%％‰\-–—~～/:：]+"  # 2024, 12.1%, 2023-05-12, 14:30
    rf"|(?:第|百分之|千分之)?{_ONE_NUMBER}(?:[{_NUMBER_UNITS}]|周年|个月|万元|亿元|人次)?"  # 第三次, 10余万, 一百多个
    rf"|(?:{_ONE_NUMBER}年)?(?:{_ONE_NUMBER}月)?(?:{_ONE_NUMBER}[日号])?"  # 一九五四年, 十月一日
)


def is_number_word(word: str) -> bool:
    """Whether a word is nothing but a number: digits or a written-out numeral, with 余/多/几, scales and one unit.

    Numeral years, dates and counts (一九五四年, 二〇二二年, 1954年, 10余万, 三千多, 三分之一, 第三次, 一是)
    are numbers; words that merely open with a numeral (一些, 一样, 统一, 四个全面, 二十大) and
    the idioms in :data:`NUMERAL_IDIOMS` (万一, 千万) are not. Nor are the names of five-year plans
    (十三五, 十四五, 九五: :func:`is_plan_name`), save those also written as a number or a round
    count (十五, 三五, 四五, 五五: 三五天). Full-width digits count as digits.

    >>> [w for w in ["一九五四年", "二〇二二年", "１９５４年", "10余万", "三千多", "一名", "第三次", "12.1%", "数百"] if is_number_word(w)]
    ['一九五四年', '二〇二二年', '１９５４年', '10余万', '三千多', '一名', '第三次', '12.1%', '数百']
    >>> [w for w in ["一些", "一样", "统一", "万一", "千万", "十分", "四个全面", "两个一百年", "二十大", "十四五", "九五"] if is_number_word(w)]
    []
    """
    if not word or word in NUMERAL_IDIOMS or (is_plan_name(word) and word not in _PLAN_NAMES_ALSO_NUMBERS):
        return False
    return _NUMBER_WORD_RE.fullmatch(word) is not None


#: Plan names that are also a number (十五) or a round count (三五天, 四五个).
_PLAN_NAMES_ALSO_NUMBERS = frozenset("十五 三五 四五 五五".split())


_ZERO_RE = re.compile(rf"(?<![{CN_NUMERAL_CHARS}\d.])(?P<zero>零(?:发生|发案|事故|伤亡|死亡|投诉|差错|失误|上访|感染|滞留|积压|漏报|增长|突破))")


def iter_zero_counts(text: str) -> Iterator[re.Match[str]]:
    """Outcomes stated as zero (零发案, 零发生, 零伤亡): counts without a digit; group ``zero``.

    >>> [m.group() for m in iter_zero_counts("持枪犯罪“零发案”，事故零发生，零容忍")]
    ['零发案', '零发生']
    """
    return _ZERO_RE.finditer(text)


def iter_formulae(text: str) -> Iterator[re.Match[str]]:
    """Numbered formulae (提法): fixed labels whose numeral counts the things they bundle.

    The rule, from the genre: a formula is a label a text uses for a set (principles, tasks,
    campaigns, mechanisms) whose numeral counts that set's members, wherever the numeral stands:
    四个全面, 三去一降一补, 一国两制, 双循环 (双 counts two), “国十条” (the head first), and the
    five-year plans 十四五, “九五”, 六五计划 (form ``plan``: the numeral numbers the plan).
    Not formulae: a count of things in running prose (三个方面, 五项措施, 两项工作: a counter
    with a generic head (三个特点, 两项试点), or after 这/那 kinds or a bare noun of two characters
    that point back to items just named (这两种倾向, 这两个目标), unless the text quotes it as a
    label), a quantity (两个孩子, 十个成员:
    people, places), an ordinal or rank (第一, 第二个百年, 一是), an enumerator (一是/二是, and by any
    verb: 一靠…二靠), a date or period (三年, 九二共识,
    二〇三五年), a congress (二十大, 党的九大), a count of administrative levels (省地县三级), 一 as
    an article (一场, 一项; 一 with a counter counts only quoted or ending a heading line) or ending a
    word (统一大业), an idiom or lexicalised word, or a quoted phrase opening with one (三令五申,
    五湖四海, 一把手, “一切向钱看”: :data:`LEXICALISED`) and numbers in Arabic digits (claims).
    A counted formula ends where a word that names what it has or does begins (八项规定|精神).

    ``m.lastgroup`` (``plan``, ``multi``, ``counted``, ``bare``, ``head_first``) gives the form;
    ``m.group()`` is the formula (the named group itself may leave out its first numeral).

    >>> [m.group() for m in iter_formulae("统筹“五位一体”总体布局，协调推进四个全面战略布局，制定“十四五”规划，形成国内国际双循环相互促进的格局")]
    ['五位一体', '四个全面', '十四五', '双循环']
    >>> [m.group() for m in iter_formulae("从三个方面推进，落实五项措施，家有两个孩子，第二个百年奋斗目标，到二〇三五年，党的十二大，三令五申")]
    []
    """
    for m in _formula_candidates(text):
        if m.lastgroup == "multi" and m.group()[:2] in _ONE_TIME:  # 开展一次三严三实: the formula follows the article
            m = _FORMULA_NUMERAL_RE.search(text, m.start() + 2, m.end() + _ONE_TIME_REACH)
            if m is None:
                continue
        start, end = m.span()
        if _is_formula(m.group(), m.lastgroup, text[start - 1] if start else "", text[end : end + 1]) \
                and not _continues_enumeration(text, m):  # fmt: skip
            yield m


#: An article before a formula (一次, 一场, 一轮 …三严三实): the candidate that opens with it starts after it.
_ONE_TIME = frozenset(f"一{c}" for c in "次场轮回遍")
_ONE_TIME_REACH = 20
#: How far back (characters) the item before an enumerator (一靠 before 二靠) is looked for.
_ENUMERATION_REACH = 40


def _continues_enumeration(text: str, m: re.Match[str]) -> bool:
    """Whether a bare candidate N+X is the next item of an enumeration by a verb (一靠教育，二靠制度; 一抓…二抓…): the
    item numbered one less, with the same character, stands shortly before it. Its numeral orders items, as in 一是/二是."""
    surface = m.group()
    if m.lastgroup != "bare" or surface[0] not in CN_ORDINALS[1:]:
        return False
    previous = CN_ORDINALS[CN_ORDINALS.index(surface[0]) - 1] + surface[1]
    return previous in text[max(0, m.start() - _ENUMERATION_REACH) : m.start()]


@lru_cache(maxsize=1 << 16)
def _is_formula(surface: str, form: str, before: str, after: str) -> bool:
    """Whether a candidate is a formula, from its text, its form and the characters either side (memoised: formulae repeat)."""
    return (surface not in LEXICALISED and not _rejected_count(surface, form, before, after) and not _rejected_multi(surface, form)
            and not _rejected_bare(surface, form, before) and not _opens_with_lexicalised(surface, form))  # fmt: skip


def _opens_with_lexicalised(surface: str, form: str) -> bool:
    """A quoted or 双 phrase whose numeral is the first character of a lexicalised word (“一切向钱看”, 双向奔赴): the
    numeral counts nothing. (Multi-part and counted forms are built of numerals that count: 一带一路 is no 一带.)"""
    return form == "bare" and any(surface.startswith(w) for w in _LEXICALISED_BY_FIRST.get(surface[0], ()))



def _formula_candidates(text: str) -> Iterator[re.Match[str]]:
    """Matches of the two formula patterns, leftmost first and never overlapping (as one pattern's finditer)."""
    quoted = "“" in text or "‘" in text  # most paragraphs quote nothing: no merge of two empty scans
    heads = filter(None, (_FORMULA_HEAD_FIRST_RE.match(text, at + 1) for at in _opening_quotes(text))) if quoted else iter(())
    if "约法" in text:
        heads = heapq.merge(heads, _SET_PHRASE_RE.finditer(text), key=lambda m: m.start())
    if "五年" in text:
        heads = heapq.merge(heads, _PLAN_IN_FULL_RE.finditer(text), key=lambda m: m.start())
    num, head = _FORMULA_NUMERAL_RE.search(text), next(heads, None)
    while num or head:
        found = num if head is None or (num is not None and num.start() < head.start()) else head
        yield found
        if num is not None and num.start() < found.end():
            num = _FORMULA_NUMERAL_RE.search(text, found.end())
        while head is not None and head.start() < found.end():
            head = next(heads, None)


def _rejected_count(surface: str, form: str, before: str, after: str) -> bool:
    """A numeral with a counter that is an article, a congress ordinal, a count of levels, a count in prose or a quantity."""
    if form != "counted":
        return False
    counter = surface[1] if surface[1] in _FORMULA_COUNTERS else surface[2]
    # "" (the text's start or end) is in every string: not a quotation mark
    quoted = before != "" and before in "“‘《" and after != "" and after in "”’》"
    if _PAIR.search(surface):  # 一个中心、两个基本点, 一个国家，两种制度: a pair is a label
        return False
    if surface[0] == "一" and not quoted and (after not in ("", "\n") or (before != "" and before in _WORD_BEFORE_ONE)):
        return True  # 一 as an article; at a line end (a heading) a label, unless a word ends in it (统一大业)
    head = surface[surface.index(counter) + 1 :]
    if re.match(r"月|年|天|小时|百分点|以|期间", head) or (len(head) == 1 and after == "的"):  # periods, units; 两个目|的
        return True
    if counter == "大" and re.match(r"路线|开幕|闭幕|决议|党章|召开|和|精神|以来|报告|代表|会议|上|期间|前|后|"
                                    r"制定|通过|提出|确定|确立|作出|决定|强调|指出|要求|规定|选举|修改", head):  # congresses: 九大制定
        return True
    labelled = after != "" and after in "”’》"  # quoted, or ending a quoted name (“……二十项措施”)
    # 三条都忘记了, 十条之多, 十大在我们党: a word that cannot open a noun (an adverb, a preposition, a particle) follows the
    # counter, so the numeral counts something named before it; 两个和平之间: "between two" of a thing, a count in prose
    if not quoted and (_FUNCTION_HEAD.match(head) or _BETWEEN_HEAD.search(head)):
        return True
    # 这两种错误思想, 这两个目标, 这两大理论成果: after 这/那 a count of kinds, or of a bare noun of two characters at most,
    # points back to items just named (这四项基本原则, 这两个基本点, 这三大历史任务 name a set)
    if not labelled and before != "" and before in "这那" and (counter in "种类件" or len(head) <= 2):
        return True
    if not labelled and counter in "个项种件" and (_PROSE_HEAD.match(head) or _PROSE_HEAD_END.search(head) or _QUANTITY_HEAD.match(head)):
        return True
    if not labelled and (counter in "个项种件条" and _BODY_HEAD_END.search(head) or counter == "场"):
        return True  # 五个督导组, 三条公交线路; 五场宣讲 (场 counts events: a label of them is quoted)
    congress = counter == "大" and before in "的共党" and not head  # 党的九大; the heads of congresses are rejected above
    return before != "" and ((counter == "级" and before in _LEVEL_NAMES) or congress)


#: Words that cannot open the noun a formula names: adverbs, prepositions, particles (三条都忘记了, 十条之多, 十大在我们党).
_FUNCTION_HEAD = re.compile("[都也还就才又再已曾在从向把被给之的了所而并或即则便]")
#: A head ending in a word of position between or among things: 两个和平之间, 三个国家之中 (a count in prose).
_BETWEEN_HEAD = re.compile("(?:之间|之中|之内|之外|中间)$")
_PAIR = re.compile("[、，]两")  # 一个中心、两个基本点: one formula, not an article and a formula
#: Heads that make N个/N项/N种/N件 a count in running prose, not a label: 三个方面, 五项措施, 两项工作, 两种可能.
_PROSE_HEAD = re.compile("方面|措施|举措|工作|问题|环节|层面|部分|阶段|步骤|因素|方法|办法|事情|可能|情况|形式|途径|手段|结果|现象|类型|"
                         "特点|特征|不同|试点|重点|批次")
#: The same nouns after a modifier: 三个重要问题, 两个突出特点.
_PROSE_HEAD_END = re.compile("(?:问题|方面|特点|特征|环节|因素|情况)$")
#: Heads that make N个 a quantity: people (两个孩子, 十个成员) and places or bodies (三个国家, 五个部门).
_QUANTITY_HEAD = re.compile("人|孩子|子女|儿童|成员|同志|党员|干部|委员|家庭|国家|地区|城市|省|县|乡|镇|村|街道|社区|单位|部门|企业|科室")
#: Heads ending in a body, office or site (五个督导组, 七个专班, 三个工作站, 两个示范区): a count of what an organisation
#: set up or sent, never a label's set.
_BODY_HEAD_END = re.compile("(?:组|班|队|站|室|科|所|分局|处|中心|医院|学校|区|基地|网格|项目|村|园|厂|馆|桥|楼|企业|公司|平台|窗口|"
                            "(?<!市)场|会|(?<!条)件|案|口|生产线|线路|文件|课题|品牌|典型|线索|难题|重点)$")


def _rejected_bare(surface: str, form: str, before: str) -> bool:
    """A numeral and a term that is a date or period (“二月提纲”), or, not quoted, an enumerator or a count: a measure
    word or a counted noun opens the term (二要, 五年工作, 两句话, 两国间)."""
    if form != "bare" or surface[0] == "双":
        return False
    if surface[1] in "年月日号时":  # a date or a period, quoted or not: “二月提纲”, “三年规划”
        return True
    if before in ("“", "‘", "《"):
        return False
    if surface[1] in CN_VAGUE or surface[1] in "是要则来连":  # 十几年, 三多个; enumerators: 二是, 二要; 三连冠
        return True
    return surface[1] in _MEASURE_WORDS and surface[1:] != "步走"  # 两步走, 三步走: the strategy in steps


#: Measure words (a closed class) and nouns a numeral counts directly (人, 国, 岸, 者, 省, 地): after a
#: numeral they make a count or a period (两句话, 三部分, 两国间), never a formula's term; N步走 is the exception.
_MEASURE_WORDS = frozenset("个只条张本件位名口头匹句部份种类批群支队套对副根棵座栋所家间层段节篇首封幅把面方点处项道笔台辆架艘枚"
                           "颗粒片块团堆串排行列届期次回遍趟顿场阵番声步路组角年月日天周岁倍成代季人国岸者极省市县区乡镇村地")  # fmt: skip


def _rejected_multi(surface: str, form: str) -> bool:
    """Numerals in a row that are a date, a congress session, a period, a range, a repetition or a word (十分, 统一)."""
    if form != "multi":
        return False
    runs = list(_NUMERAL_RUN.finditer(surface))
    terms = [t for t in _NUMERAL_RUN.split(surface)[1:]]
    if any(len(r.group()) > 1 for r in runs) or re.search(r"十分|又|届|之|月|的", surface):
        return True
    if any(t in ("到", "至", "或") for t in terms[:-1]):  # a range: 七到八成, 三或四个
        return True
    if sum(t.startswith("大") for t in terms) > 1:  # congresses in a row: 七大和八大
        return True
    if all(len(t) == 1 and (t in _MEASURE_WORDS or t in "夜晚") for t in terms):  # durations and counts: 三天两夜, 两人一组
        return True
    numerals = [r.group() for r in runs]
    if terms[-1] in _PERIOD_WORDS or any(b and a and b.startswith(a) and len(a) == 1 and m == n  # 一步一步 (三反五反 counts)
                                         for a, b, m, n in zip(terms, terms[1:], numerals, numerals[1:])):
        return True
    return any(r.group() == "一" and r.start() and surface[r.start() - 1] in _WORD_BEFORE_ONE for r in runs)


#: Characters that end a word with 一 (统一, 唯一, 同一, 万一, 专一, 划一, 逐一, 单一, 均一): that 一 opens no formula.
_WORD_BEFORE_ONE = "统唯同万专划逐单均"


#: Words after a numeral that make it a period or a plain count, not a formula part.
_PERIOD_WORDS = frozenset("年 月 日 天 代 次 届 个 名 位 周 岁".split())


def formula_numbers(formula: str) -> list[str]:
    """The numerals that structure a formula, in order (二十 is one numeral, 双 one; a plan's number: 十四 in 十四五).

    >>> formula_numbers("三去一降一补"), formula_numbers("二十条意见"), formula_numbers("国十条"), formula_numbers("十四五")
    (['三', '一', '一'], ['二十'], ['十'], ['十四'])
    """
    if is_plan_name(formula):
        return [formula[1:-5] if formula.startswith("第") else formula[:-1]]
    return [m.group() for m in _NUMERAL_RUN.finditer(formula)][: 1 if _counted(formula) else None]


def formula_head(formula: str) -> str:
    """What a formula's numerals count: its terms joined by '/', the counter dropped unless nothing else remains.

    A five-year plan's head is 五年规划: its numeral numbers the plan and counts nothing.

    >>> [formula_head(f) for f in ["三去一降一补", "三大攻坚战", "四类", "一村（一组）一专干", "两个40%", "国十条", "九五", "一个中心、两个基本点"]]
    ['去/降/补', '攻坚战', '类', '村/组/专干', '40%', '国（条）', '五年规划', '中心/基本点']
    """
    if is_plan_name(formula):
        return "五年规划"
    if _PAIR.search(formula):  # 一个中心、两个基本点
        return "/".join(formula_head(part) for part in re.split("[、，]", formula))
    counted = _counted(formula)
    if counted:
        return formula[counted.end() :] or counted.group("counter")
    runs = list(_NUMERAL_RUN.finditer(formula))
    if not runs:
        return formula
    if runs[0].start() > 0:  # head first: 国十条
        run = runs[-1]
        return f"{formula[: run.start()]}（{formula[run.end():]}）"
    terms = [t.strip("（）") for t in _NUMERAL_RUN.split(formula)]
    return "/".join(t for t in terms if t)


def is_plan_name(word: str) -> bool:
    """Whether a word is the name of a five-year plan by its number (一五 to 十九五, 第六个五年计划; the detector's form ``plan``).

    Ten and more are always plan names (十三五: no number is written so); below ten the word is also a
    number or part of one (九五, 十五), and :func:`iter_formulae` takes it as a plan only quoted or
    before 计划/规划/时期/期间.

    >>> [w for w in ["十三五", "十四五", "九五", "十五", "第六个五年计划", "二十五", "五", "五年计划"] if is_plan_name(w)]
    ['十三五', '十四五', '九五', '十五', '第六个五年计划']
    """
    return _PLAN_NAME_RE.fullmatch(word) is not None


_PLAN_NAME_RE = re.compile(rf"十?[{_PLAN_ORDINALS}]五|十五|{_PLAN_IN_FULL}")
_NUMERAL_RUN = re.compile(f"[{FORMULA_NUMERALS}]+")
_COUNTED_START = re.compile(rf"^(?:[{CN_DIGITS}]{{1,3}})(?P<counter>[{_FORMULA_COUNTERS}])")


def _counted(formula: str) -> re.Match[str] | None:
    """The numeral and counter opening a counted formula (四个全面), not a multi-part one (一企业一方案)."""
    m = _COUNTED_START.match(formula)
    if m and re.search(f"^[^{FORMULA_NUMERALS}]{{1,3}}[{FORMULA_NUMERALS}]", formula[m.end() :]):
        return None
    return m


def is_cjk(char: str) -> bool:
    """Whether one character is a CJK ideograph.

    >>> is_cjk("党"), is_cjk("A")
    (True, False)
    """
    return _CJK_CHAR_RE.fullmatch(char) is not None


_CJK_CHAR_RE = re.compile(CJK_CHAR)


_CN_VALUES = {**dict.fromkeys(CN_ZERO, 0), **{c: i for i, c in enumerate(CN_ORDINALS[:9], start=1)}, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = (("亿", 1e8), ("万", 1e4))


def cn_int(numeral: str) -> int | None:
    """The value of a Chinese (or Arabic) integer numeral, None if it is not one.

    Digits written one by one are read by position (二〇三五, 一九四九); a last digit right after
    百 or 千 counts the next lower place, as it is said (一千二 is 1,200, 一百一 is 110; 一千零二 is
    1,002). Two digits without a place (三五, 五六) are a rough range, read here as its upper end.

    >>> [cn_int(s) for s in ["三", "两", "十", "十五", "二十", "一百零八", "12", "多"]]
    [3, 2, 10, 15, 20, 108, 12, None]
    >>> [cn_int(s) for s in ["二〇三五", "一九四九", "一千二", "一百一", "一千零二"]]
    [2035, 1949, 1200, 110, 1002]
    """
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in _CN_VALUES and ch not in _CN_UNITS for ch in numeral):
        return None
    if all(ch in _CN_VALUES for ch in numeral) and (len(numeral) > 2 or any(ch in CN_ZERO for ch in numeral)):
        return int("".join(str(_CN_VALUES[ch]) for ch in numeral))  # 二〇三五: digit by digit
    total, digit = 0, None
    for ch in numeral:
        if ch in _CN_VALUES:
            digit = _CN_VALUES[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    if digit and len(numeral) > 1 and numeral[-2] in _CN_UNITS:  # 一千二: two hundred after the thousand
        return total + digit * _CN_UNITS[numeral[-2]] // 10
    return total + (digit or 0)


def chinese_numeral_value(number: str) -> float:
    """The value of a number as :data:`NUMBER` matches it: Arabic (1,200, 47.3) or written out (三千二百万, 三点五).

    Written-out numbers: 亿 and 万 multiply what comes before them (二万八千亿: 28,000 × 10⁸; a
    bare 万 is ten thousand), the rest is read by :func:`cn_int`, and the digits after 点 are
    decimals read one by one.

    >>> [chinese_numeral_value(n) for n in ["一百二十", "三千二百万", "一亿二千万", "二万八千亿", "三点五", "1,200", "47.3"]]
    [120.0, 32000000.0, 120000000.0, 2800000000000.0, 3.5, 1200.0, 47.3]
    """
    if not _NUMBER_RE.fullmatch(number):
        raise ValueError(f"not a number in Arabic digits or Chinese numerals: {number!r}")
    if re.search(r"\d", number):
        return float(re.sub(rf"[,，]|{GROUP_SPACE}", "", number).replace("．", "."))
    whole, _, frac = number.partition("点")
    value = _written_out(whole)
    return value + float("0." + "".join(str(cn_int(c)) for c in frac)) if frac else value


def _written_out(numeral: str) -> float:
    """A written-out integer with 亿 and 万 (一万亿, 三千二百万), each scale multiplying the numeral before it.

    A lone digit after the scale counts its next lower place (两万五 is 25,000, as 一千二 is 1,200);
    万万 is 亿 (四万万同胞).
    """
    numeral = numeral.replace("万万", "亿")
    for scale, factor in _CN_LARGE:
        if scale in numeral:
            head, rest = numeral.split(scale, 1)
            if len(rest) == 1 and rest in _CN_VALUES and rest not in CN_ZERO:  # 两万五
                return (_written_out(head) or 1) * factor + _CN_VALUES[rest] * factor / 10
            return (_written_out(head) or 1) * factor + _written_out(rest)
    return float(cn_int(numeral) or 0)


#: Markers of enumerated items: 一是 (inline, after a sentence or clause end), and, at the
#: start of a line, 一、 / （一） / 1、 / （1） / 第一， — the structure official texts number.
_ENUMERATOR_RE = re.compile(
    rf"(?:(?<=^)|(?<=[。；;：:！？!?\n]))[ \u3000]*(?P<marker>"
    rf"(?P<shi>[{CN_ORDINALS}]{{1,3}})是"
    rf"|(?P<dun>[{CN_ORDINALS}]{{1,3}})[、．]"
    rf"|[（(](?P<paren>[{CN_ORDINALS}]{{1,3}})[）)]"
    rf"|(?P<arabic>\d{{1,2}})[、．.](?!\d)"
    rf"|[（(](?P<arabic_paren>\d{{1,2}})[）)]"
    rf"|第(?P<di>[{CN_ORDINALS}]{{1,3}})[，、,：:]"
    rf")",
    re.MULTILINE,
)
#: The enumeration styles, named by their first item.
ENUMERATION_STYLES = {"shi": "一是", "dun": "一、", "paren": "（一）", "arabic": "1、", "arabic_paren": "（1）", "di": "第一，"}


#: 二是 after a comma: the next item of a 一是 list written in one sentence (一是…，二是…).
_SHI_AFTER_COMMA_RE = re.compile(rf"(?<=[，,])[ \u3000]*(?P<marker>(?P<shi>[{CN_ORDINALS}]{{1,3}})是)"
                                 r"(?P<dun>(?!))?(?P<paren>(?!))?(?P<arabic>(?!))?(?P<arabic_paren>(?!))?(?P<di>(?!))?")


def iter_enumerators(text: str) -> Iterator[re.Match[str]]:
    """Markers of enumerated items (一是, 一、, （一）, 1、, （1）, 第一，) at a line or sentence start.

    The named group that matched (``shi``, ``dun``, ``paren``, ``arabic``, ``arabic_paren``,
    ``di``) gives the style and the numeral; a 一是 inside a word (统一是) is not a marker. A list
    written in one sentence (面临两大问题：一是…，二是…) continues after a comma: 二是 there is the
    next item only right after 一是 (三是 after 二是 …), so 一个是 or 唯一是 never start one.

    >>> [m.group("marker") for m in iter_enumerators("一是抓学习。二是抓落实；统一是关键。")]
    ['一是', '二是']
    >>> [m.group("marker") for m in iter_enumerators("面临两大问题：一是人才难出，二是风气不正，三是制度不全。")]
    ['一是', '二是', '三是']
    """
    marks = list(_ENUMERATOR_RE.finditer(text))
    if "是" not in text or not any(m.group("shi") for m in marks):
        return iter(marks)
    found, extra = [], iter(_SHI_AFTER_COMMA_RE.finditer(text))
    after = next(extra, None)
    for m in [*marks, None]:
        while after is not None and (m is None or after.start() < m.start()):
            previous = found[-1].group("shi") if found else None
            if previous and cn_int(after.group("shi")) == (cn_int(previous) or 0) + 1:
                found.append(after)
            after = next(extra, None)
        if m is not None:
            found.append(m)
    return iter(found)


def plus_sign_lines(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line (between \\n, without it) of a text that holds a plus sign (+ or ＋), in order.

    An X+Y model never crosses a line break: a search for models need read these lines only.

    >>> text = "党建+警务\\n坚持党的领导\\n“互联网＋”行动"
    >>> [text[a:b] for a, b in plus_sign_lines(text)]
    ['党建+警务', '“互联网＋”行动']
    """
    end = 0
    for plus in _PLUS.finditer(text):
        if plus.start() < end:
            continue
        start = text.rfind("\n", 0, plus.start()) + 1
        end = text.find("\n", plus.start())
        end = len(text) if end < 0 else end
        yield start, end
