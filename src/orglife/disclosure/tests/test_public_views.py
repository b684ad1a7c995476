"""Public pages (/public/<code>/): no login, only public-scope publications, withdrawn ones as notices."""

from __future__ import annotations

from orglife.disclosure import services

from .helpers import problem, publish_rectification, published_exam


def test_anonymous_sees_only_public_publications(client, demo):
    problem(demo.zb1)
    public = publish_rectification(demo, title="公开的整改情况")
    publish_rectification(demo, audience="members", title="党内的整改情况")
    publish_rectification(demo, audience="subtree", title="总支内的整改情况")
    body = client.get("/public/ZZ/").content.decode()
    assert "公开的整改情况" in body
    assert "党内的整改情况" not in body and "总支内的整改情况" not in body
    r = client.get(f"/public/ZZ/{public.pk}/")
    assert r.status_code == 200
    assert "问题 1 个" in r.content.decode()


def test_unpublished_results_never_appear(client, demo):
    problem(demo.zb1, "未公开的问题描述乙")
    exam_title = "未公开的考试丙"
    published_exam(demo.zz, [{"name": "李四", "org": "第一党支部", "score": "90", "passed": True}], title=exam_title)
    for url in ("/public/ZZ/", "/public/ZB1/", "/public/DW/"):
        body = client.get(url).content.decode()
        assert "未公开的问题描述乙" not in body and exam_title not in body and "李四" not in body
        assert "暂无公开事项" in body


def test_non_public_publications_are_404(client, demo):
    members = publish_rectification(demo, audience="members")
    subtree = publish_rectification(demo, audience="subtree")
    for pub in (members, subtree):
        assert client.get(f"/public/ZZ/{pub.pk}/").status_code == 404
    public = publish_rectification(demo)
    assert client.get(f"/public/ZB1/{public.pk}/").status_code == 404  # under another organization's page
    assert client.get("/public/NOPE/").status_code == 404


def test_a_withdrawn_publication_shows_only_the_notice(client, demo):
    problem(demo.zb1)
    pub = publish_rectification(demo, title="整改情况公示")
    services.withdraw(actor=demo.officer, publication=pub, reason="数据统计口径有误")
    body = client.get(f"/public/ZZ/{pub.pk}/").content.decode()
    assert "数据统计口径有误" in body and "撤回" in body
    assert "问题 1 个" not in body and "整改进度" not in body
    index = client.get("/public/ZZ/").content.decode()
    assert "已撤回" in index and "数据统计口径有误" in index
    assert f'href="/public/ZZ/{pub.pk}/"' not in index


def test_the_page_renders_the_snapshot_not_live_data(client, demo):
    problem(demo.zb1)
    pub = publish_rectification(demo)
    before = client.get(f"/public/ZZ/{pub.pk}/").content.decode()
    problem(demo.zb2)
    problem(demo.zb2)
    demo.zb1.__class__.objects.filter(pk=demo.zb1.pk).update(name="改名后的支部")
    after = client.get(f"/public/ZZ/{pub.pk}/").content.decode()
    assert "问题 1 个" in after and "第一党支部" in after and "改名后的支部" not in after
    assert before == after


def test_wrong_methods(client, demo):
    pub = publish_rectification(demo)
    assert client.post("/public/ZZ/").status_code == 405
    assert client.post(f"/public/ZZ/{pub.pk}/").status_code == 405


def test_query_counts_do_not_grow(client, demo, django_assert_max_num_queries):
    problem(demo.zb1)
    pub = publish_rectification(demo)
    with django_assert_max_num_queries(3):
        client.get("/public/ZZ/")
    with django_assert_max_num_queries(2):  # the organization and the publication: no live data
        client.get(f"/public/ZZ/{pub.pk}/")
    for _ in range(30):
        p = publish_rectification(demo)
        services.withdraw(actor=demo.officer, publication=p, reason="重发")
    with django_assert_max_num_queries(3):
        r = client.get("/public/ZZ/")
    assert "第 1 / 2 页" in r.content.decode()
