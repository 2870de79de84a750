"""Run the numbered report notebooks on a corpus with papermill and render offline HTML reports.

Console script ``corpus-reports``. Each ``NN_name.ipynb`` runs in its own worker process (papermill
changes the process working directory), is saved executed under ``reports/<corpus>/`` and rendered
with the offline template in ``corpus/templates/offline``. An index page and ``run.json`` record
what ran, on which exact corpus files and with which library versions.
"""

from __future__ import annotations

import argparse
import contextlib
import ast
import hashlib
import inspect
import itertools
import json
import logging
import logging.handlers
import multiprocessing
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import pandas as pd
import papermill
from filelock import FileLock, Timeout
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError
from traitlets import CaselessStrEnum

from ..cache import cache_root, write_text
from ..io import CorpusError, display_path, file_sha256
from ..schedule import SCHEDULERS, check_scheduler
from .context import open_report, repository_root, resolve_path

logger = logging.getLogger("corpus.report.runner")  # named, so `python -m corpus.report` logs like the command

#: Set by the runner in every notebook: what to read, where to write, the cache folder, and no progress bars.
INJECTED_PARAMETERS = ("corpus_path", "metadata_path", "output_dir", "cache_dir", "progress")
#: A code cell with this tag holds the report's summary; the page shows it first, under the title.
SUMMARY_TAG = "summary"
ALL_NOTEBOOKS = "*"
NOTEBOOK_NAME = re.compile(r"\d{2}_.+\.ipynb")
LIBRARIES = ("pandas", "numpy", "scikit-learn", "jieba", "rjieba", "opencc", "matplotlib",
             "trafilatura", "pdfplumber", "python-docx", "papermill", "nbconvert", "dask", "distributed", "corpus")
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
#: Corpora larger than this (MB) are loaded and segmented once before the notebooks run.
PREPARE_ABOVE_MB = 5.0
#: The notebook parameters that change how the corpus is loaded: those of :func:`open_report` (read from its signature).
_LOAD_SETTINGS = tuple(p for p in inspect.signature(open_report).parameters
                       if p not in ("corpus_path", "metadata_path", "output_dir", "progress", "cache_dir"))


class ReportError(ValueError):
    """A bad invocation (paths, notebook names, parameters) found before any notebook runs."""


@dataclass(frozen=True)
class NotebookResult:
    """Outcome of one notebook: ``status`` is "ok", "failed" or "interrupted", ``error`` a one-line message."""

    name: str
    status: str
    seconds: float
    error: str | None
    html_path: Path | None
    notebook_path: Path
    parameters: dict[str, Any]


@dataclass(frozen=True)
class RunResult:
    """Outcome of a whole run: one :class:`NotebookResult` per notebook, in name order."""

    corpus_name: str
    report_dir: Path
    results: list[NotebookResult]

    @property
    def failures(self) -> list[NotebookResult]:
        """The notebooks that failed."""
        return [r for r in self.results if r.status != "ok"]


class RunInterrupted(ReportError):
    """The run was interrupted (Ctrl-C): what finished is published, the rest is marked; exit code 130."""

    def __init__(self, result: RunResult):
        done = [r.name for r in result.results if r.status != "interrupted"]
        super().__init__(f"interrupted: {len(done)} of {len(result.results)} report(s) finished "
                         f"({', '.join(done) or 'none'}); the index marks the others")  # fmt: skip
        self.result = result


@dataclass(frozen=True)
class _Job:
    """Everything a worker process needs to execute and render one notebook."""

    source: Path
    executed: Path
    html: Path
    parameters: dict[str, Any]
    kernel_name: str
    show_code: bool
    #: The corpus as the page names it, and (name, html file) of every report the page links to.
    corpus_label: str = ""
    nav: tuple[tuple[str, str], ...] = ()


# --- command-line values ---------------------------------------------------------------------

def _literal(text: str) -> Any:
    """A Python literal when ``text`` parses as one, else ``text`` itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_overrides(items: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Parse ``KEY=VALUE`` (all notebooks, key ``"*"``) and ``NOTEBOOK:KEY=VALUE`` overrides.

    >>> parse_overrides(["top_n=20", "01_tfidf:label=ab c", "01_tfidf:x=[1, 2]"])
    {'*': {'top_n': 20}, '01_tfidf': {'label': 'ab c', 'x': [1, 2]}}
    """
    overrides: dict[str, dict[str, Any]] = {}
    for item in items:
        target, sep, value = item.partition("=")
        notebook, _, key = target.rpartition(":")
        if not sep or not key.isidentifier():
            raise ReportError(f"bad parameter {item!r}: expected KEY=VALUE or NOTEBOOK:KEY=VALUE")
        overrides.setdefault(notebook or ALL_NOTEBOOKS, {})[key] = _literal(value)
    return overrides


# --- finding notebooks and their parameters -------------------------------------------------

def default_notebooks_dir() -> Path:
    """``./notebooks`` when it exists, else the repository's ``notebooks/`` (the folder next to ``src/``), from any working directory."""
    here = Path.cwd() / "notebooks"
    root = repository_root()
    return here if here.is_dir() or root is None else root / "notebooks"


def find_notebooks(notebooks_dir: Path, only: Sequence[str] | None = None) -> list[Path]:
    """The ``NN_name.ipynb`` notebooks in name order, limited to ``only`` (stems or file names)."""
    if not notebooks_dir.is_dir():
        raise ReportError(f"notebooks folder not found: {notebooks_dir}")
    notebooks = sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_NAME.fullmatch(p.name))
    if not notebooks:
        raise ReportError(f"no NN_name.ipynb notebooks in {notebooks_dir}")
    if not only:
        return notebooks
    unknown = set(only) - {p.stem for p in notebooks} - {p.name for p in notebooks}
    if unknown:
        raise ReportError(f"unknown notebook(s) {', '.join(sorted(unknown))}; "
                          f"available: {', '.join(p.stem for p in notebooks)}")
    return [p for p in notebooks if p.stem in only or p.name in only]


