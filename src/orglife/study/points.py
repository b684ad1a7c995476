"""Study points (学习积分), off by default (RULES §6.2; DESIGN principle 2).

Points are never typed in and never counted from time on a page: each member's ledger is derived
from evidence records — a confirmed self-study item, attendance at a study meeting whose record is
submitted, a passed exam, a passed quiz level (first pass only) — dated on or after the day the
organization turned points on, with the daily caps of the points table in rules/study.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils import timezone

from orglife.meetings.models import Attendance, AttendanceStatus
from orglife.orgs.models import ON_ROSTER, Member, Organization

from . import hours as rules
from .exam_models import Attempt, QuizRun
from .plan_models import PointsSetting, StudyConfirmation
from .plan_queries import LOCKED, MEETING_TYPES


@dataclass(frozen=True)
class Effective:
    """The setting that decides for an organization: its own, else the nearest one above it."""

    enabled: bool = False
    ranking: bool = False
    since: dt.date | None = None
    source: Organization | None = None  # where the setting was made (None: the default, off)
    own: PointsSetting | None = None  # the organization's own row, if any


def effective(org: Organization) -> Effective:
    rows = list(PointsSetting.objects.filter(org__path__in=org.ancestor_paths() + [org.path])
                .select_related("org").order_by("-org__depth"))
    own = next((r for r in rows if r.org_id == org.pk), None)
    if not rows:
        return Effective()
    top = rows[0]
    return Effective(top.enabled, top.enabled and top.ranking, top.enabled_on, top.org, own)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def events(members: QuerySet, year: int) -> dict[int, list[rules.Event]]:
    """Evidence events per member id in the year (four queries whatever the size)."""
    ids = members.values("pk")
    out: dict[int, list[rules.Event]] = defaultdict(list)
    for member_id, on, topic in (StudyConfirmation.objects.filter(member_id__in=ids, confirmed_on__year=year,
                                                                  item__plan__published_at__isnull=False)
                                 .values_list("member_id", "confirmed_on", "item__topic")):
        out[member_id].append(rules.Event("self_study", on, topic))
    for member_id, _meeting, on, topic in (Attendance.objects.filter(member_id__in=ids, status=AttendanceStatus.PRESENT,
                                                           meeting__status__in=LOCKED, meeting__held_on__year=year,
                                                           meeting__study_items__item_type__in=MEETING_TYPES)
                                 .values_list("member_id", "meeting_id", "meeting__held_on", "meeting__topic")
                                 .order_by().distinct()):
        out[member_id].append(rules.Event("study_meeting", on, topic or "学习会议"))
    for member_id, title, first in (Attempt.objects.filter(member_id__in=ids, passed=True, submitted_at__isnull=False)
                                    .order_by().values("member_id", "exam_id", "exam__title").annotate(first=Min("submitted_at"))
                                    .values_list("member_id", "exam__title", "first")):
        on = _local_date(first)
        if on.year == year:
            out[member_id].append(rules.Event("exam_pass", on, title))
    for member_id, title, level, first in (QuizRun.objects.filter(member_id__in=ids, passed=True, finished_at__isnull=False)
                                           .order_by().values("member_id", "challenge_id", "challenge__title", "level")
                                           .annotate(first=Min("finished_at"))
                                           .values_list("member_id", "challenge__title", "level", "first")):
        on = _local_date(first)
        if on.year == year:
            out[member_id].append(rules.Event("quiz_level_pass", on, f"{title} 第{level}关"))
    return out


def member_ledger(member: Member, year: int) -> tuple[Effective, list[rules.LedgerLine]]:
    setting = effective(member.org)
    if not setting.enabled:
        return setting, []
    evs = events(Member.objects.filter(pk=member.pk), year).get(member.pk, [])
    return setting, rules.ledger(evs, since=setting.since)


@dataclass
class Standing:
    member_id: int
    name: str
    points: int
    rank: int = 0


def standings(org: Organization, year: int, setting: Effective) -> list[Standing]:
    """Points of the organization's own members (ranking order). Only called when points and the
    ranking are both on."""
    members = Member.objects.filter(org=org, status__in=ON_ROSTER)
    evs = events(members, year)
    rows = [Standing(m["id"], m["name"], rules.total(rules.ledger(evs.get(m["id"], []), since=setting.since)))
            for m in members.values("id", "name")]
    rows.sort(key=lambda r: (-r.points, r.name, r.member_id))
    rank = 0
    for i, r in enumerate(rows):
        if i == 0 or r.points != rows[i - 1].points:
            rank = i + 1
        r.rank = rank
    return rows
