"""Demo data for 民主评议党员 (seed_demo): last year's evaluation of a branch, finished, and this
year's, open for 个人自评."""

from __future__ import annotations

import datetime as dt
import random

from . import appraisal_services, ballot_services
from .appraisal_models import Grade, Stage
from .ballot_models import BallotQuestion

SELF_TEXTS = [
    "对照党章规定的党员标准，本人能按时参加组织生活、按时交纳党费，但理论学习不够系统，今后要加强。",
    "一年来认真完成岗位工作，发挥了党员作用；不足是联系群众不够主动，批评与自我批评不够深入。",
    "能够坚定理想信念，遵守党的纪律；在学习上存在以干代学的情况，需要改进。",
]


def seed(org, today: dt.date) -> None:
    rng = random.Random(6)
    last = appraisal_services.appraisal_open(actor=None, org=org, year=today.year - 1,
                                             today=dt.date(today.year - 1, 12, 10))
    for i, p in enumerate(last.participants.all()):
        appraisal_services.appraisal_self_assess(actor=None, participant=p, text=SELF_TEXTS[i % len(SELF_TEXTS)])
    for _ in range(2):
        last = appraisal_services.appraisal_advance(actor=None, evaluation=last, today=dt.date(today.year - 1, 12, 20))
    questions = list(BallotQuestion.objects.filter(ballot=last.ballot).prefetch_related("options"))
    for p in last.participants.select_related("member"):
        choices = {q.pk: list(q.options.all())[rng.choice([0, 1, 1, 1, 1, 2])].pk for q in questions}
        ballot_services.ballot_cast(actor=None, ballot=last.ballot, member=p.member, choices=choices)
    last = appraisal_services.appraisal_advance(actor=None, evaluation=last, today=dt.date(today.year - 1, 12, 20))
    graded = list(last.participants.filter(graded=True))
    cap = last.excellent_cap(len(graded))
    grades = {}
    for i, p in enumerate(graded):
        if i < cap:
            grades[p.pk] = (Grade.EXCELLENT, "民主测评得票较高，带头作用明显")
        elif i == len(graded) - 1:
            grades[p.pk] = (Grade.BASICALLY_QUALIFIED, "参加组织生活不够经常，已指出不足并给予帮助")
        else:
            grades[p.pk] = (Grade.QUALIFIED, "")
    appraisal_services.appraisal_grade(actor=None, evaluation=last, grades=grades)
    last = appraisal_services.appraisal_advance(actor=None, evaluation=last, today=dt.date(today.year - 1, 12, 25))
    assert last.stage == Stage.FINISHED
    appraisal_services.appraisal_open(actor=None, org=org, year=today.year, today=today)
