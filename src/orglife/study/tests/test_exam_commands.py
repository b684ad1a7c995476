import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from orglife.meetings.models import TalkTodo
from orglife.study import exam_demo, exam_services
from orglife.study.exam_models import Attempt, AttemptState, Exam

pytestmark = pytest.mark.django_db


def test_close_expired_attempts_grades_abandoned_attempts_and_raises_talks(demo):
    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1), attempts=3)
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam)
    past = timezone.now() - dt.timedelta(minutes=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=past)
    Exam.objects.filter(pk=exam.pk).update(closes_at=past)
    out = io.StringIO()
    call_command("close_expired_attempts", stdout=out)
    assert "超时自动交卷 1 份；生成谈话待办 1 条" in out.getvalue()
    assert Attempt.objects.get().state == AttemptState.EXPIRED
    assert TalkTodo.objects.filter(member=demo.m1).count() == 1
    call_command("close_expired_attempts", stdout=out)
    assert TalkTodo.objects.count() == 1
