"""Pages of 考核评星: parse, authorize (scope helpers), call the services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orglife.core import scope
from orglife.meetings.reports import attachment
from orglife.orgs.services import ServiceError

from . import assessment_export as export
from . import assessment_queries as q
from . import assessment_services as services
from . import scorecard_rules as sr
from .assessment_forms import GradeForm, InputForm, RunForm


def _list_page(request, org, *, form=None, status=200):
    year = timezone.localdate().year
    can_run = scope.can_manage(request.user, org) and not org.is_branch and org.kind != "party_group"
    if form is None and can_run:
        cards = sr.for_year(year)
        form = RunForm(cards=sorted(sr.available().values(), key=lambda c: (-c.year, c.key)),
                       initial={"year": year, "scorecard": cards[0].key if cards else None})
    return render(request, "evaluation/assessment_list.html", {
        "org": org, "runs": q.org_runs(org)[:50], "form": form if can_run else None,
    }, status=status)


@login_required
@require_GET
def assessment_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    return _list_page(request, org)


@login_required
@require_POST
def assessment_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = RunForm(request.POST, cards=sr.available().values())
    if form.is_valid():
        try:
            run = services.run_create(actor=request.user, org=org, year=form.cleaned_data["year"],
                                      scorecard_key=form.cleaned_data["scorecard"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已计算{run.org_count}个党组织的考核得分，并按比例上限提出建议等次。")
            return redirect("assessment_detail", pk=run.pk)
    return _list_page(request, org, form=form, status=400)


@login_required
@require_GET
def assessment_detail(request, pk):
    run = q.get_run_for_user(request.user, pk)
    return render(request, "evaluation/assessment_detail.html", {
        "run": run, "org": run.org, "card": services.card_of(run), "page": q.results_page(run, request.GET.get("page")),
        "counts": q.grade_counts(run), "labels": q.grade_labels(run),
        "can_manage": scope.can_manage(request.user, run.org) and not run.is_final,
    })


@login_required
@require_POST
def assessment_compute(request, pk):
    run = q.get_run_for_user(request.user, pk, write=True)
    try:
        services.run_compute(actor=request.user, run=run)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "已根据最新记录重新计算。")
    return redirect("assessment_detail", pk=run.pk)


@login_required
@require_POST
def assessment_finalize(request, pk):
    run = q.get_run_for_user(request.user, pk, write=True)
    try:
        services.run_finalize(actor=request.user, run=run)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "已定级，考核结果不再修改。")
    return redirect("assessment_detail", pk=run.pk)


def _org_page(request, run, result, *, input_form=None, input_for="", grade_form=None, status=200):
    card = services.card_of(run)
    labels = q.grade_labels(run)
    return render(request, "evaluation/assessment_org.html", {
        "run": run, "org": run.org, "result": result, "lines": q.explain(run, result), "card": card,
        "labels": labels, "grade_label": labels.get(result.grade, ""), "proposed_label": labels.get(result.proposed_grade, ""),
        "cap_label": labels.get(result.cap, ""),
        "can_manage": scope.can_manage(request.user, run.org) and not run.is_final,
        "input_form": input_form, "input_for": input_for,
        "grade_form": grade_form or GradeForm(grades=card.grades, initial={"grade": result.grade}),
    }, status=status)


@login_required
@require_GET
def assessment_org(request, pk, code):
    run = q.get_run_for_user(request.user, pk)
    return _org_page(request, run, q.get_result(run, code))


@login_required
@require_POST
def assessment_input(request, pk, code):
    run = q.get_run_for_user(request.user, pk, write=True)
    result = q.get_result(run, code)
    form = InputForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.input_set(actor=request.user, run=run, org=result.org, kind=d["kind"], key=d["key"],
                               value=d["value"], evidence=d["evidence"], reason=d["reason"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存并重新计算该组织的得分和排名。")
            return redirect("assessment_org", pk=run.pk, code=code)
    key = request.POST.get("key") or request.POST.get("kind", "")
    return _org_page(request, run, q.get_result(run, code), input_form=form, input_for=f"{request.POST.get('kind')}:{key}",
                     status=400)


@login_required
@require_POST
def assessment_grade(request, pk, code):
    run = q.get_run_for_user(request.user, pk, write=True)
    result = q.get_result(run, code)
    card = services.card_of(run)
    form = GradeForm(request.POST, grades=card.grades)
    if form.is_valid():
        try:
            services.grade_set(actor=request.user, run=run, org=result.org, grade=form.cleaned_data["grade"],
                               reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存评定等次。")
            return redirect("assessment_org", pk=run.pk, code=code)
    return _org_page(request, run, result, grade_form=form, status=400)


@login_required
@require_GET
def assessment_xlsx(request, pk):
    run = q.get_run_for_user(request.user, pk)
    response = HttpResponse(export.ranking_xlsx(run),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment(f"{run.org.name}-{run.year}年度考核评星.xlsx")
    return response


@login_required
@require_GET
def assessment_pdf(request, pk):
    run = q.get_run_for_user(request.user, pk)
    response = HttpResponse(export.ranking_pdf(run, request), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{run.org.name}-{run.year}年度考核评星.pdf", inline=True)
    return response
