"""A meeting from start to locked record: the secretary creates and starts a 主题党日 for ZB01 and
shows the QR code; two members sign in on their phones; the host's screen counts them (htmx
polling); the secretary completes the record, submits it and sees it locked."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.meetings import signin
from orglife.meetings.models import Attendance, Meeting
from orglife.orgs import services as org_services

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "orglife-demo-2026"  # as e2e/conftest.py and seed_demo
PHONE = {"width": 375, "height": 812}


def current_signin_url(meeting) -> str:
    """The URL the QR code shows now, taken well inside its window (never at its edge)."""
    seconds = signin.window_seconds(meeting)
    if seconds - time.time() % seconds < 3:
        time.sleep(seconds - time.time() % seconds + 0.2)
    return signin.signin_path(meeting)


def second_member_account(meeting) -> str:
    """A second ZB01 member with a login (as grant_role would link one)."""
    row = (
        Attendance.objects.filter(meeting=meeting, member__user__isnull=True)
        .select_related("member")
        .order_by("id")
        .first()
    )
    user = get_user_model().objects.create_user("dangyuan2", password=DEMO_PASSWORD)
    org_services.member_link_user(actor=None, member=row.member, user=user)
    return "dangyuan2"


def test_members_sign_in_by_qr_and_the_secretary_locks_the_record(
    page, phone, new_context, demo_data, login
):
    # The secretary creates the meeting and starts it.
    login(page, "shuji")
    page.goto("/orgs/ZB01/meetings/")
    page.get_by_role("link", name="新建会议").click()
    expect(page.get_by_role("heading", name="新建会议")).to_be_visible()
    expect(page.get_by_label("主题党日")).to_be_checked()
    page.get_by_label("主题", exact=True).fill("学习贯彻全会精神主题党日")
    page.get_by_label("地点").fill("高中部党员活动室")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="学习贯彻全会精神主题党日")).to_be_visible()
    page.get_by_role("button", name="开始会议").click()
    expect(page.get_by_role("heading", name="扫码签到")).to_be_visible()
    expect(page.locator("svg.qr")).to_be_visible()
    meeting = Meeting.objects.get(topic="学习贯彻全会精神主题党日")
    due = meeting.attendance.count()
    expect(page.locator("#present")).to_have_text("0")
    expect(page.locator("#due")).to_have_text(str(due))

    # Two members sign in on their phones.
    other = second_member_account(meeting)
    second = new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    ).new_page()
    for member_page, username in ((phone, "dangyuan"), (second, other)):
        login(member_page, username)
        member_page.goto(current_signin_url(meeting))
        expect(member_page.get_by_role("heading", name="签到成功")).to_be_visible()
        assert member_page.evaluate("document.documentElement.scrollWidth") <= 375
    # Scanning again is refused politely.
    phone.goto(current_signin_url(meeting))
    expect(phone.locator("#signin-message")).to_have_text("您已签到，无需重复签到")
    assert Attendance.objects.filter(meeting=meeting, status="present", method="qr").count() == 2

    # The host's screen picks the count up by itself (htmx polls every 5 s).
    expect(page.locator("#present")).to_have_text("2", timeout=15_000)

    # The secretary completes the record, submits it and sees it locked.
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("button", name="填写纪实").click()
    present = list(Attendance.objects.filter(meeting=meeting, status="present").order_by("id"))
    page.get_by_label("主持人").select_option(str(present[0].member_id))
    page.get_by_label("记录人").select_option(str(present[1].member_id))
    page.get_by_label("会议记录").fill("书记领学全会公报，党员逐一交流学习体会。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    page.get_by_role("button", name="提交并锁定").click()
    expect(page.locator("#status")).to_contain_text("已锁定")
    expect(page.get_by_role("button", name="更正")).to_be_visible()
    expect(page.get_by_role("button", name="提交并锁定")).to_have_count(0)
    expect(page.locator("#quorum")).to_contain_text(f"应到 {due} 人")
    expect(page.locator("#present-count")).to_have_text("2")
    meeting.refresh_from_db()
    assert meeting.is_locked
    assert re.search(r"/meetings/\d+/$", page.url)
