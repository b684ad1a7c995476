"""The dues table against RULES §3 (中组发〔2008〕3号 Art. 2, 3, 4, 5, 6): every category and every
bracket boundary ±0.01, rounding, and properties over the whole input space."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.dues import rules
from orglife.rules.loader import RuleError

D = Decimal

# (category, base, expected monthly, rule id) — straight from the rule book's table.
TABLE = [
    # salaried, Art. 2: ≤3000 0.5%; >3000–≤5000 1%; >5000–≤10000 1.5%; >10000 2%; whole amount
    ("salaried", "0.00", "0.00", "dues.salaried"),
    ("salaried", "0.01", "0.00", "dues.salaried"),
    ("salaried", "2999.99", "15.00", "dues.salaried"),
    ("salaried", "3000.00", "15.00", "dues.salaried"),
    ("salaried", "3000.01", "30.00", "dues.salaried"),
    ("salaried", "4999.99", "50.00", "dues.salaried"),
    ("salaried", "5000.00", "50.00", "dues.salaried"),
    ("salaried", "5000.01", "75.00", "dues.salaried"),
    ("salaried", "9999.99", "150.00", "dues.salaried"),
    ("salaried", "10000.00", "150.00", "dues.salaried"),
    ("salaried", "10000.01", "200.00", "dues.salaried"),
    ("salaried", "25000.00", "500.00", "dues.salaried"),
    # annual salary (Art. 3) and self-employed (Art. 4) use the Art. 2 rates
    ("annual_salary", "2999.99", "15.00", "dues.annual_salary"),
    ("annual_salary", "3000.00", "15.00", "dues.annual_salary"),
    ("annual_salary", "3000.01", "30.00", "dues.annual_salary"),
    ("annual_salary", "4999.99", "50.00", "dues.annual_salary"),
    ("annual_salary", "5000.00", "50.00", "dues.annual_salary"),
    ("annual_salary", "5000.01", "75.00", "dues.annual_salary"),
    ("annual_salary", "9999.99", "150.00", "dues.annual_salary"),
    ("annual_salary", "10000.00", "150.00", "dues.annual_salary"),
    ("annual_salary", "10000.01", "200.00", "dues.annual_salary"),
    ("self_employed", "2999.99", "15.00", "dues.self_employed"),
    ("self_employed", "3000.00", "15.00", "dues.self_employed"),
    ("self_employed", "3000.01", "30.00", "dues.self_employed"),
    ("self_employed", "4999.99", "50.00", "dues.self_employed"),
    ("self_employed", "5000.00", "50.00", "dues.self_employed"),
    ("self_employed", "5000.01", "75.00", "dues.self_employed"),
    ("self_employed", "9999.99", "150.00", "dues.self_employed"),
    ("self_employed", "10000.00", "150.00", "dues.self_employed"),
    ("self_employed", "10000.01", "200.00", "dues.self_employed"),
    # retired, Art. 5: ≤5000 0.5%; >5000 1%
    ("retired", "4999.99", "25.00", "dues.retired"),
    ("retired", "5000.00", "25.00", "dues.retired"),
    ("retired", "5000.01", "50.00", "dues.retired"),
    ("retired", "3000.01", "15.00", "dues.retired"),
    # flat amounts, Art. 6
    ("student", None, "0.20", "dues.student"),
    ("unemployed", None, "0.20", "dues.unemployed"),
    ("relief", None, "0.20", "dues.relief"),
    ("dibao", None, "0.20", "dues.dibao"),
    ("farmer", None, "0.20", "dues.farmer"),
]


@pytest.mark.parametrize(("category", "base", "monthly", "rule"), TABLE)
def test_it_matches_the_rule_book(category, base, monthly, rule):
    q = rules.quote(category, base)
    assert (q.monthly, q.rule) == (D(monthly), rule)
    assert q.monthly.as_tuple().exponent == -2


def test_every_category_has_a_rule_and_a_row():
    assert {row[0] for row in TABLE} == set(rules.CATEGORIES)
    for code in rules.CATEGORIES:
        assert rules.library().rule(f"dues.{code}").conf == "V"


@pytest.mark.parametrize(("amount", "ok"), [("0.19", False), ("0.20", True), ("0.50", True), ("1.00", True), ("1.01", False)])
def test_farmer_amount_is_chosen_within_the_range(amount, ok):
    if ok:
        assert rules.quote("farmer", amount=amount).monthly == D(amount)
    else:
        with pytest.raises(rules.QuoteError) as exc:
            rules.quote("farmer", amount=amount)
        assert exc.value.field == "amount" and "0.20元至1.00元" in exc.value.message


@pytest.mark.parametrize(("category", "base", "field", "text"), [
    ("teacher", "100", "category", "党费类别"),
    ("salaried", None, "base", "请填写每月税后固定工资收入"),
    ("salaried", "", "base", "请填写"),
    ("salaried", "abc", "base", "不是有效的金额"),
    ("salaried", "-1", "base", "不能为负数"),
    ("salaried", "100.001", "base", "两位小数"),
    ("salaried", "NaN", "base", "不是有效的金额"),
    ("salaried", "Infinity", "base", "不是有效的金额"),
    ("retired", "1e12", "base", "过大"),
])
def test_bad_input_gets_a_chinese_error(category, base, field, text):
    with pytest.raises(rules.QuoteError) as exc:
        rules.quote(category, base)
    assert exc.value.field == field and text in exc.value.message


def test_money_text_is_cleaned():
    assert rules.quote("salaried", "3,000.00元").monthly == D("15.00")


def test_rounding_is_half_up_to_the_fen_by_default():
    assert rules.quote("salaried", "1001.00").monthly == D("5.01")  # 5.005 → 5.01
    assert rules.quote("salaried", "1000.99").monthly == D("5.00")  # 5.00495 → 5.00
    assert rules.quote("salaried", "5333.33").monthly == D("80.00")  # 79.99995 → 80.00


def test_a_profile_may_round_to_the_jiao():
    step = rules.rounding_step({"dues_rounding": "0.1"})
    assert step == D("0.1")
    assert rules.quote("salaried", "1001.00", step=step).monthly == D("5.00")
    assert rules.quote("salaried", "1010.00", step=step).monthly == D("5.10")  # 5.05 → 5.1
    assert rules.quote("student", step=step).monthly == D("0.20")
    assert rules.rounding_step(None) == D("0.01")
    with pytest.raises(RuleError):
        rules.rounding_step({"dues_rounding": "1"})


def test_self_employed_base_is_the_previous_quarter_average():
    assert rules.self_employed_base(["3000", "3000", "3000.02"]) == D("3000.01")
    assert rules.quote("self_employed", rules.self_employed_base(["2000", "3000", "4000"])).monthly == D("15.00")
    with pytest.raises(rules.QuoteError):
        rules.self_employed_base(["1", "2"])


money = st.decimals(min_value=0, max_value=D("99999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(a=money, b=money, category=st.sampled_from(rules.BRACKET_CATEGORIES))
def test_more_pay_never_means_less_dues(a, b, category):
    low, high = sorted((a, b))
    assert rules.quote(category, low).monthly <= rules.quote(category, high).monthly


@given(base=money, category=st.sampled_from(rules.BRACKET_CATEGORIES), step=st.sampled_from(["0.01", "0.1"]))
def test_rounding_is_within_half_a_step_of_the_exact_amount(base, category, step):
    s = D(step)
    q = rules.quote(category, base, step=s)
    exact = base * rules.rate_for(f"dues.{category}", base)
    assert abs(q.monthly - exact) <= s / 2 + D("0.005")
    assert q.monthly == q.monthly.quantize(s)
    assert q.rate in {b.rate for b in rules.brackets(f"dues.{category}")}


@given(base=money)
def test_the_rate_is_the_whole_amount_rate_of_the_bracket(base):
    rate = rules.rate_for("dues.salaried", base)
    expected = D("0.005") if base <= 3000 else D("0.01") if base <= 5000 else D("0.015") if base <= 10000 else D("0.02")
    assert rate == expected


def test_months_helpers():
    assert rules.add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
    assert rules.add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert rules.months_between(dt.date(2026, 11, 1), dt.date(2027, 1, 1)) == [
        dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)]


@pytest.mark.parametrize(("month", "prepay", "problem"), [
    (dt.date(2026, 5, 1), False, None),          # six months back: allowed
    (dt.date(2026, 4, 1), False, "补交党费一般不超过6个月"),
    (dt.date(2026, 11, 1), False, None),
    (dt.date(2026, 12, 1), False, "按季度预交须经党支部同意"),
    (dt.date(2027, 2, 1), True, None),
    (dt.date(2027, 3, 1), True, "超出可预交范围"),
])
def test_payable_months(month, prepay, problem):
    found = rules.month_problem(month, dt.date(2026, 11, 30), prepay=prepay)
    assert (found is None) if problem is None else (problem in found)


def test_thresholds_come_from_the_rule_file():
    assert rules.backpay_limit() == 6 and rules.lapse_months() == 6 and rules.reminder_months() == 3
    assert rules.to_centre_threshold() == D("1000.00")
    assert rules.library().rule("dues.reminder_months").conf == "L"
