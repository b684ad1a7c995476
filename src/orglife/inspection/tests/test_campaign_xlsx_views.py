"""The campaign summary export: officer only, a real xlsx, audited."""

import io

import openpyxl
import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.inspection import campaign_services as cs

from .campaigns import launch, shipped

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def test_the_officer_downloads_the_summary(client, demo):
    campaign = launch(demo.zz)
    talks = shipped().items.get(item_id="life.talks")
    cs.answer_save(actor=None, campaign=campaign, item=talks, org=demo.zb1, has_problem=True, description="未谈话")
    r = as_(client, demo.officer).get(reverse("campaign_xlsx", args=[campaign.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["汇总", "问题分布"]
    rows = list(book["汇总"].iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in rows] == ["第一党支部", "第二党支部", "合计"]
    assert rows[0][1:5] == (1, shipped().items.count(), round(100 / shipped().items.count(), 1), 1)
    assert list(book["问题分布"].iter_rows(min_row=2, max_row=2, values_only=True))[0][1] == "life.talks"
    assert AuditEvent.objects.filter(action="campaign.export", actor=demo.officer).exists()


@pytest.mark.parametrize("persona", ["outsider", "member", "secretary"])
def test_the_export_is_for_the_launching_org(client, demo, persona):
    campaign = launch(demo.zz)
    assert as_(client, getattr(demo, persona)).get(reverse("campaign_xlsx", args=[campaign.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="campaign.export").exists()


def test_wrong_org_and_wrong_method(client, demo):
    campaign = launch(demo.zb3)
    assert as_(client, demo.officer).get(reverse("campaign_xlsx", args=[campaign.pk])).status_code == 403
    as_(client, demo.admin)
    assert client.post(reverse("campaign_xlsx", args=[campaign.pk])).status_code == 405
    assert client.get(reverse("campaign_xlsx", args=[campaign.pk])).status_code == 200
