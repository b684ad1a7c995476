"""Dues pages: a branch's month (who paid, who owes, record a payment), a member's dues (their own
on 我的, phone-sized), the subtree summary and its export, arrears and their cases, relief
approval, and the payment-list import. Parse, authorize, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs import roster_io
from orglife.orgs.models import Organization
from orglife.orgs.services import ServiceError

from . import forms, payment_io, queries, rules, services
from .models import ArrearsCase, DuesImport, DuesPayment, DuesRelief, ReliefStatus, VoluntaryPayment

SHEET_PAGE = 100  # members per page on a branch's month
MAX_ERRORS_SHOWN = 1000


def _month(request, today: dt.date) -> dt.date:
    return forms.parse_month(request.GET.get("month") or "") or rules.month_start(today)


def _service_errors(form, exc: ServiceError) -> None:
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=roster_io.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _pending_reliefs(user, org: Organization):
    """Reliefs proposed in org's subtree that this user approves (the committee above)."""
    q = scope.managed_below_q(user, prefix="org__")
    qs = DuesRelief.objects.filter(status=ReliefStatus.PROPOSED, org__path__startswith=org.path)
    if q is not None:
        qs = qs.filter(q)
    return qs.select_related("member", "org").order_by("proposed_at")[:50]


# ------------------------------------------------------------------ a branch's month


@login_required
@require_http_methods(["GET", "POST"])
def org_month(request, code):
    org = scope.get_org_for_user(request.user, code)
    today = timezone.localdate()
    month = _month(request, today)
    can_manage = scope.can_manage(request.user, org)
    members = queries.owing_members(Q(org=org)).order_by("name", "pk")
    form = None
    if can_manage:
        choices = list(members.only("name")[:2000])
        form = forms.BranchPaymentForm(request.POST or None, members=choices,
                                       initial={"first_month": month, "paid_on": today, "method": "cash"})
        if request.method == "POST" and form.is_valid():
            member = get_object_or_404(members, pk=form.cleaned_data["member"])
            member = scope.get_member_for_user(request.user, member.pk, write=True)
            try:
                services.payment_record(actor=request.user, member=member, months=form.months(),
                                        paid_on=form.cleaned_data["paid_on"], method=form.cleaned_data["method"],
                                        amount=form.cleaned_data["amount"], prepay=form.cleaned_data["prepay"],
                                        today=today)
            except ServiceError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, f"已登记{member.name}的党费")
                return redirect(f"{reverse('dues_org_month', args=[org.code])}?month={month:%Y-%m}")
    elif request.method == "POST":
        raise PermissionDenied("您没有登记该组织党费的权限")
    page = Paginator(members, SHEET_PAGE).get_page(request.GET.get("page"))
    rows = queries.month_sheet(org, month, list(page.object_list))
    totals = queries.summary_by_org(org, month, own=True).get(org.pk, queries.Totals())
    return render(request, "dues/org_month.html", {
        "org": org, "month": month, "rows": rows, "page": page, "totals": totals, "form": form,
        "can_manage": can_manage, "prev": rules.add_months(month, -1), "next": rules.add_months(month, 1),
        "counts": queries.arrears_counts(Q(org=org), today),
    })


# ------------------------------------------------------------------ a member


MEMBER_FORMS = {
    "profile": forms.ProfileForm,
    "payment": forms.PaymentForm,
    "relief": forms.ReliefForm,
    "voluntary": forms.VoluntaryForm,
}


def _member_post(request, member, action: str, form, today: dt.date) -> str:
    data, user = form.cleaned_data, request.user
    if action == "profile":
        services.profile_set(actor=user, member=member, category=data["category"], base=data["base"] or None,
                             effective_month=data["effective_month"], note=data["note"], today=today)
        return "已保存党费档案"
    if action == "payment":
        services.payment_record(actor=user, member=member, months=form.months(), paid_on=data["paid_on"],
                                method=data["method"], amount=data["amount"], prepay=data["prepay"], today=today)
        return "已登记党费交纳"
    if action == "relief":
        services.relief_propose(actor=user, member=member, kind=data["kind"], start_month=data["start_month"],
                                end_month=data["end_month"], reason=data["reason"], monthly_amount=data["monthly_amount"])
        return "已提出少交或免交申请，待上级党委批准"
    payment = services.voluntary_record(actor=user, member=member, amount=data["amount"], paid_on=data["paid_on"],
                                        method=data["method"], note=data["note"], today=today)
    return "已登记自愿多交党费" + ("：一次1000元以上，须全额上缴中央" if payment.to_centre else "")


