"""Secret ballots, generic: a Ballot with questions and options, a voter roll, and the cast ballots.

Secrecy is a property of the schema (decision 0025):
* ``CastBallot`` and ``CastAnswer`` hold what was voted. They have a random UUID primary key and
  no reference to a user or member, no timestamp, no counter: nothing orders them by voting time.
  Closing a ballot rewrites them in random order, so even the database's physical row order
  (SQLite rowid, PostgreSQL heap order) stops following the voting order.
* ``VoterRoll`` holds who may vote and whether they have; it has no link to any cast ballot.
* A voter's receipt code is shown once; only its hash is stored, on the cast ballot.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class BallotStatus(models.TextChoices):
    DRAFT = "draft", "未开始"
    OPEN = "open", "投票中"
    CLOSED = "closed", "已结束"


class Ballot(models.Model):
    """One vote of one organization: what is asked, who may answer, and its state."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField("投票名称", max_length=200)
    purpose = models.CharField(max_length=40, blank=True)  # the app using it, e.g. "appraisal"
    status = models.CharField("状态", max_length=10, choices=BallotStatus.choices, default=BallotStatus.DRAFT)
    # Frozen from the organization's rule profile when the ballot is created.
    min_cast = models.PositiveIntegerField("公布结果所需最少票数", default=5)
    opened_on = models.DateField("开始投票日期", null=True, blank=True)
    closed_on = models.DateField("结束投票日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "无记名投票"

    def __str__(self) -> str:
        return self.title


class BallotQuestion(models.Model):
    """One item of the ballot (for 民主测评: one member being graded). ``key`` lets the owning app
    find its subject again (e.g. "participant:12")."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=60)
    text = models.CharField("题目", max_length=200)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="uniq_ballot_question_key")]

    def __str__(self) -> str:
        return self.text


class BallotOption(models.Model):
    question = models.ForeignKey(BallotQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=40)
    label = models.CharField("选项", max_length=100)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="uniq_ballot_option_key")]

    def __str__(self) -> str:
        return self.label


class VoterRoll(models.Model):
    """Who may vote (frozen when the ballot is created) and whether they have. No link to a ballot
    they cast, and no time of voting."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField("已投票", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="uniq_voter_roll")]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.member_id}"


class CastBallot(models.Model):
    """What one voter handed in, without the voter. Random id, no time, no user, no member."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="cast")
    receipt_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "receipt_hash"], name="uniq_ballot_receipt")]

    def __str__(self) -> str:
        return str(self.id)


class CastAnswer(models.Model):
    """One answer of a cast ballot: which option was chosen for which question."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cast = models.ForeignKey(CastBallot, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(BallotQuestion, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(BallotOption, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cast", "question"], name="uniq_cast_answer")]

    def __str__(self) -> str:
        return str(self.id)


ACTION_LABELS = {
    "ballot.create": "创建无记名投票",
    "ballot.open": "开始无记名投票",
    "ballot.vote": "参加无记名投票",
    "ballot.close": "结束无记名投票",
}
