"""Transfers of organizational relationship (组织关系转接).

A Transfer moves one member from a sending organization to a receiving one. Inside orglife it
passes a route of approvals along the tree (TransferStep rows, rebuilt as a new round after a
return) and ends when the receiving branch accepts. To an organization outside orglife, the last
step issues an introduction letter (组织关系介绍信) and the transfer waits for the receipt (回执).
From outside, the receiving branch registers the member with the incoming letter's number.

The history of a transfer is its audit events (core.AuditEvent, target = the transfer).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import Member, Organization


class TransferKind(models.TextChoices):
    INTERNAL = "internal", "系统内转接"
    OUT = "out", "转出到系统外"
    IN = "in", "从系统外转入"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "审批中"
    RETURNED = "returned", "已退回"
    REFUSED = "refused", "未同意"
    CANCELLED = "cancelled", "已撤销"
    AWAITING_RECEIPT = "awaiting_receipt", "已开介绍信，待回执"
    COMPLETED = "completed", "已完成"


# A member has at most one transfer in these states (a partial unique constraint).
OPEN = (TransferStatus.PENDING, TransferStatus.RETURNED, TransferStatus.AWAITING_RECEIPT)


class Transfer(models.Model):
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("转接类型", max_length=10, choices=TransferKind.choices)
    status = models.CharField("状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    from_org = models.ForeignKey(Organization, verbose_name="转出组织", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey(Organization, verbose_name="接收组织", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="transfers_in")
    # The organization outside orglife (out: where the member goes; in: where they come from).
    outside_name = models.CharField("系统外组织名称", max_length=100, blank=True)
    reason = models.CharField("转接原因", max_length=200)
    transfer_on = models.DateField("拟转接日期")
    # Whose action the transfer waits for (the current step's organization); None when closed.
    current_org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    # Dues paid up to (first day of the last month fully paid), taken when the member moves or
    # the letter is issued; for a member coming from outside, as written on their letter.
    paid_up_to = models.DateField("党费交至", null=True, blank=True)
    # The introduction letter: issued by orglife (out) or received with the member (in).
    letter_number = models.CharField("介绍信编号", max_length=60, blank=True)
    letter_issuer = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    letter_year = models.PositiveSmallIntegerField(null=True, blank=True)
    letter_seq = models.PositiveIntegerField(null=True, blank=True)
    letter_issued_on = models.DateField("开具日期", null=True, blank=True)
    letter_valid_days = models.PositiveSmallIntegerField("有效期（天）", null=True, blank=True)
    # What the letter printed about the member, frozen when it was issued.
    letter_facts = models.JSONField(default=dict, blank=True)
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_note = models.CharField("回执说明", max_length=200, blank=True)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "组织关系转接"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=OPEN), name="uniq_open_transfer"),
            models.UniqueConstraint(fields=["letter_issuer", "letter_year", "letter_seq"],
                                    condition=Q(letter_seq__isnull=False), name="uniq_transfer_letter_seq"),
        ]
        indexes = [
            models.Index(fields=["from_org", "-created_at"]),
            models.Index(fields=["to_org", "-created_at"]),
            models.Index(fields=["current_org", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.member.name if self.member_id else ''} {self.from_name} → {self.to_name}"

    @property
    def from_name(self) -> str:
        return self.from_org.name if self.from_org_id else self.outside_name

    @property
    def to_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.outside_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def letter_valid_until(self) -> dt.date | None:
        if self.kind != TransferKind.OUT or not self.letter_issued_on or not self.letter_valid_days:
            return None
        return self.letter_issued_on + dt.timedelta(days=self.letter_valid_days)


class StepRole(models.TextChoices):
    APPROVE = "approve", "审批"
    ISSUE = "issue", "审批并开具介绍信"
    ACCEPT = "accept", "接收"


class StepStatus(models.TextChoices):
    WAITING = "waiting", "未到"
    PENDING = "pending", "待办理"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"
    RETURNED = "returned", "已退回"
    SKIPPED = "skipped", "已终止"


class TransferStep(models.Model):
    """One organization's step on a transfer's route, in order, per round."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=StepRole.choices)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["transfer", "round", "position"], name="uniq_transfer_step")]

    def __str__(self) -> str:
        return f"{self.transfer_id}#{self.round}.{self.position} {self.role} {self.org_id}"
