# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""What moves with the member on acceptance, through the pages: the receiving branch sees the
dues paid-up-to month and history (real dues payments); the sending branch can no longer edit the
member, while its past meeting records still list them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.dues import rules
from orglife.dues import services as dues
from orglife.meetings import services as meetings
from orglife.orgs import transfer_services
from orglife.orgs.models import Member

from .transfer_fixtures import start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def month(n: int) -> dt.date:
    return rules.add_months(rules.month_start(timezone.localdate()), -n)


@pytest.fixture
def paid(world):
    """王五 (ZB1): retired 3000 → 15.00 a month from 6 months ago, paid for the first four of them."""
    m = Member.objects.get(pk=world.demo.m2.pk)
    dues.profile_set(actor=None, member=m, category="retired", base="3000", effective_month=month(6))
    dues.payment_record(actor=None, member=m, months=[month(i) for i in (6, 5, 4, 3)], paid_on=timezone.localdate(),
                        method="cash")
    return m


def test_paid_up_to_is_the_dues_ledgers(world, paid):
    assert transfer_services.dues_paid_up_to(paid) == month(3)


def test_after_acceptance_the_receiving_branch_has_the_member_and_their_records(client, world, paid):
    demo = world.demo
    meeting = meetings.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=["theme_day"], topic="十月主题党日",
                                      held_at=timezone.now() - dt.timedelta(days=3))
    meetings.meeting_start(actor=demo.secretary, meeting=meeting)
    t = start(demo, member=paid)
    # While in progress: 转出中 on the sending roster and on the member's page.
    client.force_login(demo.secretary)
    assert "转出中" in client.get(reverse("roster", args=["ZB1"])).content.decode()
    assert "转出中" in client.get(reverse("member_detail", args=[paid.pk])).content.decode()
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    client.force_login(world.sec2)
    client.post(reverse("transfer_accept", args=[t.pk]))
    t.refresh_from_db()
    assert t.paid_up_to == month(3)

    # The receiving secretary: the member's page, the dues page with the paid-up-to month and the
    # four payments, and the transfer's page.
    assert client.get(reverse("member_detail", args=[paid.pk])).status_code == 200
    assert client.get(reverse("member_edit", args=[paid.pk])).status_code == 200
    r = client.get(reverse("dues_member", args=[paid.pk]))
    assert r.status_code == 200
    assert f"{month(3):%Y年%-m月}" in r.content.decode()
    assert f"{month(3):%Y年%-m月}" in client.get(reverse("transfer_detail", args=[t.pk])).content.decode()
    assert "王五" in client.get(reverse("roster", args=["ZB2"])).content.decode()

    # The sending secretary: no longer edits (nor reads) the member, still sees the transfer and
    # the past meeting record listing them.
    client.force_login(demo.secretary)
    assert client.get(reverse("member_edit", args=[paid.pk])).status_code == 403
    assert client.get(reverse("dues_member", args=[paid.pk])).status_code == 403
    assert client.get(reverse("transfer_detail", args=[t.pk])).status_code == 200
    r = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert r.status_code == 200 and "王五" in r.content.decode()
    roster = client.get(reverse("roster", args=["ZB1"])).content.decode()
    assert "王五" not in roster and "转出中" not in roster


def test_the_letter_prints_the_paid_up_to_month(client, world, paid):
    demo = world.demo
    t = start(demo, member=paid, outside="某市某局机关党委")
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    transfer_services.transfer_approve(actor=demo.admin, transfer=t)
    assert t.paid_up_to == month(3)
