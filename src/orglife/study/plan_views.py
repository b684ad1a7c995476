"""Pages for study plans, materials, self-study confirmation, class hours and points: parse,
authorize, call, render. Rules live in plan_services, plan_queries, hours and points."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import audit, scope, text
from orglife.meetings.reports import attachment
from orglife.orgs.models import Organization, OrgKind
from orglife.orgs.services import ServiceError

from . import hours as rules
from . import plan_export, plan_queries, plan_services, points, points_services
from .plan_forms import ConfirmForm, ItemForm, MaterialForm, PlanForm
from .plan_models import ItemType, Material, StudyItem, StudyPlan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    this = timezone.localdate().year
    year = text.parse_year(request.GET.get("year"), this)
    return year if year <= this + 1 else this


def _plan_for_user(user, pk: int, write: bool = False) -> StudyPlan:
    plan = StudyPlan.objects.select_related("org").filter(pk=pk).first()
    if plan is None:
        raise Http404("学习计划不存在")
    if not (scope.can_manage(user, plan.org) if write else scope.can_view(user, plan.org)):
        raise PermissionDenied("您没有该组织的相应权限")
    return plan


def _own_member(user):
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is None:
        return None
    return type(member).objects.select_related("org").get(pk=member.pk)


def _item_for_user(user, pk: int, write: bool = False):
    """The item and the viewer's member record when the item is theirs to study. Viewers of the
    organization see every item; a member sees the published items meant for them."""
    item = StudyItem.objects.select_related("plan__org", "party_group", "meeting", "exam").filter(pk=pk).first()
    if item is None:
        raise Http404("学习事项不存在")
    org = item.plan.org
    if write:
        if not scope.can_manage(user, org):
            raise PermissionDenied("您没有管理该组织学习计划的权限")
        return item, None
    member = _own_member(user)
    mine = member is not None and item.plan.is_published and plan_queries.in_audience(item, member)
    if not (mine or scope.can_view(user, org)):
        raise PermissionDenied("您没有查看该学习事项的权限")
    return item, (member if mine else None)


def _groups(org: Organization):
    return list(Organization.objects.filter(path__startswith=org.path, kind=OrgKind.PARTY_GROUP,
                                            dissolved_on__isnull=True).order_by("path")[:200])


def _item_form(plan: StudyPlan, data=None, **kwargs) -> ItemForm:
    return ItemForm(data, groups=_groups(plan.org), meetings=plan_queries.meeting_choices(plan.org, plan.year),
                    exams=plan_queries.exam_choices(plan.org), **kwargs)


# ------------------------------------------------------------------ plan page


def _plan_page(request, org, year, *, plan_form=None, item_form=None, status=200):
    plan = plan_queries.plan_for(org, year)
    can_manage = scope.can_manage(request.user, org)
    return render(request, "study/plan_detail.html", {
        "org": org, "year": year, "plan": plan, "can_manage": can_manage,
        "items": list(plan_queries.plan_items(plan)) if plan else [],
        "plan_form": plan_form or (PlanForm(initial={"year": year}) if can_manage and plan is None else None),
        "item_form": item_form or (_item_form(plan, initial={"due_on": f"{year}-12-31", "hours": 1})
                                   if can_manage and plan else None),
        "subtree": scope.covers_subtree(request.user, org),
    }, status=status)


@login_required
@require_GET
def plan_detail(request, code):
    org = scope.get_org_for_user(request.user, code)
    return _plan_page(request, org, _year(request))


@login_required
@require_POST
def plan_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = plan_services.plan_create(actor=request.user, org=org, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已创建{plan.year}年度学习计划，请添加学习事项后发布。")
            return redirect(f"{_plan_url(org)}?year={plan.year}")
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    return _plan_page(request, org, year or _year(request), plan_form=form, status=400)


def _plan_url(org) -> str:
    from django.urls import reverse

    return reverse("study_plan", args=[org.code])


@login_required
@require_POST
def plan_publish(request, pk):
    plan = _plan_for_user(request.user, pk, write=True)
    try:
        plan_services.plan_publish(actor=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "学习计划已发布，党员可在“我的学习”中查看。")
    return redirect(f"{_plan_url(plan.org)}?year={plan.year}")


@login_required
@require_POST
def item_new(request, pk):
    plan = _plan_for_user(request.user, pk, write=True)
    form = _item_form(plan, request.POST)
    if form.is_valid():
        try:
            item = plan_services.item_add(actor=request.user, plan=plan, data=form.service_data())
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已添加学习事项“{item.topic}”。")
            return redirect("study_item", pk=item.pk)
    request.GET = request.GET.copy()
    request.GET["year"] = str(plan.year)
    return _plan_page(request, plan.org, plan.year, item_form=form, status=400)


# ------------------------------------------------------------------ items


def _item_page(request, item, member, *, confirm_form=None, material_form=None, status=200):
    can_manage = scope.can_manage(request.user, item.plan.org)
    confirmation = item.confirmations.filter(member=member).first() if member is not None else None
    done = None
    if member is not None:
        done = next((i for i in plan_queries.items_for_member(member, item.plan.year) if i.pk == item.pk), None)
    return render(request, "study/plan_item.html", {
        "item": item, "org": item.plan.org, "member": member, "can_manage": can_manage,
        "materials": list(item.materials.all()),
        "confirmation": confirmation, "done": plan_queries.item_done(done) if done is not None else None,
        "confirm_form": confirm_form or (ConfirmForm() if member is not None and confirmation is None
                                         and item.item_type == ItemType.SELF_STUDY else None),
        "material_form": material_form or (MaterialForm() if can_manage else None),
        "confirmations": list(plan_queries.confirmations(item)) if can_manage else [],
        "confirmed_count": item.confirmations.count() if scope.can_view(request.user, item.plan.org) else None,
    }, status=status)


@login_required
@require_GET
def item_detail(request, pk):
    item, member = _item_for_user(request.user, pk)
    return _item_page(request, item, member)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item, _ = _item_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = _item_form(item.plan, request.POST)
        if form.is_valid():
            try:
                plan_services.item_update(actor=request.user, item=item, data=form.service_data())
            except ServiceError as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, "已保存学习事项。")
                return redirect("study_item", pk=item.pk)
        return render(request, "study/plan_item_edit.html", {"item": item, "org": item.plan.org, "form": form}, status=400)
    initial = {k: getattr(item, k) for k in ("item_type", "topic", "description", "due_on", "audience", "hours")}
    initial.update(party_group=item.party_group_id, meeting=item.meeting_id, exam=item.exam_id)
    return render(request, "study/plan_item_edit.html", {"item": item, "org": item.plan.org,
                                                         "form": _item_form(item.plan, initial=initial)})


@login_required
@require_POST
def item_delete(request, pk):
    item, _ = _item_for_user(request.user, pk, write=True)
    plan = item.plan
    try:
        plan_services.item_delete(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
        return redirect("study_item", pk=item.pk)
    messages.success(request, "已删除学习事项。")
    return redirect(f"{_plan_url(plan.org)}?year={plan.year}")


@login_required
@require_POST
def material_new(request, pk):
    item, _ = _item_for_user(request.user, pk, write=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plan_services.material_add(actor=request.user, item=item, upload=form.cleaned_data.pop("file"),
                                       **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已添加学习资料。")
            return redirect("study_item", pk=item.pk)
    return _item_page(request, item, None, material_form=form, status=400)


def _material_for_user(user, pk: int, write: bool = False) -> Material:
    material = Material.objects.select_related("item").filter(pk=pk).first()
    if material is None:
        raise Http404("学习资料不存在")
    _item_for_user(user, material.item_id, write=write)
    return material


@login_required
@require_GET
def material_file(request, pk):
    material = _material_for_user(request.user, pk)
    if not material.file:
        raise Http404("该资料没有文件")
    # PDFs and pictures open in the browser (a phone reads them in place); other files download.
    inline = material.content_type == "application/pdf" or material.content_type.startswith("image/")
    name = material.file.name.rsplit("/", 1)[-1]
    response = FileResponse(material.file.open("rb"), content_type=material.content_type)
    response["Content-Disposition"] = attachment(material.title if "." in material.title else name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def material_delete(request, pk):
    material = _material_for_user(request.user, pk, write=True)
    item_pk = material.item_id
    plan_services.material_delete(actor=request.user, material=material)
    messages.success(request, "已删除学习资料。")
    return redirect("study_item", pk=item_pk)


@login_required
@require_POST
def item_confirm(request, pk):
    item, member = _item_for_user(request.user, pk)
    if member is None:
        raise PermissionDenied("只有该学习事项面向的党员本人可以确认")
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            plan_services.confirm(actor=request.user, item=item, member=member, note=form.cleaned_data["note"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已确认完成自学，计入{item.hours}学时。")
            return redirect("study_item", pk=item.pk)
    return _item_page(request, item, member, confirm_form=form, status=400)


# ------------------------------------------------------------------ the member's own page


@login_required
@require_GET
def study_mine(request):
    member = _own_member(request.user)
    year = _year(request)
    if member is None:
        return render(request, "study/plan_mine.html", {"member": None, "year": year})
    items = list(plan_queries.items_for_member(member, year))
    for i in items:
        i.done = plan_queries.item_done(i)
    verdict = plan_queries.member_row(member, year).verdict
    setting, lines = points.member_ledger(member, year)
    return render(request, "study/plan_mine.html", {
        "member": member, "year": year, "items": items, "verdict": verdict,
        "todo": [i for i in items if not i.done], "done": [i for i in items if i.done],
        "points_on": setting.enabled, "ledger": lines, "points_total": rules.total(lines),
        "points_table": rules.points_table(),
    })


# ------------------------------------------------------------------ class hours


def _hours_args(request, code):
    org = scope.get_org_for_user(request.user, code)
    year = _year(request)
    # A branch's 党小组 hold no members of their own: the subtree matters above branches.
    can_subtree = scope.covers_subtree(request.user, org) and org.numchild > 0 and not org.is_branch
    subtree = can_subtree and request.GET.get("subtree") == "1"
    short = request.GET.get("short") == "1"
    return org, year, can_subtree, subtree, short, plan_queries.HoursReport(org, year, subtree=subtree, short=short)


@login_required
@require_GET
def hours_report(request, code):
    org, year, can_subtree, subtree, short, qs = _hours_args(request, code)
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = f"year={year}" + ("&subtree=1" if subtree else "") + ("&short=1" if short else "")
    return render(request, "study/hours_report.html", {
        "org": org, "year": year, "page": page, "rows": page.object_list, "can_subtree": can_subtree,
        "subtree": subtree, "short": short, "query": query, "count": page.paginator.count,
        "short_count": None if short else plan_queries.HoursReport(org, year, subtree=subtree, short=True).count(),
        "rule_member": rules.minimum_rule(rules.MEMBER), "rule_committee": rules.minimum_rule(rules.COMMITTEE),
    })


def _xlsx(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    return response


@login_required
@require_GET
def hours_xlsx(request, code):
    org, year, _can, subtree, short, qs = _hours_args(request, code)
    rows = qs[: settings.ORGLIFE_MAX_EXPORT_ROWS + 1]
    if len(rows) > settings.ORGLIFE_MAX_EXPORT_ROWS:
        return HttpResponse(f"导出行数超过上限（{settings.ORGLIFE_MAX_EXPORT_ROWS}行），请缩小范围。", status=400)
    audit.record(actor=request.user, action="study.hours_export", target=org, org=org,
                 changes={"year": [None, year], "subtree": [None, subtree]})
    return _xlsx(plan_export.hours_workbook(org, year, rows, subtree=subtree), f"{org.name}-{year}年学时统计.xlsx")


@login_required
@require_GET
def hours_coverage(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.covers_subtree(request.user, org):
        # A grant on this organization alone: its own members only, no subtree roll-up.
        raise PermissionDenied("学时覆盖统计需要查看下级组织的权限")
    year = _year(request)
    total, parts = plan_queries.coverage(org, year)
    return render(request, "study/hours_coverage.html", {
        "org": org, "year": year, "total": total, "parts": parts, "chart": plan_export.coverage_chart(parts),
    })


@login_required
@require_GET
def hours_coverage_xlsx(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.covers_subtree(request.user, org):
        raise PermissionDenied("学时覆盖统计需要查看下级组织的权限")
    year = _year(request)
    total, parts = plan_queries.coverage(org, year)
    audit.record(actor=request.user, action="study.coverage_export", target=org, org=org, changes={"year": [None, year]})
    return _xlsx(plan_export.coverage_workbook(org, year, total, parts), f"{org.name}-{year}年学时覆盖率.xlsx")


# ------------------------------------------------------------------ points


@login_required
@require_GET
def points_page(request, code):
    org = scope.get_org_for_user(request.user, code)
    year = _year(request)
    setting = points.effective(org)
    ranking = points.standings(org, year, setting) if setting.enabled and setting.ranking else None
    return render(request, "study/points_org.html", {
        "org": org, "year": year, "setting": setting, "ranking": ranking, "table": rules.points_table(),
        "can_manage": scope.can_manage(request.user, org), "can_administer": scope.can_administer(request.user, org),
    })


@login_required
@require_POST
def points_setting(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    enabled = ranking = None
    if "enabled" in request.POST:
        enabled = request.POST["enabled"] == "1"
    if "ranking" in request.POST:
        # The ranking is an administrator's decision (RULES §6.2: no points rankings by default).
        if not scope.can_administer(request.user, org):
            raise PermissionDenied("只有管理员可以开启或关闭积分排名")
        ranking = request.POST["ranking"] == "1"
    if enabled is None and ranking is None:
        messages.error(request, "没有要修改的设置")
        return redirect("study_points", code=org.code)
    row = points_services.setting_update(actor=request.user, org=org, enabled=enabled, ranking=ranking)
    messages.success(request, f"学习积分已{'启用' if row.enabled else '关闭'}"
                     + (f"，积分排名已{'开启' if row.ranking else '关闭'}" if ranking is not None else "") + "。")
    return redirect("study_points", code=org.code)
