"""Demo dues for seed_demo: a dues profile for every member and this year's payments, with a few
members behind (three months, and one past six months) so that every dues page shows something."""

from __future__ import annotations

import datetime as dt
import random

from orglife.orgs.models import Member

from . import rules, services

YEAR_START = dt.date(2026, 1, 1)


def _profile(rng: random.Random, member: Member, code: str) -> tuple[str, str | None]:
    if code == "ZB06":
        return "retired", f"{rng.choice([3800, 4600, 5000, 5200, 6400])}.00"
    roll = rng.random()
    if roll < 0.05:
        return "student", None
    if roll < 0.10:
        return "farmer", "0.50"
    return "salaried", f"{rng.choice([2800, 3000, 3000.01, 4200, 5000, 6800, 9500, 10000, 12800])}"


def seed(members: dict[str, list[Member]], today: dt.date) -> None:
    rng = random.Random(20261130)
    current = rules.month_start(today)
    for code, people in members.items():
        for i, member in enumerate(people):
            category, base = _profile(rng, member, code)
            start = max(YEAR_START, rules.month_start(member.admitted_on))
            services.profile_set(actor=None, member=member, category=category, base=base, effective_month=start,
                                 today=start)
            # Most members pay every month on the 10th; one member in each of a few branches fell
            # behind (three or four months), and one stopped paying eight months ago.
            behind = {("ZB01", 2): 4, ("ZB02", 1): 3, ("ZB04", 1): 3, ("ZB05", 1): 8}.get((code, i), 0)
            last_paid = rules.add_months(current, -(behind + 1)) if behind else rules.add_months(current, -1)
            for month in rules.months_between(start, last_paid):
                paid_on = month.replace(day=10)
                services.payment_record(actor=None, member=member, months=[month], paid_on=paid_on,
                                        method=rng.choice(["cash", "bank", "online"]), today=paid_on)
