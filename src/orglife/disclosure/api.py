"""API for 党务公开 (read-only), registered in orglife.api.api.

- /api/v1/public/{code}/publications[/{id}]: no token; public-scope publications only (others 404);
- /api/v1/disclosure/{code}/publications[/{id}]: with a token; what the caller may read, like the
  pages (members / subtree / public scopes).
A withdrawn publication has no content, only the withdrawal date and reason.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from orglife.api.schemas import DetailOut
from orglife.orgs.models import Organization

from . import queries, registry
from .models import Audience, Publication

router = Router(tags=["党务公开"])
ERRORS = {401: DetailOut, 403: DetailOut, 404: DetailOut}
MAX_LIMIT = 100


class PublicationRow(Schema):
    id: int
    org: str = Field(..., description="组织编码")
    kind: str = Field(..., description="事项类型：assessment_ranking、dual_life、rectification、exam_results、appraisal_stats")
    kind_label: str
    title: str
    audience: str = Field(..., description="members 本组织党员、subtree 本组织及下级、public 公开")
    published_at: dt.datetime
    withdrawn: bool
    withdrawn_at: dt.datetime | None = None
    withdraw_reason: str = ""


class PublicationOut(PublicationRow):
    snapshot: dict | None = Field(None, description="发布时保存的结果快照；已撤回时为空")


class PageOut(Schema):
    count: int
    items: list[PublicationRow]


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _row(pub: Publication, code: str, out=PublicationRow) -> dict:
    data = {
        "id": pub.pk, "org": code, "kind": pub.kind, "kind_label": registry.label(pub.kind), "title": pub.title,
        "audience": pub.audience, "published_at": pub.published_at, "withdrawn": pub.is_withdrawn,
        "withdrawn_at": pub.withdrawn_at, "withdraw_reason": pub.withdraw_reason,
    }
    if out is PublicationOut:
        data["snapshot"] = None if pub.is_withdrawn else pub.snapshot
    return data


def _org(code: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise Http404("组织不存在")
    return org


def _page(qs, code: str, paging: Paging) -> dict:
    return {"count": qs.count(), "items": [_row(p, code) for p in qs[paging.offset:paging.offset + paging.limit]]}


@router.get("/public/{code}/publications", response={200: PageOut, 404: DetailOut}, auth=None,
            summary="公开页面的党务公开事项（无需令牌）")
def public_list(request, code: str, paging: Query[Paging]):
    return _page(queries.public_for_org(_org(code)), code, paging)


@router.get("/public/{code}/publications/{pk}", response={200: PublicationOut, 404: DetailOut}, auth=None,
            summary="一项公开的党务公开事项及其快照（无需令牌）")
def public_detail(request, code: str, pk: int):
    pub = Publication.objects.filter(pk=pk, org__code=code, audience=Audience.PUBLIC).first()
    if pub is None:
        raise Http404("公开事项不存在")
    return _row(pub, code, PublicationOut)


@router.get("/disclosure/{code}/publications", response={200: PageOut, **ERRORS},
            summary="本人可查看的某组织党务公开事项")
def org_list(request, code: str, paging: Query[Paging]):
    org = _org(code)
    seen = queries.audiences(request.user, org)
    if seen == {Audience.PUBLIC.value}:
        raise PermissionDenied("您不是该组织的党员，请查看公开页面")
    return _page(queries.for_org(org, seen), code, paging)


@router.get("/disclosure/{code}/publications/{pk}", response={200: PublicationOut, **ERRORS},
            summary="一项党务公开事项及其快照")
def org_detail(request, code: str, pk: int):
    pub = Publication.objects.select_related("org").filter(pk=pk, org__code=code).first()
    if pub is None:
        raise Http404("公开事项不存在")
    if pub.audience not in queries.audiences(request.user, pub.org):
        raise PermissionDenied("您没有查看该公开事项的权限")
    return _row(pub, code, PublicationOut)
