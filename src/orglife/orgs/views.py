"""Pages for the organization tree, organizations, rosters and members: parse, authorize, call,
render. Rules live in services.py, queries.py and orglife.rules."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from orglife.core import scope
from orglife.core.models import Role
from orglife.meetings import dual_life, talk_queries, todos

from . import queries, services
from .forms import MemberForm, MoveForm, OrgForm, PostForm, TermForm
from .models import Category, Organization, OrgKind, Status
from .validation import REQUIRED


@login_required
@require_GET
def org_tree(request):
    roots = queries.tree_roots(request.user)
    if not roots:
        return redirect("me") if hasattr(request.user, "member") else render(request, "core/no_access.html", status=403)
    # Open the first level below each root so a committee officer sees their branches at once.
    children = {n.org.pk: queries.tree_children(request.user, n.org) for n in roots[:3]}
    return render(request, "orgs/tree.html", {"roots": roots, "children": children})


@login_required
@require_GET
def org_children(request, code):
    org = scope.get_org_for_user(request.user, code)
    return render(request, "orgs/_tree_nodes.html", {"nodes": queries.tree_children(request.user, org)})


@login_required
@require_GET
def org_detail(request, code):
    org = scope.get_org_for_user(request.user, code)
    term = queries.current_term(org)
    totals = queries.nodes(request.user, [org])[0]
    return render(request, "orgs/org_detail.html", {
        "org": org,
        "ancestors": queries.ancestors(org),
        "term": term,
        "findings": queries.org_findings(org, term),
        "children": queries.tree_children(request.user, org),
        "totals": {"members": totals.members, "full": totals.full_members,
                   "probationary": totals.members - totals.full_members},
        "history": queries.org_history(org),
        "can_manage": scope.can_manage(request.user, org),
        "can_administer": scope.can_administer(request.user, org),
        "can_restructure": scope.manages_above(request.user, org),
        "profile": org.profile(),
    })


@login_required
@require_GET
def roster(request, code):
    org = scope.get_org_for_user(request.user, code)
    f = queries.RosterFilter(
        q=request.GET.get("q", "").strip()[:40],
        category=request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        status=request.GET.get("status", "") if request.GET.get("status") in [*Status.values, "all"] else "",
        branch=request.GET.get("branch", "").strip()[:32],
    )
    base = queries.roster_base(org, f)
    paginator = queries.RosterPaginator(queries.roster(request.user, base, f), settings.ORGLIFE_PAGE_SIZE,
                                        known_count=queries.roster_count(base, f, request.user))
    page = paginator.get_page(request.GET.get("page"))
    rows = [(m, scope.sees_personal_data(request.user, m)) for m in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orgs/roster.html", {
        "org": org, "page": page, "rows": rows, "filter": f, "query": query.urlencode(),
        "branches": queries.branch_choices(org), "categories": Category.choices, "statuses": Status.choices,
        "can_manage": scope.can_manage(request.user, org),
    })


@login_required
@require_GET
def member_detail(request, pk):
    member = scope.get_member_for_user(request.user, pk)
    return render(request, "orgs/member_detail.html", _member_context(request, member))


def _member_context(request, member):
    return {
        "m": member,
        "personal": scope.sees_personal_data(request.user, member),
        "can_manage": scope.can_manage(request.user, member.org),
        "history": queries.member_history(member),
        "posts": queries.member_posts(member),
        "dual_life": dual_life.for_member(member, timezone.localdate().year),
    }


@login_required
@require_GET
def me(request):
    member = getattr(request.user, "member", None)
    todo_groups = todos.grouped(todos.for_user(request.user))
    if member is None:
        return render(request, "orgs/me.html", {"m": None, "todo_groups": todo_groups})
    member = scope.get_member_for_user(request.user, member.pk)
    return render(request, "orgs/me.html", {**_member_context(request, member), "todo_groups": todo_groups,
                                            "my_talks": talk_queries.member_talks(member, timezone.localdate().year)})


FORM_CHOICES_LIMIT = 500


def _form_choices(org: Organization, member=None):
    """Where a manager of org may place a member: member-holding organizations and groups below it
    (at most FORM_CHOICES_LIMIT of each, read in SQL), always with the member's current ones."""
    below = Organization.objects.filter(path__startswith=org.path).order_by("path").only("code", "name", "kind", "path", "depth")
    orgs = list(below.filter(kind__in=services.MEMBER_ORG_KINDS)[:FORM_CHOICES_LIMIT])
    groups = list(below.filter(kind=OrgKind.PARTY_GROUP)[:FORM_CHOICES_LIMIT])
    if member is not None:
        if member.org_id not in {o.pk for o in orgs}:
            orgs.append(member.org)
        if member.party_group_id and member.party_group_id not in {o.pk for o in groups}:
            groups.append(member.party_group)
    return orgs, groups


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    orgs, groups = _form_choices(org)
    form = MemberForm(request.POST or None, org_choices=orgs, group_choices=groups,
                      initial={"org": org.code, "status": Status.ACTIVE, "category": Category.FULL})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(actor=request.user, data=form.cleaned_data)
        except services.ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已登记党员 {member.name}。")
            return redirect("member_detail", pk=member.pk)
    return render(request, "orgs/member_form.html", {"form": form, "org": org, "member": None, "required": REQUIRED})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = scope.get_member_for_user(request.user, pk, write=True)
    # A manager may move the member anywhere they manage at the member's top managed level.
    top = next((g for g in sorted(scope.grants(request.user), key=lambda g: len(g.path)) if g.covers(member.org)
                and scope.RANK[Role(g.role)] >= scope.RANK[Role.MANAGER]), None)
    anchor = Organization.objects.get(pk=top.org_id) if top else member.org
    orgs, groups = _form_choices(anchor, member)
    form = MemberForm(request.POST or None, org_choices=orgs, group_choices=groups,
                      initial=MemberForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, data=form.cleaned_data)
        except services.ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存。")
            return redirect("member_detail", pk=member.pk)
    return render(request, "orgs/member_form.html", {"form": form, "org": member.org, "member": member, "required": REQUIRED})


