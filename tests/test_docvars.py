"""Document variables: metadata dates read to ISO, colliding columns kept, disagreements listed and logged once.

The texts and metadata are invented.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus.docvars import (CORE_COLUMNS, DATE_ORIGINAL, corpus_metadata, keep_colliding_columns, log_disagreements,
                            merge_metadata)  # fmt: skip

#: A short invented notice whose header line dates it 2022-07-26.
DATED = "关于开展基层治理调研的通知\n来源：某县融媒体中心 2022-07-26 09:00\n各乡镇：为做好基层治理工作，现将有关事项通知如下。\n"


def docs_frame(dates: list[str | None], **columns: list) -> pd.DataFrame:
    """Documents as cleaning leaves them (a few core columns), one per date."""
    ids = [f"d{i}" for i in range(len(dates))]
    frame = pd.DataFrame({"doc_id": ids, "path": [f"/c/{d}.txt" for d in ids], "text": ["正文。"] * len(ids),
                          "title": [None] * len(ids), "source": [None] * len(ids), "date": dates})  # fmt: skip
    for name, values in columns.items():
        frame[name] = values
    return frame.astype(object).where(frame.notna(), None)


def write_metadata(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metadata.csv").write_text(text, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- dates


def test_metadata_dates_in_mixed_forms_are_read_to_iso_and_the_original_is_kept(tmp_path):
    folder = write_metadata(tmp_path, "doc_id,date\na,2022年7月26日\nb,2022/7/5\nc,二〇二二年八月\nd,2022-07-01\ne,\n")
    meta, found = corpus_metadata(folder, None, pd.Series(list("abcde")))
    assert found == []
    assert meta["date"].tolist() == ["2022-07-26", "2022-07-05", "2022-08", "2022-07-01", None]
    assert meta[DATE_ORIGINAL].tolist() == ["2022年7月26日", "2022/7/5", "二〇二二年八月", "2022-07-01", None]
    assert list(meta.columns) == ["doc_id", "date", DATE_ORIGINAL]  # beside the date


def test_metadata_dates_already_in_iso_add_no_column(tmp_path):
    folder = write_metadata(tmp_path, "doc_id,date\na,2022-07-26\nb,2021\n")
    meta, _ = corpus_metadata(folder, None, pd.Series(["a", "b"]))
    assert list(meta.columns) == ["doc_id", "date"] and meta["date"].tolist() == ["2022-07-26", "2021"]


def test_a_metadata_date_that_is_not_a_date_is_a_problem_naming_the_file_and_value_not_an_error(tmp_path, caplog):
    folder = write_metadata(tmp_path, "doc_id,date\na,2022年夏\nb,2022-02-30\nc,2022-07-26\n")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        meta, found = corpus_metadata(folder, None, pd.Series(["a", "b", "c"]))
    assert meta["date"].tolist() == [None, None, "2022-07-26"]
    assert [(p["doc_id"], p["problem"]) for p in found] == [("a", "unparseable date"), ("b", "unparseable date")]
    assert all(p["path"] == str(folder / "metadata.csv") for p in found)
    assert "'2022年夏'" in found[0]["detail"] and "'2022-02-30'" in found[1]["detail"]
    lines = [r.getMessage() for r in caplog.records if "not dates" in r.getMessage()]
    assert len(lines) == 1 and "a='2022年夏'" in lines[0] and "b='2022-02-30'" in lines[0]


def test_a_metadata_date_agrees_with_the_same_date_written_another_way_in_the_text():
    meta = pd.DataFrame({"doc_id": ["d0", "d1", "d2"], "date": ["2022年7月26日", "2022年7月", "2022/7/27"]})
    found: list[dict] = []
    docs = merge_metadata(docs_frame(["2022-07-26", "2022-07-26", "2022-07-26"]), meta, found)
    assert docs["date"].tolist() == ["2022-07-26", "2022-07", "2022-07-27"]  # metadata wins, as ISO
    assert [p["doc_id"] for p in found] == ["d2"]
    assert "metadata date='2022-07-27'" in found[0]["detail"] and "'2022-07-26'" in found[0]["detail"]


def test_an_impossible_date_the_text_gave_is_left_empty_with_a_problem():
    found: list[dict] = []
    docs = merge_metadata(docs_frame(["2022-02-30", "2022-07-26", None]), None, found)
    assert docs["date"].tolist() == [None, "2022-07-26", None]
    assert [(p["path"], p["doc_id"], p["problem"]) for p in found] == [("/c/d0.txt", "d0", "unparseable date")]


def test_an_unreadable_metadata_date_leaves_the_date_the_text_gives(tmp_path):
    folder = write_metadata(tmp_path, "doc_id,date\nd0,2022年夏\n")
    meta, found = corpus_metadata(folder, None, pd.Series(["d0"]))
    docs = merge_metadata(docs_frame(["2022-07-26"]), meta, found)
    assert docs.at[0, "date"] == "2022-07-26" and docs.at[0, DATE_ORIGINAL] == "2022年夏"
    assert [p["problem"] for p in found] == ["unparseable date"]


# --------------------------------------------------------------------------- colliding columns


def test_metadata_columns_named_like_core_columns_are_kept_under_a_prefix_with_one_warning(tmp_path, caplog):
    folder = write_metadata(tmp_path, "doc_id,source,path,n_chars,outlet,province\nd0,市委办公室,档案/1.txt,1200,某日报,河北\n")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        meta, _ = corpus_metadata(folder, None, pd.Series(["d0"]))
    assert list(meta.columns) == ["doc_id", "meta_source", "meta_path", "meta_n_chars", "outlet", "province"]
    lines = [r.getMessage() for r in caplog.records if "kept under another name" in r.getMessage()]
    assert len(lines) == 1 and all(name in lines[0] for name in ("source → meta_source", "path → meta_path", "n_chars"))
    docs = merge_metadata(docs_frame(["2022-07-26"]), meta, [])
    row = docs.iloc[0]
    assert row["path"] == "/c/d0.txt" and row["meta_path"] == "档案/1.txt"  # the core column is the loader's
    assert row["meta_source"] == "市委办公室" and row["outlet"] == "某日报" and row["province"] == "河北"


def test_a_prefixed_name_that_is_taken_gets_another_prefix():
    meta = pd.DataFrame({"doc_id": ["a"], "text": ["x"], "meta_text": ["y"]})
    renamed, names = keep_colliding_columns(meta)
    assert names == {"text": "meta_meta_text"} and list(renamed.columns) == ["doc_id", "meta_meta_text", "meta_text"]


def test_a_metadata_column_named_date_original_is_kept_beside_the_one_the_reading_adds(tmp_path):
    folder = write_metadata(tmp_path, "doc_id,date,date_original\nd0,2022年7月26日,七月下旬\n")
    meta, _ = corpus_metadata(folder, None, pd.Series(["d0"]))
    assert meta.iloc[0].to_dict() == {"doc_id": "d0", "date": "2022-07-26", DATE_ORIGINAL: "2022年7月26日", "meta_date_original": "七月下旬"}
    docs = merge_metadata(docs_frame(["2022-07-26"]), meta, [])
    assert docs.at[0, DATE_ORIGINAL] == "2022年7月26日" and docs.at[0, "meta_date_original"] == "七月下旬"


def test_merge_metadata_never_drops_a_colliding_column_given_directly():
    meta = pd.DataFrame({"doc_id": ["d0"], "encoding": ["手工录入"]})
    docs = merge_metadata(docs_frame(["2022"]), meta, [])
    assert docs.at[0, "meta_encoding"] == "手工录入"


# --------------------------------------------------------------------------- disagreements


def test_many_disagreements_give_a_row_each_and_one_log_line(caplog):
    n = 30
    meta = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "date": ["2021-01-01"] * n, "title": ["另一个标题"] + [None] * (n - 1)})
    docs = docs_frame(["2022-07-26"] * n, title=["通知"] * n)
    found: list[dict] = []
    with caplog.at_level(logging.WARNING, logger="corpus"):
        merge_metadata(docs, meta, found)
    assert len(found) == n + 1 and {p["problem"] for p in found} == {"metadata disagrees with text"}
    lines = [r.getMessage() for r in caplog.records if "disagree" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith("31 metadata values disagree with the text (date 30, title 1)")
    assert "d0: metadata date='2021-01-01', text says date='2022-07-26'" in lines[0] and "(31 in all)" in lines[0]


def test_disagreements_read_back_from_a_cache_are_logged_the_same_way(caplog):
    meta = pd.DataFrame({"doc_id": ["d0", "d1"], "date": ["2021", "2021"]})
    found: list[dict] = []
    with caplog.at_level(logging.WARNING, logger="corpus"):
        merge_metadata(docs_frame(["2022-07-26", "2022-07-26"]), meta, found)
        fresh = [r.getMessage() for r in caplog.records]
        caplog.clear()
        log_disagreements(pd.DataFrame(found).astype(object))
        cached = [r.getMessage() for r in caplog.records]
    assert cached == fresh and len(cached) == 1


def test_log_disagreements_ignores_other_problems(caplog):
    rows = [{"path": "m.csv", "doc_id": "x", "problem": "metadata without document", "detail": "…"}]
    with caplog.at_level(logging.WARNING, logger="corpus"):
        log_disagreements(rows)
        log_disagreements([])
    assert caplog.records == []


# --------------------------------------------------------------------------- through load_corpus


def test_a_loaded_corpus_has_iso_dates_the_originals_and_the_problems(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(DATED, encoding="utf-8")
    write_metadata(folder, "doc_id,date,source\na,2022年7月26日,县委\nb,2022年夏,县政府\nc,,县委\n")
    loaded = corpus.load_corpus(folder, cache=False)
    docs = loaded.documents().set_index("doc_id")
    assert docs["date"].tolist() == ["2022-07-26", "2022-07-26", "2022-07-26"]  # b: the text's date
    assert docs[DATE_ORIGINAL].tolist() == ["2022年7月26日", "2022年夏", None]
    assert docs["meta_source"].tolist() == ["县委", "县政府", "县委"]
    assert list(docs.reset_index().columns[: len(CORE_COLUMNS)]) == CORE_COLUMNS
    problems = corpus.problems(loaded)
    assert problems[["doc_id", "problem"]].values.tolist() == [["b", "unparseable date"]]
    assert problems.at[0, "path"] == str(folder / "metadata.csv")


@pytest.mark.parametrize("cached", [False, True])
def test_a_load_logs_disagreements_in_one_line_fresh_or_from_the_cache(tmp_path, caplog, cached):
    folder = tmp_path / "c"
    folder.mkdir()
    for i in range(12):
        (folder / f"n{i:02d}.txt").write_text(DATED, encoding="utf-8")
    write_metadata(folder, "doc_id,date\n" + "".join(f"n{i:02d},2021年1月1日\n" for i in range(12)))
    corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    if not cached:
        (tmp_path / "cache").rename(tmp_path / "old")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    disagree = corpus.problems(loaded).query("problem == 'metadata disagrees with text'")
    assert sorted(Path(p).name for p in disagree["path"]) == [f"n{i:02d}.txt" for i in range(12)]  # the file, not "metadata"
    lines = [r.getMessage() for r in caplog.records if "2021-01-01" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith("12 metadata values disagree with the text (date 12)")


_BODY = "会议强调，要坚持以人民为中心的发展思想，切实把各项工作落到实处，不断增强人民群众的获得感和安全感。"


def test_what_a_page_says_of_itself_and_what_its_text_says_agree_where_they_mean_the_same(tmp_path):
    """A Traditional page's title against the converted text's, a byline's role against a bare name, a publication date
    against the date the document is signed with: no disagreement (invented pages)."""
    pages = {
        "trad": ("<html><head><title>政府公布加強地區治理措施</title></head><body><h1>政府公布加強地區治理措施</h1>"
                 + f"<p>{corpus.clean.to_traditional(_BODY) * 3}</p></body></html>", "utf-8"),
        "byline": ("<html><head><title>守护好群众的钱袋子</title><meta name='author' content='王小明'></head><body>"
                   f"<h1>守护好群众的钱袋子</h1><p>本报记者 王小明</p><p>{_BODY * 3}</p></body></html>", "utf-8"),
        "signed": ("<html><head><title>关于加强基层应急管理的意见</title><meta name='PubDate' content='2023-04-12'></head>"
                   f"<body><h1>关于加强基层应急管理的意见</h1><p>{_BODY * 3}</p><p>某某省人民政府</p><p>2023年4月8日</p>"
                   "</body></html>", "utf-8"),
    }
    for name, (page, encoding) in pages.items():
        (tmp_path / f"{name}.html").write_bytes(page.replace("<head>", f"<head><meta charset='{encoding}'>").encode(encoding))
    loaded = corpus.load_corpus(tmp_path, cache=False)
    assert corpus.problems(loaded).empty
    docs = loaded.docs.set_index("doc_id")
    assert docs.loc["trad", "title"] == "政府公布加强地区治理措施" and docs.loc["byline", "author"] == "王小明"
    assert docs.loc["signed", "date"] == "2023-04-12"


def test_metadata_in_a_spreadsheet_is_refused_with_what_to_do_not_left_out_in_silence(tmp_path):
    (tmp_path / "a.txt").write_text(_BODY, encoding="utf-8")
    (tmp_path / "metadata.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(corpus.CorpusError, match=r"metadata\.xlsx is a spreadsheet, which is not read: save it as CSV"):
        corpus.load_corpus(tmp_path, cache=False)
    (tmp_path / "sheets").mkdir()
    (tmp_path / "metadata.xlsx").rename(tmp_path / "sheets" / "meta.xlsx")
    with pytest.raises(corpus.CorpusError, match="meta.xlsx is a spreadsheet"):
        corpus.load_corpus(tmp_path, metadata=tmp_path / "sheets" / "meta.xlsx", cache=False)
