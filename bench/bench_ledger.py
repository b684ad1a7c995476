"""Time the rectification ledger (整改台账), its exports and the sign-off queue on a scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_ledger.py [-n 30] [--warmup 3] [--only queue] [--json out.json] [--explain]

Needs `manage.py seed_scale` data and `manage.py seed_problems` (50,000 problems in 1,000
branches of the first county). Requests go through Django's test Client (full middleware,
templates, sessions) with DEBUG off and persistent connections, as a manager of that county
(`bench_county`, recursive grant) and as a superuser (`bench_admin`); both are created on
first run. Exports are timed with fewer runs (--export-n) and filters that keep them under the
row limits. Prints p50/p95/max, the number of queries and the response size; exits 1 if a page
does not return 200 or the ledger page misses p95 < 300 ms.
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
os.environ["DEBUG"] = "0"  # production-like: cached templates, no query log
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("CONN_MAX_AGE", "600")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from orglife.core.models import Role, RoleGrant  # noqa: E402
from orglife.inspection.models import Measure, Problem  # noqa: E402
from orglife.orgs.models import Organization  # noqa: E402

TARGET_MS = 300  # p95 of the ledger page, 1,000 branches and 50,000 problems
ADMIN, MANAGER = "bench_admin", "bench_county"


def users(county: Organization):
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username=ADMIN, defaults={"is_superuser": True, "is_staff": True})
    manager, _ = User.objects.get_or_create(username=MANAGER)
    RoleGrant.objects.get_or_create(user=manager, org=county, role=Role.MANAGER, defaults={"recursive": True})
    return admin, manager


def scenarios(county: Organization, admin, manager) -> list[tuple[str, str, object, str, bool]]:
    """(label, url, user, target, is_export) for each timed request."""
    ledger = reverse("ledger", args=[county.code])
    target = f"p95 < {TARGET_MS} ms"
    # A 基层党委 with problems: the exports of its subtree stay under the row limits.
    busiest = (Problem.objects.filter(org__path__startswith=county.path).order_by("org__path")
               .values_list("org__path", flat=True)[:1])
    unit = Organization.objects.filter(path=busiest[0][: 3 * Organization.steplen]).first() if busiest else county
    branch = Organization.objects.filter(path=busiest[0]).first() if busiest else county
    size = settings.ORGLIFE_PAGE_SIZE
    pages = -(-Problem.objects.filter(org__path__startswith=county.path).exclude(status="withdrawn").count() // size)
    queue_pages = max(1, -(-Problem.objects.filter(org__path__startswith=county.path, status="submitted").count() // size))
    out = [
        ("ledger county (county manager)", ledger, manager, target, False),
        ("ledger county status=overdue", ledger + "?status=overdue", manager, target, False),
        ("ledger county source=petition", ledger + "?source=petition", manager, target, False),
        ("ledger county status=submitted", ledger + "?status=submitted", manager, target, False),
        (f"ledger county last page ({pages})", ledger + f"?page={pages}", manager, target, False),
        (f"ledger county org={unit.code}", ledger + f"?org={unit.code}", manager, target, False),
        ("ledger county (superuser)", ledger, admin, target, False),
        ("sign-off queue (county manager)", reverse("signoff_queue"), manager, "—", False),
        (f"sign-off queue last page ({queue_pages})", reverse("signoff_queue") + f"?page={queue_pages}",
         manager, "—", False),
        ("my page with to-dos (county manager)", reverse("me"), manager, "—", False),
        (f"xlsx export org={unit.code}", reverse("ledger_xlsx", args=[county.code]) + f"?org={unit.code}",
         manager, "—", True),
        ("xlsx export status=submitted", reverse("ledger_xlsx", args=[county.code]) + "?status=submitted",
         manager, "—", True),
        (f"pdf export org={branch.code} (one branch)", reverse("ledger_pdf", args=[county.code]) + f"?org={branch.code}",
         manager, "—", True),
        (f"pdf export org={unit.code} status=submitted",
         reverse("ledger_pdf", args=[county.code]) + f"?org={unit.code}&status=submitted", manager, "—", True),
    ]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def explain(client: Client, url: str) -> None:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, HTTP_HOST="localhost")
    timed = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    print(f"\n### {url}: {len(timed)} queries")
    for q in timed[:4]:
        print(f"-- {float(q['time']) * 1000:.1f} ms\n{q['sql']}")
        if connection.vendor == "postgresql" and q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(r[0] for r in cur.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="timed requests per page")
    parser.add_argument("--export-n", type=int, default=5, help="timed requests per export (0: skip the exports)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="run only requests whose label contains this text")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument("--explain", action="store_true", help="print the slowest queries of each page, explained")
    args = parser.parse_args()

    top = Organization.objects.filter(depth=1, code__startswith="S-").order_by("path").first()
    county = top.get_children().order_by("path").first() if top else None
    problems = Problem.objects.filter(org__path__startswith=county.path).count() if county else 0
    if not problems:
        print("No data: run `manage.py seed_scale --members 1000000` and `manage.py seed_problems` first.",
              file=sys.stderr)
        return 2
    admin, manager = users(county)
    clients = {}
    for user in (admin, manager):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    measures = Measure.objects.filter(problem__org__path__startswith=county.path).count()
    branches = Problem.objects.filter(org__path__startswith=county.path).values("org_id").distinct().count()
    subtree = Organization.objects.filter(path__startswith=county.path).count()
    print(f"database: {connection.vendor} · county {county.code}: {subtree:,} organizations, {problems:,} problems "
          f"in {branches:,} branches, {measures:,} measures · DEBUG={settings.DEBUG} · "
          f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}")
    load = os.getloadavg()
    print(f"{args.warmup} warm-up + {args.n} timed requests per page ({args.export_n} per export) · "
          f"load average {load[0]:.2f} (other work on this machine skews the numbers)\n")
    header = f"{'request':<44} {'status':>6} {'queries':>7} {'KB':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target"
    print(header)
    print("-" * len(header))
    results, failed = [], False
    for label, url, user, target, is_export in scenarios(county, admin, manager):
        if (args.only and args.only not in label) or (is_export and args.export_n < 1):
            continue
        client = clients[user.pk]
        for _ in range(1 if is_export else args.warmup):
            client.get(url, HTTP_HOST="localhost")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_HOST="localhost")
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(args.export_n if is_export else args.n):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - start) * 1000)
        p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
        ok = response.status_code == 200 and (not target.startswith("p95") or p95 < TARGET_MS)
        failed |= not ok
        print(f"{label:<44} {response.status_code:>6} {queries:>7} {len(response.content) / 1024:>7.0f} "
              f"{p50:>8.1f} {p95:>8.1f} {worst:>8.1f}  {target}{'' if ok else '  ✗'}")
        results.append({"request": label, "url": url, "status": response.status_code, "queries": queries,
                        "kb": round(len(response.content) / 1024), "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1), "max_ms": round(worst, 1), "target": target, "ok": ok})
        if args.explain and not is_export:
            explain(client, url)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "problems": problems, "measures": measures, "branches": branches, "organizations": subtree,
            "load_before": load, "load_after": os.getloadavg(), "results": results,
        }, ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
