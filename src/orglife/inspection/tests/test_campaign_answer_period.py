"""The answer page outside the campaign period, and withdrawing a problem from it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import campaign_services as cs
from orglife.inspection import problem_services as ps
from orglife.inspection.models import Answer, Campaign, ProblemStatus

from .campaigns import launch, shipped

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def talks():
    return shipped().items.get(item_id="life.talks")


def test_a_closed_campaign_shows_the_answers_read_only(client, demo):
    campaign = launch(demo.zz)
    cs.answer_save(actor=None, campaign=campaign, item=talks(), org=demo.zb1, has_problem=True, description="未谈话")
    cs.campaign_close(actor=None, campaign=campaign)
    r = as_(client, demo.secretary).get(reverse("campaign_answer", args=[campaign.pk, "ZB1"]))
    body = r.content.decode()
    assert r.status_code == 200 and "不能再作答" in body and "<fieldset disabled>" in body
    assert "保存作答" not in body and "重新核查自动条目" not in body and "未谈话" in body


def test_posting_after_the_close_is_refused_and_keeps_what_was_typed(client, demo):
    campaign = launch(demo.zz)
    cs.campaign_close(actor=None, campaign=campaign)
    t = talks()
    r = as_(client, demo.secretary).post(reverse("campaign_answer", args=[campaign.pk, "ZB1"]),
                                         {f"p{t.pk}": "yes", f"d{t.pk}": "刚写好的问题描述"})
    body = r.content.decode()
    assert r.status_code == 409 and "不能再作答" in body and "刚写好的问题描述" in body
    assert not Answer.objects.exists()


def test_refresh_before_the_start_is_refused(client, demo):
    campaign = launch(demo.zz)
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=today + dt.timedelta(days=2),
                                                   ends_on=today + dt.timedelta(days=9))
    r = as_(client, demo.secretary).post(reverse("campaign_answer", args=[campaign.pk, "ZB1"]), {"refresh": "1"})
    assert r.status_code == 409 and "开始前不能作答" in r.content.decode()
    assert not Answer.objects.exists()


def test_setting_the_answer_back_to_no_problem_withdraws_it(client, demo):
    campaign = launch(demo.zz)
    t = talks()
    url = reverse("campaign_answer", args=[campaign.pk, "ZB1"])
    as_(client, demo.secretary).post(url, {f"p{t.pk}": "yes", f"d{t.pk}": "未谈话"})
    problem = Answer.objects.get(item=t).problem
    r = client.post(url, {f"p{t.pk}": "no", f"d{t.pk}": "已补谈"})
    assert r.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.WITHDRAWN
    assert "问题已撤销" in client.get(url).content.decode()
    detail = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    assert "已撤销" in detail and "自查作答改为无问题" in detail


def test_a_rectified_problem_cannot_be_withdrawn_from_the_page(client, demo):
    campaign = launch(demo.zz)
    t = talks()
    problem = cs.answer_save(actor=None, campaign=campaign, item=t, org=demo.zb1, has_problem=True,
                             description="未谈话").problem
    measure = ps.measure_add(actor=None, problem=problem, text="补谈", deadline=timezone.localdate())
    ps.measure_complete(actor=None, measure=measure, evidence="已谈")
    r = as_(client, demo.secretary).post(reverse("campaign_answer", args=[campaign.pk, "ZB1"]),
                                         {f"p{t.pk}": "no", f"d{t.pk}": "已补谈"})
    body = r.content.decode()
    assert r.status_code == 200 and "不能改为“无问题”" in body and "已补谈" in body
    row = next(row for row in r.context["rows"] if row.item == t)
    assert row.choice == "no" and row.error
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING and Answer.objects.get(item=t).has_problem
