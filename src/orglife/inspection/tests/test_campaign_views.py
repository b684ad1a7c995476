"""Campaign pages: list and launch, progress, answering, checklist upload; scoped to personas."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.inspection.models import Answer, Campaign, Checklist, Problem

from .campaigns import launch, shipped
from .test_checklists import META, xlsx

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def test_the_org_page_links_to_campaigns(client, demo):
    r = as_(client, demo.secretary).get(reverse("org_detail", args=["ZB1"]))
    assert reverse("campaign_list", args=["ZB1"]) in r.content.decode()


def test_an_officer_launches_a_campaign(client, demo):
    checklist = shipped()
    today = timezone.localdate()
    r = as_(client, demo.officer).post(reverse("campaign_list", args=["ZZ"]), {
        "title": "2026年自查", "description": "对照清单逐条自查", "checklist": checklist.pk,
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=30)).isoformat(), "target": "orgs"})
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("campaign_detail", args=[campaign.pk])
    assert campaign.org_id == demo.zz.pk and campaign.launched_by == demo.officer
    assert campaign.description == "对照清单逐条自查"


def test_the_launch_form_shows_errors(client, demo):
    r = as_(client, demo.officer).post(reverse("campaign_list", args=["ZZ"]), {
        "title": "x", "checklist": shipped().pk, "starts_on": "2026-12-01", "ends_on": "2026-11-01", "target": "orgs"})
    assert r.status_code == 200 and "截止日期不能早于开始日期" in r.content.decode()
    assert not Campaign.objects.exists()


def test_a_branch_sees_campaigns_from_above(client, demo):
    campaign = launch(demo.zz)
    r = as_(client, demo.secretary).get(reverse("campaign_list", args=["ZB1"]))
    assert campaign.title in r.content.decode() and r.context["may_launch"]


def test_the_branch_answers_with_automatic_items_pre_answered(client, demo):
    campaign = launch(demo.zz)
    url = reverse("campaign_answer", args=[campaign.pk, "ZB1"])
    r = as_(client, demo.secretary).get(url)
    body = r.content.decode()
    assert r.status_code == 200 and "系统自动核查" in body and "/orgs/ZB1/compliance/?year=" in body
    talks = shipped().items.get(item_id="life.talks")
    size = shipped().items.get(item_id="setup.size")
    r = client.post(url, {f"p{talks.pk}": "yes", f"d{talks.pk}": "委员之间未谈话", f"p{size.pk}": "no"})
    assert r.status_code == 302
    answer = Answer.objects.get(campaign=campaign, org=demo.zb1, item=talks)
    assert answer.answered_by == demo.secretary and answer.problem.source == "self_inspection"
    ledger = client.get(reverse("ledger", args=["ZB1"])).content.decode()
    assert "委员之间未谈话" in ledger


def test_an_answer_with_a_problem_but_no_description_is_shown_as_an_error(client, demo):
    campaign = launch(demo.zz)
    talks = shipped().items.get(item_id="life.talks")
    r = as_(client, demo.secretary).post(reverse("campaign_answer", args=[campaign.pk, "ZB1"]), {f"p{talks.pk}": "yes"})
    assert r.status_code == 200 and "存在问题时请写明问题描述" in r.content.decode()
    row = next(row for row in r.context["rows"] if row.item == talks)
    assert row.choice == "yes" and row.error
    assert not Problem.objects.filter(source="self_inspection", description__contains="life.talks").exists()


def test_the_officer_sees_progress_per_organization(client, demo):
    campaign = launch(demo.zz)
    r = as_(client, demo.officer).get(reverse("campaign_detail", args=[campaign.pk]))
    assert r.status_code == 200 and [row.org.code for row in r.context["rows"]] == ["ZB1", "ZB2"]


def test_the_secretary_sees_the_answer_link_not_the_progress(client, demo):
    campaign = launch(demo.zz)
    r = as_(client, demo.secretary).get(reverse("campaign_detail", args=[campaign.pk]))
    assert r.status_code == 200 and r.context["rows"] is None
    assert reverse("campaign_answer", args=[campaign.pk, "ZB1"]) in r.content.decode()


def test_a_member_answers_a_members_campaign(client, demo):
    campaign = launch(demo.zz, target="members")
    talks = shipped().items.get(item_id="life.talks")
    as_(client, demo.member)
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 200
    r = client.post(reverse("campaign_answer_mine", args=[campaign.pk]), {f"p{talks.pk}": "no"})
    assert r.status_code == 302 and Answer.objects.get().member == demo.m1


@pytest.mark.parametrize("persona,status", [
    ("outsider", 403), ("member", 403), ("secretary", 200), ("officer", 200), ("admin", 200)])
def test_the_progress_page_is_scoped(client, demo, persona, status):
    campaign = launch(demo.zz)
    assert as_(client, getattr(demo, persona)).get(reverse("campaign_detail", args=[campaign.pk])).status_code == status


@pytest.mark.parametrize("persona,code,status", [
    ("outsider", "ZB1", 403), ("member", "ZB1", 403), ("secretary", "ZB2", 403), ("officer", "ZB3", 403),
    ("secretary", "ZB1", 200), ("officer", "ZB2", 200), ("secretary", "NOPE", 404)])
def test_the_answer_page_is_scoped(client, demo, persona, code, status):
    campaign = launch(demo.zz)
    r = as_(client, getattr(demo, persona)).get(reverse("campaign_answer", args=[campaign.pk, code]))
    assert r.status_code == status


def test_the_officers_own_org_is_not_a_target(client, demo):
    campaign = launch(demo.zz)
    assert as_(client, demo.officer).get(reverse("campaign_answer", args=[campaign.pk, "ZZ"])).status_code == 404


@pytest.mark.parametrize("persona,code,status", [
    ("outsider", "ZZ", 403), ("member", "ZB1", 403), ("officer", "ZB3", 403), ("secretary", "ZB1", 200)])
def test_the_list_is_scoped(client, demo, persona, code, status):
    assert as_(client, getattr(demo, persona)).get(reverse("campaign_list", args=[code])).status_code == status


@pytest.mark.parametrize("persona,code", [("member", "ZB1"), ("outsider", "ZB1"), ("secretary", "ZZ")])
def test_only_managers_launch(client, demo, persona, code):
    r = as_(client, getattr(demo, persona)).post(reverse("campaign_list", args=[code]), {"title": "x"})
    assert r.status_code == 403 and not Campaign.objects.exists()


def test_members_own_page_is_refused_without_a_members_campaign(client, demo):
    campaign = launch(demo.zz)
    assert as_(client, demo.member).get(reverse("campaign_answer_mine", args=[campaign.pk])).status_code == 403


@pytest.mark.parametrize("persona,status", [
    ("outsider", 403), ("member", 403), ("secretary", 403), ("officer", 403), ("admin", 200)])
def test_the_upload_page_is_for_administrators(client, demo, persona, status):
    assert as_(client, getattr(demo, persona)).get(reverse("checklist_upload")).status_code == status


def test_an_upload_with_errors_shows_the_error_table_and_loads_nothing(client, demo):
    f = xlsx([("作风", "z.1", "条目一", 1, "", "", "", "")])
    f.name = "list.xlsx"
    r = as_(client, demo.admin).post(reverse("checklist_upload"), {**META, "file": f})
    body = r.content.decode()
    assert r.status_code == 200 and "未载入任何条目" in body and "请填写依据" in body
    assert not Checklist.objects.exists()


def test_an_upload_loads_the_list(client, demo):
    f = xlsx([("作风", "z.1", "条目一", 1, "", "出处", "", "")])
    f.name = "list.xlsx"
    r = as_(client, demo.admin).post(reverse("checklist_upload"), {**META, "file": f})
    assert r.status_code == 302 and Checklist.objects.get().items.count() == 1


def _count(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(60) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_progress_page_query_count_is_flat(client, demo, django_assert_max_num_queries):
    from orglife.orgs import services

    campaign = launch(demo.zz)
    as_(client, demo.officer)
    url = reverse("campaign_detail", args=[campaign.pk])
    few = _count(client, url, django_assert_max_num_queries)
    for i in range(10):
        org = services.org_create(actor=None, parent=demo.zz, code=f"ZBX{i}", name=f"支部{i}", kind="branch")
        talks = shipped().items.get(item_id="life.talks")
        from orglife.inspection import campaign_services as cs

        cs.answer_save(actor=None, campaign=campaign, item=talks, org=org, has_problem=True, description="问题")
    assert _count(client, url, django_assert_max_num_queries) == few


def test_opening_the_answer_page_writes_nothing(client, demo):
    campaign = launch(demo.zz)
    url = reverse("campaign_answer", args=[campaign.pk, "ZB1"])
    body = as_(client, demo.secretary).get(url).content.decode()
    assert "系统自动核查" in body  # shown, computed…
    assert not Answer.objects.filter(campaign=campaign).exists()  # …but not saved by a GET


def test_an_administrator_of_a_branch_does_not_load_shared_checklists(client, demo):
    from orglife.core.models import Role
    from orglife.orgs import services as org_services

    org_services.grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.ADMINISTRATOR)
    client.force_login(demo.outsider)
    assert client.get(reverse("checklist_upload")).status_code == 403
