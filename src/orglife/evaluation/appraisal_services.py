"""Writes for 民主评议党员 (RULES §4). One transaction each, audited. Permission is the caller's
business: views check scope.can_manage on the evaluation's organization, or that the actor is
the participant writing their own self-assessment or comment.

Stages: 个人自评 → 党员互评 → 民主测评 (a secret Ballot) → 组织评定 → 已结束 (each member sees
their own grade; 不合格 opens the handling steps of RULES §4 as to-dos).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.meetings import talk_services
from orglife.orgs.models import Category, Member, Organization, Status
from orglife.orgs.services import MEMBER_ORG_KINDS, ServiceError

from . import ballot_services
from .appraisal_models import (
    STAGE_ORDER,
    STEPS_FULL,
    STEPS_PROBATIONARY,
    Grade,
    HandlingStep,
    MemberEvaluation,
    Participant,
    PeerComment,
    ProbationaryMode,
    Stage,
    StepKind,
    StepStatus,
)

# Members who take part: on the roster and able to (停止党籍 members do not; RULES §1.3).
TAKING_PART = (Status.ACTIVE, Status.MOBILE)
TEXT_MAX = 5000


def question_key(member_id: int) -> str:
    """The ballot question grading this member (the ballot knows subjects, never voters)."""
    return f"member:{member_id}"


def grade_options(probationary: bool, mode: str) -> list[tuple[str, str]]:
    """The grades a participant may receive: a 预备党员 is never 优秀 under the local option."""
    excluded = {Grade.EXCELLENT} if probationary and mode == ProbationaryMode.NO_EXCELLENT else set()
    return [(g.value, g.label) for g in Grade if g not in excluded]


def appraisal_open(
    *, actor, org: Organization, year: int, meeting=None, today: dt.date | None = None,
) -> MemberEvaluation:
    """Open the year's evaluation: freeze the roster (who votes, who is graded), the rule-profile
    settings, and prepare the 民主测评 ballot (opened later, at its stage)."""
    today = today or timezone.localdate()
    errors = {}
    if org.kind not in MEMBER_ORG_KINDS or org.dissolved_on:
        errors["org"] = f"{org.get_kind_display()}不直接开展民主评议党员，请在党支部开展"
    if not 2000 <= year <= today.year:
        errors["year"] = f"年度应在2000年至{today.year}年之间"
    if meeting is not None and meeting.org_id != org.pk:
        errors["meeting"] = "只能关联本组织的会议"
    if not errors and MemberEvaluation.objects.filter(org=org, year=year).exists():
        errors["year"] = f"本组织{year}年度已开展民主评议党员"
    members = list(Member.objects.filter(org=org, status__in=TAKING_PART).order_by("name", "id"))
    if not errors and not members:
        errors["org"] = "本组织暂无可参加评议的在册党员"
    if errors:
        raise ServiceError(errors)
    profile = org.profile()
    mode = profile.options.get("appraisal_probationary", ProbationaryMode.GRADED)
    one_in = int(profile.value("appraisal.excellent_one_in"))
    taking_part = [(m, m.category != Category.PROBATIONARY or mode != ProbationaryMode.NOT_GRADED) for m in members]
    with transaction.atomic():
        ballot = ballot_services.ballot_create(
            actor=actor, org=org, title=f"{org.name}{year}年度民主评议党员 民主测评", purpose="appraisal", voters=members,
            questions=[ballot_services.QuestionSpec(question_key(m.pk), m.name,
                                                    grade_options(m.category == Category.PROBATIONARY, mode))
                       for m, graded in taking_part if graded],
        )
        evaluation = MemberEvaluation.objects.create(
            org=org, year=year, meeting=meeting, ballot=ballot, probationary_mode=mode, excellent_one_in=one_in,
            opened_on=today, created_by=actor if getattr(actor, "pk", None) else None,
        )
        participants = Participant.objects.bulk_create([
            Participant(evaluation=evaluation, member=m, name=m.name, category=m.category, graded=graded)
            for m, graded in taking_part
        ])
        audit.record(actor=actor, action="appraisal.open", target=evaluation, org=org, changes={
            "year": [None, year], "participants": [None, len(participants)],
            "graded": [None, sum(1 for p in participants if p.graded)], "probationary_mode": [None, mode],
            "meeting": [None, meeting.pk if meeting else None],
        })
    return evaluation


def _locked(evaluation: MemberEvaluation) -> MemberEvaluation:
    return MemberEvaluation.objects.select_for_update(of=("self",)).select_related("org", "ballot").get(pk=evaluation.pk)


NEXT_LABELS = {
    Stage.SELF_ASSESSMENT: "进入党员互评",
    Stage.PEER_REVIEW: "开始民主测评",
    Stage.VOTING: "结束民主测评",
    Stage.GRADING: "完成评定并告知本人",
}


def appraisal_advance(*, actor, evaluation: MemberEvaluation, today: dt.date | None = None) -> MemberEvaluation:
    """Move to the next stage. 民主测评 opens the ballot; leaving it closes the ballot; finishing
    needs every graded member's grade (within the 优秀 cap) and opens the handling of 不合格."""
    today = today or timezone.localdate()
    with transaction.atomic():
        evaluation = _locked(evaluation)
        old = evaluation.stage
        if old == Stage.FINISHED:
            raise ServiceError({"stage": "民主评议已结束"})
        if old == Stage.PEER_REVIEW:
            evaluation.ballot = ballot_services.ballot_open(actor=actor, ballot=evaluation.ballot, today=today)
        elif old == Stage.VOTING:
            evaluation.ballot = ballot_services.ballot_close(actor=actor, ballot=evaluation.ballot, today=today)
        elif old == Stage.GRADING:
            participants = list(evaluation.participants.select_related("member"))
            missing = [p.name for p in participants if p.graded and not p.grade]
            if missing:
                raise ServiceError({"stage": f"尚未评定等次：{'、'.join(missing[:10])}{'等' if len(missing) > 10 else ''}"})
            _check_cap(evaluation, participants, cap_mode(evaluation))
            _open_handling(actor, evaluation, [p for p in participants if p.grade == Grade.UNQUALIFIED], today)
            evaluation.finished_on = today
        evaluation.stage = STAGE_ORDER[STAGE_ORDER.index(old) + 1]
        evaluation.save(update_fields=["stage", "finished_on"])
        audit.record(actor=actor, action="appraisal.advance" if evaluation.stage != Stage.FINISHED else "appraisal.finish",
                     target=evaluation, org=evaluation.org, changes={"stage": [old, evaluation.stage]})
    return evaluation


