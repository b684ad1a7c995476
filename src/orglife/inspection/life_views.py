"""组织生活会 / 民主生活会 pages: the list and planning form, the workflow page (before, during,
after, with the readiness check), and each participant's 对照检查材料 page.

Managers of the organization run the workflow; each participant writes their own material (a
manager may enter it for them); officers of the organization above may let an unready meeting go
ahead with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.models import Member
from orglife.orgs.services import ServiceError

from . import life_services as ls
from .life_forms import (
    CriticismForm,
    LifeOpenForm,
    LifeProblemForm,
    MaterialForm,
    OverrideForm,
    PlanForm,
    PrepForm,
    ReportForm,
)
from .life_models import LifeMeeting
from .models import Problem


def _own_member(user) -> Member | None:
    return getattr(user, "member", None) if user.is_authenticated else None


def get_life_for_user(user, pk: int, write: bool = False) -> LifeMeeting:
    life = LifeMeeting.objects.select_related("meeting__org", "override_by").filter(pk=pk).first()
    if life is None:
        raise Http404("会议不存在")
    org = life.meeting.org
    if write:
        allowed = scope.can_manage(user, org)
    else:
        member = _own_member(user)
        allowed = scope.can_view(user, org) or (
            member is not None and any(m.pk == member.pk for m in ls.participants(life)))
    if not allowed:
        raise PermissionDenied("您没有该组织的相应权限")
    return life


def _form_errors(form, exc: ServiceError) -> None:
    for name, message in exc.errors.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
@require_GET
def life_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    qs = (LifeMeeting.objects.filter(meeting__org__path__startswith=org.path)
          .select_related("meeting__org").order_by("-meeting__planned_at", "-pk"))
    if not scope.covers_subtree(request.user, org):  # a grant on this organization only
        qs = qs.filter(scope.org_q(request.user, prefix="meeting__org__") or Q(pk__in=[]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    may_open = scope.can_manage(request.user, org) and any(org.kind in kinds for kinds in ls.HOLDERS.values())
    return render(request, "inspection/life_list.html", {
        "org": org, "page": page, "may_open": may_open,
        "form": LifeOpenForm(initial={"kind": next((k for k, v in ls.HOLDERS.items() if org.kind in v), None)}),
    })


@login_required
@require_http_methods(["GET", "POST"])
def life_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = LifeOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            life = ls.life_open(actor=request.user, org=org, **form.cleaned_data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已开启会前准备。请发出会议通知、组织会前学习和征求意见，并督促参会人员提交对照检查材料。")
            return redirect("life_detail", pk=life.pk)
    return render(request, "inspection/life_new.html", {"org": org, "form": form})


def _detail_context(request, life: LifeMeeting, **forms) -> dict:
    meeting, org = life.meeting, life.meeting.org
    people = ls.participants(life)
    materials = {m.member_id: m for m in life.materials.only("id", "member_id", "flagged", "copied_share", "updated_at")}
    criticisms = {c.member_id: c for c in life.criticisms.all()}
    attendance = {a.member_id: a for a in meeting.attendance.all()}
    started = meeting.attendance_frozen_at is not None
    may_manage = scope.can_manage(request.user, org)
    own = _own_member(request.user)
    problems = list(Problem.objects.filter(meeting=meeting).select_related("responsible").order_by("pk"))
    may_view = scope.can_view(request.user, org)
    rows = [{
        "member": m, "material": materials.get(m.pk), "criticism": criticisms.get(m.pk),
        "attendance": attendance.get(m.pk),
        "may_write": not started and (may_manage or (own is not None and own.pk == m.pk)),
        # A participant without a role in the organization reads only their own material.
        "may_open": may_view or (own is not None and own.pk == m.pk),
    } for m in people]
    return {
        "life": life, "meeting": meeting, "org": org, "rows": rows, "started": started,
        "readiness": ls.readiness(life), "prep_records": list(life.prep_records.all()),
        "problems": problems, "signed_off": sum(p.status == "signed_off" for p in problems),
        "report_due": ls.report_due_on(life),
        "may_manage": may_manage, "may_override": not started and scope.manages_above(request.user, org),
        "plan_form": forms.get("plan_form") or PlanForm(initial={
            "notice_sent_on": life.notice_sent_on, "notice": life.notice, "reported_up_on": life.reported_up_on}),
        "prep_form": forms.get("prep_form") or PrepForm(),
        "override_form": forms.get("override_form") or OverrideForm(),
        "criticism_form": CriticismForm(),
        "problem_form": forms.get("problem_form") or LifeProblemForm(people=people),
        "report_form": forms.get("report_form") or ReportForm(initial={"report": life.report,
                                                                       "sent_on": life.report_sent_on}),
        "criticism_error": forms.get("criticism_error"),
    }


@login_required
@require_GET
def life_detail(request, pk):
    life = get_life_for_user(request.user, pk)
    return render(request, "inspection/life_detail.html", _detail_context(request, life))


def _post(request, pk, form_class, call, done: str, form_key: str, write: bool = True, form_kwargs=None):
    """A write on the workflow page: on error the page is shown again with what was typed."""
    life = get_life_for_user(request.user, pk, write=write)
    form = form_class(request.POST, **(form_kwargs(life) if form_kwargs else {}))
    if form.is_valid():
        try:
            call(life, form.cleaned_data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("life_detail", pk=life.pk)
    context = _detail_context(request, life, **{form_key: form})
    return render(request, "inspection/life_detail.html", context, status=400)


@login_required
@require_POST
def life_plan(request, pk):
    return _post(request, pk, PlanForm, lambda life, d: ls.plan_update(actor=request.user, life=life, **d),
                 "会议通知和方案报送情况已保存。", "plan_form")


@login_required
@require_POST
def life_prep(request, pk):
    return _post(request, pk, PrepForm, lambda life, d: ls.prep_add(actor=request.user, life=life, **d),
                 "已登记。", "prep_form")


@login_required
@require_POST
def life_override(request, pk):
    life = get_life_for_user(request.user, pk)
    if not scope.manages_above(request.user, life.meeting.org):
        raise PermissionDenied("只有上级党组织的管理者可以准予召开")
    return _post(request, pk, OverrideForm, lambda life, d: ls.override(actor=request.user, life=life, **d),
                 "已准予召开，理由已记录。", "override_form", write=False)


@login_required
@require_POST
def life_problem(request, pk):
    def call(life, d):
        responsible = Member.objects.filter(pk=d.pop("responsible")).first() if d.get("responsible") else None
        d.pop("responsible", None)
        ls.problem_add(actor=request.user, life=life, responsible=responsible, **d)

    return _post(request, pk, LifeProblemForm, call, "问题已列入整改台账，请在问题页面添加整改措施。", "problem_form",
                 form_kwargs=lambda life: {"people": ls.participants(life)})


@login_required
@require_POST
def life_report(request, pk):
    return _post(request, pk, ReportForm, lambda life, d: ls.report_send(actor=request.user, life=life, **d),
                 "会议情况报告已报送。", "report_form")


@login_required
@require_POST
def life_criticism(request, pk, member_id):
    life = get_life_for_user(request.user, pk, write=True)
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404("党员不存在")
    form = CriticismForm(request.POST)
    error = None
    if form.is_valid():
        try:
            ls.criticism_save(actor=request.user, life=life, member=member, **form.cleaned_data)
        except ServiceError as exc:
            error = (member.pk, "；".join(exc.errors.values()), request.POST)
        else:
            messages.success(request, f"{member.name}的批评与自我批评已记录。")
            return redirect("life_detail", pk=life.pk)
    else:
        error = (member.pk, "请填写自我批评内容", request.POST)
    return render(request, "inspection/life_detail.html",
                  _detail_context(request, life, criticism_error=error), status=400)


def _material_access(request, life: LifeMeeting, member: Member, write: bool) -> None:
    own = _own_member(request.user)
    is_self = own is not None and own.pk == member.pk
    org = life.meeting.org
    if not (is_self or (scope.can_manage(request.user, org) if write else scope.can_view(request.user, org))):
        raise PermissionDenied("只能填写本人的对照检查材料")


@login_required
@require_http_methods(["GET", "POST"])
def life_material(request, pk, member_id):
    life = get_life_for_user(request.user, pk)
    member = next((m for m in ls.participants(life) if m.pk == member_id), None)
    if member is None:
        raise Http404("该党员不在本次会议的参会人员中")
    _material_access(request, life, member, write=request.method == "POST")
    material = life.materials.filter(member=member).first()
    form = MaterialForm(request.POST or None, request.FILES or None,
                        initial={"text": material.text if material else ""})
    if request.method == "POST" and form.is_valid():
        try:
            material = ls.material_save(actor=request.user, life=life, member=member,
                                        text=form.cleaned_data["text"], upload=form.cleaned_data["file"])
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            if material.flagged:
                messages.warning(request, "材料已保存，但与其他材料或范文重复较多，请本人对照修改。")
            else:
                messages.success(request, "对照检查材料已保存。")
            return redirect("life_material", pk=life.pk, member_id=member.pk)
    started = life.meeting.attendance_frozen_at is not None
    own = _own_member(request.user)
    may_write = not started and ((own is not None and own.pk == member.pk) or scope.can_manage(request.user, life.meeting.org))
    return render(request, "inspection/life_material.html", {
        "life": life, "meeting": life.meeting, "org": life.meeting.org, "member": member, "material": material,
        "form": form, "may_write": may_write, "threshold_percent": round(ls.services.originality_threshold(
            life.meeting.org.effective_profile_name()) * 100),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def life_material_mine(request, pk):
    own = _own_member(request.user)
    if own is None:
        raise PermissionDenied("您的账号未关联党员信息")
    return redirect("life_material", pk=pk, member_id=own.pk)
