"""Every write to meeting records: create, edit, start (freeze the due list), attendance, guests,
resolutions, follow-ups, attachments, submit (lock), amend. One transaction each, audited.

Permission is the caller's job (orglife.core.scope). Refusals raise orgs.services.ServiceError
with {field: Chinese message}.

MeetingKind rows (what compliance aggregates) are kept in step by every service that changes a
meeting's kinds, date or status: see sync_kinds.
"""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.models import ON_ROSTER, Member, Organization, OrgKind, Term
from orglife.orgs.services import ServiceError
from orglife.rules import compliance
from orglife.rules.compliance import KIND_LABELS

from .models import (
    Amendment,
    Attachment,
    Attendance,
    AttendanceStatus,
    ContentCategory,
    FollowUp,
    Guest,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)

__all__ = ["ServiceError"]


# Fields of the record a secretary types (meeting_create/update/amend accept these).
RECORD_FIELDS = (
    "held_at",
    "place",
    "host",
    "recorder",
    "lecturer",
    "topic",
    "content_category",
    "agenda",
    "opinions",
    "minutes",
    "late_reason",
)
MEMBER_FIELDS = ("host", "recorder")
ELEMENT_LABELS = {"attendance": "出席情况（应到、实到）"}
LOCKED_MESSAGE = "会议纪实已提交锁定，如需修改请提交更正并说明理由"


def element_label(name: str) -> str:
    if name in ELEMENT_LABELS:
        return ELEMENT_LABELS[name]
    try:
        return str(Meeting._meta.get_field(name).verbose_name)
    except Exception:
        return name


# ---------------------------------------------------------------- helpers


def _clean_kinds(kinds) -> list[str]:
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds:
        raise ServiceError({"kinds": "请至少选择一种会议类型"})
    unknown = [k for k in kinds if k not in KIND_LABELS]
    if unknown:
        raise ServiceError({"kinds": f"会议类型无效：{'、'.join(map(str, unknown))}"})
    return kinds


