"""Pure checks of an organization against RULES §1.1 and §1.4. No database access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .loader import Profile

BRANCH_KINDS = {"branch", "joint_branch"}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    level: str  # "warning" or "error"
    message: str


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end (RULES §2.3)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def term_length_years(profile: Profile, org_kind: str) -> int | None:
    return profile.value("org.term_years").get(org_kind)


def default_term_end(profile: Profile, org_kind: str, start: dt.date) -> dt.date | None:
    years = term_length_years(profile, org_kind)
    return add_months(start, 12 * years) if years else None


def size_findings(
    profile: Profile, *, kind: str, full_members: int, total_members: int, has_committee: bool, on: dt.date
) -> list[Finding]:
    """RULES §1.1: branch size and when a committee is required."""
    if kind not in BRANCH_KINDS:
        return []
    out: list[Finding] = []

    def rule_applies(rule_id: str) -> bool:
        rule = profile.rule(rule_id)
        return rule.in_force(on) and (not rule.applies_to or kind in rule.applies_to)

    def level(rule_id: str) -> str:
        return "error" if profile.rule(rule_id).is_hard else "warning"

    rid = "org.branch.min_full_members"
    if rule_applies(rid) and full_members < profile.value(rid):
        out.append(Finding(rid, level(rid), f"正式党员仅 {full_members} 人，少于 {profile.value(rid)} 人，应调整为联合党支部或补足人数。"))
    rid = "org.branch.typical_max_members"
    if rule_applies(rid) and total_members > profile.value(rid):
        out.append(Finding(rid, level(rid), f"党员 {total_members} 人，超过一般上限 {profile.value(rid)} 人，可考虑分设党支部。"))
    rid = "org.branch.committee_required_full_members"
    if rule_applies(rid) and full_members >= profile.value(rid) and not has_committee:
        out.append(Finding(rid, level(rid), f"正式党员 {full_members} 人（≥{profile.value(rid)} 人），应当设立支部委员会，目前未设立。"))
    return out


def term_findings(profile: Profile, *, term_end: dt.date | None, on: dt.date) -> list[Finding]:
    """Warn ahead of a term's end and report an overdue election after it (RULES §1.4)."""
    if term_end is None:
        return []
    rid = "org.term_years"
    if on > term_end:
        return [Finding(rid, "error", f"本届任期已于 {term_end:%Y年%-m月%-d日} 届满，应按期换届。")]
    warn_from = add_months(term_end, -int(profile.options.get("term_warning_months", 3)))
    if on >= warn_from:
        return [Finding(rid, "warning", f"本届任期将于 {term_end:%Y年%-m月%-d日} 届满，请做好换届准备。")]
    return []


def voting_rights(profile: Profile, category: str) -> list[str]:
    return list(profile.value("member.rights").get(category, []))
