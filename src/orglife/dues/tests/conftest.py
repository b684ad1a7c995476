"""Dues fixtures on top of the shared demo tree: profiles for the ZB1 and ZB3 members and a few
paid months, relative to today (views read the real clock)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orglife.dues import rules, services


def months_ago(n: int, today: dt.date | None = None) -> dt.date:
    return rules.add_months(rules.month_start(today or timezone.localdate()), -n)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def dues(demo, today):
    """m1 (李四, ZB1) salaried 4000 → 40.00, paid for the last 5 months and this one; m2 (王五,
    ZB1) retired 3000 → 15.00, nothing paid for 8 months; m3 (赵六, ZB3) student."""
    start = months_ago(8, today)
    services.profile_set(actor=None, member=demo.m1, category="salaried", base="4000", effective_month=start, today=today)
    services.profile_set(actor=None, member=demo.m2, category="retired", base="3000", effective_month=start, today=today)
    services.profile_set(actor=None, member=demo.m3, category="student", effective_month=start, today=today)
    services.payment_record(actor=None, member=demo.m1, months=[months_ago(i, today) for i in range(0, 6)],
                            paid_on=today, method="cash", today=today)
    return demo
