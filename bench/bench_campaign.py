"""Time a self-inspection campaign's page and xlsx summary for 1,000 answering branches.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench_campaign \
        .venv/bin/python bench/bench_campaign.py [-n 20] [--branches 1000]

Builds its own data once (a 党委 `CB` with 10 党总支 of branches, every branch answering every
item of the shipped branch standardization checklist, ~1 in 6 answers reporting a problem) in
whatever database DATABASE_URL names (migrated), then measures campaign_summary and, through
Django's test Client (DEBUG off) as a superuser, the campaign page and its xlsx summary.
Target (ours, the issue names none for this page): page p95 < 300 ms, like the ledger.
Exits 1 when it is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orglife.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")  # the test Client's host

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from orglife.inspection import campaign_services as cs  # noqa: E402
from orglife.inspection.models import Answer, Campaign, Checklist  # noqa: E402
from orglife.orgs import services  # noqa: E402
from orglife.orgs.models import OrgKind  # noqa: E402

TITLE = "bench campaign"
GROUPS = 10


def build(branches: int) -> Campaign:
    campaign = Campaign.objects.filter(title=TITLE).first()
    if campaign is not None:
        return campaign
    start = time.perf_counter()
    checklist = (Checklist.objects.filter(code="branch_standardization").first()
                 or cs.checklist_load_file(actor=None, path=cs.CHECKLISTS_DIR / "branch_standardization.yaml"))
    root = services.org_create(actor=None, parent=None, code="CB", name="基准测试党委", kind=OrgKind.COMMITTEE)
    for g in range(GROUPS):
        group = services.org_create(actor=None, parent=root, code=f"CB-Z{g:02d}", name=f"基准测试党总支{g}",
                                    kind=OrgKind.GENERAL_BRANCH)
        for b in range(branches // GROUPS):
            services.org_create(actor=None, parent=group, code=f"CB-Z{g:02d}-{b:04d}", name=f"基准测试党支部{g}-{b}",
                                kind=OrgKind.BRANCH)
    today = timezone.localdate()
    campaign = cs.campaign_launch(actor=None, org=root, checklist=checklist, title=TITLE, starts_on=today,
                                  ends_on=today + dt.timedelta(days=30), target="orgs")
    rnd = random.Random(1)
    items = list(checklist.items.all())
    now = timezone.now()
    with transaction.atomic():
        Answer.objects.bulk_create(
            (Answer(campaign=campaign, item=item, org=org, has_problem=rnd.random() < 1 / 6, description="基准",
                    answered_at=now)
             for org in cs.target_orgs(campaign) for item in items),
            batch_size=2000)
    print(f"built {branches:,} branches and {Answer.objects.filter(campaign=campaign).count():,} answers "
          f"in {time.perf_counter() - start:.1f} s")
    return campaign


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def measure(fn, n: int) -> tuple[list[float], int]:
    result = fn()
    assert getattr(result, "status_code", 200) == 200, result
    counter = Counter()
    with connection.execute_wrapper(counter):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, counter.n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--branches", type=int, default=1000)
    args = parser.parse_args()
    campaign = build(args.branches)
    user, _ = get_user_model().objects.get_or_create(username="bench_admin",
                                                     defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(user)
    targets = cs.target_orgs(campaign).count()
    answers = Answer.objects.filter(campaign=campaign).count()
    print(f"database: {connection.vendor} · branches {targets:,} · answers {answers:,} · "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print(f"{'case':<44} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
    failed = False
    cases = [
        ("campaign_summary (service)", lambda: cs.campaign_summary(campaign), None),
        ("campaign page (officer, page 1)", lambda: client.get(reverse("campaign_detail", args=[campaign.pk])), 300),
        ("campaign page (page 20)", lambda: client.get(reverse("campaign_detail", args=[campaign.pk]) + "?page=20"),
         300),
        ("xlsx summary", lambda: client.get(reverse("campaign_xlsx", args=[campaign.pk])), None),
    ]
    for label, fn, target in cases:
        times, n_queries = measure(fn, args.n)
        p95 = percentile(times, 0.95)
        ok = target is None or p95 < target
        failed |= not ok
        print(f"{label:<44} {n_queries:>7} {statistics.median(times):>8.0f} {p95:>8.0f} {max(times):>8.0f}  "
              f"{f'p95 < {target} ms' if target else '—'}{'' if ok else '  ✗'}")
    summary = cs.campaign_summary(campaign)
    print(f"\ncampaign score {summary.total.score_percent} · progress {summary.total.progress_percent}% · "
          f"problems {summary.total.problems:,} · groups {len(summary.groups)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
