"""Chinese-capable matplotlib styling using the Noto Sans CJK SC font shipped by ``mplfonts``.

Nothing happens at import time: the font is registered with matplotlib on first use and
rcParams are only changed inside :func:`cjk_style`. Draw *and* show/save figures inside
the context, because the generic ``sans-serif`` family is resolved when a figure is drawn.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from fontTools.ttLib import TTFont
from matplotlib import font_manager

if TYPE_CHECKING:
    import pandas as pd

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


def doc_length_figure(lengths: "pd.DataFrame", *, title: str = "文档长度（字符数）"):
    """Horizontal bars of raw and cleaned length per document, labelled by the ``label`` column."""
    import numpy as np

    with cjk_style():
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(lengths) + 1.2))
        y = np.arange(len(lengths))
        ax.barh(y - 0.2, lengths["raw_chars"], height=0.4, label="原始 raw", color="#bbbbbb")
        ax.barh(y + 0.2, lengths["text_chars"], height=0.4, label="清洗后 text", color="#3b6ea5")
        ax.set_yticks(y, lengths["label"])
        ax.invert_yaxis()
        ax.set_xlabel("字符数 characters")
        ax.set_ylabel("文档 document")
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
        fig.tight_layout()
    return fig
