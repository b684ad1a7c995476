"""Reads for secret ballots: turnout, tallies (only after close and only from min_cast ballots),
receipt checks. Every read is a bounded number of aggregate queries, whatever the turnout."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .ballot_models import (
    Ballot,
    BallotOption,
    BallotQuestion,
    BallotStatus,
    CastAnswer,
    CastBallot,
    VoterRoll,
)
from .ballot_services import receipt_hash


@dataclass
class Turnout:
    due: int
    voted: int


@dataclass
class QuestionTally:
    question: BallotQuestion
    counts: list[tuple[BallotOption, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def by_option(self) -> dict[str, int]:
        """Counts by option key (templates read t.by_option.excellent)."""
        return {o.key: n for o, n in self.counts}


@dataclass
class Tallies:
    visible: bool
    reason: str  # why not visible
    cast: int
    rows: list[QuestionTally]

    def by_key(self) -> dict[str, QuestionTally]:
        return {row.question.key: row for row in self.rows}


def turnout(ballot: Ballot) -> Turnout:
    agg = VoterRoll.objects.filter(ballot=ballot).aggregate(due=Count("id"), voted=Count("id", filter=Q(has_voted=True)))
    return Turnout(due=agg["due"], voted=agg["voted"])


def voter_status(ballot: Ballot, member) -> VoterRoll | None:
    return VoterRoll.objects.filter(ballot=ballot, member=member).first() if member is not None else None


def tallies(ballot: Ballot) -> Tallies:
    """Counts per question and option. Hidden while the ballot is open and, after it closes, when
    fewer than ballot.min_cast ballots were cast (small groups would be identifiable)."""
    if ballot.status != BallotStatus.CLOSED:
        return Tallies(False, "投票结束后才显示统计结果", 0, [])
    cast = CastBallot.objects.filter(ballot=ballot).count()
    if cast < ballot.min_cast:
        return Tallies(False, f"共收到 {cast} 张选票，少于 {ballot.min_cast} 张，为保护投票秘密不显示统计结果", cast, [])
    questions = list(BallotQuestion.objects.filter(ballot=ballot).prefetch_related("options"))
    counts = {
        (r["question_id"], r["option_id"]): r["n"]
        # By question ids (no join): one indexed scan of the answers, whatever the planner's statistics.
        for r in CastAnswer.objects.filter(question_id__in=[q.pk for q in questions])
        .values("question_id", "option_id").annotate(n=Count("id"))
    }
    rows = [QuestionTally(q, [(o, counts.get((q.pk, o.pk), 0)) for o in q.options.all()]) for q in questions]
    return Tallies(True, "", cast, rows)


def receipt_counted(ballot: Ballot, code: str) -> bool:
    """Whether a cast ballot with this receipt code is in the ballot box."""
    return CastBallot.objects.filter(ballot=ballot, receipt_hash=receipt_hash(ballot.pk, code)).exists()
