"""Two requests casting the same voter's ballot at once: the voter-roll row lock lets exactly one
through (PostgreSQL; SQLite serializes writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from orglife.evaluation import ballot_services
from orglife.evaluation.ballot_models import CastBallot
from orglife.orgs.services import ServiceError

from .appraisal_helpers import TODAY, add_voters

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter"),
]


def test_simultaneous_double_vote_counts_once(demo):
    members = add_voters(demo, 1)
    spec = [ballot_services.QuestionSpec("q", "题", [("a", "甲"), ("b", "乙")])]
    ballot = ballot_services.ballot_create(actor=None, org=demo.zb1, title="并发", questions=spec, voters=members)
    ballot = ballot_services.ballot_open(actor=None, ballot=ballot, today=TODAY)
    q = ballot.questions.get()
    options = list(q.options.all())
    barrier = threading.Barrier(4)
    results = []

    def cast(option):
        try:
            barrier.wait()
            results.append(ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0],
                                                       choices={q.pk: option.pk}))
        except ServiceError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(options[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, ServiceError) for r in results) == 3
    assert CastBallot.objects.filter(ballot=ballot).count() == 1
