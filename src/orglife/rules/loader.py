"""Load and validate rule libraries.

A rule library is a YAML file with ``rules`` (each with id, name, source, conf, effective_from,
value and how a profile may tighten it) and ``options`` (product settings). A profile is a YAML
file under ``profiles/`` that names the library it ``extends`` and overrides values. A profile may
tighten a V rule but never relax it: loading one that does raises ``RuleError`` naming the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent
PROFILES_DIR = RULES_DIR / "profiles"
CONFIDENCE = {"V", "S", "L", "U"}
TIGHTEN = {"up", "down", "none", "any", "cadence", "superset"}
# Length of each cadence period in months: a profile may only shorten the period or raise the count.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
DEFAULT_PROFILE = "national"


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    source: str
    conf: str
    effective_from: dt.date
    effective_to: dt.date | None
    value: Any
    tighten: str
    severity: str = "warning"
    applies_to: tuple[str, ...] = ()

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def is_hard(self) -> bool:
        # Only rules matching an official text may ever be errors.
        return self.conf == "V" and self.severity == "error"


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    rules: dict[str, Rule]
    options: dict[str, Any] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def value(self, rule_id: str) -> Any:
        return self.rules[rule_id].value


def _as_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleError(f"{where}: 日期格式无效 {value!r}") from exc


def _parse_rule(raw: dict, where: str) -> Rule:
    missing = [k for k in ("id", "name", "source", "conf", "effective_from", "value") if k not in raw]
    if missing:
        raise RuleError(f"{where}: 规则缺少字段 {', '.join(missing)}")
    if raw["conf"] not in CONFIDENCE:
        raise RuleError(f"{where}: 规则 {raw['id']} 的可信度 {raw['conf']!r} 无效")
    tighten = raw.get("tighten", "none")
    if tighten not in TIGHTEN:
        raise RuleError(f"{where}: 规则 {raw['id']} 的 tighten {tighten!r} 无效")
    return Rule(
        id=raw["id"],
        name=raw["name"],
        source=raw["source"],
        conf=raw["conf"],
        effective_from=_as_date(raw["effective_from"], where),
        effective_to=_as_date(raw.get("effective_to"), where),
        value=raw["value"],
        tighten=tighten,
        severity=raw.get("severity", "warning"),
        applies_to=tuple(raw.get("applies_to", ())),
    )


def _cadence_relaxed(old: dict, new: dict) -> bool:
    """A cadence is relaxed when its period gets longer or its rate (count per month) drops, when
    it is owed by fewer organizations (needs_committee newly set) or in fewer categories."""
    old_months, new_months = PERIOD_MONTHS[old["every"]], PERIOD_MONTHS[new["every"]]
    return (
        new_months > old_months
        or new["min"] / new_months < old["min"] / old_months
        or (bool(new.get("needs_committee")) and not old.get("needs_committee"))
        or ("categories" in old and not set(old["categories"]) <= set(new.get("categories") or ()))
    )


def _check_override(rule: Rule, new: Any) -> None:
    """Refuse an override that relaxes a V rule."""
    if rule.conf != "V" or rule.tighten == "any" or new == rule.value:
        return
    try:
        relaxed = (
            rule.tighten == "none"
            or (rule.tighten == "cadence" and _cadence_relaxed(rule.value, new))
            or (rule.tighten == "superset" and not set(rule.value) <= set(new))
            or (rule.tighten == "up" and new < rule.value)
            or (rule.tighten == "down" and new > rule.value)
        )
    except TypeError:
        raise RuleError(f"规则 {rule.id}（{rule.name}）的取值类型无效：{new!r}") from None
    if relaxed:
        raise RuleError(f"规则 {rule.id}（{rule.name}）为 V 级规则，配置方案只能从严，不能放宽：{rule.value!r} → {new!r}")


def parse_library(data: dict, where: str) -> Profile:
    if not isinstance(data, dict) or "rules" not in data:
        raise RuleError(f"{where}: 缺少 rules")
    rules: dict[str, Rule] = {}
    for raw in data["rules"]:
        rule = _parse_rule(raw, where)
        if rule.id in rules:
            raise RuleError(f"{where}: 规则编号重复 {rule.id}")
        rules[rule.id] = rule
    _check_options(dict(data.get("options") or {}), where)
    return Profile(
        name=data.get("ruleset", DEFAULT_PROFILE),
        label=data.get("label", "全国默认"),
        rules=rules,
        options=dict(data.get("options") or {}),
    )


def apply_profile(base: Profile, data: dict, where: str) -> Profile:
    rules = dict(base.rules)
    for rule_id, new in (data.get("overrides") or {}).items():
        if rule_id not in rules:
            raise RuleError(f"{where}: 未知规则 {rule_id}")
        old = rules[rule_id]
        if isinstance(old.value, dict) and isinstance(new, dict):
            new = {**old.value, **new}  # a profile names only the keys it changes
        if old.tighten == "cadence" and (
            not isinstance(new, dict) or new.get("every") not in PERIOD_MONTHS or not isinstance(new.get("min"), int)
        ):
            raise RuleError(f"{where}: 规则 {rule_id} 的周期设置无效：{new!r}")
        _check_override(old, new)
        rules[rule_id] = Rule(**{**old.__dict__, "value": new})
    options = {**base.options, **(data.get("options") or {})}
    _check_options(options, where)
    return Profile(name=data["profile"], label=data.get("label", data["profile"]), rules=rules, options=options)


# Product options a profile may set, within bounds: the QR code must change at least every 30 s,
# and a record entered later than a month after the meeting is not a timely record.
OPTION_BOUNDS = {"sign_in_window_seconds": (10, 30), "late_entry_days": (1, 30), "term_warning_months": (1, 12),
                 "todo_horizon_days": (1, 31), "ballot_min_cast": (5, 100)}
OPTION_CHOICES = {"talk_mode": {"coverage", "pairwise"},
                  "appraisal_probationary": {"graded", "no_excellent", "not_graded"},
                  "appraisal_excellent_cap": {"enforce", "warn"}}


def _check_options(options: dict, where: str) -> None:
    for key, (low, high) in OPTION_BOUNDS.items():
        value = options.get(key)
        if value is not None and (not isinstance(value, int) or not low <= value <= high):
            raise RuleError(f"{where}: 选项 {key} 应为 {low} 至 {high} 之间的整数，实际为 {value!r}")
    for key, allowed in OPTION_CHOICES.items():
        if key in options and options[key] not in allowed:
            raise RuleError(f"{where}: 选项 {key} 应为 {'、'.join(sorted(allowed))} 之一，实际为 {options[key]!r}")


def _read(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: YAML 格式错误 {exc}") from exc


@lru_cache(maxsize=1)
def load_all() -> dict[str, Profile]:
    """All profiles by name: the national library plus every file in profiles/."""
    base = parse_library(_read(RULES_DIR / "national.yaml"), "national.yaml")
    profiles = {base.name: base}
    if PROFILES_DIR.is_dir():
        for path in sorted(PROFILES_DIR.glob("*.yaml")):
            data = _read(path)
            if data.get("extends", DEFAULT_PROFILE) != base.name or "profile" not in data:
                raise RuleError(f"{path.name}: 配置方案必须写明 profile 并 extends: {base.name}")
            profiles[data["profile"]] = apply_profile(base, data, path.name)
    return profiles


def get_profile(name: str | None = None) -> Profile:
    profiles = load_all()
    return profiles.get(name or DEFAULT_PROFILE) or profiles[DEFAULT_PROFILE]


def profile_choices() -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in load_all().values()]
