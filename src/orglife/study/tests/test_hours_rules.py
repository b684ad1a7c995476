"""Class-hour minimums and the points ledger as pure functions (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orglife.study import hours as rules


def test_minimums_come_from_the_rule_library():
    assert rules.minimum_hours(rules.MEMBER) == Decimal(32)
    assert rules.minimum_hours(rules.COMMITTEE) == Decimal(56)
    assert rules.minimum_rule(rules.MEMBER).conf == "S"


def test_a_shortfall_of_an_s_rule_is_advice_not_an_error():
    v = rules.judge_hours(Decimal("30.5"), rules.MEMBER)
    assert not v.met and v.shortfall == Decimal("1.5") and v.severity == "advice"
    assert rules.judge_hours(Decimal(56), rules.COMMITTEE).severity == "ok"
    assert rules.judge_hours(Decimal(40), rules.COMMITTEE).shortfall == Decimal(16)


@given(st.decimals(min_value=0, max_value=200, places=1), st.sampled_from([rules.MEMBER, rules.COMMITTEE]))
def test_hours_plus_shortfall_reach_the_minimum(hours, role):
    v = rules.judge_hours(hours, role)
    assert v.shortfall >= 0
    assert v.met == (v.shortfall == 0)
    assert max(hours + v.shortfall, hours) == max(v.required, hours)


def test_every_action_has_points_and_a_cap():
    table = rules.points_table()
    assert {"self_study", "study_meeting", "exam_pass", "quiz_level_pass"} <= set(table)
    assert all(row["daily_cap"] >= 0 and row["points"] >= 0 for row in table.values())


TABLE = {"a": {"points": 3, "daily_cap": 7}, "b": {"points": 5, "daily_cap": 5}}
DAY = dt.date(2026, 3, 1)


def test_the_cap_stops_points_within_a_day_and_resets_the_next():
    events = [rules.Event("a", DAY, str(i)) for i in range(4)] + [rules.Event("a", DAY + dt.timedelta(days=1), "x")]
    lines = rules.ledger(events, TABLE)
    assert [line.points for line in lines] == [3, 3, 1, 0, 3]
    assert [line.capped for line in lines] == [False, False, True, True, False]
    assert rules.total(lines) == 10


def test_events_before_points_were_turned_on_and_unknown_actions_earn_nothing():
    events = [rules.Event("a", DAY - dt.timedelta(days=1)), rules.Event("zzz", DAY), rules.Event("b", DAY)]
    lines = rules.ledger(events, TABLE, since=DAY)
    assert [(line.action, line.points) for line in lines] == [("b", 5)]


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 5)), max_size=60))
def test_no_action_ever_exceeds_its_daily_cap(raw):
    events = [rules.Event(action, DAY + dt.timedelta(days=d)) for action, d in raw]
    lines = rules.ledger(events, TABLE)
    per_day: dict = {}
    for line in lines:
        per_day[(line.action, line.on)] = per_day.get((line.action, line.on), 0) + line.points
    assert all(points <= TABLE[action]["daily_cap"] for (action, _), points in per_day.items())
    # and nothing is lost below the cap: each day earns min(cap, n × points)
    for (action, on), points in per_day.items():
        n = sum(1 for e in events if e.action == action and e.on == on)
        assert points == min(TABLE[action]["daily_cap"], n * TABLE[action]["points"])
