"""Question bank, exams and quiz challenges (题库、考试、答题闯关).

The bank is per organization: a question belongs to one organization and is visible to that
organization's whole subtree. An exam's paper is either fixed (ExamQuestion rows) or drawn by
rule (Exam.rule); either way each attempt stores its own paper as one Answer row per question,
so a reload shows the same paper and statistics read one table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    JUDGE = "judge", "判断题"
    FILL = "fill", "填空题"


class Difficulty(models.IntegerChoices):
    EASY = 1, "易"
    MEDIUM = 2, "中"
    HARD = 3, "难"


class Question(models.Model):
    """One question in an organization's bank.

    options: choice texts (single/multiple), [] otherwise.
    answer:  single -> [index]; multiple -> sorted [index, ...]; judge -> [true|false];
             fill -> one list of accepted variants per blank, e.g. [["党章", "中国共产党章程"]].
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    stem = models.TextField("题干")
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("答案", default=list)
    tags = models.JSONField("标签", default=list, blank=True)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, default=Difficulty.MEDIUM)
    explanation = models.TextField("解析", blank=True)
    source = models.CharField("出处", max_length=200, blank=True)
    archived = models.BooleanField("已停用", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "试题"
        ordering = ["id"]
        indexes = [models.Index(fields=["org", "archived"])]

    def __str__(self) -> str:
        return self.stem[:40]


class BankImport(models.Model):
    """One xlsx import into a bank: all rows or none; the per-row errors and near-duplicates are kept."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="bank_imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, message], ...]
    duplicates = models.JSONField(default=list, blank=True)  # [[row, other, similarity], ...]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.org_id} {self.filename}"


class PaperMode(models.TextChoices):
    FIXED = "fixed", "固定试卷"
    DRAWN = "drawn", "按规则抽题"


class ExamStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CANCELLED = "cancelled", "已取消"


class Exam(models.Model):
    """An exam for the members of an organization's subtree.

    rule (drawn papers): [{"tag": "党章", "difficulty": 1, "count": 5}, ...]; an empty tag or a
    difficulty of 0 means any.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="exams")
    title = models.CharField("考试名称", max_length=100)
    description = models.TextField("考试说明", blank=True)
    mode = models.CharField("组卷方式", max_length=10, choices=PaperMode.choices, default=PaperMode.FIXED)
    rule = models.JSONField("抽题规则", default=list, blank=True)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    duration_minutes = models.PositiveIntegerField("答题时长（分钟）", default=30)
    attempts_allowed = models.PositiveSmallIntegerField("允许作答次数", default=1)
    pass_mark = models.PositiveSmallIntegerField("及格分", default=60)
    show_answers = models.BooleanField("截止后显示答案和解析", default=True)
    status = models.CharField("状态", max_length=10, choices=ExamStatus.choices, default=ExamStatus.DRAFT)
    results_published_at = models.DateTimeField("成绩公布时间", null=True, blank=True)
    results_snapshot = models.JSONField(default=list, blank=True)  # [{"name", "org", "score", "passed"}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考试"
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.title


class ExamQuestion(models.Model):
    """A question on a fixed paper."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="paper")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["exam", "question"], name="study_examquestion_unique")]

    def __str__(self) -> str:
        return f"{self.exam_id}:{self.question_id}"


class AttemptState(models.TextChoices):
    ACTIVE = "active", "作答中"
    SUBMITTED = "submitted", "已交卷"
    EXPIRED = "expired", "超时自动交卷"


class Attempt(models.Model):
    """One member's attempt; deadline = min(started + duration, exam closes), fixed at start."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=AttemptState.choices, default=AttemptState.ACTIVE)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(default=0)
    correct = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True)
    talk_todo = models.ForeignKey("meetings.TalkTodo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["exam_id", "member_id", "number"]
        constraints = [models.UniqueConstraint(fields=["exam", "member", "number"], name="study_attempt_unique")]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.exam_id}/{self.member_id}#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.ACTIVE


class Answer(models.Model):
    """One question of an attempt's paper and the member's saved response.

    response: single/multiple -> [index, ...]; judge -> [true|false]; fill -> [text per blank].
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="study_answer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}"


class QuizChallenge(models.Model):
    """答题闯关: level n draws per_level questions from the bank (optionally by tags); a level is
    passed with at least pass_count right answers and unlocks the next one; retries are unlimited."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="quiz_challenges")
    title = models.CharField("闯关名称", max_length=100)
    tags = models.JSONField("题目标签", default=list, blank=True)
    levels = models.PositiveSmallIntegerField("关数", default=3)
    per_level = models.PositiveSmallIntegerField("每关题数", default=5)
    pass_count = models.PositiveSmallIntegerField("过关需答对", default=4)
    active = models.BooleanField("开放", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "答题闯关"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class QuizRun(models.Model):
    """One try at one level: the drawn questions and the answers given one by one."""

    challenge = models.ForeignKey(QuizChallenge, on_delete=models.CASCADE, related_name="runs")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="quiz_runs")
    level = models.PositiveSmallIntegerField()
    questions = models.JSONField(default=list)  # question ids in order
    results = models.JSONField(default=list)  # [true|false] per answered question, in order
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["challenge", "member", "level"])]

    def __str__(self) -> str:
        return f"{self.challenge_id}/{self.member_id} L{self.level}"


EXAM_ACTION_LABELS: dict[str, str] = {
    "question.create": "新增试题",
    "question.update": "修改试题",
    "question.archive": "停用试题",
    "question.import": "导入题库",
    "exam.create": "创建考试",
    "exam.update": "修改考试",
    "exam.publish": "发布考试",
    "exam.cancel": "取消考试",
    "exam.results_publish": "公布考试成绩",
    "exam.attempt_start": "开始考试",
    "exam.submit": "提交试卷",
    "exam.expire": "超时自动交卷",
    "quiz.create": "创建答题闯关",
    "quiz.update": "修改答题闯关",
}
