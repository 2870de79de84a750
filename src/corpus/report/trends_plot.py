"""Figures for the trends report: rates over time as small multiples with bands, and the x-ray of where terms occur.

Same conventions as :mod:`corpus.report.plot`: drawn inside :func:`~corpus.report.plot.cjk_style`,
every label passed through :func:`~corpus.report.plot.drawable`, nothing changed at import time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..trends import MIN_DOCS_FOR_BAND
from .plot import cjk_style, drawable

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_LINE, _BAND, _BAND_EDGE = "#3b6ea5", "#9fbbdc", "#7a9cc6"


def band_note(table: pd.DataFrame, level: float = 0.95) -> str:
    """One sentence on the bands of a :func:`corpus.trends.trend` table: what they are, and which bins have none.

    >>> t = pd.DataFrame({"bin": ["1969", "1973"], "n_docs": [1, 1], "band": [False, False]})
    >>> band_note(t)
    'No band: every bin has fewer than 3 documents (2 bins, at most 1 document each), so nothing shows how documents vary.'
    """
    bins = table.drop_duplicates("bin")
    without = bins[~bins["band"].astype(bool)]
    if len(without) == len(bins):
        most = int(bins["n_docs"].max())
        return (f"No band: every bin has fewer than {MIN_DOCS_FOR_BAND} documents ({len(bins)} bin{'s' * (len(bins) != 1)}, "
                f"at most {most} document{'s' * (most != 1)} each), so nothing shows how documents vary.")  # fmt: skip
    text = f"Band: {level:.0%} bootstrap interval over the bin's documents."
    if len(without):
        names = ", ".join(map(str, without["bin"].head(6))) + (" …" if len(without) > 6 else "")
        text += f" ○ = fewer than {MIN_DOCS_FOR_BAND} documents, no band ({len(without)} of {len(bins)} bins: {names})."
    return text


def trend_figure(table: pd.DataFrame, *, title: str, ncols: int = 3, max_panels: int = 12, level: float = 0.95,
                 ylabel: str = "每万词 per 10,000 tokens", xlabel: str = "时间 time") -> Figure:  # fmt: skip
    """Small multiples, one panel per feature of a :func:`corpus.trends.trend` table: the rate by bin, its band, a shared time axis.

    Bins with a band are filled markers with the interval as a bar, shaded between neighbouring
    bins that both have one; bins with fewer than
    :data:`corpus.trends.MIN_DOCS_FOR_BAND` documents are hollow markers without one, and the
    note under the figure says so (:func:`band_note`). Each panel keeps its own y scale (rates of
    different terms differ by orders of magnitude), starting at 0. Beyond ``max_panels``
    features the rest are left out and the title says so.
    """
    features = list(dict.fromkeys(table["feature"]))
    shown = features[:max_panels]
    if len(features) > len(shown):
        title = f"{title}\n{len(shown)} of {len(features):,} shown"
    ncols = max(1, min(ncols, len(shown)))
    nrows = int(np.ceil(len(shown) / ncols)) or 1
    ticks = table.drop_duplicates("bin")[["position", "bin"]].sort_values("position", kind="stable")
    keep = list(range(0, len(ticks), max(1, int(np.ceil(len(ticks) / 10)))))  # at most 10 labels: none overlap
    note = band_note(table, level)
    with cjk_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols + 0.4, 2.6 * nrows + 1.3), squeeze=False, sharex=True)
        for ax, feature in zip(axes.flat, shown):
            part = table[table["feature"] == feature].sort_values("position", kind="stable")
            x, y, band = part["position"].to_numpy(float), part["rate"].to_numpy(float), part["band"].to_numpy(bool)
            lo, hi = part["lo"].to_numpy(float), part["hi"].to_numpy(float)
            ax.fill_between(x, lo, hi, where=band, color=_BAND, alpha=0.6, linewidth=0, interpolate=False)
            # fill_between shades between neighbouring banded bins only: a bar at each keeps a bin between unbanded ones visible.
            ax.vlines(x[band], lo[band], hi[band], color=_BAND_EDGE, linewidth=2.5, alpha=0.9)
            ax.plot(x, y, color=_LINE, linewidth=1.2)
            ax.plot(x[band], y[band], "o", color=_LINE, markersize=4)
            ax.plot(x[~band], y[~band], "o", markerfacecolor="white", markeredgecolor=_LINE, markersize=4)
            ax.set_ylim(bottom=0, top=max(float(np.nanmax(part[["rate", "hi"]].to_numpy(float), initial=0)) * 1.1, 1e-9))
            ax.set_title(drawable(str(feature), where=str(feature)), fontsize=10)
            ax.set_xticks(ticks["position"].iloc[keep], [drawable(str(b)) for b in ticks["bin"].iloc[keep]], rotation=45,
                          ha="right", fontsize=8)  # fmt: skip
            ax.tick_params(labelbottom=True)
        for ax in list(axes.flat)[len(shown):]:
            ax.axis("off")
        for ax in axes[:, 0]:
            ax.set_ylabel(ylabel, fontsize=8)
        for ax in axes[-1, :]:
            ax.set_xlabel(xlabel, fontsize=8)
        fig.suptitle(drawable(title))
        fig.text(0.01, 0.005, note, fontsize=8, ha="left", va="bottom", wrap=True)
        top = 1.0 - (0.25 * title.count("\n") + 0.45) / fig.get_size_inches()[1]
        fig.tight_layout(rect=(0.0, 0.5 / fig.get_size_inches()[1], 1.0, top))
    return fig


def xray_figure(positions: pd.DataFrame, doc_ids: Sequence[str], *, labels: Mapping[str, str] | None = None,
                terms: Sequence[str] | None = None, title: str = "词语位置 Where the terms occur (x-ray)",
                max_docs: int = 30) -> Figure:  # fmt: skip
    """Quanteda's ``textplot_xray``: one panel per term, one row per document, a tick at each occurrence's relative position.

    ``positions``: a :func:`corpus.trends.dispersion` table; ``doc_ids``: the documents, in the
    order to draw them (documents without an occurrence keep an empty row, which says as much
    as a full one); ``labels``: doc_id → name. Beyond ``max_docs`` documents the first are
    drawn and the title says so.
    """
    labels = labels or {}
    terms = list(dict.fromkeys(positions["term"])) if terms is None else list(terms)
    docs = [str(d) for d in doc_ids]
    if len(docs) > max_docs:
        title = f"{title}\n(first {max_docs} of {len(docs):,} documents)"
        docs = docs[:max_docs]
    row = {d: i for i, d in enumerate(docs)}
    ncols = max(1, len(terms))
    with cjk_style():
        fig, axes = plt.subplots(1, ncols, figsize=(max(6.0, 2.6 * ncols + 2.0), 0.32 * len(docs) + 1.6), squeeze=False, sharey=True)
        for ax, term in zip(axes[0], terms):
            part = positions[(positions["term"] == term) & positions["doc_id"].isin(row)]
            ax.scatter(part["position"], part["doc_id"].map(row), marker="|", s=60, color=_LINE, linewidths=0.8)
            ax.set_xlim(0, 1)
            ax.set_ylim(len(docs) - 0.5, -0.5)
            ax.set_title(f"{drawable(term, where=term)}（{len(part):,}）", fontsize=10)
            ax.set_xlabel("相对位置 relative position", fontsize=8)
            ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
        axes[0, 0].set_yticks(range(len(docs)), [drawable(str(labels.get(d, d)), where=d) for d in docs], fontsize=8)
        fig.suptitle(drawable(title))
        fig.tight_layout(rect=(0.0, 0.0, 1.0, 1.0 - 0.25 * title.count("\n") / fig.get_size_inches()[1]))
    return fig
