"""The exemption page of an organization: everyone in scope reads; managers of the organization
above approve or revoke (the branch does not exempt itself)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.services import ServiceError
from orglife.rules.compliance import KIND_LABELS

from . import exemption_services
from .models import Exemption


class ExemptionForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=list(KIND_LABELS.items()))
    period = forms.CharField(label="期间", max_length=10, help_text="如 2026-03（月）、2026-Q1（季度）、2026-H1（半年）、2026（年）")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


@login_required
@require_http_methods(["GET", "POST"])
def exemption_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    may_approve = scope.manages_above(request.user, org)
    form = ExemptionForm(request.POST or None)
    if request.method == "POST":
        if not may_approve:
            raise PermissionDenied("只有上级组织的管理者可以批准免于召开")
        if form.is_valid():
            try:
                exemption_services.exemption_grant(actor=request.user, org=org, **form.cleaned_data)
            except ServiceError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "已批准免于召开。")
                return redirect("exemption_list", code=org.code)
    exemptions = Exemption.objects.filter(org=org).select_related("approved_by").order_by("-period", "kind")
    return render(request, "meetings/exemptions.html", {
        "org": org, "exemptions": exemptions, "form": form, "may_approve": may_approve, "kind_labels": KIND_LABELS,
    })


@login_required
@require_POST
def exemption_revoke(request, pk):
    exemption = get_object_or_404(Exemption.objects.select_related("org"), pk=pk)
    org = scope.get_org_for_user(request.user, exemption.org.code)
    if not scope.manages_above(request.user, org):
        raise PermissionDenied("只有上级组织的管理者可以撤销免于召开")
    exemption_services.exemption_revoke(actor=request.user, exemption=exemption)
    messages.success(request, "已撤销。")
    return redirect("exemption_list", code=org.code)
