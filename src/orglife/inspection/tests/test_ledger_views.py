import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import problem_services as ps
from orglife.inspection import queries, rollup
from orglife.inspection.models import Measure, Problem

from .problems import problem, signed_off

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def late_problem(org, source="petition"):
    p = problem(org, source=source)
    ps.measure_add(actor=None, problem=p, text="逾期措施", deadline=today() - dt.timedelta(days=3))
    return p


def facts(qs):
    out = []
    for p in qs:
        open_deadlines = tuple(m.deadline for m in Measure.objects.filter(problem=p, done_on__isnull=True))
        signed = timezone.localtime(p.signed_off_at).date() if p.signed_off_at else None
        out.append(rollup.ProblemFacts(signed, p.deadline, open_deadlines, p.reopened_at is not None))
    return out


def test_the_sql_rates_equal_the_pure_definition(demo):
    signed_off(demo.zb1, deadline=today() + dt.timedelta(days=5))  # on time
    late = signed_off(demo.zb2, deadline=today() - dt.timedelta(days=5))  # signed off after the deadline
    ps.problem_reopen(actor=None, problem=late, reason="反弹")  # + an open follow-up problem
    late_problem(demo.zb1)
    late_problem(demo.zb3)  # outside ZZ
    problem(demo.zb2)
    qs = queries.subtree_problems(demo.officer, demo.zz)
    r = queries.ledger(qs, today()).rates
    assert r == rollup.rates(facts(qs), today())
    assert (r.total, r.signed_off, r.on_time, r.overdue, r.reopened) == (5, 2, 1, 1, 1)


def test_the_ledger_counts_by_source_status_and_organization(demo):
    late_problem(demo.zb1, source="petition")
    late_problem(demo.zb1, source="petition")
    problem(demo.zb2, source="spot_check")
    led = queries.ledger(queries.subtree_problems(demo.officer, demo.zz), today())
    assert led.by_source == [("信访举报", 2), ("明察暗访", 1)]
    assert led.by_status == [("待整改", 1), ("整改中", 2)]
    assert [(o.code, n, s, late) for o, n, s, late, _ in led.by_org] == [("ZB1", 2, 0, 2), ("ZB2", 1, 0, 0)]


def test_the_sql_progress_equals_the_pure_roll_up(demo):
    a = problem(demo.zb1)
    ps.measure_add(actor=None, problem=a, text="一", deadline=today(), weight=3)
    m = ps.measure_add(actor=None, problem=a, text="二", deadline=today(), weight=1)
    ps.measure_complete(actor=None, measure=m, evidence="完成")
    problem(demo.zb1)  # no measures: 0
    signed_off(demo.zb2)  # 1
    qs = queries.subtree_problems(demo.officer, demo.zz)
    expected = rollup.group_progress([
        rollup.problem_progress((x.weight, x.is_done) for x in p.measures.all()) for p in qs])
    led = queries.ledger(qs, today())
    assert led.progress == pytest.approx(expected) == pytest.approx((0.25 + 0 + 1) / 3)
    assert {o.code: prog for o, _, _, _, prog in led.by_org} == {"ZB1": "12%", "ZB2": "100%"}
    assert queries.ledger(Problem.objects.none(), today()).progress is None


def page(client, user, code="ZZ", **params):
    client.force_login(user)
    return client.get(reverse("ledger", args=[code]), params)


def test_it_shows_the_subtree_with_overdue_badges(client, demo):
    late_problem(demo.zb1)
    problem(demo.zb3, description="别的支部的问题")
    body = page(client, demo.officer).content.decode()
    assert "逾期措施" not in body and "已逾期" in body and "三会一课记录不规范" in body
    assert "别的支部的问题" not in body


@pytest.mark.parametrize("params,expected", [
    ({"source": "petition"}, 1), ({"source": "spot_check"}, 0), ({"status": "overdue"}, 1),
    ({"status": "open"}, 1), ({"org": "ZB2"}, 1), ({"org": "ZB3"}, 2), ({"source": "bogus"}, 2),
])
def test_filters(client, demo, params, expected):
    late_problem(demo.zb1, source="petition")
    problem(demo.zb2, source="self_inspection")
    response = page(client, demo.officer, **params)
    assert response.status_code == 200
    assert response.context["rates"].total == expected
    assert len(response.context["rows"]) == expected


def test_it_paginates(client, demo):
    for i in range(23):
        problem(demo.zb1, description=f"问题{i:02d}")
    r = page(client, demo.secretary, "ZB1")
    assert len(r.context["rows"]) == 20 and "第 1 / 2 页" in r.content.decode()
    assert len(page(client, demo.secretary, "ZB1", page=2).context["rows"]) == 3


def _count(client, user, django_assert_max_num_queries, limit=40):
    page(client, user)  # warm the session
    with django_assert_max_num_queries(limit) as ctx:
        assert page(client, user).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_is_flat_from_5_to_50_problems(client, demo, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            p = late_problem(demo.zb1 if i % 2 else demo.zb2)
            ps.measure_add(actor=None, problem=p, text="第二项", deadline=today(), owner=None)
    add(5)
    few = _count(client, demo.officer, django_assert_max_num_queries)
    add(45)
    assert _count(client, demo.officer, django_assert_max_num_queries) == few


@pytest.mark.parametrize("persona,code,status", [
    ("outsider", "ZB1", 403), ("member", "ZB1", 403), ("officer", "ZB3", 403), ("secretary", "ZZ", 403),
    ("admin", "NOPE", 404), ("secretary", "ZB1", 200), ("officer", "ZB1", 200), ("admin", "DW", 200),
])
def test_it_is_scoped(client, demo, persona, code, status):
    assert page(client, getattr(demo, persona), code).status_code == status


def test_anonymous_users_are_sent_to_login(client, demo):
    assert client.get(reverse("ledger", args=["ZB1"])).status_code == 302


def test_it_is_get_only(client, demo):
    client.force_login(demo.secretary)
    assert client.post(reverse("ledger", args=["ZB1"])).status_code == 405


def test_the_organization_page_links_to_the_ledger(client, demo):
    client.force_login(demo.secretary)
    assert reverse("ledger", args=["ZB1"]) in client.get(reverse("org_detail", args=["ZB1"])).content.decode()


def test_reopened_and_signed_off_problems_show_their_state(client, demo):
    p = signed_off(demo.zb1)
    ps.problem_reopen(actor=None, problem=p, reason="反弹")
    body = page(client, demo.officer).content.decode()
    assert "回头看重新整改" in body and "已销号" in body
    assert Problem.objects.count() == 2
