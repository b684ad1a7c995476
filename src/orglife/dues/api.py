"""Dues API: /api/v1/dues/quote (the monthly amount for a category and base, from the same rules
as the web pages) and /api/v1/orgs/{code}/dues/{month} (an organization's month, scoped)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from orglife.api.schemas import FIELD_LABELS, DetailOut, ErrorsOut, errors_body
from orglife.core import scope

from . import forms, queries, rules

router = Router(tags=["党费"])

FIELD_LABELS.update({"category": "党费类别", "base": "计算基数", "amount": "农民党员交纳金额", "month": "月份"})
READ_ERRORS = {400: ErrorsOut, 401: DetailOut, 403: DetailOut, 404: DetailOut}


class QuoteParams(Schema):
    category: str = Field(..., description="党费类别：" + "、".join(f"{k} {v}" for k, v in rules.CATEGORIES.items()))
    base: str | None = Field(None, description="计算基数（元，最多两位小数）：salaried、annual_salary、self_employed、retired 必填")
    amount: str | None = Field(None, description="农民党员每月交纳金额（0.2至1元，默认0.2）")


class QuoteOut(Schema):
    monthly: str = Field(..., description="每月应交党费（元，两位小数）", examples=["15.00"])
    rule: str = Field(..., description="所依据的规则编号", examples=["dues.salaried"])


@router.get("/dues/quote", response={200: QuoteOut, 400: ErrorsOut, 401: DetailOut}, summary="计算每月应交党费")
def quote(request, params: Query[QuoteParams]):
    """按《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）计算：工资、年薪、纯收入按全额
    分档比例（上限含本数，3000.00 元交 15.00 元，3000.01 元交 30.00 元），离退休费分两档，农民、学生、
    下岗失业、依靠抚恤或救济、领取低保的党员按固定金额。结果精确到分（四舍五入）。"""
    try:
        q = rules.quote(params.category, params.base, amount=params.amount)
    except rules.QuoteError as exc:
        return Status(400, errors_body({exc.field: exc.message}))
    return {"monthly": str(q.monthly), "rule": q.rule}


class MemberMonthOut(Schema):
    member_id: int
    name: str
    category: str | None = Field(None, description="党费类别代码；未设置党费档案时为 null")
    due: str | None = Field(None, description="应交（元）；未设置党费档案时为 null")
    paid: str | None = Field(None, description="实交（元）；未交为 null")
    paid_on: str | None = None
    method: str | None = None
    state: str = Field(..., description="已交、已补交、免交、未交、未设置党费档案")


class OrgMonthOut(Schema):
    org: str
    month: str = Field(..., examples=["2026-11"])
    owing: int
    due: str
    paid_count: int
    paid: str
    on_time: int
    unpaid: int
    in_arrears: int = Field(..., description="连续3个月以上未交的人数")
    members: list[MemberMonthOut]


@router.get("/orgs/{code}/dues/{month}", response={200: OrgMonthOut, **READ_ERRORS}, summary="本组织某月党费交纳情况")
def org_month(request, code: str, month: str):
    """组织本级在册党员某月的应交、实交情况（月份格式 2026-11）。须有该组织的查看权限。"""
    org = scope.get_org_for_user(request.auth, code)
    first = forms.parse_month(month)
    if first is None:
        return Status(400, errors_body({"month": "月份格式应为“2026-11”"}))
    rows = queries.month_sheet(org, first)
    totals = queries.sheet_totals(rows)
    counts = queries.arrears_counts(Q(org=org), timezone.localdate())
    return {
        "org": org.code, "month": f"{first:%Y-%m}", "owing": totals.owing, "due": str(totals.due),
        "paid_count": totals.paid_count, "paid": str(totals.paid), "on_time": totals.on_time, "unpaid": totals.unpaid,
        "in_arrears": counts["reminder"],
        "members": [{
            "member_id": r.member.pk, "name": r.member.name,
            "category": r.profile.category if r.profile else None,
            "due": None if r.due is None else str(r.due),
            "paid": str(r.payment.amount) if r.payment else None,
            "paid_on": r.payment.paid_on.isoformat() if r.payment else None,
            "method": r.payment.method if r.payment else None, "state": r.state,
        } for r in rows],
    }
