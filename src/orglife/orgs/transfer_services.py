"""Every write to transfers of organizational relationship (组织关系转接). One transaction each,
audited, with row locks on the transfer (and the member, and the letter issuer) so that two
people acting at once cannot accept twice, issue two letter numbers alike or open two transfers.
The locks are FOR NO KEY UPDATE (PostgreSQL): they serialize transfers but do not wait for, nor
block, other writes that merely reference the member or organization (a dues payment, an
attendance row), which take KEY SHARE locks.

Who may act: the sending organization's managers start, resubmit and cancel; each step is taken
by a manager of the step's organization (``can_manage``, so a manager above covers an organization
with nobody of its own in orglife); the receiving organization's managers accept; the sending
organization's managers (or the issuer's) confirm the receipt of a letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from orglife.core import audit
from orglife.core.scope import can_manage

from . import transfer_route
from .models import ON_ROSTER, Member, MemberOrgHistory, Organization, OrgKind, PostHolding, Status
from .services import MEMBER_ORG_KINDS, ServiceError, member_create, move_history, refresh_counts
from .transfer_models import (
    OPEN,
    StepRole,
    StepStatus,
    Transfer,
    TransferKind,
    TransferStatus,
    TransferStep,
)

# Product default, not a rule: RULES.md says nothing about a letter's validity. [L]
DEFAULT_LETTER_VALIDITY_DAYS = 30


def letter_validity_days(org: Organization) -> int:
    """The profile's option transfer_letter_validity_days (1–365), else the product default."""
    value = org.profile().options.get("transfer_letter_validity_days")
    return value if isinstance(value, int) and 1 <= value <= 365 else DEFAULT_LETTER_VALIDITY_DAYS


def dues_paid_up_to(member: Member) -> dt.date | None:
    """First day of the last month the member paid in full (the dues ledger), None if unknown."""
    try:
        from orglife.dues.queries import paid_up_to
    except ImportError:  # the dues ledger is not installed
        return None
    return paid_up_to(member)


def _allowed(actor, org: Organization) -> bool:
    return actor is None or can_manage(actor, org)  # None: the system itself (commands, tests)


def _need(actor, org: Organization, what: str) -> None:
    if not _allowed(actor, org):
        raise ServiceError({"actor": f"您不是{org.name}的管理者，不能{what}"})


# ---------------------------------------------------------------- the route


def route_for(transfer: Transfer) -> list[tuple[Organization, str]]:
    """The organizations of the route, in order, with their role (one query)."""
    steplen = Organization.steplen
    source = transfer.from_org
    if transfer.kind == TransferKind.INTERNAL:
        paths = transfer_route.internal_route(source.path, transfer.to_org.path, steplen)
    else:
        chain = [source.path, *transfer_route.ancestors(source.path, steplen)]
        committees = set(Organization.objects.filter(path__in=chain, kind=OrgKind.COMMITTEE).values_list("path", flat=True))
        paths = transfer_route.outside_route(source.path, transfer_route.issuer_path(source.path, committees, steplen),
                                             steplen)
    by_path = {o.path: o for o in Organization.objects.filter(path__in=[p for p, _ in paths])}
    return [(by_path[p], role) for p, role in paths]


def _build_steps(transfer: Transfer) -> list[TransferStep]:
    steps = [
        TransferStep(transfer=transfer, round=transfer.round, position=i, org=org, role=role,
                     status=StepStatus.PENDING if i == 0 else StepStatus.WAITING)
        for i, (org, role) in enumerate(route_for(transfer))
    ]
    TransferStep.objects.bulk_create(steps)
    transfer.current_org = steps[0].org
    return steps


def current_step(transfer: Transfer) -> TransferStep | None:
    return (TransferStep.objects.select_related("org")
            .filter(transfer=transfer, round=transfer.round, status=StepStatus.PENDING).first())


def _close_steps(transfer: Transfer) -> None:
    TransferStep.objects.filter(transfer=transfer, round=transfer.round,
                                status__in=[StepStatus.WAITING, StepStatus.PENDING]).update(status=StepStatus.SKIPPED)


def _locked(transfer: Transfer, *statuses: str) -> Transfer:
    """The transfer re-read under a row lock, refused unless in one of statuses."""
    fresh = Transfer.objects.select_for_update(no_key=True).get(pk=transfer.pk)
    if fresh.status not in statuses:
        raise ServiceError({"status": f"该转接当前状态为“{fresh.get_status_display()}”，不能进行此操作"})
    # Related objects for messages and moves (read after the lock, not locked themselves).
    fresh.member = Member.objects.select_for_update(no_key=True).get(pk=fresh.member_id)
    for name in ("from_org", "to_org", "current_org", "letter_issuer"):
        if getattr(fresh, f"{name}_id"):
            setattr(fresh, name, Organization.objects.get(pk=getattr(fresh, f"{name}_id")))
    return fresh


