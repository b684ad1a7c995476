"""API for meeting records: /api/v1/meetings.

Access is scoped like the web pages: managers of the organization write; viewers and members on a
meeting's due list read. Writes go through meetings.services and fail with the services' Chinese
messages as 400 {"errors": [{"field", "message"}]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from orglife.api.schemas import FIELD_LABELS, DetailOut, ErrorsOut, errors_body
from orglife.core import scope
from orglife.orgs.services import ServiceError
from orglife.rules.compliance import KIND_LABELS

from . import services
from .models import Meeting
from .views import get_meeting_for_user

router = Router(tags=["组织生活"])

# Labels for validation messages; names another router already labels keep theirs.
for _field, _label in {
    "kinds": "会议类型",
    "held_at": "召开时间",
    "place": "地点",
    "host": "主持人",
    "recorder": "记录人",
    "lecturer": "授课人",
    "topic": "主题",
    "content_category": "内容类别",
    "agenda": "议程",
    "opinions": "会前征求意见",
    "minutes": "会议记录",
    "late_reason": "补录说明",
    "member": "党员ID",
    "reason": "事由",
}.items():
    FIELD_LABELS.setdefault(_field, _label)

ERRORS = {400: ErrorsOut, 401: DetailOut, 403: DetailOut, 404: DetailOut}
KIND_HELP = "会议类型（可多个，一次会议计入每一种）：" + "、".join(
    f"{k} {v}" for k, v in KIND_LABELS.items()
)


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    org: str = Field(..., description="组织编码（调用者须能管理该组织）")
    kinds: list[str] = Field(..., description=KIND_HELP)
    held_at: dt.datetime | None = Field(
        None, description="召开时间（ISO 8601，不带时区按北京时间）"
    )
    place: str = Field("", max_length=200, description="地点")
    host: int | None = Field(None, description="主持人（党员ID）")
    recorder: int | None = Field(None, description="记录人（党员ID）")
    lecturer: str = Field("", max_length=100, description="授课人（党课）")
    topic: str = Field("", max_length=200, description="主题")
    content_category: str = Field(
        "",
        description="内容类别：theory 理论学习、purpose 宗旨教育、party_spirit 党性教育、"
        "criticism 批评和自我批评、hot_topics 热点释疑、other 其他",
    )
    agenda: str = Field("", description="议程（党员大会须填写）")
    opinions: str = Field("", description="会前征求意见（组织生活会、民主生活会须填写）")
    minutes: str = Field("", description="会议记录")
    late_reason: str = Field("", description="补录说明")


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: int = Field(..., description="党员ID（须在本次会议的应到名单中）")
    status: Literal["present", "on_leave", "absent"] = Field(
        ..., description="present 出席、on_leave 请假、absent 缺席"
    )
    reason: str = Field("", max_length=200, description="事由（请假须填写）")


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    late_reason: str = Field("", description="补录说明（会后超过规定天数提交的须填写）")


class AttendanceOut(Schema):
    member: int = Field(..., description="党员ID")
    name: str = Field(..., description="姓名")
    voting_entitled: bool = Field(..., description="开始会议时是否有表决权")
    status: str = Field(..., description="present / on_leave / absent")
    status_label: str
    reason: str
    signed_in_at: dt.datetime | None = None
    method: str = Field(..., description="签到方式：qr 扫码、manual 登记；未签到为空")


class QuorumOut(Schema):
    due: int = Field(..., description="应到人数")
    entitled_due: int = Field(..., description="应到会有表决权的人数")
    present: int = Field(..., description="实到人数")
    present_entitled: int = Field(..., description="实到有表决权的人数")
    quorum_met: bool | None = Field(None, description="是否达到法定人数；该类会议无此要求为 null")


class ResolutionOut(Schema):
    text: str
    yes: int
    no: int
    abstain: int
    passed: bool = Field(..., description="是否通过：达到法定人数，且赞成票超过应到会有表决权党员的半数")


class MeetingOut(Schema):
    id: int
    org: str = Field(..., description="组织编码")
    org_name: str
    kinds: list[str]
    kind_labels: list[str]
    status: str = Field(
        ...,
        description="planned 已计划、started 进行中、submitted 已提交、returned 已退回、approved 已审核",
    )
    status_label: str
    is_locked: bool = Field(..., description="是否已提交锁定（此后修改须更正）")
    is_late: bool = Field(..., description="是否补录")
    version: int
    held_at: dt.datetime | None = None
    held_on: dt.date | None = None
    place: str
    host: int | None = None
    recorder: int | None = None
    lecturer: str
    topic: str
    content_category: str
    agenda: str
    opinions: str
    minutes: str
    late_reason: str
    submitted_at: dt.datetime | None = None
    missing_elements: list[str] = Field(..., description="提交前尚缺的会议要素（已锁定为空）")
    quorum: QuorumOut
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionOut]


def _out(meeting: Meeting) -> dict:
    kinds = services.meeting_kinds(meeting)
    q = services.quorum(meeting, kinds)
    return {
        "id": meeting.pk,
        "org": meeting.org.code,
        "org_name": meeting.org.name,
        "kinds": kinds,
        "kind_labels": [KIND_LABELS[k] for k in kinds],
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "is_locked": meeting.is_locked,
        "is_late": meeting.is_late,
        "version": meeting.version,
        "held_at": meeting.held_at,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "host": meeting.host_id,
        "recorder": meeting.recorder_id,
        "lecturer": meeting.lecturer,
        "topic": meeting.topic,
        "content_category": meeting.content_category,
        "agenda": meeting.agenda,
        "opinions": meeting.opinions,
        "minutes": meeting.minutes,
        "late_reason": meeting.late_reason,
        "submitted_at": meeting.submitted_at,
        "missing_elements": [] if meeting.is_locked else services.missing_elements(meeting, kinds),
        "quorum": {
            "due": q.due,
            "entitled_due": q.entitled_due,
            "present": q.present,
            "present_entitled": q.present_entitled,
            "quorum_met": q.quorum_met,
        },
        "attendance": [
            {
                "member": a.member_id,
                "name": a.member.name,
                "voting_entitled": a.voting_entitled,
                "status": a.status,
                "status_label": a.get_status_display(),
                "reason": a.reason,
                "signed_in_at": a.signed_in_at,
                "method": a.method,
            }
            for a in meeting.attendance.select_related("member")
        ],
        "resolutions": [
            {
                "text": r.text,
                "yes": r.yes,
                "no": r.no,
                "abstain": r.abstain,
                "passed": services.resolution_passed(r, q),
            }
            for r in meeting.resolutions.all()
        ],
    }


@router.post(
    "/meetings", response={201: MeetingOut, **ERRORS}, summary="登记会议（并开始：生成应到名单）"
)
def meeting_create(request, payload: MeetingIn):
    """新建一次会议的纪实并开始会议：按名册冻结应到名单（含表决权）。一次会议可同时计入多种会议类型。
    调用者须能管理该组织。之后用 PUT /meetings/{id}/attendance 登记出席，用 POST /meetings/{id}/submit 提交锁定。"""
    org = scope.get_org_for_user(request.auth, payload.org, write=True)
    data = payload.model_dump(exclude={"org", "kinds"})
    try:
        with transaction.atomic():
            meeting = services.meeting_create(
                actor=request.auth, org=org, kinds=payload.kinds, **data
            )
            services.meeting_start(actor=request.auth, meeting=meeting)
    except ServiceError as exc:
        return Status(400, errors_body(exc.errors))
    return Status(201, _out(meeting))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, summary="会议纪实详情")
def meeting_detail(request, meeting_id: int):
    """一次会议：纪实内容、出席情况与法定人数、决议及是否通过、尚缺的要素。
    组织的查看者、管理者及应到会党员本人可读；不存在为 404，无权查看为 403。"""
    return _out(get_meeting_for_user(request.auth, meeting_id))


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingOut, **ERRORS},
    summary="登记出席情况",
)
def meeting_attendance(request, meeting_id: int, payload: list[AttendanceIn]):
    """逐人登记出席、请假（须填事由）或缺席；只列出要修改的人即可。不在应到名单中的党员、已锁定的纪实均被拒绝（400）。"""
    meeting = get_meeting_for_user(request.auth, meeting_id, write=True)
    try:
        services.attendance_set(
            actor=request.auth, meeting=meeting, rows=[r.model_dump() for r in payload]
        )
    except ServiceError as exc:
        return Status(400, errors_body(exc.errors))
    return _out(meeting)


@router.post(
    "/meetings/{meeting_id}/submit",
    response={200: MeetingOut, **ERRORS},
    summary="提交并锁定会议纪实",
)
def meeting_submit(request, meeting_id: int, payload: SubmitIn | None = None):
    """提交后纪实锁定并计入各会议类型。缺少必备要素（每项一条错误）、召开时间晚于当前或早于组织成立、
    超过规定天数补录而未填补录说明时返回 400。"""
    meeting = get_meeting_for_user(request.auth, meeting_id, write=True)
    try:
        services.meeting_submit(
            actor=request.auth, meeting=meeting, late_reason=payload.late_reason if payload else ""
        )
    except ServiceError as exc:
        return Status(400, errors_body(exc.errors))
    return _out(meeting)
