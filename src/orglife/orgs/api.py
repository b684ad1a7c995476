"""API for organizations and members: /api/v1/orgs, /api/v1/members.

Reads are scoped like the web UI (orglife.core.scope); writes go through orgs.services and fail
with the services' own Chinese messages as 400 {"errors": [{"field", "message"}]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet, Sum
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from orglife.api.schemas import FIELD_LABELS, DetailOut, ErrorsOut, errors_body
from orglife.core import scope

from . import queries, services
from .models import Category, Member, Organization, OrgKind, Term
from .validation import LABELS

router = Router(tags=["组织与党员"])

FIELD_LABELS.update(LABELS)
FIELD_LABELS.update({
    "parent": "上级组织编码",
    "kind": "组织类型",
    "code": "组织编码",
    "subtree": "是否包含下级组织",
    "q": "搜索内容",
    "member_id": "党员ID",
})

MAX_PAGE = 200
READ_ERRORS = {400: ErrorsOut, 401: DetailOut, 403: DetailOut, 404: DetailOut}
# Member status filter: the Status values, or "all" (including transferred out and deceased).
StatusFilter = Literal["active", "mobile", "suspended", "transferred_out", "deceased", "all"]


# ---------------------------------------------------------------- schemas


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"每页条数（1–{MAX_PAGE}）")
    offset: int = Field(0, ge=0, description="从第几条开始（0 起）")


class OrgFilters(PageParams):
    parent: str | None = Field(None, description="只列出该组织（组织编码）的直接下级")
    kind: OrgKind | None = Field(None, description="组织类型：committee 党委、general_branch 党总支、branch 党支部、"
                                                   "joint_branch 联合党支部、party_group 党小组、leading_group 党组")


class OrgOut(Schema):
    code: str = Field(..., description="组织编码")
    name: str = Field(..., description="组织名称")
    kind: str = Field(..., description="组织类型代码")
    kind_label: str = Field(..., description="组织类型（中文）")
    parent: str | None = Field(None, description="上级组织编码；顶层组织为 null")
    depth: int = Field(..., description="在组织树中的层级（顶层为 1）")
    established_on: dt.date | None = Field(None, description="成立日期")
    dissolved_on: dt.date | None = Field(None, description="撤销日期；未撤销为 null")
    member_count: int = Field(..., description="直属党员人数（在册；党小组为其组员人数）")
    full_member_count: int = Field(..., description="直属正式党员人数（在册）")
    has_children: bool = Field(..., description="是否有下级组织")


class OrgPage(Schema):
    count: int = Field(..., description="符合条件的总条数")
    limit: int
    offset: int
    items: list[OrgOut]


class TermOut(Schema):
    started_on: dt.date = Field(..., description="任期开始")
    expires_on: dt.date = Field(..., description="任期届满")


class OrgDetailOut(OrgOut):
    children_count: int = Field(..., description="直接下级组织数")
    subtree_member_count: int = Field(..., description="本组织及全部下级组织的党员人数（在册）")
    subtree_full_member_count: int = Field(..., description="本组织及全部下级组织的正式党员人数（在册）")
    current_term: TermOut | None = Field(None, description="本届委员会（或书记）任期；未登记为 null")
    term_expires_on: dt.date | None = Field(None, description="本届任期届满日期")
    rule_profile: str = Field(..., description="本组织自设的规则配置方案；空表示继承上级")
    effective_profile: str = Field(..., description="实际适用的规则配置方案（自设、继承或全国默认）")
    effective_profile_label: str = Field(..., description="实际适用方案的名称")


class MemberFilters(PageParams):
    org: str | None = Field(None, description="组织编码；省略则为调用者可见的全部范围")
    subtree: bool = Field(True, description="是否包含下级组织的党员（指定 org 时有效）")
    status: StatusFilter | None = Field(
        None, description="党员状态；省略为在册党员（正常、流动、停止党籍），all 为全部（含已转出、已去世）"
    )
    category: Category | None = Field(None, description="人员类别：full 正式党员，probationary 预备党员")
    q: str | None = Field(None, max_length=40, description="搜索：姓名、姓名拼音首字母（如 zs）或身份号码末几位")


class MemberOut(Schema):
    id: int
    name: str = Field(..., description="姓名")
    gender: str = Field(..., description="性别代码：male / female")
    gender_label: str = Field(..., description="性别（中文）")
    ethnicity: str = Field(..., description="民族")
    birth_date: dt.date | None = Field(None, description="出生日期；无权查看个人信息时为 null（脱敏的号码位正是出生日期）")
    id_number: str = Field(..., description="公民身份号码；无权查看个人信息时为脱敏号码")
    phone: str = Field(..., description="手机号码；无权查看个人信息时为脱敏号码")
    personal_data_masked: bool = Field(..., description="身份号码和手机号码是否已脱敏")
    education: str = Field(..., description="学历代码")
    education_label: str = Field(..., description="学历（中文）")
    work_unit: str = Field(..., description="工作单位及职务")
    category: str = Field(..., description="人员类别代码：full / probationary")
    category_label: str = Field(..., description="人员类别（中文）")
    admitted_on: dt.date = Field(..., description="入党日期")
    full_member_on: dt.date | None = Field(None, description="转正日期")
    party_age: int | None = Field(None, description="党龄（年，自转正起算；预备党员为 null）")
    status: str = Field(..., description="党员状态代码")
    status_label: str = Field(..., description="党员状态（中文）")
    leading_cadre: bool = Field(..., description="是否党员领导干部")
    org: str = Field(..., description="所在党组织编码")
    org_name: str = Field(..., description="所在党组织名称")
    party_group: str | None = Field(None, description="所在党小组编码")
    party_group_name: str | None = Field(None, description="所在党小组名称")
    can_edit: bool = Field(..., description="调用者能否修改该党员信息")


class MemberPage(Schema):
    count: int = Field(..., description="符合条件的总条数")
    limit: int
    offset: int
    items: list[MemberOut]


class MemberPatch(Schema):
    """Fields of a member; on PATCH only those sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="姓名（不超过40个字）")
    gender: str | None = Field(None, description="性别：male 或“男”，female 或“女”；留空则按身份号码推定")
    ethnicity: str | None = Field(None, description="民族")
    birth_date: dt.date | None = Field(None, description="出生日期（须与身份号码一致；留空则按号码推定）")
    id_number: str | None = Field(None, description="公民身份号码（18位，校验位须正确）")
    phone: str | None = Field(None, description="手机号码（11位）或带区号的固话")
    education: str | None = Field(None, description="学历：postgraduate 研究生、bachelor 大学本科、college 大学专科、"
                                                     "secondary 中专、high_school 高中、junior 初中及以下")
    work_unit: str | None = Field(None, description="工作单位及职务")
    category: str | None = Field(None, description="人员类别：full 正式党员，probationary 预备党员")
    admitted_on: dt.date | None = Field(None, description="入党日期")
    full_member_on: dt.date | None = Field(None, description="转正日期（预备党员不填）")
    status: str | None = Field(None, description="党员状态：active 正常、mobile 流动党员、suspended 停止党籍、"
                                                  "transferred_out 已转出、deceased 已去世；默认 active")
    leading_cadre: bool | None = Field(None, description="是否党员领导干部")
    org: str | None = Field(None, description="所在党组织编码（调用者须能管理该组织）")
    party_group: str | None = Field(None, description="所在党小组编码（须属于所在党组织）")


