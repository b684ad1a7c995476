"""API for 发展党员 (read-only): /api/v1/recruitment.

Scoped like the pages: viewers of an organization read its pipeline (and its subtree, as far as
their grants reach) and its applicants' files; ID numbers and phones are masked unless the caller
manages the applicant's branch.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema

from orglife.api.schemas import DetailOut
from orglife.core import scope

from . import queries, services

router = Router(tags=["发展党员"])
ERRORS = {401: DetailOut, 403: DetailOut, 404: DetailOut}
MAX_LIMIT = 100


class ApplicantRow(Schema):
    id: int
    name: str
    org: str = Field(..., description="党支部编码")
    status: str = Field(..., description="active 培养考察中、probationary 预备党员、full 已转正、cancelled、withdrawn")
    stage: int = Field(..., description="当前阶段（1–5）")
    step: int = Field(..., description="已记录的最大步骤号（1–25）")
    next_step: str = Field(..., description="下一步骤编号（规则集中的 id），空为已结束")
    next_due: dt.date | None = Field(None, description="最近期限")
    due_step: str = Field("", description="最近期限所属的步骤")
    late: bool
    errors: int = Field(..., description="违反 V 级规则的项数")


class PipelineOut(Schema):
    count: int
    late: int
    by_stage: dict[int, int]
    items: list[ApplicantRow]


class FindingOut(Schema):
    rule: str
    level: str = Field(..., description="error（违反 V 级规则）或 warning")
    message: str
    step: str
    due: dt.date | None


class StepOut(Schema):
    step: str
    number: int
    on: dt.date
    actors: list[str]
    notes: str
    meeting: int | None
    passed: bool | None
    extra: dict


class ApplicantOut(ApplicantRow):
    id_number: str = Field(..., description="公民身份号码（非本支部管理者为脱敏号码）")
    phone: str
    applied_on: dt.date
    ruleset: str
    probation_end: dt.date | None
    member: int | None
    steps: list[StepOut]
    findings: list[FindingOut]


def _row(a, today: dt.date) -> dict:
    return dict(id=a.pk, name=a.name, org=a.org.code, status=a.status, stage=a.stage, step=a.step_number,
                next_step=a.next_step, next_due=a.next_due, due_step=a.due_step,
                late=bool(a.next_due and a.next_due < today), errors=a.error_count)


@router.get("/recruitment/orgs/{code}/applicants", response={200: PipelineOut, **ERRORS}, summary="发展党员进度")
def pipeline(request, code: str, stage: int | None = None, late: bool = False, offset: int = 0, limit: int = 20):
    """组织（含可查看的下级组织）在培养考察和预备期的入党申请人：当前阶段和步骤、下一步、最近期限、是否逾期。按期限排序，分页。"""
    org = scope.get_org_for_user(request.auth, code)
    today = timezone.localdate()
    qs = queries.pipeline(request.auth, org, stage=stage, late=late, today=today)
    summary = queries.summary(request.auth, org, today)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    return {"count": summary.total, "late": summary.late, "by_stage": {n: c for n, _, c in summary.by_stage},
            "items": [_row(a, today) for a in queries.by_ids(list(qs.values_list("pk", flat=True)[offset:offset + limit]))]}


@router.get("/recruitment/applicants/{applicant_id}", response={200: ApplicantOut, **ERRORS}, summary="发展党员档案")
def applicant(request, applicant_id: int):
    """一名入党申请人的档案：已记录的步骤、人员、表决是否通过，以及按规则集得出的违规和期限提醒。"""
    a = queries.get_applicant_for_user(request.auth, applicant_id)
    today = timezone.localdate()
    steps = list(a.steps.select_related("resolution__meeting__org").prefetch_related("actors"))
    result = services.evaluation(a, steps, today=today)
    full = scope.can_manage(request.auth, a.org)
    return {
        **_row(a, today), "id_number": a.id_number if full else a.masked_id,
        "phone": a.phone if full else a.masked_phone, "applied_on": a.applied_on,
        "ruleset": services.ruleset_for(a).name, "probation_end": a.probation_end, "member": a.member_id,
        "steps": [dict(step=s.step, number=s.number, on=s.on, notes=s.notes, meeting=s.meeting_id,
                       actors=[m.name for m in s.actors.all()] + ([s.actor_names] if s.actor_names else []),
                       passed=services.vote_passed(s) if s.resolution_id else None, extra=s.extra or {})
                  for s in steps],
        "findings": [dict(rule=f.rule_id, level=f.level, message=f.message, step=f.step, due=f.due)
                     for f in result.findings],
    }
