"""Dues forms: they parse and keep what was typed; the rules are checked by the services."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings

from orglife.orgs import roster_io

from . import rules
from .models import CaseStatus, DuesCategory, PaymentMethod, ReliefKind

MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


def parse_month(value) -> dt.date | None:
    """2026-11, 2026/11, 2026年11月, 2026.11, or a date/datetime: the month's first day."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = MONTH_RE.match(str(value or ""))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return dt.date(year, month, 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"})
    default_error_messages = {"invalid": "月份格式应为“2026-11”", "required": "请填写月份"}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为“2026-03-05”", "required": "请填写日期"}


class ProfileForm(forms.Form):
    category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    base = forms.CharField(label="计算基数或交纳金额（元）", required=False,
                           help_text="按工资、年薪、纯收入或离退休费计算的，填每月金额；农民党员填0.2至1元之间的每月交纳金额；"
                                     "学生、下岗失业、依靠抚恤或救济、领取低保的党员不填")
    effective_month = MonthField(label="起始月份（按新标准领取工资的当月）")
    note = forms.CharField(label="备注", required=False, max_length=200)


class PaymentForm(forms.Form):
    first_month = MonthField(label="所属月份（起）")
    last_month = MonthField(label="所属月份（止）", required=False, help_text="只交一个月的不填")
    paid_on = forms.DateField(label="交纳日期", widget=DATE, error_messages=DATE_ERRORS)
    method = forms.ChoiceField(label="交纳方式", choices=PaymentMethod.choices)
    amount = forms.CharField(label="每月实交金额（元）", required=False, help_text="不填则按应交金额")
    prepay = forms.BooleanField(label="经党支部同意按季度预交", required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and last < first:
            self.add_error("last_month", "截止月份不能早于起始月份")
        return data

    def months(self) -> list[dt.date]:
        first = self.cleaned_data["first_month"]
        return rules.months_between(first, self.cleaned_data.get("last_month") or first)


class BranchPaymentForm(PaymentForm):
    member = forms.TypedChoiceField(label="党员", coerce=int, choices=())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "请选择")] + [(m.pk, m.name) for m in members]
        self.order_fields(["member"])


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ReliefKind.choices)
    monthly_amount = forms.CharField(label="少交后每月交纳（元）", required=False, help_text="免交的不填")
    start_month = MonthField(label="起始月份")
    end_month = MonthField(label="截止月份")
    reason = forms.CharField(label="困难情况及支部研究意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class VoluntaryForm(forms.Form):
    amount = forms.CharField(label="自愿多交金额（元）")
    paid_on = forms.DateField(label="交纳日期", widget=DATE, error_messages=DATE_ERRORS)
    method = forms.ChoiceField(label="交纳方式", choices=PaymentMethod.choices)
    note = forms.CharField(label="备注", required=False, max_length=200)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "不批准")])
    note = forms.CharField(label="审批意见", required=False, max_length=200)


class CaseForm(forms.Form):
    status = forms.ChoiceField(label="处理结果", choices=[(v, label) for v, label in CaseStatus.choices if v != CaseStatus.OPEN])
    resolution = forms.CharField(label="处理情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="选择党费交纳名单（.xlsx）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
        widget=forms.FileInput(attrs={"accept": ".xlsx," + roster_io.XLSX_TYPE}),
    )
    prepay = forms.BooleanField(label="名单中的预交月份已经党支部同意（按季度预交）", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载本月名单模板）")
        if upload.size > settings.ORGLIFE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {roster_io.max_upload_text()}")
        problem = roster_io.sniff(upload.read(8))
        upload.seek(0)
        if problem:
            raise forms.ValidationError(problem)
        return upload
