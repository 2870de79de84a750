"""Discourse analysis: formulae, slogans, models, cited documents, claims, enumerations and shared passages.

Checked on the seeds, on constructed text (including the look-alikes that must not match),
and against the hand-made gold standard in ``fixtures/discourse_gold.json`` (recall and
precision of formulae, models and claims).
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import discourse as D
from corpus.clean import clean_text, edit_text_spans
from corpus.segment import TokenConfig

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "discourse_gold.json"
#: The token configuration the claims read their part-of-speech tags with (the package default).
CONFIG = TokenConfig()


@pytest.fixture(scope="module")
def seeds(seed_corpus):
    return seed_corpus, corpus.paragraphs(seed_corpus)


def audit_with_spans(loaded: corpus.Corpus) -> pd.DataFrame:
    """The audit the loader recorded, checked against each edit's span in ``text`` rebuilt here by cleaning again."""
    docs = loaded.documents()
    rebuilt = []
    for doc_id, raw in zip(docs["doc_id"], docs["raw"]):
        cleaned = clean_text(raw, loaded.clean_config)
        rebuilt += [(doc_id, step, a, b) for (step, e), (a, b) in zip(cleaned.edits, edit_text_spans(cleaned.edits))
                    if step == "plus_signs"]  # fmt: skip
    audit = loaded.audit
    recorded = audit[audit["step"] == "plus_signs"]
    assert sorted(zip(recorded["doc_id"], recorded["step"], recorded["text_start"], recorded["text_end"])) == sorted(rebuilt)
    return audit


