"""Dues to-dos: the member's own arrears from three months, the branch's count and open cases."""

import datetime as dt

import pytest

from orglife.dues import reminders, services
from orglife.meetings import todos

pytestmark = pytest.mark.django_db


def test_a_member_in_arrears_sees_a_reminder(dues, today):
    items = reminders.todos(dues.m2, [], today)
    assert len(items) == 1 and "连续8个月未交" in items[0].title and items[0].urgent
    assert reminders.todos(dues.m1, [], today) == []


def test_the_reminder_starts_at_three_months(demo):
    services.profile_set(actor=None, member=demo.m1, category="student", effective_month=dt.date(2026, 8, 1),
                         today=dt.date(2026, 8, 1))
    assert reminders.todos(demo.m1, [], dt.date(2026, 10, 31)) == []  # Aug, Sep: two months
    [item] = reminders.todos(demo.m1, [], dt.date(2026, 11, 1))
    assert "连续3个月" in item.title and not item.urgent


def test_managers_see_counts_and_open_cases(dues, today):
    items = reminders.todos(None, [dues.zb1], today)
    assert [i.title for i in items] == ["1名党员连续3个月以上未交党费"]
    services.cases_raise(actor=None, q=None, today=today)
    titles = [i.title for i in reminders.todos(None, [dues.zb1], today)]
    assert "1件连续6个月未交党费事项待处理" in titles


def test_they_appear_in_the_shared_lists(dues, today):
    assert any(t.kind == "dues" for t in todos.for_user(dues.secretary, today))
    assert any(t.kind == "dues" for t in todos.for_org(dues.zb1, today))
    assert todos.KIND_LABELS["dues"] == "党费"
