"""Scale data for 发展党员: N applicants per branch of one subtree, each file cut at a random step
of a valid timeline (some with a late step), derived fields computed by the same interpreter the
services use. Bulk inserts; shows progress. For benchmarks (bench/bench_recruitment.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr

from orglife.orgs import idcard
from orglife.orgs.models import Category, Member, Organization, OrgKind
from orglife.recruitment import ruleset as rulesets
from orglife.recruitment.models import Applicant, Step
from orglife.recruitment.tests.timelines import build
from orglife.recruitment.timeline import evaluate

BRANCHES = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
PREFIX = "SA"  # name prefix of seeded applicants (to find or remove them)


def subtree_near(target: int = 1000) -> Organization:
    """The smallest subtree holding at least target branches (one aggregate per tree depth); the
    largest one if none is that big."""
    best: tuple[int, str] | None = None
    for depth in (1, 2, 3, 4):
        length = depth * Organization.steplen
        rows = (Organization.objects.filter(kind__in=BRANCHES, depth__gt=depth).annotate(prefix=Substr("path", 1, length))
                .values("prefix").annotate(n=Count("id")).order_by())
        for row in rows:
            score = row["n"] - target if row["n"] >= target else 10**9 - row["n"]
            if best is None or score < best[0]:
                best = (score, row["prefix"])
    if best is None:
        raise CommandError("没有党支部：请先运行 seed_scale")
    return Organization.objects.get(path=best[1])


class Command(BaseCommand):
    help = "为一个组织及其下级党支部批量生成入党申请人（基准测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="组织编码；缺省为下级党支部数最接近1000的组织")
        parser.add_argument("--per-branch", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", default="2026-11-30")

    def handle(self, *args, org=None, per_branch=20, seed=1, today="2026-11-30", **options):
        today = dt.date.fromisoformat(today)
        root = Organization.objects.get(code=org) if org else subtree_near()
        branches = list(Organization.objects.filter(path__startswith=root.path, kind__in=BRANCHES).order_by("path")
                        .values_list("pk", flat=True))
        if Applicant.objects.filter(org_id__in=branches[:1], name__startswith=PREFIX).exists():
            raise CommandError(f"{root.code} 已有生成的入党申请人")
        self.stdout.write(f"{root.code} {root.name}：{len(branches)} 个党支部，每个 {per_branch} 人")
        rng = random.Random(seed)
        rs = rulesets.get()
        serial = Applicant.objects.count() + 1
        started = time.monotonic()
        for start in range(0, len(branches), 50):
            applicants, steps = [], []
            full: dict[int, list[int]] = {}
            for org_id, member_id in Member.objects.filter(
                org_id__in=branches[start:start + 50], category=Category.FULL
            ).order_by("id").values_list("org_id", "id"):
                full.setdefault(org_id, []).append(member_id)
            for org_id in branches[start:start + 50]:
                for _ in range(per_branch):
                    applicant, recs = self.one(rng, rs, org_id, serial, today, len(full.get(org_id, [])))
                    applicants.append(applicant)
                    steps.append(recs)
                    serial += 1
            with transaction.atomic():
                Applicant.objects.bulk_create(applicants, batch_size=2000)
                rows = [(a, r, Step(applicant=a, step=r.step, number=rs.step(r.step).number, on=r.on, extra=dict(r.extra)))
                        for a, recs in zip(applicants, steps, strict=True) for r in recs]
                Step.objects.bulk_create([row[2] for row in rows], batch_size=5000)
                # People named on a step: the branch's first full members (as many as the file says).
                Through = Step.actors.through
                Through.objects.bulk_create([
                    Through(step_id=step.pk, member_id=m)
                    for a, r, step in rows if r.actors for m in full.get(a.org_id, [])[: r.actors]
                ], batch_size=5000)
            done = min(start + 50, len(branches))
            self.stdout.write(f"  {done}/{len(branches)} 个党支部，{done * per_branch} 人，{time.monotonic() - started:.0f} 秒")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh statistics and visibility map: the pipeline's counts are index-only scans.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE recruitment_applicant")
                cursor.execute("VACUUM ANALYZE recruitment_step")
        self.stdout.write(self.style.SUCCESS(f"完成：{len(branches) * per_branch} 名入党申请人（{root.code}）"))

    def one(self, rng: random.Random, rs, org_id: int, serial: int, today: dt.date, members: int):
        born = dt.date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
        # Applications over the last five years; files cut before the vote (the vote needs a meeting).
        applied_days = rng.randint(0, 5 * 365)
        birth_for = today - dt.timedelta(days=applied_days)
        age_days = max(0, (birth_for - dt.date(born.year + 18, born.month, born.day)).days)
        recs = build(lambda lo, hi: rng.randint(lo, hi), birth=born, age_days=age_days)
        cut = rng.randint(1, 14)
        recs = [dataclasses.replace(r, actors=min(r.actors, members)) for r in recs
                if rs.step(r.step).number <= cut and r.on <= today]
        result = evaluate(rs, recs, birth_date=born)
        number = idcard.make_id(f"{650000 + serial // 1000:06d}", born, serial % 1000)
        current = result.current
        return Applicant(
            org_id=org_id, name=f"{PREFIX}{serial:07d}", gender=idcard.gender(number), birth_date=born, id_number=number,
            applied_on=recs[0].on, step_number=current.number if current else 1, stage=current.stage if current else 1,
            next_step=result.next.id if result.next else "", next_due=result.next_due, due_step=result.due_step,
            error_count=len(result.errors),
        ), recs