def frame(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def claims_of(units: pd.DataFrame) -> pd.DataFrame:
    """The claims of documents or paragraphs: their sentences, read with the default token configuration."""
    return D.claims(corpus.sentences(units), config=CONFIG)


#: Each table from paragraphs: the analyses that need more than the text are given it.
TABLES = {"formulae": D.formulae, "models": lambda units: D.models(units, audit=None), "claims": claims_of,
          "slogans": D.slogans, "cited_documents": D.cited_documents, "enumerations": D.enumerations}  # fmt: skip


# --------------------------------------------------------------------------- every table


@pytest.mark.parametrize("name, surface", [("formulae", "surface"), ("models", "surface"), ("claims", "surface"),
                                           ("slogans", None), ("cited_documents", None), ("enumerations", "text")])  # fmt: skip
def test_every_table_cites_doc_para_and_offsets_that_slice_the_document_text(seeds, name, surface):
    loaded, paras = seeds
    docs = loaded.documents()
    table = TABLES[name](paras)
    assert len(table) and {"doc_id", "para_no", "start", "end"} <= set(table.columns)
    texts = docs.set_index("doc_id")["text"]
    spans = paras.set_index(["doc_id", "para_no"])
    for row in table.itertuples():
        piece = texts[row.doc_id][row.start : row.end]
        para = spans.loc[(row.doc_id, row.para_no)]
        assert para["start"] <= row.start <= row.end <= para["end"]
        if surface:
            assert piece == getattr(row, surface)
        else:
            assert piece[1:-1] == (row.slogan if name == "slogans" else row.title)


def test_documents_and_their_paragraphs_give_the_same_tables(seeds):
    loaded, paras = seeds
    docs = loaded.documents()
    for fn in (D.formulae, claims_of, D.slogans, D.enumerations):
        pd.testing.assert_frame_equal(fn(docs), fn(paras))


def test_an_empty_corpus_gives_empty_tables_with_their_columns():
    empty = frame()
    for fn, cols in [(D.formulae, D.FORMULA_COLUMNS), (TABLES["models"], D.MODEL_COLUMNS), (claims_of, D.CLAIM_COLUMNS),
                     (D.slogans, D.SLOGAN_COLUMNS), (D.cited_documents, D.TITLE_COLUMNS),
                     (D.enumerations, D.ENUMERATION_COLUMNS), (D.shared_passages, D.PASSAGE_COLUMNS)]:  # fmt: skip
        assert list(fn(empty).columns) == cols and fn(empty).empty
    assert D.formulae(frame("没有任何编号的普通句子。")).empty


def test_units_without_text_are_refused_with_the_missing_columns_named():
    with pytest.raises(ValueError, match="text"):
        D.formulae(pd.DataFrame({"doc_id": ["a"]}))


# --------------------------------------------------------------------------- formulae


def test_formulae_on_the_seeds_have_numbers_heads_and_the_members_the_text_spells_out(seeds):
    _, paras = seeds
    f = D.formulae(paras).set_index("surface")
    assert f.loc["三抓四学五查六提升", "numbers"].tolist() == ["三/四/五/六"] * 2
    assert f.loc["三抓四学五查六提升", "head"].iloc[0] == "抓/学/查/提升"
    assert f.loc["四个清单", "members"] == "岗位职责任务；工作规程；推进情况；总结评价"
    assert f.loc["一表三清单", "members"] == "工作任务一览表；学习清单；问题清单；整改清单"
    assert f.loc["三个转变", "n_members"] == 3 and f.loc["五查", "n_members"] == 5
    assert f.loc["一村（一格）一辅警", "head"] == "村/格/辅警"
    assert f.loc["二十条措施", "total"] == 20 and f.loc["从严治警七条", "head"] == "从严治警（条）"
    assert "一改两为五做到" in f.index and (f.index == "一改两为").sum() == 3  # the longer one is not also counted


@pytest.mark.parametrize("text", [
    "2024年8月25日，全省第二、行业第一，第一时间落实“第一议题”。",
    "一是抓学习。二是抓落实。三是抓统一是关键。",
    "护航辽宁全面振兴新突破三年行动，近三年最低水平，三周年之际，新中国成立75周年。",
    "为党的二十大胜利召开，党的十九大以来，建立省市县三级公安机关廉政风险排查机制。",
    "基层党组织“一把手”，一场刮骨疗毒式的自我革命，交上一份满意的答卷，一体推进，一往无前，一手抓发展、一手抓管理。",
    "把基层治理“千条线”整合形成“一股绳”，完成违规三、四轮电动车备案登记，依托“一网通智慧教育训练系统”。",
    "制定实行15个方面113项具体任务，围绕49项具体措施，召开座谈会4900余场。",
])  # fmt: skip
def test_look_alikes_are_not_formulae(text):
    assert D.formulae(frame(text))["surface"].tolist() == []


def test_a_count_in_chinese_numerals_is_a_formula_and_in_arabic_digits_a_claim():
    text = "落实“十项措施”和二十条措施，围绕49项具体措施、6项举措，确保“两个40%”全覆盖，开展三年行动。"
    assert D.formulae(frame(text))["surface"].tolist() == ["十项措施", "二十条措施", "两个40%"]
    assert claims_of(frame(text))["surface"].tolist() == ["49项", "6项"]  # not 40% (inside a formula), not 三年


def test_a_list_of_as_many_items_before_a_formula_gives_its_members():
    f = D.formulae(frame("实现人民调解、行政调解、司法调解“三调联动”，圆满完成春节、全国“两会”等任务。"))
    assert f.set_index("surface")["members"].to_dict() == {"三调联动": "人民调解；行政调解；司法调解", "两会": ""}


# --------------------------------------------------------------------------- models


def test_models_give_parts_including_parentheses_and_the_open_slot():
    m = D.models(frame("以“党建+”的模式，拓展“公安+村居（企业）”，推行“党建+网格+警务”，健全“1+X”制度。"), audit=None)
    assert m["surface"].tolist() == ["党建+", "公安+村居（企业）", "党建+网格+警务", "1+X"]
    assert m["parts"].tolist() == ["党建|", "公安|村居（企业）", "党建|网格|警务", "1|X"]
    assert m["open_slot"].tolist() == [True, False, False, False]
    assert m["numeric"].tolist() == [False, False, False, True]
    assert m["restored"].isna().all()  # unknown without the audit


def test_models_whose_plus_sign_the_cleaning_restored_are_marked(seeds):
    loaded, paras = seeds
    docs = loaded.documents()
    m = D.models(paras, audit=audit_with_spans(loaded))
    restored = m[m["restored"]]
    assert set(restored["doc_id"]) == {"004_e186e5d3fe9db7fc"}
    assert set(restored["surface"]) == {"党建+警务", "警种+派出所", "派出所+派出所", "公安+村居（企业）", "党建+网格+警务"}
    assert not m.loc[m["doc_id"] != "004_e186e5d3fe9db7fc", "restored"].any()


def test_models_refuse_an_audit_without_the_spans_of_its_edits(seeds):
    loaded, paras = seeds
    docs = loaded.documents()
    with pytest.raises(ValueError, match="text_start.*edit_text_spans"):
        D.models(paras, audit=audit_with_spans(loaded).drop(columns=["text_start", "text_end"]))


def test_numeric_models_are_formulae_too_with_numbers_and_the_noun_they_name(seeds):
    _, paras = seeds
    f, m = D.formulae(paras), D.models(paras, audit=None)
    numeric = f[f["form"] == "numeric"].set_index("surface")
    assert list(numeric.index) == ["1+X", "1+2+5", "5+2", "6+N"]
    assert numeric["numbers"].tolist() == ["1/X", "1/2/5", "5/2", "6/N"] and numeric["total"].tolist() == [1, 8, 7, 6]
    assert numeric["head"].tolist() == ["制度体系", "工作体系", "专项整治方案", "顽瘴痼疾"]
    keys = ["doc_id", "para_no", "start", "end", "surface"]
    pd.testing.assert_frame_equal(numeric.reset_index()[keys], m.loc[m["numeric"], keys].reset_index(drop=True))
    assert not set(m.loc[~m["numeric"], "surface"]) & set(f["surface"])  # other models are models only


def test_an_unquoted_model_leaves_the_verbs_before_it_and_a_numeric_one_the_words_around_it():
    text = "大力推进互联网+政务服务，发展互联网+医疗健康，构建1+N政策体系，形成5+2模式，深化公安+村居（企业）联动。"
    m = D.models(frame(text), audit=None)
    assert m["surface"].tolist() == ["互联网+政务服务", "互联网+医疗健康", "1+N", "5+2", "公安+村居（企业）"]
    assert m["head"].tolist()[:2] == ["互联网", "互联网"] and m["numeric"].tolist() == [False, False, True, True, False]
    f = D.formulae(frame(text))
    assert f["surface"].tolist() == ["1+N", "5+2"] and f["head"].tolist() == ["政策体系", "模式"]
    assert D.models(frame("推行“大力推进互联网+政务服务”"), audit=None)["surface"].tolist() == ["大力推进互联网+政务服务"]  # quoted: as written


def test_only_digit_and_letter_models_are_numeric():
    text = "健全“1+X”制度，推行“党建+警务”和“党建+X”模式，落实“3+2+N”机制。"
    assert D.formulae(frame(text))["surface"].tolist() == ["1+X", "3+2+N"]
    assert D.models(frame(text), audit=None)["numeric"].tolist() == [True, False, False, True]
    assert D.formulae(frame(text))["head"].tolist() == ["制度", "机制"]


# --------------------------------------------------------------------------- claims


def test_claims_give_number_unit_direction_and_the_measured_thing():
    text = "2024年，黑恶相关刑事案件破案率较2021年上升25.8%。2024年，全省累计避免群众损失13.8亿元、返还被骗资金2.3亿元，同比分别上升53.9%、32.3%。"
    c = claims_of(frame(text)).set_index("surface")
    assert list(c.index) == ["25.8%", "13.8亿元", "2.3亿元", "53.9%", "32.3%"]
    assert c.loc["25.8%", "direction"] == "较2021年上升" and c.loc["25.8%", "measured"] == "黑恶相关刑事案件破案率"
    assert c.loc["13.8亿元", "value"] == 1.38e9 and c.loc["13.8亿元", "unit"] == "亿元" and c.loc["13.8亿元", "kind"] == "money"
    assert c.loc[["53.9%", "32.3%"], "direction"].tolist() == ["同比上升", "同比上升"]  # 同比 shared through 分别
    assert c.loc[["13.8亿元", "2.3亿元"], "measured"].tolist() == ["群众损失", "被骗资金"]  # the objects of 避免, 返还
    assert c.loc[["53.9%", "32.3%"], "measured"].tolist() == ["群众损失", "被骗资金"]  # 分别: in list order
    assert c.loc["53.9%", "sentence"].startswith("2024年，全省累计") and c.loc["53.9%", "sentence"].endswith("。")


def test_claims_keep_approximators_qualifiers_and_alternative_units():
    c = claims_of(frame("累计走访企业8.1万家（次），召开座谈会4900余场，播放量超1400万次，日均不到1件，爆炸犯罪“零发案”。"))
    assert c["surface"].tolist() == ["8.1万家（次）", "4900余场", "1400万次", "1件", "零发案"]
    assert c["unit"].tolist() == ["万家（次）", "场", "万次", "件", ""]
    assert c["qualifier"].tolist() == ["", "余", "超", "不到", ""]


@pytest.mark.parametrize("text", [
    "2022年以来，8月25日前，8月底前完成，近3年来，每两周更新一次，连续多年。",
    "拨打12345热线、12389举报平台，110接处警，G228沿线。",
    "活跃度未达100%的党支部，全县第一，全省第二，第3名。",
    "作为一名党员，无一人掉队，把基层治理“千条线”整合。",
    "制定“5+2”专项整治方案，健全“1+X”制度体系，对照“6+N”顽瘴痼疾。",
    "2023年份的工作，第5份文件，一份满意的答卷，一张蓝图绘到底，联系电话0371-12345678，京A12345号牌。",
])  # fmt: skip
def test_dates_codes_ranks_thresholds_and_articles_are_not_claims(text):
    assert claims_of(frame(text))["surface"].tolist() == []


@pytest.mark.parametrize("sentence, surface, measured", [
    ("全市刑事案件破案率较2022年上升12.6%。", "12.6%", "全市刑事案件破案率"),  # the indicator before a comparison
    ("今年以来累计挽回群众经济损失3.2亿元。", "3.2亿元", "群众经济损失"),  # the object of the verb before an amount
    ("依法查处违法行为1200余起。", "1200余起", "违法行为"),  # the verb governing the phrase is left out
    ("全县共组建17支志愿服务队。", "17支", "志愿服务队"),  # the noun a count counts
    ("抓获犯罪嫌疑人86名，查获毒品12.5公斤。", "86名", "犯罪嫌疑人"),
    ("抓获犯罪嫌疑人86名，查获毒品12.5公斤。", "12.5公斤", "毒品"),
    ("先后5次召开专题会议。", "5次", "召开专题会议"),  # a count of events: the action
    ("交通事故起数、死亡人数均同比下降8.1%。", "8.1%", "交通事故起数、死亡人数"),  # coordinated measures
    ("全省电信诈骗发案数同比下降31.5%，涉案金额同比下降27.4%。", "27.4%", "涉案金额"),
    ("群众满意率达到97.2%。", "97.2%", "群众满意率"),  # the subject of 达到
    ("治安案件受理同比上升8.5%、查处上升39.2%。", "39.2%", "治安案件查处"),  # an elided indicator
    ("全市12个县区、158个乡镇全部建成综治中心。", "158个", "乡镇"),  # the predicate is not part of it
    ("走访企业和群众3.6万户，收集意见建议420条。", "3.6万户", "企业和群众"),
    ("累计发放宣传资料5万余份。", "5万余份", "宣传资料"),
])  # fmt: skip
def test_what_a_claim_measures_is_read_from_the_sentence(sentence, surface, measured):
    c = claims_of(frame(sentence)).set_index("surface")
    assert c.loc[surface, "measured"] == measured


def test_claims_cite_the_sentence_of_the_corpus_splitter_they_were_read_in(seeds):
    _, paras = seeds
    sentences = corpus.sentences(paras)
    c = D.claims(sentences, config=CONFIG)
    cited = c.merge(sentences, on=["doc_id", "para_no", "sent_no"], suffixes=("", "_sentence"), validate="many_to_one")
    assert len(cited) == len(c)
    assert (cited["start_sentence"] <= cited["start"]).all() and (cited["end"] <= cited["end_sentence"]).all()
    assert (cited["sentence"] == cited["text"]).all()


def test_a_semicolon_does_not_end_the_sentence_a_claim_cites():
    c = claims_of(frame("全市新建调解室12个；培训调解员300名。"))
    assert c["sent_no"].tolist() == [1, 1] and c["sentence"].nunique() == 1


def test_claims_need_the_sentence_table_and_the_corpus_token_configuration(seeds):
    _, paras = seeds
    with pytest.raises(ValueError, match="corpus.sentences"):
        D.claims(paras, config=CONFIG)
    with pytest.raises(TypeError, match="config"):
        D.claims(corpus.sentences(paras))  # type: ignore[call-arg]


def test_what_a_claim_measures_follows_the_lexicon_of_the_token_configuration(tmp_path):
    text = "全年共开展平安守护专项巡查120次。"
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("平安守护专项巡查 50000 n\n", encoding="utf-8")
    with_lexicon = D.claims(corpus.sentences(frame(text)), config=TokenConfig(lexicon_paths=(str(lexicon),)))
    assert with_lexicon["measured"].tolist() == ["平安守护专项巡查"]


def test_written_out_numbers_with_their_scales_have_their_value():
    c = claims_of(frame("全国基本养老保险覆盖十亿四千万人，全年投入资金二万八千亿元。")).set_index("surface")
    assert c.loc["十亿四千万人", "value"] == 1.04e9 and c.loc["二万八千亿元", "value"] == 2.8e12


def test_a_count_restating_the_items_just_listed_is_not_a_claim():
    text = "通过考核、学习、作风、廉政、执法、绩效等6个方面的提升，制定《若干措施》等6项举措。"
    assert claims_of(frame(text))["surface"].tolist() == ["6项"]


def test_a_count_of_measures_in_prose_is_neither_formula_nor_claim_unless_quoted_as_a_label():
    # what the 04_discourse report says of 十项措施
    prose = frame("国务院出台了促进经济平稳较快发展的十项措施。")
    assert D.formulae(prose).empty and claims_of(prose).empty
    assert D.formulae(frame("国务院出台了“十项措施”。"))["surface"].tolist() == ["十项措施"]


# --------------------------------------------------------------------------- slogans, titles, enumerations


def test_slogans_are_counted_across_documents_and_cited_titles_listed_apart():
    docs = frame("坚持发展新时代“枫桥经验”，制定《重要事项清单》。", "学习运用“枫桥经验”和“浦江经验”，观看《零容忍》。")
    s = D.slogans(docs).set_index("slogan")
    assert s.loc["枫桥经验", "n_docs"].tolist() == [2, 2] and s.loc["枫桥经验", "docs"].iloc[0] == "d0, d1"
    assert s.loc["浦江经验", "count"] == 1 and "重要事项清单" not in s.index
    t = D.cited_documents(docs)
    assert t["title"].tolist() == ["重要事项清单", "零容忍"] and t["genre"].tolist() == ["清单", ""]


def test_a_quoted_formula_or_model_is_typed_as_the_formulae_and_models_tables_list_it():
    docs = frame("持续纠治“四风”，解决好“三农”问题，做好“六稳”工作，推进“互联网+”行动，在“十三个方面成就”中把握精髓，弘扬“枫桥经验”。")
    kinds = dict(zip(*D.slogans(docs)[["slogan", "kind"]].T.values))
    assert kinds == {"四风": "formula", "三农": "formula", "六稳": "formula", "互联网+": "model", "十三个方面成就": "formula",
                     "枫桥经验": "slogan"}  # fmt: skip
    formulae = set(D.formulae(docs)["surface"]) | set(D.models(docs, audit=None)["surface"])
    assert {k for k, v in kinds.items() if v != "slogan"} <= formulae


def test_quoted_sentences_are_not_slogans_and_quotes_inside_titles_are_marked(seeds):
    _, paras = seeds
    s = D.slogans(paras)
    assert not s["slogan"].str.contains("。").any()
    inside = s[s["in_title"]]
    assert inside["slogan"].tolist() == ["第一议题"] and inside["doc_id"].tolist() == ["000_38fd660c71088e9b"]
    assert s.set_index("slogan").loc["三会一课", "kind"].iloc[0] == "formula"


def test_enumerations_number_the_measures_of_each_section():
    doc = "\n".join(["一、抓党建", "一是强化学习。制度统一是关键。二是狠抓落实。", "三是严格考核。", "二、抓队伍", "一是从严管理。"])
    e = D.enumerations(frame(doc))
    assert e["marker"].tolist() == ["一、", "一是", "一是", "一是", "一、", "一是"]
    assert e["item_no"].tolist() == [1, 1, 2, 3, 2, 1]
    assert e["n_items"].tolist() == [2, 3, 3, 3, 2, 1]
    assert e["label"].tolist()[1:4] == ["强化学习", "狠抓落实", "严格考核"]
    assert e["section"].tolist()[1] == "一、抓党建" and e["section"].tolist()[5] == "二、抓队伍"


def test_a_list_written_in_one_sentence_is_numbered_item_by_item():
    """一是…，二是… inside one sentence (the CPC report of 1987 writes its two problems so); 一个是 and 唯一是 start nothing."""
    e = D.enumerations(frame("这使我们面临两大问题：一是优秀人才难以脱颖而出，二是用人上的不正之风难以避免。"
                             "其中一个是关键，唯一是要坚持，二是不能开始一个列表。"))
    assert e["marker"].tolist() == ["一是", "一是"] and e["item_no"].tolist() == [1, 2] and e["n_items"].tolist() == [2, 2]
    assert e["label"].tolist() == ["优秀人才难以脱颖而出", "用人上的不正之风难以避免"]


# --------------------------------------------------------------------------- shared passages


def _filler(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))


