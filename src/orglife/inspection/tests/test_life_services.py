import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orglife.core.models import ACTION_LABELS, AuditEvent
from orglife.inspection import life_services as ls
from orglife.inspection import services
from orglife.inspection.life_models import LifeMeeting
from orglife.inspection.models import Problem
from orglife.meetings import services as meeting_services
from orglife.meetings.talk_services import talk_record
from orglife.orgs.services import ServiceError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = timezone.now() + dt.timedelta(days=20)
OWN = ("我在理论学习上存在浅尝辄止的问题，学习党章党规不够系统，往往满足于读过看过。"
       "在联系服务群众方面，深入车间班组听取意见少，对群众反映的食堂排队问题跟进不及时。")


def opened(demo, **kw) -> LifeMeeting:
    return ls.life_open(actor=demo.secretary, org=demo.zb1, kind="org_life_meeting", topic="2026年度组织生活会",
                        planned_at=kw.get("planned_at", LATER))


def prepared(demo) -> LifeMeeting:
    """A life meeting with every readiness item complete."""
    life = opened(demo)
    ls.plan_update(actor=demo.secretary, life=life, notice_sent_on=TODAY, notice="定于下月召开组织生活会",
                   reported_up_on=TODAY)
    ls.prep_add(actor=demo.secretary, life=life, kind="study", held_on=TODAY, summary="集中学习党章")
    ls.prep_add(actor=demo.secretary, life=life, kind="opinions", held_on=TODAY, summary="发放征求意见表20份")
    talk_record(actor=demo.secretary, org=demo.zb1, held_on=TODAY, topic="谈心", participants=[demo.m1, demo.m2])
    ls.material_save(actor=demo.member, life=life, member=demo.m1, text=OWN)
    ls.material_save(actor=demo.secretary, life=life, member=demo.m2,
                     text="本人在落实支部工作任务中存在标准不高的问题，主要表现在材料报送拖延、台账整理不及时。")
    return life


def missing_keys(life) -> set[str]:
    return {i.key for i in ls.readiness(life).missing}


def test_opening_plans_the_meeting_and_its_workflow(demo):
    life = opened(demo)
    assert life.kind == "org_life_meeting"
    assert meeting_services.meeting_kinds(life.meeting) == ["org_life_meeting"]
    assert life.meeting.topic == "2026年度组织生活会"
    assert AuditEvent.objects.filter(action="life.open").count() == 1


def test_a_future_life_meeting_created_on_the_meeting_form_opens_the_workflow(demo):
    meeting = meeting_services.meeting_create(actor=None, org=demo.zb1, kinds=["org_life_meeting"], planned_at=LATER)
    assert LifeMeeting.objects.filter(meeting=meeting).exists()
    past = meeting_services.meeting_create(actor=None, org=demo.zb1, kinds=["org_life_meeting"],
                                           held_at=timezone.now() - dt.timedelta(days=3))
    assert not LifeMeeting.objects.filter(meeting=past).exists()  # a record entered afterwards


@pytest.mark.parametrize("org, kind", [("zz", "democratic_life_meeting"), ("dw", "org_life_meeting")])
def test_only_the_right_organizations_hold_each_kind(demo, org, kind):
    with pytest.raises(ServiceError) as exc:
        ls.life_open(actor=None, org=getattr(demo, org), kind=kind, topic="t", planned_at=LATER)
    assert "不召开" in exc.value.errors["kind"]


def test_theme_and_date_are_required(demo):
    with pytest.raises(ServiceError) as exc:
        ls.life_open(actor=None, org=demo.zb1, kind="org_life_meeting", topic=" ", planned_at=None)
    assert set(exc.value.errors) == {"topic", "planned_at"}


def test_readiness_lists_everything_missing_and_blocks_holding(demo):
    life = opened(demo)
    assert missing_keys(life) == {"notice", "study", "opinions", "talks", "materials"}
    with pytest.raises(ServiceError) as exc:
        meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    assert "会前准备尚未完成" in exc.value.errors["status"] and "对照检查材料" in exc.value.errors["status"]
    assert not life.meeting.attendance.exists()


def test_a_complete_preparation_lets_the_meeting_start(demo):
    life = prepared(demo)
    state = ls.readiness(life)
    assert state.complete and state.may_hold, [(i.key, i.detail) for i in state.missing]
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    assert life.meeting.attendance.count() == 2


def test_each_missing_material_is_named(demo):
    life = prepared(demo)
    life.materials.filter(member=demo.m2).delete()
    item = next(i for i in ls.readiness(life).items if i.key == "materials")
    assert not item.ok and "王五" in item.detail and "1/2" in item.detail


def test_talk_gaps_name_the_participants_without_a_talk(demo):
    life = opened(demo)
    item = next(i for i in ls.readiness(life).items if i.key == "talks")
    assert not item.ok and "李四" in item.detail and "王五" in item.detail