@login_required
@require_http_methods(["GET", "POST"])
def member_dues(request, member_id):
    member = scope.get_member_for_user(request.user, member_id)
    today = timezone.localdate()
    can_manage = scope.can_manage(request.user, member.org)
    bound = {}
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您没有管理该党员党费的权限")
        action = request.POST.get("action", "")
        if action not in MEMBER_FORMS:
            return HttpResponse("未知操作", status=400)
        form = MEMBER_FORMS[action](request.POST)
        if form.is_valid():
            try:
                message = _member_post(request, member, action, form, today)
            except ServiceError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("dues_member", member_id=member.pk)
        bound[action] = form
    ledger = queries.ledger(member)
    current = ledger.profile_for(rules.month_start(today)) or (ledger.profiles[-1] if ledger.profiles else None)
    unpaid, first_unpaid = ledger.unpaid_run(today)
    context = {
        "member": member, "org": member.org, "ledger": ledger, "profile": current,
        "paid_up_to": ledger.paid_up_to(), "months": queries.member_months(ledger, today),
        "prepaid": queries.prepaid_months(ledger, today), "unpaid": unpaid, "first_unpaid": first_unpaid,
        "reminder": rules.reminder_months(), "lapse": rules.lapse_months(),
        "reliefs": DuesRelief.objects.filter(member=member).select_related("decided_by")[:20],
        "voluntary": VoluntaryPayment.objects.filter(member=member)[:20],
        "cases": ArrearsCase.objects.filter(member=member)[:10],
        "can_manage": can_manage, "is_self": scope.is_self(request.user, member),
    }
    if can_manage:
        month = rules.month_start(today)
        context.update(
            profile_form=bound.get("profile") or forms.ProfileForm(initial={"effective_month": _first_month(ledger, today)}),
            payment_form=bound.get("payment") or forms.PaymentForm(initial={"first_month": month, "paid_on": today,
                                                                            "method": "cash"}),
            relief_form=bound.get("relief") or forms.ReliefForm(initial={"start_month": month, "end_month": month}),
            voluntary_form=bound.get("voluntary") or forms.VoluntaryForm(initial={"paid_on": today, "method": "cash"}),
            open_form=next(iter(bound), ""),
        )
    return render(request, "dues/member.html", context, status=400 if bound else 200)


def _first_month(ledger, today: dt.date) -> dt.date:
    """The month a new profile starts from by default: this month, or for a member without one
    yet, the month they were admitted if that is recent (Art. 8: probationary members owe from
    the branch assembly that admitted them; back-payment covers at most 6 months)."""
    month = rules.month_start(today)
    if ledger.profiles:
        return month
    window = rules.add_months(month, -rules.backpay_limit())
    # A member who came from outside orglife owes from the month after the one their
    # introduction letter says dues were paid up to (组织关系转接 records it).
    letter = (ledger.member.transfers.filter(kind="in", paid_up_to__isnull=False)
              .order_by("-pk").values_list("paid_up_to", flat=True).first())
    if letter is not None:
        return max(rules.add_months(rules.month_start(letter), 1), window)
    admitted = rules.month_start(ledger.member.admitted_on)
    return max(admitted, window)


@login_required
@require_GET
def my_dues(request):
    member = getattr(request.user, "member", None)
    if member is None:
        messages.info(request, "您的账号尚未关联党员信息，请联系所在党支部。")
        return redirect("me")
    return redirect("dues_member", member_id=member.pk)


@login_required
@require_POST
def payment_delete(request, pk):
    payment = get_object_or_404(DuesPayment.objects.select_related("member__org"), pk=pk)
    scope.get_member_for_user(request.user, payment.member_id, write=True)
    try:
        services.payment_delete(actor=request.user, payment=payment, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, f"已撤销{payment.month:%Y年%-m月}的交纳记录")
    return redirect("dues_member", member_id=payment.member_id)


@login_required
@require_POST
def voluntary_forward(request, pk):
    payment = get_object_or_404(VoluntaryPayment.objects.select_related("member__org"), pk=pk)
    scope.get_member_for_user(request.user, payment.member_id, write=True)
    try:
        services.voluntary_forward(actor=request.user, payment=payment, forwarded_on=timezone.localdate())
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "已登记上缴中央")
    return redirect("dues_member", member_id=payment.member_id)


# ------------------------------------------------------------------ reliefs (Art. 7)


@login_required
@require_POST
def relief_decide(request, pk):
    relief = get_object_or_404(DuesRelief.objects.select_related("org", "member"), pk=pk)
    if not scope.manages_above(request.user, relief.org):
        raise PermissionDenied("少交或免交党费须由上一级党委批准")
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择批准或不批准")
    else:
        try:
            services.relief_decide(actor=request.user, relief=relief, approve=form.cleaned_data["decision"] == "approve",
                                   note=form.cleaned_data["note"])
        except ServiceError as exc:
            messages.error(request, "；".join(exc.errors.values()))
        else:
            messages.success(request, f"已审批{relief.member.name}的{relief.get_kind_display()}申请")
    target = request.POST.get("next", "")
    parent = relief.org.get_parent()
    fallback = reverse("dues_summary", args=[parent.code if parent else relief.org.code])
    return redirect(target if target.startswith("/dues/") else fallback)


# ------------------------------------------------------------------ subtree summary and export


