"""Transfer pages (组织关系转接): an organization's lists (待我办理 / 转出 / 转入), starting a
transfer, registering a member who comes from outside, a transfer's page with its route, history
and the buttons each person may press, and the introduction letter PDF.

Parse, authorize, call, render: the route and the transitions live in transfer_services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import audit, scope
from orglife.core.models import AuditEvent, RoleGrant
from orglife.meetings.reports import attachment

from . import transfer_pdf, transfer_queries, transfer_services
from .models import ON_ROSTER, Member, Organization
from .services import MEMBER_ORG_KINDS, ServiceError
from .transfer_forms import (
    INSIDE,
    OUTSIDE,
    REASONS,
    IncomingForm,
    NoteForm,
    ReasonForm,
    ReceiptForm,
    TransferForm,
)
from .transfer_models import OPEN, StepRole, Transfer, TransferKind, TransferStatus
from .validation import REQUIRED

ORG_OPTIONS = 200  # suggestions in the receiving-organization field


def get_transfer_for_user(user, pk: int) -> Transfer:
    transfer = (Transfer.objects.select_related("member", "from_org", "to_org", "current_org", "letter_issuer")
                .filter(pk=pk).first())
    if transfer is None:
        raise Http404("转接不存在")
    if not transfer_queries.may_view(user, transfer):
        raise PermissionDenied("您没有查看该转接的权限")
    return transfer


def _errors(request, exc: ServiceError) -> None:
    messages.error(request, "；".join(exc.errors.values()))


def _org_options(org: Organization) -> list[Organization]:
    """Organizations that can receive members, near the sending one first (same top organization)."""
    top = org.path[: Organization.steplen]
    return list(Organization.objects.filter(path__startswith=top, kind__in=MEMBER_ORG_KINDS, dissolved_on__isnull=True)
                .exclude(pk=org.pk).order_by("path").only("code", "name")[:ORG_OPTIONS])


# ---------------------------------------------------------------- lists and forms


@login_required
@require_GET
def transfer_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    tab = request.GET.get("tab") if request.GET.get("tab") in transfer_queries.TABS else "todo"
    qs = transfer_queries.org_transfers(request.user, org, tab)
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    # Only 待我办理 shows a count (on its own tab, the paginator's): each count joins the tree.
    todo = page.paginator.count if tab == "todo" else transfer_queries.org_transfers(request.user, org, "todo").count()
    return render(request, "orgs/transfer_list.html", {
        "org": org, "tab": tab, "page": page,
        "tabs": [(key, label, todo if key == "todo" else None) for key, label in transfer_queries.TABS.items()],
        "can_manage": scope.can_manage(request.user, org),
        "takes_members": org.kind in MEMBER_ORG_KINDS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def transfer_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    busy = Member.objects.filter(transfers__status__in=OPEN)
    members = list(Member.objects.filter(org=org, status__in=ON_ROSTER).exclude(pk__in=busy).order_by("name")
                   .only("name"))
    form = TransferForm(request.POST or None, members=members, initial={"member": request.GET.get("member", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = Member.objects.select_related("org").filter(pk=data["member"], org=org).first()
        if member is None:
            form.add_error("member", "请选择本组织的党员")
        else:
            try:
                transfer = transfer_services.transfer_start(
                    actor=request.user, member=member, to_org=data["to_org_obj"], outside_name=data["outside_name"],
                    reason=data["reason"], transfer_on=data["transfer_on"])
            except ServiceError as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"已发起{member.name}的组织关系转接，等待{transfer.current_org.name}办理。")
                return redirect("transfer_detail", pk=transfer.pk)
    return render(request, "orgs/transfer_form.html", {
        "org": org, "form": form, "orgs": _org_options(org), "reasons": REASONS, "transfer": None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def transfer_incoming(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    if org.kind not in MEMBER_ORG_KINDS:
        raise Http404("该组织不直接编入党员")
    groups = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1, kind="party_group"))
    form = IncomingForm(request.POST or None, org_choices=[org], group_choices=groups, initial={"org": org.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = transfer_services.transfer_register_incoming(
                actor=request.user, to_org=org, data=form.member_data(), outside_name=data["outside_name"],
                letter_number=data["letter_number"], paid_up_to=data["paid_up_to"], reason=data["reason"],
                transfer_on=data["transfer_on"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已接收{transfer.member.name}的组织关系并登记入册。")
            return redirect("transfer_detail", pk=transfer.pk)
    return render(request, "orgs/transfer_incoming.html", {
        "org": org, "form": form, "reasons": REASONS, "required": REQUIRED,
    })


# ---------------------------------------------------------------- one transfer


def _flags(user, t: Transfer, step) -> dict[str, bool]:
    sender = t.from_org is not None and scope.can_manage(user, t.from_org)
    on_step = step is not None and scope.can_manage(user, step.org)
    return {
        "approve": on_step and step.role in (StepRole.APPROVE, StepRole.ISSUE),
        "accept": on_step and step.role == StepRole.ACCEPT,
        "stop": on_step,
        "cancel": sender and t.status in (TransferStatus.PENDING, TransferStatus.RETURNED),
        "resubmit": sender and t.status == TransferStatus.RETURNED,
        "receipt": t.status == TransferStatus.AWAITING_RECEIPT and (
            sender or (t.letter_issuer is not None and scope.can_manage(user, t.letter_issuer))),
        "letter": bool(t.letter_seq) and (scope.sees_personal_data(user, t.member) or (
            t.letter_issuer is not None and scope.can_manage(user, t.letter_issuer))),
    }


@login_required
@require_GET
def transfer_detail(request, pk):
    t = get_transfer_for_user(request.user, pk)
    step = transfer_services.current_step(t) if t.status == TransferStatus.PENDING else None
    steps = list(t.steps.select_related("org", "actor"))
    rounds: dict[int, list] = {}
    for s in steps:
        rounds.setdefault(s.round, []).append(s)
    # Organizations of the current route with no manager of their own: someone above acts for them.
    route_ids = [s.org_id for s in rounds.get(t.round, [])]
    managed = set(RoleGrant.objects.filter(org_id__in=route_ids, role__in=["manager", "administrator"])
                  .values_list("org_id", flat=True))
    events = (AuditEvent.objects.filter(target_type=Transfer._meta.label_lower, target_id=str(t.pk))
              .select_related("actor").order_by("created_at", "id"))
    member = t.member
    return render(request, "orgs/transfer_detail.html", {
        "t": t, "m": member, "step": step, "route": rounds.get(t.round, []),
        "earlier": [(r, s) for r, s in sorted(rounds.items()) if r != t.round],
        "unmanaged": {i for i in route_ids if i not in managed}, "events": events,
        "personal": scope.sees_personal_data(request.user, member),
        "may": _flags(request.user, t, step),
        "paid_up_to": t.paid_up_to if not t.is_open or t.kind != TransferKind.INTERNAL
        else transfer_services.dues_paid_up_to(member),
        "note_form": NoteForm(), "reason_form": ReasonForm(), "receipt_form": ReceiptForm(),
        "today": timezone.localdate(),
    })


def _act(request, pk, flag: str):
    """The transfer, after checking the user may press this button (403 otherwise)."""
    t = get_transfer_for_user(request.user, pk)
    step = transfer_services.current_step(t) if t.status == TransferStatus.PENDING else None
    may = _flags(request.user, t, step)
    if not may[flag]:
        # Someone who could act at another moment gets a message; anyone else a 403.
        involved = (t.from_org is not None and scope.can_manage(request.user, t.from_org)) or (
            flag in ("approve", "accept", "stop") and any(scope.can_manage(request.user, s.org) for s in t.steps.all()))
        if not involved:
            raise PermissionDenied("您不能办理该转接的这一环节")
    return t


def _done(request, t: Transfer, call, success: str):
    try:
        call()
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("transfer_detail", pk=t.pk)


@login_required
@require_POST
def transfer_approve(request, pk):
    t = _act(request, pk, "approve")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _done(request, t, lambda: transfer_services.transfer_approve(actor=request.user, transfer=t, note=note),
                 "已同意。")


@login_required
@require_POST
def transfer_accept(request, pk):
    t = _act(request, pk, "accept")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _done(request, t, lambda: transfer_services.transfer_accept(actor=request.user, transfer=t, note=note),
                 f"已接收{t.member.name}，该党员已编入{t.to_name}。")


def _stop(request, pk, service, success):
    t = _act(request, pk, "stop")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写理由")
        return redirect("transfer_detail", pk=t.pk)
    return _done(request, t, lambda: service(actor=request.user, transfer=t, reason=form.cleaned_data["reason"]), success)


@login_required
@require_POST
def transfer_refuse(request, pk):
    return _stop(request, pk, transfer_services.transfer_refuse, "已不同意该转接，转接已终止。")


@login_required
@require_POST
def transfer_return(request, pk):
    return _stop(request, pk, transfer_services.transfer_return, "已退回转出组织。")


@login_required
@require_POST
def transfer_cancel(request, pk):
    t = _act(request, pk, "cancel")
    reason = request.POST.get("reason", "")[:200]
    return _done(request, t, lambda: transfer_services.transfer_cancel(actor=request.user, transfer=t, reason=reason),
                 "已撤销该转接。")


@login_required
@require_POST
def transfer_receipt(request, pk):
    t = _act(request, pk, "receipt")
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写回执日期")
        return redirect("transfer_detail", pk=t.pk)
    return _done(request, t, lambda: transfer_services.transfer_confirm_receipt(
        actor=request.user, transfer=t, receipt_on=form.cleaned_data["receipt_on"], note=form.cleaned_data["note"]),
        "已确认回执，转接完成。")


@login_required
@require_http_methods(["GET", "POST"])
def transfer_resubmit(request, pk):
    t = _act(request, pk, "resubmit")
    if t.status != TransferStatus.RETURNED:
        messages.error(request, "只有被退回的转接可以重新提交")
        return redirect("transfer_detail", pk=t.pk)
    initial = {"destination": INSIDE if t.to_org_id else OUTSIDE, "to_org": t.to_org.code if t.to_org_id else "",
               "outside_name": t.outside_name, "reason": t.reason, "transfer_on": t.transfer_on}
    form = TransferForm(request.POST or None, fixed_member=t.member, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer_services.transfer_resubmit(actor=request.user, transfer=t, to_org=data["to_org_obj"],
                                                outside_name=data["outside_name"], reason=data["reason"],
                                                transfer_on=data["transfer_on"])
        except ServiceError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "已重新提交。")
            return redirect("transfer_detail", pk=t.pk)
    return render(request, "orgs/transfer_form.html", {
        "org": t.from_org, "form": form, "orgs": _org_options(t.from_org), "reasons": REASONS, "transfer": t,
    })


@login_required
@require_GET
def transfer_letter(request, pk):
    t = get_transfer_for_user(request.user, pk)
    if t.kind != TransferKind.OUT or not t.letter_seq:
        raise Http404("该转接没有介绍信")
    if not _flags(request.user, t, None)["letter"]:
        raise PermissionDenied("介绍信载有完整身份证号码，只有该党员所在组织的管理者可以打印")
    body = transfer_pdf.letter_pdf(request, t)
    audit.record(actor=request.user, action="transfer.letter_print", target=t, org=t.from_org,
                 changes={"letter_number": [None, t.letter_number]})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"组织关系介绍信-{t.letter_number}.pdf", inline=True)
    return response
