"""Class hours from evidence: confirmations, attendance at linked meetings, passed exams."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orglife.conftest import make_member
from orglife.orgs import services
from orglife.orgs.models import Member
from orglife.study import hours as rules
from orglife.study import plan_queries, plan_services

from .plan_support import YEAR, attempt, exam, item, plan, published_plan, study_meeting

pytestmark = pytest.mark.django_db


def hours_of(member, year=YEAR):
    return plan_queries.member_hours(Member.objects.filter(pk=member.pk), year).get(member.pk, Decimal(0))


def test_self_study_counts_once_confirmed(demo):
    _p, it = published_plan(demo.zb1, hours="2.5")
    assert hours_of(demo.m1) == 0
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    assert hours_of(demo.m1) == Decimal("2.5") and hours_of(demo.m2) == 0


def test_unpublished_plans_and_other_years_do_not_count(demo):
    p = plan(demo.zb1, published=False)
    it = item(p)
    from orglife.study.plan_models import StudyConfirmation

    StudyConfirmation.objects.create(item=it, member=demo.m1, note="x", confirmed_on=dt.date(YEAR, 3, 1))
    assert hours_of(demo.m1) == 0
    plan_services.plan_publish(actor=None, plan=p)
    assert hours_of(demo.m1) == Decimal(2) and hours_of(demo.m1, YEAR - 1) == 0


def test_attendance_at_the_linked_meeting_counts_after_submission(demo):
    meeting = study_meeting(demo.zb1, present=[demo.m1], absent=[demo.m2], submit=False)
    p = plan(demo.zb1, published=False)
    item(p, item_type="discussion", meeting=meeting, hours="3")
    item(p, item_type="lecture", meeting=meeting, hours="1")  # one meeting may serve two items
    plan_services.plan_publish(actor=None, plan=p)
    assert hours_of(demo.m1) == 0  # record not submitted yet
    from orglife.meetings import services as ms

    ms.meeting_submit(actor=None, meeting=meeting)
    assert hours_of(demo.m1) == Decimal(4) and hours_of(demo.m2) == 0


def test_a_passed_exam_counts_once_however_many_attempts(demo):
    e = exam(demo.zb1)
    _p, _it = published_plan(demo.zb1, item_type="test", exam=e, hours="4")
    attempt(e, demo.m1, passed=True, number=1)
    attempt(e, demo.m1, passed=True, number=2)
    attempt(e, demo.m2, passed=False)
    assert hours_of(demo.m1) == Decimal(4) and hours_of(demo.m2) == 0


def test_secretaries_and_committee_members_owe_56(demo):
    term = services.term_create(actor=None, org=demo.zb1, started_on=dt.date(2024, 1, 1)) if hasattr(services, "term_create") else None
    from orglife.orgs.models import PostHolding, Term

    term = term or Term.objects.create(org=demo.zb1, started_on=dt.date(2024, 1, 1), expires_on=dt.date(2027, 1, 1))
    PostHolding.objects.create(term=term, member=demo.m2, post="secretary")
    PostHolding.objects.create(term=term, member=demo.m1, post="group_leader")
    rows = {r.member_id: r for r in plan_queries.hours_rows(demo.zb1, YEAR)}
    assert rows[demo.m2.pk].verdict.required == 56 and rows[demo.m2.pk].verdict.role == rules.COMMITTEE
    assert rows[demo.m1.pk].verdict.required == 32


def test_rows_for_a_subtree_and_coverage(demo):
    _p, it = published_plan(demo.dw, hours="40")
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    assert {r.name for r in plan_queries.hours_rows(demo.zb1, YEAR)} == {"李四", "王五"}
    assert {r.name for r in plan_queries.hours_rows(demo.dw, YEAR, subtree=True)} == {"李四", "王五", "赵六"}
    total, parts = plan_queries.coverage(demo.dw, YEAR)
    assert (total.people, total.met, total.short) == (3, 1, 2)
    by_code = {p.org.code: p for p in parts}
    assert by_code["ZZ"].people == 2 and by_code["ZZ"].met == 1 and by_code["ZZ"].percent == 50
    assert by_code["ZB3"].people == 1 and by_code["ZB3"].met == 0
    assert total.average == Decimal("13.3")


def test_hours_queries_do_not_grow_with_members(demo, django_assert_max_num_queries):
    _p, it = published_plan(demo.zb1, hours="1")
    for i in range(15):
        m = make_member("ZB1", name=f"党员{i}")
        plan_services.confirm(actor=None, item=it, member=m, note="学了")
    with django_assert_max_num_queries(5):
        rows = plan_queries.hours_rows(demo.zb1, YEAR)
    assert len(rows) == 17
    with django_assert_max_num_queries(6):
        plan_queries.coverage(demo.dw, YEAR)


def test_items_for_member_flags_done(demo):
    meeting = study_meeting(demo.zb1, present=[demo.m1])
    e = exam(demo.zb1)
    p = plan(demo.zb1, published=False)
    s = item(p, topic="自学")
    item(p, item_type="discussion", topic="研讨", meeting=meeting)
    item(p, item_type="test", topic="测试", exam=e)
    item(p, topic="领导干部专题", audience="leading_cadres")
    plan_services.plan_publish(actor=None, plan=p)
    plan_services.confirm(actor=None, item=s, member=demo.m1, note="学了")
    attempt(e, demo.m1)
    m1 = Member.objects.select_related("org").get(pk=demo.m1.pk)
    items = list(plan_queries.items_for_member(m1, YEAR))
    assert [i.topic for i in items] == ["自学", "研讨", "测试"]
    assert all(plan_queries.item_done(i) for i in items)
    m2 = Member.objects.select_related("org").get(pk=demo.m2.pk)
    assert not any(plan_queries.item_done(i) for i in plan_queries.items_for_member(m2, YEAR))


def test_due_self_study_lists_unconfirmed_items_within_the_horizon(demo):
    from django.utils import timezone

    today = timezone.localdate()
    p = plan(demo.zb1, published=False)
    soon = item(p, topic="近期", due_on=today + dt.timedelta(days=3)) if (today + dt.timedelta(days=3)).year == YEAR else None
    later = item(p, topic="远期", due_on=dt.date(YEAR, 12, 31))
    plan_services.plan_publish(actor=None, plan=p)
    m1 = Member.objects.select_related("org").get(pk=demo.m1.pk)
    due = plan_queries.due_self_study(m1, dt.date(YEAR, 12, 28), 7)
    assert later in due
    plan_services.confirm(actor=None, item=later, member=m1, note="学了")
    assert later not in plan_queries.due_self_study(m1, dt.date(YEAR, 12, 28), 7)
    assert plan_queries.due_self_study(m1, dt.date(YEAR, 1, 2), 7) == ([soon] if soon and soon.due_on <= dt.date(YEAR, 1, 9) else [])
