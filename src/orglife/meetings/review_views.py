"""Review of meeting records by the organization above: the queue, approve, return."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from orglife.orgs.services import ServiceError

from . import review_services
from .models import ReturnReason
from .views import get_meeting_for_user


class ReturnForm(forms.Form):
    reasons = forms.MultipleChoiceField(label="退回理由", choices=ReturnReason.choices,
                                        widget=forms.CheckboxSelectMultiple, required=False)
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
@require_GET
def record_pending(request):
    page = Paginator(review_services.pending_records(request.user), settings.ORGLIFE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "meetings/record_pending.html", {"page": page})


def _reviewable(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    if not review_services.may_review(request.user, meeting):
        raise PermissionDenied("只有上级组织的管理者可以审核会议纪实")
    return meeting


@login_required
@require_POST
def record_approve(request, pk):
    meeting = _reviewable(request, pk)
    try:
        review_services.record_approve(actor=request.user, meeting=meeting, comment=request.POST.get("comment", ""))
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "会议纪实已审核通过。")
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def record_return(request, pk):
    meeting = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        review_services.record_return(actor=request.user, meeting=meeting, reasons=form.cleaned_data.get("reasons"),
                                      comment=form.cleaned_data.get("comment", ""))
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "已退回，党支部修改后可重新提交。")
    return redirect("meeting_detail", pk=meeting.pk)