def test_a_short_notice_is_a_warning_not_a_block(demo):
    life = prepared(demo)  # notified today for a meeting in 20 days: fine
    ls.plan_update(actor=demo.secretary, life=life, notice_sent_on=TODAY, notice="通知", reported_up_on=None)
    LifeMeeting.objects.filter(pk=life.pk).update()
    life.meeting.planned_at = timezone.now() + dt.timedelta(days=3)
    life.meeting.save()
    state = ls.readiness(life)
    warned = {i.key for i in state.warnings}
    assert warned == {"notice_days", "reported_up"}  # the 10-day rule is tagged L, reporting upward too
    assert state.complete


def test_an_officer_above_may_override_with_a_reason(demo):
    life = opened(demo)
    with pytest.raises(ServiceError) as exc:
        ls.override(actor=demo.officer, life=life, reason="  ")
    assert "理由" in exc.value.errors["reason"]
    ls.override(actor=demo.officer, life=life, reason="上级督导组当天到会，材料会后补交")
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    event = AuditEvent.objects.get(action="life.override")
    assert event.changes["reason"][1] == "上级督导组当天到会，材料会后补交"
    assert "对照检查材料" in event.changes["missing"][0]


def test_prep_records_must_be_dated_before_the_meeting_and_not_in_the_future(demo):
    life = opened(demo, planned_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ServiceError) as exc:
        ls.prep_add(actor=None, life=life, kind="study", held_on=TODAY + dt.timedelta(days=1), summary="x")
    assert "晚于今天" in exc.value.errors["held_on"]
    with pytest.raises(ServiceError) as exc:
        ls.prep_add(actor=None, life=life, kind="nonsense", held_on=None, summary="")
    assert set(exc.value.errors) == {"kind", "held_on", "summary"}


def test_materials_are_only_for_participants(demo):
    life = opened(demo)
    with pytest.raises(ServiceError) as exc:
        ls.material_save(actor=None, life=life, member=demo.m3, text=OWN)
    assert "参会人员" in exc.value.errors["member"]


def test_a_copied_material_is_flagged_with_its_source(demo):
    template = ("对照党章党规找差距，我在政治理论学习方面还存在不够深入不够系统的问题，"
                "学用结合不够紧密，运用党的创新理论指导实践、推动工作的能力还有差距。") * 3
    services.load_reference_texts(actor=None, texts={"网上范文一": template})
    life = opened(demo)
    material = ls.material_save(actor=demo.member, life=life, member=demo.m1, text=template)
    assert material.flagged and material.copied_share > 0.9
    assert any("网上范文一" in m["source"] for m in material.originality["matches"])
    item = next(i for i in ls.readiness(life).items if i.key == "originality")
    assert not item.ok and not item.blocking and "李四" in item.detail


def test_two_participants_with_the_same_material_are_both_caught(demo):
    life = opened(demo)
    ls.material_save(actor=None, life=life, member=demo.m1, text=OWN * 2)
    second = ls.material_save(actor=None, life=life, member=demo.m2, text=OWN * 2)
    assert second.flagged
    assert any("李四" in m["source"] for m in second.originality["matches"])


def test_a_docx_upload_is_read(demo):
    import docx

    document = docx.Document()
    document.add_paragraph("一、存在的问题")
    document.add_paragraph(OWN)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("李四对照检查材料.docx", buffer.getvalue())
    material = ls.material_save(actor=demo.member, life=opened(demo), member=demo.m1, upload=upload)
    assert "浅尝辄止" in material.text and material.file_name == "李四对照检查材料.docx"


def test_a_txt_upload_in_gb18030_is_read(demo):
    upload = SimpleUploadedFile("材料.txt", OWN.encode("gb18030"))
    material = ls.material_save(actor=demo.member, life=opened(demo), member=demo.m1, upload=upload)
    assert material.text == OWN


@pytest.mark.parametrize("name, content", [("材料.pdf", b"%PDF-1.4 x"), ("a.exe", b"MZ\x00\x00"),
                                           ("a.txt", b"\x00\x01binary")])
def test_other_files_are_refused(demo, name, content):
    with pytest.raises(ServiceError) as exc:
        ls.material_save(actor=None, life=opened(demo), member=demo.m1, upload=SimpleUploadedFile(name, content))
    assert "docx" in exc.value.errors["file"]


def test_during_the_meeting_criticisms_are_recorded_and_absentees_write(demo):
    life = prepared(demo)
    with pytest.raises(ServiceError):
        ls.criticism_save(actor=None, life=life, member=demo.m1, self_criticism="x")  # not started
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    meeting_services.attendance_set(actor=demo.secretary, meeting=life.meeting, rows=[
        {"member": demo.m1.pk, "status": "present"}, {"member": demo.m2.pk, "status": "on_leave", "reason": "出差"}])
    present = ls.criticism_save(actor=demo.secretary, life=life, member=demo.m1, self_criticism="学习不够",
                                criticisms="王五：联系群众不够")
    absent = ls.criticism_save(actor=demo.secretary, life=life, member=demo.m2, self_criticism="书面检查")
    assert not present.in_writing and absent.in_writing
    with pytest.raises(ServiceError):
        ls.criticism_save(actor=None, life=life, member=demo.m3, self_criticism="x")
    with pytest.raises(ServiceError):  # the preparation is frozen once the meeting started
        ls.prep_add(actor=None, life=life, kind="study", held_on=TODAY, summary="补学")


