"""Assessment runs (考核评星): one run assesses the branches of a subtree for a year against a
scorecard (frozen into the run), stores every organization's explained score, and is finalized
by an officer (then read-only). Officers' entries — manual scores with evidence, the survey,
recorded deductions and vetoes, bonus points and adjustments with a reason — are AssessmentInput
rows, so a recomputation never loses them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunStatus(models.TextChoices):
    DRAFT = "draft", "评分中"
    FINAL = "final", "已定级"


class AssessmentRun(models.Model):
    org = models.ForeignKey("orgs.Organization", verbose_name="考核党组织", on_delete=models.PROTECT,
                            related_name="assessment_runs")
    year = models.PositiveIntegerField("年度")
    scorecard_key = models.CharField("考核方案", max_length=80)  # id@version
    scorecard = models.JSONField(default=dict)  # the YAML data, frozen when the run is created
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    org_count = models.PositiveIntegerField("参加考核组织数", default=0)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    compute_seconds = models.FloatField(default=0)
    finalized_at = models.DateTimeField("定级时间", null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核评星"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年度考核评星"

    @property
    def is_final(self) -> bool:
        return self.status == RunStatus.FINAL


class AssessmentResult(models.Model):
    """One organization's score in a run, with every line explained (lines: list of dicts, see
    scorecard_rules.Line.as_dict)."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    org_name = models.CharField(max_length=100)
    org_path = models.CharField(max_length=255)
    base = models.DecimalField("基础分", max_digits=7, decimal_places=2)
    deductions = models.DecimalField("扣分", max_digits=7, decimal_places=2)
    survey = models.DecimalField("群众评价", max_digits=6, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField("加分", max_digits=6, decimal_places=2, default=0)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    cap = models.CharField("否决封顶等次", max_length=20, blank=True)
    rank = models.PositiveIntegerField("排名", default=0)
    proposed_grade = models.CharField("建议等次", max_length=20, blank=True)
    grade = models.CharField("评定等次", max_length=20, blank=True)
    grade_reason = models.CharField("等次调整理由", max_length=200, blank=True)
    lines = models.JSONField(default=list)

    class Meta:
        ordering = ["rank", "org_path"]
        constraints = [models.UniqueConstraint(fields=["run", "org"], name="uniq_assessment_result")]
        indexes = [models.Index(fields=["run", "rank"], name="assess_result_rank")]

    def __str__(self) -> str:
        return f"{self.org_name} {self.total}"


class InputKind(models.TextChoices):
    MANUAL = "manual", "人工评分"
    ADJUST = "adjust", "调整分数"
    DEDUCTION = "deduction", "扣分认定"
    VETO = "veto", "否决认定"
    SURVEY = "survey", "群众评价"
    BONUS = "bonus", "加分"


class AssessmentInput(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="inputs")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=InputKind.choices)
    key = models.CharField(max_length=60)  # indicator, deduction or veto id; "survey", "bonus"
    value = models.DecimalField(max_digits=7, decimal_places=2)
    evidence = models.TextField("依据", blank=True)
    reason = models.TextField("理由", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "org", "kind", "key"], name="uniq_assessment_input")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}={self.value}"


ACTION_LABELS = {
    "assessment.create": "发起考核评星",
    "assessment.compute": "计算考核得分",
    "assessment.input": "录入考核评分",
    "assessment.adjust": "调整考核得分",
    "assessment.grade": "调整评定等次",
    "assessment.finalize": "考核评星定级",
}
