"""Writes of the 组织生活会 / 民主生活会 workflow (RULES §4), and the readiness check that decides
whether the meeting may be held.

Before: plan (theme, date, notice, report upward), study sessions and opinions, talk coverage,
each participant's 对照检查材料 (checked for originality). The meeting may only start when the
readiness check finds nothing missing, or when an officer of the organization above lets it go
ahead with a reason. During: each participant's self-criticism and the criticisms received
(absentees in writing). After: problems straight into the ledger, the report upward.

Permission is the caller's job (orglife.core.scope).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.meetings import services as meeting_services
from orglife.meetings.models import AttendanceStatus, Meeting
from orglife.meetings.talk_queries import org_coverage
from orglife.orgs.models import Member, Organization, OrgKind
from orglife.orgs.services import ServiceError

from . import problem_services, services
from .life_models import (
    LIFE_KINDS,
    CriticismRecord,
    LifeMeeting,
    PrepKind,
    PrepRecord,
    SelfExamination,
)
from .models import Problem

# Which organizations hold which kind (RULES §4): 组织生活会 in branches and their 党小组,
# 民主生活会 in leadership teams (党组, and 党委 whose standing committees follow it by reference).
HOLDERS = {
    "org_life_meeting": {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.PARTY_GROUP},
    "democratic_life_meeting": {OrgKind.LEADING_GROUP, OrgKind.COMMITTEE},
}
MATERIAL_MAX_CHARS = 50_000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _rule(org: Organization, rule_id: str):
    return org.profile().rules.get(rule_id)


def planned_on(life: LifeMeeting) -> dt.date | None:
    meeting = life.meeting
    when = meeting.held_at or meeting.planned_at
    return timezone.localdate(when) if when else None


# ---------------------------------------------------------------- open


def _check_plan(org: Organization, kind: str, topic: str, planned_at) -> dict[str, str]:
    errors = {}
    if kind not in LIFE_KINDS:
        errors["kind"] = "请选择组织生活会或民主生活会"
    elif org.kind not in HOLDERS[kind]:
        errors["kind"] = f"{org.get_kind_display()}不召开{LIFE_KINDS[kind]}"
    if not (topic or "").strip():
        errors["topic"] = "请填写会议主题"
    if planned_at is None:
        errors["planned_at"] = "请填写计划召开时间"
    return errors


def life_open(*, actor, org: Organization, kind: str, topic: str, planned_at: dt.datetime | None,
              place: str = "") -> LifeMeeting:
    """Plan a 组织生活会 or 民主生活会: the meeting (planned) and its preparation workflow."""
    errors = _check_plan(org, kind, topic, planned_at)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        meeting = meeting_services.meeting_create(
            actor=actor, org=org, kinds=[kind], planned_at=planned_at, topic=topic.strip(), place=place
        )
        return attach(actor=actor, meeting=meeting)


def attach(*, actor, meeting: Meeting) -> LifeMeeting:
    """Open the workflow for a planned meeting that counts as a 组织生活会 or 民主生活会."""
    kinds = [k for k in meeting_services.meeting_kinds(meeting) if k in LIFE_KINDS]
    if not kinds:
        raise ServiceError({"kind": "只有组织生活会或民主生活会有会前准备流程"})
    if meeting.attendance_frozen_at is not None:
        raise ServiceError({"status": "会议已经开始，不能再开启会前准备流程"})
    with transaction.atomic():
        life, created = LifeMeeting.objects.get_or_create(
            meeting=meeting, defaults={"kind": kinds[0], "created_by": actor if getattr(actor, "pk", None) else None}
        )
        if created:
            audit.record(actor=actor, action="life.open", target=meeting, org=meeting.org,
                         changes={"kind": [None, life.kind]})
    return life


def opens_on_create(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """A life meeting planned for a later date goes through preparation; a record of one that was
    already held (entered afterwards) does not."""
    now = now or timezone.now()
    return (
        meeting.planned_at is not None and meeting.planned_at > now and meeting.held_at is None
        and any(k in LIFE_KINDS for k in meeting_services.meeting_kinds(meeting))
    )


# ---------------------------------------------------------------- before


def _refuse_started(life: LifeMeeting) -> None:
    if life.meeting.attendance_frozen_at is not None:
        raise ServiceError({"status": "会议已经开始，会前准备内容不能再修改"})


def plan_update(*, actor, life: LifeMeeting, notice_sent_on: dt.date | None, notice: str = "",
                reported_up_on: dt.date | None = None, today: dt.date | None = None) -> LifeMeeting:
    """Record the notice to participants and the report of the plan upward."""
    _refuse_started(life)
    today = today or timezone.localdate()
    errors = {}
    for name, value in (("notice_sent_on", notice_sent_on), ("reported_up_on", reported_up_on)):
        if value is not None and value > today:
            errors[name] = "日期不能晚于今天"
    if notice_sent_on is not None and not (notice or "").strip():
        errors["notice"] = "请填写通知内容"
    if errors:
        raise ServiceError(errors)
    before = {"notice_sent_on": life.notice_sent_on, "reported_up_on": life.reported_up_on}
    with transaction.atomic():
        _lock_meeting(life)
        _refuse_started(life)
        life.notice_sent_on, life.notice, life.reported_up_on = notice_sent_on, (notice or "").strip(), reported_up_on
        life.save(update_fields=["notice_sent_on", "notice", "reported_up_on"])
        audit.record(actor=actor, action="life.plan", target=life.meeting, org=life.meeting.org,
                     changes=audit.diff(before, {"notice_sent_on": notice_sent_on, "reported_up_on": reported_up_on}))
    return life


def prep_add(*, actor, life: LifeMeeting, kind: str, held_on: dt.date | None, summary: str,
             today: dt.date | None = None) -> PrepRecord:
    """A study session or a round of opinion gathering, dated before the meeting (RULES §4)."""
    _refuse_started(life)
    today = today or timezone.localdate()
    errors = {}
    if kind not in PrepKind.values:
        errors["kind"] = "请选择会前学习研讨或征求意见"
    if held_on is None:
        errors["held_on"] = "请填写日期"
    elif held_on > today:
        errors["held_on"] = "日期不能晚于今天：请在完成后登记"
    elif (day := planned_on(life)) is not None and held_on > day:
        errors["held_on"] = "会前准备应在会议召开之前"
    if not (summary or "").strip():
        errors["summary"] = "请填写内容摘要"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        _lock_meeting(life)
        _refuse_started(life)
        record = PrepRecord.objects.create(life=life, kind=kind, held_on=held_on, summary=summary.strip(),
                                           created_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="life.prep_add", target=life.meeting, org=life.meeting.org,
                     changes={kind: [None, str(held_on)]})
    return record


def participants(life: LifeMeeting) -> list[Member]:
    """Who takes part: the frozen attendance list once the meeting started, else who is due."""
    meeting = life.meeting
    if meeting.attendance_frozen_at is not None:
        return [a.member for a in meeting.attendance.select_related("member").order_by("id")]
    return meeting_services.due_members(meeting, [life.kind])


def read_upload(upload) -> str:
    """The text of an uploaded 对照检查材料: .docx (paragraphs and tables) or .txt (UTF-8 or GB18030)."""
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ServiceError({"file": f"文件过大：不能超过{limit / 1024 / 1024:g}MB"})
    kind = meeting_services.sniff(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if kind == DOCX:
        import docx  # python-docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception:  # a damaged file: python-docx raises several kinds
            raise ServiceError({"file": "无法读取该 Word 文件，请另存为 docx 后重新上传"}) from None
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        return "\n".join(p for p in parts if p.strip())
    if kind is None and (getattr(upload, "name", "") or "").lower().endswith(".txt") and b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ServiceError({"file": "文件类型不支持：对照检查材料只能上传 Word（docx）或文本（txt）文件"})


def material_save(*, actor, life: LifeMeeting, member: Member, text: str = "", upload=None) -> SelfExamination:
    """Save a participant's 对照检查材料 and check its originality against the other materials of
    this meeting, the same person's earlier materials and the reference texts (advice, not a block)."""
    _refuse_started(life)
    if member.pk not in {m.pk for m in participants(life)}:
        raise ServiceError({"member": "该党员不在本次会议的参会人员中"})
    if upload is not None:
        text = read_upload(upload)
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "请填写或上传对照检查材料"})
    if len(text) > MATERIAL_MAX_CHARS:
        raise ServiceError({"text": f"材料过长：不能超过{MATERIAL_MAX_CHARS}字"})
    others = SelfExamination.objects.filter(life=life).exclude(member=member).select_related("member")
    earlier = SelfExamination.objects.filter(member=member).exclude(life=life).select_related("life__meeting")
    report = services.check_material(
        text,
        same_meeting={f"{m.member.name}（{m.member_id}）": m.text for m in others},
        earlier={str(_year(m.life)): m.text for m in earlier},
        threshold=services.originality_threshold(life.meeting.org.effective_profile_name()),
    )
    with transaction.atomic():
        _lock_meeting(life)
        _refuse_started(life)
        material, created = SelfExamination.objects.select_for_update().get_or_create(
            life=life, member=member, defaults={"text": text}
        )
        material.text = text
        material.copied_share, material.flagged, material.originality = (
            report.copied_share, report.flagged, report.to_dict())
        material.written_by = actor if getattr(actor, "pk", None) else None
        if upload is not None:
            name = (getattr(upload, "name", "") or "材料")[-200:]
            material.file.save(name, upload, save=False)
            material.file_name = name
        material.save()
        audit.record(actor=actor, action="life.material_save", target=life.meeting, org=life.meeting.org,
                     changes={"member": [None, member.name], "copied_share": [None, round(report.copied_share, 3)]})
    return material


