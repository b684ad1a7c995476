"""Reads that cross models or must stay fast. Every function takes the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils import timezone

from orglife.core import scope
from orglife.core.models import AuditEvent
from orglife.rules import org_checks
from orglife.rules.loader import get_profile

from . import search
from .models import (
    ON_ROSTER,
    Category,
    Member,
    MemberOrgHistory,
    Organization,
    OrgKind,
    PostHolding,
    Term,
)


@dataclass
class Node:
    org: Organization
    members: int  # roster members in the whole subtree
    full_members: int
    has_children: bool


def subtree_ids(org: Organization) -> QuerySet:
    return Organization.objects.filter(path__startswith=org.path).values("id")


def visible_subtree_ids(user, org: Organization, min_role: str = "viewer") -> QuerySet:
    """Ids of org's subtree that the user may see: all of it under a recursive grant; with a
    non-recursive grant only the organizations the user's grants cover."""
    qs = Organization.objects.filter(path__startswith=org.path)
    if not scope.covers_subtree(user, org):
        qs = qs.filter(scope.org_q(user, min_role))
    return qs.values("id")


def subtree_totals(parent: Organization | None, orgs: list[Organization]) -> dict[str, tuple[int, int]]:
    """Member totals of each org's subtree, keyed by path: one aggregate over the org table."""
    if not orgs:
        return {}
    depth = orgs[0].depth
    length = depth * Organization.steplen
    # 党小组 members are already counted in their branch.
    qs = Organization.objects.filter(depth__gte=depth).exclude(kind=OrgKind.PARTY_GROUP)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path)
    else:
        qs = qs.filter(Q(*[Q(path__startswith=o.path) for o in orgs], _connector=Q.OR))
    # order_by() clears the tree ordering, which would otherwise split the GROUP BY per node.
    rows = qs.order_by().annotate(prefix=Substr("path", 1, length)).values("prefix").annotate(
        total=Sum("member_count"), full=Sum("full_member_count")
    )
    return {r["prefix"]: (r["total"] or 0, r["full"] or 0) for r in rows}


def nodes(user, orgs: list[Organization], parent: Organization | None = None) -> list[Node]:
    totals: dict[str, tuple[int, int]] = {}
    by_depth: dict[int, list[Organization]] = {}
    for org in orgs:
        by_depth.setdefault(org.depth, []).append(org)
    for same_depth in by_depth.values():
        totals.update(subtree_totals(parent, same_depth))
    return [
        Node(o, *(totals.get(o.path, (0, 0)) if o.kind != OrgKind.PARTY_GROUP else (o.member_count, o.full_member_count)),
             has_children=o.numchild > 0)
        for o in orgs
    ]


def tree_roots(user) -> list[Node]:
    return nodes(user, list(scope.scope_roots(user)))


def tree_children(user, parent: Organization) -> list[Node]:
    children = parent.get_children().order_by("path")
    q = scope.org_q(user)
    if q is not None:
        children = children.filter(q)
    return nodes(user, list(children), parent)


def ancestors(org: Organization) -> list[Organization]:
    return list(Organization.objects.filter(path__in=org.ancestor_paths()).order_by("depth"))


def current_term(org: Organization) -> Term | None:
    term = Term.objects.filter(org=org, ended_on__isnull=True).order_by("-started_on").first()
    if term is not None:
        term.holdings = list(
            PostHolding.objects.filter(term=term, ended_on__isnull=True).select_related("member").order_by("id")
        )
    return term


def committee_min_holders() -> int:
    """A 支部委员会 exists when the current term has at least this many office holders (RULES
    §1.1: 3–5 members). The rule is tighten: none, so the national library answers for all."""
    return int(get_profile().value("org.committee.size_min"))


def orgs_with_committee(term_org_q: Q) -> set[int]:
    """Ids of organizations (term_org_q over PostHolding, e.g. Q(term__org_id__in=ids)) whose
    current term has a committee: one aggregate, whatever the number of organizations."""
    rows = (
        PostHolding.objects.filter(term_org_q, ended_on__isnull=True, term__ended_on__isnull=True)
        .values("term__org_id")
        .annotate(n=Count("member_id", distinct=True))
        .filter(n__gte=committee_min_holders())
        .values_list("term__org_id", flat=True)
    )
    return set(rows)


def org_findings(org: Organization, term: Term | None, on: dt.date | None = None) -> list[org_checks.Finding]:
    """RULES §1.1 size checks and §1.4 term checks for one organization."""
    on = on or timezone.localdate()
    profile = org.profile()
    holders = {h.member_id for h in getattr(term, "holdings", [])}
    has_committee = len(holders) >= committee_min_holders()
    findings = org_checks.size_findings(
        profile, kind=org.kind, full_members=org.full_member_count, total_members=org.member_count,
        has_committee=has_committee, on=on,
    )
    if term is None and org.is_branch:
        findings.append(org_checks.Finding("org.term_years", "warning", "尚未登记本届委员会（或书记）任期。"))
    findings += org_checks.term_findings(profile, term_end=term.expires_on if term else None, on=on)
    return findings


MASK_VISIBLE_TAIL = 4  # Member.masked_id shows the last 4 characters


@dataclass
class RosterFilter:
    q: str = ""
    category: str = ""
    status: str = ""  # "" = everyone on the roster; "all" = including transferred out / deceased
    branch: str = ""  # an org code inside the page's subtree
    subtree: bool = True  # False: the organization's own members only


