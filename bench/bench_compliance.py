"""Time the compliance engine and its pages against a scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_compliance.py [-n 20] [--year 2026] [--on 2026-11-30] [--explain]

Needs seed_scale data and a year of meetings (`manage.py seed_meetings --year 2026`). Measures
meetings.queries.compliance_rows for the whole tree and a county (the engine alone, as a
superuser; seed_scale's counties hold ~2,300 branches, so the county stands in for the issue's
"~1,000 branches"), then the heat map, drill-down, API and xlsx pages through Django's
test Client (DEBUG off, persistent connections) as the superuser bench_admin and the county
manager bench_county. Targets (issue): whole tree < 2 s, a county < 200 ms, heat map
p95 < 300 ms. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from orglife.core.models import Role, RoleGrant  # noqa: E402
from orglife.meetings import queries  # noqa: E402
from orglife.meetings.models import MeetingKind  # noqa: E402
from orglife.orgs.models import Organization, OrgKind  # noqa: E402

ADMIN, MANAGER = "bench_admin", "bench_county"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def users(county: Organization):
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username=ADMIN, defaults={"is_superuser": True, "is_staff": True})
    manager, _ = User.objects.get_or_create(username=MANAGER)
    RoleGrant.objects.get_or_create(user=manager, org=county, role=Role.MANAGER, defaults={"recursive": True})
    return admin, manager


class Counter:
    """Counts queries with an execute wrapper (CaptureQueriesContext reads a bounded log)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def count_queries(fn) -> int:
    counter = Counter()
    with connection.execute_wrapper(counter):
        fn()
    return counter.n


def timed(fn, n: int, warmup: int = 1) -> tuple[list[float], object]:
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="timed runs per case (engine: n/4, at least 3)")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the monthly aggregate")
    args = parser.parse_args()

    root = Organization.objects.filter(depth=1, code__startswith="S-").order_by("path").first()
    if root is None:
        print("No seed_scale data: run `manage.py seed_scale --members 1000000` first.", file=sys.stderr)
        return 2
    if not MeetingKind.objects.filter(held_on__year=args.year).exists():
        print(f"No meetings in {args.year}: run `manage.py seed_meetings --year {args.year}` first.", file=sys.stderr)
        return 2
    county = root.get_children().order_by("path").first()
    admin, manager = users(county)
    branches = {
        o.code: Organization.objects.filter(path__startswith=o.path, kind=OrgKind.BRANCH).count()
        for o in (root, county)
    }
    kinds = MeetingKind.objects.filter(held_on__year=args.year).count()
    load = os.getloadavg()
    print(f"database: {connection.vendor} · meeting kinds in {args.year}: {kinds:,} · branches: root {branches[root.code]:,}, "
          f"county {county.code} {branches[county.code]:,} · "
          f"load average {load[0]:.2f}\n")

    failed = False
    print(f"{'engine: compliance_rows':<58} {'orgs':>7} {'verdicts':>10} {'queries':>7} {'p50 ms':>8} {'max ms':>8}  target")
    engine_n = max(3, args.n // 4)
    for label, org, target in (
        ("whole tree (superuser)", root, 2000),
        ("county (superuser)", county, 200),
    ):
        n_queries = count_queries(lambda o=org: queries.compliance_rows(admin, o, args.year, args.on))
        times, rows = timed(lambda o=org: queries.compliance_rows(admin, o, args.year, args.on), engine_n)
        totals = queries.status_totals(rows)
        p50, worst = statistics.median(times), max(times)
        ok = target is None or p50 < target
        failed |= not ok
        print(f"{label:<58} {len(rows):>7,} {sum(totals.values()):>10,} {n_queries:>7} {p50:>8.0f} "
              f"{worst:>8.0f}  {f'< {target} ms' if target else '—'}{'' if ok else '  ✗'}")
        if label.startswith("whole"):
            mix = ", ".join(f"{k} {v / max(1, sum(totals.values())):.1%}" for k, v in totals.items() if v)
            print(f"{'':<4}status mix: {mix}")
            start = time.perf_counter()
            n = sum(len(r.verdicts) for r in rows)
            print(f"{'':<4}materializing all {n:,} per-organization verdicts: {(time.perf_counter() - start) * 1000:.0f} ms more")
    if args.explain and connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as ctx:
            queries.monthly_counts(args.year, county)
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + ctx.captured_queries[-1]["sql"])
            print("\n".join(r[0] for r in cur.fetchall()))

    branch = Organization.objects.filter(path__startswith=county.path, kind=OrgKind.BRANCH).order_by("path").first()
    pages = [
        ("heat map root (superuser)", reverse("compliance", args=[root.code]) + f"?year={args.year}", admin, 300),
        ("heat map county (county manager)", reverse("compliance", args=[county.code]) + f"?year={args.year}", manager, 300),
        ("heat map county p20, theme days (county manager)",
         reverse("compliance", args=[county.code]) + f"?year={args.year}&kind=theme_day&page=20", manager, 300),
        ("heat map + drill-down, branch (county manager)", reverse("compliance", args=[branch.code]) + f"?year={args.year}", manager, 300),
        ("API county, 100 organizations (county manager)", f"/api/v1/compliance?org={county.code}&year={args.year}", manager, None),
        ("API branch with meeting ids (county manager)",
         f"/api/v1/compliance?org={branch.code}&year={args.year}&subtree=false", manager, None),
        ("xlsx county (county manager)", reverse("compliance_xlsx", args=[county.code]) + f"?year={args.year}", manager, None),
        ("book.pdf branch (county manager)", reverse("book_pdf", args=[branch.code]) + f"?year={args.year}", manager, None),
    ]
    from orglife.core.models import ApiToken

    tokens = {u.pk: ApiToken.issue(u) for u in (admin, manager)}
    clients = {}
    for user in (admin, manager):
        clients[user.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}")
        clients[user.pk].force_login(user)
    print(f"\n{'page':<58} {'status':>6} {'queries':>7} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
    for label, url, user, target in pages:
        client = clients[user.pk]
        n = args.n if not label.startswith(("xlsx", "book")) else max(3, args.n // 5)
        client.get(url, HTTP_HOST="localhost")
        n_queries = count_queries(lambda c=client, u=url: c.get(u, HTTP_HOST="localhost"))
        times, response = timed(lambda c=client, u=url: c.get(u, HTTP_HOST="localhost"), n, warmup=2)
        p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
        ok = response.status_code == 200 and (target is None or p95 < target)
        failed |= not ok
        print(f"{label:<58} {response.status_code:>6} {n_queries:>7} {len(response.content) / 1024:>6.0f} "
              f"{p50:>8.1f} {p95:>8.1f} {worst:>8.1f}  {f'p95 < {target} ms' if target else '—'}{'' if ok else '  ✗'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