class MemberIn(MemberPatch):
    name: str = Field(..., description="姓名（不超过40个字）")
    id_number: str = Field(..., description="公民身份号码（18位，校验位须正确）")
    category: str = Field(..., description="人员类别：full 正式党员，probationary 预备党员")
    admitted_on: dt.date = Field(..., description="入党日期")
    org: str = Field(..., description="所在党组织编码（调用者须能管理该组织）")


# ---------------------------------------------------------------- helpers


def _page(qs: QuerySet, params: PageParams) -> tuple[int, list]:
    return qs.count(), list(qs[params.offset : params.offset + params.limit])


def _parent_codes(orgs: list[Organization]) -> dict[str, str]:
    """Parent path → parent code for a page of organizations: one query."""
    paths = {o.path[: -o.steplen] for o in orgs if o.depth > 1}
    if not paths:
        return {}
    return dict(Organization.objects.filter(path__in=paths).values_list("path", "code"))


def _org_out(org: Organization, parents: dict[str, str]) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "parent": parents.get(org.path[: -org.steplen]) if org.depth > 1 else None,
        "depth": org.depth,
        "established_on": org.established_on,
        "dissolved_on": org.dissolved_on,
        "member_count": org.member_count,
        "full_member_count": org.full_member_count,
        "has_children": org.numchild > 0,
    }


def _member_out(user, m: Member) -> dict:
    """Serialize one member (org and party_group must be loaded). No queries: the caller's grants
    are cached on the user object."""
    full = scope.sees_personal_data(user, m)
    group = m.party_group
    return {
        "id": m.pk,
        "name": m.name,
        "gender": m.gender,
        "gender_label": m.get_gender_display(),
        "ethnicity": m.ethnicity,
        "birth_date": m.birth_date if full else None,  # the masked ID digits are the birth date
        "id_number": m.id_number if full else m.masked_id,
        "phone": m.phone if full else m.masked_phone,
        "personal_data_masked": not full,
        "education": m.education,
        "education_label": m.get_education_display() if m.education else "",
        "work_unit": m.work_unit,
        "category": m.category,
        "category_label": m.get_category_display(),
        "admitted_on": m.admitted_on,
        "full_member_on": m.full_member_on,
        "party_age": m.party_age(),
        "status": m.status,
        "status_label": m.get_status_display(),
        "leading_cadre": m.leading_cadre,
        "org": m.org.code,
        "org_name": m.org.name,
        "party_group": group.code if group else None,
        "party_group_name": group.name if group else None,
        "can_edit": scope.can_manage(user, m.org),
    }


