# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""GET /orgs/<code>/transfers/: 待我办理, 转出, 转入 with counts; scoped; bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.conftest import make_member
from orglife.orgs import transfer_services
from orglife.orgs.models import Member

from .transfer_fixtures import issued, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def url(code, tab=""):
    return reverse("transfer_list", args=[code]) + (f"?tab={tab}" if tab else "")


def test_it_shows_the_sending_branch_its_outgoing_transfers(client, world):
    demo = world.demo
    start(demo)
    client.force_login(demo.secretary)
    r = client.get(url("ZB1", "out"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "王五" in body and "第二党支部" in body and "审批中" in body and "待测试党总支办理" in body
    assert "发起转出" in body and "登记系统外转入" in body


def test_it_shows_what_waits_for_the_viewer(client, world):
    demo = world.demo
    start(demo)
    client.force_login(demo.officer)
    body = client.get(url("ZZ")).content.decode()  # the default tab: 待我办理
    assert "王五" in body and "待我办理（1）" in body
    client.force_login(world.sec2)
    assert "没有等待您办理的转接" in client.get(url("ZB2")).content.decode()
    assert "王五" in client.get(url("ZB2", "in")).content.decode()


def test_the_member_of_another_branch_does_not_see_it(client, world):
    demo = world.demo
    start(demo)
    client.force_login(world.sec3)
    assert client.get(url("ZB1")).status_code == 403
    assert "王五" not in client.get(url("ZB3", "in")).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_it_is_forbidden_to_personas_without_a_grant(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(url("ZB1")).status_code == 403


def test_it_needs_login(client, demo):
    assert client.get(url("ZB1")).status_code == 302


def test_it_is_404_for_a_missing_org(client, demo):
    client.force_login(demo.admin)
    assert client.get(url("NOPE")).status_code == 404


def test_it_refuses_post(client, demo):
    client.force_login(demo.secretary)
    assert client.post(url("ZB1")).status_code == 405


@pytest.mark.parametrize("tab", ["todo", "out", "in"])
def test_query_count_does_not_grow_with_transfers(client, world, django_assert_max_num_queries, tab):
    demo = world.demo
    client.force_login(demo.officer)
    start(demo)
    with django_assert_max_num_queries(12) as few:
        client.get(url("ZZ", tab))
    for i in range(8):
        m = make_member("ZB1", name=f"转出{i}")
        t = start(demo, member=Member.objects.get(pk=m.pk), to=demo.zb2 if i % 2 else None,
                  outside="" if i % 2 else "外单位党委")
        transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    issued(demo, Member.objects.get(pk=demo.m1.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url("ZZ", tab))
    assert r.status_code == 200