def _sync(target: Transfer, fresh: Transfer) -> Transfer:
    """Copy the saved state back to the caller's object so that it is not stale."""
    target.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_state"})
    target._state.fields_cache = dict(fresh._state.fields_cache)
    return target


# ---------------------------------------------------------------- validation


def _check_destination(member: Member, to_org: Organization | None, outside_name: str) -> dict[str, str]:
    if to_org is None and not outside_name.strip():
        return {"to_org": "请选择接收组织，或填写系统外接收组织的名称"}
    if to_org is not None and outside_name.strip():
        return {"to_org": "接收组织只能是系统内组织或系统外组织之一"}
    if to_org is None:
        return {}
    if to_org.pk == member.org_id:
        return {"to_org": "接收组织与党员现在所在组织相同"}
    if to_org.kind not in MEMBER_ORG_KINDS:
        return {"to_org": f"“{to_org.name}”是{to_org.get_kind_display()}，不能直接接收党员"}
    if to_org.dissolved_on:
        return {"to_org": f"“{to_org.name}”已撤销"}
    return {}


def _check_fields(reason: str, transfer_on: dt.date | None) -> dict[str, str]:
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "请填写转接原因"
    if transfer_on is None:
        errors["transfer_on"] = "请填写拟转接日期"
    return errors


def _check_member(member: Member) -> dict[str, str]:
    if member.status not in ON_ROSTER:
        return {"member": f"{member.name}的党员状态为“{member.get_status_display()}”，不在册，不能转接"}
    return {}


# ---------------------------------------------------------------- start, resubmit, cancel


def transfer_start(
    *, actor, member: Member, to_org: Organization | None = None, outside_name: str = "",
    reason: str, transfer_on: dt.date | None,
) -> Transfer:
    """The sending organization starts a transfer to an organization in orglife (to_org) or
    outside it (outside_name)."""
    _need(actor, member.org, "为该党员办理转出")
    errors = {**_check_member(member), **_check_destination(member, to_org, outside_name), **_check_fields(reason, transfer_on)}
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            locked = Member.objects.select_for_update(no_key=True).get(pk=member.pk)
            if locked.org_id != member.org_id or locked.status not in ON_ROSTER:
                raise ServiceError({"member": "党员信息已被他人修改，请刷新后重试"})
            if Transfer.objects.filter(member=locked, status__in=OPEN).exists():
                raise ServiceError({"member": f"{member.name}已有一项正在办理的组织关系转接"})
            transfer = Transfer(
                member=locked, from_org=locked.org, to_org=to_org, outside_name=outside_name.strip(),
                kind=TransferKind.INTERNAL if to_org is not None else TransferKind.OUT,
                reason=reason.strip(), transfer_on=transfer_on, started_by=actor if getattr(actor, "pk", None) else None,
            )
            transfer.save()
            steps = _build_steps(transfer)
            transfer.save(update_fields=["current_org"])
            audit.record(actor=actor, action="transfer.start", target=transfer, org=transfer.from_org, changes={
                "member": [None, locked.name], "to": [None, transfer.to_name], "reason": [None, transfer.reason],
                "transfer_on": [None, transfer_on.isoformat()],
                "route": [None, [f"{s.org.name}（{s.get_role_display()}）" for s in steps]],
            })
    except IntegrityError:  # the partial unique constraint: a concurrent start for the same member
        raise ServiceError({"member": f"{member.name}已有一项正在办理的组织关系转接"}) from None
    return transfer


