"""Automatic checklist items: answered from orglife's own data, each with a link to the evidence.

A checklist item names one of these checks in its `auto` field. A check takes a Context (the
organization, the day, a per-organization cache) and returns a Result. Each check reads a fixed
number of queries for one organization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from orglife.meetings import queries as meeting_queries
from orglife.orgs import queries as org_queries
from orglife.rules.compliance import KIND_LABELS


@dataclass(frozen=True)
class Result:
    has_problem: bool
    explanation: str
    evidence_url: str


@dataclass
class Context:
    org: object
    on: dt.date
    cache: dict = field(default_factory=dict)

    def findings(self):
        if "findings" not in self.cache:
            self.cache["findings"] = org_queries.org_findings(self.org, org_queries.current_term(self.org), self.on)
        return self.cache["findings"]

    def verdicts(self):
        if "verdicts" not in self.cache:
            rows = meeting_queries.compliance_rows(None, self.org, self.on.year, self.on, subtree=False)
            self.cache["verdicts"] = rows[0].verdicts if rows else []
        return self.cache["verdicts"]


def _org_url(ctx: Context) -> str:
    return reverse("org_detail", args=[ctx.org.code])


def committee_set_up(ctx: Context) -> Result:
    found = [f for f in ctx.findings() if f.rule_id == "org.branch.committee_required_full_members"]
    if found:
        return Result(True, found[0].message, _org_url(ctx))
    return Result(False, f"正式党员 {ctx.org.full_member_count} 人，支部委员会设置符合要求。", _org_url(ctx))


def term_not_expired(ctx: Context) -> Result:
    found = [f for f in ctx.findings() if f.rule_id == "org.term_years"]
    errors = [f for f in found if f.level == "error" or "尚未登记" in f.message]
    if errors:
        return Result(True, errors[0].message, _org_url(ctx))
    return Result(False, found[0].message if found else "本届任期未届满。", _org_url(ctx))


def _meetings(kind: str) -> Callable[[Context], Result]:
    label = KIND_LABELS[kind]

    def check(ctx: Context) -> Result:
        url = f"{reverse('compliance', args=[ctx.org.code])}?year={ctx.on.year}"
        verdicts = [v for v in ctx.verdicts() if v.kind == kind and v.status != "not_applicable"]
        missed = [v for v in verdicts if v.status == "missed"]
        if missed:
            periods = "、".join(v.period for v in missed)
            return Result(True, f"{ctx.on.year}年{label}未按要求召开：{periods}。{missed[0].explanation}", url)
        if not verdicts:
            return Result(False, f"{ctx.on.year}年本组织无{label}召开要求。", url)
        return Result(False, f"{ctx.on.year}年{label}已结束的各期均按要求召开。", url)

    check.__name__ = f"meetings_{kind}"
    return check


REGISTRY: dict[str, tuple[str, Callable[[Context], Result]]] = {
    "committee_set_up": ("支部委员会设置（组织设置核查）", committee_set_up),
    "term_not_expired": ("任期届满核查", term_not_expired),
    "meetings_assembly": ("支部党员大会召开情况（合规引擎）", _meetings("assembly")),
    "meetings_committee": ("支部委员会会议召开情况（合规引擎）", _meetings("committee_meeting")),
    "meetings_group": ("党小组会召开情况（合规引擎）", _meetings("group_meeting")),
    "meetings_theme_day": ("主题党日开展情况（合规引擎）", _meetings("theme_day")),
}


def run(name: str, ctx: Context) -> Result:
    return REGISTRY[name][1](ctx)
