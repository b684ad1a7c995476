"""Reads for 谈心谈话: who may see a talk and its summary, the coverage table of a year, open
to-dos. A bounded number of queries whatever the number of talks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from orglife.core import scope
from orglife.orgs.models import ON_ROSTER, Member, Organization
from orglife.rules import talks as rules

from .models import Talk, TalkParticipant, TalkTodo
from .talk_services import committee_ids


@dataclass
class Coverage:
    year: int
    applies: bool
    mode: str
    mode_label: str
    categories: tuple[str, ...]
    rows: list[rules.MemberCoverage]
    summary: dict[str, int]

    @property
    def committee_count(self) -> int:
        return sum(r.on_committee for r in self.rows)

    @property
    def gaps(self) -> list[rules.MemberCoverage]:
        return [r for r in self.rows if not r.ok]


def get_talk_for_user(user, pk: int) -> tuple[Talk, bool]:
    """The talk and whether the viewer may read its summary. Participants and anyone who may view
    the organization see that the talk happened; only participants and the branch's own managers (a grant on the branch itself, not
    inherited from above) see the summary."""
    try:
        talk = Talk.objects.select_related("org").get(pk=pk)
    except (Talk.DoesNotExist, ValueError):
        raise Http404("谈话记录不存在") from None
    participant = user.is_authenticated and TalkParticipant.objects.filter(talk=talk, member__user=user).exists()
    if not (participant or scope.can_view(user, talk.org)):
        raise PermissionDenied("您没有查看该谈话记录的权限")
    return talk, participant or scope.manages_directly(user, talk.org)


def participants(talk: Talk) -> list[TalkParticipant]:
    return list(talk.participants.select_related("member").order_by("-on_committee", "member__name"))


def closed_todos(talk: Talk) -> list[TalkTodo]:
    """Triggered-talk to-dos this talk closed (their reasons are as confidential as the summary)."""
    return list(talk.todos.select_related("member").order_by("id"))


def org_talks(org: Organization, year: int | None = None) -> QuerySet:
    qs = Talk.objects.filter(org=org).prefetch_related("participants__member").order_by("-held_on", "-id")
    return qs.filter(held_on__year=year) if year else qs


def roster_people(org: Organization) -> list[rules.Person]:
    committee = committee_ids(org)
    members = Member.objects.filter(org=org, status__in=ON_ROSTER).order_by("name", "id").values_list("id", "name")
    return [rules.Person(pk, name, pk in committee) for pk, name in members]


def year_talk_facts(org: Organization, year: int) -> list[rules.TalkFacts]:
    rows = TalkParticipant.objects.filter(talk__org=org, talk__held_on__year=year).values_list(
        "talk_id", "talk__held_on", "member_id", "on_committee")
    by_talk: dict[int, tuple[dt.date, set]] = {}
    for talk_id, held_on, member_id, on_committee in rows:
        by_talk.setdefault(talk_id, (held_on, set()))[1].add((member_id, on_committee))
    return [rules.TalkFacts(tid, held_on, frozenset(ps)) for tid, (held_on, ps) in by_talk.items()]


def org_coverage(org: Organization, year: int, on: dt.date | None = None) -> Coverage:
    """The year's coverage table for one organization (4 queries)."""
    on = on or timezone.localdate()
    profile = org.profile()
    req = rules.requirement(profile, org.kind, min(on, dt.date(year, 12, 31)))
    if req is None:
        mode = profile.options.get("talk_mode", "coverage")
        return Coverage(year, False, mode, rules.MODE_LABELS.get(mode, mode), (), [], rules.summary([]))
    cats, mode = req
    rows = rules.coverage(roster_people(org), year_talk_facts(org, year), year=year, mode=mode, categories=cats)
    return Coverage(year, True, mode, rules.MODE_LABELS[mode], cats, rows, rules.summary(rows))


def open_todos(org: Organization) -> list[TalkTodo]:
    return list(TalkTodo.objects.filter(org=org, talk__isnull=True).select_related("member").order_by(F("due_on").asc(nulls_last=True), "id")[:200])


def open_todo_count(org: Organization) -> int:
    return TalkTodo.objects.filter(org=org, talk__isnull=True).count()


def member_talks(member: Member, year: int) -> list[Talk]:
    """Talks the member took part in during the year (for their own page)."""
    return list(Talk.objects.filter(participants__member=member, held_on__year=year).order_by("-held_on", "-id")[:50])