def transfer_resubmit(
    *, actor, transfer: Transfer, to_org: Organization | None = None, outside_name: str = "",
    reason: str, transfer_on: dt.date | None,
) -> Transfer:
    """After a return, the sending organization corrects and sends the transfer again: the route is
    rebuilt as a new round (the earlier rounds stay visible)."""
    _need(actor, transfer.from_org, "重新提交该转接")
    errors = {**_check_destination(transfer.member, to_org, outside_name), **_check_fields(reason, transfer_on)}
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.RETURNED)
        errors = _check_member(fresh.member)
        if errors:
            raise ServiceError(errors)
        before = {"to": fresh.to_name, "reason": fresh.reason, "transfer_on": fresh.transfer_on}
        fresh.to_org, fresh.outside_name = to_org, outside_name.strip()
        fresh.kind = TransferKind.INTERNAL if to_org is not None else TransferKind.OUT
        fresh.reason, fresh.transfer_on = reason.strip(), transfer_on
        fresh.round += 1
        fresh.status = TransferStatus.PENDING
        fresh.save()
        _build_steps(fresh)
        fresh.save(update_fields=["current_org"])
        audit.record(actor=actor, action="transfer.resubmit", target=fresh, org=fresh.from_org,
                     changes={"round": [fresh.round - 1, fresh.round],
                              **audit.diff(before, {"to": fresh.to_name, "reason": fresh.reason, "transfer_on": transfer_on})})
    return _sync(transfer, fresh)


def transfer_cancel(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """The sending organization withdraws a transfer not yet accepted (nor its letter issued)."""
    _need(actor, transfer.from_org, "撤销该转接")
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.PENDING, TransferStatus.RETURNED)
        _close_steps(fresh)
        fresh.status, fresh.current_org = TransferStatus.CANCELLED, None
        fresh.save(update_fields=["status", "current_org", "updated_at"])
        audit.record(actor=actor, action="transfer.cancel", target=fresh, org=fresh.from_org,
                     changes={"status": [transfer.status, fresh.status], "reason": [None, reason.strip()]})
    return _sync(transfer, fresh)


# ---------------------------------------------------------------- steps


def _take_step(fresh: Transfer, actor, roles: tuple[str, ...], what: str) -> TransferStep:
    step = current_step(fresh)
    if step is None or step.role not in roles:
        raise ServiceError({"status": "该转接当前不在此环节"})
    _need(actor, step.org, what)
    return step


def _done(step: TransferStep, actor, status: str, note: str) -> None:
    step.status, step.note = status, note.strip()[:200]
    step.actor = actor if getattr(actor, "pk", None) else None
    step.acted_at = timezone.now()
    step.save(update_fields=["status", "note", "actor", "acted_at"])


