"""Reads of 党务公开: which publications a viewer may see, by scope.

- public: anyone, without login;
- members: viewers of the organization (its managers and those above) and the members on its
  roster (members of a 党小组 are on their branch's roster, so a branch's members include them);
- subtree: viewers of the organization, members on the roster of any organization in its subtree,
  and holders of a grant on any organization in its subtree.
"""

from __future__ import annotations

from django.db.models import QuerySet

from orglife.core import scope
from orglife.orgs.models import ON_ROSTER

from .models import Audience, Publication

ALL = frozenset(Audience.values)


def _member(user):
    member = getattr(user, "member", None) if user.is_authenticated else None
    return member if member is not None and member.status in ON_ROSTER else None


def audiences(user, org) -> frozenset[str]:
    """The scopes of org's publications the user may read (at most two queries: grants, member)."""
    if scope.can_view(user, org):
        return ALL
    seen = {Audience.PUBLIC.value}
    if not user.is_authenticated:
        return frozenset(seen)
    member = _member(user)
    if member is not None and org.pk in (member.org_id, member.party_group_id):
        return ALL
    in_subtree = any(g.path.startswith(org.path) for g in scope.grants(user)) or (
        member is not None and member.org.path.startswith(org.path))
    if in_subtree:
        seen.add(Audience.SUBTREE.value)
    return frozenset(seen)


def for_org(org, seen: frozenset[str]) -> QuerySet:
    """The org's publications in the given scopes, newest first, without their snapshots."""
    return (Publication.objects.filter(org=org, audience__in=sorted(seen))
            .defer("snapshot", "params").order_by("-published_at", "-id"))


def public_for_org(org) -> QuerySet:
    return for_org(org, frozenset({Audience.PUBLIC.value}))
