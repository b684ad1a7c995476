"""Writes of 党务公开: publish a result as a dated snapshot, withdraw it with a reason."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.services import ServiceError

from . import registry
from .models import Audience, Publication

REASON_MAX = 500


def publish(*, actor, org, kind: str, audience: str, value: str = "", title: str = "") -> Publication:
    """Build the chosen result now and store it as the publication's snapshot."""
    k = registry.get(kind)
    if not k.may_publish(actor, org):
        raise PermissionDenied("只有本组织的管理者可以发布党务公开")
    errors = {}
    if audience not in Audience.values:
        errors["audience"] = "请选择公开范围"
    title = (title or "").strip()
    if len(title) > 200:
        errors["title"] = "标题不能超过200字"
    if errors:
        raise ServiceError(errors)
    params = registry.params_for(k, value)
    with transaction.atomic():
        snapshot = k.build(org, params, actor)
        # A round trip through JSON: what is stored is exactly what pages will render.
        snapshot = json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder, ensure_ascii=False))
        pub = Publication.objects.create(
            org=org, kind=k.key, audience=audience, title=title or snapshot.get("title") or k.label,
            params=params, snapshot=snapshot, published_at=timezone.now(),
            published_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor=actor, action="disclosure.publish", target=pub, org=org,
                     changes={"kind": [None, k.key], "audience": [None, audience], "params": [None, params]})
    return pub


def withdraw(*, actor, publication: Publication, reason: str) -> Publication:
    """Withdraw a publication: its content is no longer shown; a notice with the reason is."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "撤回需填写理由"})
    if len(reason) > REASON_MAX:
        raise ServiceError({"reason": f"理由不能超过{REASON_MAX}字"})
    with transaction.atomic():
        pub = Publication.objects.select_for_update().select_related("org").get(pk=publication.pk)
        if not registry.get(pub.kind).may_publish(actor, pub.org):
            raise PermissionDenied("只有本组织的管理者可以撤回党务公开")
        if pub.is_withdrawn:
            raise ServiceError({"reason": "该公开事项已撤回"})
        pub.withdrawn_at = timezone.now()
        pub.withdrawn_by = actor if getattr(actor, "pk", None) else None
        pub.withdraw_reason = reason
        pub.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        audit.record(actor=actor, action="disclosure.withdraw", target=pub, org=pub.org,
                     changes={"withdrawn": [None, reason]})
    return pub
