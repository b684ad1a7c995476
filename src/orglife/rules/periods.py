"""Calendar periods used by cadences: month 2026-03, quarter 2026-Q1, half 2026-H1, year 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .loader import PERIOD_MONTHS


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str
    every: str

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _label(every: str, year: int, index: int) -> str:
    return {"month": f"{year}-{index:02d}", "quarter": f"{year}-Q{index}", "half": f"{year}-H{index}", "year": f"{year}"}[every]


def periods_of_year(year: int, every: str) -> list[Period]:
    months = PERIOD_MONTHS[every]
    out = []
    for index, first in enumerate(range(1, 13, months), start=1):
        last = first + months - 1
        out.append(Period(dt.date(year, first, 1), month_end(year, last), _label(every, year, index), every))
    return out


def period_of(day: dt.date, every: str) -> Period:
    index = (day.month - 1) // PERIOD_MONTHS[every]
    return periods_of_year(day.year, every)[index]


def parse_period(label: str) -> Period:
    """'2026-03', '2026-Q1', '2026-H1' or '2026' → Period; ValueError otherwise."""
    try:
        if len(label) == 4:
            return periods_of_year(int(label), "year")[0]
        year, rest = label.split("-")
        if rest.startswith("Q"):
            return periods_of_year(int(year), "quarter")[int(rest[1:]) - 1]
        if rest.startswith("H"):
            return periods_of_year(int(year), "half")[int(rest[1:]) - 1]
        return periods_of_year(int(year), "month")[int(rest) - 1]
    except (ValueError, IndexError):
        raise ValueError(f"期间“{label}”无效，应为 2026-03、2026-Q1、2026-H1 或 2026") from None
