"""述职评议 services: opening freezes secretaries, reports with type-checked files, sheets, close."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from orglife.evaluation import review_services as services
from orglife.evaluation.review_models import ReviewStatus
from orglife.orgs.services import ServiceError

from .review_helpers import ITEMS, open_review


def test_open_freezes_branch_secretaries(demo):
    review = open_review(demo)
    reports = {r.branch.code: r for r in review.reports.all()}
    assert set(reports) == {"ZB1", "ZB2"}
    assert reports["ZB1"].secretary == demo.m1 and reports["ZB1"].secretary_name == "李四"
    assert reports["ZB2"].secretary is None
    assert [i["label"] for i in review.items] == ["履行职责", "组织生活"]


def test_open_refuses_branch_and_duplicates(demo):
    with pytest.raises(ServiceError):
        services.review_open(actor=demo.secretary, org=demo.zb1, year=2026, items_text=ITEMS, ranked=True,
                             reviewer_ids=[demo.officer.pk])
    open_review(demo)
    with pytest.raises(ServiceError) as exc:
        services.review_open(actor=demo.officer, org=demo.zz, year=2026, items_text=ITEMS, ranked=True,
                             reviewer_ids=[demo.officer.pk])
    assert "已经开始" in exc.value.errors["year"]


@pytest.mark.parametrize("text", ["", "没有权重", "职责 -3", "职责 abc"])
def test_bad_items(text):
    with pytest.raises(ServiceError):
        services.parse_items(text)


def test_default_items_parse():
    items = services.parse_items(services.default_items_text())
    assert sum(Decimal(i["weight"]) for i in items) == 100


def test_report_upload_checks_type(demo):
    review = open_review(demo)
    report = review.reports.get(branch=demo.zb1)
    with pytest.raises(ServiceError) as exc:
        services.report_submit(actor=demo.member, report=report,
                               upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))
    assert "文件类型不支持" in exc.value.errors["file"]
    with pytest.raises(ServiceError):
        services.report_submit(actor=demo.member, report=report, text="  ")
    services.report_submit(actor=demo.member, report=report, text="我的述职",
                           upload=SimpleUploadedFile("述职.pdf", b"%PDF-1.4 test", "application/pdf"))
    report.refresh_from_db()
    assert report.file_type == services.PDF and report.text == "我的述职" and report.submitted_at


def test_sheet_validation_and_close(demo):
    review = open_review(demo)
    zb1 = review.reports.get(branch=demo.zb1)
    officer, admin = review.reviewers.get(user=demo.officer), review.reviewers.get(user=demo.admin)
    with pytest.raises(ServiceError) as exc:
        services.sheet_save(actor=demo.officer, report=zb1, reviewer=officer, scores={"i1": "101", "i2": ""})
    assert set(exc.value.errors) == {"i1", "i2"}
    services.sheet_save(actor=demo.officer, report=zb1, reviewer=officer, scores={"i1": "90", "i2": "80"}, comment="好")
    services.sheet_save(actor=demo.admin, report=zb1, reviewer=admin, scores={"i1": "70", "i2": "60"})
    services.review_close(actor=demo.officer, review=review)
    zb1.refresh_from_db()
    # averages 80 and 70; weighted (60 × 80 + 40 × 70) / 100 = 76
    assert zb1.total == Decimal("76.00") and zb1.item_scores == {"i1": "80.00", "i2": "70.00"}
    assert zb1.rank == 1 and zb1.sheets == 2
    assert review.reports.get(branch=demo.zb2).total is None
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED
    with pytest.raises(ServiceError):
        services.sheet_save(actor=demo.officer, report=zb1, reviewer=officer, scores={"i1": "1", "i2": "1"})


def test_no_self_review(demo):
    review = open_review(demo, reviewers=[demo.officer, demo.member])
    zb1 = review.reports.get(branch=demo.zb1)
    with pytest.raises(ServiceError) as exc:
        services.sheet_save(actor=demo.member, report=zb1, reviewer=review.reviewers.get(user=demo.member),
                            scores={"i1": "100", "i2": "100"})
    assert "自己" in exc.value.errors["__all__"]


weights = st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6)


@given(weights, st.data())
def test_aggregate_is_the_weighted_mean_of_averages(ws, data):
    items = [{"key": f"i{n}", "label": f"项{n}", "weight": str(w)} for n, w in enumerate(ws)]
    sheets = data.draw(st.lists(st.fixed_dictionaries({i["key"]: st.integers(0, 100).map(str) for i in items}),
                                min_size=1, max_size=8))
    averages, total = services.aggregate(items, sheets)
    assert total is not None and Decimal(0) <= total <= Decimal(100)
    lo = min(Decimal(s[i["key"]]) for s in sheets for i in items)
    hi = max(Decimal(s[i["key"]]) for s in sheets for i in items)
    assert lo - Decimal("0.01") <= total <= hi + Decimal("0.01")
    exact = sum(Decimal(i["weight"]) * sum(Decimal(s[i["key"]]) for s in sheets) / len(sheets) for i in items) / sum(ws)
    assert abs(total - exact) <= Decimal("0.02")
