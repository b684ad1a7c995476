"""Progress and rates of the rectification ledger (整改台账), as pure functions over plain facts.

Progress rolls up: a measure is done or not (0 or 1); a problem's progress is the weighted share
of its done measures; a group of problems (an organization, a source, later a campaign) averages
its problems' progress, weighted when weights are given. The ledger computes the same numbers in
SQL; these functions define them and are tested with hypothesis.

A withdrawn problem (撤销: registered in error, e.g. a self-inspection answer corrected to "no
problem") is not a problem of the organization: it counts in no total, rate or progress; the
ledger still lists it when filtered by that status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WITHDRAWN = "withdrawn"  # ProblemStatus.WITHDRAWN (kept as text: this module needs no models)
SIGNED_OFF = "signed_off"
CLOSED = (SIGNED_OFF, WITHDRAWN)  # no more rectification: open measures are not overdue


def is_counted(status: str) -> bool:
    """Whether a problem of this status counts in the ledger's totals, rates and progress."""
    return status != WITHDRAWN


def measure_progress(done: bool) -> float:
    return 1.0 if done else 0.0


def problem_progress(measures: Iterable[tuple[int, bool]]) -> float:
    """measures: (weight, done) pairs. A problem without measures has made no progress."""
    total = done = 0
    for weight, is_done in measures:
        if weight <= 0:
            raise ValueError("权重必须为正数")
        total += weight
        done += weight if is_done else 0
    return done / total if total else 0.0


def group_progress(items: Sequence[float] | Sequence[tuple[float, float]]) -> float | None:
    """The average progress of a group: plain floats, or (progress, weight) pairs. None when empty."""
    pairs = [(p, 1.0) if not isinstance(p, tuple) else p for p in items]
    total = sum(w for _, w in pairs)
    if not pairs or total <= 0:
        return None
    return sum(p * w for p, w in pairs) / total


@dataclass(frozen=True)
class ProblemFacts:
    signed_off_on: dt.date | None
    deadline: dt.date | None  # the latest measure deadline
    open_deadlines: tuple[dt.date, ...] = ()  # deadlines of measures not yet done
    reopened: bool = False
    withdrawn: bool = False


@dataclass(frozen=True)
class Rates:
    total: int
    signed_off: int
    on_time: int
    overdue: int
    reopened: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def on_time_rate(self) -> float | None:
        """Share of signed-off problems signed off by their deadline."""
        return self._share(self.on_time, self.signed_off)

    @property
    def overdue_rate(self) -> float | None:
        """Share of all problems with a measure past its deadline and not done."""
        return self._share(self.overdue, self.total)

    @property
    def reopened_rate(self) -> float | None:
        """Share of signed-off problems reopened by a 回头看."""
        return self._share(self.reopened, self.signed_off)


def is_on_time(p: ProblemFacts) -> bool:
    return p.signed_off_on is not None and p.deadline is not None and p.signed_off_on <= p.deadline


def is_overdue(p: ProblemFacts, today: dt.date) -> bool:
    return p.signed_off_on is None and not p.withdrawn and any(d < today for d in p.open_deadlines)


def rates(problems: Iterable[ProblemFacts], today: dt.date) -> Rates:
    total = signed = on_time = overdue = reopened = 0
    for p in problems:
        if p.withdrawn:
            continue
        total += 1
        if p.signed_off_on is not None:
            signed += 1
            on_time += is_on_time(p)
            reopened += p.reopened
        overdue += is_overdue(p, today)
    return Rates(total, signed, on_time, overdue, reopened)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
