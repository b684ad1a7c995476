from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orglife.study import grading


def test_it_grades_single_choice():
    assert grading.is_correct("single", [1], [1])
    assert not grading.is_correct("single", [1], [2])
    assert not grading.is_correct("single", [1], [1, 2])
    assert not grading.is_correct("single", [1], [])
    assert not grading.is_correct("single", [1], None)


def test_it_grades_multiple_choice_only_when_exactly_right():
    assert grading.is_correct("multiple", [0, 2, 3], [3, 0, 2])
    assert not grading.is_correct("multiple", [0, 2, 3], [0, 2])  # partial = wrong
    assert not grading.is_correct("multiple", [0, 2, 3], [0, 1, 2, 3])  # extra = wrong
    assert not grading.is_correct("multiple", [0, 2], [0, 0, 2])  # repeats are not a trick


@given(st.sets(st.integers(0, 5), min_size=2), st.sets(st.integers(0, 5)))
def test_multiple_choice_is_right_iff_same_set(key, response):
    assert grading.is_correct("multiple", sorted(key), sorted(response)) == (key == response)


def test_it_grades_true_false():
    assert grading.is_correct("judge", [True], [True])
    assert grading.is_correct("judge", [False], [False])
    assert not grading.is_correct("judge", [False], [True])
    assert not grading.is_correct("judge", [True], [1])  # a bool, not a truthy value


def test_fill_accepts_listed_variants():
    key = [["党章", "中国共产党章程"], ["民主集中制"]]
    assert grading.is_correct("fill", key, ["中国共产党章程", "民主集中制"])
    assert grading.is_correct("fill", key, ["党章", "民主集中制"])
    assert not grading.is_correct("fill", key, ["党纲", "民主集中制"])
    assert not grading.is_correct("fill", key, ["党章"])  # a blank missing
    assert not grading.is_correct("fill", key, ["党章", ""])


def test_fill_normalizes_width_and_surrounding_spaces():
    key = [["1921", "ABC"]]
    assert grading.is_correct("fill", key, ["　１９２１ "])  # full-width digits and an ideographic space
    assert grading.is_correct("fill", key, ["ＡＢＣ"])
    assert not grading.is_correct("fill", key, ["A B C"])  # inner spaces are kept
    assert grading.is_correct("fill", [["季度 "]], [" 季度"])


@given(st.text(min_size=1, max_size=20).filter(lambda s: grading.normalize(s)))
def test_fill_answer_equal_to_its_key_is_right(text):
    assert grading.is_correct("fill", [[text]], [text])
    assert grading.is_correct("fill", [[text]], ["  " + text + "\u3000"])


def test_score_and_pass():
    assert grading.score(7, 10) == Decimal("70.0")
    assert grading.score(2, 3) == Decimal("66.7")
    assert grading.score(0, 0) == Decimal("0.0")
    assert grading.passed(Decimal("60.0"), 60)
    assert not grading.passed(Decimal("59.9"), 60)


def test_blanks_counts_underscores_and_brackets():
    assert grading.blanks("党的根本组织原则是____。") == 1
    assert grading.blanks("（ ）和____") == 2
    assert grading.blanks("没有空") == 0
