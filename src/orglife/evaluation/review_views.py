"""Pages of 述职评议: parse, authorize, call the services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orglife.core import scope
from orglife.orgs.services import ServiceError

from . import review_queries as q
from . import review_services as services
from .review_forms import FeedbackForm, OpenForm, ReportForm


def _can_open(user, org) -> bool:
    return scope.can_manage(user, org) and org.kind not in (*services.BRANCH_KINDS, "party_group")


def _list_page(request, org, *, form=None, status=200):
    if form is None and _can_open(request.user, org):
        form = OpenForm(candidates=q.reviewer_candidates(org), initial={
            "year": timezone.localdate().year, "items": services.default_items_text(), "ranked": True})
    return render(request, "evaluation/review_list.html", {
        "org": org, "reviews": q.org_reviews(org)[:50], "form": form if _can_open(request.user, org) else None,
    }, status=status)


@login_required
@require_GET
def review_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    return _list_page(request, org)


@login_required
@require_POST
def review_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = OpenForm(request.POST, candidates=q.reviewer_candidates(org))
    if form.is_valid():
        d = form.cleaned_data
        try:
            review = services.review_open(actor=request.user, org=org, year=d["year"], items_text=d["items"],
                                          ranked=d["ranked"], reviewer_ids=d["reviewers"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已开始{review.year}年度述职评议，各党支部书记可以提交述职报告。")
            return redirect("review_detail", pk=review.pk)
    return _list_page(request, org, form=form, status=400)


@login_required
@require_GET
def review_detail(request, pk):
    review = q.get_review(pk)
    acc = q.access(request.user, review)
    if not (acc.manager or acc.reviewer):
        own = review.reports.filter(secretary__user=request.user).first() if request.user.is_authenticated else None
        if own is not None:
            return redirect("review_report", pk=own.pk)
        raise PermissionDenied("您没有查看该述职评议的权限")
    return render(request, "evaluation/review_detail.html", {
        "review": review, "org": review.org, "acc": acc,
        "reports": q.reports_with_progress(review, acc.reviewer),
        "reviewers": review.reviewers.all() if acc.manager else [],
    })


def _report_page(request, report, acc, own, *, report_form=None, feedback_form=None, sheet_errors=None,
                 sheet_data=None, status=200):
    review = report.review
    sheet = q.own_sheet(report, acc.reviewer)
    scores = sheet_data or (sheet.scores if sheet else {})
    items = [{**i, "value": scores.get(i["key"], ""), "error": (sheet_errors or {}).get(i["key"]),
              "average": report.item_scores.get(i["key"])} for i in review.items]
    return render(request, "evaluation/review_report.html", {
        "review": review, "org": review.org, "report": report, "acc": acc, "own": own, "items": items,
        "sheet": sheet, "sheet_comment": (sheet_data or {}).get("comment", sheet.comment if sheet else ""),
        "sheet_error_all": (sheet_errors or {}).get("__all__", ""),
        "report_form": report_form or (ReportForm(initial={"text": report.text}) if own and review.is_open else None),
        "feedback_form": feedback_form or (FeedbackForm(initial={"feedback": report.feedback}) if acc.manager else None),
        "comments": q.comments(report) if not review.is_open and (own or acc.manager) else [],
        "show_result": not review.is_open and (own or acc.manager),
        "count": review.reports.exclude(total=None).count() if not review.is_open else 0,
    }, status=status)


@login_required
@require_GET
def review_report(request, pk):
    report, acc, own = q.get_report_for_user(request.user, pk)
    return _report_page(request, report, acc, own)


@login_required
@require_POST
def review_report_submit(request, pk):
    report, acc, own = q.get_report_for_user(request.user, pk)
    if not own:
        raise PermissionDenied("只有书记本人可以提交述职报告")
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_submit(actor=request.user, report=report, text=form.cleaned_data["text"],
                                   upload=form.cleaned_data["file"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "述职报告已提交。")
            return redirect("review_report", pk=report.pk)
    return _report_page(request, report, acc, own, report_form=form, status=400)


@login_required
@require_POST
def review_score(request, pk):
    report, acc, own = q.get_report_for_user(request.user, pk)
    if acc.reviewer is None:
        raise PermissionDenied("您不是本次述职评议的评议人")
    scores = {i["key"]: request.POST.get(f"score_{i['key']}", "") for i in report.review.items}
    comment = request.POST.get("comment", "")
    try:
        services.sheet_save(actor=request.user, report=report, reviewer=acc.reviewer, scores=scores, comment=comment)
    except ServiceError as exc:
        return _report_page(request, report, acc, own, sheet_errors=exc.errors,
                            sheet_data={**scores, "comment": comment}, status=400)
    messages.success(request, f"已保存对{report.branch_name}书记的评分。")
    return redirect("review_detail", pk=report.review_id)


@login_required
@require_POST
def review_feedback(request, pk):
    report, acc, own = q.get_report_for_user(request.user, pk)
    if not acc.manager:
        raise PermissionDenied("只有组织评议的党组织可以填写评议意见")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_save(actor=request.user, report=report, text=form.cleaned_data["feedback"])
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "评议意见已保存。")
            return redirect("review_report", pk=report.pk)
    return _report_page(request, report, acc, own, feedback_form=form, status=400)


@login_required
@require_GET
def review_file(request, pk):
    report, _acc, _own = q.get_report_for_user(request.user, pk)
    if not report.file:
        raise Http404("没有上传文件")
    return FileResponse(report.file.open("rb"), as_attachment=report.file_type != services.PDF,
                        filename=report.file_name, content_type=report.file_type)


@login_required
@require_POST
def review_close(request, pk):
    review = q.get_review(pk)
    if not scope.can_manage(request.user, review.org):
        raise PermissionDenied("只有组织评议的党组织可以结束述职评议")
    try:
        services.review_close(actor=request.user, review=review)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "述职评议已结束，得分已汇总并反馈给各书记本人。")
    return redirect("review_detail", pk=review.pk)


@login_required
@require_GET
def review_mine(request):
    return render(request, "evaluation/review_mine.html", {
        "reports": q.my_reports(request.user), "reviewing": q.my_reviewing(request.user)})
