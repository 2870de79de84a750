"""CSV for spreadsheet users: UTF-8 with a BOM, and no cell that a spreadsheet would run as a formula.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, and a file name, a metadata value or a line
of text can begin so (``=HYPERLINK(...)``, ``-2%的降幅``, ``@某单位``). Following the OWASP
guidance on CSV injection (https://owasp.org/www-community/attacks/CSV_Injection), such a
text cell is written with a single quote before it, which the spreadsheet shows as text;
numbers, including negative ones, stay numbers. Parquet keeps the exact values.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text index and column labels) that begin a formula start with ``'``.

    Only text is changed: a cell of a numeric column, or a number in a column of mixed types,
    is left as it is; text that reads as a number ("-3") is still text, and is changed.

    >>> f = pd.DataFrame({"term": ["=SUM(A1)", "-3", "党建+警务"], "change": [-5, 2, 0], "mixed": [-1, "+x", None]})
    >>> spreadsheet_safe(f).to_dict("list")
    {'term': ["'=SUM(A1)", "'-3", '党建+警务'], 'change': [-5, 2, 0], 'mixed': [-1, "'+x", None]}
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if not _may_hold_text(column.dtype):
            continue
        values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
        if any(map(_dangerous, values)):
            safe = [_neutralised(v) for v in values]
            dtype = object if column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype) else column.dtype
            out.isetitem(i, pd.Series(safe, index=out.index, dtype=dtype))
    out.columns = _safe_labels(out.columns)
    out.index = _safe_labels(out.index)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write ``frame`` as a CSV that spreadsheets open safely: UTF-8 with a BOM (Chinese reads), formulas neutralised.

    Lines end in CRLF, as RFC 4180 has it, so a cell holding a carriage return or a line break
    is quoted and stays one cell (with pandas' default ``\\n`` a bare ``\\r`` was written unquoted).
    """
    path = Path(path)
    spreadsheet_safe(frame).to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def _may_hold_text(dtype: object) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return _may_hold_text(dtype.categories.dtype)
    return dtype == object or pd.api.types.is_string_dtype(dtype)


def _dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _neutralised(value: object) -> object:
    return f"'{value}" if _dangerous(value) else value


def _safe_labels(labels: pd.Index) -> pd.Index:
    """Index or column labels (each level of a MultiIndex) and their names, with text that begins a formula neutralised."""
    names = [_neutralised(n) for n in labels.names]
    levels = [labels.get_level_values(i) for i in range(labels.nlevels)]
    if names == list(labels.names) and not any(_may_hold_text(v.dtype) and any(map(_dangerous, v)) for v in levels):
        return labels
    arrays = [pd.Index([_neutralised(x) for x in v], dtype=object) if _may_hold_text(v.dtype) else v for v in levels]
    if isinstance(labels, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(arrays, names=names)
    return pd.Index(arrays[0], name=names[0])
