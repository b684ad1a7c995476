"""Dues (党费): a dues profile per member (history kept), payments per month, voluntary extra
payments, hardship reliefs (branch proposes, the committee above approves), arrears cases and
payment-list imports. Months are stored as the first day of the month."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orglife.orgs.models import Member, Organization

from .rules import CATEGORIES

# Chinese labels for the audit actions this app writes (merged into core's table in apps.py).
ACTION_LABELS: dict[str, str] = {
    "dues.profile_set": "设置党费档案",
    "dues.payment_record": "登记党费交纳",
    "dues.payment_delete": "撤销党费交纳记录",
    "dues.voluntary_record": "登记自愿多交党费",
    "dues.voluntary_forward": "自愿多交党费上缴中央",
    "dues.relief_propose": "提出少交或免交党费",
    "dues.relief_approve": "批准少交或免交党费",
    "dues.relief_reject": "不批准少交或免交党费",
    "dues.case_raise": "生成连续未交党费待处理事项",
    "dues.case_handle": "处理连续未交党费事项",
    "dues.import": "导入党费交纳名单",
    "dues.import_rejected": "党费交纳名单导入被拒绝",
    "dues.export": "导出党费汇总",
}


class DuesCategory(models.TextChoices):
    SALARIED = "salaried", CATEGORIES["salaried"]
    ANNUAL_SALARY = "annual_salary", CATEGORIES["annual_salary"]
    SELF_EMPLOYED = "self_employed", CATEGORIES["self_employed"]
    RETIRED = "retired", CATEGORIES["retired"]
    FARMER = "farmer", CATEGORIES["farmer"]
    STUDENT = "student", CATEGORIES["student"]
    UNEMPLOYED = "unemployed", CATEGORIES["unemployed"]
    RELIEF = "relief", CATEGORIES["relief"]
    DIBAO = "dibao", CATEGORIES["dibao"]


class PaymentMethod(models.TextChoices):
    CASH = "cash", "现金"
    BANK = "bank", "银行转账"
    ONLINE = "online", "网上缴纳记录"


class DuesProfile(models.Model):
    """The member's category and base from a month on (a new row per change: history is kept).
    monthly_due is computed from the rules when the row is saved by the service."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_profiles")
    category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField("计算基数（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    monthly_due = models.DecimalField("每月应交（元）", max_digits=10, decimal_places=2)
    rule_id = models.CharField("依据规则", max_length=40)
    effective_month = models.DateField("起始月份")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党费档案"
        ordering = ["-effective_month"]
        constraints = [models.UniqueConstraint(fields=["member", "effective_month"], name="dues_profile_member_month")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.effective_month:%Y-%m} {self.monthly_due}"


class DuesPayment(models.Model):
    """Dues paid for one month by one member (one row per member and month)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_payments")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="收缴党组织")
    month = models.DateField("所属月份")
    due = models.DecimalField("应交（元）", max_digits=10, decimal_places=2)
    amount = models.DecimalField("实交（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("交纳方式", max_length=10, choices=PaymentMethod.choices)
    prepaid = models.BooleanField("经支部同意按季度预交", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey("DuesImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="payments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党费交纳记录"
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_payment_member_month")]
        indexes = [models.Index(fields=["org", "month"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"

    @property
    def on_time(self) -> bool:
        """Paid by the end of its month (or ahead, with consent)."""
        return (self.paid_on.year, self.paid_on.month) <= (self.month.year, self.month.month)


class VoluntaryPayment(models.Model):
    """A voluntary extra payment (Art. 11): a single one ≥ the rule's threshold goes to the Centre."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_voluntary")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("交纳方式", max_length=10, choices=PaymentMethod.choices)
    to_centre = models.BooleanField("全额上缴中央", default=False)
    forwarded_on = models.DateField("上缴日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "自愿多交党费"
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} 自愿多交 {self.amount}"


class ReliefKind(models.TextChoices):
    REDUCTION = "reduction", "少交"
    EXEMPTION = "exemption", "免交"


class ReliefStatus(models.TextChoices):
    PROPOSED = "proposed", "待上级党委审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class DuesRelief(models.Model):
    """Hardship reduction or exemption (Art. 7): the branch proposes, the committee above approves."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_reliefs")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=ReliefKind.choices)
    monthly_amount = models.DecimalField("少交后每月交纳（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    start_month = models.DateField("起始月份")
    end_month = models.DateField("截止月份")
    reason = models.TextField("困难情况及支部研究意见")
    status = models.CharField("状态", max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "少交或免交党费"
        ordering = ["-start_month", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_month:%Y-%m}—{self.end_month:%Y-%m}"

    def covers(self, month) -> bool:
        return self.start_month <= month <= self.end_month


class CaseStatus(models.TextChoices):
    OPEN = "open", "待党支部处理"
    REASON_ACCEPTED = "reason_accepted", "有正当理由，已说明"
    REFERRED = "referred", "已提交支部党员大会讨论"
    CLOSED = "closed", "已补交，结案"


class ArrearsCase(models.Model):
    """Six consecutive unpaid months (Art. 13; 党章 Art. 9): orglife raises the case, the branch
    handles it. orglife never changes the member's status itself. One case per unpaid run,
    identified by its first unpaid month."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_cases")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    first_unpaid_month = models.DateField("连续未交起始月份")
    months_unpaid = models.PositiveSmallIntegerField("生成时连续未交月数")
    opened_on = models.DateField("生成日期")
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolution = models.TextField("处理情况", blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_on = models.DateField("处理日期", null=True, blank=True)

    class Meta:
        verbose_name = "连续未交党费事项"
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "first_unpaid_month"], name="dues_case_member_run")]

    def __str__(self) -> str:
        return f"{self.member_id} 自{self.first_unpaid_month:%Y年%-m月}起连续未交"


class DuesImport(models.Model):
    """One attempt to import a month's payment list: accepted whole or rejected whole."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [[row, column, message], ...]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({'已导入' if self.accepted else '未导入'})"
