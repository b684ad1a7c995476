"""API for compliance: GET /api/v1/compliance?org=CODE&year=YYYY&subtree=true&on=YYYY-MM-DD.

Scoped like the web UI (orglife.core.scope: viewers may read). One row per organization × kind ×
period. A subtree is returned a page of organizations at a time (limit/offset over
organizations, in tree order); meeting ids are listed for a single organization (subtree=false)
and left empty for a subtree, where GET /api/v1/compliance/meetings gives one cell's meetings.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from orglife.api.schemas import FIELD_LABELS, DetailOut, ErrorsOut, errors_body
from orglife.core import scope
from orglife.rules.compliance import KIND_LABELS, STATUS_LABELS
from orglife.rules.periods import parse_period

from . import queries

router = Router(tags=["合规"])

# "org" is labelled by the orgs API (所在党组织编码); the labels are shared.
FIELD_LABELS.update({"year": "年度", "on": "判定日期", "kind": "会议类型", "period": "期间"})
READ_ERRORS = {400: ErrorsOut, 401: DetailOut, 403: DetailOut, 404: DetailOut}
MAX_ORGS = 1000


class ComplianceParams(Schema):
    org: str = Field(..., description="组织编码")
    year: int = Field(..., ge=2000, le=2100, description="年度")
    subtree: bool = Field(True, description="是否包含下级组织（false：只看该组织，并列出计入的会议）")
    on: dt.date | None = Field(None, description="判定日期 YYYY-MM-DD（默认今天）")
    limit: int = Field(100, ge=1, le=MAX_ORGS, description=f"每页组织数（1–{MAX_ORGS}）")
    offset: int = Field(0, ge=0, description="从第几个组织开始（0 起）")


class RowOut(Schema):
    org: str = Field(..., description="组织编码")
    kind: str = Field(..., description=f"会议类型：{'、'.join(f'{k} {v}' for k, v in KIND_LABELS.items())}")
    period: str = Field(..., description="期间：2026-03、2026-Q1、2026-H1 或 2026")
    required: int = Field(..., description="应召开次数")
    held: int = Field(..., description="已召开（计入）次数")
    status: str = Field(..., description=f"状态：{'、'.join(f'{k} {v}' for k, v in STATUS_LABELS.items())}")
    meetings: list[int] = Field(..., description="计入的会议ID（仅 subtree=false 时列出）")
    rule: str = Field(..., description="规则编号")
    explanation: str = Field(..., description="中文说明")


class ComplianceOut(Schema):
    count: int = Field(..., description="组织总数（subtree=true 时分页）")
    limit: int
    offset: int
    rows: list[RowOut]


class CellParams(Schema):
    org: str = Field(..., description="组织编码")
    kind: str = Field(..., description="会议类型")
    period: str = Field(..., description="期间：2026-03、2026-Q1、2026-H1 或 2026")


def _row(code: str, v) -> dict:
    return {"org": code, "kind": v.kind, "period": v.period, "required": v.required, "held": v.held,
            "status": v.status, "meetings": v.meetings, "rule": v.rule, "explanation": v.explanation}


@router.get("/compliance", response={200: ComplianceOut, **READ_ERRORS}, summary="组织生活完成情况")
def compliance(request, params: Query[ComplianceParams]):
    """各组织逐项（会议类型 × 期间）的完成情况：应开、已开、状态和中文说明。"""
    org = scope.get_org_for_user(request.user, params.org)
    on = params.on or timezone.localdate()
    if not params.subtree:
        rows = queries.compliance_rows(request.user, org, params.year, on, subtree=False)
        return {"count": 1, "limit": params.limit, "offset": 0,
                "rows": [_row(r.org.code, v) for r in rows for v in r.verdicts]}
    orgs = queries.subtree_orgs(request.user, org, only_requiring=True)
    count = orgs.count()
    page = list(orgs[params.offset: params.offset + params.limit])
    infos = queries._profiles(org, page)
    rows = queries.judge_orgs(org, infos, params.year, on, whole_subtree=False)
    return {"count": count, "limit": params.limit, "offset": params.offset,
            "rows": [_row(r.org.code, v) for r in rows for v in r.verdicts]}


@router.get("/compliance/meetings", response={200: list[int], **READ_ERRORS}, summary="某项计入的会议")
def compliance_meetings(request, params: Query[CellParams]):
    """一个组织某会议类型在某期间计入的会议ID（按召开日期排列）。"""
    org = scope.get_org_for_user(request.user, params.org)
    errors = {}
    if params.kind not in KIND_LABELS:
        errors["kind"] = f"会议类型无效，应为：{'、'.join(KIND_LABELS)}"
    try:
        parse_period(params.period)
    except ValueError as exc:
        errors["period"] = str(exc)
    if errors:
        return Status(400, errors_body(errors))
    return queries.cell_meetings(org, params.kind, params.period)
