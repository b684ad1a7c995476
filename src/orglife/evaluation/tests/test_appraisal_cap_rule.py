"""The 优秀 cap (RULES §4 item 3, rule appraisal.excellent_one_in): at most 1/3 of the members
graded, rounded down; members not graded do not count; 不合格 has no quota. Pure, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.evaluation.appraisal_models import Grade, MemberEvaluation, Participant
from orglife.evaluation.appraisal_services import _check_cap
from orglife.orgs.services import ServiceError
from orglife.rules.loader import get_profile

GRADES = st.sampled_from(["", *Grade.values])


@given(n=st.integers(0, 10_000), one_in=st.integers(1, 10))
def test_the_cap_is_the_largest_count_within_the_share(n, one_in):
    cap = MemberEvaluation(excellent_one_in=one_in).excellent_cap(n)
    assert cap * one_in <= n < (cap + 1) * one_in


@given(rows=st.lists(st.tuples(st.booleans(), GRADES), max_size=60))
def test_the_check_accepts_exactly_the_grades_within_the_cap(rows):
    ev = MemberEvaluation(excellent_one_in=3)
    people = [Participant(graded=graded, grade=grade if graded else "") for graded, grade in rows]
    graded = [p for p in people if p.graded]
    excellent = sum(p.grade == Grade.EXCELLENT for p in graded)
    if excellent * 3 <= len(graded):
        _check_cap(ev, people)  # any number of 不合格 is fine
    else:
        with pytest.raises(ServiceError):
            _check_cap(ev, people)


def test_the_national_library_says_one_in_three():
    rule = get_profile().rule("appraisal.excellent_one_in")
    assert rule.value == 3 and rule.conf == "S" and rule.tighten == "up"


def test_a_profile_may_make_the_cap_advice_only():
    ev = MemberEvaluation(excellent_one_in=3)
    people = [Participant(graded=True, grade=Grade.EXCELLENT) for _ in range(3)]
    with pytest.raises(ServiceError):
        _check_cap(ev, people)
    _check_cap(ev, people, "warn")  # the rule is tagged S: a profile may turn the refusal into a warning
    assert get_profile().options["appraisal_excellent_cap"] == "enforce"
