"""The compliance core: which meetings does an organization owe in a year, which held meetings
count, and the verdict for each kind × period. Pure functions over rule data and records.

A held meeting counts for every kind it was recorded as (a 主题党日 that is also the quarterly
assembly counts once for each), by the date it was held, never the date it was entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from .loader import Profile
from .periods import Period, periods_of_year

KIND_LABELS = {
    "assembly": "支部党员大会",
    "committee_meeting": "支部委员会会议",
    "group_meeting": "党小组会",
    "party_lecture": "党课",
    "theme_day": "主题党日",
    "org_life_meeting": "组织生活会",
    "democratic_life_meeting": "民主生活会",
}
EVERY_LABELS = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}
STATUS_LABELS = {
    "met": "已完成",
    "missed": "未完成",
    "due": "进行中",
    "upcoming": "未开始",
    "exempt": "已批准免于召开",
    "not_applicable": "不适用",
}
# A month's colour on the heat map is the worst status of the kinds whose period covers it.
STATUS_SEVERITY = {"missed": 5, "due": 4, "upcoming": 3, "met": 2, "exempt": 1, "not_applicable": 0}


@dataclass(frozen=True)
class OrgFacts:
    """What the engine needs to know about an organization."""

    id: int
    kind: str
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    has_committee: bool = False


@dataclass(frozen=True)
class HeldMeeting:
    id: int
    held_on: dt.date
    kinds: frozenset[str]


@dataclass(frozen=True)
class Requirement:
    kind: str
    rule_id: str
    every: str
    min: int
    conf: str
    preferred_quarter: int | None = None
    needs_committee: bool = False
    # The rule's own dates: a period wholly outside them owes nothing under this rule.
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass
class Verdict:
    org_id: int
    kind: str
    period: str
    required: int
    held: int
    status: str
    rule: str
    explanation: str
    meetings: list[int] = field(default_factory=list)


def requirements(profile: Profile, org_kind: str, on: dt.date) -> list[Requirement]:
    """The meeting kinds an organization of this kind owes under the profile in force on a day."""
    out = []
    for kind in KIND_LABELS:
        rule_id = f"meeting.{kind}"
        if rule_id not in profile.rules:
            continue
        rule = profile.rule(rule_id)
        if not rule.in_force(on) or (rule.applies_to and org_kind not in rule.applies_to):
            continue
        value = rule.value
        out.append(Requirement(kind, rule_id, value["every"], int(value["min"]), rule.conf,
                               value.get("preferred_quarter"), bool(value.get("needs_committee")),
                               rule.effective_from, rule.effective_to))
    return out


def _not_applicable_reason(org: OrgFacts, req: Requirement, period: Period) -> str | None:
    if req.needs_committee and not org.has_committee:
        return "本支部未设支部委员会，不召开支委会。"
    if org.established_on and period.end < org.established_on:
        return f"本组织于{org.established_on:%Y年%-m月%-d日}成立，此前不作要求。"
    if org.dissolved_on and period.start > org.dissolved_on:
        return f"本组织已于{org.dissolved_on:%Y年%-m月%-d日}撤销。"
    if req.effective_from and period.end < req.effective_from:
        return f"该规定自{req.effective_from:%Y年%-m月%-d日}起施行，此前不作要求。"
    if req.effective_to and period.start > req.effective_to:
        return f"该规定已于{req.effective_to:%Y年%-m月%-d日}停止执行。"
    return None


def judge(
    org: OrgFacts,
    reqs: Iterable[Requirement],
    meetings: Iterable[HeldMeeting],
    year: int,
    on: dt.date,
    exemptions: Iterable[tuple[str, str]] = (),
) -> list[Verdict]:
    """Verdicts for one organization and year, judged as of the day `on`.

    exemptions: (kind, period label) pairs with an approved exemption.
    """
    counts: dict[tuple[str, int], int] = {}
    ids: dict[tuple[str, int], list[int]] = {}
    in_year = [m for m in meetings if m.held_on is not None and m.held_on.year == year]
    for m in sorted(in_year, key=lambda m: (m.held_on, m.id)):
        for kind in m.kinds:
            key = (kind, m.held_on.month)
            counts[key] = counts.get(key, 0) + 1
            ids.setdefault(key, []).append(m.id)
    return judge_counts(org, reqs, counts, year, on, exemptions, ids)


def judge_counts(
    org: OrgFacts,
    reqs: Iterable[Requirement],
    counts: Mapping[tuple[str, int], int],
    year: int,
    on: dt.date,
    exemptions: Iterable[tuple[str, str]] = (),
    ids: Mapping[tuple[str, int], list[int]] | None = None,
) -> list[Verdict]:
    """judge() over counted meetings per (kind, month of `year`) rather than the meetings
    themselves: the shape a SQL aggregate gives. ids, when given, are the meeting ids per
    (kind, month) in date order; without them each verdict's meetings list is empty."""
    exempt = set(exemptions)
    facts = OrgFacts(0, org.kind, org.established_on, org.dissolved_on, org.has_committee)
    out = []
    for req in reqs:
        kind = req.kind
        for period in _periods(year, req.every):
            months = range(period.start.month, period.end.month + 1)
            per_month = tuple(counts.get((kind, month), 0) for month in months)
            counted = [i for month in months for i in ids.get((kind, month), ())] if ids else []
            status, text = _status(facts, req, period, per_month, (kind, period.label) in exempt, on)
            out.append(Verdict(org.id, kind, period.label, req.min, sum(per_month), status, req.rule_id, text, counted))
    return out


