"""Forms for 民主评议党员. They parse and display; rules live in appraisal_services.py."""

from __future__ import annotations

from django import forms

from .appraisal_models import Grade

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class OpenForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    meeting = forms.TypedChoiceField(label="结合召开的会议（可选，如组织生活会）", coerce=int, required=False,
                                     empty_value=None)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "不关联")] + [
            (m.pk, f"{m.held_on or (m.planned_at and m.planned_at.date()) or ''} {m.topic or '（未填主题）'}")
            for m in meetings
        ]


class SelfAssessmentForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label="个人自评", widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="对照党章规定的党员标准和入党誓词，联系个人实际进行党性分析")


class CommentForm(ServiceErrorsMixin, forms.Form):
    subject = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="互评意见", widget=forms.Textarea(attrs={"rows": 3}))


class GradeForm(ServiceErrorsMixin, forms.Form):
    """One grade and reason per participant graded; choices per participant (a 预备党员 may not
    be offered 优秀)."""

    def __init__(self, *args, participants=(), choices_for=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for p in participants:
            if not p.graded:
                continue
            choices = choices_for(p) if choices_for else [(g.value, g.label) for g in Grade]
            self.fields[f"grade_{p.pk}"] = forms.ChoiceField(
                label=f"{p.name}的等次", choices=[("", "未评定")] + choices, required=False, initial=p.grade,
                widget=forms.Select)
            self.fields[f"reason_{p.pk}"] = forms.CharField(
                label=f"{p.name}的评定理由", required=False, initial=p.grade_reason,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.rows.append((p, self[f"grade_{p.pk}"], self[f"reason_{p.pk}"]))

    def grades(self) -> dict[int, tuple[str, str]]:
        return {p.pk: (self.cleaned_data.get(f"grade_{p.pk}") or "", self.cleaned_data.get(f"reason_{p.pk}") or "")
                for p, _, _ in self.rows}


class StepDoneForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label="办理情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    done_on = forms.DateField(label="完成日期", required=False, widget=DATE)
    next_due_on = forms.DateField(label="下一步完成时限（如限期改正的期限）", required=False, widget=DATE)


class StepCloseForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label="结束处置的理由", widget=forms.Textarea(attrs={"rows": 2}))
