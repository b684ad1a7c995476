"""Writes of 考核评星: create a run, compute it, record an officer's entries (manual scores with
evidence, survey, deductions, vetoes, bonus, adjustments with a reason), set a grade, finalize.

Each is one transaction with its audit event; the run row is locked (select_for_update) so two
officers' writes to one run serialize. A finalized run is read-only.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.services import ServiceError

from . import indicators
from . import scorecard_rules as sr
from .scorecard_models import AssessmentInput, AssessmentResult, AssessmentRun, InputKind, RunStatus

BATCH = 2000
PARALLEL_MIN = 500  # organizations: below this a run takes well under a second anyway


def card_of(run: AssessmentRun) -> sr.Scorecard:
    """The scorecard frozen into the run (parsed once per run object)."""
    card = getattr(run, "_card", None)
    if card is None:
        card = run._card = sr.parse(run.scorecard)
    return card


def _lock(run: AssessmentRun) -> AssessmentRun:
    locked = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if locked.status == RunStatus.FINAL:
        raise ServiceError({"__all__": "该考核已定级，不能再修改"})
    return locked


def run_create(*, actor, org, year: int, scorecard_key: str, on: dt.date | None = None,
               progress: Callable[[str], None] | None = None) -> AssessmentRun:
    card = sr.available().get(scorecard_key)
    if card is None:
        raise ServiceError({"scorecard": "请选择考核方案"})
    if org.kind in card.applies_to:
        raise ServiceError({"__all__": "考核评星由上级党组织对所属党支部开展，请在党委或党总支发起"})
    if not 2000 <= year <= 2100:
        raise ServiceError({"year": "年度不正确"})
    with transaction.atomic():
        run = AssessmentRun.objects.create(org=org, year=year, scorecard_key=card.key, scorecard=card.raw,
                                           created_by=actor)
        audit.record(actor=actor, action="assessment.create", target=run, org=org,
                     changes={"year": [None, year], "scorecard": [None, card.key]})
    return run_compute(actor=actor, run=run, on=on, progress=progress)


def run_compute(*, actor, run: AssessmentRun, on: dt.date | None = None,
                progress: Callable[[str], None] | None = None) -> AssessmentRun:
    """Compute every assessed organization's score from the records (set-based, indicators.py),
    rank them and propose grades within the quotas. Officers' entries and grade changes stay.

    The records are read before the write transaction (on PostgreSQL, large subtrees read the
    indicators in parallel connections); the run is then locked, scored and saved at once."""
    started = time.monotonic()
    on = on or timezone.localdate()
    if run.status == RunStatus.FINAL:
        raise ServiceError({"__all__": "该考核已定级，不能再修改"})
    card = card_of(run)
    orgs = indicators.assessed_orgs(run.org, card.applies_to)
    tree = indicators.Subtree(run.org, run.year, on, orgs)
    parallel = connection.vendor == "postgresql" and len(orgs) >= PARALLEL_MIN and not connection.in_atomic_block
    facts = indicators.compute(card, tree, progress, parallel=parallel)
    with transaction.atomic():
        run = _lock(run)
        inputs = _inputs(run)
        kept = {oid: (g, why) for oid, g, why in run.results.exclude(grade_reason="").values_list("org_id", "grade", "grade_reason")}
        results = []
        for oid, row in orgs.items():
            score = sr.score_org(card, facts.get(oid, {}), inputs.get(oid, {}))
            results.append(AssessmentResult(
                run=run, org_id=oid, org_name=row.name, org_path=row.path, base=score.base, deductions=score.deductions,
                survey=score.survey, bonus=score.bonus, total=score.total, cap=score.cap or "",
                lines=[line.as_dict() for line in score.lines]))
        _rank_and_propose(card, results)
        for r in results:
            grade, why = kept.get(r.org_id, (None, ""))
            r.grade, r.grade_reason = (grade, why) if grade else (r.proposed_grade, "")
        if progress:
            progress("保存结果")
        run.results.all().delete()
        _save(results)
        run.org_count = len(results)
        run.computed_at = timezone.now()
        run.compute_seconds = round(time.monotonic() - started, 2)
        run.save(update_fields=["org_count", "computed_at", "compute_seconds"])
        audit.record(actor=actor, action="assessment.compute", target=run, org=run.org,
                     changes={"orgs": [None, len(results)]})
    return run


COPY_FIELDS = ("run_id", "org_id", "org_name", "org_path", "base", "deductions", "survey", "bonus", "total", "cap",
               "rank", "proposed_grade", "grade", "grade_reason", "lines")


def _save(results: list[AssessmentResult]) -> None:
    """Insert the results: COPY on PostgreSQL (bulk_create spends ~2 ms a row adapting the JSON
    lines: 44,000 rows took over a minute), bulk_create elsewhere."""
    if connection.vendor != "postgresql" or len(results) < PARALLEL_MIN:
        AssessmentResult.objects.bulk_create(results, batch_size=BATCH)
        return
    table = AssessmentResult._meta.db_table
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({', '.join(COPY_FIELDS)}) FROM STDIN") as copy:
        for r in results:
            copy.write_row((r.run_id, r.org_id, r.org_name, r.org_path, r.base, r.deductions, r.survey, r.bonus, r.total,
                            r.cap, r.rank, r.proposed_grade, r.grade, r.grade_reason,
                            json.dumps(r.lines, ensure_ascii=False)))


def _inputs(run: AssessmentRun, org_id: int | None = None) -> dict[int, dict[tuple[str, str], sr.Input]]:
    qs = run.inputs.all() if org_id is None else run.inputs.filter(org_id=org_id)
    out: dict[int, dict] = {}
    for oid, kind, key, value, evidence, reason in qs.values_list("org_id", "kind", "key", "value", "evidence", "reason"):
        out.setdefault(oid, {})[(kind, key)] = sr.Input(value, evidence, reason)
    return out


def _rank_and_propose(card: sr.Scorecard, results: list[AssessmentResult]) -> list[AssessmentResult]:
    """Rank (1, 2, 2, 4 by total; ties in tree order) and propose grades in rank order."""
    ranks = sr.rank([(r.total, r.org_path) for r in results])
    for r, n in zip(results, ranks, strict=True):
        r.rank = n
    ordered = sorted(results, key=lambda r: (r.rank, r.org_path))
    for r, g in zip(ordered, sr.propose_grades(card, [(r.total, r.cap or None) for r in ordered]), strict=True):
        r.proposed_grade = g
    return ordered


def _rescore(run: AssessmentRun, org_id: int) -> None:
    """After an entry: rescore one organization from its stored facts, then re-rank the run."""
    card = card_of(run)
    result = AssessmentResult.objects.get(run=run, org_id=org_id)
    score = sr.score_org(card, sr.facts_from_lines(result.lines), _inputs(run, org_id).get(org_id, {}))
    result.base, result.deductions, result.survey, result.bonus = score.base, score.deductions, score.survey, score.bonus
    result.total, result.cap = score.total, score.cap or ""
    result.lines = [line.as_dict() for line in score.lines]
    result.save(update_fields=["base", "deductions", "survey", "bonus", "total", "cap", "lines"])
    rows = list(run.results.only("id", "org_id", "org_path", "total", "cap", "rank", "proposed_grade", "grade",
                                 "grade_reason"))
    _rank_and_propose(card, rows)
    for r in rows:
        if not r.grade_reason:
            r.grade = r.proposed_grade
    AssessmentResult.objects.bulk_update(rows, ["rank", "proposed_grade", "grade"], batch_size=BATCH)


def _decimal(raw, field: str = "value") -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError({field: "请输入数字"}) from None
    if not value.is_finite():
        raise ServiceError({field: "请输入数字"})
    return value


def input_set(*, actor, run: AssessmentRun, org, kind: str, key: str, value, evidence: str = "",
              reason: str = "") -> AssessmentInput:
    """Record an officer's entry for one organization and rescore it. Manual scores, recorded
    deductions, vetoes and bonus points need evidence; an adjustment needs a reason."""
    card = card_of(run)
    evidence, reason = (evidence or "").strip(), (reason or "").strip()
    leaves = {i.id: i for i in card.leaves()}
    number = _decimal(value)
    if kind == InputKind.MANUAL:
        ind = leaves.get(key)
        if ind is None or not ind.manual:
            raise ServiceError({"key": "该指标不是人工评分指标"})
        if not 0 <= number <= ind.weight:
            raise ServiceError({"value": f"得分须在0到{ind.weight}分之间"})
        if not evidence:
            raise ServiceError({"evidence": "请填写评分依据（材料、检查情况等）"})
    elif kind == InputKind.ADJUST:
        ind = leaves.get(key)
        if ind is None:
            raise ServiceError({"key": "指标不存在"})
        if not 0 <= number <= ind.weight:
            raise ServiceError({"value": f"得分须在0到{ind.weight}分之间"})
        if not reason:
            raise ServiceError({"reason": "调整分数必须填写理由"})
    elif kind == InputKind.SURVEY:
        key = "survey"
        if not card.survey_weight:
            raise ServiceError({"kind": "该考核方案没有群众评价"})
        if not 0 <= number <= 100:
            raise ServiceError({"value": "群众满意度须在0到100之间"})
    elif kind == InputKind.BONUS:
        key = "bonus"
        if not 0 <= number <= card.bonus_max:
            raise ServiceError({"value": f"加分须在0到{card.bonus_max}分之间"})
        if number and not evidence:
            raise ServiceError({"evidence": "请填写加分依据"})
    elif kind in (InputKind.DEDUCTION, InputKind.VETO):
        items = card.deductions if kind == InputKind.DEDUCTION else card.vetoes
        item = next((i for i in items if i.id == key), None)
        if item is None or item.auto:
            raise ServiceError({"key": "该项由系统根据记录自动认定，不能人工录入"})
        if number not in (0, 1):
            raise ServiceError({"value": "请选择是否认定"})
        if number and not evidence:
            raise ServiceError({"evidence": "请填写认定依据"})
    else:
        raise ServiceError({"kind": "录入类型不正确"})
    with transaction.atomic():
        run = _lock(run)
        if not AssessmentResult.objects.filter(run=run, org=org).exists():
            raise ServiceError({"__all__": "该组织不在本次考核范围内"})
        before = AssessmentInput.objects.filter(run=run, org=org, kind=kind, key=key).first()
        entry, _ = AssessmentInput.objects.update_or_create(
            run=run, org=org, kind=kind, key=key,
            defaults={"value": number, "evidence": evidence, "reason": reason, "entered_by": actor})
        _rescore(run, org.pk)
        audit.record(actor=actor, action="assessment.adjust" if kind == InputKind.ADJUST else "assessment.input",
                     target=run, org=org, changes={
                         f"{kind}:{key}": [None if before is None else str(before.value), str(number)],
                         **({"reason": [None, reason]} if reason else {}),
                     })
    return entry


def grade_set(*, actor, run: AssessmentRun, org, grade: str, reason: str) -> AssessmentResult:
    """Set an organization's grade other than the proposed one, with a reason, within its veto
    cap and the grade's quota."""
    card = card_of(run)
    reason = (reason or "").strip()
    if grade not in {g.id for g in card.grades}:
        raise ServiceError({"grade": "等次不正确"})
    with transaction.atomic():
        run = _lock(run)
        result = AssessmentResult.objects.select_for_update().filter(run=run, org=org).first()
        if result is None:
            raise ServiceError({"__all__": "该组织不在本次考核范围内"})
        if grade != result.proposed_grade and not reason:
            raise ServiceError({"reason": "改变建议等次必须填写理由"})
        if result.cap and card.grade_index(grade) < card.grade_index(result.cap):
            raise ServiceError({"grade": f"因否决项，最高只能评为{card.grade(result.cap).label}"})
        if result.total < card.grade(grade).min:
            raise ServiceError({"grade": f"总分{result.total}未达到{card.grade(grade).label}的分数线{card.grade(grade).min}"})
        limit = sr.quota_counts(card, run.org_count)[grade]
        if limit is not None:
            taken = run.results.filter(grade=grade).exclude(pk=result.pk).count()
            if taken >= limit:
                raise ServiceError({"grade": f"{card.grade(grade).label}不能超过{limit}个（比例上限）"})
        old = result.grade
        result.grade = grade
        result.grade_reason = reason if grade != result.proposed_grade else ""
        result.save(update_fields=["grade", "grade_reason"])
        audit.record(actor=actor, action="assessment.grade", target=run, org=org,
                     changes={"grade": [old, grade], "reason": [None, reason]})
    return result


def run_finalize(*, actor, run: AssessmentRun) -> AssessmentRun:
    with transaction.atomic():
        run = _lock(run)
        if not run.results.exists():
            raise ServiceError({"__all__": "没有参加考核的组织，不能定级"})
        run.status = RunStatus.FINAL
        run.finalized_at = timezone.now()
        run.finalized_by = actor
        run.save(update_fields=["status", "finalized_at", "finalized_by"])
        audit.record(actor=actor, action="assessment.finalize", target=run, org=run.org,
                     changes={"status": [RunStatus.DRAFT, RunStatus.FINAL]})
    return run
