"""Compliance reads for a subtree: the SQL path of the compliance engine.

One call reads, whatever the subtree's size, a fixed number of queries:
1. the organizations (the visible subtree, or one page of it);
2. the rule profiles set anywhere in the subtree or above it (inheritance is resolved in memory);
3. one hash aggregate over MeetingKind (counted, held in the year) per organization × kind, the
   twelve monthly counts packed into two integers;
4. the approved exemptions of the year;
5. which branches have a 支部委员会 (≥ 3 office holders in a current term, as orgs.queries);
and the pure core (orglife.rules.compliance.judge_counts) judges each kind. Organizations with the
same facts and the same monthly counts of a kind share one judgement of it (a Segment): 44,000
branches have a few thousand distinct ones, so a whole province is judged in about 2 s and a
county in ~150 ms (docs/performance.md, "Compliance"). Meeting ids are read only for one
organization's drill-down (compliance_rows with subtree=False, cell_meetings).
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import replace
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from orglife.core import scope
from orglife.orgs.models import Organization
from orglife.orgs.queries import orgs_with_committee
from orglife.rules import compliance as core
from orglife.rules.loader import DEFAULT_PROFILE, get_profile, load_all

from .models import Exemption, MeetingKind

ORG_FIELDS = ("id", "code", "name", "path", "depth", "kind", "established_on", "dissolved_on", "rule_profile")
HEATMAP_PAGE = 50


class OrgInfo(NamedTuple):  # a tuple: ~80,000 of them are built for a whole tree
    id: int
    code: str
    name: str
    path: str
    depth: int
    kind: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    profile: str = DEFAULT_PROFILE


class Segment:
    """The verdicts of one kind for a year, shared by every organization with the same facts and
    the same monthly counts of that kind. They carry org_id 0 and no meeting ids; OrgCompliance
    hands out per-organization copies."""

    __slots__ = ("verdicts", "kind", "_months", "_closing")

    def __init__(self, verdicts: list[core.Verdict]):
        self.verdicts = verdicts
        self.kind = verdicts[0].kind if verdicts else ""
        self._months: list[str | None] | None = None
        self._closing: list[str | None] | None = None

    @property
    def months(self) -> list[str | None]:
        """Status per month, each period spanning its months (the kind's own row)."""
        if self._months is None:
            self._months = core.month_statuses(self.verdicts, self.kind)
        return self._months

    @property
    def closing_months(self) -> list[str | None]:
        """Status per month, each period shown where it closes (folded across kinds)."""
        if self._closing is None:
            self._closing = core.month_statuses(self.verdicts)
        return self._closing


def _worst(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if core.STATUS_SEVERITY[a] >= core.STATUS_SEVERITY[b] else b


class OrgCompliance:
    """An organization's verdicts for a year: one shared Segment per kind it owes."""

    __slots__ = ("org", "segments", "_verdicts")

    def __init__(self, org: OrgInfo, segments: tuple[Segment, ...], verdicts: list[core.Verdict] | None = None):
        self.org = org
        self.segments = segments
        self._verdicts = verdicts

    @property
    def verdicts(self) -> list[core.Verdict]:
        if self._verdicts is None:
            org_id, make = self.org.id, core.Verdict
            self._verdicts = [make(org_id, v.kind, v.period, v.required, v.held, v.status, v.rule, v.explanation, [])
                              for segment in self.segments for v in segment.verdicts]
        return self._verdicts

    def months(self, kind: str | None = None) -> list[str | None]:
        """Worst status per month (1–12): of one kind, each period over its months; of all kinds,
        each period in the month it closes (see rules.compliance.month_statuses)."""
        out: list[str | None] = [None] * 12
        for segment in self.segments:
            if kind and segment.kind != kind:
                continue
            months = segment.months if kind else segment.closing_months
            out = [_worst(a, b) for a, b in zip(out, months, strict=True)]
        return out


# ------------------------------------------------------------------ organizations and scope


def requiring_kinds() -> set[str] | None:
    """Organization kinds that owe meetings under some profile; None if a rule applies to all."""
    kinds: set[str] = set()
    for profile in load_all().values():
        for kind in core.KIND_LABELS:
            rule = profile.rules.get(f"meeting.{kind}")
            if rule is None:
                continue
            if not rule.applies_to:
                return None
            kinds.update(rule.applies_to)
    return kinds


def subtree_orgs(user, root: Organization, subtree: bool = True, only_requiring: bool = False) -> QuerySet:
    """The organizations of root's subtree the user may see (root alone when subtree is false),
    in tree order, as tuples of ORG_FIELDS."""
    if not subtree:
        return Organization.objects.filter(pk=root.pk).values_list(*ORG_FIELDS)
    qs = Organization.objects.filter(path__startswith=root.path)
    if not scope.covers_subtree(user, root):  # a non-recursive grant covers its organization only
        qs = qs.filter(scope.org_q(user))
    if only_requiring:
        kinds = requiring_kinds()
        if kinds is not None:
            qs = qs.filter(kind__in=sorted(kinds))
    return qs.order_by("path").values_list(*ORG_FIELDS)


def _profiles(root: Organization, rows: list[tuple]) -> list[OrgInfo]:
    """OrgInfo for each row with its effective rule profile: its own, else the nearest ancestor's.
    One query for the profiles set in root's subtree or above it."""
    ancestors = root.ancestor_paths()
    set_here = dict(
        Organization.objects.filter(Q(path__startswith=root.path) | Q(path__in=ancestors))
        .exclude(rule_profile="")
        .values_list("path", "rule_profile")
    )
    step = Organization.steplen
    known = load_all()
    out = []
    for row in rows:
        name = DEFAULT_PROFILE
        if set_here:
            path = row[3]
            for length in range(len(path), 0, -step):
                found = set_here.get(path[:length])
                if found:
                    name = found
                    break
        if name not in known:
            name = DEFAULT_PROFILE
        out.append(OrgInfo(*row[:8], name))
    return out


# ------------------------------------------------------------------ the aggregates


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "EXTRACT(MONTH FROM mk.held_on)::int"
    return "CAST(strftime('%%m', mk.held_on) AS integer)"


def _where(root: Organization | None, ids: list[int] | None) -> tuple[str, list]:
    if ids is not None:
        return f"mk.org_id IN ({', '.join(['%s'] * len(ids))})", list(ids)
    return "mk.org_id IN (SELECT id FROM orgs_organization WHERE path LIKE %s)", [root.path + "%"]


MONTH_BITS = 10  # counts packed 10 bits a month (≤ 1,023 meetings of one kind a month), 6 months a bigint


def monthly_counts(year: int, root: Organization | None = None, ids: list[int] | None = None) -> dict[int, dict]:
    """{org id: {kind: (packed Jan–Jun, packed Jul–Dec)}}: counted meetings held in each month of
    the year, for root's subtree or the given organizations. One hash aggregate of two sums per
    organization × kind; the packed pair is the sharing key, unpacked only when it is new."""
    if ids is not None and not ids:
        return {}
    where, params = _where(root, ids)
    sql = f"""
        SELECT org_id, kind,
               SUM(CASE WHEN m <= 6 THEN 1 << ((m - 1) * {MONTH_BITS}) ELSE 0 END),
               SUM(CASE WHEN m > 6 THEN 1 << ((m - 7) * {MONTH_BITS}) ELSE 0 END)
        FROM (
            SELECT mk.org_id AS org_id, mk.kind AS kind, {_month_sql()} AS m
            FROM {MeetingKind._meta.db_table} mk
            WHERE mk.counted AND mk.held_on >= %s AND mk.held_on <= %s AND {where}
        ) s GROUP BY org_id, kind
    """
    if connection.vendor == "postgresql":
        # SUM(bigint) is numeric (a Decimal in Python): cast back.
        sql = sql.replace("1 << ", "1::bigint << ").replace(" ELSE 0 END)", " ELSE 0 END)::bigint")
    out: dict[int, dict] = {}
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # A whole tree's aggregate costs enough to trigger JIT compilation, which takes longer
            # (~0.5–1 s) than it saves; off for this query only.
            cur.execute("SET LOCAL jit = off")
        cur.execute(sql, [dt.date(year, 1, 1), dt.date(year, 12, 31), *params])
        for org_id, kind, first, second in cur.fetchall():
            found = out.get(org_id)
            if found is None:
                out[org_id] = {kind: (first, second)}
            else:
                found[kind] = (first, second)
    return out


def _parse_counts(kind: str, packed: tuple[int, int] | None) -> dict[tuple[str, int], int]:
    out: dict[tuple[str, int], int] = {}
    if packed:
        mask = (1 << MONTH_BITS) - 1
        for half, value in enumerate(packed):
            for i in range(6):
                n = (value >> (i * MONTH_BITS)) & mask
                if n:
                    out[(kind, half * 6 + i + 1)] = n
    return out


def _org_filter(prefix: str, root: Organization | None, ids: list[int] | None) -> Q:
    if ids is not None:
        return Q(**{f"{prefix}id__in": ids})
    return Q(**{f"{prefix}path__startswith": root.path})


def exemptions(year: int, root: Organization | None = None, ids: list[int] | None = None) -> dict[int, tuple]:
    rows = Exemption.objects.filter(_org_filter("org__", root, ids), period__startswith=str(year))
    out: dict[int, list] = {}
    for org_id, kind, period in rows.values_list("org_id", "kind", "period"):
        out.setdefault(org_id, []).append((kind, period))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def with_committee(root: Organization | None = None, ids: list[int] | None = None) -> set[int]:
    """Branches whose current term has a committee (orgs.queries.orgs_with_committee)."""
    return orgs_with_committee(_org_filter("term__org__", root, ids) & Q(term__org__kind__in=["branch", "joint_branch"]))


# ------------------------------------------------------------------ judging


def judge_orgs(root: Organization, infos: list[OrgInfo], year: int, on: dt.date, *,
               whole_subtree: bool) -> list[OrgCompliance]:
    """Verdicts for each organization. whole_subtree: infos are root's whole subtree, so the
    aggregates filter by path; otherwise by the organizations' ids (a page, or one organization).

    Each kind is judged once per distinct (profile, facts, exemptions, monthly counts of that
    kind) and shared: a province has ~44,000 branches but a few thousand distinct kind rows.
    """
    ids = None if whole_subtree else [o.id for o in infos]
    counts = monthly_counts(year, root, ids)
    exempt = exemptions(year, root, ids)
    committees = with_committee(root, ids)
    segments: dict[tuple, Segment] = {}
    reqs_memo: dict[tuple[str, str], list[core.Requirement]] = {}
    no_counts: dict[str, str] = {}
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = []
    for info in infos:
        reqs = reqs_memo.get((info.profile, info.kind))
        if reqs is None:
            reqs = reqs_memo[(info.profile, info.kind)] = core.requirements(get_profile(info.profile), info.kind, on)
        if not reqs:
            out.append(OrgCompliance(info, ()))
            continue
        texts = counts.get(info.id, no_counts)
        has_committee = info.id in committees
        gone = exempt.get(info.id, ())
        # Dates outside the year change nothing: leave them out so that organizations share.
        est = info.established_on if info.established_on and info.established_on >= first_day else None
        dis = info.dissolved_on if info.dissolved_on and info.dissolved_on <= last_day else None
        parts = []
        for req in reqs:
            text = texts.get(req.kind)
            kind_gone = tuple(e for e in gone if e[0] == req.kind) if gone else ()
            key = (id(req), est, dis, req.needs_committee and has_committee, kind_gone, text)
            segment = segments.get(key)
            if segment is None:
                facts = core.OrgFacts(0, info.kind, est, dis, has_committee)
                segment = segments[key] = Segment(
                    core.judge_counts(facts, [req], _parse_counts(req.kind, text), year, on, kind_gone)
                )
            parts.append(segment)
        out.append(OrgCompliance(info, tuple(parts)))
    return out


def judge_one(root: Organization, info: OrgInfo, year: int, on: dt.date) -> OrgCompliance:
    """One organization with the ids of the meetings counted in each verdict (the drill-down)."""
    rows = (
        MeetingKind.objects.filter(org_id=info.id, counted=True, held_on__year=year)
        .order_by("held_on", "meeting_id")
        .values_list("meeting_id", "held_on", "kind")
    )
    kinds: dict[int, set[str]] = {}
    held_on: dict[int, dt.date] = {}
    for meeting_id, day, kind in rows:
        kinds.setdefault(meeting_id, set()).add(kind)
        held_on[meeting_id] = day
    meetings = [core.HeldMeeting(i, held_on[i], frozenset(k)) for i, k in kinds.items()]
    gone = exemptions(year, ids=[info.id]).get(info.id, ())
    has_committee = info.id in with_committee(ids=[info.id])
    reqs = core.requirements(get_profile(info.profile), info.kind, on)
    facts = core.OrgFacts(info.id, info.kind, info.established_on, info.dissolved_on, has_committee)
    verdicts = core.judge(facts, reqs, meetings, year, on, gone)
    by_kind: dict[str, list[core.Verdict]] = {}
    for v in verdicts:
        by_kind.setdefault(v.kind, []).append(replace(v, org_id=0, meetings=[]))
    return OrgCompliance(info, tuple(Segment(vs) for vs in by_kind.values()), verdicts)


def compliance_rows(user, org: Organization, year: int, on: dt.date, subtree: bool = True) -> list[OrgCompliance]:
    """Compliance of every organization of org's subtree the user may see (of org alone when
    subtree is false, then with meeting ids). The caller has checked that the user may view org."""
    rows = list(subtree_orgs(user, org, subtree))
    infos = _profiles(org, rows)
    if not subtree:
        return [judge_one(org, infos[0], year, on)]
    # A province builds ~500,000 small objects that hold no cycles: the cyclic collector would
    # walk them again and again (~15% of the time). Paused for this call only.
    paused = gc.isenabled() and len(rows) > 10_000
    if paused:
        gc.disable()
    try:
        return judge_orgs(org, infos, year, on, whole_subtree=len(rows) > HEATMAP_PAGE)
    finally:
        if paused:
            gc.enable()


def heatmap_page(user, org: Organization, year: int, on: dt.date, page: int | str = 1) -> tuple[Page, list[OrgCompliance]]:
    """One page (HEATMAP_PAGE organizations that owe meetings, in tree order) of the heat map."""
    paginator = Paginator(subtree_orgs(user, org, only_requiring=True), HEATMAP_PAGE)
    current = paginator.get_page(page)
    infos = _profiles(org, list(current.object_list))
    return current, judge_orgs(org, infos, year, on, whole_subtree=False)


def cell_meetings(org: Organization, kind: str, period_label: str) -> list[int]:
    """Ids of the counted meetings of one kind in one period (a heat-map cell, fetched lazily)."""
    from orglife.rules.periods import parse_period

    period = parse_period(period_label)
    return list(
        MeetingKind.objects.filter(org=org, kind=kind, counted=True, held_on__gte=period.start, held_on__lte=period.end)
        .order_by("held_on", "meeting_id")
        .values_list("meeting_id", flat=True)
    )


def status_totals(rows: list[OrgCompliance]) -> dict[str, int]:
    """How many kind × period verdicts of the rows have each status."""
    uses: dict[int, list] = {}
    for row in rows:
        for segment in row.segments:
            found = uses.get(id(segment))
            if found is None:
                uses[id(segment)] = [segment, 1]
            else:
                found[1] += 1
    totals = dict.fromkeys(core.STATUS_LABELS, 0)
    for segment, n in uses.values():
        for v in segment.verdicts:
            totals[v.status] += n
    return totals
