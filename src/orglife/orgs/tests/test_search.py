"""Roster search keys: pinyin initials and the reversed ID number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.orgs.search import classify, initials, reverse_id


def test_it_makes_initials_of_a_two_character_name():
    assert initials("张三") == "zs"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("李四", "ls"),
        ("王小明", "wxm"),
        ("欧阳修", "oyx"),
        ("诸葛亮", "zgl"),
        ("司马相如", "smxr"),
        ("赵六", "zl"),
    ],
)
def test_it_makes_initials_of_longer_and_compound_surname_names(name, expected):
    assert initials(name) == expected


def test_initials_are_lower_case_and_skip_non_chinese():
    assert initials("张三·") == "zs"
    assert initials("") == ""


def test_initials_are_capped_at_forty_letters():
    assert len(initials("张" * 60)) == 40


@pytest.mark.parametrize("query", ["zs", "ZS", " Zs "])
def test_it_classifies_letters_as_initials(query):
    assert classify(query) == ("initials", "zs")


@pytest.mark.parametrize("query", ["1234", " 1234 ", "0014"])
def test_it_classifies_digits_as_an_id_tail(query):
    assert classify(query) == ("id_tail", query.strip())


def test_it_upper_cases_the_x_of_an_id_tail():
    assert classify("123x") == ("id_tail", "123X")
    assert classify("11010519491231002x") == ("id_tail", "11010519491231002X")


def test_an_x_only_in_the_last_place_makes_an_id_tail():
    assert classify("12x3")[0] == "name"


def test_too_long_a_number_is_not_an_id_tail():
    assert classify("1101051949123100200")[0] == "name"


@pytest.mark.parametrize("query", ["张三", "张", "张3", "王 小明"])
def test_it_classifies_chinese_as_a_name(query):
    kind, value = classify(query)
    assert kind == "name"
    assert value == query.strip()


def test_it_reverses_the_id_number():
    assert reverse_id("11010519491231002X") == "X20013219491501011"


def test_the_reversed_id_starts_with_the_reversed_tail():
    number = "11010519491231002X"
    _, tail = classify("002x")
    assert reverse_id(number).startswith(reverse_id(tail))


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_reversing_twice_is_the_identity(number):
    assert reverse_id(reverse_id(number)) == number
    assert reverse_id(number)[0] == number[-1]


@given(st.text(alphabet="0123456789", min_size=1, max_size=17), st.sampled_from(["", "x", "X"]))
def test_any_digit_run_with_optional_check_char_is_an_id_tail(digits, check):
    assert classify(digits + check) == ("id_tail", (digits + check).upper())


def test_surnames_are_read_as_surnames():
    assert initials("曾国藩") == "zgf"
    assert initials("单田芳") == "stf"
    assert initials("覃霞") == "qx"
