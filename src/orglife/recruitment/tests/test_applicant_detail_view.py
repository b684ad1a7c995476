"""An applicant's file: timeline, findings, masking of personal data, and access."""

import pytest
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db


def get(client, user, a, **params):
    client.force_login(user)
    return client.get(reverse("recruitment_applicant", args=[a.pk]), params)


def test_it_shows_the_timeline_findings_and_the_next_step_form(client, demo):
    a = f.through(f.applicant(demo.zb1), "activist")
    r = get(client, demo.secretary, a)
    body = r.content.decode()
    assert r.status_code == 200
    assert "第2阶段 入党积极分子的确定和培养教育" in body and "2024年4月15日" in body
    assert "dev.activist_assessment" in body  # assessment every 6 months: overdue since October 2024
    assert a.id_number in body  # the branch's manager sees the ID number
    assert r.context["form"].step.id == "activist_filing"
    assert 'name="step" value="activist_filing"' in body


def test_a_step_can_be_chosen_and_shows_only_its_fields(client, demo):
    a = f.through(f.applicant(demo.zb1), "candidate")
    form = get(client, demo.secretary, a, step="training").context["form"]
    assert set(form.fields) == {"on", "days", "hours", "notes"}
    form = get(client, demo.secretary, a, step="sponsors").context["form"]
    assert "actors" in form.fields and "actor_names" not in form.fields


def test_viewers_above_see_masked_personal_data(client, demo):
    from orglife.core.models import Role
    from orglife.orgs.services import grant_role

    grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    a = f.applicant(demo.zb1)
    body = get(client, demo.outsider, a).content.decode()
    assert a.masked_id in body and a.id_number not in body and "13900001111" not in body
    assert "2000年2月3日" not in body  # the birth date is what the mask hides
    assert "记录步骤" not in body


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_it_refuses_people_without_a_grant(client, demo, who):
    assert get(client, getattr(demo, who), f.applicant(demo.zb1)).status_code == 403


def test_it_refuses_the_wrong_org(client, demo):
    assert get(client, demo.secretary, f.applicant(demo.zb2)).status_code == 403


def test_missing_is_404_and_post_is_405(client, demo):
    client.force_login(demo.secretary)
    assert client.get(reverse("recruitment_applicant", args=[999])).status_code == 404
    assert client.post(reverse("recruitment_applicant", args=[f.applicant(demo.zb1).pk])).status_code == 405
