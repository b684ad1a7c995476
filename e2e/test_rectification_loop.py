"""The whole self-inspection loop in one journey (issue #4): an officer of 总支 ZZ01 launches a
campaign; the secretary of ZB01 answers on a phone and a problem appears; a measure is added; its
deadline passes (moved into the past through the ORM: no sleeping) and it shows 逾期 on the problem
page and in the branch's to-do list; evidence is uploaded with the measure marked done and the
problem submitted; the officer signs it off (销号); a 回头看 reopens it as a linked follow-up; the
officer then closes the campaign and sees its final results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.inspection import campaign_services
from orglife.inspection.models import Campaign, Checklist, Measure, Problem, ProblemStatus
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"  # e2e/conftest.py DEMO_PASSWORD, which login() uses
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user(username="zongzhi05", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    return user


def test_campaign_to_sign_off_and_back_again(phone, page, officer, login):
    today = timezone.localdate()
    checklist = Checklist.objects.filter(code="branch_standardization").latest("loaded_at")

    # The officer launches the campaign.
    login(page, "zongzhi05")
    page.goto("/orgs/ZZ01/")
    page.get_by_role("link", name="自查活动").click()
    page.get_by_label("活动名称").fill("2026年党支部标准化自查（回头看）")
    page.get_by_label("检查清单").select_option(label=str(checklist))
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("截止日期").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="发起").click()
    expect(page.get_by_role("heading", name="各组织进度")).to_be_visible()
    campaign = Campaign.objects.get()

    # The branch secretary answers on a phone: a problem is registered.
    sec = phone
    login(sec, "shuji")
    sec.goto(f"/campaigns/{campaign.pk}/")
    sec.get_by_role("link", name="作答").first.click()
    talks = sec.locator("article", has_text="life.talks")
    talks.get_by_label("有问题").check()
    talks.get_by_label("问题描述 / 情况说明").fill("支委之间本年未开展谈心谈话")
    sec.get_by_role("button", name="保存作答").click()
    sec.locator("article", has_text="life.talks").get_by_role("link", name="#").click()
    expect(sec.locator("h1")).to_contain_text("待整改")
    problem = Problem.objects.get(description__startswith="支委之间本年未开展谈心谈话")

    # A measure is added; its deadline passes.
    sec.get_by_label("整改措施").fill("支委之间逐一开展谈心谈话并记录")
    sec.get_by_label("整改时限").fill((today + dt.timedelta(days=10)).isoformat())
    sec.get_by_role("button", name="添加").click()
    expect(sec.get_by_text("1. 支委之间逐一开展谈心谈话并记录")).to_be_visible()
    past = today - dt.timedelta(days=3)
    Measure.objects.filter(problem=problem).update(deadline=past)
    Problem.objects.filter(pk=problem.pk).update(deadline=past)
    sec.reload()
    expect(sec.locator("h1")).to_contain_text("已逾期")
    sec.goto("/orgs/ZB01/todos/")
    overdue = sec.locator("article", has_text="逾期的整改措施")
    expect(overdue).to_contain_text("支委之间逐一开展谈心谈话")
    overdue.get_by_role("link", name="支委之间逐一开展谈心谈话").click()

    # Evidence is uploaded with the measure marked done; the problem is submitted.
    sec.get_by_label("完成情况").fill("已与3名支委逐一谈话，记录附后")
    sec.get_by_label("佐证材料").set_input_files({"name": "谈话记录.pdf", "mimeType": "application/pdf", "buffer": PDF})
    sec.get_by_role("button", name="标记完成").click()
    expect(sec.get_by_role("link", name="谈话记录.pdf")).to_be_visible()
    sec.get_by_role("button", name="提交上级销号").click()
    expect(sec.locator("h1")).to_contain_text("待销号")

    # The officer signs it off, then a 回头看 reopens it as a linked follow-up.
    page.goto(f"/problems/{problem.pk}/")
    page.get_by_role("button", name="销号", exact=True).click()
    expect(page.locator("h1")).to_contain_text("已销号")
    page.get_by_label("回头看发现的问题").fill("回头看发现谈话记录流于形式")
    page.get_by_role("button", name="重新整改").click()
    expect(page.locator("h1")).to_contain_text("待整改")  # the follow-up's page
    follow_up = Problem.objects.get(follows=problem)
    expect(page.locator("h1")).to_contain_text(f"问题 #{follow_up.pk}")
    page.get_by_role("link", name=f"问题 #{problem.pk}").click()
    expect(page.locator("h1")).to_contain_text("回头看重新整改")
    expect(page.get_by_role("link", name=f"问题 #{follow_up.pk}")).to_be_visible()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SIGNED_OFF and problem.reopened_at is not None

    # The officer closes the campaign: final results, no more answers.
    page.goto(f"/campaigns/{campaign.pk}/")
    zb01 = next(r for r in campaign_services.campaign_summary(campaign).rows if r.org.code == "ZB01")
    assert zb01.problems == 1 and zb01.score is not None
    expect(page.get_by_role("row").filter(has_text=zb01.org.name)).to_contain_text(f"{zb01.answered}/{zb01.total}")
    expect(page.get_by_role("row").filter(has_text=zb01.org.name)).to_contain_text(str(zb01.score))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束活动").click()
    expect(page.get_by_role("heading", name="最终结果")).to_be_visible()
    sec.goto(f"/campaigns/{campaign.pk}/answer/ZB01/")
    expect(sec.get_by_role("alert")).to_contain_text("不能再作答")
    expect(sec.get_by_role("button", name="保存作答")).to_have_count(0)
