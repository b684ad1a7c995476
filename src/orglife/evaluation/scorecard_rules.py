"""Assessment scorecards (RULES §7) as data, and their arithmetic as pure functions.

A scorecard is a YAML file in ``rules/scorecards/``: an indicator tree with weights (automatic
indicators name a computation in indicators.py, manual ones take an officer's score), deductions,
vetoes (each caps the grade), a survey weight, a bonus cap, grade thresholds and quotas. The
engine model of RULES §7:

    total = (1 − survey.weight) × max(0, base − deductions) + survey.weight × survey + bonus

Grades are proposed by the assessing 党委 over the whole run (propose_grades): in rank order, each
organization gets the best grade its score reaches, its vetoes allow and whose quota is not full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from orglife.rules.loader import CONFIDENCE, RuleError

SCORECARDS_DIR = Path(__file__).resolve().parent.parent / "rules" / "scorecards"
AUTO_KINDS = ("org_life_compliance", "talk_coverage", "class_hours", "exam_pass_rate", "rectification_on_time",
              "evaluation_held", "dues_on_time")
DEDUCTION_KINDS = ("inactive_months", "committee_missing", "term_expired", "missed_periods")
VETO_KINDS = ("survey_below",)
EMPTY = ("full", "zero")
CENT = Decimal("0.01")


def q2(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    weight: Decimal
    source: str
    conf: str
    auto: str = ""  # one of AUTO_KINDS, or "" for a manual indicator
    when_empty: str = "full"  # an automatic rate with nothing to count: full marks or zero
    children: tuple[Indicator, ...] = ()
    path: tuple[str, ...] = ()  # labels of the groups above

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def manual(self) -> bool:
        return self.is_leaf and not self.auto


@dataclass(frozen=True)
class Deduction:
    id: str
    label: str
    points: Decimal
    source: str
    conf: str
    auto: str = ""  # one of DEDUCTION_KINDS, or "" when an officer records it
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Veto:
    id: str
    label: str
    cap: str  # the best grade id still allowed
    source: str
    conf: str
    auto: str = ""
    below: Decimal | None = None


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    min: Decimal
    quota: Decimal | None  # the highest share of the run's organizations that may get it
    source: str = ""


@dataclass(frozen=True)
class Scorecard:
    id: str
    version: str
    year: int
    name: str
    source: str
    applies_to: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    deductions: tuple[Deduction, ...]
    vetoes: tuple[Veto, ...]
    survey_weight: Decimal
    survey_source: str
    bonus_max: Decimal
    grades: tuple[Grade, ...]  # best first
    raw: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def leaves(self) -> list[Indicator]:
        cached = self.__dict__.get("_leaves")
        if cached is not None:
            return cached
        out: list[Indicator] = []

        def walk(items):
            for i in items:
                if i.children:
                    walk(i.children)
                else:
                    out.append(i)
        walk(self.indicators)
        object.__setattr__(self, "_leaves", out)  # frozen: cache outside the fields (score_org asks per organization)
        return out

    @property
    def base_max(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    def grade(self, grade_id: str) -> Grade:
        return next(g for g in self.grades if g.id == grade_id)

    def grade_index(self, grade_id: str) -> int:
        return [g.id for g in self.grades].index(grade_id)

    def auto_kinds(self) -> set[str]:
        return {i.auto for i in self.leaves() if i.auto}


def _dec(value, where: str) -> Decimal:
    try:
        out = Decimal(str(value))
    except Exception:
        raise RuleError(f"{where}: 不是数字：{value!r}") from None
    if out < 0:
        raise RuleError(f"{where}: 不能为负数")
    return out


def _conf(data: dict, where: str) -> str:
    conf = data.get("conf", "L")
    if conf not in CONFIDENCE:
        raise RuleError(f"{where}: conf 必须是 {sorted(CONFIDENCE)} 之一")
    return conf


def _indicator(data: dict, path: tuple[str, ...], seen: set[str]) -> Indicator:
    iid = str(data.get("id", ""))
    if not iid or iid in seen:
        raise RuleError(f"指标编号为空或重复：{iid!r}")
    seen.add(iid)
    label = str(data.get("label", iid))
    children = tuple(_indicator(c, (*path, label), seen) for c in data.get("children", []) or [])
    if children:
        weight = sum((c.weight for c in children), Decimal(0))
        if "weight" in data and _dec(data["weight"], iid) != weight:
            raise RuleError(f"{iid}: 分值 {data['weight']} 与下级指标分值之和 {weight} 不一致")
        auto = ""
    else:
        if "weight" not in data:
            raise RuleError(f"{iid}: 缺少分值 weight")
        weight = _dec(data["weight"], iid)
        auto = str(data.get("auto", "") or "")
        if auto and auto not in AUTO_KINDS:
            raise RuleError(f"{iid}: 未知的自动指标 {auto}")
        if not auto and not data.get("manual"):
            raise RuleError(f"{iid}: 末级指标须为自动指标（auto）或人工评分（manual: true）")
    when_empty = str(data.get("when_empty", "full"))
    if when_empty not in EMPTY:
        raise RuleError(f"{iid}: when_empty 只能是 full 或 zero")
    if not data.get("source"):
        raise RuleError(f"{iid}: 缺少来源 source")
    return Indicator(iid, label, weight, str(data["source"]), _conf(data, iid), auto, when_empty, children, path)


def parse(data: dict) -> Scorecard:
    """Validate a scorecard's YAML data; RuleError names what is wrong."""
    for key in ("id", "version", "year", "name", "indicators", "grades"):
        if key not in data:
            raise RuleError(f"考核方案缺少 {key}")
    seen: set[str] = set()
    indicators = tuple(_indicator(i, (), seen) for i in data["indicators"])
    deductions = []
    for d in data.get("deductions", []) or []:
        auto = str(d.get("auto", "") or "")
        if auto and auto not in DEDUCTION_KINDS:
            raise RuleError(f"{d.get('id')}: 未知的自动扣分项 {auto}")
        if not d.get("id") or not d.get("source"):
            raise RuleError("扣分项须有 id 和 source")
        params = {k: v for k, v in d.items() if k not in ("id", "label", "points", "source", "conf", "auto")}
        deductions.append(Deduction(str(d["id"]), str(d.get("label", d["id"])), _dec(d.get("points", 0), d["id"]),
                                    str(d["source"]), _conf(d, d["id"]), auto, params))
    grades = []
    last = None
    for g in data["grades"]:
        minimum = _dec(g.get("min", 0), g.get("id", "grade"))
        if last is not None and minimum >= last:
            raise RuleError("等次须按分数线从高到低排列")
        last = minimum
        quota = g.get("quota")
        quota = None if quota is None else _dec(quota, g["id"])
        if quota is not None and quota > 1:
            raise RuleError(f"{g['id']}: 比例上限须在0到1之间")
        grades.append(Grade(str(g["id"]), str(g.get("label", g["id"])), minimum, quota, str(g.get("source", ""))))
    if not grades or grades[-1].min != 0 or grades[-1].quota is not None:
        raise RuleError("最低等次的分数线须为0且不设比例上限（每个组织都要有等次）")
    grade_ids = {g.id for g in grades}
    vetoes = []
    for v in data.get("vetoes", []) or []:
        if v.get("cap") not in grade_ids:
            raise RuleError(f"{v.get('id')}: 否决项的封顶等次 {v.get('cap')} 不存在")
        auto = str(v.get("auto", "") or "")
        if auto and auto not in VETO_KINDS:
            raise RuleError(f"{v.get('id')}: 未知的自动否决项 {auto}")
        vetoes.append(Veto(str(v["id"]), str(v.get("label", v["id"])), str(v["cap"]), str(v.get("source", "")),
                           _conf(v, v["id"]), auto, _dec(v["below"], v["id"]) if "below" in v else None))
    survey = data.get("survey") or {}
    weight = _dec(survey.get("weight", 0), "survey")
    if weight > 1:
        raise RuleError("群众评价权重须在0到1之间")
    bonus = data.get("bonus") or {}
    return Scorecard(
        id=str(data["id"]), version=str(data["version"]), year=int(data["year"]), name=str(data["name"]),
        source=str(data.get("source", "")), applies_to=tuple(data.get("applies_to") or ("branch", "joint_branch")),
        indicators=indicators, deductions=tuple(deductions), vetoes=tuple(vetoes), survey_weight=weight,
        survey_source=str(survey.get("source", "")), bonus_max=_dec(bonus.get("max", 0), "bonus"),
        grades=tuple(grades), raw=data,
    )


