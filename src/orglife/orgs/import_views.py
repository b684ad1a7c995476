"""Roster import and export pages: upload a roster, see what it did, download files.

The rules live in roster_io; these views only check the upload's shape, authorize and render.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from orglife.core.scope import can_manage, get_org_for_user

from . import roster_io
from .models import RosterImport

MAX_ERRORS_SHOWN = 1000
RECENT_IMPORTS = 5


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="选择花名册文件（.xlsx）",
        error_messages={"required": "请选择要导入的花名册文件", "empty": "文件是空的"},
        widget=forms.FileInput(attrs={"accept": ".xlsx," + roster_io.XLSX_TYPE}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载导入模板）"
            )
        if upload.size > settings.ORGLIFE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {roster_io.max_upload_text()}")
        problem = roster_io.sniff(upload.read(8))
        upload.seek(0)
        if problem:
            raise forms.ValidationError(problem)
        return upload


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=roster_io.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _import_for_user(user, pk: int) -> RosterImport:
    """The import, if the user may manage the organization it went into."""
    record = get_object_or_404(RosterImport.objects.select_related("org", "actor"), pk=pk)
    if not can_manage(user, record.org):
        raise PermissionDenied("您没有查看该导入记录的权限")
    return record


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request, code):
    org = get_org_for_user(request.user, code, write=True)
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            record = roster_io.import_roster(
                actor=request.user, org=org, fileobj=upload, filename=upload.name
            )
            return redirect("import_result", pk=record.pk)
    else:
        form = RosterUploadForm()
    recent = (
        RosterImport.objects.filter(org=org)
        .select_related("actor")
        .defer("errors")[:RECENT_IMPORTS]
    )
    return render(
        request,
        "orgs/import.html",
        {
            "org": org,
            "form": form,
            "recent": recent,
            "max_upload": roster_io.max_upload_text(),
        },
    )


@login_required
@require_GET
def import_result(request, pk):
    record = _import_for_user(request.user, pk)
    return render(
        request,
        "orgs/import_result.html",
        {
            "record": record,
            "org": record.org,
            "errors": record.errors[:MAX_ERRORS_SHOWN],
            "error_count": len(record.errors),
            "truncated": len(record.errors) > MAX_ERRORS_SHOWN,
            "not_imported": roster_io.NOT_IMPORTED,
        },
    )


@never_cache
@login_required
@require_GET
def import_errors_xlsx(request, pk):
    record = _import_for_user(request.user, pk)
    if record.accepted:
        raise Http404("该次导入没有错误")
    return _xlsx_response(roster_io.error_report_xlsx(record), f"导入错误报告-{record.pk}.xlsx")


@login_required
@require_GET
def roster_template(request):
    return _xlsx_response(roster_io.template_xlsx(), "党员花名册导入模板.xlsx")


@never_cache
@login_required
@require_GET
def roster_export(request, code):
    org = get_org_for_user(request.user, code, write=False)
    try:
        data = roster_io.export_xlsx(org, request.user, limit=settings.ORGLIFE_MAX_EXPORT_ROWS)
    except roster_io.ExportTooLarge as exc:
        messages.error(request, str(exc))
        return redirect("org_detail", code=org.code)
    return _xlsx_response(data, f"{org.name}-党员花名册-{timezone.localdate():%Y%m%d}.xlsx")
