"""Recruitment rule-sets (发展党员): the 25 steps and their time rules, loaded from
``rules/recruitment/*.yaml``. dev-2014 is complete; dev-2026 extends it and may only add or change
steps and rules tagged U (RULES §2.4), so its differences are warnings and never errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from orglife.rules.loader import CONFIDENCE, RuleError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules" / "recruitment"
DEFAULT = "dev-2014"
KINDS = {
    "min_age", "order", "within", "every", "at_least", "actors", "required_before", "training",
    "vote_passed", "probation", "extension", "conversion_vote", "conversion_vote_within", "within_each",
    "publicity",
}


@dataclass(frozen=True)
class Actors:
    role: str
    min: int
    max: int
    full_members: bool = False


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    stage: int
    name: str
    source: str
    conf: str
    after: tuple[str, ...] = ()
    actors: Actors | None = None
    documents: tuple[str, ...] = ()
    repeats: bool = False
    vote: bool = False

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    name: str
    source: str
    conf: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)
    blocks_admission: bool = False

    @property
    def is_hard(self) -> bool:
        # RULES: only a rule matching an official text (V) may be an error.
        return self.conf == "V" and self.severity == "error"

    @property
    def level(self) -> str:
        return "error" if self.is_hard else "warning"

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class Ruleset:
    name: str
    label: str
    effective_from: dt.date
    effective_to: dt.date | None
    warn_days: int
    stages: dict[int, str]
    steps: tuple[Step, ...]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_steps", {s.id: s for s in self.steps})

    def step(self, step_id: str) -> Step:
        return self._steps[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._steps

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def stage_of(self, number: int) -> str:
        return self.stages.get(number, "")


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleError(f"{where}: 日期格式无效 {value!r}") from exc


def _conf(raw: dict, where: str) -> str:
    conf = raw.get("conf")
    if conf not in CONFIDENCE:
        raise RuleError(f"{where}: {raw.get('id')} 的可信度 {conf!r} 无效")
    return conf


def _step(raw: dict, where: str) -> Step:
    missing = [k for k in ("id", "number", "stage", "name", "source", "conf") if k not in raw]
    if missing:
        raise RuleError(f"{where}: 步骤缺少字段 {', '.join(missing)}")
    actors = raw.get("actors")
    return Step(
        id=raw["id"], number=int(raw["number"]), stage=int(raw["stage"]), name=raw["name"], source=raw["source"],
        conf=_conf(raw, where), after=tuple(raw.get("after") or ()),
        actors=Actors(actors["role"], int(actors["min"]), int(actors["max"]), bool(actors.get("full_members")))
        if actors else None,
        documents=tuple(raw.get("documents") or ()), repeats=bool(raw.get("repeats")), vote=bool(raw.get("vote")),
    )


RULE_KEYS = {"id", "kind", "name", "source", "conf", "severity", "blocks_admission"}


def _rule(raw: dict, where: str) -> Rule:
    missing = [k for k in ("id", "kind", "name", "source", "conf", "severity") if k not in raw]
    if missing:
        raise RuleError(f"{where}: 规则缺少字段 {', '.join(missing)}")
    if raw["kind"] not in KINDS:
        raise RuleError(f"{where}: 规则 {raw['id']} 的类型 {raw['kind']!r} 无效")
    if raw["severity"] not in ("error", "warning"):
        raise RuleError(f"{where}: 规则 {raw['id']} 的 severity {raw['severity']!r} 无效")
    return Rule(
        id=raw["id"], kind=raw["kind"], name=raw["name"], source=raw["source"], conf=_conf(raw, where),
        severity=raw["severity"], params={k: v for k, v in raw.items() if k not in RULE_KEYS},
        blocks_admission=bool(raw.get("blocks_admission")),
    )


def _check(ruleset: Ruleset, where: str) -> Ruleset:
    ids = [s.id for s in ruleset.steps]
    if len(set(ids)) != len(ids) or sorted(s.number for s in ruleset.steps) != list(range(1, len(ids) + 1)):
        raise RuleError(f"{where}: 步骤编号必须唯一且从1连续编号")
    for s in ruleset.steps:
        unknown = [a for a in s.after if a not in ids]
        if unknown or s.stage not in ruleset.stages:
            raise RuleError(f"{where}: 步骤 {s.id} 引用了不存在的步骤或阶段 {unknown or s.stage}")
    rule_ids = [r.id for r in ruleset.rules]
    if len(set(rule_ids)) != len(rule_ids):
        raise RuleError(f"{where}: 规则编号重复")
    for r in ruleset.rules:
        for key in ("step", "from", "before", "until"):
            if key in r.params and r.params[key] not in ids:
                raise RuleError(f"{where}: 规则 {r.id} 的 {key} 引用了不存在的步骤 {r.params[key]}")
    return ruleset


def parse(data: dict, where: str, base: Ruleset | None = None) -> Ruleset:
    if base is None:
        steps = tuple(sorted((_step(s, where) for s in data.get("steps") or ()), key=lambda s: s.number))
        rules = tuple(_rule(r, where) for r in data.get("rules") or ())
        stages = {int(s["number"]): s["name"] for s in data.get("stages") or ()}
    else:
        # An extension may only add or change what it tags U (RULES §2.4).
        changed = dict(data.get("steps") or {})
        for step_id, new in changed.items():
            if not base.has_step(step_id):
                raise RuleError(f"{where}: 未知步骤 {step_id}")
            if new.get("conf") != "U":
                raise RuleError(f"{where}: 步骤 {step_id} 的改动须标为 U（待核实）")
        steps = tuple(replace(s, **{k: v for k, v in changed[s.id].items() if k in ("name", "source", "conf")})
                      if s.id in changed else s for s in base.steps)
        added = [_rule(r, where) for r in data.get("rules") or ()]
        for r in added:
            if r.conf != "U":
                raise RuleError(f"{where}: 规则 {r.id} 须标为 U（待核实）")
        by_id = {r.id: r for r in added}
        rules = tuple(by_id.pop(r.id, r) for r in base.rules) + tuple(by_id.values())
        stages = base.stages
    return _check(Ruleset(
        name=data["ruleset"], label=data.get("label", data["ruleset"]),
        effective_from=_date(data.get("effective_from"), where) or dt.date(2014, 6, 11),
        effective_to=_date(data.get("effective_to"), where),
        warn_days=int(data.get("warn_days", base.warn_days if base else 30)),
        stages=stages, steps=steps, rules=rules,
    ), where)


def _read(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: YAML 格式错误 {exc}") from exc


@lru_cache(maxsize=1)
def load_all() -> dict[str, Ruleset]:
    raw = {path.stem: _read(path) for path in sorted(RULES_DIR.glob("*.yaml"))}
    out: dict[str, Ruleset] = {}
    pending = dict(raw)
    while pending:
        progressed = False
        for name, data in list(pending.items()):
            parent = data.get("extends")
            if parent and parent not in out:
                if parent not in raw:
                    raise RuleError(f"{name}.yaml: extends 引用了不存在的规则集 {parent}")
                continue
            ruleset = parse(data, f"{name}.yaml", out[parent] if parent else None)
            out[ruleset.name] = ruleset
            del pending[name]
            progressed = True
        if not progressed:
            raise RuleError("发展党员规则集的 extends 形成循环")
    return out


def get(name: str | None = None) -> Ruleset:
    rulesets = load_all()
    return rulesets.get(name or DEFAULT) or rulesets[DEFAULT]


def choices() -> list[tuple[str, str]]:
    return [(r.name, r.label) for r in load_all().values()]


def name_for(applicant_ruleset: str, profile) -> str:
    """The applicant's own choice, else the organization profile's option ``recruitment_ruleset``,
    else dev-2014."""
    wanted = applicant_ruleset or (profile.options.get("recruitment_ruleset") if profile is not None else "") or DEFAULT
    return wanted if wanted in load_all() else DEFAULT
