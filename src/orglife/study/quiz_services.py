"""答题闯关: challenges, level runs drawn from the bank, answers with immediate feedback.

A level is unlocked by passing the one before; retries are unlimited (each try draws afresh).
Practice runs are the member's own: they are not audited and never ranked.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.models import ON_ROSTER, Member
from orglife.orgs.services import ServiceError

from . import drawing, grading
from .bank_services import TAG_SPLIT, usable
from .exam_models import (
    Answer,
    Exam,
    ExamQuestion,
    ExamStatus,
    PaperMode,
    Question,
    QuizChallenge,
    QuizRun,
)
from .exam_services import clean_response


def exam_reserved(now=None) -> set[int]:
    """Questions of exams not yet closed (drafts included): on a fixed paper, or already drawn
    for an attempt. A quiz shows its answer keys, so it must not practise these."""
    now = now or timezone.now()
    live = Exam.objects.filter(closes_at__gt=now).exclude(status=ExamStatus.CANCELLED)
    fixed = ExamQuestion.objects.filter(exam__in=live).values_list("question_id", flat=True)
    drawn = Answer.objects.filter(attempt__exam__in=live, attempt__exam__mode=PaperMode.DRAWN).values_list(
        "question_id", flat=True)
    return set(fixed) | set(drawn)


def _pool(challenge: QuizChallenge) -> list[drawing.Item]:
    wanted = set(challenge.tags)
    reserved = exam_reserved()
    return [drawing.Item(pk, tuple(tags), difficulty)
            for pk, tags, difficulty in usable(challenge.org).values_list("id", "tags", "difficulty")
            if (not wanted or wanted.intersection(tags)) and pk not in reserved]


def clean_quiz(org, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写闯关名称"
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in TAG_SPLIT.split(tags.strip()) if t]
    levels, per_level, pass_count = (int(data.get(k) or 0) for k in ("levels", "per_level", "pass_count"))
    if not 1 <= levels <= 20:
        errors["levels"] = "关数应在1到20之间"
    if not 1 <= per_level <= 50:
        errors["per_level"] = "每关题数应在1到50之间"
    if not 1 <= pass_count <= max(per_level, 1):
        errors["pass_count"] = "过关需答对的题数应在1到每关题数之间"
    fields = {"title": title[:100], "tags": tags, "levels": levels, "per_level": per_level,
              "pass_count": pass_count, "active": bool(data.get("active", True))}
    if not errors:
        probe = QuizChallenge(org=org, **fields)
        available = len(_pool(probe))
        if available < per_level:
            errors["per_level"] = f"题库中符合条件的题只有{available}道，不够每关{per_level}题"
    return fields, errors


def quiz_create(*, actor, org, data: dict[str, Any]) -> QuizChallenge:
    fields, errors = clean_quiz(org, data)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        quiz = QuizChallenge.objects.create(org=org, created_by=actor if getattr(actor, "pk", None) else None, **fields)
        audit.record(actor=actor, action="quiz.create", target=quiz, org=org, changes={"title": [None, quiz.title]})
    return quiz


def quiz_update(*, actor, quiz: QuizChallenge, data: dict[str, Any]) -> QuizChallenge:
    fields, errors = clean_quiz(quiz.org, data)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        quiz = QuizChallenge.objects.select_for_update().select_related("org").get(pk=quiz.pk)
        before = {k: getattr(quiz, k) for k in fields}
        for k, v in fields.items():
            setattr(quiz, k, v)
        quiz.save()
        audit.record(actor=actor, action="quiz.update", target=quiz, org=quiz.org, changes=audit.diff(before, fields))
    return quiz


def eligible(member: Member, quiz: QuizChallenge) -> bool:
    return member.status in ON_ROSTER and member.org.path.startswith(quiz.org.path)


def cleared(quiz: QuizChallenge, member: Member) -> int:
    """The highest level this member has passed (0 = none)."""
    return QuizRun.objects.filter(challenge=quiz, member=member, passed=True).aggregate(n=Max("level"))["n"] or 0


def run_start(*, quiz: QuizChallenge, member: Member, level: int, rng: random.Random | None = None) -> QuizRun:
    if not quiz.active:
        raise ServiceError({"level": "该闯关已关闭"})
    if not eligible(member, quiz):
        raise ServiceError({"level": "您不在本闯关的范围内"})
    if not 1 <= level <= quiz.levels:
        raise ServiceError({"level": "没有这一关"})
    if level > cleared(quiz, member) + 1:
        raise ServiceError({"level": f"请先通过第{level - 1}关"})
    ids = drawing.draw_level(_pool(quiz), level, quiz.levels, quiz.per_level, rng or random.Random())
    if len(ids) < quiz.per_level:
        raise ServiceError({"level": "题库中的题目不够，请联系组织管理员"})
    return QuizRun.objects.create(challenge=quiz, member=member, level=level, questions=ids)


def current_question(run: QuizRun) -> Question | None:
    if run.finished_at is not None or len(run.results) >= len(run.questions):
        return None
    return Question.objects.get(pk=run.questions[len(run.results)])


def run_answer(*, run: QuizRun, question_id: int, response) -> tuple[QuizRun, Question, bool]:
    """Answer the run's current question: (run, question, right?). Answering the same question
    again (a double tap) returns the first verdict without counting twice."""
    with transaction.atomic():
        run = QuizRun.objects.select_for_update().select_related("challenge").get(pk=run.pk)
        index = run.questions.index(question_id) if question_id in run.questions else -1
        if index < 0:
            raise ServiceError({"response": "本关没有这道题"})
        question = Question.objects.get(pk=question_id)
        if index < len(run.results):
            return run, question, run.results[index]
        if index != len(run.results):
            raise ServiceError({"response": "请按顺序作答"})
        cleaned = clean_response(question, response)
        if cleaned is None:
            raise ServiceError({"response": "请先作答"})
        right = grading.is_correct(question.kind, question.answer, cleaned)
        run.results = [*run.results, right]
        if len(run.results) == len(run.questions):
            run.finished_at = timezone.now()
            run.passed = sum(run.results) >= run.challenge.pass_count
        run.save(update_fields=["results", "finished_at", "passed"])
    return run, question, right