def _clean_fields(org: Organization, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    errors = {}
    cleaned = dict(fields)
    for name in MEMBER_FIELDS:
        if name not in cleaned:
            continue
        value = cleaned[name]
        if value in (None, ""):
            cleaned[name] = None
            continue
        if isinstance(value, Member):
            continue
        member = Member.objects.select_related("org").filter(pk=value).first() if str(value).isdigit() else None
        if member is None:
            errors[name] = f"{element_label(name)}不存在"
        elif not belongs_to(member, org):
            errors[name] = f"{element_label(name)}应为本组织的党员"
        cleaned[name] = member
    category = cleaned.get("content_category")
    if category and category not in ContentCategory.values:
        errors["content_category"] = "内容类别无效"
    for name in ("place", "lecturer", "topic"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            limit = Meeting._meta.get_field(name).max_length
            if len(cleaned[name]) > limit:
                errors[name] = f"{element_label(name)}过长（不超过{limit}个字）"
    for name in ("agenda", "opinions", "minutes", "late_reason", "content_category"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    held_at = cleaned.get("held_at")
    if held_at is not None:
        if timezone.is_naive(held_at):
            held_at = cleaned["held_at"] = timezone.make_aware(held_at)
        if org.established_on and timezone.localdate(held_at) < org.established_on:
            errors["held_at"] = f"召开时间早于本组织成立日期（{org.established_on:%Y年%-m月%-d日}）"
    if errors:
        raise ServiceError(errors)
    return cleaned


def _apply(meeting: Meeting, fields: dict[str, Any]) -> None:
    for k, v in fields.items():
        setattr(meeting, k, v)
    if "held_at" in fields:
        meeting.held_on = timezone.localdate(meeting.held_at) if meeting.held_at else None


def sync_kinds(meeting: Meeting, kinds: list[str] | None = None) -> None:
    """Make MeetingKind rows match the meeting: its kinds (when given), org, date and lock.
    Any service elsewhere that changes a meeting's status (e.g. approve, return) calls this too."""
    if kinds is not None:
        MeetingKind.objects.filter(meeting=meeting).exclude(kind__in=kinds).delete()
        have = set(MeetingKind.objects.filter(meeting=meeting).values_list("kind", flat=True))
        MeetingKind.objects.bulk_create(
            [
                MeetingKind(
                    meeting=meeting,
                    kind=k,
                    org=meeting.org,
                    held_on=meeting.held_on,
                    counted=meeting.is_locked,
                )
                for k in kinds
                if k not in have
            ]
        )
    MeetingKind.objects.filter(meeting=meeting).update(
        org=meeting.org, held_on=meeting.held_on, counted=meeting.is_locked
    )


def meeting_kinds(meeting: Meeting) -> list[str]:
    return [k for k in KIND_LABELS if k in {r.kind for r in meeting.kind_rows.all()}]


def _snapshot(meeting: Meeting, names) -> dict[str, Any]:
    out = {}
    for name in names:
        if name == "kinds":
            out[name] = meeting_kinds(meeting)
        elif name in MEMBER_FIELDS:
            out[name] = getattr(meeting, f"{name}_id")
        else:
            out[name] = audit._plain(getattr(meeting, name))
    return out


def _refuse_locked(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ServiceError({"status": LOCKED_MESSAGE})


def _refuse_not_started(meeting: Meeting) -> None:
    if meeting.attendance_frozen_at is None:
        raise ServiceError({"status": "会议尚未开始，应到名单还未生成"})


# ---------------------------------------------------------------- create, edit, start


def meeting_create(
    *, actor, org: Organization, kinds, planned_at=None, plan_item=None, **fields
) -> Meeting:
    kinds = _clean_kinds(kinds)
    cleaned = _clean_fields(org, fields)
    with transaction.atomic():
        meeting = Meeting(
            org=org,
            planned_at=planned_at,
            plan_item=plan_item,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _apply(meeting, cleaned)
        meeting.save()
        sync_kinds(meeting, kinds)
        audit.record(
            actor=actor,
            action="meeting.create",
            target=meeting,
            org=org,
            changes=audit.diff({}, {**cleaned, "kinds": kinds}),
        )
        # Imported here: the 组织生活会 workflow lives in inspection, which builds on meetings.
        from orglife.inspection import life_services

        if life_services.opens_on_create(meeting):
            life_services.attach(actor=actor, meeting=meeting)
    return meeting


def _refuse_due_change(meeting: Meeting, kinds: list[str]) -> None:
    """Once started, the due list is frozen for the kinds then recorded: refuse kinds that would
    call a different list (a 支委会 of the committee turned into a 党员大会 of the whole roster)."""
    if meeting.attendance_frozen_at is None:
        return
    old = meeting_kinds(meeting)
    if set(old) == set(kinds):
        return
    if {m.pk for m in due_members(meeting, old)} != {m.pk for m in due_members(meeting, kinds)}:
        raise ServiceError({"kinds": "会议已开始，应到名单已按原会议类型生成；改成这些会议类型会改变应到名单，请另行新建会议"})


def meeting_update(*, actor, meeting: Meeting, kinds=None, **fields) -> Meeting:
    _refuse_locked(meeting)
    if kinds is not None:
        kinds = _clean_kinds(kinds)
        _refuse_due_change(meeting, kinds)
    cleaned = _clean_fields(meeting.org, fields)
    before = _snapshot(meeting, [*cleaned, *(["kinds"] if kinds is not None else [])])
    with transaction.atomic():
        _apply(meeting, cleaned)
        meeting.save()
        sync_kinds(meeting, kinds)
        after = _snapshot(meeting, before)
        audit.record(
            actor=actor,
            action="meeting.update",
            target=meeting,
            org=meeting.org,
            changes=audit.diff(before, after),
        )
        # A planned meeting that now counts as a 组织生活会/民主生活会 gets its preparation too.
        from orglife.inspection import life_services

        if life_services.opens_on_create(meeting):
            life_services.attach(actor=actor, meeting=meeting)
    return meeting


def office_holders(org: Organization):
    """Members on the roster holding a post in the organization's current term."""
    term = Term.objects.filter(org=org, ended_on__isnull=True).order_by("-started_on").first()
    on_roster = Member.objects.filter(status__in=ON_ROSTER)
    if term is None:
        return on_roster.none()
    return on_roster.filter(posts__term=term, posts__ended_on__isnull=True).distinct()


# Kinds held by the leadership (committee or 党组) rather than by the whole roster.
LEADERSHIP_KINDS = {"committee_meeting", "democratic_life_meeting"}


def due_members(meeting: Meeting, kinds: list[str]) -> list[Member]:
    """Who is due to attend: for a 支委会 or 民主生活会 (and any meeting of a 党组, whose members
    are its office holders), the current leadership when one is recorded; for a 党小组, its
    group members; otherwise the organization's roster."""
    org = meeting.org
    on_roster = Member.objects.filter(status__in=ON_ROSTER)
    if org.kind == OrgKind.LEADING_GROUP or (kinds and set(kinds) <= LEADERSHIP_KINDS):
        holders = office_holders(org)
        if holders.exists() or org.kind == OrgKind.LEADING_GROUP:
            return list(holders.order_by("id"))
    if org.kind == OrgKind.PARTY_GROUP:
        return list(on_roster.filter(party_group=org).order_by("id"))
    return list(on_roster.filter(org=org).order_by("id"))


def belongs_to(member: Member, org: Organization) -> bool:
    """Whether a member may host or record the organization's meetings: one of its members (its
    subtree's, or its group's) or one of its office holders (a 党组's members hold posts)."""
    return (
        member.org.path.startswith(org.path)
        or member.party_group_id == org.pk
        or office_holders(org).filter(pk=member.pk).exists()
    )


def meeting_start(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Start the meeting: freeze the due list (with voting rights) from the roster."""
    _refuse_locked(meeting)
    if meeting.attendance_frozen_at is not None:
        raise ServiceError({"status": "会议已经开始，应到名单已生成"})
    from orglife.inspection import life_services  # see meeting_create

    life_services.refuse_unless_ready(meeting)
    now = now or timezone.now()
    members = due_members(meeting, meeting_kinds(meeting))
    if not members:
        raise ServiceError({"attendance": "应到名单为空：请先登记本组织的党员或本届班子成员"})
    with transaction.atomic():
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    member=m,
                    voting_entitled=m.has_voting_rights,
                    status=AttendanceStatus.ABSENT,
                )
                for m in members
            ]
        )
        meeting.status = MeetingStatus.STARTED
        meeting.attendance_frozen_at = now
        if meeting.held_at is None:
            meeting.held_at = now
            meeting.held_on = timezone.localdate(now)
        meeting.save()
        sync_kinds(meeting)
        audit.record(
            actor=actor,
            action="meeting.start",
            target=meeting,
            org=meeting.org,
            changes={
                "due": [None, len(members)],
                "status": [MeetingStatus.PLANNED, MeetingStatus.STARTED],
            },
        )
    return meeting


# ---------------------------------------------------------------- attendance


def attendance_set(*, actor, meeting: Meeting, rows) -> list[Attendance]:
    """Mark attendance by hand. rows: [{"member": id or Member, "status", "reason"}]."""
    _refuse_locked(meeting)
    _refuse_not_started(meeting)
    by_member = {a.member_id: a for a in meeting.attendance.select_related("member")}
    errors: dict[str, str] = {}
    changes: dict[str, list] = {}
    updated = []
    now = timezone.now()
    for i, row in enumerate(rows):
        member = row.get("member")
        member_id = member.pk if isinstance(member, Member) else member
        status = row.get("status")
        reason = (row.get("reason") or "").strip()
        a = by_member.get(int(member_id)) if str(member_id).isdigit() else None
        if a is None:
            errors[f"attendance.{i}.member"] = f"党员（ID {member_id}）不在本次会议的应到名单中"
            continue
        if status not in AttendanceStatus.values:
            errors[f"attendance.{i}.status"] = (
                f"{a.member.name}的出席情况无效，应为出席、请假或缺席"
            )
            continue
        if status == AttendanceStatus.ON_LEAVE and not reason:
            errors[f"attendance.{i}.reason"] = f"{a.member.name}请假，请填写请假事由"
            continue
        if len(reason) > 200:
            errors[f"attendance.{i}.reason"] = "事由过长（不超过200个字）"
            continue
        if a.status == status and a.reason == reason:
            continue
        changes[a.member.name] = [a.status, status]
        if status == AttendanceStatus.PRESENT and a.status != AttendanceStatus.PRESENT:
            a.signed_in_at, a.method = now, "manual"
        elif status != AttendanceStatus.PRESENT:
            a.signed_in_at, a.method = None, ""
        a.status, a.reason = status, reason
        updated.append(a)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        Attendance.objects.bulk_update(updated, ["status", "reason", "signed_in_at", "method"])
        if updated:
            audit.record(
                actor=actor,
                action="meeting.attendance",
                target=meeting,
                org=meeting.org,
                changes=changes,
            )
    return updated


def attendance_sign_in(
    *, actor, meeting: Meeting, member: Member, now: dt.datetime | None = None
) -> Attendance:
    """A member signs in (QR): present, method qr. Checks are in signin.verify."""
    _refuse_locked(meeting)
    _refuse_not_started(meeting)
    with transaction.atomic():
        a = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
        if a is None:
            raise ServiceError({"member": "您不在本次会议的应到名单中"})
        if a.status == AttendanceStatus.PRESENT:
            raise ServiceError({"member": "您已签到，无需重复签到"})
        old = a.status
        a.status, a.reason, a.method, a.signed_in_at = (
            AttendanceStatus.PRESENT,
            "",
            "qr",
            now or timezone.now(),
        )
        a.save(update_fields=["status", "reason", "method", "signed_in_at"])
        audit.record(
            actor=actor,
            action="meeting.sign_in",
            target=meeting,
            org=meeting.org,
            changes={member.name: [old, AttendanceStatus.PRESENT]},
        )
    return a


@dataclass(frozen=True)
class Quorum:
    due: int
    entitled_due: int
    present: int
    present_entitled: int
    quorum_met: bool | None  # None: no quorum rule for the meeting's kinds
    rule: str = ""


def quorum(meeting: Meeting, kinds: list[str] | None = None) -> Quorum:
    """Counts (one SQL aggregate) and the quorum verdict from the org's profile
    (meeting.quorum.<kind>: quorum_of due | voting_entitled_due, quorum_gt or quorum_gte)."""
    present = Q(status=AttendanceStatus.PRESENT)
    row = Attendance.objects.filter(meeting=meeting).aggregate(
        due=Count("id"),
        entitled_due=Count("id", filter=Q(voting_entitled=True)),
        present=Count("id", filter=present),
        present_entitled=Count("id", filter=present & Q(voting_entitled=True)),
    )
    kinds = kinds if kinds is not None else meeting_kinds(meeting)
    profile = meeting.org.profile()
    verdicts, names = [], []
    for kind in kinds:
        rule_id = f"meeting.quorum.{kind}"
        if rule_id not in profile.rules:
            continue
        rule = profile.rule(rule_id)
        value = rule.value
        entitled = value.get("quorum_of") == "voting_entitled_due"
        have, of = (
            (row["present_entitled"], row["entitled_due"])
            if entitled
            else (row["present"], row["due"])
        )
        if "quorum_gt" in value:
            met = compliance.quorum_met(
                present_entitled=have, entitled_due=of, ratio=float(value["quorum_gt"])
            )
        else:
            met = compliance.quorum_met(
                present_entitled=have,
                entitled_due=of,
                ratio=float(value.get("quorum_gte", 0.5)),
                strict=False,
            )
        verdicts.append(met)
        names.append(rule.name)
    return Quorum(
        due=row["due"],
        entitled_due=row["entitled_due"],
        present=row["present"],
        present_entitled=row["present_entitled"],
        quorum_met=all(verdicts) if verdicts else None,
        rule="；".join(names),
    )


def resolution_passed(resolution: Resolution, quorum: Quorum) -> bool:
    """RULES §1.2: a vote needs the meeting's quorum (when its kinds have a quorum rule), and yes
    votes must exceed half of the voting members due to attend (not of those present)."""
    return quorum.quorum_met is not False and compliance.resolution_passed(
        yes=resolution.yes, entitled_due=quorum.entitled_due
    )


# ---------------------------------------------------------------- guests, resolutions, follow-ups


def guest_add(*, actor, meeting: Meeting, name: str, note: str = "") -> Guest:
    _refuse_locked(meeting)
    name, note = (name or "").strip(), (note or "").strip()
    if not name:
        raise ServiceError({"name": "请填写列席人员姓名"})
    if len(name) > 40 or len(note) > 100:
        raise ServiceError({"name": "姓名不超过40个字，单位或身份不超过100个字"})
    with transaction.atomic():
        guest = Guest.objects.create(meeting=meeting, name=name, note=note)
        audit.record(
            actor=actor,
            action="meeting.guest_add",
            target=meeting,
            org=meeting.org,
            changes={"guest": [None, f"{name} {note}".strip()]},
        )
    return guest


def resolution_add(
    *, actor, meeting: Meeting, text: str, yes: int = 0, no: int = 0, abstain: int = 0,
    written_opinions: bool = False,
) -> Resolution:
    _refuse_locked(meeting)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写决议内容"
    try:
        yes, no, abstain = int(yes or 0), int(no or 0), int(abstain or 0)
    except (TypeError, ValueError):
        raise ServiceError({"yes": "票数应为整数"}) from None
    if min(yes, no, abstain) < 0:
        errors["yes"] = "票数不能为负数"
    elif meeting.attendance_frozen_at is not None:
        # Only admission and 转正 votes count written opinions of absent voting members (细则
        # Art. 21): their cap is those entitled; any other vote's cap is those entitled present.
        entitled = meeting.attendance.filter(voting_entitled=True)
        if not written_opinions:
            entitled = entitled.filter(status=AttendanceStatus.PRESENT)
        cap = entitled.count()
        if yes + no + abstain > cap:
            who = "应到会有表决权的党员人数" if written_opinions else "实到会有表决权的党员人数"
            errors["yes"] = f"赞成、反对、弃权票数之和（{yes + no + abstain}）超过{who}（{cap}）"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        resolution = Resolution.objects.create(
            meeting=meeting, text=text, yes=yes, no=no, abstain=abstain, written_opinions=bool(written_opinions)
        )
        audit.record(
            actor=actor,
            action="meeting.resolution_add",
            target=meeting,
            org=meeting.org,
            changes={"resolution": [None, f"{text[:80]}（赞成{yes}，反对{no}，弃权{abstain}）"]},
        )
    return resolution


def follow_up_add(
    *,
    actor,
    meeting: Meeting,
    text: str,
    owner: Member | None = None,
    due_on: dt.date | None = None,
) -> FollowUp:
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "请填写跟进事项"})
    if len(text) > 200:
        raise ServiceError({"text": "跟进事项不超过200个字"})
    if due_on and meeting.held_on and due_on < meeting.held_on:
        raise ServiceError({"due_on": "完成时限不能早于会议召开日期"})
    with transaction.atomic():
        item = FollowUp.objects.create(meeting=meeting, text=text, owner=owner, due_on=due_on)
        audit.record(
            actor=actor,
            action="meeting.follow_up_add",
            target=meeting,
            org=meeting.org,
            changes={
                "follow_up": [None, text],
                "owner": [None, owner.pk if owner else None],
                "due_on": [None, audit._plain(due_on)],
            },
        )
    return item


# ---------------------------------------------------------------- attachments

ALLOWED_TYPES = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/pdf": "PDF 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（docx）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格（xlsx）",
}


def sniff(upload) -> str | None:
    """The real type of an uploaded file from its content (never its name or the browser's claim)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def attachment_add(*, actor, meeting: Meeting, upload) -> Attachment:
    _refuse_locked(meeting)
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ServiceError({"file": f"文件过大：不能超过{limit / 1024 / 1024:g}MB"})
    kind = sniff(upload)
    if kind is None:
        raise ServiceError(
            {
                "file": "文件类型不支持：只能上传 JPEG/PNG 图片、PDF、Word（docx）或 Excel（xlsx）文件"
            }
        )
    name = (getattr(upload, "name", "") or "附件")[-200:]
    with transaction.atomic():
        item = Attachment(meeting=meeting, name=name, content_type=kind, size=upload.size)
        item.file.save(name, upload, save=False)
        item.save()
        audit.record(
            actor=actor,
            action="meeting.attachment_add",
            target=meeting,
            org=meeting.org,
            changes={"attachment": [None, name]},
        )
    return item


# ---------------------------------------------------------------- submit and amend


def missing_elements(meeting: Meeting, kinds: list[str] | None = None) -> list[str]:
    """Required elements (record.elements.common + by_kind for each kind) the record lacks."""
    profile = meeting.org.profile()
    kinds = kinds if kinds is not None else meeting_kinds(meeting)
    required = list(profile.value("record.elements.common"))
    by_kind = profile.value("record.elements.by_kind") or {}
    for kind in kinds:
        required += [e for e in by_kind.get(kind, []) if e not in required]
    missing = []
    for name in required:
        if name == "attendance":
            ok = meeting.attendance_frozen_at is not None and meeting.attendance.exists()
        else:
            value = getattr(meeting, f"{name}_id" if name in MEMBER_FIELDS else name, None)
            ok = value not in (None, "") and not (isinstance(value, str) and not value.strip())
        if not ok:
            missing.append(name)
    return missing


def _check_held_at(meeting: Meeting, now: dt.datetime | None = None) -> dict[str, str]:
    if meeting.held_at is None:
        return {}
    now = now or timezone.now()
    if meeting.held_at > now:
        return {"held_at": "召开时间晚于当前时间：只能提交已召开会议的纪实"}
    if meeting.org.established_on and meeting.held_on < meeting.org.established_on:
        return {
            "held_at": f"召开时间早于本组织成立日期（{meeting.org.established_on:%Y年%-m月%-d日}）"
        }
    return {}


def is_late(meeting: Meeting, today: dt.date) -> bool:
    days = int(meeting.org.profile().options.get("late_entry_days", 7))
    return meeting.held_on is not None and (today - meeting.held_on).days > days


def meeting_submit(
    *,
    actor,
    meeting: Meeting,
    late_reason: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Lock the record. Refused with one message per missing element, a held time in the future
    or before the organization existed, or a late entry without a reason."""
    if meeting.is_locked:
        raise ServiceError({"status": "会议纪实已提交，不能重复提交"})
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    errors = {name: f"缺少会议要素：{element_label(name)}" for name in missing_elements(meeting)}
    errors.update(_check_held_at(meeting, now))
    from orglife.inspection import life_services  # see meeting_create

    try:
        life_services.refuse_unless_recorded(meeting)
    except ServiceError as exc:
        errors.update(exc.errors)
    late_reason = (late_reason or meeting.late_reason or "").strip()
    # A record returned by the organization above and corrected is judged as of when it was
    # first entered, not as a late entry of its own.
    resubmitted = meeting.status == MeetingStatus.RETURNED and meeting.submitted_at is not None
    late = is_late(meeting, timezone.localdate(meeting.submitted_at) if resubmitted else today)
    if late and not late_reason:
        days = meeting.org.profile().options.get("late_entry_days", 7)
        errors["late_reason"] = f"会议召开已超过{days}天，补录须填写补录说明"
    if errors:
        raise ServiceError(errors)
    previous = meeting.status  # started, or returned by the organization above
    with transaction.atomic():
        # Two submits at once: the second sees the first's lock under the row lock.
        if Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("status", flat=True).first() in (
            MeetingStatus.SUBMITTED, MeetingStatus.APPROVED,
        ):
            raise ServiceError({"status": "会议纪实已提交，不能重复提交"})
        meeting.status = MeetingStatus.SUBMITTED
        meeting.submitted_at = now
        meeting.is_late = late
        if late:
            meeting.late_reason = late_reason
        meeting.save()
        sync_kinds(meeting)
        audit.record(
            actor=actor,
            action="meeting.submit",
            target=meeting,
            org=meeting.org,
            changes={
                "status": [previous, MeetingStatus.SUBMITTED],
                "is_late": [False, late],
            },
        )
    return meeting


def meeting_amend(*, actor, meeting: Meeting, reason: str, kinds=None, **changes) -> Amendment:
    """Change a locked record: the reason and the previous values are kept (Amendment)."""
    if not meeting.is_locked:
        raise ServiceError({"status": "会议纪实尚未提交，可直接修改，无需更正"})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请填写更正理由"})
    if kinds is not None:
        kinds = _clean_kinds(kinds)
    cleaned = _clean_fields(meeting.org, changes)
    names = [*cleaned, *(["kinds"] if kinds is not None else [])]
    before = _snapshot(meeting, names)
    if kinds is not None and before["kinds"] == kinds:
        names.remove("kinds")
    candidate = {
        k: (v.pk if isinstance(v, Member) else audit._plain(v)) for k, v in cleaned.items()
    }
    changed = [n for n in names if n == "kinds" or before[n] != candidate[n]]
    if not changed:
        raise ServiceError({"reason": "没有需要更正的内容"})
    before = {n: before[n] for n in changed}
    if "kinds" in changed:
        _refuse_due_change(meeting, kinds)
    # The amended record must still hold every required element (of its kinds after the change).
    probe = copy.copy(meeting)
    _apply(probe, {k: v for k, v in cleaned.items() if k in changed})
    blanked = missing_elements(probe, kinds if "kinds" in changed else None)
    if blanked:
        raise ServiceError({name: f"缺少会议要素：{element_label(name)}" for name in blanked})
    if "held_at" in changed:
        if cleaned["held_at"] is None:
            raise ServiceError({"held_at": "请填写召开时间"})
        if cleaned["held_at"] > timezone.now():
            raise ServiceError({"held_at": "召开时间晚于当前时间：只能记录已召开的会议"})
    with transaction.atomic():
        amendment = Amendment.objects.create(
            meeting=meeting,
            version=meeting.version,
            reason=reason,
            before=before,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        _apply(meeting, {k: v for k, v in cleaned.items() if k in changed})
        meeting.version += 1
        meeting.save()
        sync_kinds(meeting, kinds if "kinds" in changed else None)
        after = _snapshot(meeting, changed)
        audit.record(
            actor=actor,
            action="meeting.amend",
            target=meeting,
            org=meeting.org,
            changes={
                **audit.diff(before, after),
                "reason": [None, reason],
                "version": [meeting.version - 1, meeting.version],
            },
        )
    return amendment