def _parameter_errors(name: str, declared: Mapping[str, Mapping[str, Any]], given: Mapping[str, Any]) -> list[str]:
    """Problems with the parameters ``given`` to notebook ``name``, whose cell declares ``declared``.

    Each value is checked against the declared type and, where the parameter's comment ends
    with one, its range (``[≥ 1]``, ``[> 0]``, ``[0 .. 1]``) or choices (``[one of: a, b]``). (No ``=`` in a
    rule: papermill reads a line with a second ``=`` as no parameter at all.)
    """
    listing = ", ".join(sorted(declared)) or "none"
    errors = []
    lacking = [p for p in INJECTED_PARAMETERS if p not in declared]
    if lacking:
        errors.append(f"notebook {name} lacks {', '.join(lacking)} in its `parameters` cell, which "
                      f"the runner always sets (its parameters: {listing})")
    unknown = sorted(set(given) - set(declared) - set(INJECTED_PARAMETERS))
    if unknown:
        errors.append(f"unknown parameter(s) {', '.join(unknown)} for notebook {name}; "
                      f"its parameters are: {listing}")
    for key, value in given.items():
        if key in declared and key not in INJECTED_PARAMETERS:
            problem = value_problem(value, declared[key]["inferred_type_name"], declared[key].get("help") or "")
            if problem:
                errors.append(f"{name}: {key}={value!r}: {problem} (default {declared[key]['default']})")
    return errors


#: A parameter comment's closing rule: ``[≥ 1]``, ``[> 0]``, ``[0 .. 1]`` or ``[one of: a, b]``.
_RULE = re.compile(r"\[(?:one of: (?P<choices>[^\]]+)|(?P<op>≥|>)\s*(?P<bound>-?\d+(?:\.\d+)?)"
                   r"|(?P<lo>-?\d+(?:\.\d+)?)\s*\.\.\s*(?P<hi>-?\d+(?:\.\d+)?))\]\s*$")
_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
                                       "list": (list, tuple), "dict": (dict,)}  # fmt: skip


def value_problem(value: Any, type_name: str, comment: str = "") -> str | None:
    """What is wrong with a parameter value for its declared type and its comment's rule, or None.

    >>> value_problem("abc", "int"), value_problem(-5, "int", "terms shown [≥ 1]"), value_problem(0.5, "float", "[0 .. 1]")
    ('must be int; got str', 'must be ≥ 1', None)
    >>> value_problem("auto", "Union[int, str]"), value_problem(None, "Optional[str]"), value_problem("x", "str", "[one of: a, b]")
    (None, None, 'must be one of: a, b')
    """
    if not _type_ok(value, type_name.replace(" ", "")):
        return f"must be {type_name}; got {type(value).__name__}"
    rule = _RULE.search(comment)
    if rule is None or value is None or isinstance(value, bool):
        return None
    if rule["choices"]:
        choices = [c.strip() for c in rule["choices"].split(",")]
        return None if str(value) in choices else f"must be one of: {', '.join(choices)}"
    if not isinstance(value, (int, float)):
        return None
    if rule["op"]:
        bound = float(rule["bound"])
        ok = value >= bound if rule["op"] == "≥" else value > bound
        return None if ok else f"must be {rule['op']} {rule['bound']}"
    return None if float(rule["lo"]) <= value <= float(rule["hi"]) else f"must be between {rule['lo']} and {rule['hi']}"


def _type_ok(value: Any, type_name: str) -> bool:
    if type_name.startswith("Optional[") and type_name.endswith("]"):
        return value is None or _type_ok(value, type_name[9:-1])
    if type_name.startswith("Union[") and type_name.endswith("]"):
        return any(_type_ok(value, part) for part in type_name[6:-1].split(","))
    kinds = _TYPES.get(type_name)
    if kinds is None:  # an annotation this check does not know: not checked
        return True
    if isinstance(value, bool) and bool not in kinds:
        return False
    return isinstance(value, kinds)


