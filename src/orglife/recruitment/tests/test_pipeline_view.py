"""The pipeline page: who is at which step, what is next, what is late; scoped to the viewer."""

import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import TODAY
from orglife.recruitment.models import Applicant

from . import factories as f

pytestmark = pytest.mark.django_db


def get(client, user, code="ZB1", **params):
    client.force_login(user)
    return client.get(reverse("recruitment_pipeline", args=[code]), params)


def test_it_lists_the_branch_with_next_step_and_late_badge(client, demo):
    late = f.applicant(demo.zb1)  # talk was due in April 2024
    fresh = f.applicant(demo.zb1, name="林一", born=dt.date(1998, 1, 1), applied_on=TODAY - dt.timedelta(days=3))
    r = get(client, demo.secretary)
    body = r.content.decode()
    assert r.status_code == 200
    assert late.name in body and fresh.name in body and "2. 党组织派人谈话" in body
    assert "逾期" in body and "即将到期" in body
    assert "登记入党申请人" in body
    assert r.context["summary"].total == 2 and r.context["summary"].late == 1


def test_filters_by_stage_and_late(client, demo):
    f.through(f.applicant(demo.zb1), "activist")
    f.applicant(demo.zb1, name="林一", born=dt.date(1998, 1, 1), applied_on=TODAY)
    assert [a.name for a, *_ in get(client, demo.secretary, stage=2).context["rows"]] == ["陈小明"]
    assert [a.name for a, *_ in get(client, demo.secretary, late=1).context["rows"]] == ["陈小明"]
    assert get(client, demo.secretary, status="closed").context["rows"] == []


def test_the_officer_sees_the_subtree_but_not_beyond(client, demo):
    f.applicant(demo.zb1)
    f.applicant(demo.zb2, name="林一", born=dt.date(1998, 1, 1))
    f.applicant(demo.zb3, name="周二", born=dt.date(1997, 1, 1))
    names = {a.name for a, *_ in get(client, demo.officer, "ZZ").context["rows"]}
    assert names == {"陈小明", "林一"}
    assert "登记入党申请人" not in get(client, demo.officer, "ZZ").content.decode()  # 总支: register at a branch


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_it_refuses_people_without_a_grant(client, demo, who):
    assert get(client, getattr(demo, who)).status_code == 403


def test_it_refuses_the_wrong_org(client, demo):
    assert get(client, demo.secretary, "ZB2").status_code == 403


def test_it_refuses_post(client, demo):
    client.force_login(demo.secretary)
    assert client.post(reverse("recruitment_pipeline", args=["ZB1"])).status_code == 405


def test_queries_do_not_grow_with_applicants(client, demo, django_assert_max_num_queries):
    def add(n, start):
        for i in range(n):
            f.applicant(demo.zb1 if i % 2 else demo.zb2, name=f"申请人{start + i}", born=dt.date(1990, 1, 1 + start + i))

    add(3, 0)
    client.force_login(demo.officer)
    url = reverse("recruitment_pipeline", args=["ZZ"])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    add(25, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(url)
    assert len(r.context["rows"]) == 20 and Applicant.objects.count() == 28


@pytest.mark.parametrize("params", [{}, {"stage": 2}, {"late": 1}, {"stage": 1, "late": 1}, {"status": "all"}])
def test_the_page_count_from_the_summary_equals_the_rows(client, demo, params):
    f.through(f.applicant(demo.zb1), "activist")
    f.applicant(demo.zb1, name="林一", born=dt.date(1998, 1, 1), applied_on=TODAY)
    f.applicant(demo.zb1, name="周二", born=dt.date(1997, 1, 1))
    r = get(client, demo.secretary, **params)
    assert r.context["page"].paginator.count == len(r.context["rows"])
