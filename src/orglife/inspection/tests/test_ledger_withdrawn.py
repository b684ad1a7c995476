"""Withdrawn problems (撤销) in the ledger: they count in no total, rate or progress, are listed
only when filtered, and their open measures are overdue nowhere. The SQL summary agrees with the
pure definitions (rollup) on random mixes of problems made through the services."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orglife.inspection import problem_services as ps
from orglife.inspection import queries, rollup
from orglife.inspection.models import Measure, Problem
from orglife.meetings import todos

from .problems import problem, signed_off
from .test_rollup import TODAY, facts

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def withdrawn(org, description="登记错误的问题", late=True):
    p = problem(org, description=description)
    if late:
        ps.measure_add(actor=None, problem=p, text="尚未完成的措施", deadline=today() - dt.timedelta(days=5))
    return ps.problem_withdraw(actor=None, problem=p, reason="自查答案已更正为无问题")


@given(st.lists(facts, max_size=20), st.lists(facts, max_size=10))
def test_withdrawn_problems_change_no_rate(kept, dropped):
    gone = [rollup.ProblemFacts(None, f.deadline, f.open_deadlines, False, withdrawn=True) for f in dropped]
    assert rollup.rates(kept + gone, TODAY) == rollup.rates(kept, TODAY)
    assert not any(rollup.is_overdue(f, TODAY) for f in gone)


def test_statuses_that_count():
    assert rollup.is_counted("open") and rollup.is_counted("signed_off") and not rollup.is_counted("withdrawn")


def test_the_ledger_leaves_withdrawn_problems_out_of_totals_and_rates(demo):
    withdrawn(demo.zb1)
    signed_off(demo.zb2)
    problem(demo.zb1)
    led = queries.ledger(queries.subtree_problems(demo.officer, demo.zz), today())
    r = led.rates
    assert (r.total, r.signed_off, r.overdue) == (2, 1, 0)
    assert led.withdrawn == 1 and ("已撤销", 1) in led.by_status
    assert sum(n for _, n in led.by_source) == 2
    assert {o.code: (n, late) for o, n, _, late, _ in led.by_org} == {"ZB1": (1, 0), "ZB2": (1, 0)}
    assert led.progress == pytest.approx(0.5)


def test_an_organization_with_only_withdrawn_problems_is_not_in_the_table(demo):
    withdrawn(demo.zb1)
    led = queries.ledger(queries.subtree_problems(demo.officer, demo.zz), today())
    assert led.by_org == [] and led.rates.total == 0 and led.progress is None and led.withdrawn == 1


def test_the_page_lists_them_only_when_filtered(client, demo):
    withdrawn(demo.zb1, description="登记错误的问题")
    problem(demo.zb1, description="真实的问题")
    client.force_login(demo.secretary)
    r = client.get(reverse("ledger", args=["ZB1"]))
    body = r.content.decode()
    assert [row.problem.description for row in r.context["rows"]] == ["真实的问题"]
    assert r.context["page"].paginator.count == 1
    assert "已撤销的问题 1 个不计入以上统计" in body and "status=withdrawn" in body
    r = client.get(reverse("ledger", args=["ZB1"]), {"status": "withdrawn"})
    assert [row.problem.description for row in r.context["rows"]] == ["登记错误的问题"]
    assert r.context["page"].paginator.count == 1
    assert r.context["rates"].total == 0 and not r.context["rows"][0].overdue
    r = client.get(reverse("ledger", args=["ZB1"]), {"status": "overdue"})
    assert r.context["page"].paginator.count == 0 and r.context["rows"] == []


def test_their_open_measures_are_not_overdue_to_dos(demo):
    withdrawn(demo.zb1)
    assert not [t for t in todos.for_user(demo.secretary) if t.kind == "measure"]
    assert not [t for t in todos.for_org(demo.zb1) if t.kind == "measure"]


def _facts(qs):
    out = []
    for p in qs:
        open_deadlines = tuple(m.deadline for m in Measure.objects.filter(problem=p, done_on__isnull=True))
        signed = timezone.localtime(p.signed_off_at).date() if p.signed_off_at else None
        out.append(rollup.ProblemFacts(signed, p.deadline, open_deadlines, p.reopened_at is not None,
                                       withdrawn=p.status == "withdrawn"))
    return out


KINDS = ["open", "rectifying", "late", "done", "submitted", "signed_on_time", "signed_late", "reopened", "withdrawn"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(["zb1", "zb2", "zb3"]),
                          st.integers(1, 3)), max_size=8))
def test_the_sql_summary_equals_the_pure_definitions(demo, plan):
    d = today()
    for kind, where, weight in plan:
        org = getattr(demo, where)
        if kind == "withdrawn":
            withdrawn(org, late=weight > 1)
            continue
        p = problem(org)
        if kind == "open":
            continue
        deadline = d + dt.timedelta(days=10) if kind != "late" else d - dt.timedelta(days=weight)
        if kind == "signed_late":
            deadline = d - dt.timedelta(days=3)
        m = ps.measure_add(actor=None, problem=p, text="措施", deadline=deadline, weight=weight)
        ps.measure_add(actor=None, problem=p, text="第二项", deadline=deadline, weight=1)
        if kind in ("rectifying", "late"):
            ps.measure_complete(actor=None, measure=m, evidence="部分完成")
            continue
        for x in p.measures.all():
            ps.measure_complete(actor=None, measure=x, evidence="完成")
        if kind == "done":
            continue
        p.refresh_from_db()
        ps.problem_submit(actor=None, problem=p)
        if kind == "submitted":
            continue
        ps.problem_sign_off(actor=None, problem=p)
        if kind == "reopened":
            ps.problem_reopen(actor=None, problem=p, reason="反弹")
    qs = queries.subtree_problems(demo.admin, demo.dw)
    led = queries.ledger(qs, d)
    assert led.rates == rollup.rates(_facts(qs), d)
    counted = [p for p in qs if rollup.is_counted(p.status)]
    expected = rollup.group_progress([rollup.problem_progress((m.weight, m.is_done) for m in p.measures.all())
                                      for p in counted])
    assert (led.progress is None) == (expected is None)
    if expected is not None:
        assert led.progress == pytest.approx(expected)
    assert led.withdrawn == Problem.objects.filter(status="withdrawn").count()
