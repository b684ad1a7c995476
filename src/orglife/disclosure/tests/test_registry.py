"""Each kind's builder: what it publishes, and that nothing personal leaks into the snapshot."""

from __future__ import annotations

import json

import pytest

from orglife.conftest import make_member
from orglife.disclosure import registry, services
from orglife.orgs.services import ServiceError

from .helpers import problem, published_exam

PHONE = "13812345678"


def _text(snapshot) -> str:
    return json.dumps(snapshot, ensure_ascii=False)


def test_every_kind_has_a_template_and_a_label():
    from django.template.loader import get_template

    assert set(registry.KINDS) == {"assessment_ranking", "dual_life", "rectification", "exam_results",
                                   "appraisal_stats"}
    for kind in registry.KINDS.values():
        get_template(kind.template)
        assert kind.label


def test_rectification_is_aggregate(demo):
    problem(demo.zb1, "秘密问题描述甲")
    problem(demo.zb2)
    problem(demo.zb3)  # outside ZZ
    snap = registry.get("rectification").build(demo.zz, {}, demo.officer)
    assert snap["totals"]["total"] == 2
    assert {r["org"] for r in snap["by_org"]} == {"第一党支部", "第二党支部"}
    assert "秘密问题描述甲" not in _text(snap)


def test_exam_pass_list_has_names_but_no_scores(demo):
    exam = published_exam(demo.zb1, [
        {"name": "李四", "org": "第一党支部", "score": "95.0", "passed": True},
        {"name": "王五", "org": "第一党支部", "score": "40.0", "passed": False},
    ])
    kind = registry.get("exam_results")
    assert kind.choices(demo.zb1, demo.secretary)[0][0] == str(exam.pk)
    snap = kind.build(demo.zb1, {"exam": str(exam.pk)}, demo.secretary)
    assert snap["rows"] == [{"name": "李四", "org": "第一党支部"}]
    assert (snap["participants"], snap["passed"], snap["pass_rate"]) == (2, 1, "50%")
    assert "王五" not in _text(snap) and "95.0" not in _text(snap)


def test_exam_of_another_org_or_unpublished_is_refused(demo):
    exam = published_exam(demo.zb2, [])
    with pytest.raises(ServiceError):
        registry.get("exam_results").build(demo.zb1, {"exam": str(exam.pk)}, demo.secretary)
    exam.results_published_at = None
    exam.save()
    with pytest.raises(ServiceError):
        registry.get("exam_results").build(demo.zb2, {"exam": str(exam.pk)}, demo.officer)
    with pytest.raises(ServiceError):
        registry.get("exam_results").build(demo.zb2, {"exam": "abc"}, demo.officer)


def test_dual_life_lists_cadres_without_personal_data(demo):
    make_member("ZB1", name="钱领导", leading_cadre=True, phone=PHONE)
    snap = registry.get("dual_life").build(demo.zz, {"year": "2026"}, demo.officer)
    assert snap["totals"]["cadres"] == 1 and snap["totals"]["org_life_missing"] == 1
    assert snap["rows"] == [{"name": "钱领导", "org": "第一党支部", "org_life": 0, "dem_life": "不适用", "ok": False}]
    assert PHONE not in _text(snap) and "1101" not in _text(snap)
    with pytest.raises(ServiceError):
        registry.get("dual_life").build(demo.zz, {"year": "3000"}, demo.officer)


def test_assessment_ranking_only_when_final(demo):
    from orglife.evaluation import assessment_services
    from orglife.evaluation.tests.assessment_helpers import make_run

    run = make_run(demo)
    kind = registry.get("assessment_ranking")
    assert kind.choices(demo.zz, demo.officer) == []
    with pytest.raises(ServiceError) as e:
        kind.build(demo.zz, {"run": str(run.pk)}, demo.officer)
    assert e.value.errors == {"source": "只能公开本组织已定级的考核结果"}
    assessment_services.run_finalize(actor=demo.officer, run=run)
    snap = kind.build(demo.zz, {"run": str(run.pk)}, demo.officer)
    assert snap["final"] and {r["org"] for r in snap["rows"]} == {"第一党支部", "第二党支部"}
    assert all(set(r) == {"rank", "org", "total", "grade"} for r in snap["rows"])


def test_appraisal_statistics_never_name_anyone(demo):
    from orglife.evaluation import appraisal_services
    from orglife.evaluation.appraisal_models import Stage
    from orglife.evaluation.tests import appraisal_helpers as ah

    evaluation = ah.open_evaluation(demo, voters=5)
    kind = registry.get("appraisal_stats")
    assert kind.choices(demo.zb1, demo.secretary) == []  # not finished
    evaluation = ah.to_stage(evaluation, Stage.VOTING)
    voted = len(ah.vote_all(evaluation))
    evaluation = ah.to_stage(evaluation, Stage.GRADING)
    participants = list(evaluation.participants.all())
    appraisal_services.appraisal_grade(actor=demo.secretary, evaluation=evaluation,
                                       grades={p.pk: ("qualified", "") for p in participants})
    evaluation = ah.to_stage(evaluation, Stage.FINISHED)
    snap = kind.build(demo.zb1, {"evaluation": str(evaluation.pk)}, demo.secretary)
    assert snap["people"] == len(participants)
    assert dict(snap["grades"])["合格"] == len(participants)
    assert snap["turnout"]["voted"] == voted and snap["ballot"]["visible"]
    assert sum(n for _, n in snap["ballot"]["options"]) == voted * len(participants)
    text = _text(snap)
    assert not any(p.name in text for p in participants)
    assert "receipt" not in text


def test_publish_stores_json_the_pages_render(demo):
    pub = services.publish(actor=demo.officer, org=demo.zz, kind="dual_life", value="2026", audience="members")
    assert pub.params == {"year": "2026"} and pub.snapshot["year"] == 2026
