"""Writes to the points setting. A manager turns points on or off for an organization; only an
administrator turns the ranking on (the caller checks which of the two the actor may change)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.models import Organization

from . import points
from .plan_models import PointsSetting


def setting_update(*, actor, org: Organization, enabled: bool | None = None, ranking: bool | None = None,
                   today: dt.date | None = None) -> PointsSetting:
    with transaction.atomic():
        # A new row starts from what the organization inherits, so that turning the ranking on
        # here does not turn off points an organization above turned on.
        inherited = points.effective(org)
        row, _ = PointsSetting.objects.select_for_update().get_or_create(
            org=org, defaults={"enabled": inherited.enabled, "enabled_on": inherited.since, "ranking": inherited.ranking})
        before = {"enabled": row.enabled, "ranking": row.ranking}
        if enabled is not None and enabled != row.enabled:
            row.enabled = enabled
            # Points count from the day they are turned on: evidence from before earns nothing.
            row.enabled_on = (today or timezone.localdate()) if enabled else None
        if ranking is not None:
            row.ranking = ranking
        row.updated_by = actor if getattr(actor, "pk", None) else None
        row.save()
        changes = audit.diff(before, {"enabled": row.enabled, "ranking": row.ranking})
        if changes:
            audit.record(actor=actor, action="study.points_setting", target=row, org=org, changes=changes)
    return row
