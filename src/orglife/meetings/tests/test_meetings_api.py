import datetime as dt
import json

import pytest
from django.utils import timezone

from orglife.api.tests import ApiClient, errors
from orglife.core.models import AuditEvent
from orglife.meetings import services
from orglife.meetings.models import Attendance, Meeting, MeetingKind

pytestmark = pytest.mark.django_db


def body(demo, **overrides):
    data = {
        "org": "ZB1",
        "kinds": ["theme_day", "assembly"],
        "held_at": (timezone.localtime() - dt.timedelta(days=1)).replace(microsecond=0).isoformat(),
        "place": "党员活动室",
        "host": demo.m1.pk,
        "recorder": demo.m2.pk,
        "topic": "主题党日暨党员大会",
        "content_category": "theory",
        "minutes": "会议记录",
        "agenda": "1. 学习",
    }
    data.update(overrides)
    return data


def put(api, path, payload):
    return api.client.put(
        "/api/v1" + path, json.dumps(payload), content_type="application/json", **api._headers()
    )


@pytest.fixture
def created(demo):
    r = ApiClient(demo.secretary).post("/meetings", body(demo))
    assert r.status_code == 201, r.content
    return r.json()


def test_create_starts_the_meeting_with_a_frozen_due_list(demo, created):
    assert created["status"] == "started" and created["org"] == "ZB1"
    assert created["kinds"] == ["assembly", "theme_day"]
    assert created["quorum"] == {
        "due": 2,
        "entitled_due": 2,
        "present": 0,
        "present_entitled": 0,
        "quorum_met": False,
    }
    assert sorted(a["name"] for a in created["attendance"]) == ["李四", "王五"]
    assert created["missing_elements"] == []
    assert AuditEvent.objects.filter(action__in=["meeting.create", "meeting.start"]).count() == 2


def test_create_refuses_with_the_services_messages(demo):
    api = ApiClient(demo.secretary)
    r = api.post("/meetings", body(demo, kinds=[]))
    assert r.status_code == 400 and errors(r) == {"kinds": "请至少选择一种会议类型"}
    r = api.post("/meetings", body(demo, held_at="2001-01-01T10:00:00"))
    assert r.status_code == 400 and "成立日期" in errors(r)["held_at"]
    r = api.post("/meetings", body(demo, host=999999))
    assert r.status_code == 400 and errors(r) == {"host": "主持人不存在"}
    r = api.post("/meetings", {"org": "ZB1"})
    assert r.status_code == 400 and "kinds" in errors(r)
    r = api.post("/meetings", body(demo, color="red"))
    assert r.status_code == 400 and "color" in errors(r)
    assert not Meeting.objects.exists()


def test_create_is_403_outside_scope_and_404_for_a_missing_org(demo):
    assert ApiClient(demo.member).post("/meetings", body(demo)).status_code == 403
    assert ApiClient(demo.officer).post("/meetings", body(demo, org="ZB3")).status_code == 403
    assert ApiClient(demo.admin).post("/meetings", body(demo, org="NOPE")).status_code == 404
    assert ApiClient().post("/meetings", body(demo)).status_code == 401


def test_attendance_put(demo, created):
    api = ApiClient(demo.secretary)
    r = put(
        api,
        f"/meetings/{created['id']}/attendance",
        [
            {"member": demo.m1.pk, "status": "present"},
            {"member": demo.m2.pk, "status": "on_leave", "reason": "出差"},
        ],
    )
    assert r.status_code == 200, r.content
    assert r.json()["quorum"]["present"] == 1
    assert dict(Attendance.objects.values_list("member_id", "status")) == {
        demo.m1.pk: "present",
        demo.m2.pk: "on_leave",
    }


def test_attendance_refuses_a_member_not_due_and_bad_status(demo, created):
    api = ApiClient(demo.secretary)
    r = put(
        api, f"/meetings/{created['id']}/attendance", [{"member": demo.m3.pk, "status": "present"}]
    )
    assert r.status_code == 400 and "不在本次会议的应到名单中" in errors(r)["attendance.0.member"]
    r = put(
        api, f"/meetings/{created['id']}/attendance", [{"member": demo.m1.pk, "status": "late"}]
    )
    assert r.status_code == 400 and "0.status" in errors(r)
    r = put(
        api, f"/meetings/{created['id']}/attendance", [{"member": demo.m2.pk, "status": "on_leave"}]
    )
    assert r.status_code == 400 and "请假事由" in errors(r)["attendance.0.reason"]


