"""Registering an applicant: a form that keeps what was typed when the data is refused."""

import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import new_id
from orglife.recruitment.models import Applicant

pytestmark = pytest.mark.django_db


def url(code="ZB1"):
    return reverse("recruitment_applicant_new", args=[code])


def test_it_registers_and_redirects_to_the_file(client, demo):
    client.force_login(demo.secretary)
    assert client.get(url()).status_code == 200
    r = client.post(url(), {"name": "陈小明", "id_number": new_id(dt.date(2001, 4, 5)), "applied_on": "2026-11-02",
                            "phone": "13900001111"})
    a = Applicant.objects.get()
    assert r.status_code == 302 and r.url == reverse("recruitment_applicant", args=[a.pk])
    assert a.org == demo.zb1 and a.birth_date == dt.date(2001, 4, 5)


def test_bad_input_keeps_what_was_typed(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), {"name": "陈小明", "id_number": "110101200104051239", "applied_on": "2026-11-02",
                            "work_unit": "第一中学教师"})
    body = r.content.decode()
    assert r.status_code == 400 and "校验位" in body
    assert 'value="陈小明"' in body and 'value="第一中学教师"' in body
    assert not Applicant.objects.exists()


def test_under_18_is_refused(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), {"name": "少年", "id_number": new_id(dt.date(2010, 1, 1)), "applied_on": "2026-11-02"})
    assert r.status_code == 400 and "未满18周岁" in r.content.decode()


def test_only_at_a_branch(client, demo):
    client.force_login(demo.officer)
    assert client.get(url("ZZ")).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "member", "officer"])
def test_it_refuses_people_who_do_not_manage_the_branch(client, demo, who):
    client.force_login(getattr(demo, who))
    code = "ZB3" if who == "officer" else "ZB1"
    assert client.get(url(code)).status_code == 403
    assert client.post(url(code), {"name": "x"}).status_code == 403


def test_it_refuses_other_methods(client, demo):
    client.force_login(demo.secretary)
    assert client.put(url()).status_code == 405
