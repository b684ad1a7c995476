"""Dues reads: paid-up-to month, a branch's month sheet, arrears and subtree summaries.

Arrears and summaries are computed in SQL (one query per page, whatever the number of members);
the per-member helpers in Python (``ledger``) are the reference the SQL is tested against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least, Substr
from django.utils import timezone

from orglife.orgs.models import Member, Organization, Status

from . import rules
from .models import (
    ArrearsCase,
    CaseStatus,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    ReliefKind,
    ReliefStatus,
)

# Members who owe dues: on the roster and not suspended (停止党籍) or gone.
OWING_STATUSES = (Status.ACTIVE, Status.MOBILE)
ZERO = Decimal("0.00")


# ------------------------------------------------------------------ one member (reference logic)


@dataclass
class Ledger:
    """A member's dues facts, loaded in three queries."""

    member: Member
    profiles: list[DuesProfile]  # newest first
    payments: dict[dt.date, DuesPayment]
    reliefs: list[DuesRelief] = field(default_factory=list)  # approved only

    @property
    def start(self) -> dt.date | None:
        """The first month owed in orglife: the earliest dues profile's month."""
        return self.profiles[-1].effective_month if self.profiles else None

    def profile_for(self, month: dt.date) -> DuesProfile | None:
        return next((p for p in self.profiles if p.effective_month <= month), None)

    def relief_for(self, month: dt.date) -> DuesRelief | None:
        return next((r for r in self.reliefs if r.covers(month)), None)

    def due_for(self, month: dt.date) -> Decimal | None:
        """Amount owed for the month (None: nothing owed, no profile yet)."""
        profile = self.profile_for(month)
        if profile is None:
            return None
        relief = self.relief_for(month)
        if relief is not None:
            return ZERO if relief.kind == ReliefKind.EXEMPTION else relief.monthly_amount
        return profile.monthly_due

    def settled(self, month: dt.date) -> bool:
        relief = self.relief_for(month)
        return month in self.payments or (relief is not None and relief.kind == ReliefKind.EXEMPTION)

    def paid_up_to(self) -> dt.date | None:
        start = self.start
        if start is None:
            return None
        last = None
        month = start
        horizon = max([*self.payments, *(r.end_month for r in self.reliefs)], default=start)
        while month <= horizon and self.settled(month):
            last, month = month, rules.add_months(month, 1)
        return last

    def unpaid_run(self, today: dt.date) -> tuple[int, dt.date | None]:
        """Consecutive unsettled months ending with the last completed month, and the first of them."""
        start = self.start
        last_done = rules.add_months(rules.month_start(today), -1)
        if start is None or start > last_done:
            return 0, None
        month, count = last_done, 0
        while month >= start and not self.settled(month):
            count, month = count + 1, rules.add_months(month, -1)
        return count, (rules.add_months(month, 1) if count else None)


def ledger(member: Member) -> Ledger:
    return Ledger(
        member=member,
        profiles=list(DuesProfile.objects.filter(member=member).order_by("-effective_month")),
        payments={p.month: p for p in DuesPayment.objects.filter(member=member).select_related("recorded_by")},
        reliefs=list(DuesRelief.objects.filter(member=member, status=ReliefStatus.APPROVED)),
    )


def paid_up_to(member: Member) -> dt.date | None:
    """The first day of the last month fully paid, or None.

    Counted from the member's first dues month in orglife (the earliest dues profile) without a
    gap: a month is settled when it is paid (prepaid months count) or exempted by an approved
    hardship exemption. A member who paid January and March but not February is paid up to
    January. Used by transfers (introduction letters state the paid-up-to month).
    """
    return ledger(member).paid_up_to()


def due_for(member: Member, month: dt.date) -> Decimal | None:
    return ledger(member).due_for(rules.month_start(month))


# ------------------------------------------------------------------ SQL building blocks


def _month_index(expr) -> F:
    return ExtractYear(expr) * 12 + ExtractMonth(expr) - 1


def _profile_due_sq(month: dt.date, member_ref: str = "pk") -> Subquery:
    return Subquery(
        DuesProfile.objects.filter(member=OuterRef(member_ref), effective_month__lte=month)
        .order_by("-effective_month").values("monthly_due")[:1],
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )


def _relief_due_sq(month: dt.date, member_ref: str = "pk") -> Subquery:
    return Subquery(
        DuesRelief.objects.filter(member=OuterRef(member_ref), status=ReliefStatus.APPROVED,
                                  start_month__lte=month, end_month__gte=month)
        .order_by("-id")
        .annotate(owed=Case(When(kind=ReliefKind.EXEMPTION, then=Value(ZERO)), default=F("monthly_amount"),
                            output_field=DecimalField(max_digits=10, decimal_places=2)))
        .values("owed")[:1],
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )


