"""Exemptions (免于召开): the organization above approves that a kind is not owed for a period,
with a reason (e.g. a branch set up late in the quarter). The compliance engine then shows
`exempt` instead of `missed`. One transaction each, audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from orglife.core import audit
from orglife.orgs.models import Organization
from orglife.orgs.services import ServiceError
from orglife.rules import compliance, periods

from .models import Exemption

EVERY_EXAMPLES = {"month": "2026-03", "quarter": "2026-Q1", "half": "2026-H1", "year": "2026"}


def exemption_grant(*, actor, org: Organization, kind: str, period: str, reason: str) -> Exemption:
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写免于召开的理由"
    try:
        span = periods.parse_period((period or "").strip())
    except ValueError as exc:
        errors["period"] = str(exc)
        span = None
    if span is not None:
        required = {r.kind: r for r in compliance.requirements(org.profile(), org.kind, span.start)}
        req = required.get(kind)
        if req is None:
            errors["kind"] = f"{org.get_kind_display()}在该期间不要求召开{compliance.KIND_LABELS.get(kind, kind)}"
        elif req.every != span.every:
            errors["period"] = (f"{compliance.KIND_LABELS[kind]}按{compliance.EVERY_LABELS[req.every]}要求，"
                                f"期间应写作 {EVERY_EXAMPLES[req.every]} 这样的格式")
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            exemption = Exemption.objects.create(org=org, kind=kind, period=span.label, reason=reason, approved_by=actor)
            audit.record(actor=actor, action="exemption.grant", target=exemption, org=org,
                         changes={"kind": [None, kind], "period": [None, span.label], "reason": [None, reason]})
    except IntegrityError:
        raise ServiceError({"period": f"{span.label}的{compliance.KIND_LABELS[kind]}已批准免于召开"}) from None
    return exemption


def exemption_revoke(*, actor, exemption: Exemption) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action="exemption.revoke", target=exemption, org=exemption.org,
                     changes={"kind": [exemption.kind, None], "period": [exemption.period, None]})
        exemption.delete()
