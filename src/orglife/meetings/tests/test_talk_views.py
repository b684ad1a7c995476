"""Talk pages: /orgs/<code>/talks/ (list, coverage, forms, to-dos) and /talks/<pk>/ (detail)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.conftest import make_member
from orglife.meetings import talk_services
from orglife.meetings.models import Talk, TalkTodo
from orglife.orgs import services

pytestmark = pytest.mark.django_db
SECRET = "机密的谈话要点"


def record(demo, *members, summary=SECRET):
    return talk_services.talk_record(actor=None, org=demo.zb1, held_on=timezone.localdate() - dt.timedelta(days=1),
                                     topic="思想交流", participants=members or [demo.m1, demo.m2], summary=summary)


def viewer(django_user_model, org, username="viewer"):
    user = django_user_model.objects.create_user(username)
    services.grant_role(actor=None, user=user, org=org, role="viewer")
    return user


def test_it_lists_talks_and_coverage(client, demo):
    talk = record(demo)
    client.force_login(demo.secretary)
    body = client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    assert "覆盖情况" in body and "思想交流" in body and reverse("talk_detail", args=[talk.pk]) in body
    assert "记录谈心谈话" in body and "添加谈话任务" in body
    assert SECRET not in body


def test_viewers_see_the_list_without_forms(client, demo, django_user_model):
    record(demo)
    client.force_login(viewer(django_user_model, demo.zz))
    body = client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    assert "思想交流" in body and "记录谈心谈话" not in body and SECRET not in body


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB3", 403), ("officer", "ZB3", 403),
    ("officer", "ZB1", 200), ("admin", "ZB3", 200),
])
def test_the_list_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("talk_list", args=[code])).status_code == status


def test_it_404s_for_an_unknown_org(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("talk_list", args=["NOPE"])).status_code == 404


def test_the_secretary_records_a_talk(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("talk_new", args=["ZB1"]), {
        "held_on": "2026-01-05", "topic": "工作谈心", "participants": [demo.m1.pk, demo.m2.pk], "summary": "要点",
    })
    talk = Talk.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("talk_detail", args=[talk.pk])
    assert talk.created_by == demo.secretary and talk.participants.count() == 2


def test_one_participant_is_refused_with_a_message(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("talk_new", args=["ZB1"]), {
        "held_on": "2026-01-05", "topic": "t", "participants": [demo.m1.pk],
    })
    assert r.status_code == 400 and "至少需要2名党员" in r.content.decode()
    assert not Talk.objects.exists()


def test_members_of_another_branch_are_not_offered(client, demo):
    client.force_login(demo.admin)
    r = client.post(reverse("talk_new", args=["ZB1"]), {
        "held_on": "2026-01-05", "topic": "t", "participants": [demo.m1.pk, demo.m3.pk],
    })
    assert r.status_code == 400 and not Talk.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "viewer"])
def test_only_managers_record_talks(client, demo, django_user_model, persona):
    user = viewer(django_user_model, demo.zb1) if persona == "viewer" else getattr(demo, persona)
    client.force_login(user)
    r = client.post(reverse("talk_new", args=["ZB1"]), {
        "held_on": "2026-01-05", "topic": "t", "participants": [demo.m1.pk, demo.m2.pk],
    })
    assert r.status_code == 403 and not Talk.objects.exists()


def test_talk_new_rejects_get(client, demo):
    client.force_login(demo.secretary)
    assert client.get(reverse("talk_new", args=["ZB1"])).status_code == 405


def test_the_secretary_raises_a_talk_todo(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("talk_todo_new", args=["ZB1"]), {"member": demo.m2.pk, "reason": "遇到重大困难",
                                                              "due_on": "2099-01-01"})
    assert r.status_code == 302
    body = client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    assert "遇到重大困难" in body and TalkTodo.objects.get().member == demo.m2


def test_a_todo_without_reason_is_refused(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("talk_todo_new", args=["ZB1"]), {"member": demo.m2.pk, "reason": ""})
    assert r.status_code == 400 and not TalkTodo.objects.exists()


def test_viewers_cannot_raise_todos(client, demo, django_user_model):
    client.force_login(viewer(django_user_model, demo.zb1))
    r = client.post(reverse("talk_todo_new", args=["ZB1"]), {"member": demo.m2.pk, "reason": "x"})
    assert r.status_code == 403


# ------------------------------------------------------------------ detail


def test_participants_see_the_summary(client, demo):
    talk = record(demo)
    client.force_login(demo.member)  # m1, a participant without any grant
    body = client.get(reverse("talk_detail", args=[talk.pk])).content.decode()
    assert SECRET in body and "王五" in body


def test_the_branch_secretary_sees_the_summary(client, demo):
    talk = record(demo)
    client.force_login(demo.secretary)
    assert SECRET in client.get(reverse("talk_detail", args=[talk.pk])).content.decode()


@pytest.mark.parametrize("persona", ["officer", "admin"])
def test_managers_above_see_the_talk_but_not_its_summary(client, demo, persona):
    talk = record(demo)
    client.force_login(getattr(demo, persona))
    r = client.get(reverse("talk_detail", args=[talk.pk]))
    assert r.status_code == 200 and SECRET not in r.content.decode()


def test_a_viewer_sees_the_talk_but_not_its_summary(client, demo, django_user_model):
    talk = record(demo)
    client.force_login(viewer(django_user_model, demo.zz))
    r = client.get(reverse("talk_detail", args=[talk.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "思想交流" in body and SECRET not in body
    assert "仅谈话参加人和本组织管理员可见" in body


def test_a_non_participant_member_does_not_see_the_summary(client, demo, django_user_model):
    m4 = make_member("ZB1", name="孙七")
    talk = record(demo, demo.m2, m4)
    # the member persona (m1) is not a participant and holds no grant: no access at all
    client.force_login(demo.member)
    assert client.get(reverse("talk_detail", args=[talk.pk])).status_code == 403
    # a member of the branch with a viewer grant sees that the talk happened, not what was said
    services.grant_role(actor=None, user=demo.member, org=demo.zb1, role="viewer")
    r = client.get(reverse("talk_detail", args=[talk.pk]))
    assert r.status_code == 200 and SECRET not in r.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_outsiders_get_403(client, demo, persona):
    m4 = make_member("ZB1", name="孙七")
    talk = record(demo, demo.m2, m4)
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("talk_detail", args=[talk.pk])).status_code == 403


def test_detail_404s_and_needs_login(client, demo):
    talk = record(demo)
    assert client.get(reverse("talk_detail", args=[talk.pk])).status_code == 302
    client.force_login(demo.admin)
    assert client.get(reverse("talk_detail", args=[99999])).status_code == 404
    assert client.post(reverse("talk_detail", args=[talk.pk])).status_code == 405


def test_the_list_runs_a_bounded_number_of_queries(client, demo, django_assert_max_num_queries):
    client.force_login(demo.secretary)
    url = reverse("talk_list", args=["ZB1"])
    client.get(url)
    record(demo)
    with django_assert_max_num_queries(30) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for _ in range(5):
        record(demo)
    with django_assert_max_num_queries(before):
        client.get(url)


def test_the_me_page_lists_my_talks(client, demo):
    talk = record(demo)
    client.force_login(demo.member)
    body = client.get(reverse("me")).content.decode()
    assert "我参加的谈心谈话" in body and reverse("talk_detail", args=[talk.pk]) in body and SECRET not in body


def test_it_warns_when_no_committee_is_registered(client, demo):
    client.force_login(demo.secretary)
    assert "尚未登记支部委员" in client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 1, 1))
    services.post_assign(actor=None, term=term, member=demo.m1, post="secretary")
    body = client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    assert "尚未登记支部委员" not in body and "支委" in body


def test_the_detail_names_the_todo_it_closed_to_those_who_see_the_summary(client, demo, django_user_model):
    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason="受到处分")
    talk = record(demo)
    client.force_login(demo.secretary)
    assert "受到处分" in client.get(reverse("talk_detail", args=[talk.pk])).content.decode()
    client.force_login(viewer(django_user_model, demo.zb1))
    assert "受到处分" not in client.get(reverse("talk_detail", args=[talk.pk])).content.decode()


def test_viewers_see_how_many_talk_todos_are_open_but_not_why(client, demo, django_user_model):
    talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason="家庭困难")
    client.force_login(viewer(django_user_model, demo.zz))
    body = client.get(reverse("talk_list", args=["ZB1"])).content.decode()
    assert "未完成的谈话任务 1 项" in body and "家庭困难" not in body
