"""述职评议 (duty-report review): a higher organization reviews the secretaries of the branches
below it for a year. Each secretary hands in a duty report (written or a .docx/.pdf file);
reviewers score the review's items (the item set, with weights, is data frozen at opening); at
close the weighted scores are aggregated, optionally ranked, and each secretary sees their own
result with the comments.

Scoring is not secret (reviewers are named officials whose sheets the organization may need to
check), so it does not use the anonymous ballot machinery (decision 0026); but before close a
reviewer sees only their own sheets and a secretary only their own report."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewStatus(models.TextChoices):
    OPEN = "open", "述职评议中"
    CLOSED = "closed", "已结束"


class DutyReportReview(models.Model):
    org = models.ForeignKey("orgs.Organization", verbose_name="组织评议的党组织", on_delete=models.PROTECT,
                            related_name="duty_reviews")
    year = models.PositiveIntegerField("年度")
    items = models.JSONField("评议项目", default=list)  # [{"key", "label", "weight"}]
    ranked = models.BooleanField("公布排名", default=True)
    status = models.CharField("状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_on = models.DateField("开始日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "述职评议"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_duty_review_year")]

    def __str__(self) -> str:
        return f"{self.year}年度党支部书记述职评议"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class Reviewer(models.Model):
    review = models.ForeignKey(DutyReportReview, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("评议人", max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="uniq_reviewer")]

    def __str__(self) -> str:
        return self.name


class DutyReport(models.Model):
    """One branch's secretary (frozen at opening) and their report, then their result."""

    review = models.ForeignKey(DutyReportReview, on_delete=models.CASCADE, related_name="reports")
    branch = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    branch_name = models.CharField("党支部", max_length=100)
    secretary = models.ForeignKey("orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    secretary_name = models.CharField("书记", max_length=40, blank=True)
    text = models.TextField("述职报告", blank=True)
    file = models.FileField(upload_to="duty_reports/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    total = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    item_scores = models.JSONField(default=dict)  # {item key: average}, set at close
    sheets = models.PositiveIntegerField("评分人数", default=0)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    feedback = models.TextField("评议意见", blank=True)

    class Meta:
        ordering = ["branch_name", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "branch"], name="uniq_duty_report_branch")]

    def __str__(self) -> str:
        return f"{self.branch_name} {self.secretary_name}"


class ReviewSheet(models.Model):
    """One reviewer's scores of one report ({item key: 0–100}) and comment."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="score_sheets")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="sheets")
    scores = models.JSONField(default=dict)
    comment = models.TextField("评议意见", blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "reviewer"], name="uniq_review_sheet")]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.reviewer_id}"


ACTION_LABELS = {
    "review.open": "开始述职评议",
    "review.report": "提交述职报告",
    "review.score": "述职评议评分",
    "review.feedback": "填写述职评议意见",
    "review.close": "结束述职评议",
}