# ---------------------------------------------------------------- organizations


@router.get("/orgs", response={200: OrgPage, **READ_ERRORS}, summary="党组织列表")
def org_list(request, filters: Query[OrgFilters]):
    """调用者权限范围内的党组织，按组织树顺序分页。可按上级组织（直接下级）和组织类型筛选。"""
    qs = scope.visible_orgs(request.auth)
    if filters.parent:
        parent = Organization.objects.filter(code=filters.parent).first()
        if parent is None:
            return Status(400, errors_body({"parent": f"组织编码“{filters.parent}”不存在"}))
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count, orgs = _page(qs.order_by("path"), filters)
    parents = _parent_codes(orgs)
    items = [_org_out(o, parents) for o in orgs]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/orgs/{code}", response={200: OrgDetailOut, **READ_ERRORS}, summary="党组织详情")
def org_detail(request, code: str):
    """一个党组织：上级、人数（直属与含下级）、本届任期、适用的规则配置方案。不存在为 404，无权查看为 403。"""
    org = scope.get_org_for_user(request.auth, code)
    parents = _parent_codes([org])
    if org.kind == OrgKind.PARTY_GROUP:  # a group's count is its group members
        totals = {"total": org.member_count, "full": org.full_member_count}
    else:  # group members are already counted in their branch
        totals = (
            Organization.objects.filter(path__startswith=org.path).exclude(kind=OrgKind.PARTY_GROUP)
            .aggregate(total=Sum("member_count"), full=Sum("full_member_count"))
        )
    term = Term.objects.filter(org=org, ended_on__isnull=True).order_by("-started_on").first()
    profile_name = org.effective_profile_name()
    try:
        profile_label = org.profile().label
    except Exception:  # a profile named in the data but missing from the rule library
        profile_label = ""
    return {
        **_org_out(org, parents),
        "children_count": org.numchild,
        "subtree_member_count": totals["total"] or 0,
        "subtree_full_member_count": totals["full"] or 0,
        "current_term": term,
        "term_expires_on": term.expires_on if term else None,
        "rule_profile": org.rule_profile,
        "effective_profile": profile_name,
        "effective_profile_label": profile_label,
    }


# ---------------------------------------------------------------- members


@router.get("/members", response={200: MemberPage, **READ_ERRORS}, summary="党员列表")
def member_list(request, filters: Query[MemberFilters]):
    """指定组织（默认含下级组织）或调用者全部可见范围内的党员，分页。
    身份号码和手机号码仅对本人及该党员所在组织的管理者完整显示，其余脱敏。"""
    user = request.auth
    base = scope.get_org_for_user(user, filters.org) if filters.org else None
    f = queries.RosterFilter(q=(filters.q or "").strip(), category=filters.category or "",
                             status=filters.status or "", subtree=filters.subtree)
    qs = queries.roster(user, base, f).select_related("org", "party_group")
    count, members = _page(qs, filters)
    items = [_member_out(user, m) for m in members]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/members/{member_id}", response={200: MemberOut, **READ_ERRORS}, summary="党员详情")
def member_detail(request, member_id: int):
    """一名党员。本人、或能查看其所在组织者可读；不存在为 404，无权查看为 403。"""
    member = scope.get_member_for_user(request.auth, member_id)
    return _member_out(request.auth, member)


@router.post("/members", response={201: MemberOut, 400: ErrorsOut, 401: DetailOut}, summary="登记党员")
def member_create(request, payload: MemberIn):
    """登记一名党员。校验规则与网页表单、花名册导入相同（身份号码校验位、出生日期与号码一致、
    入党时已满18周岁等），调用者须能管理所在党组织。失败返回 400，每个字段一条中文错误信息。"""
    try:
        member = services.member_create(actor=request.auth, data=payload.model_dump(exclude_unset=True))
    except services.ServiceError as exc:
        return Status(400, errors_body(exc.errors))
    return Status(201, _member_out(request.auth, member))


@router.patch("/members/{member_id}", response={200: MemberOut, **READ_ERRORS}, summary="修改党员信息")
def member_update(request, member_id: int, payload: MemberPatch):
    """只修改请求中给出的字段（null 表示清空）。调用者须能管理该党员所在组织，否则 403；
    改换组织时也须能管理新组织。校验失败返回 400。每次修改都写入审计记录。"""
    member = scope.get_member_for_user(request.auth, member_id, write=True)
    try:
        member = services.member_update(actor=request.auth, member=member, data=payload.model_dump(exclude_unset=True))
    except services.ServiceError as exc:
        return Status(400, errors_body(exc.errors))
    return _member_out(request.auth, member)
