"""Campaign page: scores, roll-ups and the commonest problems for the officer; a closed campaign
shows its final results; the secretary sees the own branch's score."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import campaign_services as cs
from orglife.inspection.models import Campaign

from .campaigns import launch, shipped

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def answer_all(campaign, org, problem_ids=()):
    for item in shipped().items.filter(auto=""):
        bad = item.item_id in problem_ids
        cs.answer_save(actor=None, campaign=campaign, item=item, org=org, has_problem=bad,
                       description="问题" if bad else "情况说明")


def test_the_officer_sees_scores_and_the_commonest_problems(client, demo):
    campaign = launch(demo.dw)
    answer_all(campaign, demo.zb1, {"life.talks"})
    answer_all(campaign, demo.zb3, {"life.talks", "setup.size"})
    r = as_(client, demo.admin).get(reverse("campaign_detail", args=[campaign.pk]))
    body = r.content.decode()
    summary = r.context["summary"]
    assert r.status_code == 200 and "总得分" in body and "按组织汇总" in body and "常见问题" in body
    assert [g.org.code for g in summary.groups] == ["ZZ", "ZB3"]
    rows = {row.org.code: row for row in r.context["rows"]}
    assert rows["ZB1"].score == summary.rows[0].score and f"<td>{rows['ZB1'].score}</td>" in body
    assert r.context["top"][0].item.item_id == "life.talks" and r.context["top"][0].problems == 2
    assert reverse("campaign_xlsx", args=[campaign.pk]) in body and "结束活动" in body


def test_a_closed_campaign_shows_final_results_without_edit_or_close(client, demo):
    campaign = launch(demo.zz)
    cs.campaign_close(actor=None, campaign=campaign)
    body = as_(client, demo.officer).get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "最终结果" in body and "已结束" in body and "不再接受作答" in body
    assert "结束活动</button>" not in body and reverse("campaign_edit", args=[campaign.pk]) not in body
    assert reverse("campaign_xlsx", args=[campaign.pk]) in body


def test_a_campaign_past_its_end_date_is_shown_closed(client, demo):
    campaign = launch(demo.zz)
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=9),
                                                   ends_on=timezone.localdate() - dt.timedelta(days=1))
    r = as_(client, demo.secretary).get(reverse("campaign_detail", args=[campaign.pk]))
    assert r.context["state"] == "closed" and "查看作答" in r.content.decode()


def test_the_secretary_sees_the_own_branch_score(client, demo):
    campaign = launch(demo.zz)
    answer_all(campaign, demo.zb1)
    r = as_(client, demo.secretary).get(reverse("campaign_detail", args=[campaign.pk]))
    assert [row.org.code for row in r.context["mine_rows"]] == ["ZB1"] and r.context["summary"] is None
    assert r.context["mine_rows"][0].answered == shipped().items.filter(auto="").count()


def test_the_campaign_list_shows_the_state(client, demo):
    launch(demo.zz)
    body = as_(client, demo.officer).get(reverse("campaign_list", args=["ZZ"])).content.decode()
    assert "<td>进行中</td>" in body


def _count(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(60) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_with_groups_does_not_grow(client, demo, django_assert_max_num_queries):
    from orglife.orgs import services

    campaign = launch(demo.dw)
    as_(client, demo.admin)
    url = reverse("campaign_detail", args=[campaign.pk])
    answer_all(campaign, demo.zb1, {"life.talks"})
    few = _count(client, url, django_assert_max_num_queries)
    for i in range(8):
        org = services.org_create(actor=None, parent=demo.zz if i % 2 else demo.dw, code=f"ZBX{i}", name=f"支部{i}",
                                  kind="branch")
        answer_all(campaign, org, {"setup.size"})
    assert _count(client, url, django_assert_max_num_queries) == few
