"""Web pages, PDF and Word files, news-record dumps: read through their extractors into documents, problems and audit rows.

The pages in ``fixtures/scrapes`` are written for these tests in the layouts Chinese government
and county news sites use (a meta-tag portal page in UTF-8; a table-laid-out page in GBK with a
``charset=gb2312`` declaration; a page with hidden share and mobile blocks; a site's "deleted
or not found" page; a GBK table page whose 发布日期/作者/来源 line trafilatura leaves out; a page
dated only by its address; policy pages with an information-disclosure table: gov.cn's two fields a row,
a GBK ``xxgk`` block of 标签：值 lines, spans without colons); their text is invented. PDF and Word files are generated here, but
for ``fixtures/pdf`` (see its README).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import extract, io

FIXTURES = Path(__file__).parent / "fixtures"
SCRAPES = FIXTURES / "scrapes"
NAVIGATION = ("首页", "新闻中心", "政务公开", "网站地图", "上一篇", "打印本页", "版权所有", "统计代码", "font-family", "function")


def _load(folder: Path, **kw) -> corpus.Corpus:
    return corpus.load_corpus(folder, progress=False, **kw)


def _read_rows(c: corpus.Corpus, doc_id: str) -> pd.DataFrame:
    audit = c.audit
    return audit[(audit["doc_id"] == doc_id) & (audit["step"] == "(read)")]


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a text layer (matplotlib, embedded CJK TrueType font): one list of lines per page."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from corpus.report.plot import cjk_font_family

    family = cjk_font_family()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.08, 0.92 - 0.04 * i, line, fontfamily=family, fontsize=11)
            pdf.savefig(fig)
            plt.close(fig)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is an image (what a scanner gives): no text layer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(4, 5))
    fig.figimage(np.random.default_rng(0).random((200, 160)), cmap="gray")
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs[:1]:
        document.add_heading(text, level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(path)
    return path


PDF_PAGES = [
    ["国务院关于加强和改进基层治理工作的意见", "各省、自治区、直辖市人民政府：", "为全面建成小康社会，坚持和发展中国特色社会主义，现提出如下意见。"],
    ["一、健全基层治理体系。", "二、提升基层治理能力。", "国务院", "2021年4月28日"],
]


# --------------------------------------------------------------------------- web pages


def test_portal_page_keeps_the_article_and_drops_navigation_scripts_and_footer(tmp_path):
    shutil.copy(SCRAPES / "portal_notice.html", tmp_path)
    c = _load(tmp_path)
    doc = c.documents().iloc[0]
    assert doc["doc_id"] == "portal_notice"
    assert "健全网格化管理服务机制" in doc["text"] and "确保各项任务落到实处" in doc["text"]
    assert not [w for w in NAVIGATION if w in doc["raw"]], "navigation, scripts or footer kept"
    assert doc["title"] == "关于推进基层社会治理现代化的实施意见"
    assert doc["date"] == "2023-03-15"
    assert doc["site"] == "某市人民政府门户网站"
    assert doc["sha256"] == hashlib.sha256((SCRAPES / "portal_notice.html").read_bytes()).hexdigest()
    assert doc["encoding"] == "utf-8"
    notes = _read_rows(c, "portal_notice")["note"].tolist()
    assert any(n.startswith("text extracted by trafilatura ") for n in notes), notes


def test_gbk_county_page_in_table_layout(tmp_path):
    shutil.copy(SCRAPES / "county_news_gbk.htm", tmp_path)
    c = _load(tmp_path)
    doc = c.documents().iloc[0]
    assert doc["encoding"] == "gb18030"  # as its <meta charset=gb2312> declares
    assert "新增和恢复灌溉面积三万亩" in doc["text"]
    assert not [w for w in NAVIGATION if w in doc["raw"]]
    assert doc["title"] == "县里召开冬季农田水利建设动员大会"  # without the site name after "--"
    assert doc["date"] == "2021-11-08"  # from the labelled 时间： line, not htmldate's year-only guess
    top = corpus.features.term_frequency(corpus.dtm(c)).head(10)["term"].tolist()
    assert "首页" not in top and "新闻" not in top, top


def test_a_page_without_main_content_is_a_problem_not_an_empty_document(tmp_path):
    (tmp_path / "frames.html").write_text("<html><head><title>某县政府网</title></head><frameset><frame src='a.html'></frameset></html>",
                                          encoding="utf-8")  # fmt: skip
    (tmp_path / "ok.txt").write_text("全面建成小康社会。", encoding="utf-8")
    c = _load(tmp_path)
    assert c.docs["doc_id"].tolist() == ["ok"]
    row = c.problems.set_index("doc_id").loc["frames"]
    assert row["problem"] == "no main text" and row["path"].endswith("frames.html")


def test_a_web_page_saved_as_txt_is_recognised_by_its_content(tmp_path):
    shutil.copy(SCRAPES / "portal_notice.html", tmp_path / "saved.txt")
    doc = _load(tmp_path).documents().iloc[0]
    assert "<p>" not in doc["raw"] and doc["title"] == "关于推进基层社会治理现代化的实施意见"


def test_hidden_elements_are_left_out_of_a_page(tmp_path):
    shutil.copy(SCRAPES / "hidden_share_block.html", tmp_path)
    doc = _load(tmp_path, cache=False).documents().iloc[0]
    assert "通知明确" in doc["text"] and "三年行动" in doc["text"]
    for hidden in ("扫码关注", "网站优化关键词", "手机版"):  # display: none; visibility:hidden; the hidden attribute
        assert hidden not in doc["raw"], hidden
    assert extract.visible_lines((SCRAPES / "hidden_share_block.html").read_text(encoding="utf-8"))[-1].startswith("通知明确")


def test_a_wechat_article_saved_before_its_scripts_ran_keeps_its_body_date_and_account(tmp_path):
    # WeChat hides the article (#js_content, visibility: hidden) until a script shows it and writes its date
    # from ``var ct``: a page saved as fetched lost its whole body to the hidden-element rule.
    shutil.copy(SCRAPES / "wechat_unrendered.html", tmp_path)
    c = _load(tmp_path, cache=False)
    doc = c.documents().iloc[0]
    assert corpus.problems(c).empty
    assert "社区是基层治理的基本单元" in doc["text"] and "确保各项工作年底前全面完成" in doc["text"]
    assert "长按二维码" not in doc["raw"]  # a hidden element inside the article still goes
    assert (doc["title"], doc["date"], doc["site"]) == ("某某区召开社区治理工作推进会", "2023-07-01", "某某区融媒体中心")


def test_the_menus_of_a_page_laid_out_in_tables_are_left_out_and_named_in_the_audit(tmp_path):
    # An old portal puts its navigation bar and column list in the article's layout tables; trafilatura keeps them.
    shutil.copy(SCRAPES / "table_layout_portal.htm", tmp_path)
    c = _load(tmp_path, cache=False)
    doc = c.documents().iloc[0]
    assert doc["raw"].startswith("某某县人民政府关于做好春耕生产工作的通知\n发布时间：")
    assert (doc["source"], doc["date"]) == ("县政府办公室", "2009-03-02")
    assert doc["text"].startswith("各乡镇人民政府，县直各有关部门：") and doc["text"].endswith("二〇〇九年三月一日")
    flagged = c.audit.query("step == '(read)' and action == 'flagged'")["note"].tolist()
    assert flagged == ["7 line(s) of menu links left out of the page's text: 首页 / 政务公开 / 办事服务 / 互动交流 / 通知公告 / 政策文件 / 工作动态"]


def test_an_error_page_is_a_problem_but_an_article_that_mentions_one_loads(tmp_path):
    shutil.copy(SCRAPES / "error_page.html", tmp_path)
    article = ("各单位：近期检查发现，部分网站栏目存在链接失效、“页面不存在”、信息已被删除后未及时更新索引等问题。"
               "为提升政府网站服务水平，现就做好网站内容保障工作通知如下。") + "各单位要建立健全信息发布审核和日常巡查制度，及时更新栏目内容，确保信息准确、链接有效。" * 4
    (tmp_path / "notice.html").write_text(_PAGE.format(charset="utf-8", title="关于加强政府网站内容保障工作的通知", body=article),
                                          encoding="utf-8")  # fmt: skip
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["notice"]
    row = c.problems.set_index("doc_id").loc["error_page"]
    assert row["problem"] == "error page" and "已被删除" in row["detail"]


def test_source_and_author_come_from_the_pages_labelled_line_and_meta_tags_where_trafilatura_has_none(tmp_path):
    shutil.copy(SCRAPES / "fields_line_gbk.htm", tmp_path)
    shutil.copy(SCRAPES / "date_in_url.html", tmp_path)
    c = _load(tmp_path, cache=False)
    docs = c.documents().set_index("doc_id")
    table = docs.loc["fields_line_gbk"]
    assert (table["source"], table["author"], table["date"]) == ("县应急管理局", "王晓燕", "2022-06-10")  # not "… 点击数"
    assert "点击数" not in table["raw"] and "字体" not in table["raw"] and "作者" not in table["text"]
    taken = c.audit[(c.audit["doc_id"] == "fields_line_gbk") & (c.audit["action"] == "extracted")]["note"]
    assert taken.str.contains("source=县应急管理局").any(), taken.tolist()  # cleaning took the line, and says so
    assert docs.loc["date_in_url", "author"] == "市司法局普法与依法治理科"  # <meta name="Author">: trafilatura drops Chinese names


def test_a_date_only_in_the_pages_address_is_read_from_it(tmp_path):
    shutil.copy(SCRAPES / "date_in_url.html", tmp_path)
    assert _load(tmp_path, cache=False).documents().iloc[0]["date"] == "2023-05-17"
    assert extract.url_date("http://www.example.gov.cn/xxgk/2021-11/08/content_5649830.htm") == "2021-11-08"
    assert extract.url_date("http://news.example.cn/20190621/a1.html") == "2019-06-21"
    for url in ("http://example.cn/202305/index.html", "http://example.cn/19230517/a.html", "http://example.cn/20230230/a.html",
                "http://example.cn/t99991231_1.html", None):  # fmt: skip
        assert extract.url_date(url) is None, url


# --------------------------------------------------------------------------- record dumps


def test_gbk_record_dump_gives_one_document_per_record_with_url_and_title(tmp_path):
    shutil.copy(SCRAPES / "news_records_gbk.dat", tmp_path)
    c = _load(tmp_path)
    docs = c.documents().set_index("doc_id")
    assert docs.index.tolist() == ["news_records_gbk_00001", "news_records_gbk_00002", "news_records_gbk_00004"]
    first = docs.loc["news_records_gbk_00001"]
    assert first["url"] == "http://news.example.cn/2012/0315/a1.html"
    assert first["title"] == "全省春季植树造林活动全面展开"
    assert first["docno"] == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert first["encoding"] == "gb18030"
    assert "<content>" not in first["raw"] and "<" not in first["text"]
    assert first["text"].startswith("本报讯") or "全省各地广泛开展春季义务植树活动" in first["text"]
    assert first["path"].endswith("news_records_gbk.dat#record1")
    empty = c.problems.set_index("doc_id").loc["news_records_gbk_00003"]
    assert empty["problem"] == "empty" and empty["path"].endswith("#record3")


def test_record_dumps_are_recognised_whatever_their_suffix_and_cut_ones_are_noted(tmp_path):
    text = (SCRAPES / "news_records_gbk.dat").read_bytes().decode("gb18030")
    cut = text[: text.rindex("依法查处")]  # a byte-capped dump ends inside its last record
    (tmp_path / "dump.txt").write_bytes(cut.encode("utf-8"))
    c = _load(tmp_path)
    assert len(c) == 3
    notes = " ".join(_read_rows(c, "dump_00004")["note"])
    assert "record not closed" in notes and "field <content> not closed" in notes
    assert c.documents().set_index("doc_id").loc["dump_00004", "text"].endswith("对违法违规行为坚决")


def test_parse_records_is_tolerant():
    records = extract.parse_records("<doc><docno>x</docno><content>正文一</content><content>重复</content></doc><doc><content>正文二")
    assert [r.fields["content"] for r in records] == ["正文一", "正文二"]
    assert "field <content> repeated: the first kept" in records[0].notes


def test_a_tag_inside_a_content_field_stays_in_its_text_and_cleaning_removes_it(tmp_path):
    # Before, <br> ended the content field: the sentences after it became a field of their own or were dropped.
    (tmp_path / "news.dat").write_text("<doc><docno>b2</docno><contenttitle>标题</contenttitle><content>第一句。<br>第二句，"
                                       "在换行标签之后。<br>第三句<b>加粗</b>结尾。</content></doc>\n", encoding="utf-8")
    c = _load(tmp_path, cache=False)
    assert c.docs["text"].iloc[0] == "标题\n第一句。第二句，在换行标签之后。第三句加粗结尾。"
    assert "br" not in c.docs.columns and c.problems.empty
    removed = c.audit[(c.audit["step"] == "markup") & (c.audit["action"] == "removed")]["before"].tolist()
    assert removed == ["<br>", "<br>", "<b>", "</b>"]


# --------------------------------------------------------------------------- PDF


def test_pdf_text_layer_with_page_breaks(tmp_path):
    path = write_pdf(tmp_path / "意见.pdf", PDF_PAGES)
    c = _load(tmp_path)
    doc = c.documents().iloc[0]
    assert doc["doc_id"] == "意见"
    assert doc["raw"].count("\f") == 1  # one form feed between the two pages
    for line in PDF_PAGES[0][1:] + PDF_PAGES[1][:2]:
        assert line in doc["raw"]
    assert doc["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc["pages"] == "2" and doc["encoding"] is None
    assert "坚持和发展中国特色社会主义" in doc["text"] and "\f" not in doc["text"]
    assert any(n.startswith("text extracted by pdfplumber ") for n in _read_rows(c, "意见")["note"])


def test_scanned_encrypted_and_broken_pdfs_are_problems(tmp_path):
    write_scanned_pdf(tmp_path / "scan.pdf")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(300))
    write_pdf(tmp_path / "fine.pdf", PDF_PAGES[:1])
    c = _load(tmp_path)
    assert c.docs["doc_id"].tolist() == ["fine"]
    found = c.problems.set_index("doc_id")
    assert found.loc["scan", "problem"] == "no text layer" and "OCR" in found.loc["scan", "detail"]
    assert found.loc["broken", "problem"] == "unreadable pdf"


def test_page_numbers_alone_are_no_text_layer_and_pages_without_text_are_flagged(tmp_path):
    write_pdf(tmp_path / "scan.pdf", [["— 1 —"], ["- 2 -"]])  # a scan whose only text is the page numbers stamped on it
    write_pdf(tmp_path / "mixed.pdf", [PDF_PAGES[0], ["— 2 —"], PDF_PAGES[1], []])  # scanned pages 2 and 4 in a text PDF
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["mixed"]
    assert c.problems.set_index("doc_id").loc["scan", "problem"] == "no text layer"
    doc = c.documents().iloc[0]
    assert doc["pages"] == "4" and doc["pages_without_text"] == "2, 4" and "健全基层治理体系" in doc["text"]
    flags = _read_rows(c, "mixed").query("action == 'flagged'")["note"].tolist()
    assert len(flags) == 1 and flags[0].startswith("no text on page(s) 2, 4 of 4") and "OCR" in flags[0]


def test_placeholder_glyphs_fewer_than_characters_are_kept_and_flagged(tmp_path):
    shutil.copy(FIXTURES / "pdf" / "unmapped_heading.pdf", tmp_path)  # fixtures/pdf/README.md: a heading font without ToUnicode
    c = _load(tmp_path, cache=False)
    doc = c.documents().iloc[0]
    assert "各地要健全党组织领导的基层治理体系" in doc["text"] and doc["unmapped_glyphs"] == "6"
    flags = _read_rows(c, "unmapped_heading").query("action == 'flagged'")["note"].tolist()
    assert len(flags) == 1 and flags[0].startswith("6 glyph(s) on page(s) 1 are (cid:N) placeholders") and "OCR" in flags[0]


def _pdf_without_pages() -> bytes:
    """A well-formed PDF whose page tree is empty (a catalog and a /Pages node with /Count 0)."""
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"], 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def test_a_password_protected_pdf_and_one_of_placeholder_glyphs_are_problems_with_their_cause(tmp_path):
    for name in ("password", "owner_password_cid"):  # fixtures/pdf/README.md: how they were made
        (tmp_path / f"{name}.pdf").write_bytes((FIXTURES / "pdf" / f"{name}.pdf").read_bytes())
    (tmp_path / "no_pages.pdf").write_bytes(_pdf_without_pages())
    write_pdf(tmp_path / "fine.pdf", PDF_PAGES[:1])
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["fine"]
    found = c.problems.set_index("doc_id")
    assert found.loc["no_pages", "problem"] == "no pages"  # not "no text layer (a scan?)"
    assert found.loc["password", "problem"] == "encrypted"  # pdfplumber wraps pdfminer's PDFPasswordIncorrect
    assert found.loc["owner_password_cid", "problem"] == "unmapped font" and "(cid:N)" in found.loc["owner_password_cid", "detail"]


def test_extraction_is_cached_by_the_files_bytes(tmp_path, monkeypatch):
    write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    cache = tmp_path.parent / f"{tmp_path.name}-cache"
    first = corpus.load_corpus(tmp_path, cache_dir=cache, progress=False)
    monkeypatch.setattr(extract, "extract_pdf", lambda data: pytest.fail("extracted again"))
    (tmp_path / "b.txt").write_text("另一份文件的正文。", encoding="utf-8")  # a new corpus key: the pipeline runs again
    second = corpus.load_corpus(tmp_path, cache_dir=cache, progress=False)
    assert second.documents().set_index("doc_id").loc["a", "raw"] == first.documents().iloc[0]["raw"]


# --------------------------------------------------------------------------- Word and unsupported formats


def test_docx_text_in_content_controls_tracked_insertions_and_nested_tables_is_kept(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("第一段正文。")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>内容控件中的一段正文。</w:t></w:r></w:p>"
                                         "</w:sdtContent></w:sdt>"))  # fmt: skip
    edited = document.add_paragraph("修订前的文字")
    edited._p.append(parse_xml(f"<w:ins {nsdecls('w')} w:id='1' w:author='a'><w:r><w:t>，修订插入的文字</w:t></w:r></w:ins>"))
    edited._p.append(parse_xml(f"<w:del {nsdecls('w')} w:id='2' w:author='a'><w:r><w:delText>删去的文字</w:delText></w:r></w:del>"))
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).text = "外层单元格"
    outer.cell(0, 0).add_table(rows=1, cols=2)
    inner = outer.cell(0, 0).tables[0]
    inner.cell(0, 0).text, inner.cell(0, 1).text = "嵌套甲", "嵌套乙"
    document.save(tmp_path / "修订稿.docx")
    raw = _load(tmp_path, cache=False).documents().iloc[0]["raw"]
    assert raw.splitlines()[:3] == ["第一段正文。", "内容控件中的一段正文。", "修订前的文字，修订插入的文字"]
    assert "删去的文字" not in raw and "外层单元格" in raw and "嵌套甲\t嵌套乙" in raw


def test_docx_hidden_text_is_left_out(tmp_path):
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("各地要加大资金投入。")
    paragraph.add_run("【内部意见：此段删去】").font.hidden = True  # w:rPr/w:vanish: Word neither shows nor prints it
    paragraph.add_run("确保工作落到实处。").font.hidden = False  # w:vanish w:val="0": shown
    document.save(tmp_path / "草稿.docx")
    assert _load(tmp_path, cache=False).documents().iloc[0]["raw"] == "各地要加大资金投入。确保工作落到实处。"


def test_a_web_page_or_text_saved_with_a_pdf_or_docx_suffix_is_named_as_such(tmp_path):
    shutil.copy(SCRAPES / "portal_notice.html", tmp_path / "通知.pdf")  # a download that saved the page in place of the PDF
    (tmp_path / "说明.docx").write_text("附件下载失败，请稍后重试。", encoding="utf-8")
    (tmp_path / "空.pdf").write_bytes(b"")
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["通知"] and c.docs["title"].iloc[0] == "关于推进基层社会治理现代化的实施意见"
    assert any("holds a web page, not a PDF" in n for n in _read_rows(c, "通知")["note"])
    found = c.problems.set_index("doc_id")
    assert found.loc["说明", "problem"] == "wrong suffix" and "plain text" in found.loc["说明", "detail"]
    assert found.loc["空", "problem"] == "empty"


def test_docx_paragraphs_and_table_rows_in_order(tmp_path):
    write_docx(tmp_path / "通知.docx", ["关于做好冬季安全生产工作的通知", "各乡镇人民政府：", "现将有关事项通知如下。"],
               table=[["单位", "责任人"], ["应急管理局", "张三"]])  # fmt: skip
    c = _load(tmp_path)
    raw = c.documents().iloc[0]["raw"]
    assert raw.splitlines() == ["关于做好冬季安全生产工作的通知", "各乡镇人民政府：", "现将有关事项通知如下。", "单位\t责任人", "应急管理局\t张三"]
    assert any(n.startswith("text extracted by python-docx ") for n in _read_rows(c, "通知")["note"])


def test_formats_to_convert_are_problems_that_say_what_to_do_and_other_files_are_named_in_the_log(tmp_path, caplog):
    for name in ("旧文件.doc", "公文.wps", "电子公文.ofd", "image.png"):
        (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0" + bytes(64))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00")
    (tmp_path / "ok.txt").write_text("全面建成小康社会。", encoding="utf-8")
    (tmp_path / "labels.csv").write_text("doc_id,year\nok,2022\n", encoding="utf-8")  # a table, but not of documents
    with caplog.at_level("WARNING", logger="corpus"):
        c = _load(tmp_path)
    found = c.problems.set_index("doc_id")
    assert c.docs["doc_id"].tolist() == ["ok"]
    assert found.loc["旧文件", "problem"] == "unsupported format" and ".docx" in found.loc["旧文件", "detail"]
    assert found.loc["公文", "problem"] == "unsupported format"
    assert found.loc["电子公文", "problem"] == "unsupported format" and "PDF" in found.loc["电子公文", "detail"]
    assert found.loc["broken", "problem"] == "unreadable docx"
    assert "image" not in found.index and ".DS_Store" not in " ".join(c.problems["path"])
    assert any("skipped 1 file(s) of other types" in r.getMessage() and "image.png" in r.getMessage() for r in caplog.records)
    assert any("labels.csv: not read as documents" in r.getMessage() for r in caplog.records)


def test_a_pattern_reads_the_files_it_matches_as_text(tmp_path):
    (tmp_path / "a.md").write_text("坚持和发展中国特色社会主义。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("全面建成小康社会。", encoding="utf-8")
    assert _load(tmp_path, pattern="*.md").docs["doc_id"].tolist() == ["a"]


def test_a_mixed_folder_loads_every_format_and_names_clashing_files_by_their_full_name(tmp_path):
    (tmp_path / "报告.txt").write_text("坚持和发展中国特色社会主义。", encoding="utf-8")
    write_pdf(tmp_path / "报告.pdf", PDF_PAGES[:1])
    shutil.copy(SCRAPES / "portal_notice.html", tmp_path)
    write_docx(tmp_path / "通知.docx", ["通知", "全面建成小康社会。"])
    (tmp_path / "metadata.csv").write_text("doc_id,region\n报告.txt,甲\n", encoding="utf-8")
    c = _load(tmp_path)
    assert sorted(c.docs["doc_id"]) == sorted(["报告.txt", "报告.pdf", "portal_notice", "通知"])
    assert c.docs.set_index("doc_id").loc["报告.txt", "region"] == "甲"


def test_streaming_path_reads_the_same_documents_and_metadata(tmp_path):
    shutil.copy(SCRAPES / "news_records_gbk.dat", tmp_path)
    shutil.copy(SCRAPES / "portal_notice.html", tmp_path)
    write_pdf(tmp_path / "意见.pdf", PDF_PAGES)
    memory = _load(tmp_path)
    streamed = _load(tmp_path, stream_above_mb=0, scheduler="serial")
    columns = ["doc_id", "text", "title", "date", "url", "sha256"]
    def table(c: corpus.Corpus) -> list[dict]:
        return c.documents()[columns].astype(object).where(c.documents()[columns].notna(), None).to_dict("records")

    assert table(memory) == table(streamed)
    assert sorted(memory.problems["doc_id"]) == sorted(streamed.problems["doc_id"])


_PAGE = ("<html><head><meta charset=\"{charset}\"><title>{title}</title></head><body><article>"
         "<p>{body}</p><p>{body}</p></article></body></html>")


@pytest.mark.parametrize("declared, actual", [("iso-8859-1", "gbk"), ("windows-1252", "gbk"), ("koi8-r", "utf-8")])
def test_a_page_declaring_a_single_byte_charset_over_chinese_bytes_is_read_as_chinese(tmp_path, declared, actual):
    page = _PAGE.format(charset=declared, title="关于加强基层治理的意见", body="各地要健全基层治理体系，提高基层治理能力。")
    (tmp_path / "page.html").write_bytes(page.encode(actual))
    c = _load(tmp_path)
    assert c.docs["title"].iloc[0] == "关于加强基层治理的意见" and "健全基层治理体系" in c.docs["text"].iloc[0]
    notes = c.audit.loc[c.audit["step"] == "(read)", "note"].tolist()
    assert any("not the declared one: the page declares" in n for n in notes), notes


def test_a_page_file_without_any_markup_is_read_as_plain_text(tmp_path):
    (tmp_path / "notice.htm").write_text("关于做好防汛工作的通知\n各乡镇要落实防汛责任，确保安全度汛。\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(_PAGE.format(charset="utf-8", title="标题", body="正文在此，足够长的一句话用来抽取。"),
                                        encoding="utf-8")  # fmt: skip
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["notice", "page"] and c.problems.empty
    assert c.docs.set_index("doc_id").loc["notice", "text"].startswith("关于做好防汛工作的通知\n各乡镇")
    assert any("without any markup: read as plain text" in n for n in _read_rows(c, "notice")["note"])


def test_a_latin1_page_declared_as_such_stays_latin1(tmp_path):
    page = _PAGE.format(charset="iso-8859-1", title="Café", body="Le café du marché est très fréquenté, même en été.")
    (tmp_path / "page.html").write_bytes(page.encode("latin-1"))
    c = _load(tmp_path)
    assert c.docs["encoding"].iloc[0] == "iso8859-1" and "très fréquenté" in c.docs["text"].iloc[0]


# --------------------------------------------------------------------------- file names and unreadable files


def test_a_file_name_that_is_not_utf8_loads_under_a_safe_id(tmp_path):
    name = "规划纲要".encode("gbk") + b".txt"
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as f:
        f.write("坚持和发展中国特色社会主义。".encode("utf-8"))
    c = _load(tmp_path)
    assert c.docs["doc_id"].tolist() == ["规划纲要"]
    row = c.problems.iloc[0]
    assert row["problem"] == "file name not UTF-8" and "规划纲要" in row["detail"]
    c.docs["path"].iloc[0].encode("utf-8")  # storable


def test_the_streaming_path_loads_names_that_are_not_utf8_as_the_in_memory_path_does(tmp_path):
    for name in ("规划纲要".encode("gbk"), b"\xff\xfe", "报告".encode("utf-8")):  # before: the cache key could not hash them
        with open(os.path.join(os.fsencode(tmp_path), name + b".txt"), "wb") as f:
            f.write("坚持和发展中国特色社会主义。".encode("utf-8") + name.hex().encode("ascii"))
    memory = corpus.load_corpus(tmp_path, cache=False, progress=False)
    streamed = corpus.load_corpus(tmp_path, cache=False, stream_above_mb=0, progress=False)
    assert streamed.doc_ids == memory.doc_ids and len(memory.doc_ids) == 3
    assert sorted(streamed.problems["problem"]) == ["file name not UTF-8"] * 2


def test_an_unreadable_file_is_a_problem(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("全面建成小康社会。", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("坚持和发展中国特色社会主义。", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make the OS refuse it as it would refuse a user
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                            if self.name == "locked.txt" else real(self))  # fmt: skip
    try:
        c = _load(tmp_path)
    finally:
        locked.chmod(0o644)
    row = c.problems.set_index("doc_id").loc["locked"]
    assert row["problem"] == "unreadable" and "Permission denied" in row["detail"]
    assert c.docs["doc_id"].tolist() == ["ok"]


def test_file_ids_add_the_suffix_only_where_names_clash():
    assert io.file_ids([Path("a.txt"), Path("a.pdf"), Path("b.html")]) == ["a.txt", "a.pdf", "b"]


def test_a_pdf_paragraph_wrapped_by_its_layout_comes_back_as_one_line(tmp_path):
    """GB/T 9704 layout (invented text): a heading, then paragraphs whose first line is indented two characters and
    whose lines run to the right margin; the last line of each stops short. One line per paragraph, headings apart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from corpus.report.plot import cjk_font_family

    full = "各地要加强汛期值班值守严格执行领导带班制度确保信息畅通各有关部门"  # 32 ideographs: every full line is as long
    rows = [(0.08, "一、总体要求"),
            (0.08 + 0.037, full[:30]), (0.08, full), (0.08, "做好防汛工作。"),
            (0.08 + 0.037, full[:30]), (0.08, "落实责任。")]  # fmt: skip
    path = tmp_path / "wrapped.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, (x, line) in enumerate(rows):
            fig.text(x, 0.92 - 0.03 * i, line, fontfamily=cjk_font_family(), fontsize=11)
        pdf.savefig(fig)
        plt.close(fig)
    lines = corpus.extract.extract_pdf(path.read_bytes()).text.split("\n")
    assert lines == ["一、总体要求", full[:30] + full + "做好防汛工作。", full[:30] + "落实责任。"]


