import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orglife.conftest import make_member
from orglife.core.models import AuditEvent
from orglife.meetings import services
from orglife.meetings.models import Amendment, Attendance, MeetingKind, MeetingStatus
from orglife.orgs.services import ServiceError

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(y, m, d, h=14):
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def record(demo, **overrides):
    fields = dict(
        held_at=at(2026, 11, 20),
        place="党员活动室",
        host=demo.m1,
        recorder=demo.m2,
        topic="学习党的二十届四中全会精神",
        minutes="书记领学，党员交流发言。",
    )
    fields.update(overrides)
    return fields


def started(demo, kinds=("theme_day",), **overrides):
    org = overrides.pop("org", demo.zb1)
    meeting = services.meeting_create(
        actor=demo.secretary, org=org, kinds=list(kinds), **record(demo, **overrides)
    )
    services.meeting_start(actor=demo.secretary, meeting=meeting)
    return meeting


def present_all(demo, meeting):
    rows = [{"member": a.member_id, "status": "present"} for a in meeting.attendance.all()]
    services.attendance_set(actor=demo.secretary, meeting=meeting, rows=rows)


def submit(demo, meeting, **kw):
    kw.setdefault("today", dt.date(2026, 11, 21))
    return services.meeting_submit(actor=demo.secretary, meeting=meeting, **kw)


# ---------------------------------------------------------------- create and kinds


def test_it_creates_a_meeting_with_kind_rows_and_an_audit_event(demo):
    m = services.meeting_create(
        actor=demo.secretary, org=demo.zb1, kinds=["theme_day", "party_lecture"], **record(demo)
    )
    assert m.held_on == dt.date(2026, 11, 20)
    rows = MeetingKind.objects.filter(meeting=m).order_by("kind")
    assert [(r.kind, r.org_id, r.held_on, r.counted) for r in rows] == [
        ("party_lecture", demo.zb1.pk, dt.date(2026, 11, 20), False),
        ("theme_day", demo.zb1.pk, dt.date(2026, 11, 20), False),
    ]
    assert AuditEvent.objects.filter(action="meeting.create", target_id=str(m.pk)).exists()


def test_it_refuses_no_kind_or_an_unknown_kind(demo):
    with pytest.raises(ServiceError) as e:
        services.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=[])
    assert "kinds" in e.value.errors
    with pytest.raises(ServiceError):
        services.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=["party_dinner"])


def test_it_refuses_held_before_the_org_was_established(demo):
    with pytest.raises(ServiceError) as e:
        services.meeting_create(
            actor=demo.secretary,
            org=demo.zb1,
            kinds=["theme_day"],
            **record(demo, held_at=at(2009, 5, 1)),
        )
    assert "成立日期" in e.value.errors["held_at"]


def test_update_keeps_kind_rows_in_sync(demo):
    m = services.meeting_create(
        actor=demo.secretary, org=demo.zb1, kinds=["theme_day"], **record(demo)
    )
    services.meeting_update(
        actor=demo.secretary,
        meeting=m,
        kinds=["assembly", "party_lecture"],
        held_at=at(2026, 11, 18),
    )
    rows = {r.kind: r.held_on for r in MeetingKind.objects.filter(meeting=m)}
    assert rows == {"assembly": dt.date(2026, 11, 18), "party_lecture": dt.date(2026, 11, 18)}


def test_one_meeting_with_three_kinds_counts_three_times_on_submit(demo):
    m = started(
        demo,
        kinds=["theme_day", "assembly", "party_lecture"],
        agenda="1. 学习 2. 讨论",
        lecturer="李书记",
        content_category="theory",
    )
    present_all(demo, m)
    assert MeetingKind.objects.filter(meeting=m, counted=True).count() == 0
    submit(demo, m)
    rows = MeetingKind.objects.filter(meeting=m)
    assert sorted(r.kind for r in rows) == ["assembly", "party_lecture", "theme_day"]
    assert all(
        r.counted and r.held_on == dt.date(2026, 11, 20) and r.org_id == demo.zb1.pk for r in rows
    )


