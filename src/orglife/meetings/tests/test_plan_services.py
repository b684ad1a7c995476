"""Plan services: generate, edit while editable, submit (a round with a snapshot), return with
reasons, approve; who may do each; every write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from orglife.conftest import make_member
from orglife.core.models import AuditEvent
from orglife.meetings import plan_services as ps
from orglife.meetings.models import AnnualPlan, PlanStatus
from orglife.orgs import services
from orglife.orgs.services import ServiceError


@pytest.fixture
def plan(demo):
    return ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027)


def test_it_generates_the_plan_from_the_rules(demo, plan):
    items = list(plan.items.all())
    assert plan.status == PlanStatus.DRAFT and plan.round == 0
    assert len(items) == 13  # no committee in ZB1: 12 theme days + 组织生活会
    assert items[0].planned_on == dt.date(2027, 1, 15)
    assert items[0].kinds == ["theme_day", "assembly", "party_lecture"]
    assert AuditEvent.objects.filter(action="plan.generate", target_id=str(plan.pk), actor=demo.secretary).exists()


def test_it_plans_committee_meetings_when_the_branch_has_a_committee(demo):
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 1, 1))
    for member, post in ((demo.m1, "secretary"), (demo.m2, "organization_officer"),
                         (make_member("ZB1", name="钱七"), "publicity_officer")):
        services.post_assign(actor=None, term=term, member=member, post=post)
    plan = ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027, theme_day=20)
    committee = [i.planned_on for i in plan.items.all() if "committee_meeting" in i.kinds]
    assert committee == [dt.date(2027, m, 13) for m in range(1, 13)]


def test_regenerating_a_draft_replaces_its_items(demo, plan):
    ps.plan_item_add(actor=demo.secretary, plan=plan, planned_on=dt.date(2027, 5, 4), kinds=["party_lecture"], topic="青年党课")
    again = ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027, theme_day=10)
    assert again.pk == plan.pk
    assert again.items.count() == 13
    assert {i.planned_on.day for i in again.items.all()} == {10}


def test_it_refuses_to_regenerate_a_submitted_plan(demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    with pytest.raises(ServiceError) as exc:
        ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027)
    assert "不能重新生成" in exc.value.errors["year"]


def test_it_refuses_bad_input(demo):
    with pytest.raises(ServiceError) as exc:
        ps.plan_generate(actor=demo.officer, org=demo.zz, year=1999, theme_day=32)
    assert set(exc.value.errors) == {"org", "year", "theme_day"}


def test_only_the_branchs_managers_edit(demo, plan):
    for user in (demo.member, demo.outsider):
        with pytest.raises(PermissionDenied):
            ps.plan_generate(actor=user, org=demo.zb1, year=2027)
        with pytest.raises(PermissionDenied):
            ps.plan_item_add(actor=user, plan=plan, planned_on=dt.date(2027, 3, 1), kinds=["theme_day"])
        with pytest.raises(PermissionDenied):
            ps.plan_submit(actor=user, plan=plan)


def test_items_are_validated(demo, plan):
    with pytest.raises(ServiceError) as exc:
        ps.plan_item_add(actor=demo.secretary, plan=plan, planned_on=dt.date(2028, 1, 1), kinds=[], topic="x" * 201)
    assert set(exc.value.errors) == {"planned_on", "kinds", "topic"}
    with pytest.raises(ServiceError):
        ps.plan_item_add(actor=demo.secretary, plan=plan, planned_on=dt.date(2027, 1, 1), kinds=["tea_party"])


def test_it_updates_and_deletes_items_with_audit(demo, plan):
    item = plan.items.first()
    ps.plan_item_update(actor=demo.secretary, item=item, planned_on=dt.date(2027, 1, 16),
                        kinds=["party_lecture", "theme_day"], topic="新年主题党日")
    item.refresh_from_db()
    assert (item.planned_on, item.kinds, item.topic) == (dt.date(2027, 1, 16), ["theme_day", "party_lecture"], "新年主题党日")
    event = AuditEvent.objects.get(action="plan.item_update")
    assert event.changes["planned_on"] == ["2027-01-15", "2027-01-16"]
    ps.plan_item_delete(actor=demo.secretary, item=item)
    assert plan.items.count() == 12
    assert AuditEvent.objects.filter(action="plan.item_delete").count() == 1


def test_submit_opens_a_round_with_a_snapshot(demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.round) == (PlanStatus.SUBMITTED, 1)
    review = plan.reviews.get()
    assert (review.action, review.round, review.actor) == ("submit", 1, demo.secretary)
    assert len(review.snapshot) == 13
    assert review.snapshot[0] == {"planned_on": "2027-01-15", "kinds": ["theme_day", "assembly", "party_lecture"],
                                  "topic": "1月主题党日暨支部党员大会、党课"}
    with pytest.raises(ServiceError):
        ps.plan_item_add(actor=demo.secretary, plan=plan, planned_on=dt.date(2027, 3, 1), kinds=["theme_day"])
    with pytest.raises(ServiceError):
        ps.plan_submit(actor=demo.secretary, plan=plan)


def test_it_refuses_an_empty_plan(demo, plan):
    for item in list(plan.items.all()):
        ps.plan_item_delete(actor=demo.secretary, item=item)
    with pytest.raises(ServiceError) as exc:
        ps.plan_submit(actor=demo.secretary, plan=plan)
    assert "不能提交" in exc.value.errors["plan"]


def test_the_officer_above_returns_with_reasons_and_the_secretary_resubmits(demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    ps.plan_return(actor=demo.officer, plan=plan, reasons=["other", "missing_elements"], comment="缺少党课主讲人")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    ret = plan.reviews.get(action="return")
    assert (ret.round, ret.reasons, ret.comment, ret.actor) == (1, ["missing_elements", "other"], "缺少党课主讲人", demo.officer)
    item = plan.items.first()
    ps.plan_item_update(actor=demo.secretary, item=item, planned_on=item.planned_on, kinds=item.kinds, topic="党课：书记讲党课")
    ps.plan_submit(actor=demo.secretary, plan=plan)
    ps.plan_approve(actor=demo.officer, plan=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.round) == (PlanStatus.APPROVED, 2)
    history = ps.plan_history(plan)
    assert [(r.round, r.action) for r in history] == [(1, "submit"), (1, "return"), (2, "submit"), (2, "approve")]
    assert history[0].snapshot[0]["topic"] != history[2].snapshot[0]["topic"] == "党课：书记讲党课"
    assert history[1].reason_labels == ["要素不全", "其他"]
    assert {e.action for e in AuditEvent.objects.filter(target_id=str(plan.pk), target_type="meetings.annualplan")} >= {
        "plan.submit", "plan.return", "plan.approve"}
    with pytest.raises(ServiceError):
        ps.plan_generate(actor=demo.secretary, org=demo.zb1, year=2027)


def test_the_branchs_own_secretary_cannot_approve_or_return(demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    for user in (demo.secretary, demo.member, demo.outsider):
        with pytest.raises(PermissionDenied):
            ps.plan_approve(actor=user, plan=plan)
        with pytest.raises(PermissionDenied):
            ps.plan_return(actor=user, plan=plan, reasons=["untrue"])
    ps.plan_approve(actor=demo.admin, plan=plan)  # the administrator of DW manages ZZ too
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_return_needs_a_valid_reason_and_text_for_other(demo, plan):
    ps.plan_submit(actor=demo.secretary, plan=plan)
    for reasons, comment, field in (([], "", "reasons"), (["bogus"], "", "reasons"), (["other"], "  ", "comment")):
        with pytest.raises(ServiceError) as exc:
            ps.plan_return(actor=demo.officer, plan=plan, reasons=reasons, comment=comment)
        assert field in exc.value.errors
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_only_a_submitted_plan_is_reviewed(demo, plan):
    with pytest.raises(ServiceError):
        ps.plan_approve(actor=demo.officer, plan=plan)
    with pytest.raises(ServiceError):
        ps.plan_return(actor=demo.officer, plan=plan, reasons=["untrue"])


def test_the_pending_queue_lists_plans_directly_below(demo, plan):
    other = ps.plan_generate(actor=demo.admin, org=demo.zb3, year=2027)
    ps.plan_submit(actor=demo.secretary, plan=plan)
    ps.plan_submit(actor=demo.admin, plan=other)
    assert list(ps.pending_plans(demo.officer)) == [plan]
    assert list(ps.pending_plans(demo.secretary)) == []
    assert list(ps.pending_plans(demo.outsider)) == []
    assert set(ps.pending_plans(demo.admin)) == {plan, other}


def test_a_non_recursive_manager_reviews_only_the_level_below(demo, plan):
    from django.contrib.auth import get_user_model

    from orglife.core.models import Role

    other = ps.plan_generate(actor=demo.admin, org=demo.zb3, year=2027)
    ps.plan_submit(actor=demo.secretary, plan=plan)
    ps.plan_submit(actor=demo.admin, plan=other)
    user = get_user_model().objects.create_user(username="dw_only", password="x")
    services.grant_role(actor=None, user=user, org=demo.dw, role=Role.MANAGER, recursive=False)
    assert list(ps.pending_plans(user)) == [other]
    with pytest.raises(PermissionDenied):
        ps.plan_approve(actor=user, plan=plan)
    ps.plan_approve(actor=user, plan=other)


def test_a_branch_set_up_during_the_year_is_planned_from_its_founding(demo):
    org = services.org_create(actor=None, parent=demo.zz, code="ZBN", name="新建党支部", kind="branch",
                              established_on=dt.date(2027, 5, 10))
    plan = ps.plan_generate(actor=demo.officer, org=org, year=2027)
    items = list(plan.items.all())
    assert items[0].planned_on == dt.date(2027, 5, 15)
    assert items[0].kinds == ["theme_day", "assembly", "party_lecture"]  # Q2 is still owed
    assert ps.plan_check(plan, items) == []
