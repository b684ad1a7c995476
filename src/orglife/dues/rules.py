"""The dues (党费) rules as pure functions over rules/dues.yaml (RULES §3). No database here.

``quote(category, base)`` answers "how much does this member pay a month, by which rule"; the
services, the import, the API and the SQL used by the subtree summaries all go through it.
Money is Decimal throughout; a float never enters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from orglife.rules.loader import RULES_DIR, Profile, RuleError, _read, parse_library

FEN = Decimal("0.01")
ROUNDING_CHOICES = {"0.01": "精确到分", "0.1": "精确到角"}
ROUNDING_OPTION = "dues_rounding"

# Category codes (API and database) and their Chinese names (GLOSSARY: 党费 = Dues).
CATEGORIES: dict[str, str] = {
    "salaried": "在职党员（按月工资）",
    "annual_salary": "实行年薪制",
    "self_employed": "无固定工资收入（上季度月平均纯收入）",
    "retired": "离退休党员",
    "farmer": "农民党员",
    "student": "学生党员",
    "unemployed": "下岗失业党员",
    "relief": "依靠抚恤或救济生活",
    "dibao": "领取最低生活保障金",
}
BRACKET_CATEGORIES = ("salaried", "annual_salary", "self_employed", "retired")
FLAT_CATEGORIES = ("student", "unemployed", "relief", "dibao")
BASE_LABELS = {
    "salaried": "每月税后固定工资收入",
    "annual_salary": "当月实际领取的薪酬",
    "self_employed": "上一季度月平均纯收入",
    "retired": "每月离退休费总额",
    "farmer": "每月交纳金额（0.2至1元）",
}
MAX_BASE = Decimal("100000000")


class QuoteError(ValueError):
    """A refused quote: the field (category, base, amount) and a Chinese message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Quote:
    monthly: Decimal
    rule: str
    rate: Decimal | None = None  # bracket categories only


@dataclass(frozen=True)
class Bracket:
    upto: Decimal | None
    rate: Decimal


@lru_cache(maxsize=1)
def library() -> Profile:
    try:
        return parse_library(_read(RULES_DIR / "dues.yaml"), "dues.yaml")
    except RuleError:
        raise
    except Exception as exc:  # a malformed file is a deployment error, say which file
        raise RuleError(f"dues.yaml: {exc}") from exc


def rule_value(rule_id: str) -> Any:
    return library().value(rule_id)


def rule_name(rule_id: str) -> str:
    return library().rule(rule_id).name


def brackets(rule_id: str) -> list[Bracket]:
    value = rule_value(rule_id)
    if "brackets_of" in value:
        value = rule_value(value["brackets_of"])
    return [Bracket(None if b["upto"] is None else Decimal(b["upto"]), Decimal(b["rate"])) for b in value["brackets"]]


def rate_for(rule_id: str, base: Decimal) -> Decimal:
    """Whole-amount rate of the bracket holding base (upper bounds inclusive)."""
    for bracket in brackets(rule_id):
        if bracket.upto is None or base <= bracket.upto:
            return bracket.rate
    raise RuleError(f"{rule_id}: 最高档缺少“以上”一档")


def rounding_step(profile: Profile | dict | None = None) -> Decimal:
    """The rounding step of a rule profile (its options.dues_rounding), else the library default."""
    options = profile.options if isinstance(profile, Profile) else (profile or {})
    value = str(options.get(ROUNDING_OPTION) or library().options.get(ROUNDING_OPTION, "0.01"))
    if value not in ROUNDING_CHOICES:
        raise RuleError(f"选项 {ROUNDING_OPTION} 应为 {'、'.join(ROUNDING_CHOICES)} 之一，实际为 {value!r}")
    return Decimal(value)


def round_amount(amount: Decimal, step: Decimal = FEN) -> Decimal:
    """Round half up (四舍五入) to the fen, then to the profile's step; always two decimals."""
    return amount.quantize(FEN, ROUND_HALF_UP).quantize(step, ROUND_HALF_UP).quantize(FEN)


