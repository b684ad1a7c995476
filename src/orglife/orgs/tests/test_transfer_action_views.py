# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""POST /transfers/<pk>/{approve,accept,refuse,return,cancel,receipt}/: the buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.conftest import TODAY
from orglife.orgs import transfer_services
from orglife.orgs.models import Member
from orglife.orgs.transfer_models import Transfer, TransferStatus

from .transfer_fixtures import issued, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def post(client, name, t, **data):
    return client.post(reverse(f"transfer_{name}", args=[t.pk]), data)


def status(t):
    return Transfer.objects.get(pk=t.pk).status


def test_approve_then_accept_moves_the_member(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(demo.officer)
    r = post(client, "approve", t, note="同意转出")
    assert r.status_code == 302 and r.url == reverse("transfer_detail", args=[t.pk])
    client.force_login(world.sec2)
    post(client, "accept", t)
    assert status(t) == TransferStatus.COMPLETED
    assert Member.objects.get(pk=demo.m2.pk).org.code == "ZB2"
    body = client.get(reverse("transfer_detail", args=[t.pk])).content.decode()
    assert "已接收王五，该党员已编入第二党支部。" in body and "同意转出" in body


def test_a_second_accept_shows_an_error_and_changes_nothing(client, world):
    demo = world.demo
    t = start(demo)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    client.force_login(world.sec2)
    post(client, "accept", t)
    r = client.post(reverse("transfer_accept", args=[t.pk]), follow=True)
    assert "不能进行此操作" in r.content.decode() or "不能办理" in r.content.decode()
    assert Member.objects.get(pk=demo.m2.pk).org_history.count() == 2


def test_return_needs_a_reason_and_refuse_ends_it(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(demo.officer)
    r = client.post(reverse("transfer_return", args=[t.pk]), {"reason": ""}, follow=True)
    assert "请填写理由" in r.content.decode() and status(t) == TransferStatus.PENDING
    post(client, "return", t, reason="请补充原因")
    assert status(t) == TransferStatus.RETURNED
    client.force_login(demo.secretary)
    r = client.get(reverse("transfer_detail", args=[t.pk]))
    assert "请补充原因" in r.content.decode() and "修改并重新提交" in r.content.decode()
    t2 = start(demo, member=Member.objects.get(pk=demo.m1.pk))
    client.force_login(demo.officer)
    post(client, "refuse", t2, reason="不符合条件")
    assert status(t2) == TransferStatus.REFUSED


def test_cancel_by_the_sender(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(demo.secretary)
    post(client, "cancel", t, reason="本人放弃")
    assert status(t) == TransferStatus.CANCELLED


def test_receipt_closes_the_letter(client, world):
    demo = world.demo
    t = issued(demo)
    client.force_login(demo.secretary)
    r = client.post(reverse("transfer_receipt", args=[t.pk]), {"receipt_on": ""}, follow=True)
    assert "请填写回执日期" in r.content.decode()
    post(client, "receipt", t, receipt_on=TODAY.isoformat(), note="已收到回执")
    assert status(t) == TransferStatus.COMPLETED


@pytest.mark.parametrize("name, data", [
    ("approve", {}), ("accept", {}), ("refuse", {"reason": "x"}), ("return", {"reason": "x"}), ("cancel", {}),
])
@pytest.mark.parametrize("persona", ["outsider", "member", "sec3"])
def test_buttons_are_forbidden_to_people_off_the_route(client, world, name, data, persona):
    demo = world.demo
    t = start(demo)
    client.force_login(world.sec3 if persona == "sec3" else getattr(demo, persona))
    assert post(client, name, t, **data).status_code == 403
    assert status(t) == TransferStatus.PENDING


def test_the_receiving_branch_cannot_cancel_and_the_sender_cannot_approve(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(world.sec2)
    assert post(client, "cancel", t).status_code == 403
    client.force_login(demo.secretary)
    r = client.post(reverse("transfer_approve", args=[t.pk]), follow=True)
    assert "管理者" in r.content.decode() and status(t) == TransferStatus.PENDING


def test_receipt_is_forbidden_to_the_other_side(client, world):
    t = issued(world.demo)
    client.force_login(world.sec2)
    assert post(client, "receipt", t, receipt_on=TODAY.isoformat()).status_code == 403


@pytest.mark.parametrize("name", ["approve", "accept", "refuse", "return", "cancel", "receipt"])
def test_get_is_not_allowed(client, world, name):
    t = start(world.demo)
    client.force_login(world.demo.officer)
    assert client.get(reverse(f"transfer_{name}", args=[t.pk])).status_code == 405
