"""我的党费: the member's shortcut to their own dues page."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_redirects_a_member_to_their_page(client, dues):
    client.force_login(dues.member)
    r = client.get("/dues/mine/")
    assert r.status_code == 302 and r.url == f"/dues/member/{dues.m1.pk}/"


def test_a_user_without_member_record_goes_back_to_me(client, dues):
    client.force_login(dues.outsider)
    r = client.get("/dues/mine/")
    assert r.status_code == 302 and r.url == "/me/"


def test_wrong_method(client, dues):
    client.force_login(dues.member)
    assert client.post("/dues/mine/").status_code == 405


def test_me_page_links_to_my_dues(client, dues):
    client.force_login(dues.member)
    assert "/dues/mine/" in client.get("/me/").content.decode()
