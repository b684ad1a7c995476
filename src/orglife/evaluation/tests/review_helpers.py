"""Shared set-up for the 述职评议 tests: ZZ reviews ZB1 (secretary: the member persona) and ZB2."""

from __future__ import annotations

import datetime as dt

from orglife.evaluation import review_services as services
from orglife.orgs.models import PostHolding, Term

ITEMS = "履行职责 60\n组织生活 40"


def make_secretary(org, member):
    term = Term.objects.create(org=org, started_on=dt.date(2024, 1, 1), expires_on=dt.date(2027, 1, 1))
    PostHolding.objects.create(term=term, member=member, post="secretary", started_on=dt.date(2024, 1, 1))


def open_review(demo, reviewers=None, ranked=True):
    make_secretary(demo.zb1, demo.m1)
    return services.review_open(actor=demo.officer, org=demo.zz, year=2026, items_text=ITEMS, ranked=ranked,
                                reviewer_ids=[u.pk for u in (reviewers or [demo.officer, demo.admin])])
