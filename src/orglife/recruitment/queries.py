"""Reads for recruitment pages: the pipeline of a subtree (one indexed query for the page, one
aggregate for the counts, whatever the number of applicants) and one applicant's file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from orglife.core import scope
from orglife.meetings.models import MeetingKind, Resolution

from . import ruleset as rulesets
from .models import OPEN_STATUSES, Applicant, ApplicantStatus

STAGES = rulesets.get().stages
FILTERS = {"open": "培养考察中和预备党员", "closed": "已结束", "all": "全部"}


def get_applicant_for_user(user, pk: int, write: bool = False) -> Applicant:
    try:
        applicant = Applicant.objects.select_related("org", "member").get(pk=pk)
    except (Applicant.DoesNotExist, ValueError):
        raise Http404("入党申请人不存在") from None
    allowed = scope.can_manage(user, applicant.org) if write else scope.can_view(user, applicant.org)
    if not allowed:
        raise PermissionDenied("您没有该发展党员档案的权限")
    return applicant


def subtree(user, org) -> QuerySet:
    """Applicants of the organization and everything below it that the user may see."""
    qs = Applicant.objects.filter(org__path__startswith=org.path)
    if not scope.covers_subtree(user, org):
        q = scope.org_q(user, prefix="org__")
        qs = qs if q is None else qs.filter(q)
    return qs


def pipeline(user, org, *, status: str = "open", stage: int | None = None, late: bool = False,
             today: dt.date) -> QuerySet:
    qs = subtree(user, org)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if stage:
        qs = qs.filter(stage=stage)
    if late:
        qs = qs.filter(next_due__lt=today)
    return qs.order_by(F("next_due").asc(nulls_last=True), "id")


ROW_FIELDS = ("name", "status", "stage", "step_number", "next_step", "next_due", "due_step", "error_count", "ruleset",
              "probation_end", "org__name", "org__code")


def by_ids(ids: list[int]) -> list[Applicant]:
    """The rows of one page, in the page's order (one query)."""
    found = {a.pk: a for a in Applicant.objects.filter(pk__in=ids).select_related("org").only(*ROW_FIELDS)}
    return [found[i] for i in ids if i in found]


@dataclass
class Summary:
    total: int
    late: int
    with_errors: int
    probationary: int
    by_stage: list[tuple[int, str, int]]


def summary(user, org, today: dt.date) -> Summary:
    """Counts for the open files of the subtree: one aggregate query."""
    open_q = Q(status__in=OPEN_STATUSES)
    row = subtree(user, org).aggregate(
        total=Count("id", filter=open_q),
        late=Count("id", filter=open_q & Q(next_due__lt=today)),
        with_errors=Count("id", filter=open_q & Q(error_count__gt=0)),
        probationary=Count("id", filter=Q(status=ApplicantStatus.PROBATIONARY)),
        **{f"s{n}": Count("id", filter=open_q & Q(stage=n)) for n in STAGES},
    )
    return Summary(row["total"], row["late"], row["with_errors"], row["probationary"],
                   [(n, name, row[f"s{n}"]) for n, name in STAGES.items()])


def known_count(summary: Summary, *, status: str, stage: int | None, late: bool) -> int | None:
    """The number of rows of a pipeline filter when the summary has already counted it."""
    if status != "open" or (stage and late):
        return None
    if late:
        return summary.late
    if stage:
        return dict((n, c) for n, _, c in summary.by_stage).get(stage)
    return summary.total


def step_label(applicant: Applicant, step_id: str) -> str:
    """The step's name from the applicant's own rule-set choice (the list page does not look up
    each organization's profile: the two rule-sets number the steps alike)."""
    rs = rulesets.get(applicant.ruleset or None)
    return rs.step(step_id).label if step_id and rs.has_step(step_id) else ""


def vote_resolutions(applicant: Applicant, limit: int = 30) -> list[Resolution]:
    """Resolutions the branch's assemblies passed with written opinions counted, newest first."""
    assemblies = MeetingKind.objects.filter(org=applicant.org, kind="assembly").values("meeting_id")
    return list(
        Resolution.objects.filter(meeting_id__in=assemblies, written_opinions=True, meeting__held_on__isnull=False)
        .select_related("meeting").order_by("-meeting__held_on", "-id")[:limit])
