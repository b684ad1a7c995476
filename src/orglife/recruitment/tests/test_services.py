"""Recruitment services: registering, recording steps, the vote, admission, conversion,
extension, cancellation and withdrawal. Real database, audited writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orglife.conftest import TODAY, new_id
from orglife.core.models import AuditEvent
from orglife.orgs.models import ON_ROSTER, Member
from orglife.orgs.services import ServiceError
from orglife.recruitment import services
from orglife.recruitment.models import Applicant, ApplicantStatus, Step
from orglife.rules.org_checks import add_months

from . import factories as f

pytestmark = pytest.mark.django_db


def test_it_registers_an_applicant_with_the_application_step(demo):
    a = f.applicant(demo.zb1)
    assert a.birth_date == dt.date(2000, 2, 3) and a.gender == "male"
    assert list(a.steps.values_list("step", "on")) == [("application", f.APPLIED)]
    assert a.next_step == "talk" and a.next_due == dt.date(2024, 4, 4)
    assert a.masked_id.count("*") == 8
    assert AuditEvent.objects.filter(action="recruitment.applicant_create", target_id=str(a.pk)).exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"id_number": "110101199001011234"}, "id_number", "校验位"),
    ({"applied_on": dt.date(2017, 2, 2)}, "applied_on", "未满18周岁"),
    ({"applied_on": TODAY + dt.timedelta(days=1)}, "applied_on", "晚于今天"),
    ({"phone": "12345"}, "phone", "手机号码"),
    ({"name": ""}, "name", "姓名不能为空"),
    ({"ruleset": "dev-1999"}, "ruleset", "不存在"),
])
def test_it_refuses_bad_applicant_data(demo, data, field, message):
    base = {"name": "陈小明", "id_number": new_id(dt.date(1999, 2, 3)), "applied_on": dt.date(2024, 1, 5)}
    with pytest.raises(ServiceError) as exc:
        services.applicant_create(actor=None, org=demo.zb1, data={**base, **data}, today=TODAY)
    assert message in exc.value.errors[field]
    assert not Applicant.objects.exists()


def test_it_refuses_a_member_or_a_second_file_for_the_same_person(demo):
    with pytest.raises(ServiceError, match="已登记为党员"):
        services.applicant_create(actor=None, org=demo.zb1, today=TODAY, data={
            "name": "李四", "id_number": demo.m1.id_number, "applied_on": dt.date(2024, 1, 5)})
    a = f.applicant(demo.zb1)
    with pytest.raises(ServiceError, match="已登记为入党申请人"):
        services.applicant_create(actor=None, org=demo.zb2, today=TODAY, data={
            "name": "陈小明", "id_number": a.id_number, "applied_on": dt.date(2024, 1, 5)})


def test_applicants_belong_to_branches(demo):
    with pytest.raises(ServiceError, match="党支部"):
        f.applicant(demo.zz)


def test_steps_keep_order_and_report_broken_rules(demo):
    a = f.applicant(demo.zb1)
    f.record(a, "talk", dt.date(2024, 4, 30))  # application 2024-03-04: talk due by 2024-04-04
    a.refresh_from_db()
    assert a.error_count == 1
    result = services.evaluation(a, today=TODAY)
    assert "dev.talk_within" in {x.rule_id for x in result.errors}
    with pytest.raises(ServiceError, match="已经记录过"):
        f.record(a, "talk", dt.date(2024, 5, 1))


def test_mentors_and_sponsors_must_be_full_members_of_the_branch(demo):
    a = f.through(f.applicant(demo.zb1), "candidate")
    with pytest.raises(ServiceError) as exc:
        f.record(a, "sponsors", dt.date(2025, 4, 25), actors=[demo.m1, demo.m3])
    assert "赵六" in exc.value.errors["actors"]
    with pytest.raises(ServiceError, match="正式党员"):
        f.record(a, "sponsors", dt.date(2025, 4, 25), actors=[demo.m1], actor_names="外单位 某某")
    f.record(a, "sponsors", dt.date(2025, 4, 25))
    assert Step.objects.get(applicant=a, step="sponsors").actors.count() == 2


def test_probationary_members_cannot_sponsor(demo):
    from orglife.conftest import make_member

    p = make_member("ZB1", name="钱七", category="probationary", admitted_on=dt.date(2026, 3, 1), full_member_on=None)
    a = f.through(f.applicant(demo.zb1), "candidate")
    with pytest.raises(ServiceError, match="钱七"):
        f.record(a, "sponsors", dt.date(2025, 4, 25), actors=[demo.m1, p])


def test_training_needs_its_length_and_future_dates_are_refused(demo):
    a = f.through(f.applicant(demo.zb1), "political_review")
    with pytest.raises(ServiceError) as exc:
        f.record(a, "training", dt.date(2025, 5, 26), extra={})
    assert "培训天数" in exc.value.errors["days"]
    with pytest.raises(ServiceError, match="晚于今天"):
        f.record(a, "training", TODAY + dt.timedelta(days=1))
    f.record(a, "training", dt.date(2025, 5, 26), extra={"days": "", "hours": "16"})
    result = services.evaluation(Applicant.objects.get(pk=a.pk))
    assert "dev.training_length" in {x.rule_id for x in result.errors}


def test_the_vote_is_a_branch_assembly_resolution_counting_written_opinions(demo):
    a = f.through(f.applicant(demo.zb1))
    with pytest.raises(ServiceError, match="表决决议"):
        services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY)
    with pytest.raises(ServiceError, match="书面意见"):
        services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY,
                             resolution=f.assembly(demo.zb1, written_opinions=False))
    other = f.assembly(demo.zb3, f.VOTE_AT)
    with pytest.raises(ServiceError, match="本支部"):
        services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY, resolution=other)
    # Two of three present (quorum), the absent member's written opinion counts: 3 of 3 say yes.
    from orglife.conftest import make_member

    make_member("ZB1", name="钱七")
    step = services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY,
                                resolution=f.assembly(demo.zb1, present=2, yes=3))
    assert step.on == f.VOTE_AT.date() and services.vote_passed(step) is True


def test_admission_creates_the_probationary_member_on_the_vote_date(demo):
    a = f.admitted(demo.zb1)
    member = a.member
    assert a.status == ApplicantStatus.PROBATIONARY
    assert member.category == "probationary" and member.admitted_on == f.VOTE_AT.date()
    assert member.org == demo.zb1 and member.id_number == a.id_number
    assert a.probation_end == add_months(f.VOTE_AT.date(), 12)
    assert AuditEvent.objects.filter(action="recruitment.admit").count() == 1


def test_admission_is_refused_until_approved_and_passed(demo):
    a = f.through(f.applicant(demo.zb1))
    services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY,
                         resolution=f.assembly(demo.zb1, yes=1))  # 1 of 2 entitled: not more than half
    a.refresh_from_db()
    problems = services.admission_errors(a)
    assert any("表决未通过" in p for p in problems) and any("上级党委审批" in p for p in problems)
    with pytest.raises(ServiceError, match="不能接收"):
        services.admit(actor=None, applicant=a, today=TODAY)
    assert not Member.objects.filter(id_number=a.id_number).exists()


def test_admission_needs_a_locked_vote_record_and_no_blocking_errors(demo):
    a = f.through(f.applicant(demo.zb1), "committee_review")  # no pre-review
    f.record(a, "application_form", dt.date(2025, 6, 12))
    services.step_record(actor=None, applicant=a, step="acceptance_vote", today=TODAY,
                         resolution=f.assembly(demo.zb1, submit=False))
    f.record(a, "approval", dt.date(2025, 8, 1))
    problems = services.admission_errors(Applicant.objects.get(pk=a.pk))
    assert any("尚未提交锁定" in p for p in problems)
    assert any("预审" in p for p in problems)


def test_conversion_makes_a_full_member_from_the_end_of_probation(demo):
    a = f.admitted(demo.zb1)
    end = a.probation_end
    f.record(a, "conversion_application", end - dt.timedelta(days=7))
    services.step_record(actor=None, applicant=a, step="conversion_vote", today=TODAY, extra={"outcome": "convert"},
                         resolution=f.assembly(demo.zb1, dt.datetime(2026, 6, 25, 15, 0, tzinfo=f.TZ)))
    f.record(a, "conversion_approval", dt.date(2026, 7, 20))
    services.conclude(actor=None, applicant=Applicant.objects.get(pk=a.pk), today=TODAY)
    member = Member.objects.get(pk=a.member_id)
    assert member.category == "full" and member.full_member_on == end
    assert member.party_age_start == end
    assert Applicant.objects.get(pk=a.pk).status == ApplicantStatus.FULL


def test_an_approved_extension_moves_probation_and_a_second_is_an_error(demo):
    a = f.admitted(demo.zb1)
    services.step_record(actor=None, applicant=a, step="conversion_vote", today=TODAY,
                         extra={"outcome": "extend", "extension_months": 6},
                         resolution=f.assembly(demo.zb1, dt.datetime(2026, 6, 25, 15, 0, tzinfo=f.TZ)))
    f.record(a, "conversion_approval", dt.date(2026, 7, 10))
    a.refresh_from_db()
    assert a.probation_end == add_months(f.VOTE_AT.date(), 18) and a.next_step == "conversion_vote"
    assert AuditEvent.objects.filter(action="recruitment.extend").exists()
    with pytest.raises(ServiceError, match="延长预备期"):
        services.conclude(actor=None, applicant=a, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        services.step_record(actor=None, applicant=a, step="conversion_vote", today=TODAY,
                             extra={"outcome": "extend"}, resolution=f.assembly(demo.zb1))
    assert "延长月数" in exc.value.errors["extension_months"]


def test_cancellation_closes_the_file(demo):
    a = f.admitted(demo.zb1)
    services.step_record(actor=None, applicant=a, step="conversion_vote", today=TODAY, extra={"outcome": "cancel"},
                         resolution=f.assembly(demo.zb1, dt.datetime(2026, 6, 25, 15, 0, tzinfo=f.TZ)))
    f.record(a, "conversion_approval", dt.date(2026, 7, 10))
    services.conclude(actor=None, applicant=Applicant.objects.get(pk=a.pk), today=TODAY)
    a.refresh_from_db()
    assert a.status == ApplicantStatus.CANCELLED and a.next_step == "" and a.next_due is None
    member = Member.objects.get(pk=a.member_id)
    assert member.status == "probation_cancelled" and not member.has_voting_rights
    demo.zb1.refresh_from_db()
    assert not Member.objects.filter(pk=member.pk, status__in=ON_ROSTER).exists()  # off the roster, record kept
    with pytest.raises(ServiceError, match="不能再记录"):
        f.record(a, "archive", dt.date(2026, 8, 1))


def test_withdraw_and_step_delete(demo):
    a = f.through(f.applicant(demo.zb1), "activist")
    with pytest.raises(ServiceError, match="不能删除"):
        services.step_delete(actor=None, step=a.steps.get(step="application"))
    services.step_delete(actor=None, step=a.steps.get(step="activist"))
    a.refresh_from_db()
    assert a.next_step == "activist"
    with pytest.raises(ServiceError, match="原因"):
        services.withdraw(actor=None, applicant=a, reason=" ")
    services.withdraw(actor=None, applicant=a, reason="本人撤回申请")
    assert Applicant.objects.get(pk=a.pk).status == ApplicantStatus.WITHDRAWN


def test_documents_are_checked_for_type_and_size(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = f.applicant(demo.zb1)
    step = a.steps.get()
    with pytest.raises(ServiceError, match="类型不支持"):
        services.document_add(actor=None, step=step, upload=SimpleUploadedFile("a.pdf", b"MZ not a pdf"))
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ServiceError, match="文件过大"):
        services.document_add(actor=None, step=step, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 " + b"x" * 20))
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 1024
    doc = services.document_add(actor=None, step=step, upload=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 hello"))
    assert doc.content_type == "application/pdf"


def test_the_ruleset_is_the_applicants_choice_else_dev_2014(demo):
    a = f.applicant(demo.zb1)
    assert services.ruleset_for(a).name == "dev-2014"
    a2 = f.applicant(demo.zb1, name="林一", born=dt.date(1998, 1, 1), ruleset="dev-2026")
    assert services.ruleset_for(a2).name == "dev-2026"