def test_a_sentence_a_page_break_cut_is_joined_once_the_page_number_is_gone(tmp_path):
    first = ["一、总体要求", "各地要加强汛期值班值守，严格执行领导带班和二十四小时值班制度，确保", "— 1 —"]
    second = ["信息畅通，发现险情及时报告。", "— 2 —"]
    loaded = corpus.load_corpus(write_pdf(tmp_path / "two_pages.pdf", [first, second]).parent, cache=False)
    text = loaded.docs["text"].iloc[0]
    assert "确保信息畅通，发现险情及时报告。" in text and "— 1 —" not in text


def test_word_automatic_numbering_is_written_before_each_numbered_paragraph(tmp_path):
    """Headings numbered by Word (一、 （一）, counted per level, the deeper one starting again) keep their numbers (invented text)."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in [(0, "总体要求"), (None, "各地要加强组织领导。"), (0, "重点任务"), (1, "健全组织体系"), (1, "提升防范能力"),
                        (0, "保障措施"), (1, "加强资金保障")]:  # fmt: skip
        p = document.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    document.save(path)
    assert corpus.extract.extract_docx(path.read_bytes()).text.split("\n") == [
        "一、总体要求", "各地要加强组织领导。", "二、重点任务", "（一）健全组织体系", "（二）提升防范能力", "三、保障措施", "（一）加强资金保障"]


def test_a_line_break_inside_a_word_paragraph_keeps_it_one_line(tmp_path):
    import docx

    document = docx.Document()
    title = document.add_paragraph("某某省人民政府关于加强")
    title.runs[0].add_break()
    title.add_run("基层治理的意见")
    body = document.add_paragraph("Belt and")
    body.runs[0].add_break()
    body.add_run("Road，共建共享。")
    path = tmp_path / "breaks.docx"
    document.save(path)
    assert corpus.extract.extract_docx(path.read_bytes()).text.split("\n") == ["某某省人民政府关于加强基层治理的意见", "Belt and Road，共建共享。"]


# --------------------------------------------------------------------------- pages that are not one article (a review's pages)

_PARAGRAPHS = ("<p>近年来，某省多地探索推行积分制管理，把人居环境整治、移风易俗、邻里互助等事项细化为积分项目，由村民小组每月评议、张榜公示。</p>"
               "<p>据了解，该省已有三千多个行政村推行积分制管理，村民参与村级事务的积极性明显提高，乡村治理效能不断提升。</p>"
               "<p>下一步，该省将总结推广典型经验，完善积分评价标准，推动积分制管理与网格化服务管理深度融合。</p>")


def test_a_list_page_of_links_to_articles_is_a_problem_not_a_document(tmp_path):
    items = "".join(f"<li><a href='/a{i}.html'>关于开展第{i + 1}批基层治理示范单位创建工作的通知</a><span>2023-05-{10 + i}</span></li>"
                    for i in range(10))
    (tmp_path / "index_1.html").write_text(f"<html><head><title>通知公告_某市人民政府</title></head><body><div class='list'>"
                                           f"<h2>通知公告</h2><ul>{items}</ul></div></body></html>", encoding="utf-8")
    (tmp_path / "article.html").write_text(f"<html><head><title>某省推行积分制管理</title></head><body><article><h1>某省推行积分制管理"
                                           f"</h1>{_PARAGRAPHS}</article></body></html>", encoding="utf-8")
    c = _load(tmp_path, cache=False)
    assert c.doc_ids == ["article"]
    found = corpus.problems(c)
    assert found["problem"].tolist() == ["list page"] and "titles of links" in found["detail"].iloc[0]


def test_a_page_that_only_shows_a_pdf_is_a_problem_naming_the_file(tmp_path):
    (tmp_path / "report.html").write_text(
        "<html><head><title>某市2022年政府信息公开工作年度报告</title></head><body><div class='article'><h1>某市2022年政府信息公开工作"
        "年度报告</h1><div class='info'>发布时间：2023-01-31</div><div class='content'><iframe src='/pdfjs/web/viewer.html?file=/a.pdf'>"
        "</iframe><p><a href='/a.pdf'>点击下载</a></p></div></div></body></html>", encoding="utf-8")
    found = corpus.problems(_load(tmp_path, cache=False))
    assert found["problem"].tolist() == ["linked document only"] and "/a.pdf" in found["detail"].iloc[0]


def test_attachment_names_trafilatura_leaves_out_are_put_back_under_their_heading():
    # trafilatura drops paragraphs that are only a link, or not, by the length of the rest of the page: the text it gave a
    # reviewer's notice ended in a bare 附件： line. The names come back from the page's links to files, in order.
    links = "".join(f"<p><a href='/f{i}.docx'>{i}.{name}.docx</a></p>" for i, name in enumerate(["项目申报书", "信用承诺书"], 1))
    tree = extract.visible_tree(f"<html><body><article><h1>通知</h1>{_PARAGRAPHS}<p>附件：</p>{links}<p><a href='/'>首页</a></p>"
                                "</article></body></html>")
    links = extract._links(tree)
    text, put_back = extract._with_attachments("通知\n正文。\n附件：\n某市科学技术局", links)
    assert text == "通知\n正文。\n附件：\n1.项目申报书.docx\n2.信用承诺书.docx\n某市科学技术局"
    assert put_back == ["1.项目申报书.docx", "2.信用承诺书.docx"]
    assert extract._with_attachments(text, links) == (text, [])  # names already there: nothing twice
    assert extract._with_attachments("通知\n正文。", links) == ("通知\n正文。", [])  # no bare 附件： line: no sidebar downloads added


def test_fields_set_in_spans_of_their_own_all_reach_cleaning():
    page = ("<html><head><title>某会议召开_警务动态_某省公安厅</title></head><body><div class='article'><h1>全省公安机关党建工作推进会在"
            "省会召开</h1><div class='info'><span>发布时间：2023-04-07 17:45</span> <span>来源：省公安厅机关党委</span> "
            f"<span>作者：韩冰</span></div><div class='content'>{_PARAGRAPHS}</div></div></body></html>")
    assert extract.extract_html(page).text.splitlines()[1] == "发布时间：2023-04-07 17:45 来源：省公安厅机关党委 作者：韩冰"


def test_a_date_under_the_headline_without_a_label_dates_the_page():
    page = ("<html><head><title>旧屋邨加装升降机</title></head><body><div id='main'><h1>旧屋邨加装升降机</h1>"
            f"<div class='date'>2023年05月19日 星期五　记者 陈嘉欣</div><div id='content'>{_PARAGRAPHS}</div></div></body></html>")
    assert extract.extract_html(page).metadata["date"] == "2023-05-19"


def test_an_editors_credit_left_out_by_trafilatura_is_read_and_a_next_page_is_noted(tmp_path):
    (tmp_path / "people.html").write_text(
        "<html><head><title>让乡村治理更有温度--社会--人民网</title></head><body><div class='rm_txt_con cf'><h1>让乡村治理更有温度</h1>"
        f"<div class='rm_txt_con cf'>{_PARAGRAPHS}<div class='edit cf'>(责编：李佳、赵明)</div></div>"
        "<div class='page'>共3页 <a href='/p1.html'>1</a> <a href='/p2.html'>2</a> <a href='/p2.html'>下一页</a></div></div></body></html>",
        encoding="utf-8")
    c = _load(tmp_path, cache=False)
    doc = c.documents().iloc[0]
    assert doc["editor"] == "李佳、赵明" and "责编" not in doc["text"]
    notes = c.audit.query("step == '(read)' and action == 'flagged'")["note"].tolist()
    assert notes == ["the page links a next page (下一页): the article may go on there; load its other pages too"]


def test_a_subtitle_under_the_headline_that_the_main_text_leaves_out_is_the_documents_subtitle(tmp_path):
    page = ("<html><head><meta charset='utf-8'><title>某市召开农村工作会议_某市人民政府</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> &gt; <a href='/zw/'>工作动态</a></div><div class='article'>"
            "<h1>某市召开农村工作会议</h1><h2>部署全年乡村振兴重点任务</h2>"
            "<div class='info'>发布时间：2021-03-05　来源：某市农业农村局</div><div class='content'>"
            "<p>3月4日，某市召开农村工作会议，总结去年工作，部署今年乡村振兴重点任务。会议指出，去年全市粮食总产量稳定增长。</p>"
            "<p>会议强调，要坚持农业农村优先发展，扎实推进乡村建设行动，加快补齐农村基础设施短板，确保各项任务落到实处。</p>"
            "</div></div></body></html>")  # fmt: skip
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    row = corpus.load_corpus(tmp_path, cache=False).docs.iloc[0]
    assert (row["title"], row["subtitle"], row["date"], row["source"]) == ("某市召开农村工作会议", "部署全年乡村振兴重点任务", "2021-03-05",
                                                                         "某市农业农村局")  # fmt: skip
    assert "部署全年乡村振兴重点任务" not in row["text"].splitlines()[0] and corpus.problems(corpus.load_corpus(tmp_path, cache=False)).empty


def test_empty_word_paragraphs_are_spacing_and_a_signatures_date_after_a_soft_break_keeps_its_line(tmp_path):
    """公文 typed in Word: empty paragraphs for spacing (they made cleaning read the text as blank-line paragraphs and glue
    a heading to its paragraph and table rows together), a signature and its date in one paragraph (invented notice)."""
    import docx

    document = docx.Document()
    for text in ["某市林业局关于做好秋冬季森林防火工作的通知", "", "各区县林业主管部门：", "当前已进入秋冬季森林防火期，现就有关事项通知如下。",
                 "", "一、工作目标", "全年森林火灾受害率控制在0.9‰以内。", "", "二、重点区域", "各区县防火检查站设置如下：", ""]:
        document.add_paragraph(text)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("区县", "检查站数量"), ("青河区", "12"), ("北山县", "20")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_paragraph("")
    signature = document.add_paragraph("某市林业局")
    signature.add_run().add_break()
    signature.add_run("2022年10月8日")
    document.save(tmp_path / "notice.docx")
    lines = corpus.extract.extract_docx((tmp_path / "notice.docx").read_bytes()).text.split("\n")
    assert "" not in lines and lines[-2:] == ["某市林业局", "2022年10月8日"]
    row = corpus.load_corpus(tmp_path, cache=False).docs.iloc[0]
    assert "一、工作目标\n全年森林火灾" in row["text"] and "区县\t检查站数量\n青河区\t12\n北山县\t20" in row["raw"]
    assert row["date"] == "2022-10-08" and "青河区 12\n北山县 20" in row["text"]


# --------------------------------------------------------------------------- information-disclosure tables


def test_a_policy_pages_disclosure_table_gives_its_fields_and_the_publication_date_is_the_date(tmp_path):
    """gov.cn's layout: two label cells and their values a row, labels spaced out (索 引 号, 标　　题), an empty 主题词."""
    shutil.copy(SCRAPES / "govcn_policy_table.html", tmp_path)
    doc = _load(tmp_path, cache=False).docs.iloc[0]
    assert (doc["date"], doc["written_date"]) == ("2023-06-19", "2023-06-12")  # 发布日期, and 成文日期 beside it
    assert (doc["issuer"], doc["document_number"], doc["index_number"]) == ("某省人民政府办公厅", "某政办发〔2023〕27号",
                                                                            "11530000MB0A12345X/2023-00158")  # fmt: skip
    assert doc["topic_category"] == "农业、林业、水利\\农业、畜牧业、渔业" and "keywords" not in doc.index  # 主题词 is empty
    assert doc["title"] == "某省人民政府办公厅关于加快推进数字乡村建设的实施意见" and doc["site"] == "某省人民政府门户网站"
    assert doc["text"].startswith("各市、县人民政府，省政府各部门、各直属机构：") and doc["text"].endswith("某省人民政府办公厅\n2023年6月12日")


