"""Plan pages: list, generate, detail (items by month, history), item edit, submit, return,
approve and the officer's queue; 403/404 for the personas; bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from orglife.meetings import plan_services as ps
from orglife.meetings.models import AnnualPlan, PlanStatus


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def plan(demo):
    return ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027)


def detail(plan):
    return reverse("plan_detail", args=[plan.org.code, plan.year])


# ---------------------------------------------------------------- list and generate


def test_it_lists_plans_and_offers_generation_to_the_secretary(client, demo, plan):
    r = login(client, demo.secretary).get(reverse("plan_list", args=["ZB1"]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "2027年度计划" in body and "草稿" in body and "生成计划" in body


def test_the_list_has_no_generate_form_for_viewers(client, demo, plan):
    r = login(client, demo.officer).get(reverse("plan_list", args=["ZZ"]))
    assert r.status_code == 200 and "生成计划" not in r.content.decode()


def test_it_generates_a_plan(client, demo):
    r = login(client, demo.secretary).post(reverse("plan_generate", args=["ZB1"]), {"year": 2027, "theme_day": 31})
    assert r.status_code == 302 and r["Location"] == reverse("plan_detail", args=["ZB1", 2027])
    plan = AnnualPlan.objects.get(org=demo.zb1, year=2027)
    assert plan.items.filter(planned_on=dt.date(2027, 2, 28)).exists()


def test_generate_shows_errors(client, demo):
    r = login(client, demo.secretary).post(reverse("plan_generate", args=["ZB1"]), {"year": 2027, "theme_day": 40})
    assert r.status_code == 200 and not AnnualPlan.objects.exists()
    assert "error" in r.content.decode()


def test_generate_refuses_a_submitted_plan_with_a_message(client, demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    r = login(client, demo.secretary).post(reverse("plan_generate", args=["ZB1"]), {"year": 2027, "theme_day": 15})
    assert r.status_code == 200 and "不能重新生成" in r.content.decode()


@pytest.mark.parametrize("who", ["member", "outsider", "officer"])
def test_generate_is_refused_to_others(client, demo, who):
    # The officer manages ZZ (and so ZB1) but a plan is generated only for branches: ZZ is refused.
    code = "ZZ" if who == "officer" else "ZB1"
    r = login(client, getattr(demo, who)).post(reverse("plan_generate", args=[code]), {"year": 2027, "theme_day": 15})
    assert r.status_code == (200 if who == "officer" else 403)
    if who == "officer":
        assert "年度计划由党支部编制" in r.content.decode()
    assert not AnnualPlan.objects.exists()


def test_generate_needs_post(client, demo):
    assert login(client, demo.secretary).get(reverse("plan_generate", args=["ZB1"])).status_code == 405


# ---------------------------------------------------------------- detail


def test_the_detail_groups_items_by_month(client, demo, plan):
    r = login(client, demo.secretary).get(detail(plan))
    body = r.content.decode()
    assert r.status_code == 200
    assert "1月主题党日暨支部党员大会、党课" in body and "12月" in body and "组织生活会" in body
    assert "添加安排" in body and "提交上级审批" in body


@pytest.mark.parametrize("who,status", [("member", 403), ("outsider", 403), ("officer", 200), ("admin", 200)])
def test_who_sees_the_plan(client, demo, plan, who, status):
    assert login(client, getattr(demo, who)).get(detail(plan)).status_code == status


def test_missing_org_and_year_are_404(client, demo, plan):
    c = login(client, demo.secretary)
    assert c.get(reverse("plan_detail", args=["NOPE", 2027])).status_code == 404
    assert c.get(reverse("plan_detail", args=["ZB1", 2030])).status_code == 404


def test_anonymous_is_sent_to_login(client, plan):
    r = client.get(detail(plan))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_the_detail_query_count_does_not_grow_with_rounds(client, demo, plan, django_assert_max_num_queries):
    for _ in range(3):
        ps.plan_submit(actor=demo.secretary, plan=plan)
        ps.plan_return(actor=demo.officer, plan=plan, reasons=["untrue"], comment="再核实")
    login(client, demo.secretary)
    with django_assert_max_num_queries(11):  # session, user, org, grants, parent, plan, reviews, items, profile, term, nav
        r = client.get(detail(plan))
    assert r.content.decode().count("内容不实") >= 4


# ---------------------------------------------------------------- items


def test_it_adds_edits_and_deletes_an_item(client, demo, plan):
    c = login(client, demo.secretary)
    r = c.post(reverse("plan_item_new", args=["ZB1", 2027]),
               {"planned_on": "2027-05-04", "kinds": ["party_lecture", "theme_day"], "topic": "青年党课"})
    assert r.status_code == 302
    item = plan.items.get(topic="青年党课")
    assert item.kinds == ["theme_day", "party_lecture"]
    r = c.get(reverse("plan_item_edit", args=["ZB1", 2027, item.pk]))
    assert r.status_code == 200 and "青年党课" in r.content.decode()
    c.post(reverse("plan_item_edit", args=["ZB1", 2027, item.pk]),
           {"planned_on": "2027-05-05", "kinds": ["party_lecture"], "topic": "五四党课"})
    item.refresh_from_db()
    assert (item.planned_on, item.kinds, item.topic) == (dt.date(2027, 5, 5), ["party_lecture"], "五四党课")
    r = c.post(reverse("plan_item_delete", args=["ZB1", 2027, item.pk]))
    assert r.status_code == 302 and not plan.items.filter(pk=item.pk).exists()


def test_item_errors_are_shown(client, demo, plan):
    r = login(client, demo.secretary).post(reverse("plan_item_new", args=["ZB1", 2027]),
                                           {"planned_on": "2028-01-01", "kinds": ["theme_day"]})
    assert r.status_code == 200 and "计划日期应在2027年内" in r.content.decode()


def test_the_detail_warns_where_the_plan_falls_short_of_the_rules(client, demo, plan):
    c = login(client, demo.secretary)
    assert "对照规则" not in c.get(detail(plan)).content.decode()
    march = plan.items.get(planned_on=dt.date(2027, 3, 15))
    c.post(reverse("plan_item_delete", args=["ZB1", 2027, march.pk]))
    assert "2027-03：计划安排主题党日 0 次，按规定每月至少 1 次。" in c.get(detail(plan)).content.decode()


def test_items_cannot_be_edited_after_submission(client, demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    item = plan.items.first()
    c = login(client, demo.secretary)
    r = c.post(reverse("plan_item_edit", args=["ZB1", 2027, item.pk]),
               {"planned_on": "2027-05-05", "kinds": ["party_lecture"], "topic": "x"})
    assert r.status_code == 302
    r = c.post(reverse("plan_item_delete", args=["ZB1", 2027, item.pk]), follow=True)
    assert "不能修改" in r.content.decode() and plan.items.filter(pk=item.pk).exists()
    assert "添加安排" not in c.get(detail(plan)).content.decode()


def test_an_item_of_another_plan_is_404(client, demo, plan):
    other = ps.plan_generate(actor=demo.officer, org=demo.zb2, year=2027)
    item = other.items.first()
    r = login(client, demo.secretary).post(reverse("plan_item_delete", args=["ZB1", 2027, item.pk]))
    assert r.status_code == 404


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_item_writes_are_refused_to_others(client, demo, plan, who):
    item = plan.items.first()
    c = login(client, getattr(demo, who))
    assert c.post(reverse("plan_item_new", args=["ZB1", 2027]), {"planned_on": "2027-05-04", "kinds": ["theme_day"]}).status_code == 403
    assert c.post(reverse("plan_item_delete", args=["ZB1", 2027, item.pk])).status_code == 403
    assert c.post(reverse("plan_submit", args=["ZB1", 2027])).status_code == 403


# ---------------------------------------------------------------- submit, return, approve


def test_the_full_round_trip(client, demo, plan):
    sec = login(client, demo.secretary)
    assert sec.post(reverse("plan_submit", args=["ZB1", 2027])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client.force_login(demo.officer)
    assert "第一党支部" in client.get(reverse("plan_pending")).content.decode()
    page = client.get(detail(plan)).content.decode()
    assert "批准" in page and "退回" in page
    r = client.post(reverse("plan_return", args=["ZB1", 2027]), {"reasons": ["missing_elements"], "comment": "缺少党课主讲人"})
    assert r.status_code == 302

    client.force_login(demo.secretary)
    page = client.get(detail(plan)).content.decode()
    assert "要素不全" in page and "缺少党课主讲人" in page and "重新提交审批" in page
    client.post(reverse("plan_submit", args=["ZB1", 2027]))

    client.force_login(demo.officer)
    client.post(reverse("plan_approve", args=["ZB1", 2027]), {"comment": "同意"})
    plan.refresh_from_db()
    assert (plan.status, plan.round) == (PlanStatus.APPROVED, 2)
    page = client.get(detail(plan)).content.decode()
    assert "第 1 轮" in page and "第 2 轮" in page and "同意" in page and "已批准" in page


def test_the_return_form_needs_a_reason(client, demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    c = login(client, demo.officer)
    assert c.get(reverse("plan_return", args=["ZB1", 2027])).status_code == 200
    r = c.post(reverse("plan_return", args=["ZB1", 2027]), {"comment": ""})
    assert r.status_code == 200 and "请至少选择一项退回原因" in r.content.decode()
    r = c.post(reverse("plan_return", args=["ZB1", 2027]), {"reasons": ["other"]})
    assert r.status_code == 200 and "请填写具体原因" in r.content.decode()
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("who", ["secretary", "member", "outsider"])
def test_review_is_refused_below_the_organization_above(client, demo, plan, who):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    c = login(client, getattr(demo, who))
    assert c.post(reverse("plan_approve", args=["ZB1", 2027])).status_code == 403
    assert c.post(reverse("plan_return", args=["ZB1", 2027]), {"reasons": ["untrue"]}).status_code == 403
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert "批准</button>" not in client.get(detail(plan)).content.decode()


def test_approving_a_draft_shows_a_message(client, demo, plan):
    r = login(client, demo.officer).post(reverse("plan_approve", args=["ZB1", 2027]), follow=True)
    assert "不在待审批状态" in r.content.decode()


def test_the_pending_queue_is_scoped(client, demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    assert "暂无待审批" in login(client, demo.secretary).get(reverse("plan_pending")).content.decode()
    assert "暂无待审批" in login(client, demo.outsider).get(reverse("plan_pending")).content.decode()


def test_the_pending_queue_query_count_does_not_grow(client, demo, django_assert_max_num_queries):
    from orglife.orgs import services

    for i in range(8):
        org = services.org_create(actor=None, parent=demo.zz, code=f"ZBX{i}", name=f"测试支部{i}", kind="branch")
        ps.plan_submit(actor=None, plan=ps.plan_generate(actor=None, org=org, year=2027))
    login(client, demo.officer)
    with django_assert_max_num_queries(6):
        r = client.get(reverse("plan_pending"))
    assert r.content.decode().count("测试支部") == 8


def test_the_list_states_the_rules_the_plan_is_generated_from(client, demo):
    body = login(client, demo.secretary).get(reverse("plan_list", args=["ZB1"])).content.decode()
    assert "主题党日：每月至少 1 次" in body and "组织生活会：每年至少 1 次，一般安排在第四季度" in body


def test_an_officer_sees_the_branches_below_and_their_plan_status(client, demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    r = login(client, demo.officer).get(reverse("plan_list", args=["ZZ"]) + "?year=2027")
    body = r.content.decode()
    assert r.status_code == 200
    assert "第一党支部" in body and "待审批" in body and "第二党支部" in body and "未编制" in body
    assert reverse("plan_detail", args=["ZB1", 2027]) in body


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_a_bad_overview_year_falls_back(client, demo, year):
    assert login(client, demo.officer).get(reverse("plan_list", args=["ZZ"]), {"year": year}).status_code == 200
