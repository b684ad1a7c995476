# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""GET/POST /orgs/<code>/transfers/new/: the sending branch starts a transfer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.orgs.transfer_models import Transfer, TransferKind

from .transfer_fixtures import start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def url(code="ZB1"):
    return reverse("transfer_new", args=[code])


def data(demo, **over):
    d = {"member": demo.m2.pk, "destination": "inside", "to_org": "ZB2", "outside_name": "", "reason": "工作调动",
         "transfer_on": "2026-11-20"}
    d.update(over)
    return d


def test_it_shows_the_form_with_the_branch_members(client, demo):
    client.force_login(demo.secretary)
    r = client.get(url() + f"?member={demo.m2.pk}")
    assert r.status_code == 200
    body = r.content.decode()
    assert "王五" in body and "李四" in body and "赵六" not in body  # 赵六 is in ZB3
    assert f'<option value="{demo.m2.pk}" selected>' in body
    assert '<option value="ZB2">' in body  # receiving organizations are suggested


def test_it_starts_a_transfer_by_code_or_by_name(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), data(demo, to_org="第二党支部"))
    t = Transfer.objects.get()
    assert r.status_code == 302 and r.url == reverse("transfer_detail", args=[t.pk])
    assert t.to_org.code == "ZB2" and t.kind == TransferKind.INTERNAL and t.started_by == demo.secretary


def test_it_starts_an_outside_transfer(client, demo):
    client.force_login(demo.secretary)
    client.post(url(), data(demo, destination="outside", to_org="", outside_name="某市某局机关党委"))
    t = Transfer.objects.get()
    assert t.kind == TransferKind.OUT and t.outside_name == "某市某局机关党委"


def test_it_keeps_what_was_typed_on_errors(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), data(demo, to_org="不存在的支部", reason="随军"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "没有编码或名称为“不存在的支部”的组织" in body
    assert 'value="不存在的支部"' in body and 'value="随军"' in body
    r = client.post(url(), data(demo, to_org="ZB1"))
    assert "相同" in r.content.decode()
    r = client.post(url(), data(demo, destination="outside", to_org=""))
    assert "请填写系统外接收组织的名称" in r.content.decode()
    assert not Transfer.objects.exists()


def test_a_member_already_moving_is_not_offered(client, world):
    demo = world.demo
    start(demo)
    client.force_login(demo.secretary)
    body = client.get(url()).content.decode()
    assert "王五" not in body
    r = client.post(url(), data(demo))
    assert r.status_code == 200 and Transfer.objects.count() == 1


def test_a_member_of_another_branch_is_refused(client, demo):
    client.force_login(demo.officer)
    r = client.post(url("ZB1"), data(demo, member=demo.m3.pk))
    assert r.status_code == 200 and not Transfer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_it_is_forbidden_to_personas(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(url()).status_code == 403
    assert client.post(url(), data(demo)).status_code == 403


def test_it_is_forbidden_for_the_wrong_org(client, demo):
    client.force_login(demo.secretary)
    assert client.get(url("ZB3")).status_code == 403
    assert client.post(url("ZB3"), data(demo, member=demo.m3.pk, to_org="ZB1")).status_code == 403


def test_it_refuses_put(client, demo):
    client.force_login(demo.secretary)
    assert client.put(url()).status_code == 405
