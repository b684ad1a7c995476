"""The pure plan generator: any year, any fixed day, any (tightened) cadence → every requirement
met in every period, with the 主题党日 group combined on the fixed day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife.meetings.plan_services import committee_date, generate_items, plan_gaps, theme_date
from orglife.rules.compliance import KIND_LABELS, Requirement, requirements
from orglife.rules.loader import apply_profile, get_profile
from orglife.rules.periods import periods_of_year

NATIONAL = get_profile("national")


def national(year: int) -> list[Requirement]:
    return requirements(NATIONAL, "branch", dt.date(year, 1, 1))


def assert_cadence(items, reqs, year, has_committee):
    for req in reqs:
        if req.needs_committee and not has_committee:
            assert not any(req.kind in i.kinds for i in items)
            continue
        for period in periods_of_year(year, req.every):
            held = sum(1 for i in items if req.kind in i.kinds and i.planned_on in period)
            assert held >= req.min, (req, period.label, held)


def assert_well_formed(items, year):
    for item in items:
        assert item.planned_on.year == year
        assert item.kinds and len(set(item.kinds)) == len(item.kinds)
        assert set(item.kinds) <= set(KIND_LABELS)
        assert item.topic and len(item.topic) <= 200


@settings(max_examples=150, deadline=None)
@given(year=st.integers(2019, 2100), theme_day=st.integers(1, 31), has_committee=st.booleans())
def test_it_meets_every_national_cadence(year, theme_day, has_committee):
    reqs = national(year)
    items = generate_items(reqs, year, theme_day, has_committee)
    assert_well_formed(items, year)
    assert_cadence(items, reqs, year, has_committee)
    # One 主题党日 a month, on the fixed day (clamped to the month's end).
    theme = [i for i in items if "theme_day" in i.kinds]
    assert [i.planned_on for i in theme] == [theme_date(year, m, theme_day) for m in range(1, 13)]
    # 支委会 on the fixed day minus a week, inside its month.
    committee = [i.planned_on for i in items if "committee_meeting" in i.kinds]
    assert committee == ([committee_date(year, m, theme_day) for m in range(1, 13)] if has_committee else [])


CADENCE = st.sampled_from(["month", "quarter", "half", "year"])


@st.composite
def tightened(draw):
    """Requirements as a profile could state them: any kind, period and count."""
    kinds = draw(st.sets(st.sampled_from(list(KIND_LABELS)), min_size=1))
    return [
        Requirement(kind, f"meeting.{kind}", draw(CADENCE), draw(st.integers(1, 4)), "V",
                    draw(st.none() | st.integers(1, 4)), draw(st.booleans()))
        for kind in sorted(kinds)
    ]


@settings(max_examples=200, deadline=None)
@given(reqs=tightened(), year=st.integers(2019, 2100), theme_day=st.integers(1, 31), has_committee=st.booleans())
def test_it_meets_any_cadence_a_profile_states(reqs, year, theme_day, has_committee):
    items = generate_items(reqs, year, theme_day, has_committee)
    assert_well_formed(items, year)
    assert_cadence(items, reqs, year, has_committee)


def test_it_combines_the_quarterly_assembly_and_lecture_with_the_quarters_first_theme_day():
    items = generate_items(national(2026), 2026, 15, has_committee=False)
    combined = [i for i in items if set(i.kinds) == {"theme_day", "assembly", "party_lecture"}]
    assert [i.planned_on for i in combined] == [dt.date(2026, m, 15) for m in (1, 4, 7, 10)]
    assert combined[0].kinds == ("theme_day", "assembly", "party_lecture")
    assert combined[0].topic == "1月主题党日暨支部党员大会、党课"
    assert [i.topic for i in items if i.kinds == ("theme_day",)][0] == "2月主题党日"
    assert len(items) == 13  # 12 theme days + 组织生活会, no 支委会 without a committee


def test_it_plans_the_org_life_meeting_in_december():
    items = generate_items(national(2026), 2026, 15)
    org_life = [i for i in items if "org_life_meeting" in i.kinds]
    assert [(i.planned_on, i.topic) for i in org_life] == [(dt.date(2026, 12, 15), "2026年度组织生活会")]


def test_it_clamps_the_fixed_day_to_the_months_end():
    items = generate_items(national(2028), 2028, 31)
    theme = {i.planned_on for i in items if "theme_day" in i.kinds}
    assert {dt.date(2028, 2, 29), dt.date(2028, 4, 30), dt.date(2028, 1, 31)} <= theme


def test_it_keeps_the_committee_meeting_inside_its_month():
    items = generate_items(national(2026), 2026, 3, has_committee=True)
    committee = [i.planned_on for i in items if "committee_meeting" in i.kinds]
    assert committee[0] == dt.date(2026, 1, 1)
    assert generate_items(national(2026), 2026, 15, has_committee=True)[0].planned_on == dt.date(2026, 1, 8)


def test_it_follows_a_profile_that_tightens_the_lecture_to_monthly():
    monthly = apply_profile(NATIONAL, {"profile": "t", "overrides": {"meeting.party_lecture": {"every": "month"}}}, "t")
    items = generate_items(requirements(monthly, "branch", dt.date(2026, 1, 1)), 2026, 10)
    lectures = [i for i in items if "party_lecture" in i.kinds]
    assert len(lectures) == 12
    assert all("theme_day" in i.kinds for i in lectures)


def test_it_places_two_a_month_on_separate_days():
    twice = apply_profile(NATIONAL, {"profile": "t", "overrides": {"meeting.theme_day": {"min": 2}}}, "t")
    items = generate_items(requirements(twice, "branch", dt.date(2026, 1, 1)), 2026, 15)
    january = sorted(i.planned_on for i in items if "theme_day" in i.kinds and i.planned_on.month == 1)
    assert january == [dt.date(2026, 1, 8), dt.date(2026, 1, 15)]


def test_it_refuses_a_day_outside_the_month():
    with pytest.raises(ValueError):
        generate_items(national(2026), 2026, 0)


@settings(max_examples=50, deadline=None)
@given(year=st.integers(2019, 2100), theme_day=st.integers(1, 31), has_committee=st.booleans())
def test_a_generated_plan_has_no_gaps(year, theme_day, has_committee):
    reqs = national(year)
    assert plan_gaps(reqs, generate_items(reqs, year, theme_day, has_committee), year, has_committee) == []


def test_it_names_each_gap():
    reqs = national(2026)
    items = [i for i in generate_items(reqs, 2026, 15) if i.planned_on.month not in (3, 4)]
    assert plan_gaps(reqs, items, 2026) == [
        "2026-Q2：计划安排支部党员大会 0 次，按规定每季度至少 1 次。",
        "2026-Q2：计划安排党课 0 次，按规定每季度至少 1 次。",
        "2026-03：计划安排主题党日 0 次，按规定每月至少 1 次。",
        "2026-04：计划安排主题党日 0 次，按规定每月至少 1 次。",
    ]


@settings(max_examples=150, deadline=None)
@given(reqs=tightened(), year=st.integers(2019, 2100), theme_day=st.integers(1, 31), has_committee=st.booleans(),
       day_of_year=st.integers(0, 364))
def test_a_branch_set_up_during_the_year_is_planned_from_its_founding(reqs, year, theme_day, has_committee, day_of_year):
    start = dt.date(year, 1, 1) + dt.timedelta(days=day_of_year)
    items = generate_items(reqs, year, theme_day, has_committee, start=start)
    assert_well_formed(items, year)
    assert all(i.planned_on >= start for i in items)
    for req in reqs:
        if req.needs_committee and not has_committee:
            continue
        for period in periods_of_year(year, req.every):
            days_left = (period.end - max(period.start, start)).days + 1
            if days_left >= req.min:  # (two a month cannot fit in the last day of the month)
                assert sum(1 for i in items if req.kind in i.kinds and i.planned_on in period) >= req.min
    national_reqs = national(year)
    national_items = generate_items(national_reqs, year, theme_day, has_committee, start=start)
    assert plan_gaps(national_reqs, national_items, year, has_committee, start=start) == []


def test_a_branch_founded_on_20_february_gets_its_first_quarter_on_that_day():
    items = generate_items(national(2026), 2026, 15, start=dt.date(2026, 2, 20))
    assert items[0] == generate_items(national(2026), 2026, 20)[0].__class__(
        dt.date(2026, 2, 20), ("theme_day", "assembly", "party_lecture"), "2月主题党日暨支部党员大会、党课")
    assert items[1].planned_on == dt.date(2026, 3, 15)
