"""Reads of 考核评星: a run for a viewer, its ranking page, grade counts against the quotas, one
organization's explained score, and the snapshot the 党务公开 module publishes. A bounded number of
queries whatever the number of organizations in the run."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse

from orglife.core import scope

from . import scorecard_rules as sr
from .assessment_services import card_of
from .scorecard_models import AssessmentResult, AssessmentRun

PAGE = 50


def org_runs(org) -> QuerySet:
    return AssessmentRun.objects.filter(org=org).order_by("-year", "-id")


def get_run_for_user(user, pk: int, write: bool = False) -> AssessmentRun:
    """The run, if the user may view (write: manage) its assessing organization."""
    try:
        run = AssessmentRun.objects.select_related("org", "finalized_by").get(pk=pk)
    except (AssessmentRun.DoesNotExist, ValueError):
        raise Http404("考核不存在") from None
    allowed = scope.can_manage(user, run.org) if write else scope.can_view(user, run.org)
    if not allowed:
        raise PermissionDenied("您没有该考核的相应权限")
    return run


def get_result(run: AssessmentRun, code: str) -> AssessmentResult:
    result = run.results.select_related("org").filter(org__code=code).first()
    if result is None:
        raise Http404("该组织不在本次考核范围内")
    return result


def results_page(run: AssessmentRun, page) -> Page:
    qs = run.results.only("id", "run_id", "org_id", "org_name", "org_path", "base", "deductions", "survey", "bonus", "total",
                          "cap", "rank", "proposed_grade", "grade", "grade_reason", "org__code").select_related("org")
    return Paginator(qs.order_by("rank", "org_path"), PAGE).get_page(page)


@dataclass
class GradeCount:
    id: str
    label: str
    min: object
    count: int
    limit: int | None


def grade_counts(run: AssessmentRun) -> list[GradeCount]:
    card = card_of(run)
    counts = dict(run.results.order_by().values("grade").annotate(n=Count("id")).values_list("grade", "n"))
    limits = sr.quota_counts(card, run.org_count)
    return [GradeCount(g.id, g.label, g.min, counts.get(g.id, 0), limits[g.id]) for g in card.grades]


def grade_labels(run: AssessmentRun) -> dict[str, str]:
    return {g.id: g.label for g in card_of(run).grades}


@dataclass
class ExplainedLine:
    id: str
    label: str
    kind: str
    group: str
    points: str
    max: object
    text: str
    source: str
    records: dict
    adjusted_from: str | None
    reason: str
    auto: bool
    manual: bool


def explain(run: AssessmentRun, result: AssessmentResult) -> list[ExplainedLine]:
    """The result's lines with their labels, maxima and sources from the run's scorecard."""
    card = card_of(run)
    leaves = {i.id: i for i in card.leaves()}
    deductions = {d.id: d for d in card.deductions}
    vetoes = {v.id: v for v in card.vetoes}
    out = []
    for line in result.lines:
        lid = line["id"]
        if lid in leaves:
            i = leaves[lid]
            meta = (i.label, " / ".join(i.path), i.weight, i.source, bool(i.auto), i.manual)
        elif lid in deductions:
            d = deductions[lid]
            meta = (d.label, "扣分项", d.points, d.source, bool(d.auto), not d.auto)
        elif lid in vetoes:
            v = vetoes[lid]
            meta = (v.label, "否决项", None, v.source, bool(v.auto), not v.auto)
        elif lid == "survey":
            meta = ("群众评价", "", sr.q2(card.survey_weight * 100), card.survey_source, False, True)
        else:
            meta = ("加分", "", card.bonus_max, str((card.raw.get("bonus") or {}).get("source", "")), False, True)
        label, group, maximum, source, auto, manual = meta
        records = dict(line.get("records", {}))
        if "link" in records:
            records["url"] = reverse(records["link"], args=[result.org.code]) + records.get("q", "")
        out.append(ExplainedLine(lid, label, line["kind"], group, line["points"], maximum, line["text"], source,
                                 records, line.get("adjusted_from"), line.get("reason", ""), auto, manual))
    return out


def publishable_ranking(run: AssessmentRun) -> dict:
    """A JSON-serializable snapshot of a run's ranking for 党务公开 (disclosure): organization
    names, totals, grades and ranks, nothing personal. Two queries."""
    labels = grade_labels(run)
    rows = run.results.order_by("rank", "org_path").values_list("org_name", "total", "grade", "rank")
    return {
        "kind": "assessment_ranking",
        "title": f"{run.org.name}{run.year}年度{card_of(run).name}结果",
        "org": run.org.name,
        "year": run.year,
        "scorecard": run.scorecard_key,
        "final": run.is_final,
        "finalized_on": run.finalized_at.date().isoformat() if run.finalized_at else None,
        "rows": [{"rank": rank, "org": name, "total": str(total), "grade": labels.get(grade, grade)}
                 for name, total, grade, rank in rows],
    }
