"""/appraisals/<pk>/advance/: managers move the evaluation through its stages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation.appraisal_models import MemberEvaluation, Stage
from orglife.evaluation.ballot_models import BallotStatus

from .appraisal_helpers import open_evaluation, to_stage

pytestmark = pytest.mark.django_db


def test_the_secretary_walks_the_stages(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.secretary)
    for stage in (Stage.PEER_REVIEW, Stage.VOTING, Stage.GRADING):
        r = client.post(reverse("appraisal_advance", args=[ev.pk]))
        assert r.status_code == 302
        ev = MemberEvaluation.objects.get()
        assert ev.stage == stage
    assert ev.ballot.status == BallotStatus.CLOSED


def test_finishing_without_grades_shows_a_message(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.GRADING)
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_advance", args=[ev.pk]), follow=True)
    assert "尚未评定等次" in r.content.decode()
    assert MemberEvaluation.objects.get().stage == Stage.GRADING


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_members_and_outsiders_cannot_advance(client, demo, persona):
    ev = open_evaluation(demo, voters=0)
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("appraisal_advance", args=[ev.pk])).status_code == 403
    assert MemberEvaluation.objects.get().stage == Stage.SELF_ASSESSMENT


def test_a_manager_of_another_branch_cannot_advance(client, demo, django_user_model):
    from orglife.orgs import services

    ev = open_evaluation(demo, voters=0)
    other = django_user_model.objects.create_user("zb3sec")
    services.grant_role(actor=None, user=other, org=demo.zb3, role="manager")
    client.force_login(other)
    assert client.post(reverse("appraisal_advance", args=[ev.pk])).status_code == 403


def test_get_is_refused(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.secretary)
    assert client.get(reverse("appraisal_advance", args=[ev.pk])).status_code == 405
