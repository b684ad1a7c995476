"""Normalising what people type or paste from Excel."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

WHITESPACE = re.compile(r"\s+")


def normalize(value) -> str:
    """NFKC (full-width digits, letters and spaces become ASCII), trimmed; None → ""."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


def squeeze(value) -> str:
    """normalize() and drop every inner space (Chinese names and ID numbers have none)."""
    return WHITESPACE.sub("", normalize(value))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (accounting for its 1900 leap-year bug)


class DateParseError(ValueError):
    pass


def parse_date(value) -> dt.date | None:
    """Dates as Excel and people write them: date cells, serial numbers, 2021.7.1, 2021/7/1,
    2021年7月1日, 2021-07-01, 20210701. Empty → None; anything else raises DateParseError."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # serials up to 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DateParseError(f"无法识别的日期：{value}")
    # Drop a midnight time ("2021-07-01 00:00:00", as str(datetime) writes it) before squeeze()
    # removes the space that separates it from the date.
    text = squeeze(re.sub(r"[T\s]+00:00(:00)?$", "", normalize(value)))
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # a serial that arrived as text
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise DateParseError(f"日期不存在：{value}") from None
    raise DateParseError(f"无法识别的日期：{value}（可写作 2021-07-01、2021.7.1、2021/7/1 或 2021年7月1日）")


def format_date(value: dt.date | None) -> str:
    return f"{value:%Y年%-m月%-d日}" if value else ""


YEAR_MIN, YEAR_MAX = 2000, 2100  # the years a page or report may be asked for


def parse_year(raw, default: int | None = None) -> int | None:
    """A year from a query string ('2026', full-width digits too); default when blank, not a
    number, or outside YEAR_MIN..YEAR_MAX."""
    text = squeeze(raw)
    if not text.isdigit():
        return default
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else default
