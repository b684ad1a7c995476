"""Time the monthly dues computation and the arrears report for the whole scale tree on PostgreSQL.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_dues.py [--seed] [--months 6] [--today 2026-11-30] [-n 3] [--explain] [--json out.json]

Needs `manage.py seed_scale` data (1,000,000 members). `--seed` first gives every member of the
scale tree a dues profile and `--months` months of payments, in bulk SQL (INSERT … SELECT, with
progress): categories and bases cycle through a fixed list whose monthly amounts come from
`orglife.dues.rules.quote` (the rule code itself, not a copy of the brackets); about 3 % of members
stop paying 2–8 months before `--today`, so that the arrears report has work to do. Seeding
replaces earlier bench dues (it deletes the scale tree's dues rows first).

Timed, each as one set-based SQL statement (no Python loop over members):
- monthly computation: the amount due, paid, on time and unpaid per organization for the month
  (queries.summary_by_org over the root: 1,000,000 members);
- arrears report: members in arrears ≥ 3 and ≥ 6 months per organization (queries.arrears_by_org),
  and the first page of the arrears list (queries.arrears, 20 rows, longest first);
- the subtree summary page for the root (both of the above plus the organizations), through
  Django's test Client as a superuser.
Exits 1 if the monthly computation plus the arrears report take 60 s or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from orglife.dues import queries, rules  # noqa: E402
from orglife.orgs.models import Organization  # noqa: E402

TARGET_S = 60.0
SCALE_ROOT = "S-0001"
# (category, base): the cycle of profiles given to members (member id modulo its length).
PROFILES = [
    ("salaried", "2800.00"), ("salaried", "3000.00"), ("salaried", "3000.01"), ("salaried", "4500.00"),
    ("salaried", "5000.00"), ("salaried", "6800.00"), ("salaried", "9500.00"), ("salaried", "12800.00"),
    ("annual_salary", "15000.00"), ("self_employed", "3500.00"), ("retired", "4200.00"), ("retired", "6400.00"),
    ("farmer", "0.50"), ("student", None), ("unemployed", None), ("dibao", None), ("relief", None),
]


def log(message: str) -> None:
    print(message, flush=True)


def seed(root: Organization, months: int, today: dt.date) -> None:
    """Profiles for every member of root's subtree and `months` months of payments, in SQL."""
    current = rules.month_start(today)
    first = rules.add_months(current, -months)
    values = []
    for i, (category, base) in enumerate(PROFILES):
        q = rules.quote(category, base)
        values.append(f"({i}, '{category}', {base if category in rules.BRACKET_CATEGORIES else 'NULL'}, "
                      f"{q.monthly}, '{q.rule}')")
    cycle = f"(VALUES {', '.join(values)}) AS p(k, category, base, due, rule)"
    members = "SELECT m.id, m.org_id FROM orgs_member m JOIN orgs_organization o ON o.id = m.org_id WHERE o.path LIKE %s"
    prefix = root.path + "%"
    with connection.cursor() as cur:
        started = time.perf_counter()
        for table in ("dues_duespayment", "dues_duesprofile", "dues_arrearscase", "dues_duesrelief"):
            cur.execute(f"DELETE FROM {table} WHERE member_id IN (SELECT id FROM ({members}) s)", [prefix])
            log(f"  cleared {table}: {cur.rowcount} rows ({time.perf_counter() - started:.1f} s)")
        cur.execute(
            f"""INSERT INTO dues_duesprofile (member_id, category, base, monthly_due, rule_id, effective_month, note, created_at)
                SELECT s.id, p.category, p.base, p.due, p.rule, %s, '', now()
                FROM ({members}) s JOIN {cycle} ON p.k = s.id %% {len(PROFILES)}""",
            [first, prefix],
        )
        log(f"  profiles: {cur.rowcount} ({time.perf_counter() - started:.1f} s)")
        # About 3 % of members stop paying: member id modulo 33 = 0 stops (id / 33) % 7 + 2 months ago.
        for n in range(months + 1):
            month = rules.add_months(first, n)
            gap = rules.month_index(current) - rules.month_index(month)
            cur.execute(
                f"""INSERT INTO dues_duespayment (member_id, org_id, month, due, amount, paid_on, method, prepaid, created_at)
                    SELECT s.id, s.org_id, %s, p.due, p.due, %s, 'cash', false, now()
                    FROM ({members}) s JOIN {cycle} ON p.k = s.id %% {len(PROFILES)}
                    WHERE NOT (s.id %% 33 = 0 AND (s.id / 33) %% 7 + 2 >= %s)
                      AND (%s > 0 OR s.id %% 2 = 0)""",
                [month, month.replace(day=10), prefix, gap, gap],
            )
            log(f"  payments {month:%Y-%m}: {cur.rowcount} ({time.perf_counter() - started:.1f} s)")
        log(f"seeded in {time.perf_counter() - started:.1f} s")


