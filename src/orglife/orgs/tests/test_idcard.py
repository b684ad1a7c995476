"""GB 11643-1999 resident identity numbers: checksum, normalisation, derived birth date and gender."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from orglife.orgs import idcard
from orglife.orgs.idcard import IdNumberError, check_char, make_id, validate_id

# Published example numbers (GB 11643 worked examples and widely used test numbers).
KNOWN_VALID = ["11010519491231002X", "440524188001010014", "110101199003074477"]

regions = st.integers(min_value=110000, max_value=659999).map(lambda n: f"{n:06d}")
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


def test_it_uses_the_iso_7064_weights():
    assert idcard.WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_it_accepts_known_valid_numbers(number):
    assert validate_id(number) == number


def test_it_computes_the_check_character_of_a_known_number():
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"


@given(regions, births, sequences)
def test_it_validates_every_generated_number(region, born, sequence):
    number = make_id(region, born, sequence)
    assert len(number) == 18
    assert validate_id(number) == number
    assert idcard.birth_date(number) == born
    assert idcard.gender(number) == ("male" if sequence % 2 else "female")


@given(
    regions,
    births,
    sequences,
    st.integers(min_value=0, max_value=16),
    st.integers(min_value=1, max_value=9),
)
def test_it_rejects_any_single_digit_change(region, born, sequence, position, delta):
    number = make_id(region, born, sequence)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    assume(
        check_char(changed[:17]) != changed[17]
    )  # the brief's escape hatch; never true for MOD 11-2
    with pytest.raises(IdNumberError) as exc:
        validate_id(changed)
    try:
        idcard.birth_date(changed)
    except ValueError:
        assert str(exc.value) == "公民身份号码中的出生日期无效"
    else:
        assert str(exc.value) == "公民身份号码校验位错误，请核对号码"


@given(
    regions,
    births,
    sequences,
    st.integers(min_value=0, max_value=16),
    st.integers(min_value=1, max_value=9),
)
def test_it_never_maps_a_single_digit_change_to_the_same_check_character(
    region, born, sequence, position, delta
):
    # MOD 11-2 detects every single-digit error: 11 is prime and no weight is 0 mod 11.
    first17 = make_id(region, born, sequence)[:17]
    digits = list(first17)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert check_char("".join(digits)) != check_char(first17)


@given(regions, births, sequences)
def test_it_rejects_a_wrong_check_character(region, born, sequence):
    number = make_id(region, born, sequence)
    for wrong in "0123456789X":
        if wrong != number[17]:
            with pytest.raises(IdNumberError, match="校验位错误"):
                validate_id(number[:17] + wrong)


def test_it_accepts_lower_case_x_and_upper_cases_it():
    assert validate_id("11010519491231002x") == "11010519491231002X"
    assert idcard.normalize_id("11010519491231002x") == "11010519491231002X"


def test_it_normalises_full_width_digits_and_inner_spaces():
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert validate_id(full_width) == "11010519491231002X"
    assert validate_id(" 110105 19491231 002x ") == "11010519491231002X"
    assert validate_id("110105\u300019491231\t002X") == "11010519491231002X"


def test_it_accepts_an_integer_cell():
    assert validate_id(440524188001010014) == "440524188001010014"


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_it_refuses_an_empty_number(value):
    with pytest.raises(IdNumberError, match="^公民身份号码不能为空$"):
        validate_id(value)


@pytest.mark.parametrize(
    ("value", "length"),
    [("1101051949123100", 16), ("11010519491231002", 17), ("11010519491231002X1", 19)],
)
def test_it_refuses_a_wrong_length(value, length):
    with pytest.raises(IdNumberError) as exc:
        validate_id(value)
    assert str(exc.value) == f"公民身份号码应为18位，实际为{length}位"


@pytest.mark.parametrize(
    "value",
    ["1101051949123100XX", "A10105194912310024", "11010519491231002Y", "110105-94912310024"],
)
def test_it_refuses_letters_in_the_wrong_place(value):
    with pytest.raises(IdNumberError) as exc:
        validate_id(value)
    assert str(exc.value) == "公民身份号码前17位应为数字，最后一位为数字或X"


@pytest.mark.parametrize(
    "birth", ["19990230", "19991301", "19990001", "19990100", "19000229", "20230229"]
)
def test_it_refuses_an_impossible_birth_date(birth):
    first17 = f"110101{birth}001"
    number = first17 + check_char(first17)  # a correct checksum: only the date is wrong
    with pytest.raises(IdNumberError) as exc:
        validate_id(number)
    assert str(exc.value) == "公民身份号码中的出生日期无效"


def test_it_accepts_a_leap_day_birth():
    number = make_id("110101", dt.date(2000, 2, 29), 1)
    assert idcard.birth_date(validate_id(number)) == dt.date(2000, 2, 29)


def test_it_derives_gender_from_the_17th_digit():
    assert idcard.gender("11010519491231002X") == "female"  # 002: even
    assert idcard.gender("440524188001010014") == "male"  # 001: odd
    assert idcard.gender(make_id("110101", dt.date(1990, 1, 1), 10)) == "female"
    assert idcard.gender(make_id("110101", dt.date(1990, 1, 1), 999)) == "male"


def test_it_derives_the_birth_date():
    assert idcard.birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert idcard.birth_date("440524188001010014") == dt.date(1880, 1, 1)


def test_make_id_pads_the_sequence():
    number = make_id("110101", dt.date(1990, 5, 17), 7)
    assert number[:17] == "11010119900517007"
