"""Review of submitted meeting records by the organization above: approve, or return with
reasons. A returned record is unlocked (and stops counting for compliance) until the branch
corrects it and submits it again. One transaction each, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from orglife.core import audit, scope
from orglife.orgs.services import ServiceError

from .models import Meeting, MeetingStatus, RecordReview, ReturnReason
from .services import sync_kinds


def _refuse_unless_submitted(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SUBMITTED:
        raise ServiceError({"status": f"会议纪实当前为“{meeting.get_status_display()}”，只能审核已提交的纪实"})


def _lock(meeting: Meeting) -> None:
    """Re-read the status under a row lock (inside the caller's transaction): a review made from a
    page loaded before another reviewer acted is judged on the record as it is now."""
    meeting.status = Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
    _refuse_unless_submitted(meeting)


def record_approve(*, actor, meeting: Meeting, comment: str = "") -> RecordReview:
    _refuse_unless_submitted(meeting)
    with transaction.atomic():
        _lock(meeting)
        meeting.status = MeetingStatus.APPROVED
        meeting.save(update_fields=["status", "updated_at"])
        sync_kinds(meeting)
        review = RecordReview.objects.create(meeting=meeting, action="approve", comment=comment.strip(), actor=actor)
        audit.record(actor=actor, action="meeting.approve", target=meeting, org=meeting.org,
                     changes={"status": [MeetingStatus.SUBMITTED, MeetingStatus.APPROVED]})
    return review


def record_return(*, actor, meeting: Meeting, reasons, comment: str = "") -> RecordReview:
    _refuse_unless_submitted(meeting)
    reasons = list(dict.fromkeys(reasons or []))
    comment = (comment or "").strip()
    errors = {}
    if not reasons:
        errors["reasons"] = "请至少选择一项退回理由"
    elif not set(reasons) <= set(ReturnReason.values):
        errors["reasons"] = "退回理由无效"
    elif ReturnReason.OTHER in reasons and not comment:
        errors["comment"] = "选择“其他”时请写明退回理由"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        _lock(meeting)
        meeting.status = MeetingStatus.RETURNED
        meeting.save(update_fields=["status", "updated_at"])
        sync_kinds(meeting)  # a returned record does not count until it is submitted again
        review = RecordReview.objects.create(meeting=meeting, action="return", reasons=reasons, comment=comment,
                                             actor=actor)
        audit.record(actor=actor, action="meeting.return", target=meeting, org=meeting.org,
                     changes={"status": [MeetingStatus.SUBMITTED, MeetingStatus.RETURNED], "reasons": [None, reasons]})
    return review


def may_review(user, meeting: Meeting) -> bool:
    """Records are reviewed by the organization above, never by the branch itself."""
    return scope.manages_above(user, meeting.org)


def pending_records(user) -> QuerySet:
    """Submitted records of organizations below those the user manages, oldest first."""
    qs = Meeting.objects.filter(status=MeetingStatus.SUBMITTED).select_related("org").order_by("submitted_at", "id")
    below = scope.managed_below_q(user, prefix="org__")
    return qs if below is None else qs.filter(below)
