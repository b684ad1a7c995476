"""Dates and text as people type them or paste them from Excel."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.core.text import (
    EXCEL_EPOCH,
    DateParseError,
    format_date,
    normalize,
    parse_date,
    squeeze,
)

JULY_1 = dt.date(2021, 7, 1)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


# ---------------------------------------------------------------- normalize / squeeze


def test_it_normalises_full_width_text_and_trims():
    assert normalize("\u3000１２３ＡＢ\u3000") == "123AB"
    assert normalize(None) == ""
    assert normalize(12) == "12"


def test_it_squeezes_inner_spaces():
    assert squeeze(" 张 三\u3000") == "张三"
    assert squeeze("1 2\t3\n4") == "1234"


# ---------------------------------------------------------------- Excel serials and cells


def test_it_reads_an_excel_serial_int():
    assert serial(JULY_1) == 44378
    assert parse_date(44378) == JULY_1


def test_it_reads_an_excel_serial_float_ignoring_the_time_of_day():
    assert parse_date(44378.0) == JULY_1
    assert parse_date(44378.75) == JULY_1


@pytest.mark.parametrize("text", ["44378", "44378.0", " 44378 ", "４４３７８"])
def test_it_reads_a_serial_that_arrived_as_text(text):
    assert parse_date(text) == JULY_1


def test_it_reads_the_first_serials():
    assert parse_date(1) == dt.date(1899, 12, 31)
    assert parse_date(61) == dt.date(1900, 3, 1)  # after Excel's phantom 1900-02-29


@pytest.mark.parametrize("value", [0, -1, 2958466, 10**9, float("nan"), float("inf"), -0.5])
def test_it_refuses_serials_out_of_range(value):
    with pytest.raises(DateParseError, match="无法识别的日期"):
        parse_date(value)


def test_it_does_not_take_a_boolean_for_a_serial():
    with pytest.raises(DateParseError, match="无法识别的日期"):
        parse_date(True)


def test_it_reads_date_and_datetime_cells():
    assert parse_date(JULY_1) == JULY_1
    moment = dt.datetime(2021, 7, 1, 15, 30)
    result = parse_date(moment)
    assert result == JULY_1
    assert type(result) is dt.date


# ---------------------------------------------------------------- text formats


@pytest.mark.parametrize(
    "text",
    [
        "2021.7.1",
        "2021/7/1",
        "2021年7月1日",
        "2021年7月1",
        "2021-07-01",
        "2021-7-1",
        "2021.07.01",
        "20210701",
        "２０２１年７月１日",
        "２０２１－０７－０１",
        " 2021 年 7 月 1 日 ",
        "2021-07-01T00:00:00",
        "2021-07-01 00:00:00",  # str(datetime) pasted as text
        "2021-07-01 00:00",
    ],
)
def test_it_reads_the_formats_people_write(text):
    assert parse_date(text) == JULY_1


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "\t\n"])
def test_it_returns_none_for_blanks(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "2021",
        "7/1/2021",
        "2021-07",
        "2021年7月",
        "二〇二一年七月一日",
        "2021-07-01 12:30",
        "0",
    ],
)
def test_it_refuses_garbage_with_a_hint(value):
    with pytest.raises(DateParseError) as exc:
        parse_date(value)
    message = str(exc.value)
    assert message.startswith("无法识别的日期：")
    assert "2021年7月1日" in message


@pytest.mark.parametrize(
    "value", ["2021-02-29", "20210230", "2021.13.1", "2021年4月31日", "1900/2/29", "2021-00-10"]
)
def test_it_refuses_impossible_dates(value):
    with pytest.raises(DateParseError) as exc:
        parse_date(value)
    assert str(exc.value) == f"日期不存在：{value}"


def test_date_parse_error_is_a_value_error():
    assert issubclass(DateParseError, ValueError)


def test_it_accepts_a_real_leap_day():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date("2000年2月29日") == dt.date(2000, 2, 29)


# ---------------------------------------------------------------- round trips

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def textual_forms(d: dt.date) -> list[str]:
    forms = [
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y-%m-%d}",
        f"{d:%Y%m%d}",
        f"{d.year}-{d.month}-{d.day}",
        f"{d:%Y.%m.%d}",
        f"{d:%Y/%m/%d}",
        f"{d:%Y-%m-%d} 00:00:00",
        format_date(d),
    ]
    return forms + [f.translate(FULL_WIDTH) for f in forms]


@given(dates)
def test_every_textual_form_round_trips(d):
    for text in textual_forms(d):
        assert parse_date(text) == d, text


@given(dates)
def test_the_excel_serial_round_trips(d):
    n = serial(d)
    assert parse_date(n) == d
    assert parse_date(float(n)) == d
    assert parse_date(n + 0.5) == d
    if 10000 <= n <= 99999:  # five-digit serials (1927-05-18 onward) are also read from text
        assert parse_date(str(n)) == d


@given(dates)
def test_format_date_writes_chinese(d):
    assert format_date(d) == f"{d.year}年{d.month}月{d.day}日"


def test_format_date_of_none_is_empty():
    assert format_date(None) == ""


@pytest.mark.parametrize("raw,default,expected", [("2026", None, 2026), ("２０２６", None, 2026), ("", 2025, 2025),
                                                   ("abc", None, None), ("1999", 7, 7), ("2101", None, None)])
def test_parse_year(raw, default, expected):
    from orglife.core.text import parse_year
    assert parse_year(raw, default) == expected
