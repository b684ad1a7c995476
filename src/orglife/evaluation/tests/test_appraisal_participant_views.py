"""/appraisals/<pk>/self/ (个人自评) and /appraisals/<pk>/comments/ (党员互评): only the participant
writes their own, only at their stage; errors keep the text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation.appraisal_models import PeerComment, Stage

from .appraisal_helpers import open_evaluation, to_stage

pytestmark = pytest.mark.django_db


def test_the_member_saves_a_self_assessment(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_self", args=[ev.pk]), {"text": "认真学习，按时交纳党费"})
    assert r.status_code == 302
    assert ev.participants.get(member=demo.m1).self_assessment == "认真学习，按时交纳党费"


def test_a_blank_self_assessment_is_refused(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_self", args=[ev.pk]), {"text": ""})
    assert r.status_code == 400 and "个人自评" in r.content.decode()


def test_after_voting_starts_the_text_is_kept_and_refused(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.VOTING)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_self", args=[ev.pk]), {"text": "迟到的自评"})
    assert r.status_code == 400 and "不能再修改" in r.content.decode()


@pytest.mark.parametrize("persona", ["secretary", "officer", "outsider", "admin"])
def test_only_participants_write(client, demo, persona):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.PEER_REVIEW)
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("appraisal_self", args=[ev.pk]), {"text": "x"}).status_code == 403
    subject = ev.participants.get(member=demo.m2)
    assert client.post(reverse("appraisal_comment", args=[ev.pk]),
                       {"subject": subject.pk, "text": "x"}).status_code == 403


def test_get_is_refused(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.member)
    assert client.get(reverse("appraisal_self", args=[ev.pk])).status_code == 405
    assert client.get(reverse("appraisal_comment", args=[ev.pk])).status_code == 405


def test_the_member_comments_on_a_peer(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.PEER_REVIEW)
    subject = ev.participants.get(member=demo.m2)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_comment", args=[ev.pk]), {"subject": subject.pk, "text": "工作认真"})
    assert r.status_code == 302
    c = PeerComment.objects.get()
    assert c.subject == subject and c.author.member == demo.m1 and c.text == "工作认真"


def test_commenting_on_oneself_is_refused_with_a_message(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.PEER_REVIEW)
    me = ev.participants.get(member=demo.m1)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_comment", args=[ev.pk]), {"subject": me.pk, "text": "自评"})
    assert r.status_code == 400 and not PeerComment.objects.exists()


def test_a_subject_from_another_evaluation_is_404(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.PEER_REVIEW)
    client.force_login(demo.member)
    r = client.post(reverse("appraisal_comment", args=[ev.pk]), {"subject": 99999, "text": "x"})
    assert r.status_code == 404
