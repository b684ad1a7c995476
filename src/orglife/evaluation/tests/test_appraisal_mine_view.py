"""/me/appraisals/: a member's own evaluations, what waits for them and their own grade only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation import appraisal_services
from orglife.evaluation.appraisal_models import Grade, Stage

from .appraisal_helpers import open_evaluation, to_stage, vote_all

pytestmark = pytest.mark.django_db


def test_it_lists_my_evaluations_with_what_waits(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.member)
    body = client.get(reverse("appraisal_mine")).content.decode()
    assert reverse("appraisal_detail", args=[ev.pk]) in body and "待办" in body


def test_after_voting_nothing_waits(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.VOTING)
    client.force_login(demo.member)
    assert "badge err" in client.get(reverse("appraisal_mine")).content.decode()
    vote_all(ev)
    assert "badge err" not in client.get(reverse("appraisal_mine")).content.decode()


def test_it_shows_my_grade_only_once_finished(client, demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.GRADING)
    appraisal_services.appraisal_grade(actor=None, evaluation=ev, grades={
        p.pk: (Grade.EXCELLENT if p.member_id == demo.m2.pk else Grade.BASICALLY_QUALIFIED, "理由")
        for p in ev.participants.all()})
    client.force_login(demo.member)
    assert "本人评定等次" not in client.get(reverse("appraisal_mine")).content.decode()
    to_stage(ev, Stage.FINISHED)
    body = client.get(reverse("appraisal_mine")).content.decode()
    assert "本人评定等次：<strong>基本合格</strong>" in body and "优秀" not in body


def test_people_without_a_member_record_see_an_empty_list(client, demo):
    client.force_login(demo.outsider)
    r = client.get(reverse("appraisal_mine"))
    assert r.status_code == 200 and "尚未参加" in r.content.decode()


def test_login_and_method(client, demo):
    assert client.get(reverse("appraisal_mine")).status_code == 302
    client.force_login(demo.member)
    assert client.post(reverse("appraisal_mine")).status_code == 405


def test_the_me_page_links_here(client, demo):
    client.force_login(demo.member)
    assert reverse("appraisal_mine") in client.get(reverse("me")).content.decode()
