"""Campaigns: editing, closing and the answering period (services)."""

import datetime as dt

import pytest
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.inspection import campaign_services as cs
from orglife.inspection.models import Answer, Campaign

from .campaigns import launch, shipped

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def talks():
    return shipped().items.get(item_id="life.talks")


def moved(campaign, starts_on, ends_on):
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=starts_on, ends_on=ends_on)
    return Campaign.objects.get(pk=campaign.pk)


def answer(campaign, org, **kw):
    return cs.answer_save(actor=None, campaign=campaign, item=talks(), org=org, **({"has_problem": False} | kw))


def test_an_officer_edits_title_description_and_end_date_with_an_audit_event(demo):
    campaign = launch(demo.zz)
    new_end = TODAY() + dt.timedelta(days=60)
    cs.campaign_edit(actor=demo.officer, campaign=campaign, title=" 延长后的自查 ", description="请各支部认真对照",
                     ends_on=new_end)
    campaign.refresh_from_db()
    assert (campaign.title, campaign.description, campaign.ends_on) == ("延长后的自查", "请各支部认真对照", new_end)
    event = AuditEvent.objects.get(action="campaign.edit")
    assert event.actor == demo.officer and event.changes["ends_on"][1] == new_end.isoformat()
    assert "title" in event.changes and "description" in event.changes


@pytest.mark.parametrize("title,days,message", [
    ("", 10, "请填写活动名称"), ("x", -1, "截止日期不能早于今天")])
def test_edit_refuses_bad_values(demo, title, days, message):
    campaign = moved(launch(demo.zz), TODAY() - dt.timedelta(days=5), TODAY() + dt.timedelta(days=5))
    with pytest.raises(cs.ServiceError, match=message):
        cs.campaign_edit(actor=None, campaign=campaign, title=title, description="", ends_on=TODAY() + dt.timedelta(days))
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title


def test_edit_refuses_an_end_before_the_start(demo):
    campaign = moved(launch(demo.zz), TODAY() + dt.timedelta(days=5), TODAY() + dt.timedelta(days=9))
    with pytest.raises(cs.ServiceError, match="截止日期不能早于开始日期"):
        cs.campaign_edit(actor=None, campaign=campaign, title="x", description="", ends_on=TODAY() + dt.timedelta(days=2))


def test_launch_refuses_a_period_already_over(demo):
    with pytest.raises(cs.ServiceError, match="截止日期不能早于今天"):
        cs.campaign_launch(actor=None, org=demo.zz, checklist=shipped(), title="x", target="orgs",
                           starts_on=TODAY() - dt.timedelta(days=9), ends_on=TODAY() - dt.timedelta(days=1))


def test_closing_refuses_answers_and_edits_and_is_audited(demo):
    campaign = launch(demo.zz)
    answer(campaign, demo.zb1)
    cs.campaign_close(actor=demo.officer, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.closed_by == demo.officer and campaign.state(TODAY()) == "closed"
    assert campaign.closed_on == TODAY()
    assert AuditEvent.objects.filter(action="campaign.close", target_id=str(campaign.pk)).exists()
    with pytest.raises(cs.ServiceError, match="已于.*结束，不能再作答"):
        answer(campaign, demo.zb1, has_problem=True, description="新问题")
    with pytest.raises(cs.ServiceError, match="结束"):
        cs.campaign_edit(actor=None, campaign=campaign, title="x", description="", ends_on=campaign.ends_on)
    with pytest.raises(cs.ServiceError, match="结束"):
        cs.campaign_close(actor=None, campaign=campaign)
    assert Answer.objects.get().has_problem is False


def test_a_stale_copy_cannot_answer_after_the_close(demo):
    campaign = launch(demo.zz)
    stale = Campaign.objects.get(pk=campaign.pk)
    cs.campaign_close(actor=None, campaign=campaign)
    with pytest.raises(cs.ServiceError, match="不能再作答"):
        answer(stale, demo.zb1)
    assert not Answer.objects.exists()


def test_answers_are_refused_before_the_start(demo):
    campaign = moved(launch(demo.zz), TODAY() + dt.timedelta(days=1), TODAY() + dt.timedelta(days=9))
    assert campaign.state(TODAY()) == "upcoming"
    with pytest.raises(cs.ServiceError, match="开始前不能作答"):
        answer(campaign, demo.zb1)
    assert not Answer.objects.exists()


def test_automatic_answers_are_refused_outside_the_period_too(demo):
    campaign = moved(launch(demo.zz), TODAY() - dt.timedelta(days=9), TODAY() - dt.timedelta(days=1))
    with pytest.raises(cs.ServiceError, match="截止"):
        cs.answer_automatic(campaign=campaign, org=demo.zb1)
    assert not Answer.objects.exists()


def test_a_campaign_past_its_end_date_is_closed_without_any_write(demo):
    campaign = moved(launch(demo.zz), TODAY() - dt.timedelta(days=9), TODAY() - dt.timedelta(days=1))
    assert campaign.state(TODAY()) == "closed" and campaign.closed_at is None
    assert campaign.closed_on == campaign.ends_on
    with pytest.raises(cs.ServiceError, match="截止，不能再作答"):
        answer(campaign, demo.zb1)
    with pytest.raises(cs.ServiceError, match="结束"):
        cs.campaign_close(actor=None, campaign=campaign)


def test_the_last_day_still_takes_answers(demo):
    campaign = moved(launch(demo.zz), TODAY() - dt.timedelta(days=9), TODAY())
    assert answer(campaign, demo.zb1).pk