def test_shared_passages_find_a_planted_sentence_and_ignore_common_short_phrases():
    rng = random.Random(0)
    planted = "坚持以人民为中心的发展思想推动基层治理现代化"
    texts = [f"{_filler(rng, 60)}党建引领{_filler(rng, 40)}" for _ in range(6)]
    texts[1] = texts[1][:30] + planted + texts[1][30:]
    texts[4] = planted.replace("推动", "推进") + "。" + texts[4]  # nearly verbatim: one character differs
    p = D.shared_passages(frame(*texts))
    assert len(p) == 1, p
    row = p.iloc[0]
    assert (row.doc_id_a, row.doc_id_b) == ("d1", "d4") and row.para_no_a == row.para_no_b == 1
    assert texts[1][row.start_a : row.end_a] == planted and texts[4][row.start_b : row.end_b] == planted.replace("推动", "推进")
    assert row.chars == len(planted) and 0.9 < row.similarity < 1
    assert D.shared_passages(frame(*texts), min_chars=30).empty  # longer than the planted sentence


def test_a_passage_many_documents_share_is_given_once_per_later_document_citing_the_first(caplog):
    rng = random.Random(1)
    stock = "高举中国特色社会主义伟大旗帜全面贯彻新时代"
    texts = [_filler(rng, 30) + stock + _filler(rng, 30) for _ in range(5)]
    p = D.shared_passages(frame(*texts))
    assert p["doc_id_a"].tolist() == ["d0"] * 4 and p["doc_id_b"].tolist() == ["d1", "d2", "d3", "d4"]
    assert (p["text_b"] == stock).all() and (p["n_docs"] == 5).all()
    with caplog.at_level("WARNING", logger="corpus.discourse"):
        assert D.shared_passages(frame(*texts), max_docs=4).empty  # a stock phrase: cut, and said so
    assert "more than max_docs=4 documents" in caplog.text


