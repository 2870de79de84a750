"""Quantitative claims: values with their whole scale, percentages and multiples in words, ranges, what is measured.

Sentences are from the CPC Party Congress reports (quoted) or invented. The last tests score
:func:`corpus.discourse.claims` against the two hand-made gold standards on the four targets
(claims found, what they measure, direction, value): the seed gold (``fixtures/discourse_gold.json``)
and the blind gold drawn on the CPC corpus (``fixtures/cpc_gold``, which needs ``../shared``).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import discourse as D
from corpus.patterns import SCALES, number_value
from corpus.segment import TokenConfig

CONFIG = TokenConfig()


def claims_of(*texts: str) -> pd.DataFrame:
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    return D.claims(corpus.sentences(docs), config=CONFIG)


def by_surface(*texts: str) -> pd.DataFrame:
    return claims_of(*texts).set_index("surface")


# --------------------------------------------------------------------------- values and scales


def test_the_claim_table_adds_the_base_unit_and_the_ends_of_a_range():
    assert {"value_unit", "low", "high"} <= set(D.CLAIM_COLUMNS)
    assert [c for c in D.CLAIM_COLUMNS if c not in ("value_unit", "low", "high")] == [
        "doc_id", "para_no", "sent_no", "start", "end", "surface", "number", "value", "unit", "kind", "qualifier",
        "direction", "change", "measured", "sentence"]  # fmt: skip


@pytest.mark.parametrize("text, surface, value, unit", [
    ("全年财政收入达到5万亿元。", "5万亿元", 5e12, "万亿元"),  # invented: 万亿 is 10¹², not 10⁴
    ("二0一一年国内生产总值达到四十七点三万亿元。", "四十七点三万亿元", 4.73e13, "万亿元"),  # cpc_18
    ("国内生产总值从五十四万亿元增长到一百一十四万亿元。", "一百一十四万亿元", 1.14e14, "元"),  # cpc_20: the scale inside the numeral
    ("累计投入资金3千万元。", "3千万元", 3e7, "千万元"),
    ("引进资金1万多亿元。", "1万多亿元", 1e12, "万亿元"),  # 万…亿 around 多: the whole scale is 万亿
    ("全年进口粮食16.9亿元。", "16.9亿元", 1.69e9, "亿元"),  # exact, not 1689999999.9999998
    ("培训农民工1000余万人次。", "1000余万人次", 1e7, "万人次"),
    ("农村贫困人口从两亿五千多万减少到两千多万。", "两亿五千多万", 2.5e8, "万"),  # 两亿 and 五千多万, not 两亿五千 × 万
    ("粮食生产能力达到一万二千亿斤。", "一万二千亿斤", 6e8, "斤"),  # masses in 吨; the scale is inside the numeral
])  # fmt: skip
def test_a_value_is_the_number_times_its_whole_scale(text, surface, value, unit):
    c = by_surface(text)
    assert c.loc[surface, "value"] == value and c.loc[surface, "unit"] == unit


def test_scales_compose_and_a_non_scale_is_refused():
    assert [number_value("2", s) for s in ("", "百", "千", "万", "亿", "百万", "千万", "万亿", "千亿")] == [
        2.0, 200.0, 2e3, 2e4, 2e8, 2e6, 2e7, 2e12, 2e11]  # fmt: skip
    assert set(SCALES) == set("百千万亿")
    with pytest.raises(ValueError, match="scale"):
        number_value("2", "兆")


def test_each_kind_has_one_base_unit():
    text = ("国内生产总值年均增长百分之十二点一，城镇化率提高十一点六个百分点，资金缺口千分之三，七成以上的企业实现盈利。"
            "投资3千万元。工业总产值翻两番，职工人数增长一倍。新建学校5所、教师1.2万名。")  # fmt: skip
    c = claims_of(text)
    units = c.groupby("kind")["value_unit"].agg(set).to_dict()
    assert units == {"percent": {"%"}, "money": {"元"}, "multiple": {"倍"}, "units": {"所"}, "people": {"人"}}
    assert c.set_index("surface")["value"].to_dict() == {
        "百分之十二点一": 12.1, "十一点六个百分点": 11.6, "千分之三": 0.3, "七成": 70.0, "3千万元": 3e7, "翻两番": 4.0,
        "一倍": 2.0, "5所": 5.0, "1.2万名": 12000.0}  # fmt: skip


# --------------------------------------------------------------------------- percentages and multiples in words


def test_percentages_in_chinese_numerals_are_read():
    text = "城镇居民人均生活费收入年均实际增长百分之七点二，农村居民人均纯收入年均实际增长百分之五点七。"  # cpc_15
    c = by_surface(text)
    assert c.index.tolist() == ["百分之七点二", "百分之五点七"]
    assert c["value"].tolist() == [7.2, 5.7] and c["kind"].tolist() == ["percent", "percent"]
    assert c["direction"].tolist() == ["增长", "增长"]
    assert c["measured"].tolist() == ["城镇居民人均生活费收入", "农村居民人均纯收入"]


def test_cheng_is_a_tenth_only_after_a_numeral():
    c = claims_of("七成以上的群众参加了选举，完成任务的单位成为先进，近九成企业实现盈利，政策不能一成不变。")
    assert c["surface"].tolist() == ["七成", "九成"]  # not 完成, 成为, 一成不变
    assert c["value"].tolist() == [70.0, 90.0] and c["qualifier"].tolist() == ["以上", "近"]  # 以上 after it bounds it too
    assert c["measured"].tolist() == ["群众", "企业"]


def test_doubling_is_read_as_a_factor():
    text = "力争使全国工农业的年总产值翻两番，即由一九八○年的七千一百亿元增加到二○○○年的二万八千亿元左右。"  # cpc_12
    c = by_surface(text)
    assert c.index.tolist() == ["翻两番", "七千一百亿元", "二万八千亿元"]
    assert c.loc["翻两番", "value"] == 4.0 and c.loc["翻两番", "kind"] == "multiple"
    assert c["measured"].tolist() == ["全国工农业的年总产值"] * 3  # the start and end of the change it states
    c = by_surface("实现国内生产总值和城乡居民人均收入比二0一0年翻一番。")  # cpc_18
    assert c.loc["翻一番", "value"] == 2.0 and c.loc["翻一番", "direction"] == "比二0一0年翻番"
    assert c.loc["翻一番", "measured"] == "国内生产总值和城乡居民人均收入"


def test_times_after_a_rise_count_the_start_once_more_and_a_figure_of_speech_is_no_claim():
    c = by_surface("工业总产值增长一倍，职工人数增长到三倍，敌人凶猛十倍。")
    assert c.index.tolist() == ["一倍", "三倍"] and c["value"].tolist() == [2.0, 3.0]


# --------------------------------------------------------------------------- ranges


def test_fractions_are_percentages_and_vague_numbers_keep_their_round_figure():
    c = by_surface("在我们这个占世界人口五分之一的国家里，全面建设惠及十几亿人口的小康社会，县委以上的干部有几十万，上百万人参加。")
    assert c.index.tolist() == ["五分之一", "十几亿人口", "几十万", "上百万人"]
    assert c.loc["五分之一", "value"] == 20.0 and c.loc["五分之一", "value_unit"] == "%"
    assert c.loc["十几亿人口", "value"] == 1e9 and c.loc["上百万人", "value"] == 1e6  # the round figure it exceeds
    assert math.isnan(c.loc["几十万", "value"]) and c.loc["几十万", "measured"] == "干部"


def test_a_large_count_needs_no_counter():
    c = by_surface("中国十亿人民正在进行现代化建设，两千三百万台湾同胞，裁减军队员额二十万任务顺利完成，有五千万党员。")
    assert c.index.tolist() == ["十亿", "两千三百万", "二十万", "五千万"]  # 人 of 人民 and 台 of 台湾 are no units
    assert c["kind"].unique().tolist() == ["count"]
    assert c["measured"].tolist() == ["中国人民", "台湾同胞", "军队员额", "党员"]
    assert c.loc["二十万", "direction"] == "裁减"  # the verb changes what the number counts


def test_a_bare_baiwan_is_a_million_but_qianwan_and_yiwan_are_words():
    """百万 alone is a count (裁军百万, 百万大军); 千万 ("by all means"), 亿万 ("myriad") and 百万富翁 are not claims."""
    c = by_surface("在裁军百万的同时，军队建设取得进步。百万大军渡过长江。千万不要忘记历史。亿万人民意气风发。他不是百万富翁。")
    assert c.index.tolist() == ["百万", "百万"] and c["value"].tolist() == [1e6, 1e6]
    assert c["direction"].tolist() == ["裁军", ""]


@pytest.mark.parametrize("text, surface, low, high", [
    ("全年比上年增长5%－6%。", "5%－6%", 5, 6),
    ("全年比上年增长5-6%。", "5-6%", 5, 6),
    ("预计经济增长速度为百分之五到百分之六。", "百分之五到百分之六", 5, 6),
    ("全国农村贫困人口减少了八千万至一亿人。", "八千万至一亿人", 8e7, 1e8),
    ("培训教师1000～1500名。", "1000～1500名", 1000, 1500),
    ("根据初步测算，增长百分之八到九是可能的。", "百分之八到九", 8, 9),  # the high end without 百分之
    # invented: the scale written once, on the high end, is the low end's too
    ("每户补助3—5万元。", "3—5万元", 3e4, 5e4),
    ("年均新增城镇就业10至15万人。", "10至15万人", 1e5, 1.5e5),
    ("每年投入50—100亿元。", "50—100亿元", 5e9, 1e10),
    ("资助1万—2万元。", "1万—2万元", 1e4, 2e4),
    # two neighbouring digits: an approximate figure from the one to the other
    ("参加培训的有五六千人。", "五六千人", 5000, 6000),
    ("新增七八十万人就业。", "七八十万人", 7e5, 8e5),
    ("覆盖一千二三百万人。", "一千二三百万人", 1.2e7, 1.3e7),
    ("全县有三五百家企业参与。", "三五百家", 300, 500),  # 三五: "three to five"
])  # fmt: skip
def test_a_range_keeps_both_ends(text, surface, low, high):
    c = claims_of(text)
    assert c["surface"].tolist() == [surface]
    row = c.iloc[0]
    assert (row["low"], row["high"], row["value"]) == (low, high, (low + high) / 2)


@pytest.mark.parametrize("text, surface, value, unit, kind", [  # invented
    ("全社会用电量9.2万亿千瓦时。", "9.2万亿千瓦时", 9.2e12, "千瓦时", "energy"),  # 千 is the unit's, not a scale
    ("全国发电装机容量达到29.2亿千瓦。", "29.2亿千瓦", 2.92e9, "千瓦", "energy"),
    ("全年发电量八千九百亿千瓦时。", "八千九百亿千瓦时", 8.9e11, "千瓦时", "energy"),
    ("人均生活用电量达到600千瓦时。", "600千瓦时", 600, "千瓦时", "energy"),
])  # fmt: skip
def test_kilowatts_and_kilowatt_hours_are_units_not_a_scale(text, surface, value, unit, kind):
    row = by_surface(text).loc[surface]
    assert (row["value"], row["value_unit"], row["kind"]) == (value, unit, kind)


@pytest.mark.parametrize("text, surface, value, change", [  # invented
    ("全年居民消费价格同比增长-0.3%。", "-0.3%", -0.3, "down"),  # a rise below zero is a fall
    ("工业生产者出厂价格增长−2.7%。", "−2.7%", -2.7, "down"),  # U+2212
    ("企业净利润为－35亿元。", "－35亿元", -3.5e9, ""),
    ("进口额负增长2%。", "2%", 2.0, "down"),
    ("编号A-3%的样品合格。", None, None, None),  # a code's hyphen, not a sign
])  # fmt: skip
def test_a_minus_sign_makes_a_value_negative_and_negative_growth_is_a_fall(text, surface, value, change):
    c = by_surface(text)
    if surface is None:
        assert c.empty
        return
    row = c.loc[surface]
    assert (row["value"], row["low"], row["high"], row["change"]) == (value, value, value, change)


def test_numbers_below_one_in_words_and_a_multiple_of_an_earlier_level_are_claims():
    c = by_surface("城镇登记失业率下降零点五个百分点。", "出口额是十年前的三倍。")  # invented
    assert c.loc["零点五个百分点", "value"] == 0.5 and c.loc["零点五个百分点", "change"] == "down"
    assert c.loc["三倍", "value"] == 3.0 and c.loc["三倍", "kind"] == "multiple"
    assert by_surface("队伍作风凶猛十倍。").empty  # a figure of speech still is none


def test_a_change_from_one_level_to_another_is_not_a_range():
    c = claims_of("失业率从5%降到4%，由百分之八提高到百分之十，电话0371-12345678，2020-2025年。")
    assert c["surface"].tolist() == ["5%", "4%", "百分之八", "百分之十"]
    assert (c["low"] == c["value"]).all() and (c["high"] == c["value"]).all()


# --------------------------------------------------------------------------- what is measured, direction


@pytest.mark.parametrize("sentence, surface, measured, direction", [
    ("全县破案率比上年提高到92%。", "92%", "全县破案率", "比上年提高到"),  # the subject before a comparison and 提高到
    ("第三产业比重上升到55%。", "55%", "第三产业比重", "上升到"),  # the level reached: 到 kept
    ("国内生产总值年均增长百分之十二点一。", "百分之十二点一", "国内生产总值", "增长"),  # cpc_15
    ("基本医疗保险参保率稳定在百分之九十五。", "百分之九十五", "基本医疗保险参保率", ""),  # cpc_20
    ("我国经济总量占世界经济的比重达百分之十八点五，提高七点二个百分点。", "百分之十八点五", "经济总量占世界经济的比重", ""),
    ("我国经济总量占世界经济的比重达百分之十八点五，提高七点二个百分点。", "七点二个百分点", "经济总量占世界经济的比重", "提高"),
    ("城镇化率提高十一点六个百分点，达到百分之六十四点七。", "百分之六十四点七", "城镇化率", ""),  # cpc_20
    ("国内生产总值从五十四万亿元增长到一百一十四万亿元。", "五十四万亿元", "国内生产总值", "增长到"),  # cpc_20: the start of a rise
    ("国内生产总值从五十四万亿元增长到一百一十四万亿元。", "一百一十四万亿元", "国内生产总值", "增长到"),
    ("居民人均可支配收入从一万六千五百元增加到三万五千一百元。", "三万五千一百元", "居民人均可支配收入", "增加到"),  # cpc_20
    ("二0一一年国内生产总值达到四十七点三万亿元。", "四十七点三万亿元", "国内生产总值", ""),  # the year is not part of it
    ("粮食产量由三千亿公斤增加到五千亿公斤。", "五千亿公斤", "粮食产量", "增加到"),
    ("全国八百三十二个贫困县全部摘帽。", "八百三十二个", "全国贫困县", ""),  # cpc_20
    ("全年粮食产量达到6.5亿吨，比上年增加1200万吨。", "1200万吨", "全年粮食产量", "比上年增加"),  # the clause continues
    ("人均预期寿命增长到七十八点二岁。", "七十八点二岁", "人均预期寿命", "增长到"),  # cpc_20
    ("居民消费价格上涨2.1%。", "2.1%", "居民消费价格", "上涨"),  # the segmenter glues 价格上涨
    ("全国农村贫困人口减少了三千二百万。", "三千二百万", "全国农村贫困人口", "减少"),  # cpc_15: a count without a counter
    ("我们党有五千八百万党员。", "五千八百万", "党员", ""),  # cpc_15
])  # fmt: skip
def test_what_a_claim_measures_is_read_from_the_sentence_grammar(sentence, surface, measured, direction):
    c = by_surface(sentence)
    assert (c.loc[surface, "measured"], c.loc[surface, "direction"]) == (measured, direction)


def test_a_fall_to_a_level_and_a_fall_by_an_amount_are_told_apart():
    to, by = claims_of("全市失业率下降到3.2%。").iloc[0], claims_of("全市失业率下降3.2%。").iloc[0]
    assert (to["direction"], by["direction"], to["change"], by["change"]) == ("下降到", "下降", "down", "down")
    assert claims_of("失业率降至4.5%以下。")["direction"].tolist() == ["降至"]


def test_words_that_hold_a_number_and_a_unit_are_not_claims():
    text = ("革命委员会要实行一元化的领导，坚持多元论，城乡二元经济结构，我们千万不能忘记，十万火急，亿万人民，几十年来，"
            "60岁以上老人，毛主席万岁，以上十条。")  # fmt: skip
    assert claims_of(text)["surface"].tolist() == []


def test_money_in_another_currency_keeps_its_currency():
    c = by_surface("外汇储备达到3万亿美元，进出口总额4.5万亿元。")
    assert c["value"].tolist() == [3e12, 4.5e12] and c["value_unit"].tolist() == ["美元", "元"]


# --------------------------------------------------------------------------- the CPC corpus


def test_claims_in_the_party_congress_reports_have_values_within_their_ends(cpc_corpus):
    c = D.claims(corpus.sentences(cpc_corpus.documents()), config=CONFIG)
    assert len(c) >= 50 and {"percent", "money", "multiple"} <= set(c["kind"])
    known = c[c["value"].notna()]
    assert (known["low"] <= known["value"]).all() and (known["value"] <= known["high"]).all()
    assert c.loc[c["value"].isna(), "number"].str.contains("[几数]").all()  # only a vague number has no value
    assert c.groupby("kind")["value_unit"].nunique().loc[["percent", "money", "multiple"]].eq(1).all()
    texts = cpc_corpus.documents().set_index("doc_id")["text"]
    assert all(texts[r.doc_id][r.start : r.end] == r.surface for r in c.itertuples())


# --------------------------------------------------------------------------- the gold standards

SEED_GOLD = Path(__file__).resolve().parent / "fixtures" / "discourse_gold.json"
CPC_GOLD = Path(__file__).resolve().parent / "fixtures" / "cpc_gold"
_UP = re.compile(r"上升|增长|增加|提升|提高|攀升|回升|上涨|上调|扩大|增幅|翻|[升增涨]")
_DOWN = re.compile(r"下降|减少|降低|回落|下滑|下跌|下调|缩小|缩减|压缩|降幅|裁军|[降减跌]")


def polarity(direction: str) -> str:
    """up, down or '' for a direction as written (比上年提高 → up, 同比下降 → down) or as the CPC gold writes it (level: '')."""
    direction = "" if not isinstance(direction, str) else direction
    if direction in ("up", "down"):
        return direction
    return "down" if _DOWN.search(direction) else "up" if _UP.search(direction) else ""


def _plain(text: object) -> str:
    """A measured thing without spaces, quotation marks, 的 (全国的企业 is 全国企业) and the gold's bracketed context
    (国内生产总值（年均增长）)."""
    return re.sub(r"（[^（）]*）|[\s“”‘’\"《》的]", "", text) if isinstance(text, str) else ""


def same_measure(gold: object, found: object) -> bool:
    """The same thing measured: equal, or one is the other with words before it (全县破案率, 破案率), both at least 2 characters."""
    g, f = _plain(gold), _plain(found)
    if g == f:
        return True
    short, long = sorted((g, f), key=len)
    return len(short) >= 2 and long.endswith(short)


def same_value(gold: float, found: float) -> bool:
    """Equal to the precision a gold value is written with (三分之一 is 33.333 there)."""
    return math.isclose(gold, found, rel_tol=1e-4, abs_tol=1e-9)


def score(gold: pd.DataFrame, found: pd.DataFrame) -> dict[str, object]:
    """The four targets over gold claims matched one to one to found claims of the same document and span.

    A gold claim is found where a claim of the same ``doc_id`` in the same ``span`` (the region
    or paragraph it was read from) has the same surface or one holding the other (100余个 and
    100余个（次）), the nearest in ``start`` first. ``measured`` is right where :func:`same_measure`,
    ``direction`` where its :func:`polarity` agrees, ``value`` where it is equal (and ``low`` and
    ``high`` where the gold gives them); rates are over all gold claims (a miss is wrong on all
    four), and ``value of found`` over the claims found.
    """
    pool: dict[tuple, list[tuple]] = {}
    for row in found.itertuples():
        pool.setdefault((row.doc_id, row.span), []).append(row)
    used: set[int] = set()
    out: dict[str, list] = {"missed": [], "wrong measured": [], "wrong direction": [], "wrong value": []}
    for g in gold.itertuples():
        candidates = [r for r in pool.get((g.doc_id, g.span), []) if id(r) not in used
                      and (r.surface == g.surface or r.surface in g.surface or g.surface in r.surface)]  # fmt: skip
        if not candidates:
            out["missed"].append((g.doc_id, g.surface, g.sentence[:60]))
            continue
        r = min(candidates, key=lambda r: (r.surface != g.surface, abs(r.start - g.start)))
        used.add(id(r))
        if not same_measure(g.measured, r.measured):
            out["wrong measured"].append((g.doc_id, g.surface, g.measured, r.measured))
        if polarity(g.direction) != r.change:
            out["wrong direction"].append((g.doc_id, g.surface, g.direction, r.direction))
        ends = [(e, getattr(g, e, float("nan"))) for e in ("low", "high")]
        values_agree = (pd.isna(g.value) or same_value(float(g.value), r.value)) and all(
            pd.isna(v) or same_value(float(v), getattr(r, e)) for e, v in ends)  # fmt: skip
        if not values_agree:
            out["wrong value"].append((g.doc_id, g.surface, g.value, r.value))
    n = len(gold)
    rates = {"found": 1 - len(out["missed"]) / n}
    rates |= {k: (n - len(out["missed"]) - len(out[f"wrong {k}"])) / n for k in ("measured", "direction", "value")}
    rates["value of found"] = 1 - len(out["wrong value"]) / max(n - len(out["missed"]), 1)
    return {"n": n, **rates, **out}


def report(name: str, result: dict[str, object]) -> None:
    print(f"\n{name}: {result['n']} gold claims; found {result['found']:.3f}, measured {result['measured']:.3f}, "
          f"direction {result['direction']:.3f}, value {result['value']:.3f} "
          f"({result['value of found']:.3f} of those found)")
    for key in ("missed", "wrong measured", "wrong direction", "wrong value"):
        for item in result[key]:
            print(f"  {key}: {item}")


def seed_gold_table() -> pd.DataFrame:
    """The seed gold's claims with the value their number and unit give (the unit's leading 万/亿 is its scale)."""
    claims = pd.DataFrame(json.loads(SEED_GOLD.read_text(encoding="utf-8"))["claims"])
    scale = {"万": 1e4, "亿": 1e8}

    def value(number: str, unit: str) -> float:
        if number == "零":
            return 0.0
        digits = float(number) if re.fullmatch(r"[\d.]+", number) else float({"一": 1, "两": 2}[number])
        return digits * scale.get(unit[:1], 1) if unit not in ("万", "亿") else digits * scale[unit]

    return claims.assign(value=[value(n, u) for n, u in zip(claims["number"], claims["unit"])],
                         measured=claims["measured_np"], span=claims["para_no"])  # fmt: skip


@pytest.mark.skipif(not SEED_GOLD.is_file(), reason="the hand-made gold standard fixtures/discourse_gold.json is absent")
def test_claims_reach_the_targets_on_the_seed_gold_standard(seed_corpus):
    found = D.claims(corpus.sentences(corpus.paragraphs(seed_corpus)), config=CONFIG).assign(span=lambda c: c["para_no"])
    result = score(seed_gold_table(), found)
    report("seed gold", result)
    assert result["found"] >= 0.95 and result["measured"] >= 0.8 and result["direction"] >= 0.9
    assert result["value of found"] == 1.0


def cpc_regions(texts: pd.Series, regions: pd.DataFrame) -> pd.DataFrame:
    """The gold's regions as offsets into the cleaned text: from ``first_chars`` to the end of ``last_chars``."""
    rows = []
    for region in regions.itertuples():
        text = texts[region.doc_id]
        start = text.find(region.first_chars)
        end = text.find(region.last_chars, start)
        assert start >= 0 and end >= 0, f"region {region.Index} of {region.doc_id} is not in the cleaned text"
        rows.append((region.doc_id, region.Index, start, end + len(region.last_chars)))
    return pd.DataFrame(rows, columns=["doc_id", "span", "region_start", "region_end"])


