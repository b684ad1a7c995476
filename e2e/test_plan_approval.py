"""The annual plan's approval round trip: the secretary of ZB01 generates the 2027 plan on a phone
and submits it; an officer of 总支 ZZ01 returns it (要素不全, with text); the secretary sees the
reason, edits an item and resubmits; the officer approves. The history shows both rounds."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.meetings.models import AnnualPlan, PlanStatus
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"  # e2e/conftest.py DEMO_PASSWORD, which login() uses
COMMENT = "缺少党课主讲人和学习篇目"
NEW_TOPIC = "1月主题党日暨支部党员大会、党课（书记讲党课：学习党章）"


@pytest.fixture
def officer(demo_data):
    """Nobody but admin manages ZZ01 in the demo: grant a 总支 officer for the test."""
    user = get_user_model().objects.create_user(username="zongzhi01", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    return user


def test_it_returns_and_approves_a_plan_over_two_rounds(phone, page, officer, login):
    branch = Organization.objects.get(code="ZB01")
    sec = phone

    # The secretary generates the plan from the branch's rules and submits it.
    login(sec, "shuji")
    sec.goto("/orgs/ZB01/plans/")
    expect(sec.get_by_role("heading", name="年度计划")).to_be_visible()
    sec.get_by_label("年度", exact=True).fill("2027")
    sec.get_by_label("主题党日（每月几日）").fill("15")
    sec.get_by_role("button", name="生成计划").click()
    expect(sec).to_have_url(re.compile(r"/orgs/ZB01/plans/2027/$"))
    expect(sec.get_by_text("1月主题党日暨支部党员大会、党课", exact=True)).to_be_visible()
    expect(sec.get_by_text("2027年度组织生活会", exact=True)).to_be_visible()
    assert sec.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone
    sec.get_by_role("button", name="提交上级审批").click()
    expect(sec.locator("#plan-status")).to_have_text("待审批")

    # The officer above finds it in the queue and returns it.
    login(page, "zongzhi01")
    page.goto("/plans/pending/")
    page.get_by_role("link", name=branch.name).click()
    expect(page.get_by_role("heading", name=re.compile("2027年度计划"))).to_be_visible()
    page.get_by_role("button", name="退回").click()
    page.get_by_label("要素不全").check()
    page.get_by_label("具体意见").fill(COMMENT)
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator("#plan-status")).to_have_text("已退回")

    # The secretary sees why, edits the January item and resubmits.
    sec.reload()
    notice = sec.get_by_role("article", name="退回意见")
    expect(notice).to_contain_text("要素不全")
    expect(notice).to_contain_text(COMMENT)
    sec.get_by_role("link", name="修改 1月主题党日暨支部党员大会、党课").click()
    sec.get_by_label("主题", exact=True).fill(NEW_TOPIC)
    sec.get_by_role("button", name="保存").click()
    expect(sec.get_by_text(NEW_TOPIC, exact=True)).to_be_visible()
    sec.get_by_role("button", name="重新提交审批").click()
    expect(sec.locator("#plan-status")).to_have_text("待审批")

    # The officer approves the second round.
    page.goto("/plans/pending/")
    page.get_by_role("link", name=branch.name).click()
    page.get_by_label("审批意见").fill("同意")
    page.get_by_role("button", name="批准").click()
    expect(page.locator("#plan-status")).to_have_text("已批准")

    # Both rounds are in the history, each with what was submitted.
    history = page.get_by_role("region", name="审批记录")
    first, second = history.get_by_role("article", name="第 1 轮"), history.get_by_role("article", name="第 2 轮")
    expect(first).to_contain_text("退回")
    expect(first).to_contain_text("要素不全")
    expect(first).to_contain_text(COMMENT)
    expect(second).to_contain_text("批准")
    expect(second).to_contain_text("同意")
    second.get_by_text("提交时的计划").click()
    expect(second.get_by_role("cell", name=NEW_TOPIC, exact=True)).to_be_visible()

    plan = AnnualPlan.objects.get(org=branch, year=2027)
    assert (plan.status, plan.round) == (PlanStatus.APPROVED, 2)
    assert [r.action for r in plan.reviews.all()] == ["submit", "return", "submit", "approve"]
