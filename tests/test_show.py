"""What a report page shows of a table: escaped, cut to a page, empty as a sentence, any column names (corpus.report.show)."""

from __future__ import annotations

import re

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


def test_a_title_keeps_a_readable_width_beside_many_sparse_columns_and_empty_columns_are_left_out():
    """Web pages' disclosure fields filled for one document in three, one field for none: the title must not shrink to
    a few characters a line, the unbroken index number may break anywhere, and the empty column takes no width."""
    docs = pd.DataFrame({
        "doc_id": ["zj_2016_notice", "gs_2019_plan", "sc_2021_opinion"],
        "title": ["关于进一步加强城乡社区治理工作的通知", "关于印发全面推进乡村振兴实施方案的通知", "关于深化放管服改革优化营商环境的意见"],
        "index_number": ["11510000008275060D/2021-00321", None, ""],
        "issuer": [None, "某省人民政府办公厅", None],
        "validity": [None, None, " "],
        "pages": [float("nan")] * 3,
        "n_chars": [3120, 5400, 2890],
    })
    page = table(docs, "3 documents").to_html()
    body = page.split("</caption>")[1]
    assert "validity" not in body and "pages" not in body and ">title<" in body and ">issuer<" in body
    assert "not shown, without a value in any row: validity, pages" in page
    style = _column_styles(page)  # doc_id, title, index_number, issuer, n_chars
    assert style[1] == {"overflow-wrap": "anywhere", "min-width": "10em"}  # about 10 characters a line at least
    assert style[0]["min-width"] == "9em"  # the longest id, zj_2016_notice, stays on one line
    # 11510000008275060D/2021-00321 (one document in three has it) wraps instead of widening the table, in a narrower column
    assert style[2] == {"overflow-wrap": "anywhere", "min-width": "6em"}
    assert 4 not in style  # n_chars: numbers never break


def _column_styles(page: str) -> dict[int, dict[str, str]]:
    """The CSS properties the table's style block gives the cells (td.colN) of each column, by column position."""
    styles: dict[int, dict[str, str]] = {}
    for selectors, props in re.findall(r"([^{}]+)\{([^{}]*)\}", page.split("</style>")[0]):
        for col in {int(n) for n in re.findall(r"\btd\.col(\d+)\b", selectors)}:
            styles.setdefault(col, {}).update({k.strip(): v.strip() for k, v in (p.split(":", 1) for p in props.split(";") if ":" in p)})
    return styles
