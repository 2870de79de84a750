"""The shared detectors of the units official Chinese texts mark themselves.

X+Y models (党建+警务, 1+X), numbered formulae (三会一课, 五个坚持), quoted phrases
(“枫桥经验”), cited titles (《…》) and numbers with units (25.8%, 13.8亿元).
Cleaning, segmentation and discourse analysis all use these, so a unit is detected
the same way at every stage. Each detector yields :class:`re.Match` objects over the
text it is given; offsets are therefore offsets into that text.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

#: CJK unified ideographs (BMP, Extension A, compatibility) and Extension B–F.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_CHAR = f"[{CJK}]"
# Chinese numerals, written once. Every numeral class in the package is built from these.
#: The numerals that number things in order: 一 to 十 (一是, 一、, （一）, 第一). An ordinal
#: never uses 两 (二是, 第二, never 两是), so markers, headings and section numbers use this set.
CN_ORDINALS = "一二三四五六七八九十"
#: The numerals that count: the ordinals and 两 (两个维护). They open numbered formulae (三会一课,
#: 十大行动) and a written-out number begins with one of them.
CN_DIGITS = CN_ORDINALS + "两"
#: 双 counts as two in multi-part and bare formulae only (双提升, 一村一警双联动), never in a number.
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
# A model whose parts were joined by a bare space (the "+" was lost in scraping).
_SPACED_RE = re.compile(rf"(?<![{CJK}A-Za-z0-9]){_TERM}(?:[ \u00a0\u3000]+{_TERM})+(?![{CJK}A-Za-z0-9])")
_QUOTE_RE = re.compile(r"“([^“”\n]{1,200})”|‘([^‘’\n]{1,200})’")
_TITLE_RE = re.compile(r"《([^《》\n]{1,100})》")

_UNIT_WORDS = (
    "亿元|万元|千元|元|万人次|人次|万人|人|名|户|万家|家|起|件|宗|个月|个|项|条|批次|次|场|批|处|所|支|辆|"
    "顶|篇|块|种|期|天|小时|分钟|年|月|公里|千米|平方米|立方米|米|公斤|千克|吨|亩|套|份|台|张|座|艘|倍|"
    "个百分点|百分点|%|％|‰"
)
#: A number: Arabic digits (1,200, 13.8) or a written-out Chinese number (三千二百万, 三点五: the
#: decimals after 点 are single digits, so neither 十 nor 两 appears there).
NUMBER = rf"(?:\d+(?:[,，]\d{{3}})*(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+(?:点[{CN_ORDINALS[:-1]}{CN_ZERO}]+)?)"
_NUMBER_RE = re.compile(NUMBER)
_NUMBER_UNIT_RE = re.compile(
    rf"(?P<number>{NUMBER})\s*(?P<scale>万|亿|千|百)?(?P<approx>余|多)?(?P<scale2>万|亿)?(?P<unit>{_UNIT_WORDS})"
    r"(?P<alt>（(?:次|篇|条|件|人|人次|家|个)）)?"
)
# Numbered formulae. A numeral (双 counts as two) opens every form:
#   multi-part   三会一课, 四横一纵一提升, 一村（一格）一辅警, 三合一 — two or more numerals,
#                each with a short term that holds no numeral;
#   counted      五个坚持, 十大行动, 二十条措施, 四级监督体系 — a numeral, a counter and a
#                head of at most four characters (eight inside quotation marks);
#   bare         “四风”, “五学联动”, 双提升, 四联(工作机制) — a numeral and a short term,
#                when quoted, when the numeral is 双, or before 工作机制/工作法/机制/模式;
#   head first   “从严治警七条”.
# A formula ends where the run of ideographs ends or where a word that names what it is begins.
_FORMULA_COUNTERS = "个大项条种类级场本件"
_T = rf"(?![{FORMULA_NUMERALS}{CN_ZERO}{CN_SCALES}])[{CJK}]"  # a term character: an ideograph that is not a numeral
_FORMULA_SUFFIX = (
    "工作法|工作|机制|制度|活动|行动|工程|体系|模式|要求|目标|清单|部署|格局|品牌|做法|举措|措施|"
    "理念|建设|专项|任务|标准|经验|战略|原则|方针|精神|问题|场所|方式|的|和|与|等|为|中|上"
)
_FORMULA_END = rf"(?=[^{CJK}]|$|(?:{_FORMULA_SUFFIX}))"
_PART = rf"[{FORMULA_NUMERALS}]{_T}{{1,3}}?(?:（[{FORMULA_NUMERALS}]{_T}{{1,3}}?）)?"
# What follows a formula's first numeral in the counted form (五个, 二十条): a counter, or a
# second numeral and a counter. 大 follows one numeral only: 十大行动, but 二十大 is a congress.
_COUNTER_AFTER_NUMERAL = rf"(?:[{_FORMULA_COUNTERS}]|[{CN_DIGITS}][{_FORMULA_COUNTERS.replace('大', '')}])"
# Python's re scans fast only for a pattern that opens with a character class (it then
# skips to the next position holding one of its characters), so the detector is two
# patterns: one for the forms a numeral opens, which consumes that numeral first and tests
# what came before it by lookbehind, and one for the head-first form, tried after each
# opening quotation mark. At any position at most one of them can match.
_FORMULA_NUMERAL_RE = re.compile(
    rf"[{FORMULA_NUMERALS}](?<![{FORMULA_NUMERALS}第].)(?:"
    rf"(?P<multi>{_T}{{1,2}}?(?:（[{FORMULA_NUMERALS}]{_T}{{1,3}}?）)?(?:{_PART}){{1,4}}{_FORMULA_END}"
    rf"|{_T}{{1,2}}一(?=[^{CJK}]|$))"
    rf"|(?P<counted>(?<=[“‘][{CN_DIGITS}]){_COUNTER_AFTER_NUMERAL}[{CJK}]{{0,8}}(?=[”’])"
    rf"|(?<=[{CN_DIGITS}]){_COUNTER_AFTER_NUMERAL}(?:\d+(?:\.\d+)?[%％]|[{CJK}]{{1,4}}?(?=[^{CJK}]|$|[的和与及中])))"
    rf"|(?P<bare>(?<=[“‘].){_T}{{1,4}}(?=[”’])|(?<=双){_T}{{2}}(?![{CJK}])"
    rf"|(?<=[{CN_DIGITS[1:]}]){_T}{{1,2}}(?=工作机制|工作法|工作模式|机制|模式))"
    rf")",
    re.MULTILINE,
)
_FORMULA_HEAD_FIRST_RE = re.compile(rf"(?P<head_first>{_T}{{2,6}}[{FORMULA_NUMERALS}]{{1,2}}[条项点](?=[”’]))")
#: Words that open with a numeral but name no set: lexicalised words, idioms, metaphors.
LEXICALISED = frozenset(
    "一把手 一线 一流 一体 一体化 一览表 一往无前 一起 一切 一些 一般 一定 一直 一致 一样 一同 一并 一再 一律 "
    "一贯 一举 一道 一带 一路 一旦 一度 一股绳 一盘棋 一条心 一家人 一家亲 一张蓝图 一条龙 一刀切 一站式 一揽子 "
    "一心一意 一言一行 一点一滴 一朝一夕 一草一木 一针一线 一砖一瓦 一丝一毫 一举一动 一五一十 一穷二白 "
    "三心二意 四面八方 五湖四海 七上八下 七嘴八舌 十全十美 九牛一毛 一石二鸟 一举两得 三番五次 一分为二 四分五裂 "
    "一兵一卒 "
    "双方 双向 双重 双手 双边 双赢".split()
)
_LEVEL_NAMES = "省市县乡镇村区"


def iter_models(text: str) -> Iterator[re.Match[str]]:
    """X+Y(+Z) models written with a plus sign: 党建+警务, 1+X, 5+2, 公安+村居（企业）, and the quoted open slot “党建+”.

    >>> [m.group() for m in iter_models("深化“党建+营商环境”建设, 健全“1+X”制度, 以“党建+”的模式, 拓展“公安+村居（企业）”")]
    ['党建+营商环境', '1+X', '党建+', '公安+村居（企业）']
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
    end = 0
    for plus in _PLUS.finditer(text):
        if plus.start() < end:
            continue
        start = text.rfind("\n", 0, plus.start()) + 1
        end = text.find("\n", plus.start())
        end = len(text) if end < 0 else end
        yield from _MODEL_RE.finditer(text, start, end)


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
    """Numbers with a unit (25.8%, 13.8亿元, 4900余场, 1000余万元): groups number, scale (or scale2 after approx), approx, unit, alt (（次）).

    >>> [m.group() for m in iter_numbers("破案率上升25.8%, 避免损失13.8亿元, 召开4900余场, 发放资料5万余份, 查获毒品12.5公斤")]
    ['25.8%', '13.8亿元', '4900余场', '5万余份', '12.5公斤']
    """
    return _NUMBER_UNIT_RE.finditer(text)


