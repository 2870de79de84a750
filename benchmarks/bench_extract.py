"""Throughput of text extraction (web pages, PDF, Word): prints files/s and MB/s per format, without the cache.

Usage: python benchmarks/bench_extract.py [--files 40] [--cpc ../shared/corpora/cpc]

Files are generated from real paragraphs (the CPC reports where that folder exists, else the
seeds), with a fixed seed: web pages in a portal layout (navigation, scripts, footer around
the article), PDFs of several pages with an embedded CJK font (matplotlib), and Word files
(python-docx). Each format is read by :func:`corpus.io.read_paths` with no extraction cache;
plain-text files of the same texts are read alongside as the reference. Each format is read
with one process and with every core (``workers``: text files never take a pool). The figures are from
one run; rerun for noise. Extraction is timed apart from the plain-text loading target.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from corpus import io  # noqa: E402
from corpus.schedule import default_workers  # noqa: E402
from test_extract import write_docx, write_pdf  # noqa: E402


def source_paragraphs(cpc: Path) -> list[str]:
    folder = cpc if cpc.is_dir() else ROOT / "seeds"
    return [p.strip() for path in sorted(folder.glob("*.txt")) for p in path.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 30]


def page(title: str, paras: list[str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    nav = "".join(f"<li><a href='/c{i}/'>栏目{i}</a></li>" for i in range(12))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}_政务公开_某市政府网</title>"
            "<script>var a=1;function f(){return a}</script><style>p{margin:0}</style></head><body>"
            f"<ul class='nav'>{nav}</ul><div class='crumb'>当前位置：首页 &gt; 政务公开</div>"
            f"<div class='article'><h1>{html.escape(title)}</h1><div class='info'>发布时间：2022-10-16</div>{body}</div>"
            "<div class='footer'>版权所有 某市人民政府 网站标识码 0000000000</div></body></html>")  # fmt: skip


def build(folder: Path, n: int, paras: list[str]) -> dict[str, list[Path]]:
    rng = random.Random(0)
    made: dict[str, list[Path]] = {"txt": [], "html": [], "pdf": [], "docx": []}
    for i in range(n):
        chosen = rng.sample(paras, 12)
        title = f"第{i}号文件"
        (folder / f"t{i:04d}.txt").write_text("\n".join([title, *chosen]), encoding="utf-8")
        made["txt"].append(folder / f"t{i:04d}.txt")
        (folder / f"h{i:04d}.html").write_text(page(title, chosen), encoding="utf-8")
        made["html"].append(folder / f"h{i:04d}.html")
        lines = [title] + [p[j : j + 38] for p in chosen for j in range(0, len(p), 38)]
        pages = [lines[k : k + 40] for k in range(0, len(lines), 40)]
        made["pdf"].append(write_pdf(folder / f"p{i:04d}.pdf", pages))
        made["docx"].append(write_docx(folder / f"d{i:04d}.docx", [title, *chosen]))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40, help="files of each format")
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    paras = source_paragraphs(args.cpc)
    with tempfile.TemporaryDirectory() as tmp:
        made = build(Path(tmp), args.files, paras)
        print(f"{args.files} files of each format, from {len(paras)} paragraphs; no extraction cache")
        print(f"{'format':<6} {'workers':>7} {'files/s':>9} {'file MB/s':>10} {'text MB/s':>10} {'pages':>6} {'seconds':>8}")
        for kind, paths in made.items():
            for workers in sorted({1, default_workers()}):
                started = time.perf_counter()
                found = io.read_paths(paths, cache_dir=None, workers=workers)
                seconds = time.perf_counter() - started
                assert found.problems.empty, found.problems
                file_mb = sum(p.stat().st_size for p in paths) / 1e6
                text_mb = sum(len(t.encode("utf-8")) for t in found.docs["raw"]) / 1e6
                pages = int(found.metadata["pages"].astype(int).sum()) if kind == "pdf" else len(paths)
                print(f"{kind:<6} {workers:7d} {len(paths) / seconds:9.1f} {file_mb / seconds:10.2f} {text_mb / seconds:10.2f} "
                      f"{pages:6d} {seconds:8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