@lru_cache(maxsize=1)
def available() -> dict[str, Scorecard]:
    """Every shipped scorecard by key (id@version). Item sets other than scorecards (a file without
    indicators, e.g. duty-review.yaml) are skipped."""
    out = {}
    for path in sorted(SCORECARDS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "indicators" not in data:
            continue
        card = parse(data)
        out[card.key] = card
    return out


def for_year(year: int) -> list[Scorecard]:
    """Scorecards for a year, the newest version first; an older year's card if none is dated this year."""
    cards = sorted(available().values(), key=lambda c: (c.year, c.version), reverse=True)
    exact = [c for c in cards if c.year == year]
    return exact or [c for c in cards if c.year < year][:1]


def duty_review_items() -> list[dict]:
    data = yaml.safe_load((SCORECARDS_DIR / "duty-review.yaml").read_text(encoding="utf-8"))
    return [dict(i) for i in data["items"]]


# ------------------------------------------------------------------ arithmetic


@dataclass
class Line:
    """One explained point: what it is, the rule and its source, the data, the points."""

    id: str
    label: str
    kind: str  # indicator | deduction | veto | survey | bonus
    points: Decimal
    max_points: Decimal | None
    explanation: str
    source: str
    value: float | None = None  # an automatic rate
    records: dict = field(default_factory=dict)  # {"count": n, "url": ...}
    adjusted_from: Decimal | None = None
    reason: str = ""
    group: str = ""
    fact: Fact | None = None  # what an automatic indicator or deduction found

    def as_dict(self) -> dict:
        """What a result stores per line; labels, sources and maxima come from the scorecard."""
        out = {"id": self.id, "kind": self.kind, "points": str(self.points), "text": self.explanation}
        if self.value is not None:
            out["value"] = round(self.value, 4)
        if self.records:
            out["records"] = self.records
        if self.adjusted_from is not None:
            out["adjusted_from"] = str(self.adjusted_from)
            out["reason"] = self.reason
        if self.fact is not None:
            out["fact"] = [self.fact.value, self.fact.explanation]
        return out


@dataclass
class OrgScore:
    base: Decimal
    deductions: Decimal
    survey: Decimal | None
    bonus: Decimal
    total: Decimal
    cap: str | None  # the best grade the vetoes allow (None: no veto)
    lines: list[Line]


def indicator_points(ind: Indicator, value: float | None) -> Decimal:
    """Points of an automatic indicator from its rate (None: nothing to count)."""
    if value is None:
        value = 1.0 if ind.when_empty == "full" else 0.0
    value = min(max(value, 0.0), 1.0)
    return q2(ind.weight * Decimal(str(value)))


def total_of(card: Scorecard, base: Decimal, deductions: Decimal, survey: Decimal | None, bonus: Decimal) -> Decimal:
    sw = card.survey_weight
    kept = max(Decimal(0), base - deductions)
    return q2((1 - sw) * kept + sw * (survey or Decimal(0)) + min(bonus, card.bonus_max))


def best_grade(card: Scorecard, total: Decimal, cap: str | None = None) -> str:
    """The best grade the score reaches, no better than the cap."""
    start = card.grade_index(cap) if cap else 0
    for g in card.grades[start:]:
        if total >= g.min:
            return g.id
    return card.grades[-1].id


def quota_counts(card: Scorecard, n: int) -> dict[str, int | None]:
    """How many organizations of a run of n may get each grade (share × n, rounded down)."""
    return {g.id: None if g.quota is None else int((g.quota * n).to_integral_value(rounding="ROUND_FLOOR"))
            for g in card.grades}


def propose_grades(card: Scorecard, ranked: list[tuple[Decimal, str | None]]) -> list[str]:
    """Grades for organizations given in rank order as (total, veto cap). Each gets the best grade
    its total reaches and its cap allows whose quota is not yet full; otherwise the next one down.
    The lowest grade has no quota, so everyone gets a grade and no quota is exceeded."""
    limits = quota_counts(card, len(ranked))
    used = dict.fromkeys(limits, 0)
    out = []
    for total, cap in ranked:
        start = card.grade_index(best_grade(card, total, cap))
        for g in card.grades[start:]:
            limit = limits[g.id]
            if limit is None or used[g.id] < limit:
                used[g.id] += 1
                out.append(g.id)
                break
    return out


def rank(totals: list[tuple[Decimal, str]]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) for (total, tie-break key) pairs, in the given order."""
    order = sorted(range(len(totals)), key=lambda i: (-totals[i][0], totals[i][1]))
    ranks = [0] * len(totals)
    prev, prev_rank = None, 0
    for pos, i in enumerate(order, start=1):
        if totals[i][0] != prev:
            prev, prev_rank = totals[i][0], pos
        ranks[i] = prev_rank
    return ranks


@dataclass(frozen=True)
class Fact:
    """What an automatic indicator or deduction found for one organization."""

    value: float | None = None  # a rate 0–1 (indicators) or a count (deductions)
    explanation: str = ""
    records: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Input:
    """An officer's entry for one organization: a manual score, the survey, a recorded deduction
    or veto, a bonus, or an adjustment (a new score for an indicator, with a reason)."""

    value: Decimal
    evidence: str = ""
    reason: str = ""


def deduction_points(d: Deduction, count: float | None) -> Decimal:
    """Points a triggered deduction takes: once, or per finding (missed_periods) up to max."""
    if not count:
        return Decimal(0)
    if d.auto == "missed_periods":
        pts = d.points * Decimal(int(count))
        cap = d.params.get("max")
        return min(pts, Decimal(str(cap))) if cap is not None else pts
    return d.points


def score_org(card: Scorecard, facts: dict[str, Fact], inputs: dict[tuple[str, str], Input]) -> OrgScore:
    """Every point of one organization, explained. facts: by indicator or deduction id; inputs by
    (kind, id) with kind in manual, adjust, deduction, veto, survey, bonus."""
    lines: list[Line] = []
    base = Decimal(0)
    memo = card.__dict__.get("_points")
    if memo is None or len(memo) > 100_000:
        memo = {}
        object.__setattr__(card, "_points", memo)  # (indicator, rate, words) → points and text: a run repeats them
    for ind in card.leaves():
        group = " / ".join(ind.path)
        if ind.auto:
            fact = facts.get(ind.id, Fact())
            key = (ind.id, fact.value, fact.explanation)
            found = memo.get(key)
            if found is None:
                points = indicator_points(ind, fact.value)
                if fact.value is None:
                    text = (fact.explanation or "无可统计的记录") + ("，按满分计" if ind.when_empty == "full" else "，按0分计")
                else:
                    text = f"{fact.explanation}：{fact.value:.1%} × {ind.weight}分 = {points}分"
                found = memo[key] = (points, text)
            points, text = found
            line = Line(ind.id, ind.label, "indicator", points, ind.weight, text, ind.source, fact.value,
                        dict(fact.records), group=group, fact=fact)
        else:
            entry = inputs.get(("manual", ind.id))
            points = q2(min(entry.value, ind.weight)) if entry else Decimal(0)
            text = f"人工评分：{points}分（满分{ind.weight}分）" if entry else "尚未评分，暂计0分"
            if entry and entry.evidence:
                text += f"；依据：{entry.evidence}"
            line = Line(ind.id, ind.label, "indicator", points, ind.weight, text, ind.source, group=group)
        adjust = inputs.get(("adjust", ind.id))
        if adjust is not None:
            line.adjusted_from = line.points
            line.points = q2(min(adjust.value, ind.weight))
            line.reason = adjust.reason
            line.explanation += f"；经调整为{line.points}分，理由：{adjust.reason}"
        base += line.points
        lines.append(line)
    deducted = Decimal(0)
    for d in card.deductions:
        if d.auto:
            fact = facts.get(d.id, Fact())
            pts = deduction_points(d, fact.value)
            text = fact.explanation or "未发现"
            records = dict(fact.records)
            found: Fact | None = fact
        else:
            entry = inputs.get(("deduction", d.id))
            pts = d.points if entry and entry.value else Decimal(0)
            text = f"经认定：{entry.evidence}" if entry and entry.value else "未认定"
            records = {}
            found = None
        if ("adjust", d.id) in inputs:
            adj = inputs[("adjust", d.id)]
            new = q2(min(adj.value, d.points if d.auto != "missed_periods" else adj.value))
            text += f"；经调整为扣{new}分，理由：{adj.reason}"
            line = Line(d.id, d.label, "deduction", -new, None, text, d.source, records=records,
                        adjusted_from=-pts, reason=adj.reason, fact=found)
            pts = new
        else:
            line = Line(d.id, d.label, "deduction", -pts, None, text, d.source, records=records, fact=found)
        deducted += pts
        lines.append(line)
    survey_in = inputs.get(("survey", "survey"))
    survey = q2(min(max(survey_in.value, Decimal(0)), Decimal(100))) if survey_in else None
    if card.survey_weight:
        text = (f"群众满意度{survey}分 × 权重{card.survey_weight}" if survey is not None else "尚未录入群众评价，暂计0分")
        lines.append(Line("survey", "群众评价", "survey", q2(card.survey_weight * (survey or 0)),
                          q2(card.survey_weight * 100), text, card.survey_source))
    bonus_in = inputs.get(("bonus", "bonus"))
    bonus = q2(min(bonus_in.value, card.bonus_max)) if bonus_in else Decimal(0)
    if bonus:
        lines.append(Line("bonus", "加分", "bonus", bonus, card.bonus_max, f"加分：{bonus_in.evidence}",
                          card.raw.get("bonus", {}).get("source", "")))
    cap: str | None = None
    for v in card.vetoes:
        hit = False
        if v.auto == "survey_below":
            hit = survey is not None and v.below is not None and survey < v.below
            text = f"群众满意度{survey}，低于{v.below}" if hit else "未触发"
        else:
            entry = inputs.get(("veto", v.id))
            hit = bool(entry and entry.value)
            text = f"经认定：{entry.evidence}" if hit else "未认定"
        if hit:
            text += f"，最高只能评为{card.grade(v.cap).label}"
            if cap is None or card.grade_index(v.cap) > card.grade_index(cap):
                cap = v.cap
        lines.append(Line(v.id, v.label, "veto", Decimal(0), None, text, v.source, value=1.0 if hit else 0.0))
    total = total_of(card, base, deducted, survey, bonus)
    return OrgScore(q2(base), q2(deducted), survey, bonus, total, cap, lines)


def facts_from_lines(lines: list[dict]) -> dict[str, Fact]:
    """The automatic facts a stored result was computed from (to rescore one organization after an
    officer's entry without reading the records again)."""
    return {line["id"]: Fact(line["fact"][0], line["fact"][1], line.get("records", {})) for line in lines if "fact" in line}
