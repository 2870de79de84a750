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


def test_a_table_wider_than_a_spreadsheet_is_parquet_whatever_its_size(tmp_path, _study):
    wide = pd.DataFrame([[0] * 16_385], columns=[f"d{i}" for i in range(16_385)])
    assert _study(tmp_path, 1e9).save(wide, "audit_summary").suffix == ".parquet"