#: Words written as a number that count nothing: idioms and set phrases (万一 "in case", 千万 "by all
#: means", 万岁 "long live", 百年 "centenary"). A corpus that wants them out adds them to a stop list.
NUMERAL_IDIOMS = frozenset("万一 一一 万万 千万 万千 千千万万 万岁 百年".split())
#: What may follow a number in a word that is only a number: counters, money, and 是 (一是, an
#: enumerator). Never 分, 点 or 时 alone (十分 "very", 一点 "a little", 一时 "for a while"), nor the
#: counters of formulae (类, 种: “四类”人员 is a set, not a count).
_NUMBER_UNITS = "个名场次件项条位批届天是元"
# One number: digits or numerals, with 余/多/几/数 and scales anywhere (10余万, 三千多, 数百), a fraction (三分之一).
_NUMERAL = rf"(?:\d+(?:[.．,，]\d+)*|[{CN_NUMERAL_CHARS}]+)"
_ONE_NUMBER = rf"[{CN_VAGUE}]?{_NUMERAL}(?:分之{_NUMERAL})?(?:[{CN_VAGUE}]|{_NUMERAL})*"
_NUMBER_WORD_RE = re.compile(
    rf"[\d.．,，%％‰\-–—~～/:：]+"  # 2024, 25.8%, 2023-05-12, 14:30
    rf"|(?:第|百分之|千分之)?{_ONE_NUMBER}(?:[{_NUMBER_UNITS}]|周年|个月|万元|亿元|人次)?"  # 第三次, 10余万, 一百多个
    rf"|(?:{_ONE_NUMBER}年)?(?:{_ONE_NUMBER}月)?(?:{_ONE_NUMBER}[日号])?"  # 一九五四年, 十月一日
)


