"""The sign-off queue (待销号) and the ledger PDF in the browser: a branch submits a problem; the
总支 officer sees "1 个问题待销号" among the to-dos and on the ledger, opens the queue, opens the
problem and signs it off; the queue is then empty; the ledger exports a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.inspection import problem_services as ps
from orglife.inspection import queries
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"  # e2e/conftest.py DEMO_PASSWORD, which login() uses


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user(username="zongzhi03", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    return user


@pytest.fixture
def submitted(demo_data):
    p = ps.problem_create(actor=None, org=Organization.objects.get(code="ZB01"), source="spot_check",
                          description="明察暗访发现主题党日签到走过场")
    m = ps.measure_add(actor=None, problem=p, text="取消形式化签到，改为会后交流", deadline=dt.date(2020, 1, 1))
    ps.measure_complete(actor=None, measure=m, evidence="已整改", done_on=dt.date(2020, 2, 1))
    p.refresh_from_db()
    return ps.problem_submit(actor=None, problem=p)


def test_the_officer_signs_off_from_the_queue(page, officer, submitted, login):
    waiting = queries.signoff_queue(officer).count()  # seed_demo may have submitted problems too
    assert waiting >= 1
    login(page, "zongzhi03")
    page.goto("/me/")
    page.get_by_role("link", name=f"{waiting} 个问题待销号").click()
    expect(page.get_by_role("heading", name="待销号")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="主题党日签到走过场")
    expect(row).to_contain_text("逾期完成")
    expect(row).to_contain_text("已过整改时限")

    page.goto("/orgs/ZZ01/problems/")
    page.get_by_role("button", name="待销号（").click()
    expect(page.get_by_role("heading", name="待销号")).to_be_visible()
    page.get_by_role("link", name="明察暗访发现主题党日签到走过场").click()
    page.get_by_role("button", name="销号", exact=True).click()
    expect(page.locator("h1")).to_contain_text("已销号")
    page.goto("/problems/sign-off/?org=ZB01")
    expect(page.get_by_text("没有待销号的问题")).to_be_visible()

    pdf = page.request.get("/orgs/ZZ01/problems.pdf?source=spot_check")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
