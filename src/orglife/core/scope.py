"""Access scope: which organizations a user may see or manage. Every view and API call uses this.

A RoleGrant gives a role on one organization and, when recursive, on its whole subtree. The
helpers return the object or raise Http404 (does not exist) / PermissionDenied (exists, not yours).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Role, RoleGrant

RANK = {Role.VIEWER: 1, Role.MANAGER: 2, Role.ADMINISTRATOR: 3}
WRITE = Role.MANAGER
ADMIN = Role.ADMINISTRATOR


@dataclass(frozen=True)
class Grant:
    org_id: int
    path: str
    role: str
    recursive: bool

    def covers(self, org) -> bool:
        return org.pk == self.org_id or (self.recursive and org.path.startswith(self.path))


def grants(user) -> list[Grant]:
    """The user's grants, loaded once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_orglife_grants", None)
    if cached is None:
        cached = [
            Grant(g.org_id, g.org.path, g.role, g.recursive)
            for g in RoleGrant.objects.filter(user=user).select_related("org").only("org__path", "role", "recursive", "org_id")
        ]
        user._orglife_grants = cached
    return cached


def role_on(user, org) -> int:
    """Highest role rank the user holds on org (0 = none)."""
    if user.is_authenticated and user.is_superuser:
        return RANK[ADMIN]
    return max((RANK[Role(g.role)] for g in grants(user) if g.covers(org)), default=0)


def can_view(user, org) -> bool:
    return role_on(user, org) >= RANK[Role.VIEWER]


def can_manage(user, org) -> bool:
    return role_on(user, org) >= RANK[WRITE]


def can_administer(user, org) -> bool:
    return role_on(user, org) >= RANK[ADMIN]


def covers_subtree(user, org) -> bool:
    """Whether the user may see org's whole subtree (a recursive grant at or above it)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(g.recursive and org.path.startswith(g.path) for g in grants(user))


def org_q(user, min_role: str = Role.VIEWER, prefix: str = "") -> Q | None:
    """A Q over Organization (or over a relation, with prefix 'org__') for the user's scope.

    None means "everything" (superuser); an empty scope gives a Q that matches nothing.
    """
    if user.is_authenticated and user.is_superuser:
        return None
    q = Q(pk__in=[])
    for g in grants(user):
        if RANK[Role(g.role)] < RANK[Role(min_role)]:
            continue
        q |= Q(**{f"{prefix}path__startswith": g.path}) if g.recursive else Q(**{f"{prefix}pk": g.org_id})
    return q


def visible_orgs(user, min_role: str = Role.VIEWER) -> QuerySet:
    from orglife.orgs.models import Organization

    q = org_q(user, min_role)
    qs = Organization.objects.all()
    return qs if q is None else qs.filter(q)


def scope_roots(user) -> QuerySet:
    """The topmost organizations of the user's scope (what the tree page starts from)."""
    from orglife.orgs.models import Organization

    if user.is_superuser:
        return Organization.get_root_nodes()
    paths = sorted({g.path for g in grants(user)})
    tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return Organization.objects.filter(path__in=tops).order_by("path")


def get_org_for_user(user, code: str, write: bool = False, admin: bool = False):
    from orglife.orgs.models import Organization

    try:
        org = Organization.objects.get(code=code)
    except Organization.DoesNotExist:
        raise Http404("组织不存在") from None
    need = ADMIN if admin else (WRITE if write else Role.VIEWER)
    if role_on(user, org) < RANK[Role(need)]:
        raise PermissionDenied("您没有该组织的相应权限")
    return org


def is_self(user, member) -> bool:
    return user.is_authenticated and member.user_id is not None and member.user_id == user.pk


def get_member_for_user(user, member_id: int, write: bool = False):
    from orglife.orgs.models import Member

    try:
        member = Member.objects.select_related("org", "party_group").get(pk=member_id)
    except (Member.DoesNotExist, ValueError):
        raise Http404("党员不存在") from None
    if write:
        if not can_manage(user, member.org):
            raise PermissionDenied("您没有管理该党员的权限")
    elif not (is_self(user, member) or can_view(user, member.org)):
        raise PermissionDenied("您没有查看该党员的权限")
    return member


def sees_personal_data(user, member) -> bool:
    """ID number and phone are shown in full only to the member and to managers of their org."""
    return is_self(user, member) or can_manage(user, member.org)


def managed_below_q(user, prefix: str = "") -> Q | None:
    """A Q for organizations strictly below those the user manages (the ones whose plans and
    records the user reviews as the organization above). None means everything (superuser)."""
    if user.is_authenticated and user.is_superuser:
        return None
    q = Q(pk__in=[])
    for g in grants(user):
        if RANK[Role(g.role)] < RANK[WRITE]:
            continue
        depth = len(g.path) // 4  # treebeard's steplen
        below = Q(**{f"{prefix}path__startswith": g.path})
        q |= below & (Q(**{f"{prefix}depth__gt": depth}) if g.recursive else Q(**{f"{prefix}depth": depth + 1}))
    return q


def manages_directly(user, org) -> bool:
    """A manager grant on this very organization (not inherited from above). Confidential branch
    matters — talk summaries, triggered-talk reasons — are for the branch's own secretary."""
    return any(g.org_id == org.pk and RANK[Role(g.role)] >= RANK[WRITE] for g in grants(user))


def manages_above(user, org) -> bool:
    """Whether the user acts as the organization above org: approves its plans, records and
    exemptions, renames or moves it. That is a manager of its parent; a root organization has
    nobody above it, so its administrators act for it."""
    parent = org.get_parent()
    return can_manage(user, parent) if parent is not None else can_administer(user, org)