def test_the_earliest_document_in_the_given_order_is_cited_as_the_source():
    rng = random.Random(3)
    planted = "坚持以人民为中心的发展思想推动基层治理现代化"
    texts = [_filler(rng, 40) + (planted if i in (1, 4) else "") + _filler(rng, 40) for i in range(6)]
    assert D.shared_passages(frame(*texts))[["doc_id_a", "doc_id_b"]].values.tolist() == [["d1", "d4"]]
    later_first = D.shared_passages(frame(*texts), order=["d5", "d4", "d3", "d2", "d1", "d0"])
    assert later_first[["doc_id_a", "doc_id_b"]].values.tolist() == [["d4", "d1"]]


def _edited(text: str, rng: random.Random) -> str:
    """A copy with small edits: about one substitution in 50 characters, one insertion and one deletion in 150."""
    out = []
    for ch in text:
        r = rng.random()
        if ch == "\n" or r > 1 / 50 + 2 / 150:
            out.append(ch)
        elif r < 1 / 50:
            out.append(_filler(rng, 1))
        elif r < 1 / 50 + 1 / 150:
            out.append(ch + _filler(rng, 1))
    return "".join(out)


def test_near_copies_of_whole_documents_give_one_merged_passage_per_copy():
    rng = random.Random(4)
    bases = ["\n".join(_filler(rng, 150) for _ in range(6)) for _ in range(3)]
    texts = [_edited(bases[i % 3], rng) for i in range(60)]  # three texts, twenty near copies of each
    began = time.perf_counter()
    p = D.shared_passages(frame(*texts))
    assert time.perf_counter() - began < 10
    assert len(p) == 57 and p["doc_id_b"].is_unique  # one passage per copy, not one per fragment
    assert (p["doc_id_a"] == [f"d{int(d[1:]) % 3}" for d in p["doc_id_b"]]).all()  # each cites the first of its text
    assert (p["para_no_b"] == 1).all() and p["text_b"].str.count("\n").eq(5).all()  # across all six paragraphs
    lengths = pd.Series([len(t) for t in texts], index=[f"d{i}" for i in range(60)])
    assert (p["end_b"] - p["start_b"] >= 0.95 * lengths[p["doc_id_b"]].to_numpy()).all()
    assert p["similarity"].between(0.9, 0.99).all() and (p["n_docs"] > 10).all()


