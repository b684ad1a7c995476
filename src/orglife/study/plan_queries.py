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

from django.db.models import Exists, OuterRef, Q, QuerySet

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


def _in(values) -> tuple[str, list]:
    values = [str(v) for v in values]
    return ", ".join(["%s"] * len(values)), values


def _scope_sql(org: Organization | None, subtree: bool, member_id: int | None) -> tuple[str, list]:
    """The members a report covers: the roster of org (or its subtree), or one member."""
    if member_id is not None:
        return "m.id = %s", [member_id]
    statuses, params = _in(ON_ROSTER)
    where = "o.path LIKE %s" if subtree else "o.id = %s"
    return f"{where} AND m.status IN ({statuses})", [org.path + "%" if subtree else org.pk, *params]


def _members_sql(year: int, scope_sql: str, scope_params: list) -> tuple[str, list]:
    """One row per member in scope: id, name, org_name, org_path, hours, on_committee, required.

    Hours are the evidence rows of the year (published plans only) summed per member — confirmed
    self-study, attendance marked present at a linked meeting whose record is submitted, and each
    test item whose exam the member passed (once, however many attempts passed) — aggregated first
    and joined once (no per-member subquery: the root of a 1,000,000-member tree is one hash join).
    """
    t = {m._meta.model_name: m._meta.db_table for m in (Member, Organization, PostHolding, StudyConfirmation, StudyItem,
                                                         StudyPlan, Attendance, Attempt)}
    from orglife.meetings.models import Meeting
    from orglife.orgs.models import Term

    meeting_t, term_t = Meeting._meta.db_table, Term._meta.db_table
    locked, locked_p = _in(LOCKED)
    mtypes, mtypes_p = _in(MEETING_TYPES)
    # Each part starts from the members in scope and follows the member_id indexes: a branch reads
    # its few dozen members' evidence, the root of a large tree hash-joins everything once.
    members = f"FROM {t['member']} m JOIN {t['organization']} o ON o.id = m.org_id"
    plan_ok = f"JOIN {t['studyplan']} p ON p.id = i.plan_id AND p.year = %s AND p.published_at IS NOT NULL"
    evidence = (
        f"SELECT c.member_id AS member_id, i.id AS item_id, i.hours AS hours {members} "
        f"JOIN {t['studyconfirmation']} c ON c.member_id = m.id "
        f"JOIN {t['studyitem']} i ON i.id = c.item_id AND i.item_type = %s {plan_ok} "
        f"WHERE {scope_sql} "
        f"UNION ALL "
        f"SELECT a.member_id, i.id, i.hours {members} "
        f"JOIN {t['attendance']} a ON a.member_id = m.id AND a.status = %s "
        f"JOIN {meeting_t} mt ON mt.id = a.meeting_id AND mt.status IN ({locked}) "
        f"JOIN {t['studyitem']} i ON i.meeting_id = mt.id AND i.item_type IN ({mtypes}) {plan_ok} "
        f"WHERE {scope_sql} "
        f"UNION ALL "
        f"SELECT DISTINCT x.member_id, i.id, i.hours {members} "
        f"JOIN {t['attempt']} x ON x.member_id = m.id AND x.passed = %s "
        f"JOIN {t['studyitem']} i ON i.exam_id = x.exam_id AND i.item_type = %s {plan_ok} "
        f"WHERE {scope_sql}"
    )
    evidence_p = [str(ItemType.SELF_STUDY), year, *scope_params,
                  str(AttendanceStatus.PRESENT), *locked_p, *mtypes_p, year, *scope_params,
                  True, str(ItemType.TEST), year, *scope_params]
    # Numbers, not Decimals: SQLite would bind a Decimal as text and compare it as text.
    member_min = float(rules.minimum_hours(rules.MEMBER))
    committee_min = float(rules.minimum_hours(rules.COMMITTEE))
    sql = (
        f"SELECT m.id AS id, m.name AS name, o.name AS org_name, o.path AS org_path, "
        f"COALESCE(h.hours, 0) AS hours, CASE WHEN pc.member_id IS NULL THEN 0 ELSE 1 END AS on_committee, "
        f"CASE WHEN pc.member_id IS NULL THEN %s ELSE %s END AS required "
        f"FROM {t['member']} m JOIN {t['organization']} o ON o.id = m.org_id "
        f"LEFT JOIN (SELECT e.member_id, SUM(e.hours) AS hours FROM ({evidence}) e GROUP BY e.member_id) h "
        f"ON h.member_id = m.id "
        f"LEFT JOIN (SELECT DISTINCT ph.member_id {members} JOIN {t['postholding']} ph ON ph.member_id = m.id "
        f"JOIN {term_t} tm ON tm.id = ph.term_id "
        f"WHERE tm.ended_on IS NULL AND ph.ended_on IS NULL AND ph.post <> %s AND {scope_sql}) pc "
        f"ON pc.member_id = m.id "
        f"WHERE {scope_sql}"
    )
    params = [member_min, committee_min, *evidence_p, str(PostKind.GROUP_LEADER), *scope_params, *scope_params]
    return sql, params


