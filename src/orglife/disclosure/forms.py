"""The publish and withdraw forms. The source list is built from the registry per organization."""

from __future__ import annotations

from django import forms

from . import registry
from .models import Audience
from .services import REASON_MAX

SEP = ":"


def source_choices(org, actor) -> list:
    """Grouped choices "kind:value" (one group per kind; kinds without a source are left out)."""
    groups = []
    for kind, choices in registry.all_choices(org, actor):
        if choices:
            groups.append((kind.label, [(f"{kind.key}{SEP}{value}", text) for value, text in choices]))
    return groups


class PublishForm(forms.Form):
    source = forms.ChoiceField(label="公开事项", error_messages={"required": "请选择公开事项",
                                                               "invalid_choice": "请选择公开事项"})
    audience = forms.ChoiceField(label="公开范围", choices=Audience.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择公开范围", "invalid_choice": "请选择公开范围"})
    title = forms.CharField(label="标题（可不填，默认使用事项名称）", max_length=200, required=False)

    def __init__(self, *args, org, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "请选择…"), *source_choices(org, actor)]

    def kind_and_value(self) -> tuple[str, str]:
        kind, _, value = self.cleaned_data["source"].partition(SEP)
        return kind, value


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "撤回需填写理由"})
