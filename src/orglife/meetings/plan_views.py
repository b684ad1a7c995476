"""Annual plan pages: parse, authorize (core.scope), call plan_services, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope, text
from orglife.orgs.models import Organization
from orglife.orgs.services import ServiceError

from . import plan_services as ps
from .models import AnnualPlan, PlanItem, PlanStatus
from .plan_forms import ApproveForm, GenerateForm, ItemForm, ReturnForm


@dataclass
class Access:
    org: Organization
    can_edit: bool  # a manager of the branch
    can_review: bool  # a manager of the organization above


def _access(user, code: str, *, write: bool = False, review: bool = False) -> Access:
    try:
        org = Organization.objects.get(code=code)
    except Organization.DoesNotExist:
        raise Http404("组织不存在") from None
    access = Access(org, scope.can_manage(user, org), ps.can_review(user, org))
    allowed = access.can_edit if write else access.can_review if review else (
        access.can_review or scope.can_view(user, org))
    if not allowed:
        raise PermissionDenied("您没有该组织年度计划的相应权限")
    return access


def _plan(org: Organization, year: int) -> AnnualPlan:
    try:
        return AnnualPlan.objects.select_related("org").get(org=org, year=year)
    except AnnualPlan.DoesNotExist:
        raise Http404("该年度计划不存在") from None


def _item(plan: AnnualPlan, pk: int) -> PlanItem:
    try:
        item = PlanItem.objects.get(plan=plan, pk=pk)
    except PlanItem.DoesNotExist:
        raise Http404("计划安排不存在") from None
    item.plan = plan
    return item


def _flash_errors(request, exc: ServiceError) -> None:
    for message in exc.errors.values():
        messages.error(request, message)


def _list_context(request, access: Access, form: GenerateForm | None = None) -> dict:
    plans = list(AnnualPlan.objects.filter(org=access.org).order_by("-year"))
    next_year = timezone.localdate().year + 1
    if form is None and access.can_edit and access.org.is_branch:
        form = GenerateForm(initial={"year": next_year if next_year not in {p.year for p in plans} else next_year - 1})
    context = {"org": access.org, "plans": plans, "form": form, "can_review": access.can_review}
    if access.org.is_branch:
        year = _year(form["year"].value() if form is not None else None, next_year)
        context["rules"] = ps.requirement_lines(ps.plan_requirements(access.org, year))
        context["profile"] = access.org.profile()
    else:
        context["overview_year"] = _year(request.GET.get("year"), next_year)
        context["below"] = ps.branch_plans_below(access.org, context["overview_year"])
    return context


def _year(value, default: int) -> int:
    year = text.parse_year(value, default)
    return year if ps.YEAR_MIN <= year <= ps.YEAR_MAX else default


@login_required
@require_GET
def plan_list(request, code):
    access = _access(request.user, code)
    return render(request, "meetings/plan_list.html", _list_context(request, access))


@login_required
@require_POST
def plan_generate(request, code):
    access = _access(request.user, code, write=True)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            plan = ps.plan_generate(actor=request.user, org=access.org, year=form.cleaned_data["year"],
                                    theme_day=form.cleaned_data["theme_day"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已按规则生成{plan.year}年度计划，共 {plan.items.count()} 项安排，请核对后提交。")
            return redirect("plan_detail", code=access.org.code, year=plan.year)
    return render(request, "meetings/plan_list.html", _list_context(request, access, form))


@login_required
@require_GET
def plan_detail(request, code, year):
    access = _access(request.user, code)
    plan = _plan(access.org, year)
    history = ps.plan_history(plan)
    items = list(plan.items.all())
    for item in items:
        item.kind_labels = ps.kind_labels(item.kinds)
    rounds: dict[int, list] = {}
    for review in history:
        rounds.setdefault(review.round, []).append(review)
    return render(request, "meetings/plan_detail.html", {
        "org": access.org, "plan": plan, "months": ps.items_by_month(items), "item_count": len(items),
        "rounds": sorted(rounds.items(), reverse=True), "last_return": ps.last_return(history),
        "gaps": ps.plan_check(plan, items) if plan.org.is_branch else [],
        "can_edit": access.can_edit and plan.is_editable,
        "can_review": access.can_review and plan.status == PlanStatus.SUBMITTED,
        "return_form": ReturnForm(), "approve_form": ApproveForm(),
    })


def _item_form_view(request, code, year, pk=None):
    access = _access(request.user, code, write=True)
    plan = _plan(access.org, year)
    item = _item(plan, pk) if pk is not None else None
    if not plan.is_editable:
        messages.error(request, f"计划{plan.get_status_display()}，不能修改。")
        return redirect("plan_detail", code=code, year=year)
    initial = {"planned_on": item.planned_on, "kinds": item.kinds, "topic": item.topic} if item else {
        "planned_on": dt.date(plan.year, 1, 1)}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if item is None:
                ps.plan_item_add(actor=request.user, plan=plan, **data)
            else:
                ps.plan_item_update(actor=request.user, item=item, **data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存计划安排。")
            return redirect("plan_detail", code=code, year=year)
    return render(request, "meetings/plan_item_form.html", {"org": access.org, "plan": plan, "item": item, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_new(request, code, year):
    return _item_form_view(request, code, year)


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, code, year, pk):
    return _item_form_view(request, code, year, pk)


@login_required
@require_POST
def plan_item_delete(request, code, year, pk):
    access = _access(request.user, code, write=True)
    plan = _plan(access.org, year)
    item = _item(plan, pk)
    try:
        ps.plan_item_delete(actor=request.user, item=item)
    except ServiceError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"已删除安排：{item.planned_on:%-m月%-d日} {item.topic}")
    return redirect("plan_detail", code=code, year=year)


@login_required
@require_POST
def plan_submit(request, code, year):
    access = _access(request.user, code, write=True)
    plan = _plan(access.org, year)
    try:
        ps.plan_submit(actor=request.user, plan=plan)
    except ServiceError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"已提交上级组织审批（第 {plan.round} 轮）。")
    return redirect("plan_detail", code=code, year=year)


@login_required
@require_http_methods(["GET", "POST"])
def plan_return(request, code, year):
    access = _access(request.user, code, review=True)
    plan = _plan(access.org, year)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ps.plan_return(actor=request.user, plan=plan, reasons=form.cleaned_data["reasons"],
                           comment=form.cleaned_data["comment"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已退回{access.org.name}的{plan.year}年度计划。")
            return redirect("plan_detail", code=code, year=year)
    return render(request, "meetings/plan_return.html", {"org": access.org, "plan": plan, "form": form})


@login_required
@require_POST
def plan_approve(request, code, year):
    access = _access(request.user, code, review=True)
    plan = _plan(access.org, year)
    form = ApproveForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        ps.plan_approve(actor=request.user, plan=plan, comment=comment)
    except ServiceError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"已批准{access.org.name}的{plan.year}年度计划。")
    return redirect("plan_detail", code=code, year=year)


@login_required
@require_GET
def plan_pending(request):
    page = Paginator(ps.pending_plans(request.user), settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/plan_pending.html", {"page": page})
