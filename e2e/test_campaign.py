"""A self-inspection campaign on the pages: an officer of 总支 ZZ01 launches one with the shipped
branch standardization checklist; the secretary of ZB01 answers on a phone (automatic items
already answered, with their evidence links) and reports a problem, which appears in the ledger;
the officer sees the branch's progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.inspection.models import Answer, Campaign, Checklist
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user(username="zongzhi03", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    assert Checklist.objects.filter(code="branch_standardization").exists()  # seed_demo loads it
    return user


def test_a_campaign_is_launched_answered_and_its_problem_reaches_the_ledger(phone, page, officer, login):
    login(page, "zongzhi03")
    page.goto("/orgs/ZZ01/")
    page.get_by_role("link", name="自查活动").click()
    page.get_by_label("活动名称").fill("2026年党支部标准化自查")
    page.get_by_label("检查清单").select_option(index=1)
    today = timezone.localdate()
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("截止日期").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="发起").click()
    expect(page.get_by_role("heading", name="各组织进度")).to_be_visible()
    campaign = Campaign.objects.get()

    sec = phone
    login(sec, "shuji")
    sec.goto(f"/campaigns/{campaign.pk}/")
    sec.get_by_role("link", name="作答").first.click()
    expect(sec.get_by_text("系统自动核查").first).to_be_visible()
    talks = sec.locator("article", has_text="life.talks")
    talks.get_by_label("有问题").check()
    talks.get_by_label("问题描述 / 情况说明").fill("两名委员之间本年未开展谈心谈话")
    sec.get_by_role("button", name="保存作答").click()
    expect(sec.get_by_text("已登记问题").first).to_be_visible()

    sec.goto("/orgs/ZB01/problems/")
    expect(sec.get_by_role("row").filter(has_text="两名委员之间本年未开展谈心谈话")).to_contain_text("自查")

    zb01 = Organization.objects.get(code="ZB01")
    answered = Answer.objects.filter(campaign=campaign, org=zb01).count()
    assert answered == campaign.checklist.items.filter(auto__gt="").count() + 1
    page.goto(f"/campaigns/{campaign.pk}/")
    row = page.get_by_role("row").filter(has_text=zb01.name)
    expect(row).to_contain_text(f"{answered}/{campaign.checklist.items.count()}")
