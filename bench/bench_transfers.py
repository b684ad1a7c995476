"""Time the transfer pages and transitions against a scale database.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_transfers.py [--transfers 20000] [-n 30] [--clean]

The database must hold data from `manage.py seed_scale` (root code starting "S-"). The script adds
--transfers transfers between random branches of the scale tree (reason "bench: …", members not
moved; a mix of pending, returned, awaiting-receipt, completed, refused and cancelled, with their
route steps), then times, as a superuser at the root and a manager of one county:
* the list page (待我办理 / 转出 / 转入, first and a later page) and one transfer's page;
* start → every approval → accept of a transfer across two counties, through the services.
--clean deletes the bench transfers and stops.
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

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from orglife.core.models import Role, RoleGrant  # noqa: E402
from orglife.orgs import transfer_route, transfer_services  # noqa: E402
from orglife.orgs.models import ON_ROSTER, Member, Organization, OrgKind  # noqa: E402
from orglife.orgs.transfer_models import (  # noqa: E402
    OPEN,
    StepStatus,
    Transfer,
    TransferKind,
    TransferStatus,
    TransferStep,
)

TARGET_MS = 300
BRANCHES = ("branch", "joint_branch")
MIX = [(TransferStatus.PENDING, 30), (TransferStatus.RETURNED, 5), (TransferStatus.AWAITING_RECEIPT, 10),
       (TransferStatus.COMPLETED, 45), (TransferStatus.REFUSED, 5), (TransferStatus.CANCELLED, 5)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def seed(root: Organization, n: int, rng: random.Random) -> None:
    steplen = Organization.steplen
    orgs = list(Organization.objects.filter(path__startswith=root.path).values_list("pk", "path", "kind"))
    by_path = {p: (pk, kind) for pk, p, kind in orgs}
    branches = [(pk, p) for pk, p, kind in orgs if kind in BRANCHES]
    committees = {p for _, p, kind in orgs if kind == OrgKind.COMMITTEE}
    busy = set(Transfer.objects.filter(status__in=OPEN).values_list("member_id", flat=True))
    members = list(Member.objects.filter(org__path__startswith=root.path, status__in=ON_ROSTER)
                   .exclude(pk__in=busy).order_by("?").values_list("pk", "org_id", "org__path")[:n])
    statuses = [s for s, w in MIX for _ in range(w)]
    seqs: dict[int, int] = {}
    today = dt.date.today()
    t0 = time.perf_counter()
    for chunk in range(0, len(members), 2000):
        transfers, routes = [], []
        for member_id, org_id, path in members[chunk:chunk + 2000]:
            status = rng.choice(statuses)
            outside = status == TransferStatus.AWAITING_RECEIPT or rng.random() < 0.2
            if outside:
                issuer = transfer_route.issuer_path(path, committees, steplen)
                route = transfer_route.outside_route(path, issuer, steplen)
                if status == TransferStatus.AWAITING_RECEIPT:
                    pass
                elif status == TransferStatus.COMPLETED:
                    status = rng.choice([TransferStatus.PENDING, TransferStatus.COMPLETED])
                to_id = None
            else:
                to_id, to_path = rng.choice(branches)
                while to_id == org_id:
                    to_id, to_path = rng.choice(branches)
                route = transfer_route.internal_route(path, to_path, steplen)
            t = Transfer(member_id=member_id, kind=TransferKind.OUT if outside else TransferKind.INTERNAL, status=status,
                         from_org_id=org_id, to_org_id=to_id, outside_name="外单位党委" if outside else "",
                         reason=f"bench: {rng.choice(['工作调动', '升学', '退休'])}", transfer_on=today)
            at = rng.randrange(len(route)) if status == TransferStatus.PENDING else len(route) - 1
            if status == TransferStatus.PENDING:
                t.current_org_id = by_path[route[at][0]][0]
            elif status in (TransferStatus.RETURNED, TransferStatus.AWAITING_RECEIPT):
                t.current_org_id = org_id
            if status == TransferStatus.AWAITING_RECEIPT or (outside and status == TransferStatus.COMPLETED):
                issuer_id = by_path[route[-1][0]][0]
                seqs[issuer_id] = seqs.get(issuer_id, 0) + 1
                t.letter_issuer_id, t.letter_year, t.letter_seq = issuer_id, today.year, 10_000 + seqs[issuer_id]
                t.letter_number = f"B{issuer_id}〔{today.year}〕{t.letter_seq}号"
                t.letter_issued_on, t.letter_valid_days = today, 30
            transfers.append(t)
            routes.append((route, at, status))
        with transaction.atomic():
            Transfer.objects.bulk_create(transfers)
            steps = []
            for t, (route, at, status) in zip(transfers, routes, strict=True):
                for i, (p, role) in enumerate(route):
                    if i < at or status in (TransferStatus.COMPLETED, TransferStatus.AWAITING_RECEIPT):
                        s = StepStatus.APPROVED
                    elif i == at:
                        s = {TransferStatus.PENDING: StepStatus.PENDING, TransferStatus.RETURNED: StepStatus.RETURNED,
                             TransferStatus.REFUSED: StepStatus.REFUSED}.get(status, StepStatus.SKIPPED)
                    else:
                        s = StepStatus.SKIPPED if status != TransferStatus.PENDING else StepStatus.WAITING
                    steps.append(TransferStep(transfer=t, round=1, position=i, org_id=by_path[p][0], role=role, status=s))
            TransferStep.objects.bulk_create(steps, batch_size=5000)
    print(f"seeded {len(members):,} transfers in {time.perf_counter() - t0:.1f} s", flush=True)


def timed(client: Client, url: str, n: int) -> tuple[list[float], int]:
    client.get(url, HTTP_HOST="localhost")  # warm
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(url, HTTP_HOST="localhost")
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, HTTP_HOST="localhost")
    return times, len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=20_000)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", action="store_true")
    args = parser.parse_args()
    root = Organization.objects.filter(code__startswith="S-", depth=1).order_by("path").first()
    if root is None:
        print("no scale data: run manage.py seed_scale first")
        return 2
    if args.clean:
        n = Transfer.objects.filter(reason__startswith="bench:").delete()[0]
        print(f"deleted {n:,} rows")
        return 0
    rng = random.Random(args.seed)
    have = Transfer.objects.filter(reason__startswith="bench:").count()
    if have < args.transfers:
        seed(root, args.transfers - have, rng)
    total = Transfer.objects.count()
    county = Organization.objects.filter(path__startswith=root.path, depth=2).order_by("path").first()
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True, "is_staff": True})
    manager, _ = User.objects.get_or_create(username="bench_transfer_county")
    RoleGrant.objects.get_or_create(user=manager, org=county, role=Role.MANAGER, defaults={"recursive": True})
    print(f"{total:,} transfers; root {root.code}, county {county.code} ({county.name})")

    pending = Transfer.objects.filter(status=TransferStatus.PENDING, from_org__path__startswith=county.path).first()
    rows = []
    for who, user, org in (("superuser", admin, root), ("county manager", manager, county)):
        client = Client()
        client.force_login(user)
        for tab in ("todo", "out", "in"):
            for page in (1, 20):
                url = reverse("transfer_list", args=[org.code]) + f"?tab={tab}&page={page}"
                times, queries = timed(client, url, args.n)
                rows.append((who, f"list {tab} p{page}", times, queries))
        times, queries = timed(client, reverse("transfer_detail", args=[pending.pk]), args.n)
        rows.append((who, "detail", times, queries))
    print(f"{'who':<15} {'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    ok = True
    for who, page, times, queries in rows:
        p95 = percentile(times, 95)
        ok &= p95 < TARGET_MS
        print(f"{who:<15} {page:<14} {statistics.median(times):8.1f} {p95:8.1f} {queries:8d}")

    # One transfer across two counties, through the services: start, each approval, accept.
    counties = list(Organization.objects.filter(path__startswith=root.path, depth=2).order_by("path")[:2])
    src = Organization.objects.filter(path__startswith=counties[0].path, kind="branch", member_count__gt=0).first()
    dst = Organization.objects.filter(path__startswith=counties[1].path, kind="branch").first()
    busy = Transfer.objects.filter(status__in=OPEN).values("member_id")
    member = Member.objects.filter(org=src, status__in=ON_ROSTER).exclude(pk__in=busy).first()
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():  # rolled back: the scale data stays as seeded
            t0 = time.perf_counter()
            t = transfer_services.transfer_start(actor=None, member=member, to_org=dst, reason="bench: 跨县调动",
                                                 transfer_on=dt.date.today())
            steps = t.steps.count()
            start_ms = (time.perf_counter() - t0) * 1000
            t1 = time.perf_counter()
            for _ in range(steps - 1):
                transfer_services.transfer_approve(actor=None, transfer=t)
            approve_ms = (time.perf_counter() - t1) * 1000 / max(steps - 1, 1)
            t2 = time.perf_counter()
            transfer_services.transfer_accept(actor=None, transfer=t)
            accept_ms = (time.perf_counter() - t2) * 1000
            raise Rollback
    except Rollback:
        pass
    print(f"route of {steps} steps: start {start_ms:.1f} ms, approve {approve_ms:.1f} ms each, accept {accept_ms:.1f} ms")
    print("PASS" if ok else f"FAIL: a page's p95 is over {TARGET_MS} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
