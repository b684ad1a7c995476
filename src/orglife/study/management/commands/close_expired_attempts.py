"""Grade every exam attempt whose time is up and raise the education-talk to-dos of members whose
exam has closed without a pass.

  python manage.py close_expired_attempts

Pages grade an overdue attempt when they next read it; this command does it for the attempts
nobody opens again (a member who closed the browser). Idempotent; run it every few minutes from
cron (docs/operator-guide.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from orglife.study import exam_services


class Command(BaseCommand):
    help = "为已到时间的考试答卷自动交卷评分，并为考试截止后仍未及格的党员生成谈话待办"

    def handle(self, *args, **options):
        graded = exam_services.settle()
        raised = exam_services.close_exams()
        self.stdout.write(f"超时自动交卷 {graded} 份；生成谈话待办 {raised} 条。")
