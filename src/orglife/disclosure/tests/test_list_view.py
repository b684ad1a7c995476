"""The 党务公开 list of an organization (/orgs/<code>/disclosure/): what each viewer may see."""

from __future__ import annotations

from .helpers import publish_rectification


def _titles(demo):
    publish_rectification(demo, audience="members", title="总支党员可见")
    publish_rectification(demo, audience="subtree", title="总支及下级可见")
    publish_rectification(demo, audience="public", title="公开可见")


def test_a_manager_sees_everything_and_may_publish(client, demo):
    _titles(demo)
    client.force_login(demo.officer)
    body = client.get("/orgs/ZZ/disclosure/").content.decode()
    assert "总支党员可见" in body and "总支及下级可见" in body and "公开可见" in body
    assert "发布公开事项" in body


def test_a_member_below_sees_subtree_and_public_only(client, demo):
    _titles(demo)
    client.force_login(demo.member)  # a member of ZB1, below ZZ
    r = client.get("/orgs/ZZ/disclosure/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "总支及下级可见" in body and "公开可见" in body
    assert "总支党员可见" not in body and "发布公开事项" not in body


def test_a_secretary_below_sees_subtree_scope(client, demo):
    _titles(demo)
    client.force_login(demo.secretary)  # a grant on ZB1, not a member
    body = client.get("/orgs/ZZ/disclosure/").content.decode()
    assert "总支及下级可见" in body and "总支党员可见" not in body


def test_a_member_sees_own_branch_members_scope(client, demo):
    publish_rectification(demo, org=demo.zb1, actor=demo.secretary, audience="members", title="支部党员可见")
    client.force_login(demo.member)
    assert "支部党员可见" in client.get("/orgs/ZB1/disclosure/").content.decode()


def test_it_403s_for_outsider_and_wrong_org(client, demo):
    _titles(demo)
    client.force_login(demo.outsider)
    assert client.get("/orgs/ZZ/disclosure/").status_code == 403
    client.force_login(demo.member)
    assert client.get("/orgs/ZB3/disclosure/").status_code == 403  # not their organization
    client.force_login(demo.secretary)
    assert client.get("/orgs/ZB2/disclosure/").status_code == 403


def test_it_needs_login_and_get(client, demo):
    r = client.get("/orgs/ZZ/disclosure/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    client.force_login(demo.officer)
    assert client.post("/orgs/ZZ/disclosure/").status_code == 405
    assert client.get("/orgs/NOPE/disclosure/").status_code == 404


def test_query_count_does_not_grow(client, demo, django_assert_max_num_queries):
    client.force_login(demo.member)
    _titles(demo)
    with django_assert_max_num_queries(10) as small:
        client.get("/orgs/ZZ/disclosure/")
    for _ in range(25):
        _titles(demo)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get("/orgs/ZZ/disclosure/")
    assert "第 1 / 3 页" in r.content.decode()
