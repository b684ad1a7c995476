"""Forms for casting a secret ballot and checking a receipt."""

from __future__ import annotations

from django import forms


class VoteForm(forms.Form):
    """One radio group per question; every question must be answered."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.TypedChoiceField(
                label=q.text, coerce=int, widget=forms.RadioSelect,
                choices=[(o.pk, o.label) for o in q.options.all()],
                error_messages={"required": f"请为“{q.text}”选择一项"},
            )

    def choices(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q_{q.pk}"] for q in self.questions}


class ReceiptForm(forms.Form):
    code = forms.CharField(label="回执码", max_length=40, help_text="投票后显示的12位回执码，如 ABCD-EFGH-JKMN")
