"""/appraisals/<pk>/: managers and viewers see the roster and progress; a participant sees only
their own part; results and tallies appear at the right time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation import appraisal_services
from orglife.evaluation.appraisal_models import Grade, Stage
from orglife.meetings.models import Meeting

from .appraisal_helpers import open_evaluation, to_stage, vote_all

pytestmark = pytest.mark.django_db


def url(ev):
    return reverse("appraisal_detail", args=[ev.pk])


def finish(ev, grades):
    ev = to_stage(ev, Stage.GRADING)
    appraisal_services.appraisal_grade(actor=None, evaluation=ev, grades={
        p.pk: (grades.get(p.name, Grade.QUALIFIED), "理由") for p in ev.participants.all()})
    return to_stage(ev, Stage.FINISHED)


@pytest.mark.parametrize("persona,status", [
    ("member", 200), ("secretary", 200), ("officer", 200), ("admin", 200), ("outsider", 403),
])
def test_it_is_scoped(client, demo, persona, status):
    ev = open_evaluation(demo, voters=0)
    client.force_login(getattr(demo, persona))
    assert client.get(url(ev)).status_code == status


def test_a_member_of_another_branch_gets_403(client, demo, django_user_model):
    from orglife.orgs import services

    ev = open_evaluation(demo, voters=0)
    user = django_user_model.objects.create_user("zb3member")
    services.member_link_user(actor=None, member=demo.m3, user=user)
    client.force_login(user)
    assert client.get(url(ev)).status_code == 403


def test_it_404s(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("appraisal_detail", args=[999])).status_code == 404


def test_post_is_refused(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.secretary)
    assert client.post(url(ev)).status_code == 405


def test_the_member_sees_their_own_part_and_not_the_roster(client, demo):
    ev = open_evaluation(demo, voters=0)
    appraisal_services.appraisal_self_assess(actor=None, participant=ev.participants.get(member=demo.m2),
                                             text="王五的自评内容")
    client.force_login(demo.member)
    body = client.get(url(ev)).content.decode()
    assert "保存个人自评" in body and "参评党员" not in body and "王五的自评内容" not in body
    assert "进入党员互评" not in body


def test_the_secretary_sees_the_roster_and_the_next_step(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.secretary)
    body = client.get(url(ev)).content.decode()
    assert "参评党员" in body and "李四" in body and "王五" in body and "进入党员互评" in body
    assert "保存个人自评" not in body  # the secretary persona is not on the roster


def test_viewers_see_no_buttons(client, demo, django_user_model):
    from orglife.orgs import services

    ev = open_evaluation(demo, voters=0)
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zz, role="viewer")
    client.force_login(viewer)
    body = client.get(url(ev)).content.decode()
    assert "参评党员" in body and "进入党员互评" not in body


def test_it_links_the_meeting_and_the_life_meeting(client, demo):
    from orglife.inspection.life_models import LifeMeeting

    meeting = Meeting.objects.create(org=demo.zb1, topic="年度组织生活会")
    life = LifeMeeting.objects.create(meeting=meeting, kind="org_life_meeting")
    ev = open_evaluation(demo, voters=0, meeting=meeting)
    client.force_login(demo.secretary)
    body = client.get(url(ev)).content.decode()
    assert reverse("meeting_detail", args=[meeting.pk]) in body and reverse("life_detail", args=[life.pk]) in body


def test_tallies_appear_only_after_closing_with_enough_ballots(client, demo):
    ev = to_stage(open_evaluation(demo, voters=5), Stage.VOTING)
    vote_all(ev)
    client.force_login(demo.secretary)
    body = client.get(url(ev)).content.decode()
    assert "已投票 6 / 7 人" in body and "<th>优秀</th>" not in body
    ev = to_stage(ev, Stage.GRADING)
    body = client.get(url(ev)).content.decode()
    assert "<th>优秀</th>" in body and "<td>6</td>" in body  # everyone 合格 on the 6 ballots (王五 has no account)


def test_tallies_stay_hidden_below_the_minimum(client, demo):
    ev = to_stage(open_evaluation(demo, voters=2), Stage.VOTING)
    vote_all(ev)  # 3 ballots (李四 and the 2 voters have accounts; 王五 has none)
    ev = to_stage(ev, Stage.GRADING)
    client.force_login(demo.secretary)
    body = client.get(url(ev)).content.decode()
    assert "少于 5 张" in body and "<th>优秀</th>" not in body


def test_a_member_sees_only_their_own_result(client, demo):
    ev = finish(open_evaluation(demo, voters=3), {"李四": Grade.BASICALLY_QUALIFIED, "王五": Grade.UNQUALIFIED})
    client.force_login(demo.member)
    body = client.get(url(ev)).content.decode()
    assert 'data-testid="my-grade">基本合格<' in body
    assert "不合格" not in body.replace("不合格党员", "") and "王五" not in body


def test_managers_see_the_handling_of_unqualified_members(client, demo):
    ev = finish(open_evaluation(demo, voters=3), {"王五": Grade.UNQUALIFIED})
    client.force_login(demo.secretary)
    body = client.get(url(ev)).content.decode()
    assert "不合格党员处置" in body and "教育谈话" in body and "限期改正" in body and "本步已完成" in body


def test_peer_review_shows_peers_and_comments_about_me(client, demo):
    ev = to_stage(open_evaluation(demo, voters=1), Stage.PEER_REVIEW)
    p_m1, p_m2 = ev.participants.get(member=demo.m1), ev.participants.get(member=demo.m2)
    appraisal_services.appraisal_comment(actor=None, author=p_m2, subject=p_m1, text="要加强学习")
    client.force_login(demo.member)
    body = client.get(url(ev)).content.decode()
    assert "对王五的互评意见" in body and "要加强学习" in body


def test_queries_do_not_grow_with_the_roster(client, demo, django_assert_max_num_queries):
    ev = to_stage(open_evaluation(demo, voters=12), Stage.VOTING)
    vote_all(ev)
    ev = to_stage(ev, Stage.GRADING)
    appraisal_services.appraisal_grade(actor=None, evaluation=ev, grades={
        p.pk: (Grade.UNQUALIFIED, "理由") for p in ev.participants.all()})
    ev = to_stage(ev, Stage.FINISHED)
    client.force_login(demo.member)
    with django_assert_max_num_queries(22):
        assert client.get(url(ev)).status_code == 200
    client.force_login(demo.secretary)
    with django_assert_max_num_queries(22):
        assert client.get(url(ev)).status_code == 200

