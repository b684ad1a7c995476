"""Campaign scores and roll-ups (pure: no database), used by the campaign pages and the xlsx summary.

Definitions (decision 0018):

- A *target* is one answering unit: a branch (organizations' campaigns) or a member (members'
  campaigns). Every target owes every item of the checklist that applies to it.
- A target's **score** is the weighted share of its items answered "no problem":
  score = Σ weight(items answered with no problem) / Σ weight(all items it owes).
  An item not yet answered earns nothing, exactly like an item with a problem, so a score only
  reaches 100 when everything is answered and nothing was found.
- **Progress** is counted separately and unweighted: answered items / owed items.
- A roll-up (an organization's members, a 总支's branches, the whole campaign) pools the targets:
  points and maximum points are summed, so the roll-up score is the mean of the targets' scores
  weighted by what each target owes (with equal items per target: the plain mean).

Scores are exact fractions here; the pages round them to one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Tally:
    """Counts for one target or a roll-up of targets."""

    answered: int = 0
    total: int = 0
    problems: int = 0
    points: int = 0  # Σ weight of the items answered with no problem
    max_points: int = 0  # Σ weight of the items owed

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.answered + other.answered, self.total + other.total, self.problems + other.problems,
                     self.points + other.points, self.max_points + other.max_points)

    @property
    def score(self) -> Fraction | None:
        """0..1, or None when nothing is owed (a branch without members in a members' campaign)."""
        return Fraction(self.points, self.max_points) if self.max_points else None

    @property
    def progress(self) -> Fraction | None:
        return Fraction(self.answered, self.total) if self.total else None

    @property
    def score_percent(self) -> float | None:
        return percent(self.score)

    @property
    def progress_percent(self) -> float | None:
        return percent(self.progress)


def percent(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def target_tally(weights: Sequence[int], answers: Sequence[bool | None]) -> Tally:
    """One target: weights[i] of item i and answers[i] = has_problem (None: not answered)."""
    if len(weights) != len(answers):
        raise ValueError("one answer (or None) per item")
    if any(w < 1 for w in weights):
        raise ValueError("weights are positive")
    return Tally(
        answered=sum(1 for a in answers if a is not None),
        total=len(weights),
        problems=sum(1 for a in answers if a is True),
        points=sum(w for w, a in zip(weights, answers, strict=True) if a is False),
        max_points=sum(weights),
    )


def from_counts(*, answered: int, problems: int, clean_points: int, items: int, item_points: int,
                targets: int = 1) -> Tally:
    """A unit from aggregated counts (what SQL returns): `targets` targets each owing `items`
    items worth `item_points` in all, with `answered` answers, `problems` of them with a problem,
    and `clean_points` = Σ weight of the answers with no problem."""
    return Tally(answered=answered, total=items * targets, problems=problems, points=clean_points,
                 max_points=item_points * targets)


def roll_up(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out = out + t
    return out


@dataclass(frozen=True)
class ItemCount:
    """How often one item was answered, and with a problem: the commonest problems first."""

    item: object
    answered: int
    problems: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.problems, self.answered) if self.answered else None

    @property
    def rate_percent(self) -> float | None:
        return percent(self.rate)


def commonest(counts: Iterable[ItemCount]) -> list[ItemCount]:
    """Items by number of problems (descending), then by problem rate, then in checklist order
    (the input order); items without problems last."""
    indexed = list(enumerate(counts))
    indexed.sort(key=lambda p: (-p[1].problems, -(p[1].rate or 0), p[0]))
    return [c for _, c in indexed]
