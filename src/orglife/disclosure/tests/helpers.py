"""Set-up for the 党务公开 tests: results to publish."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from orglife.disclosure import services
from orglife.inspection import problem_services as ps


def problem(org, description="三会一课记录不规范"):
    return ps.problem_create(actor=None, org=org, source="self_inspection", description=description)


def publish_rectification(demo, audience="public", org=None, actor=None, title=""):
    return services.publish(actor=actor or demo.officer, org=org or demo.zz, kind="rectification",
                            value="today", audience=audience, title=title)


def published_exam(org, results, title="党章党规知识测试"):
    """An exam of org whose result list the study app has published (results as its snapshot)."""
    from orglife.study.exam_models import Exam, ExamStatus

    now = timezone.now()
    return Exam.objects.create(org=org, title=title, opens_at=now - dt.timedelta(days=3),
                               closes_at=now - dt.timedelta(days=1), status=ExamStatus.PUBLISHED,
                               results_published_at=now, results_snapshot=results)
