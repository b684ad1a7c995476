"""党务公开 pages: an organization's list (what its viewer may see), publishing, one publication,
withdrawing; and the public pages (no login) that show only public-scope publications.

A publication's page renders its stored snapshot only: it reads no live data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.models import Organization
from orglife.orgs.services import ServiceError

from . import queries, registry, services
from .forms import PublishForm, WithdrawForm
from .models import Audience, Publication


def _page(request, qs):
    return Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))


def _get_publication(pk: int) -> Publication:
    pub = Publication.objects.select_related("org").filter(pk=pk).first()
    if pub is None:
        raise Http404("公开事项不存在")
    return pub


def _context(pub: Publication) -> dict:
    kind = registry.KINDS.get(pub.kind)
    return {"pub": pub, "snap": pub.snapshot, "kind_label": registry.label(pub.kind),
            "kind_template": kind.template if kind else None}


@login_required
@require_GET
def org_list(request, code):
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise Http404("组织不存在")
    seen = queries.audiences(request.user, org)
    if seen == {Audience.PUBLIC.value}:
        raise PermissionDenied("您不是该组织的党员，请查看公开页面")
    return render(request, "disclosure/org_list.html", {
        "org": org, "page": _page(request, queries.for_org(org, seen)),
        "can_publish": scope.can_manage(request.user, org),
    })


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = PublishForm(request.POST or None, org=org, actor=request.user)
    if request.method == "POST" and form.is_valid():
        kind, value = form.kind_and_value()
        try:
            pub = services.publish(actor=request.user, org=org, kind=kind, value=value,
                                   audience=form.cleaned_data["audience"], title=form.cleaned_data["title"])
        except ServiceError as exc:
            for field, message in exc.errors.items():
                form.add_error("source" if field == "kind" else field if field in form.fields else None, message)
        else:
            messages.success(request, "已发布")
            return redirect("disclosure_detail", pub.pk)
    return render(request, "disclosure/publish.html", {"org": org, "form": form})


@login_required
@require_GET
def detail(request, pk):
    pub = _get_publication(pk)
    if pub.audience not in queries.audiences(request.user, pub.org):
        raise PermissionDenied("您没有查看该公开事项的权限")
    ctx = _context(pub)
    ctx["can_withdraw"] = not pub.is_withdrawn and scope.can_manage(request.user, pub.org)
    ctx["withdraw_form"] = WithdrawForm()
    return render(request, "disclosure/detail.html", ctx)


@login_required
@require_POST
def withdraw(request, pk):
    pub = _get_publication(pk)
    if not scope.can_manage(request.user, pub.org):
        raise PermissionDenied("只有本组织的管理者可以撤回党务公开")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(actor=request.user, publication=pub, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            pub = _get_publication(pk)
            for message in exc.errors.values():
                if pub.is_withdrawn:  # no form is shown any more: say it above the page
                    messages.error(request, message)
                else:
                    form.add_error("reason", message)
        else:
            messages.success(request, "已撤回")
            return redirect("disclosure_detail", pub.pk)
    ctx = _context(pub)
    ctx.update(can_withdraw=not pub.is_withdrawn, withdraw_form=form)
    return render(request, "disclosure/detail.html", ctx, status=400)


# ---------------------------------------------------------------- public pages (no login)


def _public_org(code) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise Http404("组织不存在")
    return org


@require_GET
def public_index(request, code):
    org = _public_org(code)
    return render(request, "disclosure/public_index.html",
                  {"org": org, "page": _page(request, queries.public_for_org(org))})


@require_GET
def public_detail(request, code, pk):
    org = _public_org(code)
    # Anything not published to the public scope does not exist here (404, not 403: no hint).
    pub = Publication.objects.filter(pk=pk, org=org, audience=Audience.PUBLIC).first()
    if pub is None:
        raise Http404("公开事项不存在")
    pub.org = org
    return render(request, "disclosure/public_detail.html", _context(pub))
