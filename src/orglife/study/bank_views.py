"""Question bank pages: the list an organization can use (its own questions and those of the
organizations above), adding and editing, retiring, xlsx import (all or nothing, per-row errors)
and export. Managers only: the bank holds the answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.meetings.reports import attachment
from orglife.orgs.roster_io import max_upload_text
from orglife.orgs.services import ServiceError

from . import bank_io, bank_services
from .exam_forms import BankFilterForm, ImportForm, QuestionForm
from .exam_models import BankImport, Question

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    return response


def get_question_for_user(user, pk: int) -> Question:
    question = Question.objects.select_related("org").filter(pk=pk).first()
    if question is None:
        raise Http404("试题不存在")
    if not scope.can_manage(user, question.org):
        raise PermissionDenied("您没有管理该题库的权限")
    return question


def filtered_bank(org, params):
    form = BankFilterForm(params or None)
    qs = bank_services.usable(org).select_related("org").order_by("-id")
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            qs = qs.filter(stem__icontains=f["q"])
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        if f["difficulty"]:
            qs = qs.filter(difficulty=f["difficulty"])
        if f["tag"]:  # JSON containment is not portable to SQLite: match the (bounded) tag lists here
            tag = f["tag"].strip()
            qs = qs.filter(pk__in=[pk for pk, tags in bank_services.usable(org).values_list("id", "tags") if tag in tags])
    return form, qs


@login_required
@require_GET
def bank_list(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form, qs = filtered_bank(org, request.GET)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "study/bank_list.html", {
        "org": org, "form": form, "page": page, "query": query.urlencode(),
        "imports": BankImport.objects.filter(org=org)[:5],
    })


@login_required
@require_http_methods(["GET", "POST"])
def bank_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.question_create(actor=request.user, org=org, raw=form.raw())
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "试题已加入题库。")
            if "another" in request.POST:
                return redirect("bank_new", org.code)
            return redirect("bank_list", org.code)
    return render(request, "study/bank_form.html", {"org": org, "form": form, "question": None})


@login_required
@require_http_methods(["GET", "POST"])
def bank_edit(request, pk):
    question = get_question_for_user(request.user, pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.question_update(actor=request.user, question=question, raw=form.raw())
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "试题已保存。")
            return redirect("bank_list", question.org.code)
    return render(request, "study/bank_form.html", {"org": question.org, "form": form, "question": question})


@login_required
@require_POST
def bank_archive(request, pk):
    question = get_question_for_user(request.user, pk)
    archived = request.POST.get("archived", "1") == "1"
    bank_services.question_archive(actor=request.user, question=question, archived=archived)
    messages.success(request, "试题已停用，不再用于新的考试和闯关。" if archived else "试题已恢复使用。")
    return redirect("bank_list", question.org.code)


@login_required
@require_http_methods(["GET", "POST"])
def bank_import(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = bank_io.import_bank(actor=request.user, org=org, fileobj=upload, filename=upload.name)
        if result.accepted:
            messages.success(request, f"已导入 {result.created} 道题。")
    return render(request, "study/bank_import.html", {
        "org": org, "form": form, "result": result, "max_upload": max_upload_text(),
    })


@login_required
@require_GET
def bank_import_errors(request, pk):
    record = BankImport.objects.select_related("org").filter(pk=pk).first()
    if record is None:
        raise Http404("导入记录不存在")
    if not scope.can_manage(request.user, record.org):
        raise PermissionDenied("您没有该组织的相应权限")
    return _xlsx(bank_io.error_report_xlsx(record), f"题库导入错误报告-{record.pk}.xlsx")


@login_required
@require_GET
def bank_template(request):
    return _xlsx(bank_io.template_xlsx(), "题库导入模板.xlsx")


@login_required
@require_GET
def bank_export(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    _, qs = filtered_bank(org, request.GET)
    return _xlsx(bank_io.export_xlsx(qs.order_by("id")), f"{org.name}-题库.xlsx")
