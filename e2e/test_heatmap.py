"""An officer's heat map: a branch's theme day this month is due, and met once a theme-day meeting
is recorded and submitted (entered straight into the tables: the record pages are tested on
their own)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orglife.meetings.models import Meeting, MeetingKind, MeetingStatus
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def submit_theme_day(org: Organization, day: dt.date) -> Meeting:
    held_at = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 30)))
    meeting = Meeting.objects.create(
        org=org, status=MeetingStatus.SUBMITTED, held_at=held_at, held_on=day, topic="主题党日：集中学习",
        minutes="集中学习并讨论。", submitted_at=timezone.now(),
    )
    MeetingKind.objects.create(meeting=meeting, kind="theme_day", org=org, held_on=day, counted=True)
    return meeting


def test_a_theme_day_turns_from_due_to_met(page, demo_data, login):
    today = timezone.localdate()
    branch = Organization.objects.get(code="ZB04")
    MeetingKind.objects.filter(org=branch, kind="theme_day", held_on__year=today.year,
                               held_on__month=today.month).delete()

    login(page, "zongzhi")
    page.goto(f"/orgs/ZZ02/compliance/?year={today.year}&kind=theme_day")
    expect(page.get_by_role("heading", name=f"{today.year}年组织生活完成情况")).to_be_visible()
    cell = page.locator(f'td[data-org="ZB04"][data-month="{today.month}"]')
    expect(cell).to_have_attribute("data-status", "due")
    expect(page.locator("#heatmap canvas")).to_have_count(1)  # ECharts drew the heat map
    expect(page.get_by_text(Organization.objects.get(code="ZB01").name)).to_have_count(0)  # not theirs

    meeting = submit_theme_day(branch, today)
    page.reload()
    expect(cell).to_have_attribute("data-status", "met")

    # The drill-down explains it and links the counted meeting.
    cell.get_by_role("link").click()
    row = page.locator(f'tr[data-kind="主题党日"][data-period="{today:%Y-%m}"]')
    expect(row).to_have_attribute("data-status", "met")
    expect(row.get_by_role("link", name=f"会议{meeting.pk}")).to_be_visible()


def test_the_table_fits_a_phone(phone, demo_data, login):
    today = timezone.localdate()
    login(phone, "zongzhi")
    phone.goto(f"/orgs/ZZ02/compliance/?year={today.year}")
    expect(phone.locator("#heatmap")).to_be_hidden()  # the chart gives way to the table
    last = phone.locator('td[data-org="ZB05"][data-month="12"]')
    expect(last).to_be_visible()
    box = last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
