"""Tables for reports: DataFrames shown with a caption, every cell HTML-escaped.

pandas' ``Styler`` does not escape cell text by default; documents are data and may
contain ``<script>`` or ``$…$``, so every table a report shows goes through :func:`table`.
"""

from __future__ import annotations

import hashlib
import html

import pandas as pd
from pandas.io.formats.style import Styler


def table(frame: pd.DataFrame, caption: str, *, max_rows: int | None = 200, max_chars: int | None = 200) -> Styler:
    """A captioned, escaped, display-ready table (long cells cut to ``max_chars`` with an ellipsis)."""
    shown = frame.head(max_rows) if max_rows is not None else frame
    if max_chars is not None:
        shown = shown.apply(lambda col: col.map(lambda v: _cut(v, max_chars)) if col.dtype == object or pd.api.types.is_string_dtype(col) else col)
    note = f"（显示前 {max_rows} 行，共 {len(frame)} 行）" if max_rows is not None and len(frame) > max_rows else ""
    styler = (
        shown.style.format(escape="html", na_rep="—", precision=3)
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_caption(html.escape(caption + note))
        .set_table_styles([{"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
                           {"selector": "td", "props": "text-align: left; vertical-align: top;"}])  # fmt: skip
    )
    # Styler's default id is random; a content-derived one keeps reruns byte-identical.
    styler = styler.set_uuid(hashlib.sha1(f"{caption}|{list(frame.columns)}|{frame.shape}".encode()).hexdigest()[:8])
    return styler.hide(axis="index") if isinstance(frame.index, pd.RangeIndex) else styler


def spread_rows(frame: pd.DataFrame, n: int, *, within: str, across: str) -> pd.DataFrame:
    """At most ``n`` rows, shared equally among the values of ``within`` and, inside each share, taken
    in turn from each value of ``across``: e.g. concordance lines of every term, from many documents.

    Within a share, the first row of each ``across`` value comes before any second one; a value
    with fewer rows than its share leaves the rest to the others; the rows kept stay in their
    original order, so the table reads as the full one does.

    >>> f = pd.DataFrame({"term": ["甲"] * 4 + ["乙"], "doc_id": ["a", "a", "a", "b", "a"]})
    >>> spread_rows(f, 4, within="term", across="doc_id").index.tolist()
    [0, 1, 3, 4]
    """
    if frame.empty:
        return frame
    turn = frame.groupby([within, across], sort=False).cumcount().to_numpy()
    ranked = frame.assign(_turn=turn, _pos=range(len(frame))).sort_values(["_turn", "_pos"], kind="stable")
    ranked["_share"] = ranked.groupby(within, sort=False).cumcount()
    picked = ranked.sort_values(["_share", "_pos"], kind="stable").head(n)
    return frame.iloc[sorted(picked["_pos"])]


def _cut(value: object, limit: int) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value
