"""The report suite end to end: the repository's notebooks run headless on real corpora."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from corpus.report import run_reports

ROOT = Path(__file__).resolve().parents[1]
CPC = ROOT.parent / "shared" / "corpora" / "cpc"
HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "$\\frac{1}{2}$ 与 $x$",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache folder for the module's runs (a rerun reads what the first run cached), never the user's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, cache):
    out = tmp_path_factory.mktemp("reports")
    return run_reports(ROOT / "seeds", out_dir=out, command="pytest", cache_dir=cache), out


@pytest.mark.slow
def test_every_notebook_renders_on_the_seeds_without_errors(seeds_run):
    run, out = seeds_run
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.failures]
    names = {r.name for r in run.results}
    assert {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")} == names
    for r in run.results:
        page = Path(r.html_path).read_text(encoding="utf-8")
        assert "Traceback" not in page and 'class="output_error"' not in page
        assert 'src="data:image/png;base64' in page, f"{r.name} has no embedded figure"
        assert not re.search(r"<script[^>]+src=\"https?://", page)
    assert (out / "index.html").is_file() and (out / "seeds" / "index.html").is_file()


@pytest.mark.slow
def test_no_figure_lacks_a_glyph_and_no_cell_warns_about_fonts(seeds_run):
    run, _ = seeds_run
    for r in run.results:
        nb = json.loads(Path(r.notebook_path).read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        text = "\n".join("".join(o.get("text", "")) for o in outputs)
        assert not re.search(r"Glyph \d+|missing from (current )?font|findfont", text), (r.name, text[:500])


@pytest.mark.slow
def test_every_report_writes_its_tables_as_csv(seeds_run):
    run, out = seeds_run
    for r in run.results:
        folder = out / "seeds" / r.name
        assert any(folder.glob("*.csv")), f"{r.name} wrote no CSV table"


@pytest.mark.slow
def test_overview_report_shows_metadata_audit_and_clean_text(seeds_run):
    run, out = seeds_run
    page = (out / "seeds" / "00_corpus_overview.html").read_text(encoding="utf-8")
    for expected in ["海门", "舞钢", "pinyin", "trailers", "安徽先锋网", "党建+警务"]:
        assert expected in page, expected
    tables = out / "seeds" / "00_corpus_overview"
    assert {"documents.csv", "audit.csv", "audit_summary.csv", "paragraphs.csv"} <= {p.name for p in tables.iterdir()}


@pytest.mark.slow
def test_a_hostile_corpus_is_shown_as_text_and_nothing_runs(tmp_path, cache):
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    for i, payload in enumerate(HOSTILE):
        body = f"测试标题{i}\n这是第{i}篇文档，内容包含{payload}，用于检查报告是否转义。\n第二段落继续说明党建引领基层治理的做法。"
        (corpus / f"doc{i}.txt").write_text(body, encoding="utf-8")
    run = run_reports(corpus, out_dir=tmp_path / "reports", command="pytest", cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.failures]
    page = (tmp_path / "reports" / "hostile" / "00_corpus_overview.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape("<script>alert(") in page or "&lt;script&gt;alert(" in page


@pytest.mark.slow
@pytest.mark.skipif(not CPC.is_dir(), reason="../shared/corpora/cpc is absent (a user's clone); the second corpus is not shipped")
def test_the_suite_renders_the_party_congress_corpus(tmp_path, cache):
    run = run_reports(CPC, out_dir=tmp_path, command="pytest", cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.failures]
    assert (tmp_path / "cpc" / "index.html").is_file()


@pytest.mark.slow
def test_a_rerun_gives_byte_identical_reports_and_only_keeps_the_other_reports_listed(seeds_run, cache):
    run, out = seeds_run
    first = {r.name: Path(r.html_path).read_bytes() for r in run.results}
    again = run_reports(ROOT / "seeds", out_dir=out, only=["01_tfidf"], command="pytest", cache_dir=cache)
    assert Path(again.results[0].html_path).read_bytes() == first["01_tfidf"]
    record = json.loads((out / "seeds" / "run.json").read_text(encoding="utf-8"))
    assert {nb["name"] for nb in record["notebooks"]} == set(first)
    assert {nb["parameters"]["cache_dir"] for nb in record["notebooks"]} == {str(cache)}
    assert any((cache / "corpus").iterdir()), "the notebooks load through the cache folder the runner gave them"


ONE_REPORT = ("关于加快建设现代化经济体系的报告\n\n"
              "一、坚持新发展理念\n\n必须坚定不移贯彻创新、协调、绿色、开放、共享的发展理念，推动经济高质量发展。\n\n"
              "二、深化供给侧结构性改革\n\n把提高供给体系质量作为主攻方向，显著增强我国经济质量优势。\n\n"
              "三、加快建设创新型国家\n\n创新是引领发展的第一动力，是建设现代化经济体系的战略支撑。\n")


@pytest.mark.slow
def test_a_one_document_corpus_renders_every_report_and_says_what_needs_two(tmp_path, cache):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "report.txt").write_text(ONE_REPORT, encoding="utf-8")
    run = run_reports(folder, out_dir=tmp_path / "reports", command="pytest", cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.results if r.error]
    page = (tmp_path / "reports" / "one" / "03_comparison.html").read_text(encoding="utf-8")
    assert "needs two or more documents" in page and "No dendrogram" in page
