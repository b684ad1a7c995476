"""Campaigns: launching, automatic items against seeded data, answers that become problems, progress."""

import pytest

from orglife.core.models import AuditEvent
from orglife.inspection import auto_checks
from orglife.inspection import campaign_services as cs
from orglife.inspection.models import Answer, Problem
from orglife.orgs.models import Member
from orglife.orgs.services import ServiceError

from .campaigns import committee, launch, seven_full_members, shipped

pytestmark = pytest.mark.django_db


def item(auto="", item_id=None):
    items = shipped().items.all()
    return items.get(item_id=item_id) if item_id else items.get(auto=auto)


def test_a_campaign_is_launched_with_an_audit_event(demo):
    campaign = launch(demo.zz, actor=demo.officer)
    assert [o.code for o in cs.target_orgs(campaign)] == ["ZB1", "ZB2"]
    assert AuditEvent.objects.filter(action="campaign.launch", target_id=str(campaign.pk)).exists()


def test_launch_refuses_bad_dates(demo):
    import datetime as dt

    with pytest.raises(ServiceError, match="截止日期"):
        cs.campaign_launch(actor=None, org=demo.zz, checklist=shipped(), title="x", target="orgs",
                           starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 1))


def test_a_branch_of_seven_full_members_without_a_committee_has_a_problem(demo):
    zb1 = seven_full_members(demo.zb1)
    result = auto_checks.run("committee_set_up", auto_checks.Context(zb1, demo_today()))
    assert result.has_problem and "应当设立支部委员会" in result.explanation
    assert result.evidence_url == "/orgs/ZB1/"


def test_with_a_committee_it_has_none(demo):
    zb1 = seven_full_members(demo.zb1)
    committee(zb1, list(Member.objects.filter(org=zb1))[:3])
    result = auto_checks.run("committee_set_up", auto_checks.Context(zb1, demo_today()))
    assert not result.has_problem


def test_the_term_check_reports_a_missing_or_expired_term(demo):
    assert auto_checks.run("term_not_expired", auto_checks.Context(demo.zb1, demo_today())).has_problem
    committee(demo.zb1, [demo.m1, demo.m2])
    assert not auto_checks.run("term_not_expired", auto_checks.Context(demo.zb1, demo_today())).has_problem


def test_the_theme_day_check_comes_from_the_compliance_engine(demo):
    result = auto_checks.run("meetings_theme_day", auto_checks.Context(demo.zb1, demo_today()))
    assert result.has_problem and "主题党日" in result.explanation
    assert result.evidence_url.startswith("/orgs/ZB1/compliance/?year=")


def demo_today():
    from django.utils import timezone

    return timezone.localdate()


def test_automatic_items_are_answered_by_the_system_and_problems_registered(demo):
    zb1 = seven_full_members(demo.zb1)
    campaign = launch(demo.zz)
    n = cs.answer_automatic(campaign=campaign, org=zb1)
    autos = shipped().items.exclude(auto="").count()
    assert n == autos
    answer = Answer.objects.get(campaign=campaign, org=zb1, item=item("committee_set_up"))
    assert answer.is_auto and answer.has_problem and answer.answered_by is None
    assert answer.problem.source == "self_inspection" and answer.problem.org_id == zb1.pk
    # on demand again: answers with problems keep them, no duplicate problems
    before = Problem.objects.count()
    cs.answer_automatic(campaign=campaign, org=zb1)
    assert Problem.objects.count() == before


def test_answering_with_a_problem_creates_a_linked_problem(demo):
    campaign = launch(demo.zz)
    it = item(item_id="life.talks")
    answer = cs.answer_save(actor=demo.secretary, campaign=campaign, item=it, org=demo.zb1, has_problem=True,
                            description="两名委员之间未开展谈心谈话", evidence="谈话记录本")
    problem = answer.problem
    assert problem.source == "self_inspection" and problem.org_id == demo.zb1.pk
    assert "life.talks" in problem.description and "两名委员" in problem.description
    assert list(problem.answers.all()) == [answer]
    assert AuditEvent.objects.filter(action="campaign.answer", target_id=str(answer.pk)).exists()
    # changing the answer keeps the one problem
    again = cs.answer_save(actor=demo.secretary, campaign=campaign, item=it, org=demo.zb1, has_problem=True,
                           description="补充说明")
    assert again.pk == answer.pk and again.problem_id == problem.pk and Problem.objects.count() == 1


def test_answer_rules(demo):
    campaign = launch(demo.zz)
    it = item(item_id="life.talks")
    with pytest.raises(ServiceError, match="问题描述"):
        cs.answer_save(actor=None, campaign=campaign, item=it, org=demo.zb1, has_problem=True)
    with pytest.raises(ServiceError, match="作答对象"):
        cs.answer_save(actor=None, campaign=campaign, item=it, org=demo.zb3, has_problem=False)
    with pytest.raises(ServiceError, match="党员个人"):
        cs.answer_save(actor=None, campaign=launch(demo.zz, target="members"), item=it, org=demo.zb1,
                       has_problem=False)
    assert not Answer.objects.exists()


def test_progress_counts_answers_and_problems_per_organization(demo):
    campaign = launch(demo.zz)
    total = shipped().items.count()
    cs.answer_save(actor=None, campaign=campaign, item=item(item_id="life.talks"), org=demo.zb1, has_problem=True,
                   description="未谈话")
    cs.answer_save(actor=None, campaign=campaign, item=item(item_id="setup.size"), org=demo.zb1, has_problem=False)
    rows = {r.org.code: r for r in cs.campaign_progress(campaign, cs.target_orgs(campaign))}
    assert (rows["ZB1"].answered, rows["ZB1"].total, rows["ZB1"].problems) == (2, total, 1)
    assert (rows["ZB2"].answered, rows["ZB2"].total, rows["ZB2"].problems, rows["ZB2"].percent) == (0, total, 0, 0)


def test_member_campaigns_count_each_member_and_only_hand_items(demo):
    campaign = launch(demo.zz, target="members")
    hand = shipped().items.filter(auto="").count()
    cs.answer_save(actor=None, campaign=campaign, item=item(item_id="life.talks"), org=demo.zb1, member=demo.m1,
                   has_problem=True, description="本人未参加谈心谈话")
    with pytest.raises(ServiceError, match="自动检查"):
        cs.answer_save(actor=None, campaign=campaign, item=item("committee_set_up"), org=demo.zb1, member=demo.m1,
                       has_problem=False)
    rows = {r.org.code: r for r in cs.campaign_progress(campaign, cs.target_orgs(campaign))}
    assert (rows["ZB1"].answered, rows["ZB1"].total, rows["ZB1"].problems) == (1, 2 * hand, 1)
    assert rows["ZB2"].total == 0
    assert Problem.objects.get().responsible_id == demo.m1.pk