def test_disclosure_lines_a_gbk_page_sets_in_paragraphs_leave_its_text_for_its_metadata(tmp_path):
    """An ``xxgk`` block of 标签：值 paragraphs (索　引　号, half- and full-width colons), which trafilatura kept in the text."""
    shutil.copy(SCRAPES / "xxgk_fields_gbk.htm", tmp_path)
    c = _load(tmp_path, cache=False)
    doc = c.docs.iloc[0]
    assert doc["encoding"] == "gb18030" and doc["date"] == "2021-09-14"
    assert (doc["issuer"], doc["document_number"], doc["keywords"]) == ("某市人民政府办公室", "某政办函〔2021〕45号", "秸秆 综合利用 通知")
    assert "written_date" not in doc.index  # the table gives no 成文日期; the text's signature date stays the text's
    assert not [w for w in ("索", "发布机构", "发文字号", "主 题 词", "43010000") if w in doc["raw"]], doc["raw"][:120]
    assert doc["text"].startswith("各县（市、区）人民政府，市直各单位：") and corpus.problems(c).empty


def test_disclosure_fields_in_spans_without_colons_are_read_and_left_out_of_the_text():
    page = (SCRAPES / "policy_span_pairs.html").read_text(encoding="utf-8")
    got = extract.extract_html(page)
    assert got.metadata == {"title": "某省公共数据管理办法", "date": "2024-01-30", "index_number": "000000-0102-2024-00009",
                            "issuer": "某省人民政府", "document_number": "某省人民政府令第302号", "written_date": "2024-01-22",
                            "validity": "现行有效"}  # fmt: skip
    assert got.text.splitlines()[:2] == ["某省公共数据管理办法", "各设区市人民政府，省政府各部门："]


