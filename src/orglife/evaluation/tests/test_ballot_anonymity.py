"""Secret means secret (decision 0025): the tables that hold what was voted cannot name a voter
or the order of voting, and nothing else in the schema links a voter to a cast ballot."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, models

from orglife.core.models import AuditEvent
from orglife.evaluation import ballot_services
from orglife.evaluation.ballot_models import CastAnswer, CastBallot, VoterRoll
from orglife.orgs.models import Member

from .appraisal_helpers import TODAY, add_voters

pytestmark = pytest.mark.django_db
BALLOT_TABLES = [CastBallot, CastAnswer]


@pytest.mark.parametrize("model", BALLOT_TABLES)
def test_ballot_tables_have_no_voter_no_time_and_no_sequence(model):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        assert related not in (user_model, Member), f"{model.__name__}.{field.name} references a voter"
        # Nothing that could lead back to a voter through another table either.
        assert related not in (VoterRoll, AuditEvent), f"{model.__name__}.{field.name}"
        assert not isinstance(field, (models.DateTimeField, models.TimeField, models.DurationField)), (
            f"{model.__name__}.{field.name} stores a time")
        assert not isinstance(field, models.DateField), f"{model.__name__}.{field.name} stores a date"
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4, f"{model.__name__} pk must be a random UUID"
    assert not any(isinstance(f, (models.AutoField, models.BigAutoField, models.SmallAutoField))
                   for f in model._meta.get_fields() if hasattr(f, "column"))
    assert not model._meta.ordering and not model._meta.get_latest_by


def test_the_voter_roll_has_no_link_to_a_ballot_cast_and_no_time():
    for field in VoterRoll._meta.get_fields():
        assert getattr(field, "related_model", None) not in (CastBallot, CastAnswer), field.name
        assert not isinstance(field, (models.DateField, models.DateTimeField)), field.name


def test_no_admin_page_or_api_exposes_the_ballot_box():
    from django.apps import apps

    if apps.is_installed("django.contrib.admin"):
        from django.contrib import admin

        assert not set(admin.site._registry) & {CastBallot, CastAnswer, VoterRoll}
    from orglife.api.api import api

    schema = str(api.get_openapi_schema())
    assert "receipt_hash" not in schema and "has_voted" not in schema and "CastBallot" not in schema


def _ballot(demo, voters: int):
    members = add_voters(demo, voters)
    spec = [ballot_services.QuestionSpec(f"q{i}", f"题{i}", [("a", "甲"), ("b", "乙"), ("c", "丙")]) for i in range(2)]
    ballot = ballot_services.ballot_create(actor=None, org=demo.zb1, title="测试投票", questions=spec, voters=members)
    return ballot_services.ballot_open(actor=None, ballot=ballot, today=TODAY), members


def test_stored_rows_cannot_be_ordered_by_voting_time(demo):
    """Cast 20 ballots, each recognisable by its receipt; after closing, neither the primary keys,
    nor the database's own row order (SQLite rowid / PostgreSQL ctid), nor any column follows the
    voting order."""
    ballot, members = _ballot(demo, 20)
    voting_order = []
    for m in members:
        code = ballot_services.ballot_cast(actor=m.user, ballot=ballot, member=m, choices={
            q.pk: q.options.first().pk for q in ballot.questions.prefetch_related("options")})
        voting_order.append(ballot_services.receipt_hash(ballot.pk, code))
    ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)

    by_pk = list(CastBallot.objects.filter(ballot=ballot).order_by("pk").values_list("receipt_hash", flat=True))
    unordered = list(CastBallot.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT receipt_hash FROM {CastBallot._meta.db_table} WHERE ballot_id = %s ORDER BY {physical}",
                    [ballot.pk])
        stored = [r[0] for r in cur.fetchall()]
    assert sorted(voting_order) == sorted(by_pk) == sorted(stored)
    # 20! orderings: a match with the voting order (or its reverse) by chance is ~1e-18.
    for order in (by_pk, unordered, stored):
        assert order != voting_order and order != voting_order[::-1]
    assert {f.column for f in CastBallot._meta.fields} == {"id", "ballot_id", "receipt_hash"}
    assert {f.column for f in CastAnswer._meta.fields} == {"id", "cast_id", "question_id", "option_id"}


def test_the_vote_audit_event_records_only_that_the_voter_voted(demo):
    ballot, members = _ballot(demo, 1)
    m = members[0]
    choices = {q.pk: q.options.last().pk for q in ballot.questions.prefetch_related("options")}
    code = ballot_services.ballot_cast(actor=m.user, ballot=ballot, member=m, choices=choices)
    event = AuditEvent.objects.get(action="ballot.vote")
    assert event.actor == m.user and event.target_id == str(ballot.pk) and event.changes == {}
    cast = CastBallot.objects.get()
    for needle in (str(cast.pk), code, cast.receipt_hash, *(str(o) for o in choices.values())):
        assert needle not in str(event.changes) and needle not in event.target_repr
