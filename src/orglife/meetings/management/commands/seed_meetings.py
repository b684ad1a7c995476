"""One year of organizational life for every branch and 党小组: `seed_meetings --year 2026`.

For benchmarks of the compliance engine (bench/bench_compliance.py). Realistic, not perfect:
each branch is diligent (most), average or lax, and holds each required meeting with that
probability: a monthly 主题党日 on a fixed day, which is often also the quarter's 党员大会 or
党课 (entered once, counted for each kind); a monthly 支委会 where the branch has a committee; an
组织生活会 in November or December; 党小组 meet monthly. Meetings are held up to --today only,
and about 3% of records are not yet submitted (not counted).

Like seed_scale it bypasses the services (1.5 million service calls would take hours): ids are
handed out here under a table lock, rows are streamed with COPY on PostgreSQL (batched inserts
elsewhere), all in one transaction with one audit event. Same --seed and --today → same data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from orglife.core import audit
from orglife.meetings.models import Meeting, MeetingKind, MeetingStatus
from orglife.meetings.queries import with_committee
from orglife.orgs.management.commands.seed_scale import Writer, next_id
from orglife.orgs.models import Organization

CHUNK = 50_000
BRANCH_KINDS = ("branch", "joint_branch")
TOPIC = {
    "theme_day": "主题党日：{m}月集中学习",
    "committee_meeting": "{m}月支部委员会会议",
    "party_lecture": "第{q}季度党课",
    "assembly": "第{q}季度支部党员大会",
    "org_life_meeting": "{y}年度组织生活会",
    "group_meeting": "{m}月党小组会",
}


class Command(BaseCommand):
    help = "为每个党支部和党小组生成一年的组织生活记录（会议及其计入类型），用于合规性能测试"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2026")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="只生成此日及以前召开的会议 YYYY-MM-DD（默认今天）")
        parser.add_argument("--root", default=None, help="只为该组织（编码）及其下级生成（默认全部组织）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子")
        parser.add_argument("--force", action="store_true", help="该年度已有会议记录时仍然追加")

    def handle(self, *args, year: int, today: dt.date | None, root: str | None, seed: int, force: bool, **options):
        self.today = min(today or timezone.localdate(), dt.date(year, 12, 31))
        if self.today < dt.date(year, 1, 1):
            raise CommandError(f"--today {self.today} 早于 {year} 年")
        self.year = year
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        orgs = Organization.objects.filter(kind__in=[*BRANCH_KINDS, "party_group"])
        root_org = None
        if root:
            root_org = Organization.objects.filter(code=root).first()
            if root_org is None:
                raise CommandError(f"组织 {root} 不存在")
            orgs = orgs.filter(path__startswith=root_org.path)
        existing = MeetingKind.objects.filter(held_on__year=year)
        if root_org:
            existing = existing.filter(org__path__startswith=root_org.path)
        if not force and existing.exists():
            raise CommandError(f"{year} 年已有会议记录；如需追加请加 --force")
        rows = list(orgs.order_by("path").values_list("id", "kind"))
        if not rows:
            raise CommandError("没有党支部或党小组")
        started = time.monotonic()
        committees = with_committee(root=root_org or _Everything())
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(f"LOCK TABLE {Meeting._meta.db_table}, {MeetingKind._meta.db_table} "
                                "IN SHARE ROW EXCLUSIVE MODE")
                    cur.execute("SET LOCAL synchronous_commit TO OFF")
            self.meeting_id = next_id(Meeting)
            self.kind_id = next_id(MeetingKind)
            self.now = timezone.now()
            given = ["id", "org", "status", "held_at", "held_on", "topic", "submitted_at", "created_at", "updated_at"]
            # Text fields left blank (place, minutes, ...) have no model default: give them "".
            blank = [f.name for f in Meeting._meta.concrete_fields
                     if f.name not in given and isinstance(f, (models.CharField, models.TextField))
                     and not f.has_default() and not f.null]
            self.blank = ("",) * len(blank)
            meetings = Writer(Meeting, given + blank)
            kinds = Writer(MeetingKind, ["id", "meeting", "kind", "org", "held_on", "counted"])
            buffer_m: list[tuple] = []
            buffer_k: list[tuple] = []
            for org_id, kind in tqdm(rows, desc="组织", unit="个", disable=options.get("verbosity", 1) < 1):
                for day, kinds_of in self.plan(kind, org_id in committees):
                    self.add(buffer_m, buffer_k, org_id, day, kinds_of)
                if len(buffer_k) >= CHUNK:
                    meetings.write(buffer_m)
                    kinds.write(buffer_k)
                    buffer_m, buffer_k = [], []
            meetings.write(buffer_m)
            kinds.write(buffer_k)
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    for model in (Meeting, MeetingKind):
                        table = model._meta.db_table
                        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
            target = root_org or Organization.objects.order_by("path").first()
            audit.record(actor=None, action="meetings.seed", target=target, org=target, changes={
                "year": [None, year], "meetings": [None, meetings.count], "kinds": [None, kinds.count],
                "today": [None, self.today.isoformat()], "seed": [None, seed],
            })
        with connection.cursor() as cur:
            verb = "VACUUM ANALYZE" if connection.vendor == "postgresql" and not connection.in_atomic_block else "ANALYZE"
            for model in (Meeting, MeetingKind):
                cur.execute(f"{verb} {model._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {year} 年会议 {meetings.count:,} 次（计入类型 {kinds.count:,} 条），"
            f"组织 {len(rows):,} 个，用时 {elapsed:.0f} 秒"
        ))

    # ------------------------------------------------------------------ what one organization holds

    def plan(self, kind: str, has_committee: bool) -> list[tuple[dt.date, tuple[str, ...]]]:
        rng, year = self.rng, self.year
        care = rng.choices((0.97, 0.85, 0.55), weights=(70, 22, 8))[0]
        fixed = rng.randint(3, 25)  # the branch's relatively fixed day (RULES §1.2)
        out: list[tuple[dt.date, tuple[str, ...]]] = []
        if kind == "party_group":
            for month in range(1, 13):
                if rng.random() < min(care, 0.92):
                    out.append((dt.date(year, month, max(1, fixed - 2)), ("group_meeting",)))
            return [(d, k) for d, k in out if d <= self.today]
        for quarter in range(1, 5):
            months = range(3 * quarter - 2, 3 * quarter + 1)
            assembly_month = rng.choice(months) if rng.random() < care else None
            lecture_month = rng.choice(months) if rng.random() < care else None
            for month in months:
                day = dt.date(year, month, fixed)
                kinds = ["theme_day"] if rng.random() < care else []
                extra = []
                for wanted, name in ((assembly_month, "assembly"), (lecture_month, "party_lecture")):
                    if wanted == month:
                        # Often held on the theme day and entered once (RULES §1.2 [L]).
                        if kinds and rng.random() < 0.7:
                            kinds.append(name)
                        else:
                            extra.append((dt.date(year, month, min(28, fixed + 2)), (name,)))
                if kinds:
                    out.append((day, tuple(kinds)))
                out.extend(extra)
                if has_committee and rng.random() < care:
                    out.append((dt.date(year, month, max(1, fixed - 2)), ("committee_meeting",)))
        if rng.random() < care:
            out.append((dt.date(year, rng.choice((11, 12)), rng.randint(10, 28)), ("org_life_meeting",)))
        return [(d, k) for d, k in out if d <= self.today]

    def add(self, buffer_m: list, buffer_k: list, org_id: int, day: dt.date, kinds: tuple[str, ...]) -> None:
        counted = self.rng.random() >= 0.03
        held_at = dt.datetime.combine(day, dt.time(9, 0), self.tz)
        topic = TOPIC[kinds[0]].format(y=self.year, m=day.month, q=(day.month - 1) // 3 + 1)
        status = MeetingStatus.SUBMITTED.value if counted else MeetingStatus.STARTED.value
        buffer_m.append((self.meeting_id, org_id, status, held_at, day, topic,
                         held_at + dt.timedelta(hours=3) if counted else None, self.now, self.now) + self.blank)
        for kind in kinds:
            buffer_k.append((self.kind_id, self.meeting_id, kind, org_id, day, counted))
            self.kind_id += 1
        self.meeting_id += 1


class _Everything:
    """A stand-in root whose path prefixes every organization."""

    path = ""
