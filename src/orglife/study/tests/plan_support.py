"""Helpers for the study-plan, class-hour and points tests (not a conftest: the exam tests share
this package)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from orglife.meetings import services as meeting_services
from orglife.study import plan_services
from orglife.study.exam_models import Attempt, Exam

YEAR = timezone.localdate().year


def plan(org, *, year=YEAR, published=True, items=()):
    p = plan_services.plan_create(actor=None, org=org, year=year)
    for data in items:
        item(p, **data)
    if published and items:
        plan_services.plan_publish(actor=None, plan=p)
    return p


def item(p, **data):
    base = {"item_type": "self_study", "topic": "学习党章", "due_on": dt.date(p.year, 12, 31), "audience": "org",
            "hours": Decimal("2.0")}
    base.update(data)
    return plan_services.item_add(actor=None, plan=p, data=base)


def published_plan(org, **item_data):
    p = plan(org, published=False)
    it = item(p, **item_data)
    plan_services.plan_publish(actor=None, plan=p)
    it.refresh_from_db()
    return p, it


def study_meeting(org, present=(), absent=(), submit=True, days_ago=1):
    held = timezone.now() - dt.timedelta(days=days_ago)
    meeting = meeting_services.meeting_create(
        actor=None, org=org, kinds=["theme_day"], held_at=held, place="会议室", host=(present or absent)[0].pk,
        recorder=(present or absent)[0].pk, topic="集中学习研讨", minutes="记录", content_category="theory",
    )
    meeting_services.meeting_start(actor=None, meeting=meeting)
    rows = [{"member": m.pk, "status": "present"} for m in present] + [{"member": m.pk, "status": "absent"} for m in absent]
    meeting_services.attendance_set(actor=None, meeting=meeting, rows=rows)
    if submit:
        meeting = meeting_services.meeting_submit(actor=None, meeting=meeting)
    return meeting


def exam(org, title="党章知识测试"):
    now = timezone.now()
    return Exam.objects.create(org=org, title=title, opens_at=now - dt.timedelta(days=2), closes_at=now + dt.timedelta(days=2))


def attempt(exam, member, passed=True, number=1, when=None):
    when = when or timezone.now() - dt.timedelta(hours=1)
    return Attempt.objects.create(exam=exam, member=member, number=number, state="submitted", started_at=when,
                                  deadline=when + dt.timedelta(minutes=30), submitted_at=when, score=80 if passed else 40,
                                  passed=passed)
