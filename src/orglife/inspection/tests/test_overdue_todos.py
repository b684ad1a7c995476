"""Overdue measures appear in the to-do lists (meetings.todos)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import problem_services as ps
from orglife.meetings import todos

from .problems import problem

pytestmark = pytest.mark.django_db


def overdue(org, text="逾期的措施", owner=None):
    p = problem(org)
    return ps.measure_add(actor=None, problem=p, text=text, deadline=timezone.localdate() - dt.timedelta(days=2),
                          owner=owner)


def titles(items):
    return [t.title for t in items if t.kind == "measure"]


def test_managers_and_owners_see_overdue_measures(demo):
    overdue(demo.zb1, owner=demo.m1)
    overdue(demo.zb3, text="别处的措施")
    ps.measure_add(actor=None, problem=problem(demo.zb1), text="未到期", deadline=timezone.localdate())
    assert titles(todos.for_user(demo.secretary)) == ["逾期的措施"]
    assert titles(todos.for_user(demo.member)) == ["逾期的措施"]  # the owner
    assert titles(todos.for_user(demo.outsider)) == []
    assert titles(todos.for_org(demo.zb1)) == ["逾期的措施"]
    assert titles(todos.for_org(demo.zb3)) == ["别处的措施"]


def test_a_done_measure_is_no_longer_a_todo(demo):
    m = overdue(demo.zb1)
    ps.measure_complete(actor=None, measure=m, evidence="完成")
    assert titles(todos.for_org(demo.zb1)) == []


def test_the_org_todo_page_shows_them(client, demo):
    overdue(demo.zb1)
    client.force_login(demo.secretary)
    body = client.get(reverse("org_todos", args=["ZB1"])).content.decode()
    assert "逾期的整改措施" in body and "逾期的措施" in body
