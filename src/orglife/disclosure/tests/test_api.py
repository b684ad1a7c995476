"""The read-only 党务公开 API: public endpoints without a token, scoped endpoints with one."""

from __future__ import annotations

from orglife.api.tests import ApiClient
from orglife.disclosure import services

from .helpers import problem, publish_rectification


def test_public_endpoints_need_no_token_and_show_only_public(demo):
    problem(demo.zb1)
    public = publish_rectification(demo, title="公开的")
    members = publish_rectification(demo, audience="members", title="党内的")
    anon = ApiClient()
    r = anon.get("/public/ZZ/publications")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and [i["title"] for i in body["items"]] == ["公开的"]
    r = anon.get(f"/public/ZZ/publications/{public.pk}")
    assert r.status_code == 200 and r.json()["snapshot"]["totals"]["total"] == 1
    assert anon.get(f"/public/ZZ/publications/{members.pk}").status_code == 404
    assert anon.get("/public/NOPE/publications").status_code == 404


def test_withdrawn_has_no_content(demo):
    pub = publish_rectification(demo)
    services.withdraw(actor=demo.officer, publication=pub, reason="复核")
    body = ApiClient().get(f"/public/ZZ/publications/{pub.pk}").json()
    assert body["withdrawn"] and body["withdraw_reason"] == "复核" and body["snapshot"] is None


def test_scoped_endpoints_follow_the_pages(demo):
    members = publish_rectification(demo, audience="members", title="党内的")
    subtree = publish_rectification(demo, audience="subtree", title="总支内的")
    officer, member, outsider = ApiClient(demo.officer), ApiClient(demo.member), ApiClient(demo.outsider)
    assert officer.get("/disclosure/ZZ/publications").json()["count"] == 2
    assert [i["title"] for i in member.get("/disclosure/ZZ/publications").json()["items"]] == ["总支内的"]
    assert member.get(f"/disclosure/ZZ/publications/{members.pk}").status_code == 403
    assert member.get(f"/disclosure/ZZ/publications/{subtree.pk}").status_code == 200
    assert outsider.get("/disclosure/ZZ/publications").status_code == 403
    assert outsider.get(f"/disclosure/ZZ/publications/{subtree.pk}").status_code == 403
    assert ApiClient().get("/disclosure/ZZ/publications").status_code == 401
    assert officer.get("/disclosure/ZZ/publications", limit=500).status_code == 400
