"""民主评议党员 services: opening freezes the roster, the stages, self-assessment and comments,
grades with the 优秀 cap and no quota on 不合格, handling of 不合格 as to-dos."""

from __future__ import annotations

import dataclasses

import pytest

from orglife.conftest import make_member
from orglife.core.models import AuditEvent
from orglife.evaluation import appraisal_services as services
from orglife.evaluation.appraisal_models import (
    Grade,
    HandlingStep,
    MemberEvaluation,
    PeerComment,
    Stage,
    StepKind,
    StepStatus,
)
from orglife.evaluation.ballot_models import BallotOption, BallotQuestion, BallotStatus, VoterRoll
from orglife.meetings import talk_services
from orglife.meetings.models import TalkTodo
from orglife.orgs.models import Status
from orglife.orgs.services import ServiceError
from orglife.rules import loader

from .appraisal_helpers import TODAY, open_evaluation, to_stage, vote_all

pytestmark = pytest.mark.django_db


def grade_all(ev, grade=Grade.QUALIFIED, **special):
    """Grade everyone graded as `grade`, except names given in special (name → grade)."""
    grades = {}
    for p in ev.participants.filter(graded=True):
        g = special.get(p.name, grade)
        grades[p.pk] = (g, "" if g == Grade.QUALIFIED else f"{p.name}的理由")
    return services.appraisal_grade(actor=None, evaluation=ev, grades=grades)


def test_opening_freezes_the_roster_and_builds_the_ballot(demo):
    suspended = make_member("ZB1", name="停党籍")
    suspended.status = Status.SUSPENDED
    suspended.save()
    ev = open_evaluation(demo, voters=3)
    names = set(ev.participants.values_list("name", flat=True))
    assert "停党籍" not in names and {"李四", "王五"} <= names and len(names) == 5
    assert ev.stage == Stage.SELF_ASSESSMENT and ev.ballot.status == BallotStatus.DRAFT
    assert ev.ballot.min_cast == 5 and ev.excellent_one_in == 3 and ev.probationary_mode == "graded"
    assert VoterRoll.objects.filter(ballot=ev.ballot).count() == 5
    assert BallotQuestion.objects.filter(ballot=ev.ballot).count() == 5
    assert set(BallotOption.objects.filter(question__ballot=ev.ballot).values_list("label", flat=True)) == {
        "优秀", "合格", "基本合格", "不合格"}
    # A member joining later is not added.
    make_member("ZB1", name="后来者")
    assert ev.participants.count() == 5
    assert AuditEvent.objects.filter(action="appraisal.open").count() == 1


def test_one_evaluation_per_branch_and_year(demo):
    open_evaluation(demo, voters=0)
    with pytest.raises(ServiceError) as exc:
        open_evaluation(demo, voters=0)
    assert "已开展" in exc.value.errors["year"]


@pytest.mark.parametrize("year", [1999, TODAY.year + 1])
def test_the_year_is_checked(demo, year):
    with pytest.raises(ServiceError) as exc:
        open_evaluation(demo, year=year, voters=0)
    assert "年度" in exc.value.errors["year"]


def test_a_party_group_or_an_empty_branch_cannot_open(demo):
    with pytest.raises(ServiceError) as exc:
        services.appraisal_open(actor=None, org=demo.xz1, year=2026, today=TODAY)
    assert "党小组" in exc.value.errors["org"]
    with pytest.raises(ServiceError) as exc:
        services.appraisal_open(actor=None, org=demo.zb2, year=2026, today=TODAY)
    assert "暂无" in exc.value.errors["org"]


def test_a_meeting_of_another_branch_is_refused(demo):
    from orglife.meetings.models import Meeting

    other = Meeting.objects.create(org=demo.zb2, topic="别的支部")
    with pytest.raises(ServiceError) as exc:
        open_evaluation(demo, voters=0, meeting=other)
    assert "本组织" in exc.value.errors["meeting"]


def _with_option(monkeypatch, **options):
    base = loader.get_profile()
    patched = dataclasses.replace(base, options={**base.options, **options})
    monkeypatch.setattr("orglife.orgs.models.Organization.profile", lambda self: patched)


def test_probationary_members_take_part_and_are_graded_by_default(demo):
    p = make_member("ZB1", name="预备", category="probationary", full_member_on=None)
    ev = open_evaluation(demo, voters=0)
    part = ev.participants.get(member=p)
    assert part.graded and part.is_probationary
    assert VoterRoll.objects.filter(ballot=ev.ballot, member=p).exists()