def due_expression(month: dt.date, member_ref: str = "pk"):
    """SQL for the amount a member owes for a month (NULL when nothing is owed)."""
    return Coalesce(_relief_due_sq(month, member_ref), _profile_due_sq(month, member_ref))


def owing_members(q: Q | None = None) -> QuerySet:
    qs = Member.objects.filter(status__in=OWING_STATUSES)
    return qs if q is None else qs.filter(q)


def with_unpaid_run(qs: QuerySet, today: dt.date, at_least: int = 0) -> QuerySet:
    """Annotate members with ``unpaid_months``: consecutive unsettled months ending with the last
    completed month (the current month is still payable), counted from their first dues month.

    Set-based: the member's first dues month, last paid month and last exempted month are MIN/MAX
    over joins grouped by member (MIN and MAX are unaffected by the joins multiplying rows), so
    PostgreSQL answers with hash joins and one aggregation instead of a probe per member.
    Members without a dues profile, or whose first month is not yet completed, are left out.
    at_least: only members who may have at least this many months unpaid (those who paid in the
    last at_least completed months are dropped first, by an anti-join, before any aggregation)."""
    last_done = rules.add_months(rules.month_start(today), -1)
    done_index = rules.month_index(last_done)
    if at_least > 0:
        qs = qs.exclude(Exists(DuesPayment.objects.filter(
            member=OuterRef("pk"), month__gt=rules.add_months(last_done, -at_least), month__lte=last_done)))
    return (
        qs.annotate(
            dues_start=Min("dues_profiles__effective_month"),
            last_paid=Max("dues_payments__month", filter=Q(dues_payments__month__lte=last_done)),
            last_exempt=Max("dues_reliefs__end_month", filter=Q(
                dues_reliefs__status=ReliefStatus.APPROVED, dues_reliefs__kind=ReliefKind.EXEMPTION,
                dues_reliefs__start_month__lte=last_done)),
        )
        .filter(dues_start__lte=last_done)
        .annotate(
            settled_index=Greatest(
                Coalesce(_month_index(F("last_paid")), Value(-1)),
                # PostgreSQL's LEAST/GREATEST skip NULLs, SQLite's return NULL: coalesce first.
                Least(Coalesce(_month_index(F("last_exempt")), Value(-1)), Value(done_index)),
                _month_index(F("dues_start")) - 1,
                output_field=IntegerField(),
            )
        )
        .annotate(unpaid_months=Value(done_index, output_field=IntegerField()) - F("settled_index"))
    )


def count_by_org(qs: QuerySet, thresholds: tuple[int, ...], key="org_id") -> dict:
    """For members annotated by with_unpaid_run: per organization (or per key expression), how
    many reach each threshold. Reads only the members at or above the lowest threshold."""
    out: dict = {}
    rows = qs.filter(unpaid_months__gte=min(thresholds)).annotate(group_key=F(key) if isinstance(key, str) else key)
    for org_id, months in rows.values_list("group_key", "unpaid_months").order_by():
        row = out.setdefault(org_id, [0] * len(thresholds))
        for i, t in enumerate(thresholds):
            row[i] += months >= t
    return out