def test_shared_passages_stay_fast_on_thousands_of_documents():
    rng = random.Random(2)
    shared = [_filler(rng, 40) for _ in range(50)]
    texts = [_filler(rng, 800) + (shared[i % 50] if i % 3 == 0 else "") + _filler(rng, 200) for i in range(2000)]
    began = time.perf_counter()
    p = D.shared_passages(frame(*texts))
    assert time.perf_counter() - began < 30
    # 667 documents carry one of 50 passages; each but the first of each passage cites the first.
    assert len(p) == 667 - 50 and p["chars"].between(40, 42).all() and (p["similarity"] == 1).all()


def test_the_seeds_share_few_passages(seeds):
    _, paras = seeds
    assert len(D.shared_passages(paras)) <= 3


def test_the_party_congress_reports_share_many_passages(cpc_corpus):
    p = D.shared_passages(cpc_corpus.documents())
    assert len(p) > 100 and (p["doc_id_a"] != p["doc_id_b"]).all()


# --------------------------------------------------------------------------- diffusion


def test_documents_are_ordered_by_date_and_items_by_first_use(seeds):
    loaded, paras = seeds
    docs = loaded.documents()
    order = D.doc_order(docs)
    assert order[0] == "003_5c96e830640d5030" and order[-1] == "000_38fd660c71088e9b"  # 2021 … 2025
    s = D.slogans(paras)
    matrix = D.usage_matrix(s, "slogan", order)
    assert list(matrix.index) == order and matrix.columns[0] in set(s.loc[s["doc_id"] == order[0], "slogan"])
    spread = D.diffusion(s, "slogan", order, docs).set_index("item")
    assert spread.loc["第一议题", "status"] == "shared" and spread.loc["第一议题", "first_doc"] == "001_b1124c6a07369896"
    assert spread.loc["枫桥经验", "status"] == "local"


