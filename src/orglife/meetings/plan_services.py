"""Annual plans (年度计划): generate a branch's plan from its rules, edit it, submit it to the
organization above, which approves it or returns it with reasons. Every round is kept.

generate_items() is pure (no database): it places each required meeting kind from the rule values
(never hard-coded counts), so a profile that tightens a cadence gets a denser plan. The services
below are the only writes: keyword-only, one transaction each, audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from orglife.core import audit, scope
from orglife.orgs.models import Organization
from orglife.orgs.queries import orgs_with_committee
from orglife.orgs.services import ServiceError
from orglife.rules.compliance import EVERY_LABELS, KIND_LABELS, Requirement, requirements
from orglife.rules.loader import PERIOD_MONTHS
from orglife.rules.periods import month_end, periods_of_year

from .models import AnnualPlan, PlanItem, PlanReview, PlanStatus, ReturnReason

DEFAULT_THEME_DAY = 15
COMMITTEE_DAYS_BEFORE = 7  # the 支委会 prepares the 主题党日 a week ahead
KIND_ORDER = ["theme_day", "assembly", "party_lecture", "committee_meeting", "group_meeting",
              "org_life_meeting", "democratic_life_meeting"]
# Kinds held together on the monthly 主题党日 ("enter once, count everywhere").
THEME_GROUP = {"theme_day", "assembly", "party_lecture"}
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
MONTH_NAMES = {m: f"{m}月" for m in range(1, 13)}
REVIEW_LABELS = {"submit": "提交审批", "return": "退回", "approve": "批准"}
YEAR_MIN, YEAR_MAX = 2019, 2100
TOPIC_MAX = 200


# ------------------------------------------------------------------ the pure generator


@dataclass(frozen=True)
class PlannedItem:
    planned_on: dt.date
    kinds: tuple[str, ...]
    topic: str


def theme_date(year: int, month: int, theme_day: int) -> dt.date:
    """The fixed 主题党日 of a month, clamped to the month's end (31 → 30 April, 28/29 February)."""
    return dt.date(year, month, min(theme_day, month_end(year, month).day))


def committee_date(year: int, month: int, theme_day: int) -> dt.date:
    """A week before the 主题党日, but never before the month begins (it must count for the month)."""
    day = theme_date(year, month, theme_day)
    before = day - dt.timedelta(days=COMMITTEE_DAYS_BEFORE)
    return before if before.month == month else dt.date(year, month, 1)


def _group(kind: str) -> str:
    return "theme" if kind in THEME_GROUP else kind


