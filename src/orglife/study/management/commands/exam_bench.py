"""Data for the exam load test (bench/locust_exam.py) and the check after it.

  python manage.py exam_bench setup --members 2000 --out var/exam_bench.json
  python manage.py exam_bench verify --exam ID

setup builds a 党委 and one branch (codes EXB-*, or --prefix) with N members, each linked to an account whose
session is created directly (the load test measures exams, not 2,000 password hashes), a bank of
the 12 sample questions and an open exam with a fixed paper; it writes the session keys and the
exam id to --out. verify checks that no member has two attempts, that every submitted attempt has all its
answers and that every saved answer is exactly what the load test sent (the load test derives each answer from member and question id,
see expected_response).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from orglife.orgs import idcard, services
from orglife.orgs.models import Member, Organization, OrgKind
from orglife.study import exam_demo
from orglife.study.exam_models import Answer, Attempt, AttemptState, Exam


def expected_response(member_id: int, question) -> list:
    """What the load test answers (bench/locust_exam.py mirrors this on the page's inputs)."""
    k = member_id + question.pk
    if question.kind == "single":
        return [k % len(question.options)]
    if question.kind == "multiple":
        n = len(question.options)
        return sorted({k % n, (k + 1) % n})
    if question.kind == "judge":
        return [k % 2 == 0]
    return [f"答{member_id}-{question.pk}-{i}" for i in range(len(question.answer))]


class Command(BaseCommand):
    help = "压力测试数据：2000名党员参加同一场考试（setup），测试后核对答案（verify）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["setup", "verify"])
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--out", default="var/exam_bench.json")
        parser.add_argument("--exam", type=int)
        parser.add_argument("--duration", type=int, default=30, help="答题时长（分钟）")
        parser.add_argument("--prefix", default="EXB", help="组织编码前缀（再次运行时换一个，如 EXC）")

    def handle(self, *args, action, **options):
        if action == "setup":
            self.prefix = options["prefix"].upper()
            self.setup(options["members"], Path(options["out"]), options["duration"])
        else:
            if not options["exam"]:
                raise CommandError("请用 --exam 指定考试")
            self.verify(options["exam"])

    def setup(self, size: int, out: Path, duration: int) -> None:
        started = time.monotonic()
        if Organization.objects.filter(code=f"{self.prefix}-DW").exists():
            raise CommandError(f"压力测试数据已存在（{self.prefix}-DW）；请换一个 --prefix 或重建数据库")
        with transaction.atomic():
            self._setup(size, out, duration)
        self.stdout.write(f"用时 {time.monotonic() - started:.0f} 秒")

    def _setup(self, size: int, out: Path, duration: int) -> None:
        dw = services.org_create(actor=None, parent=None, code=f"{self.prefix}-DW", name="考试压测党委", kind=OrgKind.COMMITTEE,
                                 established_on=dt.date(2010, 1, 1))
        zb = services.org_create(actor=None, parent=Organization.objects.get(pk=dw.pk), code=f"{self.prefix}-ZB",
                                 name="考试压测党支部", kind=OrgKind.BRANCH, established_on=dt.date(2010, 1, 1))
        today = timezone.localdate()
        region = 310101 + 100 * (sum(map(ord, self.prefix)) % 900)  # a fresh range of ID numbers per prefix
        members = []
        for i in range(size):
            born = dt.date(1960 + i % 30, 1 + i % 12, 1 + i % 28)
            members.append(services.member_create(actor=None, today=today, data={
                "name": f"压测{i:04d}", "id_number": idcard.make_id(f"{region + i // 900:06d}", born, (i % 900) + 1),
                "category": "full", "admitted_on": dt.date(2015, 7, 1), "full_member_on": dt.date(2016, 7, 1),
                "org": f"{self.prefix}-ZB"}))
            if (i + 1) % 500 == 0:
                self.stdout.write(f"党员 {i + 1}/{size}")
        User = get_user_model()
        password = make_password(None)  # unusable: sessions are made below
        users = User.objects.bulk_create([User(username=f"{self.prefix.lower()}{i:04d}", password=password) for i in range(size)])
        for member, user in zip(members, users, strict=True):
            member.user = user
        Member.objects.bulk_update(members, ["user"], batch_size=500)
        sessions = []
        for member, user in zip(members, users, strict=True):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append({"session": store.session_key, "member": member.pk})
        exam = exam_demo.seed_exam(zb, exam_demo.seed_bank(dw), title="压力测试考试", days=1, duration=duration,
                                   attempts=1)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"exam": exam.pk, "members": sessions}))
        self.stdout.write(f"考试 {exam.pk}，{size} 名党员，会话写入 {out}")

    def verify(self, exam_id: int) -> None:
        exam = Exam.objects.get(pk=exam_id)
        attempts = Attempt.objects.filter(exam=exam)
        by_state = {s: attempts.filter(state=s).count() for s in AttemptState.values}
        per_member = attempts.values("member_id").distinct().count()
        wrong = missing = checked = 0
        for a in Answer.objects.filter(attempt__exam=exam).select_related("question", "attempt").iterator(chunk_size=5000):
            checked += 1
            if a.response is None:
                # The load test answers every question before submitting; an attempt still open
                # when the run stopped has its later questions unanswered, which is not a loss.
                missing += a.attempt.state != AttemptState.ACTIVE
            elif a.response != expected_response(a.attempt.member_id, a.question):
                wrong += 1
        self.stdout.write(json.dumps({
            "attempts": attempts.count(), "members": per_member, "states": by_state, "answers": checked,
            "missing": missing, "different": wrong,
        }, ensure_ascii=False))
        if missing or wrong or per_member != attempts.count():
            raise CommandError("有答案丢失或不一致，或同一党员有多份答卷")
