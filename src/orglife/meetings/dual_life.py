"""双重组织生活 (RULES §4, §5): each 党员领导干部 must, every year, take part as an ordinary member
in their own branch's (or 党小组's) 组织生活会, and in their leading group's 民主生活会.

Only counted meetings (submitted records: MeetingKind.counted) count, by the date they were held.
Reads are bounded: a page of cadres, then two aggregate queries over that page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from orglife.orgs.models import ON_ROSTER, Member, Organization, OrgKind

from .models import Attendance, AttendanceStatus

ORG_LIFE = "org_life_meeting"
DEMOCRATIC_LIFE = "democratic_life_meeting"


@dataclass
class DualLife:
    member: Member
    year: int
    org_life_attended: list[int] = field(default_factory=list)  # meeting ids
    org_life_due: list[int] = field(default_factory=list)
    dem_life_attended: list[int] = field(default_factory=list)
    dem_life_due: list[int] = field(default_factory=list)

    @property
    def org_life_ok(self) -> bool:
        return bool(self.org_life_attended)

    @property
    def dem_life_applies(self) -> bool:
        """Whether the cadre was on the due list of a leading group's 民主生活会 this year."""
        return bool(self.dem_life_due)

    @property
    def dem_life_ok(self) -> bool:
        return bool(self.dem_life_attended)

    @property
    def ok(self) -> bool:
        return self.org_life_ok and (self.dem_life_ok or not self.dem_life_applies)

    @property
    def explanations(self) -> list[str]:
        out = []
        if not self.org_life_ok:
            if self.org_life_due:
                out.append(f"{self.year}年列入本支部组织生活会应到名单，但未出席（双重组织生活要求以普通党员身份参加）。")
            else:
                out.append(f"{self.year}年尚无本人出席的本支部（党小组）组织生活会记录。")
        if self.dem_life_applies and not self.dem_life_ok:
            out.append(f"{self.year}年列入党组民主生活会应到名单，但未出席。")
        return out


def _attendance(members: list[Member], year: int, kind: str) -> QuerySet:
    return Attendance.objects.filter(
        member__in=[m.pk for m in members],
        meeting__kind_rows__kind=kind,
        meeting__kind_rows__counted=True,
        meeting__kind_rows__held_on__year=year,
    ).values_list("member_id", "meeting_id", "status", "meeting__org_id", "meeting__org__kind").distinct()


def compute(members: list[Member], year: int) -> list[DualLife]:
    """双重组织生活 for the given cadres (two queries whatever their number)."""
    out = {m.pk: DualLife(m, year) for m in members}
    if not members:
        return []
    own = {m.pk: {m.org_id, m.party_group_id} for m in members}
    for member_id, meeting_id, status, org_id, _kind in _attendance(members, year, ORG_LIFE):
        if org_id not in own[member_id]:
            continue  # their own branch's or group's life, not a meeting they visited elsewhere
        row = out[member_id]
        row.org_life_due.append(meeting_id)
        if status == AttendanceStatus.PRESENT:
            row.org_life_attended.append(meeting_id)
    for member_id, meeting_id, status, _org_id, kind in _attendance(members, year, DEMOCRATIC_LIFE):
        if kind != OrgKind.LEADING_GROUP:
            continue
        row = out[member_id]
        row.dem_life_due.append(meeting_id)
        if status == AttendanceStatus.PRESENT:
            row.dem_life_attended.append(meeting_id)
    return [out[m.pk] for m in members]


def for_member(member: Member, year: int) -> DualLife | None:
    """The member page's section: None unless the member is a 党员领导干部."""
    if not member.leading_cadre:
        return None
    return compute([member], year)[0]


def cadres(org: Organization, visible: Q | None = None) -> QuerySet:
    """Leading cadres on the roster of the organization's subtree (materialized path prefix).
    visible: a Q over the members' organizations (core.scope.org_q with prefix "org__") when the
    viewer may not see the whole subtree."""
    qs = Member.objects.filter(org__path__startswith=org.path, leading_cadre=True, status__in=ON_ROSTER)
    if visible is not None:
        qs = qs.filter(visible)
    return qs.select_related("org").order_by("org__path", "name", "id")


def page_summary(rows: list[DualLife]) -> dict[str, int]:
    return {
        "cadres": len(rows),
        "ok": sum(r.ok for r in rows),
        "org_life_missing": sum(not r.org_life_ok for r in rows),
        "dem_life_missing": sum(r.dem_life_applies and not r.dem_life_ok for r in rows),
    }


def _attended(year: int, kind: str, *, present: bool, own: bool) -> Exists:
    """Exists(an attendance row of the outer member at a counted meeting of this kind in the year):
    own = at their own branch or group; otherwise at a 党组 (leading group)."""
    qs = Attendance.objects.filter(
        member=OuterRef("pk"), meeting__kind_rows__kind=kind, meeting__kind_rows__counted=True,
        meeting__kind_rows__held_on__year=year,
    )
    if present:
        qs = qs.filter(status=AttendanceStatus.PRESENT)
    if own:
        qs = qs.filter(Q(meeting__org=OuterRef("org")) | Q(meeting__org=OuterRef("party_group")))
    else:
        qs = qs.filter(meeting__org__kind=OrgKind.LEADING_GROUP)
    return Exists(qs)


def cadres_with_gaps(org: Organization, year: int, visible: Q | None = None) -> QuerySet:
    """Cadres of the subtree who missed their branch's 组织生活会, or were due at a 民主生活会 and
    did not attend: filtered in SQL, so the report can page through only them."""
    return cadres(org, visible).filter(
        ~Q(_attended(year, ORG_LIFE, present=True, own=True))
        | (Q(_attended(year, DEMOCRATIC_LIFE, present=False, own=False))
           & ~Q(_attended(year, DEMOCRATIC_LIFE, present=True, own=False)))
    )


def subtree_totals(org: Organization, year: int, visible: Q | None = None) -> dict[str, int]:
    """Totals for the whole subtree (not just the page shown), one aggregate query."""
    row = cadres(org, visible).order_by().aggregate(
        cadres=Count("id"),
        org_life_ok=Count("id", filter=Q(_attended(year, ORG_LIFE, present=True, own=True))),
        dem_life_due=Count("id", filter=Q(_attended(year, DEMOCRATIC_LIFE, present=False, own=False))),
        dem_life_ok=Count("id", filter=Q(_attended(year, DEMOCRATIC_LIFE, present=True, own=False))),
    )
    row["org_life_missing"] = row["cadres"] - row["org_life_ok"]
    row["dem_life_missing"] = row["dem_life_due"] - row["dem_life_ok"]
    return row