def is_number_word(word: str) -> bool:
    """Whether a word is nothing but a number: digits or a written-out numeral, with 余/多/几, scales and one unit.

    Numeral years, dates and counts (一九五四年, 二〇二二年, 1954年, 10余万, 三千多, 三分之一, 第三次, 一是)
    are numbers; words that merely open with a numeral (一些, 一样, 统一, 三会一课, 五个坚持, 二十大) and
    the idioms in :data:`NUMERAL_IDIOMS` (万一, 千万) are not. Full-width digits count as digits.

    >>> [w for w in ["一九五四年", "二〇二二年", "１９５４年", "10余万", "三千多", "一名", "第三次", "25.8%", "数百"] if is_number_word(w)]
    ['一九五四年', '二〇二二年', '１９５４年', '10余万', '三千多', '一名', '第三次', '25.8%', '数百']
    >>> [w for w in ["一些", "一样", "统一", "万一", "千万", "十分", "五个坚持", "两个一百年", "二十大", "数字"] if is_number_word(w)]
    []
    """
    return bool(word) and word not in NUMERAL_IDIOMS and _NUMBER_WORD_RE.fullmatch(word) is not None


_ZERO_RE = re.compile(rf"(?<![{CN_NUMERAL_CHARS}\d.])(?P<zero>零(?:发生|发案|事故|伤亡|死亡|投诉|差错|失误|上访|感染|滞留|积压|漏报|增长|突破))")


def iter_zero_counts(text: str) -> Iterator[re.Match[str]]:
    """Outcomes stated as zero (零发案, 零发生, 零伤亡): counts without a digit; group ``zero``.

    >>> [m.group() for m in iter_zero_counts("持枪犯罪“零发案”，事故零发生，零容忍")]
    ['零发案', '零发生']
    """
    return _ZERO_RE.finditer(text)


