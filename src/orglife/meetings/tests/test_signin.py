import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from orglife.meetings import services, signin
from orglife.meetings.models import Attendance
from orglife.orgs import services as org_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(demo):
    m = services.meeting_create(
        actor=demo.secretary,
        org=demo.zb1,
        kinds=["theme_day"],
        topic="主题党日",
        held_at=timezone.now() - dt.timedelta(minutes=5),
    )
    services.meeting_start(actor=demo.secretary, meeting=m)
    return m


def scan(meeting, now=None):
    window = signin.current_window(meeting, now)
    return signin.code_for(meeting.pk, window), window


def test_the_code_is_an_hmac_of_meeting_and_window(meeting, settings):
    import hashlib
    import hmac

    expected = hmac.new(
        settings.SECRET_KEY.encode(), f"{meeting.pk}:42".encode(), hashlib.sha256
    ).hexdigest()
    assert signin.code_for(meeting.pk, 42) == expected[: signin.CODE_LENGTH]
    assert signin.code_for(meeting.pk, 43) != signin.code_for(meeting.pk, 42)
    assert signin.current_window(meeting, 300.0) == 10  # 30-second windows (national options)


def test_success_marks_present_with_method_qr(demo, meeting):
    code, window = scan(meeting)
    row = signin.verify(user=demo.member, meeting=meeting, code=code, window=window)
    row = Attendance.objects.get(pk=row.pk)
    assert (row.member_id, row.status, row.method) == (demo.m1.pk, "present", "qr")
    assert row.signed_in_at is not None


def test_an_older_window_is_expired(demo, meeting):
    now = time.time()
    code, window = scan(meeting, now - 31)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=demo.member, meeting=meeting, code=code, window=window, now=now)
    assert e.value.message == "二维码已过期，请扫描会议现场最新的二维码"
    assert Attendance.objects.get(meeting=meeting, member=demo.m1).status == "absent"


def test_a_forged_code_is_invalid(demo, meeting):
    _, window = scan(meeting)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=demo.member, meeting=meeting, code="0" * 16, window=window)
    assert e.value.message == signin.INVALID


def test_a_second_scan_is_refused(demo, meeting):
    code, window = scan(meeting)
    signin.verify(user=demo.member, meeting=meeting, code=code, window=window)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=demo.member, meeting=meeting, code=code, window=window)
    assert e.value.message == "您已签到，无需重复签到"


def test_a_member_not_due_is_refused(demo, meeting):
    user = get_user_model().objects.create_user("zhao", password="x-Secret-2026")
    org_services.member_link_user(actor=None, member=demo.m3, user=user)  # a member of ZB3
    code, window = scan(meeting)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=user, meeting=meeting, code=code, window=window)
    assert e.value.message == "您不在本次会议的应到名单中"


def test_a_user_without_a_member_record_is_refused(demo, meeting):
    code, window = scan(meeting)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=demo.outsider, meeting=meeting, code=code, window=window)
    assert e.value.message == signin.NO_MEMBER


def test_a_meeting_not_started_cannot_be_signed_in(demo):
    m = services.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=["theme_day"])
    code, window = scan(m)
    with pytest.raises(signin.SignInError) as e:
        signin.verify(user=demo.member, meeting=m, code=code, window=window)
    assert "会议尚未开始" in e.value.message


# ---------------------------------------------------------------- pages


def test_the_signin_page_signs_in(client, demo, meeting):
    client.force_login(demo.member)
    r = client.get(signin.signin_path(meeting))
    assert r.status_code == 200
    assert "签到成功" in r.content.decode()
    assert Attendance.objects.get(meeting=meeting, member=demo.m1).method == "qr"


def test_the_signin_page_explains_an_expired_code(client, demo, meeting):
    client.force_login(demo.member)
    window = signin.current_window(meeting) - 2
    r = client.get(
        reverse("meeting_signin", args=[meeting.pk]),
        {"c": signin.code_for(meeting.pk, window), "w": window},
    )
    assert r.status_code == 400
    assert "二维码已过期" in r.content.decode()


def test_the_signin_page_needs_login_and_comes_back(client, meeting):
    path = signin.signin_path(meeting)
    r = client.get(path)
    assert r.status_code == 302
    assert r.url.startswith(reverse("login") + "?next=")
    assert f"/meetings/{meeting.pk}/signin/" in r.url