def _year(life: LifeMeeting) -> int:
    day = planned_on(life)
    return day.year if day else life.created_at.year


# ---------------------------------------------------------------- readiness


@dataclass
class Item:
    key: str
    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True  # a missing item blocks holding the meeting; warnings do not
    rule_id: str = ""


@dataclass
class Readiness:
    items: list[Item] = field(default_factory=list)
    overridden: bool = False

    @property
    def missing(self) -> list[Item]:
        return [i for i in self.items if not i.ok and i.blocking]

    @property
    def warnings(self) -> list[Item]:
        return [i for i in self.items if not i.ok and not i.blocking]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def may_hold(self) -> bool:
        return self.complete or self.overridden


def _names(members) -> str:
    members = list(members)
    shown = "、".join(m.name for m in members[:10])
    return shown + (f"等{len(members)}人" if len(members) > 10 else "")


def readiness(life: LifeMeeting) -> Readiness:
    """What is still missing before the meeting may be held (RULES §4), each item explained."""
    meeting, org = life.meeting, life.meeting.org
    day = planned_on(life)
    people = participants(life)
    prep_kinds = set(life.prep_records.values_list("kind", flat=True))
    materials = {m.member_id: m for m in life.materials.only("member_id", "flagged")}
    items = [
        Item("topic", "会议主题", bool(meeting.topic.strip()), meeting.topic or "未填写主题"),
        Item("date", "召开时间", day is not None, f"{day:%Y-%m-%d}" if day else "未填写计划召开时间"),
        Item("notice", "会议通知", life.notice_sent_on is not None,
             f"{life.notice_sent_on:%Y-%m-%d} 已通知" if life.notice_sent_on else "尚未通知参会人员"),
    ]
    notice_rule = _rule(org, "life_meeting.notice_days")
    if notice_rule is not None and life.notice_sent_on and day:
        lead = (day - life.notice_sent_on).days
        items.append(Item("notice_days", f"提前{notice_rule.value}天通知", lead >= notice_rule.value,
                          f"提前{lead}天通知（{notice_rule.name}）", blocking=False, rule_id=notice_rule.id))
    items.append(Item("reported_up", "方案报上级党组织", life.reported_up_on is not None,
                      f"{life.reported_up_on:%Y-%m-%d} 已报上级" if life.reported_up_on else "会议方案尚未报上级党组织",
                      blocking=False, rule_id=notice_rule.id if notice_rule else ""))
    items.append(Item("study", "会前学习研讨", PrepKind.STUDY in prep_kinds,
                      "已登记" if PrepKind.STUDY in prep_kinds else "尚未登记会前学习研讨"))
    items.append(Item("opinions", "征求意见", PrepKind.OPINIONS in prep_kinds,
                      "已登记" if PrepKind.OPINIONS in prep_kinds else "尚未登记征求意见情况"))
    items.append(_talk_item(life, people, day))
    without = [m for m in people if m.pk not in materials]
    items.append(Item("materials", "对照检查材料", bool(people) and not without,
                      f"{len(people) - len(without)}/{len(people)} 人已提交"
                      + (f"；未提交：{_names(without)}" if without else "")))
    flagged = [m for m in people if m.pk in materials and materials[m.pk].flagged]
    if flagged:
        items.append(Item("originality", "材料原创性", False, f"疑似照搬：{_names(flagged)}（请本人修改）",
                          blocking=False))
    return Readiness(items, overridden=bool(life.override_at))


