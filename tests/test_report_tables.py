"""The tables a report saves: CSV while a spreadsheet can use them, Parquet when a CSV would be too large."""

from __future__ import annotations

import pandas as pd
import pytest

import corpus
from corpus.report.context import Report


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> corpus.Corpus:
    folder = tmp_path_factory.mktemp("c")
    (folder / "a.txt").write_text("坚持党的基本路线。", encoding="utf-8")
    return corpus.load_corpus(folder, cache=False)


@pytest.fixture
def _study(small_corpus):
    return lambda folder, csv_max_mb: Report(small_corpus, folder, {}, csv_max_mb=csv_max_mb)


@pytest.fixture
def lines() -> pd.DataFrame:
    """A concordance-like table: Chinese text, offsets, a column of mixed types, and a missing value."""
    return pd.DataFrame({"doc_id": ["d0", "d1", "d2"], "start": [0, 12, 40],
                         "left": ["坚持党建引领，", "全面从严治党", "“枫桥经验”"], "match": ["基层治理", "1+N", "发展"],
                         "level": [1, "county", None]})  # fmt: skip


def test_a_small_table_is_a_csv_that_spreadsheets_read_as_utf8(tmp_path, lines, _study):
    path = _study(tmp_path, 50.0).save(lines, "kwic")
    assert path == tmp_path / "kwic.csv" and path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["left"].tolist() == lines["left"].tolist() and back["match"].tolist() == lines["match"].tolist()


def test_a_table_whose_csv_would_pass_the_limit_is_parquet_with_the_same_rows(tmp_path, lines, _study):
    _study(tmp_path, 50.0).save(lines, "kwic")
    path = _study(tmp_path, 0.0001).save(lines, "kwic")
    assert path == tmp_path / "kwic.parquet" and not (tmp_path / "kwic.csv").exists()  # never both versions
    back = pd.read_parquet(path)
    assert back.drop(columns="level").equals(lines.drop(columns="level"))
    assert back["level"].tolist()[:2] == ["1", "county"] and pd.isna(back["level"].iloc[2])  # mixed types kept as text
    again = _study(tmp_path, 50.0).save(lines, "kwic")
    assert again.suffix == ".csv" and not path.exists()


def test_an_index_and_column_names_that_are_not_text_survive_parquet(tmp_path, _study):
    frame = pd.DataFrame([[1, 2], [3, 4]], index=pd.Index(["辽宁", "海门"], name="label"), columns=[0, 1])
    path = _study(tmp_path, 0.0).save(frame, "doc_cluster", index=True)
    back = pd.read_parquet(path)
    assert back.index.tolist() == ["辽宁", "海门"] and back.index.name == "label"
    assert back.columns.tolist() == ["0", "1"] and back.to_numpy().tolist() == [[1, 2], [3, 4]]


def test_a_cell_longer_than_a_spreadsheet_holds_makes_the_table_parquet(tmp_path, _study):
    paragraphs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["坚持和发展中国特色社会主义。" * 2_500, "短段落。"]})  # 35,000 characters
    path = _study(tmp_path, 1e9).save(paragraphs, "paragraphs")
    assert path.suffix == ".parquet" and pd.read_parquet(path)["text"].tolist() == paragraphs["text"].tolist()
    assert _study(tmp_path, 1e9).save(paragraphs.tail(1), "paragraphs").suffix == ".csv"


def test_a_column_name_in_a_table_name_becomes_a_file_name_on_any_system(tmp_path, lines, _study):
    path = _study(tmp_path, 50.0).save(lines, "keyness_省/市")
    assert path == tmp_path / "keyness_省_市.csv" and path.exists()


def test_a_table_wider_than_a_spreadsheet_is_parquet_whatever_its_size(tmp_path, _study):
    wide = pd.DataFrame([[0] * 16_385], columns=[f"d{i}" for i in range(16_385)])
    assert _study(tmp_path, 1e9).save(wide, "audit_summary").suffix == ".parquet"


# --------------------------------------------------------------------------- formula injection


@pytest.fixture
def risky() -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas (from file names, metadata, lines of text), beside numbers."""
    return pd.DataFrame({"doc_id": ["=HYPERLINK(\"http://x.example\",\"报告\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "党建+警务"],
                         "change": [-5, 3, 0, -1, 2, 7, 1], "share": [-0.5, 0.1, 0.0, 1.0, 2.0, 3.0, -1.5],
                         "mixed": [-3, "-3", None, "=1", 4, "ok", "@"]})  # fmt: skip


def test_text_cells_that_begin_a_formula_are_written_as_text_and_numbers_stay_numbers(tmp_path, risky, _study):
    path = _study(tmp_path, 50.0).save(risky, "kwic")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    body = data[3:].decode("utf-8")
    assert body.startswith("doc_id,change,share,mixed\r\n")  # RFC 4180 line ends: a cell's \r is quoted
    for cell in ['"\'=HYPERLINK(""http://x.example"",""报告"")"', "'+1,", "'-2,", "'@SUM(A1),", "'\tx,", "\"'\rx\",", "党建+警务,"]:
        assert cell in body, cell
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["change"].tolist() == [-5, 3, 0, -1, 2, 7, 1] and back["share"].tolist() == risky["share"].tolist()
    assert back["mixed"].tolist() == ["-3", "'-3", "", "'=1", "4", "ok", "'@"]  # -3 the number, '-3 the text
    assert not any(line.startswith(("=", "+", "-", "@")) for line in body.split("\r\n"))
    assert len(back) == len(risky)
    assert risky.at[0, "doc_id"].startswith("=")  # the caller's table is not changed


def test_index_and_column_labels_that_begin_a_formula_are_neutralised_too(tmp_path, _study):
    frame = pd.DataFrame([[1, -2]], index=pd.Index(["=cmd|' /C calc'!A0"], name="@label"), columns=["-share", "+n"])
    path = _study(tmp_path, 50.0).save(frame, "similarity", index=True)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["'@label,'-share,'+n", "'=cmd|' /C calc'!A0,1,-2"]


def test_parquet_keeps_the_exact_values(tmp_path, risky, _study):
    path = _study(tmp_path, 0.0).save(risky, "kwic")
    back = pd.read_parquet(path)
    assert path.suffix == ".parquet"
    assert back["doc_id"].tolist() == risky["doc_id"].tolist() and back["change"].tolist() == risky["change"].tolist()
    assert back["mixed"].tolist()[:2] == ["-3", "-3"]  # mixed types as text, no quote added


def test_spreadsheet_safe_leaves_numbers_and_harmless_text_and_keeps_string_dtypes():
    from corpus.spreadsheet import spreadsheet_safe

    frame = pd.DataFrame({"n": [-1, 2], "x": pd.array(["-a", "b"], dtype="string"), "c": pd.Categorical(["=a", "b"]),
                          "ok": ["一", "二"]})  # fmt: skip
    safe = spreadsheet_safe(frame)
    assert safe["n"].tolist() == [-1, 2] and safe["n"].dtype == frame["n"].dtype
    assert safe["x"].tolist() == ["'-a", "b"] and safe["x"].dtype == frame["x"].dtype
    assert safe["c"].tolist() == ["'=a", "b"] and safe["ok"].tolist() == ["一", "二"]
    assert frame["x"].tolist() == ["-a", "b"]
