"""A duty report: the secretary submits and later sees only their own result; reviewers score;
the organization writes feedback; files are served only to those who may see the report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from orglife.evaluation import review_services as services
from orglife.evaluation.review_models import ReviewSheet

from .review_helpers import open_review


def test_secretary_submits_text_and_file(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    client.force_login(demo.member)
    r = client.post(f"/review-reports/{report.pk}/submit/", {
        "text": "一年来，我认真履行职责……",
        "file": SimpleUploadedFile("述职.pdf", b"%PDF-1.4 body", content_type="application/pdf")})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.submitted_at and report.file_name == "述职.pdf"
    r = client.get(f"/review-reports/{report.pk}/file/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_wrong_file_type_keeps_the_text(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    client.force_login(demo.member)
    r = client.post(f"/review-reports/{report.pk}/submit/", {
        "text": "我的述职正文", "file": SimpleUploadedFile("a.docx", b"not a zip", content_type="application/msword")})
    assert r.status_code == 400
    body = r.content.decode()
    assert "文件类型不支持" in body and "我的述职正文" in body


def test_other_secretary_and_outsider_get_403(client, demo):
    review = open_review(demo)
    zb2 = review.reports.get(branch=demo.zb2)
    zb1 = review.reports.get(branch=demo.zb1)
    client.force_login(demo.member)  # ZB1's secretary
    assert client.get(f"/review-reports/{zb2.pk}/").status_code == 403
    assert client.get(f"/review-reports/{zb2.pk}/file/").status_code == 403
    client.force_login(demo.outsider)
    assert client.get(f"/review-reports/{zb1.pk}/").status_code == 403
    assert client.post(f"/review-reports/{zb1.pk}/score/", {"score_i1": "1", "score_i2": "1"}).status_code == 403
    client.force_login(demo.officer)  # a manager, not a secretary
    assert client.post(f"/review-reports/{zb1.pk}/submit/", {"text": "x"}).status_code == 403


def test_reviewer_scores_with_errors_kept(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    client.force_login(demo.admin)
    r = client.post(f"/review-reports/{report.pk}/score/", {"score_i1": "120", "score_i2": "80", "comment": "不错"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "0到100" in body and 'value="80"' in body and "不错" in body
    r = client.post(f"/review-reports/{report.pk}/score/", {"score_i1": "85", "score_i2": "80", "comment": "不错"})
    assert r.status_code == 302
    assert ReviewSheet.objects.get().scores == {"i1": "85.00", "i2": "80.00"}


def test_member_cannot_score(client, demo):
    review = open_review(demo)
    client.force_login(demo.member)
    r = client.post(f"/review-reports/{review.reports.get(branch=demo.zb1).pk}/score/", {"score_i1": "100"})
    assert r.status_code == 403


def test_secretary_sees_own_result_after_close(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    services.sheet_save(actor=demo.officer, report=report, reviewer=review.reviewers.get(user=demo.officer),
                        scores={"i1": "90", "i2": "70"}, comment="抓党建有力")
    services.feedback_save(actor=demo.officer, report=report, text="继续加强理论学习")
    client.force_login(demo.member)
    assert "评议结果" not in client.get(f"/review-reports/{report.pk}/").content.decode()
    services.review_close(actor=demo.officer, review=review)
    body = client.get(f"/review-reports/{report.pk}/").content.decode()
    assert "综合得分 <strong>82.00</strong>" in body and "抓党建有力" in body and "继续加强理论学习" in body
    assert "排第 <strong>1</strong> 名" in body


def test_feedback_only_by_manager(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    client.force_login(demo.member)
    assert client.post(f"/review-reports/{report.pk}/feedback/", {"feedback": "x"}).status_code == 403
    client.force_login(demo.officer)
    assert client.post(f"/review-reports/{report.pk}/feedback/", {"feedback": ""}).status_code == 400
    assert client.post(f"/review-reports/{report.pk}/feedback/", {"feedback": "好"}).status_code == 302


def test_mine_lists_own_reports(client, demo):
    open_review(demo)
    client.force_login(demo.member)
    body = client.get("/me/reviews/").content.decode()
    assert "2026年度党支部书记述职评议" in body and "待提交" in body


def test_wrong_methods(client, demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    client.force_login(demo.member)
    assert client.post(f"/review-reports/{report.pk}/").status_code == 405
    assert client.get(f"/review-reports/{report.pk}/submit/").status_code == 405
    assert client.get(f"/review-reports/{report.pk}/score/").status_code == 405
    assert client.post("/me/reviews/").status_code == 405
