"""Admission and the conversion outcome from the file page."""

import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import TODAY
from orglife.orgs.models import Member
from orglife.recruitment import services
from orglife.recruitment.models import Applicant

from . import factories as f

pytestmark = pytest.mark.django_db


def ready(demo) -> Applicant:
    a = f.through(f.applicant(demo.zb1))
    services.step_record(actor=None, applicant=a, step="acceptance_vote", resolution=f.assembly(demo.zb1), today=TODAY)
    f.record(a, "approval", dt.date(2025, 8, 1))
    return Applicant.objects.get(pk=a.pk)


def test_it_admits_into_a_party_group(client, demo):
    a = ready(demo)
    client.force_login(demo.secretary)
    assert "接收为预备党员" in client.get(reverse("recruitment_applicant", args=[a.pk])).content.decode()
    r = client.post(reverse("recruitment_admit", args=[a.pk]), {"party_group": demo.xz1.pk}, follow=True)
    assert "已接收陈小明为预备党员" in r.content.decode()
    member = Member.objects.get(id_number=a.id_number)
    assert member.party_group == demo.xz1 and member.admitted_on == f.VOTE_AT.date()


def test_refusal_is_shown_not_raised(client, demo):
    a = f.through(f.applicant(demo.zb1))
    client.force_login(demo.secretary)
    r = client.post(reverse("recruitment_admit", args=[a.pk]), follow=True)
    assert "不能接收为预备党员" in r.content.decode() and not Member.objects.filter(id_number=a.id_number).exists()


def test_conclude_converts(client, demo):
    a = f.admitted(demo.zb1)
    services.step_record(actor=None, applicant=a, step="conversion_vote", today=TODAY, extra={"outcome": "convert"},
                         resolution=f.assembly(demo.zb1, dt.datetime(2026, 6, 25, 15, 0, tzinfo=f.TZ)))
    f.record(a, "conversion_approval", dt.date(2026, 7, 20))
    client.force_login(demo.secretary)
    r = client.post(reverse("recruitment_conclude", args=[a.pk]), follow=True)
    assert "已办理：已转正" in r.content.decode()
    assert Member.objects.get(pk=a.member_id).category == "full"


@pytest.mark.parametrize("who", ["outsider", "member", "officer"])
def test_it_refuses_people_who_do_not_manage_the_branch(client, demo, who):
    a = ready(demo)
    if who == "officer":
        a.org = demo.zb3
        a.save()
    client.force_login(getattr(demo, who))
    for name in ("recruitment_admit", "recruitment_conclude", "recruitment_withdraw"):
        assert client.post(reverse(name, args=[a.pk])).status_code == 403
    assert not Member.objects.filter(id_number=a.id_number).exists()


def test_it_refuses_get(client, demo):
    client.force_login(demo.secretary)
    a = ready(demo)
    for name in ("recruitment_admit", "recruitment_conclude", "recruitment_withdraw"):
        assert client.get(reverse(name, args=[a.pk])).status_code == 405
