"""Every dues write: one transaction each, audited, the member row locked where writes could race.

Callers check scope (a manager of the member's organization records payments and profiles; a
manager of the organization above approves reliefs) — the services check the rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from orglife.core import audit
from orglife.core.models import AuditEvent
from orglife.orgs.models import Member
from orglife.orgs.services import ServiceError

from . import queries, rules
from .models import (
    ArrearsCase,
    CaseStatus,
    DuesPayment,
    DuesProfile,
    DuesRelief,
    PaymentMethod,
    ReliefKind,
    ReliefStatus,
    VoluntaryPayment,
)


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("org").get(pk=member.pk)


def _error(field: str, message: str) -> ServiceError:
    return ServiceError({field: message})


def _quote(category: str, base: Any, amount: Any, step: Decimal) -> rules.Quote:
    try:
        return rules.quote(category, base, amount=amount, step=step)
    except rules.QuoteError as exc:
        raise _error("base" if exc.field == "amount" else exc.field, exc.message) from None


def rounding_for(member: Member) -> Decimal:
    return rules.rounding_step(member.org.profile())


# ------------------------------------------------------------------ dues profile


def profile_set(*, actor, member: Member, category: str, base: Any = None, effective_month: dt.date,
                note: str = "", today: dt.date | None = None) -> DuesProfile:
    """Set the member's category and base from a month on (Art. 10: the month the new pay is first
    received). A later change adds a row; the same month again replaces that month's row."""
    today = today or timezone.localdate()
    month = rules.month_start(effective_month)
    admitted = rules.month_start(member.admitted_on)
    if month < admitted:
        raise _error("effective_month", f"起始月份不能早于入党（支部大会通过）的月份{admitted:%Y年%-m月}"
                                         "（预备党员从支部大会通过之日起交纳党费）")
    if month > rules.add_months(rules.month_start(today), 12):
        raise _error("effective_month", "起始月份不能晚于一年以后")
    quote = _quote(category, base, None, rounding_for(member))
    stored_base = None
    if category in rules.BRACKET_CATEGORIES:
        stored_base = rules.parse_money(base)
    with transaction.atomic():
        member = _lock(member)
        existing = DuesProfile.objects.filter(member=member, effective_month=month).first()
        before = {} if existing is None else {"category": existing.category, "base": existing.base,
                                              "monthly_due": existing.monthly_due}
        profile = existing or DuesProfile(member=member, effective_month=month)
        profile.category, profile.base, profile.monthly_due = category, stored_base, quote.monthly
        profile.rule_id, profile.note, profile.created_by = quote.rule, note[:200], _user(actor)
        profile.save()
        audit.record(actor=actor, action="dues.profile_set", target=member, org=member.org,
                     changes={**audit.diff(before, {"category": category, "base": stored_base,
                                                    "monthly_due": quote.monthly}),
                              "effective_month": [None, month.isoformat()]})
    return profile


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


# ------------------------------------------------------------------ payments


def check_month(member: Member, month: dt.date, today: dt.date, prepay: bool, ledger=None) -> Decimal:
    """The amount due for a month a payment is being recorded for; ServiceError when the month
    cannot be paid (before admission or the first dues month, beyond back-payment or prepayment)."""
    problem = rules.month_problem(month, today, prepay=prepay)
    if problem:
        raise _error("month", problem)
    ledger = ledger or queries.ledger(member)
    due = ledger.due_for(month)
    if due is None:
        if ledger.start is None:
            raise _error("month", f"{member.name}尚未设置党费档案（党费类别和计算基数），请先设置")
        raise _error("month", f"{month:%Y年%-m月}早于{member.name}的党费起始月份{ledger.start:%Y年%-m月}")
    return due


