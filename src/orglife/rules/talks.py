"""谈心谈话 coverage (RULES §1.2, rule talk.categories): pure functions over roster facts and talks.

The rule book says each category (支委之间, 支委与党员之间, 党员之间) happens "一般不少于1次" a
year. Two readings are configurable through the profile option ``talk_mode``:

* ``coverage`` (default): every person takes part in at least one talk of each category that
  applies to them. A committee member owes committee_committee and committee_member; an ordinary
  member owes committee_member and member_member.
* ``pairwise`` (strict): every pair of committee members, and every committee member with every
  ordinary member, has talked at least once. **member_member is not read pairwise**: with n
  members that would be n(n-1)/2 talks a year (1,225 in a 50-member branch), which no reading of
  the text asks for. It stays owed as coverage (each ordinary member at least one talk with
  another member): the strict profile tightens the committee's duty and never relaxes the rest.

A talk's category for a participant is judged by the committee flags frozen when the talk was
recorded (TalkParticipant.on_committee); who owes what is judged by the roster as it is now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .loader import Profile

RULE_ID = "talk.categories"
CATEGORIES = ("committee_committee", "committee_member", "member_member")
CATEGORY_LABELS = {
    "committee_committee": "支委之间",
    "committee_member": "支委与党员之间",
    "member_member": "党员之间",
}
MODES = ("coverage", "pairwise")
MODE_LABELS = {"coverage": "覆盖模式（每人每类至少参加1次）", "pairwise": "结对模式（支委两两之间、支委与每名党员之间至少1次）"}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    on_committee: bool


@dataclass(frozen=True)
class TalkFacts:
    id: int
    held_on: dt.date
    participants: frozenset[tuple[int, bool]]  # (member id, on committee when recorded)


@dataclass
class MemberCoverage:
    member_id: int
    name: str
    on_committee: bool
    required: tuple[str, ...]
    done: tuple[str, ...]
    missing: tuple[str, ...]
    explanations: list[str] = field(default_factory=list)
    talks: int = 0

    @property
    def ok(self) -> bool:
        return not self.missing


def requirement(profile: Profile, org_kind: str, on: dt.date) -> tuple[tuple[str, ...], str] | None:
    """(required categories, mode) for an organization of this kind, or None if the rule does not apply."""
    rule = profile.rules.get(RULE_ID)
    if rule is None or not rule.in_force(on) or (rule.applies_to and org_kind not in rule.applies_to):
        return None
    cats = tuple(c for c in CATEGORIES if c in rule.value.get("categories", CATEGORIES))
    mode = profile.options.get("talk_mode", "coverage")
    return cats, mode if mode in MODES else "coverage"


def categories_for(member_id: int, talk: TalkFacts) -> set[str]:
    """The categories a participant took part in during one talk (frozen flags)."""
    flags = dict(talk.participants)
    if member_id not in flags:
        return set()
    mine = flags[member_id]
    others = [c for m, c in talk.participants if m != member_id]
    out = set()
    for other in others:
        if mine and other:
            out.add("committee_committee")
        elif mine or other:
            out.add("committee_member")
        else:
            out.add("member_member")
    return out


def _applicable(person: Person, committee: int, ordinary: int, cats: Iterable[str], mode: str) -> tuple[str, ...]:
    """Categories the person owes, given how many committee and ordinary members the roster has.
    A category nobody could satisfy (a one-person committee has no one to talk to) is not owed."""
    out = []
    for cat in cats:
        if cat == "committee_committee" and person.on_committee and committee >= 2:
            out.append(cat)
        elif cat == "committee_member" and committee >= 1 and ordinary >= 1:
            out.append(cat)
        elif cat == "member_member" and not person.on_committee and ordinary >= 2:
            out.append(cat)
    return tuple(out)


def coverage(
    people: Iterable[Person],
    talks: Iterable[TalkFacts],
    *,
    year: int,
    mode: str = "coverage",
    categories: Iterable[str] = CATEGORIES,
) -> list[MemberCoverage]:
    """Per member: which categories they owe in the year, which are done and which are missing,
    with a Chinese explanation for each gap. Talks outside the year are ignored."""
    people = list(people)
    cats = tuple(categories)
    talks = [t for t in talks if t.held_on.year == year]
    committee = [p for p in people if p.on_committee]
    ordinary = [p for p in people if not p.on_committee]
    by_id = {p.id: p for p in people}
    talked_with: dict[int, set[int]] = {p.id: set() for p in people}
    done: dict[int, set[str]] = {p.id: set() for p in people}
    count: dict[int, int] = {p.id: 0 for p in people}
    for talk in talks:
        ids = [m for m, _ in talk.participants]
        for m in ids:
            if m not in by_id:
                continue
            count[m] += 1
            done[m] |= categories_for(m, talk)
            talked_with[m].update(o for o in ids if o != m)
    out = []
    for p in people:
        required = _applicable(p, len(committee), len(ordinary), cats, mode)
        explanations: list[str] = []
        if mode == "pairwise":
            missing = []
            for cat in required:
                if cat == "member_member":  # coverage in both modes (see the module docstring)
                    if cat not in done[p.id]:
                        missing.append(cat)
                        explanations.append(_coverage_text(p, cat, year))
                    continue
                if cat == "committee_committee":
                    owed = [o for o in committee if o.id != p.id]
                    who = "支委"
                else:
                    owed = ordinary if p.on_committee else committee
                    who = "党员" if p.on_committee else "支委"
                gaps = [o.name for o in owed if o.id not in talked_with[p.id]]
                if gaps:
                    missing.append(cat)
                    names = "、".join(gaps[:5]) + (f"等{len(gaps)}人" if len(gaps) > 5 else "")
                    explanations.append(f"{year}年尚未与{who}{names}谈心谈话（{CATEGORY_LABELS[cat]}）。")
            done_cats = tuple(c for c in required if c not in missing)
        else:
            missing = [c for c in required if c not in done[p.id]]
            done_cats = tuple(c for c in required if c in done[p.id])
            for cat in missing:
                explanations.append(_coverage_text(p, cat, year))
        out.append(MemberCoverage(p.id, p.name, p.on_committee, required, done_cats, tuple(missing),
                                  explanations, count[p.id]))
    return out


def _coverage_text(p: Person, cat: str, year: int) -> str:
    label = CATEGORY_LABELS[cat]
    if cat == "committee_committee":
        return f"作为支委，{year}年尚未与其他支委谈心谈话（{label}，每年至少1次）。"
    if cat == "committee_member":
        target = "党员" if p.on_committee else "支委"
        return f"{year}年尚未与{target}谈心谈话（{label}，每年至少1次）。"
    return f"{year}年尚未与其他党员谈心谈话（{label}，每年至少1次）。"


def summary(rows: Iterable[MemberCoverage]) -> dict[str, int]:
    """Counts for a coverage table header: people, complete, with gaps, and gaps per category."""
    rows = list(rows)
    out = {"people": len(rows), "complete": sum(r.ok for r in rows), "gaps": sum(not r.ok for r in rows)}
    for cat in CATEGORIES:
        out[cat] = sum(cat in r.missing for r in rows)
    return out
