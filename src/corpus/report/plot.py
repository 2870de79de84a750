"""Chinese-capable matplotlib styling using the Noto Sans CJK SC font shipped by ``mplfonts``.

Nothing happens at import time: the font is registered with matplotlib on first use and
rcParams are only changed inside :func:`cjk_style`. Draw *and* show/save figures inside
the context, because the generic ``sans-serif`` family is resolved when a figure is drawn.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

from ..cluster import SILHOUETTE_BANDS
from ..keyterms import PRIOR

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


def doc_length_figure(lengths: pd.DataFrame, *, title: str = "文档长度（字符数）", max_bars: int = 40) -> Figure:
    """Raw and cleaned length per document: one pair of bars each up to ``max_bars`` documents, else histograms.

    Above ``max_bars`` a bar per document would be unreadable, so the figure shows how the
    lengths and the share cleaning removed are distributed over all documents instead.
    """
    if len(lengths) > max_bars:
        return _length_histograms(lengths, title=f"{title}\n{len(lengths):,} documents, more than {max_bars}: distributions, not a bar each")
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


def _length_histograms(lengths: pd.DataFrame, *, title: str) -> Figure:
    """Histograms of raw and cleaned lengths (log-spaced bins) and of the share removed, over all documents."""
    raw, text = lengths["raw_chars"].to_numpy(dtype=float), lengths["text_chars"].to_numpy(dtype=float)
    share = lengths["removed_share"].to_numpy(dtype=float)
    positive = np.concatenate([raw[raw > 0], text[text > 0]])
    lo, hi = (positive.min(), positive.max()) if positive.size else (1.0, 10.0)
    bins = np.geomspace(lo, max(hi, lo * 1.01), 40)
    with cjk_style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        left.hist(raw[raw > 0], bins=bins, color="#bbbbbb", label="原始 raw")
        left.hist(text[text > 0], bins=bins, color="#3b6ea5", alpha=0.7, label="清洗后 text")
        left.set_xscale("log")
        # Plain numbers: the default log labels are mathtext, which cjk_rc turns off (text.parse_math).
        left.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        left.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        left.xaxis.set_minor_formatter(NullFormatter())
        left.set_xlabel("字符数 characters (log scale)")
        left.set_ylabel("文档数 documents")
        left.set_title("长度分布 Length")
        left.legend(frameon=False)
        right.hist(share[np.isfinite(share)], bins=40, color="#3b6ea5")
        right.set_xlabel("清洗删除的比例 share removed by cleaning")
        right.set_ylabel("文档数 documents")
        right.set_title("删除比例 Share removed")
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def top_terms_figure(
    top: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    *,
    title: str,
    ncols: int = 3,
    by: str = "doc_id",
    max_panels: int = 12,
) -> Figure:
    """Small multiples: one horizontal bar chart of top terms (``term``, ``weight``) per value of ``by``.

    Panels follow the first appearance of each ``by`` value (a document, or a group), titled by
    ``labels`` (default: the value); beyond ``max_panels`` the rest are left out and the title says so.
    """
    labels = labels or {}
    units = list(dict.fromkeys(top[by]))
    shown = units[:max_panels]
    if len(units) > len(shown):
        title = f"{title}\n{len(shown)} of {len(units):,} shown"
    nrows = int(np.ceil(len(shown) / ncols)) or 1
    n_terms = int(top.groupby(by).size().max()) if len(top) else 1
    with cjk_style():
        # One weight axis for every panel, so bars compare across documents; constrained layout keeps
        # the figure title clear of the panel titles.
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.28 * n_terms * nrows + 1.2 * nrows + 0.4), squeeze=False,
                                 sharex=True, layout="constrained")
        for i, (ax, unit) in enumerate(zip(axes.flat, shown)):
            part = top[top[by] == unit]
            where = str(unit)
            ax.barh(range(len(part)), part["weight"], color="#3b6ea5")
            ax.set_yticks(range(len(part)), [drawable(t, where=where) for t in part["term"]])
            ax.invert_yaxis()
            ax.set_title(drawable(str(labels.get(unit, unit)), where=where))
            if i + ncols >= len(shown):  # the lowest panel of its column carries the shared axis's labels
                ax.xaxis.set_tick_params(labelbottom=True)
                ax.set_xlabel("TF-IDF 权重 weight")
        for ax in list(axes.flat)[len(shown):]:
            ax.axis("off")
        fig.suptitle(title)
    return fig


def bar_figure(frame: pd.DataFrame, x: str, y: str, *, title: str, xlabel: str, ylabel: str, color: str = "#3b6ea5",
               max_bars: int = 60) -> Figure:  # fmt: skip
    """A horizontal bar chart of ``x`` per ``y`` label, first row at the top; the first ``max_bars`` rows only."""
    if len(frame) > max_bars:
        title = f"{title}\n(first {max_bars} of {len(frame):,} shown)"
        frame = frame.head(max_bars)
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


def heatmap_figure(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, fmt: str = "{:.2f}", cmap: str = "Blues",
                   max_labels: int = 40, vmin: float | None = None, vmax: float | None = None,
                   colorbar_label: str | None = None) -> Figure:  # fmt: skip
    """A labelled heatmap of a table (documents × documents or × clusters), values written in while it is small.

    The figure grows with the table up to ``max_labels`` rows or columns; beyond that it keeps
    its size, labels every k-th row or column only and leaves the values out, so nothing overlaps.
    ``vmin``/``vmax`` fix the colour scale (e.g. 0 and 1 for shares, so colours compare across
    figures); by default it spans the values. Missing values (NaN) are left blank.
    """
    values = matrix.to_numpy(dtype=float)
    n_rows, n_cols = matrix.shape
    crowded = max(n_rows, n_cols) > max_labels
    with cjk_style():
        # At least wide enough for a two-line title over a table of two or three columns.
        fig, ax = plt.subplots(figsize=(max(4.5, 1.0 + 0.75 * min(n_cols, max_labels)), max(2.5, 1.0 + 0.55 * min(n_rows, max_labels))))
        im = ax.imshow(values, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
        cols, rows = _thinned(n_cols, max_labels), _thinned(n_rows, max_labels)
        ax.set_xticks(cols, [drawable(str(matrix.columns[j])) for j in cols], rotation=45, ha="right")
        ax.set_yticks(rows, [drawable(str(matrix.index[i])) for i in rows])
        if not crowded:
            for (i, j), v in np.ndenumerate(values):  # white on the darker cells, whatever the range of the values
                if np.isfinite(v):
                    ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8, color="white" if im.norm(v) > 0.6 else "black")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        bar = fig.colorbar(im, ax=ax, shrink=0.8)
        if colorbar_label:
            bar.set_label(colorbar_label)
        fig.tight_layout()
    return fig


def _thinned(n: int, most: int) -> list[int]:
    """Positions of at most ``most`` evenly spaced labels out of ``n`` (every one when they fit).

    >>> _thinned(5, 40), _thinned(100, 40)[:3], len(_thinned(100, 40))
    ([0, 1, 2, 3, 4], [0, 3, 6], 34)
    """
    return list(range(0, n, max(1, int(np.ceil(n / max(most, 1))))))


def k_selection_figure(scores: pd.DataFrame, chosen: int, *, title: str = "k 的选择：轮廓系数 Silhouette by k") -> Figure:
    """Silhouette score by number of clusters, the chosen k marked, against Kaufman & Rousseeuw's bands.

    The y axis always reaches 0.25, the silhouette at or below which there is no substantial
    structure (:data:`corpus.cluster.SILHOUETTE_BANDS`), and that line is drawn: a curve that
    peaks far below it is read as such, not as a clear optimum.
    """
    bound = SILHOUETTE_BANDS[0][0]
    with cjk_style():
        fig, ax = plt.subplots(figsize=(6.5, 3.4))
        ax.axhspan(min(0.0, float(np.nanmin(scores["silhouette"])) if scores["silhouette"].notna().any() else 0.0), bound,
                   color="#eeeeee", zorder=0)  # fmt: skip
        ax.axhline(bound, color="#888888", linewidth=0.8, linestyle=":",
                   label=f"≤ {bound:.2f}：无实质结构 no substantial structure\n(Kaufman & Rousseeuw 1990)")  # fmt: skip
        ax.plot(scores["k"], scores["silhouette"], marker="o", color="#3b6ea5", label="轮廓系数 silhouette")
        ax.axvline(chosen, color="#c0392b", linestyle="--", label=f"选定 chosen k = {chosen}")
        top = float(np.nanmax(scores["silhouette"])) if scores["silhouette"].notna().any() else 0.0
        ax.set_ylim(top=max(bound, top) * 1.15 if max(bound, top) > 0 else 1.0)
        ax.set_xticks(list(scores["k"]))
        ax.set_title(title)
        ax.set_xlabel("簇数 k (number of clusters)")
        ax.set_ylabel("轮廓系数 silhouette (cosine)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        fig.tight_layout()
    return fig


OTHER_DOCUMENTS = "其他 others"
#: Most colours the cluster map gives documents by name (tab10); the rest are grey dots.
MAP_COLOURS = 10
MapColour = Literal["cluster", "document"]


def cluster_map_figure(coords: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None, *,
                       colour_by: MapColour = "cluster", title: str = "段落二维图 Map of paragraphs",
                       max_colours: int = MAP_COLOURS) -> Figure:  # fmt: skip
    """Units on two LSA axes, one marker shape, coloured by one variable with its legend outside the axes.

    ``colour_by="cluster"``: a colour per cluster. ``colour_by="document"``: a colour per name
    ``labels`` gives a unit's document (documents sharing a name share it); the ``max_colours``
    names with the most units are coloured and every other unit is a small grey dot,
    "其他 others" in the legend, so the legend stays readable however many documents there are.
    """
    if colour_by not in ("cluster", "document"):
        raise ValueError(f"`colour_by` must be one of 'cluster', 'document'; got {colour_by!r}")
    lookup = labels.to_dict() if isinstance(labels, pd.Series) else dict(labels or {})
    if colour_by == "cluster":
        groups = coords["cluster"].astype(int)
        kept = sorted(groups.unique())
        names = {c: f"簇 {c}" for c in kept}
        legend_title = "簇 cluster"
    else:
        named = coords["doc_id"].map(lambda d: _present(lookup.get(d)))
        counts = named.value_counts(sort=False)
        first = {name: i for i, name in enumerate(dict.fromkeys(named.dropna()))}
        kept = sorted(counts.index, key=lambda name: (-counts[name], first[name]))[: min(max_colours, MAP_COLOURS)]
        kept = sorted(kept, key=first.get)
        groups = named.where(named.isin(kept), OTHER_DOCUMENTS)
        names = {name: drawable(str(name), where=str(name)) for name in kept}
        legend_title = "文档 document"
    cmap = plt.get_cmap("tab10" if len(kept) <= 10 else "tab20")
    n_other = int((groups == OTHER_DOCUMENTS).sum()) if colour_by == "document" else 0
    with cjk_style():
        fig, ax = plt.subplots(figsize=(9, 5.5))
        size, alpha = _point_style(len(coords))
        if n_other:
            part = coords[(groups == OTHER_DOCUMENTS).to_numpy()]
            ax.scatter(part["x"], part["y"], color="#bbbbbb", marker=".", s=size * 0.6, alpha=alpha * 0.6, edgecolors="none",
                       label=f"{OTHER_DOCUMENTS} ({n_other:,})")  # fmt: skip
        for i, key in enumerate(kept):
            part = coords[(groups == key).to_numpy()]
            ax.scatter(part["x"], part["y"], color=cmap(i % cmap.N), marker="o", s=size, alpha=alpha, edgecolors="none",
                       label=f"{names[key]} ({len(part):,})")  # fmt: skip
        legend = ax.legend(title=legend_title, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        for handle in legend.legend_handles:
            handle.set_sizes([28])
            handle.set_alpha(1.0)
        if len(kept) > cmap.N:
            ax.text(1.01, 0.0, f"{len(kept)} groups, {cmap.N} colours: colours repeat", transform=ax.transAxes, fontsize=7, va="bottom")
        ax.set_title(title)
        ax.set_xlabel("LSA 维度 1 (dimension 1)")
        ax.set_ylabel("LSA 维度 2 (dimension 2)")
        fig.tight_layout()  # the legend counts in the layout, so the axes leave it room on the right
    return fig


def _point_style(n: int) -> tuple[float, float]:
    """Marker area and opacity for ``n`` points: smaller and lighter as they crowd."""
    return (28.0, 0.8) if n <= 1000 else (max(4.0, 28.0 * np.sqrt(1000 / n)), 0.6)


def _present(value: object) -> object:
    """``value``, or None where it is missing (None or NaN)."""
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def dendrogram_figure(link: np.ndarray, labels: list[str], *, title: str = "文档聚类树 Dendrogram of documents",
                      max_leaves: int = 40) -> Figure:  # fmt: skip
    """A dendrogram of documents from a scipy linkage (distance = 1 − cosine similarity).

    Beyond ``max_leaves`` documents only the last ``max_leaves`` merges are drawn, each leaf
    labelled with the number of documents under it, so the labels never overlap.
    """
    from scipy.cluster.hierarchy import dendrogram

    truncate = len(labels) > max_leaves
    leaves = min(len(labels), max_leaves)
    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.4 * leaves + 1.5))
        dendrogram(link, labels=[drawable(lab) for lab in labels], orientation="left", ax=ax, color_threshold=0,
                   **({"truncate_mode": "lastp", "p": max_leaves} if truncate else {}))  # fmt: skip
        ax.set_title(f"{title}\n(last {max_leaves} merges of {len(labels):,} documents)" if truncate else title)
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


def keyness_note(table: pd.DataFrame, *, stat: str, sides: tuple[str, str] = ("target", "reference"),
                 names: tuple[str, str] | None = None, prior: float = PRIOR) -> str:
    """Sentences that give ``log_ratio`` (and ``z``) of a :func:`corpus.keyterms.keyness` table their formulas, with its numbers.

    ``sides``: the suffixes of the table's columns (``count_<side>``, ``freq_<side>``,
    ``mean_rate_<side>``; "later", "earlier" for :func:`corpus.trends.risers_fallers`); ``names``
    the groups as the page names them. Each side's pooled tokens are read back from the table
    (``freq_<side>`` = count / tokens × 10,000), so the formula shows the denominators
    ``log_ratio`` used. Says for how many terms ``log_ratio`` and the mean per-document rates
    differ in sign (pooled tokens against each document one voice) and, for ``z``, the prior's
    total mass and why a term one side never uses gets a small z (Monroe et al. 2008: the zero
    side's variance term is 1/α_w, the prior's alone).
    """
    (s1, s2), (n1, n2) = sides, names or sides
    a, b = table[f"count_{s1}"].to_numpy(), table[f"count_{s2}"].to_numpy()

    def tokens(counts: np.ndarray, side: str, name: str) -> str:
        k = int(np.argmax(counts)) if len(counts) else 0
        return f"{round(counts[k] / table[f'freq_{side}'].iloc[k] * 1e4):,}" if len(counts) and counts[k] > 0 else f"the tokens of {name}"

    t1, t2 = tokens(a, s1, n1), tokens(b, s2, n2)
    text = (f"log_ratio is Hardie's (2014) Log Ratio of the pooled rates, log₂(((a + 0.5) / {t1}) / ((b + 0.5) / {t2})): a and b "
            f"the term's counts in {n1} and {n2}, each over all its side's tokens ({t1} and {t2}), 0.5 added to each count so "
            "that a term one side never uses stays finite. Pooled, long documents weigh more in it than in the mean "
            "per-document rates beside it (each document one voice, as the test compares them)")
    gap = table[f"mean_rate_{s1}"].to_numpy() - table[f"mean_rate_{s2}"].to_numpy()
    flips = table[np.sign(table["log_ratio"].to_numpy()) * np.sign(gap) < 0]
    if len(flips):
        top = flips.assign(_n=flips[f"count_{s1}"] + flips[f"count_{s2}"]).sort_values(["_n", "term"], ascending=[False, True]).head(3)
        text += (f", and its sign differs from theirs for {len(flips):,} of the {len(table):,} terms compared (e.g. "
                 + "; ".join(f"{r.term}: log_ratio {r.log_ratio:+.2f}, rates {getattr(r, f'mean_rate_{s1}'):.1f} against "
                             f"{getattr(r, f'mean_rate_{s2}'):.1f}" for r in top.itertuples()) + ").")
    else:
        text += "; here its sign agrees with theirs for every term compared."
    if stat != "z":
        return text
    text += (f" z = δ / √(1/(a + α_w) + 1/(b + α_w)), δ the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi "
             f"& Quinn 2008) of total mass α₀ = {prior:,g} tokens, α_w = α₀ × the term's share of the corpus's tokens. A term one "
             "side never uses keeps the prior's variance 1/α_w on that side, so its z stays small however often the other side "
             "uses it")
    absent = table[(a == 0) | (b == 0)]
    if len(absent):
        r = absent.assign(_n=absent[f"count_{s1}"] + absent[f"count_{s2}"]).sort_values(["_n", "term"], ascending=[False, True]).iloc[0]
        used, side = (r[f"count_{s1}"], n1) if r[f"count_{s1}"] else (r[f"count_{s2}"], n2)
        both = table[(a > 0) & (b > 0) & (np.sign(table["z"]) == np.sign(r["z"]))]
        text += f" ({r['term']}: {used:,} uses in {side}, none in the other, z = {r['z']:.2f}"
        if len(both):
            o = both.loc[both["z"].abs().idxmax()]
            text += f", against {o['z']:.2f} for {o['term']}, {o[f'count_{s1}']:,} and {o[f'count_{s2}']:,} uses"
        text += ")"
    return text + ": sort the table's file by log_ratio or the counts to find such terms."