def test_a_page_without_a_disclosure_table_keeps_its_text_and_gains_no_fields():
    """A number line under the title (公文's 发文字号) and a news page's fields line are no table: nothing is taken or left out."""
    policy = ("<html><head><meta charset='utf-8'><title>某省人民政府关于印发生态环境保护规划的通知_某省人民政府</title></head><body>"
              "<div class='article'><h1>某省人民政府关于印发生态环境保护规划的通知</h1><div class='info'>发布时间：2021-12-20　来源：省生态"
              f"环境厅</div><div class='content'><p class='wh'>某政发〔2021〕33号</p>{_PARAGRAPHS}</div></div></body></html>")
    got = extract.extract_html(policy)
    assert set(got.metadata) == {"title", "date"} and got.text.splitlines()[2] == "某政发〔2021〕33号"
    news = ("<html><head><title>某区召开安全生产工作推进会</title></head><body><h1>某区召开安全生产工作推进会</h1><div class='info'>"
            "<span>发布日期：2023-06-19</span> <span>信息来源：区应急管理局</span> <span>关键词：安全生产</span></div>"
            f"<div class='content'>{_PARAGRAPHS}</div><p>主题词：安全生产　会议</p></body></html>")  # two labels: no table
    tree = extract.visible_tree(news)
    assert extract.disclosure_fields(tree) == ({}, tree)
    assert extract.extract_html(news).text.endswith("主题词：安全生产 会议")


