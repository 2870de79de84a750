"""Diffusion and 提法 tracking: every use of an item counted, quoted or not, once per position; variants merged; lists of
提法 read from files; documents ordered by the dates they have; and the shared-passage skeleton's paragraph bookkeeping.

Checked on the CPC Party Congress reports (skipped where ../shared is absent) and on invented text.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import pytest

import corpus
from corpus import discourse as D
from corpus.discourse.reuse import _skeleton
from corpus.discourse.spread import doc_dates, item_list, item_occurrences, tracked_items, variant_key


def frame(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def spread_of(units: pd.DataFrame, items, order) -> pd.DataFrame:
    return D.diffusion(item_occurrences(units, items), "item", order).set_index("item")


# --------------------------------------------------------------------------- every use, once per position


def test_an_item_quoted_in_one_document_is_counted_unquoted_in_the_others():
    docs = frame("我们要实现中国梦。", "“中国梦”是民族复兴的梦想，中国梦属于人民。")
    occ = item_occurrences(docs, ["中国梦"])
    assert occ.groupby("doc_id").size().to_dict() == {"d0": 1, "d1": 2}
    assert all(docs.set_index("doc_id").loc[d, "text"][a:b] == s for d, a, b, s in zip(occ.doc_id, occ.start, occ.end, occ.surface))
    spread = spread_of(docs, ["中国梦"], ["d0", "d1"])
    assert spread.loc["中国梦", "status"] == "shared" and spread.loc["中国梦", "first_doc"] == "d0"


def test_an_item_in_numerals_only_is_not_counted_inside_a_number_an_ordinal_or_a_count():
    """The plan “十五” (2001-2005): not 十五年, 党的十五大, 第十五条, 二十五个 (CPC reports 1997-2002 write all of these)."""
    docs = frame("制定“十五”计划。十五年来，党的十五大，第十五条，二十五个省份。十五计划顺利完成。\n十五、坚定不移推进改革")
    occ = item_occurrences(docs, ["十五"])
    assert occ["surface"].tolist() == ["十五", "十五"] and occ["start"].tolist() == [3, 32]  # not the section number 十五、


def test_an_item_two_detectors_find_at_one_place_is_counted_once():
    docs = frame("粉碎“四人帮”以后，揭批“四人帮”的斗争取得胜利。")
    items = ["四人帮", "四人帮", "“四人帮”"]  # as a formula, again as a quoted phrase, and with its quotation marks
    occ = item_occurrences(docs, items)
    assert len(occ) == 2 and set(occ["item"]) == {"四人帮"}


def test_a_shorter_item_inside_a_longer_one_is_counted_for_both():
    docs = frame("无产阶级文化大革命取得胜利；“文化大革命”的教训。", "全面建成小康社会。")
    occ = item_occurrences(docs, ["文化大革命", "无产阶级文化大革命", "小康社会", "全面建成小康社会", "小康"])
    counts = occ.groupby("item").size().to_dict()
    assert counts == {"文化大革命": 2, "无产阶级文化大革命": 1, "小康社会": 1, "全面建成小康社会": 1, "小康": 1}


def test_variants_by_bracketed_insertion_or_punctuation_are_one_item_named_by_the_form_written_most():
    docs = frame("推行一县（一区）一特色。", "一县一特色，“一县一特色”。", "进行斗、批、改和斗批改，完成斗批改。")
    occ = item_occurrences(docs, ["一县一特色", "斗、批、改", "斗批改"])
    assert set(occ["item"]) == {"一县一特色", "斗批改"}
    assert occ.loc[occ["doc_id"] == "d0", "surface"].tolist() == ["一县（一区）一特色"]
    spread = D.diffusion(occ, "item", ["d0", "d1", "d2"]).set_index("item")
    assert spread.loc["一县一特色", "n_docs"] == 2 and spread.loc["一县一特色", "count"] == 3
    assert spread.loc["一县一特色", "variants"] == "一县（一区）一特色 ×1"
    assert spread.loc["斗批改", "count"] == 3 and spread.loc["斗批改", "variants"] == "斗、批、改 ×1"


def test_a_variant_nobody_listed_is_found_through_the_key_and_an_item_inside_brackets_alone_still_counts():
    docs = frame("坚持“一县（一区）一特色”，推进（中国梦）建设。")
    occ = item_occurrences(docs, ["一县一特色", "中国梦"])
    assert occ["surface"].tolist() == ["一县（一区）一特色", "中国梦"]


def test_variant_keys_drop_insertions_quotation_marks_and_punctuation_but_not_words():
    assert variant_key("“不忘初心，牢记使命”") == variant_key("不忘初心、牢记使命") == "不忘初心牢记使命"
    assert variant_key("有中国特色的社会主义") != variant_key("中国特色社会主义")  # 的 is a word, not punctuation


# --------------------------------------------------------------------------- the Party Congress reports


@pytest.fixture(scope="module")
def congress(cpc_folder):
    loaded = corpus.load_corpus(cpc_folder)
    labels = pd.read_csv(cpc_folder / "labels.csv")[["doc_id", "year"]]
    docs = loaded.documents().drop(columns=["date"], errors="ignore").merge(labels, on="doc_id")
    paras = corpus.paragraphs(loaded)
    f, m, q = D.formulae(paras), D.models(paras, audit=None), D.slogans(paras)
    detected = list(dict.fromkeys([*f["surface"], *m.loc[~m["numeric"], "surface"], *q["slogan"]]))
    return docs, paras, detected


def test_a_term_quoted_only_from_1982_is_first_used_in_1969(congress):
    docs, paras, detected = congress
    dates = doc_dates(docs, "year")
    spread = D.diffusion(item_occurrences(paras, detected), "item", D.doc_order(docs, dates=dates), dates=dates).set_index("item")
    texts = docs.set_index("doc_id")["text"]
    row = spread.loc["文化大革命"]
    assert row["first_doc"] == "cpc_09" and row["first_date"] == "1969"
    assert row["count"] == sum(t.count("文化大革命") for t in texts)
    assert spread.loc["四人帮", "count"] == sum(t.count("四人帮") for t in texts)  # a formula and a quoted phrase: once each


def test_the_terms_of_a_list_of_tifa_are_tracked_to_their_first_congress(congress, tmp_path):
    docs, paras, detected = congress
    listed = tmp_path / "tifa.txt"
    listed.write_text("# 提法 the reports use without quotation marks\n中国特色社会主义\n小康社会\n科学发展观\n中国梦  # 2017\n"
                      "人类命运共同体\n全面 从严 治党\n\n", encoding="utf-8")  # fmt: skip
    items = [*detected, *item_list(listed)["item"]]
    dates = doc_dates(docs, "year")
    spread = D.diffusion(item_occurrences(paras, items), "item", D.doc_order(docs, dates=dates), dates=dates).set_index("item")
    first = {"中国特色社会主义": "1992", "小康社会": "1997", "科学发展观": "2007", "人类命运共同体": "2012", "中国梦": "2017",
             "全面从严治党": "2017"}  # fmt: skip
    assert spread.loc[list(first), "first_date"].to_dict() == first
    texts = docs.set_index("doc_id")["text"]
    for term in first:
        assert spread.loc[term, "n_docs"] == sum(term in t for t in texts), term
        assert spread.loc[term, "count"] == sum(t.count(term) for t in texts), term


# --------------------------------------------------------------------------- lists of 提法


def test_a_list_of_tifa_reads_one_item_a_line_with_comments_and_names_its_category(tmp_path, caplog):
    path = tmp_path / "my_terms.txt"
    path.write_text("# 我的提法\n中国梦\n全面 从严 治党  # 2017\n\n中国梦\n改革*\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="corpus"):
        listed = item_list(path)
    assert listed.values.tolist() == [["中国梦", "my_terms"], ["全面从严治党", "my_terms"]]
    assert "改革*" in caplog.text


def test_a_dictionary_of_categories_gives_each_item_its_first_category():
    listed = item_list({"目标": ["小康社会", "中国梦"], "理论": ["科学发展观", "中国梦"]})
    assert listed.values.tolist() == [["小康社会", "目标"], ["中国梦", "目标"], ["科学发展观", "理论"]]


def test_the_shipped_dictionary_gives_its_words_and_multiword_entries_but_not_its_globs():
    dictionary = pytest.importorskip("corpus.dictionary")
    codebook = dictionary.load_dictionary(dictionary.example_dictionary_path())
    listed = item_list(codebook)
    entries = codebook.entries()
    assert len(listed) == entries.loc[entries["kind"] != "glob", "entry"].nunique()
    assert not listed["item"].str.contains(r"[*? ]").any()
    assert listed.equals(item_list(dictionary.example_dictionary_path()))


def test_a_missing_or_unreadable_list_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="list of 提法 not found"):
        item_list(tmp_path / "absent.txt")
    with pytest.raises(TypeError, match="holds strings"):
        item_list(["中国梦", 3])


# --------------------------------------------------------------------------- order by date


def test_when_most_documents_are_undated_a_year_column_orders_them_and_a_warning_says_so(caplog):
    docs = pd.DataFrame({"doc_id": ["c", "a", "b"], "date": [None, None, "2001"], "n_chars": [1990, 2020, 1500],
                         "year": [1982, 1969, 2001]})  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="corpus"):
        dates = doc_dates(docs)
    assert dates.name == "year" and D.doc_order(docs, dates=dates) == ["a", "c", "b"]
    (record,) = caplog.records
    assert "column 'year'" in record.getMessage() and "date_column='year'" in record.getMessage()


def test_when_most_documents_are_undated_and_no_column_helps_the_warning_counts_them(caplog):
    docs = pd.DataFrame({"doc_id": ["c", "a", "b"], "date": [None, "不详", "2001"], "n_chars": [1990, 2020, 1500]})
    with caplog.at_level(logging.WARNING, logger="corpus"):
        assert D.doc_order(docs) == ["b", "a", "c"]
    (record,) = caplog.records
    assert re.search(r"2 of 3 documents have no date", record.getMessage()) and "date_column" in record.getMessage()


# --------------------------------------------------------------------------- shared passages: the skeleton


def test_the_skeleton_tells_paragraphs_apart_by_length_so_a_nul_in_a_text_is_harmless():
    codes, para, pos = _skeleton(["中\x00国", "", "梦"])
    assert "".join(map(chr, codes)) == "中国梦" and para.tolist() == [0, 0, 2] and pos.tolist() == [0, 2, 0]
    sentence = "全面建成小康社会决胜阶段召开的一次十分重要的大会"
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["序\x00" + sentence, "另" + sentence]})
    (row,) = D.shared_passages(docs).itertuples()
    assert row.text_a == row.text_b == sentence and row.start_a == 2


# --------------------------------------------------------------------------- which items are tracked


def test_tracked_items_take_each_item_once_and_leave_out_short_quoted_words_no_formula_names():
    docs = frame("坚持“四项基本原则”，维护“和平”，反对“台独”和“两个凡是”。", "落实“双控”要求。")
    formulas, models, quotes = D.formulae(docs), D.models(docs, audit=None), D.slogans(docs)
    tracked = tracked_items(formulas, models, quotes, item_list(["台独", "四项基本原则"])).set_index("item")["type"]
    assert tracked["四项基本原则"] == "formula" and tracked["两个凡是"] == "formula" and tracked["台独"] == "提法"
    assert "和平" not in tracked.index  # quoted for emphasis, a word everywhere else
    assert set(quotes["slogan"]) >= {"和平", "台独"}


def test_a_short_phrase_quoted_once_among_many_plain_uses_is_a_word_not_a_slogan():
    """“社会主义” quoted once and written twelve times more is emphasis; “拨乱反正” quoted in two of its three uses is tracked."""
    docs = frame("所谓“社会主义”道路。" + "坚持社会主义道路，" * 12, "实现“拨乱反正”。", "完成“拨乱反正”，拨乱反正取得成功。")
    formulas, models, quotes = D.formulae(docs), D.models(docs, audit=None), D.slogans(docs)
    tracked = set(tracked_items(formulas, models, quotes, units=docs)["item"])
    assert "拨乱反正" in tracked and "社会主义" not in tracked
    assert "社会主义" in set(tracked_items(formulas, models, quotes)["item"])  # without the texts, every quoted phrase
    assert "社会主义" in set(tracked_items(formulas, models, quotes, item_list(["社会主义"]), units=docs)["item"])  # a listed 提法


def test_the_discourse_order_dates_documents_by_the_rule_the_trends_and_overview_follow(caplog):
    """Metadata gives every document a year; the texts date all but one: the trends read `year` for all, and so must the order
    (it put the one without a `date` last, after 2024)."""
    docs = pd.DataFrame({"doc_id": ["zj_2024_txt", "sc_2019_txt", "gs_2016_pdf"], "date": ["2024-03-01", None, "2016-05-10"],
                         "year": [2024, 2019, 2016]})  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="corpus"):
        dates = doc_dates(docs)
    found = corpus.trends.document_dates(docs)
    assert dates.name == found.column == "year" and dates.dropna().to_dict() == found.values.to_dict()
    assert D.doc_order(docs, dates=dates) == ["gs_2016_pdf", "sc_2019_txt", "zj_2024_txt"]
    assert "documents ordered by column 'year'" in caplog.text and "column 'date' dates 2 of 3 documents" in caplog.text
