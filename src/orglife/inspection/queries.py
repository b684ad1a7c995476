"""The rectification ledger (整改台账) of a subtree: counts and rates in SQL, a paginated list.

The number of queries does not depend on the number of problems: three GROUP BY counts, one
aggregate for the rates, and the page itself (with its measures prefetched).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
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
)
from django.db.models.functions import Cast, Coalesce, NullIf

from orglife.orgs.models import Organization
from orglife.orgs.queries import visible_subtree_ids

from . import rollup
from .models import Measure, Problem, ProblemSource, ProblemStatus

OVERDUE = "overdue"  # a pseudo-status filter: problems with a measure past its deadline
STATUS_FILTERS = [*ProblemStatus.choices, (OVERDUE, "已逾期")]
BY_ORG_LIMIT = 50


def overdue_q(today: dt.date) -> Q:
    late = Measure.objects.filter(problem=OuterRef("pk"), done_on__isnull=True, deadline__lt=today)
    return Q(Exists(late)) & ~Q(status=ProblemStatus.SIGNED_OFF)


def _weight_sum(done: bool | None = None) -> Subquery:
    qs = Measure.objects.filter(problem=OuterRef("pk"))
    if done:
        qs = qs.filter(done_on__isnull=False)
    return Subquery(qs.order_by().values("problem").annotate(s=Sum("weight")).values("s"), output_field=FloatField())


def progress_expr():
    """A problem's progress in SQL: the weighted share of its done measures (0 without measures),
    the same number as rollup.problem_progress."""
    done = Cast(Coalesce(_weight_sum(done=True), Value(0.0)), FloatField())
    total = NullIf(Cast(_weight_sum(), FloatField()), Value(0.0))
    return Coalesce(done / total, Value(0.0), output_field=FloatField())


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


@dataclass
class Ledger:
    rates: rollup.Rates
    progress: float | None = None  # average progress of the problems (rollup.group_progress)
    by_source: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_org: list[tuple] = field(default_factory=list)  # org, total, signed off, overdue, progress


def ledger(qs: QuerySet, today: dt.date) -> Ledger:
    """Counts and rates over a (filtered) problem queryset, all in SQL."""
    flagged = qs.order_by().annotate(late=overdue_q(today))
    agg = flagged.aggregate(
        progress=Avg(progress_expr()),
        total=Count("pk"),
        signed_off=Count("pk", filter=Q(status=ProblemStatus.SIGNED_OFF)),
        on_time=Count("pk", filter=Q(status=ProblemStatus.SIGNED_OFF, signed_off_at__date__lte=F("deadline"))),
        overdue=Count("pk", filter=Q(late=True)),
        reopened=Count("pk", filter=Q(status=ProblemStatus.SIGNED_OFF, reopened_at__isnull=False)),
    )
    rates = rollup.Rates(agg["total"], agg["signed_off"], agg["on_time"], agg["overdue"], agg["reopened"])
    sources = dict(ProblemSource.choices)
    by_source = [(sources[r["source"]], r["n"]) for r in
                 qs.order_by().values("source").annotate(n=Count("pk")).order_by("-n", "source")]
    statuses = dict(ProblemStatus.choices)
    counted = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("pk"))}
    by_status = [(statuses[s], counted[s]) for s in ProblemStatus.values if s in counted]
    rows = list(flagged.values("org_id").annotate(
        n=Count("pk"), signed=Count("pk", filter=Q(status=ProblemStatus.SIGNED_OFF)),
        late_n=Count("pk", filter=Q(late=True)), prog=Avg(progress_expr()),
    ).order_by("-n", "org_id")[:BY_ORG_LIMIT])
    orgs = Organization.objects.in_bulk([r["org_id"] for r in rows])
    by_org = [(orgs[r["org_id"]], r["n"], r["signed"], r["late_n"], rollup.percent(r["prog"])) for r in rows]
    return Ledger(rates, agg["progress"], by_source, by_status, by_org)


def ledger_rows(qs: QuerySet) -> QuerySet:
    """The list of problems with what a row shows; measures in one prefetch."""
    return (qs.select_related("org", "responsible")
            .prefetch_related(Prefetch("measures", queryset=Measure.objects.select_related("owner")))
            .order_by("-created_at", "-id"))


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
        overdue = p.status != ProblemStatus.SIGNED_OFF and any(m.is_overdue(today) for m in measures)
        out.append(Row(p, measures, progress, overdue))
    return out
