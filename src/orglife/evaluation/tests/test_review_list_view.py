"""The 述职评议 list of an organization and the 开始述职评议 form."""

from __future__ import annotations

from orglife.evaluation.review_models import DutyReportReview

from .review_helpers import ITEMS, make_secretary, open_review


def test_it_shows_the_form_with_default_items(client, demo):
    client.force_login(demo.officer)
    body = client.get("/orgs/ZZ/reviews/").content.decode()
    assert "开始述职评议" in body and "落实组织生活制度 25" in body and "officer" in body


def test_it_opens_a_review(client, demo):
    make_secretary(demo.zb1, demo.m1)
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/reviews/new/", {"year": 2026, "items": ITEMS, "ranked": "on",
                                              "reviewers": [demo.officer.pk]})
    review = DutyReportReview.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reviews/{review.pk}/"
    assert review.reports.count() == 2 and review.ranked


def test_bad_items_keep_the_input(client, demo):
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/reviews/new/", {"year": 2026, "items": "职责 很多", "reviewers": [demo.officer.pk]})
    assert r.status_code == 400
    body = r.content.decode()
    assert "第1行" in body and "职责 很多" in body
    assert not DutyReportReview.objects.exists()


def test_it_403s(client, demo):
    for user in (demo.outsider, demo.member, demo.secretary):
        client.force_login(user)
        assert client.get("/orgs/ZZ/reviews/").status_code == 403
        assert client.post("/orgs/ZZ/reviews/new/", {"year": 2026, "items": ITEMS,
                                                     "reviewers": [demo.officer.pk]}).status_code == 403
    client.force_login(demo.officer)
    assert client.get("/orgs/ZB3/reviews/").status_code == 403  # wrong organization


def test_list_shows_reviews(client, demo):
    open_review(demo)
    client.force_login(demo.officer)
    assert "2026年度党支部书记述职评议" in client.get("/orgs/ZZ/reviews/").content.decode()


def test_wrong_methods(client, demo):
    client.force_login(demo.officer)
    assert client.post("/orgs/ZZ/reviews/").status_code == 405
    assert client.get("/orgs/ZZ/reviews/new/").status_code == 405
