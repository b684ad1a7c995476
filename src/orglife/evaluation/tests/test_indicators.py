"""Every automatic indicator and deduction against seeded records (straight into the tables: the
owning apps' services are tested there). ZZ assesses ZB1 (members 李四, 王五) and ZB2 (none)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orglife.conftest import make_member
from orglife.evaluation import indicators
from orglife.evaluation.appraisal_models import MemberEvaluation, Stage
from orglife.evaluation.ballot_models import Ballot
from orglife.meetings.models import Talk, TalkParticipant
from orglife.meetings.tests.test_compliance_queries import committee, record
from orglife.orgs.models import Organization, Term

YEAR = 2026
ON = dt.date(2027, 1, 10)


def tree(demo, on=ON) -> indicators.Subtree:
    root = Organization.objects.get(pk=demo.zz.pk)
    return indicators.Subtree(root, YEAR, on, indicators.assessed_orgs(root, ("branch", "joint_branch")))


def aware(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_assessed_orgs_are_the_branches_below(demo):
    assert set(tree(demo).orgs) == {demo.zb1.pk, demo.zb2.pk}


def test_org_life_compliance_counts_closed_periods(demo):
    for month in range(1, 13):
        record(demo.zb1, dt.date(YEAR, month, 10), ["theme_day"])
    facts = indicators.org_life_compliance(tree(demo))
    zb1, zb2 = facts[demo.zb1.pk], facts[demo.zb2.pk]
    assert zb1.value is not None and zb2.value is not None
    assert zb1.value > zb2.value  # ZB1 held its monthly 主题党日; ZB2 held nothing
    assert zb2.value == 0
    assert zb1.records["link"] == "compliance" and zb1.records["q"] == f"?year={YEAR}" and zb1.records["count"] >= 12


def test_talk_coverage(demo):
    talk = Talk.objects.create(org=demo.zb1, held_on=dt.date(YEAR, 5, 1), topic="谈心")
    TalkParticipant.objects.create(talk=talk, member=demo.m1)
    old = Talk.objects.create(org=demo.zb1, held_on=dt.date(YEAR - 1, 5, 1), topic="去年")
    TalkParticipant.objects.create(talk=old, member=demo.m2)
    facts = indicators.talk_coverage(tree(demo))
    assert facts[demo.zb1.pk].value == pytest.approx(0.5)  # 1 of 2 members this year
    assert demo.zb2.pk not in facts  # nobody on the roster: nothing to count


def test_class_hours(demo):
    from orglife.study.plan_models import StudyConfirmation, StudyItem, StudyPlan

    plan = StudyPlan.objects.create(org=demo.zb1, year=YEAR, published_at=aware(dt.date(YEAR, 1, 5)))
    item = StudyItem.objects.create(plan=plan, item_type="self_study", topic="自学", due_on=dt.date(YEAR, 6, 1),
                                    hours=Decimal("40.0"))
    StudyConfirmation.objects.create(item=item, member=demo.m1, note="学了", confirmed_on=dt.date(YEAR, 5, 1))
    facts = indicators.class_hours(tree(demo))
    assert facts[demo.zb1.pk].value == pytest.approx(0.5)  # 40 h meets the member minimum; the other has 0


def test_exam_pass_rate_best_attempt(demo):
    from orglife.study.exam_models import Attempt, Exam

    exam = Exam.objects.create(org=demo.zb1, title="测试", opens_at=aware(dt.date(YEAR, 3, 1)),
                               closes_at=aware(dt.date(YEAR, 3, 30)), status="published")
    common = {"exam": exam, "started_at": aware(dt.date(YEAR, 3, 2)), "deadline": aware(dt.date(YEAR, 3, 3)),
              "submitted_at": aware(dt.date(YEAR, 3, 2)), "state": "submitted"}
    Attempt.objects.create(member=demo.m1, number=1, score=40, passed=False, **common)
    Attempt.objects.create(member=demo.m1, number=2, score=80, passed=True, **common)
    Attempt.objects.create(member=demo.m2, number=1, score=30, passed=False, **common)
    fact = indicators.exam_pass_rate(tree(demo))[demo.zb1.pk]
    assert fact.value == pytest.approx(0.5) and fact.records["count"] == 2


def test_rectification_on_time(demo):
    from orglife.inspection.models import Problem

    base = {"org": demo.zb1, "source": "self_inspection", "description": "问题", "status": "signed_off"}
    Problem.objects.create(deadline=dt.date(YEAR, 6, 30), signed_off_at=aware(dt.date(YEAR, 6, 1)), **base)
    Problem.objects.create(deadline=dt.date(YEAR, 6, 30), signed_off_at=aware(dt.date(YEAR, 7, 5)), **base)
    Problem.objects.create(deadline=dt.date(YEAR, 6, 30), signed_off_at=aware(dt.date(YEAR - 1, 7, 5)), **base)
    facts = indicators.rectification_on_time(tree(demo))
    assert facts[demo.zb1.pk].value == pytest.approx(0.5)
    assert facts[demo.zb2.pk].value is None  # nothing signed off: the scorecard decides (when_empty)


def test_evaluation_held(demo):
    ballot = Ballot.objects.create(org=demo.zb1, title="测评")
    MemberEvaluation.objects.create(org=demo.zb1, year=YEAR, ballot=ballot, probationary_mode="graded",
                                    opened_on=dt.date(YEAR, 12, 1), stage=Stage.FINISHED)
    ballot2 = Ballot.objects.create(org=demo.zb2, title="测评")
    MemberEvaluation.objects.create(org=demo.zb2, year=YEAR, ballot=ballot2, probationary_mode="graded",
                                    opened_on=dt.date(YEAR, 12, 1), stage=Stage.VOTING)
    facts = indicators.evaluation_held(tree(demo))
    assert facts[demo.zb1.pk].value == 1.0
    assert facts[demo.zb2.pk].value == 0.0 and "尚未完成" in facts[demo.zb2.pk].explanation


def test_dues_on_time(demo):
    from orglife.dues.models import DuesPayment, DuesProfile

    for m in (demo.m1, demo.m2):
        DuesProfile.objects.create(member=m, category="retired", monthly_due=Decimal("5.00"), rule_id="dues.test",
                                   effective_month=dt.date(YEAR, 1, 1))
    for month in range(1, 13):
        DuesPayment.objects.create(member=demo.m1, org=demo.zb1, month=dt.date(YEAR, month, 1), due=Decimal("5.00"),
                                   amount=Decimal("5.00"), paid_on=dt.date(YEAR, month, 5), method="cash")
    fact = indicators.dues_on_time(tree(demo))[demo.zb1.pk]
    assert fact.value == pytest.approx(0.5) and fact.records["count"] == 2


def test_inactive_months(demo):
    record(demo.zb1, dt.date(YEAR, 1, 10), ["theme_day"])
    record(demo.zb1, dt.date(YEAR, 3, 10), ["theme_day"])
    for month in (2, 5, 8, 11):
        record(demo.zb2, dt.date(YEAR, month, 10), ["theme_day"])
    found = indicators.inactive_months(tree(demo), months=6)
    assert set(found) == {demo.zb1.pk}  # April–December without activity
    assert "连续9个月" in found[demo.zb1.pk].explanation
    assert indicators.inactive_months(tree(demo, on=dt.date(YEAR, 8, 15)), months=6) == {}  # only Apr–Jul so far


def test_committee_missing_and_term_expired(demo):
    for i in range(7):
        make_member("ZB2", name=f"党员{i}")
    Term.objects.create(org=demo.zb1, started_on=dt.date(2021, 1, 1), expires_on=dt.date(2024, 1, 1))
    t = tree(demo)
    missing = indicators.committee_missing(t)
    assert set(missing) == {demo.zb2.pk}
    expired = indicators.term_expired(t)
    assert set(expired) == {demo.zb1.pk} and "2024年1月1日" in expired[demo.zb1.pk].explanation
    committee(Organization.objects.get(pk=demo.zb2.pk))
    assert indicators.committee_missing(tree(demo)) == {}


def test_missed_periods(demo):
    found = indicators.missed_periods(tree(demo), kind="theme_day")
    assert found[demo.zb2.pk].value == 12