def parse_money(value: Any, field: str = "base", label: str = "金额") -> Decimal:
    """A non-negative amount with at most two decimals, from text or Decimal (never float)."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "").replace("元", "") if value is not None else ""
    if not text:
        raise QuoteError(field, f"请填写{label}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise QuoteError(field, f"{label}“{value}”不是有效的金额") from None
    if not amount.is_finite():
        raise QuoteError(field, f"{label}“{value}”不是有效的金额")
    if amount < 0:
        raise QuoteError(field, f"{label}不能为负数")
    if amount >= MAX_BASE:
        raise QuoteError(field, f"{label}过大，请核对")
    if amount != amount.quantize(FEN):
        raise QuoteError(field, f"{label}最多保留两位小数（精确到分）")
    return amount.quantize(FEN)


def quote(category: str, base: Any = None, *, amount: Any = None, step: Decimal = FEN) -> Quote:
    """The monthly dues for a category.

    base: the monthly base for the bracket categories (salaried, annual_salary, self_employed,
    retired). amount (or base): the farmer's chosen amount within 0.2–1.0 (default the minimum).
    The flat categories ignore both.
    """
    if category not in CATEGORIES:
        raise QuoteError("category", f"党费类别“{category}”无效，应为 {'、'.join(CATEGORIES)} 之一")
    rule_id = f"dues.{category}"
    if category in BRACKET_CATEGORIES:
        if base is None or str(base).strip() == "":
            raise QuoteError("base", f"请填写{BASE_LABELS[category]}（党费计算基数）")
        money = parse_money(base, "base", BASE_LABELS[category])
        rate = rate_for(rule_id, money)
        return Quote(round_amount(money * rate, step), rule_id, rate)
    if category == "farmer":
        bounds = rule_value(rule_id)
        low, high = Decimal(bounds["min"]), Decimal(bounds["max"])
        if amount is None or str(amount).strip() == "":
            amount = base  # the farmer's "base" is the amount chosen for them
        chosen = low if amount is None or str(amount).strip() == "" else parse_money(amount, "amount", "农民党员交纳金额")
        if not low <= chosen <= high:
            raise QuoteError("amount", f"农民党员每月交纳{low}元至{high}元，{chosen}元超出范围")
        return Quote(chosen.quantize(FEN), rule_id)
    return Quote(Decimal(rule_value(rule_id)["flat"]).quantize(FEN), rule_id)


def self_employed_base(incomes: list[Any]) -> Decimal:
    """Average monthly net income of the previous quarter (Art. 4), to the fen (half up)."""
    if len(incomes) != 3:
        raise QuoteError("base", "请填写上一季度三个月的纯收入")
    total = sum((parse_money(v, "base", "月纯收入") for v in incomes), Decimal(0))
    return (total / 3).quantize(FEN, ROUND_HALF_UP)


# ------------------------------------------------------------------ months and time limits


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Months from first to last inclusive (empty if last < first)."""
    return [add_months(first, i) for i in range(month_index(last) - month_index(first) + 1)]


def backpay_limit() -> int:
    return int(rule_value("dues.backpay_max_months"))


def prepay_limit() -> int:
    return int(rule_value("dues.quarterly_prepayment")["months_ahead"])


def reminder_months() -> int:
    return int(rule_value("dues.reminder_months"))


def lapse_months() -> int:
    return int(rule_value("dues.lapse_months"))


def to_centre_threshold() -> Decimal:
    return Decimal(rule_value("dues.voluntary_to_centre"))


def payable_window(today: dt.date, *, prepay: bool) -> tuple[dt.date, dt.date]:
    """The months a payment may be recorded for on a day: back to the back-payment limit and, with
    the branch's consent to prepay, up to a quarter ahead (Art. 12)."""
    current = month_start(today)
    return add_months(current, -backpay_limit()), add_months(current, prepay_limit() if prepay else 0)


def month_problem(month: dt.date, today: dt.date, *, prepay: bool) -> str | None:
    """Why a payment cannot be recorded for this month today (None when it can)."""
    first, last = payable_window(today, prepay=prepay)
    if month < first:
        return (f"{month:%Y年%-m月}的党费已超过补交期限：补交党费一般不超过{backpay_limit()}个月"
                f"（中组发〔2008〕3号 第12条），最早可补交{first:%Y年%-m月}")
    if month > last:
        if not prepay and month <= add_months(month_start(today), prepay_limit()):
            return f"{month:%Y年%-m月}尚未到期：按季度预交须经党支部同意，请勾选“经党支部同意按季度预交”"
        return f"{month:%Y年%-m月}超出可预交范围：经党支部同意最多预交{prepay_limit()}个月（按季度交纳）"
    return None
