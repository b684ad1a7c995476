"""发展党员: applicants and the dated steps of their files.

The 25 steps and their time rules are data (rules/recruitment/*.yaml); the interpreter is
timeline.py. Applicant keeps a few derived fields (step number, next step and due date, error
count) that the services recompute after every write, so the pipeline of a whole subtree is one
indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orglife.orgs.models import Education, Gender, mask_id, mask_phone

# Chinese labels for the audit actions this app writes (merged into core's table in apps.py).
ACTION_LABELS: dict[str, str] = {
    "recruitment.applicant_create": "登记入党申请人",
    "recruitment.applicant_update": "修改入党申请人信息",
    "recruitment.step_record": "记录发展党员步骤",
    "recruitment.step_delete": "删除发展党员步骤记录",
    "recruitment.document_add": "上传发展党员材料",
    "recruitment.admit": "接收预备党员",
    "recruitment.convert": "预备党员转正",
    "recruitment.extend": "延长预备期",
    "recruitment.cancel": "取消预备党员资格",
    "recruitment.withdraw": "终止发展",
}


class ApplicantStatus(models.TextChoices):
    ACTIVE = "active", "培养考察中"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    CANCELLED = "cancelled", "已取消预备党员资格"
    WITHDRAWN = "withdrawn", "已终止发展"


OPEN_STATUSES = (ApplicantStatus.ACTIVE, ApplicantStatus.PROBATIONARY)


class Applicant(models.Model):
    """入党申请人: one person's recruitment file, from the written application to the archive."""

    # Indexed by recruitment_pipeline_idx below, which leads with org.
    org = models.ForeignKey("orgs.Organization", verbose_name="所在党支部", on_delete=models.PROTECT,
                            related_name="applicants", db_index=False)
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    applied_on = models.DateField("递交入党申请书日期")
    ruleset = models.CharField("适用规则", max_length=20, blank=True, help_text="留空则按组织的规则配置方案，默认2014年细则")
    status = models.CharField("状态", max_length=20, choices=ApplicantStatus.choices, default=ApplicantStatus.ACTIVE)
    member = models.OneToOneField("orgs.Member", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="recruitment")
    # Derived by services.refresh after every write (never typed in).
    step_number = models.PositiveSmallIntegerField("当前步骤", default=1)
    stage = models.PositiveSmallIntegerField("当前阶段", default=1)
    next_step = models.CharField(max_length=40, blank=True)
    next_due = models.DateField(null=True, blank=True)
    due_step = models.CharField(max_length=40, blank=True)  # the step whose deadline is next_due
    probation_end = models.DateField("预备期满日期", null=True, blank=True)
    error_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "入党申请人"
        indexes = [
            # Covers the pipeline's counts and its ordered list of ids (PostgreSQL index-only scans
            # over a subtree's applicants); include is ignored where unsupported.
            models.Index(fields=["org", "status", "next_due"], include=["id", "stage", "error_count"],
                         name="recruitment_pipeline_idx"),
            models.Index(fields=["status", "next_due"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def age(self) -> int:
        on, b = timezone.localdate(), self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Step(models.Model):
    """One recorded step (or one occurrence of a repeating one: 考察, 转正讨论)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=40)
    number = models.PositiveSmallIntegerField()
    on = models.DateField("日期")
    notes = models.TextField("情况说明", blank=True)
    actors = models.ManyToManyField("orgs.Member", blank=True, related_name="recruitment_steps",
                                    verbose_name="培养联系人、入党介绍人或谈话人")
    actor_names = models.CharField("其他人员（非本支部党员）", max_length=200, blank=True)
    # Training length, a conversion vote's outcome and extension, a publicity period.
    extra = models.JSONField(default=dict, blank=True)
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey("meetings.Resolution", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "number", "id"]
        constraints = [
            # Only 考察, 继续教育考察 and the conversion steps may be recorded more than once.
            models.UniqueConstraint(
                fields=["applicant", "step"], name="uniq_recruitment_step",
                condition=~Q(step__in=["assessment", "probation_education", "conversion_application",
                                       "conversion_vote", "conversion_approval"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_id}:{self.step}@{self.on}"


class Document(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="recruitment/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
