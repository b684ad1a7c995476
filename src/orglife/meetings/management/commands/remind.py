"""Send each person with to-dos one digest email (提醒).

  python manage.py remind [--dry-run] [--on YYYY-MM-DD] [--base-url https://orglife.example.org]

To-dos are computed by orglife.meetings.todos.for_user (the same list as the 我的待办 section of
the 我的 page). Only urgent ones (a meeting soon, a period about to close, a record to approve or
finish, a talk to-do due) trigger and fill the email; the rest is counted and left to the page. Only active users with an email address are written to; one email per person,
through Django's email backend (EMAIL_* settings). Run it daily from cron (docs/operator-guide.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from orglife.meetings import todos


class Command(BaseCommand):
    help = "向有待办事项的用户发送提醒邮件（每人一封汇总）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计和显示，不发送邮件")
        parser.add_argument("--on", help="按指定日期计算待办（YYYY-MM-DD），默认今天")
        parser.add_argument("--base-url", default="", help="邮件中链接的网址前缀，如 https://orglife.example.org")

    def handle(self, *args, dry_run: bool, on: str | None, base_url: str, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{on}”无效，应为 YYYY-MM-DD") from None
        users = get_user_model().objects.filter(is_active=True).order_by("pk")
        total = users.count()
        sent = nothing = no_email = failed = 0
        for index, user in enumerate(users.iterator(chunk_size=200), start=1):
            if not user.email:
                no_email += 1
                continue
            items = todos.for_user(user, on=day)
            urgent = [t for t in items if t.urgent]
            if not urgent:  # missed periods and coverage gaps alone do not mail anyone every day
                nothing += 1
                continue
            body = render_to_string("meetings/email/remind.txt", {
                "user": user, "name": getattr(getattr(user, "member", None), "name", "") or user.get_username(),
                "on": day, "groups": todos.grouped(urgent), "count": len(urgent),
                "others": len(items) - len(urgent),
                "site": base_url.rstrip("/"),
            })
            subject = f"【党组织生活纪实】您有{len(urgent)}项待办（{day:%Y年%-m月%-d日}）"
            verb = "将发送" if dry_run else "已发送"
            if not dry_run:
                try:
                    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                except Exception as exc:  # one bad address must not stop the run
                    failed += 1
                    self.stderr.write(f"[{index}/{total}] {user.get_username()}：发送失败 {exc}")
                    continue
            sent += 1
            self.stdout.write(f"[{index}/{total}] {user.get_username()}：{len(urgent)} 项待办，{verb}")
        label = "将发送" if dry_run else "已发送"
        self.stdout.write(self.style.SUCCESS(
            f"完成：{label} {sent} 封；无需提醒 {nothing} 人；无邮箱 {no_email} 人；发送失败 {failed} 封。"
            + ("（试运行，未发送任何邮件）" if dry_run else "")
        ))
