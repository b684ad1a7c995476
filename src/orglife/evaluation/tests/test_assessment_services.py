"""Assessment runs: create and compute, officers' entries, grades within quotas, finalize."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orglife.core.models import AuditEvent
from orglife.evaluation import assessment_services as services
from orglife.evaluation.scorecard_models import AssessmentResult, RunStatus
from orglife.orgs.services import ServiceError

KEY = "star-rating@2026.1"
ON = dt.date(2027, 1, 15)


@pytest.fixture
def run(demo):
    return services.run_create(actor=demo.officer, org=demo.zz, year=2026, scorecard_key=KEY, on=ON)


def result(run, org) -> AssessmentResult:
    return AssessmentResult.objects.get(run=run, org=org)


def test_it_assesses_the_branches_below(run, demo):
    assert {r.org_id for r in run.results.all()} == {demo.zb1.pk, demo.zb2.pk}
    r = result(run, demo.zb1)
    ids = [line["id"] for line in r.lines]
    assert ids[:3] == ["leadership", "core_team", "venue"]
    assert "meetings" in ids and "inactive_6_months" in ids and "survey" in ids
    assert AuditEvent.objects.filter(action="assessment.compute").count() == 1
    assert r.grade == r.proposed_grade


def test_it_refuses_a_branch_as_assessing_org(demo):
    with pytest.raises(ServiceError) as exc:
        services.run_create(actor=demo.secretary, org=demo.zb1, year=2026, scorecard_key=KEY, on=ON)
    assert "上级党组织" in exc.value.errors["__all__"]


def test_it_refuses_an_unknown_scorecard(demo):
    with pytest.raises(ServiceError) as exc:
        services.run_create(actor=demo.officer, org=demo.zz, year=2026, scorecard_key="nope@1", on=ON)
    assert "scorecard" in exc.value.errors


def test_manual_score_needs_evidence_and_range(run, demo):
    with pytest.raises(ServiceError) as exc:
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="manual", key="leadership", value="12")
    assert "evidence" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="manual", key="leadership", value="16",
                           evidence="检查")
    assert "0到15" in exc.value.errors["value"]
    before = result(run, demo.zb1).total
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="manual", key="leadership", value="12",
                       evidence="实地检查")
    after = result(run, demo.zb1)
    assert after.total - before == Decimal("8.40")  # 12 points × (1 − 0.3)
    line = next(x for x in after.lines if x["id"] == "leadership")
    assert "实地检查" in line["text"]


def test_adjust_needs_a_reason_and_is_audited(run, demo):
    with pytest.raises(ServiceError) as exc:
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="adjust", key="meetings", value="2")
    assert "理由" in exc.value.errors["reason"]
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="adjust", key="meetings", value="2",
                       reason="两次会议记录不完整")
    line = next(x for x in result(run, demo.zb1).lines if x["id"] == "meetings")
    assert line["points"] == "2.00" and line["reason"] == "两次会议记录不完整"
    event = AuditEvent.objects.get(action="assessment.adjust")
    assert event.changes["reason"] == [None, "两次会议记录不完整"]


def test_recompute_keeps_entries(run, demo):
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="survey", key="", value="95")
    services.run_compute(actor=demo.officer, run=run, on=ON)
    assert result(run, demo.zb1).survey == Decimal("95.00")


def test_survey_below_90_caps_the_grade(run, demo):
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="survey", key="", value="80")
    r = result(run, demo.zb1)
    assert r.cap == "three"
    with pytest.raises(ServiceError) as exc:
        services.grade_set(actor=demo.officer, run=run, org=demo.zb1, grade="five", reason="表现突出")
    assert "否决" in exc.value.errors["grade"]


def test_manual_veto_needs_evidence(run, demo):
    with pytest.raises(ServiceError):
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="veto", key="weak_and_lax", value="1")
    with pytest.raises(ServiceError):  # automatic items are not typed in
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="veto", key="survey_below_90", value="1",
                           evidence="x")
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="veto", key="weak_and_lax", value="1",
                       evidence="县委组织部认定")
    assert result(run, demo.zb1).cap == "one"
    assert result(run, demo.zb1).grade == "one"


def test_grade_change_needs_reason_and_respects_threshold(run, demo):
    r = result(run, demo.zb1)
    with pytest.raises(ServiceError) as exc:
        services.grade_set(actor=demo.officer, run=run, org=demo.zb1, grade="five", reason="")
    assert "reason" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        services.grade_set(actor=demo.officer, run=run, org=demo.zb1, grade="five", reason="很好")
    assert "分数线" in exc.value.errors["grade"]
    assert result(run, demo.zb1).grade == r.grade


def test_five_star_quota_blocks_a_second(demo):
    run = services.run_create(actor=demo.admin, org=demo.dw, year=2026, scorecard_key=KEY, on=ON)
    assert run.org_count == 3  # ZB1, ZB2, ZB3: 30 % of 3 → no five-star at all
    for org in (demo.zb1, demo.zb2):
        for key, pts in (("leadership", 15), ("core_team", 10), ("venue", 10), ("support", 10), ("performance", 10)):
            services.input_set(actor=demo.admin, run=run, org=org, kind="manual", key=key, value=pts, evidence="好")
        services.input_set(actor=demo.admin, run=run, org=org, kind="survey", key="", value="100")
    totals = {r.org_id: r for r in run.results.all()}
    assert all(totals[o.pk].proposed_grade != "five" for o in (demo.zb1, demo.zb2))


def test_finalize_makes_it_read_only(run, demo):
    services.run_finalize(actor=demo.officer, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FINAL and run.finalized_by == demo.officer
    with pytest.raises(ServiceError) as exc:
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="survey", key="", value="95")
    assert "已定级" in exc.value.errors["__all__"]
    with pytest.raises(ServiceError):
        services.run_compute(actor=demo.officer, run=run, on=ON)
