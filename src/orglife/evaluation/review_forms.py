"""Forms of 述职评议: they parse and display; the rules are in review_services.py."""

from __future__ import annotations

from django import forms

from .appraisal_forms import ServiceErrorsMixin


class OpenForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    items = forms.CharField(label="评议项目及权重", widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="每行一项：项目名称 权重（如“落实组织生活制度 25”）")
    ranked = forms.BooleanField(label="计算排名并告知本人名次", required=False, initial=True)
    reviewers = forms.TypedMultipleChoiceField(label="评议人", coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].choices = [
            (u.pk, f"{getattr(getattr(u, 'member', None), 'name', '') or u.get_full_name() or u.username}（{u.username}）")
            for u in candidates]


class ReportForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label="述职报告", required=False, widget=forms.Textarea(attrs={"rows": 12}))
    file = forms.FileField(label="或上传文件（Word docx 或 PDF）", required=False)


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    feedback = forms.CharField(label="评议意见（反馈给书记本人）", widget=forms.Textarea(attrs={"rows": 4}))
