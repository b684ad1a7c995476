"""Forms for annual plans. They parse and display only: the rules live in plan_services.py."""

from __future__ import annotations

from django import forms

from orglife.rules.compliance import KIND_LABELS

from .models import ReturnReason
from .plan_services import DEFAULT_THEME_DAY, KIND_ORDER, TOPIC_MAX, YEAR_MAX, YEAR_MIN

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_FIELD_CHOICES = [(k, KIND_LABELS[k]) for k in KIND_ORDER if k in KIND_LABELS]


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class GenerateForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX)
    theme_day = forms.IntegerField(label="主题党日（每月几日）", min_value=1, max_value=31, initial=DEFAULT_THEME_DAY,
                                   help_text="每月相对固定的一天；超过当月天数的按月末安排。")


class ItemForm(ServiceErrorsMixin, forms.Form):
    planned_on = forms.DateField(label="计划日期", widget=DATE)
    kinds = forms.MultipleChoiceField(label="会议类型", choices=KIND_FIELD_CHOICES, widget=forms.CheckboxSelectMultiple,
                                      help_text="一次活动可同时计入多种类型。")
    topic = forms.CharField(label="主题", max_length=TOPIC_MAX, required=False)


class ReturnForm(ServiceErrorsMixin, forms.Form):
    reasons = forms.MultipleChoiceField(label="退回原因", choices=ReturnReason.choices, widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "请至少选择一项退回原因。"})
    comment = forms.CharField(label="具体意见", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="选择“其他”时必须填写。")


class ApproveForm(forms.Form):
    comment = forms.CharField(label="审批意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
