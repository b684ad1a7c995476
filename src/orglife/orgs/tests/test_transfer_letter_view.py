# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""GET /transfers/<pk>/letter.pdf: a real PDF with the letter number and the full ID number, for
those who may see personal data only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from orglife.core.models import AuditEvent
from orglife.orgs.models import Member

from .transfer_fixtures import issued, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def url(t):
    return reverse("transfer_letter", args=[t.pk])


def text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_it_prints_the_letter(client, world):
    demo = world.demo
    t = issued(demo)
    client.force_login(demo.secretary)
    r = client.get(url(t))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    body = text(r)
    m = Member.objects.get(pk=demo.m2.pk)
    for expected in (t.letter_number, "王五", m.id_number, "某市某局机关党委", "第一党支部", "中国共产党党员组织关系介绍信",
                     "回执", "有效期30天", "正式党员"):
        assert expected in body, expected
    assert AuditEvent.objects.filter(action="transfer.letter_print", target_id=str(t.pk)).exists()


def test_the_issuing_committee_may_print_it(client, world):
    t = issued(world.demo)
    client.force_login(world.demo.admin)
    assert client.get(url(t)).status_code == 200


def test_it_is_forbidden_to_viewers_who_do_not_see_personal_data(client, world):
    demo = world.demo
    t = issued(demo, Member.objects.get(pk=demo.m1.pk))
    client.force_login(demo.member)  # the member sees the transfer ...
    assert client.get(reverse("transfer_detail", args=[t.pk])).status_code == 200
    assert client.get(url(t)).status_code == 200  # ... and their own letter (their own data)
    for persona in (demo.outsider, world.sec2):
        client.force_login(persona)
        assert client.get(url(t)).status_code == 403


def test_it_is_404_before_the_letter_is_issued(client, world):
    t = start(world.demo, outside="外单位党委")
    client.force_login(world.demo.secretary)
    assert client.get(url(t)).status_code == 404


def test_it_refuses_post(client, world):
    t = issued(world.demo)
    client.force_login(world.demo.secretary)
    assert client.post(url(t)).status_code == 405
