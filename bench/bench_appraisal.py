"""Time a whole 民主评议党员 with its secret ballot for organizations of several sizes.

    DATABASE_URL=postgres://orglife:orglife@127.0.0.1:5432/orglife_bench \
        .venv/bin/python bench/bench_appraisal.py [--sizes 50 300] [-n 20]

For each size N it creates an organization of N members with accounts (code "BENCH-EV-<N>"),
opens an evaluation (N voters × N members graded), has every member vote (N casts, N² answers),
closes the ballot (which rewrites the ballot box in random order), and times: opening, one cast
(median and worst), the close, the tallies, the secretary's page and a member's vote page (median
of -n requests, and their query counts). Everything runs in one transaction that is rolled back
at the end, so the database is left as it was.
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from orglife.core.models import Role  # noqa: E402
from orglife.evaluation import appraisal_services, ballot_queries, ballot_services  # noqa: E402
from orglife.evaluation.appraisal_models import Stage  # noqa: E402
from orglife.evaluation.ballot_models import BallotQuestion  # noqa: E402
from orglife.orgs import idcard, services  # noqa: E402
from orglife.orgs.models import Member, OrgKind  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
TODAY = dt.date(2026, 11, 30)


class Rollback(Exception):
    pass


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def build(n: int):
    top = services.org_create(actor=None, parent=None, code=f"BENCH-EVDW-{n}", name=f"评议基准党委{n}",
                              kind=OrgKind.COMMITTEE, established_on=dt.date(2010, 1, 1))
    kind = OrgKind.BRANCH if n <= 50 else OrgKind.GENERAL_BRANCH
    org = services.org_create(actor=None, parent=top, code=f"BENCH-EV-{n}", name=f"评议基准组织{n}", kind=kind,
                              established_on=dt.date(2010, 1, 1))
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"bench-ev-{n}-{i}") for i in range(n)])
    members = Member.objects.bulk_create([
        Member(name=f"党员{i:04d}", gender="male", birth_date=dt.date(1970, 1, 1), category="full",
               id_number=idcard.make_id(f"{650000 + n:06d}", dt.date(1970, 1, 1 + i % 28), i),
               admitted_on=dt.date(2000, 7, 1), full_member_on=dt.date(2001, 7, 1), org=org, user=u,
               name_initials="dy", id_reversed="")
        for i, u in enumerate(users)
    ])
    secretary = User.objects.create_user(username=f"bench-ev-sec-{n}")
    services.grant_role(actor=None, user=secretary, org=org, role=Role.MANAGER)
    return org, members, secretary


def page(client: Client, url: str, repeat: int) -> tuple[float, int]:
    times = []
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times), queries


def run(n: int, repeat: int) -> dict:
    out: dict = {"N": n}
    org, members, secretary = build(n)
    t = time.perf_counter()
    ev = appraisal_services.appraisal_open(actor=secretary, org=org, year=TODAY.year, today=TODAY)
    out["open"] = time.perf_counter() - t
    ev = appraisal_services.appraisal_advance(actor=secretary, evaluation=ev, today=TODAY)
    ev = appraisal_services.appraisal_advance(actor=secretary, evaluation=ev, today=TODAY)
    assert ev.stage == Stage.VOTING
    questions = list(BallotQuestion.objects.filter(ballot=ev.ballot).prefetch_related("options"))
    voter_page = Client()
    voter_page.force_login(members[0].user)
    out["vote_page"], out["vote_page_q"] = page(voter_page, reverse("ballot_vote", args=[ev.ballot_id]), repeat)
    casts = []
    for i, m in enumerate(members):
        choice = {q.pk: list(q.options.all())[(i + j) % 4].pk for j, q in enumerate(questions)}
        t = time.perf_counter()
        ballot_services.ballot_cast(actor=m.user, ballot=ev.ballot, member=m, choices=choice)
        casts.append(time.perf_counter() - t)
    out["cast_median"], out["cast_max"] = statistics.median(casts), max(casts)
    t = time.perf_counter()
    ev = appraisal_services.appraisal_advance(actor=secretary, evaluation=ev, today=TODAY)
    out["close"] = time.perf_counter() - t
    t = time.perf_counter()
    tallies = ballot_queries.tallies(ev.ballot)
    out["tallies"] = time.perf_counter() - t
    assert tallies.visible and tallies.cast == n
    client = Client()
    client.force_login(secretary)
    out["detail"], out["detail_q"] = page(client, reverse("appraisal_detail", args=[ev.pk]), repeat)
    out["grades"], out["grades_q"] = page(client, reverse("appraisal_grades", args=[ev.pk]), repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 300])
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    results = []
    try:
        with transaction.atomic():
            for n in args.sizes:
                results.append(run(n, args.n))
                r = results[-1]
                print(f"N={n}: open {ms(r['open'])}, cast median {ms(r['cast_median'])} (max {ms(r['cast_max'])}), "
                      f"close {ms(r['close'])}, tallies {ms(r['tallies'])}, "
                      f"vote page {ms(r['vote_page'])} ({r['vote_page_q']} q), "
                      f"secretary page {ms(r['detail'])} ({r['detail_q']} q), grades page {ms(r['grades'])} "
                      f"({r['grades_q']} q)", flush=True)
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