def first_unpaid_month(member: Member) -> dt.date:
    """For a member annotated by with_unpaid_run: the first month of the unpaid run."""
    index = member.settled_index + 1
    return dt.date(index // 12, index % 12 + 1, 1)


# ------------------------------------------------------------------ arrears


def arrears(q: Q | None, today: dt.date, min_months: int | None = None) -> QuerySet:
    """Members (of the organizations q selects, a Q over Member) with at least min_months unpaid
    (default: the reminder threshold), longest first, with their organization."""
    min_months = rules.reminder_months() if min_months is None else min_months
    return (
        with_unpaid_run(owing_members(q), today, min_months)
        .filter(unpaid_months__gte=min_months)
        .select_related("org")
        .order_by("-unpaid_months", "org__path", "name", "pk")
    )


def arrears_counts(q: Q | None, today: dt.date) -> dict[str, int]:
    """Members in arrears for ≥ reminder months and ≥ lapse months (one query)."""
    reminder, lapse = rules.reminder_months(), rules.lapse_months()
    counts = [0, 0]
    for row in count_by_org(with_unpaid_run(owing_members(q), today, reminder), (reminder, lapse)).values():
        counts[0] += row[0]
        counts[1] += row[1]
    return {"reminder": counts[0], "lapse": counts[1]}


def open_cases(members: list[Member]) -> dict[int, ArrearsCase]:
    """The latest case per member among these (one query)."""
    out: dict[int, ArrearsCase] = {}
    for case in ArrearsCase.objects.filter(member__in=members).order_by("member_id", "-first_unpaid_month"):
        out.setdefault(case.member_id, case)
    return out


def case_excused(case: ArrearsCase | None, first_unpaid: dt.date) -> bool:
    """Whether the current unpaid run has an accepted reason (no case is needed)."""
    return case is not None and case.first_unpaid_month == first_unpaid and case.status == CaseStatus.REASON_ACCEPTED


# ------------------------------------------------------------------ a branch's month


@dataclass
class SheetRow:
    member: Member
    due: Decimal | None
    payment: DuesPayment | None
    relief: DuesRelief | None
    profile: DuesProfile | None

    @property
    def state(self) -> str:
        if self.due is None:
            return "未设置党费档案"
        if self.payment is not None:
            return "已交" if self.payment.on_time else "已补交"
        if self.relief is not None and self.relief.kind == ReliefKind.EXEMPTION:
            return "免交"
        return "未交"


def month_sheet(org: Organization, month: dt.date, members: list[Member] | None = None) -> list[SheetRow]:
    """Owing members on the organization's own roster (or the given page of them) for a month:
    three queries after the members, whatever their number."""
    if members is None:
        members = list(owing_members(Q(org=org)).order_by("name", "pk"))
    ids = [m.pk for m in members]
    profiles: dict[int, DuesProfile] = {}
    for p in DuesProfile.objects.filter(member_id__in=ids, effective_month__lte=month).order_by("member_id", "-effective_month"):
        profiles.setdefault(p.member_id, p)
    payments = {p.member_id: p for p in DuesPayment.objects.filter(member_id__in=ids, month=month).select_related("recorded_by")}
    reliefs: dict[int, DuesRelief] = {}
    for r in DuesRelief.objects.filter(member_id__in=ids, status=ReliefStatus.APPROVED, start_month__lte=month,
                                       end_month__gte=month).order_by("member_id", "-id"):
        reliefs.setdefault(r.member_id, r)
    rows = []
    for m in members:
        profile, relief = profiles.get(m.pk), reliefs.get(m.pk)
        due = None
        if profile is not None:
            due = profile.monthly_due
            if relief is not None:
                due = ZERO if relief.kind == ReliefKind.EXEMPTION else relief.monthly_amount
        rows.append(SheetRow(m, due, payments.get(m.pk), relief, profile))
    return rows


@dataclass
class Totals:
    owing: int = 0
    due: Decimal = ZERO
    paid_count: int = 0
    paid: Decimal = ZERO
    on_time: int = 0
    unpaid: int = 0
    no_profile: int = 0

    @property
    def rate(self) -> str:
        return f"{self.paid_count / self.owing * 100:.1f}%" if self.owing else "—"


def sheet_totals(rows: list[SheetRow]) -> Totals:
    t = Totals()
    for r in rows:
        if r.due is None:
            t.no_profile += 1
            continue
        t.owing += 1
        t.due += r.due
        if r.payment is not None:
            t.paid_count += 1
            t.paid += r.payment.amount
            t.on_time += r.payment.on_time
        elif r.state == "未交":
            t.unpaid += 1
    return t


# ------------------------------------------------------------------ subtree summaries (SQL)


def _month_end(month: dt.date) -> dt.date:
    return rules.add_months(month, 1) - dt.timedelta(days=1)


def _key(root: Organization, org_prefix: str, by_child: bool):
    """Group key: the organization's id, or the path of root's child holding it."""
    if not by_child:
        return F(f"{org_prefix}_id")
    return Substr(f"{org_prefix}__path", 1, len(root.path) + root.steplen)


def summary_by_org(root: Organization, month: dt.date, own: bool = False, by_child: bool = False) -> dict:
    """Totals for a month per organization holding members in root's subtree (own: root's own
    members only). Two queries, each one GROUP BY by organization:

    - the dues profiles in force that month (the latest one from or before it: an anti-join),
      joined with that month's payment and any approved relief covering it;
    - the owing members per organization (for those still without a profile).
    by_child: group by root's child organization instead (keys: the child's path, or root's own
    path for root's own members), so that a whole tree's summary is a handful of rows."""
    where = Q(member__org=root) if own else Q(member__org__path__startswith=root.path)
    later = DuesProfile.objects.filter(member=OuterRef("member"), effective_month__gt=OuterRef("effective_month"),
                                       effective_month__lte=month)
    money = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        DuesProfile.objects.filter(where, member__status__in=OWING_STATUSES, effective_month__lte=month)
        .exclude(Exists(later))
        .annotate(
            pay=FilteredRelation("member__dues_payments", condition=Q(member__dues_payments__month=month)),
            rel=FilteredRelation("member__dues_reliefs", condition=Q(
                member__dues_reliefs__status=ReliefStatus.APPROVED, member__dues_reliefs__start_month__lte=month,
                member__dues_reliefs__end_month__gte=month)),
        )
        .annotate(due_m=Case(When(rel__kind=ReliefKind.EXEMPTION, then=Value(ZERO)),
                             When(rel__kind=ReliefKind.REDUCTION, then=F("rel__monthly_amount")),
                             default=F("monthly_due"), output_field=money))
        .annotate(key=_key(root, "member__org", by_child))
        .values("key")
        .annotate(
            owing=Count("pk"),
            due=Sum("due_m"),
            paid_count=Count("pay__id"),
            paid=Sum("pay__amount"),
            on_time=Count("pay__id", filter=Q(pay__paid_on__lte=_month_end(month))),
            unpaid=Count("pk", filter=Q(pay__id__isnull=True) & (Q(rel__id__isnull=True) | Q(rel__kind=ReliefKind.REDUCTION))),
        )
        .order_by()
    )
    members = dict(owing_members(Q(org=root) if own else Q(org__path__startswith=root.path))
                   .annotate(key=_key(root, "org", by_child)).values("key").annotate(n=Count("pk"))
                   .order_by().values_list("key", "n"))
    out: dict[int, Totals] = {}
    for r in rows:
        org_id = r["key"]
        out[org_id] = Totals(
            owing=r["owing"], due=(r["due"] or ZERO).quantize(rules.FEN), paid_count=r["paid_count"],
            paid=(r["paid"] or ZERO).quantize(rules.FEN), on_time=r["on_time"], unpaid=r["unpaid"],
            no_profile=members.get(org_id, 0) - r["owing"],
        )
    for org_id, n in members.items():
        if org_id not in out:
            out[org_id] = Totals(no_profile=n)
    return out


