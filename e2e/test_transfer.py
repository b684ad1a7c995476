"""A transfer inside orglife: the secretary of ZB01 (shuji, on a phone) starts the transfer of a
member to ZB02; the 总支 ZZ01 approves it; the secretary of ZB02 accepts it; the member is on the
ZB02 roster and the sending secretary sees the transfer completed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.orgs import services
from orglife.orgs.models import Member, Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"  # e2e/conftest.py DEMO_PASSWORD, which login() uses


@pytest.fixture
def people(demo_data):
    """The demo has nobody of their own on ZZ01 and ZB02: grant an officer and a secretary."""
    User = get_user_model()
    for username, code in (("zongzhi01", "ZZ01"), ("shuji02", "ZB02")):
        user = User.objects.create_user(username=username, password=PASSWORD)
        services.grant_role(actor=None, user=user, org=Organization.objects.get(code=code), role=Role.MANAGER)


def test_a_transfer_passes_the_route_and_the_receiving_branch_accepts(phone, page, new_context, people, login):
    member = Member.objects.filter(org__code="ZB01", user__isnull=True).order_by("id").first()
    sec = phone

    # The sending secretary starts it from the branch page.
    login(sec, "shuji")
    sec.goto("/orgs/ZB01/")
    sec.get_by_role("link", name="组织关系转接").click()
    sec.get_by_role("button", name="发起转出").click()
    sec.get_by_label("党员").select_option(label=member.name)
    sec.get_by_role("radio", name="本系统内的党组织").check()
    sec.get_by_role("combobox", name=re.compile("接收组织")).fill("ZB02")
    sec.get_by_label("转接原因").fill("工作调动")
    sec.get_by_label("拟转接日期").fill("2026-12-01")
    sec.get_by_role("button", name="发起转出").click()
    expect(sec.locator("#transfer-status")).to_have_text("审批中")
    expect(sec.locator("#route")).to_contain_text("城东第一中学总支部委员会 · 审批")
    assert sec.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone
    sec.goto("/orgs/ZB01/members/")
    expect(sec.get_by_role("row", name=re.compile(member.name))).to_contain_text("转出中")

    # The 总支 officer finds it waiting and approves.
    login(page, "zongzhi01")
    page.goto("/orgs/ZZ01/transfers/")
    page.get_by_role("link", name=member.name).click()
    page.get_by_role("button", name="同意", exact=True).click()
    expect(page.locator("#route")).to_contain_text("已同意")

    # The receiving secretary accepts.
    rec = new_context().new_page()
    login(rec, "shuji02")
    rec.goto("/me/")
    rec.get_by_role("link", name=re.compile("1 个转接待审批")).click()
    rec.get_by_role("link", name=member.name).click()
    rec.get_by_role("button", name="接收", exact=True).click()
    expect(rec.locator("#transfer-status")).to_have_text("已完成")
    rec.goto("/orgs/ZB02/members/")
    expect(rec.get_by_role("link", name=member.name)).to_be_visible()

    # The sending secretary sees it completed, and the member is no longer on ZB01's roster.
    sec.goto("/orgs/ZB01/transfers/?tab=out")
    expect(sec.get_by_role("row", name=re.compile(member.name))).to_contain_text("已完成")
    member.refresh_from_db()
    assert member.org.code == "ZB02"
