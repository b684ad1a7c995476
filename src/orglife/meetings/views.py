"""Pages for meeting records: list, new, detail, edit, start, attendance, submit, amend, guests,
resolutions, follow-ups, attachments, and QR sign-in. Parse, authorize, call, render: the rules
are in services.py, signin.py and orglife.rules.

Managers of the organization write; viewers read; members on a meeting's due list see that
meeting and sign in to it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope, text
from orglife.orgs.models import ON_ROSTER, Member, OrgKind
from orglife.orgs.services import ServiceError
from orglife.rules.compliance import KIND_LABELS

from . import record_queries, review_services, services, signin
from .forms import (
    AmendForm,
    AttachmentForm,
    FollowUpForm,
    GuestForm,
    MeetingForm,
    ResolutionForm,
    SubmitForm,
)
from .models import (
    Attachment,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReturnReason,
)

# ---------------------------------------------------------------- access


def get_meeting_for_user(user, pk: int, write: bool = False) -> Meeting:
    try:
        meeting = Meeting.objects.select_related("org", "host", "recorder", "life").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("会议不存在") from None
    if write:
        if not scope.can_manage(user, meeting.org):
            raise PermissionDenied("您没有管理该组织会议的权限")
    elif not (scope.can_view(user, meeting.org) or _is_due(user, meeting)):
        raise PermissionDenied("您没有查看该会议的权限")
    return meeting


def _is_due(user, meeting: Meeting) -> bool:
    member = getattr(user, "member", None) if user.is_authenticated else None
    return member is not None and Attendance.objects.filter(meeting=meeting, member=member).exists()


def _members_for(org, limit: int = 500) -> list[Member]:
    """Host, recorder and follow-up owner choices: the organization's roster (a group's members)."""
    qs = Member.objects.filter(status__in=ON_ROSTER).only("name")
    qs = qs.filter(party_group=org) if org.kind == OrgKind.PARTY_GROUP else qs.filter(org=org)
    return list(qs.order_by("id")[:limit])


def _kinds(meeting: Meeting) -> list[str]:
    return services.meeting_kinds(meeting)


# ---------------------------------------------------------------- list


@login_required
@require_GET
def meeting_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    kind = request.GET.get("kind", "") if request.GET.get("kind") in KIND_LABELS else ""
    year = text.parse_year(request.GET.get("year"))
    qs = Meeting.objects.filter(org=org)
    if kind:
        qs = qs.filter(Exists(MeetingKind.objects.filter(meeting=OuterRef("pk"), kind=kind)))
    if year:
        qs = qs.filter(held_on__year=year)
    qs = (
        qs.annotate(
            due=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        )
        .prefetch_related("kind_rows")
        .order_by(F("held_on").desc(nulls_first=True), "-id")
    )
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (m, [KIND_LABELS[k] for k in KIND_LABELS if k in {r.kind for r in m.kind_rows.all()}])
        for m in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    this_year = timezone.localdate().year
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "org": org,
            "page": page,
            "rows": rows,
            "kind": kind,
            "year": year,
            "query": query.urlencode(),
            "kinds": list(KIND_LABELS.items()),
            "years": list(range(this_year, this_year - 6, -1)),
            "can_manage": scope.can_manage(request.user, org),
        },
    )


# ---------------------------------------------------------------- create, edit


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    members = _members_for(org)
    default_kind = "group_meeting" if org.kind == OrgKind.PARTY_GROUP else "theme_day"
    form = MeetingForm(request.POST or None, members=members, initial={"kinds": [default_kind]})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user,
                org=org,
                kinds=form.cleaned_data["kinds"],
                **form.record_fields(),
            )
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, "已新建会议。会议开始时请点击“开始会议”，生成应到名单并打开签到二维码。"
            )
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "org": org, "meeting": None, "title": "新建会议"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.is_locked:
        messages.info(request, services.LOCKED_MESSAGE)
        return redirect("meeting_amend", pk=meeting.pk)
    form = MeetingForm(
        request.POST or None,
        members=_members_for(meeting.org),
        initial=MeetingForm.initial_for(meeting, _kinds(meeting)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                kinds=form.cleaned_data["kinds"],
                **form.record_fields(),
            )
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存。")
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "org": meeting.org, "meeting": meeting, "title": "填写会议纪实"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_amend(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if not meeting.is_locked:
        return redirect("meeting_edit", pk=meeting.pk)
    form = AmendForm(
        request.POST or None,
        members=_members_for(meeting.org),
        initial=MeetingForm.initial_for(meeting, _kinds(meeting)),
    )
    if request.method == "POST" and form.is_valid():
        # Only what changed is amended (and kept as "before").
        initial = MeetingForm.initial_for(meeting, _kinds(meeting))
        changes = {k: v for k, v in form.record_fields().items() if _differs(k, v, meeting)}
        kinds = form.cleaned_data["kinds"]
        if sorted(kinds) == sorted(initial["kinds"]):
            kinds = None
        try:
            services.meeting_amend(
                actor=request.user,
                meeting=meeting,
                reason=form.cleaned_data["reason"],
                kinds=kinds,
                **changes,
            )
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已更正，更正前的内容已保留。")
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "org": meeting.org,
            "meeting": meeting,
            "title": "更正会议纪实",
            "amend": True,
        },
    )


def _differs(name: str, value, meeting: Meeting) -> bool:
    if name in ("host", "recorder"):
        return value != getattr(meeting, f"{name}_id")
    if name == "held_at":
        current = meeting.held_at
        if value is None or current is None:
            return value != current
        return value.replace(second=0, microsecond=0) != timezone.localtime(current).replace(
            second=0, microsecond=0
        )
    return (value or "") != (getattr(meeting, name) or "")


# ---------------------------------------------------------------- detail


def _detail_context(request, meeting: Meeting, **extra) -> dict:
    kinds = _kinds(meeting)
    quorum = services.quorum(meeting, kinds)
    resolutions = [
        (r, services.resolution_passed(r, quorum)) for r in meeting.resolutions.all()
    ]
    can_manage = scope.can_manage(request.user, meeting.org)
    attendance = list(meeting.attendance.select_related("member"))
    me = getattr(request.user, "member", None)
    my_row = next((a for a in attendance if me is not None and a.member_id == me.pk), None)
    members = _members_for(meeting.org) if can_manage and not meeting.is_locked else []
    return {
        "meeting": meeting,
        "org": meeting.org,
        "kinds": [KIND_LABELS[k] for k in kinds],
        "quorum": quorum,
        "resolutions": resolutions,
        "attendance": attendance,
        "guests": list(meeting.guests.all()),
        "follow_ups": list(meeting.follow_ups.select_related("owner")),
        "attachments": list(meeting.attachments.all()),
        "amendments": record_queries.amendment_rows(list(meeting.amendments.select_related("actor"))),
        "can_manage": can_manage,
        "my_row": my_row,
        "missing": [services.element_label(e) for e in services.missing_elements(meeting, kinds)]
        if not meeting.is_locked
        else [],
        "late_due": not meeting.is_locked
        and meeting.held_on is not None
        and services.is_late(meeting, timezone.localdate()),
        "submit_form": SubmitForm(initial={"late_reason": meeting.late_reason}),
        "guest_form": GuestForm(),
        "resolution_form": ResolutionForm(),
        "attachment_form": AttachmentForm(),
        "follow_up_form": FollowUpForm(members=members),
        "reviews": list(meeting.reviews.select_related("actor")),
        "may_review": meeting.status == MeetingStatus.SUBMITTED and review_services.may_review(request.user, meeting),
        "return_reasons": ReturnReason.choices,
        **extra,
    }


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


# ---------------------------------------------------------------- start, attendance, submit


@login_required
@require_POST
def meeting_start(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        services.meeting_start(actor=request.user, meeting=meeting)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
        life = getattr(meeting, "life", None)  # a 组织生活会 with its preparation workflow
        return redirect("life_detail", pk=life.pk) if life else redirect("meeting_detail", pk=meeting.pk)
    messages.success(
        request, f"会议已开始，应到 {meeting.attendance.count()} 人。请出示签到二维码。"
    )
    return redirect("meeting_qr", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.is_locked:
        messages.info(request, services.LOCKED_MESSAGE)
        return redirect("meeting_detail", pk=meeting.pk)
    if meeting.attendance_frozen_at is None:
        messages.error(request, "请先开始会议，生成应到名单。")
        return redirect("meeting_detail", pk=meeting.pk)
    attendance = list(meeting.attendance.select_related("member"))
    for a in attendance:  # what the page showed, so that untouched rows are left alone
        a.was_status = request.POST.get(f"was_status_{a.pk}", a.status)
        a.was_reason = request.POST.get(f"was_reason_{a.pk}", a.reason)
    errors: list[str] = []
    if request.method == "POST":
        typed = {
            a.pk: (
                request.POST.get(f"status_{a.pk}", a.status),
                request.POST.get(f"reason_{a.pk}", "")[:200].strip(),
            )
            for a in attendance
        }
        # Only rows the secretary changed: a member who signed in by QR after the page was
        # loaded must not be marked absent again by an untouched row.
        rows = [
            {"member": a.member_id, "status": typed[a.pk][0], "reason": typed[a.pk][1]}
            for a in attendance
            if typed[a.pk] != (a.was_status, a.was_reason)
        ]
        try:
            services.attendance_set(actor=request.user, meeting=meeting, rows=rows)
        except ServiceError as exc:
            errors = list(exc.errors.values())
            for a in attendance:  # keep what was typed
                a.status, a.reason = typed[a.pk]
        else:
            messages.success(request, "已保存出席情况。")
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_attendance.html",
        {
            "meeting": meeting,
            "org": meeting.org,
            "attendance": attendance,
            "errors": errors,
            "statuses": AttendanceStatus.choices,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def meeting_submit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.meeting_submit(
            actor=request.user,
            meeting=meeting,
            late_reason=form.cleaned_data.get("late_reason", ""),
        )
    except ServiceError as exc:
        return render(
            request,
            "meetings/meeting_detail.html",
            _detail_context(
                request, meeting, submit_errors=list(exc.errors.values()), submit_form=form
            ),
            status=400,
        )
    messages.success(request, "会议纪实已提交并锁定。此后修改须提交更正并说明理由。")
    return redirect("meeting_detail", pk=meeting.pk)


# ---------------------------------------------------------------- guests, resolutions, follow-ups, attachments


def _small_write(request, pk, form_class, call, done: str, **form_kwargs):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = form_class(
        request.POST, request.FILES, **{k: v(meeting) for k, v in form_kwargs.items()}
    )
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            call(meeting, form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, "；".join(exc.errors.values()))
        else:
            messages.success(request, done)
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def guest_add(request, pk):
    return _small_write(
        request,
        pk,
        GuestForm,
        lambda m, d: services.guest_add(actor=request.user, meeting=m, **d),
        "已添加列席人员。",
    )


@login_required
@require_POST
def resolution_add(request, pk):
    return _small_write(
        request,
        pk,
        ResolutionForm,
        lambda m, d: services.resolution_add(actor=request.user, meeting=m, **d),
        "已添加决议。",
    )


@login_required
@require_POST
def follow_up_add(request, pk):
    def call(m, d):
        owner = Member.objects.filter(pk=d["owner"]).first() if d.get("owner") else None
        services.follow_up_add(
            actor=request.user, meeting=m, text=d["text"], owner=owner, due_on=d.get("due_on")
        )

    return _small_write(
        request, pk, FollowUpForm, call, "已添加跟进事项。", members=_members_for_meeting
    )


def _members_for_meeting(meeting):
    return _members_for(meeting.org)


@login_required
@require_POST
def attachment_add(request, pk):
    return _small_write(
        request,
        pk,
        AttachmentForm,
        lambda m, d: services.attachment_add(actor=request.user, meeting=m, upload=d["file"]),
        "已上传附件。",
    )


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    meeting = get_meeting_for_user(request.user, pk)
    item = Attachment.objects.filter(meeting=meeting, pk=attachment_pk).first()
    if item is None:
        raise Http404("附件不存在")
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not item.content_type.startswith("image/"),
        filename=item.name,
        content_type=item.content_type,
    )


# ---------------------------------------------------------------- QR sign-in


def _qr_context(request, meeting: Meeting) -> dict:
    window = signin.current_window(meeting)
    path = signin.signin_path(meeting)
    q = services.quorum(meeting)
    return {
        "meeting": meeting,
        "org": meeting.org,
        "window": window,
        "url": request.build_absolute_uri(path),
        "svg": signin.qr_svg(request.build_absolute_uri(path)),
        "quorum": q,
        "seconds": signin.window_seconds(meeting),
    }


@login_required
@require_GET
def meeting_qr(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.status != MeetingStatus.STARTED:
        messages.error(
            request,
            "会议未在进行中，不能出示签到二维码。" if not meeting.is_locked else signin.CLOSED,
        )
        return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_qr.html", _qr_context(request, meeting))


@login_required
@require_GET
def meeting_qr_live(request, pk):
    """The htmx fragment the host's screen polls: 204 (keep) while the window and the count are
    unchanged, the new QR and count otherwise."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.status != MeetingStatus.STARTED:  # submitted meanwhile: stop polling
        return render(
            request,
            "meetings/meeting_qr_live.html",
            {"meeting": meeting, "quorum": services.quorum(meeting)},
        )
    context = _qr_context(request, meeting)
    if request.GET.get("w") == str(context["window"]) and request.GET.get("p") == str(
        context["quorum"].present
    ):
        return HttpResponse(status=204)
    return render(request, "meetings/meeting_qr_live.html", context)


