"""A review's page: managers see progress then totals; reviewers only their own sheets; a
secretary is sent to their own report; close."""

from __future__ import annotations

import re

import pytest

from orglife.conftest import make_member
from orglife.evaluation import review_services as services
from orglife.orgs import services as org_services
from orglife.orgs.models import Organization, OrgKind

from .review_helpers import open_review


def test_manager_sees_progress_not_scores(client, demo):
    review = open_review(demo)
    zb1 = review.reports.get(branch=demo.zb1)
    services.sheet_save(actor=demo.admin, report=zb1, reviewer=review.reviewers.get(user=demo.admin),
                        scores={"i1": "91", "i2": "77"})
    client.force_login(demo.officer)
    body = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "已评分人数" in body and "结束评议并汇总" in body
    # Scores as numbers of their own: a CSRF token or an id may contain the digits by chance.
    text = re.sub(r'value="[^"]*"', "", body)
    assert not re.search(r"(?<![\w.])(91|77)(\.\d+)?(?![\w.])", text)


def test_reviewer_sees_own_status_only(client, demo):
    review = open_review(demo, reviewers=[demo.officer, demo.secretary])
    zb1 = review.reports.get(branch=demo.zb1)
    services.sheet_save(actor=demo.officer, report=zb1, reviewer=review.reviewers.get(user=demo.officer),
                        scores={"i1": "91", "i2": "77"})
    client.force_login(demo.secretary)  # a reviewer who does not manage ZZ
    body = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "去评分" in body and "已评分人数" not in body
    report_page = client.get(f"/review-reports/{zb1.pk}/").content.decode()
    assert 'value="91"' not in report_page  # not someone else's sheet


def test_secretary_is_sent_to_own_report(client, demo):
    review = open_review(demo)
    client.force_login(demo.member)
    r = client.get(f"/reviews/{review.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/review-reports/{review.reports.get(branch=demo.zb1).pk}/"


def test_it_403s(client, demo):
    review = open_review(demo)
    for user in (demo.outsider,):
        client.force_login(user)
        assert client.get(f"/reviews/{review.pk}/").status_code == 403
    for user in (demo.outsider, demo.member, demo.secretary):
        client.force_login(user)
        assert client.post(f"/reviews/{review.pk}/close/").status_code == 403
    assert client.get("/reviews/999/").status_code == 404


def test_close_and_ranking(client, demo):
    review = open_review(demo)
    for report, score in ((review.reports.get(branch=demo.zb1), "80"), (review.reports.get(branch=demo.zb2), "90")):
        services.sheet_save(actor=demo.officer, report=report, reviewer=review.reviewers.get(user=demo.officer),
                            scores={"i1": score, "i2": score})
    client.force_login(demo.officer)
    assert client.post(f"/reviews/{review.pk}/close/").status_code == 302
    body = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "综合得分" in body and "90.00" in body and "80.00" in body
    assert body.index("第二党支部") < body.index("第一党支部")  # ranked


def test_wrong_methods(client, demo):
    review = open_review(demo)
    client.force_login(demo.officer)
    assert client.post(f"/reviews/{review.pk}/").status_code == 405
    assert client.get(f"/reviews/{review.pk}/close/").status_code == 405


@pytest.mark.parametrize("extra", [0, 10])
def test_query_count_does_not_grow(client, demo, django_assert_max_num_queries, extra):
    zz = Organization.objects.get(pk=demo.zz.pk)
    for i in range(extra):
        org_services.org_create(actor=None, parent=Organization.objects.get(pk=zz.pk), code=f"RB{i}",
                                name=f"评议支部{i}", kind=OrgKind.BRANCH)
    make_member("ZB2", name="钱七")
    review = open_review(demo)
    client.force_login(demo.officer)
    with django_assert_max_num_queries(10):
        assert client.get(f"/reviews/{review.pk}/").status_code == 200
