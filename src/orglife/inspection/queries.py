"""The rectification ledger (整改台账) of a subtree: counts and rates in SQL, a paginated list,
and the sign-off queue (待销号) of the organizations a viewer signs off.

The number of queries does not depend on the number of problems: the whole summary (totals,
rates, progress, counts by source, status and organization) is one GROUP BY over the problems,
reading measures only for the problems being rectified; the page is the ids' count and slice,
then one query plus one prefetch.
Withdrawn problems (撤销) count nowhere (rollup.is_counted) and are listed only when filtered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from orglife.core import scope
from orglife.core.models import Role
from orglife.orgs.models import Organization
from orglife.orgs.queries import visible_subtree_ids

from . import rollup
from .models import Measure, Problem, ProblemSource, ProblemStatus

OVERDUE = "overdue"  # a pseudo-status filter: problems with a measure past its deadline
STATUS_FILTERS = [*ProblemStatus.choices, (OVERDUE, "已逾期")]
BY_ORG_LIMIT = 50


def overdue_q(today: dt.date) -> Q:
    late = Measure.objects.filter(problem=OuterRef("pk"), done_on__isnull=True, deadline__lt=today)
    return Q(Exists(late)) & ~Q(status__in=rollup.CLOSED)


def subtree_problems(user, org: Organization) -> QuerySet:
    return Problem.objects.filter(org_id__in=visible_subtree_ids(user, org))


@dataclass
class Filters:
    source: str = ""
    status: str = ""
    org: Organization | None = None

    @classmethod
    def parse(cls, params, user, root: Organization) -> Filters:
        source = params.get("source", "")
        status = params.get("status", "")
        f = cls(source if source in ProblemSource.values else "",
                status if status in dict(STATUS_FILTERS) else "")
        code = params.get("org", "")
        if code:
            f.org = Organization.objects.filter(code=code, path__startswith=root.path).first()
        return f

    def apply(self, qs: QuerySet, user, today: dt.date) -> QuerySet:
        if self.source:
            qs = qs.filter(source=self.source)
        if self.status == OVERDUE:
            qs = qs.filter(overdue_q(today))
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.org is not None:
            qs = qs.filter(org_id__in=visible_subtree_ids(user, self.org))
        return qs

    def describe(self) -> str:
        """The filters in words, for a file's title line."""
        parts = []
        if self.source:
            parts.append(f"来源：{ProblemSource(self.source).label}")
        if self.status:
            parts.append(f"状态：{dict(STATUS_FILTERS)[self.status]}")
        if self.org is not None:
            parts.append(f"组织：{self.org.name}")
        return "；".join(parts) or "全部问题"

    def listed_count(self, summary: Ledger) -> int:
        """How many problems `listed` holds, from the summary of the same queryset."""
        return summary.rates.total + (summary.withdrawn if self.status == rollup.WITHDRAWN else 0)

    def listed(self, qs: QuerySet) -> QuerySet:
        """The problems the list and the exports show: withdrawn ones only when asked for."""
        return qs if self.status == rollup.WITHDRAWN else qs.exclude(status=rollup.WITHDRAWN)


@dataclass
class Ledger:
    rates: rollup.Rates
    progress: float | None = None  # average progress of the problems (rollup.group_progress)
    by_source: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_org: list[tuple] = field(default_factory=list)  # org, total, signed off, overdue, progress
    withdrawn: int = 0  # withdrawn problems matching the filters (not counted above)


def _progress_of_problem() -> Subquery:
    """The weighted share of a problem's done measures, as a correlated subquery."""
    done = Sum(Case(When(done_on__isnull=False, then=F("weight")), default=Value(0)))
    share = Cast(done, FloatField()) / NullIf(Cast(Sum("weight"), FloatField()), Value(0.0))
    return Subquery(Measure.objects.filter(problem=OuterRef("pk")).order_by().values("problem")
                    .annotate(share=share).values("share"), output_field=FloatField())


def _by_org(qs: QuerySet, today: dt.date) -> list[dict]:
    """One row per organization, one pass over the problems: counts by status and source, signed
    off, on time, overdue, reopened, and the sum of the problems' progress.

    By the services' rules an open problem has no measures and a submitted or signed-off one has
    measures, all done: only problems being rectified need their measures read (progress and
    overdue, as subqueries evaluated for those rows alone); the others' progress is 0 or 1 by
    status. Withdrawn problems count only as withdrawn."""
    counted = ~Q(status=rollup.WITHDRAWN)
    signed = Q(status=rollup.SIGNED_OFF)
    rectifying = Q(status=ProblemStatus.RECTIFYING)
    late = Measure.objects.filter(problem=OuterRef("pk"), done_on__isnull=True, deadline__lt=today)
    progress = Case(
        When(status__in=[ProblemStatus.SUBMITTED, rollup.SIGNED_OFF], then=Value(1.0)),
        When(rectifying, then=Coalesce(_progress_of_problem(), Value(0.0))),
        default=Value(0.0), output_field=FloatField(),
    )
    aggregates = {
        "n": Count("pk", filter=counted), "signed": Count("pk", filter=signed),
        "on_time": Count("pk", filter=signed & Q(signed_off_at__date__lte=F("deadline"))),
        "reopened": Count("pk", filter=signed & Q(reopened_at__isnull=False)),
        "late": Count("pk", filter=rectifying & Q(Exists(late))),
        "progress": Sum(progress),
    }
    return list(qs.order_by().values("org_id").annotate(**aggregates).order_by())