@lru_cache(maxsize=256)
def _periods(year: int, every: str) -> tuple[Period, ...]:
    return tuple(periods_of_year(year, every))


@lru_cache(maxsize=65536)
def _status(org: OrgFacts, req: Requirement, period: Period, per_month: tuple[int, ...], exempt: bool,
            on: dt.date) -> tuple[str, str]:
    """Status and explanation of one kind × period (cached: a tree has few distinct ones)."""
    reason = _not_applicable_reason(org, req, period)
    if reason:
        return "not_applicable", reason
    label = KIND_LABELS[req.kind]
    if exempt:
        return "exempt", f"{period.label}的{label}已批准免于召开。"
    held = sum(per_month)
    rule_text = f"按规定{EVERY_LABELS[req.every]}至少召开{req.min}次{label}"
    if held >= req.min:
        text = f"{rule_text}，{period.label}已召开{held}次。"
        months = range(period.start.month, period.end.month + 1)
        if req.preferred_quarter and not any(
            n and (month - 1) // 3 + 1 == req.preferred_quarter for month, n in zip(months, per_month, strict=True)
        ):
            text += f"（一般应安排在第{req.preferred_quarter}季度）"
        return "met", text
    if period.end < on:
        return "missed", f"{rule_text}，{period.label}已结束，仅召开{held}次。"
    if period.start <= on:
        return "due", f"{rule_text}，{period.label}截至{on:%-m月%-d日}已召开{held}次，尚需{req.min - held}次。"
    return "upcoming", f"{rule_text}，{period.label}尚未开始。"


def period_months(label: str) -> range:
    """The months (1–12) a period label covers: '2026-03' → 3..3, '2026-Q2' → 4..6, '2026' → 1..12."""
    rest = label[5:]
    if not rest:
        return range(1, 13)
    if rest[0] == "Q":
        q = int(rest[1:])
        return range(3 * q - 2, 3 * q + 1)
    if rest[0] == "H":
        h = int(rest[1:])
        return range(6 * h - 5, 6 * h + 1)
    return range(int(rest), int(rest) + 1)


def month_statuses(verdicts: Iterable[Verdict], kind: str | None = None) -> list[str | None]:
    """For months 1–12, the worst status (STATUS_SEVERITY) of the verdicts, None where nothing is
    owed. For one kind, a verdict colours every month of its period (the quarter's assembly spans
    three cells). For all kinds together, a verdict shows once, in the month its period closes:
    otherwise a yearly 组织生活会 still under way would colour every month that was kept."""
    out: list[str | None] = [None] * 12
    for v in verdicts:
        if kind and v.kind != kind:
            continue
        months = period_months(v.period) if kind else period_months(v.period)[-1:]
        for month in months:
            current = out[month - 1]
            if current is None or STATUS_SEVERITY[current] < STATUS_SEVERITY[v.status]:
                out[month - 1] = v.status
    return out


def _as_fraction(ratio: float | Fraction | str) -> Fraction:
    """Rule data writes ratios as decimals (0.5, 0.6667 for two thirds): read them as the simple
    fraction they stand for, so that exactly 2 of 3 is "not less than two thirds"."""
    return Fraction(str(ratio)).limit_denominator(100)


def quorum_met(*, present_entitled: int, entitled_due: int, ratio: float | Fraction | str = 0.5,
               strict: bool = True) -> bool:
    """RULES §1.2: voting members present must be more than half of those entitled (strict >).
    Compared in whole numbers: present × denominator against due × numerator."""
    if entitled_due <= 0:
        return False
    share = _as_fraction(ratio)
    left, right = present_entitled * share.denominator, entitled_due * share.numerator
    return left > right if strict else left >= right


def resolution_passed(*, yes: int, entitled_due: int) -> bool:
    """RULES §1.2: yes votes must exceed half of the voting-entitled due to attend (应到会),
    not of those present."""
    return entitled_due > 0 and yes * 2 > entitled_due
