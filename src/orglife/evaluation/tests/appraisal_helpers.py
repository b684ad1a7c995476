"""Test helpers for 民主评议党员 and secret ballots: a branch whose members have accounts, and
a walk through the stages."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orglife.conftest import make_member, new_id
from orglife.evaluation import appraisal_services, ballot_services
from orglife.evaluation.appraisal_models import Participant
from orglife.evaluation.ballot_models import BallotQuestion
from orglife.orgs import services as org_services

TODAY = dt.date(2026, 11, 30)
NAMES = ["陈一", "周二", "吴三", "郑四", "冯五", "褚六", "卫七", "蒋八", "沈九", "韩十", "杨十一", "朱十二"]


def add_voters(demo, n: int, org: str = "ZB1", **overrides) -> list:
    """n more members of org, each with a user account (username = voter<i>)."""
    User = get_user_model()
    start = User.objects.filter(username__startswith="voter").count()
    members = []
    for i in range(start, start + n):
        m = make_member(org, name=NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)),
                        id_number=new_id(dt.date(1960 + i % 30, 1 + i % 12, 3)), **overrides)
        user = User.objects.create_user(username=f"voter{i}", password="Secret-pass-2026")
        org_services.member_link_user(actor=None, member=m, user=user)
        members.append(m)
    return members


def open_evaluation(demo, *, year=2026, voters=5, **kwargs):
    if voters:
        add_voters(demo, voters)
    return appraisal_services.appraisal_open(actor=demo.secretary, org=demo.zb1, year=year, today=TODAY, **kwargs)


def to_stage(evaluation, stage: str, actor=None):
    from orglife.evaluation.appraisal_models import STAGE_ORDER

    while evaluation.stage != stage:
        assert STAGE_ORDER.index(evaluation.stage) < STAGE_ORDER.index(stage)
        evaluation = appraisal_services.appraisal_advance(actor=actor, evaluation=evaluation, today=TODAY)
    return evaluation


def choices(ballot, pick=lambda question, options: options[1]) -> dict[int, int]:
    """Answer every question; by default the second option (合格)."""
    out = {}
    for q in BallotQuestion.objects.filter(ballot=ballot).prefetch_related("options"):
        opts = list(q.options.all())
        out[q.pk] = pick(q, opts).pk
    return out


def vote_all(evaluation, pick=None) -> list[str]:
    """Every participant with an account votes; returns the receipts."""
    receipts = []
    for p in Participant.objects.filter(evaluation=evaluation).select_related("member__user"):
        if p.member.user_id:
            receipts.append(ballot_services.ballot_cast(
                actor=p.member.user, ballot=evaluation.ballot, member=p.member,
                choices=choices(evaluation.ballot, pick) if pick else choices(evaluation.ballot)))
    return receipts
