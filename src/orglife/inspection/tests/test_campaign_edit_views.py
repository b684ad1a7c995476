"""Editing a campaign: officer only, errors keep what was typed, closed campaigns refuse."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import campaign_services as cs
from orglife.inspection.models import Campaign

from .campaigns import launch

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def later(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_the_officer_edits_title_description_and_end_date(client, demo):
    campaign = launch(demo.zz)
    url = reverse("campaign_edit", args=[campaign.pk])
    r = as_(client, demo.officer).get(url)
    assert r.status_code == 200 and campaign.title in r.content.decode()
    r = client.post(url, {"title": "改后的名称", "description": "说明", "ends_on": later(40)})
    assert r.status_code == 302 and r["Location"] == reverse("campaign_detail", args=[campaign.pk])
    campaign.refresh_from_db()
    assert (campaign.title, campaign.description, campaign.ends_on.isoformat()) == ("改后的名称", "说明", later(40))


def test_errors_keep_what_was_typed(client, demo):
    campaign = launch(demo.zz)
    r = as_(client, demo.officer).post(reverse("campaign_edit", args=[campaign.pk]),
                                       {"title": "新名称", "description": "新说明", "ends_on": later(-3)})
    body = r.content.decode()
    assert r.status_code == 200 and "截止日期不能早于" in body and "新名称" in body and "新说明" in body
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title


def test_a_closed_campaign_cannot_be_edited(client, demo):
    campaign = launch(demo.zz)
    cs.campaign_close(actor=None, campaign=campaign)
    url = reverse("campaign_edit", args=[campaign.pk])
    r = as_(client, demo.officer).post(url, {"title": "x", "description": "", "ends_on": later(3)})
    assert r.status_code == 302 and Campaign.objects.get(pk=campaign.pk).title == campaign.title
    assert "不能再修改" in client.get(r["Location"]).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "member", "secretary"])
def test_only_managers_of_the_launching_org_edit(client, demo, persona):
    campaign = launch(demo.zz)
    url = reverse("campaign_edit", args=[campaign.pk])
    assert as_(client, getattr(demo, persona)).get(url).status_code == 403
    r = client.post(url, {"title": "x", "description": "", "ends_on": later(3)})
    assert r.status_code == 403 and Campaign.objects.get(pk=campaign.pk).title == campaign.title


def test_an_officer_of_another_org_cannot_edit(client, demo):
    campaign = launch(demo.zb3)
    assert as_(client, demo.officer).get(reverse("campaign_edit", args=[campaign.pk])).status_code == 403


def test_wrong_method_and_missing_campaign(client, demo):
    campaign = launch(demo.zz)
    as_(client, demo.officer)
    assert client.put(reverse("campaign_edit", args=[campaign.pk])).status_code == 405
    assert client.get(reverse("campaign_edit", args=[campaign.pk + 99])).status_code == 404
