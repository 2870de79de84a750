"""Dates: one parser for metadata, text and ordering; ISO at the precision the value has, or None.

The examples are invented, or the opening days of the Party Congresses (the CPC corpus).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from corpus.dates import DateSpan, find_dates, parse_date, parse_dates, unparseable

READ = [
    ("2022-10-16", "2022-10-16"),
    ("2022/10/16", "2022-10-16"),
    ("2022.10.16", "2022-10-16"),
    ("1982-9-1", "1982-09-01"),
    ("2022年10月16日", "2022-10-16"),
    ("2022年10月16号", "2022-10-16"),
    ("2022 年 10 月 16 日", "2022-10-16"),
    ("2017年10月", "2017-10"),
    ("2017-10", "2017-10"),
    ("2017/10", "2017-10"),
    ("2017年", "2017"),
    ("2017", "2017"),
    ("一九六九年四月一日", "1969-04-01"),
    ("一九七○年八月", "1970-08"),  # ○ (a white circle) for 〇, as the CPC reports write it
    ("二〇二二年十月十六日", "2022-10-16"),
    ("一九五六年十月二O日", "1956-10-20"),  # a scan's O or 0 for 〇, in the day as in the year
    ("一九五0年三月二0日", "1950-03-20"),
    ("一九七七年八月十二日", "1977-08-12"),
    ("二〇〇七年十月", "2007-10"),
    ("1954年九月", "1954-09"),
    ("２０２２年１０月１６日", "2022-10-16"),
    ("２０２２－１０－１６", "2022-10-16"),
    ("20221016", "2022-10-16"),
    ("2022-10-16 10:00:00", "2022-10-16"),
    ("2022-10-16T10:00:00+08:00", "2022-10-16"),
    ("2022年10月16日 10:00", "2022-10-16"),
    ("2022年10月16日上午10时", "2022-10-16"),
    ("（2022年10月16日）", "2022-10-16"),
    ("  2012-11-08\u3000", "2012-11-08"),
    ("2022年10月16日 星期日", "2022-10-16"),  # a weekday after the date, as calendars and press releases add it
    ("2019年2月5日（星期二）", "2019-02-05"),
    ("2019-02-05 周二", "2019-02-05"),
]


@pytest.mark.parametrize(("value", "iso"), READ)
def test_a_date_in_any_of_the_forms_is_read_to_iso_at_its_own_precision(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize("value", [
    "2022-02-30", "2023年2月29日", "2022-13-01", "2022年13月", "2022-00", "2022年10月32日",  # impossible
    "22/10/16", "22年10月", "16/10/2022", "10/16/2022",  # two-digit years and day- or month-first: ambiguous
    "2022-10/16", "202210", "3022", "0999", "2022 10:00",  # mixed separators, six digits, no such year, a time with no day
    "2022年秋", "星期日", "十月", "不详", "about 2022",  # words
])  # fmt: skip
def test_a_value_that_is_not_a_date_or_is_ambiguous_is_not_read(value):
    assert parse_date(value) is None
    assert unparseable([value]).tolist() == [True]


def test_dates_as_objects_and_numbers_are_read():
    assert parse_date(pd.Timestamp("2022-10-16 10:00")) == "2022-10-16"
    assert parse_date(dt.datetime(1997, 9, 12, 9, 0)) == "1997-09-12"
    assert parse_date(dt.date(1992, 10, 12)) == "1992-10-12"
    assert parse_date(np.datetime64("2002-11-08")) == "2002-11-08"
    assert [parse_date(v) for v in (2022, np.int64(1987), 2022.0, 20221016)] == ["2022", "1987", "2022", "2022-10-16"]
    assert [parse_date(v) for v in (22, -2022, 2022.5, True, [2022])] == [None] * 5


def test_missing_values_are_none_and_not_unparseable():
    missing = [None, float("nan"), pd.NA, pd.NaT, "", "   "]
    assert [parse_date(v) for v in missing] == [None] * len(missing)
    assert not unparseable(pd.Series(missing, dtype=object)).any()


def test_parse_dates_keeps_the_index_and_name_and_sorts_in_time_order():
    values = pd.Series(["一九七七年八月十二日", "1973/8/24", "2022年10月16日", "1969-4-1", None], index=list("abcde"), name="date")
    iso = parse_dates(values)
    assert iso.index.tolist() == list("abcde") and iso.name == "date"
    assert iso.tolist() == ["1977-08-12", "1973-08-24", "2022-10-16", "1969-04-01", None]
    assert iso.dropna().sort_values().index.tolist() == ["d", "b", "a", "c"]  # as strings, the Chinese numerals sorted last
    assert unparseable(values).tolist() == [False] * 5


def test_dates_in_text_are_found_with_their_offsets():
    text = "大会于2022年10月16日上午10时在北京开幕，会期至10月22日。"
    assert find_dates(text) == [DateSpan(3, 19, "2022年10月16日上午10时", "2022-10-16")]
    assert text[3:19] == "2022年10月16日上午10时"
    header = "来源：新华社　2012-11-08 09:30:00　责任编辑：王某"
    (found,) = find_dates(header)
    assert found.iso == "2012-11-08" and header[found.start : found.end] == "2012-11-08 09:30:00"


def test_in_text_only_unmistakable_forms_count():
    assert find_dates("增长2019.5万人，编号20221016，2019-2020-2021年度，2022年10月1") == []
    assert find_dates("2023年2月29日的数据") == []  # impossible: skipped
    assert [d.iso for d in find_dates("一九七○年八月召开，2023-2025年规划", "month")] == ["1970-08"]
    assert [d.iso for d in find_dates("一九七○年八月召开，2023-2025年规划", "year")] == ["1970-08", "2025"]


def test_find_dates_reads_the_party_congress_reports(cpc_folder):
    text = (cpc_folder / "cpc_20.txt").read_text(encoding="utf-8")
    assert "2022-10-16" in {d.iso for d in find_dates(text)}
    older = (cpc_folder / "cpc_10.txt").read_text(encoding="utf-8")
    assert "1970-08" in {d.iso for d in find_dates(older, "month")}


def test_an_unknown_precision_is_an_error_naming_the_choices():
    with pytest.raises(ValueError, match="`min_precision` must be one of 'year', 'month', 'day'; got 'week'"):
        find_dates("2022年", "week")  # type: ignore[arg-type]
