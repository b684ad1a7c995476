"""Time the 发展党员 pipeline page for a large subtree on a scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_recruitment.py [-n 30] [--org CODE] [--explain]

Needs seed_scale data and applicants (`manage.py seed_applicants`, which by default fills the
smallest subtree with at least 1,000 branches, 20 applicants per branch). Requests the pipeline
page (first page, a later page, the late filter, a stage filter) and the API through Django's test
Client (DEBUG off, persistent connections) as a superuser (bench_admin) and as a manager of that
subtree (bench_recruit). Target (issue 7): p95 < 300 ms. Exits 1 when a page misses it or does not
return 200.
"""

from __future__ import annotations

import argparse
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

from orglife.core.models import ApiToken, Role, RoleGrant  # noqa: E402
from orglife.orgs.models import Organization  # noqa: E402
from orglife.recruitment.models import Applicant  # noqa: E402

TARGET_MS = 300
ADMIN, MANAGER = "bench_admin", "bench_recruit"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def subtree_with_applicants() -> Organization:
    first = Applicant.objects.filter(name__startswith="SA").select_related("org").order_by("id").first()
    if first is None:
        sys.exit("没有入党申请人：请先运行 manage.py seed_applicants")
    from orglife.recruitment.management.commands.seed_applicants import subtree_near

    return subtree_near()


def users(org: Organization):
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username=ADMIN, defaults={"is_superuser": True, "is_staff": True})
    manager, _ = User.objects.get_or_create(username=MANAGER)
    RoleGrant.objects.get_or_create(user=manager, org=org, role=Role.MANAGER, defaults={"recursive": True})
    return admin, manager


def measure(client: Client, url: str, n: int, headers: dict | None = None) -> tuple[list[float], int, int, int]:
    headers = {"HTTP_HOST": "localhost", **(headers or {})}
    for _ in range(3):
        client.get(url, **headers)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return times, response.status_code, len(ctx.captured_queries), len(response.content)


def explain(client: Client, url: str) -> None:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, HTTP_HOST="localhost")
    slow = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    with connection.cursor() as cursor:
        for q in slow:
            print(f"\n-- {q['time']} s: {q['sql'][:300]}")
            cursor.execute("EXPLAIN ANALYZE " + q["sql"])
            for (line,) in cursor.fetchall():
                print("   ", line)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--org", help="组织编码（缺省为 seed_applicants 的默认组织）")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    org = Organization.objects.get(code=args.org) if args.org else subtree_with_applicants()
    branches = Organization.objects.filter(path__startswith=org.path, kind__in=["branch", "joint_branch"]).count()
    applicants = Applicant.objects.filter(org__path__startswith=org.path).count()
    print(f"{org.code} {org.name}: {branches} branches, {applicants} applicants, "
          f"{Applicant.objects.count()} in the database; load {os.getloadavg()[0]:.2f}")
    admin, manager = users(org)
    url = reverse("recruitment_pipeline", args=[org.code])
    pages = [
        ("pipeline", url),
        ("pipeline page 50", url + "?status=open&page=50"),
        ("pipeline late", url + "?status=open&late=1"),
        ("pipeline stage 3", url + "?status=open&stage=3"),
    ]
    failed = False
    print(f"{'page':<28}{'user':<15}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}{'KB':>7}")
    for user in (admin, manager):
        client = Client()
        client.force_login(user)
        rows = list(pages)
        token = ApiToken.issue(user)
        rows.append(("api pipeline", f"/api/v1/recruitment/orgs/{org.code}/applicants"))
        for label, page_url in rows:
            headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if page_url.startswith("/api/") else None
            times, status, queries, size = measure(client, page_url, args.n, headers)
            p95 = percentile(times, 0.95)
            miss = status != 200 or p95 >= TARGET_MS
            failed |= miss
            print(f"{label:<28}{user.username:<15}{statistics.median(times):>8.1f}{p95:>8.1f}{max(times):>8.1f}"
                  f"{queries:>9}{size / 1024:>7.1f}{'  MISS' if miss else ''}{'' if status == 200 else f' HTTP {status}'}")
        if args.explain and user is manager:
            explain(client, url)
    print(f"target: p95 < {TARGET_MS} ms — {'missed' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
