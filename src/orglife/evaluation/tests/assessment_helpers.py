"""Shared set-up for the assessment view tests."""

from __future__ import annotations

import datetime as dt

from orglife.evaluation import assessment_services as services

KEY = "star-rating@2026.1"
ON = dt.date(2027, 1, 15)


def make_run(demo, org=None, actor=None):
    return services.run_create(actor=actor or demo.officer, org=org or demo.zz, year=2026, scorecard_key=KEY, on=ON)