#: The Party Congresses' opening days, each written in another of the forms metadata uses.
CONGRESS_DATES = {"cpc_13": "1987年10月25日", "cpc_09": "1969-4-1", "cpc_20": "2022/10/16", "cpc_11": "一九七七年八月十二日",
                  "cpc_16": "2002.11.8", "cpc_10": "1973年8月", "cpc_19": "20171018", "cpc_12": "1982",
                  "cpc_15": "１９９７年９月１２日", "cpc_14": "1992-10-12 09:00", "cpc_18": "2012年11月8号", "cpc_17": "2007-10-15"}  # fmt: skip


def test_documents_with_dates_in_mixed_forms_are_ordered_in_time_not_as_strings():
    docs = pd.DataFrame({"doc_id": list(CONGRESS_DATES), "date": list(CONGRESS_DATES.values())})
    assert D.doc_order(docs) == sorted(CONGRESS_DATES)
    as_strings = docs.sort_values("date")["doc_id"].tolist()
    assert as_strings != sorted(CONGRESS_DATES)  # what the old order gave: 一九七七 and １９９７ last


def test_undated_and_unreadable_dates_come_last_by_doc_id_and_a_year_before_its_days():
    docs = pd.DataFrame({"doc_id": ["e", "d", "c", "b", "a"], "date": ["2022年夏", None, "2022-10-16", "2022", ""]})
    assert D.doc_order(docs) == ["b", "c", "a", "d", "e"]