def test_local_option_no_excellent_for_probationary_members(demo, monkeypatch):
    _with_option(monkeypatch, appraisal_probationary="no_excellent")
    p = make_member("ZB1", name="预备", category="probationary", full_member_on=None)
    ev = open_evaluation(demo, voters=0)
    q = BallotQuestion.objects.get(ballot=ev.ballot, key=f"member:{p.pk}")
    assert [o.label for o in q.options.all()] == ["合格", "基本合格", "不合格"]
    ev = to_stage(ev, Stage.GRADING)
    part = ev.participants.get(member=p)
    with pytest.raises(ServiceError) as exc:
        services.appraisal_grade(actor=None, evaluation=ev, grades={part.pk: (Grade.EXCELLENT, "好")})
    assert "不评为优秀" in exc.value.errors[f"grade_{part.pk}"]


def test_local_option_probationary_members_vote_but_are_not_graded(demo, monkeypatch):
    _with_option(monkeypatch, appraisal_probationary="not_graded")
    p = make_member("ZB1", name="预备", category="probationary", full_member_on=None)
    ev = open_evaluation(demo, voters=0)
    part = ev.participants.get(member=p)
    assert not part.graded
    assert VoterRoll.objects.filter(ballot=ev.ballot, member=p).exists()
    assert not BallotQuestion.objects.filter(ballot=ev.ballot, key=f"member:{p.pk}").exists()


def test_self_assessment_and_comments_follow_the_stages(demo):
    ev = open_evaluation(demo, voters=0)
    me, other = ev.participants.get(member=demo.m1), ev.participants.get(member=demo.m2)
    services.appraisal_self_assess(actor=demo.member, participant=me, text="  对照党章检查  ")
    me.refresh_from_db()
    assert me.self_assessment == "对照党章检查" and me.self_assessed_at
    with pytest.raises(ServiceError):  # comments wait for 党员互评
        services.appraisal_comment(actor=demo.member, author=me, subject=other, text="意见")
    ev = to_stage(ev, Stage.PEER_REVIEW)
    services.appraisal_comment(actor=demo.member, author=me, subject=other, text="意见")
    services.appraisal_comment(actor=demo.member, author=me, subject=other, text="修改后的意见")
    assert PeerComment.objects.get().text == "修改后的意见"
    with pytest.raises(ServiceError) as exc:
        services.appraisal_comment(actor=demo.member, author=me, subject=me, text="自己")
    assert "个人自评" in exc.value.errors["subject"]
    ev = to_stage(ev, Stage.VOTING)
    with pytest.raises(ServiceError):
        services.appraisal_self_assess(actor=demo.member, participant=me, text="再改")
    with pytest.raises(ServiceError):
        services.appraisal_comment(actor=demo.member, author=me, subject=other, text="再改")


def test_blank_self_assessment_is_refused(demo):
    ev = open_evaluation(demo, voters=0)
    with pytest.raises(ServiceError) as exc:
        services.appraisal_self_assess(actor=None, participant=ev.participants.first(), text="  ")
    assert exc.value.errors == {"text": "请填写个人自评"}


def test_stages_open_and_close_the_ballot(demo):
    ev = open_evaluation(demo)
    ev = to_stage(ev, Stage.VOTING)
    assert ev.ballot.status == BallotStatus.OPEN
    vote_all(ev)
    ev = to_stage(ev, Stage.GRADING)
    ev.ballot.refresh_from_db()
    assert ev.ballot.status == BallotStatus.CLOSED and ev.ballot.closed_on == TODAY


def test_grades_wait_for_the_grading_stage(demo):
    ev = open_evaluation(demo, voters=0)
    with pytest.raises(ServiceError) as exc:
        grade_all(ev)
    assert "民主测评结束后" in exc.value.errors["grades"]


@pytest.mark.parametrize("people,cap", [(2, 0), (3, 1), (5, 1), (6, 2), (7, 2), (9, 3), (10, 3)])
def test_the_excellent_cap_is_a_third_rounded_down(demo, people, cap):
    ev = open_evaluation(demo, voters=people - 2)
    ev = to_stage(ev, Stage.GRADING)
    names = list(ev.participants.values_list("name", flat=True))
    grade_all(ev, **{n: Grade.EXCELLENT for n in names[:cap]})
    assert ev.participants.filter(grade=Grade.EXCELLENT).count() == cap
    with pytest.raises(ServiceError) as exc:
        grade_all(ev, **{n: Grade.EXCELLENT for n in names[:cap + 1]})
    assert f"最多 {cap} 人" in exc.value.errors["grades"]
    assert ev.participants.filter(grade=Grade.EXCELLENT).count() == cap  # nothing saved


