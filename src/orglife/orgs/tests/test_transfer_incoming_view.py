"""GET/POST /orgs/<code>/transfers/incoming/: a member comes from outside with a letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import new_id
from orglife.orgs.models import Member
from orglife.orgs.transfer_models import Transfer, TransferKind

pytestmark = pytest.mark.django_db


def url(code="ZB1"):
    return reverse("transfer_incoming", args=[code])


def data(**over):
    d = {"name": "钱七", "id_number": new_id(), "category": "full", "admitted_on": "2012-07-01",
         "full_member_on": "2013-07-01", "org": "ZB1", "party_group": "", "outside_name": "外省某县某镇党委",
         "letter_number": "某组转〔2026〕17号", "paid_up_to": "2026-10", "reason": "工作调动",
         "transfer_on": "2026-11-20"}
    d.update(over)
    return d


def test_it_shows_the_form(client, demo):
    client.force_login(demo.secretary)
    r = client.get(url())
    assert r.status_code == 200
    body = r.content.decode()
    assert "介绍信编号" in body and "党费交至（月份）" in body and "接收并登记" in body


def test_it_registers_the_member_and_records_the_letter(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), data(party_group="XZ1"))
    t = Transfer.objects.get()
    assert r.status_code == 302 and r.url == reverse("transfer_detail", args=[t.pk])
    assert t.kind == TransferKind.IN and t.paid_up_to == dt.date(2026, 10, 1)
    assert t.member.org.code == "ZB1" and t.member.party_group.code == "XZ1"
    body = client.get(r.url).content.decode()
    assert "某组转〔2026〕17号" in body and "2026年10月" in body


def test_it_keeps_what_was_typed_and_saves_nothing_on_errors(client, demo):
    client.force_login(demo.secretary)
    r = client.post(url(), data(letter_number="", paid_up_to="十月", id_number="1234"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "请按“年-月”填写" in body
    assert 'value="钱七"' in body and 'value="外省某县某镇党委"' in body
    r = client.post(url(), data(letter_number="", id_number="1234"))
    body = r.content.decode()
    assert "请填写介绍信编号" in body and 'value="1234"' in body
    assert not Member.objects.filter(name="钱七").exists() and not Transfer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_it_is_forbidden_to_personas(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(url()).status_code == 403
    assert client.post(url(), data()).status_code == 403


def test_it_is_forbidden_for_the_wrong_org(client, demo):
    client.force_login(demo.secretary)
    assert client.post(url("ZB3"), data(org="ZB3")).status_code == 403
    assert not Transfer.objects.exists()


def test_it_refuses_delete(client, demo):
    client.force_login(demo.secretary)
    assert client.delete(url()).status_code == 405
