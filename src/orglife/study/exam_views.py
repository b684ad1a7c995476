"""Exam pages.

Managers: an organization's exams, creating and editing one (fixed paper or drawn by rule),
publishing and cancelling, the results (each member's best attempt), publishing the result list,
statistics for the subtree (participation, average, pass rate, correct rate per question and tag).
Members: their exams, taking one on a phone (answers saved as they go, the remaining time from
the server), their result, and answers and explanations after the close when the exam shows them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.models import Member
from orglife.orgs.services import ServiceError

from . import bank_services, exam_queries, exam_services, exam_xlsx
from .bank_views import _xlsx
from .exam_forms import ExamForm
from .exam_models import Answer, Attempt, AttemptState, Exam, ExamStatus


def get_exam_for_user(user, pk: int, write: bool = False) -> Exam:
    exam = Exam.objects.select_related("org").filter(pk=pk).first()
    if exam is None:
        raise Http404("考试不存在")
    if not (scope.can_manage(user, exam.org) if write else scope.can_view(user, exam.org)):
        raise PermissionDenied("您没有该组织的相应权限")
    return exam


def own_member(user) -> Member:
    member = Member.objects.select_related("org").filter(user=user).first() if user.is_authenticated else None
    if member is None:
        raise PermissionDenied("您的账号尚未关联党员信息")
    return member


def _errors(request, exc: ServiceError) -> None:
    messages.error(request, "；".join(exc.errors.values()))


# ---------------------------------------------------------------- managers


@login_required
@require_GET
def exam_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    exams = Exam.objects.filter(org=org).order_by("-opens_at", "-id")
    page = Paginator(exams, 20).get_page(request.GET.get("page"))
    return render(request, "study/exam_list.html", {
        "org": org, "page": page, "may_manage": scope.can_manage(request.user, org), "now": timezone.now(),
    })


def _exam_form(request, org, exam=None):
    questions = list(bank_services.usable(org).order_by("id")[:500])
    initial = ExamForm.initial_for(exam) if exam else {}
    return ExamForm(request.POST or None, questions=questions, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def exam_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = _exam_form(request, org)
    if request.method == "POST" and form.is_valid():
        try:
            exam = exam_services.exam_create(actor=request.user, org=org, data=form.data_for_service())
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "考试已保存为草稿，确认无误后请点击“发布考试”。")
            return redirect("exam_detail", exam.pk)
    return render(request, "study/exam_form.html", {"org": org, "form": form, "exam": None})


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request, pk):
    exam = get_exam_for_user(request.user, pk, write=True)
    form = _exam_form(request, exam.org, exam)
    if request.method == "POST" and form.is_valid():
        try:
            exam_services.exam_update(actor=request.user, exam=exam, data=form.data_for_service())
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "考试设置已保存。")
            return redirect("exam_detail", exam.pk)
    return render(request, "study/exam_form.html", {"org": exam.org, "form": form, "exam": exam})


@login_required
@require_GET
def exam_detail(request, pk):
    exam = get_exam_for_user(request.user, pk, write=True)
    now = timezone.now()
    exam_services.settle(exam=exam, now=now)
    best = exam_services.best_attempts(exam)
    page = Paginator(best, 50).get_page(request.GET.get("page"))
    return render(request, "study/exam_detail.html", {
        "exam": exam, "org": exam.org, "page": page, "now": now, "closed": now >= exam.closes_at,
        "paper": exam.paper.select_related("question") if exam.mode == "fixed" else None,
        "active": Attempt.objects.filter(exam=exam, state=AttemptState.ACTIVE).count(),
        "passed": sum(1 for a in best if a.passed), "taken": len(best),
    })


def _exam_action(request, pk, call, done: str):
    """A button on the exam page: call the service, say what happened, back to the page."""
    exam = get_exam_for_user(request.user, pk, write=True)
    try:
        call(actor=request.user, exam=exam)
        messages.success(request, done)
    except ServiceError as exc:
        _errors(request, exc)
    return redirect("exam_detail", exam.pk)


@login_required
@require_POST
def exam_publish(request, pk):
    return _exam_action(request, pk, exam_services.exam_publish, "考试已发布，范围内的党员可在“我的考试”中作答。")


@login_required
@require_POST
def exam_cancel(request, pk):
    return _exam_action(request, pk, exam_services.exam_cancel, "考试已取消。")


@login_required
@require_POST
def exam_results_publish(request, pk):
    return _exam_action(request, pk, exam_services.results_publish, "成绩名单已公布。")


@login_required
@require_GET
def exam_results_xlsx(request, pk):
    exam = get_exam_for_user(request.user, pk, write=True)
    exam_services.settle(exam=exam)
    return _xlsx(exam_xlsx.results_xlsx(exam, exam_services.best_attempts(exam)), f"{exam.title}-成绩.xlsx")


# ---------------------------------------------------------------- statistics


def _bars(rows, label, value):
    return [{"label": label(r), "value": round(100 * value(r), 1)} for r in rows]


@login_required
@require_GET
def exam_stats(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    page = Paginator(exam_queries.relevant_exams(org), 20).get_page(request.GET.get("page"))
    rows = exam_queries.exam_rows(org, page.object_list)
    return render(request, "study/exam_stats.html", {
        "org": org, "page": page, "rows": rows,
        "bars": _bars(rows, lambda r: r.exam.title[:16], lambda r: r.pass_rate),
    })


@login_required
@require_GET
def exam_stats_xlsx(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    exams = list(exam_queries.relevant_exams(org)[:200])
    rows = exam_queries.exam_rows(org, exams)
    return _xlsx(exam_xlsx.stats_xlsx(org, rows), f"{org.name}-考试统计.xlsx")


def _exam_in_stats(org, pk):
    exam = exam_queries.relevant_exams(org).filter(pk=pk).first()
    if exam is None:
        raise Http404("考试不存在")
    return exam


@login_required
@require_GET
def exam_question_stats(request, code, pk):
    org = scope.get_org_for_user(request.user, code, write=True)
    exam = _exam_in_stats(org, pk)
    rows, tags = exam_queries.question_rows(org, exam)
    return render(request, "study/exam_question_stats.html", {
        "org": org, "exam": exam, "rows": rows, "tags": tags,
        "bars": _bars(tags, lambda r: r.tag, lambda r: r.rate),
    })


@login_required
@require_GET
def exam_question_stats_xlsx(request, code, pk):
    org = scope.get_org_for_user(request.user, code, write=True)
    exam = _exam_in_stats(org, pk)
    rows, tags = exam_queries.question_rows(org, exam)
    return _xlsx(exam_xlsx.question_stats_xlsx(exam, rows, tags), f"{exam.title}-试题正确率.xlsx")


# ---------------------------------------------------------------- members


@login_required
@require_GET
def exam_mine(request):
    member = own_member(request.user)
    now = timezone.now()
    exam_services.settle(member=member, now=now)
    exams = list(exam_queries.relevant_exams(member.org).filter(
        org__path__in=bank_services.ancestor_paths(member.org))[:50])
    attempts: dict[int, list[Attempt]] = {}
    for a in Attempt.objects.filter(member=member, exam__in=exams).order_by("number"):
        attempts.setdefault(a.exam_id, []).append(a)
    items = []
    for exam in exams:
        mine = attempts.get(exam.pk, [])
        graded = [a for a in mine if a.score is not None]
        items.append({
            "exam": exam, "open": exam_services.is_open(exam, now), "upcoming": now < exam.opens_at,
            "active": next((a for a in mine if a.state == AttemptState.ACTIVE), None),
            "best": max(graded, key=lambda a: a.score) if graded else None,
            "left": exam.attempts_allowed - len(mine),
        })
    from .exam_models import QuizChallenge

    quizzes = QuizChallenge.objects.filter(org__path__in=bank_services.ancestor_paths(member.org), active=True)[:20]
    return render(request, "study/exam_mine.html", {"member": member, "items": items, "quizzes": quizzes})


def _member_exam(request, pk) -> tuple[Member, Exam]:
    member = own_member(request.user)
    exam = Exam.objects.select_related("org").filter(pk=pk).first()
    if exam is None or exam.status == ExamStatus.DRAFT:
        raise Http404("考试不存在")
    if not member.org.path.startswith(exam.org.path):
        raise PermissionDenied("您不在本次考试的范围内")
    return member, exam


@login_required
@require_http_methods(["GET", "POST"])
def exam_take(request, pk):
    """The exam's cover page (settings, my attempts and results); POST starts or resumes."""
    member, exam = _member_exam(request, pk)
    now = timezone.now()
    if request.method == "POST":
        try:
            attempt = exam_services.attempt_start(member=member, exam=exam, now=now, actor=request.user)
        except ServiceError as exc:
            _errors(request, exc)
            return redirect("exam_take", exam.pk)
        return redirect("attempt_page", attempt.pk)
    exam_services.settle(exam=exam, member=member, now=now)
    mine = list(Attempt.objects.filter(exam=exam, member=member).order_by("number"))
    return render(request, "study/exam_take.html", {
        "exam": exam, "member": member, "attempts": mine, "open": exam_services.is_open(exam, now),
        "active": next((a for a in mine if a.state == AttemptState.ACTIVE), None),
        "left": exam.attempts_allowed - len(mine), "now": now,
    })