def _talk_item(life: LifeMeeting, people: list[Member], day: dt.date | None) -> Item:
    """谈心谈话 before the meeting: the participants' coverage for the meeting's year, from the
    organizational-life talk records (RULES §1.2 talk.categories)."""
    org = life.meeting.org
    year = (day or timezone.localdate()).year
    coverage = org_coverage(org, year, on=day)
    if not coverage.applies:
        return Item("talks", "谈心谈话", True, f"{org.get_kind_display()}不适用谈心谈话覆盖要求，请在会前准备中登记班子成员之间的谈心谈话",
                    blocking=False)
    ids = {m.pk for m in people}
    gaps = [r for r in coverage.gaps if r.member_id in ids]
    detail = "参会人员均已谈心谈话" if not gaps else "尚未谈心谈话：" + "、".join(r.name for r in gaps[:10]) + (
        f"等{len(gaps)}人" if len(gaps) > 10 else "")
    return Item("talks", "谈心谈话", not gaps, detail, rule_id="talk.categories")


def refuse_unless_ready(meeting: Meeting) -> None:
    """Called by meetings.services.meeting_start: a prepared life meeting may only be held when
    ready or let go ahead by the organization above."""
    life = LifeMeeting.objects.filter(meeting=meeting).first()
    if life is None or not any(k in LIFE_KINDS for k in meeting_services.meeting_kinds(meeting)):
        return  # no workflow, or the meeting no longer counts as a 组织生活会/民主生活会
    state = readiness(life)
    if not state.may_hold:
        missing = "、".join(i.label for i in state.missing)
        raise ServiceError({"status": f"会前准备尚未完成（缺少：{missing}），不能召开；"
                                      "如确需召开，须由上级党组织准予召开并说明理由"})