def iter_formulae(text: str) -> Iterator[re.Match[str]]:
    """Numbered formulae: 三会一课, 五个坚持, 一学二查三改四提高, “四风”, 双提升, 一村（一格）一辅警.

    ``m.lastgroup`` (``multi``, ``counted``, ``bare``, ``head_first``) gives the form;
    ``m.group()`` is the formula (the named group itself may leave out its first numeral).
    Not formulae: ranks (第一), ordinals (一是), periods (三年), congress ordinals (二十大,
    党的九大), counts of administrative levels (省市县三级), 一 as an article (一场, 一项 in
    running text; 一 with a counter counts only quoted or ending a heading line), numbers in
    Arabic digits (claims) and the words in :data:`LEXICALISED` (一把手, 一股绳).

    >>> [m.group() for m in iter_formulae("落实“三会一课”, 强化“五个坚持”, 形成一学二查三改四提高工作法")]
    ['三会一课', '五个坚持', '一学二查三改四提高']
    >>> [m.group() for m in iter_formulae("第一议题，一是抓学习，三年行动，党的二十大，省市县三级党委，一场革命，“一把手”")]
    []
    """
    for m in _formula_candidates(text):
        start, end = m.span()
        if _is_formula(m.group(), m.lastgroup, text[start - 1] if start else "", text[end : end + 1]):
            yield m


@lru_cache(maxsize=1 << 16)
def _is_formula(surface: str, form: str, before: str, after: str) -> bool:
    """Whether a candidate is a formula, from its text, its form and the characters either side (memoised: formulae repeat)."""
    return surface not in LEXICALISED and not _rejected_count(surface, form, before, after) and not _rejected_multi(surface, form)


def _formula_candidates(text: str) -> Iterator[re.Match[str]]:
    """Matches of the two formula patterns, leftmost first and never overlapping (as one pattern's finditer)."""
    quoted = "“" in text or "‘" in text  # most paragraphs quote nothing: no merge of two empty scans
    heads = filter(None, (_FORMULA_HEAD_FIRST_RE.match(text, at + 1) for at in _opening_quotes(text))) if quoted else iter(())
    num, head = _FORMULA_NUMERAL_RE.search(text), next(heads, None)
    while num or head:
        found = num if head is None or (num is not None and num.start() < head.start()) else head
        yield found
        if num is not None and num.start() < found.end():
            num = _FORMULA_NUMERAL_RE.search(text, found.end())
        while head is not None and head.start() < found.end():
            head = next(heads, None)


def _rejected_count(surface: str, form: str, before: str, after: str) -> bool:
    """A numeral with a counter that is an article, a congress ordinal or a count of levels."""
    if form != "counted":
        return False
    counter = surface[1] if surface[1] in _FORMULA_COUNTERS else surface[2]
    quoted = before != "" and before in "“‘"  # "" (the text's start) is in every string: not a quotation mark
    if surface[0] == "一" and not quoted and after not in ("", "\n"):
        return True
    head = surface[surface.index(counter) + 1 :]
    if re.match(r"月|年|天|小时|百分点|以|期间|路线|开幕|闭幕|决议|党章|召开|和", head):  # periods, units, congresses
        return True
    return before != "" and ((counter == "级" and before in _LEVEL_NAMES) or (counter == "大" and before in "的共党"))


def _rejected_multi(surface: str, form: str) -> bool:
    """Numerals in a row that are a date, a congress session, a period, a repetition or a word (十分, 统一)."""
    if form != "multi":
        return False
    runs = list(_NUMERAL_RUN.finditer(surface))
    terms = [t for t in _NUMERAL_RUN.split(surface)[1:]]
    if any(len(r.group()) > 1 for r in runs) or re.search(r"十分|又|届|之|月|的", surface):
        return True
    if terms[-1] in _PERIOD_WORDS or any(b and a and b.startswith(a) and len(a) == 1 for a, b in zip(terms, terms[1:])):
        return True
    return any(r.group() == "一" and r.start() and surface[r.start() - 1] in "统唯同万专划逐单均" for r in runs)


#: Words after a numeral that make it a period or a plain count, not a formula part.
_PERIOD_WORDS = frozenset("年 月 日 天 代 次 届 个 名 位 周 岁".split())


def formula_numbers(formula: str) -> list[str]:
    """The numerals that structure a formula, in order (二十 is one numeral, 双 one).

    >>> formula_numbers("一学二查三改四提高"), formula_numbers("二十条措施"), formula_numbers("从严治警七条")
    (['一', '二', '三', '四'], ['二十'], ['七'])
    """
    return [m.group() for m in _NUMERAL_RUN.finditer(formula)][: 1 if _counted(formula) else None]


