from __future__ import annotations

from django import forms

from orglife.meetings.models import Meeting, MeetingStatus
from orglife.orgs.models import Member

from .models import ProblemSource, Severity


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label="问题来源", choices=ProblemSource.choices)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.GENERAL)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}))
    responsible = forms.ModelChoiceField(label="责任人", queryset=Member.objects.none(), required=False)
    meeting = forms.ModelChoiceField(label="相关会议", queryset=Meeting.objects.none(), required=False)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Member.objects.filter(org=org).order_by("name")
        self.fields["meeting"].queryset = Meeting.objects.filter(
            org=org, status__in=[MeetingStatus.SUBMITTED, MeetingStatus.APPROVED]).order_by("-held_on", "-id")
        self.fields["meeting"].label_from_instance = lambda m: f"{m.held_on or ''} {m.topic}"


class MeasureForm(forms.Form):
    text = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label="责任人", queryset=Member.objects.none(), required=False)
    deadline = forms.DateField(label="整改时限", widget=forms.DateInput(attrs={"type": "date"}))
    weight = forms.IntegerField(label="权重", min_value=1, max_value=100, initial=1)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Member.objects.filter(org=org).order_by("name")


class CompleteForm(forms.Form):
    evidence = forms.CharField(label="完成情况", widget=forms.Textarea(attrs={"rows": 2}))
    done_on = forms.DateField(label="完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="佐证材料", required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CampaignForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    description = forms.CharField(label="活动说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    checklist = forms.ModelChoiceField(label="检查清单", queryset=None)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.ChoiceField(label="作答对象", choices=())

    def __init__(self, *args, **kwargs):
        from .models import CampaignTarget, Checklist

        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.order_by("code", "-loaded_at")
        self.fields["target"].choices = CampaignTarget.choices


class CampaignEditForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    description = forms.CharField(label="活动说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    ends_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ChecklistUploadForm(forms.Form):
    code = forms.CharField(label="清单编码", max_length=60)
    version = forms.CharField(label="版本", max_length=30)
    title = forms.CharField(label="名称", max_length=200)
    source = forms.CharField(label="来源（下发文件、文号）", widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="清单文件（.xlsx）")
