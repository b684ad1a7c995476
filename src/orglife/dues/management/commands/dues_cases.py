"""Raise a case for every member with six consecutive months of dues unpaid (RULES §3 Art. 13;
党章 Art. 9), for the branch to handle. orglife never changes the member's status.

  python manage.py dues_cases [--org CODE] [--on YYYY-MM-DD] [--dry-run]

Idempotent: an unpaid run gets one case however often it runs. Run it monthly (or daily) from
cron, before `remind` (docs/operator-guide.md).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from orglife.dues import queries, rules, services
from orglife.orgs.models import Organization


class Command(BaseCommand):
    help = "为连续6个月未交党费的党员生成待党支部处理的事项（不更改党员身份）"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="只处理该组织（组织编码）及其下级")
        parser.add_argument("--on", help="按指定日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不生成")

    def handle(self, *args, org: str | None, on: str | None, dry_run: bool, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{on}”无效，应为 YYYY-MM-DD") from None
        q = None
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"组织编码“{org}”不存在")
            q = Q(org__path__startswith=root.path)
        started = time.perf_counter()
        counts = queries.arrears_counts(q, day)
        self.stdout.write(f"截至{day:%Y年%-m月%-d日}：连续{rules.reminder_months()}个月以上未交 {counts['reminder']} 人，"
                          f"连续{rules.lapse_months()}个月以上 {counts['lapse']} 人（{time.perf_counter() - started:.1f} 秒）")
        if dry_run:
            return
        created = services.cases_raise(actor=None, q=q, today=day)
        self.stdout.write(self.style.SUCCESS(f"新生成待处理事项 {len(created)} 件（{time.perf_counter() - started:.1f} 秒）"))
