"""What a report page shows: captioned tables with every cell HTML-escaped, figures with alt text.

pandas' ``Styler`` does not escape cell text by default; documents are data and may
contain ``<script>`` or ``$…$``, so every table a report shows goes through :func:`table`,
and every figure through :func:`figure`, which gives the image the alt text a screen reader
reads (nbconvert warns about images without one).
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display
from pandas.io.formats.style import Styler

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Rows a table shows in the page; the saved file beside the report has them all.
PAGE_ROWS = 25
#: Characters a cell shows in the page (longer values end in …; the saved file has them whole).
CELL_CHARS = 120
#: A text column whose median cell is wider than this many em (about 30 Chinese characters) holds sentences: 14em wide at least.
PROSE_EM = 30


def table(frame: pd.DataFrame, caption: str, *, file: str | os.PathLike[str] | None = None, max_rows: int | None = PAGE_ROWS,
          max_chars: int | None = CELL_CHARS, empty: str | None = None) -> Styler | HTML:
    """A captioned, escaped, display-ready table: at most ``max_rows`` rows, cells cut to ``max_chars``.

    ``file`` is the full table saved beside the report (:meth:`Report.save`); the caption links it,
    relative to the report page (``<report>.html`` beside the ``<report>/`` folder of its tables).
    An empty ``frame`` is shown as a sentence (``empty``, else the caption and "none"), not as headers.
    """
    link = _file_link(file) if file is not None else ""
    if frame.empty:
        return HTML(f'<p class="corpus-empty">{html.escape(empty or f"{caption}: none.")}{link}</p>')
    # A column no row fills (an extracted field no document has) only takes width from the others; the caption names it.
    blank = [i for i in range(frame.shape[1]) if _blank(frame.iloc[:, i])]
    if blank and len(blank) < frame.shape[1]:
        caption += f" (not shown, without a value in any row: {', '.join(str(frame.columns[i]) for i in blank)})"
        frame = frame.iloc[:, [i for i in range(frame.shape[1]) if i not in set(blank)]]
    shown = frame.head(max_rows) if max_rows is not None else frame
    if max_chars is not None:
        shown = shown.apply(lambda col: col.map(lambda v: _cut(v, max_chars)) if col.dtype == object or pd.api.types.is_string_dtype(col) else col)
    note = f"（显示前 {max_rows} 行，共 {len(frame):,} 行）" if max_rows is not None and len(frame) > max_rows else ""
    # Styler builds namedtuples from the column names; names equal after NFKC (a full-width and an
    # ASCII spelling) would be a duplicate argument, so it gets positional names and the real ones as labels.
    if isinstance(shown.columns, pd.MultiIndex):
        styler = shown.style.format_index(escape="html", axis=1)
    else:
        positional = shown.set_axis(pd.Index([f"c{i}" for i in range(shown.shape[1])], name=shown.columns.name), axis=1)
        styler = positional.style.relabel_index([html.escape(str(c)) for c in shown.columns], axis=1)
    floats = [c for c, dtype in styler.data.dtypes.items() if pd.api.types.is_float_dtype(dtype)]
    styler = (
        styler.format(_number, escape="html", na_rep="—", subset=floats)
        .format(escape="html", na_rep="—", subset=[c for c in styler.data.columns if c not in floats])
        .format_index(escape="html", axis=0)
        .set_caption(html.escape(caption + note) + link)
        .set_table_styles([{"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
                           {"selector": "th", "props": "text-align: left;"},
                           {"selector": "td", "props": "text-align: left; vertical-align: top; overflow-wrap: break-word; max-width: 28rem;"}])  # fmt: skip
    )
    # Columns of words keep a readable width beside many narrow ones: Chinese may break between any two characters, so
    # without a minimum a title shrinks to a few characters a line. A text column is as wide as its widest cell up to
    # 10em (6em where most rows are empty: a field few documents have; 14em for sentences), so ids and dates stay
    # whole, and longer values, unbroken ones too (index numbers, addresses), wrap instead of widening the table.
    # One rule per column (``td.colN``), more specific than the ``td`` rule above, which it overrides.
    columns = {}
    for c, col in styler.data.items():
        widths = _widths(col)
        if widths and max(widths) > 4:
            cap = 14 if float(np.median(widths)) > PROSE_EM else 10 if 2 * len(widths) >= len(col) else 6
            columns[c] = [{"selector": "td", "props": f"overflow-wrap: anywhere; min-width: {min(math.ceil(max(widths)), cap)}em;"}]
    if columns:
        styler = styler.set_table_styles(columns, axis=0, overwrite=False)
    # Styler's default id is random; a content-derived one keeps reruns byte-identical.
    styler = styler.set_uuid(hashlib.sha1(f"{caption}|{list(frame.columns)}|{frame.shape}".encode()).hexdigest()[:8])
    return styler.hide(axis="index") if isinstance(frame.index, pd.RangeIndex) else styler


def _blank(column: pd.Series) -> bool:
    """Whether no cell of ``column`` holds a value (missing or blank text everywhere)."""
    return bool(column.isna().all() or column.astype("string").str.strip().fillna("").eq("").all())


def _widths(column: pd.Series) -> list[float]:
    """The widths in em of a text column's filled cells (a wide character 1, others 0.6); none for other columns.

    >>> _widths(pd.Series(["关于加强基层治理的意见", None, " ", "2021-03-05"]))
    [11.0, 6.0]
    """
    if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
        return []
    filled = [str(v) for v in column if not (pd.api.types.is_scalar(v) and pd.isna(v)) and str(v).strip()]
    return [round(sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in v), 2) for v in filled]


def figure(fig: Figure, alt: str, *, dpi: int = 100) -> None:
    """Show a matplotlib figure as a PNG whose alt text is ``alt``, then close it.

    ``alt`` says in a sentence what the figure shows (what is drawn against what, and its main
    reading where the notebook computes one), for readers who cannot see the image.
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    # No 'Software' or date chunk: the same figure gives the same bytes on every run.
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", alt=" ".join(alt.split())))


