"""/appraisal-steps/<pk>/done/ and /appraisal-participants/<pk>/close/: the handling of 不合格."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.evaluation import appraisal_services
from orglife.evaluation.appraisal_models import Grade, HandlingStep, Stage, StepStatus
from orglife.meetings import talk_services

from .appraisal_helpers import open_evaluation, to_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def unqualified(demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    appraisal_services.appraisal_grade(actor=None, evaluation=ev, grades={
        p.pk: (Grade.UNQUALIFIED if p.member_id == demo.m2.pk else Grade.QUALIFIED, "理由")
        for p in ev.participants.all()})
    return to_stage(ev, Stage.FINISHED).participants.get(member=demo.m2)


def test_the_talk_step_waits_for_the_talk(client, demo, unqualified):
    step = unqualified.steps.get(position=0)
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_step_done", args=[step.pk]), {"note": ""}, follow=True)
    assert "请先在“谈心谈话”中记录" in r.content.decode()
    talk_services.talk_record(actor=None, org=demo.zb1, held_on=timezone.localdate(), topic="教育谈话",
                              participants=[demo.m1, demo.m2])
    due = timezone.localdate().replace(month=12, day=31)
    r = client.post(reverse("appraisal_step_done", args=[step.pk]), {"note": "", "next_due_on": due.isoformat()})
    assert r.status_code == 302 and r["Location"].endswith(f"#handling-{unqualified.pk}")
    nxt = unqualified.steps.get(position=1)
    assert nxt.status == StepStatus.OPEN and nxt.due_on == due


def test_the_secretary_ends_the_handling(client, demo, unqualified):
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_step_close", args=[unqualified.pk]), {"note": "经教育已改正"})
    assert r.status_code == 302
    assert set(unqualified.steps.values_list("status", flat=True)) == {StepStatus.NOT_NEEDED}


def test_ending_needs_a_reason(client, demo, unqualified):
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_step_close", args=[unqualified.pk]), {"note": ""}, follow=True)
    assert "请填写结束处置的理由" in r.content.decode()
    assert unqualified.steps.filter(status=StepStatus.OPEN).count() == 1


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_only_managers_handle(client, demo, unqualified, persona):
    step = unqualified.steps.get(position=0)
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("appraisal_step_done", args=[step.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("appraisal_step_close", args=[unqualified.pk]), {"note": "x"}).status_code == 403
    assert HandlingStep.objects.filter(status=StepStatus.OPEN).count() == 1


def test_wrong_method_and_unknown_ids(client, demo, unqualified):
    step = unqualified.steps.get(position=0)
    client.force_login(demo.secretary)
    assert client.get(reverse("appraisal_step_done", args=[step.pk])).status_code == 405
    assert client.get(reverse("appraisal_step_close", args=[unqualified.pk])).status_code == 405
    assert client.post(reverse("appraisal_step_done", args=[99999])).status_code == 404
    assert client.post(reverse("appraisal_step_close", args=[99999])).status_code == 404
