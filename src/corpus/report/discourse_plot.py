"""Figures for the discourse report, beyond :mod:`corpus.plot`: what each document quantifies.

Same conventions as :mod:`corpus.plot`: drawn inside :func:`corpus.plot.cjk_style`, every label
passed through :func:`corpus.plot.drawable`, nothing changed at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .plot import cjk_style, drawable

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def stacked_bar_figure(counts: pd.DataFrame, *, title: str, xlabel: str, ylabel: str) -> Figure:
    """Horizontal bars, one per row of ``counts`` (index = labels), stacked by its columns (categories).

    For tables such as claims per document by kind of unit: the bar's length is the total,
    its segments show what the total is made of; the first row is drawn at the top.
    """
    values = counts.fillna(0).to_numpy(dtype=float)
    colors = plt.get_cmap("tab10")
    with cjk_style():
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(counts) + 1.8))
        left = np.zeros(len(counts))
        for j, column in enumerate(counts.columns):
            ax.barh(range(len(counts)), values[:, j], left=left, color=colors(j % 10), label=drawable(str(column)))
            left += values[:, j]
        ax.set_yticks(range(len(counts)), [drawable(str(v)) for v in counts.index])
        ax.invert_yaxis()
        ax.set_title(drawable(title))
        ax.set_xlabel(drawable(xlabel))
        ax.set_ylabel(drawable(ylabel))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        fig.tight_layout()
    return fig


def usage_figure(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str) -> Figure:
    """Items (rows) × documents (columns): counts written in each cell, shaded on a log scale.

    A log scale keeps one heavily repeated item (a slogan used 300 times) from washing out
    the cells that matter for diffusion: which documents use an item at all.
    """
    values = matrix.fillna(0).to_numpy(dtype=float)
    shade = np.log1p(values)
    with cjk_style():
        # Wide enough for the longest row label (an ideograph is about 0.14 inch at the default size) beside the cells.
        longest = max((len(str(i)) for i in matrix.index), default=0)
        fig, ax = plt.subplots(figsize=(2.5 + 0.14 * longest + 0.6 * matrix.shape[1], 1.2 + 0.36 * matrix.shape[0]))
        ax.imshow(shade, cmap="Blues", aspect="auto", vmin=0, vmax=max(float(shade.max(initial=0)), 1.0))
        ax.set_xticks(range(matrix.shape[1]), [drawable(str(c)) for c in matrix.columns], rotation=45, ha="right")
        ax.set_yticks(range(matrix.shape[0]), [drawable(str(i)) for i in matrix.index])
        high = shade.max(initial=0) * 0.6
        for (i, j), v in np.ndenumerate(values):
            if v:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=8, color="white" if shade[i, j] > high else "black")
        ax.set_title(drawable(title))
        ax.set_xlabel(drawable(xlabel))
        ax.set_ylabel(drawable(ylabel))
        fig.tight_layout()
    return fig
