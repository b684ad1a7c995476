"""Study points: off by default, turned on per organization, earned only from evidence, capped per
day, ranking only when an administrator turns it on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.orgs.models import Member
from orglife.study import plan_services, points, points_services
from orglife.study.exam_models import QuizChallenge, QuizRun
from orglife.study.plan_models import PointsSetting

from .plan_support import YEAR, attempt, exam, item, plan, study_meeting

pytestmark = pytest.mark.django_db


def member(demo, attr="m1"):
    return Member.objects.select_related("org").get(pk=getattr(demo, attr).pk)


def four_self_study_items(demo):
    p = plan(demo.zb1, published=False)
    items = [item(p, topic=f"自学{i}") for i in range(4)]
    plan_services.plan_publish(actor=None, plan=p)
    return items


def test_points_are_off_by_default(demo):
    for it in four_self_study_items(demo):
        plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    setting, lines = points.member_ledger(member(demo), YEAR)
    assert not setting.enabled and not setting.ranking and lines == []
    assert not PointsSetting.objects.exists()


def test_confirmations_earn_points_up_to_the_daily_cap(demo):
    points_services.setting_update(actor=demo.secretary, org=demo.zb1, enabled=True)
    for it in four_self_study_items(demo):
        plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    _s, lines = points.member_ledger(member(demo), YEAR)
    assert [line.points for line in lines] == [2, 2, 2, 0]  # 2 each, 6 a day
    assert lines[-1].capped
    event = AuditEvent.objects.get(action="study.points_setting")
    assert event.changes == {"enabled": [False, True]} and event.org_id == demo.zb1.pk


def test_evidence_before_turning_points_on_earns_nothing(demo):
    items = four_self_study_items(demo)
    plan_services.confirm(actor=None, item=items[0], member=demo.m1, note="学了", today=timezone.localdate() - dt.timedelta(days=3))
    points_services.setting_update(actor=None, org=demo.zb1, enabled=True)
    plan_services.confirm(actor=None, item=items[1], member=demo.m1, note="学了")
    _s, lines = points.member_ledger(member(demo), YEAR)
    assert len(lines) == 1 and lines[0].points == 2


def test_meetings_exams_and_quiz_levels_earn_points(demo):
    points_services.setting_update(actor=None, org=demo.zb1, enabled=True)
    meeting = study_meeting(demo.zb1, present=[demo.m1], days_ago=0)
    item(plan(demo.zb1, published=False), item_type="discussion", meeting=meeting)
    plan_services.plan_publish(actor=None, plan=demo.zb1.study_plans.get())
    e = exam(demo.zb1)
    attempt(e, demo.m1, number=1, when=timezone.now())
    attempt(e, demo.m1, number=2, when=timezone.now())  # a second pass of the same exam earns nothing more
    challenge = QuizChallenge.objects.create(org=demo.zb1, title="党史闯关")
    for level in (1, 1, 2, 3, 4):
        QuizRun.objects.create(challenge=challenge, member=demo.m1, level=level, passed=True, finished_at=timezone.now())
    QuizRun.objects.create(challenge=challenge, member=demo.m1, level=5, passed=False, finished_at=timezone.now())
    _s, lines = points.member_ledger(member(demo), YEAR)
    by_action: dict = {}
    for line in lines:
        by_action[line.action] = by_action.get(line.action, 0) + line.points
    assert by_action == {"study_meeting": 5, "exam_pass": 10, "quiz_level_pass": 3}  # four levels, capped at 3


def test_a_setting_above_applies_below_and_the_nearest_wins(demo):
    points_services.setting_update(actor=None, org=demo.dw, enabled=True)
    assert points.effective(demo.zb1).enabled
    points_services.setting_update(actor=None, org=demo.zb1, enabled=False)
    assert not points.effective(demo.zb1).enabled and points.effective(demo.zb2).enabled


def test_turning_the_ranking_on_below_keeps_points_inherited_from_above(demo):
    points_services.setting_update(actor=None, org=demo.dw, enabled=True)
    points_services.setting_update(actor=demo.admin, org=demo.zb1, ranking=True)
    s = points.effective(demo.zb1)
    assert s.enabled and s.ranking


def test_ranking_needs_points_on(demo):
    points_services.setting_update(actor=None, org=demo.zb1, ranking=True)
    assert not points.effective(demo.zb1).ranking


def test_standings_rank_ties_together(demo):
    points_services.setting_update(actor=None, org=demo.zb1, enabled=True, ranking=True)
    items = four_self_study_items(demo)
    plan_services.confirm(actor=None, item=items[0], member=demo.m1, note="学了")
    rows = points.standings(demo.zb1, YEAR, points.effective(demo.zb1))
    assert [(r.name, r.points, r.rank) for r in rows] == [("李四", 2, 1), ("王五", 0, 2)]
    plan_services.confirm(actor=None, item=items[0], member=demo.m2, note="学了")
    rows = points.standings(demo.zb1, YEAR, points.effective(demo.zb1))
    assert [r.rank for r in rows] == [1, 1]


def test_standings_run_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    from orglife.conftest import make_member

    points_services.setting_update(actor=None, org=demo.zb1, enabled=True, ranking=True)
    items = four_self_study_items(demo)
    for i in range(15):
        m = make_member("ZB1", name=f"党员{i}")
        plan_services.confirm(actor=None, item=items[i % 4], member=m, note="学了")
    setting = points.effective(demo.zb1)
    with django_assert_max_num_queries(5):
        rows = points.standings(demo.zb1, YEAR, setting)
    assert len(rows) == 17 and sum(r.points for r in rows) == 30
