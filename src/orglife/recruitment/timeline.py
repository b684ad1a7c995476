"""The recruitment interpreter: given a rule-set and an applicant's dated steps, say which rules
are broken (errors for V rules, warnings otherwise), which deadlines are near or past, what the
next step is and when it is due. Pure: no database, testable with hypothesis.

Findings about recorded dates do not depend on the day they are computed; findings about steps
not yet taken (``pending``) are computed only when ``today`` is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orglife.rules.org_checks import add_months

from .ruleset import Rule, Ruleset, Step

OUTCOMES = {"convert": "按期转正", "extend": "延长预备期", "cancel": "取消预备党员资格"}


@dataclass(frozen=True)
class Record:
    """One recorded step. ``actors``: how many people are named (contacts, sponsors, talkers);
    ``passed``: for a vote, whether its linked resolution passed (None: none linked);
    ``extra``: training days/hours, a conversion vote's outcome and extension months, the dates of
    a publicity period."""

    step: str
    on: dt.date
    actors: int = 0
    passed: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    level: str  # error | warning
    message: str
    step: str = ""
    due: dt.date | None = None
    pending: bool = False  # about a step not yet taken (depends on today)
    blocks_admission: bool = False


@dataclass
class Evaluation:
    findings: list[Finding]
    current: Step | None
    next: Step | None
    next_due: dt.date | None
    probation_end: dt.date | None
    outcome: str = ""  # the latest conversion vote's outcome
    due_step: str = ""  # the step whose deadline is next_due

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error" and f.blocks_admission]

    def rule_ids(self) -> set[str]:
        return {f.rule_id for f in self.findings}


def fmt(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def workdays(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from start to end inclusive (no 节假日/调休 calendar yet)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(rest):
        if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


class _Run:
    def __init__(self, ruleset: Ruleset, records: Iterable[Record], birth_date, today, closed):
        self.rs = ruleset
        self.done: dict[str, list[Record]] = {}
        for r in sorted(records, key=lambda r: (r.on, ruleset.step(r.step).number if ruleset.has_step(r.step) else 0)):
            if ruleset.has_step(r.step):
                self.done.setdefault(r.step, []).append(r)
        self.birth_date = birth_date
        self.today = None if closed else today
        self.closed = closed
        self.findings: list[Finding] = []
        self.dues: list[tuple[dt.date, str]] = []

    # helpers
    def first(self, step_id: str) -> Record | None:
        got = self.done.get(step_id)
        return got[0] if got else None

    def name(self, step_id: str) -> str:
        return f"“{self.rs.step(step_id).name}”"

    def add(self, rule: Rule, message: str, step: str = "", due=None, *, level: str | None = None, pending=False):
        self.findings.append(Finding(rule.id, level or rule.level, message, step, due, pending, rule.blocks_admission))

    def deadline(self, rule: Rule, step_id: str, due: dt.date, what: str) -> None:
        """A step not yet taken with a deadline: remembered for next_due; with today, a warning when
        it is near and a finding at the rule's level when it has passed."""
        if self.closed:
            return
        self.dues.append((due, step_id))
        if self.today is None:
            return
        left = (due - self.today).days
        if left < 0:
            self.add(rule, f"{what}应于{fmt(due)}前完成，已逾期{-left}天", step_id, due, pending=True)
        elif left <= self.rs.warn_days:
            self.add(rule, f"{what}应于{fmt(due)}前完成（还有{left}天）", step_id, due, level="warning", pending=True)

    # probation and conversion
    def base_end(self) -> dt.date | None:
        vote = self.first("acceptance_vote")
        return add_months(vote.on, 12) if vote else None

    def votes(self) -> list[Record]:
        return self.done.get("conversion_vote", [])

    def extension_months(self, upto: int | None = None) -> int:
        for v in self.votes()[:upto]:
            if v.extra.get("outcome") == "extend":
                return int(_number(v.extra.get("extension_months")))
        return 0

    def probation_end(self, upto: int | None = None) -> dt.date | None:
        vote = self.first("acceptance_vote")
        if vote is None:
            return None
        return add_months(vote.on, 12 + self.extension_months(upto))

    def awaiting_conversion_vote(self) -> bool:
        """Admitted and the probation runs: no conversion vote yet, or the last one extended it."""
        if self.first("approval") is None:
            return False
        votes = self.votes()
        return not votes or (votes[-1].extra.get("outcome") == "extend" and len(votes) == 1)

    # rule kinds
    def min_age(self, rule: Rule) -> None:
        rec = self.first(rule["step"])
        if rec and self.birth_date and rec.on < add_months(self.birth_date, 12 * int(rule["years"])):
            self.add(rule, f"递交入党申请书时（{fmt(rec.on)}）未满{rule['years']}周岁", rule["step"])

    def order(self, rule: Rule) -> None:
        for step_id, recs in self.done.items():
            step = self.rs.step(step_id)
            for before in step.after:
                prior = self.first(before)
                if prior is None:
                    self.add(rule, f"已记录{self.name(step_id)}，但尚未记录应在其前的{self.name(before)}", step_id)
                elif recs[0].on < prior.on:
                    self.add(rule, f"{self.name(step_id)}（{fmt(recs[0].on)}）早于{self.name(before)}（{fmt(prior.on)}）",
                             step_id)

    def within(self, rule: Rule) -> None:
        start = self.first(rule["from"])
        if start is None:
            return
        due = add_months(start.on, int(rule["months"]))
        ceiling = add_months(start.on, int(rule["ceiling_months"])) if rule.get("ceiling_months") else None
        rec = self.first(rule["step"])
        what = f"{self.name(rule['step'])}（{self.name(rule['from'])}后{rule['months']}个月内）"
        if rec is None:
            if rule["step"] == "approval" and self.first("acceptance_vote").passed is False:
                return
            self.deadline(rule, rule["step"], due, what)
        elif rec.on > due:
            extra = f"，且超过最长{rule['ceiling_months']}个月" if ceiling and rec.on > ceiling else ""
            self.add(rule, f"{what}应于{fmt(due)}前完成，实际为{fmt(rec.on)}{extra}", rule["step"], due)

    def every(self, rule: Rule) -> None:
        start = self.first(rule["from"])
        if start is None:
            return
        until = self.first(rule["until"]) if rule.get("until") else None
        months = int(rule["months"])
        points = [start.on] + sorted(r.on for r in self.done.get(rule["step"], []) if until is None or r.on <= until.on)
        for prev, nxt in zip(points, points[1:], strict=False):
            if nxt > add_months(prev, months):
                self.add(rule, f"{fmt(prev)}至{fmt(nxt)}之间超过{months}个月未进行{self.name(rule['step'])}", rule["step"],
                         add_months(prev, months))
        due = add_months(points[-1], months)
        if until is not None:
            if until.on > due:
                self.add(rule, f"{fmt(points[-1])}后超过{months}个月未进行{self.name(rule['step'])}"
                               f"（{self.name(rule['until'])}时已逾期）", rule["step"], due)
        else:
            self.deadline(rule, rule["step"], due, f"下一次{self.name(rule['step'])}（每{months}个月一次）")

    def at_least(self, rule: Rule) -> None:
        start, rec = self.first(rule["from"]), self.first(rule["step"])
        if start and rec:
            earliest = add_months(start.on, int(rule["months"]))
            if rec.on < earliest:
                self.add(rule, f"{self.name(rule['step'])}（{fmt(rec.on)}）距{self.name(rule['from'])}（{fmt(start.on)}）"
                               f"不足{rule['months']}个月，最早为{fmt(earliest)}", rule["step"], earliest)

    def actors(self, rule: Rule) -> None:
        step = self.rs.step(rule["step"])
        if step.actors is None:
            return
        low, high = step.actors.min, step.actors.max
        for rec in self.done.get(step.id, []):
            if not low <= rec.actors <= high:
                want = f"{low}名" if low == high else f"{low}至{high}名"
                self.add(rule, f"{self.name(step.id)}应为{want}{step.actors.role}，实际{rec.actors}名", step.id)

    def required_before(self, rule: Rule) -> None:
        later = self.first(rule["before"])
        if later is None:
            return
        rec = self.first(rule["step"])
        if rec is None:
            self.add(rule, f"未记录{self.name(rule['step'])}即进行了{self.name(rule['before'])}", rule["step"])
        elif rec.on >= later.on:
            self.add(rule, f"{self.name(rule['step'])}（{fmt(rec.on)}）应在{self.name(rule['before'])}（{fmt(later.on)}）之前",
                     rule["step"])

    def training(self, rule: Rule) -> None:
        for rec in self.done.get(rule["step"], []):
            days, hours = _number(rec.extra.get("days")), _number(rec.extra.get("hours"))
            if days < rule["min_days"] and hours < rule["min_hours"]:
                self.add(rule, f"集中培训{days:g}天、{hours:g}学时，不足{rule['min_days']}天或{rule['min_hours']}学时",
                         rule["step"])

    def vote_passed(self, rule: Rule) -> None:
        rec = self.first(rule["step"])
        if rec is None:
            return
        if rec.passed is False:
            self.add(rule, f"{self.name(rule['step'])}（{fmt(rec.on)}）的表决未通过", rule["step"])
        elif rec.passed is None and self.first("approval") is not None:
            self.add(rule, f"{self.name(rule['step'])}未关联会议表决结果", rule["step"])

    def probation(self, rule: Rule) -> None:
        end = self.probation_end()
        if end is not None and self.awaiting_conversion_vote() and not self.done.get("conversion_application"):
            self.deadline(rule, "conversion_application", end, f"预备期于{fmt(end)}期满，{self.name('conversion_application')}")

    def extension(self, rule: Rule) -> None:
        extended = [v for v in self.votes() if v.extra.get("outcome") == "extend"]
        if len(extended) > int(rule["max_times"]):
            self.add(rule, f"预备期延长了{len(extended)}次，只能延长{rule['max_times']}次", rule["step"])
        for v in extended:
            months = _number(v.extra.get("extension_months"))
            if not rule["min_months"] <= months <= rule["max_months"]:
                self.add(rule, f"延长预备期{months:g}个月，应为{rule['min_months']}至{rule['max_months']}个月", rule["step"])

    def conversion_vote(self, rule: Rule) -> None:
        for i, v in enumerate(self.votes()):
            end = self.probation_end(i)
            if end is not None and v.on < end:
                self.add(rule, f"{self.name(rule['step'])}（{fmt(v.on)}）早于预备期满（{fmt(end)}）", rule["step"], end)

    def conversion_vote_within(self, rule: Rule) -> None:
        months, ceiling = int(rule["months"]), int(rule["ceiling_months"])
        for i, v in enumerate(self.votes()):
            end = self.probation_end(i)
            if end is not None and v.on > add_months(end, months):
                late = "，超过最长" + str(ceiling) + "个月" if v.on > add_months(end, ceiling) else ""
                self.add(rule, f"预备期{fmt(end)}期满后{months}个月内应讨论转正，实际为{fmt(v.on)}{late}", rule["step"],
                         add_months(end, months))
        end = self.probation_end()
        if end is not None and self.awaiting_conversion_vote():
            self.deadline(rule, rule["step"], add_months(end, months),
                          f"预备期于{fmt(end)}期满，{self.name(rule['step'])}")

    def within_each(self, rule: Rule) -> None:
        starts, recs = self.done.get(rule["from"], []), self.done.get(rule["step"], [])
        months = int(rule["months"])
        for i, start in enumerate(starts):
            due = add_months(start.on, months)
            what = f"{self.name(rule['step'])}（{self.name(rule['from'])}后{months}个月内）"
            if i < len(recs):
                if recs[i].on > due:
                    self.add(rule, f"{what}应于{fmt(due)}前完成，实际为{fmt(recs[i].on)}", rule["step"], due)
            else:
                self.deadline(rule, rule["step"], due, what)

    def publicity(self, rule: Rule) -> None:
        rec = self.first(rule["step"])
        if rec is None:
            return
        start, end = _as_date(rec.extra.get("publicity_start")), _as_date(rec.extra.get("publicity_end"))
        if start is None or end is None:
            self.add(rule, f"{self.name(rule['step'])}前未记录公示期", rule["step"])
            return
        days = workdays(start, end)
        if days < int(rule["min_workdays"]) or end > rec.on:
            self.add(rule, f"公示{fmt(start)}至{fmt(end)}（{days}个工作日，未扣除法定节假日），应在{self.name(rule['step'])}前"
                           f"公示不少于{rule['min_workdays']}个工作日", rule["step"])

    # the next step
    def progress(self) -> tuple[Step | None, Step | None]:
        recorded = [self.rs.step(s) for s in self.done]
        current = max(recorded, key=lambda s: s.number, default=None)
        if self.closed:
            return current, None
        votes = self.votes()
        if votes and votes[-1].extra.get("outcome") == "extend" and len(votes) == len(self.done.get("conversion_approval", [])):
            return current, self.rs.step("conversion_vote")
        if votes and votes[-1].extra.get("outcome") == "cancel":
            return current, None
        nxt = next((s for s in self.rs.steps if s.id not in self.done), None)
        return current, nxt


def evaluate(
    ruleset: Ruleset,
    records: Iterable[Record],
    *,
    birth_date: dt.date | None = None,
    today: dt.date | None = None,
    closed: bool = False,
) -> Evaluation:
    """Judge an applicant's steps against the rule-set. ``closed``: the file is finished (archived,
    cancelled or withdrawn), so nothing is pending."""
    run = _Run(ruleset, records, birth_date, today, closed)
    for rule in ruleset.rules:
        getattr(run, rule.kind)(rule)
    current, nxt = run.progress()
    votes = run.votes()
    due = min(run.dues, default=(None, ""))
    return Evaluation(
        findings=run.findings,
        current=current,
        next=nxt,
        next_due=due[0],
        probation_end=run.probation_end(),
        outcome=votes[-1].extra.get("outcome", "") if votes else "",
        due_step=due[1],
    )
