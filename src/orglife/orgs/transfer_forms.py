"""Forms of the transfer pages. They parse and display; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .forms import DATE, MemberForm
from .models import Organization

REASONS = ["工作调动", "升学", "毕业", "退休", "迁居", "外出务工经商", "其他"]
INSIDE, OUTSIDE = "inside", "outside"


def find_org(text: str) -> tuple[Organization | None, str]:
    """An organization by its code, or by its exact name when that is unique."""
    text = text.strip()
    if not text:
        return None, ""
    org = Organization.objects.filter(code=text).first()
    if org is not None:
        return org, ""
    named = list(Organization.objects.filter(name=text)[:2])
    if len(named) == 1:
        return named[0], ""
    if named:
        return None, f"有多个组织名为“{text}”，请填写组织编码"
    return None, f"没有编码或名称为“{text}”的组织"


class DestinationMixin:
    """to_org (code or name) inside orglife, or outside_name; resolved in clean()."""

    def clean(self):
        data = super().clean()
        data["to_org_obj"] = None
        if data.get("destination") == INSIDE:
            org, error = find_org(data.get("to_org", ""))
            if error:
                self.add_error("to_org", error)
            elif org is None:
                self.add_error("to_org", "请填写接收组织的编码或名称")
            data["to_org_obj"] = org
            data["outside_name"] = ""
        elif data.get("destination") == OUTSIDE and not data.get("outside_name", "").strip():
            self.add_error("outside_name", "请填写系统外接收组织的名称")
        return data


class TransferForm(DestinationMixin, forms.Form):
    member = forms.TypedChoiceField(label="党员", coerce=int)
    destination = forms.ChoiceField(label="转往", choices=[(INSIDE, "本系统内的党组织"), (OUTSIDE, "本系统外的党组织（开具介绍信）")],
                                    widget=forms.RadioSelect, initial=INSIDE)
    to_org = forms.CharField(label="接收组织（编码或名称）", max_length=100, required=False,
                             widget=forms.TextInput(attrs={"list": "org-options", "autocomplete": "off"}))
    outside_name = forms.CharField(label="系统外接收组织名称", max_length=100, required=False,
                                   help_text="介绍信抬头的党组织全称")
    reason = forms.CharField(label="转接原因", max_length=200,
                             widget=forms.TextInput(attrs={"list": "reason-options"}))
    transfer_on = forms.DateField(label="拟转接日期", widget=DATE)

    def __init__(self, *args, members=(), fixed_member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_member is not None:  # resubmitting: the member does not change
            del self.fields["member"]
        else:
            self.fields["member"].choices = [("", "—")] + [(m.pk, m.name) for m in members]
        self.fields["transfer_on"].initial = timezone.localdate


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=200, required=False)


class ReceiptForm(forms.Form):
    receipt_on = forms.DateField(label="回执日期", widget=DATE)
    note = forms.CharField(label="回执说明", max_length=200, required=False, help_text="如接收组织名称、回执编号")


class IncomingForm(MemberForm):
    """A member coming from outside orglife: the member form plus their introduction letter."""

    outside_name = forms.CharField(label="转出组织（介绍信开具单位）", max_length=100, required=False)
    letter_number = forms.CharField(label="介绍信编号", max_length=60, required=False)
    paid_up_to = forms.CharField(label="党费交至（月份）", required=False,
                                 widget=forms.DateInput(attrs={"type": "month"}), help_text="按介绍信填写，如 2026-10")
    reason = forms.CharField(label="转接原因", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"list": "reason-options"}))
    transfer_on = forms.DateField(label="转入日期", widget=DATE, required=False)

    LETTER_FIELDS = ("outside_name", "letter_number", "paid_up_to", "reason", "transfer_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]  # a member coming in is on the roster

    def clean_paid_up_to(self):
        value = self.cleaned_data.get("paid_up_to", "").strip()
        if not value:
            return None
        try:
            return dt.datetime.strptime(value[:7], "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("请按“年-月”填写，如 2026-10") from None

    def member_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.LETTER_FIELDS}
