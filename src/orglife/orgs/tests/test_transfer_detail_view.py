# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""GET /transfers/<pk>/: facts, route, history and the buttons each person may press."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.orgs import services, transfer_services
from orglife.orgs.models import Member

from .transfer_fixtures import issued, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def url(t):
    return reverse("transfer_detail", args=[t.pk])


def test_the_sender_sees_route_history_and_cancel(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(demo.secretary)
    r = client.get(url(t))
    assert r.status_code == 200
    body = r.content.decode()
    assert "审批路线" in body and "测试党总支 · 审批" in body and "第二党支部 · 接收" in body
    assert "发起组织关系转接" in body  # history
    assert "撤销转接" in body and ">同意<" not in body
    assert demo.m2.id_number in body  # the sending secretary manages the member


def test_the_approver_sees_the_buttons_and_a_masked_id(client, world):
    demo = world.demo
    t = start(demo)
    client.force_login(world.sec2)
    body = client.get(url(t)).content.decode()
    assert ">同意<" not in body and ">接收<" not in body  # not yet ZB2's turn
    assert demo.m2.id_number not in body and demo.m2.masked_id in body
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    body = client.get(url(t)).content.decode()
    assert ">接收<" in body and ">退回<" in body and ">不同意<" in body


def test_a_step_without_its_own_manager_says_who_may_act(client, world):
    demo = world.demo
    zb4 = services.org_create(actor=None, parent=demo.zz, code="ZB4", name="第四党支部", kind="branch")
    t = start(demo, to=zb4)
    note = "该组织在系统中没有管理员，可由其上级组织的管理员代为办理"
    client.force_login(demo.officer)
    assert note not in client.get(url(t)).content.decode()  # ZZ has its officer
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    body = client.get(url(t)).content.decode()
    assert note in body and ">接收<" in body  # the 总支 officer accepts for ZB4


def test_an_issued_letter_shows_number_validity_and_print(client, world):
    demo = world.demo
    t = issued(demo)
    client.force_login(demo.secretary)
    body = client.get(url(t)).content.decode()
    assert t.letter_number in body and "有效期 30 天" in body and "打印介绍信（PDF）" in body and "确认回执" in body


def test_the_member_sees_their_own_transfer(client, world):
    demo = world.demo
    t = start(demo, member=Member.objects.get(pk=demo.m1.pk))
    client.force_login(demo.member)
    r = client.get(url(t))
    assert r.status_code == 200 and "撤销转接" not in r.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_it_is_forbidden_to_others(client, world, persona):
    t = start(world.demo)  # 王五, not the member persona
    client.force_login(getattr(world.demo, persona))
    assert client.get(url(t)).status_code == 403


def test_it_is_forbidden_to_a_branch_off_the_route(client, world):
    t = start(world.demo)
    client.force_login(world.sec3)
    assert client.get(url(t)).status_code == 403


def test_it_is_404_when_missing(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("transfer_detail", args=[999])).status_code == 404


def test_it_refuses_post(client, world):
    t = start(world.demo)
    client.force_login(world.demo.secretary)
    assert client.post(url(t)).status_code == 405
