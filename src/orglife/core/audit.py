"""Audit events are written by services, inside their own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """Changed fields as {field: [old, new]}."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if _plain(before.get(k)) != _plain(v)}


def build(*, actor, action: str, target: models.Model, org=None, changes: dict | None = None) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        org=org,
        changes=changes or {},
    )


def record(*, actor, action: str, target: models.Model, org=None, changes: dict | None = None) -> AuditEvent:
    event = build(actor=actor, action=action, target=target, org=org, changes=changes)
    event.save()
    return event
