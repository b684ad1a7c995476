"""答题闯关 pages: managers set challenges up; members play levels one question at a time with
immediate feedback and the explanation, each level unlocked by passing the one before."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.services import ServiceError

from . import bank_services, quiz_services
from .exam_forms import QuizForm
from .exam_models import QuizChallenge, QuizRun
from .exam_views import _response_from, own_member


def get_quiz_for_manager(user, pk: int) -> QuizChallenge:
    quiz = QuizChallenge.objects.select_related("org").filter(pk=pk).first()
    if quiz is None:
        raise Http404("闯关不存在")
    if not scope.can_manage(user, quiz.org):
        raise PermissionDenied("您没有该组织的相应权限")
    return quiz


@login_required
@require_http_methods(["GET", "POST"])
def quiz_list(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = QuizForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quiz_services.quiz_create(actor=request.user, org=org, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "答题闯关已创建。")
            return redirect("quiz_list", org.code)
    quizzes = QuizChallenge.objects.filter(org=org)[:100]
    return render(request, "study/quiz_list.html", {"org": org, "form": form, "quizzes": quizzes})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request, pk):
    quiz = get_quiz_for_manager(request.user, pk)
    initial = {k: getattr(quiz, k) for k in ("title", "levels", "per_level", "pass_count", "active")}
    initial["tags"] = "、".join(quiz.tags)
    form = QuizForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quiz_services.quiz_update(actor=request.user, quiz=quiz, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "答题闯关已保存。")
            return redirect("quiz_list", quiz.org.code)
    return render(request, "study/quiz_edit.html", {"org": quiz.org, "form": form, "quiz": quiz})


def _member_quiz(request, pk):
    member = own_member(request.user)
    quiz = QuizChallenge.objects.select_related("org").filter(pk=pk).first()
    if quiz is None:
        raise Http404("闯关不存在")
    if not member.org.path.startswith(quiz.org.path):
        raise PermissionDenied("您不在本闯关的范围内")
    return member, quiz


@login_required
@require_GET
def quiz_detail(request, pk):
    member, quiz = _member_quiz(request, pk)
    cleared = quiz_services.cleared(quiz, member)
    levels = [{"n": n, "passed": n <= cleared, "open": n <= cleared + 1} for n in range(1, quiz.levels + 1)]
    return render(request, "study/quiz_detail.html", {"quiz": quiz, "levels": levels, "cleared": cleared})


@login_required
@require_POST
def quiz_level_start(request, pk, level):
    member, quiz = _member_quiz(request, pk)
    try:
        run = quiz_services.run_start(quiz=quiz, member=member, level=level)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
        return redirect("quiz_detail", quiz.pk)
    return redirect("quiz_run", run.pk)


def _own_run(request, pk) -> QuizRun:
    run = QuizRun.objects.select_related("challenge__org", "member").filter(pk=pk).first()
    if run is None:
        raise Http404("闯关记录不存在")
    if not scope.is_self(request.user, run.member):
        raise PermissionDenied("这不是您的闯关记录")
    return run


@login_required
@require_http_methods(["GET", "POST"])
def quiz_run(request, pk):
    """GET: the current question (or the level's outcome). POST: answer it and see at once whether
    it was right, the right answer and the explanation."""
    run = _own_run(request, pk)
    feedback = None
    if request.method == "POST":
        question = quiz_services.current_question(run)
        try:
            qid = int(request.POST.get("question", ""))
        except ValueError:
            qid = None
        if question is None or qid is None:
            return redirect("quiz_run", run.pk)
        from .exam_models import Question

        asked = Question.objects.filter(pk=qid).first()
        try:
            if asked is None:
                raise ServiceError({"response": "本关没有这道题"})
            run, asked, right = quiz_services.run_answer(run=run, question_id=qid,
                                                         response=_response_from(request.POST, asked))
        except ServiceError as exc:
            messages.error(request, "；".join(exc.errors.values()))
            return redirect("quiz_run", run.pk)
        feedback = {"question": asked, "right": right, "key": bank_services.answer_text(asked)}
    question = None if feedback else quiz_services.current_question(run)
    return render(request, "study/quiz_run.html", {
        "run": run, "quiz": run.challenge, "question": question, "feedback": feedback,
        "number": len(run.results) + (0 if feedback else 1), "right": sum(run.results),
        "finished": run.finished_at is not None, "letters": bank_services.LETTERS,
    })
