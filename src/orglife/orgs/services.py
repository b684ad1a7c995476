"""Every write to organizations, members, terms and grants. One transaction each, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from orglife.core import audit
from orglife.core.models import Role, RoleGrant
from orglife.core.scope import can_manage
from orglife.rules.loader import load_all
from orglife.rules.org_checks import default_term_end

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
from .validation import LABELS, clean_member

MEMBER_ORG_KINDS = {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE}
AUDITED_MEMBER_FIELDS = [f for f in LABELS if f not in ("org", "party_group")] + ["org", "party_group"]


class ServiceError(Exception):
    """A refused write: errors as {field: message} in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# ---------------------------------------------------------------- organizations


def org_resolver(orgs_by_code: dict[str, Organization] | None = None, allowed=None):
    """Build the resolve_org callable used by member validation.

    orgs_by_code: a prefetched map (imports) — otherwise one query per call (forms, API).
    allowed(org) → bool: whether the actor may place members there.
    """

    by_path = {o.path: o for o in orgs_by_code.values()} if orgs_by_code is not None else None

    def fetch(code: str) -> Organization | None:
        if orgs_by_code is not None:
            return orgs_by_code.get(code)
        return Organization.objects.filter(code=code).first()

    def resolve(org_code: str, group_code: str):
        org = fetch(org_code)
        if org is None:
            return None, None, f"党组织编码“{org_code}”不存在"
        if allowed is not None and not allowed(org):
            return None, None, f"党组织“{org.name}”（{org_code}）不在您可管理的范围内"
        group = None
        if org.kind == OrgKind.PARTY_GROUP:  # a row may name the group itself
            group = org
            org = by_path.get(org.path[: -org.steplen]) if by_path is not None else org.get_parent()
            if org is None:
                return None, None, f"党小组“{group.name}”的上级组织不在导入范围内"
        if org.kind not in MEMBER_ORG_KINDS:
            return None, None, f"党组织“{org.name}”是{org.get_kind_display()}，不能直接编入党员"
        if org.dissolved_on:
            return None, None, f"党组织“{org.name}”已撤销"
        if group_code:
            named = fetch(group_code)
            if named is None or named.kind != OrgKind.PARTY_GROUP or not named.path.startswith(org.path):
                return None, None, f"党小组编码“{group_code}”不存在或不属于“{org.name}”"
            group = named
        return org, group, None

    return resolve



# Where each kind of organization may hang (None = a root). Branches hold only 党小组.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.COMMITTEE: {None, OrgKind.COMMITTEE},
    OrgKind.LEADING_GROUP: {None, OrgKind.COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.COMMITTEE},
    OrgKind.BRANCH: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.JOINT_BRANCH: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.PARTY_GROUP: {OrgKind.BRANCH, OrgKind.JOINT_BRANCH},
}


def placement_error(kind: str, parent_kind: str | None) -> str | None:
    if parent_kind in ALLOWED_PARENTS.get(kind, set()):
        return None
    label = OrgKind(kind).label
    if parent_kind is None:
        return f"{label}不能作为最上级组织"
    return f"{label}不能设在{OrgKind(parent_kind).label}之下"


def org_create(
    *, actor, parent: Organization | None, code: str, name: str, kind: str,
    established_on: dt.date | None = None, rule_profile: str = "",
) -> Organization:
    errors = {}
    if Organization.objects.filter(code=code).exists():
        errors["code"] = f"组织编码“{code}”已存在"
    if rule_profile and rule_profile not in load_all():
        errors["rule_profile"] = f"规则配置方案“{rule_profile}”不存在"
    problem = placement_error(kind, parent.kind if parent else None)
    if problem:
        errors["kind"] = problem
    if errors:
        raise ServiceError(errors)
    fields = dict(code=code, name=name, kind=kind, established_on=established_on, rule_profile=rule_profile)
    try:
        with transaction.atomic():
            org = parent.add_child(**fields) if parent else Organization.add_root(**fields)
            audit.record(actor=actor, action="org.create", target=org, org=org, changes=audit.diff({}, fields))
    except IntegrityError:  # the same code created at the same moment by someone else
        raise ServiceError({"code": f"组织编码“{code}”已存在"}) from None
    return org


