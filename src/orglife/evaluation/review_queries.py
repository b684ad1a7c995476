"""Reads of 述职评议 and who may see what: the organization's managers see every report (and the
scores only after close); a reviewer sees the reports and only their own sheets; a secretary sees
only their own report and, after close, their own result."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from orglife.core import scope
from orglife.core.models import RoleGrant
from orglife.orgs.models import Member

from .review_models import DutyReport, DutyReportReview, Reviewer, ReviewSheet

CANDIDATES = 200


@dataclass
class Access:
    review: DutyReportReview
    manager: bool
    reviewer: Reviewer | None


def get_review(pk: int) -> DutyReportReview:
    try:
        return DutyReportReview.objects.select_related("org").get(pk=pk)
    except (DutyReportReview.DoesNotExist, ValueError):
        raise Http404("述职评议不存在") from None


def access(user, review: DutyReportReview) -> Access:
    manager = scope.can_manage(user, review.org)
    reviewer = review.reviewers.filter(user=user).first() if user.is_authenticated else None
    return Access(review, manager, reviewer)


def get_report_for_user(user, pk: int) -> tuple[DutyReport, Access, bool]:
    """The report, the viewer's access to its review, and whether the viewer is its secretary."""
    try:
        report = DutyReport.objects.select_related("review__org", "secretary", "branch").get(pk=pk)
    except (DutyReport.DoesNotExist, ValueError):
        raise Http404("述职报告不存在") from None
    acc = access(user, report.review)
    own = report.secretary is not None and scope.is_self(user, report.secretary)
    if not (acc.manager or acc.reviewer or own):
        raise PermissionDenied("您没有查看该述职报告的权限")
    return report, acc, own


def org_reviews(org):
    return DutyReportReview.objects.filter(org=org).annotate(n=Count("reports")).order_by("-year", "-id")


def reports_with_progress(review: DutyReportReview, reviewer: Reviewer | None = None):
    """The review's reports with how many sheets are in (and, for a reviewer, whether theirs is)."""
    qs = review.reports.annotate(n_sheets=Count("score_sheets"))
    if reviewer is not None:
        qs = qs.annotate(mine=Count("score_sheets", filter=Q(score_sheets__reviewer=reviewer)))
    return qs.order_by("rank", "branch_name", "id") if not review.is_open and review.ranked else qs.order_by("branch_name", "id")


def own_sheet(report: DutyReport, reviewer: Reviewer | None) -> ReviewSheet | None:
    return None if reviewer is None else ReviewSheet.objects.filter(report=report, reviewer=reviewer).first()


def comments(report: DutyReport) -> list[str]:
    """Reviewers' comments on a report, without names (shown to the secretary after close)."""
    return [c for c in report.score_sheets.order_by("comment").values_list("comment", flat=True) if c]


def my_reports(user):
    return (DutyReport.objects.filter(secretary__user=user).select_related("review__org")
            .order_by("-review__year", "-id")[:50])


def my_reviewing(user):
    return (DutyReportReview.objects.filter(reviewers__user=user).select_related("org").order_by("-year", "-id")[:50])


def reviewer_candidates(org) -> list:
    """Users who may be chosen as reviewers: managers of org or of an organization above it, and
    members of org itself with an account (its committee). At most CANDIDATES."""
    User = get_user_model()
    paths = [*org.ancestor_paths(), org.path]
    granted = RoleGrant.objects.filter(org__path__in=paths).values("user_id")
    members = Member.objects.filter(org=org, user__isnull=False).values("user_id")
    return list(User.objects.filter(Q(pk__in=granted) | Q(pk__in=members), is_active=True)
                .select_related("member").order_by("username")[:CANDIDATES])
