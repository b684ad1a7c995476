"""Class-hour minimums and study points as pure functions over rules/study.yaml (RULES §6.2).

No database here: the queries gather evidence, these functions judge it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from orglife.rules.loader import RULES_DIR, Profile, Rule, RuleError, _read, parse_library

MEMBER = "member"
COMMITTEE = "committee"
ROLE_LABELS = {MEMBER: "党员", COMMITTEE: "书记、委员"}


@lru_cache(maxsize=1)
def library() -> Profile:
    try:
        profile = parse_library(_read(RULES_DIR / "study.yaml"), "study.yaml")
        _check_points(profile.value("study.points.table"))
        return profile
    except RuleError:
        raise
    except Exception as exc:  # a malformed file is a deployment error: say which file
        raise RuleError(f"study.yaml: {exc}") from exc


def _check_points(table: dict) -> None:
    for action, row in table.items():
        if not isinstance(row.get("points"), int) or row["points"] < 0:
            raise RuleError(f"study.yaml: 积分行动 {action} 的分值应为非负整数")
        if not isinstance(row.get("daily_cap"), int) or row["daily_cap"] < 0:
            raise RuleError(f"study.yaml: 积分行动 {action} 的每日上限应为非负整数")


def minimum_rule(role: str) -> Rule:
    return library().rule("study.class_hours.committee" if role == COMMITTEE else "study.class_hours.member")


def minimum_hours(role: str) -> Decimal:
    return Decimal(str(minimum_rule(role).value))


@dataclass(frozen=True)
class HoursVerdict:
    hours: Decimal
    required: Decimal
    role: str
    conf: str

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.hours, Decimal(0))

    @property
    def met(self) -> bool:
        return self.hours >= self.required

    @property
    def severity(self) -> str:
        """Only a rule matching an official text (V) could be an error; §6.2's hours are S."""
        if self.met:
            return "ok"
        return "error" if self.conf == "V" else "advice"


def judge_hours(hours: Decimal, role: str) -> HoursVerdict:
    rule = minimum_rule(role)
    return HoursVerdict(hours=Decimal(hours), required=Decimal(str(rule.value)), role=role, conf=rule.conf)


# ------------------------------------------------------------------ points


def points_table() -> dict[str, dict]:
    return library().value("study.points.table")


@dataclass(frozen=True)
class Event:
    """One evidence event that may earn points: what, on which day, and a label for the ledger."""

    action: str
    on: dt.date
    label: str = ""


@dataclass(frozen=True)
class LedgerLine:
    action: str
    on: dt.date
    label: str
    points: int  # after the daily cap (0 when the cap was already reached)
    capped: bool


def ledger(events: Iterable[Event], table: dict[str, dict] | None = None, since: dt.date | None = None) -> list[LedgerLine]:
    """Apply the points table to events in date order: each action earns its points until its daily
    cap is reached that day. Events before `since` (the day points were turned on) earn nothing
    and are left out; actions not in the table earn nothing."""
    table = points_table() if table is None else table
    used: dict[tuple[str, dt.date], int] = defaultdict(int)
    out = []
    for e in sorted(events, key=lambda e: (e.on, e.action, e.label)):
        row = table.get(e.action)
        if row is None or (since is not None and e.on < since):
            continue
        room = max(row["daily_cap"] - used[(e.action, e.on)], 0)
        pts = min(row["points"], room)
        used[(e.action, e.on)] += pts
        out.append(LedgerLine(e.action, e.on, e.label, pts, pts < row["points"]))
    return out


def total(lines: Iterable[LedgerLine]) -> int:
    return sum(line.points for line in lines)