def roster_base(org: Organization, f: RosterFilter) -> Organization:
    """The organization whose roster is listed: the page's, or a named one inside it."""
    if f.branch:
        named = Organization.objects.filter(code=f.branch, path__startswith=org.path).first()
        return named or org
    return org


def roster(user, base: Organization | None, f: RosterFilter) -> QuerySet:
    """Members matching the filter, ordered for the roster: base's subtree (or base alone when
    f.subtree is False), or with base None everyone the user may see plus their own record.
    Load pages of it through RosterPaginator (ids first, then only the page's rows)."""
    if base is None:
        in_scope = scope.org_q(user, prefix="org__")
        qs = Member.objects.all() if in_scope is None else Member.objects.filter(in_scope | Q(user=user))
    elif base.kind == OrgKind.PARTY_GROUP:  # a group's roster is its group members
        qs = Member.objects.filter(party_group=base)
    elif not f.subtree:
        qs = Member.objects.filter(org=base)
    else:
        # A non-recursive grant covers its organization, not the branches below it.
        qs = Member.objects.filter(org_id__in=visible_subtree_ids(user, base))
    if f.status == "all":
        pass
    elif f.status:
        qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status__in=ON_ROSTER)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.q:
        qs = _search(qs, user, f.q)
    return qs.order_by("org_id", "id")


def _search(qs: QuerySet, user, text: str) -> QuerySet:
    kind, value = search.classify(text)
    if kind == "initials":
        return qs.filter(name_initials__startswith=value)
    if kind == "id_tail":
        qs = qs.filter(id_reversed__startswith=search.reverse_id(value))
        if len(value) > MASK_VISIBLE_TAIL:
            # Beyond the characters a masked number shows, a search would confirm hidden digits:
            # match only members whose full number the user may see (managers, and oneself).
            managed = scope.org_q(user, scope.WRITE, prefix="org__")
            if managed is not None:
                qs = qs.filter(managed | Q(user=user))
        return qs
    if connection.vendor == "postgresql":
        # Index lookup by character pairs (migration orgs.0003); LIKE stays as the exact recheck.
        qs = qs.filter(RawSQL("orglife_name_grams(orgs_member.name) @> orglife_name_grams(%s)",
                              [value], output_field=BooleanField()))
    return qs.filter(name__contains=value)


def roster_count(base: Organization, f: RosterFilter, user) -> int | None:
    """The roster's size from the cached per-organization counts, when only the subtree and the
    category are filtered (the common case, and the costliest to COUNT at scale); else None.
    Given the viewer, also None when their scope covers only part of the subtree."""
    if f.q or f.status or not f.subtree:
        return None
    if base.kind != OrgKind.PARTY_GROUP and not scope.covers_subtree(user, base):
        return None
    if base.kind == OrgKind.PARTY_GROUP:
        total, full = base.member_count, base.full_member_count
    else:
        total, full = subtree_totals(None, [base]).get(base.path, (0, 0))
    return {"": total, Category.FULL: full, Category.PROBATIONARY: total - full}[f.category]


class RosterPaginator(Paginator):
    """Pages of member ids first (index-only at scale), then the page's rows with their orgs."""

    def __init__(self, object_list, per_page, known_count: int | None = None):
        super().__init__(object_list, per_page)
        self._known_count = known_count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else super().count

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list.values_list("id", flat=True))
        rows = Member.objects.select_related("org", "party_group").in_bulk(ids)
        return super()._get_page([rows[i] for i in ids if i in rows], number, paginator)


def branch_choices(org: Organization) -> list[Organization]:
    """Organizations inside org's subtree that hold members, for the roster's branch filter."""
    return list(
        Organization.objects.filter(path__startswith=org.path, member_count__gt=0).order_by("path")
        .only("code", "name", "path", "depth")[:500]
    )


def member_history(member: Member) -> list[MemberOrgHistory]:
    return list(MemberOrgHistory.objects.filter(member=member).select_related("org"))


def member_posts(member: Member) -> list[PostHolding]:
    return list(PostHolding.objects.filter(member=member).select_related("term", "term__org").order_by("-term__started_on"))


def org_events(user, org: Organization) -> QuerySet:
    in_org = Q(org_id__in=visible_subtree_ids(user, org, min_role="administrator"))
    if user.is_superuser and org.depth == 1:
        in_org |= Q(org__isnull=True)  # account and token events belong to no organization
    return (
        AuditEvent.objects.filter(in_org)
        .select_related("actor", "org")
        .order_by("-created_at", "-id")
    )


def org_history(org: Organization) -> list[AuditEvent]:
    """The organization's own changes (renames, moves), newest first."""
    return list(
        AuditEvent.objects.filter(target_type="orgs.organization", target_id=str(org.pk))
        .exclude(action="org.create")
        .select_related("actor").order_by("-created_at", "-id")[:20]
    )


def post_candidates(org: Organization) -> list[Member]:
    """Members who may hold a post in org: its roster (a group's own members), at most 300."""
    qs = Member.objects.filter(status__in=ON_ROSTER).select_related("org")
    qs = qs.filter(party_group=org) if org.kind == OrgKind.PARTY_GROUP else qs.filter(org_id__in=subtree_ids(org))
    return list(qs.order_by("org_id", "name_initials")[:300])
