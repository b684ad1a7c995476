"""Campaign score math (campaign_scoring): properties over random checklists and answers."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.inspection import campaign_scoring as scoring

weights = st.lists(st.integers(1, 100), min_size=1, max_size=30)
answer = st.sampled_from([None, True, False])


@st.composite
def target(draw, n=None):
    w = draw(weights) if n is None else draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    a = draw(st.lists(answer, min_size=len(w), max_size=len(w)))
    return w, a


@given(target())
def test_the_score_is_the_weighted_share_of_no_problem_answers(t):
    w, a = t
    tally = scoring.target_tally(w, a)
    expected = Fraction(sum(wi for wi, ai in zip(w, a, strict=True) if ai is False), sum(w))
    assert tally.score == expected and 0 <= tally.score <= 1
    assert tally.answered == sum(ai is not None for ai in a) and tally.problems == a.count(True)
    assert tally.progress == Fraction(tally.answered, len(w))


@given(target())
def test_an_unanswered_item_counts_like_a_problem_for_the_score_but_not_for_progress(t):
    w, a = t
    as_problem = scoring.target_tally(w, [True if x is None else x for x in a])
    tally = scoring.target_tally(w, a)
    assert tally.score == as_problem.score
    assert tally.progress <= as_problem.progress == 1


@given(target(), st.data())
def test_turning_an_answer_into_no_problem_never_lowers_the_score(t, data):
    w, a = t
    i = data.draw(st.integers(0, len(w) - 1))
    better = list(a)
    better[i] = False
    assert scoring.target_tally(w, better).score >= scoring.target_tally(w, a).score


@given(target(), st.integers(2, 50))
def test_scaling_all_weights_keeps_the_score(t, k):
    w, a = t
    assert scoring.target_tally([wi * k for wi in w], a).score == scoring.target_tally(w, a).score


@given(st.lists(answer, min_size=1, max_size=30))
def test_equal_weights_score_the_share_of_items(a):
    assert scoring.target_tally([3] * len(a), a).score == Fraction(a.count(False), len(a))


@given(st.lists(target(), min_size=1, max_size=10))
def test_a_roll_up_is_the_mean_of_its_targets_weighted_by_what_they_owe(targets):
    tallies = [scoring.target_tally(w, a) for w, a in targets]
    total = scoring.roll_up(tallies)
    expected = sum(t.score * t.max_points for t in tallies) / sum(t.max_points for t in tallies)
    assert total.score == expected
    assert min(t.score for t in tallies) <= total.score <= max(t.score for t in tallies)
    assert total.answered == sum(t.answered for t in tallies) and total.problems == sum(t.problems for t in tallies)


@given(st.integers(1, 20), st.data())
def test_with_the_same_checklist_the_campaign_score_is_the_plain_mean(n, data):
    w = data.draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    answers = data.draw(st.lists(st.lists(answer, min_size=n, max_size=n), min_size=1, max_size=8))
    tallies = [scoring.target_tally(w, a) for a in answers]
    assert scoring.roll_up(tallies).score == sum(t.score for t in tallies) / len(tallies)


@given(st.lists(target(), min_size=1, max_size=8), st.randoms())
def test_a_roll_up_does_not_depend_on_order_or_grouping(targets, rnd):
    tallies = [scoring.target_tally(w, a) for w, a in targets]
    shuffled = list(tallies)
    rnd.shuffle(shuffled)
    cut = rnd.randint(0, len(shuffled))
    grouped = scoring.roll_up([scoring.roll_up(shuffled[:cut]), scoring.roll_up(shuffled[cut:])])
    assert grouped == scoring.roll_up(tallies)


@given(target(), st.integers(0, 30))
def test_from_counts_equals_the_item_by_item_tally(t, members):
    w, a = t
    one = scoring.target_tally(w, a)
    counted = scoring.from_counts(answered=one.answered * members, problems=one.problems * members,
                                  clean_points=one.points * members, items=len(w), item_points=sum(w),
                                  targets=members)
    assert counted == scoring.roll_up([one] * members)


def test_nothing_owed_has_no_score():
    empty = scoring.from_counts(answered=0, problems=0, clean_points=0, items=5, item_points=9, targets=0)
    assert empty.score is None and empty.score_percent is None and empty.progress is None


def test_percent_rounds_to_one_decimal():
    assert scoring.target_tally([1, 2], [False, None]).score_percent == 33.3
    assert scoring.target_tally([1, 1], [False, False]).score_percent == 100.0


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        scoring.target_tally([1, 2], [False])
    with pytest.raises(ValueError):
        scoring.target_tally([0], [False])


def test_the_commonest_problems_come_first():
    counts = [scoring.ItemCount("a", 4, 1), scoring.ItemCount("b", 2, 2), scoring.ItemCount("c", 4, 2),
              scoring.ItemCount("d", 0, 0), scoring.ItemCount("e", 3, 0)]
    assert [c.item for c in scoring.commonest(counts)] == ["b", "c", "a", "d", "e"]
    assert counts[1].rate_percent == 100.0 and counts[3].rate is None