# --------------------------------------------------------------------------- PDF pages set in columns

#: Sentences of the 18th Party Congress report (2012), each set as a paragraph of its own in the column tests.
CPC18 = ("为人民服务是党的根本宗旨，以人为本、执政为民是检验党一切执政活动的最高标准。",
         "任何时候都要把人民利益放在第一位，始终与人民心连心、同呼吸、共命运，始终依靠人民推动历史前进。",
         "支持工会、共青团、妇联等人民团体充分发挥桥梁纽带作用，更好反映群众呼声，维护群众合法权益。",
         "完善党内选举制度，规范差额提名、差额选举，形成充分体现选举人意志的程序和环境。",
         "坚持和发展中国特色社会主义，关键在于建设一支政治坚定、能力过硬、作风优良、奋发有为的执政骨干队伍。",
         "健全干部管理体制，从严管理监督干部，加强党政正职、关键岗位干部培养选拔，完善公务员制度。",
         "优化领导班子配备和干部队伍结构，注重从基层一线培养选拔干部，拓宽社会优秀人才进入党政干部队伍渠道。",
         "加大培养选拔优秀年轻干部力度，重视培养选拔女干部和少数民族干部，鼓励年轻干部到基层和艰苦地区锻炼成长。",
         "党的基层组织是团结带领群众贯彻党的理论和路线方针政策、落实党的任务的战斗堡垒。")  # fmt: skip
