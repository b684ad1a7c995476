from django import forms

from .life_models import LIFE_KINDS, PrepKind
from .models import Severity

DATE = {"type": "date"}


class LifeOpenForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=list(LIFE_KINDS.items()))
    topic = forms.CharField(label="会议主题", max_length=200)
    planned_at = forms.DateTimeField(label="计划召开时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    place = forms.CharField(label="地点", max_length=200, required=False)


class PlanForm(forms.Form):
    notice_sent_on = forms.DateField(label="通知日期", required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d"))
    notice = forms.CharField(label="通知内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reported_up_on = forms.DateField(label="方案报上级日期", required=False,
                                     widget=forms.DateInput(DATE, format="%Y-%m-%d"))


class PrepForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=PrepKind.choices)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(DATE))
    summary = forms.CharField(label="内容摘要", widget=forms.Textarea(attrs={"rows": 2}))


class MaterialForm(forms.Form):
    text = forms.CharField(label="对照检查材料", required=False, widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(label="或上传 Word（docx）/文本（txt）文件", required=False)


class OverrideForm(forms.Form):
    reason = forms.CharField(label="准予召开的理由", error_messages={"required": "请说明准予召开的理由"}, widget=forms.Textarea(attrs={"rows": 2}))


class CriticismForm(forms.Form):
    self_criticism = forms.CharField(label="自我批评", error_messages={"required": "请填写自我批评内容"}, widget=forms.Textarea(attrs={"rows": 3}))
    criticisms = forms.CharField(label="收到的批评意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    in_writing = forms.BooleanField(label="书面提交（未到会）", required=False)


class LifeProblemForm(forms.Form):
    description = forms.CharField(label="问题描述", error_messages={"required": "请填写问题描述"}, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.GENERAL)
    responsible = forms.TypedChoiceField(label="责任人", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "—")] + [(m.pk, m.name) for m in people]


class ReportForm(forms.Form):
    report = forms.CharField(label="会议情况报告", error_messages={"required": "请填写会议情况报告"}, widget=forms.Textarea(attrs={"rows": 4}))
    sent_on = forms.DateField(label="报送日期", widget=forms.DateInput(DATE))