# ---------------------------------------------------------------- start and due list


def test_start_freezes_the_due_list_from_the_roster(demo):
    make_member(
        "ZB1",
        name="预备党员",
        category="probationary",
        admitted_on=dt.date(2026, 3, 1),
        full_member_on=None,
    )
    make_member("ZB1", name="已转出", status="transferred_out")
    m = started(demo)
    assert m.status == MeetingStatus.STARTED
    due = {a.member.name: a.voting_entitled for a in m.attendance.select_related("member")}
    assert due == {"李四": True, "王五": True, "预备党员": False}
    make_member("ZB1", name="后来者")
    assert m.attendance.count() == 3  # frozen


def test_a_group_meeting_is_due_for_the_group_members(demo):
    m = started(demo, kinds=["group_meeting"], org=demo.xz1)
    assert [a.member.name for a in m.attendance.all()] == ["李四"]


def test_it_cannot_start_twice(demo):
    m = started(demo)
    with pytest.raises(ServiceError):
        services.meeting_start(actor=demo.secretary, meeting=m)


# ---------------------------------------------------------------- attendance


def test_attendance_marks_present_leave_absent(demo):
    m = started(demo)
    services.attendance_set(
        actor=demo.secretary,
        meeting=m,
        rows=[
            {"member": demo.m1.pk, "status": "present"},
            {"member": demo.m2.pk, "status": "on_leave", "reason": "出差"},
        ],
    )
    rows = {a.member_id: (a.status, a.reason, a.method) for a in m.attendance.all()}
    assert rows == {demo.m1.pk: ("present", "", "manual"), demo.m2.pk: ("on_leave", "出差", "")}


def test_leave_needs_a_reason(demo):
    m = started(demo)
    with pytest.raises(ServiceError) as e:
        services.attendance_set(
            actor=demo.secretary, meeting=m, rows=[{"member": demo.m2.pk, "status": "on_leave"}]
        )
    assert "请假事由" in next(iter(e.value.errors.values()))


def test_attendance_refuses_a_member_not_on_the_due_list(demo):
    m = started(demo)
    with pytest.raises(ServiceError) as e:
        services.attendance_set(
            actor=demo.secretary, meeting=m, rows=[{"member": demo.m3.pk, "status": "present"}]
        )
    assert "不在本次会议的应到名单中" in next(iter(e.value.errors.values()))


def test_attendance_before_start_is_refused(demo):
    m = services.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=["theme_day"])
    with pytest.raises(ServiceError):
        services.attendance_set(
            actor=demo.secretary, meeting=m, rows=[{"member": demo.m1.pk, "status": "present"}]
        )


# ---------------------------------------------------------------- quorum and resolutions at one half


@pytest.fixture
def eight(demo):
    """ZB2 with 8 full members and 1 probationary member (due, not entitled)."""
    for i in range(8):
        make_member("ZB2", name=f"党员{i}")
    make_member(
        "ZB2",
        name="预备",
        category="probationary",
        admitted_on=dt.date(2026, 3, 1),
        full_member_on=None,
    )
    m = services.meeting_create(
        actor=demo.officer, org=demo.zb2, kinds=["assembly"], **record(demo)
    )
    services.meeting_start(actor=demo.officer, meeting=m)
    return m


def mark_present(demo, meeting, n, probationary=True):
    entitled = list(meeting.attendance.filter(voting_entitled=True))
    rows = [{"member": a.member_id, "status": "present"} for a in entitled[:n]]
    if probationary:
        rows += [
            {"member": a.member_id, "status": "present"}
            for a in meeting.attendance.filter(voting_entitled=False)
        ]
    services.attendance_set(actor=demo.officer, meeting=meeting, rows=rows)