def notebook_parameters(notebooks: Sequence[Path], overrides: Mapping[str, Mapping[str, Any]], *,
                        corpus_path: Path, metadata_path: Path | None,
                        report_dir: Path, cache_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Parameters per notebook stem: injected ones, then overrides for all, then for that notebook.

    ``output_dir`` is ``report_dir/<notebook stem>``, where the notebook writes its CSV tables;
    ``cache_dir`` is the cache every notebook shares (default :func:`corpus.cache.cache_root`);
    ``progress`` is off (bars are for people at a console, not for a report's HTML).

    Every problem (unknown notebook or parameter, a missing injected parameter, an override of an
    injected one) is collected and raised together as one :class:`ReportError`.
    """
    stems = [p.stem for p in notebooks]
    errors = [f"parameter override for unknown notebook {n}; notebooks: {', '.join(stems)}"
              for n in overrides if n not in (ALL_NOTEBOOKS, *stems)]
    errors += [f"{key} is set by the runner (use CORPUS_DIR, --metadata or --out), not -p"
               for values in overrides.values() for key in values if key in INJECTED_PARAMETERS]
    parameters = {}
    declared_by = {path.stem: papermill.inspect_notebook(path) for path in notebooks}
    for_all = overrides.get(ALL_NOTEBOOKS, {})
    nowhere = sorted(k for k in for_all if k not in INJECTED_PARAMETERS and not any(k in d for d in declared_by.values()))
    if nowhere:
        listing = "; ".join(f"{stem}: {', '.join(sorted(d))}" for stem, d in declared_by.items())
        errors.append(f"unknown parameter(s) {', '.join(nowhere)}: no notebook declares them; their parameters are {listing}")
    for path in notebooks:
        declared = declared_by[path.stem]
        # A parameter set for all notebooks goes to those that declare it.
        given = {**{k: v for k, v in for_all.items() if k in declared or k in INJECTED_PARAMETERS}, **overrides.get(path.stem, {})}
        errors += _parameter_errors(path.stem, declared, given)
        given = {k: _from_here(v) if k.endswith(("_path", "_paths")) else v for k, v in given.items()}
        parameters[path.stem] = {"corpus_path": str(corpus_path),
                                 "metadata_path": str(metadata_path) if metadata_path else None,
                                 "output_dir": str(report_dir / path.stem),
                                 "cache_dir": str(cache_root(cache_dir)), "progress": False, **given}
    if errors:
        raise ReportError("\n".join(errors))
    return parameters


def _from_here(value: Any) -> Any:
    """A file parameter's path (or list of paths) made absolute where it names a file from the working directory.

    The notebooks run in their own folder; ``-p dictionary_path=my_codebook.yml`` means the file
    beside the user, as the corpus and ``--metadata`` paths do; where it is not there, under the
    repository root, as the notebook would look (:func:`~corpus.report.context.resolve_path`). A
    path found nowhere is passed as given, and the notebook names it.
    """
    if isinstance(value, (list, tuple)):
        return [_from_here(v) for v in value]
    if isinstance(value, str) and value and (found := resolve_path(value)).exists():
        return str(found)
    return value


#: Notebook parameters naming a codebook (dictionary) or list of 提法, read before any notebook runs.
CODEBOOK_PARAMETERS = ("dictionary_path", "tifa_path")


def check_codebooks(parameters: Mapping[str, Mapping[str, Any]]) -> None:
    """Read every codebook the notebooks are given, so a missing or malformed one stops the run before it starts.

    A bad codebook would otherwise be found minutes in, by each notebook that reads it, and cost
    the sections after it. One :class:`ReportError` names the parameter, the file and the cause.
    """
    from ..dictionary import load_dictionary

    errors, seen = [], set()
    for given in parameters.values():
        for key in CODEBOOK_PARAMETERS:
            value = given.get(key)
            if not value or (key, str(value)) in seen:
                continue
            seen.add((key, str(value)))
            path = resolve_path(str(value))
            if not path.is_file():
                errors.append(f"{key}: no such file: {path}")
                continue
            try:
                load_dictionary(path)
            except (ValueError, OSError) as exc:  # the loader's messages name the file, the line and the cause
                errors.append(f"{key}: {str(exc).strip() or type(exc).__name__}")
    if errors:
        raise ReportError("\n".join(errors))


def local_kernel_manager() -> type[AsyncKernelManager]:
    """The kernel manager the notebooks run under: local sockets (ZeroMQ IPC) where the OS has them.

    With TCP, each kernel picks free ports, and two kernels starting at once can pick the same
    one (``Address already in use``); ipykernel also warns that TCP traffic is unencrypted.
    IPC sockets are files in a private temporary folder: no port to race for, nothing on the
    network. Windows has no IPC transport and keeps TCP.
    """
    return QuietKernelManager if os.name == "nt" else IpcKernelManager


class QuietKernelManager(AsyncKernelManager):
    """A kernel whose own log lines stay off the console: the run prints one line per notebook.

    What the notebook prints travels over the kernel's sockets into the executed notebook; the
    kernel process's stderr only carries ipykernel's log, e.g. "KeyboardInterrupt caught in
    kernel" when jupyter_client interrupts it on shutdown. A kernel that dies is still reported,
    by papermill, as the notebook's failure.
    """

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)


#: In a pool worker, the run's private folder where its kernels' sockets are (see :func:`_run_jobs`).
_KERNEL_FOLDER: str | None = None
_KERNELS = itertools.count()


class IpcKernelManager(QuietKernelManager):
    """A kernel reached through IPC sockets in a private temporary folder (see :func:`local_kernel_manager`).

    In a run, the run's folder, with the kernel's connection file (both named by worker and
    kernel: a socket's path must stay under about 100 bytes, and a deep temporary folder leaves
    little room); alone, a folder of its own, removed when the kernel shuts down.
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if _KERNEL_FOLDER and not self.connection_file:  # else a temporary file a killed kernel leaves behind
            self.connection_file = os.path.join(_KERNEL_FOLDER, f"{os.getpid()}-{next(_KERNELS)}.json")

    def _ip_default(self) -> str:
        if _KERNEL_FOLDER:
            return self.connection_file.removesuffix(".json")
        return os.path.join(tempfile.mkdtemp(prefix="corpus-kernel-"), "kernel")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart and self.transport == "ipc" and not _KERNEL_FOLDER:  # the sockets are gone: remove their folder
            with contextlib.suppress(OSError):
                os.rmdir(os.path.dirname(self.ip))


# --- provenance -----------------------------------------------------------------------------

def corpus_fingerprint(path: str | os.PathLike[str]) -> pd.DataFrame:
    """One row per corpus file, sorted by name: ``file`` (relative), ``bytes``, ``sha256``."""
    root = Path(path)
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    rows = [{"file": display_path(Path(p.name) if p == root else p.relative_to(root)).replace(os.sep, "/"),
             "bytes": p.stat().st_size, "sha256": _readable_sha256(p)} for p in files]
    table = pd.DataFrame(rows, columns=["file", "bytes", "sha256"])
    return table.sort_values("file", ignore_index=True)


def _readable_sha256(path: Path) -> str:
    """The file's SHA-256, or why it could not be read (the loader lists such a file in ``problems``)."""
    try:
        return file_sha256(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror or type(exc).__name__})"


def combined_sha256(fingerprint: pd.DataFrame) -> str:
    """One sha256 for the whole corpus, over ``file<TAB>sha256<NEWLINE>`` lines in name order."""
    lines = "".join(f"{f}\t{h}\n" for f, h in zip(fingerprint["file"], fingerprint["sha256"]))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def library_versions() -> dict[str, str | None]:
    """Versions of Python and the analysis libraries; ``None`` for one that is not installed."""
    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


# --- executing and rendering one notebook (runs in a worker process) -------------------------

def _configure_logging(level: int) -> None:
    """Send this package's progress lines to stderr at ``level`` (used by main and pool workers)."""
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    logging.getLogger("corpus").setLevel(level)


def _start_worker(level: int, kernel_folder: str) -> None:
    """A pool worker: logging as in the main process, its kernels' sockets in the run's folder."""
    global _KERNEL_FOLDER
    _configure_logging(level)
    _KERNEL_FOLDER = kernel_folder


def _one_line(exc: BaseException) -> str:
    """``ExceptionName: message``, first line only; for a notebook error, the error it raised."""
    if isinstance(exc, PapermillExecutionError):
        text = f"{exc.ename}: {exc.evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0]


def _prepare_for_export(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what must not reach the report: stderr streams, run timings, random cell ids.

    stderr carries progress bars, logging and warnings: useful in the executed ``.ipynb`` (kept
    there) but noise in a report, and it would make two runs differ.
    """
    nb.metadata.pop("papermill", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "id" in cell:
            cell.id = f"cell-{index}"
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
    # The summary is computed last (it needs every result) but read first: after the title cell.
    summaries = [c for c in nb.cells if SUMMARY_TAG in c.metadata.get("tags", [])]
    if summaries:
        rest = [c for c in nb.cells if SUMMARY_TAG not in c.metadata.get("tags", [])]
        first = next((i for i, c in enumerate(rest) if c.cell_type == "markdown"), -1)
        nb.cells = rest[: first + 1] + summaries + rest[first + 1:]
    return nb


def notebook_question(path: Path) -> str:
    """The question a report answers: its ``**Question:**`` line, else its title (the first heading)."""
    try:
        cells = nbformat.read(path, as_version=4).cells
    except (OSError, ValueError) as exc:
        logger.warning("cannot read %s: %s", path, _one_line(exc))
        return ""
    text = next((c.source for c in cells if c.cell_type == "markdown"), "")
    found = re.search(r"^\*\*(?:问题 )?Question:\*\*\s*(.+)$", text, re.MULTILINE)
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return (found or heading).group(1).strip() if (found or heading) else ""


def decorate_page(page: str, *, corpus: str, nav: Sequence[tuple[str, str]], current: str) -> str:
    """Name the corpus in the page title and first heading; add links to the index and the other reports, and a contents list.

    The contents list links every second-level heading by the id nbconvert gave it.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    h1 = soup.find("h1")
    heading = h1.get_text(" ", strip=True).rstrip("¶").strip() if h1 else current
    if soup.title is not None:
        soup.title.string = f"{heading} · {corpus}" if corpus else heading
    if h1 is None:
        return str(soup)
    if corpus:
        named = soup.new_tag("span", attrs={"class": "corpus-name"})
        named.string = f" · 语料 {corpus}"
        anchor = h1.find("a", class_="anchor-link")
        (anchor.insert_before if anchor else h1.append)(named)
    links = [f'<a href="index.html">报告索引 Index</a>'] + [
        f"<b>{escape(name)}</b>" if name == current else f'<a href="{escape(quote(html_file))}">{escape(name)}</a>'
        for name, html_file in nav]
    sections = [(h.get("id"), h.get_text(" ", strip=True).rstrip("¶").strip()) for h in soup.find_all("h2") if h.get("id")]
    contents = "".join(f'<li><a href="#{escape(i)}">{escape(t)}</a></li>' for i, t in sections)
    block = (f'<nav class="corpus-nav"><p>{" · ".join(links)}</p>'
             + (f'<details open><summary>目录 Contents</summary><ol>{contents}</ol></details>' if contents else "") + "</nav>")
    h1.insert_after(BeautifulSoup(block, features="html.parser"))
    return str(soup)


def failed_cell(nb: nbformat.NotebookNode) -> tuple[int, str] | None:
    """The code cell where a run stopped (its error, or the first that never ran) and the heading it sits under.

    Input prompts are hidden in the reports, so a cell is named by the section it belongs to:
    the last markdown heading above it (its number among the code cells as well).
    """
    heading, number, started = "(before the first heading)", 0, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [line for line in cell.source.splitlines() if line.startswith("#")]
            if lines and "papermill-error-cell-tag" not in cell.metadata.get("tags", []):
                heading = lines[0].lstrip("#").strip()
            continue
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "parameters" in tags or "injected-parameters" in tags:
            continue
        number += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or \
                cell.metadata.get("papermill", {}).get("status") == "failed":  # fmt: skip
            return number, heading
        if "execution" in cell.metadata:  # the kernel took it up (papermill says "completed" even where it died)
            started = (number, heading)
    return started


def mark_failure(executed: Path, error: str) -> str:
    """Put a banner at the top of an executed notebook that stopped: what failed, where, and that what follows is missing.

    Returns the place for the console ("code cell 5, under “Keyness between groups”"). The
    banner replaces papermill's own note, which points at an ``In [n]`` prompt the report hides.
    """
    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    found = failed_cell(nb)
    place = f"code cell {found[0]}, under “{found[1]}”" if found else "before any analysis cell ran"
    banner = nbformat.v4.new_markdown_cell(
        f"<div class=\"report-failed\" style=\"border: 2px solid #b00020; background: #fdecea; padding: 0.8em 1em\"><strong>This report did not finish.</strong> It stopped at {escape(place)}: "
        f"<code>{escape(error)}</code>. Everything below that point is missing; the run's index lists the failure.</div>",
        metadata={"tags": ["report-failure-banner"]})  # fmt: skip
    nb.cells.insert(0, banner)
    nbformat.write(nb, executed)
    return place


def render_html(executed: Path, html_path: Path, *, show_code: bool = False, name: str | None = None, corpus: str = "",
                nav: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Render an executed notebook to a self-contained HTML report with the offline template; return nbconvert's warnings.

    The page names ``corpus`` and links the index and the reports in ``nav`` (see :func:`decorate_page`).
    The output depends only on the notebook's content and these, so rendering twice gives identical bytes.
    nbconvert's warnings (a figure without alt text) are returned, not logged, for the caller's one line per notebook.
    """
    nb = _prepare_for_export(nbformat.read(executed, as_version=4))
    collected = logging.handlers.BufferingHandler(capacity=sys.maxsize)  # kept for the notebook's console line
    log = logging.Logger("nbconvert", logging.WARNING)  # not registered, so not shared with a rendering in another thread
    log.addHandler(collected)
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)],
                            exclude_input=not show_code, exclude_input_prompt=not show_code,
                            exclude_output_prompt=not show_code, language_code="zh", log=log)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name or executed.stem}})
    html_path.write_text(decorate_page(body, corpus=corpus, nav=nav, current=name or executed.stem), encoding="utf-8")
    messages = [record.getMessage() for record in collected.buffer]
    return [_ALT_HINT if message.startswith("Alternative text is missing") else message for message in messages]


#: What the console says of a figure shown without alt text (nbconvert's warning, made actionable).
_ALT_HINT = "a figure has no alt text: show it with corpus.report.figure(fig, alt=...)"


def _run_job(job: _Job) -> NotebookResult:
    """Execute one notebook with papermill and render it; a failure is recorded, never raised."""
    name = job.source.stem
    started_at, started = datetime.now().strftime("%H:%M:%S"), time.perf_counter()
    Path(job.parameters["output_dir"]).mkdir(parents=True, exist_ok=True)
    # The earlier run's files stay until this run's are complete: the index never links to half a page.
    executed, html = _running(job.executed), _running(job.html)
    error, notes = None, []
    try:
        papermill.execute_notebook(job.source, executed, parameters=job.parameters,
                                   kernel_name=job.kernel_name, progress_bar=False,
                                   log_output=False, cwd=str(job.source.parent),
                                   kernel_manager_class=local_kernel_manager())
    except Exception as exc:  # any notebook failure is reported, the other notebooks go on
        error = _one_line(exc)
    html_path = None
    if error and executed.exists():
        try:
            place = mark_failure(executed, error)
            error = f"{error} (at {place})"
        except Exception as exc:  # noqa: BLE001 - a notebook too broken to mark is still rendered as it is
            logger.error("%s failed (%s); its notebook could not be marked: %s", name, error, _one_line(exc))
    elif error:
        logger.error("%s failed before its notebook was written: %s", name, error)
    if executed.exists():
        try:
            notes = render_html(executed, html, show_code=job.show_code, name=job.executed.stem, corpus=job.corpus_label,
                                nav=job.nav)
            os.replace(html, job.html)
            html_path = job.html
        except Exception as exc:  # a rendering failure is reported like an execution failure
            error = error or f"rendering failed: {_one_line(exc)}"
        os.replace(executed, job.executed)
    html.unlink(missing_ok=True)
    seconds = round(time.perf_counter() - started, 2)
    status = "failed" if error else "ok"
    (logger.error if error else logger.info)("%s %s: started %s, finished %s, %.1f s%s", name, status, started_at,
                                             datetime.now().strftime("%H:%M:%S"), seconds,
                                             "".join(f" ({text})" for text in [error, *notes] if text))
    return NotebookResult(name, status, seconds, error, html_path, job.executed, job.parameters)


def _running(path: Path) -> Path:
    """Where a file is written while its notebook runs (renamed into place when complete)."""
    return path.with_name(f".{path.stem}.running{path.suffix}")


def _run_jobs(jobs: Sequence[_Job], workers: int) -> tuple[list[NotebookResult], bool]:
    """Run jobs in a pool of ``workers`` processes; results in job order, and whether the run was interrupted.

    On Ctrl-C (or SIGINT to this process alone) no queued notebook starts: the workers and
    every process they started (the Jupyter kernels) are killed by process id, and the jobs
    not finished come back as "interrupted", their half-written files removed. The kernels'
    sockets and connection files sit in one folder of the run, removed at its end: a kernel
    killed, or a worker that crashed, leaves nothing in the temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="corpus-kernels-", ignore_cleanup_errors=True) as kernel_folder:
        return _run_pool(jobs, workers, kernel_folder)


def _run_pool(jobs: Sequence[_Job], workers: int, kernel_folder: str) -> tuple[list[NotebookResult], bool]:
    context = multiprocessing.get_context("spawn")  # no fork of a possibly threaded parent
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(logger.getEffectiveLevel(), kernel_folder))  # fmt: skip
    futures = [pool.submit(_run_job, job) for job in jobs]
    results: list[NotebookResult] = []
    try:
        for future, job in zip(futures, jobs):
            results.append(_result_or_crash(future, job))
    except KeyboardInterrupt:
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        for future, job in zip(futures[len(results):], jobs[len(results):]):
            finished = future.done() and not future.cancelled() and future.exception() is None
            results.append(future.result() if finished else _interrupted(job))
        return results, True
    pool.shutdown()
    return results, False


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes and everything they started (kernels), children first."""
    import psutil

    workers = [psutil.Process(pid) for pid in list(getattr(pool, "_processes", {}) or {}) if psutil.pid_exists(pid)]
    doomed = [child for w in workers for child in w.children(recursive=True)] + workers
    for process in doomed:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(doomed, timeout=5)


def _interrupted(job: _Job) -> NotebookResult:
    for partial in (_running(job.executed), _running(job.html)):
        partial.unlink(missing_ok=True)
    return NotebookResult(job.source.stem, "interrupted", 0.0, "interrupted before it finished", None, job.executed,
                          job.parameters)  # fmt: skip


def _result_or_crash(future: Future[NotebookResult], job: _Job) -> NotebookResult:
    """The worker's result, or a failed result when the worker process itself died."""
    try:
        return future.result()
    except Exception as exc:  # e.g. BrokenProcessPool when a worker is killed
        return NotebookResult(job.source.stem, "failed", 0.0, f"worker crashed: {_one_line(exc)}",
                              None, job.executed, job.parameters)


# --- index pages ----------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
       "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { margin: 0; white-space: pre-wrap; }
.ok { color: #17692b; font-weight: bold; }
.failed, .interrupted { color: #b00020; font-weight: bold; }
"""


def _page(title: str, body: str) -> str:
    """A complete, self-contained HTML page (inline CSS, no scripts)."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f"<body>\n<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are given already escaped (they may hold links)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def _parameters_html(parameters: Mapping[str, Any]) -> str:
    """The parameters a user sets, as escaped ``key = value`` lines (the runner's own, paths of this machine, left out)."""
    chosen = {k: v for k, v in parameters.items() if k not in INJECTED_PARAMETERS}
    return "<pre>" + escape("\n".join(f"{k} = {v!r}" for k, v in chosen.items())) + "</pre>"


def _links(files: Sequence[str]) -> str:
    return "<br>".join(f'<a href="{escape(quote(f))}">{escape(Path(f).name)}</a>' for f in files) or "—"


#: Corpus files listed on a corpus's index page (run.json keeps them all).
INDEX_FILES_SHOWN = 200


def corpus_index_html(run: Mapping[str, Any]) -> str:
    """The ``reports/<corpus>/index.html`` page for a ``run.json`` record.

    Every link and path on it is relative to the reports folder; the corpus and metadata paths
    are shown as they were given on the command line.
    """
    headers = ["report", "what it answers", "status", "seconds", "run at", "tables beside it", "error", "parameters"]
    rows = [[f'<a href="{escape(quote(nb["html"]))}">{escape(nb["name"])}</a>' if nb["html"]
             else escape(nb["name"]),
             escape(nb.get("question") or ""),
             f'<span class="{escape(nb["status"])}">{escape(nb["status"])}</span>',
             f'{nb["seconds"]:.1f}', escape(str(nb.get("run_at") or run["started_at"])),
             _links(nb.get("tables") or []),
             escape(nb["error"] or ""), _parameters_html(nb["parameters"])]
            for nb in run["notebooks"]]
    # Columns that say nothing on this run are left out: no error, no parameter chosen, every report run at the start.
    silent = {"error": {""}, "parameters": {"<pre></pre>"}, "run at": {escape(str(run["started_at"]))}}
    keep = [i for i, h in enumerate(headers) if h not in silent or {row[i] for row in rows} - silent[h]]
    reports = _table([headers[i] for i in keep], [[row[i] for i in keep] for row in rows])
    corpus = run["corpus"]
    meta = run["metadata"] or {"given": "metadata.csv beside the documents, where there is one (the notebooks' default)", "sha256": "-"}
    facts = _table(["item", "value"], [[escape(k), f"<code>{escape(str(v))}</code>"] for k, v in [
        ("started", run["started_at"]), ("finished", run["finished_at"]),
        ("command", run["command"]), ("corpus", corpus.get("given", corpus["name"])),
        ("metadata", meta.get("given", Path(str(meta.get("path", ""))).name)),
        ("metadata sha256", meta["sha256"]),
        ("show code", run["show_code"]), ("kernel", run["kernel"]), ("jobs", run["jobs"]),
        *([("interrupted", "yes: the reports marked interrupted are missing or from an earlier run")] if run.get("interrupted") else [])]])
    files = _table(["file", "bytes", "sha256"], [
        [escape(f["file"]), str(f["bytes"]), f"<code>{escape(f['sha256'])}</code>"]
        for f in corpus["files"][:INDEX_FILES_SHOWN]])
    if len(corpus["files"]) > INDEX_FILES_SHOWN:
        files += (f"<p>The first {INDEX_FILES_SHOWN:,} of {len(corpus['files']):,} files; "
                  f"<code>run.json</code> lists every file with its hash.</p>")
    versions = _table(["library", "version"], [
        [escape(k), escape(v or "not installed")] for k, v in run["libraries"].items()])
    body = (f'<p><a href="../index.html">all corpora</a></p>\n<h2>Reports</h2>\n'
            "<p>Each report opens with the question it answers and a summary of what the data supports; "
            "the tables beside it hold every row (CSV, or Parquet when large), where the pages show the first 25.</p>\n"
            f"{reports}\n<h2>Run</h2>\n{facts}\n<h2>Corpus fingerprint</h2>\n"
            f"<p>combined sha256: <code>{escape(corpus['sha256'])}</code> "
            f"({len(corpus['files'])} files)</p>\n{files}\n<h2>Library versions</h2>\n{versions}")
    return _page(f"Reports: {corpus['name']}", body)


def reports_index_html(out_dir: Path) -> str:
    """The top ``reports/index.html``: every corpus folder under ``out_dir`` with a run.json."""
    rows = []
    for run_json in sorted(out_dir.glob("*/run.json")):
        try:
            run = json.loads(run_json.read_text(encoding="utf-8"))
            statuses = [nb["status"] for nb in run["notebooks"]]
            started = run["started_at"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("skipping unreadable %s: %s", run_json, exc)
            continue
        name = run_json.parent.name
        rows.append([f'<a href="{escape(quote(name))}/index.html">{escape(name)}</a>',
                     escape(started), str(statuses.count("ok")),
                     str(len(statuses) - statuses.count("ok"))])
    return _page("Corpus reports", _table(["corpus", "run at", "ok", "failed"], rows))


# --- the run --------------------------------------------------------------------------------

def _corpus_name(corpus: Path) -> str:
    """The folder's name, or a file corpus's stem."""
    return corpus.stem if corpus.is_file() else corpus.name


def report_folder_name(out_dir: Path, corpus: Path) -> str:
    """The corpus's name, with a short hash of its resolved path where another corpus already has that folder.

    Two corpora whose folders are both called ``data/`` never share ``reports/data/``:
    the second gets ``reports/data-<hash>/``, and keeps it on every later run.
    """
    name = _corpus_name(corpus)
    owner = _folder_corpus(out_dir / name)
    if owner is None or owner == str(corpus):
        return name
    return f"{name}-{hashlib.sha256(str(corpus).encode('utf-8')).hexdigest()[:8]}"


def _folder_corpus(report_dir: Path) -> str | None:
    """The corpus path a report folder's ``run.json`` records, or None for a new or unreadable folder."""
    try:
        return json.loads((report_dir / "run.json").read_text(encoding="utf-8"))["corpus"]["path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _now() -> str:
    """Local date-time with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _run_record(result: RunResult, *, corpus: Path, corpus_given: str, fingerprint: pd.DataFrame,
                metadata_path: Path | None, started_at: str, command: str, show_code: bool,
                kernel_name: str, jobs: int, metadata_given: str | None = None) -> dict[str, Any]:
    """The facts written to ``run.json`` and shown on the corpus index page."""
    metadata_record = ({"path": str(metadata_path), "given": metadata_given or str(metadata_path),
                        "sha256": file_sha256(metadata_path)} if metadata_path else None)
    return {
        "corpus": {"name": result.corpus_name, "path": str(corpus), "given": corpus_given,
                   "sha256": combined_sha256(fingerprint),
                   "files": fingerprint.to_dict(orient="records")},
        "metadata": metadata_record,
        "started_at": started_at, "finished_at": _now(), "command": command,
        "show_code": show_code, "kernel": kernel_name, "jobs": jobs,
        "libraries": library_versions(),
        "notebooks": [{"name": r.name, "status": r.status, "seconds": r.seconds, "error": r.error, "run_at": started_at,
                       "html": r.html_path.name if r.html_path else None, "question": notebook_question(r.notebook_path),
                       "tables": _table_files(result.report_dir, r.name),
                       "notebook": r.notebook_path.name, "parameters": r.parameters}
                      for r in result.results],
    }


def _table_files(report_dir: Path, name: str) -> list[str]:
    """The tables a report wrote beside it, relative to the corpus's report folder."""
    folder = report_dir / name
    return sorted(f"{name}/{p.name}" for p in folder.glob("*") if p.suffix in (".csv", ".parquet")) if folder.is_dir() else []


def _earlier_reports(report_dir: Path, *, done: set[str], corpus_sha: str) -> list[dict[str, Any]]:
    """Entries of an earlier run (``--only``) for reports not rerun now, if made from the same corpus files."""
    previous = report_dir / "run.json"
    if not previous.is_file():
        return []
    record = json.loads(previous.read_text(encoding="utf-8"))
    if record.get("corpus", {}).get("sha256") != corpus_sha:
        return []
    kept = []
    for nb in record.get("notebooks", []):
        if nb["name"] not in done and nb.get("html") and (report_dir / nb["html"]).is_file():
            kept.append({**nb, "run_at": nb.get("run_at") or record.get("started_at")})
    return kept


def run_reports(corpus_path: str | os.PathLike[str], *,
                metadata_path: str | os.PathLike[str] | None = None,
                out_dir: str | os.PathLike[str] = "reports",
                notebooks_dir: str | os.PathLike[str] | None = None,
                only: Sequence[str] | None = None,
                overrides: Mapping[str, Mapping[str, Any]] | None = None,
                show_code: bool = False, jobs: int | None = None, kernel_name: str = "python3",
                command: str | None = None, scheduler: str | None = None,
                scheduler_address: str | None = None, prepare_above_mb: float = PREPARE_ABOVE_MB,
                cache_dir: str | os.PathLike[str] | None = None, wait: bool = False) -> RunResult:
    """Execute every report notebook on a corpus, render HTML and write the index pages.

    Bad paths, notebook names or parameters raise :class:`ReportError` before anything runs;
    a notebook that fails is recorded as failed in the result and the index, never raised.
    ``overrides`` is what :func:`parse_overrides` returns; ``command`` is shown on the index
    (default: this process's command line). ``scheduler`` / ``scheduler_address`` go to every
    notebook (where cleaning and segmentation run; a Dask scheduler's address). A corpus above
    ``prepare_above_mb`` MB, or one sent to a scheduler, is loaded and segmented once here, with
    progress bars, before the notebooks run; they then read the cached results.
    """
    started_at = _now()
    corpus = Path(corpus_path).resolve()
    if not corpus.exists():
        raise ReportError(f"corpus not found: {corpus}")
    metadata_file = Path(metadata_path).resolve() if metadata_path is not None else None
    if metadata_file is not None and not metadata_file.is_file():
        raise ReportError(f"metadata file not found: {metadata_file}")
    notebooks = find_notebooks(Path(notebooks_dir or default_notebooks_dir()).resolve(), only)
    if scheduler is not None or scheduler_address is not None:
        try:
            check_scheduler(scheduler or "dask", scheduler_address)
        except ValueError as exc:
            raise ReportError(str(exc)) from None
        chosen = {"scheduler": scheduler or "dask", "scheduler_address": scheduler_address}
        overrides = {**(overrides or {}), ALL_NOTEBOOKS: {**(overrides or {}).get(ALL_NOTEBOOKS, {}), **chosen}}
    workers = jobs if jobs is not None else min(len(notebooks), os.cpu_count() or 1)
    if workers < 1:
        raise ReportError(f"--jobs must be at least 1, got {workers}")
    name = report_folder_name(Path(out_dir).resolve(), corpus)
    report_dir = Path(out_dir).resolve() / name
    parameters = notebook_parameters(notebooks, overrides or {}, corpus_path=corpus,
                                     metadata_path=metadata_file, report_dir=report_dir,
                                     cache_dir=Path(cache_dir) if cache_dir is not None else None)
    check_codebooks(parameters)

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # An OS lock (flock; gone with the process, however it ends): one run at a time writes this folder.
    lock = FileLock(out / f".{name}.lock", timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise ReportError(f"another run is writing {report_dir} (it holds {lock.lock_file}); "
                          "let it finish, or pass --wait to wait for it") from None
    try:
        given = (str(corpus_path), str(metadata_path) if metadata_path is not None else None)
        return _locked_run(corpus, notebooks, parameters, report_dir, name, given=given, metadata_file=metadata_file, scheduler=scheduler,
                           scheduler_address=scheduler_address, prepare_above_mb=prepare_above_mb, workers=workers,
                           kernel_name=kernel_name, show_code=show_code, started_at=started_at, command=command)
    finally:
        lock.release()


def _locked_run(corpus: Path, notebooks: list[Path], parameters: Mapping[str, dict[str, Any]], report_dir: Path, name: str,
                *, given: tuple[str, str | None], metadata_file: Path | None, scheduler: str | None, scheduler_address: str | None,
                prepare_above_mb: float, workers: int, kernel_name: str, show_code: bool, started_at: str,
                command: str | None) -> RunResult:  # fmt: skip
    """The run itself, under the folder's lock: load once, run the notebooks, publish what finished."""
    fingerprint = corpus_fingerprint(corpus)
    _prepare(corpus, metadata_file, parameters,
             progress=scheduler is not None or scheduler_address is not None or _megabytes(fingerprint) > prepare_above_mb)
    report_dir.mkdir(parents=True, exist_ok=True)
    logger.info("running %d notebook(s) on %s with %d job(s) -> %s",
                len(notebooks), corpus, workers, report_dir)
    running = {path.stem for path in notebooks}
    nav = tuple(sorted({(p.stem, p.name) for p in report_dir.glob("[0-9][0-9]_*.html") if not p.name.startswith(".")}
                       | {(stem, f"{stem}.html") for stem in running}))
    tasks = [_Job(path, report_dir / f"{path.stem}.ipynb", report_dir / f"{path.stem}.html",
                  parameters[path.stem], kernel_name, show_code, corpus_label=name, nav=nav) for path in notebooks]
    results, interrupted = _run_jobs(tasks, workers)
    result = RunResult(name, report_dir, results)
    _publish(result, interrupted, corpus=corpus, given=given, fingerprint=fingerprint, metadata_file=metadata_file, started_at=started_at,
             show_code=show_code, kernel_name=kernel_name, command=command, workers=workers)
    if interrupted:
        raise RunInterrupted(result)
    return result


def _publish(result: RunResult, interrupted: bool, *, corpus: Path, given: tuple[str, str | None], fingerprint: pd.DataFrame, metadata_file: Path | None,
             started_at: str, show_code: bool, kernel_name: str, command: str | None, workers: int) -> None:
    """Write ``run.json`` and the index pages: the reports of this run, earlier complete ones, and what is missing.

    A notebook this run did not finish keeps the earlier run's report where one of the same
    corpus files is there (complete: pages are replaced only when whole), else it is listed as
    interrupted, with no link.
    """
    report_dir = result.report_dir
    finished = RunResult(result.corpus_name, report_dir, [r for r in result.results if r.status != "interrupted"])
    run = _run_record(finished, corpus=corpus, corpus_given=given[0], metadata_given=given[1], fingerprint=fingerprint,
                      metadata_path=metadata_file,
                      started_at=started_at, show_code=show_code, kernel_name=kernel_name,
                      command=command or shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                      jobs=workers)
    run["interrupted"] = interrupted
    run["notebooks"] += _earlier_reports(report_dir, done={r.name for r in finished.results}, corpus_sha=run["corpus"]["sha256"])
    kept = {nb["name"] for nb in run["notebooks"]}
    run["notebooks"] += [{"name": r.name, "status": "interrupted", "seconds": r.seconds, "error": r.error, "html": None,
                          "parameters": r.parameters}
                         for r in result.results if r.status == "interrupted" and r.name not in kept]  # fmt: skip
    run["notebooks"].sort(key=lambda nb: nb["name"])
    run_json = json.dumps(run, ensure_ascii=False, indent=2, default=str)
    write_text(report_dir / "run.json", run_json)
    write_text(report_dir / "index.html", corpus_index_html(run))
    write_text(report_dir.parent / "index.html", reports_index_html(report_dir.parent))


def _megabytes(fingerprint: pd.DataFrame) -> float:
    return float(fingerprint["bytes"].sum()) / 1e6 if "bytes" in fingerprint else 0.0


def _prepare(corpus: Path, metadata: Path | None, parameters: Mapping[str, Mapping[str, Any]], *, progress: bool) -> None:
    """Load, clean and segment the corpus once, in this process and its workers, before any notebook runs.

    The notebooks call :func:`~corpus.report.context.open_report` with the same settings (the
    notebook parameters named like its arguments) and find the results in the cache instead
    of computing them each, several at a time. A corpus with nothing to analyse (no file, or
    no file that could be read) stops the run here with one :class:`ReportError`.
    """
    distinct: dict[str, dict[str, Any]] = {}
    for given in parameters.values():
        chosen = {k: given[k] for k in (*_LOAD_SETTINGS, "cache_dir") if k in given}
        distinct.setdefault(json.dumps(chosen, sort_keys=True, default=str), chosen)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for chosen in distinct.values():
                logger.info("preparing %s once for all notebooks (%s)", corpus,
                            ", ".join(f"{k}={v}" for k, v in sorted(chosen.items()) if k != "cache_dir") or "default settings")
                loaded = open_report(corpus, metadata, output_dir=scratch, progress=progress, **chosen).corpus
                if not len(loaded):
                    found = loaded.problems
                    listing = "; ".join(f"{r.path}: {r.problem}" for r in found.head(10).itertuples())
                    raise ReportError(f"{corpus}: no document could be loaded ({len(found)} file(s) refused: {listing}"
                                      + (" …" if len(found) > 10 else "") + ")")
                if not len(loaded.tokens()):
                    raise ReportError(f"{corpus}: {len(loaded)} document(s) loaded, but none has a word left to analyse "
                                      "after cleaning and the token filters (corpus.audit(corpus.load_corpus(...)) "
                                      "lists what cleaning removed)")
        logger.info("prepared in %.1f s", time.perf_counter() - started)
    except ReportError:
        raise
    except CorpusError as exc:
        raise ReportError(f"the corpus cannot be loaded: {exc}") from None
    except Exception as exc:  # the notebooks run anyway and each reports the problem in its place
        logger.warning("preparing the corpus failed (%s); the notebooks load it themselves", _one_line(exc))


# --- command line ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The ``corpus-reports`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="corpus-reports",
        description="Run the NN_name.ipynb report notebooks on a corpus and render offline "
                    "HTML reports.")
    parser.add_argument("corpus", nargs="?", default="seeds", metavar="CORPUS_DIR",
                        help="corpus folder (or file); default: seeds")
    parser.add_argument("--metadata", metavar="PATH",
                        help="metadata file (default: the notebooks' own)")
    parser.add_argument("--out", default="reports", help="reports folder (default: reports)")
    parser.add_argument("--notebooks",
                        help="notebooks folder (default: ./notebooks, else the repo's)")
    parser.add_argument("--only", nargs="+", action="extend", metavar="NAME",
                        help="run only these notebooks (e.g. 01_tfidf)")
    parser.add_argument("-p", "--param", action="append", default=[],
                        metavar="[NOTEBOOK:]KEY=VALUE",
                        help="parameter override; VALUE is a Python literal or else a string")
    parser.add_argument("--show-code", action="store_true", help="show code cells in the reports")
    parser.add_argument("--jobs", type=int, help="notebooks run in parallel (default: one per CPU)")
    parser.add_argument("--kernel", default="python3",
                        help="Jupyter kernel name (default: python3)")
    parser.add_argument("--scheduler", choices=SCHEDULERS,
                        help="where cleaning and segmentation run (default: chosen by corpus size)")
    parser.add_argument("--wait", action="store_true",
                        help="wait for another run writing the same report folder instead of refusing")
    parser.add_argument("--address", metavar="URL",
                        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --scheduler dask)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``corpus-reports`` command: exit 0 if all reports succeed, 1 on failures, 2 on misuse."""
    args = build_parser().parse_args(argv)
    _configure_logging(logging.INFO)
    command = shlex.join(["corpus-reports", *(sys.argv[1:] if argv is None else argv)])
    try:
        result = run_reports(args.corpus, metadata_path=args.metadata, out_dir=args.out,
                             notebooks_dir=args.notebooks, only=args.only,
                             overrides=parse_overrides(args.param), show_code=args.show_code,
                             jobs=args.jobs, kernel_name=args.kernel, command=command,
                             scheduler=args.scheduler, scheduler_address=args.address, wait=args.wait)
    except RunInterrupted as exc:
        print(f"{exc}\nindex: {exc.result.report_dir / 'index.html'}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before any notebook started (loading the corpus)
        print("interrupted before any report ran; nothing was written", file=sys.stderr)
        return 130
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for failure in result.failures:
        print(f"FAILED {failure.name}: {failure.error}", file=sys.stderr)
    print(f"index: {result.report_dir / 'index.html'}", file=sys.stderr)
    return 1 if result.failures else 0


if __name__ == "__main__":  # python -m corpus.report.runner, the module behind corpus-reports, runs it too
    sys.exit(main())
