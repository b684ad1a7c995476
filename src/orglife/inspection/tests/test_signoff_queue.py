import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.core.models import Role
from orglife.inspection import problem_services as ps
from orglife.inspection import queries
from orglife.inspection.models import Problem
from orglife.meetings import todos
from orglife.orgs import services as org_services

from .problems import problem, rectified

pytestmark = pytest.mark.django_db


def submitted(org, *, description="三会一课记录不规范", deadline=dt.date(2030, 1, 1), done_on=None):
    p = problem(org, description=description)
    m = ps.measure_add(actor=None, problem=p, text="补齐会议记录", deadline=deadline)
    ps.measure_complete(actor=None, measure=m, evidence="已补齐", done_on=done_on or dt.date(2026, 1, 5))
    p.refresh_from_db()
    return ps.problem_submit(actor=None, problem=p)


def get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("signoff_queue"), params)


def descriptions(response):
    return [r.problem.description for r in response.context["rows"]]


def test_it_lists_submitted_problems_below_the_viewer_oldest_first(client, demo):
    first = submitted(demo.zb2, description="先提交的问题")
    second = submitted(demo.zb1, description="后提交的问题")
    Problem.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - dt.timedelta(days=9))
    rectified(demo.zb1)  # not submitted
    submitted(demo.zb3, description="别的总支的问题")  # outside ZZ
    submitted(demo.zz, description="总支自己的问题")  # ZZ is signed off by DW, not by its own officer
    r = get(client, demo.officer)
    assert r.status_code == 200
    assert descriptions(r) == ["先提交的问题", "后提交的问题"]
    body = r.content.decode()
    assert reverse("problem_detail", args=[second.pk]) in body and "已等待 9 天" in body


def test_the_administrator_of_the_root_signs_off_everything_below_and_the_root_itself(client, demo):
    submitted(demo.zb1, description="支部的问题")
    submitted(demo.dw, description="党委自己的问题")
    assert sorted(descriptions(get(client, demo.admin))) == ["党委自己的问题", "支部的问题"]


def test_the_queue_is_exactly_what_the_viewer_may_sign_off(demo):
    """The queue's SQL agrees with scope.manages_above, which the sign-off view enforces."""
    from orglife.core import scope

    org_services.grant_role(actor=None, user=demo.outsider, org=demo.zb2, role=Role.MANAGER, recursive=False)
    problems = {o.code: submitted(o) for o in (demo.dw, demo.zz, demo.zb1, demo.zb2, demo.zb3, demo.xz1)}
    for persona in ("member", "secretary", "officer", "outsider", "admin"):
        user = getattr(demo, persona)
        user = type(user).objects.get(pk=user.pk)  # fresh grants
        listed = {p.org.code for p in queries.signoff_queue(user).select_related("org")}
        allowed = {code for code, p in problems.items() if scope.manages_above(user, p.org)}
        assert listed == allowed, persona


def test_overdue_and_late_measures_are_flagged(client, demo):
    today = timezone.localdate()
    submitted(demo.zb1, description="逾期完成的问题", deadline=today - dt.timedelta(days=30),
              done_on=today - dt.timedelta(days=2))
    submitted(demo.zb2, description="按期完成的问题", deadline=today + dt.timedelta(days=30), done_on=today)
    r = get(client, demo.officer)
    rows = {row.problem.description: row for row in r.context["rows"]}
    assert len(rows["逾期完成的问题"].late) == 1 and rows["逾期完成的问题"].past_deadline
    assert rows["按期完成的问题"].late == [] and not rows["按期完成的问题"].past_deadline
    body = r.content.decode()
    assert "逾期完成" in body and "已过整改时限" in body


def test_it_narrows_to_an_organization(client, demo):
    submitted(demo.zb1, description="一支部的问题")
    submitted(demo.zb2, description="二支部的问题")
    assert descriptions(get(client, demo.officer, org="ZB2")) == ["二支部的问题"]


def test_signed_off_and_returned_problems_leave_the_queue(client, demo):
    a = submitted(demo.zb1)
    b = submitted(demo.zb2)
    ps.problem_sign_off(actor=demo.officer, problem=a)
    ps.problem_return(actor=demo.officer, problem=b, reason="佐证不足")
    assert descriptions(get(client, demo.officer)) == []
    assert "没有待销号的问题" in get(client, demo.officer).content.decode()


def test_it_paginates(client, demo, settings):
    settings.ORGLIFE_PAGE_SIZE = 2
    for i in range(3):
        submitted(demo.zb1, description=f"问题{i}")
    assert descriptions(get(client, demo.officer)) == ["问题0", "问题1"]
    assert descriptions(get(client, demo.officer, page=2)) == ["问题2"]


def test_the_query_count_does_not_grow_with_the_queue(client, demo, django_assert_max_num_queries):
    for _ in range(2):
        submitted(demo.zb1)
    get(client, demo.officer)
    with django_assert_max_num_queries(30) as few:
        get(client, demo.officer)
    for _ in range(15):
        submitted(demo.zb2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(get(client, demo.officer).context["rows"]) == 17


@pytest.mark.parametrize("persona,params,status", [
    ("outsider", {}, 403), ("member", {}, 403), ("officer", {"org": "ZB3"}, 403), ("officer", {"org": "NOPE"}, 404),
    ("secretary", {}, 200), ("officer", {}, 200), ("officer", {"org": "ZB1"}, 200), ("admin", {}, 200),
])
def test_it_is_scoped(client, demo, persona, params, status):
    assert get(client, getattr(demo, persona), **params).status_code == status


def test_anonymous_users_are_sent_to_login(client, demo):
    assert client.get(reverse("signoff_queue")).status_code == 302


def test_it_is_get_only(client, demo):
    client.force_login(demo.officer)
    assert client.post(reverse("signoff_queue")).status_code == 405


def test_the_ledger_links_to_the_queue_with_its_count(client, demo):
    submitted(demo.zb1)
    client.force_login(demo.officer)
    body = client.get(reverse("ledger", args=["ZZ"])).content.decode()
    assert reverse("signoff_queue") + "?org=ZZ" in body and "待销号（1）" in body
    client.force_login(demo.member)
    org_services.grant_role(actor=None, user=demo.member, org=demo.zb1, role=Role.VIEWER)
    assert "待销号（" not in client.get(reverse("ledger", args=["ZB1"])).content.decode()


def test_the_officer_has_a_to_do_line_and_the_secretary_does_not(demo):
    submitted(demo.zb1)
    submitted(demo.zb2)
    lines = [t for t in todos.for_user(demo.officer) if t.kind == "sign_off"]
    assert [(t.title, t.url) for t in lines] == [("2 个问题待销号", reverse("signoff_queue"))]
    assert not [t for t in todos.for_user(demo.secretary) if t.kind == "sign_off"]
    assert not [t for t in todos.for_user(demo.member) if t.kind == "sign_off"]
