"""The registry of publishable results (党务公开事项).

Each kind has a label, who may publish it, the sources a manager may choose from (a year, an exam,
an evaluation, an assessment run), a builder `build(org, params, actor) -> dict` that returns a
JSON-serializable snapshot, and a template that renders that snapshot (and nothing else).

Builders call the other apps' query functions and keep only aggregate or explicitly publishable
data: names appear only where the result is about the person (a pass list, a leading cadre's
participation); ID numbers, phone numbers, scores of individuals and ballots never do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from orglife.core import scope
from orglife.orgs.services import ServiceError

DUAL_LIFE_ROWS = 500  # cadres listed in a snapshot; totals always cover the whole subtree
BY_ORG_ROWS = 50


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    param: str  # the name of the one source parameter ("" when there is none)
    choices: Callable  # (org, actor) -> [(value, label)]: the sources a manager may publish
    build: Callable  # (org, params, actor) -> dict
    may_publish: Callable = scope.can_manage  # (user, org) -> bool

    @property
    def template(self) -> str:
        return f"disclosure/kinds/{self.key}.html"


def _int(params: dict, name: str, label: str) -> int:
    try:
        return int(params.get(name))
    except (TypeError, ValueError):
        raise ServiceError({"source": f"请选择{label}"}) from None


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.0f}%" if whole else "—"


def _today() -> str:
    return timezone.localdate().isoformat()


# ---------------------------------------------------------------- 双重组织生活


def _dual_life_choices(org, actor) -> list[tuple[str, str]]:
    year = timezone.localdate().year
    return [(str(y), f"{y}年度") for y in (year, year - 1, year - 2)]


def _dual_life_build(org, params: dict, actor) -> dict:
    from orglife.meetings import dual_life

    year = _int(params, "year", "年度")
    if not 2000 <= year <= timezone.localdate().year:
        raise ServiceError({"source": "年度不正确"})
    visible = None if scope.covers_subtree(actor, org) else scope.org_q(actor, prefix="org__")
    totals = dual_life.subtree_totals(org, year, visible)
    rows = dual_life.compute(list(dual_life.cadres(org, visible)[:DUAL_LIFE_ROWS]), year)
    return {
        "title": f"{org.name}{year}年度党员领导干部双重组织生活情况",
        "as_of": _today(), "year": year, "org": org.name,
        "totals": {k: totals[k] for k in ("cadres", "org_life_ok", "org_life_missing", "dem_life_due",
                                           "dem_life_ok", "dem_life_missing")},
        "rows": [{
            "name": r.member.name, "org": r.member.org.name,
            "org_life": len(r.org_life_attended),
            "dem_life": ("已参加" if r.dem_life_ok else "未参加") if r.dem_life_applies else "不适用",
            "ok": r.ok,
        } for r in rows],
        "truncated": totals["cadres"] > len(rows),
    }


# ---------------------------------------------------------------- 整改落实情况


def _rectification_choices(org, actor) -> list[tuple[str, str]]:
    return [("today", "截至今日的整改台账")]


def _rectification_build(org, params: dict, actor) -> dict:
    from orglife.inspection import queries, rollup

    today = timezone.localdate()
    led = queries.ledger(queries.subtree_problems(actor, org), today)
    r = led.rates
    return {
        "title": f"{org.name}问题整改落实情况", "as_of": today.isoformat(), "org": org.name,
        "totals": {"total": r.total, "signed_off": r.signed_off, "on_time": r.on_time, "overdue": r.overdue,
                   "reopened": r.reopened, "rectifying": r.total - r.signed_off},
        "rates": {"progress": rollup.percent(led.progress), "on_time": rollup.percent(r.on_time_rate),
                  "overdue": rollup.percent(r.overdue_rate)},
        "by_source": [[label, n] for label, n in led.by_source],
        "by_status": [[label, n] for label, n in led.by_status],
        "by_org": [{"org": o.name, "total": n, "signed_off": s, "overdue": late, "progress": p}
                   for o, n, s, late, p in led.by_org[:BY_ORG_ROWS]],
    }


# ---------------------------------------------------------------- 考试合格名单


def _exams(org):
    from orglife.study.exam_models import Exam

    return Exam.objects.filter(org=org, results_published_at__isnull=False).order_by("-results_published_at", "-id")


def _exam_choices(org, actor) -> list[tuple[str, str]]:
    return [(str(e.pk), f"{e.title}（{timezone.localdate(e.results_published_at):%Y-%m-%d}公布成绩）")
            for e in _exams(org).only("id", "title", "results_published_at")[:50]]


def _exam_build(org, params: dict, actor) -> dict:
    exam = _exams(org).filter(pk=_int(params, "exam", "考试")).first()
    if exam is None:
        raise ServiceError({"source": "只能公开本组织已公布成绩的考试"})
    results = exam.results_snapshot or []  # the exam's own published result list
    passed = [{"name": r["name"], "org": r["org"]} for r in results if r.get("passed")]
    return {
        "title": f"{exam.title}合格名单", "as_of": _today(), "org": org.name, "exam": exam.title,
        "results_published_on": timezone.localdate(exam.results_published_at).isoformat(),
        "pass_mark": exam.pass_mark, "participants": len(results), "passed": len(passed),
        "pass_rate": _pct(len(passed), len(results)), "rows": passed,
    }


# ---------------------------------------------------------------- 民主评议党员结果统计


def _evaluations(org):
    from orglife.evaluation.appraisal_models import MemberEvaluation, Stage

    return MemberEvaluation.objects.filter(org=org, stage=Stage.FINISHED).order_by("-year", "-id")


def _appraisal_choices(org, actor) -> list[tuple[str, str]]:
    return [(str(e.pk), f"{e.year}年度民主评议党员") for e in _evaluations(org).only("id", "year")[:20]]


def _appraisal_build(org, params: dict, actor) -> dict:
    from orglife.evaluation import appraisal_queries, ballot_queries
    from orglife.evaluation.appraisal_models import Grade

    evaluation = _evaluations(org).select_related("ballot").filter(pk=_int(params, "evaluation", "民主评议")).first()
    if evaluation is None:
        raise ServiceError({"source": "只能公开本组织已结束的民主评议"})
    summary = appraisal_queries.summary(evaluation, list(evaluation.participants.only("graded", "grade", "self_assessment")))
    turnout = ballot_queries.turnout(evaluation.ballot)
    tallies = ballot_queries.tallies(evaluation.ballot)
    options: dict[str, int] = {}
    for row in tallies.rows:  # totals over all questions: never a single ballot or a single member's votes
        for option, n in row.counts:
            options[option.label] = options.get(option.label, 0) + n
    return {
        "title": f"{org.name}{evaluation.year}年度民主评议党员结果统计", "as_of": _today(), "org": org.name,
        "year": evaluation.year, "people": summary["people"], "graded": summary["graded"],
        "grades": [[g.label, summary["counts"].get(g.value, 0)] for g in Grade],
        "turnout": {"due": turnout.due, "voted": turnout.voted, "rate": _pct(turnout.voted, turnout.due)},
        "ballot": {"visible": tallies.visible, "reason": tallies.reason, "cast": tallies.cast,
                   "options": [[label, n] for label, n in options.items()]},
    }


# ---------------------------------------------------------------- 考核评星结果


def _runs(org):
    from orglife.evaluation.scorecard_models import AssessmentRun, RunStatus

    return AssessmentRun.objects.filter(org=org, status=RunStatus.FINAL).order_by("-year", "-id")


def _assessment_choices(org, actor) -> list[tuple[str, str]]:
    return [(str(r.pk), f"{r.year}年度考核（{timezone.localdate(r.finalized_at):%Y-%m-%d}定级）")
            for r in _runs(org).only("id", "year", "finalized_at")[:20]]


def _assessment_build(org, params: dict, actor) -> dict:
    from orglife.evaluation import assessment_queries

    run = _runs(org).select_related("org").filter(pk=_int(params, "run", "考核")).first()
    if run is None:
        raise ServiceError({"source": "只能公开本组织已定级的考核结果"})
    snap = assessment_queries.publishable_ranking(run)
    snap.update({"as_of": _today()})
    return snap


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("assessment_ranking", "考核评星结果", "run", _assessment_choices, _assessment_build),
    Kind("dual_life", "领导干部双重组织生活情况", "year", _dual_life_choices, _dual_life_build),
    Kind("rectification", "问题整改落实情况", "", _rectification_choices, _rectification_build),
    Kind("exam_results", "考试合格名单", "exam", _exam_choices, _exam_build),
    Kind("appraisal_stats", "民主评议党员结果统计", "evaluation", _appraisal_choices, _appraisal_build),
)}


def get(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise ServiceError({"kind": "请选择公开事项"})
    return kind


def label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key


def params_for(kind: Kind, value: str) -> dict:
    return {kind.param: value} if kind.param else {}


def all_choices(org, actor) -> list[tuple[Kind, list[tuple[str, str]]]]:
    """Every kind with the sources the actor may publish for org (a few small queries)."""
    return [(k, k.choices(org, actor)) for k in KINDS.values() if k.may_publish(actor, org)]


def date_of(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None