@login_required
@require_GET
def summary(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.covers_subtree(request.user, org) and not org.is_branch:
        raise PermissionDenied("汇总包含下级组织，您没有查看整个下级范围的权限")
    today = timezone.localdate()
    month = _month(request, today)
    rows, total = queries.subtree_summary(org, month, today)
    return render(request, "dues/summary.html", {
        "org": org, "month": month, "rows": rows, "total": total,
        "prev": rules.add_months(month, -1), "next": rules.add_months(month, 1),
        "pending": _pending_reliefs(request.user, org), "reminder": rules.reminder_months(),
        "lapse": rules.lapse_months(),
    })


@never_cache
@login_required
@require_GET
def summary_xlsx(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.covers_subtree(request.user, org) and not org.is_branch:
        raise PermissionDenied("汇总包含下级组织，您没有查看整个下级范围的权限")
    today = timezone.localdate()
    month = _month(request, today)
    data = payment_io.export_xlsx(org, month, request.user, today, settings.ORGLIFE_MAX_EXPORT_ROWS)
    return _xlsx(data, f"{org.name}-党费汇总-{month:%Y%m}.xlsx")


# ------------------------------------------------------------------ arrears and cases


@login_required
@require_http_methods(["GET", "POST"])
def arrears(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.covers_subtree(request.user, org) and not org.is_branch:
        raise PermissionDenied("欠缴名单包含下级组织，您没有查看整个下级范围的权限")
    today = timezone.localdate()
    q = Q(org__path__startswith=org.path)
    can_manage = scope.can_manage(request.user, org)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您没有该组织的管理权限")
        created = services.cases_raise(actor=request.user, q=q, today=today)
        messages.success(request, f"已生成{len(created)}件连续{rules.lapse_months()}个月未交党费的待处理事项"
                         if created else "没有需要新生成的待处理事项")
        return redirect("dues_arrears", code=org.code)
    page = Paginator(queries.arrears(q, today), settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page.object_list)
    cases = queries.open_cases(members)
    rows = []
    for m in members:
        first = queries.first_unpaid_month(m)
        case = cases.get(m.pk)
        current = case if case is not None and case.first_unpaid_month == first else None
        rows.append({"member": m, "first": first, "case": current, "lapse": m.unpaid_months >= rules.lapse_months()})
    return render(request, "dues/arrears.html", {
        "org": org, "page": page, "rows": rows, "can_manage": can_manage,
        "reminder": rules.reminder_months(), "lapse": rules.lapse_months(), "today": today,
        "counts": queries.arrears_counts(q, today),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    case = get_object_or_404(ArrearsCase.objects.select_related("member", "org", "handled_by"), pk=pk)
    if not scope.can_view(request.user, case.org):
        raise PermissionDenied("您没有查看该事项的权限")
    can_manage = scope.can_manage(request.user, case.org)
    form = forms.CaseForm(request.POST or None, initial={"status": case.status if case.status != "open" else None,
                                                         "resolution": case.resolution})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有党支部的管理者可以处理该事项")
        if form.is_valid():
            try:
                services.case_handle(actor=request.user, case=case, status=form.cleaned_data["status"],
                                     resolution=form.cleaned_data["resolution"])
            except ServiceError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, "已保存处理情况")
                return redirect("dues_case", pk=case.pk)
    return render(request, "dues/case.html", {"case": case, "org": case.org, "form": form, "can_manage": can_manage,
                                              "lapse": rules.lapse_months()},
                  status=400 if request.method == "POST" else 200)


# ------------------------------------------------------------------ import


@login_required
@require_http_methods(["GET", "POST"])
def payment_import(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    today = timezone.localdate()
    month = _month(request, today)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = payment_io.import_payments(actor=request.user, org=org, fileobj=upload, filename=upload.name,
                                            prepay=form.cleaned_data["prepay"], today=today)
        return redirect("dues_import_result", pk=record.pk)
    recent = DuesImport.objects.filter(org=org).select_related("actor").defer("errors")[:5]
    return render(request, "dues/import.html", {"org": org, "form": form, "month": month, "recent": recent,
                                                "max_upload": roster_io.max_upload_text()},
                  status=400 if request.method == "POST" else 200)


def _import_for_user(user, pk) -> DuesImport:
    record = get_object_or_404(DuesImport.objects.select_related("org", "actor"), pk=pk)
    if not scope.can_manage(user, record.org):
        raise PermissionDenied("您没有查看该导入记录的权限")
    return record


@login_required
@require_GET
def import_result(request, pk):
    record = _import_for_user(request.user, pk)
    return render(request, "dues/import_result.html", {
        "record": record, "org": record.org, "errors": record.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(record.errors), "not_imported": payment_io.NOT_IMPORTED,
    })


@never_cache
@login_required
@require_GET
def import_errors_xlsx(request, pk):
    record = _import_for_user(request.user, pk)
    if record.accepted:
        raise Http404("该次导入没有错误")
    return _xlsx(payment_io.error_report_xlsx(record), f"党费导入错误报告-{record.pk}.xlsx")


@never_cache
@login_required
@require_GET
def template_xlsx(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    month = _month(request, timezone.localdate())
    return _xlsx(payment_io.template_xlsx(org, month), f"{org.name}-党费交纳名单-{month:%Y%m}.xlsx")
