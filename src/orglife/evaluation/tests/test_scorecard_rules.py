"""Scorecard data and arithmetic (pure): the shipped card, totals as the weighted sum, deductions,
vetoes capping the grade, quotas never exceeded."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife.evaluation import scorecard_rules as sr
from orglife.rules.loader import RuleError

CARD = sr.available()["star-rating@2026.1"]


def test_shipped_card_is_sourced_and_local():
    assert CARD.base_max == 100
    assert CARD.survey_weight == Decimal("0.3")
    assert [g.label for g in CARD.grades] == ["五星", "四星", "三星", "二星", "一星"]
    assert CARD.grades[0].quota == Decimal("0.3")
    for ind in CARD.leaves():
        assert ind.source and ind.conf == "L"
    for d in CARD.deductions:
        assert d.source and d.conf == "L"
    assert CARD.auto_kinds() == set(sr.AUTO_KINDS)
    assert sr.for_year(2026)[0] is CARD and sr.for_year(2030)[0] is CARD


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["indicators"][0].pop("source"), "source"),
    (lambda d: d["indicators"][0].update(manual=False), "manual"),
    (lambda d: d["grades"].reverse(), "从高到低"),
    (lambda d: d["grades"][-1].update(quota=0.5), "最低等次"),
    (lambda d: d["vetoes"][0].update(cap="six"), "封顶"),
    (lambda d: d["indicators"][3].update(weight=11), "不一致"),
    (lambda d: d["survey"].update(weight=2), "权重"),
])
def test_bad_cards_are_refused(mutate, message):
    data = copy.deepcopy(CARD.raw)
    mutate(data)
    with pytest.raises(RuleError, match=message):
        sr.parse(data)


def facts(rates: list[float | None]) -> dict[str, sr.Fact]:
    autos = [i for i in CARD.leaves() if i.auto]
    return {i.id: sr.Fact(r, "测试") for i, r in zip(autos, rates, strict=False)}


rate = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
points = st.decimals(min_value=0, max_value=15, places=2)


@given(st.lists(rate, min_size=7, max_size=7), st.lists(points, min_size=5, max_size=5),
       st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
       st.lists(st.booleans(), min_size=5, max_size=5), st.decimals(min_value=0, max_value=20, places=2))
def test_total_is_the_weighted_sum(rates, manual, survey, deduct, bonus):
    manual_ids = [i for i in CARD.leaves() if i.manual]
    inputs = {("manual", i.id): sr.Input(p, "依据") for i, p in zip(manual_ids, manual, strict=True)}
    if survey is not None:
        inputs[("survey", "survey")] = sr.Input(survey)
    inputs[("bonus", "bonus")] = sr.Input(bonus, "加分")
    f = facts(rates)
    auto_deductions = [d for d in CARD.deductions if d.auto]
    for d, hit in zip(auto_deductions, deduct, strict=False):
        if hit:
            f[d.id] = sr.Fact(1, "发现")
    for d, hit in zip([d for d in CARD.deductions if not d.auto], deduct[3:], strict=False):
        if hit:
            inputs[("deduction", d.id)] = sr.Input(Decimal(1), "认定")
    score = sr.score_org(CARD, f, inputs)
    indicator_points = sum(Decimal(line.points) for line in score.lines if line.kind == "indicator")
    deducted = -sum(Decimal(line.points) for line in score.lines if line.kind == "deduction")
    assert score.base == indicator_points <= CARD.base_max
    assert score.deductions == deducted
    expected = (1 - CARD.survey_weight) * max(Decimal(0), indicator_points - deducted) \
        + CARD.survey_weight * (survey or 0) + min(bonus, CARD.bonus_max)
    assert abs(score.total - expected) <= Decimal("0.01")
    for line in score.lines:  # every line explains itself and names its rule
        assert line.explanation and (line.source or line.kind == "bonus")


@given(st.floats(min_value=0, max_value=1))
def test_indicator_points_scale_with_the_rate(value):
    ind = next(i for i in CARD.leaves() if i.auto)
    pts = sr.indicator_points(ind, value)
    assert Decimal(0) <= pts <= ind.weight
    assert abs(pts - ind.weight * Decimal(str(value))) <= Decimal("0.005")


def test_empty_rate_uses_when_empty():
    full = next(i for i in CARD.leaves() if i.when_empty == "full" and i.auto)
    zero = next(i for i in CARD.leaves() if i.when_empty == "zero")
    assert sr.indicator_points(full, None) == full.weight
    assert sr.indicator_points(zero, None) == 0


def test_survey_veto_caps():
    score = sr.score_org(CARD, {}, {("survey", "survey"): sr.Input(Decimal("85"))})
    assert score.cap == "three"
    assert sr.best_grade(CARD, Decimal("99"), score.cap) == "three"


caps = st.one_of(st.none(), st.sampled_from([g.id for g in CARD.grades]))
totals = st.decimals(min_value=0, max_value=110, places=2)


@settings(max_examples=200)
@given(st.lists(st.tuples(totals, caps), min_size=0, max_size=60))
def test_proposed_grades_respect_quotas_caps_and_thresholds(rows):
    ranked = sorted(rows, key=lambda r: -r[0])
    grades = sr.propose_grades(CARD, ranked)
    assert len(grades) == len(ranked)
    limits = sr.quota_counts(CARD, len(ranked))
    for g in CARD.grades:
        if limits[g.id] is not None:
            assert grades.count(g.id) <= limits[g.id]
    for (total, cap), grade in zip(ranked, grades, strict=True):
        assert total >= CARD.grade(grade).min or grade == CARD.grades[-1].id
        if cap:
            assert CARD.grade_index(grade) >= CARD.grade_index(cap)  # a veto caps the grade
        # never worse than needed: the best allowed grade unless its quota was full
        best = sr.best_grade(CARD, total, cap)
        assert CARD.grade_index(grade) >= CARD.grade_index(best)


@given(st.lists(totals, min_size=1, max_size=30))
def test_ranks_are_competition_ranks(values):
    ranks = sr.rank([(v, str(i)) for i, v in enumerate(values)])
    for v, r in zip(values, ranks, strict=True):
        assert r == 1 + sum(1 for w in values if w > v)


def test_missed_periods_deduction_is_capped():
    d = sr.Deduction("x", "每月未开支委会", Decimal(1), "测试", "L", "missed_periods", {"max": 5})
    assert sr.deduction_points(d, 3) == 3 and sr.deduction_points(d, 9) == 5 and sr.deduction_points(d, 0) == 0
