"""Study plans (学习计划), their items and materials (学习资料), self-study confirmations, and the
per-organization points setting. Class hours and points are computed from evidence (plan_queries,
points), never typed in."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class ItemType(models.TextChoices):
    # 周学、月谈、季讲、期考、年评
    SELF_STUDY = "self_study", "自学"
    DISCUSSION = "discussion", "研讨交流"
    LECTURE = "lecture", "专题党课"
    TEST = "test", "测试"
    APPRAISAL = "appraisal", "评学"


# How each type of item is done: a member's confirmation, attendance at the linked meeting, or the
# result of the linked exam.
EVIDENCE = {
    ItemType.SELF_STUDY: "confirmation",
    ItemType.DISCUSSION: "meeting",
    ItemType.LECTURE: "meeting",
    ItemType.APPRAISAL: "meeting",
    ItemType.TEST: "exam",
}
EVIDENCE_LABELS = {"confirmation": "本人确认自学", "meeting": "参加学习会议（以会议签到为准）", "exam": "考试合格"}


class Audience(models.TextChoices):
    ORG = "org", "全体党员"
    PARTY_GROUP = "party_group", "党小组"
    LEADING_CADRES = "leading_cadres", "党员领导干部"


class StudyPlan(models.Model):
    """An organization's study plan for a year. Members see it once published."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="study_plans")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=100, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习计划"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="study_plan_org_year")]

    def __str__(self) -> str:
        return self.title or f"{self.year}年度学习计划"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class StudyItem(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="items")
    item_type = models.CharField("学习形式", max_length=20, choices=ItemType.choices)
    topic = models.CharField("学习主题", max_length=200)
    description = models.TextField("学习要求", blank=True)
    due_on = models.DateField("完成时限")
    audience = models.CharField("学习对象", max_length=20, choices=Audience.choices, default=Audience.ORG)
    party_group = models.ForeignKey("orgs.Organization", verbose_name="党小组", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    hours = models.DecimalField("计入学时", max_digits=4, decimal_places=1, default=Decimal("1.0"),
                                validators=[MinValueValidator(Decimal(0))])
    meeting = models.ForeignKey("meetings.Meeting", verbose_name="学习会议", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="study_items")
    exam = models.ForeignKey("study.Exam", verbose_name="考试", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="study_items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习事项"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on", "item_type"])]

    def __str__(self) -> str:
        return self.topic

    @property
    def evidence(self) -> str:
        return EVIDENCE[ItemType(self.item_type)]

    @property
    def evidence_label(self) -> str:
        return EVIDENCE_LABELS[self.evidence]


class MaterialKind(models.TextChoices):
    TEXT = "text", "文字"
    LINK = "link", "链接"
    FILE = "file", "文件"


class Material(models.Model):
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("资料形式", max_length=10, choices=MaterialKind.choices)
    title = models.CharField("资料名称", max_length=200)
    body = models.TextField("正文", blank=True)
    url = models.URLField("链接", max_length=500, blank=True)
    file = models.FileField(upload_to="study/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习资料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class StudyConfirmation(models.Model):
    """A member's confirmation that they studied a self-study item, with a short note."""

    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="confirmations")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="study_confirmations")
    note = models.CharField("学习心得", max_length=500)
    confirmed_on = models.DateField()
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="study_confirmation_unique")]
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.member_id}"


class PointsSetting(models.Model):
    """Points are off unless an organization turns them on (a manager); a ranking is shown only if
    an administrator turns it on as well. The nearest setting at or above a member's organization
    decides for that member."""

    org = models.OneToOneField("orgs.Organization", on_delete=models.CASCADE, related_name="points_setting")
    enabled = models.BooleanField("启用学习积分", default=False)
    enabled_on = models.DateField("启用日期", null=True, blank=True)
    ranking = models.BooleanField("显示积分排名", default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.org_id} points {'on' if self.enabled else 'off'}"


PLAN_ACTION_LABELS: dict[str, str] = {
    "study.plan_create": "创建学习计划",
    "study.plan_publish": "发布学习计划",
    "study.item_add": "添加学习事项",
    "study.item_update": "修改学习事项",
    "study.item_delete": "删除学习事项",
    "study.material_add": "添加学习资料",
    "study.material_delete": "删除学习资料",
    "study.confirm": "确认自学",
    "study.points_setting": "修改学习积分设置",
    "study.hours_export": "导出学时统计",
    "study.coverage_export": "导出学时覆盖率",
}
