"""Reads for study plans and class hours. Every function runs a fixed number of queries whatever
the number of members, items or meetings: aggregates run in SQL, rows are joined in Python.

Class hours for a member and a year come only from evidence:
* a self-study item: the member's confirmation;
* a discussion, lecture or appraisal item: attendance marked present at the linked meeting, once
  the meeting's record is submitted (locked) — the organizational-life record, entered once;
* a test item: a passed attempt at the linked exam.
Only items of published plans for that year count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from orglife.meetings.models import Attendance, AttendanceStatus, MeetingStatus
from orglife.orgs.models import ON_ROSTER, Member, Organization, PostHolding
from orglife.orgs.models import Post as PostKind

from . import hours as rules
from .exam_models import Attempt
from .plan_models import Audience, ItemType, StudyConfirmation, StudyItem, StudyPlan

MEETING_TYPES = [ItemType.DISCUSSION, ItemType.LECTURE, ItemType.APPRAISAL]
LOCKED = [MeetingStatus.SUBMITTED, MeetingStatus.APPROVED]
ZERO = Decimal("0.0")


def published_items(year: int) -> QuerySet:
    return StudyItem.objects.filter(plan__year=year, plan__published_at__isnull=False)


def audience_q(member: Member, prefix: str = "") -> Q:
    """Items meant for this member: plans of the member's organization or one above it, for the
    whole organization, the member's 党小组, or leading cadres when the member is one."""
    org = member.org
    paths = org.ancestor_paths() + [org.path]
    q = Q(**{f"{prefix}audience": Audience.ORG})
    if member.party_group_id:
        q |= Q(**{f"{prefix}audience": Audience.PARTY_GROUP, f"{prefix}party_group_id": member.party_group_id})
    if member.leading_cadre:
        q |= Q(**{f"{prefix}audience": Audience.LEADING_CADRES})
    return Q(**{f"{prefix}plan__org__path__in": paths}) & q


def in_audience(item: StudyItem, member: Member) -> bool:
    if member.status not in ON_ROSTER or not member.org.path.startswith(item.plan.org.path):
        return False
    if item.audience == Audience.PARTY_GROUP:
        return member.party_group_id is not None and member.party_group_id == item.party_group_id
    if item.audience == Audience.LEADING_CADRES:
        return member.leading_cadre
    return True


def _attended(member_ref) -> Exists:
    return Exists(Attendance.objects.filter(meeting_id=OuterRef("meeting_id"), member=member_ref,
                                            status=AttendanceStatus.PRESENT, meeting__status__in=LOCKED))


def items_for_member(member: Member, year: int) -> QuerySet:
    """The member's items for the year with done flags (one query)."""
    return (
        published_items(year).filter(audience_q(member))
        .select_related("plan__org", "meeting", "exam")
        .annotate(
            confirmed=Exists(StudyConfirmation.objects.filter(item=OuterRef("pk"), member=member)),
            attended=_attended(member.pk),
            passed=Exists(Attempt.objects.filter(exam_id=OuterRef("exam_id"), member=member, passed=True)),
        )
        .order_by("due_on", "id")
    )


def item_done(item) -> bool:
    """For an item from items_for_member()."""
    return {"confirmation": item.confirmed, "meeting": item.attended, "exam": item.passed}[item.evidence]


# ------------------------------------------------------------------ class hours


def _hours_subqueries(year: int, member_ref="pk"):
    """Three correlated sums for one member (by member_ref): confirmed self-study, attended study
    meetings (record submitted), and test items whose exam the member passed (once per item)."""
    items = published_items(year)
    confirmed = (StudyConfirmation.objects.filter(member_id=OuterRef(member_ref),
                                                  item__in=items.filter(item_type=ItemType.SELF_STUDY))
                 .order_by().values("member_id").annotate(h=Sum("item__hours")).values("h"))
    attended = (Attendance.objects.filter(member_id=OuterRef(member_ref), status=AttendanceStatus.PRESENT,
                                          meeting__status__in=LOCKED,
                                          meeting__study_items__in=items.filter(item_type__in=MEETING_TYPES))
                .order_by().values("member_id").annotate(h=Sum("meeting__study_items__hours")).values("h"))
    passed = (items.filter(item_type=ItemType.TEST, exam__isnull=False)
              .filter(Exists(Attempt.objects.filter(exam_id=OuterRef("exam_id"), member_id=OuterRef(OuterRef(member_ref)),
                                                    passed=True)))
              .order_by().annotate(one=Value(1)).values("one").annotate(h=Sum("hours")).values("h"))
    zero = Value(ZERO, output_field=DecimalField(max_digits=6, decimal_places=1))
    return (Coalesce(Subquery(confirmed), zero) + Coalesce(Subquery(attended), zero) + Coalesce(Subquery(passed), zero))


def _committee_q(member_ref="pk") -> Exists:
    """Holding a post in a current term (书记, 副书记, 委员 …; not a 党小组组长): the committee minimum."""
    return Exists(PostHolding.objects.filter(member_id=OuterRef(member_ref), term__ended_on__isnull=True,
                                             ended_on__isnull=True).exclude(post=PostKind.GROUP_LEADER))


def with_hours(members: QuerySet, year: int) -> QuerySet:
    """Members annotated with study_hours, on_committee and required_hours, all in SQL, so that a
    report filters, counts and pages in the database whatever the number of members."""
    member_min = rules.minimum_hours(rules.MEMBER)
    committee_min = rules.minimum_hours(rules.COMMITTEE)
    dec = DecimalField(max_digits=6, decimal_places=1)
    return members.annotate(
        study_hours=ExpressionWrapper(_hours_subqueries(year), output_field=dec),
        on_committee=_committee_q(),
    ).annotate(
        required_hours=Case(When(on_committee=True, then=Value(committee_min, output_field=dec)),
                            default=Value(member_min, output_field=dec), output_field=dec),
    )


