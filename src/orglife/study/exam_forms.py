"""Forms for the question bank, exams and quiz challenges. They parse and display; the rules
live in bank_services, exam_services and quiz_services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .exam_models import Difficulty, PaperMode, QuestionKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RULE_ROWS = 5
ANY_DIFFICULTY = [(0, "不限")] + list(Difficulty.choices)


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class QuestionForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="填空题用“____”或“（）”标出每个空")
    options = forms.CharField(label="选项（每行一个，按 A、B、C…… 顺序）", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text="判断题和填空题不填")
    answer = forms.CharField(label="答案", max_length=500,
                             help_text="单选填一个字母（B）；多选填全部正确字母（ACD）；判断填“对”或“错”；"
                                       "填空每空用“；”分隔，同一空的多个答案用“/”分隔")
    tags = forms.CharField(label="标签", required=False, help_text="多个用逗号或顿号分隔")
    difficulty = forms.TypedChoiceField(label="难度", choices=Difficulty.choices, coerce=int, initial=2)
    explanation = forms.CharField(label="解析", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label="出处", required=False, max_length=200)

    def raw(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = [line for line in (data.get("options") or "").splitlines()]
        return data

    @staticmethod
    def initial_for(question) -> dict:
        from .bank_services import answer_text

        return {"kind": question.kind, "stem": question.stem, "options": "\n".join(question.options),
                "answer": answer_text(question), "tags": "、".join(question.tags), "difficulty": question.difficulty,
                "explanation": question.explanation, "source": question.source}


class BankFilterForm(forms.Form):
    q = forms.CharField(label="题干包含", required=False)
    kind = forms.ChoiceField(label="题型", required=False, choices=[("", "全部")] + list(QuestionKind.choices))
    tag = forms.CharField(label="标签", required=False)
    difficulty = forms.TypedChoiceField(label="难度", required=False, coerce=int, empty_value=None,
                                        choices=[("", "全部")] + list(Difficulty.choices))


class ImportForm(forms.Form):
    file = forms.FileField(label="题库文件（.xlsx）")


class ExamForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="考试名称", max_length=100)
    description = forms.CharField(label="考试说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME)
    closes_at = forms.DateTimeField(label="截止时间", widget=DATETIME)
    duration_minutes = forms.IntegerField(label="答题时长（分钟）", min_value=1, max_value=600, initial=30)
    attempts_allowed = forms.IntegerField(label="允许作答次数", min_value=1, max_value=10, initial=1)
    pass_mark = forms.IntegerField(label="及格分（百分制）", min_value=0, max_value=100, initial=60)
    show_answers = forms.BooleanField(label="截止后向党员显示答案和解析", required=False, initial=True)
    mode = forms.ChoiceField(label="组卷方式", choices=PaperMode.choices, widget=forms.RadioSelect,
                             initial=PaperMode.FIXED)
    question_ids = forms.TypedMultipleChoiceField(label="固定试卷：选择试题", required=False, coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_ids"].choices = [
            (q.pk, f"［{q.get_kind_display()}·{q.get_difficulty_display()}］{q.stem[:60]}") for q in questions]
        for i in range(RULE_ROWS):
            self.fields[f"rule_tag_{i}"] = forms.CharField(label=f"第{i + 1}条 标签", required=False, max_length=20)
            self.fields[f"rule_difficulty_{i}"] = forms.TypedChoiceField(
                label="难度", choices=ANY_DIFFICULTY, coerce=int, required=False, empty_value=0)
            self.fields[f"rule_count_{i}"] = forms.IntegerField(label="题数", required=False, min_value=0, max_value=200)

    def rule_rows(self):
        return [(self[f"rule_tag_{i}"], self[f"rule_difficulty_{i}"], self[f"rule_count_{i}"]) for i in range(RULE_ROWS)]

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("rule_")}
        data["rule"] = [{"tag": self.cleaned_data.get(f"rule_tag_{i}") or "",
                         "difficulty": self.cleaned_data.get(f"rule_difficulty_{i}") or 0,
                         "count": self.cleaned_data.get(f"rule_count_{i}") or 0} for i in range(RULE_ROWS)]
        return data

    @staticmethod
    def initial_for(exam) -> dict:
        initial = {k: getattr(exam, k) for k in ("title", "description", "duration_minutes", "attempts_allowed",
                                                    "pass_mark", "show_answers", "mode")}
        initial["opens_at"] = timezone.localtime(exam.opens_at)
        initial["closes_at"] = timezone.localtime(exam.closes_at)
        initial["question_ids"] = list(exam.paper.values_list("question_id", flat=True))
        for i, line in enumerate(exam.rule[:RULE_ROWS]):
            initial[f"rule_tag_{i}"] = line["tag"]
            initial[f"rule_difficulty_{i}"] = line["difficulty"]
            initial[f"rule_count_{i}"] = line["count"]
        return initial


class QuizForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="闯关名称", max_length=100)
    tags = forms.CharField(label="题目标签（不填则全题库）", required=False)
    levels = forms.IntegerField(label="关数", min_value=1, max_value=20, initial=3)
    per_level = forms.IntegerField(label="每关题数", min_value=1, max_value=50, initial=5)
    pass_count = forms.IntegerField(label="过关需答对题数", min_value=1, max_value=50, initial=4)
    active = forms.BooleanField(label="开放", required=False, initial=True)