def _own_attempt(request, pk) -> Attempt:
    attempt = Attempt.objects.select_related("exam__org", "member").filter(pk=pk).first()
    if attempt is None:
        raise Http404("答卷不存在")
    if not scope.is_self(request.user, attempt.member):
        raise PermissionDenied("这不是您的答卷")
    return attempt


def _response_from(post, question) -> list | None:
    name = f"q{question.pk}"
    values = post.getlist(name)
    if question.kind == "fill":
        return values or None
    if question.kind == "judge":
        return [values[0] == "1"] if values and values[0] in ("0", "1") else None
    try:
        return [int(v) for v in values] or None
    except ValueError:
        raise ServiceError({"response": "答案格式不正确"}) from None


@login_required
@require_GET
def attempt_page(request, pk):
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    if attempt.state == AttemptState.ACTIVE and now >= attempt.deadline:
        exam_services.settle(exam=attempt.exam, member=attempt.member, now=now)
        messages.error(request, exam_services.LATE)
        attempt.refresh_from_db()
    answers = list(attempt.answers.select_related("question"))
    exam = attempt.exam
    reveal = attempt.state != AttemptState.ACTIVE and exam.show_answers and now >= exam.closes_at
    for a in answers:
        a.chosen = set(a.response or []) if a.question.kind in ("single", "multiple") else None
        a.blanks = (a.response or [""] * len(a.question.answer)) if a.question.kind == "fill" else None
        if reveal:
            a.key_text = bank_services.answer_text(a.question)
    template = "study/exam_paper.html" if attempt.state == AttemptState.ACTIVE else "study/exam_result.html"
    return render(request, template, {
        "attempt": attempt, "exam": exam, "answers": answers, "reveal": reveal,
        "remaining": exam_services.remaining_seconds(attempt, now),
        "saved": sum(1 for a in answers if a.response is not None),
    })


