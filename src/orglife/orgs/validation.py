"""Validation of member data, shared by the form, the API and the roster import.

Input is a dict of field → raw value (text as typed, or Excel cell values). Output is the cleaned
dict and a dict of field → message in Chinese. Database look-ups are passed in as callables so the
same rules serve a single form and a 10,000-row import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from orglife.core.text import DateParseError, normalize, parse_date, squeeze
from orglife.rules.org_checks import add_months

from . import idcard
from .models import Category, Education, Gender, Status

LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "公民身份号码",
    "phone": "手机号码",
    "education": "学历",
    "work_unit": "工作单位及职务",
    "category": "人员类别",
    "admitted_on": "入党日期",
    "full_member_on": "转正日期",
    "status": "党员状态",
    "leading_cadre": "党员领导干部",
    "org": "所在党组织编码",
    "party_group": "党小组编码",
}
FIELDS = list(LABELS)
REQUIRED = ["name", "id_number", "category", "admitted_on", "org"]
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


def _choice(enum, value, label: str) -> str:
    text = squeeze(value)
    if text == "":
        return ""
    for key, display in enum.choices:
        if text in (key, display):
            return key
    allowed = "、".join(d for _, d in enum.choices)
    raise ValueError(f"{label}“{text}”无效，应为：{allowed}")


OrgResolver = Callable[[str, str], tuple[Any, Any, str | None]]
IdTaken = Callable[[str], bool]


def clean_member(
    raw: dict[str, Any], *, resolve_org: OrgResolver, id_taken: IdTaken, today: dt.date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate one member's data. resolve_org(org_code, group_code) → (org, group, error)."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def attempt(field: str, fn: Callable[[], Any]) -> None:
        try:
            out[field] = fn()
        except (ValueError, DateParseError) as exc:
            errors[field] = str(exc)

    for field in REQUIRED:
        value = raw.get(field)
        if value is None or normalize(value) == "":
            errors[field] = f"{LABELS[field]}不能为空"

    if "name" not in errors:
        def name():
            text = squeeze(raw["name"])
            if len(text) > 40:
                raise ValueError("姓名过长（不超过40个字）")
            return text
        attempt("name", name)
    if "id_number" not in errors:
        attempt("id_number", lambda: idcard.validate_id(raw["id_number"]))
        if "id_number" in out and id_taken(out["id_number"]):
            errors["id_number"] = "该公民身份号码已登记在其他党员名下"
    number = out.get("id_number")

    attempt("gender", lambda: _choice(Gender, raw.get("gender"), "性别"))
    if number and "gender" in out:
        derived = idcard.gender(number)
        if out["gender"] and out["gender"] != derived:
            errors["gender"] = f"性别与公民身份号码不符（号码对应{Gender(derived).label}）"
        out["gender"] = out["gender"] or derived
    elif not number and "gender" in out and not out["gender"]:
        errors.setdefault("gender", "性别不能为空")

    attempt("birth_date", lambda: parse_date(raw.get("birth_date")))
    if number and "birth_date" in out:
        derived_birth = idcard.birth_date(number)
        if out["birth_date"] and out["birth_date"] != derived_birth:
            errors["birth_date"] = f"出生日期与公民身份号码不符（号码中为{derived_birth:%Y-%m-%d}）"
        out["birth_date"] = out["birth_date"] or derived_birth
    birth = out.get("birth_date")
    if birth and birth > today:
        errors["birth_date"] = "出生日期不能晚于今天"

    out["ethnicity"] = squeeze(raw.get("ethnicity"))[:20]
    out["work_unit"] = normalize(raw.get("work_unit"))[:100]

    def phone():
        text = re.sub(r"[\s()（）]", "", normalize(raw.get("phone")))
        if text and not PHONE.match(text):
            raise ValueError("手机号码格式不正确（应为11位手机号或带区号的固话）")
        return text
    attempt("phone", phone)
    attempt("education", lambda: _choice(Education, raw.get("education"), "学历"))
    if "category" not in errors:
        attempt("category", lambda: _choice(Category, raw.get("category"), "人员类别"))
    attempt("status", lambda: _choice(Status, raw.get("status"), "党员状态") or Status.ACTIVE)

    def cadre():
        text = squeeze(raw.get("leading_cadre")).lower()
        if isinstance(raw.get("leading_cadre"), bool):
            return raw["leading_cadre"]
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError("党员领导干部应填“是”或“否”")
    attempt("leading_cadre", cadre)

    if "admitted_on" not in errors:
        attempt("admitted_on", lambda: parse_date(raw.get("admitted_on")))
    attempt("full_member_on", lambda: parse_date(raw.get("full_member_on")))
    admitted, converted = out.get("admitted_on"), out.get("full_member_on")
    if admitted:
        if admitted > today:
            errors["admitted_on"] = "入党日期不能晚于今天"
        elif birth and admitted < add_months(birth, 18 * 12):
            # RULES §2.1: an applicant must be 18; admission comes after the application.
            errors["admitted_on"] = "入党日期早于年满18周岁的日期"
    if out.get("category") == Category.PROBATIONARY and converted:
        errors["full_member_on"] = "预备党员不应填写转正日期"
    elif converted:
        if converted > today:
            errors["full_member_on"] = "转正日期不能晚于今天"
        elif admitted and converted <= admitted:
            errors["full_member_on"] = "转正日期应晚于入党日期"

    if "org" not in errors:
        org, group, problem = resolve_org(squeeze(raw.get("org")), squeeze(raw.get("party_group")))
        if problem:
            errors["party_group" if problem.startswith("党小组") else "org"] = problem
        else:
            out["org"], out["party_group"] = org, group
    return out, errors
