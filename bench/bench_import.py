"""Time the roster import: a fresh N-row file (all new), the same file again (all unchanged) and a
file where every member's phone changed (all updated).

    DJANGO_SETTINGS_MODULE=orglife.settings PYTHONPATH=src \
        .venv/bin/python bench/bench_import.py [--rows 10000] [--branches 20] [--keep]

The database must be migrated. The script keeps to its own subtree: a 党委 coded BENCH-DW with
branches BENCH-ZB01…, created through the services when missing. Members left in that subtree by
an earlier run are deleted first (unless --keep), so the first import creates every row.
Target: 10,000 rows in under 20 s, validation included, on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orglife.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.utils import OperationalError, ProgrammingError  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orglife.orgs import idcard, roster_io, services  # noqa: E402
from orglife.orgs.demo_names import ETHNICITIES, GIVEN, SURNAMES, UNITS  # noqa: E402
from orglife.orgs.models import Member, Organization, OrgKind  # noqa: E402
from orglife.orgs.validation import FIELDS  # noqa: E402

TARGET_S = 20.0
ROOT_CODE = "BENCH-DW"
REGION = "990101"  # not a real region code: cannot clash with demo or seed_scale members
DATE_STYLES = ("cell", "dotted", "chinese", "iso", "serial")


def bench_tree(branches: int) -> tuple[Organization, list[Organization]]:
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = services.org_create(
            actor=None,
            parent=None,
            code=ROOT_CODE,
            name="基准测试党委",
            kind=OrgKind.COMMITTEE,
            established_on=dt.date(2000, 1, 1),
        )
    found = []
    for n in range(1, branches + 1):
        code = f"BENCH-ZB{n:02d}"
        branch = Organization.objects.filter(code=code).first()
        if branch is None:
            root = Organization.objects.get(pk=root.pk)  # treebeard needs a fresh parent
            branch = services.org_create(
                actor=None,
                parent=root,
                code=code,
                name=f"基准测试第{n}党支部",
                kind=OrgKind.BRANCH,
                established_on=dt.date(2000, 1, 1),
            )
        found.append(branch)
    return Organization.objects.get(pk=root.pk), found


def date_text(value: dt.date, style: str):
    if style == "dotted":
        return f"{value.year}.{value.month}.{value.day}"
    if style == "chinese":
        return f"{value.year}年{value.month}月{value.day}日"
    if style == "iso":
        return value.isoformat()
    if style == "serial":
        return (value - dt.date(1899, 12, 30)).days
    return value


def people(rows: int, branches: list[Organization], today: dt.date, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=i // 1000 * 37)
        number = idcard.make_id(REGION, born, i % 1000)
        probationary = rng.random() < 0.065
        admitted = (
            today - dt.timedelta(days=rng.randint(30, 300))
            if probationary
            else born + dt.timedelta(days=9500 + i % 3000)
        )
        style = DATE_STYLES[i % len(DATE_STYLES)]
        out.append(
            {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "gender": "男" if idcard.gender(number) == "male" else "女",
                "birth_date": date_text(born, style),
                "ethnicity": rng.choice(ETHNICITIES),
                "id_number": number.lower() if i % 11 == 0 else number,
                "phone": f"139{i:08d}",
                "education": "大学本科",
                "work_unit": rng.choice(UNITS),
                "category": "预备党员" if probationary else "正式党员",
                "admitted_on": date_text(admitted, style),
                "full_member_on": None
                if probationary
                else date_text(admitted + dt.timedelta(days=366), style),
                "status": "正常",
                "leading_cadre": "否",
                "org": branches[i % len(branches)].code,
                "party_group": "",
            }
        )
    return out


def workbook(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(roster_io.SHEET_TITLE)
    ws.append([roster_io.header_label(f) for f in FIELDS])
    for row in rows:
        ws.append([row[f] for f in FIELDS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed_import(
    label: str, data: bytes, root: Organization, expect: tuple[int, int, int]
) -> float:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        record = roster_io.import_roster(
            actor=None, org=root, fileobj=io.BytesIO(data), filename=f"bench-{label}.xlsx"
        )
        seconds = time.perf_counter() - start
    got = (record.created, record.updated, record.unchanged)
    status = (
        "ok"
        if record.accepted and got == expect
        else f"UNEXPECTED {got}, errors: {record.errors[:5]}"
    )
    print(
        f"{label:<10} {seconds:7.2f} s  {len(queries):4d} queries  新增/更新/未变 {got}  {status}"
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument(
        "--keep", action="store_true", help="do not delete members left by an earlier run"
    )
    args = parser.parse_args()

    try:
        root, branches = bench_tree(args.branches)
    except (OperationalError, ProgrammingError) as exc:
        print(f"数据库未就绪（请先运行 manage.py migrate）：{exc}", file=sys.stderr)
        return 2
    if not args.keep:
        Member.objects.filter(org__path__startswith=root.path).delete()
    today = dt.date.today()
    rows = people(args.rows, branches, today)

    start = time.perf_counter()
    fresh = workbook(rows)
    changed = workbook([row | {"phone": f"137{i:08d}"} for i, row in enumerate(rows)])
    print(
        f"{connection.vendor}: {args.rows} rows over {len(branches)} branches; "
        f"files built in {time.perf_counter() - start:.1f} s ({len(fresh) / 1024:.0f} KiB)"
    )
    start = time.perf_counter()
    roster_io.read_sheet(fresh)
    print(
        f"{'parse':<10} {time.perf_counter() - start:7.2f} s  (openpyxl read only, included below)"
    )

    n = args.rows
    first = timed_import("create", fresh, root, (n, 0, 0))
    timed_import("unchanged", fresh, root, (0, 0, n))
    timed_import("update", changed, root, (0, n, 0))
    verdict = "within" if first < TARGET_S else "OVER"
    print(f"create: {first:.2f} s for {n} rows — {verdict} the {TARGET_S:.0f} s target")
    return 0 if first < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
