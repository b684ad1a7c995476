import datetime as dt

from django.conf import settings
from django.db import models


class ReferenceText(models.Model):
    """A published template essay (范文) loaded by an administrator; materials are compared with it."""

    name = models.CharField("文件名", max_length=255, unique=True)
    text = models.TextField("正文")
    loaded_at = models.DateTimeField("载入时间")

    class Meta:
        verbose_name = "范文"
        verbose_name_plural = "范文库"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProblemSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", "自查"
    ORG_LIFE_MEETING = "org_life_meeting", "组织生活会"
    DEMOCRATIC_LIFE_MEETING = "democratic_life_meeting", "民主生活会"
    CENTRAL_INSPECTION = "central_inspection", "巡视"
    LOCAL_INSPECTION = "local_inspection", "巡察"
    DISCIPLINE_INSPECTION = "discipline_inspection", "纪检监察"
    PETITION = "petition", "信访举报"
    SPOT_CHECK = "spot_check", "明察暗访"
    SUPERIOR_FEEDBACK = "superior_feedback", "上级反馈"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    SUBMITTED = "submitted", "待销号"
    SIGNED_OFF = "signed_off", "已销号"


class Problem(models.Model):
    """One entry of a 问题清单. Rectified through its measures, signed off (销号) by the organization
    above; a 回头看 may reopen it, which creates a follow-up problem (`follows`) and leaves this one,
    with its history, as it was (only `reopened_at` is set)."""

    org = models.ForeignKey("orgs.Organization", verbose_name="责任组织", on_delete=models.PROTECT,
                            related_name="problems")
    responsible = models.ForeignKey("orgs.Member", verbose_name="责任人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    source = models.CharField("问题来源", max_length=30, choices=ProblemSource.choices)
    description = models.TextField("问题描述")
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    status = models.CharField("状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    meeting = models.ForeignKey("meetings.Meeting", verbose_name="相关会议", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    follows = models.ForeignKey("self", verbose_name="回头看重新整改自", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="follow_ups")
    # The latest measure deadline, kept by the services (derived, stored for SQL filters and rates).
    deadline = models.DateField("整改时限", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)
    reopened_at = models.DateTimeField("回头看重新整改时间", null=True, blank=True)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        indexes = [models.Index(fields=["org", "status"]), models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_editable(self) -> bool:
        return self.status in (ProblemStatus.OPEN, ProblemStatus.RECTIFYING)


class Measure(models.Model):
    """An 整改措施 of a problem: done when `done_on` is set (with evidence)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField("整改措施")
    owner = models.ForeignKey("orgs.Member", verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    deadline = models.DateField("整改时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    evidence = models.TextField("完成情况", blank=True)
    weight = models.PositiveSmallIntegerField("权重", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改措施"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["done_on", "deadline"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.deadline < today


class MeasureEvidence(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="inspection/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ProblemAction(models.TextChoices):
    CREATE = "create", "登记问题"
    MEASURE_ADD = "measure_add", "添加整改措施"
    MEASURE_COMPLETE = "measure_complete", "整改措施完成"
    EVIDENCE_ADD = "evidence_add", "上传整改佐证"
    SUBMIT = "submit", "提交销号"
    SIGN_OFF = "sign_off", "销号"
    RETURN = "return", "退回"
    REOPEN = "reopen", "回头看重新整改"


class ProblemEvent(models.Model):
    """The history of a problem, shown on its page (the audit log keeps the same facts)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=ProblemAction.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_action_display()
