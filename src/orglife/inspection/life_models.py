"""组织生活会 and 民主生活会 from preparation to sign-off (RULES §4).

A LifeMeeting is the workflow around one meeting of the organizational-life module: the notice
and the report upward before it, the study sessions and opinions gathered, each participant's
对照检查材料, the criticism record of each participant, and the report upward afterwards. The
meeting record itself (attendance, minutes, lock) stays in the meetings app; the problems found
go to the ledger as Problem rows linked to the meeting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

LIFE_KINDS = {"org_life_meeting": "组织生活会", "democratic_life_meeting": "民主生活会"}


class LifeMeeting(models.Model):
    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="life")
    kind = models.CharField("会议类型", max_length=40, choices=list(LIFE_KINDS.items()))
    notice_sent_on = models.DateField("通知日期", null=True, blank=True)
    notice = models.TextField("会议通知", blank=True)
    reported_up_on = models.DateField("方案报上级日期", null=True, blank=True)
    # An officer of the organization above may let the meeting be held with items still missing.
    override_reason = models.TextField("准予召开说明", blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    override_at = models.DateTimeField(null=True, blank=True)
    report = models.TextField("会议情况报告", blank=True)
    report_sent_on = models.DateField("报告报送日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "组织生活会/民主生活会"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.meeting_id}"


class PrepKind(models.TextChoices):
    STUDY = "study", "会前学习研讨"
    OPINIONS = "opinions", "征求意见"


class PrepRecord(models.Model):
    """A study session or a round of opinion gathering held before the meeting."""

    life = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="prep_records")
    kind = models.CharField("类型", max_length=10, choices=PrepKind.choices)
    held_on = models.DateField("日期")
    summary = models.TextField("内容摘要")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class SelfExamination(models.Model):
    """One participant's 对照检查材料: written in orglife or uploaded (.docx/.txt, text extracted),
    with the result of the originality check kept as it was when the material was saved."""

    life = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="materials")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="self_examinations")
    text = models.TextField("对照检查材料")
    file = models.FileField(upload_to="materials/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    copied_share = models.FloatField(default=0)
    flagged = models.BooleanField(default=False)
    originality = models.JSONField(default=dict)  # Report.to_dict(): the matched passages and sources
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["life", "member"], name="uniq_material_per_member")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.member_id} 对照检查材料"


class CriticismRecord(models.Model):
    """What one participant said in self-criticism and the criticisms they received; an absentee
    submits in writing (RULES §4)."""

    life = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="criticisms")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    self_criticism = models.TextField("自我批评")
    criticisms = models.TextField("收到的批评意见", blank=True)
    in_writing = models.BooleanField("书面提交（未到会）", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["life", "member"], name="uniq_criticism_per_member")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.member_id} 批评与自我批评"