def test_four_of_eight_entitled_present_is_no_quorum(demo, eight):
    mark_present(demo, eight, 4)  # the probationary member present does not help
    q = services.quorum(eight)
    assert (q.due, q.entitled_due, q.present, q.present_entitled) == (9, 8, 5, 4)
    assert q.quorum_met is False


def test_five_of_eight_entitled_present_is_quorum(demo, eight):
    mark_present(demo, eight, 5)
    assert services.quorum(eight).quorum_met is True


def test_yes_is_counted_against_entitled_due_not_present(demo, eight):
    mark_present(demo, eight, 5)
    four = services.resolution_add(
        actor=demo.officer, meeting=eight, text="同意甲同志转正", yes=4, no=1
    )
    five = services.resolution_add(actor=demo.officer, meeting=eight, text="同意乙同志转正", yes=5)
    # 4 of 5 present voted yes (a majority of those present), but not more than half of the 8 due.
    assert services.resolution_passed(four, services.quorum(eight)) is False
    assert services.resolution_passed(five, services.quorum(eight)) is True


def test_no_resolution_passes_without_a_quorum(demo, eight):
    """RULES §1.2 (Art. 14): a vote is taken only when more than half of those entitled are
    present; written opinions of absentees may make up the yes votes, never the quorum."""
    mark_present(demo, eight, 4)
    five = services.resolution_add(actor=demo.officer, meeting=eight, text="同意丙同志转正", yes=5,
                                       written_opinions=True)
    q = services.quorum(eight)
    assert q.quorum_met is False and services.resolution_passed(five, q) is False


def test_votes_cannot_exceed_those_entitled(demo, eight):
    with pytest.raises(ServiceError):
        services.resolution_add(actor=demo.officer, meeting=eight, text="x", yes=9)


def test_a_committee_meeting_uses_more_than_half_of_those_due(demo):
    for i in range(2):
        make_member(
            "ZB2",
            name=f"委员{i}",
            category="probationary",
            admitted_on=dt.date(2026, 3, 1),
            full_member_on=None,
        )
    m = services.meeting_create(
        actor=demo.officer, org=demo.zb2, kinds=["committee_meeting"], **record(demo)
    )
    services.meeting_start(actor=demo.officer, meeting=m)
    services.attendance_set(
        actor=demo.officer,
        meeting=m,
        rows=[{"member": a.member_id, "status": "present"} for a in m.attendance.all()[:1]],
    )
    assert services.quorum(m).quorum_met is False
    services.attendance_set(
        actor=demo.officer,
        meeting=m,
        rows=[{"member": a.member_id, "status": "present"} for a in m.attendance.all()],
    )
    q = services.quorum(m)
    assert (
        q.entitled_due == 0 and q.quorum_met is True
    )  # counted on those due, not on voting rights


def test_a_theme_day_has_no_quorum_rule(demo):
    assert services.quorum(started(demo)).quorum_met is None


# ---------------------------------------------------------------- submit


def test_submit_lists_what_is_missing(demo):
    m = services.meeting_create(
        actor=demo.secretary,
        org=demo.zb1,
        kinds=["party_lecture"],
        held_at=at(2026, 11, 20),
        topic="党课",
    )
    with pytest.raises(ServiceError) as e:
        submit(demo, m)
    assert set(e.value.errors) == {
        "place",
        "host",
        "recorder",
        "minutes",
        "attendance",
        "lecturer",
        "content_category",
    }
    assert e.value.errors["place"] == "缺少会议要素：地点"
    assert e.value.errors["lecturer"] == "缺少会议要素：授课人"
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED


def test_submit_locks_the_record(demo):
    m = started(demo)
    present_all(demo, m)
    submit(demo, m)
    m.refresh_from_db()
    assert m.is_locked and m.submitted_at and not m.is_late
    with pytest.raises(ServiceError) as e:
        services.meeting_update(actor=demo.secretary, meeting=m, topic="改")
    assert "更正" in e.value.errors["status"]
    with pytest.raises(ServiceError):
        services.attendance_set(
            actor=demo.secretary, meeting=m, rows=[{"member": demo.m1.pk, "status": "absent"}]
        )
    with pytest.raises(ServiceError):
        submit(demo, m)
    assert AuditEvent.objects.filter(action="meeting.submit", target_id=str(m.pk)).exists()


def test_submit_refuses_a_future_meeting(demo):
    m = started(demo)
    present_all(demo, m)
    m.held_at = timezone.now() + dt.timedelta(days=2)
    m.held_on = timezone.localdate(m.held_at)
    m.save()
    with pytest.raises(ServiceError) as e:
        services.meeting_submit(actor=demo.secretary, meeting=m)
    assert "晚于当前时间" in e.value.errors["held_at"]


def test_submit_refuses_a_meeting_before_the_org_existed(demo):
    m = started(demo)
    present_all(demo, m)
    demo.zb1.established_on = dt.date(2026, 11, 25)
    demo.zb1.save()
    m.org.refresh_from_db()
    with pytest.raises(ServiceError) as e:
        submit(demo, m)
    assert "成立日期" in e.value.errors["held_at"]


def test_late_entry_needs_a_reason_and_is_flagged(demo):
    m = started(demo)
    present_all(demo, m)
    # held 2026-11-20; 7 days later is still on time
    submit(demo, m, today=dt.date(2026, 11, 27))
    m.refresh_from_db()
    assert not m.is_late

    late = started(demo)
    present_all(demo, late)
    with pytest.raises(ServiceError) as e:
        submit(demo, late, today=dt.date(2026, 11, 28))
    assert "补录说明" in e.value.errors["late_reason"]
    submit(demo, late, today=dt.date(2026, 11, 28), late_reason="书记外出学习，返回后补录")
    late.refresh_from_db()
    assert late.is_late and late.late_reason == "书记外出学习，返回后补录"


# ---------------------------------------------------------------- amendments


def test_amendment_keeps_the_old_text(demo):
    m = started(demo)
    present_all(demo, m)
    submit(demo, m)
    a = services.meeting_amend(
        actor=demo.secretary,
        meeting=m,
        reason="记录有误",
        minutes="更正后的记录",
        kinds=["theme_day", "party_lecture"],
        lecturer="李书记",  # a 党课 needs its own elements (record.elements.by_kind)
        content_category="theory",
    )
    m.refresh_from_db()
    assert m.minutes == "更正后的记录" and m.version == 2 and m.is_locked
    assert a.version == 1 and a.reason == "记录有误"
    assert a.before == {"minutes": "书记领学，党员交流发言。", "lecturer": "", "content_category": "",
                        "kinds": ["theme_day"]}
    assert sorted(
        MeetingKind.objects.filter(meeting=m, counted=True).values_list("kind", flat=True)
    ) == ["party_lecture", "theme_day"]
    assert AuditEvent.objects.filter(action="meeting.amend", target_id=str(m.pk)).exists()


def test_amendment_needs_a_reason_and_a_locked_record(demo):
    m = started(demo)
    with pytest.raises(ServiceError) as e:
        services.meeting_amend(actor=demo.secretary, meeting=m, reason="x", minutes="y")
    assert "status" in e.value.errors
    present_all(demo, m)
    submit(demo, m)
    with pytest.raises(ServiceError) as e:
        services.meeting_amend(actor=demo.secretary, meeting=m, reason="  ", minutes="y")
    assert "reason" in e.value.errors
    assert not Amendment.objects.exists()


def test_amending_the_date_moves_the_counted_kinds(demo):
    m = started(demo)
    present_all(demo, m)
    submit(demo, m)
    services.meeting_amend(
        actor=demo.secretary, meeting=m, reason="日期写错", held_at=at(2026, 11, 19)
    )
    assert list(MeetingKind.objects.filter(meeting=m).values_list("held_on", "counted")) == [
        (dt.date(2026, 11, 19), True)
    ]
    assert Amendment.objects.get(meeting=m).before["held_at"].startswith("2026-11-20")