def transfer_approve(*, actor, transfer: Transfer, note: str = "", today: dt.date | None = None) -> Transfer:
    """The current step's organization agrees; the transfer moves to the next step. At the issuer
    of an outside transfer, agreeing issues the introduction letter."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.PENDING)
        step = _take_step(fresh, actor, (StepRole.APPROVE, StepRole.ISSUE), "审批该转接")
        _done(step, actor, StepStatus.APPROVED, note)
        changes: dict[str, Any] = {"step": [None, f"{step.org.name}（{step.get_role_display()}）"]}
        if note.strip():
            changes["note"] = [None, note.strip()]
        if step.role == StepRole.ISSUE:
            _issue_letter(fresh, step.org, today, actor)
            changes["letter_number"] = [None, fresh.letter_number]
        else:
            following = (TransferStep.objects.select_related("org")
                         .filter(transfer=fresh, round=fresh.round, position=step.position + 1).first())
            following.status = StepStatus.PENDING
            following.save(update_fields=["status"])
            fresh.current_org = following.org
            fresh.save(update_fields=["current_org", "updated_at"])
        audit.record(actor=actor, action="transfer.approve", target=fresh, org=step.org, changes=changes)
    return _sync(transfer, fresh)


def _issue_letter(fresh: Transfer, issuer: Organization, today: dt.date, actor) -> None:
    # Serialize numbering per issuer: lock the issuer's row, then take the next number of the year.
    Organization.objects.select_for_update(no_key=True).filter(pk=issuer.pk).first()
    last = (Transfer.objects.filter(letter_issuer=issuer, letter_year=today.year)
            .aggregate(n=Max("letter_seq"))["n"] or 0)
    member = fresh.member
    fresh.letter_issuer, fresh.letter_year, fresh.letter_seq = issuer, today.year, last + 1
    fresh.letter_number = letter_number(issuer, today.year, last + 1)
    fresh.letter_issued_on = today
    fresh.letter_valid_days = letter_validity_days(issuer)
    fresh.paid_up_to = dues_paid_up_to(member)
    fresh.letter_facts = {
        "name": member.name, "gender": member.get_gender_display(), "age": member.age(today),
        "category": member.get_category_display(), "from": fresh.from_org.name, "to": fresh.outside_name,
    }
    fresh.status, fresh.current_org = TransferStatus.AWAITING_RECEIPT, fresh.from_org
    fresh.save()
    # The member leaves the roster now; their record stays (status 已转出) until the receipt.
    old_status = member.status
    member.status = Status.TRANSFERRED_OUT
    member.save(update_fields=["status", "updated_at"])
    ended = _end_posts(member, None, today)
    refresh_counts([member.org_id, member.party_group_id])
    audit.record(actor=actor, action="member.transfer_out", target=member, org=member.org,
                 changes={"status": [old_status, member.status], "letter_number": [None, fresh.letter_number],
                          **({"posts_ended": [None, ended]} if ended else {})})


def letter_number(issuer: Organization, year: int, seq: int) -> str:
    return f"{issuer.code}〔{year}〕{seq:03d}号"


def _end_posts(member: Member, new_org: Organization | None, on: dt.date) -> list[str]:
    """End the member's open posts in organizations they no longer belong to (the holding row
    stays, with its end date)."""
    open_posts = PostHolding.objects.select_related("term__org").filter(member=member, ended_on__isnull=True,
                                                                         term__ended_on__isnull=True)
    ended = [p for p in open_posts if new_org is None or not new_org.path.startswith(p.term.org.path)]
    if ended:
        PostHolding.objects.filter(pk__in=[p.pk for p in ended]).update(ended_on=on)
    return [f"{p.term.org.name}{p.get_post_display()}" for p in ended]


def transfer_accept(*, actor, transfer: Transfer, note: str = "", today: dt.date | None = None) -> Transfer:
    """The receiving organization accepts: the member moves (history row with the reason, counts
    refreshed). Everything keyed by the member (attendance, talks, problems, dues) moves with them."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.PENDING)
        step = _take_step(fresh, actor, (StepRole.ACCEPT,), "接收该党员")
        member = fresh.member
        errors = _check_member(member)
        if member.org_id != fresh.from_org_id:
            errors["member"] = f"{member.name}已不在{fresh.from_org.name}，不能接收"
        if fresh.to_org.dissolved_on:
            errors["to_org"] = f"“{fresh.to_org.name}”已撤销"
        if errors:
            raise ServiceError(errors)
        _done(step, actor, StepStatus.APPROVED, note)
        old_org_id, old_group_id = member.org_id, member.party_group_id
        member.org, member.party_group = fresh.to_org, None
        member.save(update_fields=["org", "party_group", "updated_at"])
        move_history(member, old_org_id=old_org_id, on=today, reason=f"组织关系转接：{fresh.reason}"[:100])
        ended = _end_posts(member, fresh.to_org, today)
        refresh_counts({old_org_id, old_group_id, fresh.to_org_id})
        fresh.status, fresh.current_org, fresh.accepted_on = TransferStatus.COMPLETED, None, today
        fresh.paid_up_to = dues_paid_up_to(member)
        fresh.save(update_fields=["status", "current_org", "accepted_on", "paid_up_to", "updated_at"])
        audit.record(actor=actor, action="transfer.accept", target=fresh, org=fresh.to_org,
                     changes={"status": [TransferStatus.PENDING, fresh.status], "accepted_on": [None, today.isoformat()],
                              **({"note": [None, note.strip()]} if note.strip() else {})})
        audit.record(actor=actor, action="member.transfer", target=member, org=fresh.from_org,
                     changes={"org": [fresh.from_org.code, fresh.to_org.code], "party_group": [old_group_id, None],
                              **({"posts_ended": [None, ended]} if ended else {})})
    return _sync(transfer, fresh)


def _stop(*, actor, transfer: Transfer, reason: str, status: str, step_status: str, action: str, what: str) -> Transfer:
    if not reason.strip():
        raise ServiceError({"reason": "请填写理由"})
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.PENDING)
        step = _take_step(fresh, actor, (StepRole.APPROVE, StepRole.ISSUE, StepRole.ACCEPT), what)
        _done(step, actor, step_status, reason)
        _close_steps(fresh)
        fresh.status = status
        # A returned transfer waits for the sending organization; a refused one is closed.
        fresh.current_org = fresh.from_org if status == TransferStatus.RETURNED else None
        fresh.save(update_fields=["status", "current_org", "updated_at"])
        audit.record(actor=actor, action=action, target=fresh, org=step.org,
                     changes={"status": [TransferStatus.PENDING, status], "step": [None, step.org.name],
                              "reason": [None, reason.strip()]})
    return _sync(transfer, fresh)