def ledger(qs: QuerySet, today: dt.date) -> Ledger:
    """Counts and rates over a (filtered) problem queryset: one query per organization, one by
    status and source (and one for the names in the per-organization table)."""
    total = signed = on_time = overdue = reopened = 0
    progress_sum = 0.0
    per_org = []
    for r in _by_org(qs, today):
        n, prog = r["n"], float(r["progress"] or 0)
        total, signed, on_time = total + n, signed + r["signed"], on_time + r["on_time"]
        overdue, reopened = overdue + r["late"], reopened + r["reopened"]
        progress_sum += prog
        if n:
            per_org.append((r["org_id"], n, r["signed"], r["late"], prog / n))
    rates = rollup.Rates(total, signed, on_time, overdue, reopened)
    status_counts: dict[str, int] = {}
    source_counts: dict[str, int] = {}
    for st, src, n in qs.order_by().values_list("status", "source").annotate(n=Count("pk")).order_by():
        status_counts[st] = status_counts.get(st, 0) + n
        if rollup.is_counted(st):
            source_counts[src] = source_counts.get(src, 0) + n
    by_source = sorted(((label, source_counts[v]) for v, label in ProblemSource.choices if v in source_counts),
                       key=lambda x: -x[1])
    by_status = [(label, status_counts[v]) for v, label in ProblemStatus.choices if v in status_counts]
    per_org.sort(key=lambda r: (-r[1], r[0]))
    per_org = per_org[:BY_ORG_LIMIT]
    orgs = Organization.objects.in_bulk([r[0] for r in per_org])
    by_org = [(orgs[o], n, s, late, rollup.percent(p)) for o, n, s, late, p in per_org]
    withdrawn = status_counts.get(rollup.WITHDRAWN, 0)
    return Ledger(rates, progress_sum / total if total else None, by_source, by_status, by_org, withdrawn)


class Counted:
    """A sliceable sequence whose length is already known: the paginator need not count it."""

    def __init__(self, items, n: int):
        self.items, self.n = items, n

    def count(self) -> int:
        return self.n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, key):
        return self.items[key]


def ledger_ids(qs: QuerySet) -> QuerySet:
    """The ledger's order (newest first) over ids only: what the paginator counts and slices."""
    return qs.order_by("-id").values_list("pk", flat=True)


def ledger_rows(qs: QuerySet) -> QuerySet:
    """The list of problems with what a row shows; measures in one prefetch."""
    return (qs.select_related("org", "responsible")
            .prefetch_related(Prefetch("measures", queryset=Measure.objects.select_related("owner")))
            .order_by("-id"))  # newest first; the primary key keeps deep pages cheap


@dataclass
class Row:
    problem: Problem
    measures: list[Measure]
    progress: float
    overdue: bool


def rows(problems, today: dt.date) -> list[Row]:
    out = []
    for p in problems:
        measures = list(p.measures.all())
        progress = rollup.problem_progress((m.weight, m.is_done) for m in measures)
        overdue = p.status not in rollup.CLOSED and any(m.is_overdue(today) for m in measures)
        out.append(Row(p, measures, progress, overdue))
    return out


# ------------------------------------------------------------------ the sign-off queue (待销号)


def signoff_q(user) -> Q | None:
    """A Q over Problem for the organizations whose problems the user signs off: those strictly
    below an organization the user manages (scope.manages_above: a manager of the parent), and
    a root organization the user administers (nobody is above it). None means all (superuser)."""
    below = scope.managed_below_q(user, prefix="org__")
    if below is None:
        return None
    roots = [g.org_id for g in scope.grants(user)
             if scope.RANK[Role(g.role)] >= scope.RANK[Role.ADMINISTRATOR] and len(g.path) == Organization.steplen]
    return below | Q(org_id__in=roots) if roots else below


def signoff_queue(user, root: Organization | None = None) -> QuerySet:
    """Problems submitted for sign-off that the user may sign off, oldest submission first,
    optionally within root's subtree."""
    qs = Problem.objects.filter(status=ProblemStatus.SUBMITTED)
    q = signoff_q(user)
    if q is not None:
        qs = qs.filter(q)
    if root is not None:
        qs = qs.filter(org__path__startswith=root.path)
    return qs.order_by("submitted_at", "id")


@dataclass
class QueueRow:
    problem: Problem
    measures: list[Measure]
    late: list[Measure]  # measures done after their deadline, or past it and not done
    past_deadline: bool  # the problem's deadline has passed: a sign-off now is not on time
    waiting_days: int


def queue_rows(problems, today: dt.date) -> list[QueueRow]:
    from django.utils import timezone

    out = []
    for p in problems:
        measures = list(p.measures.all())
        late = [m for m in measures if m.is_overdue(today) or (m.done_on is not None and m.done_on > m.deadline)]
        submitted = timezone.localtime(p.submitted_at).date() if p.submitted_at else today
        out.append(QueueRow(p, measures, late, p.deadline is not None and p.deadline < today,
                            max(0, (today - submitted).days)))
    return out
