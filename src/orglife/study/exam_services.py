"""Exams: settings and papers, attempts with server-enforced timing, grading, result lists.

Timing is the server's: an attempt's deadline is fixed when it starts (the earlier of start +
duration and the exam's close) and every save and submit compares it with `now` (passed in by
tests). Answers are saved one at a time as the member goes; a save or submit after the deadline
is refused and the attempt is graded on what was saved before it. An overdue attempt is graded
by the next read of its exam (settle) or by the close_expired_attempts command.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from orglife.core import audit
from orglife.meetings.talk_services import talk_todo_raise
from orglife.orgs.models import ON_ROSTER, Member
from orglife.orgs.services import ServiceError

from . import drawing, grading
from .bank_services import usable
from .exam_models import (
    Answer,
    Attempt,
    AttemptState,
    Exam,
    ExamQuestion,
    ExamStatus,
    PaperMode,
    Question,
)

MAX_FILL_LENGTH = 200
MAX_PAPER = 200
LATE = "考试时间已到，已停止作答并按截止前保存的答案评分"


class Late(ServiceError):
    """A save or submit after the deadline; the attempt has been graded (see .attempt)."""

    def __init__(self, attempt: Attempt):
        super().__init__({"attempt": LATE})
        self.attempt = attempt


def _now(now):
    return now or timezone.now()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# ---------------------------------------------------------------- exam settings


def pool(org) -> list[drawing.Item]:
    return [drawing.Item(pk, tuple(tags), difficulty)
            for pk, tags, difficulty in usable(org).values_list("id", "tags", "difficulty")]


def clean_rule(rule) -> tuple[list[dict], str | None]:
    lines = []
    for line in rule or []:
        try:
            count = int(line.get("count") or 0)
            difficulty = int(line.get("difficulty") or 0)
        except (TypeError, ValueError):
            return [], "抽题数量和难度必须是数字"
        if count <= 0:
            continue
        if difficulty not in (0, 1, 2, 3):
            return [], "难度只能是易、中、难或不限"
        lines.append({"tag": str(line.get("tag") or "").strip(), "difficulty": difficulty, "count": count})
    if not lines:
        return [], "请至少填写一条抽题规则（数量大于0）"
    if sum(line["count"] for line in lines) > MAX_PAPER:
        return [], f"一份试卷最多{MAX_PAPER}题"
    return lines, None


def _shortage_text(rule, shortages) -> str:
    parts = []
    for i, wanted, available in shortages:
        line = rule[i]
        what = "、".join(filter(None, [line["tag"] and f"标签“{line['tag']}”",
                                       line["difficulty"] and f"难度“{'易中难'[line['difficulty'] - 1]}”"])) or "不限"
        parts.append(f"第{i + 1}条（{what}）需要{wanted}题，题库中只有{available}题可用")
    return "题库中的题目不够：" + "；".join(parts)


def clean_exam(org, data: dict[str, Any]) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    """Returns (exam fields, fixed paper question ids, errors)."""
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写考试名称"
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if not opens_at:
        errors["opens_at"] = "请填写开始时间"
    if not closes_at:
        errors["closes_at"] = "请填写截止时间"
    elif opens_at and closes_at <= opens_at:
        errors["closes_at"] = "截止时间必须晚于开始时间"
    duration = data.get("duration_minutes") or 0
    if not 1 <= duration <= 600:
        errors["duration_minutes"] = "答题时长应在1到600分钟之间"
    attempts = data.get("attempts_allowed") or 0
    if not 1 <= attempts <= 10:
        errors["attempts_allowed"] = "允许作答次数应在1到10次之间"
    pass_mark = data.get("pass_mark")
    if pass_mark is None or not 0 <= pass_mark <= 100:
        errors["pass_mark"] = "及格分应在0到100之间（百分制）"
    mode = data.get("mode") or PaperMode.FIXED
    ids: list[int] = []
    rule: list[dict] = []
    if mode == PaperMode.FIXED:
        ids = list(dict.fromkeys(int(i) for i in data.get("question_ids") or []))
        if not ids:
            errors["question_ids"] = "请从题库中选择试题"
        elif len(ids) > MAX_PAPER:
            errors["question_ids"] = f"一份试卷最多{MAX_PAPER}题"
        else:
            found = set(usable(org).filter(pk__in=ids).values_list("id", flat=True))
            if len(found) != len(ids):
                errors["question_ids"] = "所选试题有的不在本组织可用的题库中或已停用"
    elif mode == PaperMode.DRAWN:
        rule, problem = clean_rule(data.get("rule"))
        if problem:
            errors["rule"] = problem
        else:
            shortages = drawing.check(pool(org), rule)
            if shortages:
                errors["rule"] = _shortage_text(rule, shortages)
    else:
        errors["mode"] = "组卷方式只能是固定试卷或按规则抽题"
    fields = {
        "title": title[:100], "description": str(data.get("description") or "").strip(), "mode": mode, "rule": rule,
        "opens_at": opens_at, "closes_at": closes_at, "duration_minutes": duration,
        "attempts_allowed": attempts, "pass_mark": pass_mark, "show_answers": bool(data.get("show_answers")),
    }
    return fields, ids, errors


def _set_paper(exam: Exam, ids: list[int]) -> None:
    ExamQuestion.objects.filter(exam=exam).delete()
    ExamQuestion.objects.bulk_create([ExamQuestion(exam=exam, question_id=q, position=i) for i, q in enumerate(ids)])


def exam_create(*, actor, org, data: dict[str, Any]) -> Exam:
    fields, ids, errors = clean_exam(org, data)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        exam = Exam.objects.create(org=org, created_by=_user(actor), **fields)
        _set_paper(exam, ids)
        audit.record(actor=actor, action="exam.create", target=exam, org=org,
                     changes={"title": [None, exam.title], "mode": [None, exam.mode], "questions": [None, len(ids)]})
    return exam


def exam_update(*, actor, exam: Exam, data: dict[str, Any]) -> Exam:
    fields, ids, errors = clean_exam(exam.org, data)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
        if exam.status == ExamStatus.CANCELLED:
            raise ServiceError({"status": "考试已取消，不能修改"})
        started = exam.attempts.exists()
        paper_fields = ("mode", "rule", "duration_minutes", "pass_mark")
        if started and (any(fields[k] != getattr(exam, k) for k in paper_fields) or (
                exam.mode == PaperMode.FIXED and ids != list(exam.paper.values_list("question_id", flat=True)))):
            raise ServiceError({"mode": "已有党员开始作答，不能再修改试卷、时长和及格分；可修改名称、说明、时间窗口和显示设置"})
        before = {k: getattr(exam, k) for k in fields}
        for k, v in fields.items():
            setattr(exam, k, v)
        exam.save()
        if not started:
            _set_paper(exam, ids)
        audit.record(actor=actor, action="exam.update", target=exam, org=exam.org, changes=audit.diff(before, fields))
    return exam


def exam_publish(*, actor, exam: Exam) -> Exam:
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
        if exam.status != ExamStatus.DRAFT:
            raise ServiceError({"status": "只有草稿状态的考试可以发布"})
        if exam.mode == PaperMode.DRAWN:
            shortages = drawing.check(pool(exam.org), exam.rule)
            if shortages:
                raise ServiceError({"rule": _shortage_text(exam.rule, shortages)})
        elif not exam.paper.filter(question__archived=False).exists() or exam.paper.filter(question__archived=True).exists():
            raise ServiceError({"question_ids": "试卷中有已停用的试题或试卷为空，请先修改试卷"})
        exam.status = ExamStatus.PUBLISHED
        exam.save(update_fields=["status"])
        audit.record(actor=actor, action="exam.publish", target=exam, org=exam.org,
                     changes={"status": [ExamStatus.DRAFT, ExamStatus.PUBLISHED]})
    return exam


def exam_cancel(*, actor, exam: Exam) -> Exam:
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
        if exam.status == ExamStatus.CANCELLED:
            return exam
        if exam.attempts.exists():
            raise ServiceError({"status": "已有党员作答的考试不能取消"})
        before = exam.status
        exam.status = ExamStatus.CANCELLED
        exam.save(update_fields=["status"])
        audit.record(actor=actor, action="exam.cancel", target=exam, org=exam.org,
                     changes={"status": [before, ExamStatus.CANCELLED]})
    return exam


# ---------------------------------------------------------------- attempts


def eligible(member: Member, exam: Exam) -> bool:
    return member.status in ON_ROSTER and member.org.path.startswith(exam.org.path)


def is_open(exam: Exam, now: dt.datetime) -> bool:
    return exam.status == ExamStatus.PUBLISHED and exam.opens_at <= now < exam.closes_at


def remaining_seconds(attempt: Attempt, now: dt.datetime | None = None) -> int:
    return max(0, int((attempt.deadline - _now(now)).total_seconds()))


def _paper_for(exam: Exam, member: Member, number: int) -> list[int]:
    if exam.mode == PaperMode.FIXED:
        return list(exam.paper.values_list("question_id", flat=True))
    rng = random.Random(f"{exam.pk}:{member.pk}:{number}:{random.SystemRandom().random()}")
    try:
        return [qid for _, qid in drawing.draw(pool(exam.org), exam.rule, rng)]
    except drawing.DrawError as exc:
        raise ServiceError({"attempt": "题库中的题目已不足以按规则抽题，请联系组织管理员：" + _shortage_text(exam.rule, exc.shortages)}) from None


def attempt_start(*, member: Member, exam: Exam, now: dt.datetime | None = None, actor=None) -> Attempt:
    """The member's open attempt (resumed), or a new one with its own paper stored."""
    now = _now(now)
    settle(exam=exam, member=member, now=now)
    current = Attempt.objects.filter(exam=exam, member=member, state=AttemptState.ACTIVE).first()
    if current is not None:
        return current
    if not eligible(member, exam):
        raise ServiceError({"attempt": "您不在本次考试的范围内"})
    if exam.status != ExamStatus.PUBLISHED:
        raise ServiceError({"attempt": "考试尚未发布或已取消"})
    if now < exam.opens_at:
        raise ServiceError({"attempt": "考试尚未开始"})
    if now >= exam.closes_at:
        raise ServiceError({"attempt": "考试已截止"})
    used = Attempt.objects.filter(exam=exam, member=member).aggregate(n=Max("number"))["n"] or 0
    if used >= exam.attempts_allowed:
        raise ServiceError({"attempt": f"您已用完{exam.attempts_allowed}次作答机会"})
    ids = _paper_for(exam, member, used + 1)
    deadline = min(now + dt.timedelta(minutes=exam.duration_minutes), exam.closes_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(exam=exam, member=member, number=used + 1, started_at=now,
                                             deadline=deadline, total=len(ids))
            Answer.objects.bulk_create([Answer(attempt=attempt, question_id=q, position=i) for i, q in enumerate(ids)])
            audit.record(actor=actor, action="exam.attempt_start", target=attempt, org=exam.org,
                         changes={"member": [None, member.pk], "number": [None, attempt.number]})
    except IntegrityError:  # a second tab started the same attempt at the same moment
        current = Attempt.objects.filter(exam=exam, member=member, state=AttemptState.ACTIVE).first()
        if current is None:
            raise ServiceError({"attempt": "请刷新页面后重试"}) from None
        return current
    return attempt


def clean_response(question: Question, response) -> list | None:
    """The response in stored form, or ServiceError; None or [] clears the answer."""
    if response in (None, []):
        return None
    bad = ServiceError({"response": "答案格式不正确"})
    if not isinstance(response, list):
        raise bad
    if question.kind in ("single", "multiple"):
        try:
            indexes = sorted({int(v) for v in response})
        except (TypeError, ValueError):
            raise bad from None
        if any(not 0 <= i < len(question.options) for i in indexes):
            raise bad
        if question.kind == "single" and len(indexes) != 1:
            raise ServiceError({"response": "单选题只能选一个答案"})
        return indexes
    if question.kind == "judge":
        if len(response) != 1 or not isinstance(response[0], bool):
            raise bad
        return response
    if len(response) != len(question.answer) or any(not isinstance(v, str) for v in response):
        raise bad
    if any(len(v) > MAX_FILL_LENGTH for v in response):
        raise ServiceError({"response": f"每空不超过{MAX_FILL_LENGTH}字"})
    return [v.strip() for v in response] if any(v.strip() for v in response) else None


def answer_save(*, attempt: Attempt, question_id: int, response, now: dt.datetime | None = None,
                question: Question | None = None) -> list | None:
    """Save one answer; returns the stored response. Refused (Late, attempt graded) after the
    deadline; refused once submitted. `question` saves a read when the caller has it (its kind,
    options and key cannot change once it is on a paper).

    Answer saves are not audited one by one: the Answer row with its saved_at is the record."""
    now = _now(now)
    if question is None:
        question = Question.objects.filter(pk=question_id).first() if str(question_id).isdigit() else None
    if question is None:
        raise ServiceError({"response": "本试卷中没有这道题"})
    cleaned = clean_response(question, response)
    with transaction.atomic():
        state, deadline = Attempt.objects.select_for_update().values_list("state", "deadline").get(pk=attempt.pk)
        if state != AttemptState.ACTIVE:
            raise ServiceError({"attempt": "试卷已提交，不能再修改答案"})
        late = now >= deadline
        if not late and not Answer.objects.filter(attempt_id=attempt.pk, question_id=question.pk).update(
                response=cleaned, saved_at=now):
            raise ServiceError({"response": "本试卷中没有这道题"})
    if late:
        raise Late(_finalize(attempt.pk, now=now, state=AttemptState.EXPIRED, actor=None))
    return cleaned


def _grade(attempt: Attempt) -> None:
    answers = list(Answer.objects.filter(attempt=attempt).select_related("question").only(
        "id", "response", "correct", "question__kind", "question__answer"))
    for a in answers:
        a.correct = grading.is_correct(a.question.kind, a.question.answer, a.response)
    Answer.objects.bulk_update(answers, ["correct"])
    attempt.total = len(answers)
    attempt.correct = sum(1 for a in answers if a.correct)
    attempt.score = grading.score(attempt.correct, attempt.total)
    attempt.passed = grading.passed(attempt.score, attempt.exam.pass_mark)


def _raise_talk(attempt: Attempt) -> None:
    """A member who failed (last allowed attempt, or the exam closed) gets an education talk to-do
    for the secretary of their organization, once per exam."""
    exam, member = attempt.exam, attempt.member
    if Attempt.objects.filter(exam=exam, member=member).filter(Q(passed=True) | Q(talk_todo__isnull=False)).exists():
        return
    reason = f"考试“{exam.title[:60]}”未及格（{attempt.score}分），进行谈心谈话和学习帮助"
    attempt.talk_todo = talk_todo_raise(actor=None, org=member.org, member=member, reason=reason)


def _finalize(attempt_id: int, *, now: dt.datetime, state: str, actor) -> Attempt:
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("exam__org", "member__org").get(pk=attempt_id)
        if attempt.state != AttemptState.ACTIVE:
            return attempt  # already graded: submitting twice is harmless
        _grade(attempt)
        attempt.state = state
        attempt.submitted_at = min(now, attempt.deadline)
        if not attempt.passed and attempt.number >= attempt.exam.attempts_allowed:
            _raise_talk(attempt)
        attempt.save()
        audit.record(actor=actor, action="exam.submit" if state == AttemptState.SUBMITTED else "exam.expire",
                     target=attempt, org=attempt.exam.org,
                     changes={"score": [None, str(attempt.score)], "passed": [None, attempt.passed]})
    return attempt


def attempt_submit(*, attempt: Attempt, now: dt.datetime | None = None, actor=None) -> Attempt:
    """Grade and close the attempt. Idempotent; after the deadline it is graded on the answers
    saved before it and Late is raised so the member is told why."""
    now = _now(now)
    if attempt.state == AttemptState.ACTIVE and now >= attempt.deadline:
        raise Late(_finalize(attempt.pk, now=now, state=AttemptState.EXPIRED, actor=None))
    return _finalize(attempt.pk, now=now, state=AttemptState.SUBMITTED, actor=actor)


def settle(*, now: dt.datetime | None = None, exam: Exam | None = None, member: Member | None = None) -> int:
    """Grade every overdue open attempt (of one exam / one member, or all), and raise the talk
    to-dos of members whose exam has closed without a pass. Returns the number graded."""
    now = _now(now)
    due = Attempt.objects.filter(state=AttemptState.ACTIVE, deadline__lte=now)
    if exam is not None:
        due = due.filter(exam=exam)
    if member is not None:
        due = due.filter(member=member)
    ids = list(due.values_list("id", flat=True)[:5000])
    for pk in ids:
        _finalize(pk, now=now, state=AttemptState.EXPIRED, actor=None)
    return len(ids)


def close_exams(*, now: dt.datetime | None = None) -> int:
    """After an exam closes, members who failed every attempt they made get a talk to-do."""
    now = _now(now)
    settled = Attempt.objects.filter(exam=OuterRef("exam"), member=OuterRef("member")).filter(
        Q(passed=True) | Q(talk_todo__isnull=False))
    candidates = (Attempt.objects.filter(exam__closes_at__lte=now, exam__status=ExamStatus.PUBLISHED,
                                         state__in=(AttemptState.SUBMITTED, AttemptState.EXPIRED), passed=False)
                  .exclude(Exists(settled)).order_by("exam_id", "member_id", "-number")
                  .values_list("id", "exam_id", "member_id"))
    seen: set[tuple[int, int]] = set()
    raised = 0
    for pk, exam_id, member_id in candidates:
        if (exam_id, member_id) in seen:
            continue
        seen.add((exam_id, member_id))
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().select_related("exam", "member__org").get(pk=pk)
            if attempt.member.status not in ON_ROSTER:
                continue
            _raise_talk(attempt)
            if attempt.talk_todo_id:
                attempt.save(update_fields=["talk_todo"])
                raised += 1
    return raised


# ---------------------------------------------------------------- result lists


def best_attempts(exam: Exam):
    """Each member's best graded attempt (highest score, then earliest)."""
    rows = (Attempt.objects.filter(exam=exam, state__in=(AttemptState.SUBMITTED, AttemptState.EXPIRED))
            .select_related("member__org").order_by("member_id", "-score", "submitted_at"))
    best: dict[int, Attempt] = {}
    for a in rows:
        best.setdefault(a.member_id, a)
    return sorted(best.values(), key=lambda a: (-(a.score or 0), a.member.name))


def results_publish(*, actor, exam: Exam, now: dt.datetime | None = None) -> Exam:
    """Publish the result list: an explicit, audited act that freezes a snapshot of the best results."""
    now = _now(now)
    settle(exam=exam, now=now)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("org").get(pk=exam.pk)
        if exam.status != ExamStatus.PUBLISHED:
            raise ServiceError({"status": "考试未发布，不能公布成绩"})
        if now < exam.closes_at:
            raise ServiceError({"status": "考试截止后才能公布成绩"})
        snapshot = [{"name": a.member.name, "org": a.member.org.name, "score": str(a.score), "passed": bool(a.passed)}
                    for a in best_attempts(exam)]
        first = exam.results_published_at is None
        exam.results_snapshot = snapshot
        exam.results_published_at = now
        exam.save(update_fields=["results_snapshot", "results_published_at"])
        audit.record(actor=actor, action="exam.results_publish", target=exam, org=exam.org,
                     changes={"results": [None if first else "republished", len(snapshot)]})
    return exam