def test_the_signin_page_for_a_missing_meeting_is_404(client, demo):
    client.force_login(demo.member)
    assert (
        client.get(reverse("meeting_signin", args=[999999]), {"c": "x", "w": "1"}).status_code
        == 404
    )


def test_the_host_screen_shows_the_qr_and_the_count(client, demo, meeting):
    client.force_login(demo.secretary)
    r = client.get(reverse("meeting_qr", args=[meeting.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "<svg" in body and 'hx-trigger="every 5s"' in body
    assert '实到 <strong id="present">0</strong> / 应到 <strong id="due">2</strong>' in body


def test_the_live_fragment_is_204_while_nothing_changed(client, demo, meeting):
    client.force_login(demo.secretary)
    url = reverse("meeting_qr_live", args=[meeting.pk])
    window = signin.current_window(meeting)
    r = client.get(url, {"w": window, "p": 0})
    if signin.current_window(meeting) == window:  # not across a window boundary
        assert r.status_code == 204
    r = client.get(url, {"w": window - 1, "p": 0})
    assert r.status_code == 200 and "<svg" in r.content.decode()
    code, w = scan(meeting)
    signin.verify(user=demo.member, meeting=meeting, code=code, window=w)
    r = client.get(url, {"w": signin.current_window(meeting), "p": 0})
    assert r.status_code == 200 and '<strong id="present">1</strong>' in r.content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider", "officer_of_other"])
def test_the_host_screen_is_for_managers(client, demo, meeting, persona):
    user = demo.member if persona == "member" else demo.outsider
    if persona == "officer_of_other":
        user = get_user_model().objects.create_user("zb3mgr", password="x-Secret-2026")
        org_services.grant_role(actor=None, user=user, org=demo.zb3, role="manager")
    client.force_login(user)
    assert client.get(reverse("meeting_qr", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meeting_qr_live", args=[meeting.pk])).status_code == 403


def test_a_scan_before_login_survives_the_login_page(client, demo, meeting, monkeypatch):
    path = signin.signin_path(meeting)
    r = client.get(path)
    assert r.status_code == 302 and r.url.startswith(reverse("login"))
    # Logging in takes longer than a window: the code shown has changed meanwhile.
    later = time.time() + 3 * signin.window_seconds(meeting)
    monkeypatch.setattr(signin.time, "time", lambda: later)
    client.post(reverse("login"), {"username": "member", "password": "Secret-pass-2026"})
    r = client.get(path)
    assert r.status_code == 200 and "签到成功" in r.content.decode()


def test_the_grace_does_not_cover_a_scan_already_expired(client, demo, meeting):
    old_window = signin.current_window(meeting) - 5
    stale = (
        reverse("meeting_signin", args=[meeting.pk])
        + f"?c={signin.code_for(meeting.pk, old_window)}&w={old_window}"
    )
    client.get(stale)  # not remembered: already expired when scanned
    client.force_login(demo.member)
    r = client.get(stale)
    assert r.status_code == 400 and "二维码已过期" in r.content.decode()


def test_the_grace_ends(client, demo, meeting, monkeypatch):
    path = signin.signin_path(meeting)
    client.get(path)
    later = time.time() + signin.LOGIN_GRACE + 60
    monkeypatch.setattr(signin.time, "time", lambda: later)  # the time module, for the view too
    client.force_login(demo.member)
    r = client.get(path)
    assert r.status_code == 400 and "二维码已过期" in r.content.decode()


def test_the_host_screen_stops_once_the_record_is_submitted(client, demo, meeting):
    services.meeting_update(
        actor=demo.secretary,
        meeting=meeting,
        place="活动室",
        host=demo.m1,
        recorder=demo.m2,
        minutes="记录",
    )
    services.attendance_set(
        actor=demo.secretary, meeting=meeting, rows=[{"member": demo.m1.pk, "status": "present"}]
    )
    services.meeting_submit(actor=demo.secretary, meeting=meeting)
    client.force_login(demo.secretary)
    r = client.get(
        reverse("meeting_qr_live", args=[meeting.pk]), {"w": signin.current_window(meeting), "p": 1}
    )
    body = r.content.decode()
    assert (
        r.status_code == 200
        and "签到已结束" in body
        and "hx-trigger" not in body
        and "<svg" not in body
    )
