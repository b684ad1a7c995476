"""Helpers for the problem tests."""

from __future__ import annotations

import datetime as dt

from orglife.inspection import problem_services as ps


def problem(org, *, actor=None, source="self_inspection", description="三会一课记录不规范", **kw):
    return ps.problem_create(actor=actor, org=org, source=source, description=description, **kw)


def rectified(org, *, deadline=dt.date(2030, 1, 1), actor=None):
    """A problem with one done measure, ready to submit."""
    p = problem(org, actor=actor)
    m = ps.measure_add(actor=actor, problem=p, text="补齐会议记录", deadline=deadline)
    ps.measure_complete(actor=actor, measure=m, evidence="已补齐", done_on=dt.date(2026, 1, 5))
    p.refresh_from_db()
    return p


def signed_off(org, *, deadline=dt.date(2030, 1, 1)):
    p = rectified(org, deadline=deadline)
    ps.problem_submit(actor=None, problem=p)
    return ps.problem_sign_off(actor=None, problem=p)
