import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.inspection import rollup

measures = st.lists(st.tuples(st.integers(1, 20), st.booleans()), max_size=12)
dates = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
TODAY = dt.date(2026, 6, 30)


@given(measures)
def test_problem_progress_is_between_0_and_1_and_full_only_when_all_done(ms):
    p = rollup.problem_progress(ms)
    assert 0.0 <= p <= 1.0
    assert (p == 1.0) == (bool(ms) and all(done for _, done in ms))
    assert (p == 0.0) == (not any(done for _, done in ms))


@given(measures, st.integers(1, 9))
def test_scaling_every_weight_does_not_change_progress(ms, k):
    assert rollup.problem_progress(ms) == pytest.approx(rollup.problem_progress([(w * k, d) for w, d in ms]))


@given(measures)
def test_equal_weights_give_the_share_of_done_measures(ms):
    if ms:
        assert rollup.problem_progress([(1, d) for _, d in ms]) == pytest.approx(sum(d for _, d in ms) / len(ms))


def test_a_bad_weight_is_refused():
    with pytest.raises(ValueError):
        rollup.problem_progress([(0, True)])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_group_progress_lies_between_its_smallest_and_largest(ps):
    g = rollup.group_progress(ps)
    assert min(ps) - 1e-9 <= g <= max(ps) + 1e-9
    assert g == pytest.approx(rollup.group_progress([(p, 1.0) for p in ps]))


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.1, 10)), min_size=1, max_size=20))
def test_weighted_group_progress_lies_between_too(pairs):
    g = rollup.group_progress(pairs)
    assert min(p for p, _ in pairs) - 1e-9 <= g <= max(p for p, _ in pairs) + 1e-9


def test_an_empty_group_has_no_progress():
    assert rollup.group_progress([]) is None


facts = st.builds(
    rollup.ProblemFacts,
    signed_off_on=st.one_of(st.none(), dates),
    deadline=st.one_of(st.none(), dates),
    open_deadlines=st.lists(dates, max_size=3).map(tuple),
    reopened=st.booleans(),
)


@given(st.lists(facts, max_size=30))
def test_rates_are_shares_and_counts_are_consistent(problems):
    r = rollup.rates(problems, TODAY)
    assert r.total == len(problems)
    assert 0 <= r.on_time <= r.signed_off <= r.total and 0 <= r.overdue <= r.total - r.signed_off
    for rate in (r.on_time_rate, r.overdue_rate, r.reopened_rate):
        assert rate is None or 0.0 <= rate <= 1.0
    assert (r.on_time_rate is None) == (r.signed_off == 0)


@given(st.lists(facts, max_size=20), st.lists(facts, max_size=20))
def test_rates_add_up_over_disjoint_groups(a, b):
    ra, rb, rab = rollup.rates(a, TODAY), rollup.rates(b, TODAY), rollup.rates(a + b, TODAY)
    assert (rab.total, rab.signed_off, rab.on_time, rab.overdue, rab.reopened) == (
        ra.total + rb.total, ra.signed_off + rb.signed_off, ra.on_time + rb.on_time, ra.overdue + rb.overdue,
        ra.reopened + rb.reopened)


def test_the_definitions_on_examples():
    d = dt.date(2026, 5, 1)
    on_time = rollup.ProblemFacts(signed_off_on=d, deadline=d)
    late = rollup.ProblemFacts(signed_off_on=d + dt.timedelta(days=1), deadline=d, reopened=True)
    overdue = rollup.ProblemFacts(signed_off_on=None, deadline=d, open_deadlines=(d,))
    not_yet = rollup.ProblemFacts(signed_off_on=None, deadline=TODAY, open_deadlines=(TODAY,))
    r = rollup.rates([on_time, late, overdue, not_yet], TODAY)
    assert (r.signed_off, r.on_time, r.overdue, r.reopened) == (2, 1, 1, 1)
    assert rollup.percent(r.on_time_rate) == "50%" and rollup.percent(r.overdue_rate) == "25%"
    assert rollup.percent(None) == "—"
