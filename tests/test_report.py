"""Tests for the report runner (corpus.report.runner) and the CJK matplotlib styling (corpus.report.plot)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import warnings
from pathlib import Path

import nbformat
import papermill
import platformdirs
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from corpus.report import main, run_reports
from corpus.report.plot import cjk_font_family, cjk_font_path, cjk_rc, cjk_style, missing_glyphs
from corpus.report.runner import (INDEX_FILES_SHOWN, INJECTED_PARAMETERS, ReportError, corpus_index_html, find_notebooks,
                                  notebook_parameters, parse_overrides, render_html, value_problem)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

HOSTILE = "<script>alert(1)</script>"

PARAMETERS = ('corpus_path = "seeds"\nmetadata_path = None\noutput_dir = "out"\ncache_dir = None\nprogress = True\n'
              "top_n = 5\n")

ANALYSIS = f"""\
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from corpus.report import figure
from corpus.report.plot import cjk_style

texts = sorted(Path(corpus_path).glob("*.txt"))
print(f"{{len(texts)}} documents")
print("progress noise that must not reach the report", file=sys.stderr)
table = pd.DataFrame({{"file": [p.name for p in texts],
                      "chars": [len(p.read_text(encoding="utf-8")) for p in texts]}})
table.to_csv(Path(output_dir) / "counts.csv", index=False)
display(pd.DataFrame({{"text": [{HOSTILE!r}], "top_n": [top_n]}}))
with cjk_style():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(table["file"], table["chars"])
    ax.set_title("文件长度 $5")
    figure(fig, alt="文件长度 bar chart: characters per file")
"""


def write_notebook(path: Path, *cells: nbformat.NotebookNode) -> Path:
    """Write a notebook of ``cells`` with the python3 kernelspec."""
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def parameters_cell(source: str = PARAMETERS) -> nbformat.NotebookNode:
    """A code cell tagged ``parameters``."""
    return new_code_cell(source, metadata={"tags": ["parameters"]})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A tiny corpus, a good and a failing notebook, run once through ``main``."""
    root = tmp_path_factory.mktemp("project")
    corpus = root / "mini"
    corpus.mkdir()
    (corpus / "a.txt").write_text("国务院关于印发通知。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("第一条　为了规范管理，制定本办法。\n",
                                  encoding="utf-8")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "00_overview.ipynb", new_markdown_cell("# 概览"),
                   parameters_cell(), new_code_cell(ANALYSIS))
    write_notebook(notebooks / "01_broken.ipynb", parameters_cell(), new_markdown_cell("## 关键词 Keywords"),
                   new_code_cell("x = 1"), new_code_cell('raise KeyError("no such column")'),
                   new_markdown_cell("## 之后 After"), new_code_cell("print('never reached')"))
    write_notebook(notebooks / "02_dies.ipynb", parameters_cell(), new_markdown_cell("## 内核 Kernel"),
                   new_code_cell("import os\nos._exit(1)"))
    out = root / "reports"
    cache = root / "cache"  # the command line has no cache option: the runner's default, $CORPUS_CACHE_DIR
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.MonkeyPatch.context() as env:
        env.setenv("CORPUS_CACHE_DIR", str(cache))
        code = main([str(corpus), "--notebooks", str(notebooks), "--out", str(out), "--jobs", "2",
                     "-p", "00_overview:top_n=7"])
    report_dir = out / "mini"
    return {"code": code, "stderr": stderr.getvalue(), "out": out, "report_dir": report_dir,
            "notebooks": notebooks, "corpus": corpus, "cache": cache,
            "html": (report_dir / "00_overview.html").read_text(encoding="utf-8"),
            "run": json.loads((report_dir / "run.json").read_text(encoding="utf-8"))}


