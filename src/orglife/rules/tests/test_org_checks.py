"""Pure checks of an organization against RULES §1.1 (sizes), §1.3 (rights) and §1.4 (terms)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.rules import org_checks
from orglife.rules.loader import get_profile
from orglife.rules.org_checks import (
    add_months,
    default_term_end,
    size_findings,
    term_findings,
    voting_rights,
)

NATIONAL = get_profile("national")
STRICT = get_profile("strict")
ON = dt.date(2026, 11, 30)
MIN_FULL = "org.branch.min_full_members"
MAX = "org.branch.typical_max_members"
COMMITTEE = "org.branch.committee_required_full_members"


def ids(findings) -> list[str]:
    return [f.rule_id for f in findings]


def sizes(kind="branch", full=5, total=None, committee=False, profile=NATIONAL, on=ON):
    return size_findings(
        profile,
        kind=kind,
        full_members=full,
        total_members=full if total is None else total,
        has_committee=committee,
        on=on,
    )


# ---------------------------------------------------------------- size (RULES §1.1)


def test_a_normal_branch_has_no_findings():
    assert sizes(full=5, total=6) == []


def test_a_branch_with_two_full_members_is_warned():
    findings = sizes(full=2, total=4)  # probationary members do not count
    assert ids(findings) == [MIN_FULL]
    assert findings[0].level == "warning"
    assert "正式党员仅 2 人" in findings[0].message and "少于 3 人" in findings[0].message


def test_three_full_members_are_enough():
    assert sizes(full=3, total=3) == []


def test_a_branch_of_51_members_is_warned():
    findings = sizes(full=6, total=51, committee=False)
    assert ids(findings) == [MAX]
    assert findings[0].level == "warning"
    assert "51 人" in findings[0].message and "50" in findings[0].message


def test_fifty_members_are_not_too_many():
    assert MAX not in ids(sizes(full=40, total=50, committee=True))


def test_seven_full_members_without_a_committee_are_warned():
    findings = sizes(full=7, total=7, committee=False)
    assert ids(findings) == [COMMITTEE]
    assert findings[0].level == "warning"
    assert "应当设立支部委员会" in findings[0].message


def test_seven_full_members_with_a_committee_are_fine():
    assert sizes(full=7, total=7, committee=True) == []


def test_six_full_members_need_no_committee():
    assert sizes(full=6, total=10, committee=False) == []


def test_a_joint_branch_is_checked_for_size_and_committee():
    assert ids(sizes(kind="joint_branch", full=8, total=60)) == [MAX, COMMITTEE]


def test_the_minimum_applies_only_to_branches():
    # national.yaml: min_full_members applies_to [branch]; a joint branch exists because units are small.
    assert sizes(kind="joint_branch", full=2, total=2) == []


@pytest.mark.parametrize("kind", ["committee", "general_branch", "party_group", "leading_group"])
def test_non_branch_kinds_get_nothing(kind):
    assert sizes(kind=kind, full=1, total=200, committee=False) == []
    assert sizes(kind=kind, full=20, total=20, committee=False) == []


def test_rules_not_yet_in_force_are_not_applied():
    before = dt.date(2018, 10, 27)
    assert sizes(full=2, total=60, on=before) == []
    assert ids(sizes(full=2, total=60, on=dt.date(2018, 10, 28))) == [MIN_FULL, MAX]


def test_the_strict_profile_uses_its_thresholds():
    assert ids(sizes(full=5, total=5, profile=STRICT)) == [COMMITTEE]
    assert ids(sizes(full=5, total=41, committee=True, profile=STRICT)) == [MAX]
    assert sizes(full=5, total=41, committee=True, profile=NATIONAL) == []


@given(
    kind=st.sampled_from(["branch", "joint_branch", "committee", "general_branch", "party_group"]),
    full=st.integers(min_value=0, max_value=120),
    probationary=st.integers(min_value=0, max_value=40),
    has_committee=st.booleans(),
    profile=st.sampled_from([NATIONAL, STRICT]),
)
def test_findings_are_exactly_those_the_thresholds_determine(
    kind, full, probationary, has_committee, profile
):
    total = full + probationary
    findings = sizes(kind=kind, full=full, total=total, committee=has_committee, profile=profile)
    expected = set()
    if kind in ("branch", "joint_branch"):
        if kind == "branch" and full < profile.value(MIN_FULL):
            expected.add(MIN_FULL)
        if total > profile.value(MAX):
            expected.add(MAX)
        if full >= profile.value(COMMITTEE) and not has_committee:
            expected.add(COMMITTEE)
    assert set(ids(findings)) == expected
    assert len(findings) == len(expected)
    assert all(f.level == "warning" for f in findings)
    assert all(f.message for f in findings)


# ---------------------------------------------------------------- terms (RULES §1.4)

TERM_END = dt.date(2026, 12, 31)


def test_no_term_end_means_no_finding():
    assert term_findings(NATIONAL, term_end=None, on=ON) == []


def test_nothing_is_said_more_than_three_months_ahead():
    assert term_findings(NATIONAL, term_end=TERM_END, on=dt.date(2026, 9, 29)) == []


@pytest.mark.parametrize("on", [dt.date(2026, 9, 30), dt.date(2026, 11, 15), TERM_END])
def test_it_warns_from_three_months_before_expiry(on):
    findings = term_findings(NATIONAL, term_end=TERM_END, on=on)
    assert [(f.rule_id, f.level) for f in findings] == [("org.term_years", "warning")]
    assert "2026年12月31日" in findings[0].message and "届满" in findings[0].message


@pytest.mark.parametrize("on", [dt.date(2027, 1, 1), dt.date(2030, 6, 1)])
def test_it_reports_an_error_after_expiry(on):
    findings = term_findings(NATIONAL, term_end=TERM_END, on=on)
    assert [(f.rule_id, f.level) for f in findings] == [("org.term_years", "error")]
    assert "已于 2026年12月31日 届满" in findings[0].message


def test_the_strict_profile_warns_six_months_ahead():
    assert term_findings(NATIONAL, term_end=TERM_END, on=dt.date(2026, 7, 1)) == []
    assert [f.level for f in term_findings(STRICT, term_end=TERM_END, on=dt.date(2026, 6, 30))] == [
        "warning"
    ]
    assert term_findings(STRICT, term_end=TERM_END, on=dt.date(2026, 6, 29)) == []


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 12, 31)),
    st.integers(min_value=-2000, max_value=2000),
)
def test_term_findings_split_time_into_three_phases(term_end, offset):
    on = term_end + dt.timedelta(days=offset)
    levels = [f.level for f in term_findings(NATIONAL, term_end=term_end, on=on)]
    if on > term_end:
        assert levels == ["error"]
    elif on >= add_months(term_end, -3):
        assert levels == ["warning"]
    else:
        assert levels == []


# ---------------------------------------------------------------- calendar months (RULES §2.3)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 31), -3, dt.date(2026, 9, 30)),
        (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 15)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2026, 5, 17), 0, dt.date(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(min_value=-600, max_value=600),
)
def test_add_months_moves_whole_calendar_months(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


# ---------------------------------------------------------------- default term lengths


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("branch", dt.date(2029, 1, 15)),
        ("joint_branch", dt.date(2029, 1, 15)),
        ("general_branch", dt.date(2029, 1, 15)),
        ("committee", dt.date(2031, 1, 15)),
        ("party_group", None),
        ("leading_group", None),
    ],
)
def test_default_term_end_per_kind(kind, expected):
    assert default_term_end(NATIONAL, kind, dt.date(2026, 1, 15)) == expected


def test_default_term_end_from_a_leap_day():
    assert default_term_end(NATIONAL, "branch", dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


def test_term_length_years():
    assert org_checks.term_length_years(NATIONAL, "branch") == 3
    assert org_checks.term_length_years(NATIONAL, "committee") == 5
    assert org_checks.term_length_years(NATIONAL, "party_group") is None


# ---------------------------------------------------------------- voting rights (RULES §1.3)


def test_full_members_vote_elect_and_stand():
    assert sorted(voting_rights(NATIONAL, "full")) == ["be_elected", "elect", "vote"]


def test_probationary_members_have_none_of_the_three():
    assert voting_rights(NATIONAL, "probationary") == []


def test_an_unknown_category_has_no_rights():
    assert voting_rights(NATIONAL, "applicant") == []


def test_voting_rights_returns_a_copy():
    rights = voting_rights(NATIONAL, "full")
    rights.append("veto")
    assert "veto" not in voting_rights(NATIONAL, "full")