def member_hours(members: QuerySet, year: int) -> dict[int, Decimal]:
    """Hours per member id for the year (one query)."""
    return {pk: as_hours(h) for pk, h in with_hours(members, year).values_list("pk", "study_hours")}


def committee_ids(members: QuerySet) -> set[int]:
    return set(members.filter(_committee_q()).values_list("pk", flat=True))


@dataclass
class HoursRow:
    member_id: int
    name: str
    org_name: str
    org_path: str
    verdict: rules.HoursVerdict

    @property
    def role_label(self) -> str:
        return rules.ROLE_LABELS[self.verdict.role]


def roster(org: Organization, subtree: bool) -> QuerySet:
    q = Q(org__path__startswith=org.path) if subtree else Q(org=org)
    return Member.objects.filter(q, status__in=ON_ROSTER)


def hours_queryset(org: Organization, year: int, *, subtree: bool = False, short: bool = False) -> QuerySet:
    """Members on the roster of org (or its subtree) with their hours, in SQL; short: only those
    below their minimum. Ordered by organization and name; page it, then rows() the page."""
    qs = with_hours(roster(org, subtree), year)
    if short:
        qs = qs.filter(study_hours__lt=F("required_hours"))
    return qs.order_by("org__path", "name", "id").values("id", "name", "org__name", "org__path", "study_hours",
                                                         "on_committee")


def as_hours(value) -> Decimal:
    """A sum from the database as hours with one decimal (SQLite may hand back a float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def rows(values) -> list[HoursRow]:
    out = []
    for m in values:
        role = rules.COMMITTEE if m["on_committee"] else rules.MEMBER
        out.append(HoursRow(m["id"], m["name"], m["org__name"], m["org__path"],
                            rules.judge_hours(as_hours(m["study_hours"]), role)))
    return out


def hours_rows(org: Organization, year: int, *, subtree: bool = False, short: bool = False) -> list[HoursRow]:
    """Every member's row (one query): for exports and tests; pages use hours_queryset."""
    return rows(hours_queryset(org, year, subtree=subtree, short=short))


@dataclass
class Coverage:
    org: Organization
    people: int = 0
    met: int = 0
    hours: Decimal = ZERO

    @property
    def short(self) -> int:
        return self.people - self.met

    @property
    def share(self) -> float:
        return self.met / self.people if self.people else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def average(self) -> Decimal:
        return (Decimal(self.hours) / self.people).quantize(Decimal("0.1")) if self.people else ZERO


def coverage(org: Organization, year: int) -> tuple[Coverage, list[Coverage]]:
    """Class-hour coverage (share of members meeting their minimum) for org's subtree as a whole
    and for each organization directly below it (its own subtree), plus org's own members when it
    has any: one GROUP BY over the members of the subtree, and one query for the organizations."""
    width = len(org.path) + org.steplen
    grouped = (with_hours(roster(org, True), year)
               .annotate(bucket=Substr("org__path", 1, width))
               .order_by().values("bucket")
               .annotate(people=Count("id"), met=Count("id", filter=Q(study_hours__gte=F("required_hours"))),
                         total=Sum("study_hours")))
    children = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"))
    parts = {c.path: Coverage(c) for c in children}
    own, total = Coverage(org), Coverage(org)
    for g in grouped:
        cov = parts.get(g["bucket"], own)  # org's own members: their path is shorter than width
        for c in (cov, total):
            c.people += g["people"]
            c.met += g["met"]
            c.hours += as_hours(g["total"])
    parts_list = ([own] if own.people else []) + [p for p in parts.values() if p.people or p.org.kind != "party_group"]
    return total, parts_list


# ------------------------------------------------------------------ plans, items and evidence lists


def plan_for(org: Organization, year: int) -> StudyPlan | None:
    return StudyPlan.objects.filter(org=org, year=year).first()


def plan_items(plan: StudyPlan) -> QuerySet:
    return plan.items.select_related("party_group", "meeting", "exam").order_by("due_on", "id")


def plans_for_member(member: Member, year: int) -> QuerySet:
    return StudyPlan.objects.filter(year=year, published_at__isnull=False,
                                    org__path__in=member.org.ancestor_paths() + [member.org.path])


def confirmations(item: StudyItem) -> QuerySet:
    return item.confirmations.select_related("member").order_by("-confirmed_at")[:500]


def meeting_choices(org: Organization, year: int) -> QuerySet:
    """Meetings of the organization and its subtree in the year that a study item may link to."""
    from orglife.meetings.models import Meeting

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Meeting.objects.filter(org__path__startswith=org.path)
            .filter(Q(held_on__range=(start, end)) | Q(held_on__isnull=True, planned_at__year=year))
            .select_related("org").order_by("-held_on", "-planned_at", "-id")[:200])


def exam_choices(org: Organization) -> QuerySet:
    from .exam_models import Exam

    return (Exam.objects.filter(Q(org__path__startswith=org.path) | Q(org__path__in=org.ancestor_paths()))
            .select_related("org").order_by("-opens_at", "-id")[:200])


def due_self_study(member: Member, on: dt.date, days: int, limit: int = 20) -> list[StudyItem]:
    """Self-study items of the member's published plans this year, not yet confirmed and due by
    on + days (overdue ones included): the member's 学习任务 to-dos. One query."""
    return list(
        published_items(on.year).filter(audience_q(member), item_type=ItemType.SELF_STUDY,
                                         due_on__lte=on + dt.timedelta(days=days))
        .exclude(confirmations__member=member).select_related("plan__org").order_by("due_on", "id")[:limit]
    )
