"""One publication (/disclosure/<pk>/) and withdrawing it (/disclosure/<pk>/withdraw/)."""

from __future__ import annotations

from orglife.disclosure.models import Publication

from .helpers import problem, publish_rectification


def test_scopes_decide_who_reads(client, demo):
    problem(demo.zb1)
    members = publish_rectification(demo, audience="members")
    subtree = publish_rectification(demo, audience="subtree")
    public = publish_rectification(demo, audience="public")
    cases = {
        demo.officer: (200, 200, 200),
        demo.admin: (200, 200, 200),
        demo.member: (403, 200, 200),  # a member of ZB1, below ZZ
        demo.secretary: (403, 200, 200),
        demo.outsider: (403, 403, 200),
    }
    for user, codes in cases.items():
        client.force_login(user)
        got = tuple(client.get(f"/disclosure/{p.pk}/").status_code for p in (members, subtree, public))
        assert got == codes, user
    client.logout()
    r = client.get(f"/disclosure/{public.pk}/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    client.force_login(demo.officer)
    assert client.get("/disclosure/99999/").status_code == 404


def test_a_member_of_zb3_does_not_read_zz_subtree(client, demo):
    from django.contrib.auth import get_user_model

    from orglife.orgs import services as org_services
    user = get_user_model().objects.create_user(username="zb3member", password="Secret-pass-2026")
    org_services.member_link_user(actor=None, member=demo.m3, user=user)
    pub = publish_rectification(demo, audience="subtree")
    client.force_login(user)
    assert client.get(f"/disclosure/{pub.pk}/").status_code == 403


def test_it_withdraws_with_a_reason(client, demo):
    problem(demo.zb1)
    pub = publish_rectification(demo)
    client.force_login(demo.officer)
    assert "确认撤回" in client.get(f"/disclosure/{pub.pk}/").content.decode()
    r = client.post(f"/disclosure/{pub.pk}/withdraw/", {"reason": ""})
    assert r.status_code == 400 and "撤回需填写理由" in r.content.decode()
    r = client.post(f"/disclosure/{pub.pk}/withdraw/", {"reason": "统计有误"})
    assert r.status_code == 302
    body = client.get(f"/disclosure/{pub.pk}/").content.decode()
    assert "撤回，理由：统计有误" in body and "问题 1 个" not in body and "确认撤回" not in body
    r = client.post(f"/disclosure/{pub.pk}/withdraw/", {"reason": "再撤一次"})
    assert r.status_code == 400 and "该公开事项已撤回" in r.content.decode()


def test_withdraw_403s_and_methods(client, demo):
    pub = publish_rectification(demo)
    for user in (demo.outsider, demo.member, demo.secretary):
        client.force_login(user)
        assert client.post(f"/disclosure/{pub.pk}/withdraw/", {"reason": "不该能撤回"}).status_code == 403
        assert "确认撤回" not in client.get(f"/disclosure/{pub.pk}/").content.decode()
    assert not Publication.objects.get().is_withdrawn
    client.force_login(demo.officer)
    assert client.get(f"/disclosure/{pub.pk}/withdraw/").status_code == 405
    assert client.post(f"/disclosure/{pub.pk}/").status_code == 405


def test_detail_reads_no_live_data(client, demo, django_assert_max_num_queries):
    problem(demo.zb1)
    pub = publish_rectification(demo)
    client.force_login(demo.officer)
    client.get(f"/disclosure/{pub.pk}/")
    with django_assert_max_num_queries(6):  # session, user, publication+org, grants
        client.get(f"/disclosure/{pub.pk}/")
