"""Properties of the pure compliance core (hypothesis): whatever the year and the meetings."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife.rules.compliance import (
    HeldMeeting,
    OrgFacts,
    judge,
    judge_counts,
    month_statuses,
    quorum_met,
    requirements,
    resolution_passed,
)
from orglife.rules.loader import get_profile
from orglife.rules.periods import period_of, periods_of_year

PROFILE = get_profile("national")
BRANCH = OrgFacts(id=1, kind="branch", established_on=dt.date(2000, 1, 1), has_committee=True)
years = st.integers(min_value=2019, max_value=2099)


def _reqs(year: int, kind: str = "branch"):
    return requirements(PROFILE, kind, dt.date(year + 1, 1, 1))


def exactly_required(year: int, kind: str = "branch", day: int = 10) -> list[HeldMeeting]:
    """One separate meeting per required occurrence: min meetings in each period of each kind."""
    ids = itertools.count(1)
    out = []
    for req in _reqs(year, kind):
        for period in periods_of_year(year, req.every):
            for n in range(req.min):
                held = dt.date(period.start.year, period.start.month, min(day + n, 28))
                out.append(HeldMeeting(next(ids), held, frozenset({req.kind})))
    return out


@settings(max_examples=60, deadline=None)
@given(year=years, day=st.integers(min_value=1, max_value=28))
def test_it_is_met_everywhere_when_a_branch_holds_exactly_what_is_required(year, day):
    verdicts = judge(BRANCH, _reqs(year), exactly_required(year, day=day), year, dt.date(year + 1, 1, 1))
    assert verdicts
    assert {v.status for v in verdicts} == {"met"}
    assert all(v.held == v.required == len(v.meetings) for v in verdicts)


@settings(max_examples=30, deadline=None)
@given(year=years)
def test_it_is_met_for_a_party_group_too(year):
    group = OrgFacts(id=2, kind="party_group")
    verdicts = judge(group, _reqs(year, "party_group"), exactly_required(year, "party_group"), year,
                     dt.date(year + 1, 1, 1))
    assert [v.kind for v in verdicts] == ["group_meeting"] * 12
    assert {v.status for v in verdicts} == {"met"}


@settings(max_examples=60, deadline=None)
@given(year=years, data=st.data())
def test_it_moves_exactly_two_verdicts_when_a_meeting_crosses_a_period_boundary(year, data):
    meetings = exactly_required(year)
    index = data.draw(st.integers(min_value=0, max_value=len(meetings) - 1))
    moved = meetings[index]
    (kind,) = moved.kinds
    every = next(r.every for r in _reqs(year) if r.kind == kind)
    old_period = period_of(moved.held_on, every)
    target = data.draw(st.dates(min_value=dt.date(year, 1, 1), max_value=dt.date(year, 12, 31)))
    new_period = period_of(target, every)
    on = dt.date(year + 1, 1, 1)
    before = {(v.kind, v.period): v for v in judge(BRANCH, _reqs(year), meetings, year, on)}
    meetings[index] = HeldMeeting(moved.id, target, moved.kinds)
    after = {(v.kind, v.period): v for v in judge(BRANCH, _reqs(year), meetings, year, on)}
    def facts(v):  # the explanation may change too (e.g. "一般应安排在第4季度"), the counts may not
        return v.held, v.status, sorted(v.meetings)

    changed = {key for key in before if facts(before[key]) != facts(after[key])}
    if new_period == old_period:
        assert changed == set()
    else:
        assert changed == {(kind, old_period.label), (kind, new_period.label)}
        assert after[(kind, old_period.label)].held == before[(kind, old_period.label)].held - 1
        assert after[(kind, new_period.label)].held == before[(kind, new_period.label)].held + 1
        assert after[(kind, old_period.label)].status == "missed"  # min is 1 everywhere nationally


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2099, 12, 31)),
    kinds=st.sets(st.sampled_from(["assembly", "party_lecture", "theme_day", "org_life_meeting", "committee_meeting"]),
                  min_size=2),
)
def test_it_counts_a_meeting_once_for_each_kind_it_was_recorded_as(day, kinds):
    year = day.year
    meeting = HeldMeeting(7, day, frozenset(kinds))
    verdicts = judge(BRANCH, _reqs(year), [meeting], year, dt.date(year + 1, 1, 1))
    holding = [v for v in verdicts if v.meetings == [7]]
    assert sorted(v.kind for v in holding) == sorted(kinds)
    assert all(v.held == 1 and v.status == "met" for v in holding)
    assert sum(v.held for v in verdicts) == len(kinds)


@settings(max_examples=60, deadline=None)
@given(
    year=years,
    meetings=st.lists(
        st.tuples(st.integers(1, 12), st.integers(1, 28),
                  st.sets(st.sampled_from(["assembly", "theme_day", "party_lecture", "org_life_meeting"]), min_size=1)),
        max_size=40,
    ),
    on=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_it_gives_the_same_verdicts_from_monthly_counts(year, meetings, on):
    held = [HeldMeeting(i, dt.date(year, m, d), frozenset(k)) for i, (m, d, k) in enumerate(meetings, 1)]
    counts: dict[tuple[str, int], int] = {}
    for m in held:
        for kind in m.kinds:
            counts[(kind, m.held_on.month)] = counts.get((kind, m.held_on.month), 0) + 1
    full = judge(BRANCH, _reqs(year), held, year, on)
    bare = judge_counts(BRANCH, _reqs(year), counts, year, on)
    assert [(v.kind, v.period, v.held, v.status, v.explanation) for v in full] == [
        (v.kind, v.period, v.held, v.status, v.explanation) for v in bare
    ]


def test_it_does_not_require_periods_before_the_rule_took_effect():
    # National cadences took effect on 2018-10-28: January 2018 owes nothing, December does.
    verdicts = {(v.kind, v.period): v for v in judge(BRANCH, _reqs(2018), [], 2018, dt.date(2019, 1, 1))}
    assert verdicts[("theme_day", "2018-01")].status == "not_applicable"
    assert "2018年10月28日" in verdicts[("theme_day", "2018-01")].explanation
    assert verdicts[("theme_day", "2018-10")].status == "missed"
    assert verdicts[("theme_day", "2018-12")].status == "missed"


def test_month_statuses_take_the_worst_kind():
    year = 2026
    theme_days = [HeldMeeting(m, dt.date(year, m, 5), frozenset({"theme_day"})) for m in range(1, 13)]
    verdicts = judge(BRANCH, _reqs(year), theme_days, year, dt.date(year, 11, 30))
    assert month_statuses(verdicts, "theme_day")[10] == "met"
    assert month_statuses(verdicts)[10] == "due"  # Q4 assembly, party lecture, org-life meeting
    assert month_statuses(verdicts)[0] == "missed"  # no assembly in Q1
    assert month_statuses([], "theme_day") == [None] * 12


@given(due=st.integers(min_value=1, max_value=500))
def test_quorum_needs_strictly_more_than_half(due):
    half, rest = divmod(due, 2)
    if rest == 0:
        assert not quorum_met(present_entitled=half, entitled_due=due)
    assert quorum_met(present_entitled=half + 1, entitled_due=due)
    assert not quorum_met(present_entitled=(due - 1) // 2 if due > 1 else 0, entitled_due=due)


@given(due=st.integers(min_value=1, max_value=500))
def test_resolution_needs_yes_from_more_than_half_of_those_due(due):
    half, rest = divmod(due, 2)
    if rest == 0:
        assert not resolution_passed(yes=half, entitled_due=due)
    assert resolution_passed(yes=half + 1, entitled_due=due)
    assert not resolution_passed(yes=0, entitled_due=due)


@pytest.mark.parametrize(("present", "due", "ok"), [(2, 3, True), (4, 6, True), (3, 6, False), (6, 9, True), (5, 9, False)])
def test_two_thirds_quorum_from_rule_data_includes_exactly_two_thirds(present, due, ok):
    # meeting.quorum.democratic_life_meeting writes two thirds as 0.6667 (不少于, i.e. ≥).
    ratio = PROFILE.value("meeting.quorum.democratic_life_meeting")["quorum_gte"]
    assert quorum_met(present_entitled=present, entitled_due=due, ratio=ratio, strict=False) is ok


def test_quorum_with_nobody_due_is_not_met():
    assert not quorum_met(present_entitled=0, entitled_due=0)
    assert not resolution_passed(yes=0, entitled_due=0)


def test_meetings_outside_the_year_or_without_a_date_do_not_count():
    meetings = [HeldMeeting(1, dt.date(2025, 12, 31), frozenset({"theme_day"})),
                HeldMeeting(2, None, frozenset({"theme_day"})),
                HeldMeeting(3, dt.date(2026, 1, 1), frozenset({"theme_day"}))]
    verdicts = {(v.kind, v.period): v for v in judge(BRANCH, _reqs(2026), meetings, 2026, dt.date(2027, 1, 1))}
    assert verdicts[("theme_day", "2026-01")].meetings == [3]
    assert sum(v.held for v in verdicts.values()) == 1