def timed(label: str, fn, n: int, results: dict) -> object:
    times, value = [], None
    for _ in range(n):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    results[label] = {"min_s": round(min(times), 2), "median_s": round(statistics.median(times), 2),
                      "max_s": round(max(times), 2), "runs": n}
    log(f"{label:<40} median {statistics.median(times):7.2f} s   min {min(times):7.2f} s   max {max(times):7.2f} s")
    return value


def explain(sql_source, label: str) -> None:
    sql, params = sql_source.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        log(f"--- {label}\n" + "\n".join(r[0] for r in cur.fetchall()[:40]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="seed dues profiles and payments first")
    parser.add_argument("--months", type=int, default=6, help="months of payments to seed (default 6)")
    parser.add_argument("--today", default="2026-11-30", help="the day the report is made (YYYY-MM-DD)")
    parser.add_argument("-n", type=int, default=3, help="timed runs of each step")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the two statements")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today)
    month = rules.month_start(today)
    root = Organization.objects.filter(code=SCALE_ROOT).first()
    if root is None:
        log("no scale data: run manage.py seed_scale --members 1000000 first")
        return 2
    if args.seed:
        log(f"seeding dues for {root.name} ({args.months} months before {today}) …")
        with transaction.atomic():
            seed(root, args.months, today)
        started = time.perf_counter()
        with connection.cursor() as cur:  # outside the transaction: VACUUM sets the visibility map
            cur.execute("VACUUM ANALYZE dues_duesprofile, dues_duespayment")
        log(f"  vacuum analyze: {time.perf_counter() - started:.1f} s")
    members = queries.owing_members(Q(org__path__startswith=root.path)).count()
    log(f"{members} owing members under {root.code}; load average {os.getloadavg()[0]:.2f}; "
        f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}")
    results: dict = {"members": members, "month": f"{month:%Y-%m}", "today": today.isoformat()}
    by_org = timed("monthly computation (summary_by_org)", lambda: queries.summary_by_org(root, month), args.n, results)
    late = timed("arrears report (arrears_by_org)", lambda: queries.arrears_by_org(root, today), args.n, results)
    first_page = timed("arrears list, first page (20)",
                       lambda: list(queries.arrears(Q(org__path__startswith=root.path), today)[:20]), args.n, results)
    totals = queries.Totals()
    for t in by_org.values():
        queries._add(totals, t)
    log(f"  month {month:%Y-%m}: owing {totals.owing}, due {totals.due}, paid {totals.paid_count} ({totals.paid}), "
        f"on time {totals.on_time}, unpaid {totals.unpaid}")
    log(f"  arrears ≥{rules.reminder_months()}: {sum(a for a, _ in late.values())}, "
        f"≥{rules.lapse_months()}: {sum(b for _, b in late.values())}; longest: "
        f"{first_page[0].unpaid_months if first_page else 0} months")
    admin, _ = get_user_model().objects.get_or_create(username="bench_admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)

    def page():
        response = client.get(f"/dues/org/{root.code}/summary/?month={month:%Y-%m}", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        return response

    timed("summary page for the root (HTTP)", page, max(1, args.n - 1), results)
    if args.explain:
        explain(queries.with_unpaid_run(queries.owing_members(Q(org__path__startswith=root.path)), today, 3)
                .filter(unpaid_months__gte=rules.reminder_months()).values_list("org_id", "unpaid_months").order_by(),
                "members in arrears")
    total = results["monthly computation (summary_by_org)"]["median_s"] + results["arrears report (arrears_by_org)"]["median_s"]
    results["computation_plus_arrears_s"] = round(total, 2)
    log(f"monthly computation + arrears report: {total:.1f} s (target < {TARGET_S:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
