"""/orgs/<code>/appraisals/ (list, open form) and /orgs/<code>/appraisals/new/ (open)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.evaluation.appraisal_models import MemberEvaluation
from orglife.meetings.models import Meeting

from .appraisal_helpers import add_voters, open_evaluation

pytestmark = pytest.mark.django_db


def test_it_lists_evaluations_and_offers_the_open_form(client, demo):
    ev = open_evaluation(demo, voters=0, year=2025)
    client.force_login(demo.secretary)
    body = client.get(reverse("appraisal_list", args=["ZB1"])).content.decode()
    assert "2025年度民主评议党员" in body and reverse("appraisal_detail", args=[ev.pk]) in body
    assert "开始民主评议" in body


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB3", 403), ("officer", "ZB3", 403),
    ("officer", "ZB1", 200), ("admin", "ZB3", 200),
])
def test_the_list_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("appraisal_list", args=[code])).status_code == status


def test_anonymous_users_go_to_login(client, demo):
    r = client.get(reverse("appraisal_list", args=["ZB1"]))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_post_to_the_list_is_refused(client, demo):
    client.force_login(demo.secretary)
    assert client.post(reverse("appraisal_list", args=["ZB1"])).status_code == 405
    assert client.get(reverse("appraisal_new", args=["ZB1"])).status_code == 405


def test_the_secretary_opens_an_evaluation_linked_to_a_meeting(client, demo):
    meeting = Meeting.objects.create(org=demo.zb1, topic="2026年度组织生活会", held_on=timezone.localdate())
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_new", args=["ZB1"]), {"year": timezone.localdate().year, "meeting": meeting.pk})
    ev = MemberEvaluation.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("appraisal_detail", args=[ev.pk])
    assert ev.meeting == meeting and ev.participants.count() == 2 and ev.created_by == demo.secretary


def test_errors_keep_what_was_typed(client, demo):
    open_evaluation(demo, voters=0, year=2025)
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_new", args=["ZB1"]), {"year": "2025"})
    body = r.content.decode()
    assert r.status_code == 400 and "本组织2025年度已开展民主评议党员" in body and 'value="2025"' in body
    assert MemberEvaluation.objects.count() == 1


@pytest.mark.parametrize("persona,code", [("member", "ZB1"), ("outsider", "ZB1"), ("secretary", "ZB3")])
def test_only_managers_open(client, demo, persona, code):
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("appraisal_new", args=[code]), {"year": 2026}).status_code == 403
    assert not MemberEvaluation.objects.exists()


def test_meetings_of_other_branches_are_not_offered(client, demo):
    Meeting.objects.create(org=demo.zb2, topic="别的支部的会")
    client.force_login(demo.admin)
    assert "别的支部的会" not in client.get(reverse("appraisal_list", args=["ZB1"])).content.decode()


def test_queries_do_not_grow_with_the_number_of_evaluations(client, demo, django_assert_max_num_queries):
    add_voters(demo, 3)
    for year in (2020, 2021, 2022, 2023, 2024, 2025):
        open_evaluation(demo, voters=0, year=year)
    client.force_login(demo.secretary)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("appraisal_list", args=["ZB1"])).status_code == 200