@login_required
@require_GET
def org_audit(request, code):
    org = scope.get_org_for_user(request.user, code, admin=True)
    page = Paginator(queries.org_events(request.user, org), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/audit.html", {"org": org, "page": page})




@login_required
@require_http_methods(["GET", "POST"])
def org_new(request, code):
    parent = scope.get_org_for_user(request.user, code, write=True)
    form = OrgForm(request.POST or None, initial={"kind": OrgKind.BRANCH})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已新建 {org.name}。")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": parent, "title": "新建下级组织"})


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.manages_above(request.user, org):
        raise PermissionDenied("只有上级组织的管理者可以修改本组织信息")
    initial = {f: getattr(org, f) for f in ("code", "name", "kind", "established_on", "dissolved_on", "rule_profile")}
    form = OrgForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            services.org_update(actor=request.user, org=org, **fields)
        except services.ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存。")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": "修改组织信息"})


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, code):
    org = scope.get_org_for_user(request.user, code)
    if not scope.manages_above(request.user, org):
        raise PermissionDenied("只有上级组织的管理者可以调整隶属关系")
    holders = [k for k in services.ALLOWED_PARENTS[org.kind] if k]
    parents = list(scope.visible_orgs(request.user, Role.MANAGER).exclude(path__startswith=org.path)
                   .filter(kind__in=holders).order_by("path")[:500])
    form = MoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        new_parent = scope.get_org_for_user(request.user, form.cleaned_data["new_parent"], write=True)
        try:
            services.org_move(actor=request.user, org=org, new_parent=new_parent)
        except services.ServiceError as exc:
            form.add_error("new_parent", exc.errors.get("parent"))
        else:
            messages.success(request, f"已将 {org.name} 调整到 {new_parent.name} 之下。")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": "调整隶属关系"})


@login_required
@require_http_methods(["GET", "POST"])
def term_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_start(actor=request.user, org=org, **form.cleaned_data)
        except services.ServiceError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "已登记新一届任期，请登记委员职务。")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": "登记新一届任期（换届）"})


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    term = queries.current_term(org)
    if term is None:
        messages.error(request, "请先登记本届任期。")
        return redirect("term_new", code=org.code)
    members = queries.post_candidates(org)
    form = PostForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        try:
            services.post_assign(actor=request.user, term=term, member=member, post=form.cleaned_data["post"])
        except services.ServiceError as exc:
            form.add_error("member", exc.errors.get("member"))
        else:
            messages.success(request, f"已任命 {member.name}。")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": "任命职务"})
