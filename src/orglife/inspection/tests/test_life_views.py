import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import life_services as ls
from orglife.inspection.life_models import LifeMeeting, SelfExamination
from orglife.inspection.models import Problem
from orglife.meetings import services as meeting_services

from .test_life_services import OWN, TODAY, opened, prepared

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def started(demo):
    life = prepared(demo)
    meeting_services.meeting_start(actor=demo.secretary, meeting=life.meeting)
    return life


# ---------------------------------------------------------------- list and new


def test_it_lists_the_subtree_for_an_officer(client, demo):
    opened(demo)
    response = login(client, demo.officer).get(reverse("life_list", args=["ZZ"]))
    assert response.status_code == 200
    assert "2026年度组织生活会" in response.content.decode()


def test_it_refuses_an_outsider_the_list(client, demo):
    assert login(client, demo.outsider).get(reverse("life_list", args=["ZB1"])).status_code == 403


def test_the_list_runs_a_bounded_number_of_queries(client, demo, django_assert_max_num_queries):
    login(client, demo.secretary)
    opened(demo)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("life_list", args=["ZB1"]))
    for _ in range(15):
        opened(demo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("life_list", args=["ZB1"]))


def test_a_secretary_plans_a_meeting(client, demo):
    later = (timezone.localtime() + dt.timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    response = login(client, demo.secretary).post(reverse("life_new", args=["ZB1"]), {
        "kind": "org_life_meeting", "topic": "年度组织生活会", "planned_at": later, "place": "会议室"})
    life = LifeMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("life_detail", args=[life.pk])
    assert life.meeting.place == "会议室"


def test_a_wrong_kind_keeps_what_was_typed(client, demo):
    response = login(client, demo.officer).post(reverse("life_new", args=["ZZ"]), {
        "kind": "democratic_life_meeting", "topic": "我输入的主题", "planned_at": "2026-12-20T09:00"})
    body = response.content.decode()
    assert response.status_code == 200 and "党总支不召开民主生活会" in body and "我输入的主题" in body
    assert not LifeMeeting.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "officer"])
def test_only_the_branch_managers_plan_its_meeting(client, demo, persona):
    if persona == "officer":  # the officer manages the branch through the 总支: allowed
        return
    response = login(client, getattr(demo, persona)).post(reverse("life_new", args=["ZB1"]), {
        "kind": "org_life_meeting", "topic": "t", "planned_at": "2026-12-20T09:00"})
    assert response.status_code == 403


# ---------------------------------------------------------------- the workflow page


def test_the_page_shows_what_is_missing(client, demo):
    life = opened(demo)
    body = login(client, demo.secretary).get(reverse("life_detail", args=[life.pk])).content.decode()
    assert "尚缺 5 项，不能召开" in body and "尚未登记会前学习研讨" in body
    assert "disabled" in body  # the start button


def test_a_participant_sees_the_page_and_an_outsider_does_not(client, demo):
    life = opened(demo)
    assert login(client, demo.member).get(reverse("life_detail", args=[life.pk])).status_code == 200
    assert login(client, demo.outsider).get(reverse("life_detail", args=[life.pk])).status_code == 403


def test_starting_an_unready_meeting_is_refused_and_explained(client, demo):
    life = opened(demo)
    response = login(client, demo.secretary).post(reverse("meeting_start", args=[life.meeting.pk]), follow=True)
    assert "会前准备尚未完成" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("life_detail", args=[life.pk])
    assert not life.meeting.attendance.exists()


def test_plan_and_prep_are_saved_and_bad_input_is_kept(client, demo):
    life = opened(demo)
    login(client, demo.secretary)
    response = client.post(reverse("life_plan", args=[life.pk]), {
        "notice_sent_on": TODAY.isoformat(), "notice": "请各位党员准备材料", "reported_up_on": TODAY.isoformat()})
    assert response.status_code == 302
    life.refresh_from_db()
    assert life.notice_sent_on == TODAY and life.reported_up_on == TODAY
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = client.post(reverse("life_prep", args=[life.pk]), {"kind": "study", "held_on": future,
                                                                    "summary": "我写的摘要"})
    body = response.content.decode()
    assert response.status_code == 400 and "日期不能晚于今天" in body and "我写的摘要" in body


@pytest.mark.parametrize("name", ["life_plan", "life_prep", "life_report", "life_problem"])
def test_a_member_cannot_write_the_workflow(client, demo, name):
    life = opened(demo)
    assert login(client, demo.member).post(reverse(name, args=[life.pk]), {}).status_code == 403


@pytest.mark.parametrize("name", ["life_plan", "life_prep", "life_override", "life_report", "life_problem"])
def test_writes_refuse_get(client, demo, name):
    life = opened(demo)
    assert login(client, demo.secretary).get(reverse(name, args=[life.pk])).status_code == 405


def test_only_the_organization_above_overrides(client, demo):
    life = opened(demo)
    url = reverse("life_override", args=[life.pk])
    assert login(client, demo.secretary).post(url, {"reason": "想开"}).status_code == 403
    response = login(client, demo.officer).post(url, {"reason": ""})
    assert response.status_code == 400 and "请说明准予召开的理由" in response.content.decode()
    assert login(client, demo.officer).post(url, {"reason": "督导组到会"}).status_code == 302
    life.refresh_from_db()
    assert life.override_reason == "督导组到会"


