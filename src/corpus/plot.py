"""Chinese-capable matplotlib styling using the Noto Sans CJK SC font shipped by ``mplfonts``.

Nothing happens at import time: the font is registered with matplotlib on first use and
rcParams are only changed inside :func:`cjk_style`. Draw *and* show/save figures inside
the context, because the generic ``sans-serif`` family is resolved when a figure is drawn.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from fontTools.ttLib import TTFont
from matplotlib import font_manager

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)
CJK_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@functools.cache
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC font inside the installed ``mplfonts`` package.

    Found through the import spec, so ``mplfonts`` itself is never imported or initialised.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the mplfonts package is not installed; it ships the CJK font")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / _FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{_FONT_FILE} not found in the mplfonts package at {path.parent}")
    return path


@functools.cache
def _register_font() -> Path:
    """Add the CJK font to matplotlib's font manager once per process; return its path."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return path


def cjk_font_family() -> str:
    """Register the CJK font (once) and return its matplotlib family name."""
    _register_font()
    return CJK_FAMILY


def cjk_rc() -> dict[str, object]:
    """rcParams for Chinese text: Noto Sans CJK SC first, DejaVu Sans as glyph fallback.

    ``axes.unicode_minus`` is off because the CJK font lacks U+2212, and ``text.parse_math``
    is off so that ``$`` in document text is drawn literally rather than read as mathtext.
    """
    return {
        "font.family": ["sans-serif"],
        "font.sans-serif": [cjk_font_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "text.parse_math": False,
    }


@contextmanager
def cjk_style() -> Iterator[None]:
    """Apply :func:`cjk_rc` within a ``plt.rc_context``; global rcParams are restored on exit."""
    with plt.rc_context(cjk_rc()):
        yield


@functools.cache
def _cjk_codepoints() -> frozenset[int]:
    """Code points covered by the CJK font's cmap, read once with fontTools."""
    with TTFont(str(cjk_font_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def _fallback_codepoints() -> frozenset[int]:
    """Code points of DejaVu Sans, matplotlib's own font and the fallback after the CJK font."""
    path = font_manager.findfont("DejaVu Sans", fallback_to_default=True)
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def drawable(text: str, *, where: str = "") -> str:
    """``text`` with characters neither font can draw replaced by 〓, each named in a warning.

    Matplotlib falls back from Noto Sans CJK SC to DejaVu Sans glyph by glyph; a character
    in neither would be an empty box, so it is replaced and reported with ``where`` (the document).
    """
    lacking = {ch for ch in missing_glyphs(text) if ord(ch) not in _fallback_codepoints()}
    if not lacking:
        return text
    log.warning("no font has %s (in %s): drawn as 〓", "".join(sorted(lacking)), where or repr(text[:30]))
    return "".join("〓" if ch in lacking else ch for ch in text)


def missing_glyphs(text: str) -> set[str]:
    """Printable characters of ``text`` that the CJK font has no glyph for.

    Lets a caller warn, naming the document, before a figure shows empty boxes.

    >>> missing_glyphs("中文 text, 2024年")
    set()
    """
    covered = _cjk_codepoints()
    return {ch for ch in set(text) if ch.isprintable() and ord(ch) not in covered}


def use_cjk_font() -> None:
    """Make the CJK style the session default: for notebooks, whose figures are drawn after the cell.

    Call it once, explicitly, at the top of a notebook; the library itself never calls it.
    """
    plt.rcParams.update(cjk_rc())


def doc_length_figure(lengths: pd.DataFrame, *, title: str = "文档长度（字符数）") -> Figure:
    """Horizontal bars of raw and cleaned length per document, labelled by the ``label`` column."""
    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(lengths) + 1.2))
        y = np.arange(len(lengths))
        ax.barh(y - 0.2, lengths["raw_chars"], height=0.4, label="原始 raw", color="#bbbbbb")
        ax.barh(y + 0.2, lengths["text_chars"], height=0.4, label="清洗后 text", color="#3b6ea5")
        ax.set_yticks(y, [drawable(str(v)) for v in lengths["label"]])
        ax.invert_yaxis()
        ax.set_xlabel("字符数 characters")
        ax.set_ylabel("文档 document")
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
        fig.tight_layout()
    return fig


def top_terms_figure(top: pd.DataFrame, labels: dict[str, str], *, title: str, ncols: int = 3) -> Figure:
    """Small multiples: one horizontal bar chart of top terms (``term``, ``weight``) per document."""
    docs = list(dict.fromkeys(top["doc_id"]))
    nrows = int(np.ceil(len(docs) / ncols)) or 1
    n_terms = int(top.groupby("doc_id").size().max()) if len(top) else 1
    with cjk_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.28 * n_terms * nrows + 1.2 * nrows), squeeze=False)
        for ax, doc_id in zip(axes.flat, docs):
            part = top[top["doc_id"] == doc_id]
            label = drawable(labels.get(doc_id, doc_id), where=doc_id)
            ax.barh(range(len(part)), part["weight"], color="#3b6ea5")
            ax.set_yticks(range(len(part)), [drawable(t, where=doc_id) for t in part["term"]])
            ax.invert_yaxis()
            ax.set_title(label)
            ax.set_xlabel("TF-IDF 权重 weight")
        for ax in list(axes.flat)[len(docs):]:
            ax.axis("off")
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def bar_figure(frame: pd.DataFrame, x: str, y: str, *, title: str, xlabel: str, ylabel: str, color: str = "#3b6ea5") -> Figure:
    """A horizontal bar chart of ``x`` per ``y`` label, first row at the top."""
    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.3 * len(frame) + 1.3))
        ax.barh(range(len(frame)), frame[x], color=color)
        ax.set_yticks(range(len(frame)), [drawable(str(v)) for v in frame[y]])
        ax.invert_yaxis()
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        fig.tight_layout()
    return fig


