"""Forms for talks and talk to-dos. They parse and display; rules live in talk_services.py."""

from __future__ import annotations

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TalkForm(forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=DATE)
    topic = forms.CharField(label="谈话主题", max_length=200)
    participants = forms.TypedMultipleChoiceField(label="参加人员（至少2人）", coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label="谈话要点（仅参加人和本组织管理员可见）", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(m.pk, m.name) for m in members]

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class TalkTodoForm(forms.Form):
    member = forms.TypedChoiceField(label="谈话对象", coerce=int)
    reason = forms.CharField(label="谈话原因", max_length=200,
                             help_text="如思想、工作、生活有明显变化，受到处分或处置，遇到重大困难")
    due_on = forms.DateField(label="完成时限", required=False, widget=DATE)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(m.pk, m.name) for m in members]

    add_service_errors = TalkForm.add_service_errors