# ---------------------------------------------------------------- guests, follow-ups, attachments


def test_guests_and_follow_ups(demo):
    m = started(demo)
    services.guest_add(actor=demo.secretary, meeting=m, name="王主任", note="上级党委")
    f = services.follow_up_add(
        actor=demo.secretary,
        meeting=m,
        text="整理学习心得",
        owner=demo.m2,
        due_on=dt.date(2026, 12, 5),
    )
    assert m.guests.get().name == "王主任" and f.owner == demo.m2
    with pytest.raises(ServiceError):
        services.guest_add(actor=demo.secretary, meeting=m, name="")


def _docx() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "content, kind",
    [
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
        (b"%PDF-1.7\n" + b"0" * 20, "application/pdf"),
        (_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_attachments_are_checked_by_content(demo, tmp_path, settings, content, kind):
    settings.MEDIA_ROOT = tmp_path
    m = started(demo)
    a = services.attachment_add(
        actor=demo.secretary, meeting=m, upload=SimpleUploadedFile("x.bin", content)
    )
    assert a.content_type == kind


def test_an_attachment_with_a_false_name_is_refused(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    m = started(demo)
    with pytest.raises(ServiceError) as e:
        services.attachment_add(
            actor=demo.secretary,
            meeting=m,
            upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00exe"),
        )
    assert "文件类型不支持" in e.value.errors["file"]


def test_an_attachment_too_large_is_refused(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 10
    m = started(demo)
    with pytest.raises(ServiceError) as e:
        services.attachment_add(
            actor=demo.secretary,
            meeting=m,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 20),
        )
    assert "文件过大" in e.value.errors["file"]


def test_every_write_is_audited(demo):
    m = started(demo)
    present_all(demo, m)
    actions = set(
        AuditEvent.objects.filter(target_type="meetings.meeting").values_list("action", flat=True)
    )
    assert {"meeting.create", "meeting.start", "meeting.attendance"} <= actions
    assert Attendance.objects.filter(meeting=m, status="present").count() == 2


def test_audit_actions_have_chinese_labels(demo):
    m = started(demo)
    labels = {
        e.action_label
        for e in AuditEvent.objects.filter(target_type="meetings.meeting", target_id=str(m.pk))
    }
    assert labels == {"新建会议", "开始会议（生成应到名单）"}


def test_sync_kinds_follows_a_status_changed_elsewhere(demo):
    m = started(demo, kinds=["theme_day", "assembly"], agenda="议程")
    present_all(demo, m)
    submit(demo, m)
    m.status = MeetingStatus.RETURNED  # e.g. returned by the committee above
    m.save()
    services.sync_kinds(m)
    assert list(MeetingKind.objects.filter(meeting=m).values_list("counted", flat=True)) == [
        False,
        False,
    ]


# ---------------------------------------------------------------- review fixes


def test_an_amendment_cannot_blank_a_required_element(demo):
    m = started(demo)
    present_all(demo, m)
    submit(demo, m)
    for field, blank in (("topic", "  "), ("minutes", ""), ("host", None)):
        with pytest.raises(ServiceError) as e:
            services.meeting_amend(actor=demo.secretary, meeting=m, reason="删去", **{field: blank})
        assert "缺少会议要素" in e.value.errors[field]
    m.refresh_from_db()
    assert m.topic and m.minutes and m.host_id and m.version == 1
    assert not Amendment.objects.exists()


def test_kinds_that_change_who_is_due_are_refused_once_started(demo):
    """The due list is frozen at start for the kinds then recorded: a 支委会 (the committee only)
    turned into a 党员大会 would judge the assembly's quorum and votes against the committee."""
    from orglife.orgs import services as org_services

    term = org_services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 1, 1))
    org_services.post_assign(actor=None, term=term, member=demo.m1, post="secretary")
    m = started(demo, kinds=["committee_meeting"])
    assert [a.member_id for a in m.attendance.all()] == [demo.m1.pk]  # the committee only
    with pytest.raises(ServiceError) as e:
        services.meeting_update(actor=demo.secretary, meeting=m, kinds=["committee_meeting", "assembly"])
    assert "应到名单" in e.value.errors["kinds"]
    # kinds that keep the same due list may still change
    t = started(demo, kinds=["theme_day"])
    services.meeting_update(actor=demo.secretary, meeting=t, kinds=["theme_day", "party_lecture"],
                            lecturer="李书记", content_category="theory")
    assert sorted(MeetingKind.objects.filter(meeting=t).values_list("kind", flat=True)) == ["party_lecture", "theme_day"]


def test_a_record_returned_and_resubmitted_is_not_flagged_late(demo):
    from orglife.meetings import review_services

    m = started(demo)
    present_all(demo, m)
    submit(demo, m, today=dt.date(2026, 11, 21), now=at(2026, 11, 21))  # on time
    review_services.record_return(actor=demo.officer, meeting=m, reasons=["missing_elements"])
    m.refresh_from_db()
    services.meeting_update(actor=demo.secretary, meeting=m, agenda="一、学习")
    submit(demo, m, today=dt.date(2026, 12, 10))  # corrected after the 7 days: no late reason needed
    m.refresh_from_db()
    assert m.is_locked and not m.is_late


# ---------------------------------------------------------------- review follow-ups: 党组 and hosts


def test_a_leading_group_meeting_is_due_to_its_office_holders(demo):
    import datetime as dt

    from orglife.orgs import services as org_services
    group = org_services.org_create(actor=None, parent=demo.dw, code="DZ", name="测试党组", kind="leading_group")
    term = org_services.term_start(actor=None, org=group, started_on=dt.date(2025, 1, 1),
                                   expires_on=dt.date(2030, 1, 1))
    org_services.post_assign(actor=None, term=term, member=demo.m1, post="secretary")
    org_services.post_assign(actor=None, term=term, member=demo.m3, post="committee_member")
    meeting = services.meeting_create(actor=None, org=group, kinds=["democratic_life_meeting"])
    services.meeting_start(actor=None, meeting=meeting)
    assert sorted(meeting.attendance.values_list("member__name", flat=True)) == ["李四", "赵六"]
    # An office holder of the 党组 may host its meeting although their branch is elsewhere.
    services.meeting_update(actor=None, meeting=meeting, host=demo.m3.pk)


def test_a_leading_group_without_office_holders_cannot_start(demo):
    from orglife.orgs import services as org_services
    group = org_services.org_create(actor=None, parent=demo.dw, code="DZ", name="测试党组", kind="leading_group")
    meeting = services.meeting_create(actor=None, org=group, kinds=["democratic_life_meeting"])
    with pytest.raises(ServiceError, match="应到名单为空"):
        services.meeting_start(actor=None, meeting=meeting)


def test_the_host_must_belong_to_the_organization(demo):
    with pytest.raises(ServiceError) as exc:
        services.meeting_create(actor=None, org=demo.zb1, kinds=["theme_day"], host=demo.m3.pk)
    assert exc.value.errors["host"] == "主持人应为本组织的党员"


def test_ordinary_votes_count_only_those_present(demo, eight):
    """Written opinions count only in admission and 转正 votes (细则 Art. 21)."""
    mark_present(demo, eight, 5)
    with pytest.raises(ServiceError) as exc:
        services.resolution_add(actor=demo.officer, meeting=eight, text="通过年度工作计划", yes=6)
    assert "实到会有表决权的党员人数（5）" in exc.value.errors["yes"]
    services.resolution_add(actor=demo.officer, meeting=eight, text="同意甲同志转正", yes=6, written_opinions=True)