def test_no_quota_on_unqualified(demo):
    ev = to_stage(open_evaluation(demo, voters=5), Stage.GRADING)
    grade_all(ev, grade=Grade.UNQUALIFIED)
    assert ev.participants.filter(grade=Grade.UNQUALIFIED).count() == 7


def test_a_reason_is_required_except_for_qualified(demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    p = ev.participants.first()
    with pytest.raises(ServiceError) as exc:
        services.appraisal_grade(actor=None, evaluation=ev, grades={p.pk: (Grade.BASICALLY_QUALIFIED, " ")})
    assert "理由" in exc.value.errors[f"reason_{p.pk}"]
    services.appraisal_grade(actor=None, evaluation=ev, grades={p.pk: (Grade.QUALIFIED, "")})
    p.refresh_from_db()
    assert p.grade == Grade.QUALIFIED


def test_finishing_needs_every_grade(demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    with pytest.raises(ServiceError) as exc:
        services.appraisal_advance(actor=None, evaluation=ev, today=TODAY)
    assert "尚未评定等次" in exc.value.errors["stage"]


def test_unqualified_opens_the_handling_steps_with_a_talk_todo(demo):
    prob = make_member("ZB1", name="预备", category="probationary", full_member_on=None)
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    grade_all(ev, **{"李四": Grade.UNQUALIFIED, "预备": Grade.UNQUALIFIED})
    ev = to_stage(ev, Stage.FINISHED)
    assert ev.finished_on == TODAY
    full = ev.participants.get(member=demo.m1)
    steps = list(full.steps.order_by("position"))
    assert [s.kind for s in steps] == [StepKind.EDUCATION_TALK, StepKind.CORRECT_BY_DEADLINE,
                                       StepKind.PERSUADE_TO_LEAVE, StepKind.REMOVE]
    assert [s.status for s in steps] == [StepStatus.OPEN] + [StepStatus.PENDING] * 3
    assert steps[0].talk_todo.member == demo.m1 and "不合格" in steps[0].talk_todo.reason
    prob_steps = list(ev.participants.get(member=prob).steps.order_by("position"))
    assert [s.kind for s in prob_steps] == [StepKind.EDUCATION_TALK, StepKind.CRITICISM, StepKind.PROBATION_DECISION]
    assert TalkTodo.objects.count() == 2
    assert AuditEvent.objects.filter(action="appraisal.finish").count() == 1


def test_handling_goes_step_by_step_and_never_changes_the_member(demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    grade_all(ev, **{"李四": Grade.UNQUALIFIED})
    ev = to_stage(ev, Stage.FINISHED)
    talk_step = HandlingStep.objects.get(position=0)
    with pytest.raises(ServiceError) as exc:
        services.appraisal_step_done(actor=None, step=talk_step, today=TODAY)
    assert "谈心谈话" in exc.value.errors["note"]
    talk_services.talk_record(actor=None, org=demo.zb1, held_on=TODAY, topic="教育谈话", participants=[demo.m1, demo.m2],
                              today=TODAY)
    due = TODAY.replace(day=31, month=12)
    services.appraisal_step_done(actor=None, step=talk_step, today=TODAY, next_due_on=due)
    correct = HandlingStep.objects.get(position=1)
    assert correct.status == StepStatus.OPEN and correct.due_on == due
    with pytest.raises(ServiceError) as exc:
        services.appraisal_step_done(actor=None, step=correct, today=TODAY)
    assert exc.value.errors == {"note": "请填写办理情况"}
    services.appraisal_step_done(actor=None, step=correct, note="未按期改正", today=TODAY)
    closed = services.appraisal_step_close(actor=None, participant=correct.participant, note="经教育已改正")
    assert closed == 2
    assert list(HandlingStep.objects.order_by("position").values_list("status", flat=True)) == [
        "done", "done", "not_needed", "not_needed"]
    demo.m1.refresh_from_db()
    assert demo.m1.status == Status.ACTIVE


def test_a_member_who_left_still_gets_the_steps_without_a_talk(demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    grade_all(ev, **{"王五": Grade.UNQUALIFIED})
    demo.m2.status = Status.TRANSFERRED_OUT
    demo.m2.save()
    ev = to_stage(ev, Stage.FINISHED)
    step = HandlingStep.objects.get(position=0)
    assert step.talk_todo is None and step.status == StepStatus.OPEN


def test_finished_is_final(demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.GRADING)
    grade_all(ev)
    ev = to_stage(ev, Stage.FINISHED)
    with pytest.raises(ServiceError):
        services.appraisal_advance(actor=None, evaluation=ev, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        grade_all(ev)
    assert "不能修改" in exc.value.errors["grades"]
    assert MemberEvaluation.objects.get().stage == Stage.FINISHED

