"""The report suite end to end: the repository's notebooks run headless on real corpora."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
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
        assert "application/vnd.jupyter.widget" not in page, f"{r.name} holds widget state or views"
    assert (out / "index.html").is_file() and (out / "seeds" / "index.html").is_file()


def test_ipywidgets_is_installed_so_jupyterlab_draws_progress_bars_as_widgets():
    """The README promises a widget progress bar in JupyterLab: tqdm.auto needs ipywidgets for it."""
    import ipywidgets

    assert int(ipywidgets.__version__.split(".")[0]) >= 8
    assert '"ipywidgets>=' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_notebook_states_its_question_shows_figures_with_alt_text_and_ends_with_a_summary_cell():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"])
        assert cells[0]["cell_type"] == "markdown" and re.search(r"^\*\*Question:\*\* .+\?$", first, re.MULTILINE), path.name
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "plt.show()" not in code, f"{path.name}: figures go through corpus.report.figure (alt text)"
        tagged = [c for c in cells if "summary" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1 and "rep.summary(" in "".join(tagged[0]["source"]), path.name


@pytest.mark.slow
def test_every_page_opens_with_its_question_and_summary_names_the_corpus_and_links_the_others(seeds_run):
    run, out = seeds_run
    from bs4 import BeautifulSoup

    names = sorted(r.name for r in run.results)
    for r in run.results:
        soup = BeautifulSoup(Path(r.html_path).read_text(encoding="utf-8"), "html.parser")
        assert soup.title.string.endswith("· seeds") and "语料 seeds" in soup.find("h1").get_text()
        nav = soup.find("nav", class_="corpus-nav")
        links = {a["href"] for a in nav.find_all("a")}
        assert "index.html" in links and {f"{n}.html" for n in names if n != r.name} <= links, r.name
        contents = [a["href"][1:] for a in nav.find("ol").find_all("a")]
        assert contents and all(soup.find(id=i) for i in contents), r.name
        headings = soup.find_all("h2")
        assert headings[0].get("id") == "summary", f"{r.name}: the summary is the first section"
        box = soup.find("div", class_="corpus-summary").get_text(" ", strip=True)
        assert "What the data supports" in box and re.search(r"\d", box), f"{r.name}: the summary states computed figures"
        assert soup.find(string=re.compile(r"Question:")) is not None


@pytest.mark.slow
def test_pages_show_at_most_25_rows_a_table_link_the_full_files_and_give_every_figure_alt_text(seeds_run):
    run, out = seeds_run
    from bs4 import BeautifulSoup

    for r in run.results:
        soup = BeautifulSoup(Path(r.html_path).read_text(encoding="utf-8"), "html.parser")
        for t in soup.find_all("table"):
            assert len(t.find("tbody").find_all("tr", recursive=False)) <= 25, (r.name, t.find("caption"))
        files = {a["href"] for a in soup.find_all("a", class_="corpus-file")}
        assert files and all((out / "seeds" / f).is_file() for f in files), r.name
        images = soup.find_all("img")
        assert images and all(len(i.get("alt", "")) > 20 for i in images), r.name
        page = str(soup)
        assert "application/vnd.jupyter.widget" not in page and not re.search(r"<script[^>]+src=", page), r.name


@pytest.mark.slow
def test_the_index_says_what_each_report_answers_links_its_tables_and_holds_no_path_of_this_machine(seeds_run):
    run, out = seeds_run
    index = (out / "seeds" / "index.html").read_text(encoding="utf-8")
    for r in run.results:
        question = re.search(r"^\*\*Question:\*\* (.+)$", Path(r.notebook_path).read_text(encoding="utf-8"), re.MULTILINE)
        assert question is None or html.escape(json.loads(f'"{question.group(1)[:-3]}"'), quote=False)[:40] in index, r.name
        for table in (out / "seeds" / r.name).glob("*.csv"):
            assert f'href="{r.name}/{table.name}"' in index, table
    given = index.replace(f"<code>{ROOT / 'seeds'}</code>", "", 1)  # the corpus as given (this test gives an absolute path)
    for machine in {str(ROOT), str(out), str(Path.home()) + "/"}:
        assert machine not in given, machine


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
    # with its labels (year, congress): the pages then compare an earlier with a later period
    run = run_reports(CPC, metadata_path=CPC / "labels.csv", out_dir=tmp_path, command="pytest", cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.failures]
    assert (tmp_path / "cpc" / "index.html").is_file()
    # the discourse report follows the example codebook's 提法 through the twelve reports
    tifa = pd.read_csv(tmp_path / "cpc" / "04_discourse" / "tifa_diffusion.csv", encoding="utf-8-sig").set_index("item")
    assert tifa.at["民主集中制", "n_docs"] == 12 and tifa.at["科学发展观", "n_docs"] == 4
    assert "两个维护" not in tifa.index  # a Central Committee formula of 2018, in no Congress report
    page = (tmp_path / "cpc" / "04_discourse.html").read_text(encoding="utf-8")
    assert "appear in no document: 两个维护、两个确立" in page
    # the keyness figures count the significant terms among their bars, not all of them (a term one side never uses,
    # 无产阶级 or 专政, has a small z and ranks below the bars): the bars keyness_figure draws, recounted from the tables
    from bs4 import BeautifulSoup

    for name, table in (("03_comparison", "keyness_period.csv"), ("05_trends", "risers_fallers.csv")):
        key = pd.read_csv(tmp_path / "cpc" / name / table, encoding="utf-8-sig")
        bars = pd.concat([key.head(15), key.tail(15)]).drop_duplicates("term")
        alts = [img.get("alt", "") for img in BeautifulSoup((tmp_path / "cpc" / f"{name}.html").read_text(encoding="utf-8"),
                                                            "html.parser").find_all("img")]  # fmt: skip
        said = [re.search(r"(\d+) terms significant at q < 0.05, (\d+) of them among these bars", a) for a in alts]
        said = [m for m in said if m]
        assert len(said) == 1 and said[0].groups() == (str((key["q"] < 0.05).sum()), str((bars["q"] < 0.05).sum())), name
    overview = (tmp_path / "cpc" / "00_corpus_overview.html").read_text(encoding="utf-8")
    assert "at most 6.5% of one document" in overview  # cpc_10: 688 of 10,578 characters, rounded, not cut to 6%
    poles = (tmp_path / "cpc" / "06_wordfish.html").read_text(encoding="utf-8")
    assert re.search(r"Left-pole words: [^;]*无产阶级", poles)  # 321 uses, none after 1992: frequent, though its ψ is low


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


@pytest.mark.slow
def test_two_documents_clustered_as_documents_fall_back_to_paragraphs_and_a_partly_dated_corpus_compares_its_dated_ones(
        tmp_path, cache):  # fmt: skip
    folder = tmp_path / "two"
    folder.mkdir()
    halves = ONE_REPORT.split("二、")
    for i, text in enumerate([halves[0], "二、" + halves[1], ONE_REPORT, halves[0] + ONE_REPORT, "二、" + halves[1] * 2]):
        (folder / f"d{i}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text("doc_id,date\nd0,2017-10-18\nd1,2018-03-05\nd2,\nd3,2019-03-05\nd4,2020-05-22\n",
                                         encoding="utf-8")  # fmt: skip
    run = run_reports(folder, out_dir=tmp_path / "reports", only=["03_comparison"], command="pytest", cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.results if r.error]
    page = (tmp_path / "reports" / "two" / "03_comparison.html").read_text(encoding="utf-8")
    assert "1 without a date left out" in page
    for name in ("d2", "d3", "d4"):
        (folder / f"{name}.txt").unlink()
    (folder / "metadata.csv").unlink()
    run = run_reports(folder, out_dir=tmp_path / "reports2", only=["02_clustering"], overrides={"*": {"unit": "doc"}},
                      command="pytest", cache_dir=cache)  # fmt: skip
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.results if r.error]
    page = (tmp_path / "reports2" / "two" / "02_clustering.html").read_text(encoding="utf-8")
    assert "so its paragraphs are clustered instead" in page


@pytest.mark.slow
def test_groups_whose_terms_never_reach_min_count_get_a_sentence_not_an_error(tmp_path, cache):
    folder = tmp_path / "short"
    folder.mkdir()
    for i, (region, text) in enumerate([("东", "推进乡村振兴。"), ("西", "加强基层治理。"), ("南", "坚持绿色发展。"), ("北", "深化改革开放。")]):
        (folder / f"d{i}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text("doc_id,region\nd0,东\nd1,西\nd2,南\nd3,北\n", encoding="utf-8")
    run = run_reports(folder, out_dir=tmp_path / "reports", only=["03_comparison"], overrides={"*": {"group_column": "region"}},
                      command="pytest", cache_dir=cache)  # fmt: skip
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.results if r.error]
    page = (tmp_path / "reports" / "short" / "03_comparison.html").read_text(encoding="utf-8")
    assert "so no term can be compared" in page


@pytest.mark.slow
def test_the_discourse_report_renders_a_corpus_with_messy_and_duplicated_values(tmp_path, cache):
    """Metadata columns equal after NFKC, dates in several forms or missing, a value that starts a formula, a document
    twice and one line of text: the page renders (pandas' Styler once failed on such columns) and shows them as data."""
    folder = tmp_path / "messy"
    folder.mkdir()
    texts = {
        "a": "坚持“一个中心、两个基本点”，实现四个现代化，国内生产总值比上年增长百分之十。\n\n坚持四项基本原则。",
        "b": "全面建成小康社会，坚持“一个中心、两个基本点”，城镇新增就业一千三百万人以上。",
        "c": "坚持四项基本原则。",
    }
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "a_copy.txt").write_text(texts["a"], encoding="utf-8")  # the same document twice
    (folder / "metadata.csv").write_text(
        "doc_id,date,ＴＩＴＬＥ,TITLE,source\n"
        "a,1987年10月25日,报告 甲,报告甲,=HYPERLINK(\"http://x\")\n"
        "b,2002,报告 乙,报告乙,<script>alert(1)</script>\n"
        "c,不详,报告 丙,报告丙,\n"
        "a_copy,,报告 甲,报告甲,\n", encoding="utf-8")
    run = run_reports(folder, out_dir=tmp_path / "reports", only=["00_corpus_overview", "04_discourse"], command="pytest",
                      cache_dir=cache)
    assert not run.failures, [f"{r.name}: {r.error}" for r in run.results if r.error]
    page = (tmp_path / "reports" / "messy" / "04_discourse.html").read_text(encoding="utf-8")
    assert "一个中心、两个基本点" in page and "<script>alert(1)" not in page
    assert "have no date" in page  # two documents without a date, said in the summary


def _undisplayed_tables(source: str) -> list[int]:
    """Lines of table(...) / rep.table(...) calls whose result a notebook cell never shows: not passed to display()
    and not the cell's last top-level expression (Jupyter shows only that one)."""
    import ast

    tree = ast.parse(source)
    shown = set()
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        shown.add(id(tree.body[-1].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "display":
            shown.update(id(a) for a in node.args)
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "table"
            and id(node) not in shown and not _assigned(tree, node)]


def _assigned(tree, call) -> bool:
    """Whether a call's result is kept in a name (shown later, or on purpose not at all)."""
    import ast

    return any(isinstance(n, ast.Assign) and n.value is call for n in ast.walk(tree))


def test_every_table_a_notebook_builds_is_shown_on_its_page():
    """A table() that is not the last expression of its cell nor passed to display() is silently missing from the page."""
    missing = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
                lines = _undisplayed_tables("".join(cell["source"]))
                if lines:
                    missing[f"{path.stem} cell {number}"] = lines
    assert not missing, missing
