"""Pages for 谈心谈话, 双重组织生活 and to-dos: parse, authorize, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orglife.core import scope, text
from orglife.orgs.models import ON_ROSTER, Member
from orglife.orgs.services import ServiceError
from orglife.rules.talks import CATEGORY_LABELS

from . import dual_life, talk_queries, talk_services, todos
from .talk_forms import TalkForm, TalkTodoForm


def _year(request) -> int:
    this = timezone.localdate().year
    year = text.parse_year(request.GET.get("year"), this)
    return year if year <= this + 1 else this


def _roster(org) -> list[Member]:
    return list(Member.objects.filter(org=org, status__in=ON_ROSTER).order_by("name", "id").only("id", "name")[:500])


def _talk_page(request, org, *, form=None, todo_form=None, status=200):
    year = _year(request)
    can_manage = scope.can_manage(request.user, org)
    page = Paginator(talk_queries.org_talks(org, year), settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    members = _roster(org) if can_manage else []
    coverage = talk_queries.org_coverage(org, year)
    return render(request, "meetings/talk_list.html", {
        "org": org, "year": year, "page": page, "query": f"year={year}", "coverage": coverage,
        "categories": [(c, CATEGORY_LABELS[c]) for c in coverage.categories],
        # A to-do's reason (sanction, hardship) is personal: only the organization's managers read it.
        "todos": talk_queries.open_todos(org) if scope.manages_directly(request.user, org) else [],
        "todo_count": None if scope.manages_directly(request.user, org) else talk_queries.open_todo_count(org),
        "can_manage": can_manage,
        "form": form or (TalkForm(members=members, initial={"held_on": timezone.localdate()}) if can_manage else None),
        "todo_form": todo_form or (TalkTodoForm(members=members) if can_manage else None),
    }, status=status)


@login_required
@require_GET
def talk_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    return _talk_page(request, org)


@login_required
@require_POST
def talk_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    members = _roster(org)
    form = TalkForm(request.POST, members=members)
    if form.is_valid():
        chosen = [m for m in members if m.pk in set(form.cleaned_data["participants"])]
        try:
            talk = talk_services.talk_record(
                actor=request.user, org=org, held_on=form.cleaned_data["held_on"], topic=form.cleaned_data["topic"],
                participants=chosen, summary=form.cleaned_data["summary"],
            )
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已记录谈心谈话。")
            return redirect("talk_detail", pk=talk.pk)
    return _talk_page(request, org, form=form, status=400)


@login_required
@require_POST
def talk_todo_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    members = _roster(org)
    form = TalkTodoForm(request.POST, members=members)
    if form.is_valid():
        member = next((m for m in members if m.pk == form.cleaned_data["member"]), None)
        try:
            todo = talk_services.talk_todo_raise(actor=request.user, org=org, member=member,
                                                 reason=form.cleaned_data["reason"], due_on=form.cleaned_data["due_on"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已添加与{todo.member.name}谈话的任务。")
            return redirect("talk_list", code=org.code)
    return _talk_page(request, org, todo_form=form, status=400)


@login_required
@require_GET
def talk_detail(request, pk):
    talk, sees_summary = talk_queries.get_talk_for_user(request.user, pk)
    return render(request, "meetings/talk_detail.html", {
        "talk": talk, "participants": talk_queries.participants(talk), "sees_summary": sees_summary,
        "closed_todos": talk_queries.closed_todos(talk) if sees_summary else [],
        "can_view_org": scope.can_view(request.user, talk.org),
    })


@login_required
@require_GET
def dual_life_report(request, code):
    org = scope.get_org_for_user(request.user, code)
    year = _year(request)
    gaps_only = request.GET.get("gaps") == "1"
    # A grant that does not cover the subtree (non-recursive) shows only the organizations it covers.
    visible = None if scope.covers_subtree(request.user, org) else scope.org_q(request.user, prefix="org__")
    qs = dual_life.cadres_with_gaps(org, year, visible) if gaps_only else dual_life.cadres(org, visible)
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = dual_life.compute(list(page.object_list), year)
    return render(request, "meetings/dual_life.html", {
        "org": org, "year": year, "page": page, "rows": rows, "gaps_only": gaps_only,
        "query": f"year={year}" + ("&gaps=1" if gaps_only else ""),
        "totals": dual_life.subtree_totals(org, year, visible),
    })


@login_required
@require_GET
def org_todos(request, code):
    org = scope.get_org_for_user(request.user, code)
    items = todos.for_org(org, reasons=scope.manages_directly(request.user, org),
                          reviews=scope.can_manage(request.user, org))
    return render(request, "meetings/todos.html", {"org": org, "groups": todos.grouped(items), "count": len(items)})