# ---------------------------------------------------------------- materials


def test_a_member_writes_their_own_material(client, demo):
    life = opened(demo)
    login(client, demo.member)
    response = client.get(reverse("life_material_mine", args=[life.pk]))
    assert response["Location"] == reverse("life_material", args=[life.pk, demo.m1.pk])
    response = client.post(response["Location"], {"text": OWN})
    assert response.status_code == 302
    assert SelfExamination.objects.get(member=demo.m1).text == OWN


def test_a_member_cannot_write_someone_elses_material(client, demo):
    life = opened(demo)
    url = reverse("life_material", args=[life.pk, demo.m2.pk])
    assert login(client, demo.member).post(url, {"text": OWN}).status_code == 403
    assert login(client, demo.outsider).get(url).status_code == 403
    assert login(client, demo.secretary).post(url, {"text": OWN}).status_code == 302  # entered on their behalf


def test_a_non_participant_has_no_material_page(client, demo):
    life = opened(demo)
    assert login(client, demo.secretary).get(reverse("life_material", args=[life.pk, demo.m3.pk])).status_code == 404


def test_a_bad_upload_keeps_the_text_and_says_why(client, demo):
    life = opened(demo)
    response = login(client, demo.member).post(reverse("life_material", args=[life.pk, demo.m1.pk]), {
        "text": "我的草稿", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    body = response.content.decode()
    assert response.status_code == 400 and "只能上传 Word（docx）或文本（txt）文件" in body and "我的草稿" in body


def test_the_material_page_shows_the_originality_result(client, demo):
    life = opened(demo)
    ls.material_save(actor=None, life=life, member=demo.m1, text=OWN * 2)
    ls.material_save(actor=None, life=life, member=demo.m2, text=OWN * 2)
    body = login(client, demo.secretary).get(reverse("life_material", args=[life.pk, demo.m2.pk])).content.decode()
    assert "疑似照搬" in body and "李四" in body


# ---------------------------------------------------------------- during and after


def test_criticisms_problems_and_the_report(client, demo):
    life = started(demo)
    login(client, demo.secretary)
    response = client.post(reverse("life_criticism", args=[life.pk, demo.m1.pk]),
                           {"self_criticism": "学习不深入", "criticisms": "王五：联系群众不够"})
    assert response.status_code == 302
    response = client.post(reverse("life_criticism", args=[life.pk, demo.m2.pk]), {"self_criticism": ""})
    assert response.status_code == 400 and "请填写自我批评内容" in response.content.decode()
    response = client.post(reverse("life_problem", args=[life.pk]), {
        "description": "理论学习不系统", "severity": "general", "responsible": str(demo.m1.pk)})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.source == "org_life_meeting" and problem.responsible == demo.m1
    response = client.post(reverse("life_report", args=[life.pk]), {"report": "报告", "sent_on": TODAY.isoformat()})
    assert response.status_code == 302
    body = client.get(reverse("life_detail", args=[life.pk])).content.decode()
    assert "学习不深入" in body and "理论学习不系统" in body and "已销号 0/1" in body and "已报送" in body
    # the problem is in the branch's ledger
    assert "理论学习不系统" in client.get(reverse("ledger", args=["ZB1"])).content.decode()


def test_criticism_needs_a_manager(client, demo):
    life = started(demo)
    url = reverse("life_criticism", args=[life.pk, demo.m1.pk])
    assert login(client, demo.member).post(url, {"self_criticism": "x"}).status_code == 403


def test_a_participant_is_reminded_to_write_their_material(client, demo):
    from orglife.meetings import todos

    life = opened(demo)
    mine = [t for t in todos.for_user(demo.member) if t.kind == "material"]
    assert len(mine) == 1 and mine[0].url == reverse("life_material_mine", args=[life.pk])
    ls.material_save(actor=demo.member, life=life, member=demo.m1, text=OWN)
    assert not [t for t in todos.for_user(demo.member) if t.kind == "material"]


def test_a_participant_is_offered_only_their_own_material(client, demo):
    life = opened(demo)
    body = login(client, demo.member).get(reverse("life_detail", args=[life.pk])).content.decode()
    assert reverse("life_material", args=[life.pk, demo.m1.pk]) in body
    assert reverse("life_material", args=[life.pk, demo.m2.pk]) not in body


def test_a_viewer_reads_a_material_without_a_form(client, demo):
    from orglife.core.models import Role
    from orglife.orgs import services as org_services

    org_services.grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    life = opened(demo)
    ls.material_save(actor=None, life=life, member=demo.m2, text=OWN)
    response = login(client, demo.outsider).get(reverse("life_material", args=[life.pk, demo.m2.pk]))
    assert response.status_code == 200 and "保存材料" not in response.content.decode()
    assert client.post(reverse("life_material", args=[life.pk, demo.m2.pk]), {"text": "x"}).status_code == 403


def test_a_grant_on_the_committee_alone_does_not_list_its_branches(client, demo):
    from orglife.core.models import Role
    from orglife.orgs import services as org_services

    org_services.grant_role(actor=None, user=demo.outsider, org=demo.zz, role=Role.VIEWER, recursive=False)
    opened(demo)
    response = login(client, demo.outsider).get(reverse("life_list", args=["ZZ"]))
    assert response.status_code == 200 and "2026年度组织生活会" not in response.content.decode()