def in_regions(table: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` (doc_id, start) inside a region, with the region's number as ``span``."""
    merged = table.merge(regions, on="doc_id")
    inside = (merged["region_start"] <= merged["start"]) & (merged["start"] < merged["region_end"])
    return merged[inside].drop(columns=["region_start", "region_end"])


def gold_in_cleaned_text(gold: pd.DataFrame, texts: pd.Series, regions: pd.DataFrame) -> pd.DataFrame:
    """The gold's claims with ``start`` in the cleaned text and ``span`` their region.

    The gold's offsets are into the raw files; each surface is found in its region of the cleaned
    text in turn (the n-th occurrence of a surface in the gold is the n-th in the region).
    """
    rows = []
    seen: dict[tuple, int] = {}
    for g in gold.itertuples(index=False):
        region = regions[regions["doc_id"] == g.doc_id].iloc[0]
        text, at = texts[g.doc_id], seen.get((g.doc_id, g.surface), int(region["region_start"]))
        start = text.find(g.surface, at, int(region["region_end"]))
        assert start >= 0, f"gold claim {g.surface!r} of {g.doc_id} is not in its region of the cleaned text"
        seen[(g.doc_id, g.surface)] = start + 1
        rows.append(g._replace(start=start)._asdict() | {"span": int(region["span"])})
    return pd.DataFrame(rows)


@pytest.mark.skipif(not (CPC_GOLD / "claims.csv").is_file(), reason="the blind CPC gold standard fixtures/cpc_gold is absent")
def test_claims_reach_the_targets_on_the_blind_cpc_gold_standard(cpc_corpus):
    text_columns = ["doc_id", "surface", "number", "unit", "value_unit", "kind", "measured", "direction", "sentence"]
    gold = pd.read_csv(CPC_GOLD / "claims.csv", dtype={c: str for c in text_columns}, keep_default_na=False)
    for column in ("value", "low", "high"):
        gold[column] = pd.to_numeric(gold[column].replace("", float("nan")))
    texts = cpc_corpus.documents().set_index("doc_id")["text"]
    regions = cpc_regions(texts, pd.read_csv(CPC_GOLD / "regions.csv", keep_default_na=False))
    found = D.claims(corpus.sentences(cpc_corpus.documents()), config=CONFIG)
    result = score(gold_in_cleaned_text(gold, texts, regions), in_regions(found, regions))
    report("CPC gold", result)
    assert result["found"] >= 0.95 and result["measured"] >= 0.8 and result["direction"] >= 0.9
    assert result["value of found"] == 1.0


def test_a_bound_written_after_the_number_is_its_qualifier_and_leaves_the_value():
    c = by_surface("全年压减粗钢产能6500万吨以上，亏损企业减少到两千户左右，贫困发生率下降到百分之四以下，"
                   "单位能耗降低20%左右，办结时限压缩在30天以内，新建住房约12万套左右。")
    assert c.loc[["6500万吨", "两千户", "百分之四", "20%", "12万套"], "qualifier"].tolist() == ["以上", "左右", "以下", "左右", "约"]
    assert c.loc[["6500万吨", "两千户", "百分之四", "20%"], "value"].tolist() == [65000000.0, 2000.0, 4.0, 20.0]
    assert c.loc["6500万吨", "low"] == c.loc["6500万吨", "high"] == 65000000.0


def test_a_verb_stating_the_level_reached_is_not_part_of_what_is_measured():
    c = by_surface("外贸进出口总额突破40万亿元，城镇调查失业率降到5.2%。", "全市一般公共预算收入完成356.8亿元。",
                   "社会消费品零售总额首次超过30万亿元。")
    assert c.loc[["40万亿元", "5.2%", "30万亿元"], "measured"].tolist() == ["外贸进出口总额", "城镇调查失业率", "社会消费品零售总额"]
    assert c.loc["356.8亿元", "measured"].endswith("收入")


def test_the_basis_of_a_figure_is_not_what_it_measures():
    c = by_surface("全国国内生产总值达到一万八千五百四十七亿元，按可比价格计算比上年增长百分之九点一。",
                   "全省工业增加值按可比口径计算增长7%。")
    assert c.loc[["百分之九点一", "7%"], "measured"].tolist() == ["全国国内生产总值", "全省工业增加值"]


# --------------------------------------------------------------------------- numbers as people write them (a review's list)


def test_a_bare_fanfan_is_one_doubling_and_does_not_stop_the_table():
    row = claims_of("城乡居民人均收入比二〇一〇年翻番。").iloc[0]
    assert (row["surface"], row["value"], row["direction"], row["change"]) == ("翻番", 2.0, "比二〇一〇年翻番", "up")


@pytest.mark.parametrize("text, surface, low, high", [
    ("全市有三至五万人参加培训。", "三至五万人", 30_000, 50_000),  # the low end takes the scale inside the high end's number
    ("全年招商引资十至二十亿元。", "十至二十亿元", 1e9, 2e9),
    ("投资一千至两千万元建设项目。", "一千至两千万元", 1e7, 2e7),
    ("产值增长2至3倍。", "2至3倍", 3.0, 4.0),  # a rise by 2 to 3 times: to 3 to 4 times the start, both ends
])
def test_both_ends_of_a_range_in_words_share_its_scale(text, surface, low, high):
    row = claims_of(text).iloc[0]
    assert (row["surface"], row["low"], row["high"], row["value"]) == (surface, low, high, (low + high) / 2)


@pytest.mark.parametrize("text, surface, value, kind", [
    ("全年总投资1亿2千万元。", "1亿2千万元", 120_000_000, "money"),  # Arabic digits with scales inside: one amount
    ("全年发放补贴3万5千元。", "3万5千元", 35_000, "money"),
    ("全年投资3亿5000万元。", "3亿5000万元", 350_000_000, "money"),
    ("全年培训干部二十余万人次。", "二十余万人次", 200_000, "people"),  # 余 before the scale
    ("全省新增就业五十多万人。", "五十多万人", 500_000, "people"),
    ("在中国这样一个十多亿人口的国度里，", "十多亿人口", 1e9, "people"),  # CPC 1997
    ("全县共有八十三个乡镇。", "八十三个", 83, "units"),  # a written-out count under a hundred
    ("建成万余个村级综合服务站。", "万余个", 10_000, "units"),  # a scale alone, made a number by 余 or 近
    ("近百个前殖民地、半殖民地国家先后取得独立。", "百个", 100, "units"),  # CPC 1982
])
def test_numbers_written_as_people_write_them_are_read(text, surface, value, kind):
    row = claims_of(text).iloc[0]
    assert (row["surface"], row["value"], row["kind"]) == (surface, value, kind)


@pytest.mark.parametrize("text, qualifier", [("全国有十几亿人口。", "几"), ("全市参与群众达上万人次。", "上"), ("动员了几十万干部。", "几")])
def test_a_vague_number_says_so_in_its_qualifier(text, qualifier):
    assert claims_of(text)["qualifier"].tolist() == [qualifier]


@pytest.mark.parametrize("text", [
    "该县在全省考核中进入前三名。", "该县在全省考核中进入前10名。",  # ranks
    "提供7×24小时服务。",  # a schedule
    "数以百万计的战士献出了生命。",  # "by the millions"
    "以上十四条，构成基本方略。",  # the count of a list just given (CPC 2017)
    "全市建成十个服务中心。",  # 十 alone: 十个坚持 and the like are formulae's
])
def test_ranks_schedules_idioms_and_pointing_counts_are_not_claims(text):
    assert claims_of(text).empty


@pytest.mark.parametrize("numeral, value", [
    ("二〇三五", 2035), ("一九四九", 1949), ("一千二", 1200), ("一百一", 110), ("两万五", 25_000), ("一万零五", 10_005),
    ("三万万", 300_000_000), ("一千零二", 1002),
])
def test_numerals_written_digit_by_digit_or_abbreviated_are_read_as_said(numeral, value):
    assert number_value(numeral) == value


def test_myriad_idioms_are_not_numbers_and_hong_kong_dollars_are_money():
    assert not corpus.patterns.is_number_word("亿万") and not corpus.patterns.is_number_word("千百万")
    row = claims_of("全年投资100亿港币。").iloc[0]
    assert (row["kind"], row["value"], row["value_unit"]) == ("money", 1e10, "港币")


def test_a_list_before_fenbie_gives_each_number_its_measure_in_order():
    c = claims_of("规模以上工业增加值、固定资产投资、社会消费品零售总额比上年分别增长6.5%、8.2%、7.1%。")
    assert c["measured"].tolist() == ["规模以上工业增加值", "固定资产投资", "社会消费品零售总额"]
    assert c["direction"].tolist() == ["比上年增长"] * 3
    c = claims_of("全年地区生产总值、一般公共预算收入分别达到1000亿元、80亿元，分别增长6%、8%。")
    assert c["measured"].tolist() == ["全年地区生产总值", "一般公共预算收入"] * 2


@pytest.mark.parametrize("text, surface, low, high", [
    ("增速为5．1%。", "5．1%", 5.1, 5.1),  # a full-width decimal point between ASCII digits
    ("满意度达七到八成。", "七到八成", 70, 80),  # a range of tenths, not a formula like 三严三实
    ("出生率控制在3到5‰。", "3到5‰", 0.3, 0.5),  # the low end in the high end's unit
    ("超八成群众表示满意。", "八成", 80, 80),  # 群众 after 成, not 成群
])
def test_shares_and_decimals_as_scraped_text_writes_them(text, surface, low, high):
    row = claims_of(text).iloc[0]
    assert (row["surface"], row["low"], row["high"]) == (surface, low, high)


def test_an_idiom_with_cheng_qun_is_no_share():
    assert claims_of("大家三五成群地交流学习体会。").empty


@pytest.mark.parametrize("text, surface, value, qualifier, measured", [
    ("全省三分之二以上的村完成了改造。", "三分之二", 200 / 3, "以上", "全省村"),  # a bound between the share and its 的
    ("贫困人口减少了2/3。", "2/3", 200 / 3, "", "贫困人口"),  # a fraction in digits
    ("半数以上的乡镇建立了服务中心。", "半数", 50.0, "以上", "乡镇"),
    ("接近一半的农户参加了合作社。", "一半", 50.0, "接近", "农户"),
])
def test_halves_and_fractions_in_digits_are_shares(text, surface, value, qualifier, measured):
    row = claims_of(text).iloc[0]
    assert (row["surface"], row["kind"], row["value_unit"], row["qualifier"], row["measured"]) == (
        surface, "percent", "%", qualifier, measured)
    assert row["value"] == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "一半是海水，一半是火焰。",  # 一半 without a bound: "one half ... the other"
    "会议于2021/3/5召开。", "比分为3/3。", "提供7/24小时服务。", "执行3/2方案。",  # dates, scores, schedules, improper
])
def test_halves_and_slashes_that_are_no_shares(text):
    assert claims_of(text).empty


def test_digits_grouped_by_spaces_are_one_number_and_a_trailing_duo_is_a_qualifier():
    c = by_surface("全市常住人口达到12 345 678人，地区生产总值1 234.5亿元，比上年增长两倍多。")
    assert c.loc[["12 345 678人", "1 234.5亿元"], "value"].tolist() == [12_345_678, 1.2345e11]  # GB/T 15835's groups of three
    assert c.loc["两倍", "qualifier"] == "多"
    assert number_value("1 200", "万") == 12_000_000


def test_a_currency_named_before_the_amount_is_its_unit_and_never_what_it_measures():
    c = by_surface("特别预算约新台币8,824.9亿元，分四年编列。", "全年投资人民币5000亿元。", "全年举办活动2.3万场次。")
    assert c.loc[["8,824.9亿元", "5000亿元"], "value_unit"].tolist() == ["新台币", "元"]
    assert c.loc["8,824.9亿元", "measured"].endswith("预算") and c.loc["5000亿元", "measured"] == "全年投资"
    assert (c.loc["2.3万场次", "unit"], c.loc["2.3万场次", "kind"]) == ("万场次", "events")


def test_a_rates_denominator_is_part_of_its_unit():
    c = by_surface("全员劳动生产率达到8.7万元/人以上，日供水能力1000立方米/日。")
    assert c.loc["8.7万元/人", ["value", "unit", "value_unit", "qualifier"]].tolist() == [87_000, "万元/人", "元/人", "以上"]
    assert c.loc["1000立方米/日", "value_unit"] == "立方米/日"


@pytest.mark.parametrize("text, surface, value, value_unit, qualifier", [
    ("增速高出全国平均水平5个多百分点。", "5个多百分点", 5, "%", "多"),  # 多 inside the unit
    ("工程历时3个多月。", "3个多月", 3, "个月", "多"),
    ("全年生猪出栏520万头。", "520万头", 5_200_000, "头", ""),  # units of bulletins and discipline reports
    ("集装箱吞吐量达到320万标箱。", "320万标箱", 3_200_000, "标箱", ""),
    ("全省共开展巡察12轮。", "12轮", 12, "轮", ""),
    ("受理信访举报5.3万件次。", "5.3万件次", 53_000, "件次", ""),
    ("进出口总额突破1万亿元。", "1万亿元", 1e12, "元", "突破"),  # 突破: more than
    ("存款余额逾千亿元。", "千亿元", 1e11, "元", "逾"),  # a scale made a number, with its qualifier
    ("建成农村公路2100千米。", "2100千米", 2100, "公里", ""),  # 千 of 千米 is the unit's, as 公里
])
def test_units_of_bulletins_and_reports_and_numbers_inside_them(text, surface, value, value_unit, qualifier):
    row = claims_of(text).iloc[0]
    assert (row["surface"], row["value"], row["value_unit"], row["qualifier"]) == (surface, value, value_unit, qualifier)


def test_a_scale_of_money_that_names_a_class_of_firms_is_no_claim():
    assert claims_of("年产值超亿元企业达到120家。")["surface"].tolist() == ["120家"]
