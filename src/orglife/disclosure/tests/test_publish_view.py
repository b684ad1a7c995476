"""发布公开事项 (/orgs/<code>/disclosure/new/)."""

from __future__ import annotations

from orglife.disclosure.models import Publication

from .helpers import problem, published_exam


def test_it_offers_the_sources(client, demo):
    published_exam(demo.zz, [], title="总支考试")
    client.force_login(demo.officer)
    r = client.get("/orgs/ZZ/disclosure/new/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "截至今日的整改台账" in body and "总支考试" in body and "2026年度" in body
    assert "公开（无需登录）" in body


def test_it_publishes(client, demo):
    problem(demo.zb1)
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/disclosure/new/", {"source": "rectification:today", "audience": "public",
                                                  "title": "整改公示"})
    pub = Publication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/disclosure/{pub.pk}/"
    assert (pub.title, pub.audience, pub.org, pub.kind) == ("整改公示", "public", demo.zz, "rectification")
    assert "问题 1 个" in client.get(r["Location"]).content.decode()


def test_bad_input_keeps_what_was_typed(client, demo):
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/disclosure/new/", {"source": "", "audience": "public", "title": "我写的标题"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "请选择公开事项" in body and "我写的标题" in body
    r = client.post("/orgs/ZZ/disclosure/new/", {"source": "exam_results:999", "audience": "members"})
    assert "请选择公开事项" in r.content.decode()  # not one of the offered sources
    assert not Publication.objects.exists()


def test_it_403s_for_personas(client, demo):
    for user in (demo.outsider, demo.member, demo.secretary):  # the secretary manages ZB1, not ZZ
        client.force_login(user)
        assert client.get("/orgs/ZZ/disclosure/new/").status_code == 403
        assert client.post("/orgs/ZZ/disclosure/new/", {"source": "rectification:today",
                                                         "audience": "public"}).status_code == 403
    client.force_login(demo.officer)
    assert client.get("/orgs/ZB3/disclosure/new/").status_code == 403  # outside the officer's scope
    assert not Publication.objects.exists()


def test_wrong_method_and_login(client, demo):
    r = client.get("/orgs/ZZ/disclosure/new/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    client.force_login(demo.officer)
    assert client.put("/orgs/ZZ/disclosure/new/").status_code == 405