def heatmap_figure(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, fmt: str = "{:.2f}", cmap: str = "Blues") -> Figure:
    """A labelled heatmap of a small table (documents × documents or × clusters), values written in."""
    values = matrix.to_numpy(dtype=float)
    with cjk_style():
        fig, ax = plt.subplots(figsize=(1.0 + 0.75 * matrix.shape[1], 1.0 + 0.55 * matrix.shape[0]))
        im = ax.imshow(values, cmap=cmap, aspect="auto")
        ax.set_xticks(range(matrix.shape[1]), [drawable(str(c)) for c in matrix.columns], rotation=45, ha="right")
        ax.set_yticks(range(matrix.shape[0]), [drawable(str(i)) for i in matrix.index])
        threshold = np.nanmax(values) * 0.6 if values.size else 0
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8, color="white" if v > threshold else "black")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        fig.colorbar(im, ax=ax, shrink=0.8)
        fig.tight_layout()
    return fig


def k_selection_figure(scores: pd.DataFrame, chosen: int, *, title: str = "k 的选择：轮廓系数 Silhouette by k") -> Figure:
    """Silhouette score by number of clusters, the chosen k marked."""
    with cjk_style():
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.plot(scores["k"], scores["silhouette"], marker="o", color="#3b6ea5")
        ax.axvline(chosen, color="#c0392b", linestyle="--", label=f"k = {chosen}")
        ax.set_title(title)
        ax.set_xlabel("簇数 k (number of clusters)")
        ax.set_ylabel("轮廓系数 silhouette (cosine)")
        ax.legend()
        fig.tight_layout()
    return fig


def cluster_map_figure(coords: pd.DataFrame, labels: dict[str, str], *, title: str = "段落二维图 Map of paragraphs") -> Figure:
    """Units on two LSA axes, coloured by cluster and shaped by document."""
    markers = "osD^v<>Pp*hX"
    docs = list(dict.fromkeys(coords["doc_id"]))
    with cjk_style():
        fig, ax = plt.subplots(figsize=(9, 5.5))
        cmap = plt.get_cmap("tab10")
        for d_i, doc_id in enumerate(docs):
            part = coords[coords["doc_id"] == doc_id]
            ax.scatter(part["x"], part["y"], c=[cmap(c % 10) for c in part["cluster"]], marker=markers[d_i % len(markers)],
                       s=28, alpha=0.8, edgecolors="none", label=drawable(labels.get(doc_id, doc_id), where=doc_id))  # fmt: skip
        doc_legend = ax.legend(title="文档", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        for handle in doc_legend.legend_handles:
            handle.set_color("#555555")
        ax.add_artist(doc_legend)
        clusters = sorted(coords["cluster"].unique())
        handles = [plt.Line2D([], [], marker="s", linestyle="", color=cmap(c % 10)) for c in clusters]
        ax.legend(handles, [f"簇 {c}" for c in clusters], title="簇", loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8)
        ax.set_title(title)
        ax.set_xlabel("LSA 维度 1 (dimension 1)")
        ax.set_ylabel("LSA 维度 2 (dimension 2)")
        fig.tight_layout(rect=(0, 0, 0.8, 1))  # room on the right for the two legends
    return fig


def dendrogram_figure(link: np.ndarray, labels: list[str], *, title: str = "文档聚类树 Dendrogram of documents") -> Figure:
    """A dendrogram of documents from a scipy linkage (distance = 1 − cosine similarity)."""
    from scipy.cluster.hierarchy import dendrogram

    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(labels) + 1.5))
        dendrogram(link, labels=[drawable(lab) for lab in labels], orientation="left", ax=ax, color_threshold=0)
        ax.set_title(title)
        ax.set_xlabel("距离 distance (1 − cosine)")
        ax.set_ylabel("文档 document")
        fig.tight_layout()
    return fig


def keyness_figure(table: pd.DataFrame, *, stat: str, target: str, reference: str, n: int = 15) -> Figure:
    """The ``n`` most distinctive terms of each side of a keyness table, as diverging bars."""
    top = table.head(n)
    bottom = table.tail(n).iloc[::-1]
    both = pd.concat([top, bottom[~bottom["term"].isin(top["term"])]])
    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.28 * len(both) + 1.4))
        colors = ["#c0392b" if v > 0 else "#3b6ea5" for v in both[stat]]
        ax.barh(range(len(both)), both[stat], color=colors)
        ax.set_yticks(range(len(both)), [drawable(t) for t in both["term"]])
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(f"关键性 Keyness: {drawable(target)}（红）vs {drawable(reference)}（蓝）")
        ax.set_xlabel(f"{stat}（> 0: {drawable(target)}；< 0: {drawable(reference)}）")
        ax.set_ylabel("词 term")
        fig.tight_layout()
    return fig
