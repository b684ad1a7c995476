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
    # An answer set back to "no problem" before any rectification was done (reason in the history).
    WITHDRAWN = "withdrawn", "已撤销"


# Statuses in which a problem needs no more rectification (its open measures are not overdue).
FINISHED_STATUSES = (ProblemStatus.SIGNED_OFF, ProblemStatus.WITHDRAWN)


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
    WITHDRAW = "withdraw", "撤销"


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


# ------------------------------------------------------------------ checklists and campaigns


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", "有/无问题"
    TEXT = "text", "文字说明"


class Checklist(models.Model):
    """A 检查清单 loaded from YAML or an administrator's xlsx: categories → items. A new text of the
    same list is a new version; campaigns keep pointing at the version they were launched with."""

    code = models.CharField("清单编码", max_length=60)
    version = models.CharField("版本", max_length=30)
    title = models.CharField("名称", max_length=200)
    source = models.TextField("来源")
    loaded_at = models.DateTimeField("载入时间")

    class Meta:
        verbose_name = "检查清单"
        verbose_name_plural = "检查清单"
        ordering = ["code", "-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version")]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("序号")
    category = models.CharField("分类", max_length=100)
    item_id = models.CharField("条目编号", max_length=60)
    text = models.TextField("检查内容")
    weight = models.PositiveSmallIntegerField("权重", default=1)
    guidance = models.TextField("检查说明", blank=True)
    source = models.TextField("依据", blank=True)
    answer_type = models.CharField("答题方式", max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO)
    auto = models.CharField("自动检查", max_length=40, blank=True)

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "item_id"], name="checklist_item_id")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.text[:30]}"


class CampaignTarget(models.TextChoices):
    ORGS = "orgs", "各党支部作答"
    MEMBERS = "members", "党员个人作答"


class Campaign(models.Model):
    """A 自查活动 launched by an organization for the branches (or the members) of its subtree."""

    org = models.ForeignKey("orgs.Organization", verbose_name="发起组织", on_delete=models.PROTECT,
                            related_name="campaigns")
    checklist = models.ForeignKey(Checklist, verbose_name="检查清单", on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField("活动名称", max_length=200)
    description = models.TextField("活动说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    target = models.CharField("作答对象", max_length=10, choices=CampaignTarget.choices, default=CampaignTarget.ORGS)
    launched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Closed explicitly by an officer; a campaign whose period has ended is closed too (see is_closed).
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = "自查活动"
        verbose_name_plural = "自查活动"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def state(self, today: dt.date) -> str:
        """"upcoming" before its start, "open" during its period, "closed" once closed by an
        officer or past its end date (no write happens when the period ends)."""
        if self.closed_at is not None or today > self.ends_on:
            return "closed"
        return "upcoming" if today < self.starts_on else "open"

    def state_label(self, today: dt.date) -> str:
        return {"upcoming": "未开始", "open": "进行中", "closed": "已结束"}[self.state(today)]

    @property
    def closed_on(self) -> dt.date | None:
        """The day answering ended: the explicit close, else the end date (if it has passed)."""
        from django.utils import timezone

        if self.closed_at is not None:
            return timezone.localtime(self.closed_at).date()
        return self.ends_on if timezone.localdate() > self.ends_on else None


class Answer(models.Model):
    """One target's answer to one item. Automatic items are answered by the system (answered_by
    empty, is_auto set); an answer reporting a problem is linked to the Problem it created."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Organization", verbose_name="作答组织", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("orgs.Member", verbose_name="作答党员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    has_problem = models.BooleanField("存在问题", default=False)
    description = models.TextField("情况说明", blank=True)
    evidence = models.TextField("佐证", blank=True)
    is_auto = models.BooleanField("系统自动作答", default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField("作答时间")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        indexes = [models.Index(fields=["campaign", "org"])]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item", "org"], condition=models.Q(member__isnull=True),
                                    name="answer_one_per_org"),
            models.UniqueConstraint(fields=["campaign", "item", "member"], condition=models.Q(member__isnull=False),
                                    name="answer_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.item.item_id}: {'有问题' if self.has_problem else '无问题'}"


from .life_models import CriticismRecord, LifeMeeting, PrepRecord, SelfExamination  # noqa: E402,F401
