"""/study/mine/: the member's items, hours and (when turned on) points; 学习任务 to-dos on 我的."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.study import plan_services, points_services

from .plan_support import published_plan

pytestmark = pytest.mark.django_db


def test_the_member_sees_open_and_done_items_and_hours(client, demo):
    _p, it = published_plan(demo.zb1, topic="学习党章", hours="2")
    _p2, other = published_plan(demo.zb3, topic="三支部的学习")
    client.force_login(demo.member)
    body = client.get(reverse("study_mine")).content.decode()
    assert "学习党章" in body and "三支部的学习" not in body and "待完成（1）" in body
    assert "还差 32.0 学时" in body and "学习积分" not in body  # points are off by default
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    body = client.get(reverse("study_mine")).content.decode()
    assert "已完成（1）" in body and "已获 <strong>2.0</strong> 学时" in body


def test_points_show_when_the_organization_turns_them_on(client, demo):
    _p, it = published_plan(demo.zb1)
    points_services.setting_update(actor=None, org=demo.zb1, enabled=True)
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    client.force_login(demo.member)
    body = client.get(reverse("study_mine")).content.decode()
    assert "学习积分：2" in body


def test_an_account_without_a_member_record(client, demo):
    client.force_login(demo.secretary)
    assert "尚未关联党员信息" in client.get(reverse("study_mine")).content.decode()


def test_it_needs_a_login_and_get(client, demo):
    assert client.get(reverse("study_mine")).status_code == 302
    client.force_login(demo.member)
    assert client.post(reverse("study_mine")).status_code == 405


def test_due_self_study_is_a_todo_on_me(client, demo):
    today = timezone.localdate()
    due = today + dt.timedelta(days=2)
    if due.year != today.year:
        pytest.skip("the horizon crosses the year end")
    _p, it = published_plan(demo.zb1, topic="学习二十大报告", due_on=due)
    client.force_login(demo.member)
    body = client.get(reverse("me")).content.decode()
    assert "学习任务" in body and "学习二十大报告：请完成自学并确认" in body and reverse("study_item", args=[it.pk]) in body
    assert reverse("study_mine") in body
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    assert "学习二十大报告：请完成自学并确认" not in client.get(reverse("me")).content.decode()