@pytest.mark.slow
def test_each_notebook_is_rendered_and_linked_from_both_index_pages(project: dict) -> None:
    report_dir = project["report_dir"]
    assert "2 documents" in project["html"]
    assert (report_dir / "00_overview" / "counts.csv").is_file()
    corpus_index = (report_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="00_overview.html"' in corpus_index
    assert 'href="01_broken.html"' in corpus_index
    assert 'href="mini/index.html"' in (project["out"] / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_run_json_records_parameters_fingerprint_and_versions(project: dict) -> None:
    run = project["run"]
    overview = next(nb for nb in run["notebooks"] if nb["name"] == "00_overview")
    assert overview["parameters"]["top_n"] == 7
    assert overview["parameters"]["corpus_path"] == str(project["corpus"].resolve())
    assert overview["parameters"]["metadata_path"] is None
    assert overview["parameters"]["output_dir"] == str(project["report_dir"] / "00_overview")
    assert overview["parameters"]["cache_dir"] == str(project["cache"]) and overview["parameters"]["progress"] is False
    assert [f["file"] for f in run["corpus"]["files"]] == ["a.txt", "b.txt"]
    assert re.fullmatch(r"[0-9a-f]{64}", run["corpus"]["sha256"])
    assert run["libraries"]["papermill"] and run["libraries"]["python"]


@pytest.mark.slow
def test_the_corpus_page_of_a_large_corpus_lists_the_first_files_and_points_to_run_json(project: dict) -> None:
    run = json.loads(json.dumps(project["run"]))
    one = run["corpus"]["files"][0]
    run["corpus"]["files"] = [{**one, "file": f"doc{i:05d}.txt"} for i in range(INDEX_FILES_SHOWN + 50)]
    page = corpus_index_html(run)
    assert f"doc{INDEX_FILES_SHOWN - 1:05d}.txt" in page and f"doc{INDEX_FILES_SHOWN:05d}.txt" not in page
    assert f"The first {INDEX_FILES_SHOWN:,} of {INDEX_FILES_SHOWN + 50:,} files" in page
    assert f"({INDEX_FILES_SHOWN + 50} files)" in page  # the fingerprint still counts them all
    assert "The first" not in corpus_index_html(project["run"])


@pytest.mark.slow
def test_report_html_escapes_document_text(project: dict) -> None:
    assert HOSTILE not in project["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in project["html"]


@pytest.mark.slow
def test_report_html_loads_nothing_from_the_network(project: dict) -> None:
    remote = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)
    assert not remote.search(project["html"])
    assert "require.min.js" not in project["html"]
    assert 'src="data:image/png;base64,' in project["html"]


@pytest.mark.slow
def test_report_html_hides_stderr_and_code(project: dict) -> None:
    assert "progress noise" not in project["html"]
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in project["html"]
    assert "plt.subplots" not in project["html"]
    executed = nbformat.read(project["report_dir"] / "00_overview.ipynb", as_version=4)
    stderr = "".join(o.get("text", "") for cell in executed.cells for o in cell.get("outputs", [])
                     if o.get("name") == "stderr")
    assert "progress noise" in stderr, "the executed notebook keeps stderr for debugging"
    assert "missing from font" not in stderr and "Glyph" not in stderr


@pytest.mark.slow
def test_rendering_the_same_executed_notebook_twice_gives_identical_bytes(project: dict,
                                                                           tmp_path: Path) -> None:
    executed = project["report_dir"] / "00_overview.ipynb"
    nav = tuple((stem, f"{stem}.html") for stem in ("00_overview", "01_broken", "02_dies"))  # what the run linked
    render_html(executed, tmp_path / "first.html", corpus="mini", nav=nav)
    render_html(executed, tmp_path / "second.html", corpus="mini", nav=nav)
    first = (tmp_path / "first.html").read_bytes()
    assert first == (tmp_path / "second.html").read_bytes()
    assert first == project["html"].encode("utf-8")
    assert not re.search(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", first)


@pytest.mark.slow
def test_a_failing_notebook_is_marked_failed_while_the_other_still_succeeds(project: dict) -> None:
    assert project["code"] != 0
    assert "FAILED 01_broken: KeyError: 'no such column'" in project["stderr"]
    assert "00_overview" not in "".join(re.findall(r"FAILED .*", project["stderr"]))
    statuses = {nb["name"]: nb["status"] for nb in project["run"]["notebooks"]}
    assert statuses == {"00_overview": "ok", "01_broken": "failed", "02_dies": "failed"}
    broken_html = (project["report_dir"] / "01_broken.html").read_text(encoding="utf-8")
    assert "no such column" in broken_html
    # the banner names the failing cell by its heading (prompts are hidden), at the top of the page
    assert broken_html.index("This report did not finish") < broken_html.index("关键词 Keywords")
    assert "code cell 2, under “关键词 Keywords”" in broken_html and "In [" not in broken_html
    assert "at code cell 2, under “关键词 Keywords”" in project["stderr"]
    died_html = (project["report_dir"] / "02_dies.html").read_text(encoding="utf-8")
    assert "This report did not finish" in died_html and "under “内核 Kernel”" in died_html
    assert "FAILED 02_dies:" in project["stderr"]
    assert 'class="failed"' in (project["report_dir"] / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_unknown_parameter_is_an_error_naming_the_notebook_and_its_parameters(
        project: dict, tmp_path: Path) -> None:
    with pytest.raises(ReportError) as info:
        run_reports(project["corpus"], notebooks_dir=project["notebooks"], out_dir=tmp_path,
                    overrides=parse_overrides(["nope=1"]))
    message = str(info.value)
    assert "nope" in message and "00_overview" in message
    assert "cache_dir, corpus_path, metadata_path, output_dir, progress, top_n" in message
    assert not list(tmp_path.iterdir()), "nothing may run before the parameters are checked"


def test_a_notebook_without_the_injected_parameters_is_reported(tmp_path: Path) -> None:
    write_notebook(tmp_path / "00_bare.ipynb", parameters_cell("top_n = 5\n"))
    with pytest.raises(ReportError, match="00_bare lacks corpus_path, metadata_path, output_dir, cache_dir, progress in"):
        run_reports(tmp_path, notebooks_dir=tmp_path, out_dir=tmp_path / "reports", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "reports").exists() and not (tmp_path / "cache").exists()


def test_the_runner_passes_the_cache_folder_and_no_progress_bars_as_parameters(tmp_path: Path, monkeypatch) -> None:
    notebook = write_notebook(tmp_path / "00_one.ipynb", parameters_cell())
    given = {"corpus_path": tmp_path, "metadata_path": None, "report_dir": tmp_path / "reports"}
    chosen = notebook_parameters([notebook], {}, **given, cache_dir=tmp_path / "mine")["00_one"]
    assert list(chosen) == [*INJECTED_PARAMETERS] and len(INJECTED_PARAMETERS) == 5
    assert chosen["cache_dir"] == str(tmp_path / "mine") and chosen["progress"] is False
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "from_env"))
    assert notebook_parameters([notebook], {}, **given)["00_one"]["cache_dir"] == str(tmp_path / "from_env")
    monkeypatch.delenv("CORPUS_CACHE_DIR")
    default = Path(notebook_parameters([notebook], {}, **given)["00_one"]["cache_dir"])
    assert default == Path(platformdirs.user_cache_dir("corpus")) and Path.cwd() not in (default, *default.parents)
    with pytest.raises(ReportError, match="cache_dir is set by the runner"):
        notebook_parameters([notebook], {"*": {"cache_dir": "elsewhere"}}, **given)


def test_a_bad_codebook_stops_the_run_before_any_notebook_naming_the_file_and_line(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "a.txt").write_text("全面建成小康社会。\n", encoding="utf-8")
    (tmp_path / "codebook.yml").write_text("治理:\n  - 国家治理\n党建:\n  - 党的建设\n治理:\n  - 基层治理\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # a path given from where the user stands, as on the command line
    with pytest.raises(ReportError) as refused:
        run_reports(folder, out_dir=tmp_path / "reports", only=["05_trends"], cache_dir=tmp_path / "cache",
                    overrides={"*": {"dictionary_path": "codebook.yml"}})
    message = str(refused.value)
    assert message.startswith("dictionary_path: ") and str(tmp_path / "codebook.yml") in message
    assert "line 5" in message and "'治理' is defined twice" in message
    assert not (tmp_path / "reports" / "mini").exists()  # nothing ran
    with pytest.raises(ReportError, match="tifa_path: no such file: .*missing.txt"):
        run_reports(folder, out_dir=tmp_path / "reports", only=["04_discourse"], overrides={"*": {"tifa_path": "missing.txt"}})


def test_file_parameters_are_read_from_where_the_user_stands(tmp_path: Path, monkeypatch) -> None:
    from corpus.report.runner import default_notebooks_dir, find_notebooks, notebook_parameters

    (tmp_path / "mine.txt").write_text("全过程人民民主\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    notebooks = find_notebooks(default_notebooks_dir(), ["04_discourse", "01_tfidf"])
    given = notebook_parameters(notebooks, {"04_discourse": {"tifa_path": "mine.txt"}, "01_tfidf": {"stopword_paths": ["mine.txt"]}},
                                corpus_path=tmp_path, metadata_path=None, report_dir=tmp_path / "r")  # fmt: skip
    assert given["04_discourse"]["tifa_path"] == str(tmp_path / "mine.txt")
    assert given["01_tfidf"]["stopword_paths"] == [str(tmp_path / "mine.txt")]


def test_parse_overrides_handles_global_and_per_notebook_forms() -> None:
    items = ["top_n=20", "01_tfidf:top_n=3", "label=中文", "01_tfidf:ngram=(1, 2)"]
    assert parse_overrides(items) == {"*": {"top_n": 20, "label": "中文"},
                                      "01_tfidf": {"top_n": 3, "ngram": (1, 2)}}
    with pytest.raises(ReportError, match="KEY=VALUE"):
        parse_overrides(["top_n"])


def test_cjk_style_renders_chinese_without_glyph_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught, cjk_style():
        warnings.simplefilter("always")
        fig = Figure(figsize=(3, 2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot([-1, 1])
        ax.set_title("国务院关于印发《通知》的通知 $5")
        fig.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from font" in m or "Glyph" in m], messages


def test_cjk_font_is_noto_sans_cjk_not_simhei() -> None:
    assert cjk_font_path().name == "NotoSansCJKsc-Regular.otf"
    assert cjk_font_family() == "Noto Sans CJK SC"
    rc = cjk_rc()
    assert rc["font.sans-serif"] == ["Noto Sans CJK SC", "DejaVu Sans"]
    assert rc["text.parse_math"] is False and rc["axes.unicode_minus"] is False
    with cjk_style():
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found) == cjk_font_path()
    assert "simhei" not in found.lower()


def test_missing_glyphs_reports_only_characters_the_font_lacks() -> None:
    assert missing_glyphs("关于《规定》的通知（2024年）：第1条\n") == set()
    assert missing_glyphs("通知😀") == {"😀"}


def test_parameters_are_checked_against_their_declared_types_and_ranges_before_anything_runs(tmp_path: Path) -> None:
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    for bad, said in [("01_tfidf:top_n=abc", "01_tfidf: top_n='abc': must be int; got str"),
                      ("01_tfidf:top_n=-5", "01_tfidf: top_n=-5: must be ≥ 1"),
                      ("01_tfidf:max_df=1.5", "must be between 0 and 1"),
                      ("03_comparison:measure=t", "must be one of: log_odds, chi2, g2")]:
        with pytest.raises(ReportError, match=re.escape(said)):
            run_reports(SEEDS, notebooks_dir=notebooks, out_dir=tmp_path / "reports", overrides=parse_overrides([bad]))
    assert not (tmp_path / "reports").exists()


def test_a_parameter_for_all_notebooks_goes_to_those_that_declare_it() -> None:
    notebooks = find_notebooks(Path(__file__).resolve().parents[1] / "notebooks")
    given = notebook_parameters(notebooks, parse_overrides(["top_n=7"]), corpus_path=SEEDS, metadata_path=None,
                                report_dir=Path("r"))
    assert {stem: p.get("top_n") for stem, p in given.items()} == {
        "00_corpus_overview": None, "01_tfidf": 7, "02_clustering": 7, "03_comparison": 7, "04_discourse": 7, "05_trends": 7, "06_wordfish": None}


def test_every_notebook_default_meets_its_own_declared_rule() -> None:
    for path in find_notebooks(Path(__file__).resolve().parents[1] / "notebooks"):
        cell = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
        assigned = [line.split(":")[0].split("=")[0].strip() for line in cell.source.splitlines() if line.strip()]
        assert list(papermill.inspect_notebook(path)) == assigned, path.stem  # papermill reads every line (no second '=')
        for name, spec in papermill.inspect_notebook(path).items():
            value = ast.literal_eval(spec["default"])
            assert value_problem(value, spec["inferred_type_name"], spec.get("help") or "") is None, (path.stem, name)


@pytest.mark.parametrize("files, said", [({}, "no document files"),
                                         ({"a.txt": b"", "b.txt": b"\xff\xfe\x00\x00\x00"}, "no document could be loaded"),
                                         ({"a.txt": "2023-05-12\n\n12345\n".encode()}, "none has a word left")])
def test_a_corpus_with_nothing_to_analyse_stops_before_any_notebook(tmp_path: Path, files: dict, said: str) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    with pytest.raises(ReportError, match=said):
        run_reports(folder, notebooks_dir=notebooks, out_dir=tmp_path / "reports", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "reports" / "corpus").exists() and not (tmp_path / "reports" / "index.html").exists()


@pytest.mark.slow
def test_two_corpora_with_the_same_folder_name_never_share_a_report_folder(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "00_overview.ipynb", new_markdown_cell("# 概览"), parameters_cell(), new_code_cell(ANALYSIS))
    first, second = tmp_path / "a" / "data", tmp_path / "b" / "data"
    for folder, text in [(first, "坚持党的基本路线。\n"), (second, "发展社会主义市场经济。\n")]:
        folder.mkdir(parents=True)
        (folder / "x.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "reports"
    runs = [run_reports(c, notebooks_dir=notebooks, out_dir=out, cache_dir=tmp_path / "cache") for c in (first, second, second, first)]
    folders = [r.report_dir for r in runs]
    assert folders[0] == out / "data" and folders[1] != folders[0] and folders[1].name.startswith("data-")
    assert folders[2] == folders[1] and folders[3] == folders[0]  # each keeps its own on later runs
    recorded = {json.loads((f / "run.json").read_text(encoding="utf-8"))["corpus"]["path"] for f in folders}
    assert recorded == {str(first), str(second)}


SLEEPER = '''import os, time
from pathlib import Path
Path(output_dir).mkdir(parents=True, exist_ok=True)
(Path(output_dir).parent / f"{Path(output_dir).name}.pid").write_text(str(os.getpid()))
time.sleep(120)'''


def _sleeping_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A corpus and notebooks whose second and third sleep (writing their kernel's pid first)."""
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "a.txt").write_text("坚持党的基本路线一百年不动摇。\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "00_fast.ipynb", parameters_cell(), new_code_cell("print('done')"))
    for name in ("01_sleep", "02_sleep"):
        write_notebook(notebooks / f"{name}.ipynb", parameters_cell(), new_code_cell(SLEEPER))
    return folder, notebooks, tmp_path / "reports"


def _start(folder: Path, notebooks: Path, out: Path, cache: Path, *extra: str, temp: Path | None = None):
    import os
    import subprocess
    import sys

    import signal

    if temp is None:  # a run a test kills leaves its kernels' folder there, not in the machine's temporary folder
        temp = cache.parent / "temp"
        temp.mkdir(exist_ok=True)
    env = {**os.environ, "CORPUS_CACHE_DIR": str(cache), "TMPDIR": str(temp)}
    # Ctrl-C as a terminal delivers it: a test run started in the background (`pytest &`) ignores SIGINT, and its
    # children would inherit that and never see the signal the tests send.
    return subprocess.Popen([sys.executable, "-m", "corpus.report", str(folder), "--notebooks", str(notebooks),
                             "--out", str(out), "--jobs", "1", *extra], env=env, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.fixture
def start_run():
    """:func:`_start`, and at the test's end the kill of every run it started that still runs, with its workers and kernels.

    A test that fails before its run ends would otherwise leave the run and its sleeping kernels behind.
    """
    import psutil

    started = []

    def start(*args, **kwargs):
        started.append(_start(*args, **kwargs))
        return started[-1]

    yield start
    for run in started:
        if run.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                doomed = psutil.Process(run.pid).children(recursive=True) + [psutil.Process(run.pid)]
                for process in doomed:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        process.kill()
                psutil.wait_procs(doomed, timeout=10)
            run.communicate()


def _wait_for(path: Path, seconds: float = 120) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.parametrize("whom", ["group", "main"])
def test_ctrl_c_stops_the_run_kills_its_kernels_and_marks_what_is_missing(tmp_path: Path, whom: str, start_run) -> None:
    import os
    import signal
    import time

    import psutil

    folder, notebooks, out = _sleeping_project(tmp_path)
    temp = tmp_path / "temp"  # the run's temporary folder: its kernels' sockets go there
    temp.mkdir()
    run = start_run(folder, notebooks, out, tmp_path / "cache", temp=temp)
    pid_file = out / "mini" / "01_sleep.pid"
    _wait_for(pid_file)
    _wait_for(out / "mini" / "00_fast.html")
    kernel = int(pid_file.read_text())
    sent = time.monotonic()
    if whom == "group":  # what Ctrl-C in a terminal does
        os.killpg(run.pid, signal.SIGINT)
    else:  # SIGINT to the runner alone
        run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130 and time.monotonic() - sent < 10, err
    assert "interrupted: 1 of 3 report(s) finished (00_fast)" in err
    assert not psutil.pid_exists(kernel) or psutil.Process(kernel).status() == psutil.STATUS_ZOMBIE
    assert not (out / "mini" / "02_sleep.pid").exists()  # the queued notebook never started
    record = json.loads((out / "mini" / "run.json").read_text(encoding="utf-8"))
    statuses = {nb["name"]: (nb["status"], nb["html"]) for nb in record["notebooks"]}
    assert statuses == {"00_fast": ("ok", "00_fast.html"), "01_sleep": ("interrupted", None), "02_sleep": ("interrupted", None)}
    assert record["interrupted"] is True and not list((out / "mini").glob(".*running*"))
    assert 'class="interrupted"' in (out / "mini" / "index.html").read_text(encoding="utf-8")
    assert not list(temp.iterdir())  # the killed kernel's socket folder went with the run's


@pytest.mark.slow
def test_a_second_run_into_the_same_folder_is_refused_naming_the_lock(tmp_path: Path, start_run) -> None:
    import os
    import signal

    folder, notebooks, out = _sleeping_project(tmp_path)
    first = start_run(folder, notebooks, out, tmp_path / "cache")
    try:
        _wait_for(out / "mini" / "01_sleep.pid")
        with pytest.raises(ReportError, match=r"another run is writing .*mini \(it holds .*\.mini\.lock\).*--wait"):
            run_reports(folder, notebooks_dir=notebooks, out_dir=out, cache_dir=tmp_path / "cache", only=["00_fast"])
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # killed outright: the OS lock goes with it
        first.wait()
        kernel = out / "mini" / "01_sleep.pid"
        if kernel.exists():  # the kernel was in the same session: killed with it, or here
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(kernel.read_text()), signal.SIGKILL)
    again = run_reports(folder, notebooks_dir=notebooks, out_dir=out, cache_dir=tmp_path / "cache", only=["00_fast"])
    assert not again.failures


@pytest.mark.slow
def test_with_wait_a_second_run_waits_for_the_lock_instead_of_refusing(tmp_path: Path) -> None:
    import threading
    import time

    from filelock import FileLock

    folder, notebooks, out = _sleeping_project(tmp_path)
    out.mkdir()
    taken = threading.Event()

    def other_run() -> None:  # holds the folder's lock for two seconds
        with FileLock(out / ".mini.lock"):
            taken.set()
            time.sleep(2.0)

    threading.Thread(target=other_run).start()
    taken.wait()
    done = run_reports(folder, notebooks_dir=notebooks, out_dir=out, cache_dir=tmp_path / "cache", only=["00_fast"], wait=True)
    assert not done.failures  # the lock was held when the run began (taken): without wait=True it is refused, as above


@pytest.mark.skipif(os.name == "nt", reason="Windows has no ZeroMQ IPC transport; its kernels keep TCP")
def test_kernels_listen_on_local_sockets_in_a_private_folder_not_on_tcp_ports():
    from corpus.report.runner import local_kernel_manager

    manager = local_kernel_manager()(kernel_name="python3")
    assert manager.transport == "ipc"
    folder = Path(manager.ip).parent
    assert folder.is_dir() and folder.name.startswith("corpus-kernel-") and not any(folder.iterdir())
    folder.rmdir()


@pytest.mark.slow
def test_the_console_prints_one_line_per_notebook_and_no_kernel_or_nbconvert_warnings(tmp_path: Path, start_run) -> None:
    """The command's own output, workers included: start, finish, time and failure per notebook, nothing else noisy."""
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "a.txt").write_text("全面建成小康社会。\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "00_plot.ipynb", parameters_cell(), new_markdown_cell("## 图 Figure"),
                   new_code_cell("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()"))
    write_notebook(notebooks / "01_broken.ipynb", parameters_cell(), new_code_cell('raise KeyError("no such column")'))
    run = start_run(folder, notebooks, tmp_path / "reports", tmp_path / "cache", "--jobs", "2")
    out, err = run.communicate(timeout=300)
    console = out + err
    assert run.returncode != 0
    for name, status in (("00_plot", "ok"), ("01_broken", "failed")):
        lines = [line for line in console.splitlines() if line.startswith(f"{name} ")]
        assert len(lines) == 1, console
        assert re.fullmatch(rf"{name} {status}: started \d\d:\d\d:\d\d, finished \d\d:\d\d:\d\d, \d+\.\d s.*", lines[0])
    assert "KeyError: 'no such column'" in console
    assert "a figure has no alt text: show it with corpus.report.figure" in console  # nbconvert's warning, in the line
    for noise in ("arning", "TCP", "encryption", "Alternative text", "Traceback", "IPKernelApp", "KeyboardInterrupt"):
        assert noise not in console, console


def test_the_runner_finds_the_repositorys_notebooks_from_any_working_directory(tmp_path, monkeypatch) -> None:
    """``corpus-reports /some/corpus`` run outside the repository renders the repository's notebooks."""
    from corpus.report.runner import default_notebooks_dir, find_notebooks

    monkeypatch.chdir(tmp_path)
    found = find_notebooks(default_notebooks_dir())
    assert found[0].parent == Path(__file__).resolve().parents[1] / "notebooks"
    assert [p.name for p in found][:2] == ["00_corpus_overview.ipynb", "01_tfidf.ipynb"]
