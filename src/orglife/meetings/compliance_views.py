"""Compliance pages: the heat map of a subtree with one organization's drill-down, the xlsx
export of the compliance table and a branch's yearly 组织生活纪实 book as PDF.
Parse, authorize (core.scope: viewers may read), call meetings.queries, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from orglife.core import scope, text
from orglife.rules.compliance import KIND_LABELS, STATUS_LABELS

from . import queries, reports

STATUS_COLORS = {
    "met": "#2e7d32",
    "due": "#f0a202",
    "missed": "#c62828",
    "upcoming": "#9e9e9e",
    "exempt": "#1e6fd9",
    "not_applicable": "#e8e8e8",
}
STATUS_MARKS = {"met": "✓", "due": "!", "missed": "✗", "upcoming": "·", "exempt": "免", "not_applicable": "–"}


def parse_year(raw: str | None, today: dt.date) -> int | None:
    """This year when not given; None (a 400) when given but not a valid year."""
    return text.parse_year(raw) if raw else today.year


def meeting_url(pk: int) -> str:
    """The meeting page (URL name 'meeting_detail'; /meetings/<pk>/ until it exists)."""
    try:
        return reverse("meeting_detail", args=[pk])
    except NoReverseMatch:
        return f"/meetings/{pk}/"


def _cells(row: queries.OrgCompliance, kind: str | None) -> list[dict]:
    return [
        {"month": m, "status": status or "not_applicable", "mark": STATUS_MARKS[status or "not_applicable"],
         "label": STATUS_LABELS[status or "not_applicable"]}
        for m, status in enumerate(row.months(kind), start=1)
    ]


def _org_and_year(request, code):
    """The organization (scoped), today, and the year asked for (None when invalid)."""
    org = scope.get_org_for_user(request.user, code)
    today = timezone.localdate()
    return org, today, parse_year(request.GET.get("year"), today)


def _bad_year():
    return HttpResponseBadRequest(f"年度无效，应为{text.YEAR_MIN}–{text.YEAR_MAX}之间的年份".encode())


@login_required
@require_GET
def compliance_heatmap(request, code):
    org, today, year = _org_and_year(request, code)
    if year is None:
        return _bad_year()
    kind = request.GET.get("kind") or None
    if kind and kind not in KIND_LABELS:
        return HttpResponseBadRequest("会议类型无效".encode())
    page, rows = queries.heatmap_page(request.user, org, year, today, request.GET.get("page") or 1)
    grid = [{"org": r.org, "cells": _cells(r, kind)} for r in rows]
    statuses = list(STATUS_LABELS)
    chart = {
        "orgs": [r.org.name for r in rows],
        "links": [reverse("compliance", args=[r.org.code]) + f"?year={year}" for r in rows],
        "months": [f"{m}月" for m in range(1, 13)],
        "statuses": statuses,
        "labels": [STATUS_LABELS[s] for s in statuses],
        "colors": [STATUS_COLORS[s] for s in statuses],
        "cells": [[c["month"] - 1, y, statuses.index(c["status"])] for y, g in enumerate(grid) for c in g["cells"]],
    }
    own = None
    if org.kind in (queries.requiring_kinds() or {org.kind}):
        own = queries.compliance_rows(request.user, org, year, today, subtree=False)[0]
    drill = []
    by_kind = []
    if own is not None:
        for segment in own.segments:
            cells = [{"month": m, "status": st or "not_applicable", "mark": STATUS_MARKS[st or "not_applicable"],
                      "label": STATUS_LABELS[st or "not_applicable"]} for m, st in enumerate(segment.months, start=1)]
            by_kind.append({"kind": segment.kind, "label": KIND_LABELS[segment.kind], "cells": cells})
        for v in own.verdicts:
            drill.append({
                "kind": KIND_LABELS[v.kind], "period": v.period, "status": v.status,
                "status_label": STATUS_LABELS[v.status], "held": v.held, "required": v.required,
                "explanation": v.explanation, "rule": v.rule,
                "meetings": [(i, meeting_url(i)) for i in v.meetings],
            })
    query = f"year={year}" + (f"&kind={kind}" if kind else "")
    return render(request, "meetings/compliance_heatmap.html", {
        "org": org,
        "year": year,
        "years": list(range(today.year - 3, today.year + 2)),
        "kind": kind or "",
        "kinds": KIND_LABELS,
        "page": page,
        "grid": grid,
        "chart": chart,
        "chart_height": 80 + 26 * len(rows),
        "legend": [(s, STATUS_LABELS[s], STATUS_COLORS[s], STATUS_MARKS[s]) for s in statuses],
        "totals": [(STATUS_LABELS[s], n) for s, n in queries.status_totals(rows).items() if n],
        "drill": drill,
        "by_kind": by_kind,
        "query": query,
        "is_branch": org.is_branch,
        "months": range(1, 13),
    })


@login_required
@require_GET
def compliance_xlsx(request, code):
    org, today, year = _org_and_year(request, code)
    if year is None:
        return _bad_year()
    if queries.subtree_orgs(request.user, org, only_requiring=True).count() > reports.XLSX_MAX_ORGS:
        return HttpResponseBadRequest(
            f"该组织下需召开会议的组织超过{reports.XLSX_MAX_ORGS:,}个，请从下级组织分别导出".encode()
        )
    rows = queries.compliance_rows(request.user, org, year, today)
    response = HttpResponse(
        reports.compliance_workbook(org, year, today, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = reports.attachment(f"{org.name}-{year}年组织生活完成情况.xlsx")
    return response


@login_required
@require_GET
def book_pdf(request, code):
    org, today, year = _org_and_year(request, code)
    if year is None:
        return _bad_year()
    response = HttpResponse(reports.book_pdf(request, org, year), content_type="application/pdf")
    response["Content-Disposition"] = reports.attachment(f"{org.name}-{year}年组织生活纪实.pdf", inline=True)
    return response
