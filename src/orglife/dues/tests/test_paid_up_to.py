"""queries.paid_up_to: the last month paid without a gap, counted from the first dues month."""

import datetime as dt

import pytest

from orglife.dues import queries, services
from orglife.dues.models import ReliefKind

TODAY = dt.date(2026, 11, 30)
pytestmark = pytest.mark.django_db


def months(*pairs):
    return [dt.date(y, m, 1) for y, m in pairs]


def setup_profile(member, month=dt.date(2026, 1, 1)):
    return services.profile_set(actor=None, member=member, category="salaried", base="4000",
                                effective_month=month, today=TODAY)


def pay(member, *pairs, prepay=False):
    return services.payment_record(actor=None, member=member, months=months(*pairs), paid_on=TODAY,
                                   method="cash", prepay=prepay, today=TODAY)


def test_it_is_none_without_a_profile(demo):
    assert queries.paid_up_to(demo.m1) is None


def test_it_is_none_when_the_first_month_is_unpaid(demo):
    setup_profile(demo.m1, dt.date(2026, 5, 1))
    pay(demo.m1, (2026, 6))
    assert queries.paid_up_to(demo.m1) is None


def test_it_is_the_last_month_of_the_unbroken_run(demo):
    setup_profile(demo.m1, dt.date(2026, 5, 1))
    pay(demo.m1, (2026, 5), (2026, 6), (2026, 7), (2026, 9))
    assert queries.paid_up_to(demo.m1) == dt.date(2026, 7, 1)


def test_prepaid_months_count(demo):
    setup_profile(demo.m1, dt.date(2026, 6, 1))
    pay(demo.m1, (2026, 6), (2026, 7), (2026, 8), (2026, 9), (2026, 10), (2026, 11))
    pay(demo.m1, (2026, 12), (2027, 1), (2027, 2), prepay=True)
    assert queries.paid_up_to(demo.m1) == dt.date(2027, 2, 1)


def test_an_approved_exemption_settles_its_months(demo, django_user_model):
    setup_profile(demo.m1, dt.date(2026, 6, 1))
    pay(demo.m1, (2026, 6))
    relief = services.relief_propose(actor=None, member=demo.m1, kind=ReliefKind.EXEMPTION,
                                     start_month=dt.date(2026, 7, 1), end_month=dt.date(2026, 8, 1), reason="重病住院")
    pay(demo.m1, (2026, 9))
    assert queries.paid_up_to(demo.m1) == dt.date(2026, 6, 1)  # proposed is not approved
    services.relief_decide(actor=None, relief=relief, approve=True)
    assert queries.paid_up_to(demo.m1) == dt.date(2026, 9, 1)


def test_it_returns_a_date_on_the_first_of_the_month(demo):
    setup_profile(demo.m1, dt.date(2026, 6, 15))
    pay(demo.m1, (2026, 6))
    result = queries.paid_up_to(demo.m1)
    assert isinstance(result, dt.date) and result.day == 1