def formula_head(formula: str) -> str:
    """What a formula's numerals count: its terms joined by '/', the counter dropped unless nothing else remains.

    >>> [formula_head(f) for f in ["三会一课", "五大特色做法", "十类", "一村（一格）一辅警", "两个40%", "从严治警七条"]]
    ['会/课', '特色做法', '类', '村/格/辅警', '40%', '从严治警（条）']
    """
    counted = _counted(formula)
    if counted:
        return formula[counted.end() :] or counted.group("counter")
    runs = list(_NUMERAL_RUN.finditer(formula))
    if not runs:
        return formula
    if runs[0].start() > 0:  # head first: 从严治警七条
        run = runs[-1]
        return f"{formula[: run.start()]}（{formula[run.end():]}）"
    terms = [t.strip("（）") for t in _NUMERAL_RUN.split(formula)]
    return "/".join(t for t in terms if t)


_NUMERAL_RUN = re.compile(f"[{FORMULA_NUMERALS}]+")
_COUNTED_START = re.compile(rf"^(?:[{CN_DIGITS}]{{1,2}})(?P<counter>[{_FORMULA_COUNTERS}])")


def _counted(formula: str) -> re.Match[str] | None:
    """The numeral and counter opening a counted formula (五个坚持), not a multi-part one (一项目一方案)."""
    m = _COUNTED_START.match(formula)
    if m and re.search(f"^[^{FORMULA_NUMERALS}]{{1,3}}[{FORMULA_NUMERALS}]", formula[m.end() :]):
        return None
    return m


def is_cjk(char: str) -> bool:
    """Whether one character is a CJK ideograph.

    >>> is_cjk("党"), is_cjk("A")
    (True, False)
    """
    return bool(re.fullmatch(CJK_CHAR, char))


_CN_VALUES = {**dict.fromkeys(CN_ZERO, 0), **{c: i for i, c in enumerate(CN_ORDINALS[:9], start=1)}, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = (("亿", 1e8), ("万", 1e4))


def cn_int(numeral: str) -> int | None:
    """The value of a Chinese (or Arabic) integer numeral, None if it is not one.

    >>> [cn_int(s) for s in ["三", "两", "十", "十五", "二十", "一百零八", "12", "多"]]
    [3, 2, 10, 15, 20, 108, 12, None]
    """
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in _CN_VALUES and ch not in _CN_UNITS for ch in numeral):
        return None
    total, digit = 0, None
    for ch in numeral:
        if ch in _CN_VALUES:
            digit = _CN_VALUES[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def chinese_numeral_value(number: str) -> float:
    """The value of a number as :data:`NUMBER` matches it: Arabic (1,200, 13.8) or written out (三千二百万, 三点五).

    Written-out numbers: 亿 and 万 multiply what comes before them (二万八千亿: 28,000 × 10⁸; a
    bare 万 is ten thousand), the rest is read by :func:`cn_int`, and the digits after 点 are
    decimals read one by one.

    >>> [chinese_numeral_value(n) for n in ["一百二十", "三千二百万", "一亿二千万", "二万八千亿", "三点五", "1,200", "13.8"]]
    [120.0, 32000000.0, 120000000.0, 2800000000000.0, 3.5, 1200.0, 13.8]
    """
    if not _NUMBER_RE.fullmatch(number):
        raise ValueError(f"not a number in Arabic digits or Chinese numerals: {number!r}")
    if re.search(r"\d", number):
        return float(re.sub(r"[,，]", "", number))
    whole, _, frac = number.partition("点")
    value = _written_out(whole)
    return value + float("0." + "".join(str(cn_int(c)) for c in frac)) if frac else value


def _written_out(numeral: str) -> float:
    """A written-out integer with 亿 and 万 (一万亿, 三千二百万), each scale multiplying the numeral before it."""
    for scale, factor in _CN_LARGE:
        if scale in numeral:
            head, rest = numeral.split(scale, 1)
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


def iter_enumerators(text: str) -> Iterator[re.Match[str]]:
    """Markers of enumerated items (一是, 一、, （一）, 1、, （1）, 第一，) at a line or sentence start.

    The named group that matched (``shi``, ``dun``, ``paren``, ``arabic``, ``arabic_paren``,
    ``di``) gives the style and the numeral; a 一是 inside a word (统一是) is not a marker.

    >>> [m.group("marker") for m in iter_enumerators("一是抓学习。二是抓落实；统一是关键。")]
    ['一是', '二是']
    """
    return _ENUMERATOR_RE.finditer(text)
