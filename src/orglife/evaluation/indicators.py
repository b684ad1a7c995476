"""Automatic assessment indicators and deductions, computed from orglife's own records.

Every function here is set-based: one aggregate query (or a fixed few) over root's subtree,
grouped by organization, whatever the number of branches — never a query per branch. Each returns
{org id: Fact}: the rate (or count), the words that explain it, and the records behind it (a
count and the page that lists them). Organizations absent from a result had nothing to count.

Sources: meetings.queries (the compliance engine's aggregate and judgement), meetings talks,
study.plan_queries (class hours), study exam attempts, inspection problems (rollup's on-time
definition), evaluation appraisals, dues.queries (the unpaid-run annotation).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, connections
from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
from django.utils import timezone

from orglife.orgs.models import ON_ROSTER, Member, Organization, Term
from orglife.rules.loader import get_profile

from .scorecard_rules import Fact, Scorecard

WORKERS = 3  # parallel reads of a large run (PostgreSQL): the database does most of the work


@dataclass
class Subtree:
    """What every indicator of one run shares: the subtree, the year, the day of the facts, the
    assessed organizations (id → OrgRow) and memoized reads."""

    root: Organization
    year: int
    on: dt.date
    orgs: dict[int, OrgRow]
    _memo: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _key_locks: dict = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return min(dt.date(self.year, 12, 31), self.on)

    def memo(self, key: str, compute: Callable):
        """compute() once per key, also when indicators run in threads."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    @staticmethod
    def records(count: int, link: str, query: str = "") -> dict:
        """The records behind a fact: how many, and the page (URL name taking the organization's
        code, plus a query string) that lists them; the URL is built when it is shown."""
        return {"count": count, "link": link, "q": query} if query else {"count": count, "link": link}

    def in_tree(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}path__startswith": self.root.path})

    def people(self) -> dict[int, int]:
        """Members on the roster per assessed organization (one aggregate)."""
        def compute():
            rows = (Member.objects.filter(self.in_tree("org__"), status__in=ON_ROSTER).order_by()
                    .values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
            return {o: n for o, n in rows if o in self.orgs}
        return self.memo("people", compute)

    def compliance(self):
        """The compliance engine's verdicts of the assessed organizations (meetings.queries)."""
        def compute():
            from orglife.meetings import queries as mq

            qs = Organization.objects.filter(self.in_tree())
            qs = (qs.filter(pk__in=list(self.orgs)) if len(self.orgs) < 500
                  else qs.filter(kind__in=sorted({v.kind for v in self.orgs.values()})))
            rows = [r for r in qs.order_by("path").values_list(*mq.ORG_FIELDS) if r[0] in self.orgs]
            infos = mq._profiles(self.root, rows)
            return mq.judge_orgs(self.root, infos, self.year, self.on, whole_subtree=True)
        return self.memo("compliance", compute)


class OrgRow(NamedTuple):
    code: str
    kind: str
    full: int  # full members on the roster (the cached count)
    name: str
    path: str


def assessed_orgs(root: Organization, kinds: tuple[str, ...]) -> dict[int, OrgRow]:
    """The organizations of root's subtree a scorecard applies to, not dissolved (one query)."""
    rows = (Organization.objects.filter(path__startswith=root.path, kind__in=kinds, dissolved_on__isnull=True)
            .values_list("id", "code", "kind", "full_member_count", "name", "path"))
    return {row[0]: OrgRow(*row[1:]) for row in rows}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ------------------------------------------------------------------ indicators (rates 0–1)


def org_life_compliance(t: Subtree) -> dict[int, Fact]:
    """Share of the closed periods (met or missed; exempt and still-open ones left out) in which
    the organization held what its rule profile requires, over every meeting kind it owes."""
    out = {}
    memo: dict[int, tuple[int, int]] = {}
    for row in t.compliance():
        met = missed = 0
        for segment in row.segments:
            key = id(segment)
            counts = memo.get(key)
            if counts is None:
                c = Counter(v.status for v in segment.verdicts)
                counts = memo[key] = (c["met"], c["missed"])
            met += counts[0]
            missed += counts[1]
        oid = row.org.id
        if oid in t.orgs:
            out[oid] = Fact(_share(met, met + missed), f"已到期的{met + missed}个应开会周期中按要求召开{met}个",
                            t.records(met, "compliance", f"?year={t.year}"))
    return out


def talk_coverage(t: Subtree) -> dict[int, Fact]:
    """Share of the members on the roster who took part in at least one recorded talk of their
    organization in the year (one aggregate; the detailed pairing rules are on the talks page)."""
    from orglife.meetings.models import TalkParticipant

    rows = (TalkParticipant.objects.filter(t.in_tree("talk__org__"), talk__held_on__gte=t.start,
                                           talk__held_on__lte=t.end, member__org_id=F("talk__org_id"),
                                           member__status__in=ON_ROSTER)
            .order_by().values("talk__org_id").annotate(n=Count("member_id", distinct=True))
            .values_list("talk__org_id", "n"))
    talked = dict(rows)
    out = {}
    for oid, people in t.people().items():
        n = talked.get(oid, 0)
        out[oid] = Fact(_share(n, people), f"在册党员{people}人中{n}人参加过谈心谈话",
                        t.records(n, "talk_list"))
    return out


def class_hours(t: Subtree) -> dict[int, Fact]:
    """Share of the members on the roster meeting their class-hour minimum, by the study app's own
    definition of hours and minimums (study.plan_queries): its per-member SQL grouped by
    organization in one query where that SQL exists, else its member_hours / committee_ids
    aggregates and one streamed pass over the roster."""
    from orglife.study import plan_queries as pq

    members_sql = getattr(pq, "_members_sql", None)
    scope_sql = getattr(pq, "_scope_sql", None)
    met: dict[int, int] = defaultdict(int)
    if members_sql is not None and scope_sql is not None:
        sql, params = members_sql(t.year, *scope_sql(t.root, True, None))
        by_path = {row.path: oid for oid, row in t.orgs.items()}
        with connection.cursor() as cur:
            cur.execute(f"SELECT x.org_path, SUM(CASE WHEN x.hours >= x.required THEN 1 ELSE 0 END) "
                        f"FROM ({sql}) x GROUP BY x.org_path", params)
            for path, n in cur.fetchall():
                if path in by_path:
                    met[by_path[path]] = int(n or 0)
    else:
        _class_hours_by_member(t, pq, met)
    out = {}
    for oid, people in t.people().items():
        n = met.get(oid, 0)
        out[oid] = Fact(_share(n, people), f"在册党员{people}人中{n}人学时达标",
                        t.records(n, "study_hours", f"?year={t.year}"))
    return out


def _class_hours_by_member(t: Subtree, pq, met: dict[int, int]) -> None:
    from orglife.study import hours as study_rules

    members = Member.objects.filter(t.in_tree("org__"), status__in=ON_ROSTER)
    hours = pq.member_hours(members, t.year)
    if not hours:
        return
    committee = pq.committee_ids(members)
    need_member = study_rules.minimum_hours(study_rules.MEMBER)
    need_committee = study_rules.minimum_hours(study_rules.COMMITTEE)
    zero = Decimal(0)
    for mid, oid in members.order_by().values_list("id", "org_id").iterator(chunk_size=20_000):
        got = hours.get(mid, zero)
        if got and got >= (need_committee if mid in committee else need_member):
            met[oid] += 1


def _grouped(inner_sql: str, params: list, outer: str) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {outer} FROM ({inner_sql}) s GROUP BY s.oid", params)
        return cur.fetchall()


def exam_pass_rate(t: Subtree) -> dict[int, Fact]:
    """Share of (member, exam) pairs of the year, best attempt, that passed (one query)."""
    from orglife.study.exam_models import Attempt
    from orglife.study.exam_queries import DONE

    start = timezone.make_aware(dt.datetime.combine(t.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(t.end + dt.timedelta(days=1), dt.time.min))
    inner = (Attempt.objects.filter(t.in_tree("member__org__"), state__in=DONE, score__isnull=False,
                                    submitted_at__gte=start, submitted_at__lt=end)
             .order_by().values("member__org_id", "member_id", "exam_id")
             .annotate(oid=F("member__org_id"),
                       ok=Max(Case(When(passed=True, then=Value(1)), default=Value(0), output_field=IntegerField())))
             .values("oid", "ok"))
    sql, params = inner.query.sql_with_params()
    out = {}
    for oid, n, ok in _grouped(sql, list(params), "s.oid, COUNT(*), SUM(s.ok)"):
        if oid in t.orgs:
            ok = int(ok or 0)
            out[oid] = Fact(_share(ok, int(n)), f"参加考试{n}人次，合格{ok}人次",
                            t.records(int(n), "exam_list"))
    return out


def rectification_on_time(t: Subtree) -> dict[int, Fact]:
    """Share of the problems signed off in the year that were signed off by their deadline
    (inspection.rollup's on-time rate; withdrawn problems count nowhere)."""
    from orglife.inspection import rollup
    from orglife.inspection.models import Problem

    rows = (Problem.objects.filter(t.in_tree("org__"), status=rollup.SIGNED_OFF,
                                   signed_off_at__date__gte=t.start, signed_off_at__date__lte=t.end)
            .order_by().values("org_id")
            .annotate(n=Count("id"), ok=Count("id", filter=Q(signed_off_at__date__lte=F("deadline"))))
            .values_list("org_id", "n", "ok"))
    out = {}
    for oid, n, ok in rows:
        if oid in t.orgs:
            out[oid] = Fact(_share(ok, n), f"本年销号问题{n}个，按期销号{ok}个",
                            t.records(n, "ledger"))
    for oid in t.orgs:
        out.setdefault(oid, Fact(None, "本年没有销号的整改问题", t.records(0, "ledger")))
    return out


def evaluation_held(t: Subtree) -> dict[int, Fact]:
    """1 when the year's 民主评议党员 is finished, 0 otherwise (one query)."""
    from .appraisal_models import MemberEvaluation, Stage

    rows = dict(MemberEvaluation.objects.filter(t.in_tree("org__"), year=t.year).values_list("org_id", "stage"))
    out = {}
    for oid in t.orgs:
        stage = rows.get(oid)
        if stage is None:
            text, value = f"{t.year}年度未开展民主评议党员", 0.0
        elif stage == Stage.FINISHED:
            text, value = f"{t.year}年度民主评议党员已完成", 1.0
        else:
            text, value = f"{t.year}年度民主评议党员已开始，尚未完成（{Stage(stage).label}）", 0.0
        out[oid] = Fact(value, text, t.records(int(stage is not None), "appraisal_list"))
    return out


def dues_on_time(t: Subtree) -> dict[int, Fact]:
    """Share of the members owing dues (with a dues profile) who had no unpaid month at the end
    of the year (dues.queries.with_unpaid_run), one aggregate."""
    from orglife.dues import queries as dq

    day = min(t.on, dt.date(t.year + 1, 1, 1))
    qs = dq.with_unpaid_run(dq.owing_members(t.in_tree("org__")), day).annotate(oid=F("org_id")).values(
        "oid", "unpaid_months")
    sql, params = qs.query.sql_with_params()
    out = {}
    for oid, n, ok in _grouped(sql, list(params), "s.oid, COUNT(*), SUM(CASE WHEN s.unpaid_months <= 0 THEN 1 ELSE 0 END)"):
        if oid in t.orgs:
            ok = int(ok or 0)
            out[oid] = Fact(_share(ok, int(n)), f"应交党费党员{n}人中{ok}人无欠交月份",
                            t.records(int(n), "dues_org_month"))
    return out


INDICATORS: dict[str, Callable[[Subtree], dict[int, Fact]]] = {
    "org_life_compliance": org_life_compliance,
    "talk_coverage": talk_coverage,
    "class_hours": class_hours,
    "exam_pass_rate": exam_pass_rate,
    "rectification_on_time": rectification_on_time,
    "evaluation_held": evaluation_held,
    "dues_on_time": dues_on_time,
}


# ------------------------------------------------------------------ deductions (counts)


def inactive_months(t: Subtree, months: int = 6) -> dict[int, Fact]:
    """Organizations with a run of at least `months` whole months of the year without any counted
    meeting (one aggregate: meetings.queries.monthly_counts)."""
    from orglife.meetings import queries as mq

    counts = mq.monthly_counts(t.year, t.root)
    last = 12 if t.on > dt.date(t.year, 12, 31) else t.on.month - 1
    mask = (1 << mq.MONTH_BITS) - 1
    out = {}
    for oid in t.orgs:
        active = [False] * 12
        for first, second in counts.get(oid, {}).values():
            for half, packed in enumerate((first, second)):
                for i in range(6):
                    if (packed >> (i * mq.MONTH_BITS)) & mask:
                        active[half * 6 + i] = True
        run = longest = 0
        for month in range(last):
            run = 0 if active[month] else run + 1
            longest = max(longest, run)
        if longest >= months:
            out[oid] = Fact(1, f"连续{longest}个月没有开展党的活动", t.records(longest, "compliance", f"?year={t.year}"))
    return out


def committee_missing(t: Subtree, **_) -> dict[int, Fact]:
    """Branches with at least the rule's number of full members but no 支部委员会 in a current term."""
    from orglife.meetings import queries as mq

    need = int(get_profile().rules["org.branch.committee_required_full_members"].value)
    have = mq.with_committee(t.root)
    out = {}
    for oid, row in t.orgs.items():
        full = row.full
        if full >= need and oid not in have:
            out[oid] = Fact(1, f"正式党员{full}人（{need}人以上应设支部委员会），未设立支部委员会",
                            t.records(full, "org_detail"))
    return out


def term_expired(t: Subtree, **_) -> dict[int, Fact]:
    """Organizations whose current term expired before the end of the period without a new one."""
    rows = (Term.objects.filter(t.in_tree("org__"), ended_on__isnull=True, expires_on__lt=t.end)
            .order_by().values("org_id").annotate(d=Max("expires_on")).values_list("org_id", "d"))
    return {oid: Fact(1, f"任期已于{d:%Y年%-m月%-d日}届满，未按期换届", t.records(1, "org_detail"))
            for oid, d in rows if oid in t.orgs}


def missed_periods(t: Subtree, kind: str = "", **_) -> dict[int, Fact]:
    """How many required periods (of one meeting kind, or any) the organization missed."""
    from orglife.rules.compliance import KIND_LABELS

    out = {}
    for row in t.compliance():
        n = sum(1 for s in row.segments if not kind or s.kind == kind for v in s.verdicts if v.status == "missed")
        if n and row.org.id in t.orgs:
            what = KIND_LABELS.get(kind, "组织生活") if kind else "组织生活"
            out[row.org.id] = Fact(n, f"{n}个周期未按要求召开{what}",
                                   t.records(n, "compliance", f"?year={t.year}"))
    return out


DEDUCTIONS: dict[str, Callable[..., dict[int, Fact]]] = {
    "inactive_months": inactive_months,
    "committee_missing": committee_missing,
    "term_expired": term_expired,
    "missed_periods": missed_periods,
}


def compute(card: Scorecard, t: Subtree, progress: Callable[[str], None] | None = None,
            parallel: bool = False) -> dict[int, dict[str, Fact]]:
    """Every automatic fact of the scorecard for the assessed organizations: {org id: {id: Fact}}.
    parallel: read the indicators in WORKERS threads, each with its own database connection
    (PostgreSQL, outside a transaction: the reads are independent aggregates)."""
    tasks: list[tuple[str, str, Callable[[], dict[int, Fact]]]] = []
    for ind in card.leaves():
        if ind.auto:
            tasks.append((ind.id, ind.label, lambda f=INDICATORS[ind.auto]: f(t)))
    for d in card.deductions:
        if d.auto:
            params = {k: v for k, v in d.params.items() if k in ("months", "kind")}
            tasks.append((d.id, d.label, lambda f=DEDUCTIONS[d.auto], p=params: f(t, **p)))
    facts: dict[int, dict[str, Fact]] = {oid: {} for oid in t.orgs}

    def merge(fid: str, label: str, found: dict[int, Fact]) -> None:
        for oid, fact in found.items():
            if oid in facts:
                facts[oid][fid] = fact
        if progress:
            progress(label)

    if not parallel:
        for fid, label, task in tasks:
            merge(fid, label, task())
        return facts

    def run(task):
        try:
            return task()
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {pool.submit(run, task): (fid, label) for fid, label, task in tasks}
        for future in as_completed(futures):
            fid, label = futures[future]
            merge(fid, label, future.result())
    return facts
