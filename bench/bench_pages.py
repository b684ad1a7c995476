"""Time the tree, roster, organization and member pages against a scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_pages.py [-n 30] [--warmup 3] [--only roster] [--json out.json] [--explain]

The database must hold data from `manage.py seed_scale` (its root has a code starting "S-").
Requests go through Django's test Client (full middleware, templates, sessions) with DEBUG off and
persistent connections, as two users: a superuser, and a manager of one county-sized subtree.
Pages are addressed by URL name only (org_tree, org_children, roster, org_detail, member_detail).
--explain prints each page's queries with EXPLAIN ANALYZE (PostgreSQL), slowest first.
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
from orglife.orgs.models import Category, Member, Organization, OrgKind, PostHolding, Status  # noqa: E402

TARGET_MS = 150  # p95 target for the tree and roster pages at 1,000,000 members
PAGE = 500
ADMIN, MANAGER = "bench_admin", "bench_county"


def users(county: Organization):
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "is_staff": True}
    )
    manager, _ = User.objects.get_or_create(username=MANAGER)
    RoleGrant.objects.filter(user=manager).exclude(org=county).delete()
    RoleGrant.objects.get_or_create(
        user=manager, org=county, role=Role.MANAGER, defaults={"recursive": True}
    )
    return admin, manager


def initials_for(org: Organization, min_rows: int) -> str:
    """A pinyin-initials query with at least min_rows active full members in org's subtree
    (so that page 500 exists): the longest common prefix that is still frequent enough."""
    base = Member.objects.filter(
        org__path__startswith=org.path, status=Status.ACTIVE, category=Category.FULL
    )
    for candidate in ("zw", "wj", "lj", "zl", "wl", "z", "w", "l"):
        if base.filter(name_initials__startswith=candidate).count() >= min_rows:
            return candidate
    return "z"


def scenarios(
    root: Organization, county: Organization, admin, manager
) -> list[tuple[str, str, object, str]]:
    """(label, url, user, target) for each timed page."""
    size = settings.ORGLIFE_PAGE_SIZE
    branch = (
        Organization.objects.filter(
            path__startswith=county.path, kind=OrgKind.BRANCH, member_count__gte=30
        )
        .order_by("path")
        .first()
    )
    holder = (
        PostHolding.objects.filter(term__org=branch)
        .order_by("id")
        .values_list("member_id", flat=True)
        .first()
    )
    member_id = holder or Member.objects.filter(org=branch).values_list("id", flat=True).first()
    three = (
        Member.objects.filter(org__path__startswith=county.path)
        .filter(name__regex=r"^...$")
        .order_by("id")
        .values_list("name", flat=True)[1000:1001]
        .first()
        or "张伟强"
    )
    q_root = initials_for(root, PAGE * size)
    q_county = initials_for(county, PAGE * size)
    target = f"p95 < {TARGET_MS} ms"

    def roster(org, q):
        query = f"?q={q}&category=full&status=active&page={PAGE}" if q else f"?page={PAGE}"
        return reverse("roster", args=[org.code]) + query

    return [
        ("tree /orgs/ (superuser)", reverse("org_tree"), admin, target),
        ("tree /orgs/ (county manager)", reverse("org_tree"), manager, target),
        ("children of root (superuser)", reverse("org_children", args=[root.code]), admin, target),
        (
            "children of county (county manager)",
            reverse("org_children", args=[county.code]),
            manager,
            target,
        ),
        (
            f"roster root q={q_root} full active p{PAGE} (superuser)",
            roster(root, q_root),
            admin,
            target,
        ),
        (f"roster root p{PAGE} (superuser)", roster(root, ""), admin, target),
        (
            f"roster root full active p{PAGE} (superuser)",
            reverse("roster", args=[root.code]) + f"?category=full&status=active&page={PAGE}",
            admin,
            target,
        ),
        (
            f"roster county q={q_county} full active p{PAGE} (county manager)",
            roster(county, q_county),
            manager,
            target,
        ),
        (f"roster county p{PAGE} (county manager)", roster(county, ""), manager, target),
        (
            "roster root name contains, 2 chars (superuser)",
            reverse("roster", args=[root.code]) + "?q=张伟",
            admin,
            target,
        ),
        (
            "roster root name contains, 3 chars (superuser)",
            reverse("roster", args=[root.code]) + f"?q={three}",
            admin,
            target,
        ),
        (
            "roster root ID tail (superuser)",
            reverse("roster", args=[root.code]) + "?q=1234",
            admin,
            target,
        ),
        ("org page root (superuser)", reverse("org_detail", args=[root.code]), admin, "—"),
        (
            "org page county (county manager)",
            reverse("org_detail", args=[county.code]),
            manager,
            "—",
        ),
        (
            "org page branch (county manager)",
            reverse("org_detail", args=[branch.code]),
            manager,
            "—",
        ),
        ("member page (county manager)", reverse("member_detail", args=[member_id]), manager, "—"),
    ]


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
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="run only pages whose label contains this text")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument(
        "--explain", action="store_true", help="print the slowest queries of each page, explained"
    )
    args = parser.parse_args()

    root = Organization.objects.filter(depth=1, code__startswith="S-").order_by("path").first()
    if root is None:
        print(
            "No seed_scale data: run `manage.py seed_scale --members 1000000` first.",
            file=sys.stderr,
        )
        return 2
    county = root.get_children().order_by("path").first()
    admin, manager = users(county)
    clients = {}
    for user in (admin, manager):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)

    members = Member.objects.filter(org__path__startswith=root.path).count()
    county_members = Member.objects.filter(org__path__startswith=county.path).count()
    print(
        f"database: {connection.vendor} · {members:,} members under {root.code}; county {county.code} has "
        f"{county_members:,} · DEBUG={settings.DEBUG} · CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    load = os.getloadavg()
    print(
        f"{args.warmup} warm-up + {args.n} timed requests per page · load average {load[0]:.2f} "
        f"(other work on this machine skews the numbers)\n"
    )
    header = f"{'page':<58} {'status':>6} {'queries':>7} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target"
    print(header)
    print("-" * len(header))
    results = []
    failed = False
    for label, url, user, target in scenarios(root, county, admin, manager):
        if args.only and args.only not in label:
            continue
        client = clients[user.pk]
        for _ in range(args.warmup):
            client.get(url, HTTP_HOST="localhost")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_HOST="localhost")
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - start) * 1000)
        p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
        ok = response.status_code == 200 and (not target.startswith("p95") or p95 < TARGET_MS)
        failed |= not ok
        print(
            f"{label:<58} {response.status_code:>6} {queries:>7} {len(response.content) / 1024:>6.0f} "
            f"{p50:>8.1f} {p95:>8.1f} {worst:>8.1f}  {target}{'' if ok else '  ✗'}"
        )
        results.append(
            {
                "page": label,
                "url": url,
                "status": response.status_code,
                "queries": queries,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(worst, 1),
                "target": target,
                "ok": ok,
            }
        )
        if args.explain:
            explain(client, url)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "members": members,
                    "load_before": load,
                    "load_after": os.getloadavg(),
                    "results": results,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
