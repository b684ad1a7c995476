"""clean_member: one member's data as typed in a form or read from a spreadsheet row."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.orgs.idcard import make_id
from orglife.orgs.validation import REQUIRED, clean_member

TODAY = dt.date(2026, 11, 30)
BORN = dt.date(1990, 5, 17)
MALE_ID = make_id("110101", BORN, 1)  # odd sequence: male
FEMALE_ID = make_id("110101", BORN, 2)
ORG, GROUP = object(), object()


def resolve_ok(org_code, group_code):
    return ORG, (GROUP if group_code else None), None


def raw(**overrides) -> dict:
    data = {
        "name": "张三",
        "id_number": MALE_ID,
        "category": "full",
        "admitted_on": "2015-07-01",
        "full_member_on": "2016-07-01",
        "org": "ZB1",
        "phone": "13812345678",
    }
    data.update(overrides)
    return data


def clean(resolve=resolve_ok, taken=lambda n: False, today=TODAY, **overrides):
    return clean_member(raw(**overrides), resolve_org=resolve, id_taken=taken, today=today)


def test_valid_data_is_cleaned():
    out, errors = clean()
    assert errors == {}
    assert out["name"] == "张三"
    assert out["id_number"] == MALE_ID
    assert out["gender"] == "male"  # derived from the ID
    assert out["birth_date"] == BORN  # derived from the ID
    assert out["category"] == "full"
    assert out["admitted_on"] == dt.date(2015, 7, 1)
    assert out["full_member_on"] == dt.date(2016, 7, 1)
    assert out["status"] == "active"  # default
    assert out["leading_cadre"] is False
    assert out["org"] is ORG and out["party_group"] is None
    assert out["phone"] == "13812345678"


def test_it_normalises_what_excel_gives():
    out, errors = clean(
        name=" 张 三 ",
        id_number=MALE_ID.lower().replace("", " ").strip(),
        admitted_on=42186,
        full_member_on=dt.datetime(2016, 7, 1, 0, 0),
        phone="138 1234 5678",
    )
    assert errors == {}
    assert out["name"] == "张三"
    assert out["id_number"] == MALE_ID
    assert out["admitted_on"] == dt.date(2015, 7, 1)
    assert out["full_member_on"] == dt.date(2016, 7, 1)
    assert out["phone"] == "13812345678"


# ---------------------------------------------------------------- required fields


def test_every_required_field_is_reported():
    calls = []
    out, errors = clean_member(
        {}, resolve_org=lambda *a: calls.append(a), id_taken=lambda n: False, today=TODAY
    )
    assert set(REQUIRED) <= set(errors)
    assert errors["name"] == "姓名不能为空"
    assert errors["id_number"] == "公民身份号码不能为空"
    assert errors["category"] == "人员类别不能为空"
    assert errors["admitted_on"] == "入党日期不能为空"
    assert errors["org"] == "所在党组织编码不能为空"
    assert errors["gender"] == "性别不能为空"  # nothing to derive it from
    assert calls == []  # no organization look-up without a code


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize("blank", [None, "", "  ", "\u3000"])
def test_a_blank_required_field_is_refused(field, blank):
    _, errors = clean(**{field: blank})
    assert errors[field].endswith("不能为空")


def test_a_too_long_name_is_refused():
    _, errors = clean(name="张" * 41)
    assert errors["name"] == "姓名过长（不超过40个字）"


# ---------------------------------------------------------------- the ID number


def test_an_invalid_id_is_refused_with_its_message():
    _, errors = clean(id_number=MALE_ID[:17] + ("0" if MALE_ID[17] != "0" else "1"))
    assert errors["id_number"] == "公民身份号码校验位错误，请核对号码"


def test_an_id_already_on_the_roster_is_refused():
    seen = []
    _, errors = clean(taken=lambda n: seen.append(n) or True, id_number=MALE_ID.lower())
    assert errors["id_number"] == "该公民身份号码已登记在其他党员名下"
    assert seen == [MALE_ID]  # looked up in normalised form


def test_gender_contradicting_the_id_is_refused():
    _, errors = clean(gender="女")
    assert errors["gender"] == "性别与公民身份号码不符（号码对应男）"
    _, errors = clean(id_number=FEMALE_ID, gender="male")
    assert errors["gender"] == "性别与公民身份号码不符（号码对应女）"


def test_gender_matching_the_id_is_accepted():
    out, errors = clean(id_number=FEMALE_ID, gender="女")
    assert errors == {}
    assert out["gender"] == "female"


def test_birth_date_contradicting_the_id_is_refused():
    _, errors = clean(birth_date="1990-05-18")
    assert errors["birth_date"] == "出生日期与公民身份号码不符（号码中为1990-05-17）"


def test_birth_date_matching_the_id_is_accepted_in_any_format():
    out, errors = clean(birth_date="1990年5月17日")
    assert errors == {}
    assert out["birth_date"] == BORN


def test_a_future_birth_date_is_refused():
    _, errors = clean(
        id_number=make_id("110101", dt.date(2027, 1, 1), 1), admitted_on="", full_member_on=""
    )
    assert errors["birth_date"] == "出生日期不能晚于今天"


def test_an_unreadable_birth_date_is_refused():
    _, errors = clean(birth_date="去年")
    assert errors["birth_date"].startswith("无法识别的日期")


# ---------------------------------------------------------------- category and dates


def test_a_probationary_member_with_full_member_on_is_refused():
    _, errors = clean(category="预备党员", admitted_on="2026-03-01", full_member_on="2026-10-01")
    assert errors["full_member_on"] == "预备党员不应填写转正日期"


def test_a_probationary_member_without_full_member_on_is_accepted():
    out, errors = clean(category="预备党员", admitted_on="2026-03-01", full_member_on="")
    assert errors == {}
    assert out["category"] == "probationary"
    assert out["full_member_on"] is None


def test_admission_before_the_18th_birthday_is_refused():
    _, errors = clean(admitted_on="2008-05-16", full_member_on="2009-05-16")
    assert errors["admitted_on"] == "入党日期早于年满18周岁的日期"


def test_admission_on_the_18th_birthday_is_accepted():
    _, errors = clean(admitted_on="2008-05-17", full_member_on="2009-05-17")
    assert errors == {}


@given(st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2026, 11, 30)))
def test_admission_is_allowed_exactly_from_the_18th_birthday(admitted):
    out, errors = clean(admitted_on=admitted, full_member_on="")
    adult = admitted >= dt.date(2008, 5, 17)
    assert ("admitted_on" not in errors) == adult
    if not adult:
        assert errors["admitted_on"] == "入党日期早于年满18周岁的日期"


def test_a_future_admission_is_refused():
    _, errors = clean(admitted_on="2026-12-01", full_member_on="")
    assert errors["admitted_on"] == "入党日期不能晚于今天"


def test_admission_today_is_accepted():
    _, errors = clean(category="probationary", admitted_on=TODAY, full_member_on="")
    assert errors == {}


def test_a_future_full_member_on_is_refused():
    _, errors = clean(full_member_on="2026-12-01")
    assert errors["full_member_on"] == "转正日期不能晚于今天"


@pytest.mark.parametrize("converted", ["2015-07-01", "2015-06-30"])
def test_full_member_on_not_after_admission_is_refused(converted):
    _, errors = clean(admitted_on="2015-07-01", full_member_on=converted)
    assert errors["full_member_on"] == "转正日期应晚于入党日期"


def test_a_full_member_without_full_member_on_is_accepted():
    _, errors = clean(full_member_on=None)
    assert errors == {}


def test_an_impossible_admission_date_is_refused():
    _, errors = clean(admitted_on="2015-02-30")
    assert errors["admitted_on"] == "日期不存在：2015-02-30"


# ---------------------------------------------------------------- phone


@pytest.mark.parametrize("phone", ["1381234567", "138123456789", "23812345678", "abc", "010-123"])
def test_a_bad_phone_is_refused(phone):
    _, errors = clean(phone=phone)
    assert errors["phone"] == "手机号码格式不正确（应为11位手机号或带区号的固话）"


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("13812345678", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("(0571)87654321", "057187654321"),
        ("１３８１２３４５６７８", "13812345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_good_phones_are_accepted(phone, stored):
    out, errors = clean(phone=phone)
    assert "phone" not in errors
    assert out["phone"] == stored


# ---------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gender", "未知", "性别“未知”无效，应为：男、女"),
        ("category", "积极分子", "人员类别“积极分子”无效，应为：正式党员、预备党员"),
        ("status", "退休", "党员状态“退休”无效"),
        ("education", "博士后", "学历“博士后”无效"),
        ("leading_cadre", "也许", "党员领导干部应填“是”或“否”"),
    ],
)
def test_unknown_choice_labels_are_refused(field, value, message):
    _, errors = clean(**{field: value})
    assert errors[field].startswith(message)


def test_chinese_labels_are_accepted():
    out, errors = clean(
        gender="男",
        category="正式党员",
        status="流动党员",
        leading_cadre="是",
        education="大学本科",
    )
    assert errors == {}
    assert out["gender"] == "male"
    assert out["category"] == "full"
    assert out["status"] == "mobile"
    assert out["leading_cadre"] is True
    assert out["education"] == "bachelor"


def test_codes_are_accepted_too():
    out, errors = clean(
        gender="male", category="full", status="suspended", education="postgraduate"
    )
    assert errors == {}
    assert (out["status"], out["education"]) == ("suspended", "postgraduate")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("", False),
        (None, False),
        (True, True),
        (False, False),
        ("√", True),
    ],
)
def test_leading_cadre_readings(value, expected):
    out, errors = clean(leading_cadre=value)
    assert "leading_cadre" not in errors
    assert out["leading_cadre"] is expected


# ---------------------------------------------------------------- organizations


def test_the_resolver_gets_normalised_codes():
    calls = []

    def resolve(org_code, group_code):
        calls.append((org_code, group_code))
        return ORG, GROUP, None

    out, errors = clean(resolve=resolve, org=" ZB1 ", party_group="ＸＺ1")
    assert errors == {}
    assert calls == [("ZB1", "XZ1")]
    assert out["party_group"] is GROUP


def test_an_organization_problem_is_reported_on_org():
    _, errors = clean(resolve=lambda o, g: (None, None, "党组织编码“ZZZ”不存在"))
    assert errors["org"] == "党组织编码“ZZZ”不存在"
    assert "party_group" not in errors


def test_a_party_group_problem_is_reported_on_party_group():
    _, errors = clean(
        resolve=lambda o, g: (None, None, "党小组编码“X”不存在或不属于“第一党支部”"),
        party_group="X",
    )
    assert errors["party_group"].startswith("党小组编码")
    assert "org" not in errors


def test_errors_are_collected_not_stopped_at_the_first():
    _, errors = clean(gender="女", phone="123", full_member_on="2027-01-01", leading_cadre="?")
    assert set(errors) == {"gender", "phone", "full_member_on", "leading_cadre"}
