"""Forms for meeting records. They parse and display only: the services decide what is refused,
so the web form and the API give the same messages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from orglife.rules.compliance import KIND_LABELS

from .models import AttendanceStatus, ContentCategory, Meeting
from .services import RECORD_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "—")] + list(choices)


def _label(name: str) -> str:
    return str(Meeting._meta.get_field(name).verbose_name)


class MeetingForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="会议类型（可多选：一次会议可同时计入多种）",
        choices=list(KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    held_at = forms.DateTimeField(
        label=_label("held_at"),
        required=False,
        help_text="留空则取开始会议的时间",
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    place = forms.CharField(label=_label("place"), max_length=200, required=False)
    host = forms.ChoiceField(label=_label("host"), required=False)
    recorder = forms.ChoiceField(label=_label("recorder"), required=False)
    topic = forms.CharField(label=_label("topic"), max_length=200, required=False)
    lecturer = forms.CharField(
        label=_label("lecturer"), max_length=100, required=False, help_text="党课填写"
    )
    content_category = forms.ChoiceField(
        label=_label("content_category"),
        choices=_blank(ContentCategory.choices),
        required=False,
        help_text="党课填写",
    )
    agenda = forms.CharField(
        label=_label("agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="党员大会须填写",
    )
    opinions = forms.CharField(
        label=_label("opinions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="组织生活会、民主生活会须填写",
    )
    minutes = forms.CharField(
        label=_label("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    late_reason = forms.CharField(
        label=_label("late_reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="会后超过规定天数提交的须填写",
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = _blank((str(m.pk), m.name) for m in members)
        self.fields["host"].choices = choices
        self.fields["recorder"].choices = choices

    @classmethod
    def initial_for(cls, meeting: Meeting, kinds: list[str]) -> dict:
        data = {f: getattr(meeting, f) for f in RECORD_FIELDS if f not in ("host", "recorder", "held_at")}
        data["held_at"] = (
            timezone.localtime(meeting.held_at).strftime("%Y-%m-%dT%H:%M")
            if meeting.held_at
            else ""
        )
        data["host"] = str(meeting.host_id or "")
        data["recorder"] = str(meeting.recorder_id or "")
        data["kinds"] = kinds
        return data

    def record_fields(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in RECORD_FIELDS}
        for f in ("host", "recorder"):
            data[f] = int(data[f]) if data[f] else None
        return data

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class AmendForm(MeetingForm):
    reason = forms.CharField(
        label="更正理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="必填：更正前的内容会保留并可查看",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["late_reason"]

    def record_fields(self) -> dict:
        data = super().record_fields()
        data.pop("late_reason", None)
        return data


class SubmitForm(forms.Form):
    late_reason = forms.CharField(
        label="补录说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GuestForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40, required=False)
    note = forms.CharField(label="单位或身份", max_length=100, required=False)


class ResolutionForm(forms.Form):
    text = forms.CharField(
        label="决议内容", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    yes = forms.IntegerField(label="赞成", min_value=0, required=False)
    no = forms.IntegerField(label="反对", min_value=0, required=False)
    abstain = forms.IntegerField(label="弃权", min_value=0, required=False)
    written_opinions = forms.BooleanField(label="接收预备党员或转正表决（计入未到会党员的书面意见）", required=False)


class FollowUpForm(forms.Form):
    text = forms.CharField(label="跟进事项", max_length=200, required=False)
    owner = forms.ChoiceField(label="责任人", required=False)
    due_on = forms.DateField(label="完成时限", required=False, widget=DATE)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _blank((str(m.pk), m.name) for m in members)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（图片、PDF、Word、Excel）")


ATTENDANCE_CHOICES = AttendanceStatus.choices
