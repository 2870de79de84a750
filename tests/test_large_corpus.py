"""The report suite on a corpus of many short documents: it renders, and what it shows stays capped.

The corpus is 240 documents of three seed paragraphs each (shuffled with a fixed seed), with
a metadata column ``province`` of three values: by default the reports name the 12 longest
documents; with ``label_column=province`` they name the three provinces instead.
"""

from __future__ import annotations

import base64
import random
import re
import struct
from pathlib import Path

import pandas as pd
import pytest

from corpus.report import run_reports

ROOT = Path(__file__).resolve().parents[1]
N_DOCS = 240
SHOWN = 12  # the notebooks' default max_docs_shown
PROVINCES = ["甘肃", "江苏", "河南"]
CSV_MAX_MB = 0.05  # the grouped run's limit: its larger tables are written as Parquet
NOTEBOOKS = ["00_corpus_overview", "01_tfidf", "02_clustering", "03_comparison"]


def _write_corpus(folder: Path) -> None:
    """Documents of three seed paragraphs (at most 160 characters each), numbered so that none repeats another."""
    paras = [p[:160] for path in sorted((ROOT / "seeds").glob("*.txt"))
             for p in path.read_text(encoding="utf-8").splitlines() if len(p) > 40]  # fmt: skip
    rng = random.Random(0)
    folder.mkdir()
    rows = ["doc_id,province"]
    for i in range(N_DOCS):
        body = [f"第{i}号文档，编号{i * 7919 % 100003}。", *rng.sample(paras, 3)]
        (folder / f"doc{i:04d}.txt").write_text("\n".join(body), encoding="utf-8")
        rows.append(f"doc{i:04d},{PROVINCES[i % 3]}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("many")
    _write_corpus(root / "many")
    cache = root / "cache"
    longest = run_reports(root / "many", out_dir=root / "longest", only=NOTEBOOKS, command="pytest", cache_dir=cache)
    grouped = run_reports(root / "many", out_dir=root / "grouped", only=["01_tfidf", "03_comparison"],
                          overrides={"*": {"label_column": "province", "csv_max_mb": CSV_MAX_MB}}, command="pytest",
                          cache_dir=cache)  # fmt: skip
    return longest, grouped


def _pngs(page: str) -> list[tuple[int, int]]:
    """(width, height) in pixels of every PNG embedded in a page."""
    sizes = []
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        head = base64.b64decode(data[:64])
        sizes.append(struct.unpack(">II", head[16:24]))
    return sizes


def _column_counts(page: str) -> list[int]:
    """Number of column headings of each table in a page."""
    return [part.split("</thead>")[0].count('class="col_heading level0') for part in page.split("<table")[1:]]


@pytest.mark.slow
def test_every_report_renders_on_many_documents_with_figures_of_bounded_size(runs):
    for run in runs:
        assert not run.failures, [f"{r.name}: {r.error}" for r in run.failures]
        for r in run.results:
            page = Path(r.html_path).read_text(encoding="utf-8")
            assert "Traceback" not in page and 'class="output_error"' not in page, r.name
            sizes = _pngs(page)
            assert sizes, f"{r.name} has no figure"
            assert all(w <= 2600 and h <= 2600 for w, h in sizes), (r.name, sizes)
            assert max(_column_counts(page)) <= SHOWN + 8, (r.name, _column_counts(page))


@pytest.mark.slow
def test_tables_and_figures_name_the_longest_documents_and_say_so(runs):
    longest, _ = runs
    folder = longest.report_dir
    note = f"{SHOWN} of {N_DOCS} documents shown, chosen by length (the longest)"
    for name in ["00_corpus_overview", "01_tfidf", "03_comparison"]:  # 02 says it in its figures' titles only
        assert note in (folder / f"{name}.html").read_text(encoding="utf-8"), name
    sim = pd.read_csv(folder / "03_comparison" / "similarity.csv", index_col=0)
    assert sim.shape == (SHOWN, SHOWN)
    assert pd.read_csv(folder / "03_comparison" / "each_against_rest.csv")["target"].nunique() == SHOWN
    assert len(pd.read_csv(folder / "03_comparison" / "vocabulary_overlap.csv", nrows=1).columns) == SHOWN + 3
    # The tables that grow only with the corpus keep every document.
    assert pd.read_csv(folder / "01_tfidf" / "top_terms.csv")["doc_id"].nunique() == N_DOCS
    assert len(pd.read_csv(folder / "02_clustering" / "doc_cluster.csv")) == N_DOCS
    audit = pd.read_csv(folder / "00_corpus_overview" / "audit_summary.csv")
    assert list(audit.columns) == ["doc_id", "step", "action", "count", "label"] and audit["doc_id"].nunique() > N_DOCS / 2


@pytest.mark.slow
def test_with_few_groups_in_the_label_column_the_reports_compare_the_groups(runs):
    _, grouped = runs
    folder = grouped.report_dir
    note = f"all {N_DOCS} documents shown in 3 groups of province"
    for name in ["01_tfidf", "03_comparison"]:
        assert note in (folder / f"{name}.html").read_text(encoding="utf-8"), name
    sim = pd.read_csv(folder / "03_comparison" / "similarity.csv", index_col=0)
    assert sorted(sim.index) == sorted(PROVINCES)
    assert sorted(pd.read_csv(folder / "03_comparison" / "each_against_rest.csv")["target"].unique()) == sorted(PROVINCES)


@pytest.mark.slow
def test_tables_too_large_for_csv_are_written_as_parquet_with_every_row(runs):
    longest, grouped = runs
    for name in ["top_terms", "kwic"]:
        assert (longest.report_dir / "01_tfidf" / f"{name}.csv").is_file()  # the default limit: 50 MB
        assert not (grouped.report_dir / "01_tfidf" / f"{name}.csv").exists()
    top = pd.read_parquet(grouped.report_dir / "01_tfidf" / "top_terms.parquet")
    assert top["doc_id"].nunique() == N_DOCS
    kwic = pd.read_parquet(grouped.report_dir / "01_tfidf" / "kwic.parquet")
    assert len(kwic) == len(pd.read_csv(longest.report_dir / "01_tfidf" / "kwic.csv"))
