"""To-dos (待办) for a person and for an organization, computed from records, never typed in.

For a person (their member record and their RoleGrants):
* meetings planned within ``options.todo_horizon_days`` where they are on the due list, in their
  own branch or group, or in an organization they manage directly (a grant's own organization and
  the 党小组 of a managed branch);
* overdue kinds of the organizations they manage (the compliance core: a period already missed,
  or a period ending within the horizon that still lacks meetings);
* records awaiting approval (submitted meetings of organizations below one they manage);
* incomplete records (started or returned, and the meeting date has passed);
* 谈心谈话: their own coverage gaps this year; for managers, gaps in their branches and open talk
  to-dos.

Every read is bounded by the number of organizations granted (capped), never by the number of
meetings: each list is limited and counted in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from orglife.core import scope
from orglife.core.models import Role
from orglife.inspection.models import FINISHED_STATUSES, LifeMeeting, Measure
from orglife.orgs import transfer_queries
from orglife.orgs.models import Organization
from orglife.orgs.queries import orgs_with_committee
from orglife.rules import compliance
from orglife.rules.loader import get_profile
from orglife.rules.periods import parse_period

from . import talk_queries
from .models import Exemption, Meeting, MeetingKind, MeetingStatus, TalkTodo

LIMIT = 20  # items per list
MAX_ORGS = 10  # organizations judged per person (their direct manager grants)
KIND_LABELS = {
    "meeting": "即将召开的会议",
    "overdue": "逾期或即将到期的会议",
    "approval": "待审核的会议记录",
    "incomplete": "未完成的会议记录",
    "talk": "谈心谈话",
    "talk_todo": "谈话任务",
    "measure": "逾期的整改措施",
    "dues": "党费",
    "transfer": "组织关系转接",
    "sign_off": "待销号的问题",
    "material": "对照检查材料",
    "study": "学习任务",
    "recruitment": "发展党员期限",
}
KIND_ORDER = list(KIND_LABELS)


@dataclass
class Todo:
    kind: str
    title: str
    detail: str = ""
    org: str = ""
    due: dt.date | None = None
    url: str = ""
    # Something to act on now (a meeting soon, a period about to close, a record to approve or
    # finish, a talk due): reminder emails are sent for these only. A period already missed or a
    # coverage gap for the year is shown on the pages but does not trigger an email every day.
    urgent: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def horizon_days(profile=None) -> int:
    return int((profile or get_profile()).options.get("todo_horizon_days", 7))


def _window(on: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(on, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=days + 1)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


# ------------------------------------------------------------------ pieces


def upcoming_meetings(q: Q, on: dt.date, days: int) -> list[Todo]:
    start, end = _window(on, days)
    qs = (Meeting.objects.filter(q, status__in=[MeetingStatus.PLANNED, MeetingStatus.STARTED],
                                 planned_at__gte=start, planned_at__lt=end)
          .select_related("org").order_by("planned_at", "id").distinct()[:LIMIT])
    return [
        Todo("meeting", m.topic or "会议", f"{_local(m.planned_at):%-m月%-d日 %H:%M}" + (f" · {m.place}" if m.place else ""),
             m.org.name, _local(m.planned_at).date(), _url("meeting_detail", m.pk), urgent=True)
        for m in qs
    ]


def _has_committee(org_ids: list[int]) -> set[int]:
    return orgs_with_committee(Q(term__org_id__in=org_ids))


def overdue_kinds(orgs: list[Organization], on: dt.date, days: int | None = None) -> list[Todo]:
    """One to-do per organization and kind: missed periods this year, and a period ending within
    the horizon that still lacks meetings (the compliance core judges both)."""
    orgs = [o for o in orgs if o.kind in ("branch", "joint_branch", "party_group", "leading_group")][:MAX_ORGS]
    if not orgs:
        return []
    ids = [o.pk for o in orgs]
    held: dict[int, dict[int, set[str]]] = {}
    days_of: dict[int, dt.date] = {}
    for org_id, meeting_id, kind, held_on in MeetingKind.objects.filter(
        org_id__in=ids, counted=True, held_on__year=on.year
    ).values_list("org_id", "meeting_id", "kind", "held_on"):
        held.setdefault(org_id, {}).setdefault(meeting_id, set()).add(kind)
        days_of[meeting_id] = held_on
    exempt: dict[int, list[tuple[str, str]]] = {}
    for org_id, kind, period in Exemption.objects.filter(org_id__in=ids, period__startswith=str(on.year)).values_list(
        "org_id", "kind", "period"
    ):
        exempt.setdefault(org_id, []).append((kind, period))
    committees = _has_committee(ids)
    out = []
    for org in orgs:
        profile = org.profile()
        horizon = on + dt.timedelta(days=days if days is not None else horizon_days(profile))
        facts = compliance.OrgFacts(org.pk, org.kind, org.established_on, org.dissolved_on, org.pk in committees)
        meetings = [compliance.HeldMeeting(mid, days_of[mid], frozenset(k)) for mid, k in held.get(org.pk, {}).items()]
        verdicts = compliance.judge(facts, compliance.requirements(profile, org.kind, on), meetings, on.year, on,
                                    exempt.get(org.pk, []))
        by_kind: dict[str, list[compliance.Verdict]] = {}
        for v in verdicts:
            if v.status == "missed" or (v.status == "due" and _period_end(v.period) <= horizon):
                by_kind.setdefault(v.kind, []).append(v)
        for kind, vs in by_kind.items():
            missed = [v.period for v in vs if v.status == "missed"]
            due = [v for v in vs if v.status == "due"]
            parts = []
            if missed:
                parts.append(f"{'、'.join(missed)} 未完成")
            parts += [v.explanation for v in due]
            out.append(Todo("overdue", compliance.KIND_LABELS[kind], "；".join(parts), org.name,
                            _period_end(due[0].period) if due else None, _url("compliance", org.code), urgent=bool(due)))
    return out


def _period_end(label: str) -> dt.date:
    return parse_period(label).end


def approval_q(user) -> Q | None:
    """Meetings of organizations strictly below one the user manages (None = superuser: all)."""
    if user.is_superuser:
        return None
    q = Q(pk__in=[])
    for g in scope.grants(user):
        if scope.RANK[Role(g.role)] < scope.RANK[Role.MANAGER]:
            continue
        depth = len(g.path) // Organization.steplen
        below = Q(org__path__startswith=g.path) & ~Q(org_id=g.org_id)
        q |= below if g.recursive else below & Q(org__depth=depth + 1)
    return q


def awaiting_approval(q: Q | None) -> list[Todo]:
    qs = Meeting.objects.filter(status=MeetingStatus.SUBMITTED)
    if q is not None:
        qs = qs.filter(q)
    return [
        Todo("approval", m.topic or "会议记录", f"{m.held_on:%-m月%-d日}召开，已提交待审核" if m.held_on else "已提交待审核",
             m.org.name, m.held_on, _url("meeting_detail", m.pk), urgent=True)
        for m in qs.select_related("org").order_by("submitted_at", "id")[:LIMIT]
    ]


def incomplete_records(q: Q | None, on: dt.date) -> list[Todo]:
    start, _ = _window(on, 0)
    qs = Meeting.objects.filter(
        Q(status__in=[MeetingStatus.STARTED, MeetingStatus.RETURNED])
        & (Q(held_on__lt=on) | Q(held_on__isnull=True, planned_at__lt=start))
    )
    if q is not None:
        qs = qs.filter(q)
    out = []
    for m in qs.select_related("org").order_by("held_on", "planned_at", "id")[:LIMIT]:
        day = m.held_on or _local(m.planned_at).date()
        what = "记录被退回，请修改后重新提交" if m.status == MeetingStatus.RETURNED else "会议已过，记录尚未提交"
        out.append(Todo("incomplete", m.topic or "会议记录", f"{day:%-m月%-d日} · {what}", m.org.name, day,
                        _url("meeting_detail", m.pk), urgent=True))
    return out


def member_talk_gaps(member, on: dt.date) -> list[Todo]:
    cov = talk_queries.org_coverage(member.org, on.year, on=on)
    row = next((r for r in cov.rows if r.member_id == member.pk), None)
    if row is None or row.ok:
        return []
    return [Todo("talk", "我的谈心谈话", "".join(row.explanations), member.org.name, dt.date(on.year, 12, 31))]


def org_talk_gaps(org: Organization, on: dt.date) -> list[Todo]:
    cov = talk_queries.org_coverage(org, on.year, on=on)
    if not cov.gaps:
        return []
    names = "、".join(r.name for r in cov.gaps[:5]) + (f"等{len(cov.gaps)}人" if len(cov.gaps) > 5 else "")
    return [Todo("talk", "谈心谈话未覆盖", f"{on.year}年{names}尚有谈心谈话类别未完成（{cov.mode_label}）", org.name,
                 dt.date(on.year, 12, 31), _url("talk_list", org.code))]


def open_talk_todos(q: Q | None, on: dt.date, days: int, reasons: bool = True) -> list[Todo]:
    """Open triggered-talk to-dos. Their reasons are personal: shown only when `reasons` (the
    viewer manages the organization)."""
    soon = on + dt.timedelta(days=days)
    qs = TalkTodo.objects.filter(talk__isnull=True)
    if q is not None:
        qs = qs.filter(q)
    return [
        Todo("talk_todo", f"与{t.member.name}谈话", t.reason if reasons else "谈话原因仅本组织管理员可见", t.org.name, t.due_on, _url("talk_list", t.org.code),
             urgent=t.due_on is None or t.due_on <= soon)
        for t in qs.select_related("member", "org").order_by(F("due_on").asc(nulls_last=True), "id")[:LIMIT]
    ]


def overdue_measures(q: Q, on: dt.date) -> list[Todo]:
    """Measures past their deadline and not done (q over Measure), of problems not yet signed off."""
    qs = (Measure.objects.filter(q, done_on__isnull=True, deadline__lt=on)
          .exclude(problem__status__in=FINISHED_STATUSES)
          .select_related("problem__org").order_by("deadline", "id").distinct()[:LIMIT])
    return [Todo("measure", m.text[:40], f"整改时限{m.deadline:%-m月%-d日}已过 · {m.problem.description[:30]}",
                 m.problem.org.name, m.deadline, _url("problem_detail", m.problem_id), urgent=True) for m in qs]


def awaiting_sign_off(user) -> list[Todo]:
    """One line for the problems submitted by organizations the user signs off (one count)."""
    from orglife.inspection.queries import signoff_queue

    n = signoff_queue(user).count()
    return [Todo("sign_off", f"{n} 个问题待销号", "下级组织已提交销号，请核实整改情况后销号或退回", "", None,
                 _url("signoff_queue"), urgent=True)] if n else []


def materials_due(member, on: dt.date) -> list[Todo]:
    """组织生活会 of the member's branch or group being prepared, for which the member has not yet
    written their 对照检查材料."""
    qs = (LifeMeeting.objects.filter(meeting__org_id__in=[i for i in (member.org_id, member.party_group_id) if i],
                                     meeting__attendance_frozen_at__isnull=True,
                                     meeting__kind_rows__kind__in=["org_life_meeting", "democratic_life_meeting"])
          .exclude(materials__member=member).select_related("meeting__org").order_by("meeting__planned_at")
          .distinct()[:LIMIT])
    todos = []
    for life in qs:
        day = timezone.localdate(life.meeting.planned_at) if life.meeting.planned_at else None
        if day is not None and day < on:
            continue
        todos.append(Todo("material", f"{life.meeting.topic or life.get_kind_display()}：请提交对照检查材料",
                          f"{day:%-m月%-d日}召开" if day else "", life.meeting.org.name, day,
                          _url("life_material_mine", life.pk), urgent=day is not None and (day - on).days <= 7))
    return todos


def study_todos(member, on: dt.date, days: int) -> list[Todo]:
    from orglife.study.plan_queries import due_self_study  # the study app reads its own plans

    return [Todo("study", f"{i.topic}：请完成自学并确认", f"{i.due_on:%-m月%-d日}前" + ("（已逾期）" if i.due_on < on else ""),
                 i.plan.org.name, i.due_on, _url("study_item", i.pk), urgent=on <= i.due_on <= on + dt.timedelta(days=days))
            for i in due_self_study(member, on, days, LIMIT)]


def dues_todos(member, orgs, on: dt.date) -> list[Todo]:
    from orglife.dues.reminders import todos  # the dues app builds its own items

    return todos(member, orgs, on)


def recruitment_deadlines(q: Q, on: dt.date, days: int) -> list[Todo]:
    from orglife.recruitment.todos import deadlines  # the recruitment app builds its own items

    return deadlines(q, on, days)


def _sorted(todos: list[Todo]) -> list[Todo]:
    far = dt.date.max
    return sorted(todos, key=lambda t: (KIND_ORDER.index(t.kind), t.due or far))


# ------------------------------------------------------------------ people and organizations


def with_groups(orgs: list[Organization]) -> list[Organization]:
    """The organizations plus the 党小组 directly below the branches among them (党小组会 is owed per
    group), capped at MAX_ORGS. One query."""
    branches = [o for o in orgs if o.kind in ("branch", "joint_branch")]
    if not branches:
        return orgs[:MAX_ORGS]
    q = Q(pk__in=[])
    for b in branches:
        q |= Q(path__startswith=b.path, depth=b.depth + 1)
    groups = list(Organization.objects.filter(q, kind="party_group", dissolved_on__isnull=True).order_by("path")[:MAX_ORGS])
    return (orgs + groups)[:MAX_ORGS]


def managed_orgs(user) -> list[Organization]:
    """Organizations the user holds a manager grant on (directly), capped."""
    if user.is_superuser:
        return list(scope.scope_roots(user)[:MAX_ORGS])
    ids = [g.org_id for g in scope.grants(user) if scope.RANK[Role(g.role)] >= scope.RANK[Role.MANAGER]]
    return list(Organization.objects.filter(pk__in=ids).order_by("path")[:MAX_ORGS])


def for_user(user, on: dt.date | None = None) -> list[Todo]:
    on = on or timezone.localdate()
    days = horizon_days()
    member = getattr(user, "member", None)
    managed = managed_orgs(user)
    # Organizations granted directly (and the 党小组 of a managed branch): a committee's officers
    # follow their whole subtree on the compliance page, not as a list of every branch's meetings.
    own = with_groups(managed)
    own_q = Q(org_id__in=[o.pk for o in own])
    mine = Q(pk__in=[])
    if member is not None:
        mine = Q(attendance__member=member) | Q(org_id__in=[i for i in (member.org_id, member.party_group_id) if i])
    todos = upcoming_meetings(mine | own_q, on, days) if (member is not None or managed) else []
    todos += overdue_kinds(own, on)
    if managed:
        todos += awaiting_approval(approval_q(user))
        todos += awaiting_sign_off(user)
        todos += incomplete_records(own_q, on)
        todos += open_talk_todos(own_q, on, days)
        todos += transfer_queries.todos(user)
        todos += recruitment_deadlines(Q(org_id__in=[o.pk for o in managed]), on, days)
        for org in managed:
            if org.kind in ("branch", "joint_branch"):
                todos += org_talk_gaps(org, on)
    if member is not None and not any(o.pk == member.org_id for o in managed):
        todos += member_talk_gaps(member, on)
    if member is not None:
        todos += materials_due(member, on)
        todos += study_todos(member, on, days)
    measures_q = Q(problem__org_id__in=[o.pk for o in managed]) | (Q(owner=member) if member is not None else Q(pk__in=[]))
    if managed or member is not None:
        todos += overdue_measures(measures_q, on)
    todos += dues_todos(member, managed, on)
    return _sorted(todos)


def for_org(org: Organization, on: dt.date | None = None, *, reasons: bool = True, reviews: bool = True) -> list[Todo]:
    """The organization's to-dos. reasons: show triggered-talk reasons (the branch's own managers);
    reviews: list records below awaiting review (managers, who do the reviewing)."""
    on = on or timezone.localdate()
    days = horizon_days(org.profile())
    depth_below = Q(org__path__startswith=org.path, org__depth=org.depth + 1)
    todos = upcoming_meetings(Q(org=org), on, days)
    todos += overdue_kinds(with_groups([org]), on, days)
    if reviews:
        todos += awaiting_approval(depth_below)
    todos += incomplete_records(Q(org=org), on)
    todos += open_talk_todos(Q(org=org), on, days, reasons)
    if org.kind in ("branch", "joint_branch"):
        todos += org_talk_gaps(org, on)
    todos += overdue_measures(Q(problem__org=org), on)
    todos += dues_todos(None, [org], on)
    todos += recruitment_deadlines(Q(org=org), on, days)
    return _sorted(todos)


def grouped(todos: list[Todo]) -> list[tuple[str, list[Todo]]]:
    out: dict[str, list[Todo]] = {}
    for t in todos:
        out.setdefault(t.kind_label, []).append(t)
    return list(out.items())
