"""党务公开: a publication is a dated snapshot of a result, published by a manager of an
organization to a scope (its members, its subtree, or a public page). The snapshot is stored as
JSON when published and pages render from it alone, never from live data. Withdrawing keeps the
row (the record of what was published) and shows a notice in its place."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Chinese labels for the audit actions this app writes (merged into core's table in apps.py).
ACTION_LABELS: dict[str, str] = {
    "disclosure.publish": "党务公开：发布",
    "disclosure.withdraw": "党务公开：撤回",
}


class Audience(models.TextChoices):
    MEMBERS = "members", "本组织党员"
    SUBTREE = "subtree", "本组织及下级组织党员"
    PUBLIC = "public", "公开（无需登录）"


class Publication(models.Model):
    org = models.ForeignKey("orgs.Organization", verbose_name="公开组织", on_delete=models.PROTECT,
                            related_name="publications")
    kind = models.CharField("公开事项", max_length=40)  # a key of registry.KINDS
    audience = models.CharField("公开范围", max_length=10, choices=Audience.choices)
    title = models.CharField("标题", max_length=200)
    params = models.JSONField("来源", default=dict, blank=True)  # what the builder was asked for
    snapshot = models.JSONField("公开内容", default=dict)
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdraw_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = "党务公开"
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["org", "audience", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
