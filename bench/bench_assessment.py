"""Time an assessment run (all automatic indicators) against the scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_assessment.py [--tree S-0001] [--county S-00010001] [--year 2026] [--on 2026-11-30]

Needs seed_scale data (1M members) with a year of meetings, and `migrate` (ORGLIFE_DEV=1). For
the whole tree and for one county (seed_scale's counties hold ~2,300 branches: it stands in for
the issue's "1,000-branch subtree"), prints the time of every indicator and deduction (each is one
set-based read over the subtree), the scoring and the saving, then the run as
assessment_services.run_create does it, and the queries it took. Targets (issue #6): whole tree
< 60 s, the 1,000-branch subtree < 5 s. Each timed run is created and deleted again. Exits 1 when
a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orglife.evaluation import assessment_services, indicators  # noqa: E402
from orglife.evaluation import scorecard_rules as sr  # noqa: E402
from orglife.orgs.models import Member, Organization  # noqa: E402

KEY = "star-rating@2026.1"


def steps(org: Organization, year: int, on: dt.date) -> None:
    card = sr.available()[KEY]
    t0 = time.perf_counter()
    orgs = indicators.assessed_orgs(org, card.applies_to)
    tree = indicators.Subtree(org, year, on, orgs)
    print(f"  assessed organizations: {len(orgs):>7,}  {time.perf_counter() - t0:6.2f} s")
    for ind in card.leaves():
        if ind.auto:
            t = time.perf_counter()
            found = indicators.INDICATORS[ind.auto](tree)
            print(f"  {ind.auto:<24} {len(found):>7,}  {time.perf_counter() - t:6.2f} s")
    for d in card.deductions:
        if d.auto:
            t = time.perf_counter()
            params = {k: v for k, v in d.params.items() if k in ("months", "kind")}
            found = indicators.DEDUCTIONS[d.auto](tree, **params)
            print(f"  {d.auto:<24} {len(found):>7,}  {time.perf_counter() - t:6.2f} s")


def run(org: Organization, year: int, on: dt.date) -> tuple[float, int, int]:
    marks: list[tuple[str, float]] = []
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        result = assessment_services.run_create(actor=None, org=org, year=year, scorecard_key=KEY, on=on,
                                                progress=lambda label: marks.append((label, time.perf_counter() - t)))
        took = time.perf_counter() - t
    # When each step finished (indicators may run in parallel), then scoring and saving.
    print("  " + ", ".join(f"{label} {at:.1f}" for label, at in marks) + f", 完成 {took:.1f} s")
    n = result.org_count
    result.results.all().delete()
    result.delete()
    return took, n, len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", default="S-0001")
    parser.add_argument("--county", default="S-00010001")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--on", default="2026-11-30")
    parser.add_argument("--skip-steps", action="store_true")
    args = parser.parse_args()
    on = dt.date.fromisoformat(args.on)
    ok = True
    for code, target in ((args.county, 5.0), (args.tree, 60.0)):
        org = Organization.objects.get(code=code)
        members = Member.objects.filter(org__path__startswith=org.path).count()
        print(f"{code} {org.name}: {members:,} members")
        if not args.skip_steps:
            steps(org, args.year, on)
        took, n, queries = run(org, args.year, on)
        met = took < target
        ok &= met
        print(f"  run_create: {n:,} organizations in {took:.2f} s, {queries} queries "
              f"(target < {target:g} s: {'met' if met else 'MISSED'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