def payment_record(*, actor, member: Member, months: list[dt.date], paid_on: dt.date, method: str,
                   amount: Any = None, prepay: bool = False, today: dt.date | None = None,
                   batch=None) -> list[DuesPayment]:
    """Record dues for one or more months, each at least the amount due (amount: per month; by
    default the amount due). Already-paid months are refused (a payment is recorded once)."""
    today = today or timezone.localdate()
    if method not in PaymentMethod.values:
        raise _error("method", "请选择交纳方式（现金、银行转账或网上缴纳记录）")
    if paid_on > today:
        raise _error("paid_on", "交纳日期不能晚于今天")
    if not months:
        raise _error("month", "请选择所属月份")
    months = sorted({rules.month_start(m) for m in months})
    if len(months) > rules.backpay_limit() + rules.prepay_limit() + 1:
        raise _error("month", "一次登记的月份过多")
    per_month = None if amount in (None, "") else _money(amount, "amount", "实交金额")
    with transaction.atomic():
        member = _lock(member)
        ledger = queries.ledger(member)
        created = []
        for month in months:
            due = check_month(member, month, today, prepay, ledger)
            if month in ledger.payments:
                raise _error("month", f"{member.name}{month:%Y年%-m月}的党费已登记交纳，不能重复登记")
            paid = due if per_month is None else per_month
            if paid < due:
                raise _error("amount", f"{member.name}{month:%Y年%-m月}应交{due}元，实交不能少于应交金额"
                                       "（少交须经支部研究、上级党委批准）")
            if month > rules.month_start(today) and not prepay:
                raise _error("month", "预交须经党支部同意")
            created.append(DuesPayment(member=member, org=member.org, month=month, due=due, amount=paid,
                                       paid_on=paid_on, method=method, prepaid=month > rules.month_start(today),
                                       recorded_by=_user(actor), batch=batch))
        try:
            DuesPayment.objects.bulk_create(created)
        except IntegrityError:
            raise _error("month", "该月党费已被他人同时登记，请刷新后重试") from None
        audit.record(actor=actor, action="dues.payment_record", target=member, org=member.org,
                     changes={"months": [None, [m.isoformat() for m in months]],
                              "amount": [None, str(sum((p.amount for p in created), Decimal(0)))],
                              "method": [None, method], "paid_on": [None, paid_on.isoformat()]})
    return created