def refuse_unless_recorded(meeting: Meeting) -> None:
    """Called by meetings.services.meeting_submit: every attendee of a prepared life meeting
    self-criticises and is criticised, absentees in writing (RULES §4), before the record locks,
    since a locked record takes no further criticism records."""
    life = LifeMeeting.objects.filter(meeting=meeting).first()
    if life is None or meeting.attendance_frozen_at is None:
        return
    recorded = set(life.criticisms.values_list("member_id", flat=True))
    missing = [a.member.name for a in meeting.attendance.select_related("member").order_by("id")
               if a.member_id not in recorded]
    if missing:
        shown = "、".join(missing[:10]) + (f"等{len(missing)}人" if len(missing) > 10 else "")
        raise ServiceError({"criticisms": f"尚未记录批评与自我批评：{shown}（未到会的党员须书面提交）"})


def _lock_meeting(life: LifeMeeting) -> Meeting:
    """Re-read the meeting under a row lock, so a write races neither the start nor the submit."""
    life.meeting = Meeting.objects.select_for_update().select_related("org").get(pk=life.meeting_id)
    return life.meeting


def override(*, actor, life: LifeMeeting, reason: str) -> LifeMeeting:
    """An officer of the organization above lets the meeting be held with items still missing."""
    _refuse_started(life)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请说明准予召开的理由"})
    missing = [i.label for i in readiness(life).missing]
    with transaction.atomic():
        _lock_meeting(life)
        _refuse_started(life)
        life.override_reason, life.override_by, life.override_at = reason, actor, timezone.now()
        life.save(update_fields=["override_reason", "override_by", "override_at"])
        audit.record(actor=actor, action="life.override", target=life.meeting, org=life.meeting.org,
                     changes={"missing": [missing, None], "reason": [None, reason]})
    return life


