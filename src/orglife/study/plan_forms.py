"""Forms for study plans, items, materials and confirmations. They parse and display; the rules
live in plan_services.py."""

from __future__ import annotations

from django import forms

from .plan_models import Audience, ItemType, MaterialKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class PlanForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=100, required=False,
                            help_text="留空则为“某年度学习计划”")


class ItemForm(ServiceErrorsMixin, forms.Form):
    item_type = forms.ChoiceField(label="学习形式", choices=ItemType.choices,
                                  help_text="周学（自学）、月谈（研讨交流）、季讲（专题党课）、期考（测试）、年评（评学）")
    topic = forms.CharField(label="学习主题", max_length=200)
    description = forms.CharField(label="学习要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label="完成时限", widget=DATE)
    audience = forms.ChoiceField(label="学习对象", choices=Audience.choices)
    party_group = forms.TypedChoiceField(label="党小组（面向党小组时选择）", coerce=int, required=False, empty_value=None)
    hours = forms.DecimalField(label="计入学时", min_value=0, max_value=99.9, decimal_places=1, initial=1)
    meeting = forms.TypedChoiceField(label="学习会议（研讨交流、专题党课、评学：出席即完成）", coerce=int, required=False,
                                     empty_value=None)
    exam = forms.TypedChoiceField(label="考试（测试：考试合格即完成）", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, groups=(), meetings=(), exams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._groups = {g.pk: g for g in groups}
        self._meetings = {m.pk: m for m in meetings}
        self._exams = {e.pk: e for e in exams}
        self.fields["party_group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
        self.fields["meeting"].choices = [("", "暂不关联")] + [
            (m.pk, f"{m.held_on or (m.planned_at and m.planned_at.date()) or ''} {m.topic or '会议'}（{m.org.name}）")
            for m in meetings
        ]
        self.fields["exam"].choices = [("", "暂不关联")] + [(e.pk, f"{e.title}（{e.org.name}）") for e in exams]

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d["party_group"] = self._groups.get(d.get("party_group"))
        d["meeting"] = self._meetings.get(d.get("meeting"))
        d["exam"] = self._exams.get(d.get("exam"))
        return d


class MaterialForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="资料形式", choices=MaterialKind.choices)
    title = forms.CharField(label="资料名称", max_length=200, required=False, help_text="上传文件时可留空，以文件名为名称")
    body = forms.CharField(label="正文（文字资料）", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    url = forms.CharField(label="链接地址（链接资料）", max_length=500, required=False)
    file = forms.FileField(label="文件（PDF、Word、Excel 或图片）", required=False)


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label="学习心得", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="一两句话即可，例如学到了什么、有何体会")