def _fetch(sql: str, params: list) -> list[dict]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


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


def as_hours(value) -> Decimal:
    """A sum from the database as hours with one decimal (SQLite may hand back a float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def _row(m: dict) -> HoursRow:
    role = rules.COMMITTEE if m["on_committee"] else rules.MEMBER
    return HoursRow(m["id"], m["name"], m["org_name"], m["org_path"], rules.judge_hours(as_hours(m["hours"]), role))


class HoursReport:
    """The rows of a class-hour report as the Paginator wants them (count() and slices), each a
    bounded SQL statement: the filter, count, order and page run in the database."""

    def __init__(self, org: Organization, year: int, *, subtree: bool = False, short: bool = False):
        self.sql, self.params = _members_sql(year, *_scope_sql(org, subtree, None))
        self.where = " WHERE x.hours < x.required" if short else ""

    def count(self) -> int:
        return _fetch(f"SELECT COUNT(*) AS n FROM ({self.sql}) x{self.where}", self.params)[0]["n"]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key) -> list[HoursRow]:
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        start = key.start or 0
        limit = "" if key.stop is None else f" LIMIT {int(key.stop) - int(start)}"
        sql = f"SELECT * FROM ({self.sql}) x{self.where} ORDER BY x.org_path, x.name, x.id{limit} OFFSET {int(start)}"
        if not limit:
            sql = sql.replace(" OFFSET", " LIMIT -1 OFFSET") if _sqlite() else sql
        return [_row(m) for m in _fetch(sql, self.params)]


def _sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


def hours_rows(org: Organization, year: int, *, subtree: bool = False, short: bool = False) -> list[HoursRow]:
    """Every member's row (one query): exports and tests; pages use HoursReport with a Paginator."""
    return HoursReport(org, year, subtree=subtree, short=short)[0:None]


def member_row(member: Member, year: int) -> HoursRow:
    sql, params = _members_sql(year, *_scope_sql(None, False, member.pk))
    return _row(_fetch(sql, params)[0])


def member_hours(members: QuerySet, year: int) -> dict[int, Decimal]:
    """Hours per member id (one query per member: for tests and small sets)."""
    return {m.pk: member_row(m, year).verdict.hours for m in members}


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
    sql, params = _members_sql(year, *_scope_sql(org, True, None))
    grouped = _fetch(
        f"SELECT SUBSTR(x.org_path, 1, {int(width)}) AS bucket, COUNT(*) AS people, "
        f"SUM(CASE WHEN x.hours >= x.required THEN 1 ELSE 0 END) AS met, SUM(x.hours) AS total "
        f"FROM ({sql}) x GROUP BY SUBSTR(x.org_path, 1, {int(width)})", params)
    children = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"))
    parts = {c.path: Coverage(c) for c in children}
    own, total = Coverage(org), Coverage(org)
    for g in grouped:
        cov = parts.get(g["bucket"], own)  # org's own members: their path is shorter than width
        for c in (cov, total):
            c.people += g["people"]
            c.met += int(g["met"] or 0)
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
