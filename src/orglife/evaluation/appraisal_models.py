"""民主评议党员 (RULES §4): an evaluation of one branch for one year, its frozen roster, the written
个人自评, 党员互评 comments, the committee's final grades and the handling steps after 不合格.
The 民主测评 itself is a secret Ballot (ballot_models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .ballot_models import Ballot


class Stage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "个人自评"
    PEER_REVIEW = "peer_review", "党员互评"
    VOTING = "voting", "民主测评"
    GRADING = "grading", "组织评定"
    FINISHED = "finished", "已结束"


STAGE_ORDER = list(Stage.values)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class ProbationaryMode(models.TextChoices):
    GRADED = "graded", "预备党员参加评议并评定等次"
    NO_EXCELLENT = "no_excellent", "预备党员参加评议，不评为优秀"
    NOT_GRADED = "not_graded", "预备党员参加民主测评，不评定等次"


class MemberEvaluation(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="member_evaluations")
    year = models.PositiveIntegerField("年度")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.SELF_ASSESSMENT)
    # Optional: held within a 组织生活会 (or another meeting) of the branch.
    meeting = models.ForeignKey("meetings.Meeting", verbose_name="结合召开的会议", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="member_evaluations")
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="member_evaluation")
    # Frozen from the rule profile at opening.
    probationary_mode = models.CharField(max_length=20, choices=ProbationaryMode.choices)
    excellent_one_in = models.PositiveIntegerField(default=3)
    opened_on = models.DateField("开始日期")
    finished_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "民主评议党员"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_member_evaluation_year")]

    def __str__(self) -> str:
        return f"{self.year}年度民主评议党员"

    def excellent_cap(self, graded_count: int) -> int:
        """优秀 ≤ 1/3 of the members graded, rounded down (2 of 7, 3 of 9, 0 of 2)."""
        return graded_count // self.excellent_one_in

    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class Participant(models.Model):
    """A member on the evaluation's roster, frozen at opening with their category."""

    evaluation = models.ForeignKey(MemberEvaluation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="evaluation_participations")
    name = models.CharField("姓名", max_length=40)
    category = models.CharField("人员类别", max_length=20)  # full | probationary at opening
    graded = models.BooleanField("评定等次", default=True)
    self_assessment = models.TextField("个人自评", blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField("评定等次", max_length=30, choices=Grade.choices, blank=True)
    grade_reason = models.TextField("评定理由", blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "member"], name="uniq_evaluation_participant")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_probationary(self) -> bool:
        return self.category == "probationary"


class PeerComment(models.Model):
    """党员互评: one participant's comment on another (open, not secret: said at the assembly)."""

    evaluation = models.ForeignKey(MemberEvaluation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="comments_written")
    subject = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="comments_received")
    text = models.TextField("互评意见")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["author__name", "id"]
        constraints = [models.UniqueConstraint(fields=["author", "subject"], name="uniq_peer_comment")]

    def __str__(self) -> str:
        return f"{self.author_id}→{self.subject_id}"


class StepKind(models.TextChoices):
    EDUCATION_TALK = "education_talk", "教育谈话"
    CORRECT_BY_DEADLINE = "correct_by_deadline", "限期改正"
    PERSUADE_TO_LEAVE = "persuade_to_leave", "劝退（支部大会讨论决定，报上级党组织批准）"
    REMOVE = "remove", "除名（经劝退仍不退党的）"
    CRITICISM = "criticism", "批评教育"
    PROBATION_DECISION = "probation_decision", "延长预备期或取消预备党员资格（按发展党员程序办理）"


# RULES §4 item 4 (full members) and item 5 (预备党员 are not advised to leave).
STEPS_FULL = [StepKind.EDUCATION_TALK, StepKind.CORRECT_BY_DEADLINE, StepKind.PERSUADE_TO_LEAVE, StepKind.REMOVE]
STEPS_PROBATIONARY = [StepKind.EDUCATION_TALK, StepKind.CRITICISM, StepKind.PROBATION_DECISION]


class StepStatus(models.TextChoices):
    PENDING = "pending", "待前一步完成"
    OPEN = "open", "待办"
    DONE = "done", "已完成"
    NOT_NEEDED = "not_needed", "不再需要"


class HandlingStep(models.Model):
    """A to-do after a 不合格 grade. orglife records the steps; it never removes anyone itself."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    kind = models.CharField("处置步骤", max_length=30, choices=StepKind.choices)
    status = models.CharField("状态", max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    due_on = models.DateField("完成时限", null=True, blank=True)
    note = models.TextField("办理情况", blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    talk_todo = models.ForeignKey("meetings.TalkTodo", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["participant_id", "position"]
        constraints = [models.UniqueConstraint(fields=["participant", "position"], name="uniq_handling_step")]

    def __str__(self) -> str:
        return self.get_kind_display()


ACTION_LABELS = {
    "appraisal.open": "开始民主评议党员",
    "appraisal.advance": "民主评议进入下一阶段",
    "appraisal.self_assess": "提交个人自评",
    "appraisal.comment": "填写党员互评意见",
    "appraisal.grade": "评定民主评议等次",
    "appraisal.finish": "结束民主评议并告知本人",
    "appraisal.step_done": "完成不合格党员处置步骤",
    "appraisal.step_close": "结束不合格党员处置",
}
