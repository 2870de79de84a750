"""The shared detectors of the units official Chinese texts mark themselves.

X+Y models (党建+警务, 1+X), numbered formulae (三会一课, 五个坚持), quoted phrases
(“枫桥经验”), cited titles (《…》) and numbers with units (25.8%, 13.8亿元).
Cleaning, segmentation and discourse analysis all use these, so a unit is detected
the same way at every stage. Each detector yields :class:`re.Match` objects over the
text it is given; offsets are therefore offsets into that text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: CJK unified ideographs (BMP, Extension A, compatibility) and Extension B–F.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_CHAR = f"[{CJK}]"
#: Chinese numerals as they open numbered formulae (三会一课, 两个维护, 十大行动).
CN_DIGITS = "一二三四五六七八九十两"
#: Full-width punctuation that ends a Chinese sentence.
SENTENCE_END = "。！？…"
#: Punctuation after which a line may legitimately end.
LINE_FINAL = "。！？…；：”’」』）》】!?;:"
#: Opening quotation marks and their closing partners (after cleaning, “” and ‘’).
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}

#: Heads that open X+Y models in Chinese official writing; a corpus adds its own.
DEFAULT_MODEL_HEADS = frozenset({"党建", "互联网", "智慧", "警务", "科技", "数字", "平台"})

_TERM = rf"(?:[{CJK}A-Za-z0-9]{{1,10}})"
_MODEL_RE = re.compile(rf"(?<![{CJK}A-Za-z0-9+＋]){_TERM}(?:[+＋]{_TERM})+(?![+＋])")
# A model whose parts were joined by a bare space (the "+" was lost in scraping).
_SPACED_RE = re.compile(rf"(?<![{CJK}A-Za-z0-9]){_TERM}(?:[ \u00a0\u3000]+{_TERM})+(?![{CJK}A-Za-z0-9])")
_QUOTE_RE = re.compile(r"“([^“”\n]{1,200})”|‘([^‘’\n]{1,200})’")
_TITLE_RE = re.compile(r"《([^《》\n]{1,100})》")

_COUNTER = "个项大条类种支批次项"
_UNIT_WORDS = (
    "亿元|万元|千元|元|万人次|人次|万人|人|名|户|家|万家|起|件|宗|个|项|条|次|场|批|处|所|支|辆|"
    "顶|篇|块|期|天|小时|分钟|年|月|公里|千米|米|吨|亩|倍|个百分点|百分点|%|％|‰"
)
_NUMBER = r"(?:\d+(?:[,，]\d{3})*(?:\.\d+)?|[一二三四五六七八九十百千万两零〇]+(?:点[一二三四五六七八九零〇]+)?)"
_NUMBER_UNIT_RE = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?P<scale>万|亿|千|百)?(?P<approx>余|多)?(?P<unit>{_UNIT_WORDS})"
)
# Numbered formulae: a numeral, an optional counter, then 1–3 characters, repeated
# (三会一课, 三抓四学五查六提升) or alone with a counter (五个坚持, 十大行动). A formula
# ends where the CJK run ends or where a word that names what it is begins (工作法, 机制).
_SEGMENT = rf"[{CN_DIGITS}](?:[{_COUNTER}])?[{CJK}]{{1,3}}?"
_FORMULA_SUFFIX = (
    "工作法|工作|机制|制度|活动|行动|工程|体系|模式|要求|目标|清单|部署|格局|品牌|做法|举措|措施|"
    "理念|建设|专项|任务|标准|经验|战略|原则|方针|精神|问题|的|和|与|等|为|中|上"
)
_FORMULA_END = rf"(?=[^{CJK}]|$|(?:{_FORMULA_SUFFIX}))"
_FORMULA_RE = re.compile(
    rf"(?<![{CN_DIGITS}第])(?:"
    rf"[{CN_DIGITS}][{CJK}]{{1,2}}?(?:[{CN_DIGITS}][{CJK}]{{1,3}}?){{1,4}}"  # 三会一课, 一村一辅警
    rf"|[{CN_DIGITS}][个大][{CJK}]{{2,4}}?"  # 五个坚持, 十大行动
    rf"){_FORMULA_END}"
)
_FORMULA_SEGMENT_RE = re.compile(_SEGMENT)


def iter_models(text: str) -> Iterator[re.Match[str]]:
    """X+Y(+Z) models written with a plus sign: 党建+警务, 1+X, 5+2, 案管室+法制员.

    >>> [m.group() for m in iter_models("深化“党建+营商环境”建设, 健全“1+X”制度")]
    ['党建+营商环境', '1+X']
    """
    if "+" not in text and "＋" not in text:  # most texts: skip the scan
        return iter(())
    return _MODEL_RE.finditer(text)


def model_parts(model: str) -> list[str]:
    """The parts of an X+Y model, in order.

    >>> model_parts("党建+网格+警务")
    ['党建', '网格', '警务']
    """
    return [part for part in re.split(r"[+＋]", model) if part]


def model_heads(texts: Iterable[str], defaults: Iterable[str] = DEFAULT_MODEL_HEADS) -> frozenset[str]:
    """Model heads seen in explicit X+Y models of these texts, plus the defaults."""
    heads = set(defaults)
    for text in texts:
        heads.update(model_parts(m.group())[0] for m in iter_models(text))
    return frozenset(h for h in heads if re.fullmatch(CJK_CHAR + "{2,}", h))


def iter_spaced_sequences(text: str) -> Iterator[re.Match[str]]:
    """Runs of short terms separated by bare spaces (党建 网格 警务): lost-plus candidates."""
    return _SPACED_RE.finditer(text)


def iter_quotes(text: str, max_len: int | None = None) -> Iterator[re.Match[str]]:
    """Quoted phrases “…” and ‘…’ on one line; group 1 or 2 holds the inner text.

    >>> [m.group() for m in iter_quotes("坚持“枫桥经验”和“为民服务”")]
    ['“枫桥经验”', '“为民服务”']
    """
    for m in _QUOTE_RE.finditer(text):
        inner = m.group(1) or m.group(2)
        if max_len is None or len(inner) <= max_len:
            yield m


def iter_titles(text: str) -> Iterator[re.Match[str]]:
    """Cited document titles in 《…》; group 1 holds the title.

    >>> [m.group(1) for m in iter_titles("制定《重要事项清单》")]
    ['重要事项清单']
    """
    return _TITLE_RE.finditer(text)


def iter_numbers(text: str) -> Iterator[re.Match[str]]:
    """Numbers with a unit (25.8%, 13.8亿元, 4900余场, 两个40%): groups number, scale, unit, approx.

    >>> [m.group() for m in iter_numbers("破案率上升25.8%, 避免损失13.8亿元, 召开4900余场")]
    ['25.8%', '13.8亿元', '4900余场']
    """
    return _NUMBER_UNIT_RE.finditer(text)


def iter_formulae(text: str) -> Iterator[re.Match[str]]:
    """Candidate numbered formulae (三会一课, 五个坚持, 三抓四学五查六提升).

    Candidates only: ordinary counts such as 三年 or ranks such as 第一 are excluded
    here, and the discourse module decides what a count with a measure word means.

    >>> [m.group() for m in iter_formulae("落实“三会一课”, 强化“五个坚持”, 形成三抓四学五查六提升工作法")]
    ['三会一课', '五个坚持', '三抓四学五查六提升']
    """
    return _FORMULA_RE.finditer(text)


def formula_numbers(formula: str) -> list[str]:
    """The numerals that structure a formula, in order.

    >>> formula_numbers("三抓四学五查六提升")
    ['三', '四', '五', '六']
    """
    return [seg[0] for seg in _FORMULA_SEGMENT_RE.findall(formula)]


def is_cjk(char: str) -> bool:
    """Whether one character is a CJK ideograph.

    >>> is_cjk("党"), is_cjk("A")
    (True, False)
    """
    return bool(re.fullmatch(CJK_CHAR, char))