def transfer_refuse(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The current step's organization does not agree: the transfer ends (the member stays)."""
    return _stop(actor=actor, transfer=transfer, reason=reason, status=TransferStatus.REFUSED,
                 step_status=StepStatus.REFUSED, action="transfer.refuse", what="审批该转接")


def transfer_return(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The current step's organization sends it back to the sending organization to correct."""
    return _stop(actor=actor, transfer=transfer, reason=reason, status=TransferStatus.RETURNED,
                 step_status=StepStatus.RETURNED, action="transfer.return", what="审批该转接")


# ---------------------------------------------------------------- letters


def transfer_confirm_receipt(*, actor, transfer: Transfer, receipt_on: dt.date | None, note: str = "",
                             today: dt.date | None = None) -> Transfer:
    """The receipt (回执) of an introduction letter came back: the transfer is closed."""
    today = today or timezone.localdate()
    if not (_allowed(actor, transfer.from_org) or (transfer.letter_issuer_id and _allowed(actor, transfer.letter_issuer))):
        raise ServiceError({"actor": f"您不是{transfer.from_org.name}的管理者，不能确认回执"})
    if receipt_on is None:
        raise ServiceError({"receipt_on": "请填写回执日期"})
    if receipt_on > today:
        raise ServiceError({"receipt_on": "回执日期不能晚于今天"})
    with transaction.atomic():
        fresh = _locked(transfer, TransferStatus.AWAITING_RECEIPT)
        if fresh.letter_issued_on and receipt_on < fresh.letter_issued_on:
            raise ServiceError({"receipt_on": "回执日期不能早于介绍信开具日期"})
        fresh.status, fresh.current_org = TransferStatus.COMPLETED, None
        fresh.receipt_on, fresh.receipt_note = receipt_on, note.strip()[:200]
        fresh.save(update_fields=["status", "current_org", "receipt_on", "receipt_note", "updated_at"])
        audit.record(actor=actor, action="transfer.receipt", target=fresh, org=fresh.from_org,
                     changes={"status": [TransferStatus.AWAITING_RECEIPT, fresh.status],
                              "receipt_on": [None, receipt_on.isoformat()],
                              **({"note": [None, fresh.receipt_note]} if fresh.receipt_note else {})})
    return _sync(transfer, fresh)


def transfer_register_incoming(
    *, actor, to_org: Organization, data: dict[str, Any], outside_name: str, letter_number: str,
    paid_up_to: dt.date | None, reason: str, transfer_on: dt.date | None, today: dt.date | None = None,
) -> Transfer:
    """A member comes from an organization outside orglife with an introduction letter: register
    them in the receiving organization (member_create) and record the letter; accepted at once."""
    today = today or timezone.localdate()
    _need(actor, to_org, "接收党员")
    errors = _check_fields(reason, transfer_on)
    if not outside_name.strip():
        errors["outside_name"] = "请填写转出组织（介绍信开具单位）名称"
    if not letter_number.strip():
        errors["letter_number"] = "请填写介绍信编号"
    if paid_up_to is not None:
        paid_up_to = paid_up_to.replace(day=1)
        if paid_up_to > today:
            errors["paid_up_to"] = "党费交至月份不能晚于本月"
    if to_org.kind not in MEMBER_ORG_KINDS:
        errors["to_org"] = f"“{to_org.name}”是{to_org.get_kind_display()}，不能直接接收党员"
    data = {**data, "org": data.get("org") or to_org.code, "status": Status.ACTIVE}
    try:
        member_errors = {}
        with transaction.atomic():
            try:
                member = member_create(actor=actor, data=data, today=today)
            except ServiceError as exc:
                member_errors = exc.errors
                raise
            if errors:
                raise ServiceError(errors)
            if member.org_id != to_org.pk:
                raise ServiceError({"org": f"转入党员应编入{to_org.name}或其党小组"})
            MemberOrgHistory.objects.filter(member=member, org=member.org).update(
                started_on=today, reason=f"组织关系转入：自{outside_name.strip()}"[:100])
            transfer = Transfer.objects.create(
                member=member, kind=TransferKind.IN, status=TransferStatus.COMPLETED, to_org=to_org,
                outside_name=outside_name.strip(), reason=reason.strip(), transfer_on=transfer_on,
                letter_number=letter_number.strip(), paid_up_to=paid_up_to, accepted_on=today,
                started_by=actor if getattr(actor, "pk", None) else None,
            )
            audit.record(actor=actor, action="transfer.register_in", target=transfer, org=to_org, changes={
                "member": [None, member.name], "from": [None, transfer.outside_name],
                "letter_number": [None, transfer.letter_number],
                "paid_up_to": [None, paid_up_to.isoformat() if paid_up_to else None],
            })
    except ServiceError as exc:
        raise ServiceError({**errors, **member_errors, **exc.errors}) from None
    return transfer
