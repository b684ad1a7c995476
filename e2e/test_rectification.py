"""A problem's round trip on the pages: the secretary of ZB01 registers a problem on a phone, adds
a measure, marks it done with evidence and submits it; an officer of 总支 ZZ01 signs it off; the
ledger shows it signed off and fits a phone."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.inspection.models import Problem, ProblemStatus
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"  # e2e/conftest.py DEMO_PASSWORD, which login() uses


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user(username="zongzhi02", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    return user


def test_a_problem_is_rectified_and_signed_off(phone, page, officer, login):
    sec = phone
    login(sec, "shuji")
    sec.goto("/orgs/ZB01/")
    sec.get_by_role("link", name="整改台账").click()
    expect(sec.get_by_role("heading", name="整改台账")).to_be_visible()
    sec.get_by_role("button", name="登记问题").click()
    sec.get_by_label("问题来源").select_option(label="巡察")
    sec.get_by_label("问题描述").fill("组织生活会会前谈心谈话不全覆盖")
    sec.get_by_role("button", name="登记").click()
    expect(sec.get_by_role("heading", name="问题 #")).to_be_visible()

    sec.get_by_label("整改措施").fill("补齐谈心谈话并建立台账")
    sec.get_by_label("整改时限").fill("2030-01-01")
    sec.get_by_role("button", name="添加").click()
    expect(sec.get_by_text("1. 补齐谈心谈话并建立台账")).to_be_visible()
    sec.get_by_label("完成情况").fill("已与全体党员谈话")
    sec.get_by_role("button", name="标记完成").click()
    sec.get_by_role("button", name="提交上级销号").click()
    problem = Problem.objects.get()
    assert problem.status == ProblemStatus.SUBMITTED

    login(page, "zongzhi02")
    page.goto(f"/problems/{problem.pk}/")
    page.get_by_role("button", name="销号", exact=True).click()
    expect(page.locator("h1")).to_contain_text("已销号")

    sec.goto("/orgs/ZB01/problems/")
    row = sec.get_by_role("row").filter(has_text="组织生活会会前谈心谈话")
    expect(row).to_contain_text("已销号")
    box = sec.locator("h1").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
