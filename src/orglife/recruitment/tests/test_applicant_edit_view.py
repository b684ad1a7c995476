"""Correcting an applicant's details."""

import pytest
from django.urls import reverse

from orglife.recruitment.models import Applicant

from . import factories as f

pytestmark = pytest.mark.django_db


def url(a):
    return reverse("recruitment_applicant_edit", args=[a.pk])


def test_it_corrects_details_and_the_application_date(client, demo):
    a = f.applicant(demo.zb1)
    client.force_login(demo.secretary)
    r = client.get(url(a))
    assert r.status_code == 200 and 'value="陈小明"' in r.content.decode()
    r = client.post(url(a), {"name": "陈晓明", "id_number": a.id_number, "applied_on": "2024-03-05",
                             "phone": "13900002222"})
    assert r.status_code == 302
    a = Applicant.objects.get(pk=a.pk)
    assert (a.name, a.phone, a.applied_on) == ("陈晓明", "13900002222", a.steps.get(step="application").on)


def test_errors_keep_the_input(client, demo):
    a = f.applicant(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(url(a), {"name": "陈晓明", "id_number": a.id_number, "applied_on": "2024-03-05", "phone": "123"})
    assert r.status_code == 400 and "手机号码格式" in r.content.decode() and 'value="陈晓明"' in r.content.decode()
    assert Applicant.objects.get(pk=a.pk).name == "陈小明"


@pytest.mark.parametrize("who", ["outsider", "member", "officer"])
def test_it_refuses_people_who_do_not_manage_the_branch(client, demo, who):
    a = f.applicant(demo.zb3 if who == "officer" else demo.zb1)
    client.force_login(getattr(demo, who))
    assert client.get(url(a)).status_code == 403
    assert client.post(url(a), {"name": "x"}).status_code == 403


def test_it_refuses_other_methods(client, demo):
    client.force_login(demo.secretary)
    assert client.delete(url(f.applicant(demo.zb1))).status_code == 405
