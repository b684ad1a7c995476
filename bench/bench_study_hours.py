"""Time the class-hour report and coverage for the scale tree on PostgreSQL.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_study_hours.py [--seed] [--items 6] [--year 2026] [-n 3] [--json out.json]

Needs `manage.py seed_scale` data (1,000,000 members). `--seed` first gives the scale root a
published study plan for the year with `--items` self-study items of 6 hours each, and confirms
them for about 70 % of the members (member id modulo 10 < 7, in one INSERT … SELECT per item), so
that about 70 % of the members reach 36 hours and the rest have 0 (ordinary members owe 32,
post holders 56). Seeding replaces an earlier bench plan (its items and confirmations go with it).

Timed:
- coverage for the root (one GROUP BY over 1,000,000 members: queries.coverage);
- coverage for one county-level 党委 (~60,000 members);
- the report for that county subtree, short only: count + first page of 20 (what the page runs);
- the report page for the county through Django's test Client (HTTP, superuser);
- the report for one branch.
"""

from __future__ import annotations

import argparse
import json
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

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from orglife.orgs.models import Organization  # noqa: E402
from orglife.study import plan_queries  # noqa: E402
from orglife.study.plan_models import StudyItem, StudyPlan  # noqa: E402

SCALE_ROOT = "S-0001"
HOURS = 6


def log(message: str) -> None:
    print(message, flush=True)


def seed(root: Organization, year: int, items: int) -> None:
    StudyPlan.objects.filter(org=root, year=year).delete()
    plan = StudyPlan.objects.create(org=root, year=year, title="bench", published_at=timezone.now())
    for i in range(items):
        item = StudyItem.objects.create(plan=plan, item_type="self_study", topic=f"bench {i}",
                                        due_on=dt.date(year, 1 + i % 12, 20), hours=HOURS)
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO study_studyconfirmation (item_id, member_id, note, confirmed_on, confirmed_at) "
                "SELECT %s, m.id, 'bench', %s, now() FROM orgs_member m JOIN orgs_organization o ON o.id = m.org_id "
                "WHERE o.path LIKE %s AND m.id %% 10 < 7",
                [item.pk, item.due_on, root.path + "%"],
            )
            n = cur.rowcount
        log(f"  item {i + 1}/{items}: {n} confirmations in {time.perf_counter() - started:.1f} s")


def timed(label: str, fn, n: int, results: dict):
    runs, value = [], None
    for _ in range(n):
        started = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - started)
    results[label] = {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}
    log(f"{label}: median {statistics.median(runs):.2f} s (min {min(runs):.2f}, max {max(runs):.2f})")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--items", type=int, default=6)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("-n", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    root = Organization.objects.filter(code=SCALE_ROOT).first()
    if root is None:
        log("no scale data: run manage.py seed_scale --members 1000000 first")
        return 2
    if args.seed:
        log(f"seeding a study plan for {root.code} ({args.items} items) …")
        with transaction.atomic():
            seed(root, args.year, args.items)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE study_studyconfirmation, study_studyitem, study_studyplan")
    county = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path").first()
    branch = Organization.objects.filter(path__startswith=county.path, kind="branch", member_count__gte=20).order_by("path").first()
    log(f"load average {os.getloadavg()[0]:.2f}; {connection.vendor}")
    results: dict = {}
    total, parts = timed("coverage, root", lambda: plan_queries.coverage(root, args.year), args.n, results)
    log(f"  root: {total.people} members, {total.met} meet the minimum ({total.percent}%), {len(parts)} parts")
    ctotal, _ = timed("coverage, county", lambda: plan_queries.coverage(county, args.year), args.n, results)
    log(f"  county {county.code}: {ctotal.people} members, {ctotal.percent}%")

    def short_page():
        report = plan_queries.HoursReport(county, args.year, subtree=True, short=True)
        return report.count(), report[0:20]

    count, _rows = timed("report, county subtree, short only: count + page", short_page, args.n, results)
    log(f"  {count} members short in the county")
    timed("report, branch", lambda: plan_queries.hours_rows(branch, args.year), args.n, results)
    admin, _ = get_user_model().objects.get_or_create(username="bench_admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)
    url = reverse("study_hours", args=[county.code])

    def page():
        r = client.get(url, {"year": args.year, "subtree": "1", "short": "1"}, HTTP_HOST="localhost")
        assert r.status_code == 200, r.status_code
        return r

    timed("report page (HTTP), county subtree, short only", page, args.n, results)
    curl = reverse("study_coverage", args=[root.code])
    timed("coverage page (HTTP), root", lambda: client.get(curl, {"year": args.year}, HTTP_HOST="localhost"), args.n, results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
