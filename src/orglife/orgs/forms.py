"""The member form. It only parses and displays: validation lives in validation.py/services.py,
so the form, the API and the import refuse the same data with the same messages."""

from __future__ import annotations

from django import forms

from orglife.rules.loader import profile_choices

from .models import Category, Education, Gender, Member, OrgKind, Post, Status
from .validation import LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "—")] + list(choices)


class MemberForm(forms.Form):
    name = forms.CharField(label=LABELS["name"], max_length=40, required=False)
    id_number = forms.CharField(label=LABELS["id_number"], max_length=24, required=False)
    gender = forms.ChoiceField(label=LABELS["gender"], choices=_blank(Gender.choices), required=False,
                               help_text="留空则按身份证号码判断")
    birth_date = forms.CharField(label=LABELS["birth_date"], required=False, widget=DATE, help_text="留空则取身份证号码中的日期")
    ethnicity = forms.CharField(label=LABELS["ethnicity"], max_length=20, required=False)
    phone = forms.CharField(label=LABELS["phone"], max_length=20, required=False)
    education = forms.ChoiceField(label=LABELS["education"], choices=_blank(Education.choices), required=False)
    work_unit = forms.CharField(label=LABELS["work_unit"], max_length=100, required=False)
    category = forms.ChoiceField(label=LABELS["category"], choices=_blank(Category.choices), required=False)
    admitted_on = forms.CharField(label=LABELS["admitted_on"], required=False, widget=DATE)
    full_member_on = forms.CharField(label=LABELS["full_member_on"], required=False, widget=DATE)
    status = forms.ChoiceField(label=LABELS["status"], choices=Status.choices, required=False)
    leading_cadre = forms.BooleanField(label=LABELS["leading_cadre"], required=False)
    org = forms.ChoiceField(label="所在党组织", required=False)
    party_group = forms.ChoiceField(label="所在党小组", required=False)

    def __init__(self, *args, org_choices=(), group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank((o.code, o.name) for o in org_choices)
        self.fields["party_group"].choices = _blank((o.code, o.name) for o in group_choices)

    @classmethod
    def initial_for(cls, member: Member) -> dict:
        data = {f: getattr(member, f) for f in LABELS if f not in ("org", "party_group")}
        for f in ("birth_date", "admitted_on", "full_member_on"):
            data[f] = data[f].isoformat() if data[f] else ""
        data["org"] = member.org.code
        data["party_group"] = member.party_group.code if member.party_group_id else ""
        return data

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class OrgForm(forms.Form):
    code = forms.CharField(label="组织编码", max_length=32)
    name = forms.CharField(label="组织名称", max_length=100)
    kind = forms.ChoiceField(label="组织类型", choices=OrgKind.choices)
    established_on = forms.DateField(label="成立日期", required=False, widget=DATE)
    dissolved_on = forms.DateField(label="撤销日期", required=False, widget=DATE)
    rule_profile = forms.ChoiceField(label="规则配置方案", required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_profile"].choices = [("", "继承上级")] + profile_choices()
        if editing:
            self.fields["code"].disabled = True  # codes are stable identifiers
        else:
            del self.fields["dissolved_on"]

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class MoveForm(forms.Form):
    new_parent = forms.ChoiceField(label="新的上级组织")

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].choices = [(o.code, f"{o.name}（{o.code}）") for o in parents]


class TermForm(forms.Form):
    started_on = forms.DateField(label="任期开始日期", widget=DATE)
    expires_on = forms.DateField(label="任期届满日期", required=False, widget=DATE, help_text="留空则按规定任期自动计算")


class PostForm(forms.Form):
    member = forms.TypedChoiceField(label="党员", coerce=int)
    post = forms.ChoiceField(label="职务", choices=Post.choices)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name}（{m.org.name}）") for m in members]
