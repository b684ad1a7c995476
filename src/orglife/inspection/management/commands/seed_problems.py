"""Problems and measures at scale for the ledger benchmark: `seed_problems --root CODE`.

Spreads --problems problems (default 50,000) over the first --branches branches (default 1,000,
in path order) of the subtree of --root (default: the first county of seed_scale data), each
with 1–4 measures. The mix is meant to look like a real 整改台账: most problems come from
self-inspection and 组织生活会, about half are signed off (most on time), some are submitted
and waiting for sign-off, a third of the open ones have a measure past its deadline, a few
signed-off problems were reopened by a 回头看 (with their follow-up problem), a few were
withdrawn (撤销). As the services keep them: an open problem has no measures yet, a submitted or
signed-off one has all its measures done.

It bypasses the services (50,000 service calls with their audit rows would take minutes and
add nothing the benchmark reads): rows go in with bulk_create, with the timestamps the
generator chooses; problem history (ProblemEvent) is not generated. One audit event records
the run. Same --seed and --today → same data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from orglife.core import audit
from orglife.inspection.models import Measure, Problem, ProblemSource, ProblemStatus, Severity
from orglife.orgs.models import Member, Organization

BATCH = 2_000
SOURCES = {  # share of problems by source
    ProblemSource.SELF_INSPECTION: 34, ProblemSource.ORG_LIFE_MEETING: 26, ProblemSource.DEMOCRATIC_LIFE_MEETING: 4,
    ProblemSource.CENTRAL_INSPECTION: 3, ProblemSource.LOCAL_INSPECTION: 10, ProblemSource.DISCIPLINE_INSPECTION: 5,
    ProblemSource.PETITION: 4, ProblemSource.SPOT_CHECK: 8, ProblemSource.SUPERIOR_FEEDBACK: 6,
}
STATUSES = {ProblemStatus.SIGNED_OFF: 46, ProblemStatus.RECTIFYING: 24, ProblemStatus.OPEN: 14,
            ProblemStatus.SUBMITTED: 13, ProblemStatus.WITHDRAWN: 3}
PROBLEMS = [
    "三会一课记录不规范，部分会议缺少议程和决议",
    "主题党日活动形式单一，学习内容与工作实际结合不紧",
    "党员发展程序存在瑕疵，培养考察材料不完整",
    "党费收缴不及时，个别党员存在欠缴情况",
    "谈心谈话开展不经常，覆盖面不够",
    "理论学习不够深入系统，学用结合不够",
    "组织生活会批评与自我批评辣味不足",
    "党务公开内容更新不及时",
    "支部委员会议事决策记录不完整",
    "党员教育管理不够严格，流动党员联系不经常",
    "整改措施落实不到位，存在反弹回潮现象",
    "基层党建工作责任制落实不够有力",
]
MEASURES = [
    "对照规定补齐会议记录，建立会前审核制度",
    "制定专题学习计划，开展集中学习研讨",
    "组织支部委员专题培训，规范工作流程",
    "逐一谈心谈话，建立谈话台账",
    "完善制度并在支部党员大会上通报",
    "开展专项检查，建立问题整改台账并定期通报",
]
EVIDENCE = ["已完成，相关记录已归档", "已召开专题会议并形成纪要", "制度已印发执行", "已逐一落实到人"]


@contextlib.contextmanager
def chosen_timestamps():
    """bulk_create would overwrite auto_now(_add) fields with now(); keep the generated values."""
    fields = [Problem._meta.get_field("created_at"), Problem._meta.get_field("updated_at"),
              Measure._meta.get_field("created_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def _pick(rng: random.Random, shares: dict) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


class Command(BaseCommand):
    help = "为某组织下的党支部批量生成问题和整改措施（整改台账性能测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--root", default=None, help="组织编码（默认：规模测试数据中的第一个县级党委）")
        parser.add_argument("--problems", type=int, default=50_000, help="问题数量（默认 50000）")
        parser.add_argument("--branches", type=int, default=1_000, help="分布到的党支部数量（默认 1000）")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="以此日为今天 YYYY-MM-DD")
        parser.add_argument("--seed", type=int, default=1, help="随机种子")
        parser.add_argument("--force", action="store_true", help="该组织下已有问题时仍然追加")

    def handle(self, *args, root, problems, branches, today, seed, force, **options):
        if problems < 1 or branches < 1:
            raise CommandError("--problems 和 --branches 必须为正数")
        org = self._root(root)
        self.today = today or timezone.localdate()
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        ids = list(Organization.objects.filter(path__startswith=org.path, kind__in=["branch", "joint_branch"])
                   .order_by("path").values_list("id", flat=True)[:branches])
        if not ids:
            raise CommandError(f"{org.name} 下没有党支部")
        if not force and Problem.objects.filter(org__path__startswith=org.path).exists():
            raise CommandError(f"{org.name} 下已有问题；如需追加请加 --force")
        self.members: dict[int, list[int]] = {}
        for org_id, member_id in Member.objects.filter(org_id__in=ids).values_list("org_id", "id"):
            self.members.setdefault(org_id, []).append(member_id)
        started = time.monotonic()
        quiet = options.get("verbosity", 1) < 1
        counts = {"problems": 0, "measures": 0}
        with transaction.atomic(), chosen_timestamps():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL synchronous_commit TO OFF")
            with tqdm(total=problems, desc="问题", unit="个", disable=quiet) as bar:
                left = problems
                while left > 0:
                    n = min(BATCH, left)
                    made = self.batch([self.rng.choice(ids) for _ in range(n)], counts)
                    left -= n
                    bar.update(made)
            audit.record(actor=None, action="problems.seed", target=org, org=org, changes={
                "problems": [None, counts["problems"]], "measures": [None, counts["measures"]],
                "branches": [None, len(ids)], "today": [None, self.today.isoformat()], "seed": [None, seed],
            })
        with connection.cursor() as cur:
            for model in (Problem, Measure):
                cur.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(self.style.SUCCESS(
            f"已在{org.name}下 {len(ids):,} 个党支部生成问题 {counts['problems']:,} 个、整改措施 {counts['measures']:,} 项，"
            f"用时 {time.monotonic() - started:.0f} 秒"))

    def _root(self, code: str | None) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"组织 {code} 不存在")
            return org
        top = Organization.objects.filter(depth=1, code__startswith="S-").order_by("path").first()
        county = top.get_children().order_by("path").first() if top else None
        if county is None:
            raise CommandError("没有规模测试数据：请先运行 seed_scale，或用 --root 指定组织")
        return county

    # ------------------------------------------------------------------ one batch

    def _at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), self.tz)

    def batch(self, org_ids: list[int], counts: dict) -> int:
        """Problems of one batch, then their measures; reopened problems get a follow-up."""
        rng, today = self.rng, self.today
        plans = []
        for org_id in org_ids:
            status = _pick(rng, STATUSES)
            # Problems still being rectified are mostly recent ones; closed ones reach back two years.
            age = 240 if status in (ProblemStatus.OPEN, ProblemStatus.RECTIFYING) else 720
            created = today - dt.timedelta(days=rng.randint(0, age))
            people = self.members.get(org_id) or [None]
            # An open problem (待整改) has no measures yet: the first measure makes it "rectifying".
            n = 0 if status == ProblemStatus.OPEN else rng.choices((1, 2, 3, 4), weights=(30, 40, 20, 10))[0]
            measures = []
            for _ in range(n):
                deadline = created + dt.timedelta(days=rng.randint(20, 200))
                measures.append([deadline, rng.choice(people), rng.choice((1, 1, 1, 2, 3))])
            deadline = max((m[0] for m in measures), default=None)
            done = status in (ProblemStatus.SUBMITTED, ProblemStatus.SIGNED_OFF)
            plans.append({"org": org_id, "status": status, "created": created, "measures": measures,
                          "done": done, "deadline": deadline, "responsible": rng.choice(people)})
        problems = [self._problem(p) for p in plans]
        Problem.objects.bulk_create(problems, batch_size=BATCH)
        follow_ups = []
        for problem, plan in zip(problems, plans, strict=True):
            plan["problem"] = problem
            if problem.reopened_at is not None:
                follow = {"org": plan["org"], "status": ProblemStatus.RECTIFYING,
                          "created": timezone.localtime(problem.reopened_at).date(), "done": False,
                          "responsible": plan["responsible"], "follows": problem, "source": problem.source}
                follow["measures"] = [[follow["created"] + dt.timedelta(days=rng.randint(20, 120)),
                                       plan["responsible"], 1]]
                follow["deadline"] = follow["measures"][0][0]
                follow_ups.append(follow)
        extra = [self._problem(p) for p in follow_ups]
        Problem.objects.bulk_create(extra, batch_size=BATCH)
        for problem, plan in zip(extra, follow_ups, strict=True):
            plan["problem"] = problem
        measures = [m for plan in plans + follow_ups for m in self._measures(plan)]
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        counts["problems"] += len(problems) + len(extra)
        counts["measures"] += len(measures)
        return len(problems)

    def _problem(self, plan: dict) -> Problem:
        rng, today = self.rng, self.today
        status = plan["status"]
        created = self._at(plan["created"], 9)
        submitted_at = signed_off_at = reopened_at = None
        if plan["done"]:
            finished = min(today, plan["deadline"] + dt.timedelta(days=rng.randint(-40, 15)))
            finished = max(finished, plan["created"])
            plan["finished"] = finished
            submitted_at = self._at(finished, 15)
            if status == ProblemStatus.SIGNED_OFF:
                signed_on = min(today, finished + dt.timedelta(days=rng.randint(1, 20)))
                signed_off_at = max(self._at(signed_on, 16), submitted_at)
                if rng.random() < 0.06 and signed_on < today:
                    reopened_at = self._at(min(today, signed_on + dt.timedelta(days=rng.randint(30, 120))), 11)
                    reopened_at = max(reopened_at, signed_off_at)
        updated = max(t for t in (created, submitted_at, signed_off_at, reopened_at) if t is not None)
        return Problem(
            org_id=plan["org"], responsible_id=plan["responsible"], source=plan.get("source") or _pick(rng, SOURCES),
            description=rng.choice(PROBLEMS), severity=rng.choices(Severity.values, weights=(80, 16, 4))[0],
            status=status, follows=plan.get("follows"), deadline=plan["deadline"], created_at=created,
            updated_at=updated, submitted_at=submitted_at, signed_off_at=signed_off_at, reopened_at=reopened_at,
        )

    def _measures(self, plan: dict) -> list[Measure]:
        rng, today = self.rng, self.today
        out = []
        for deadline, owner, weight in plan["measures"]:
            done_on = None
            if plan["done"]:
                done_on = min(plan["finished"], today)
            elif plan["status"] == ProblemStatus.RECTIFYING and rng.random() < 0.4:
                done_on = min(today, plan["created"] + dt.timedelta(days=rng.randint(5, 60)))
            out.append(Measure(
                problem=plan["problem"], text=rng.choice(MEASURES), owner_id=owner, deadline=deadline,
                done_on=done_on, evidence=rng.choice(EVIDENCE) if done_on else "", weight=weight,
                created_at=self._at(plan["created"], 10),
            ))
        return out

