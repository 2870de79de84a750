"""What a report page shows of a table: escaped, cut to a page, empty as a sentence, any column names (corpus.report.show)."""

from __future__ import annotations

import pandas as pd

from corpus.report.show import PAGE_ROWS, spread_rows, table


def test_columns_equal_after_nfkc_or_repeated_are_shown_not_a_crash():
    """pandas' Styler builds namedtuples from column names: ＧＤＰ and GDP (equal after NFKC) or a repeated name broke it."""
    frame = pd.DataFrame([[1, 2, 3, "<b>十三五</b>"]], columns=["ＧＤＰ", "GDP", "GDP", "说明"])
    page = table(frame, "国内生产总值 & 说明").to_html()
    assert page.count("ＧＤＰ") == 1 and page.count(">GDP<") == 2
    assert "&lt;b&gt;十三五&lt;/b&gt;" in page and "<b>十三五</b>" not in page
    assert "国内生产总值 &amp; 说明" in page


def test_a_long_table_shows_a_page_of_rows_and_says_how_many_it_has():
    frame = pd.DataFrame({"代会": [f"第{i}次" for i in range(40)], "字数": range(40)})
    page = table(frame, "报告长度", file="04_discourse/lengths.csv").to_html()
    assert page.count("<tr>") - 1 == PAGE_ROWS  # the header row aside
    assert "共 40 行" in page and 'href="04_discourse/lengths.csv"' in page
    assert table(frame, "报告长度").to_html() == table(frame, "报告长度").to_html()  # no random id: reruns are identical


def test_an_empty_table_is_a_sentence_and_long_cells_are_cut():
    assert "<table" not in table(pd.DataFrame(columns=["a"]), "Shared passages", empty="没有共享段落。").data
    assert "没有共享段落。" in table(pd.DataFrame(columns=["a"]), "Shared passages", empty="没有共享段落。").data
    page = table(pd.DataFrame({"text": ["党" * 500]}), "长文本", max_chars=50).to_html()
    assert "党" * 500 not in page and "党" * 40 in page


def test_a_short_share_of_rows_samples_the_documents_from_first_to_last():
    """Concordance lines of one term in twelve reports in date order: four lines come from the first, last and middle ones."""
    lines = pd.DataFrame({"term": "改革", "doc_id": [f"cpc_{n:02d}" for n in range(9, 21) for _ in range(3)]})
    kept = spread_rows(lines, 4, within="term", across="doc_id")
    assert kept["doc_id"].tolist() == ["cpc_09", "cpc_12", "cpc_15", "cpc_20"]
    assert spread_rows(lines, 12, within="term", across="doc_id")["doc_id"].is_unique  # every report once before any twice
