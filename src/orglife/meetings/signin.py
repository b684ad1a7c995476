"""Time-windowed QR sign-in.

The host's screen shows a QR code for /meetings/<pk>/signin/?c=<code>&w=<window>, where
window = floor(unix time / options.sign_in_window_seconds) and code = HMAC-SHA256(SECRET_KEY,
"<pk>:<window>") truncated. The code changes every window, so a photo of the code passed on to
someone not in the room stops working within one window. Only the current window is accepted.
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
from .models import Attendance, AttendanceStatus, Meeting

CODE_LENGTH = 16
EXPIRED = "二维码已过期，请扫描会议现场最新的二维码"
ALREADY = "您已签到，无需重复签到"
NOT_DUE = "您不在本次会议的应到名单中"
NOT_STARTED = "会议尚未开始，暂不能签到，请在主持人开始会议后扫码"
CLOSED = "会议纪实已提交，签到已结束"
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


def verify(*, user, meeting: Meeting, code: str, window, now: float | None = None) -> Attendance:
    """Sign the user in, or raise SignInError with the Chinese reason."""
    if meeting.is_locked:
        raise SignInError(CLOSED)
    if meeting.attendance_frozen_at is None:
        raise SignInError(NOT_STARTED)
    try:
        window = int(window)
    except (TypeError, ValueError):
        raise SignInError(INVALID) from None
    if not hmac.compare_digest(str(code or ""), code_for(meeting.pk, window)):
        raise SignInError(INVALID)
    if window != current_window(meeting, now):
        raise SignInError(EXPIRED)
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
