"""Figures for scaling reports (Wordfish): positions with intervals, positions against a docvar, word weights.

Same conventions as :mod:`corpus.report.plot`: drawn inside :func:`~corpus.report.plot.cjk_style`,
every label passed through :func:`~corpus.report.plot.drawable`, nothing changed at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.ticker import FormatStrFormatter, MaxNLocator
import numpy as np
import pandas as pd

from .plot import cjk_style, drawable

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def positions_figure(documents: pd.DataFrame, labels: pd.Series | list[str] | None = None, *, title: str,
                     xlabel: str = "位置 position θ", max_rows: int = 60) -> Figure:  # fmt: skip
    """Each document's θ with its interval (``lower`` .. ``upper``), ordered from left to right pole, top to bottom.

    Above ``max_rows`` documents, evenly spaced ranks are drawn (the first and last included) and
    the title says how many of how many.
    """
    names = pd.Series(list(labels) if labels is not None else documents["doc_id"].astype(str).tolist(), index=documents.index)
    ordered = documents.assign(_label=names).sort_values(["theta", "_label"], kind="stable").reset_index(drop=True)
    if len(ordered) > max_rows:
        title = f"{title}\n({max_rows} of {len(ordered):,} documents, evenly spaced by rank)"
        ordered = ordered.iloc[np.unique(np.linspace(0, len(ordered) - 1, max_rows).round().astype(int))].reset_index(drop=True)
    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.28 * len(ordered) + 1.5))
        y = np.arange(len(ordered))
        ax.hlines(y, ordered["lower"], ordered["upper"], color="#9bb4d3", linewidth=2.5)
        ax.plot(ordered["theta"], y, "o", color="#1f4e8c", markersize=5)
        ax.set_yticks(y, [drawable(str(v)) for v in ordered["_label"]])
        ax.invert_yaxis()
        ax.axvline(0, color="#bbbbbb", linewidth=0.8, zorder=0)
        ax.set_title(drawable(title))
        ax.set_xlabel(drawable(xlabel))
        ax.set_ylabel("文档 document")
        fig.tight_layout()
    return fig


def positions_over_figure(documents: pd.DataFrame, x: pd.Series | np.ndarray, labels: pd.Series | list[str] | None = None, *,
                          title: str, xlabel: str, ylabel: str = "位置 position θ", max_labels: int = 30) -> Figure:  # fmt: skip
    """θ with its interval against a document variable ``x`` (a year, a date as a number, any numeric docvar).

    Up to ``max_labels`` documents each point is labelled; documents without ``x`` are left out
    and the title says how many.
    """
    values = pd.Series(np.asarray(x, dtype=float), index=documents.index)
    names = pd.Series(list(labels) if labels is not None else documents["doc_id"].astype(str).tolist(), index=documents.index)
    have = values.notna()
    if not have.all():
        title = f"{title}\n({int((~have).sum())} document(s) without a value left out)"
    docs, values, names = documents[have], values[have], names[have]
    with cjk_style():
        fig, ax = plt.subplots(figsize=(8, 4.8))
        ax.vlines(values, docs["lower"], docs["upper"], color="#9bb4d3", linewidth=2.5)
        ax.plot(values, docs["theta"], "o", color="#1f4e8c", markersize=5 if len(docs) <= 200 else 2)
        if len(docs) <= max_labels:
            for xv, yv, name in zip(values, docs["theta"], names):
                ax.annotate(drawable(str(name)), (xv, yv), xytext=(4, 3), textcoords="offset points", fontsize=8)
        ax.axhline(0, color="#bbbbbb", linewidth=0.8, zorder=0)
        ax.margins(x=0.08)  # room for the labels of the first and last documents
        if len(values) and values.max() - values.min() >= 2:  # years (or dates as fractional years): whole-number ticks
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        ax.set_title(drawable(title))
        ax.set_xlabel(drawable(xlabel))
        ax.set_ylabel(drawable(ylabel))
        fig.tight_layout()
    return fig


def word_weights_figure(words: pd.DataFrame, poles: pd.DataFrame, *, title: str = "词的权重 Word weights β and fixed effects ψ",
                        max_points: int = 20_000, max_labels: int = 18) -> Figure:  # fmt: skip
    """Every word's β (x) against its ψ (y), the "Eiffel tower" of Wordfish, with the pole words named.

    ``poles`` is a :func:`corpus.wordfish.pole_words` table: its words are marked, left pole in red,
    right pole in blue, and up to ``max_labels`` of each (the most frequent) named in a column at
    that pole's side. Above ``max_points`` words, the ``max_points`` most frequent are drawn. Frequent
    means the observed ``count`` where ``words`` has it, else ψ; ψ is the word's log rate at θ = 0,
    which is low for a frequent word one pole alone uses, so the y axis is not a frequency.
    """
    often = "count" if "count" in words.columns else "psi"
    drawn = words
    if len(words) > max_points:
        drawn = words.sort_values([often, "term"], ascending=[False, True], kind="stable").head(max_points)
        title = f"{title}\n(the {max_points:,} most frequent of {len(words):,} words)"
    colours = {"left": "#b2182b", "right": "#2166ac"}
    with cjk_style():
        fig, ax = plt.subplots(figsize=(8, 6))
        ax.scatter(drawn["beta"], drawn["psi"], s=4, color="#aaaaaa", alpha=0.6, linewidths=0)
        for pole, part in poles.groupby("pole", sort=True):
            colour = colours.get(str(pole), "black")
            ax.scatter(part["beta"], part["psi"], s=10, color=colour)
            # Pole words sit in a tight cluster: their names go in a column at the pole's side, each joined to its point.
            part = part.sort_values([often if often in part else "psi", "term"], ascending=[False, True],
                                    kind="stable").head(max_labels)
            step = min(0.05, 0.9 / max(len(part), 1))
            x_text, align = (0.02, "left") if pole == "left" else (0.98, "right")
            for k, (b, p, term) in enumerate(zip(part["beta"], part["psi"], part["term"])):
                ax.annotate(drawable(str(term)), (b, p), xytext=(x_text, 0.95 - k * step), textcoords="axes fraction", ha=align,
                            va="center", fontsize=8, color=colour,
                            arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.4, "alpha": 0.5})  # fmt: skip
        ax.axvline(0, color="#bbbbbb", linewidth=0.8, zorder=0)
        ax.set_title(drawable(title))
        ax.set_xlabel("词权重 word weight β (← left pole · right pole →)")
        ax.set_ylabel("词固定效应 word fixed effect ψ (log rate at θ = 0)")
        fig.tight_layout()
    return fig