@pytest.mark.parametrize("docs", [pd.DataFrame({"doc_id": ["b", "a"]}), pd.DataFrame({"doc_id": ["b", "a"], "date": [None, "不详"]})])
def test_without_dates_the_order_is_by_doc_id_and_one_warning_says_which_column_to_set(docs, caplog):
    with caplog.at_level("WARNING", logger="corpus"):
        assert D.doc_order(docs) == ["a", "b"]
    (record,) = caplog.records
    assert "ordered by doc_id" in record.getMessage() and "`date` column of metadata.csv" in record.getMessage()


def test_dated_documents_give_no_warning(caplog):
    with caplog.at_level("WARNING", logger="corpus"):
        D.doc_order(pd.DataFrame({"doc_id": ["a", "b"], "date": ["2022", None]}))
    assert caplog.records == []


def test_figures_draw_the_documents_that_use_the_most_and_keep_every_requested_item():
    table_ = pd.DataFrame({"doc_id": ["a", "b", "b", "c", "c", "c", "d"], "item": ["x", "x", "y", "x", "y", "z", "q"]})
    m = D.usage_matrix(table_, "item", ["d", "c", "b", "a"], items=["x", "y", "w"], max_docs=2)
    assert list(m.index) == ["c", "b"] and list(m.columns) == ["x", "y", "w"]  # in date order; w used by no one shown
    assert m.loc["c"].tolist() == [1, 1, 0]
    assert list(D.usage_matrix(table_, "item", ["d", "c", "b", "a"]).index) == ["d", "c", "b", "a"]  # no cap: all
    assert D.top_documents(pd.Series({"a": 3, "b": 3, "c": 1}), ["c", "b", "a"], 2) == ["b", "a"]  # ties: earlier first


def test_the_shared_text_matrix_keeps_the_documents_sharing_the_most():
    passages = pd.DataFrame({"doc_id_a": ["a", "a", "b"], "doc_id_b": ["b", "c", "d"], "chars": [50, 20, 30]})
    m = D.shared_matrix(passages, ["a", "b", "c", "d"], max_docs=3)
    assert list(m.index) == list(m.columns) == ["a", "b", "d"]  # c shares 20 characters only
    assert m.loc["a", "b"] == m.loc["b", "a"] == 50 and m.loc["b", "d"] == 30 and m.loc["a", "d"] == 0


# --------------------------------------------------------------------------- gold standard


def _score(gold: list[dict], found: pd.DataFrame, *, contains: bool) -> tuple[float, float]:
    """Recall and precision, matching one to one on doc_id, para_no and surface (or containment)."""
    by_para: dict[tuple, list[tuple[str, int]]] = defaultdict(list)
    for row in found.itertuples():
        by_para[(row.doc_id, row.para_no)].append((row.surface, row.start))
    used: set[tuple] = set()
    hits = 0
    for item in gold:
        key = (item["doc_id"], item["para_no"])
        match = [i for i, (s, _) in enumerate(by_para[key]) if (key, i) not in used
                 and (s == item["surface"] or (contains and (s in item["surface"] or item["surface"] in s)))]  # fmt: skip
        if match:
            best = next((i for i in match if by_para[key][i][1] == item.get("start")), match[0])
            used.add((key, best))
            hits += 1
    return hits / len(gold), hits / max(len(found), 1)


@pytest.mark.skipif(not GOLD.is_file(), reason="the hand-made gold standard fixtures/discourse_gold.json is absent")
@pytest.mark.parametrize("name, contains", [("formulae", False), ("models", False), ("claims", True)])
def test_recall_and_precision_against_the_hand_made_gold_standard(seeds, name, contains):
    _, paras = seeds
    gold = json.loads(GOLD.read_text(encoding="utf-8"))[name]
    recall, precision = _score(gold, TABLES[name](paras), contains=contains)
    print(f"{name}: recall {recall:.3f}, precision {precision:.3f} ({len(gold)} gold items)")
    assert recall >= 0.9 and precision >= 0.85


@pytest.mark.skipif(not GOLD.is_file(), reason="the hand-made gold standard fixtures/discourse_gold.json is absent")
def test_what_claims_measure_and_formulae_members_agree_with_the_hand_made_reading(seeds):
    _, paras = seeds
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    reading = {(c["doc_id"], c["start"]): c["measured_np"] for c in gold["claims"]}
    found = [(reading[(r.doc_id, r.start)], r.measured) for r in claims_of(paras).itertuples() if (r.doc_id, r.start) in reading]
    exact = sum(g == f for g, f in found) / len(found)
    head = sum(g[-2:] == f[-2:] for g, f in found) / len(found)  # the same head noun (破案率, 资金, 先锋队)
    members = {(x["doc_id"], x["start"]): "；".join(x["members"]) for x in gold["formulae"] if x["members"]}
    f = D.formulae(paras).set_index(["doc_id", "start"])["members"]
    agree = sum(f.get(k) == v for k, v in members.items()) / len(members)
    print(f"measured: {exact:.3f} exact, {head:.3f} same head ({len(found)} claims); members: {agree:.3f} ({len(members)} formulae)")
    assert exact >= 0.8 and head >= 0.9 and agree >= 0.9


