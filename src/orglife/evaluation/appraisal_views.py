"""Pages for 民主评议党员: parse, authorize, call, render. Members use them on phones."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.meetings.models import Meeting
from orglife.orgs.services import MEMBER_ORG_KINDS, ServiceError

from . import appraisal_queries as q
from . import appraisal_services as services
from . import ballot_queries
from .appraisal_forms import (
    CommentForm,
    GradeForm,
    OpenForm,
    SelfAssessmentForm,
    StepCloseForm,
    StepDoneForm,
)
from .appraisal_models import STAGE_ORDER, HandlingStep, Participant, Stage, StepStatus

MEETING_CHOICES = 50


def _meetings(org):
    since = dt.date(timezone.localdate().year - 1, 1, 1)
    return list(Meeting.objects.filter(org=org).exclude(held_on__lt=since).order_by("-held_on", "-planned_at", "-id")
                .only("id", "held_on", "planned_at", "topic")[:MEETING_CHOICES])


def _list_page(request, org, *, form=None, status=200):
    can_open = scope.can_manage(request.user, org) and org.kind in MEMBER_ORG_KINDS
    return render(request, "evaluation/appraisal_list.html", {
        "org": org, "evaluations": q.org_evaluations(org)[:50], "open_steps": q.open_step_count(org),
        "form": form or (OpenForm(meetings=_meetings(org), initial={"year": timezone.localdate().year})
                         if can_open else None),
    }, status=status)


@login_required
@require_GET
def appraisal_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    return _list_page(request, org)


@login_required
@require_POST
def appraisal_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    meetings = _meetings(org)
    form = OpenForm(request.POST, meetings=meetings)
    if form.is_valid():
        meeting = next((m for m in meetings if m.pk == form.cleaned_data["meeting"]), None)
        try:
            evaluation = services.appraisal_open(actor=request.user, org=org, year=form.cleaned_data["year"],
                                                 meeting=meeting)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已开始{evaluation.year}年度民主评议党员，参评党员名单已确定。")
            return redirect("appraisal_detail", pk=evaluation.pk)
    return _list_page(request, org, form=form, status=400)


def _detail(request, access: q.Access, *, self_form=None, comment_errors=None, status=200):
    ev = access.evaluation
    me = access.me
    ctx = {
        "ev": ev, "org": ev.org, "access": access, "me": me, "stage_index": ev.stage_index(),
        "stages": [(s, Stage(s).label) for s in STAGE_ORDER], "next_label": services.NEXT_LABELS.get(ev.stage),
        "life": getattr(ev.meeting, "life", None) if ev.meeting_id else None,
        "comment_errors": comment_errors or {},
    }
    if me is not None:
        roll = ballot_queries.voter_status(ev.ballot, me.member)
        ctx.update({
            "roll": roll,
            "self_form": self_form or SelfAssessmentForm(initial={"text": me.self_assessment}),
            "peers": q.peers(ev, me) if ev.stage == Stage.PEER_REVIEW else [],
            "about_me": q.comments_about(me) if ev.stage_index() >= 1 else [],
        })
    if access.views:
        roster = q.roster(ev)
        tallies = q.tallies_by_member(ev)
        by_key = tallies.by_key()
        ctx.update({
            "roster": [(p, by_key.get(services.question_key(p.member_id))) for p in roster],
            "summary": q.summary(ev, roster), "tallies": tallies, "turnout": ballot_queries.turnout(ev.ballot),
            "handling": q.handling(ev) if ev.stage == Stage.FINISHED else {},
        })
    return render(request, "evaluation/appraisal_detail.html", ctx, status=status)


@login_required
@require_GET
def appraisal_detail(request, pk):
    return _detail(request, q.get_evaluation_for_user(request.user, pk))


def _participant(request, pk) -> q.Access:
    access = q.get_evaluation_for_user(request.user, pk)
    if access.me is None:
        raise PermissionDenied("您不在本次民主评议的党员名单中")
    return access


@login_required
@require_POST
def appraisal_self(request, pk):
    access = _participant(request, pk)
    form = SelfAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.appraisal_self_assess(actor=request.user, participant=access.me, text=form.cleaned_data["text"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
            if access.evaluation.stage not in (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW):
                for message in exc.errors.values():
                    messages.error(request, message)  # the form is no longer on the page
        else:
            messages.success(request, "个人自评已保存。")
            return redirect("appraisal_detail", pk=pk)
    return _detail(request, access, self_form=form, status=400)


@login_required
@require_POST
def appraisal_comment(request, pk):
    access = _participant(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        subject = Participant.objects.filter(evaluation=access.evaluation, pk=form.cleaned_data["subject"]).first()
        if subject is None:
            raise Http404("参评党员不存在")
        try:
            services.appraisal_comment(actor=request.user, author=access.me, subject=subject,
                                       text=form.cleaned_data["text"])
        except ServiceError as exc:
            errors = {subject.pk: "；".join(exc.errors.values())}
        else:
            messages.success(request, f"对{subject.name}的互评意见已保存。")
            return redirect("appraisal_detail", pk=pk)
    else:
        errors = {form.data.get("subject"): "请填写互评意见"}
    return _detail(request, access, comment_errors={str(k): v for k, v in errors.items()}, status=400)


def _managed(request, pk) -> q.Access:
    access = q.get_evaluation_for_user(request.user, pk)
    if not access.manages:
        raise PermissionDenied("您没有管理该民主评议的权限")
    return access


@login_required
@require_POST
def appraisal_advance(request, pk):
    access = _managed(request, pk)
    old = access.evaluation.stage
    try:
        ev = services.appraisal_advance(actor=request.user, evaluation=access.evaluation)
    except ServiceError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
        return redirect("appraisal_detail", pk=pk)
    messages.success(request, f"已完成“{Stage(old).label}”，进入“{ev.get_stage_display()}”。")
    return redirect("appraisal_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_grades(request, pk):
    access = _managed(request, pk)
    ev = access.evaluation
    if ev.stage != Stage.GRADING:
        messages.error(request, "民主测评结束后、评定完成前才能评定等次。")
        return redirect("appraisal_detail", pk=pk)
    participants = q.roster(ev)

    def choices_for(p):
        return services.grade_options(p.is_probationary, ev.probationary_mode)

    form = GradeForm(request.POST if request.method == "POST" else None, participants=participants, choices_for=choices_for)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.appraisal_grade(actor=request.user, evaluation=ev, grades=form.grades())
            except ServiceError as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, "评定等次已保存。")
                if over := services.excellent_over_cap(ev, saved):  # the "warn" profile option
                    messages.warning(request, over + "，请复核。")
                return redirect("appraisal_detail", pk=pk)
        status = 400
    tallies = q.tallies_by_member(ev).by_key()
    rows = [(p, g, r, tallies.get(services.question_key(p.member_id))) for p, g, r in form.rows]
    return render(request, "evaluation/appraisal_grades.html", {
        "ev": ev, "org": ev.org, "form": form, "rows": rows,
        "summary": q.summary(ev, participants), "tallies_visible": bool(tallies),
    }, status=status)


def _step_for_manager(request, step_pk) -> HandlingStep:
    step = HandlingStep.objects.select_related("participant__evaluation__org").filter(pk=step_pk).first()
    if step is None:
        raise Http404("处置步骤不存在")
    if not scope.can_manage(request.user, step.participant.evaluation.org):
        raise PermissionDenied("您没有管理该民主评议的权限")
    return step


@login_required
@require_POST
def appraisal_step_done(request, step_pk):
    step = _step_for_manager(request, step_pk)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            services.appraisal_step_done(actor=request.user, step=step, **form.cleaned_data)
        except ServiceError as exc:
            for message in exc.errors.values():
                messages.error(request, f"{step.participant.name}·{step.get_kind_display()}：{message}")
        else:
            messages.success(request, f"{step.participant.name}·{step.get_kind_display()}已办结。")
    else:
        messages.error(request, "日期格式无效")
    return redirect(f"{_detail_url(step.participant.evaluation_id)}#handling-{step.participant_id}")


@login_required
@require_POST
def appraisal_step_close(request, participant_pk):
    participant = Participant.objects.select_related("evaluation__org").filter(pk=participant_pk).first()
    if participant is None:
        raise Http404("参评党员不存在")
    if not scope.can_manage(request.user, participant.evaluation.org):
        raise PermissionDenied("您没有管理该民主评议的权限")
    form = StepCloseForm(request.POST)
    try:
        services.appraisal_step_close(actor=request.user, participant=participant,
                                      note=form.data.get("note", ""))
    except ServiceError as exc:
        for message in exc.errors.values():
            messages.error(request, f"{participant.name}：{message}")
    else:
        messages.success(request, f"{participant.name}的处置已结束。")
    return redirect(f"{_detail_url(participant.evaluation_id)}#handling-{participant.pk}")


def _detail_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("appraisal_detail", args=[pk])


@login_required
@require_GET
def appraisal_mine(request):
    return render(request, "evaluation/appraisal_mine.html", {
        "rows": q.mine(request.user), "pending": {e.pk for e in q.pending_for(request.user)},
        "open_status": StepStatus.OPEN,
    })
