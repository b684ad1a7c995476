"""Reads over transfers: an organization's lists, a person's queue, the roster marker. Every list
is one query plus a count, whatever the number of transfers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from orglife.core import scope
from orglife.core.models import Role

from .models import Organization
from .transfer_models import OPEN, Transfer, TransferStatus

TABS = {"todo": "待我办理", "out": "转出", "in": "转入"}
# Statuses that wait for somebody: the current organization's managers act on them.
WAITING = (TransferStatus.PENDING, TransferStatus.RETURNED, TransferStatus.AWAITING_RECEIPT)


def _base() -> QuerySet:
    return Transfer.objects.select_related("member", "from_org", "to_org", "current_org")


def _within(org: Organization, user, field: str) -> Q:
    """Transfers whose field is org or (when the viewer sees the whole subtree) below it."""
    if scope.covers_subtree(user, org):
        return Q(**{f"{field}__path__startswith": org.path})
    return Q(**{field: org})


def waiting_for(user) -> QuerySet:
    """Transfers waiting for an organization the user manages."""
    qs = _base().filter(status__in=WAITING)
    q = scope.org_q(user, Role.MANAGER, prefix="current_org__")
    return qs if q is None else qs.filter(q)


def org_transfers(user, org: Organization, tab: str) -> QuerySet:
    if tab == "out":
        qs = _base().filter(_within(org, user, "from_org"))
    elif tab == "in":
        qs = _base().filter(_within(org, user, "to_org"))
    else:
        qs = waiting_for(user).filter(_within(org, user, "current_org"))
    return qs.order_by("-created_at", "-id")


def may_view(user, transfer: Transfer) -> bool:
    """Either side, anyone on the route, and the member themself."""
    if scope.is_self(user, transfer.member):
        return True
    orgs = [o for o in (transfer.from_org, transfer.to_org, transfer.letter_issuer) if o is not None]
    if any(scope.can_view(user, o) for o in orgs):
        return True
    return any(scope.can_manage(user, s.org) for s in transfer.steps.select_related("org"))


def moving_out(member_ids) -> set[int]:
    """Which of these members have a transfer out in progress (the roster's 转出中 marker)."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(Transfer.objects.filter(member_id__in=ids, status__in=(TransferStatus.PENDING, TransferStatus.RETURNED))
               .values_list("member_id", flat=True))


def open_transfer(member) -> Transfer | None:
    return (Transfer.objects.select_related("from_org", "to_org")
            .filter(member=member, status__in=OPEN).first())


def todos(user) -> list:
    """One to-do, "N 个转接待办理", for managers of organizations the transfers wait for."""
    from django.urls import reverse

    from orglife.meetings.todos import Todo

    qs = waiting_for(user)
    n = qs.count()
    if not n:
        return []
    first = qs.order_by("updated_at", "id").first()
    org = first.current_org
    return [Todo("transfer", f"{n} 个转接待审批", "组织关系转接等待您审批、接收或确认回执", org.name if n == 1 else "",
                 None, reverse("transfer_list", args=[org.code]) + "?tab=todo", urgent=True)]
