"""The shared detectors: the two-pattern formula scan finds exactly what one plain pattern finds.

The formula detector is split in two for speed (see ``corpus.patterns``); the reference
here is the same grammar written as a single pattern, the readable form. Both must give
the same matches, with the same offsets and forms, on real text and on random strings
dense in numerals, counters and quotation marks.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from corpus import patterns as P

ROOT = Path(__file__).resolve().parents[1]
CPC = ROOT.parent / "shared" / "corpora" / "cpc"

_NUM_COUNTER = rf"(?:[{P.CN_DIGITS}][{P._FORMULA_COUNTERS}]|[{P.CN_DIGITS}]{{2}}[{P._FORMULA_COUNTERS.replace('大', '')}]|[{P.CN_DIGITS}]{{3}}条)"
REFERENCE = re.compile(
    rf"(?=[{P.FORMULA_NUMERALS}]|(?<=[“‘])|约法|第)(?<![{P.NOT_BEFORE_FORMULA}])(?:"
    rf"(?P<plan>{P._PLAN_IN_FULL}|十[{P._PLAN_ORDINALS}]五(?![{P.CN_NUMERAL_CHARS}{P.CN_VAGUE}点年岁个])"
    rf"|(?<=[“‘《])[{P._PLAN_ORDINALS}十]五(?=[”’》])|[{P._PLAN_ORDINALS}十]五(?=计划|规划|时期|期间))"
    rf"|(?P<multi>[{P.FORMULA_NUMERALS}]{P._T}{{1,2}}?(?:（[{P.FORMULA_NUMERALS}]{P._T}{{1,3}}?）)?(?:{P._PART}){{1,4}}{P._FORMULA_END}"
    rf"|[{P.FORMULA_NUMERALS}]{P._T}{{1,2}}一(?=[^{P.CJK}]|$))"
    rf"|(?P<counted>(?<=[“‘《]){_NUM_COUNTER}[{P.CJK}]{{0,8}}(?=[”’》])"
    rf"|一[{P._FORMULA_COUNTERS}]{P._T}{{1,4}}?[、，]两[{P._FORMULA_COUNTERS}]{P._T}{{1,4}}?(?=[^{P.CJK}]|$|[的和与及])"
    rf"|{_NUM_COUNTER}(?:\d+(?:\.\d+)?[%％]|[{P.CJK}](?:(?!{P._INNER_HEAD_WORDS})[{P.CJK}]){{0,3}}?(?=[^{P.CJK}]|$|[的和与及中等])"
    rf"|[{P.CJK}]{{0,2}}?(?:{P._SET_NOUNS})(?!{P._FORMULA_HEAD_WORDS})|[{P.CJK}]{{1,4}}?(?={P._FORMULA_HEAD_WORDS})"
    rf"|[{P.CJK}]{{1,2}}?(?=[{P.CN_DIGITS}]{P._COUNTER_AFTER_NUMERAL})))"
    rf"|(?P<bare>(?<=[“‘《])[{P.FORMULA_NUMERALS}]{P._T}{{1,4}}(?=[”’》])|双{P._T}{{1,2}}?{P._FORMULA_END}"
    rf"|[{P.CN_DIGITS[1:]}]{P._T}{{1,2}}(?=工作机制|工作法|工作模式|机制|模式)|[{P.CN_DIGITS[1:]}]{P._T}(?=问题|{P._FORMULA_HEAD_WORDS})"
    rf"|[{P.CN_DIGITS[1:]}]{P._T}{{2}}(?=[^{P.CJK}]|$|的)|[两三四五]步走|[两三四五六七八九十]化(?!螟))"
    rf"|(?P<head_first>(?<=[“‘]){P._T}{{1,6}}[{P.FORMULA_NUMERALS}]{{1,2}}[条项点章](?=[”’])|约法[{P.CN_DIGITS}]{{1,2}}章)"
    rf")",
    re.MULTILINE,
)


def found(matches) -> list[tuple[int, int, str, str | None]]:
    return [(m.start(), m.end(), m.group(), m.lastgroup) for m in matches]


def random_text(rng: random.Random, n: int) -> str:
    """Characters and short words the formula grammar turns on, drawn at random."""
    pieces = list("一二三四五六七八九十两双第“”‘’个大项条点种类级场本件会课学查提升的和与中年月届又（）0123456789%，。\n 党建警务治理")
    pieces += ["依法治国", "工作机制", "工作法", "模式", "机制", "“依法治国七条”", "统一", "十分", "二十大", "十四五", "“九五”",
               "计划", "〇", "战略布局", "相互", "工作", "问题", "《", "》", "·", "、两个", "约法", "章", "第六个五年计划", "第", "之", "步走"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(n))


@pytest.mark.parametrize("seed", range(20))
def test_the_split_formula_scan_equals_the_single_pattern_on_random_text(seed):
    text = random_text(random.Random(seed), 5000)
    expected = found(REFERENCE.finditer(text))
    assert {form for *_, form in expected} == {"plan", "multi", "counted", "bare", "head_first"}
    assert found(P._formula_candidates(text)) == expected


def read_all(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)


def test_the_split_formula_scan_equals_the_single_pattern_on_the_seeds():
    text = read_all(sorted((ROOT / "seeds").glob("*.txt")))
    expected = found(REFERENCE.finditer(text))
    assert len(expected) >= 50  # 60 candidates in the five seeds
    assert found(P._formula_candidates(text)) == expected


@pytest.mark.skipif(not CPC.is_dir(), reason="the CPC corpus (../shared/corpora/cpc) is not beside this repository")
def test_the_split_formula_scan_equals_the_single_pattern_on_the_cpc_reports():
    text = read_all(sorted(CPC.glob("*.txt")))
    expected = found(REFERENCE.finditer(text))
    assert len(expected) >= 800  # 848 candidates in the twelve congress reports
    assert found(P._formula_candidates(text)) == expected


def test_formulae_at_the_edges_of_the_text_and_after_quotation_marks():
    for text in ["三会一课", "“依法治国七条”", "‘四风’", "第三会一课", "“四个全面”和双循环", "二十大", "“四风”“国十条”三会一课", "十四五",
                 "“九五”", "二〇三五"]:  # fmt: skip
        assert found(P._formula_candidates(text)) == found(REFERENCE.finditer(text)), text


def test_no_numbered_formula_is_a_number_word():
    """The number filter of segmentation never drops a formula the formula detector finds, save those also written as a number.

    The exceptions read as numbers out of quotation marks: a plan name that is a number (十五) and a
    count with no head, a formula only quoted or as a title (《十六条》).
    """
    paths = sorted((ROOT / "seeds").glob("*.txt")) + (sorted(CPC.glob("*.txt")) if CPC.is_dir() else [])
    formulae = {m.group() for m in P.iter_formulae(read_all(paths))}
    assert len(formulae) >= 20
    also_numbers = re.compile(f"[{P.CN_DIGITS}]+[{P._FORMULA_COUNTERS}]|" + "|".join(P._PLAN_NAMES_ALSO_NUMBERS))
    assert sorted(f for f in formulae if P.is_number_word(f) and not also_numbers.fullmatch(f)) == []


def test_number_words_are_numbers_with_at_most_a_unit():
    assert P.is_number_word("一九五四年") and P.is_number_word("一九四九年十月一日") and P.is_number_word("10余万")
    assert not P.is_number_word("五个一") and not P.is_number_word("两个一百年") and not P.is_number_word("")
    assert all(not P.is_number_word(w) for w in P.NUMERAL_IDIOMS)


# The model and spaced-sequence scans are tried only where they can match (lines with a plus sign,
# the term before each space): they must find what the plain pattern's scan of the whole text finds.
_DENSE = "党建警务网格智慧+＋ \u3000\u00a0（）“”ab12\n"


def _plain_and_fast_texts() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + (sorted(CPC.glob("*.txt")) if CPC.is_dir() else [])
    rng = random.Random(0)
    return [read_all(paths), *(p.read_text(encoding="utf-8") for p in paths),
            *("".join(rng.choice(_DENSE) for _ in range(rng.randint(0, 60))) for _ in range(5000))]  # fmt: skip


def _models_of_whole_text(text: str) -> list[re.Match[str]]:
    """The model pattern's scan of the whole text, each unquoted model bounded as iter_models bounds it."""
    return [P._unquoted_model_bounded(text, m) for m in P._MODEL_RE.finditer(text)]


@pytest.mark.parametrize(("fast", "plain"), [(P.iter_models, _models_of_whole_text), (P.iter_spaced_sequences, P._SPACED_RE.finditer)],
                         ids=["models", "spaced sequences"])  # fmt: skip
def test_the_narrowed_scans_find_what_the_whole_text_scan_finds(fast, plain):
    for text in _plain_and_fast_texts():
        assert [m.span() for m in fast(text)] == [m.span() for m in plain(text)], text[:80]


@pytest.mark.parametrize("text", ["三大作风是党的优良传统。", "四个现代化的宏伟目标", "一个中心、两个基本点"])
def test_a_formula_at_the_very_start_of_a_text_is_judged_as_after_a_line_break(text):
    # "" (the start) is a substring of every string: it once counted as an opening quotation mark, a level
    # name and 的, so a shard's first paragraph and the in-memory corpus could disagree
    assert [m.group() for m in P.iter_formulae(text)] == [m.group() for m in P.iter_formulae("\n" + text)]
