"""Dates: the one parser every stage calls, so 2022年7月26日, 2022/7/26 and 2022-7-26 are one date.

A value is read to ISO at the precision it has: ``2022-07-26`` (a day), ``2022-07`` (a month)
or ``2022`` (a year); ISO strings of mixed precision sort in time order, a year before the
days of that year. Rules, in one place:

- The year comes first and has four digits, 1000 to 2999 (Arabic, full-width or Chinese:
  二〇二二); a two-digit year (22/7/26) or a day-first date (26/07/2022) is ambiguous and is
  not read.
- Separators: ``-``, ``/``, ``.`` (the same one twice), or 年 月 日 (号); 20220726 (eight digits
  in a row) is a day. Month and day may be Chinese numerals (七月二十六日).
- A time of day after a full date (``10:30:00``, ``T10:30Z``, ``10时30分``) is dropped.
- An impossible date (2022-02-30, month 13) is not read; nor is anything else in the value
  (a weekday, a word): a value is a date or it is not. :func:`find_dates` finds dates in text.
- pandas Timestamps, ``datetime`` and ``date`` objects are days; an integer (or a float with no
  fraction, as pandas reads a year column with gaps) of four digits is a year, of eight a day.

Missing values (None, NaN, NaT, blank text) give None and are not unparseable; see
:func:`unparseable`. Nothing here imports from the rest of the package but
:mod:`corpus.patterns`, so cleaning, early in the data path, calls it too.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from functools import lru_cache
from numbers import Integral, Real
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from .patterns import CN_ORDINALS, CN_ZERO

Precision = Literal["year", "month", "day"]
_PRECISIONS = ("year", "month", "day")
#: The years a date may have: four digits, and a typo such as 3022 or 0022 is not a year.
MIN_YEAR, MAX_YEAR = 1000, 2999

# Look-alikes of 〇 typed or scanned in dates among Chinese numerals (○ white circle, O, full-width Ｏ, a zero digit:
# 一九五O年, 十月二0日) besides the numerals' zeros.
_ZERO_LIKE = "○OＯ0０"
_CN_YEAR_DIGITS = CN_ZERO + _ZERO_LIKE + CN_ORDINALS[:9]
_CN_VALUE = dict.fromkeys(CN_ZERO + _ZERO_LIKE, 0) | {c: i + 1 for i, c in enumerate(CN_ORDINALS[:9])}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")

_D = "[0-9０-９]"
_YEAR = rf"(?:{_D}{{4}}|[{_CN_YEAR_DIGITS}]{{4}})"
# A month or a day: one or two digits, or a Chinese numeral (七, 十二, 二十六, 廿六, 卅一, 二〇 and its look-alikes 二O 二0).
_PART = rf"(?:{_D}{{1,2}}|[{CN_ZERO}{CN_ORDINALS}廿卅][{CN_ZERO}{_ZERO_LIKE}{CN_ORDINALS}廿卅]{{0,2}})"
_SEP = "[-/.－／．]"
_AMPM = "(?:上午|下午|凌晨|早上|晚上|中午)"
_TIME = (rf"(?:T|\s*){_AMPM}?\s*{_D}{{1,2}}(?:[:：]{_D}{{2}}(?:[:：]{_D}{{2}}(?:[.,]{_D}+)?)?"
         rf"|\s*[时点](?:\s*{_D}{{1,2}}\s*分(?:\s*{_D}{{1,2}}\s*秒)?)?)(?:\s*(?:Z|UTC|GMT|[+-]{_D}{{2}}:?{_D}{{2}}))?(?!{_D})")  # fmt: skip


def _grammar(text: bool) -> str:
    """The date forms: in a value every form, in running text only the unmistakable ones.

    In text a separated date must have its day (2019.5 is a number) and a 年月 date must close
    its day with 日 or 号 (``2022年7月2`` may run on); there is no 20220726 form (an id or a count).
    """
    day_end = r"\s*[日号]" if text else r"\s*[日号]?"
    separated = rf"(?P<ys>{_D}{{4}})\s*(?P<sep>{_SEP})\s*(?P<ms>{_D}{{1,2}})"
    separated += rf"\s*(?P=sep)\s*(?P<ds>{_D}{{1,2}})(?!{_D})" if text else rf"(?:\s*(?P=sep)\s*(?P<ds>{_D}{{1,2}}))?"
    chinese = rf"(?P<yc>{_YEAR})\s*年(?:\s*(?P<mc>{_PART})\s*月(?:\s*(?P<dc>{_PART}){day_end})?)?"
    forms = [separated, chinese]
    if not text:
        forms += [rf"(?P<yn>{_D}{{4}})(?P<mn>{_D}{{2}})(?P<dn>{_D}{{2}})", rf"(?P<yy>{_D}{{4}})"]
    before = rf"(?<![0-9０-９{_CN_YEAR_DIGITS}十])" if text else ""
    return rf"{before}(?:{'|'.join(forms)})(?P<time>{_TIME})?"


_VALUE_RE = re.compile(_grammar(text=False))
_TEXT_RE = re.compile(_grammar(text=True))
_STRIP = " \t\r\n\u3000()（）[]【】"


class DateSpan(NamedTuple):
    """A date found in text: where it is (offsets into that text), what it says, and its ISO form."""

    start: int
    end: int
    text: str
    iso: str


def parse_date(value: object) -> str | None:
    """The ISO form of a date value at its own precision, or None (missing, or not a date).

    >>> [parse_date(v) for v in ["2022年7月26日", "2022/7/26", "2022-7-5", "2022.07", "1954年9月", "2022"]]
    ['2022-07-26', '2022-07-26', '2022-07-05', '2022-07', '1954-09', '2022']
    >>> [parse_date(v) for v in ["二〇二二年七月二十六日", "２０２２年７月２６日", "20220726", "2022-07-26 10:30:00", "2022年7月26日（星期二）"]]
    ['2022-07-26', '2022-07-26', '2022-07-26', '2022-07-26', '2022-07-26']
    >>> [parse_date(v) for v in [pd.Timestamp("2022-07-26 08:00"), _dt.date(1954, 9, 15), 2022, 2022.0]]
    ['2022-07-26', '1954-09-15', '2022', '2022']
    >>> [parse_date(v) for v in ["民国106年3月23日", "106-03-23", "106/3/23"]]  # years of the Republic of China
    ['2017-03-23', '2017-03-23', '2017-03-23']
    >>> [parse_date(v) for v in ["2022-02-30", "2022-13", "22/7/26", "26/07/2022", "2022年夏", None, ""]]
    [None, None, None, None, None, None, None]
    """
    if isinstance(value, str):
        return _parse_text(value)
    if value is None or isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (_dt.datetime, _dt.date)):  # pd.Timestamp is a datetime; NaT is one too
        return None if pd.isna(value) else _iso(value.year, value.month, value.day)
    if isinstance(value, Integral):
        return _parse_text(str(int(value))) if len(str(abs(int(value)))) in (4, 8) and int(value) > 0 else None
    if isinstance(value, Real):
        number = float(value)
        return parse_date(int(number)) if math.isfinite(number) and number.is_integer() else None
    return None


def parse_dates(values: pd.Series | list) -> pd.Series:
    """:func:`parse_date` of each value: ISO strings or None, with the values' index and name.

    >>> parse_dates(pd.Series(["2022年7月", "2022/7/26", None, "不详"], name="date")).tolist()
    ['2022-07', '2022-07-26', None, None]
    """
    values = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return pd.Series([parse_date(v) for v in values], index=values.index, name=values.name, dtype=object)


#: Columns a table of documents may hold a year in, read when ``date`` leaves documents undated.
YEAR_COLUMNS = ("year", "Year", "YEAR", "年份", "年度", "年")


def document_date_column(docs: pd.DataFrame, date_column: str = "date") -> pd.Series:
    """Each document's date by doc_id (ISO text at its precision, None where undated), named after the column it was read from.

    The one rule for what dates a document, which every report follows: ``date_column`` read by
    :func:`parse_dates`; where it is the default ``date`` and leaves documents undated, the year
    column (:data:`YEAR_COLUMNS`) that dates the most of them is read instead, if it dates more.
    A column the caller names is read as named; a column the table lacks dates nothing.

    >>> d = pd.DataFrame({"doc_id": ["cpc_19", "cpc_20", "cpc_11"], "date": ["2017-10-18", None, None], "year": [2017, 2022, 1977]})
    >>> found = document_date_column(d); found.name, found.tolist()
    ('year', ['2017', '2022', '1977'])
    """
    ids = pd.Index(docs["doc_id"].astype(str).to_numpy(), name="doc_id")

    def read(column: str) -> pd.Series:
        values = docs[column].to_numpy() if column in docs.columns else [None] * len(docs)
        return pd.Series([parse_date(v) for v in values], index=ids, name=column, dtype=object)

    found = read(date_column)
    if date_column != "date" or found.notna().all():
        return found
    for column in (c for c in YEAR_COLUMNS if c in docs.columns):
        years = read(column)
        if years.notna().sum() > found.notna().sum():
            found = years
    return found


def unparseable(values: pd.Series | list) -> pd.Series:
    """Whether each value was given (not None, NaN or blank) but is not a date :func:`parse_date` reads.

    >>> unparseable(pd.Series(["2022年7月", None, " ", "2022年夏", "2022-02-30"])).tolist()
    [False, False, False, True, True]
    """
    values = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return pd.Series([_given(v) and parse_date(v) is None for v in values], index=values.index, name=values.name, dtype=bool)


def find_dates(text: str, min_precision: Precision = "day") -> list[DateSpan]:
    """The dates written in running text, in order, at ``min_precision`` or finer, each with its offsets.

    Only unmistakable forms count in text: 2022-07-26, 2022/7/26, 2022.7.26 (the day is needed)
    and 2022年7月26日 (the 日 or 号 is needed), 2022年7月, 2022年, in any of the digits
    :func:`parse_date` reads; a time of day right after a full date is part of its span. An
    impossible date is skipped. ``min_precision``: "day" (default; a year in running text is
    rarely a document's date), "month" or "year".

    >>> find_dates("来源：人民日报 2022-07-26 10:30    编辑：李明")
    [DateSpan(start=8, end=24, text='2022-07-26 10:30', iso='2022-07-26')]
    >>> [d.iso for d in find_dates("一九五四年九月召开，2023-2025年规划，2022年2月30日", "year")]
    ['1954-09', '2025']
    """
    if min_precision not in _PRECISIONS:
        raise ValueError(f"`min_precision` must be one of 'year', 'month', 'day'; got {min_precision!r}")
    least = _PRECISIONS.index(min_precision)
    found = []
    for m in _TEXT_RE.finditer(text):
        iso = _from_match(m)
        if iso is not None and iso.count("-") >= least:
            found.append(DateSpan(m.start(), m.end(), m.group(), iso))
    return found


def is_date_alone(line: str) -> bool:
    """Whether a (stripped) line is one date at day precision and nothing else: a signature's date, a dateline.

    >>> is_date_alone("2016年2月26日"), is_date_alone("二〇二三年五月六日"), is_date_alone("2016年2月26日印发"), is_date_alone("")
    (True, True, False, False)
    """
    dates = find_dates(line) if line else []
    return bool(dates) and dates[0].start == 0 and dates[0].end == len(line)


def _given(value: object) -> bool:
    """Whether a value is there at all: not None, NaN, NaT or blank text."""
    if isinstance(value, str):
        return bool(value.strip())
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: given, though not a date
        return True


#: A weekday after a date (2019年2月5日（星期二）, 2019-02-05 周二): read past, as a calendar does.
WEEKDAY_AFTER = re.compile(r"\s*[（(]?\s*(?:星期|礼拜|周)[一二三四五六日天]\s*[）)]?\s*$")
#: A date in the years of the Republic of China (year 1 = 1912), as Taiwan's government pages write them: after 民国,
#: or a three-digit year with - / . (no Gregorian year of the corpora has three digits; a two-digit one is ambiguous).
_ROC_DATE = re.compile(r"(?:中华民国|民国|中華民國|民國)\s*(\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                       r"|(1\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")


@lru_cache(maxsize=65536)
def _parse_text(value: str) -> str | None:
    value = WEEKDAY_AFTER.sub("", value.strip(_STRIP)).strip(_STRIP)
    if (roc := _ROC_DATE.fullmatch(value)) is not None:  # 民国106年3月23日, 106-03-23: the Republic of China's years
        year, month, day = (roc.group(i) or roc.group(i + 3) for i in (1, 2, 3))
        value = f"{int(year) + 1911}-{month}-{day}"
    m = _VALUE_RE.fullmatch(value)
    return None if m is None else _from_match(m)


def _from_match(m: re.Match[str]) -> str | None:
    """The ISO date of a match of the grammar, or None where it is impossible or a time follows no day."""
    parts = m.groupdict()
    for form in "scny":
        if parts.get(f"y{form}") is not None:
            year, month, day = (_number(parts.get(f"{p}{form}")) for p in "ymd")
            break
    if day is None and parts["time"]:
        return None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR or (parts.get(f"m{form}") is not None and month is None):
        return None
    if parts.get(f"d{form}") is not None and day is None:
        return None
    return _iso(year, month, day)


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or None for an impossible date."""
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _number(token: str | None) -> int | None:
    """The value of a year, month or day: Arabic or full-width digits, Chinese digits (二〇二二), or 十-numerals (二十六).

    >>> [_number(t) for t in ["07", "０７", "二〇二二", "七", "十二", "二十六", "廿六", "卅一", "十十"]]
    [7, 7, 2022, 7, 12, 26, 26, 31, None]
    """
    if token is None:
        return None
    token = token.translate(_FULL_WIDTH)
    if re.fullmatch("[0-9]+", token):
        return int(token)
    if all(c in _CN_VALUE for c in token):
        return int("".join(str(_CN_VALUE[c]) for c in token))
    m = re.fullmatch(rf"([{CN_ORDINALS[1:9]}]?)十([{CN_ORDINALS[:9]}]?)|([廿卅])([{CN_ORDINALS[:9]}]?)", token)
    if m is None:
        return None
    tens = (_CN_VALUE[m[1]] if m[1] else 1) if m[3] is None else (2 if m[3] == "廿" else 3)
    ones = m[2] if m[3] is None else m[4]
    return tens * 10 + (_CN_VALUE[ones] if ones else 0)