def summary(supports: list[str], cannot: list[str]) -> HTML:
    """The box a report opens with: what the data supports and what it does not, one computed sentence each.

    The sentences are escaped (a document's words are data); a name in backticks (`year`) is shown as code.

    >>> "<code>year</code>" in summary(["12 of 12 documents have a date in `year`."], []).data
    True
    """
    def items(sentences: list[str]) -> str:
        return "".join("<li>" + _CODE.sub(r"<code>\1</code>", html.escape(s)) + "</li>" for s in sentences) or "<li>—</li>"

    return HTML('<div class="corpus-summary">\n<h2 id="summary">摘要 Summary</h2>\n'
                f"<p><b>What the data supports</b></p>\n<ul>{items(supports)}</ul>\n"
                f"<p><b>What it does not support</b></p>\n<ul>{items(cannot)}</ul>\n</div>")


_CODE = re.compile(r"`([^`<>]+)`")


def _file_link(file: str | os.PathLike[str]) -> str:
    path = Path(file)
    href = f"{path.parent.name}/{path.name}"
    return f' <a class="corpus-file" href="{html.escape(quote(href))}">{html.escape(path.name)}</a>'


def spread_rows(frame: pd.DataFrame, n: int, *, within: str, across: str) -> pd.DataFrame:
    """At most ``n`` rows, shared equally among the values of ``within`` and, inside each share, taken
    in turn from each value of ``across``: e.g. concordance lines of every term, from many documents.

    Within a share, the first row of each ``across`` value comes before any second one, and the
    values take their turn spread over their order (the first, the last, the middle, the quarters
    …), so a short share samples the whole corpus, not its first documents; a value with fewer
    rows than its share leaves the rest to the others; the rows kept stay in their original order,
    so the table reads as the full one does.

    >>> f = pd.DataFrame({"term": ["甲"] * 4 + ["乙"], "doc_id": ["a", "a", "a", "b", "a"]})
    >>> spread_rows(f, 4, within="term", across="doc_id").index.tolist()
    [0, 1, 3, 4]
    """
    if frame.empty:
        return frame
    turn = frame.groupby([within, across], sort=False).cumcount().to_numpy()
    values = pd.unique(frame[across])
    first = _spread_order(len(values), limit=n)  # only the first n turns can be kept: the rest keep their order
    spread = {v: len(first) + i for i, v in enumerate(values)} | dict(zip(values[first], range(len(first))))
    ranked = frame.assign(_turn=turn, _spread=frame[across].map(spread).to_numpy(), _pos=range(len(frame)))
    ranked = ranked.sort_values(["_turn", "_spread", "_pos"], kind="stable")
    ranked["_share"] = ranked.groupby(within, sort=False).cumcount()
    picked = ranked.sort_values(["_share", "_pos"], kind="stable").head(n)
    return frame.iloc[sorted(picked["_pos"])]


def _number(value: float) -> str:
    """A float as a reader wants it: whole numbers without decimals (710,000,000,000; 1969), others to 3 decimals without
    trailing zeros (-3.26), tiny ones in two significant figures (4.2e-05); thousands separated from 100,000.

    >>> [_number(v) for v in (7.1e11, 1969.0, -3.260, 0.1, 0.000042, 123456.78, 0.0)]
    ['710,000,000,000', '1969', '-3.26', '0.1', '4.2e-05', '123,456.8', '0']
    """
    if value != value:  # NaN: na_rep shows it
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.0f}"
    if abs(value) >= 1e5:
        return f"{value:,.1f}"
    if abs(value) < 0.001:
        return f"{value:.2g}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _spread_order(k: int, limit: int | None = None) -> list[int]:
    """Positions 0 … k − 1 in an order whose every prefix is spread evenly: 0, k − 1, then halves, quarters, eighths …
    (the first ``limit`` of them where given).

    >>> _spread_order(5), _spread_order(12, limit=4)
    ([0, 4, 2, 1, 3], [0, 11, 6, 3])
    """
    order: list[int] = []
    seen: set[int] = set()
    wanted = k if limit is None else min(k, limit)
    for fraction in _fractions():
        if len(order) == wanted:
            return order
        position = round(fraction * (k - 1))
        if position not in seen:
            seen.add(position)
            order.append(position)
    return order


def _fractions():
    """0, 1, then the van der Corput sequence in base 2 (1/2, 1/4, 3/4, 1/8 …): ever finer, evenly filled."""
    yield 0.0
    yield 1.0
    n = 1
    while True:
        x, denominator, m = 0.0, 1.0, n
        while m:
            denominator *= 2
            x += (m % 2) / denominator
            m //= 2
        yield x
        n += 1


def _cut(value: object, limit: int) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value
