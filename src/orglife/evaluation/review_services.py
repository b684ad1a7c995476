"""Writes of 述职评议: open a review (secretaries frozen, items and reviewers chosen), a secretary's
duty report, a reviewer's score sheet, the organization's feedback, close (aggregate and rank).

Each write is one transaction with its audit event; the review row is locked so that a close
cannot interleave with a score being saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.meetings import services as meeting_services
from orglife.orgs.models import Organization, PostHolding
from orglife.orgs.services import ServiceError

from . import scorecard_rules as sr
from .review_models import DutyReport, DutyReportReview, Reviewer, ReviewSheet, ReviewStatus

BRANCH_KINDS = ("branch", "joint_branch")
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ITEMS = 20


def parse_items(text: str) -> list[dict]:
    """Items from lines "名称 权重" (or "名称|权重"); weights are positive numbers."""
    items = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        label, _, weight = line.replace("|", " ").replace("｜", " ").rpartition(" ")
        label = label.strip()
        try:
            value = Decimal(weight.strip())
        except ArithmeticError:
            raise ServiceError({"items": f"第{n}行：请写成“项目名称 权重”，权重为数字"}) from None
        if not label or not value.is_finite() or value <= 0:
            raise ServiceError({"items": f"第{n}行：请写成“项目名称 权重”，权重为正数"})
        items.append({"key": f"i{len(items) + 1}", "label": label[:60], "weight": str(value)})
    if not items:
        raise ServiceError({"items": "至少需要一个评议项目"})
    if len(items) > MAX_ITEMS:
        raise ServiceError({"items": f"评议项目不能超过{MAX_ITEMS}个"})
    return items


def default_items_text() -> str:
    return "\n".join(f"{i['label']} {i['weight']}" for i in sr.duty_review_items())


def secretaries_below(org: Organization) -> list[tuple[Organization, object]]:
    """Each branch below org (not dissolved) with its current secretary (or None). Two queries."""
    branches = list(Organization.objects.filter(path__startswith=org.path, depth__gt=org.depth, kind__in=BRANCH_KINDS,
                                                dissolved_on__isnull=True).order_by("path"))
    holders = {}
    for h in (PostHolding.objects.filter(term__org__in=branches, post="secretary", ended_on__isnull=True,
                                         term__ended_on__isnull=True).select_related("member", "term")
              .order_by("term__org_id", "-started_on", "-id")):
        holders.setdefault(h.term.org_id, h.member)
    return [(b, holders.get(b.pk)) for b in branches]


def review_open(*, actor, org: Organization, year: int, items_text: str, ranked: bool, reviewer_ids: list[int],
                today: dt.date | None = None) -> DutyReportReview:
    today = today or timezone.localdate()
    items = parse_items(items_text)
    if org.kind in BRANCH_KINDS or org.kind == "party_group":
        raise ServiceError({"__all__": "述职评议由上级党组织（党委、党总支）组织"})
    if not 2000 <= year <= 2100:
        raise ServiceError({"year": "年度不正确"})
    users = list(get_user_model().objects.filter(pk__in=reviewer_ids, is_active=True))
    if not users:
        raise ServiceError({"reviewers": "请选择评议人"})
    rows = secretaries_below(org)
    if not rows:
        raise ServiceError({"__all__": "本组织下没有党支部"})
    with transaction.atomic():
        if DutyReportReview.objects.filter(org=org, year=year).exists():
            raise ServiceError({"year": f"{year}年度的述职评议已经开始"})
        review = DutyReportReview.objects.create(org=org, year=year, items=items, ranked=ranked, opened_on=today,
                                           created_by=actor)
        Reviewer.objects.bulk_create([Reviewer(review=review, user=u, name=_user_name(u)) for u in users])
        DutyReport.objects.bulk_create([
            DutyReport(review=review, branch=b, branch_name=b.name, secretary=m, secretary_name=m.name if m else "")
            for b, m in rows])
        audit.record(actor=actor, action="review.open", target=review, org=org,
                     changes={"year": [None, year], "reports": [None, len(rows)], "reviewers": [None, len(users)]})
    return review


def _user_name(user) -> str:
    member = getattr(user, "member", None)
    return (member.name if member else "") or user.get_full_name() or user.username


def _lock_open(review: DutyReportReview) -> DutyReportReview:
    locked = DutyReportReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != ReviewStatus.OPEN:
        raise ServiceError({"__all__": "述职评议已结束"})
    return locked


def check_upload(upload) -> str:
    """The real type of a duty-report file (.docx or .pdf, within the size limit)."""
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ServiceError({"file": f"文件过大：不能超过{limit / 1024 / 1024:g}MB"})
    kind = meeting_services.sniff(upload)
    if kind not in (PDF, DOCX):
        raise ServiceError({"file": "文件类型不支持：述职报告只能上传 Word（docx）或 PDF 文件"})
    return kind


def report_submit(*, actor, report: DutyReport, text: str = "", upload=None) -> DutyReport:
    text = (text or "").strip()
    kind = check_upload(upload) if upload else ""
    if not text and not upload and not report.file:
        raise ServiceError({"text": "请填写述职报告或上传文件"})
    with transaction.atomic():
        _lock_open(report.review)
        report = DutyReport.objects.select_for_update().get(pk=report.pk)
        report.text = text
        if upload:
            name = (getattr(upload, "name", "") or "述职报告").rsplit("/", 1)[-1][:200]
            report.file.save(name, upload, save=False)
            report.file_name, report.file_type = name, kind
        report.submitted_at = timezone.now()
        report.save()
        audit.record(actor=actor, action="review.report", target=report, org=report.branch,
                     changes={"file": [None, report.file_name] if upload else [None, None]})
    return report


def sheet_save(*, actor, report: DutyReport, reviewer: Reviewer, scores: dict[str, object], comment: str = "") -> ReviewSheet:
    """A reviewer's scores (0–100 for every item) and comment for one report; saved again until close."""
    if report.secretary_id and report.secretary.user_id == reviewer.user_id:
        raise ServiceError({"__all__": "不能评议自己的述职"})
    clean = {}
    errors = {}
    for item in report.review.items:
        raw = str(scores.get(item["key"], "")).strip()
        try:
            value = Decimal(raw)
        except ArithmeticError:
            errors[item["key"]] = f"请给“{item['label']}”打分（0–100）"
            continue
        if not value.is_finite() or not 0 <= value <= 100:
            errors[item["key"]] = f"“{item['label']}”的分数须在0到100之间"
            continue
        clean[item["key"]] = str(sr.q2(value))
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        _lock_open(report.review)
        sheet, created = ReviewSheet.objects.update_or_create(
            report=report, reviewer=reviewer, defaults={"scores": clean, "comment": (comment or "").strip()})
        audit.record(actor=actor, action="review.score", target=report, org=report.review.org,
                     changes={"sheet": [None, "new" if created else "changed"]})
    return sheet