@require_GET
def meeting_signin(request, pk):
    """The page a scanned QR code opens. Not logged in: a valid current code is remembered in the
    session (signin.LOGIN_GRACE) and the login page brings the member back here."""
    try:
        meeting = Meeting.objects.select_related("org").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("会议不存在") from None
    code, window = request.GET.get("c", ""), request.GET.get("w", "")
    if not request.user.is_authenticated:
        try:
            scanned = signin.check_code(meeting=meeting, code=code, window=window)
        except signin.SignInError:
            pass  # log in first anyway; the check after login explains what is wrong
        else:
            request.session[signin.SESSION_KEY] = {
                "meeting": meeting.pk,
                "window": scanned,
                "at": time.time(),
            }
        return redirect_to_login(request.get_full_path())
    scan = request.session.get(signin.SESSION_KEY) or {}
    scanned_window = None
    if scan.get("meeting") == meeting.pk and time.time() - scan.get("at", 0) <= signin.LOGIN_GRACE:
        scanned_window = scan.get("window")
    try:
        row = signin.verify(
            user=request.user,
            meeting=meeting,
            code=code,
            window=window,
            scanned_window=scanned_window,
        )
    except signin.SignInError as exc:
        return render(
            request,
            "meetings/signin_result.html",
            {"meeting": meeting, "ok": False, "message": exc.message},
            status=400,
        )
    request.session.pop(signin.SESSION_KEY, None)
    return render(
        request,
        "meetings/signin_result.html",
        {"meeting": meeting, "ok": True, "message": "签到成功", "row": row},
    )