def org_update(*, actor, org: Organization, **fields: Any) -> Organization:
    allowed = {"name", "kind", "established_on", "dissolved_on", "rule_profile"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    changes = audit.diff({k: getattr(org, k) for k in fields}, fields)
    if not changes:
        return org
    errors = {}
    if fields.get("rule_profile") and fields["rule_profile"] not in load_all():
        errors["rule_profile"] = f"规则配置方案“{fields['rule_profile']}”不存在"
    if "kind" in changes:
        errors.update(_kind_change_errors(org, fields["kind"]))
    if "dissolved_on" in changes and fields["dissolved_on"]:
        on_roster = Member.objects.filter(Q(org=org) | Q(party_group=org), status__in=ON_ROSTER).count()
        if on_roster:
            errors["dissolved_on"] = f"本组织还有 {on_roster} 名在册党员，请先转出或调整后再撤销"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        for k, v in fields.items():
            setattr(org, k, v)
        org.save(update_fields=list(fields))
        audit.record(actor=actor, action="org.update", target=org, org=org, changes=changes)
    return org


def _kind_change_errors(org: Organization, kind: str) -> dict[str, str]:
    parent = org.get_parent()
    problem = placement_error(kind, parent.kind if parent else None)
    if problem:
        return {"kind": problem}
    for child_kind in set(org.get_children().values_list("kind", flat=True)):
        problem = placement_error(child_kind, kind)
        if problem:
            return {"kind": f"改为{OrgKind(kind).label}后，下级组织不符合要求：{problem}"}
    if kind not in MEMBER_ORG_KINDS and Member.objects.filter(org=org).exists():
        return {"kind": f"本组织直接编有党员，不能改为{OrgKind(kind).label}"}
    if org.kind == OrgKind.PARTY_GROUP and Member.objects.filter(party_group=org).exists():
        return {"kind": "该党小组还有组员，不能改为其他类型"}
    return {}


def org_move(*, actor, org: Organization, new_parent: Organization) -> Organization:
    """Move a subtree under another parent. Members stay in their organizations; the old parent
    is kept in the audit trail so the organization's history shows where it used to be."""
    if new_parent.path.startswith(org.path):
        raise ServiceError({"parent": "不能把组织移动到其自身或其下级组织之下"})
    problem = placement_error(org.kind, new_parent.kind)
    if problem:
        raise ServiceError({"parent": problem})
    old_parent = org.get_parent()
    if org.kind == OrgKind.PARTY_GROUP and (old_parent is None or new_parent.pk != old_parent.pk):
        # Group members belong to the group's branch (Member.org): under another branch the
        # group would hold members of a branch it is no longer part of.
        grouped = Member.objects.filter(party_group=org).count()
        if grouped:
            raise ServiceError({"parent": f"该党小组还有 {grouped} 名组员，不能调整到其他党支部：请先将组员调出该党小组"})
    with transaction.atomic():
        org.move(new_parent, pos="last-child")
        org.refresh_from_db()
        audit.record(
            actor=actor, action="org.move", target=org, org=org,
            changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
        )
    return org


def refresh_counts(org_ids: Iterable[int | None]) -> None:
    """Recount roster members of the given organizations (cheap: indexed by org).

    Members belong to a branch (Member.org); a 党小组's count is its group members (Member.
    party_group). Subtree totals skip 党小组 nodes, so nobody is counted twice.
    """
    ids = {i for i in org_ids if i}
    if not ids:
        return
    on_roster = Member.objects.filter(status__in=ON_ROSTER)
    counts: dict[int, dict] = {}
    for field in ("org_id", "party_group_id"):
        rows = (
            on_roster.filter(**{f"{field}__in": ids}).values(field)
            .annotate(total=Count("id"), full=Count("id", filter=Q(category=Category.FULL)))
            .order_by()
        )
        for row in rows:
            counts[row[field]] = row
    for org_id in ids:
        row = counts.get(org_id, {"total": 0, "full": 0})
        Organization.objects.filter(pk=org_id).update(member_count=row["total"], full_member_count=row["full"])


# ---------------------------------------------------------------- members


def _search_keys(member: Member) -> None:
    member.name_initials = search.initials(member.name)
    member.id_reversed = search.reverse_id(member.id_number)


def validate_member(*, actor, data: dict[str, Any], instance: Member | None = None, today=None):
    """Validate data for a new member, or a full/partial change of an existing one."""
    today = today or timezone.localdate()
    if instance is not None:
        merged = {f: _current(instance, f) for f in LABELS}
        merged.update(data)
        data = merged

    def id_taken(number: str) -> bool:
        qs = Member.objects.filter(id_number=number)
        return qs.exclude(pk=instance.pk).exists() if instance else qs.exists()

    # actor None = the system itself (management commands); people may only place members
    # in organizations they manage.
    allowed = None if actor is None else (lambda o: can_manage(actor, o))
    cleaned, errors = clean_member(data, resolve_org=org_resolver(allowed=allowed), id_taken=id_taken, today=today)
    if errors:
        raise ServiceError(errors)
    return cleaned


def _current(member: Member, field: str):
    if field == "org":
        return member.org.code
    if field == "party_group":
        return member.party_group.code if member.party_group_id else ""
    return getattr(member, field)


def member_create(*, actor, data: dict[str, Any], today: dt.date | None = None) -> Member:
    cleaned = validate_member(actor=actor, data=data, today=today)
    with transaction.atomic():
        member = Member(**cleaned)
        _search_keys(member)
        member.save()
        MemberOrgHistory.objects.create(member=member, org=member.org, started_on=timezone.localdate(), reason="登记")
        refresh_counts([member.org_id, member.party_group_id])
        audit.record(actor=actor, action="member.create", target=member, org=member.org,
                     changes=audit.diff({}, {k: cleaned[k] for k in AUDITED_MEMBER_FIELDS if k in cleaned}))
    return member


def member_update(*, actor, member: Member, data: dict[str, Any], today: dt.date | None = None) -> Member:
    cleaned = validate_member(actor=actor, data=data, instance=member, today=today)
    before = {k: getattr(member, k) for k in cleaned}
    changes = audit.diff(before, cleaned)
    if not changes:
        return member
    old_org, old_group = member.org, member.party_group_id
    with transaction.atomic():
        for k, v in cleaned.items():
            setattr(member, k, v)
        _search_keys(member)
        member.save()
        if member.org_id != old_org.pk:
            move_history(member, old_org_id=old_org.pk, on=timezone.localdate(), reason="组织调整")
        refresh_counts({old_org.pk, member.org_id, old_group, member.party_group_id})
        audit.record(actor=actor, action="member.update", target=member, org=member.org, changes=changes)
    return member


def move_history(member: Member, *, old_org_id: int, on: dt.date, reason: str) -> None:
    MemberOrgHistory.objects.filter(member=member, org_id=old_org_id, ended_on__isnull=True).update(ended_on=on)
    MemberOrgHistory.objects.create(member=member, org=member.org, started_on=on, reason=reason)


def member_link_user(*, actor, member: Member, user) -> Member:
    with transaction.atomic():
        before = member.user_id
        member.user = user
        member.save(update_fields=["user"])
        audit.record(actor=actor, action="member.link_user", target=member, org=member.org,
                     changes={"user": [before, user.pk if user else None]})
    return member


# ---------------------------------------------------------------- terms and posts


def term_start(*, actor, org: Organization, started_on: dt.date, expires_on: dt.date | None = None) -> Term:
    """Open a new term; the previous one ends the day the new one starts."""
    expires_on = expires_on or default_term_end(org.profile(), org.kind, started_on)
    if expires_on is None:
        raise ServiceError({"expires_on": f"{org.get_kind_display()}没有规定的任期，请填写任期届满日期"})
    if expires_on <= started_on:
        raise ServiceError({"expires_on": "任期届满日期应晚于开始日期"})
    with transaction.atomic():
        # The previous term ends, and with it its office holders' posts.
        PostHolding.objects.filter(term__org=org, term__ended_on__isnull=True, ended_on__isnull=True).update(
            ended_on=started_on)
        Term.objects.filter(org=org, ended_on__isnull=True).update(ended_on=started_on)
        term = Term.objects.create(org=org, started_on=started_on, expires_on=expires_on)
        audit.record(actor=actor, action="term.start", target=term, org=org,
                     changes=audit.diff({}, {"started_on": started_on, "expires_on": expires_on}))
    return term


def post_assign(*, actor, term: Term, member: Member, post: str, started_on: dt.date | None = None) -> PostHolding:
    # Office holders come from the organization itself or its subtree (a 党委's committee is
    # drawn from the members of its branches); a group leader from the group.
    # A 党组's members are leading cadres from the branches of the organization it sits in.
    home = term.org.get_parent() if term.org.kind == OrgKind.LEADING_GROUP else term.org
    home = home or term.org
    if not member.org.path.startswith(home.path) and member.party_group_id != term.org_id:
        raise ServiceError({"member": f"{member.name}不是{term.org.name}的党员"})
    with transaction.atomic():
        holding = PostHolding.objects.create(term=term, member=member, post=post, started_on=started_on or term.started_on)
        audit.record(actor=actor, action="post.assign", target=holding, org=term.org,
                     changes={"member": [None, member.pk], "post": [None, post]})
    return holding


# ---------------------------------------------------------------- access


def grant_role(*, actor, user, org: Organization, role: str, recursive: bool = True) -> RoleGrant:
    if role not in Role.values:
        raise ServiceError({"role": f"角色“{role}”无效"})
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, org=org, role=role, defaults={"recursive": recursive})
        if not created and grant.recursive != recursive:
            grant.recursive = recursive
            grant.save(update_fields=["recursive"])
        audit.record(actor=actor, action="grant.create", target=grant, org=org,
                     changes={"user": [None, user.username], "role": [None, role], "recursive": [None, recursive]})
    return grant
