"""Forms for recruitment pages. They parse and display; the rules live in services.py and the
rule-sets. The step form shows only the fields the chosen step needs."""

from __future__ import annotations

from django import forms

from orglife.orgs.models import Education

from . import ruleset as rulesets
from .timeline import OUTCOMES, fmt

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class ApplicantForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="公民身份号码", max_length=18, help_text="出生日期和性别按号码登记")
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    education = forms.ChoiceField(label="学历", required=False, choices=[("", "—"), *Education.choices])
    work_unit = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    ruleset = forms.ChoiceField(label="适用规则", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruleset"].choices = [("", "按组织的规则配置（默认2014年细则）"), *rulesets.choices()]


def resolution_label(r) -> str:
    return f"{fmt(r.meeting.held_on)} {r.meeting.topic or '支部党员大会'}：{r.text[:30]}（赞成{r.yes}，反对{r.no}，弃权{r.abstain}）"


class StepForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label="日期", widget=DATE)
    resolution = forms.TypedChoiceField(label="表决决议（支部党员大会）", coerce=int)
    actors = forms.TypedMultipleChoiceField(label="人员", coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    actor_names = forms.CharField(label="其他人员（如上级党委委员、组织员）", max_length=200, required=False)
    days = forms.DecimalField(label="培训天数", required=False, min_value=0, max_digits=5, decimal_places=1)
    hours = forms.DecimalField(label="培训学时", required=False, min_value=0, max_digits=6, decimal_places=1)
    outcome = forms.ChoiceField(label="讨论结果", choices=[("", "—"), *OUTCOMES.items()])
    extension_months = forms.IntegerField(label="延长月数", required=False, help_text="只能延长一次，6至12个月")
    publicity_start = forms.DateField(label="公示开始日期", required=False, widget=DATE)
    publicity_end = forms.DateField(label="公示结束日期", required=False, widget=DATE)
    notes = forms.CharField(label="情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, step: rulesets.Step, members=(), resolutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        keep = {"notes"}
        keep |= {"resolution"} if step.vote else {"on"}
        if step.actors:
            keep.add("actors")
            self.fields["actors"].label = f"{step.actors.role}（{step.actors.min}至{step.actors.max}名）" \
                if step.actors.min != step.actors.max else f"{step.actors.role}（{step.actors.min}名）"
            self.fields["actors"].choices = [(m.pk, m.name) for m in members]
            if not step.actors.full_members:
                keep.add("actor_names")
        if step.id == "training":
            keep |= {"days", "hours"}
        if step.id == "conversion_vote":
            keep |= {"outcome", "extension_months"}
        if step.id == "candidate":
            keep |= {"publicity_start", "publicity_end"}
        if step.vote:
            self.fields["resolution"].choices = [("", "—"), *((r.pk, resolution_label(r)) for r in resolutions)]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def extra(self) -> dict:
        data = self.cleaned_data
        return {k: (str(data[k]) if k in ("days", "hours") and data[k] is not None else data[k])
                for k in ("days", "hours", "outcome", "extension_months", "publicity_start", "publicity_end")
                if k in data and data[k] not in (None, "")}


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label="终止发展的原因", max_length=200)


class DocumentForm(forms.Form):
    file = forms.FileField(label="材料文件")