# ---------------------------------------------------------------- during and after


def _refuse_not_started(life: LifeMeeting) -> None:
    if life.meeting.attendance_frozen_at is None:
        raise ServiceError({"status": "会议尚未开始"})


def criticism_save(*, actor, life: LifeMeeting, member: Member, self_criticism: str, criticisms: str = "",
                   in_writing: bool = False) -> CriticismRecord:
    """One participant's self-criticism and the criticisms received. Absentees submit in writing."""
    _refuse_not_started(life)
    if life.meeting.is_locked:
        raise ServiceError({"status": "会议记录已提交，如需修改请通过更正"})
    row = life.meeting.attendance.filter(member=member).first()
    if row is None:
        raise ServiceError({"member": "该党员不在本次会议的应到名单中"})
    if not (self_criticism or "").strip():
        raise ServiceError({"self_criticism": "请填写自我批评内容"})
    in_writing = in_writing or row.status != AttendanceStatus.PRESENT
    with transaction.atomic():
        if _lock_meeting(life).is_locked:
            raise ServiceError({"status": "会议记录已提交，如需修改请通过更正"})
        record, _ = CriticismRecord.objects.select_for_update().get_or_create(
            life=life, member=member, defaults={"self_criticism": self_criticism.strip()})
        record.self_criticism, record.criticisms = self_criticism.strip(), (criticisms or "").strip()
        record.in_writing = in_writing
        record.recorded_by = actor if getattr(actor, "pk", None) else None
        record.save()
        audit.record(actor=actor, action="life.criticism_save", target=life.meeting, org=life.meeting.org,
                     changes={"member": [None, member.name], "in_writing": [None, in_writing]})
    return record


def problem_add(*, actor, life: LifeMeeting, description: str, severity: str = "general",
                responsible: Member | None = None) -> Problem:
    """A problem found at the meeting goes straight into the rectification ledger."""
    _refuse_not_started(life)
    return problem_services.problem_create(
        actor=actor, org=life.meeting.org, source=life.kind, description=description, severity=severity,
        responsible=responsible, meeting=life.meeting,
    )


def report_due_on(life: LifeMeeting) -> dt.date | None:
    """The date the report upward is due (RULES §4: 15 days for 民主生活会; none stated for 组织生活会)."""
    if life.kind != "democratic_life_meeting" or life.meeting.held_on is None:
        return None
    rule = _rule(life.meeting.org, "life_meeting.report_days")
    return life.meeting.held_on + dt.timedelta(days=rule.value) if rule else None


def report_send(*, actor, life: LifeMeeting, report: str, sent_on: dt.date | None,
                today: dt.date | None = None) -> LifeMeeting:
    """The report upward after the meeting (with the problem list and measures in the ledger)."""
    _refuse_not_started(life)
    today = today or timezone.localdate()
    errors = {}
    if not (report or "").strip():
        errors["report"] = "请填写会议情况报告"
    if sent_on is None:
        errors["sent_on"] = "请填写报送日期"
    elif sent_on > today:
        errors["sent_on"] = "报送日期不能晚于今天"
    elif life.meeting.held_on and sent_on < life.meeting.held_on:
        errors["sent_on"] = "报送日期不能早于会议召开日期"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        before = life.report_sent_on
        life.report, life.report_sent_on = report.strip(), sent_on
        life.save(update_fields=["report", "report_sent_on"])
        audit.record(actor=actor, action="life.report", target=life.meeting, org=life.meeting.org,
                     changes={"report_sent_on": [str(before) if before else None, str(sent_on)]})
    return life
