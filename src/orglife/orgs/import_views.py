"""Roster import and export views (placeholder: being built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def roster_export(request, code):
    return HttpResponse(status=501)


@login_required
def roster_import(request, code):
    return HttpResponse(status=501)


@login_required
def import_result(request, pk):
    return HttpResponse(status=501)


@login_required
def import_errors_xlsx(request, pk):
    return HttpResponse(status=501)


@login_required
def roster_template(request):
    return HttpResponse(status=501)
