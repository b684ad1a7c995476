"""/ballots/<pk>/receipt/: a voter checks that the ballot with their receipt code was counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation import ballot_services
from orglife.evaluation.appraisal_models import Stage

from .appraisal_helpers import choices, open_evaluation, to_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.VOTING)
    code = ballot_services.ballot_cast(actor=None, ballot=ev.ballot, member=demo.m1, choices=choices(ev.ballot))
    return ev.ballot, code


def test_a_counted_receipt(client, demo, receipt):
    ballot, code = receipt
    client.force_login(demo.member)
    body = client.post(reverse("ballot_receipt", args=[ballot.pk]), {"code": code}).content.decode()
    assert "已计入" in body


def test_an_unknown_receipt(client, demo, receipt):
    ballot, _ = receipt
    client.force_login(demo.member)
    body = client.post(reverse("ballot_receipt", args=[ballot.pk]), {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert "没有找到" in body


def test_a_blank_code(client, demo, receipt):
    ballot, _ = receipt
    client.force_login(demo.member)
    assert client.post(reverse("ballot_receipt", args=[ballot.pk]), {"code": ""}).status_code == 400


@pytest.mark.parametrize("persona,status", [("member", 200), ("secretary", 200), ("officer", 200), ("outsider", 403)])
def test_it_is_scoped(client, demo, receipt, persona, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("ballot_receipt", args=[receipt[0].pk])).status_code == status


def test_unknown_ballot_and_wrong_method(client, demo, receipt):
    client.force_login(demo.member)
    assert client.get(reverse("ballot_receipt", args=[99999])).status_code == 404
    assert client.delete(reverse("ballot_receipt", args=[receipt[0].pk])).status_code == 405
