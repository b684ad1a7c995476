import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orglife.core.models import Role
from orglife.meetings import services
from orglife.meetings.models import Amendment, Attendance, Meeting, MeetingKind
from orglife.orgs import services as org_services

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def held(days_ago=1):
    return timezone.now() - dt.timedelta(days=days_ago)


def make(demo, org=None, kinds=("theme_day",), start=False, **fields):
    fields.setdefault("held_at", held())
    m = services.meeting_create(
        actor=demo.secretary, org=org or demo.zb1, kinds=list(kinds), **fields
    )
    if start:
        services.meeting_start(actor=demo.secretary, meeting=m)
    return m


def complete(demo, m):
    services.meeting_update(
        actor=demo.secretary,
        meeting=m,
        place="活动室",
        host=demo.m1,
        recorder=demo.m2,
        topic="主题党日",
        minutes="记录",
    )
    services.attendance_set(
        actor=demo.secretary, meeting=m, rows=[{"member": demo.m1.pk, "status": "present"}]
    )


def form_data(demo, **overrides):
    data = {
        "kinds": ["theme_day", "party_lecture"],
        "held_at": timezone.localtime(held()).strftime("%Y-%m-%dT%H:%M"),
        "place": "党员活动室",
        "host": str(demo.m1.pk),
        "recorder": str(demo.m2.pk),
        "topic": "学习全会精神",
        "lecturer": "李书记",
        "content_category": "theory",
        "minutes": "会议记录",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- list


def test_list_shows_the_orgs_meetings_with_the_late_flag(client, demo):
    a = make(demo, topic="十月主题党日")
    Meeting.objects.filter(pk=a.pk).update(is_late=True)
    make(demo, org=demo.zb2, topic="别的支部")
    client.force_login(demo.secretary)
    r = client.get(reverse("meeting_list", args=["ZB1"]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "十月主题党日" in body and "补录" in body and "别的支部" not in body


def test_list_filters_by_kind_and_year(client, demo):
    make(demo, kinds=["assembly"], topic="大会")
    make(demo, kinds=["theme_day"], topic="党日")
    make(
        demo,
        kinds=["theme_day"],
        topic="去年",
        held_at=timezone.now().replace(year=timezone.now().year - 1),
    )
    client.force_login(demo.secretary)
    url = reverse("meeting_list", args=["ZB1"])
    topics = lambda r: sorted(m.topic for m, _ in r.context["rows"])  # noqa: E731
    assert topics(client.get(url, {"kind": "assembly"})) == ["大会"]
    assert topics(client.get(url, {"kind": "theme_day", "year": timezone.localdate().year})) == [
        "党日"
    ]
    assert topics(client.get(url, {"kind": "bogus"})) == ["党日", "去年", "大会"]


def test_list_query_count_does_not_grow(client, demo, django_assert_max_num_queries):
    client.force_login(demo.officer)
    url = reverse("meeting_list", args=["ZB1"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for _ in range(5):
        make(demo, start=True, kinds=["theme_day", "assembly"])
    five = count()
    for _ in range(45):
        make(demo, start=True, kinds=["theme_day", "assembly"])
    assert count() == five


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_list_is_403_outside_scope(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("meeting_list", args=["ZB1"])).status_code == 403


def test_list_of_a_missing_org_is_404(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("meeting_list", args=["NOPE"])).status_code == 404


def test_list_needs_login(client, demo):
    assert client.get(reverse("meeting_list", args=["ZB1"])).status_code == 302


# ---------------------------------------------------------------- new, edit


def test_new_creates_a_meeting_with_several_kinds(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_new", args=["ZB1"]), form_data(demo))
    m = Meeting.objects.get()
    assert r.status_code == 302 and r.url == reverse("meeting_detail", args=[m.pk])
    assert sorted(MeetingKind.objects.filter(meeting=m).values_list("kind", flat=True)) == [
        "party_lecture",
        "theme_day",
    ]
    assert m.host == demo.m1 and m.created_by == demo.secretary


def test_new_keeps_typed_input_on_errors(client, demo):
    client.force_login(demo.secretary)
    r = client.post(
        reverse("meeting_new", args=["ZB1"]), form_data(demo, kinds=[], held_at="2001-01-01T10:00")
    )
    body = r.content.decode()
    assert r.status_code == 200 and not Meeting.objects.exists()
    assert "请至少选择一种会议类型" in body or "成立日期" in body
    assert "学习全会精神" in body and "会议记录" in body


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_new_is_403_for_non_managers(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("meeting_new", args=["ZB1"])).status_code == 403
    assert client.post(reverse("meeting_new", args=["ZB1"]), form_data(demo)).status_code == 403


def test_a_viewer_reads_but_cannot_write(client, demo):
    viewer = get_user_model().objects.create_user("viewer", password="x-Secret-2026")
    org_services.grant_role(actor=None, user=viewer, org=demo.zb1, role=Role.VIEWER)
    m = make(demo)
    client.force_login(viewer)
    assert client.get(reverse("meeting_list", args=["ZB1"])).status_code == 200
    r = client.get(reverse("meeting_detail", args=[m.pk]))
    assert r.status_code == 200 and ">开始会议</button>" not in r.content.decode()
    assert client.get(reverse("meeting_new", args=["ZB1"])).status_code == 403
    assert client.post(reverse("meeting_start", args=[m.pk])).status_code == 403


def test_edit_saves_and_locked_records_go_to_amend(client, demo):
    m = make(demo, start=True)
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_edit", args=[m.pk]), form_data(demo, topic="新主题"))
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.topic == "新主题"
    services.meeting_submit(actor=demo.secretary, meeting=m)
    r = client.get(reverse("meeting_edit", args=[m.pk]))
    assert r.status_code == 302 and r.url == reverse("meeting_amend", args=[m.pk])


def test_edit_is_403_for_an_officer_of_another_branch(client, demo):
    m = make(demo, org=demo.zb3)
    client.force_login(demo.officer)
    assert client.get(reverse("meeting_edit", args=[m.pk])).status_code == 403
    assert client.get(reverse("meeting_detail", args=[m.pk])).status_code == 403


# ---------------------------------------------------------------- detail


def test_detail_shows_record_quorum_and_resolutions(client, demo):
    m = make(demo, kinds=["assembly"], start=True, topic="支部党员大会")
    services.attendance_set(
        actor=demo.secretary,
        meeting=m,
        rows=[
            {"member": demo.m1.pk, "status": "present"},
            {"member": demo.m2.pk, "status": "present"},
        ],
    )
    services.resolution_add(actor=demo.secretary, meeting=m, text="同意接收张某为预备党员", yes=2)
    services.resolution_add(actor=demo.secretary, meeting=m, text="另一事项", yes=1, no=1)
    client.force_login(demo.officer)
    body = client.get(reverse("meeting_detail", args=[m.pk])).content.decode()
    assert '应到 2 人（有表决权 2 人），实到 <strong id="present-count">2</strong> 人' in body
    assert "符合法定人数" in body
    assert body.count(">通过<") == 1 and body.count(">未通过<") == 1


def test_a_member_on_the_due_list_sees_the_meeting(client, demo):
    m = make(demo, org=demo.zb1, start=True)
    client.force_login(demo.member)
    r = client.get(reverse("meeting_detail", args=[m.pk]))
    assert r.status_code == 200 and "请扫描会场的签到二维码签到" in r.content.decode()
    assert "填写纪实" not in r.content.decode()


def test_a_member_not_due_gets_403(client, demo):
    from orglife.conftest import make_member
    make_member("ZB2", name="钱七")  # someone is due in ZB2, not the member persona
    m = make(demo, org=demo.zb2, start=True)
    client.force_login(demo.member)
    assert client.get(reverse("meeting_detail", args=[m.pk])).status_code == 403


def test_detail_of_a_missing_meeting_is_404(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("meeting_detail", args=[424242])).status_code == 404


def test_amendments_show_the_old_text_and_the_late_badge(client, demo):
    m = make(demo, start=True)
    complete(demo, m)
    services.meeting_submit(actor=demo.secretary, meeting=m)
    Meeting.objects.filter(pk=m.pk).update(is_late=True)
    m.refresh_from_db()
    services.meeting_amend(actor=demo.secretary, meeting=m, reason="笔误", minutes="更正后的记录")
    client.force_login(demo.secretary)
    body = client.get(reverse("meeting_detail", args=[m.pk])).content.decode()
    assert "更正记录" in body and "笔误" in body and "原会议记录" in body
    assert '<dd class="old">记录</dd>' in body and "更正后的记录" in body
    assert "补录" in body and "已锁定" in body


# ---------------------------------------------------------------- start, attendance, submit, amend


def test_start_freezes_and_opens_the_qr(client, demo):
    m = make(demo)
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_start", args=[m.pk]))
    assert r.status_code == 302 and r.url == reverse("meeting_qr", args=[m.pk])
    assert Attendance.objects.filter(meeting=m).count() == 2


def test_start_is_post_only(client, demo):
    m = make(demo)
    client.force_login(demo.secretary)
    assert client.get(reverse("meeting_start", args=[m.pk])).status_code == 405


def test_attendance_by_hand(client, demo):
    m = make(demo, start=True)
    rows = {a.member_id: a.pk for a in m.attendance.all()}
    client.force_login(demo.secretary)
    url = reverse("meeting_attendance", args=[m.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            f"status_{rows[demo.m1.pk]}": "present",
            f"status_{rows[demo.m2.pk]}": "on_leave",
            f"reason_{rows[demo.m2.pk]}": "病假",
        },
    )
    assert r.status_code == 302
    assert dict(m.attendance.values_list("member_id", "status")) == {
        demo.m1.pk: "present",
        demo.m2.pk: "on_leave",
    }


def test_attendance_keeps_input_on_errors(client, demo):
    m = make(demo, start=True)
    rows = {a.member_id: a.pk for a in m.attendance.all()}
    client.force_login(demo.secretary)
    r = client.post(
        reverse("meeting_attendance", args=[m.pk]),
        {f"status_{rows[demo.m1.pk]}": "present", f"status_{rows[demo.m2.pk]}": "on_leave"},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "请假事由" in body
    assert '<option value="on_leave" selected>' in body


def test_attendance_is_403_for_a_member(client, demo):
    m = make(demo, start=True)
    client.force_login(demo.member)
    assert client.get(reverse("meeting_attendance", args=[m.pk])).status_code == 403


def test_submit_shows_the_missing_elements(client, demo):
    m = make(demo, kinds=["party_lecture"], start=True)
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_submit", args=[m.pk]))
    body = r.content.decode()
    assert r.status_code == 400
    for label in (
        "缺少会议要素：地点",
        "缺少会议要素：主持人",
        "缺少会议要素：授课人",
        "缺少会议要素：内容类别",
    ):
        assert label in body
    m.refresh_from_db()
    assert not m.is_locked


def test_submit_locks(client, demo):
    m = make(demo, start=True)
    complete(demo, m)
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_submit", args=[m.pk]))
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.is_locked
    assert "已锁定" in client.get(reverse("meeting_detail", args=[m.pk])).content.decode()


def test_late_submit_needs_a_reason(client, demo):
    m = make(demo, start=True, held_at=held(days_ago=20))
    complete(demo, m)
    client.force_login(demo.secretary)
    r = client.post(reverse("meeting_submit", args=[m.pk]))
    assert r.status_code == 400 and "补录说明" in r.content.decode()
    r = client.post(reverse("meeting_submit", args=[m.pk]), {"late_reason": "书记外出"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.is_late and m.late_reason == "书记外出"


def test_submit_is_403_for_a_member(client, demo):
    m = make(demo, start=True)
    client.force_login(demo.member)
    assert client.post(reverse("meeting_submit", args=[m.pk])).status_code == 403


def test_amend_needs_a_reason_and_keeps_input(client, demo):
    m = make(demo, start=True)
    complete(demo, m)
    services.meeting_submit(actor=demo.secretary, meeting=m)
    client.force_login(demo.secretary)
    url = reverse("meeting_amend", args=[m.pk])
    data = {
        **form_data(
            demo,
            kinds=["theme_day"],
            topic="主题党日",
            place="活动室",
            minutes="更正的记录",
            lecturer="",
            content_category="",
        ),
        "held_at": timezone.localtime(m.held_at).strftime("%Y-%m-%dT%H:%M"),
    }
    r = client.post(url, data)
    assert (
        r.status_code == 200
        and "请填写更正理由" in r.content.decode()
        and "更正的记录" in r.content.decode()
    )
    r = client.post(url, {**data, "reason": "记录不完整"})
    assert r.status_code == 302
    a = Amendment.objects.get(meeting=m)
    assert a.before == {"minutes": "记录"}


def test_amend_is_403_for_a_member(client, demo):
    m = make(demo, start=True)
    complete(demo, m)
    services.meeting_submit(actor=demo.secretary, meeting=m)
    client.force_login(demo.member)
    assert client.get(reverse("meeting_amend", args=[m.pk])).status_code == 403


# ---------------------------------------------------------------- guests, resolutions, follow-ups, attachments


def test_small_writes_from_the_detail_page(client, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    m = make(demo, kinds=["assembly"], start=True)
    client.force_login(demo.secretary)
    client.post(reverse("meeting_guest_add", args=[m.pk]), {"name": "王主任", "note": "上级党委"})
    client.post(
        reverse("meeting_resolution_add", args=[m.pk]),
        {"text": "同意", "yes": 2, "no": 0, "abstain": 0, "written_opinions": "on"},
    )
    client.post(
        reverse("meeting_follow_up_add", args=[m.pk]), {"text": "落实", "owner": demo.m2.pk}
    )
    client.post(
        reverse("meeting_attachment_add", args=[m.pk]),
        {"file": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 hello")},
    )
    r = client.post(
        reverse("meeting_attachment_add", args=[m.pk]),
        {"file": SimpleUploadedFile("x.jpg", b"not an image")},
        follow=True,
    )
    assert "文件类型不支持" in r.content.decode()
    assert (
        m.guests.count() == 1 and m.resolutions.count() == 1 and m.follow_ups.get().owner == demo.m2
    )
    item = m.attachments.get()
    r = client.get(reverse("meeting_attachment", args=[m.pk, item.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(demo.outsider)
    assert client.get(reverse("meeting_attachment", args=[m.pk, item.pk])).status_code == 403
    assert client.post(reverse("meeting_guest_add", args=[m.pk]), {"name": "x"}).status_code == 403


def test_attendance_form_leaves_untouched_rows_alone(client, demo):
    """A member who signs in by QR after the host opened the form stays present."""
    m = make(demo, start=True)
    rows = {a.member_id: a.pk for a in m.attendance.all()}
    client.force_login(demo.secretary)
    # The page showed both absent; meanwhile 李四 signs in by QR.
    services.attendance_sign_in(actor=demo.member, meeting=m, member=demo.m1)
    r = client.post(
        reverse("meeting_attendance", args=[m.pk]),
        {
            f"status_{rows[demo.m1.pk]}": "absent",
            f"was_status_{rows[demo.m1.pk]}": "absent",
            f"was_reason_{rows[demo.m1.pk]}": "",
            f"status_{rows[demo.m2.pk]}": "on_leave",
            f"reason_{rows[demo.m2.pk]}": "病假",
            f"was_status_{rows[demo.m2.pk]}": "absent",
            f"was_reason_{rows[demo.m2.pk]}": "",
        },
    )
    assert r.status_code == 302
    assert dict(m.attendance.values_list("member_id", "status")) == {
        demo.m1.pk: "present",
        demo.m2.pk: "on_leave",
    }