def test_attendance_is_403_for_a_member(demo, created):
    r = put(
        ApiClient(demo.member),
        f"/meetings/{created['id']}/attendance",
        [{"member": demo.m1.pk, "status": "present"}],
    )
    assert r.status_code == 403


def test_submit_locks_and_counts(demo, created):
    api = ApiClient(demo.secretary)
    put(api, f"/meetings/{created['id']}/attendance", [{"member": demo.m1.pk, "status": "present"}])
    r = api.post(f"/meetings/{created['id']}/submit")
    assert r.status_code == 200, r.content
    assert r.json()["is_locked"] is True and r.json()["status"] == "submitted"
    assert MeetingKind.objects.filter(meeting_id=created["id"], counted=True).count() == 2
    r = api.post(f"/meetings/{created['id']}/submit")
    assert r.status_code == 400 and "status" in errors(r)


def test_submit_lists_missing_elements(demo):
    api = ApiClient(demo.secretary)
    r = api.post(
        "/meetings",
        {
            "org": "ZB1",
            "kinds": ["party_lecture"],
            "held_at": (timezone.localtime() - dt.timedelta(days=1)).isoformat(),
        },
    )
    m = r.json()
    assert set(m["missing_elements"]) == {
        "place",
        "host",
        "recorder",
        "topic",
        "minutes",
        "lecturer",
        "content_category",
    }
    r = api.post(f"/meetings/{m['id']}/submit", {})
    assert r.status_code == 400
    assert errors(r)["lecturer"] == "缺少会议要素：授课人"
    assert set(errors(r)) == {
        "place",
        "host",
        "recorder",
        "topic",
        "minutes",
        "lecturer",
        "content_category",
    }


def test_late_submit_needs_a_reason(demo):
    api = ApiClient(demo.secretary)
    r = api.post(
        "/meetings", body(demo, held_at=(timezone.localtime() - dt.timedelta(days=30)).isoformat())
    )
    mid = r.json()["id"]
    r = api.post(f"/meetings/{mid}/submit", {})
    assert r.status_code == 400 and "补录说明" in errors(r)["late_reason"]
    r = api.post(f"/meetings/{mid}/submit", {"late_reason": "补录：书记外出"})
    assert r.status_code == 200 and r.json()["is_late"] is True


def test_submit_is_403_for_a_member(demo, created):
    assert ApiClient(demo.member).post(f"/meetings/{created['id']}/submit").status_code == 403


def test_get_for_viewers_and_due_members(demo, created):
    r = ApiClient(demo.officer).get(f"/meetings/{created['id']}")
    assert r.status_code == 200 and r.json()["topic"] == "主题党日暨党员大会"
    assert (
        ApiClient(demo.member).get(f"/meetings/{created['id']}").status_code == 200
    )  # on the due list
    assert ApiClient(demo.outsider).get(f"/meetings/{created['id']}").status_code == 403
    assert ApiClient(demo.officer).get("/meetings/999999").status_code == 404


def test_get_shows_resolutions_passed_against_entitled_due(demo, created):
    meeting = Meeting.objects.get(pk=created["id"])
    # 转正 votes, so absentees' written opinions count (the vote cap is those entitled).
    services.resolution_add(actor=demo.secretary, meeting=meeting, text="一", yes=1, written_opinions=True)
    services.resolution_add(actor=demo.secretary, meeting=meeting, text="二", yes=2, written_opinions=True)
    api = ApiClient(demo.secretary)
    # Nobody present: no quorum, so nothing passes whatever the yes votes (RULES §1.2)
    assert [x["passed"] for x in api.get(f"/meetings/{created['id']}").json()["resolutions"]] == [False, False]
    rows = [{"member": m.pk, "status": "present"} for m in (demo.m1, demo.m2)]
    assert put(api, f"/meetings/{created['id']}/attendance", rows).status_code == 200
    r = api.get(f"/meetings/{created['id']}")
    assert [x["passed"] for x in r.json()["resolutions"]] == [False, True]