def _month_order(req: Requirement, months: list[int]) -> list[int]:
    """Months of a period in the order they are tried: the first month first (a quarterly
    assembly on the quarter's first 主题党日); a preferred quarter's months first, latest first
    (组织生活会 in December); other yearly meetings late in the period."""
    if req.preferred_quarter:
        preferred = [m for m in months if (m - 1) // 3 + 1 == req.preferred_quarter]
        rest = [m for m in months if m not in preferred]
        return preferred[::-1] + rest[::-1]
    if _group(req.kind) == "theme" or req.kind == "committee_meeting":
        return months
    return months[::-1]


def _anchor(kind: str, year: int, month: int, theme_day: int) -> dt.date:
    if kind == "committee_meeting":
        return committee_date(year, month, theme_day)
    return theme_date(year, month, theme_day)


def _topic(year: int, day: dt.date, kinds: Sequence[str], reqs: dict[str, Requirement]) -> str:
    labels = "、".join(KIND_LABELS[k] for k in kinds)
    if kinds[0] == "theme_day" and len(kinds) > 1:  # 1月主题党日暨支部党员大会、党课
        labels = f"{KIND_LABELS['theme_day']}暨" + "、".join(KIND_LABELS[k] for k in kinds[1:])
    if all(reqs[k].every == "year" for k in kinds if k in reqs) and any(k in reqs for k in kinds):
        return f"{year}年度{labels}"[:TOPIC_MAX]
    return f"{MONTH_NAMES[day.month]}{labels}"[:TOPIC_MAX]


def generate_items(reqs: Iterable[Requirement], year: int, theme_day: int = DEFAULT_THEME_DAY,
                   has_committee: bool = False, start: dt.date | None = None) -> list[PlannedItem]:
    """A year's plan from the requirements: every kind at least `min` times in every period.

    Kinds of the 主题党日 group share the month's fixed day (one item, several kinds); extra
    occurrences beyond one per month go on further days of the period. The 支委会 is planned
    only when the branch has a committee. start: the branch was set up during the year — nothing
    is planned before it, and periods that ended before it are not owed (as compliance.judge).
    """
    if not 1 <= theme_day <= 31:
        raise ValueError("theme_day must be 1–31")
    reqs = [r for r in reqs if r.kind in KIND_LABELS and not (r.needs_committee and not has_committee)]
    by_kind = {r.kind: r for r in reqs}
    slots: dict[tuple[str, dt.date], list[str]] = {}  # (group, date) → kinds

    def place(kind: str, day: dt.date) -> bool:
        kinds = slots.setdefault((_group(kind), day), [])
        if kind in kinds:
            return False
        kinds.append(kind)
        return True

    for req in sorted(reqs, key=lambda r: KIND_ORDER.index(r.kind) if r.kind in KIND_ORDER else 99):
        step = PERIOD_MONTHS[req.every]
        for period in periods_of_year(year, req.every):
            if start and period.end < start:
                continue
            first = period.start.month
            months = _month_order(req, [m for m in range(first, first + step)
                                        if not (start and month_end(year, m) < start)])

            def anchor(month: int, kind: str = req.kind) -> dt.date:
                day = _anchor(kind, year, month, theme_day)
                return max(day, start) if start else day

            needed = req.min
            for month in months:
                if needed <= 0:
                    break
                needed -= place(req.kind, anchor(month))
            # More than one per month (a tightened profile): further days of the period, a week
            # apart from the anchor where possible, then any free day.
            if needed > 0:
                first_day = max(period.start, start) if start else period.start
                days = [first_day + dt.timedelta(days=i) for i in range((period.end - first_day).days + 1)]
                anchors = [anchor(m) for m in months]
                days.sort(key=lambda d: (not any((d - a).days % 7 == 0 for a in anchors), months.index(d.month),
                                         min(abs((d - a).days) for a in anchors), d))
                for day in days:
                    if needed <= 0:
                        break
                    needed -= place(req.kind, day)
    items = []
    for (_, day), kinds in slots.items():
        ordered = tuple(sorted(kinds, key=KIND_ORDER.index))
        items.append((day, KIND_ORDER.index(ordered[0]), PlannedItem(day, ordered, _topic(year, day, ordered, by_kind))))
    return [item for *_, item in sorted(items, key=lambda t: (t[0], t[1]))]


def plan_gaps(reqs: Iterable[Requirement], items: Iterable, year: int, has_committee: bool = False,
              start: dt.date | None = None) -> list[str]:
    """Where the plan falls short of the rules: one message per kind × period (pure; items are
    PlanItem rows or PlannedItem values). A secretary who deletes the March 主题党日 is told so."""
    planned = [(i.planned_on, set(i.kinds)) for i in items]
    out = []
    for req in reqs:
        if req.kind not in KIND_LABELS or (req.needs_committee and not has_committee):
            continue
        for period in periods_of_year(year, req.every):
            if start and period.end < start:
                continue
            count = sum(1 for day, kinds in planned if req.kind in kinds and day in period)
            if count < req.min:
                out.append(f"{period.label}：计划安排{KIND_LABELS[req.kind]} {count} 次，"
                           f"按规定{EVERY_LABELS[req.every]}至少 {req.min} 次。")
    return out


# ------------------------------------------------------------------ facts from the database


def branch_has_committee(org) -> bool:
    return org.pk in orgs_with_committee(Q(term__org_id=org.pk))


def plan_start(org, year: int) -> dt.date | None:
    """The day planning starts: the founding day when the branch was set up during the year."""
    founded = org.established_on
    return founded if founded and founded.year == year else None


def plan_requirements(org, year: int) -> list[Requirement]:
    return requirements(org.profile(), org.kind, dt.date(year, 1, 1))


# ------------------------------------------------------------------ permissions


def can_edit(user, org) -> bool:
    return user is None or scope.can_manage(user, org)


def can_review(user, org) -> bool:
    """Approve or return: a manager of the organization above the branch."""
    return user is None or scope.manages_above(user, org)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_editable(plan: AnnualPlan) -> None:
    if not plan.is_editable:
        raise ServiceError({"plan": f"计划{plan.get_status_display()}，不能修改。"})


# ------------------------------------------------------------------ writes


def _snapshot(plan: AnnualPlan) -> list[dict]:
    return [{"planned_on": i.planned_on.isoformat(), "kinds": list(i.kinds), "topic": i.topic}
            for i in plan.items.order_by("planned_on", "id")]


def _locked(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update(of=("self",)).select_related("org").get(pk=plan.pk)


def plan_generate(*, actor, org, year: int, theme_day: int = DEFAULT_THEME_DAY) -> AnnualPlan:
    """Create the year's plan from the rules, or regenerate an editable one (its items replaced)."""
    _require(can_edit(actor, org), "只有本支部的管理人员可以编制计划")
    errors = {}
    if not org.is_branch:
        errors["org"] = "年度计划由党支部编制。"
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = f"年度应在 {YEAR_MIN}–{YEAR_MAX} 之间。"
    if not isinstance(theme_day, int) or not 1 <= theme_day <= 31:
        errors["theme_day"] = "主题党日应为每月 1–31 日中的一天。"
    if errors:
        raise ServiceError(errors)
    items = generate_items(plan_requirements(org, year), year, theme_day, branch_has_committee(org),
                           start=plan_start(org, year))
    with transaction.atomic():
        plan, created = AnnualPlan.objects.select_for_update().get_or_create(org=org, year=year)
        if not created:
            if not plan.is_editable:
                raise ServiceError({"year": f"{year}年度计划{plan.get_status_display()}，不能重新生成。"})
            plan.items.all().delete()
        PlanItem.objects.bulk_create(
            PlanItem(plan=plan, planned_on=i.planned_on, kinds=list(i.kinds), topic=i.topic) for i in items
        )
        plan.save(update_fields=["updated_at"])
        audit.record(actor=actor, action="plan.generate", target=plan, org=org,
                     changes={"year": [None, year], "theme_day": [None, theme_day], "items": [None, len(items)]})
    return plan


def _clean_item(plan: AnnualPlan, planned_on, kinds, topic: str) -> tuple[dt.date, list[str], str]:
    errors = {}
    if not isinstance(planned_on, dt.date):
        errors["planned_on"] = "请填写计划日期。"
    elif planned_on.year != plan.year:
        errors["planned_on"] = f"计划日期应在{plan.year}年内。"
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds:
        errors["kinds"] = "请至少选择一种会议类型。"
    elif any(k not in KIND_LABELS for k in kinds):
        errors["kinds"] = "会议类型无效。"
    topic = (topic or "").strip()
    if len(topic) > TOPIC_MAX:
        errors["topic"] = f"主题不能超过 {TOPIC_MAX} 字。"
    if errors:
        raise ServiceError(errors)
    return planned_on, sorted(kinds, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99), topic


def plan_item_add(*, actor, plan: AnnualPlan, planned_on: dt.date, kinds: Sequence[str], topic: str = "") -> PlanItem:
    _require(can_edit(actor, plan.org), "只有本支部的管理人员可以修改计划")
    planned_on, kinds, topic = _clean_item(plan, planned_on, kinds, topic)
    with transaction.atomic():
        locked = _locked(plan)
        _require_editable(locked)
        item = PlanItem.objects.create(plan=locked, planned_on=planned_on, kinds=kinds, topic=topic)
        audit.record(actor=actor, action="plan.item_add", target=item, org=locked.org,
                     changes=audit.diff({}, {"planned_on": planned_on, "kinds": kinds, "topic": topic}))
    return item


def plan_item_update(*, actor, item: PlanItem, planned_on: dt.date, kinds: Sequence[str], topic: str = "") -> PlanItem:
    plan = item.plan
    _require(can_edit(actor, plan.org), "只有本支部的管理人员可以修改计划")
    planned_on, kinds, topic = _clean_item(plan, planned_on, kinds, topic)
    with transaction.atomic():
        locked = _locked(plan)
        _require_editable(locked)
        before = {"planned_on": item.planned_on, "kinds": list(item.kinds), "topic": item.topic}
        after = {"planned_on": planned_on, "kinds": kinds, "topic": topic}
        item.planned_on, item.kinds, item.topic = planned_on, kinds, topic
        item.save(update_fields=["planned_on", "kinds", "topic"])
        audit.record(actor=actor, action="plan.item_update", target=item, org=locked.org, changes=audit.diff(before, after))
    return item


def plan_item_delete(*, actor, item: PlanItem) -> None:
    plan = item.plan
    _require(can_edit(actor, plan.org), "只有本支部的管理人员可以修改计划")
    with transaction.atomic():
        locked = _locked(plan)
        _require_editable(locked)
        audit.record(actor=actor, action="plan.item_delete", target=item, org=locked.org,
                     changes=audit.diff({"planned_on": item.planned_on, "kinds": item.kinds, "topic": item.topic},
                                        {"planned_on": None, "kinds": None, "topic": None}))
        item.delete()


def plan_submit(*, actor, plan: AnnualPlan) -> AnnualPlan:
    """Submit to the organization above: a new round, with the items as submitted kept."""
    _require(can_edit(actor, plan.org), "只有本支部的管理人员可以提交计划")
    with transaction.atomic():
        locked = _locked(plan)
        _require_editable(locked)
        snapshot = _snapshot(locked)
        if not snapshot:
            raise ServiceError({"plan": "计划没有任何安排，不能提交。"})
        if locked.org.get_parent() is None:
            raise ServiceError({"plan": "本组织没有上级组织，无法提交审批。"})
        before = locked.status
        locked.round += 1
        locked.status = PlanStatus.SUBMITTED
        locked.save(update_fields=["round", "status", "updated_at"])
        PlanReview.objects.create(plan=locked, round=locked.round, action="submit", actor=_user(actor), snapshot=snapshot)
        audit.record(actor=actor, action="plan.submit", target=locked, org=locked.org,
                     changes={"status": [before, locked.status], "round": [locked.round - 1, locked.round]})
    _refresh(plan, locked)
    return plan


def plan_return(*, actor, plan: AnnualPlan, reasons: Sequence[str], comment: str = "") -> AnnualPlan:
    _require(can_review(actor, plan.org), "只有上级组织的管理人员可以审批计划")
    reasons = list(dict.fromkeys(reasons or []))
    comment = (comment or "").strip()
    errors = {}
    if not reasons:
        errors["reasons"] = "请至少选择一项退回原因。"
    elif any(r not in ReturnReason.values for r in reasons):
        errors["reasons"] = "退回原因无效。"
    elif ReturnReason.OTHER in reasons and not comment:
        errors["comment"] = "选择“其他”时请填写具体原因。"
    if errors:
        raise ServiceError(errors)
    reasons = [r for r in ReturnReason.values if r in reasons]
    return _review(actor=actor, plan=plan, action="return", status=PlanStatus.RETURNED, reasons=reasons, comment=comment)


def plan_approve(*, actor, plan: AnnualPlan, comment: str = "") -> AnnualPlan:
    _require(can_review(actor, plan.org), "只有上级组织的管理人员可以审批计划")
    return _review(actor=actor, plan=plan, action="approve", status=PlanStatus.APPROVED, reasons=[],
                   comment=(comment or "").strip())


def _review(*, actor, plan, action, status, reasons, comment) -> AnnualPlan:
    with transaction.atomic():
        locked = _locked(plan)
        if locked.status != PlanStatus.SUBMITTED:
            raise ServiceError({"plan": f"计划{locked.get_status_display()}，不在待审批状态。"})
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        PlanReview.objects.create(plan=locked, round=locked.round, action=action, reasons=reasons,
                                  comment=comment, actor=_user(actor))
        audit.record(actor=actor, action=f"plan.{action}", target=locked, org=locked.org,
                     changes={"status": [PlanStatus.SUBMITTED, status], "reasons": [None, reasons], "comment": [None, comment]})
    _refresh(plan, locked)
    return plan


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _refresh(plan: AnnualPlan, locked: AnnualPlan) -> None:
    plan.status, plan.round, plan.updated_at = locked.status, locked.round, locked.updated_at


# ------------------------------------------------------------------ reads


@dataclass
class MonthGroup:
    month: int
    label: str
    items: list


def items_by_month(items: Iterable) -> list[MonthGroup]:
    """Items (PlanItem rows or snapshot dicts) grouped by month, in date order."""
    groups: dict[int, MonthGroup] = {}
    for item in items:
        day = item.planned_on if hasattr(item, "planned_on") else dt.date.fromisoformat(item["planned_on"])
        groups.setdefault(day.month, MonthGroup(day.month, MONTH_NAMES[day.month], [])).items.append(item)
    return [groups[m] for m in sorted(groups)]


def kind_labels(kinds: Iterable[str]) -> list[str]:
    return [KIND_LABELS.get(k, k) for k in kinds]


def reason_labels(reasons: Iterable[str]) -> list[str]:
    labels = dict(ReturnReason.choices)
    return [labels.get(r, r) for r in reasons]


def requirement_lines(reqs: Iterable[Requirement]) -> list[str]:
    """The rules a plan is generated from, in words: 主题党日：每月至少 1 次."""
    lines = []
    for req in sorted(reqs, key=lambda r: KIND_ORDER.index(r.kind) if r.kind in KIND_ORDER else 99):
        line = f"{KIND_LABELS.get(req.kind, req.kind)}：{EVERY_LABELS[req.every]}至少 {req.min} 次"
        if req.preferred_quarter:
            line += f"，一般安排在{QUARTER_NAMES.get(req.preferred_quarter, '')}"
        if req.needs_committee:
            line += "（设有支部委员会的）"
        lines.append(line)
    return lines


def branch_plans_below(org, year: int) -> list[tuple]:
    """(branch, plan or None) for the branches directly below org, for an officer's overview."""
    branches = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1,
                                                kind__in=["branch", "joint_branch"]).order_by("path")[:200])
    plans = {p.org_id: p for p in AnnualPlan.objects.filter(org__in=branches, year=year)}
    return [(b, plans.get(b.pk)) for b in branches]


