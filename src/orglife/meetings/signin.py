"""Time-windowed QR sign-in.

The host's screen shows a QR code for /meetings/<pk>/signin/?c=<code>&w=<window>, where
window = floor(unix time / options.sign_in_window_seconds) and code = HMAC-SHA256(SECRET_KEY,
"<pk>:<window>") truncated. The code changes every window, so a photo of the code passed on to
someone not in the room stops working within one window. Only the current window is accepted,
with one exception: a phone that scanned a current code but was not logged in keeps that scan in
its session while its owner logs in (LOGIN_GRACE), so the login page does not expire the code.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse

from orglife.orgs.services import ServiceError

from . import services
from .models import Attendance, AttendanceStatus, Meeting, MeetingStatus

CODE_LENGTH = 16
# A member who scans in time but must log in first keeps that scan this long (seconds).
LOGIN_GRACE = 300
SESSION_KEY = "orglife_signin_scan"
EXPIRED = "二维码已过期，请扫描会议现场最新的二维码"
ALREADY = "您已签到，无需重复签到"
NOT_DUE = "您不在本次会议的应到名单中"
NOT_STARTED = "会议尚未开始，暂不能签到，请在主持人开始会议后扫码"
CLOSED = "会议纪实已提交，签到已结束"
RETURNED = "会议纪实已被退回修改，签到已结束，出席情况请由记录人更正"
INVALID = "二维码无效，请扫描会议现场的二维码"
NO_MEMBER = "您的账号未关联党员信息，不能签到，请联系支部书记"


class SignInError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def window_seconds(meeting: Meeting) -> int:
    return int(meeting.org.profile().options.get("sign_in_window_seconds", 30))


def current_window(meeting: Meeting, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // window_seconds(meeting))


def code_for(meeting_pk: int, window: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{meeting_pk}:{window}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:CODE_LENGTH]


def signin_path(meeting: Meeting, now: float | None = None) -> str:
    window = current_window(meeting, now)
    query = urlencode({"c": code_for(meeting.pk, window), "w": window})
    return f"{reverse('meeting_signin', args=[meeting.pk])}?{query}"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no XML declaration), scaled by CSS."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        scale=6,
        border=2,
        xmldecl=False,
        svgns=True,
        title="签到二维码",
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue().decode()


def check_code(
    *,
    meeting: Meeting,
    code: str,
    window,
    now: float | None = None,
    scanned_window: int | None = None,
) -> int:
    """The window of a valid, current code, or SignInError. scanned_window: a window this browser
    scanned in time before it had to log in (kept in its session), accepted for LOGIN_GRACE."""
    if meeting.is_locked:
        raise SignInError(CLOSED)
    if meeting.attendance_frozen_at is None:
        raise SignInError(NOT_STARTED)
    if meeting.status != MeetingStatus.STARTED:  # returned by the organization above: fix by hand
        raise SignInError(RETURNED)
    try:
        window = int(window)
    except (TypeError, ValueError):
        raise SignInError(INVALID) from None
    if not hmac.compare_digest(str(code or ""), code_for(meeting.pk, window)):
        raise SignInError(INVALID)
    if window != current_window(meeting, now) and window != scanned_window:
        raise SignInError(EXPIRED)
    return window


def verify(
    *,
    user,
    meeting: Meeting,
    code: str,
    window,
    now: float | None = None,
    scanned_window: int | None = None,
) -> Attendance:
    """Sign the user in, or raise SignInError with the Chinese reason."""
    check_code(meeting=meeting, code=code, window=window, now=now, scanned_window=scanned_window)
    member = getattr(user, "member", None)
    if member is None:
        raise SignInError(NO_MEMBER)
    row = Attendance.objects.filter(meeting=meeting, member=member).only("status").first()
    if row is None:
        raise SignInError(NOT_DUE)
    if row.status == AttendanceStatus.PRESENT:
        raise SignInError(ALREADY)
    try:
        return services.attendance_sign_in(actor=user, meeting=meeting, member=member)
    except ServiceError as exc:  # a race with a second scan or with the host's marking
        raise SignInError(next(iter(exc.errors.values()))) from None
