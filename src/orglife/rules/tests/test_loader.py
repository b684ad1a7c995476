"""The rule library loader: the national library, profiles that tighten, and profiles that may not relax."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orglife.rules import loader
from orglife.rules.loader import RuleError, apply_profile, get_profile, load_all, parse_library


@pytest.fixture
def national():
    return get_profile("national")


def rule(rule_id="x.rule", **overrides) -> dict:
    data = {
        "id": rule_id,
        "name": "测试规则",
        "source": "测试条例 第1条",
        "conf": "V",
        "effective_from": "2018-10-28",
        "value": 3,
        "tighten": "up",
    }
    data.update(overrides)
    return data


def library(*rules, **extra) -> dict:
    return {"ruleset": "national", "rules": list(rules), **extra}


# ---------------------------------------------------------------- the national library


def test_it_loads_the_national_library(national):
    assert national.name == "national"
    assert national.label == "全国默认"
    assert {
        "org.branch.min_full_members",
        "org.branch.typical_max_members",
        "org.branch.committee_required_full_members",
        "org.joint_branch.max_units",
        "org.term_years",
        "member.rights",
    } <= set(national.rules)


def test_every_national_rule_has_id_source_confidence_and_start(national):
    assert national.rules
    for rule_id, r in national.rules.items():
        assert r.id == rule_id
        assert r.name.strip()
        assert r.source.strip()
        assert r.conf in loader.CONFIDENCE
        assert isinstance(r.effective_from, dt.date)
        assert r.effective_to is None or r.effective_to >= r.effective_from
        assert r.tighten in loader.TIGHTEN


def test_only_v_rules_can_be_hard(national):
    for r in national.rules.values():
        if r.severity == "error":
            assert r.conf == "V", r.id


def test_national_values_restate_rules_1_1_1_3_and_1_4(national):
    assert national.value("org.branch.min_full_members") == 3
    assert national.value("org.branch.typical_max_members") == 50
    assert national.value("org.branch.committee_required_full_members") == 7
    assert national.value("org.joint_branch.max_units") == 5
    terms = national.value("org.term_years")
    assert terms["branch"] == 3 and terms["general_branch"] == 3 and terms["committee"] == 5
    assert "party_group" not in terms
    rights = national.value("member.rights")
    assert sorted(rights["full"]) == ["be_elected", "elect", "vote"]
    assert rights["probationary"] == []
    assert national.options["term_warning_months"] == 3


def test_size_rules_are_warnings_not_errors(national):
    # RULES §1.1: exceeding 50 is a warning, not an error.
    for rid in (
        "org.branch.min_full_members",
        "org.branch.typical_max_members",
        "org.branch.committee_required_full_members",
    ):
        assert not national.rule(rid).is_hard


def test_rule_in_force_respects_its_dates():
    r = parse_library(
        library(rule(effective_from="2018-10-28", effective_to="2020-12-31")), "t"
    ).rule("x.rule")
    assert not r.in_force(dt.date(2018, 10, 27))
    assert r.in_force(dt.date(2018, 10, 28))
    assert r.in_force(dt.date(2020, 12, 31))
    assert not r.in_force(dt.date(2021, 1, 1))
    open_ended = parse_library(library(rule()), "t").rule("x.rule")
    assert open_ended.in_force(dt.date(2999, 1, 1))


def test_is_hard_needs_v_and_error():
    lib = parse_library(
        library(rule("a", severity="error"), rule("b", conf="S", severity="error"), rule("c")), "t"
    )
    assert lib.rule("a").is_hard
    assert not lib.rule("b").is_hard
    assert not lib.rule("c").is_hard


# ---------------------------------------------------------------- the strict profile


def test_the_strict_profile_tightens(national):
    strict = get_profile("strict")
    assert strict.name == "strict"
    assert strict.label == "从严（示例）"
    assert strict.value("org.branch.committee_required_full_members") == 5
    assert strict.value("org.branch.typical_max_members") == 40
    assert strict.options["term_warning_months"] == 6
    # Everything it does not override is inherited unchanged.
    for rid in (
        "org.branch.min_full_members",
        "org.joint_branch.max_units",
        "org.term_years",
        "member.rights",
    ):
        assert strict.rule(rid) == national.rule(rid)
    # Overriding keeps the rule's metadata.
    assert (
        strict.rule("org.branch.typical_max_members").source
        == national.rule("org.branch.typical_max_members").source
    )


def test_applying_a_profile_does_not_change_the_national_library(national):
    apply_profile(
        national, {"profile": "p", "overrides": {"org.branch.min_full_members": 4}}, "p.yaml"
    )
    assert national.value("org.branch.min_full_members") == 3
    assert get_profile("national").value("org.branch.min_full_members") == 3


def test_load_all_names_every_profile():
    assert set(load_all()) >= {"national", "strict"}
    assert ("national", "全国默认") in loader.profile_choices()
    assert ("strict", "从严（示例）") in loader.profile_choices()


@pytest.mark.parametrize("name", [None, "", "no-such-profile"])
def test_get_profile_falls_back_to_national(name):
    assert get_profile(name).name == "national"


# ---------------------------------------------------------------- may tighten, never relax


@pytest.mark.parametrize(
    ("rule_id", "value"),
    [
        ("org.branch.committee_required_full_members", 9),
        ("org.branch.committee_required_full_members", 8),
        ("org.branch.min_full_members", 2),
        ("org.branch.min_full_members", 0),
        ("org.branch.typical_max_members", 51),
        ("org.joint_branch.max_units", 6),
    ],
)
def test_a_profile_that_relaxes_a_v_rule_is_refused(national, rule_id, value):
    with pytest.raises(RuleError) as exc:
        apply_profile(national, {"profile": "lax", "overrides": {rule_id: value}}, "lax.yaml")
    assert rule_id in str(exc.value)
    assert "不能放宽" in str(exc.value)


@pytest.mark.parametrize(
    ("rule_id", "value"),
    [
        ("org.branch.committee_required_full_members", 5),
        ("org.branch.committee_required_full_members", 7),
        ("org.branch.min_full_members", 4),
        ("org.branch.typical_max_members", 30),
        ("org.joint_branch.max_units", 3),
    ],
)
def test_a_profile_may_tighten_or_restate_a_v_rule(national, rule_id, value):
    p = apply_profile(national, {"profile": "tight", "overrides": {rule_id: value}}, "tight.yaml")
    assert p.value(rule_id) == value
    assert p.name == "tight"
    assert p.label == "tight"


@given(st.integers(min_value=-100, max_value=100))
def test_up_rules_accept_exactly_the_values_not_below_national(value):
    base = get_profile("national")
    rid = "org.branch.min_full_members"
    data = {"profile": "p", "overrides": {rid: value}}
    if value >= base.value(rid):
        assert apply_profile(base, data, "p.yaml").value(rid) == value
    else:
        with pytest.raises(RuleError, match=rid.replace(".", r"\.")):
            apply_profile(base, data, "p.yaml")


@given(st.integers(min_value=-100, max_value=200))
def test_down_rules_accept_exactly_the_values_not_above_national(value):
    base = get_profile("national")
    rid = "org.branch.typical_max_members"
    data = {"profile": "p", "overrides": {rid: value}}
    if value <= base.value(rid):
        assert apply_profile(base, data, "p.yaml").value(rid) == value
    else:
        with pytest.raises(RuleError, match=rid.replace(".", r"\.")):
            apply_profile(base, data, "p.yaml")


def test_a_tighten_none_rule_cannot_change(national):
    for new in (
        {"branch": 5, "joint_branch": 3, "general_branch": 3, "committee": 5},
        {"branch": 2, "joint_branch": 3, "general_branch": 3, "committee": 5},
    ):
        with pytest.raises(RuleError, match=r"org\.term_years"):
            apply_profile(
                national, {"profile": "p", "overrides": {"org.term_years": new}}, "p.yaml"
            )
    with pytest.raises(RuleError, match=r"member\.rights"):
        apply_profile(
            national,
            {
                "profile": "p",
                "overrides": {
                    "member.rights": {
                        "full": ["vote", "elect", "be_elected"],
                        "probationary": ["vote"],
                    }
                },
            },
            "p.yaml",
        )


def test_restating_a_tighten_none_rule_is_allowed(national):
    same = dict(national.value("org.term_years"))
    p = apply_profile(national, {"profile": "p", "overrides": {"org.term_years": same}}, "p.yaml")
    assert p.value("org.term_years") == same


def test_an_unknown_rule_id_is_refused(national):
    with pytest.raises(RuleError) as exc:
        apply_profile(national, {"profile": "p", "overrides": {"org.no_such_rule": 1}}, "p.yaml")
    assert "org.no_such_rule" in str(exc.value)
    assert "p.yaml" in str(exc.value)


def test_a_wrongly_typed_override_is_a_rule_error(national):
    with pytest.raises(RuleError, match=r"org\.branch\.min_full_members"):
        apply_profile(
            national,
            {"profile": "p", "overrides": {"org.branch.min_full_members": "five"}},
            "p.yaml",
        )


def test_non_v_rules_and_tighten_any_may_change_freely():
    base = parse_library(
        library(
            rule("s.rule", conf="S", value=3),
            rule("l.rule", conf="L", tighten="down"),
            rule("any.rule", tighten="any", value=3),
        ),
        "t",
    )
    p = apply_profile(
        base, {"profile": "p", "overrides": {"s.rule": 1, "l.rule": 99, "any.rule": 0}}, "p.yaml"
    )
    assert (p.value("s.rule"), p.value("l.rule"), p.value("any.rule")) == (1, 99, 0)


def test_profile_options_merge_over_the_library():
    base = parse_library(library(rule(), options={"a": 1, "b": 2}), "t")
    p = apply_profile(
        base, {"profile": "p", "label": "示例", "options": {"b": 3, "c": 4}}, "p.yaml"
    )
    assert p.options == {"a": 1, "b": 3, "c": 4}
    assert p.label == "示例"
    assert base.options == {"a": 1, "b": 2}


# ---------------------------------------------------------------- malformed libraries


def test_parse_library_reads_dates_and_defaults():
    lib = parse_library(library(rule(effective_from=dt.date(2018, 10, 28))), "t")
    r = lib.rule("x.rule")
    assert r.effective_from == dt.date(2018, 10, 28)
    assert r.effective_to is None
    assert r.severity == "warning"
    assert r.applies_to == ()


def test_tighten_defaults_to_none():
    raw = rule()
    del raw["tighten"]
    assert parse_library(library(raw), "t").rule("x.rule").tighten == "none"


@pytest.mark.parametrize("missing", ["id", "name", "source", "conf", "effective_from", "value"])
def test_a_rule_missing_a_field_is_refused(missing):
    raw = rule()
    del raw[missing]
    with pytest.raises(RuleError, match=f"缺少字段 {missing}"):
        parse_library(library(raw), "lib.yaml")


@pytest.mark.parametrize(
    ("bad", "text"),
    [
        ({"conf": "X"}, "可信度"),
        ({"tighten": "sideways"}, "tighten"),
        ({"effective_from": "2018-13-40"}, "日期格式无效"),
    ],
)
def test_a_malformed_rule_is_refused(bad, text):
    with pytest.raises(RuleError, match=text):
        parse_library(library(rule(**bad)), "lib.yaml")


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(RuleError, match=r"规则编号重复 x\.rule"):
        parse_library(library(rule(), rule()), "lib.yaml")


@pytest.mark.parametrize("data", [{}, {"ruleset": "national"}, [], None])
def test_a_library_without_rules_is_refused(data):
    with pytest.raises(RuleError, match="缺少 rules"):
        parse_library(data, "lib.yaml")


@pytest.mark.parametrize(
    "rule_id,value",
    [
        ("talk.categories", {"categories": ["committee_committee"]}),  # a category dropped
        ("meeting.theme_day", {"needs_committee": True}),  # owed only where a committee exists
        ("meeting.assembly", {"every": "quarter", "min": 1, "needs_committee": True}),
    ],
)
def test_a_profile_cannot_relax_a_cadence_rule_through_its_other_keys(national, rule_id, value):
    with pytest.raises(RuleError, match=rule_id.replace(".", r"\.")):
        apply_profile(national, {"profile": "lax", "overrides": {rule_id: value}}, "lax.yaml")


@pytest.mark.parametrize("options,key", [({"sign_in_window_seconds": 300}, "sign_in_window_seconds"),
                                         ({"late_entry_days": 365}, "late_entry_days"),
                                         ({"talk_mode": "never"}, "talk_mode")])
def test_profile_options_are_bounded(options, key):
    from orglife.rules import loader
    base = loader.load_all()["national"]
    with pytest.raises(loader.RuleError, match=key):
        loader.apply_profile(base, {"profile": "p", "options": options}, "p.yaml")
