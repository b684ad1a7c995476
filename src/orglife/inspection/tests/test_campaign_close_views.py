"""Closing a campaign from its page: officer only, POST only, audited, idempotent refusal."""

import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.inspection.models import Campaign

from .campaigns import launch

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def test_the_officer_closes_the_campaign(client, demo):
    campaign = launch(demo.zz)
    r = as_(client, demo.officer).post(reverse("campaign_close", args=[campaign.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("campaign_detail", args=[campaign.pk])
    campaign.refresh_from_db()
    assert campaign.closed_at is not None and campaign.closed_by == demo.officer
    assert AuditEvent.objects.filter(action="campaign.close", actor=demo.officer).count() == 1
    assert "以下为最终结果" in client.get(r["Location"]).content.decode()


def test_closing_twice_is_refused_with_a_message(client, demo):
    campaign = launch(demo.zz)
    as_(client, demo.officer).post(reverse("campaign_close", args=[campaign.pk]))
    r = client.post(reverse("campaign_close", args=[campaign.pk]), follow=True)
    assert "不能再修改" in r.content.decode()
    assert AuditEvent.objects.filter(action="campaign.close").count() == 1


@pytest.mark.parametrize("persona", ["outsider", "member", "secretary"])
def test_only_managers_of_the_launching_org_close(client, demo, persona):
    campaign = launch(demo.zz)
    assert as_(client, getattr(demo, persona)).post(reverse("campaign_close", args=[campaign.pk])).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).closed_at is None


def test_wrong_org_and_wrong_method(client, demo):
    campaign = launch(demo.zb3)
    assert as_(client, demo.officer).post(reverse("campaign_close", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("campaign_close", args=[campaign.pk])).status_code == 405
    assert Campaign.objects.get(pk=campaign.pk).closed_at is None