def feedback_save(*, actor, report: DutyReport, text: str) -> DutyReport:
    text = (text or "").strip()
    if not text:
        raise ServiceError({"feedback": "请填写评议意见"})
    with transaction.atomic():
        report = DutyReport.objects.select_for_update().get(pk=report.pk)
        old = report.feedback
        report.feedback = text
        report.save(update_fields=["feedback"])
        audit.record(actor=actor, action="review.feedback", target=report, org=report.review.org,
                     changes={"feedback": [old, text]})
    return report


def aggregate(items: list[dict], sheets: list[dict[str, str]]) -> tuple[dict[str, Decimal], Decimal | None]:
    """Per-item averages over the sheets and the weighted total (Σ weight × average / Σ weight)."""
    if not sheets:
        return {}, None
    averages = {}
    for item in items:
        values = [Decimal(s[item["key"]]) for s in sheets if item["key"] in s]
        if values:
            averages[item["key"]] = sr.q2(sum(values) / len(values))
    weights = {i["key"]: Decimal(i["weight"]) for i in items}
    total_weight = sum(weights[k] for k in averages)
    if not total_weight:
        return averages, None
    return averages, sr.q2(sum(weights[k] * v for k, v in averages.items()) / total_weight)


def review_close(*, actor, review: DutyReportReview, today: dt.date | None = None) -> DutyReportReview:
    with transaction.atomic():
        review = _lock_open(review)
        reports = list(review.reports.all())
        sheets: dict[int, list[dict]] = {}
        for report_id, scores in ReviewSheet.objects.filter(report__review=review).values_list("report_id", "scores"):
            sheets.setdefault(report_id, []).append(scores)
        for r in reports:
            averages, total = aggregate(review.items, sheets.get(r.pk, []))
            r.item_scores = {k: str(v) for k, v in averages.items()}
            r.total, r.sheets = total, len(sheets.get(r.pk, []))
        scored = [r for r in reports if r.total is not None]
        if review.ranked and scored:
            for r, n in zip(scored, sr.rank([(r.total, r.branch_name) for r in scored]), strict=True):
                r.rank = n
        DutyReport.objects.bulk_update(reports, ["item_scores", "total", "sheets", "rank"])
        review.status = ReviewStatus.CLOSED
        review.closed_on = today or timezone.localdate()
        review.save(update_fields=["status", "closed_on"])
        audit.record(actor=actor, action="review.close", target=review, org=review.org,
                     changes={"scored": [None, len(scored)]})
    return review
