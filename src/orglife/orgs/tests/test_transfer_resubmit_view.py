# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""GET/POST /transfers/<pk>/resubmit/: the sender corrects a returned transfer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.orgs import transfer_services
from orglife.orgs.transfer_models import Transfer, TransferStatus

from .transfer_fixtures import start, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(world):
    t = start(world.demo)
    transfer_services.transfer_return(actor=world.demo.officer, transfer=t, reason="请改转第三支部")
    return t


def url(t):
    return reverse("transfer_resubmit", args=[t.pk])


def test_it_shows_the_form_filled_in(client, world, returned):
    client.force_login(world.demo.secretary)
    r = client.get(url(returned))
    body = r.content.decode()
    assert r.status_code == 200 and 'value="ZB2"' in body and 'value="工作调动"' in body


def test_it_resubmits_to_a_new_route(client, world, returned):
    client.force_login(world.demo.secretary)
    r = client.post(url(returned), {"destination": "inside", "to_org": "ZB3", "reason": "工作调动",
                                    "transfer_on": "2026-11-25"})
    t = Transfer.objects.get(pk=returned.pk)
    assert r.status_code == 302 and t.status == TransferStatus.PENDING and t.round == 2 and t.to_org.code == "ZB3"
    body = client.get(reverse("transfer_detail", args=[t.pk])).content.decode()
    assert "第 1 次提交的审批路线" in body


def test_it_keeps_input_on_errors(client, world, returned):
    client.force_login(world.demo.secretary)
    r = client.post(url(returned), {"destination": "inside", "to_org": "ZB9", "reason": "调动到九支部",
                                    "transfer_on": "2026-11-25"})
    body = r.content.decode()
    assert r.status_code == 200 and 'value="ZB9"' in body and 'value="调动到九支部"' in body
    assert Transfer.objects.get(pk=returned.pk).status == TransferStatus.RETURNED


def test_a_pending_transfer_cannot_be_resubmitted(client, world):
    t = start(world.demo)
    client.force_login(world.demo.secretary)
    r = client.get(url(t), follow=True)
    assert "只有被退回的转接可以重新提交" in r.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "member", "sec2"])
def test_it_is_forbidden_to_others(client, world, returned, persona):
    client.force_login(world.sec2 if persona == "sec2" else getattr(world.demo, persona))
    assert client.get(url(returned)).status_code == 403
    assert client.post(url(returned), {"destination": "inside", "to_org": "ZB3", "reason": "x",
                                       "transfer_on": "2026-11-25"}).status_code == 403


def test_it_refuses_put(client, world, returned):
    client.force_login(world.demo.secretary)
    assert client.put(url(returned)).status_code == 405
