"""/ballots/<pk>/vote/: a voter casts a ballot on a phone and sees the receipt once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.evaluation.appraisal_models import Stage
from orglife.evaluation.ballot_models import CastBallot, VoterRoll

from .appraisal_helpers import choices, open_evaluation, to_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting(demo):
    return to_stage(open_evaluation(demo, voters=3), Stage.VOTING)


def post_data(ballot, pick=None):
    return {f"q_{q}": o for q, o in (choices(ballot, pick) if pick else choices(ballot)).items()}


def test_the_voter_sees_every_member_with_four_grades(client, demo, voting):
    client.force_login(demo.member)
    r = client.get(reverse("ballot_vote", args=[voting.ballot_id]))
    body = r.content.decode()
    assert r.status_code == 200 and body.count('type="radio"') == 5 * 4 and "提交选票" in body
    assert r["Cache-Control"].startswith("max-age=0") or "no-cache" in r["Cache-Control"]


def test_casting_shows_the_receipt_once(client, demo, voting):
    client.force_login(demo.member)
    r = client.post(reverse("ballot_vote", args=[voting.ballot_id]), post_data(voting.ballot))
    body = r.content.decode()
    code = re.search(r'data-testid="receipt"[^>]*>([A-Z0-9-]+)<', body).group(1)
    assert r.status_code == 200 and "投票成功" in body and len(code) == 14
    assert VoterRoll.objects.get(ballot=voting.ballot, member=demo.m1).has_voted
    assert CastBallot.objects.count() == 1
    again = client.get(reverse("ballot_vote", args=[voting.ballot_id])).content.decode()
    assert "您已投票" in again and code not in again
    assert code not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_a_second_post_is_refused(client, demo, voting):
    client.force_login(demo.member)
    client.post(reverse("ballot_vote", args=[voting.ballot_id]), post_data(voting.ballot))
    r = client.post(reverse("ballot_vote", args=[voting.ballot_id]), post_data(voting.ballot, lambda q, o: o[0]))
    assert r.status_code == 409 and "您已投票" in r.content.decode()
    assert CastBallot.objects.count() == 1


def test_a_partial_ballot_keeps_the_choices(client, demo, voting):
    client.force_login(demo.member)
    data = post_data(voting.ballot, lambda q, o: o[0])
    dropped = sorted(data)[0]
    data.pop(dropped)
    r = client.post(reverse("ballot_vote", args=[voting.ballot_id]), data)
    body = r.content.decode()
    assert r.status_code == 400 and "请为“" in body and body.count("checked") == 4
    assert not CastBallot.objects.exists()


def test_outside_the_voting_stage_there_is_no_form(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.member)
    body = client.get(reverse("ballot_vote", args=[ev.ballot_id])).content.decode()
    assert "提交选票" not in body and "未开始" in body


@pytest.mark.parametrize("persona", ["secretary", "officer", "outsider", "admin"])
def test_people_off_the_roll_get_403(client, demo, voting, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("ballot_vote", args=[voting.ballot_id])).status_code == 403
    assert client.post(reverse("ballot_vote", args=[voting.ballot_id]), post_data(voting.ballot)).status_code == 403


def test_unknown_ballot_and_wrong_method(client, demo, voting):
    client.force_login(demo.member)
    assert client.get(reverse("ballot_vote", args=[99999])).status_code == 404
    assert client.put(reverse("ballot_vote", args=[voting.ballot_id])).status_code == 405


def test_queries_do_not_grow_with_the_number_of_members(client, demo, django_assert_max_num_queries):
    ev = to_stage(open_evaluation(demo, voters=12), Stage.VOTING)
    client.force_login(demo.member)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("ballot_vote", args=[ev.ballot_id])).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.post(reverse("ballot_vote", args=[ev.ballot_id]), post_data(ev.ballot)).status_code == 200


def test_an_empty_post_names_every_missing_choice(client, demo, voting):
    client.force_login(demo.member)
    r = client.post(reverse("ballot_vote", args=[voting.ballot_id]), {})
    assert r.status_code == 400 and r.content.decode().count("请为“") == 5
    assert not CastBallot.objects.exists()
