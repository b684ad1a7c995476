import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_shows_the_linked_member(client, demo):
    client.force_login(demo.member)
    r = client.get(reverse("me"))
    body = r.content.decode()
    assert r.status_code == 200 and "李四" in body and demo.m1.id_number in body
    assert "第一党小组" in body


def test_it_explains_when_no_member_is_linked(client, demo):
    client.force_login(demo.outsider)
    assert "尚未关联党员信息" in client.get(reverse("me")).content.decode()


def test_it_requires_login(client, demo):
    assert client.get(reverse("me")).status_code == 302


def test_it_rejects_post(client, demo):
    client.force_login(demo.member)
    assert client.post(reverse("me")).status_code == 405