def payment_delete(*, actor, payment: DuesPayment, reason: str) -> None:
    """Undo a wrongly recorded payment (with a reason, kept in the audit trail)."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", "请填写撤销原因")
    with transaction.atomic():
        member = _lock(payment.member)
        audit.record(actor=actor, action="dues.payment_delete", target=member, org=member.org,
                     changes={"month": [payment.month.isoformat(), None], "amount": [str(payment.amount), None],
                              "reason": [None, reason[:200]]})
        payment.delete()


def _money(value: Any, field: str, label: str) -> Decimal:
    try:
        return rules.parse_money(value, field, label)
    except rules.QuoteError as exc:
        raise _error(field, exc.message) from None


def voluntary_record(*, actor, member: Member, amount: Any, paid_on: dt.date, method: str, note: str = "",
                     today: dt.date | None = None) -> VoluntaryPayment:
    """A voluntary extra payment; a single one of at least the threshold is flagged for the Centre."""
    today = today or timezone.localdate()
    money = _money(amount, "amount", "自愿多交金额")
    if money <= 0:
        raise _error("amount", "自愿多交金额应大于0")
    if method not in PaymentMethod.values:
        raise _error("method", "请选择交纳方式")
    if paid_on > today:
        raise _error("paid_on", "交纳日期不能晚于今天")
    with transaction.atomic():
        member = _lock(member)
        payment = VoluntaryPayment.objects.create(
            member=member, org=member.org, amount=money, paid_on=paid_on, method=method,
            to_centre=money >= rules.to_centre_threshold(), note=note[:200], recorded_by=_user(actor))
        audit.record(actor=actor, action="dues.voluntary_record", target=member, org=member.org,
                     changes={"amount": [None, str(money)], "to_centre": [None, payment.to_centre]})
    return payment


def voluntary_forward(*, actor, payment: VoluntaryPayment, forwarded_on: dt.date) -> VoluntaryPayment:
    with transaction.atomic():
        payment = VoluntaryPayment.objects.select_for_update().get(pk=payment.pk)
        if not payment.to_centre:
            raise _error("payment", "该笔自愿多交党费不足上缴中央的金额")
        if payment.forwarded_on:
            raise _error("payment", "该笔党费已登记上缴")
        payment.forwarded_on = forwarded_on
        payment.save(update_fields=["forwarded_on"])
        audit.record(actor=actor, action="dues.voluntary_forward", target=payment, org=payment.org,
                     changes={"forwarded_on": [None, forwarded_on.isoformat()]})
    return payment


# ------------------------------------------------------------------ hardship relief (Art. 7)


def relief_propose(*, actor, member: Member, kind: str, start_month: dt.date, end_month: dt.date, reason: str,
                   monthly_amount: Any = None) -> DuesRelief:
    """The branch proposes a reduction or exemption; it takes effect once the committee above approves."""
    reason = (reason or "").strip()
    if kind not in ReliefKind.values:
        raise _error("kind", "请选择少交或免交")
    if not reason:
        raise _error("reason", "请填写困难情况及支部研究意见")
    start, end = rules.month_start(start_month), rules.month_start(end_month)
    if end < start:
        raise _error("end_month", "截止月份不能早于起始月份")
    if rules.month_index(end) - rules.month_index(start) >= 24:
        raise _error("end_month", "一次申请最长24个月，期满后可重新申请")
    amount = None
    if kind == ReliefKind.REDUCTION:
        amount = _money(monthly_amount, "monthly_amount", "少交后每月交纳金额")
        due = queries.due_for(member, start)
        if due is not None and amount >= due:
            raise _error("monthly_amount", f"少交后的金额应低于现在每月应交的{due}元")
    with transaction.atomic():
        member = _lock(member)
        overlap = DuesRelief.objects.filter(member=member, status__in=[ReliefStatus.PROPOSED, ReliefStatus.APPROVED],
                                            start_month__lte=end, end_month__gte=start)
        if overlap.exists():
            raise _error("start_month", "该期间已有待审批或已批准的少交、免交记录")
        relief = DuesRelief.objects.create(member=member, org=member.org, kind=kind, monthly_amount=amount,
                                           start_month=start, end_month=end, reason=reason, proposed_by=_user(actor))
        audit.record(actor=actor, action="dues.relief_propose", target=relief, org=member.org,
                     changes={"kind": [None, kind], "start_month": [None, start.isoformat()],
                              "end_month": [None, end.isoformat()], "monthly_amount": [None, str(amount) if amount else None]})
    return relief


def relief_decide(*, actor, relief: DuesRelief, approve: bool, note: str = "") -> DuesRelief:
    with transaction.atomic():
        relief = DuesRelief.objects.select_for_update().select_related("member", "org").get(pk=relief.pk)
        if relief.status != ReliefStatus.PROPOSED:
            raise _error("status", f"该申请已{relief.get_status_display()}，不能重复审批")
        if not approve and not (note or "").strip():
            raise _error("decision_note", "不批准时请填写审批意见")
        relief.status = ReliefStatus.APPROVED if approve else ReliefStatus.REJECTED
        relief.decided_by, relief.decided_at, relief.decision_note = _user(actor), timezone.now(), (note or "")[:200]
        relief.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(actor=actor, action="dues.relief_approve" if approve else "dues.relief_reject", target=relief,
                     org=relief.org, changes={"status": [ReliefStatus.PROPOSED, relief.status]})
    return relief


# ------------------------------------------------------------------ arrears cases (Art. 13; 党章 Art. 9)


def cases_raise(*, actor, q, today: dt.date | None = None) -> list[ArrearsCase]:
    """Open a case for every member (of the Q over Member) with at least the lapse months unpaid
    whose current unpaid run has no case yet. Idempotent: a run gets one case."""
    today = today or timezone.localdate()
    lapse = rules.lapse_months()
    created = []
    members = list(queries.with_unpaid_run(queries.owing_members(q), today, lapse).filter(unpaid_months__gte=lapse)
                   .select_related("org").order_by("pk"))
    with transaction.atomic():
        existing = set(ArrearsCase.objects.filter(member__in=members).values_list("member_id", "first_unpaid_month"))
        for m in members:
            first = queries.first_unpaid_month(m)
            if (m.pk, first) in existing:
                continue
            created.append(ArrearsCase(member=m, org=m.org, first_unpaid_month=first, months_unpaid=m.unpaid_months,
                                       opened_on=today))
        try:
            ArrearsCase.objects.bulk_create(created, batch_size=2000)
        except IntegrityError:
            raise _error("case", "待处理事项正在由他人同时生成，请稍后刷新") from None
        AuditEvent.objects.bulk_create([
            audit.build(actor=actor, action="dues.case_raise", target=case.member, org=case.org,
                        changes={"first_unpaid_month": [None, case.first_unpaid_month.isoformat()],
                                 "months_unpaid": [None, case.months_unpaid]})
            for case in created], batch_size=2000)
    return created


def case_handle(*, actor, case: ArrearsCase, status: str, resolution: str, today: dt.date | None = None) -> ArrearsCase:
    """The branch records how it handled the case. orglife never changes the member's status:
    除名 is decided by the branch assembly and approved above, outside this record."""
    today = today or timezone.localdate()
    resolution = (resolution or "").strip()
    if status not in (CaseStatus.REASON_ACCEPTED, CaseStatus.REFERRED, CaseStatus.CLOSED):
        raise _error("status", "请选择处理结果")
    if not resolution:
        raise _error("resolution", "请填写处理情况（如谈话记录、正当理由、支部党员大会讨论情况）")
    with transaction.atomic():
        case = ArrearsCase.objects.select_for_update().get(pk=case.pk)
        before = case.status
        case.status, case.resolution, case.handled_by, case.handled_on = status, resolution, _user(actor), today
        case.save(update_fields=["status", "resolution", "handled_by", "handled_on"])
        audit.record(actor=actor, action="dues.case_handle", target=case.member, org=case.org,
                     changes={"status": [before, status]})
    return case
