# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""The to-do "N 个转接待审批" for the people a transfer waits for, on their 我的 page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.meetings import todos
from orglife.orgs import transfer_services
from orglife.orgs.models import Member

from .transfer_fixtures import issued, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def transfer_todos(user):
    return [t for t in todos.for_user(user) if t.kind == "transfer"]


def test_the_todo_follows_the_transfer_along_its_route(world):
    demo = world.demo
    t = start(demo)
    [item] = transfer_todos(demo.officer)
    assert item.title == "1 个转接待审批" and item.urgent and item.url.endswith("/orgs/ZZ/transfers/?tab=todo")
    assert transfer_todos(world.sec2) == [] and transfer_todos(demo.secretary) == []
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    assert [i.title for i in transfer_todos(world.sec2)] == ["1 个转接待审批"]
    transfer_services.transfer_return(actor=world.sec2, transfer=t, reason="请补材料")
    assert len(transfer_todos(demo.secretary)) == 1  # back with the sender
    transfer_services.transfer_cancel(actor=demo.secretary, transfer=t)
    assert transfer_todos(demo.secretary) == [] and transfer_todos(world.sec2) == []


def test_it_counts_and_a_letter_waits_for_its_receipt(world):
    demo = world.demo
    start(demo)
    start(demo, member=Member.objects.get(pk=demo.m1.pk), outside="外单位党委")
    assert transfer_todos(demo.officer)[0].title == "2 个转接待审批"
    assert transfer_todos(demo.outsider) == [] and transfer_todos(demo.member) == []


def test_the_me_page_lists_it(client, world):
    demo = world.demo
    issued(demo)
    client.force_login(demo.secretary)
    body = client.get(reverse("me")).content.decode()
    assert "1 个转接待审批" in body
