"""Exam reads that cross models or must stay fast (results for other modules, statistics)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .exam_models import Attempt, AttemptState

DONE = (AttemptState.SUBMITTED, AttemptState.EXPIRED)


@dataclass(frozen=True)
class ExamResult:
    exam_id: int
    date: dt.date  # local date of submission
    passed: bool
    score: Decimal


def results_for(member_ids, year: int) -> dict[int, list[ExamResult]]:
    """Each member's graded exam results in a year (by submission date), best attempt per exam.

    One query. Members without results are absent from the dict. Used by class hours (a study
    item of type test is done by the exam result)."""
    rows = (
        Attempt.objects.filter(member_id__in=list(member_ids), state__in=DONE, score__isnull=False,
                               submitted_at__year=year)
        .order_by("member_id", "exam_id", "-score", "submitted_at")
        .values_list("member_id", "exam_id", "submitted_at", "passed", "score")
    )
    out: dict[int, list[ExamResult]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for member_id, exam_id, submitted_at, passed, score in rows:
        if (member_id, exam_id) in seen:
            continue
        seen.add((member_id, exam_id))
        out[member_id].append(ExamResult(exam_id, timezone.localdate(submitted_at), bool(passed), score))
    return dict(out)
