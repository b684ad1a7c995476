"""Reads for 民主评议党员, always through the viewer's scope: who may see an evaluation and in
which role, the roster with progress, a member's own evaluations. Bounded queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from orglife.core import scope

from . import ballot_queries
from .appraisal_models import (
    HandlingStep,
    MemberEvaluation,
    Participant,
    PeerComment,
    Stage,
    StepStatus,
)


@dataclass
class Access:
    evaluation: MemberEvaluation
    manages: bool  # may run the evaluation (managers of its organization)
    views: bool  # may read the roster and progress (viewers of its organization)
    me: Participant | None  # the viewer's own place on the roster


def get_evaluation_for_user(user, pk: int) -> Access:
    try:
        evaluation = MemberEvaluation.objects.select_related("org", "ballot", "meeting").get(pk=pk)
    except (MemberEvaluation.DoesNotExist, ValueError):
        raise Http404("民主评议不存在") from None
    member = getattr(user, "member", None) if user.is_authenticated else None
    me = (Participant.objects.filter(evaluation=evaluation, member=member).select_related("member").first()
          if member is not None else None)
    views = scope.can_view(user, evaluation.org)
    if not views and me is None:
        raise PermissionDenied("您没有查看该民主评议的权限")
    return Access(evaluation, scope.can_manage(user, evaluation.org), views, me)


def org_evaluations(org):
    return (MemberEvaluation.objects.filter(org=org).order_by("-year")
            .annotate(people=Count("participants")).select_related("meeting"))


def roster(evaluation: MemberEvaluation) -> list[Participant]:
    """Participants with their progress counts: two queries (participants, then steps)."""
    return list(
        evaluation.participants.annotate(
            comments_written_n=Count("comments_written", distinct=True),
            comments_received_n=Count("comments_received", distinct=True),
        ).select_related("member")
    )


def peers(evaluation: MemberEvaluation, me: Participant) -> list[tuple[Participant, PeerComment | None]]:
    """For 党员互评: every other participant with my comment on them, if any (two queries)."""
    mine = {c.subject_id: c for c in PeerComment.objects.filter(author=me)}
    return [(p, mine.get(p.pk)) for p in evaluation.participants.exclude(pk=me.pk)]


def comments_about(participant: Participant) -> list[PeerComment]:
    return list(PeerComment.objects.filter(subject=participant).select_related("author"))


def handling(evaluation: MemberEvaluation) -> dict[int, list[HandlingStep]]:
    """The handling steps of every 不合格 participant, by participant id (one query)."""
    out: dict[int, list[HandlingStep]] = {}
    for step in (HandlingStep.objects.filter(participant__evaluation=evaluation)
                 .select_related("participant", "talk_todo").order_by("participant__name", "participant_id", "position")):
        out.setdefault(step.participant_id, []).append(step)
    return out


def open_step_count(org) -> int:
    return HandlingStep.objects.filter(participant__evaluation__org=org, status=StepStatus.OPEN).count()


def summary(evaluation: MemberEvaluation, participants: list[Participant]) -> dict:
    graded = [p for p in participants if p.graded]
    counts = {g: sum(1 for p in graded if p.grade == g) for g in ("excellent", "qualified", "basically_qualified",
                                                                      "unqualified")}
    return {
        "people": len(participants), "graded": len(graded), "self_assessed": sum(1 for p in participants if p.self_assessment),
        "excellent_cap": evaluation.excellent_cap(len(graded)), "counts": counts,
        "ungraded": sum(1 for p in graded if not p.grade),
    }


def tallies_by_member(evaluation: MemberEvaluation) -> ballot_queries.Tallies:
    return ballot_queries.tallies(evaluation.ballot)


def mine(user) -> list[Participant]:
    """The user's own places on evaluation rosters, newest first (their own grade only once finished)."""
    member = getattr(user, "member", None)
    if member is None:
        return []
    return list(Participant.objects.filter(member=member).select_related("evaluation__org", "evaluation__ballot")
                .order_by("-evaluation__year")[:50])


def pending_for(user) -> list[MemberEvaluation]:
    """Evaluations waiting for the user: self-assessment, comments or a vote not yet cast."""
    member = getattr(user, "member", None)
    if member is None:
        return []
    return list(MemberEvaluation.objects.filter(
        Q(stage__in=[Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW]) |
        Q(stage=Stage.VOTING, ballot__roll__member=member, ballot__roll__has_voted=False),
        participants__member=member,
    ).select_related("org").distinct()[:20])
