"""Recruitment deadlines in the to-do lists of the branch and of its secretary."""

import datetime as dt

import pytest
from django.utils import timezone

from orglife.meetings import todos

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_near_deadline_and_a_late_one_are_to_dos(demo):
    today = timezone.localdate()
    soon = f.applicant(demo.zb1, name="林一", born=dt.date(1998, 1, 1), applied_on=today - dt.timedelta(days=27))
    late = f.applicant(demo.zb1)  # talk due in April 2024
    f.applicant(demo.zb1, name="周二", born=dt.date(1997, 1, 1), applied_on=today)  # due in a month: not yet
    items = [t for t in todos.for_org(demo.zb1) if t.kind == "recruitment"]
    assert [t.title for t in items] == [f"{late.name}：2. 党组织派人谈话", f"{soon.name}：2. 党组织派人谈话"]
    assert items[0].detail.startswith("已逾期") and not items[0].urgent and items[1].urgent
    assert [t.kind for t in todos.for_user(demo.secretary)].count("recruitment") == 2
    assert "recruitment" not in {t.kind for t in todos.for_user(demo.member)}