def plan_check(plan: AnnualPlan, items: Iterable) -> list[str]:
    """The plan's gaps against the rules in force for its organization and year."""
    return plan_gaps(plan_requirements(plan.org, plan.year), items, plan.year, branch_has_committee(plan.org),
                     start=plan_start(plan.org, plan.year))


def plan_history(plan: AnnualPlan) -> list[PlanReview]:
    """Every review step, oldest first, with labels for the page (one query)."""
    reviews = list(plan.reviews.select_related("actor").order_by("created_at", "id"))
    for r in reviews:
        r.action_label = REVIEW_LABELS.get(r.action, r.action)
        r.reason_labels = reason_labels(r.reasons)
        r.snapshot_rows = [{**row, "kind_labels": kind_labels(row.get("kinds", []))} for row in r.snapshot]
    return reviews


def last_return(reviews: Sequence[PlanReview]) -> PlanReview | None:
    returns = [r for r in reviews if r.action == "return"]
    return returns[-1] if returns else None


def pending_plans(user):
    """Submitted plans of organizations directly below those the user manages."""
    qs = AnnualPlan.objects.filter(status=PlanStatus.SUBMITTED).select_related("org").order_by("updated_at", "id")
    below = scope.managed_below_q(user, prefix="org__")
    return qs if below is None else qs.filter(below)
