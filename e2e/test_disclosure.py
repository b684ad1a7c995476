"""党务公开 in the browser: an officer publishes the finalized assessment ranking of a 党总支 to the
public scope from the org page; an anonymous visitor (a new browser context, never logged in)
reads it on the public page; the officer withdraws it with a reason (refused without one) and the
visitor then sees only the withdrawal notice."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from orglife.core.models import AuditEvent, Role
from orglife.evaluation import assessment_services
from orglife.orgs import services
from orglife.orgs.models import OrgKind

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Disclose-e2e-2026"


@pytest.fixture
def run(transactional_db):
    root = services.org_create(actor=None, parent=None, code="GKDW", name="公开测试党委", kind=OrgKind.COMMITTEE,
                               established_on=dt.date(2010, 1, 1))
    top = services.org_create(actor=None, parent=root, code="GKZZ", name="公开测试党总支",
                              kind=OrgKind.GENERAL_BRANCH, established_on=dt.date(2010, 1, 1))
    for code, name in (("GK01", "公开第一党支部"), ("GK02", "公开第二党支部")):
        services.org_create(actor=None, parent=type(top).objects.get(pk=top.pk), code=code, name=name,
                            kind=OrgKind.BRANCH, established_on=dt.date(2010, 1, 1))
    officer = get_user_model().objects.create_user(username="gkofficer", password=PASSWORD)
    services.grant_role(actor=None, user=officer, org=top, role=Role.MANAGER)
    r = assessment_services.run_create(actor=officer, org=top, year=2026, scorecard_key="star-rating@2026.1",
                                       on=dt.date(2027, 1, 15))
    return assessment_services.run_finalize(actor=officer, run=r)


def test_officer_publishes_and_withdraws_visitor_sees(run, page, login, new_context):
    login(page, "gkofficer", PASSWORD)
    page.goto("/orgs/GKZZ/")
    page.get_by_role("link", name="党务公开").click()
    expect(page.get_by_role("heading", name="党务公开")).to_be_visible()
    page.get_by_text("发布公开事项", exact=True).click()
    page.get_by_label("公开事项").select_option(
        label=f"2026年度考核（{timezone.localdate(run.finalized_at):%Y-%m-%d}定级）")
    page.get_by_label("公开（无需登录）").check()
    page.get_by_label(re.compile("标题")).fill("2026年度支部考核评星结果公示")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布")).to_be_visible()
    expect(page.get_by_role("heading", name="2026年度支部考核评星结果公示")).to_be_visible()
    expect(page.get_by_role("cell", name="公开第一党支部")).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto("/public/GKZZ/")
    expect(visitor.get_by_role("heading", name="公开测试党总支 · 党务公开")).to_be_visible()
    visitor.get_by_role("link", name="2026年度支部考核评星结果公示").click()
    expect(visitor.get_by_role("cell", name="公开第一党支部")).to_be_visible()
    expect(visitor.get_by_role("cell", name="公开第二党支部")).to_be_visible()
    public_url = visitor.url
    expect(visitor.get_by_role("link", name="退出")).to_have_count(0)  # nobody is logged in here

    page.get_by_text("撤回", exact=True).click()
    page.get_by_role("button", name="确认撤回").click()
    expect(page.get_by_text("撤回需填写理由")).to_be_visible()
    page.get_by_label("撤回理由").fill("考核结果复核中")
    page.get_by_role("button", name="确认撤回").click()
    expect(page.get_by_text("已撤回", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("撤回，理由：考核结果复核中"))).to_be_visible()
    assert AuditEvent.objects.filter(action__in=["disclosure.publish", "disclosure.withdraw"]).count() == 2

    visitor.goto(public_url)
    expect(visitor.get_by_text(re.compile("撤回，理由：考核结果复核中"))).to_be_visible()
    expect(visitor.get_by_role("cell", name="公开第一党支部")).to_have_count(0)
    visitor.goto("/public/GKZZ/")
    expect(visitor.get_by_text("已撤回")).to_be_visible()