def arrears_by_org(root: Organization, today: dt.date, by_child: bool = False) -> dict:
    """(≥ reminder months, ≥ lapse months) in arrears per organization in root's subtree (or per
    child of root, keyed by path, as summary_by_org): one query."""
    reminder, lapse = rules.reminder_months(), rules.lapse_months()
    counts = count_by_org(with_unpaid_run(owing_members(Q(org__path__startswith=root.path)), today, reminder),
                          (reminder, lapse), key=_key(root, "org", by_child))
    return {org_id: (row[0], row[1]) for org_id, row in counts.items()}


@dataclass
class SummaryRow:
    org: Organization
    totals: Totals
    arrears: int
    lapse: int


def subtree_summary(root: Organization, month: dt.date, today: dt.date | None = None) -> tuple[list[SummaryRow], SummaryRow]:
    """Per child organization of root (its own members and everything below), plus the total.
    Four queries whatever the subtree's size: sums and member counts grouped by child (in SQL),
    arrears grouped by child, and the children."""
    today = today or timezone.localdate()
    by_child = summary_by_org(root, month, by_child=True)
    late = arrears_by_org(root, today, by_child=True)
    children = list(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"))
    own = SummaryRow(root, by_child.get(root.path, Totals()), *late.get(root.path, (0, 0)))
    rows = [own] if (own.totals.owing or own.totals.no_profile or own.arrears) else []
    rows += [SummaryRow(c, by_child.get(c.path, Totals()), *late.get(c.path, (0, 0))) for c in children]
    total = SummaryRow(root, Totals(), 0, 0)
    for row in rows:
        _add(total.totals, row.totals)
        total.arrears += row.arrears
        total.lapse += row.lapse
    return rows, total


def _add(into: Totals, t: Totals) -> None:
    into.owing += t.owing
    into.due += t.due
    into.paid_count += t.paid_count
    into.paid += t.paid
    into.on_time += t.on_time
    into.unpaid += t.unpaid
    into.no_profile += t.no_profile


def member_months(ledger_: Ledger, today: dt.date, count: int = 12) -> list[tuple[dt.date, Decimal | None, DuesPayment | None, str]]:
    """The member's last `count` months (newest first): month, due, payment and a state label."""
    current = rules.month_start(today)
    out = []
    for i in range(count):
        month = rules.add_months(current, -i)
        due = ledger_.due_for(month)
        payment = ledger_.payments.get(month)
        if due is None:
            state = "—"
        elif payment is not None:
            state = "已交" if payment.on_time else "已补交"
        elif ledger_.settled(month):
            state = "免交"
        else:
            state = "本月待交" if month == current else "未交"
        out.append((month, due, payment, state))
    return out


def prepaid_months(ledger_: Ledger, today: dt.date) -> list[dt.date]:
    current = rules.month_start(today)
    return sorted(m for m in ledger_.payments if m > current)