def test_a_traditional_or_spaced_tifa_entry_is_tracked_as_the_cleaned_texts_write_it():
    items = D.item_list(["楓橋經驗", "全面 從嚴 治黨", "*发展观"])
    assert items["item"].tolist() == ["枫桥经验", "全面从严治党"]
    kept = D.item_list(["楓橋經驗"], clean_config=corpus.CleanConfig(script=False, variants=False))
    assert kept["item"].tolist() == ["楓橋經驗"]


def test_numbered_sentences_that_follow_each_other_are_one_list_not_headings_nested_in_each_other():
    """一、…。 二、…。 三、…。 each a full sentence, no text under any: one list of three (invented notice); a numbered
    sentence with paragraphs under it stays their heading (the CPC reports of 1987 write their sections so)."""
    text = ("现就有关事项通知如下。\n一、坚持创新驱动，加快推进产业基础高级化。\n二、深化改革开放，推动经济结构转型升级。全年增长6.2%。\n"
            "三、各级各部门要加强组织领导，确保各项任务落到实处。")
    paras = corpus.paragraphs(pd.DataFrame({"doc_id": ["a"], "text": [text]}))
    assert paras["kind"].tolist() == ["body", "list item", "list item", "list item"]
    lists = D.enumerations(paras)
    assert lists["n_items"].tolist() == [3, 3, 3] and lists["enum_no"].nunique() == 1
    headed = corpus.paragraphs(pd.DataFrame({"doc_id": ["b"], "text": ["（一）保持总需求和总供给基本平衡，合理调整产业结构。\n"
                                                                      "这是经济发展的重要前提。\n（二）进一步扩大对外开放，发展经济技术合作。\n这是重要的方针。"]}))  # fmt: skip
    assert headed["kind"].tolist() == ["heading", "body", "heading", "body"]


def test_a_laws_chapters_hold_its_numbered_items_and_a_lists_last_item_before_a_chapter_is_an_item():
    """第…章 outranks （一）; items that end in ； (and the last, in 。) are one list; the last numbered sentence before
    the next chapter is an item, not a heading over it (an invented regulation and plan)."""
    law = ("第一章　总　　则\n第一条　为了保障饮水安全，制定本条例。\n第二章　水源保护\n第二条　禁止下列行为：\n"
           "（一）向水体排放污水；\n（二）倾倒垃圾；\n（三）其他污染水源的活动。\n第三章　法律责任\n第三条　违反本条例的，依法处罚。")
    paras = corpus.paragraphs(pd.DataFrame({"doc_id": ["law"], "text": [law]}))
    assert paras["kind"].tolist() == ["heading", "body", "heading", "body", "list item", "list item", "list item", "heading", "body"]
    assert paras["level"].tolist()[:3] == [-2, pd.NA, -2] and paras["section"].iloc[8] == "第三章　法律责任"
    assert D.enumerations(paras)["n_items"].tolist() == [3, 3, 3]
    plan = ("专栏1　主要指标\n1.国内生产总值：2015年67.7万亿元，年均增长6.5%。\n2.常住人口城镇化率：2015年56.1%，2020年60%。\n"
            "3.森林覆盖率：2015年21.66%，2020年23.04%。\n第四章　发展理念\n必须牢固树立新的发展理念。")
    paras = corpus.paragraphs(pd.DataFrame({"doc_id": ["plan"], "text": [plan]}))
    assert paras["kind"].tolist() == ["heading", "list item", "list item", "list item", "heading", "body"]
    assert paras["section"].iloc[5] == "第四章　发展理念"


def test_table_rows_attachments_signature_date_and_notes_are_never_sections():
    """A 公文's head and foot (GB/T 9704) read from a PDF: none of it is a heading over what follows (invented notice)."""
    head = "000128\n特急\n某某省人民政府文件\n某政发〔2021〕8号\n各市、县人民政府：\n现将有关事项通知如下。\n"
    text = (head + "三、保障措施\n各地要加强组织领导，确保各项任务落到实处。\n序号 重点任务 牵头单位 完成时限\n1 网络设施升级 省通信管理局 2022年12月\n"
            "附件：1．某某实施方案\n2．某某试点县名单\n某某省人民政府\n2021年3月5日\n（此件公开发布）\n抄送：省委各部门。\n"
            "某某省人民政府办公厅 2021年3月6日印发")
    paras = corpus.paragraphs(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    assert paras.loc[paras["kind"] == "heading", "text"].tolist() == ["三、保障措施"]
    assert set(paras["section"].iloc[6:].str.split(" > ").str[0]) == {"三、保障措施"} and (paras["section"].iloc[:6] == "").all()
