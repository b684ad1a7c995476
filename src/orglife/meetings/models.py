"""Organizational life: annual plans, meetings and their locked records, attendance, talks.

Derived state lives here only where it needs no other model (Meeting.is_locked). Every write goes
through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orglife.rules.compliance import KIND_LABELS

KIND_CHOICES = list(KIND_LABELS.items())


class ContentCategory(models.TextChoices):
    THEORY = "theory", "理论学习"
    PURPOSE = "purpose", "宗旨教育"
    PARTY_SPIRIT = "party_spirit", "党性教育"
    CRITICISM = "criticism", "批评和自我批评"
    HOT_TOPICS = "hot_topics", "热点释疑"
    OTHER = "other", "其他"


# ------------------------------------------------------------------ annual plan


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审批"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"


class ReturnReason(models.TextChoices):
    UNTRUE = "untrue", "内容不实"
    UNCLEAR_PROCEDURE = "unclear_procedure", "程序不清"
    MISSING_ELEMENTS = "missing_elements", "要素不全"
    OTHER = "other", "其他"


class AnnualPlan(models.Model):
    """A branch's plan (计划) of organizational life for a year, approved by the organization above."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    round = models.PositiveSmallIntegerField("审批轮次", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_plan_org_year")]

    def __str__(self) -> str:
        return f"{self.year}年度计划"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class PlanItem(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    planned_on = models.DateField("计划日期")
    kinds = models.JSONField("会议类型", default=list)  # list of KIND_LABELS keys
    topic = models.CharField("主题", max_length=200, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.planned_on} {self.topic}"


class PlanReview(models.Model):
    """One step of a plan's approval history: submitted, returned (with reasons) or approved."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=20)  # submit | return | approve
    reasons = models.JSONField(default=list, blank=True)  # ReturnReason values
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(default=list, blank=True)  # the items as submitted

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan} round {self.round} {self.action}"


# ------------------------------------------------------------------ meetings


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "已计划"
    STARTED = "started", "进行中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


class Meeting(models.Model):
    """One session. It may count for several kinds (MeetingKind rows)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="meetings")
    plan_item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    planned_at = models.DateTimeField("计划时间", null=True, blank=True)
    held_at = models.DateTimeField("实际召开时间", null=True, blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True, db_index=True)  # local date of held_at
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.ForeignKey("orgs.Member", verbose_name="主持人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorder = models.ForeignKey("orgs.Member", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lecturer = models.CharField("授课人", max_length=100, blank=True)
    topic = models.CharField("主题", max_length=200, blank=True)
    content_category = models.CharField("内容类别", max_length=20, choices=ContentCategory.choices, blank=True)
    agenda = models.TextField("议程", blank=True)
    opinions = models.TextField("会前征求意见", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    late_reason = models.TextField("补录说明", blank=True)
    is_late = models.BooleanField("补录", default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    attendance_frozen_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["org", "held_on"]), models.Index(fields=["status", "held_on"])]

    def __str__(self) -> str:
        return self.topic or f"会议 {self.pk}"

    @property
    def is_locked(self) -> bool:
        """A submitted record is evidence: later changes are amendments with a reason."""
        return self.status in (MeetingStatus.SUBMITTED, MeetingStatus.APPROVED)

    @property
    def counts(self) -> bool:
        return self.is_locked


class MeetingKind(models.Model):
    """A kind a meeting counts for. org and held_on are copied from the meeting (kept by the
    services) so compliance for a subtree is one aggregate over this table."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="kind_rows")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(null=True, blank=True)
    counted = models.BooleanField(default=False)  # the record is submitted (locked)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="uniq_meeting_kind")]
        indexes = [models.Index(fields=["counted", "held_on", "org"])]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.kind}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    ON_LEAVE = "on_leave", "请假"
    ABSENT = "absent", "缺席"


class Attendance(models.Model):
    """The due list, frozen from the roster when the meeting starts."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="attendance")
    voting_entitled = models.BooleanField(default=False)  # frozen with the list
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.ABSENT)
    reason = models.CharField(max_length=200, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)  # qr | manual

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status}"


class Guest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=40)
    note = models.CharField("单位或身份", max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField("决议内容")
    yes = models.PositiveIntegerField("赞成", default=0)
    no = models.PositiveIntegerField("反对", default=0)
    abstain = models.PositiveIntegerField("弃权", default=0)
    # Admission and 转正 votes count the written opinions of absent voting members (细则 Art. 21);
    # other votes count only those present.
    written_opinions = models.BooleanField("接收预备党员或转正表决（计入未到会党员书面意见）", default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class Attachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="meetings/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.CharField("事项", max_length=200)
    owner = models.ForeignKey("orgs.Member", verbose_name="责任人", null=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("完成时限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    def __str__(self) -> str:
        return self.text


class Amendment(models.Model):
    """A change to a locked record: the reason and the record as it was before (kept readable)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    version = models.PositiveIntegerField()  # the version this amendment replaced
    reason = models.TextField()
    before = models.JSONField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.version}"


class Exemption(models.Model):
    """An approved exemption from a kind for a period (e.g. a branch set up mid-quarter)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="exemptions")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    period = models.CharField(max_length=10)  # 2026-03 | 2026-Q1 | 2026-H1 | 2026
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "kind", "period"], name="uniq_exemption")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind} {self.period}"


# ------------------------------------------------------------------ talks


class Talk(models.Model):
    """谈心谈话. The summary is visible only to the participants and the branch's managers."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="talks")
    held_on = models.DateField("谈话日期")
    topic = models.CharField("主题", max_length=200)
    summary = models.TextField("谈话要点", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic


class TalkParticipant(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="talks")
    on_committee = models.BooleanField(default=False)  # frozen when the talk is recorded

    class Meta:
        constraints = [models.UniqueConstraint(fields=["talk", "member"], name="uniq_talk_participant")]

    def __str__(self) -> str:
        return f"{self.talk_id}:{self.member_id}"


class TalkTodo(models.Model):
    """A triggered talk (RULES §1.2: marked change, sanction, major difficulty) raised by the secretary."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="talk_todos")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="talk_todos")
    reason = models.CharField("原因", max_length=200)
    due_on = models.DateField("完成时限", null=True, blank=True)
    talk = models.ForeignKey(Talk, null=True, blank=True, on_delete=models.SET_NULL, related_name="todos")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.member_id} {self.reason}"


class RecordReview(models.Model):
    """The organization above reviews a submitted record: approved, or returned with reasons
    (内容不实 / 程序不清 / 要素不全 / 其他) for the branch to correct and submit again."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=20)  # approve | return
    reasons = models.JSONField(default=list, blank=True)  # ReturnReason values
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.action}"