@login_required
@require_POST
def attempt_save(request, pk):
    """Save one answer (htmx or fetch). Replies with a short status; after the deadline, 409 and
    (for htmx) a redirect to the graded result."""
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        _own_attempt(request, pk)
        return JsonResponse({"error": "缺少题目"}, status=400)
    # One read for the answer row, its question and the attempt's owner (this is the hot path).
    answer = (Answer.objects.select_related("question", "attempt__member")
              .filter(attempt_id=pk, question_id=question_id).first())
    if answer is None:
        _own_attempt(request, pk)  # 404 / 403 before saying the question is not on the paper
        return JsonResponse({"error": "本试卷中没有这道题"}, status=400)
    attempt = answer.attempt
    if not scope.is_self(request.user, attempt.member):
        raise PermissionDenied("这不是您的答卷")
    now = timezone.now()
    try:
        exam_services.answer_save(attempt=attempt, question_id=question_id, question=answer.question,
                                  response=_response_from(request.POST, answer.question), now=now)
    except exam_services.Late:
        messages.error(request, exam_services.LATE)
        response = JsonResponse({"error": exam_services.LATE, "late": True}, status=409)
        response["HX-Redirect"] = reverse("attempt_page", args=[attempt.pk])
        return response
    except ServiceError as exc:
        message = "；".join(exc.errors.values())
        if request.htmx:
            return HttpResponse(f'<span class="error">{message}</span>', status=200)
        return JsonResponse({"error": message}, status=400)
    remaining = exam_services.remaining_seconds(attempt, now)
    if request.htmx:
        return HttpResponse(f'<span class="muted">已保存 {timezone.localtime(now):%H:%M:%S}</span>'
                            f'<span hidden data-remaining="{remaining}"></span>')
    return JsonResponse({"saved": True, "remaining": remaining})


@login_required
@require_POST
def attempt_submit(request, pk):
    """Submit (idempotent). Answers in the form are saved first (a page without htmx, or the
    last change before the tap); after the deadline nothing new is saved and the member is told."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    try:
        if attempt.state == AttemptState.ACTIVE and now < attempt.deadline:
            for answer in attempt.answers.select_related("question"):
                if f"q{answer.question_id}" in request.POST:
                    response = _response_from(request.POST, answer.question)
                    if response != answer.response:
                        exam_services.answer_save(attempt=attempt, question_id=answer.question_id,
                                                  question=answer.question, response=response, now=now)
        graded = exam_services.attempt_submit(attempt=attempt, now=now, actor=request.user)
        messages.success(request, f"已交卷，得分 {graded.score} 分（{'及格' if graded.passed else '不及格'}）。")
    except exam_services.Late:
        messages.error(request, exam_services.LATE)
    except ServiceError as exc:
        _errors(request, exc)
    return redirect("attempt_page", attempt.pk)
