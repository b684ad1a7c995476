"""manage.py remind: one digest email per person with to-dos (locmem backend: mail.outbox)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from orglife.meetings.models import Meeting, MeetingStatus

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save()


def planned(org, topic="主题党日", days=2):
    tz = timezone.get_current_timezone()
    Meeting.objects.create(org=org, topic=topic, status=MeetingStatus.PLANNED,
                           planned_at=dt.datetime.combine(ON + dt.timedelta(days=days), dt.time(9), tzinfo=tz))


def test_it_sends_one_digest_per_person_with_todos(demo):
    with_email(demo.member, demo.secretary, demo.outsider)
    planned(demo.zb1, "十二月主题党日")
    out = run("--on", "2026-11-30", "--base-url", "https://orglife.example.org/")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["member@example.org", "secretary@example.org"]
    to_member = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert "十二月主题党日" in to_member.body and "李四" in to_member.body and "待办" in to_member.subject
    assert "【即将召开的会议】" in to_member.body
    assert "[" in out and "已发送 2 封" in out and "无需提醒 1 人" in out and "无邮箱 2 人" in out


def test_dry_run_sends_nothing(demo):
    with_email(demo.member)
    planned(demo.zb1)
    out = run("--dry-run", "--on", "2026-11-30")
    assert mail.outbox == [] and "将发送 1 封" in out and "试运行" in out


def test_people_without_email_or_inactive_are_skipped(demo):
    planned(demo.zb1)
    demo.member.email = "m@example.org"
    demo.member.is_active = False
    demo.member.save()
    run("--on", "2026-11-30")
    assert mail.outbox == []


def test_a_bad_date_is_refused(demo):
    with pytest.raises(CommandError, match="日期"):
        run("--on", "2026-13-01")


def test_mail_failures_are_counted_and_do_not_stop_the_run(demo, monkeypatch):
    with_email(demo.member, demo.secretary)
    planned(demo.zb1)
    calls = []

    def boom(subject, body, sender, to):
        calls.append(to)
        if len(calls) == 1:
            raise OSError("smtp down")
        return 1

    monkeypatch.setattr("orglife.meetings.management.commands.remind.send_mail", boom)
    out = run("--on", "2026-11-30")
    assert len(calls) == 2 and "发送失败 1 封" in out and "已发送 1 封" in out


def test_missed_periods_and_talk_gaps_alone_send_no_email(demo):
    with_email(demo.member, demo.secretary)
    out = run("--on", "2026-11-10")  # nothing due within 7 days: only missed periods and talk gaps
    assert mail.outbox == [] and "无需提醒 2 人" in out


def test_the_digest_counts_the_other_todos(demo):
    with_email(demo.member)
    planned(demo.zb1, "十二月主题党日")
    run("--on", "2026-11-30")
    body = mail.outbox[0].body
    assert "十二月主题党日" in body and "另有 1 项其他待办" in body and "尚未与其他党员谈心谈话" not in body
