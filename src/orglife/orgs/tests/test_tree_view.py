import pytest
from django.urls import reverse

from orglife.orgs.tests.helpers import bulk_members

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, demo):
    r = client.get(reverse("org_tree"))
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_it_shows_the_officers_subtree_only(client, demo):
    client.force_login(demo.officer)
    r = client.get(reverse("org_tree"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "测试党总支" in body and "第一党支部" in body and "第二党支部" in body
    assert "第三党支部" not in body and "测试党委" not in body


def test_it_shows_subtree_member_counts(client, demo):
    client.force_login(demo.admin)
    body = client.get(reverse("org_tree")).content.decode()
    # DW holds 3 members in total (2 in ZB1 via ZZ, 1 in ZB3); ZZ holds 2.
    assert "3 人" in body and "2 人" in body


def test_it_sends_a_plain_member_to_their_page(client, demo):
    client.force_login(demo.member)
    assert client.get(reverse("org_tree")).url == reverse("me")


def test_it_refuses_an_outsider(client, demo):
    client.force_login(demo.outsider)
    assert client.get(reverse("org_tree")).status_code == 403


def test_it_rejects_post(client, demo):
    client.force_login(demo.admin)
    assert client.post(reverse("org_tree")).status_code == 405


def test_children_fragment_is_scoped(client, demo):
    client.force_login(demo.officer)
    r = client.get(reverse("org_children", args=["ZZ"]))
    assert r.status_code == 200 and "第一党支部" in r.content.decode()
    assert client.get(reverse("org_children", args=["DW"])).status_code == 403
    assert client.get(reverse("org_children", args=["NOPE"])).status_code == 404


def test_it_groups_do_not_double_count(client, demo):
    client.force_login(demo.secretary)
    body = client.get(reverse("org_children", args=["ZB1"])).content.decode()
    assert "第一党小组" in body and "1 人" in body


def test_query_count_does_not_grow_with_members(client, demo, django_assert_max_num_queries):
    client.force_login(demo.admin)
    bulk_members(demo.zb2, 10)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("org_tree"))
    bulk_members(demo.zb2, 500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(reverse("org_tree"))
    assert "512 人" in r.content.decode() or "513 人" in r.content.decode()
