"""Forms of 考核评星: they parse and display; the rules are in assessment_services / scorecard_rules."""

from __future__ import annotations

from django import forms

from .appraisal_forms import ServiceErrorsMixin
from .scorecard_models import InputKind


class RunForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    scorecard = forms.ChoiceField(label="考核方案")

    def __init__(self, *args, cards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorecard"].choices = [(c.key, f"{c.name}（{c.version}）") for c in cards]


class InputForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=InputKind.choices, widget=forms.HiddenInput)
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    value = forms.DecimalField(label="分值", max_digits=7, decimal_places=2)
    evidence = forms.CharField(label="依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GradeForm(ServiceErrorsMixin, forms.Form):
    grade = forms.ChoiceField(label="评定等次")
    reason = forms.CharField(label="理由（与建议等次不同时必填）", required=False, max_length=200)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g.id, g.label) for g in grades]