def test_problems_go_to_the_ledger_and_the_report_deadline(demo):
    life = prepared(demo)
    with pytest.raises(ServiceError):
        ls.problem_add(actor=None, life=life, description="会前不能登记")
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    problem = ls.problem_add(actor=demo.secretary, life=life, description="理论学习不系统", responsible=demo.m1)
    assert Problem.objects.get(pk=problem.pk).source == "org_life_meeting" and problem.meeting_id == life.meeting_id
    assert ls.report_due_on(life) is None  # no deadline stated for a 组织生活会
    with pytest.raises(ServiceError) as exc:
        ls.report_send(actor=None, life=life, report="", sent_on=TODAY + dt.timedelta(days=1))
    assert set(exc.value.errors) == {"report", "sent_on"}
    ls.report_send(actor=demo.secretary, life=life, report="会议情况报告", sent_on=TODAY)
    life.refresh_from_db()
    assert life.report_sent_on == TODAY


def test_a_democratic_life_meeting_report_is_due_in_15_days(demo):
    from orglife.orgs import services as org_services
    group = org_services.org_create(actor=None, parent=demo.dw, code="DZ", name="测试党组", kind="leading_group")
    term = org_services.term_start(actor=None, org=group, started_on=dt.date(2025, 1, 1), expires_on=dt.date(2030, 1, 1))
    org_services.post_assign(actor=None, term=term, member=demo.m1, post="secretary")
    life = ls.life_open(actor=None, org=group, kind="democratic_life_meeting", topic="民主生活会", planned_at=LATER)
    assert [m.name for m in ls.participants(life)] == ["李四"]
    ls.override(actor=demo.admin, life=life, reason="测试")
    meeting_services.meeting_start(actor=None, meeting=life.meeting, now=timezone.now())
    life.meeting.refresh_from_db()
    assert ls.report_due_on(life) == life.meeting.held_on + dt.timedelta(days=15)


def test_every_action_has_a_label(demo):
    life = prepared(demo)
    ls.override(actor=demo.officer, life=life, reason="r")
    actions = set(AuditEvent.objects.filter(action__startswith="life.").values_list("action", flat=True))
    assert {"life.open", "life.plan", "life.prep_add", "life.material_save", "life.override"} <= actions
    assert actions <= set(ACTION_LABELS)


def test_a_meeting_changed_to_another_kind_is_no_longer_held_back(demo):
    life = opened(demo)
    meeting_services.meeting_update(actor=demo.secretary, meeting=life.meeting, kinds=["theme_day"])
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)  # no readiness check
    assert life.meeting.attendance.exists()


def test_a_planned_meeting_changed_into_a_life_meeting_gets_the_workflow(demo):
    meeting = meeting_services.meeting_create(actor=None, org=demo.zb1, kinds=["theme_day"], planned_at=LATER)
    assert not LifeMeeting.objects.filter(meeting=meeting).exists()
    meeting_services.meeting_update(actor=None, meeting=meeting, kinds=["theme_day", "org_life_meeting"])
    assert LifeMeeting.objects.filter(meeting=meeting).exists()
    with pytest.raises(ServiceError, match="会前准备尚未完成"):
        meeting_services.meeting_start(actor=None, meeting=meeting)


def test_the_record_is_not_submitted_until_every_attendee_is_recorded(demo):
    life = prepared(demo)
    meeting = life.meeting
    meeting_services.meeting_start(actor=demo.secretary, meeting=meeting)
    meeting_services.attendance_set(actor=demo.secretary, meeting=meeting, rows=[
        {"member": demo.m1.pk, "status": "present"}, {"member": demo.m2.pk, "status": "present"}])
    meeting_services.meeting_update(actor=demo.secretary, meeting=meeting, place="活动室", host=demo.m1.pk,
                                    recorder=demo.m2.pk, minutes="记录", opinions="意见")
    ls.criticism_save(actor=demo.secretary, life=life, member=demo.m1, self_criticism="学习不够")
    with pytest.raises(ServiceError) as exc:
        meeting_services.meeting_submit(actor=demo.secretary, meeting=meeting)
    assert "王五" in exc.value.errors["criticisms"] and "李四" not in exc.value.errors["criticisms"]
    ls.criticism_save(actor=demo.secretary, life=life, member=demo.m2, self_criticism="工作标准不高")
    meeting_services.meeting_submit(actor=demo.secretary, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.is_locked
    with pytest.raises(ServiceError, match="已提交"):
        ls.criticism_save(actor=demo.secretary, life=life, member=demo.m2, self_criticism="改")


def test_a_stale_copy_cannot_write_after_the_meeting_started(demo):
    life = prepared(demo)
    stale = LifeMeeting.objects.get(pk=life.pk)
    assert stale.meeting.attendance_frozen_at is None  # loaded before the start
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    with pytest.raises(ServiceError, match="会议已经开始"):
        ls.prep_add(actor=None, life=stale, kind="study", held_on=TODAY, summary="补学")
