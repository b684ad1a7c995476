"""Problems and measures (问题清单 / 整改措施): every write, one transaction and one audit event each.

Flow: open → rectifying (a measure added) → submitted (all measures done) → signed off (销号) by
the organization above, or returned with a reason (back to rectifying). A 回头看 by the
organization above may reopen a signed-off problem: a new, linked problem is created and the old
one keeps its history. Callers check the actor's scope (views: manage the org / manage above).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.meetings.services import sniff
from orglife.orgs.services import ServiceError

from .models import (
    Measure,
    MeasureEvidence,
    Problem,
    ProblemAction,
    ProblemEvent,
    ProblemSource,
    ProblemStatus,
    Severity,
)


def _event(problem: Problem, action: str, actor, reason: str = "", changes: dict | None = None) -> None:
    ProblemEvent.objects.create(problem=problem, action=action, reason=reason,
                                actor=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action=f"problem.{action}", target=problem, org=problem.org, changes=changes or {})


def _relock(problem: Problem) -> None:
    """Re-read the status under a row lock, so that a page loaded before someone else acted is
    judged on the problem as it is now."""
    fresh = Problem.objects.select_for_update().values("status", "reopened_at").get(pk=problem.pk)
    problem.status, problem.reopened_at = fresh["status"], fresh["reopened_at"]


def _refuse_unless_editable(problem: Problem) -> None:
    if not problem.is_editable:
        raise ServiceError({"status": f"问题当前为“{problem.get_status_display()}”，不能再修改整改措施"})


def problem_create(*, actor, org, source: str, description: str, severity: str = Severity.GENERAL,
                   responsible=None, meeting=None, follows: Problem | None = None) -> Problem:
    description = (description or "").strip()
    errors = {}
    if source not in ProblemSource.values:
        errors["source"] = "问题来源无效"
    if severity not in Severity.values:
        errors["severity"] = "严重程度无效"
    if not description:
        errors["description"] = "请填写问题描述"
    if responsible is not None and responsible.org_id != org.pk:
        errors["responsible"] = "责任人应为责任组织的党员"
    if meeting is not None and meeting.org_id != org.pk:
        errors["meeting"] = "相关会议应为责任组织的会议"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        problem = Problem.objects.create(org=org, source=source, description=description, severity=severity,
                                         responsible=responsible, meeting=meeting, follows=follows, created_by=actor
                                         if getattr(actor, "pk", None) else None)
        _event(problem, ProblemAction.CREATE, actor, changes={"source": [None, source], "status": [None, "open"]})
    return problem


def measure_add(*, actor, problem: Problem, text: str, deadline: dt.date | None, owner=None, weight: int = 1) -> Measure:
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写整改措施"
    if deadline is None:
        errors["deadline"] = "请填写整改时限"
    if weight is None or int(weight) < 1:
        errors["weight"] = "权重应为正整数"
    if owner is not None and owner.org_id != problem.org_id:
        errors["owner"] = "责任人应为责任组织的党员"
    _refuse_unless_editable(problem)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        _relock(problem)
        _refuse_unless_editable(problem)
        measure = Measure.objects.create(problem=problem, text=text, owner=owner, deadline=deadline, weight=int(weight))
        before = problem.status
        problem.status = ProblemStatus.RECTIFYING
        problem.deadline = max(problem.deadline or deadline, deadline)
        problem.save(update_fields=["status", "deadline", "updated_at"])
        _event(problem, ProblemAction.MEASURE_ADD, actor, reason=text,
               changes={"measure": [None, text], "deadline": [None, deadline.isoformat()], "status": [before, problem.status]})
    return measure


def measure_complete(*, actor, measure: Measure, evidence: str, done_on: dt.date | None = None) -> Measure:
    problem = measure.problem
    evidence = (evidence or "").strip()
    _refuse_unless_editable(problem)
    if measure.done_on is not None:
        raise ServiceError({"measure": "该整改措施已完成"})
    if not evidence:
        raise ServiceError({"evidence": "请填写完成情况（整改佐证）"})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ServiceError({"done_on": "完成日期不能晚于今天"})
    with transaction.atomic():
        _relock(problem)
        _refuse_unless_editable(problem)
        if Measure.objects.select_for_update().filter(pk=measure.pk, done_on__isnull=False).exists():
            raise ServiceError({"measure": "该整改措施已完成"})
        measure.done_on, measure.evidence = done_on, evidence
        measure.save(update_fields=["done_on", "evidence"])
        _event(problem, ProblemAction.MEASURE_COMPLETE, actor, reason=measure.text,
               changes={"measure": [measure.pk, measure.pk], "done_on": [None, done_on.isoformat()]})
    return measure


def evidence_add(*, actor, measure: Measure, upload) -> MeasureEvidence:
    problem = measure.problem
    _refuse_unless_editable(problem)
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ServiceError({"file": f"文件过大：不能超过{limit / 1024 / 1024:g}MB"})
    kind = sniff(upload)
    if kind is None:
        raise ServiceError({"file": "文件类型不支持：只能上传 JPEG/PNG 图片、PDF、Word（docx）或 Excel（xlsx）文件"})
    name = (getattr(upload, "name", "") or "佐证材料")[-200:]
    with transaction.atomic():
        item = MeasureEvidence(measure=measure, name=name, content_type=kind, size=upload.size)
        item.file.save(name, upload, save=False)
        item.save()
        _event(problem, ProblemAction.EVIDENCE_ADD, actor, reason=name, changes={"evidence_file": [None, name]})
    return item


def _submittable(problem: Problem) -> None:
    if not problem.is_editable:
        raise ServiceError({"status": f"问题当前为“{problem.get_status_display()}”，不能提交销号"})
    if not problem.measures.exists():
        raise ServiceError({"measures": "请先添加至少一项整改措施"})
    if problem.measures.filter(done_on__isnull=True).exists():
        raise ServiceError({"measures": "还有整改措施未完成，不能提交销号"})


def problem_submit(*, actor, problem: Problem) -> Problem:
    _submittable(problem)
    with transaction.atomic():
        _relock(problem)
        _submittable(problem)
        before = problem.status
        problem.status, problem.submitted_at = ProblemStatus.SUBMITTED, timezone.now()
        problem.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(problem, ProblemAction.SUBMIT, actor, changes={"status": [before, problem.status]})
    return problem


def _refuse_unless_submitted(problem: Problem) -> None:
    if problem.status != ProblemStatus.SUBMITTED:
        raise ServiceError({"status": f"问题当前为“{problem.get_status_display()}”，只能对已提交销号的问题销号或退回"})


def problem_sign_off(*, actor, problem: Problem, comment: str = "") -> Problem:
    _refuse_unless_submitted(problem)
    with transaction.atomic():
        _relock(problem)
        _refuse_unless_submitted(problem)
        problem.status, problem.signed_off_at = ProblemStatus.SIGNED_OFF, timezone.now()
        problem.save(update_fields=["status", "signed_off_at", "updated_at"])
        _event(problem, ProblemAction.SIGN_OFF, actor, reason=(comment or "").strip(),
               changes={"status": [ProblemStatus.SUBMITTED, ProblemStatus.SIGNED_OFF]})
    return problem


def problem_return(*, actor, problem: Problem, reason: str) -> Problem:
    _refuse_unless_submitted(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请写明退回理由"})
    with transaction.atomic():
        _relock(problem)
        _refuse_unless_submitted(problem)
        problem.status, problem.submitted_at = ProblemStatus.RECTIFYING, None
        problem.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(problem, ProblemAction.RETURN, actor, reason=reason,
               changes={"status": [ProblemStatus.SUBMITTED, ProblemStatus.RECTIFYING], "reason": [None, reason]})
    return problem


def _reopenable(problem: Problem) -> None:
    if problem.status != ProblemStatus.SIGNED_OFF:
        raise ServiceError({"status": f"问题当前为“{problem.get_status_display()}”，回头看只能针对已销号的问题"})
    if problem.reopened_at is not None:
        raise ServiceError({"status": "该问题已在回头看中重新整改"})


def problem_reopen(*, actor, problem: Problem, reason: str) -> Problem:
    """回头看: the signed-off problem stays as it was (marked reopened); a linked follow-up problem
    is opened for the same organization. Returns the follow-up."""
    _reopenable(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请写明回头看发现的问题"})
    with transaction.atomic():
        _relock(problem)
        _reopenable(problem)
        problem.reopened_at = timezone.now()
        problem.save(update_fields=["reopened_at", "updated_at"])
        follow_up = Problem.objects.create(
            org=problem.org, responsible=problem.responsible, source=problem.source, severity=problem.severity,
            meeting=problem.meeting, follows=problem, created_by=actor if getattr(actor, "pk", None) else None,
            description=f"{problem.description}\n【回头看】{reason}",
        )
        _event(problem, ProblemAction.REOPEN, actor, reason=reason, changes={"follow_up": [None, follow_up.pk]})
        _event(follow_up, ProblemAction.CREATE, actor, reason=f"回头看重新整改（原问题 #{problem.pk}）",
               changes={"follows": [None, problem.pk], "status": [None, "open"]})
    return follow_up


def _withdrawable(problem: Problem) -> None:
    if problem.status == ProblemStatus.SUBMITTED:
        raise ServiceError({"status": f"问题#{problem.pk}已提交上级销号，不能撤销，须按整改流程办理"})
    if problem.status == ProblemStatus.SIGNED_OFF:
        raise ServiceError({"status": f"问题#{problem.pk}已销号，不能撤销"})
    if problem.status == ProblemStatus.WITHDRAWN:
        raise ServiceError({"status": f"问题#{problem.pk}已撤销"})
    if problem.measures.filter(done_on__isnull=False).exists():
        raise ServiceError({"status": f"问题#{problem.pk}已有整改措施完成，不能撤销，须按整改流程办理（提交销号）"})


def problem_withdraw(*, actor, problem: Problem, reason: str) -> Problem:
    """Withdraw (撤销) a problem that was registered in error, e.g. a self-inspection answer set back
    to "no problem". Only while nothing was rectified: no measure completed, not submitted or
    signed off. The reason goes into the problem's history; the problem and its measures stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请写明撤销理由"})
    _withdrawable(problem)
    with transaction.atomic():
        _relock(problem)
        _withdrawable(problem)
        before = problem.status
        problem.status = ProblemStatus.WITHDRAWN
        problem.save(update_fields=["status", "updated_at"])
        _event(problem, ProblemAction.WITHDRAW, actor, reason=reason,
               changes={"status": [before, ProblemStatus.WITHDRAWN], "reason": [None, reason]})
    return problem
