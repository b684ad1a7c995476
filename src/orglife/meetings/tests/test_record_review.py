"""Review of submitted records by the organization above (services and views)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.meetings import review_services, services
from orglife.meetings.models import Meeting, MeetingKind, MeetingStatus, RecordReview
from orglife.orgs.services import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(demo):
    held = timezone.now() - dt.timedelta(days=1)
    meeting = services.meeting_create(
        actor=None, org=demo.zb1, kinds=["theme_day"], held_at=held, place="会议室", host=demo.m1.pk,
        recorder=demo.m2.pk, topic="学习", minutes="记录",
    )
    services.meeting_start(actor=None, meeting=meeting)
    services.attendance_set(actor=None, meeting=meeting, rows=[{"member": demo.m1.pk, "status": "present"},
                                                               {"member": demo.m2.pk, "status": "present"}])
    return services.meeting_submit(actor=None, meeting=meeting)


def counted(meeting):
    return list(MeetingKind.objects.filter(meeting=meeting).values_list("counted", flat=True))


def test_return_unlocks_and_stops_counting_until_resubmitted(demo, submitted):
    review_services.record_return(actor=demo.officer, meeting=submitted, reasons=["missing_elements"], comment="缺少议程")
    submitted.refresh_from_db()
    assert submitted.status == MeetingStatus.RETURNED and not submitted.is_locked
    assert counted(submitted) == [False]
    services.meeting_update(actor=None, meeting=submitted, agenda="一、学习")
    services.meeting_submit(actor=None, meeting=submitted)
    assert counted(submitted) == [True]
    assert AuditEvent.objects.filter(action="meeting.return", target_id=str(submitted.pk)).exists()


def test_approve_keeps_it_counted_and_locked(demo, submitted):
    review_services.record_approve(actor=demo.officer, meeting=submitted)
    submitted.refresh_from_db()
    assert submitted.status == MeetingStatus.APPROVED and submitted.is_locked and counted(submitted) == [True]


@pytest.mark.parametrize("reasons,comment,field", [([], "", "reasons"), (["other"], "", "comment"), (["bogus"], "", "reasons")])
def test_a_return_needs_valid_reasons(demo, submitted, reasons, comment, field):
    with pytest.raises(ServiceError) as exc:
        review_services.record_return(actor=demo.officer, meeting=submitted, reasons=reasons, comment=comment)
    assert field in exc.value.errors
    submitted.refresh_from_db()
    assert submitted.status == MeetingStatus.SUBMITTED


def test_only_submitted_records_are_reviewed(demo, submitted):
    review_services.record_approve(actor=demo.officer, meeting=submitted)
    with pytest.raises(ServiceError, match="只能审核已提交的纪实"):
        review_services.record_return(actor=demo.officer, meeting=submitted, reasons=["untrue"])


def test_the_queue_lists_records_below_the_officer(demo, submitted):
    assert list(review_services.pending_records(demo.officer)) == [submitted]
    assert list(review_services.pending_records(demo.secretary)) == []  # ZB1 itself, not below it


def test_the_officer_returns_from_the_page_and_the_branch_sees_why(client, demo, submitted):
    client.force_login(demo.officer)
    r = client.post(reverse("record_return", args=[submitted.pk]), {"reasons": ["untrue", "missing_elements"],
                                                                    "comment": "出席人数与签到不符"})
    assert r.status_code == 302
    review = RecordReview.objects.get()
    assert review.reasons == ["untrue", "missing_elements"]
    client.force_login(demo.secretary)
    body = client.get(reverse("meeting_detail", args=[submitted.pk])).content.decode()
    assert "内容不实、要素不全" in body and "出席人数与签到不符" in body and "修改后重新提交" in body


def test_the_branch_cannot_review_its_own_record(client, demo, submitted):
    client.force_login(demo.secretary)
    assert client.post(reverse("record_approve", args=[submitted.pk])).status_code == 403
    assert "审核通过</button>" not in client.get(reverse("meeting_detail", args=[submitted.pk])).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == MeetingStatus.SUBMITTED


@pytest.mark.parametrize("persona,status", [("outsider", 403), ("member", 403)])
def test_others_are_refused(client, demo, submitted, persona, status):
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("record_return", args=[submitted.pk]), {"reasons": ["untrue"]}).status_code == status


def test_review_is_post_only_and_404s(client, demo, submitted):
    client.force_login(demo.officer)
    assert client.get(reverse("record_approve", args=[submitted.pk])).status_code == 405
    assert client.post(reverse("record_approve", args=[999999])).status_code == 404


def test_pending_page(client, demo, submitted, django_assert_max_num_queries):
    client.force_login(demo.officer)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("record_pending")).content.decode()
    assert reverse("meeting_detail", args=[submitted.pk]) in body


def test_a_review_from_a_stale_page_is_refused(demo, submitted):
    """Two reviewers (or two tabs): once one has returned the record, the other's approval, made on
    a copy loaded before, must not lock the record again behind the branch's back."""
    stale = Meeting.objects.get(pk=submitted.pk)
    review_services.record_return(actor=demo.officer, meeting=submitted, reasons=["untrue"])
    with pytest.raises(ServiceError):
        review_services.record_approve(actor=demo.admin, meeting=stale)
    submitted.refresh_from_db()
    assert submitted.status == MeetingStatus.RETURNED and counted(submitted) == [False]


def test_a_returned_record_takes_no_qr_sign_ins(demo, submitted):
    from orglife.meetings import signin
    review_services.record_return(actor=demo.officer, meeting=submitted, reasons=["untrue"])
    submitted.refresh_from_db()
    window = signin.current_window(submitted)
    with pytest.raises(signin.SignInError, match="已被退回修改"):
        signin.verify(user=demo.member, meeting=submitted, code=signin.code_for(submitted.pk, window), window=window)


def test_viewers_of_the_organization_above_see_no_review_queue(client, demo, submitted, django_user_model):
    from orglife.orgs import services as org_services
    viewer = django_user_model.objects.create_user("viewer")
    org_services.grant_role(actor=None, user=viewer, org=demo.zz, role="viewer")
    client.force_login(viewer)
    assert "学习" not in client.get(reverse("org_todos", args=["ZZ"])).content.decode()
    client.force_login(demo.officer)
    assert "学习" in client.get(reverse("org_todos", args=["ZZ"])).content.decode()
