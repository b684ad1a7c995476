"""Plan page: /orgs/<code>/study/ (plan, items, forms), creating, publishing, adding items."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.study.plan_models import StudyItem, StudyPlan

from .plan_support import YEAR, item, plan

pytestmark = pytest.mark.django_db


def item_post(**over):
    data = {"item_type": "self_study", "topic": "学习党章", "description": "", "due_on": f"{YEAR}-06-30",
            "audience": "org", "party_group": "", "hours": "2", "meeting": "", "exam": ""}
    data.update(over)
    return data


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB3", 403), ("officer", "ZB3", 403),
    ("secretary", "ZB1", 200), ("officer", "ZB1", 200), ("admin", "ZB3", 200),
])
def test_the_plan_page_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("study_plan", args=[code])).status_code == status


def test_it_404s_for_an_unknown_org(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("study_plan", args=["NOPE"])).status_code == 404


def test_the_secretary_creates_a_plan_and_adds_an_item(client, demo):
    client.force_login(demo.secretary)
    body = client.get(reverse("study_plan", args=["ZB1"])).content.decode()
    assert "创建学习计划" in body and "周学" in body
    r = client.post(reverse("study_plan_new", args=["ZB1"]), {"year": YEAR, "title": ""})
    assert r.status_code == 302
    p = StudyPlan.objects.get()
    body = client.get(r["Location"]).content.decode()
    assert "添加学习事项" in body and "未发布" in body
    r = client.post(reverse("study_item_new", args=[p.pk]), item_post())
    it = StudyItem.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("study_item", args=[it.pk])
    r = client.post(reverse("study_plan_publish", args=[p.pk]))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.is_published


def test_a_bad_item_keeps_what_was_typed(client, demo):
    p = plan(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("study_item_new", args=[p.pk]), item_post(topic="我写的主题", due_on=f"{YEAR + 1}-01-05"))
    body = r.content.decode()
    assert r.status_code == 400 and f"完成时限应在{YEAR}年内" in body and "我写的主题" in body
    assert not StudyItem.objects.exists()


def test_publishing_an_empty_plan_says_why(client, demo):
    p = plan(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("study_plan_publish", args=[p.pk]), follow=True)
    assert "还没有学习事项" in r.content.decode()


def test_a_second_plan_for_the_year_is_refused(client, demo):
    plan(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("study_plan_new", args=["ZB1"]), {"year": YEAR})
    assert r.status_code == 400 and "已有" in r.content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider", "officer"])
def test_writes_are_for_managers_of_the_organization(client, demo, persona):
    p = plan(demo.zb3 if persona == "officer" else demo.zb1)
    item(p)
    client.force_login(getattr(demo, persona))
    code = p.org.code
    assert client.post(reverse("study_plan_new", args=[code]), {"year": YEAR + 1}).status_code == 403
    assert client.post(reverse("study_item_new", args=[p.pk]), item_post()).status_code == 403
    assert client.post(reverse("study_plan_publish", args=[p.pk])).status_code == 403
    assert StudyItem.objects.count() == 1 and not StudyPlan.objects.get().is_published


def test_viewers_see_the_plan_without_forms(client, demo, django_user_model):
    from orglife.orgs import services

    item(plan(demo.zb1), topic="学习党章第一章")
    user = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=user, org=demo.zb1, role="viewer")
    client.force_login(user)
    body = client.get(reverse("study_plan", args=["ZB1"])).content.decode()
    assert "学习党章第一章" in body and "添加学习事项" not in body and "发布学习计划" not in body


def test_wrong_methods(client, demo):
    p = plan(demo.zb1)
    client.force_login(demo.secretary)
    assert client.post(reverse("study_plan", args=["ZB1"])).status_code == 405
    assert client.get(reverse("study_plan_new", args=["ZB1"])).status_code == 405
    assert client.get(reverse("study_plan_publish", args=[p.pk])).status_code == 405
    assert client.get(reverse("study_item_new", args=[p.pk])).status_code == 405


def test_the_plan_page_runs_a_bounded_number_of_queries(client, demo, django_assert_max_num_queries):
    p = plan(demo.zb1)
    client.force_login(demo.secretary)
    item(p)
    client.get(reverse("study_plan", args=["ZB1"]))
    with django_assert_max_num_queries(25) as first:
        client.get(reverse("study_plan", args=["ZB1"]))
    for i in range(20):
        item(p, topic=f"主题{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("study_plan", args=["ZB1"]))


def test_the_org_page_links_to_the_plan(client, demo):
    client.force_login(demo.secretary)
    assert reverse("study_plan", args=["ZB1"]) in client.get(reverse("org_detail", args=["ZB1"])).content.decode()
