import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from orglife.core.models import AuditEvent
from orglife.inspection import queries, rollup
from orglife.inspection.models import Measure, Problem

from .test_ledger_withdrawn import _facts

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def seed(**kw):
    out = io.StringIO()
    call_command("seed_problems", root="DW", problems=300, branches=3, today=TODAY, stdout=out, verbosity=0, **kw)
    return out.getvalue()


def test_it_seeds_problems_as_the_services_would_leave_them(demo):
    assert "生成问题" in seed()
    problems = Problem.objects.all()
    assert problems.filter(follows__isnull=True).count() == 300
    assert set(problems.values_list("org__code", flat=True)) <= {"ZB1", "ZB2", "ZB3"}
    assert set(problems.values_list("status", flat=True)) == {"open", "rectifying", "submitted", "signed_off", "withdrawn"}
    assert not Measure.objects.filter(problem__status="open").exists()
    assert not Measure.objects.filter(problem__status__in=["submitted", "signed_off"], done_on__isnull=True).exists()
    assert not Measure.objects.filter(problem__status="withdrawn", done_on__isnull=False).exists()
    for p in problems.annotate(latest=Max("measures__deadline")):
        assert p.deadline == p.latest
    for p in problems.filter(follows__isnull=False).select_related("follows"):
        assert p.follows.reopened_at is not None and p.source == p.follows.source
    assert AuditEvent.objects.filter(action="problems.seed").count() == 1


def test_the_ledger_of_seeded_data_equals_the_pure_definitions(demo):
    seed()
    qs = queries.subtree_problems(demo.admin, demo.dw)
    led = queries.ledger(qs, TODAY)
    assert led.rates == rollup.rates(_facts(qs), TODAY)
    assert led.rates.overdue > 0 and led.rates.reopened > 0 and led.withdrawn > 0


def test_it_is_repeatable_and_refuses_to_seed_twice(demo):
    seed(seed=7)
    first = list(Problem.objects.order_by("id").values_list("org__code", "status", "source", "deadline"))
    with pytest.raises(CommandError):
        seed()
    Measure.objects.all().delete()
    Problem.objects.filter(follows__isnull=False).delete()
    Problem.objects.all().delete()
    seed(seed=7)
    assert list(Problem.objects.order_by("id").values_list("org__code", "status", "source", "deadline")) == first
    seed(force=True)
    assert Problem.objects.filter(follows__isnull=True).count() == 600


def test_bad_arguments(demo):
    with pytest.raises(CommandError):
        call_command("seed_problems", root="NOPE", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_problems", root="XZ1", stdout=io.StringIO())  # no branches below a 党小组
    with pytest.raises(CommandError):
        call_command("seed_problems", root="DW", problems=0, stdout=io.StringIO())