def appraisal_self_assess(*, actor, participant: Participant, text: str) -> Participant:
    """个人自评: the member's own written self-assessment, editable until 民主测评 starts."""
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "请填写个人自评"})
    if len(text) > TEXT_MAX:
        raise ServiceError({"text": f"个人自评不超过{TEXT_MAX}字"})
    with transaction.atomic():
        evaluation = _locked(participant.evaluation)
        if evaluation.stage not in (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW):
            raise ServiceError({"text": "民主测评已开始，个人自评不能再修改"})
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        first = not participant.self_assessment
        participant.self_assessment, participant.self_assessed_at = text, timezone.now()
        participant.save(update_fields=["self_assessment", "self_assessed_at"])
        audit.record(actor=actor, action="appraisal.self_assess", target=participant, org=evaluation.org,
                     changes={"self_assessment": ["" if first else "（已填写）", "（已填写）"]})
    return participant


def appraisal_comment(*, actor, author: Participant, subject: Participant, text: str) -> PeerComment:
    """党员互评: the author's comment on a fellow participant (one each, editable during 党员互评)."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写互评意见"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"互评意见不超过{TEXT_MAX}字"
    if author.pk == subject.pk:
        errors["subject"] = "互评意见是对其他党员的，个人情况请写在个人自评中"
    if author.evaluation_id != subject.evaluation_id:
        errors["subject"] = "只能评议本次民主评议的党员"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        evaluation = _locked(author.evaluation)
        if evaluation.stage != Stage.PEER_REVIEW:
            raise ServiceError({"text": "当前不是党员互评阶段"})
        comment, created = PeerComment.objects.update_or_create(
            author=author, subject=subject, defaults={"evaluation": evaluation, "text": text})
        audit.record(actor=actor, action="appraisal.comment", target=comment, org=evaluation.org,
                     changes={"subject": [None, subject.pk], "text": [None if created else "（已填写）", "（已填写）"]})
    return comment


def excellent_over_cap(evaluation: MemberEvaluation, participants: list[Participant]) -> str | None:
    """The message when more than 1/N of the members graded are 优秀, else None."""
    graded = [p for p in participants if p.graded]
    excellent = sum(1 for p in graded if p.grade == Grade.EXCELLENT)
    cap = evaluation.excellent_cap(len(graded))
    if excellent <= cap:
        return None
    return (f"评为优秀的共 {excellent} 人，超过参评党员 {len(graded)} 人的1/{evaluation.excellent_one_in}"
            f"（按取整数部分计算，最多 {cap} 人）")


def cap_mode(evaluation: MemberEvaluation) -> str:
    # The cap (appraisal.excellent_one_in) is tagged S, so whether it refuses the grades is the
    # profile option appraisal_excellent_cap: "enforce" (the default, as issue 6 asks) or "warn".
    return evaluation.org.profile().options.get("appraisal_excellent_cap", "enforce")


def _check_cap(evaluation: MemberEvaluation, participants: list[Participant], mode: str = "enforce") -> None:
    message = excellent_over_cap(evaluation, participants)
    if message and mode == "enforce":
        raise ServiceError({"grades": message})


def appraisal_grade(
    *, actor, evaluation: MemberEvaluation, grades: dict[int, tuple[str, str]],
) -> list[Participant]:
    """The committee's grades: {participant id: (grade or "", reason)}. A reason is required for
    every grade other than 合格. 优秀 ≤ 1/3 of the members graded (rounded down); no quota on 不合格."""
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.stage != Stage.GRADING:
            raise ServiceError({"grades": "民主测评结束后才能评定等次" if evaluation.stage_index() < 3 else "评定已完成，不能修改"})
        participants = list(evaluation.participants.select_for_update())
        errors, changes, changed = {}, {}, []
        for p in participants:
            if p.pk not in grades:
                continue
            grade, reason = grades[p.pk][0] or "", (grades[p.pk][1] or "").strip()
            if grade and not p.graded:
                errors[f"grade_{p.pk}"] = f"{p.name}为预备党员，按本组织规则配置不评定等次"
            elif grade and grade not in {k for k, _ in grade_options(p.is_probationary, evaluation.probationary_mode)}:
                errors[f"grade_{p.pk}"] = (f"{p.name}为预备党员，按本组织规则配置不评为优秀" if grade == Grade.EXCELLENT
                                           else "等次无效")
            elif grade and grade != Grade.QUALIFIED and not reason:
                errors[f"reason_{p.pk}"] = f"请填写{p.name}评为{Grade(grade).label}的理由"
            elif len(reason) > TEXT_MAX:
                errors[f"reason_{p.pk}"] = f"理由不超过{TEXT_MAX}字"
            if (grade, reason) != (p.grade, p.grade_reason):
                changes[p.name] = [p.get_grade_display() or "", Grade(grade).label if grade else ""]
                p.grade, p.grade_reason, p.graded_by = grade, reason, actor if getattr(actor, "pk", None) else None
                changed.append(p)
        if errors:
            raise ServiceError(errors)
        _check_cap(evaluation, participants, cap_mode(evaluation))
        Participant.objects.bulk_update(changed, ["grade", "grade_reason", "graded_by"])
        if changed:
            audit.record(actor=actor, action="appraisal.grade", target=evaluation, org=evaluation.org, changes=changes)
    return participants


def _open_handling(actor, evaluation: MemberEvaluation, unqualified: list[Participant], today: dt.date) -> None:
    """不合格 → education first (a talk to-do in 谈心谈话), then 组织处置 step by step (RULES §4)."""
    steps = []
    for p in unqualified:
        kinds = STEPS_PROBATIONARY if p.is_probationary else STEPS_FULL
        todo = None
        try:
            todo = talk_services.talk_todo_raise(
                actor=actor, org=evaluation.org, member=p.member, today=today,
                reason=f"{evaluation.year}年度民主评议党员评定为不合格，进行教育谈话",
            )
        except ServiceError:
            pass  # no longer on the branch's roster: the step stays, without a talk to-do
        steps += [HandlingStep(participant=p, position=i, kind=k, talk_todo=todo if i == 0 else None,
                               status=StepStatus.OPEN if i == 0 else StepStatus.PENDING)
                  for i, k in enumerate(kinds)]
    HandlingStep.objects.bulk_create(steps)


def appraisal_step_done(
    *, actor, step: HandlingStep, note: str = "", done_on: dt.date | None = None, next_due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> HandlingStep:
    """Mark the open handling step done; the next step opens (with its deadline, e.g. 限期改正)."""
    today = today or timezone.localdate()
    done_on = done_on or today
    note = (note or "").strip()
    with transaction.atomic():
        # Lock the step row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        step = HandlingStep.objects.select_for_update(of=("self",)).select_related(
            "participant__evaluation__org", "talk_todo").get(pk=step.pk)
        errors = {}
        if step.status != StepStatus.OPEN:
            errors["note"] = f"该步骤{step.get_status_display()}，不能办理"
        elif step.kind == StepKind.EDUCATION_TALK and step.talk_todo and not step.talk_todo.talk_id:
            errors["note"] = "请先在“谈心谈话”中记录与该党员的教育谈话"
        elif step.kind != StepKind.EDUCATION_TALK and not note:
            errors["note"] = "请填写办理情况"
        if done_on > today:
            errors["done_on"] = "完成日期不能晚于今天"
        if next_due_on is not None and next_due_on < done_on:
            errors["next_due_on"] = "下一步完成时限不能早于本步完成日期"
        if errors:
            raise ServiceError(errors)
        step.status, step.note, step.done_on = StepStatus.DONE, note, done_on
        step.save(update_fields=["status", "note", "done_on"])
        nxt = HandlingStep.objects.select_for_update().filter(
            participant=step.participant, position=step.position + 1).first()
        if nxt is not None:
            nxt.status, nxt.due_on = StepStatus.OPEN, next_due_on
            nxt.save(update_fields=["status", "due_on"])
        audit.record(actor=actor, action="appraisal.step_done", target=step, org=step.participant.evaluation.org,
                     changes={"kind": [None, step.kind], "done_on": [None, done_on.isoformat()],
                              "next": [None, nxt.kind if nxt else None]})
    return step


def appraisal_step_close(*, actor, participant: Participant, note: str) -> int:
    """End the handling (e.g. the member has corrected): the remaining steps are no longer needed."""
    note = (note or "").strip()
    if not note:
        raise ServiceError({"note": "请填写结束处置的理由（如已改正）"})
    with transaction.atomic():
        steps = list(HandlingStep.objects.select_for_update().filter(
            participant=participant, status__in=[StepStatus.OPEN, StepStatus.PENDING]).order_by("position"))
        if not steps:
            raise ServiceError({"note": "没有待办的处置步骤"})
        for s in steps:
            s.status = StepStatus.NOT_NEEDED
        steps[0].note = note
        HandlingStep.objects.bulk_update(steps, ["status", "note"])
        audit.record(actor=actor, action="appraisal.step_close", target=participant,
                     org=participant.evaluation.org, changes={"closed_steps": [None, [s.kind for s in steps]],
                                                              "note": [None, note]})
    return len(steps)
