"""考核评星 in the browser: an officer of a 党总支 runs the year's assessment of its branches from
the org page, opens one branch's explained score, tries an adjustment without a reason (refused,
input kept), adjusts it with a reason (the total and the line change, an audit event is written),
enters the survey, and finalizes (then the page is read-only)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.core.models import AuditEvent, Role
from orglife.evaluation.scorecard_models import AssessmentRun, RunStatus
from orglife.orgs import services
from orglife.orgs.models import OrgKind

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Assess-e2e-2026"


@pytest.fixture
def tree(transactional_db):
    root = services.org_create(actor=None, parent=None, code="KPDW", name="考评测试党委", kind=OrgKind.COMMITTEE,
                               established_on=dt.date(2010, 1, 1))
    top = services.org_create(actor=None, parent=root, code="KPZZ", name="考评测试党总支", kind=OrgKind.GENERAL_BRANCH,
                              established_on=dt.date(2010, 1, 1))
    for code, name in (("KP01", "考评第一党支部"), ("KP02", "考评第二党支部")):
        services.org_create(actor=None, parent=type(top).objects.get(pk=top.pk), code=code, name=name,
                            kind=OrgKind.BRANCH, established_on=dt.date(2010, 1, 1))
    officer = get_user_model().objects.create_user(username="kpofficer", password=PASSWORD)
    services.grant_role(actor=None, user=officer, org=top, role=Role.MANAGER)
    return top


def test_officer_runs_adjusts_and_finalizes(tree, page, login):
    year = dt.date.today().year
    login(page, "kpofficer", PASSWORD)
    page.goto("/orgs/KPZZ/")
    page.get_by_role("link", name="考核评星").click()
    page.get_by_text("发起考核", exact=True).first.click()
    page.get_by_label("考核年度").fill(str(year))
    page.get_by_role("button", name="发起考核").click()
    expect(page.get_by_role("heading", name=re.compile(f"{year}年度考核评星"))).to_be_visible()
    expect(page.get_by_text("已计算2个党组织的考核得分")).to_be_visible()
    expect(page.get_by_role("cell", name="考评第一党支部")).to_be_visible()

    page.get_by_role("link", name="考评第一党支部").click()
    expect(page.get_by_role("heading", name="考评第一党支部")).to_be_visible()
    before = page.locator("#total").inner_text()
    row = page.locator("#line-meetings")
    expect(row).to_contain_text("三会一课落实率")
    row.get_by_text("调整分数").click()
    row.get_by_label("调整后得分").fill("1.5")
    row.get_by_role("button", name="保存").click()
    row = page.locator("#line-meetings")
    expect(row.get_by_text("调整分数必须填写理由")).to_be_visible()
    expect(row.get_by_label("调整后得分")).to_have_value("1.5")  # what was typed is kept
    row.get_by_label("调整理由").fill("三次支委会记录缺少签到")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存并重新计算")).to_be_visible()
    row = page.locator("#line-meetings")
    expect(row.locator(".points")).to_contain_text("1.50")
    expect(row).to_contain_text("三次支委会记录缺少签到")
    assert page.locator("#total").inner_text() != before
    assert AuditEvent.objects.filter(action="assessment.adjust").count() == 1

    survey = page.locator("#line-survey")
    survey.get_by_text("录入群众满意度").click()
    survey.get_by_label("满意度（0–100）").fill("96")
    survey.get_by_role("button", name="保存").click()
    expect(page.locator("#line-survey")).to_contain_text("群众满意度96")

    page.get_by_role("link", name=f"{year}年度考核评星").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="确认定级").click()
    expect(page.get_by_text("已定级，考核结果不再修改")).to_be_visible()
    expect(page.get_by_role("button", name="确认定级")).to_have_count(0)
    assert AssessmentRun.objects.get().status == RunStatus.FINAL
    page.get_by_role("link", name="考评第一党支部").click()
    expect(page.get_by_text("调整分数")).to_have_count(0)  # read-only now