_PT, _A4 = 10.5, (595.44, 841.68)  # a character's width (10.5 pt ideographs), an A4 page in points


def write_layout_pdf(path: Path, pages: list[list[tuple]], rules: list[list[tuple]] | None = None) -> Path:
    """A PDF of text placed by hand (matplotlib, embedded CJK font): per page, ``(x, y, text[, size[, ha]])`` in points from
    the page's top left corner (y of the baseline), and horizontal rules ``(x0, x1, y)``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.lines import Line2D

    from corpus.report.plot import cjk_font_family

    (w, h), family = _A4, cjk_font_family()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for k, items in enumerate(pages):
            fig = plt.figure(figsize=(w / 72, h / 72))
            for x, y, text, *style in items:
                fig.text(x / w, 1 - y / h, text, fontfamily=family, fontsize=(style or [_PT])[0], ha=style[1] if len(style) > 1 else "left")
            for x0, x1, y in (rules or [[]] * len(pages))[k]:
                fig.add_artist(Line2D([x0 / w, x1 / w], [1 - y / h] * 2, color="black", linewidth=0.5))
            pdf.savefig(fig)
            plt.close(fig)
    return path


def _flowed(paragraphs, x: float, chars: int, top: float, pitch: float = 17.0) -> list[tuple]:
    """Paragraphs set in a column ``chars`` characters wide from ``(x, top)``: the first line of each indented two, the rest justified."""
    rows = []
    for text in paragraphs:
        cut = [0, chars - 2, *range(2 * chars - 2, len(text), chars), len(text)]
        rows += [(x + (2 * _PT if a == 0 else 0), top + pitch * (len(rows) + n), text[a:b]) for n, (a, b) in enumerate(zip(cut, cut[1:])) if b > a]
    return rows


def test_a_page_set_in_two_columns_is_read_column_by_column_under_its_full_width_title(tmp_path):
    """A gazette page (政府公报): running head, a full-width title and lead paragraph, two columns, a page number. pdfplumber
    joined the columns' lines that share a baseline into one (the columns' text interleaved); each paragraph comes back
    whole, the left column's before the right's."""
    lead, flowed = CPC18[0] + CPC18[1], _flowed(CPC18[2:8], 56, 20, 180)
    half = 10  # the paragraph cut here (CPC18[5], not at its first line) runs on from the left column's foot to the right's top
    assert flowed[half][0] == 56 and len(flowed) < 2 * half
    columns = [*flowed[:half], *((x + 231, y - 17 * half, text) for x, y, text in flowed[half:])]
    page = [(56, 50, "某省人民政府公报"), (539, 50, "2023年第5期", _PT, "right"), (297.7, 80, "关于加强干部队伍建设的意见", 15, "center"),
            *_flowed([lead], 56, 46, 110), *columns, (297.7, 800, "— 3 —", _PT, "center")]  # fmt: skip
    got = extract.extract_pdf(write_layout_pdf(tmp_path / "gazette.pdf", [page, page]).read_bytes())
    assert got.text.split("\f")[1].split("\n") == ["某省人民政府公报 2023年第5期", "关于加强干部队伍建设的意见", lead, *CPC18[2:8], "— 3 —"]
    assert got.metadata["columns"] == "2 on pages 1, 2" and any("set in columns" in note for note in got.notes)


def test_columns_of_unequal_length_off_each_others_baselines_and_three_columns_keep_their_reading_order(tmp_path):
    short = [*_flowed(CPC18[:4], 56, 20, 80), *_flowed(CPC18[4:5], 287, 20, 80 + 8.5)]  # the right column half a line lower
    three = [*_flowed(CPC18[0:3], 56, 13, 80), *_flowed(CPC18[3:6], 208.25, 13, 80), *_flowed(CPC18[6:9], 360.5, 13, 80)]
    got = extract.extract_pdf(write_layout_pdf(tmp_path / "columns.pdf", [short, three]).read_bytes())
    assert [page.split("\n") for page in got.text.split("\f")] == [list(CPC18[:5]), list(CPC18)]
    assert got.metadata["columns"] == "2 on page 1; 3 on page 2"


def test_single_column_pages_tables_and_centred_titles_are_not_read_as_columns(tmp_path):
    """What is no column layout reads as it did before columns were looked for: a document of indented paragraphs, a cover
    of centred lines, tables of short cells in two and three columns, a ruled table whose cells hold wrapped sentences."""
    document = [(297.7, 80, "某市人民政府关于推进基层治理现代化的实施意见", 15, "center"), (56, 120, "各区县人民政府，市政府各部门："),
                *_flowed(CPC18[:4], 56, 46, 140), (539, 260, "某市人民政府", _PT, "right"), (539, 277, "2023年3月15日", _PT, "right")]  # fmt: skip
    cover = [(297.7, y, text, size, "center") for y, text, size in [(200, "某省人民政府公报", 26), (260, "2023年第5期（总第三百期）", 14),
                                                                    (300, "某省人民政府办公厅主办", 12)]]  # fmt: skip
    cells = [("区县", "检查站数量", "备注"), ("青河区", "12", "新建3个"), ("北山县", "20", "无"), ("南湖区", "9", "撤并2个"), ("西岭县", "15", "无")]
    table3 = [(x, 120 + 24 * k, cell) for k, row in enumerate(cells) for x, cell in zip((76, 216, 386), row)]
    table2 = [(x, 120 + 24 * k, cell) for k, row in enumerate(cells) for x, cell in zip((76, 276), row[::2])]
    ruled = [row for k in range(4) for row in _flowed(CPC18[2 * k : 2 * k + 1], 56, 20, 100 + 60 * k) + _flowed(CPC18[2 * k + 1 : 2 * k + 2], 287, 20, 100 + 60 * k)]
    pages = [document, cover, table3, table2, ruled]
    path = write_layout_pdf(tmp_path / "single.pdf", pages, rules=[[]] * 4 + [[(50, 540, 100 + 60 * k - 14) for k in range(5)]])
    got = extract.extract_pdf(path.read_bytes())
    assert "columns" not in got.metadata and not got.notes
    text = got.text.split("\f")
    assert text[0].split("\n") == ["某市人民政府关于推进基层治理现代化的实施意见", "各区县人民政府，市政府各部门：", *CPC18[:4], "某市人民政府", "2023年3月15日"]
    assert text[1].split("\n") == ["某省人民政府公报", "2023年第5期（总第三百期）", "某省人民政府办公厅主办"]
    assert text[2].startswith("区县 检查站数量 备注") and text[3].startswith("区县 备注")
    assert text[4].startswith(CPC18[0][:18] + " " + CPC18[1][:18])  # the ruled table's rows as pdfplumber gives them


def test_the_issuing_organ_is_the_issuer_where_the_table_names_the_publishing_office_first():
    """发布机构 (the office that put the page up) before 发文机关 (the organ that issued the document): the latter is the issuer."""
    rows = ("<tr><th>索引号</th><td>001/2022-00088</td><th>发布机构</th><td>某市人民政府办公室</td></tr>"
            "<tr><th>发文机关</th><td>某市人民政府</td><th>成文日期</th><td>2022年04月01日</td></tr>"
            "<tr><th>发文字号</th><td>某政发〔2022〕7号</td><th>发布日期</th><td>2022年04月06日</td></tr>")
    page = f"<html><body><table>{rows}</table><h1>某市人民政府关于印发行动计划的通知</h1><div>{_PARAGRAPHS}</div></body></html>"
    got = extract.extract_html(page).metadata
    assert (got["issuer"], got["date"], got["written_date"]) == ("某市人民政府", "2022-04-06", "2022-04-01")


def test_a_signature_set_right_past_the_margin_neither_moves_it_nor_joins_the_lines_of_a_page_it_holds_alone(tmp_path):
    """The right margin is where lines of running text end: a signature and a date aligned right beyond it (a file exported
    from Word) leave the wrapped paragraph above them joined, and on a page of their own they stay two lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from corpus.report.plot import cjk_font_family

    paragraph = ("我们要坚持以推动高质量发展为主题，把实施扩大内需战略同深化供给侧结构性改革有机结合起来，"
                 "增强国内大循环内生动力和可靠性，提升国际循环质量和水平。")  # the 20th Congress report (2022)
    body = [paragraph[i : i + 38] for i in range(0, len(paragraph), 38)]
    family, path = cjk_font_family(), tmp_path / "signed.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for page, lines in enumerate((body, body, [])):
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.08, 0.92 - 0.045 * i, line, fontfamily=family, fontsize=11)
            if page:  # the signature block, set right past the body's margin (0.78 of the width)
                for i, line in enumerate(("某市人民政府", "2022年10月16日")):
                    fig.text(0.85, 0.92 - 0.045 * (len(lines) + 1 + i), line, fontfamily=family, fontsize=11, ha="right")
            pdf.savefig(fig)
            plt.close(fig)
    pages = extract.extract_pdf(path.read_bytes()).text.split("\f")
    assert pages[0] == pages[1].split("\n")[0] == paragraph
    assert pages[1].split("\n")[1:] == pages[2].split("\n") == ["某市人民政府", "2022年10月16日"]


def test_an_attachment_line_trafilatura_drops_whole_is_put_back_at_the_end():
    """<p>附件：<a>name.docx</a></p>, label and link on one line, gone from trafilatura's text with the label (a long page): put back, noted."""
    page = ("<html><head><meta charset='utf-8'><title>某市人民政府关于印发数字政府建设行动计划的通知</title></head><body><div class='article'>"
            f"<h1>某市人民政府关于印发数字政府建设行动计划的通知</h1><div class='content'>{_PARAGRAPHS * 3}"
            "<p>附件：<a href='/att/plan.docx'>某市数字政府建设三年行动计划（2022—2024年）.docx</a></p></div></div>"
            "<div class='share'>分享到：<a>微信</a> 【<a href='javascript:window.print()'>打印本页</a>】</div></body></html>")  # fmt: skip
    got = extract.extract_html(page)
    assert got.text.endswith("\n附件：\n某市数字政府建设三年行动计划（2022—2024年）.docx") and "put back" in got.notes[0]
    assert "打印本页" not in got.text and "分享到" not in got.text
