"""To-dos for a person (我的待办) and for an organization (/orgs/<code>/todos/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.meetings import talk_services, todos
from orglife.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 30)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def meeting(org, *, status=MeetingStatus.PLANNED, planned_on=None, held_on=None, topic="会议", kinds=(), counted=False):
    m = Meeting.objects.create(org=org, status=status, topic=topic, held_on=held_on,
                               planned_at=at(planned_on) if planned_on else None)
    for kind in kinds:
        MeetingKind.objects.create(meeting=m, kind=kind, org=org, held_on=held_on, counted=counted)
    return m


def titles(items, kind=None):
    return [t.title for t in items if kind is None or t.kind == kind]


def test_a_member_sees_meetings_of_their_branch_within_the_horizon(demo):
    meeting(demo.zb1, planned_on=ON + dt.timedelta(days=3), topic="主题党日活动")
    meeting(demo.zb1, planned_on=ON + dt.timedelta(days=30), topic="下月会议")
    meeting(demo.zb3, planned_on=ON + dt.timedelta(days=1), topic="别的支部")
    meeting(demo.zb1, planned_on=ON - dt.timedelta(days=1), topic="昨天")
    items = todos.for_user(demo.member, on=ON)
    assert titles(items, "meeting") == ["主题党日活动"]


def test_a_member_on_the_due_list_elsewhere_sees_the_meeting(demo):
    m = meeting(demo.zb3, status=MeetingStatus.STARTED, planned_on=ON, topic="联席会议")
    Attendance.objects.create(meeting=m, member=demo.m1)
    assert "联席会议" in titles(todos.for_user(demo.member, on=ON), "meeting")


def test_the_secretary_sees_overdue_kinds_from_the_compliance_core(demo):
    meeting(demo.zb1, status=MeetingStatus.SUBMITTED, held_on=dt.date(2026, 11, 5), kinds=["theme_day"], counted=True)
    items = todos.for_user(demo.secretary, on=ON)
    overdue = {t.title: t.detail for t in items if t.kind == "overdue"}
    assert "2026-Q1、2026-Q2、2026-Q3 未完成" in overdue["支部党员大会"]
    assert "2026-Q4" not in overdue["支部党员大会"]  # Q4 ends on 31 December, beyond the 7-day horizon
    assert "2026-11" not in overdue["主题党日"]  # November's was held
    assert "支部委员会会议" not in overdue  # no committee, not applicable
    assert not [t for t in todos.for_user(demo.member, on=ON) if t.kind == "overdue"]


def test_a_period_ending_within_the_horizon_is_a_todo(demo):
    overdue = {t.title: t for t in todos.for_org(demo.zb1, on=dt.date(2026, 12, 28)) if t.kind == "overdue"}
    assert "尚需1次" in overdue["支部党员大会"].detail and overdue["支部党员大会"].due == dt.date(2026, 12, 31)


def test_a_period_ending_beyond_the_horizon_is_not_yet_a_todo(demo):
    overdue = {t.title: t.detail for t in todos.for_org(demo.zb1, on=dt.date(2026, 10, 1)) if t.kind == "overdue"}
    assert "2026-Q4" not in overdue["支部党员大会"]
    assert "2026-10" not in overdue["主题党日"]


def test_managers_above_see_records_awaiting_approval(demo):
    meeting(demo.zb1, status=MeetingStatus.SUBMITTED, held_on=dt.date(2026, 11, 20), topic="十一月党员大会")
    assert "十一月党员大会" in titles(todos.for_user(demo.officer, on=ON), "approval")
    assert "十一月党员大会" in titles(todos.for_user(demo.admin, on=ON), "approval")
    assert not titles(todos.for_user(demo.secretary, on=ON), "approval")
    assert "十一月党员大会" in titles(todos.for_org(demo.zz, on=ON), "approval")
    assert not titles(todos.for_org(demo.zb1, on=ON), "approval")


def test_incomplete_records_after_the_meeting_date(demo):
    meeting(demo.zb1, status=MeetingStatus.STARTED, held_on=dt.date(2026, 11, 25), topic="未提交的会")
    meeting(demo.zb1, status=MeetingStatus.RETURNED, held_on=dt.date(2026, 11, 2), topic="被退回的会")
    meeting(demo.zb1, status=MeetingStatus.STARTED, held_on=ON, topic="今天的会")
    items = todos.for_user(demo.secretary, on=ON)
    assert titles(items, "incomplete") == ["被退回的会", "未提交的会"]
    assert "重新提交" in [t for t in items if t.title == "被退回的会"][0].detail
    assert not titles(todos.for_user(demo.member, on=ON), "incomplete")


def test_talk_gaps_and_open_talk_todos(demo):
    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason="家庭困难", today=ON)
    member_items = todos.for_user(demo.member, on=ON)
    assert "我的谈心谈话" in titles(member_items, "talk")
    secretary_items = todos.for_user(demo.secretary, on=ON)
    assert "与王五谈话" in titles(secretary_items, "talk_todo")
    assert "谈心谈话未覆盖" in titles(secretary_items, "talk")
    talk_services.talk_record(actor=None, org=demo.zb1, held_on=ON, topic="t", participants=[demo.m1, demo.m2],
                              today=ON)
    assert not [t for t in todos.for_user(demo.secretary, on=ON) if t.kind in ("talk", "talk_todo")]
    assert not titles(todos.for_user(demo.member, on=ON), "talk")


def test_an_outsider_has_nothing_to_do(demo):
    meeting(demo.zb1, planned_on=ON)
    assert todos.for_user(demo.outsider, on=ON) == []


def test_for_user_query_count_does_not_grow_with_meetings(demo, django_assert_max_num_queries):
    meeting(demo.zb1, planned_on=ON + dt.timedelta(days=1))
    todos.for_user(demo.officer, on=ON)
    with django_assert_max_num_queries(40) as ctx:
        todos.for_user(demo.secretary, on=ON)
    for i in range(10):
        meeting(demo.zb1, planned_on=ON + dt.timedelta(days=1), topic=f"m{i}")
        meeting(demo.zb1, status=MeetingStatus.SUBMITTED, held_on=dt.date(2026, 3, i + 1), kinds=["theme_day", "assembly"],
                counted=True)
        meeting(demo.zb1, status=MeetingStatus.STARTED, held_on=dt.date(2026, 4, i + 1))
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        todos.for_user(demo.secretary, on=ON)


# ------------------------------------------------------------------ pages


def test_the_me_page_shows_my_todos(client, demo):
    today = timezone.localdate()
    meeting(demo.zb1, planned_on=today + dt.timedelta(days=2), topic="即将召开的主题党日")
    client.force_login(demo.member)
    body = client.get(reverse("me")).content.decode()
    assert "我的待办" in body and "即将召开的主题党日" in body


def test_the_me_page_shows_todos_without_a_member_record(client, demo):
    client.force_login(demo.officer)
    body = client.get(reverse("me")).content.decode()
    assert "我的待办" in body and "尚未关联党员信息" in body


def test_the_me_page_query_count_does_not_grow_with_meetings(client, demo, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(demo.member)
    meeting(demo.zb1, planned_on=today + dt.timedelta(days=1))
    client.get(reverse("me"))
    with django_assert_max_num_queries(60) as ctx:
        client.get(reverse("me"))
    for i in range(15):
        m = meeting(demo.zb1, status=MeetingStatus.STARTED, planned_on=today + dt.timedelta(days=2), topic=f"会{i}")
        Attendance.objects.create(meeting=m, member=demo.m1)
        meeting(demo.zb1, status=MeetingStatus.SUBMITTED, held_on=today - dt.timedelta(days=i + 1),
                kinds=["theme_day"], counted=True)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("me"))


def test_the_org_todo_page(client, demo):
    meeting(demo.zb1, status=MeetingStatus.SUBMITTED, held_on=timezone.localdate(), topic="待审的会")
    client.force_login(demo.officer)
    body = client.get(reverse("org_todos", args=["ZZ"])).content.decode()
    assert "待审核的会议记录" in body and "待审的会" in body
    body = client.get(reverse("org_todos", args=["ZB1"])).content.decode()
    assert "逾期或即将到期的会议" in body


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB2", 403), ("officer", "ZB3", 403),
    ("officer", "ZB2", 200), ("admin", "ZB3", 200),
])
def test_the_org_todo_page_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("org_todos", args=[code])).status_code == status


def test_the_org_todo_page_needs_login_and_get(client, demo):
    assert client.get(reverse("org_todos", args=["ZB1"])).status_code == 302
    client.force_login(demo.admin)
    assert client.post(reverse("org_todos", args=["ZB1"])).status_code == 405


def test_group_meetings_are_owed_per_party_group(demo):
    overdue = [t for t in todos.for_user(demo.secretary, on=ON) if t.kind == "overdue"]
    assert any(t.title == "党小组会" and t.org == "第一党小组" for t in overdue)
    assert any(t.title == "党小组会" and t.org == "第一党小组" for t in todos.for_org(demo.zb1, on=ON))


def test_only_actionable_items_are_urgent(demo):
    meeting(demo.zb1, planned_on=ON + dt.timedelta(days=1), topic="明天的会")
    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason="近期", due_on=ON, today=ON)
    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m1, reason="远期",
                                  due_on=dt.date(2026, 12, 30), today=ON)
    items = {(t.kind, t.title): t.urgent for t in todos.for_user(demo.secretary, on=dt.date(2026, 11, 30))}
    assert items[("meeting", "明天的会")] and items[("talk_todo", "与王五谈话")]
    assert not items[("talk_todo", "与李四谈话")] and not items[("talk", "谈心谈话未覆盖")]
    assert items[("overdue", "主题党日")]  # November closes today
    assert not items[("overdue", "支部党员大会")]  # only missed quarters; Q4 closes beyond the horizon


def test_officers_above_do_not_get_every_branch_meeting(demo):
    meeting(demo.zb1, planned_on=ON + dt.timedelta(days=1), topic="支部的会")
    meeting(demo.zz, planned_on=ON + dt.timedelta(days=1), topic="总支的会")
    assert titles(todos.for_user(demo.officer, on=ON), "meeting") == ["总支的会"]
    assert titles(todos.for_user(demo.secretary, on=ON), "meeting") == ["支部的会"]


def test_the_org_todo_page_hides_talk_reasons_from_viewers(client, demo, django_user_model):
    from orglife.orgs import services

    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason="家庭困难")
    user = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=user, org=demo.zb1, role="viewer")
    client.force_login(user)
    body = client.get(reverse("org_todos", args=["ZB1"])).content.decode()
    assert "与王五谈话" in body and "家庭困难" not in body
    client.force_login(demo.secretary)
    assert "家庭困难" in client.get(reverse("org_todos", args=["ZB1"])).content.decode()
