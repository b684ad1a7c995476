"""Exam reads that cross models or must stay fast (results for other modules, statistics)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q
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


# ---------------------------------------------------------------- statistics

LOW_RATE = 0.3  # a question most members get wrong: check its wording and key


def relevant_exams(org):
    """Published exams whose audience includes org's members: exams of org, of the organizations
    above it, and of those below it."""
    from .bank_services import ancestor_paths
    from .exam_models import Exam, ExamStatus

    return (Exam.objects.filter(status=ExamStatus.PUBLISHED)
            .filter(Q(org__path__in=ancestor_paths(org)) | Q(org__path__startswith=org.path))
            .select_related("org").order_by("-opens_at", "-id"))


@dataclass
class ExamRow:
    exam: object
    audience: int
    participants: int
    average: Decimal | None
    passed: int

    @property
    def participation(self) -> float:
        return self.participants / self.audience if self.audience else 0.0

    @property
    def pass_rate(self) -> float:
        return self.passed / self.participants if self.participants else 0.0


def exam_rows(org, exams) -> list[ExamRow]:
    """Participation, average and pass rate per exam, counting the members of org's subtree (who
    are in each exam's audience). Two queries whatever the number of members and attempts."""
    from orglife.orgs.models import ON_ROSTER, Member

    exams = list(exams)
    if not exams:
        return []
    counts = list(Member.objects.filter(org__path__startswith=org.path, status__in=ON_ROSTER)
                  .values_list("org__path").annotate(n=Count("id")).order_by())
    best = (Attempt.objects.filter(exam__in=exams, member__org__path__startswith=org.path, state__in=DONE)
            .values_list("exam_id", "member_id").annotate(best=Max("score")).order_by())
    by_exam: dict[int, list[Decimal]] = defaultdict(list)
    for exam_id, _member, score in best:
        by_exam[exam_id].append(score)
    rows = []
    for exam in exams:
        deeper = exam.org.path if exam.org.path.startswith(org.path) else org.path
        audience = sum(n for path, n in counts if path.startswith(deeper))
        scores = by_exam.get(exam.pk, [])
        average = (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None
        rows.append(ExamRow(exam, audience, len(scores), average, sum(1 for s in scores if s >= exam.pass_mark)))
    return rows


@dataclass
class QuestionRow:
    question: object
    answered: int
    right: int

    @property
    def rate(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def suspicious(self) -> bool:
        return self.answered >= 5 and self.rate < LOW_RATE


@dataclass
class TagRow:
    tag: str
    answered: int
    right: int

    @property
    def rate(self) -> float:
        return self.right / self.answered if self.answered else 0.0


def question_rows(org, exam) -> tuple[list[QuestionRow], list[TagRow]]:
    """Correct rate per question of an exam (members of org's subtree, graded attempts), weakest
    first, and per tag (weak topics). Two queries."""
    from .exam_models import Answer, Question

    stats = list(Answer.objects.filter(attempt__exam=exam, attempt__state__in=DONE,
                                       attempt__member__org__path__startswith=org.path)
                 .values_list("question_id").annotate(n=Count("id"), right=Count("id", filter=Q(correct=True)))
                 .order_by())
    questions = Question.objects.in_bulk([qid for qid, _, _ in stats])
    rows = sorted((QuestionRow(questions[qid], n, right) for qid, n, right in stats),
                  key=lambda r: (r.rate, r.question.pk))
    tags: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for tag in r.question.tags or ["（无标签）"]:
            tags[tag][0] += r.answered
            tags[tag][1] += r.right
    tag_rows = sorted((TagRow(t, n, right) for t, (n, right) in tags.items()), key=lambda r: (r.rate, r.tag))
    return rows, tag_rows
