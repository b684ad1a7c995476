"""Writes for 谈心谈话: record a talk, raise a triggered talk to-do. One transaction each, audited.

Permission is the caller's business (views check scope.can_manage on the talk's organization).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.models import ON_ROSTER, Member, Organization, Post, PostHolding
from orglife.orgs.services import ServiceError

from .models import Talk, TalkParticipant, TalkTodo


def committee_ids(org: Organization) -> set[int]:
    """Members holding a post in the organization's current term (党小组组长 is not a committee post)."""
    return set(
        PostHolding.objects.filter(term__org=org, term__ended_on__isnull=True, ended_on__isnull=True)
        .exclude(post=Post.GROUP_LEADER)
        .values_list("member_id", flat=True)
    )


def _check_members(org: Organization, members: list[Member]) -> None:
    for m in members:
        if not m.org.path.startswith(org.path) or m.status not in ON_ROSTER:
            raise ServiceError({"participants": f"{m.name}不是{org.name}的在册党员"})


def talk_record(
    *, actor, org: Organization, held_on: dt.date, topic: str, participants: Iterable[Member], summary: str = "",
    today: dt.date | None = None,
) -> Talk:
    """Record a talk between at least two members of the organization. Committee membership is
    frozen on each participant; open talk to-dos for these members are closed by this talk."""
    today = today or timezone.localdate()
    members = list({m.pk: m for m in participants}.values())
    errors = {}
    if len(members) < 2:
        errors["participants"] = "谈心谈话至少需要2名党员参加"
    if held_on > today:
        errors["held_on"] = "谈话日期不能晚于今天"
    if not topic.strip():
        errors["topic"] = "请填写谈话主题"
    if errors:
        raise ServiceError(errors)
    _check_members(org, members)
    committee = committee_ids(org)
    with transaction.atomic():
        talk = Talk.objects.create(org=org, held_on=held_on, topic=topic.strip(), summary=summary, created_by=actor
                                   if getattr(actor, "pk", None) else None)
        TalkParticipant.objects.bulk_create(
            [TalkParticipant(talk=talk, member=m, on_committee=m.pk in committee) for m in members]
        )
        closed = list(
            TalkTodo.objects.filter(org=org, member__in=[m.pk for m in members], talk__isnull=True)
            .values_list("pk", flat=True)
        )
        if closed:
            TalkTodo.objects.filter(pk__in=closed).update(talk=talk)
        # The summary is confidential: the audit trail records that it was written, not its text.
        audit.record(actor=actor, action="talk.create", target=talk, org=org, changes={
            "held_on": [None, held_on.isoformat()], "topic": [None, talk.topic],
            "participants": [None, sorted(m.pk for m in members)], "summary": [None, "（已填写）" if summary else ""],
            "closed_todos": [None, closed],
        })
    return talk


def talk_todo_raise(
    *, actor, org: Organization, member: Member, reason: str, due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> TalkTodo:
    """A triggered talk (RULES §1.2: marked change in thinking or work, sanction, major difficulty)."""
    today = today or timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = "请填写谈话原因"
    if due_on is not None and due_on < today:
        errors["due_on"] = "完成时限不能早于今天"
    if errors:
        raise ServiceError(errors)
    _check_members(org, [member])
    with transaction.atomic():
        todo = TalkTodo.objects.create(org=org, member=member, reason=reason.strip(), due_on=due_on,
                                       created_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="talk_todo.create", target=todo, org=org, changes={
            "member": [None, member.pk], "reason": [None, todo.reason], "due_on": [None, due_on.isoformat() if due_on else None],
        })
    return todo
