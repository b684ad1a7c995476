"""双重组织生活: leading cadres at their branch's 组织生活会 and their leading group's 民主生活会."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import make_member
from orglife.meetings import dual_life
from orglife.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from orglife.orgs import services
from orglife.orgs.models import Member, OrgKind

pytestmark = pytest.mark.django_db
YEAR = 2026


def meeting(org, kind, held_on=dt.date(2026, 11, 20), counted=True, **attendance):
    m = Meeting.objects.create(org=org, status=MeetingStatus.SUBMITTED if counted else MeetingStatus.STARTED,
                               held_on=held_on, topic=kind)
    MeetingKind.objects.create(meeting=m, kind=kind, org=org, held_on=held_on, counted=counted)
    for member, status in attendance.items():
        Attendance.objects.create(meeting=m, member=Member.objects.get(name=member), status=status)
    return m


@pytest.fixture
def cadre(demo):
    Member.objects.filter(pk=demo.m1.pk).update(leading_cadre=True)
    demo.m1.refresh_from_db()
    demo.dz = services.org_create(actor=None, parent=demo.dw, code="DZ", name="测试党组", kind=OrgKind.LEADING_GROUP)
    return demo.m1


def test_a_cadre_who_attended_both_is_ok(demo, cadre):
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    meeting(demo.dz, "democratic_life_meeting", 李四="present")
    row = dual_life.for_member(cadre, YEAR)
    assert row.org_life_ok and row.dem_life_applies and row.dem_life_ok and row.ok
    assert row.explanations == []


def test_absence_and_missing_meetings_are_explained(demo, cadre):
    meeting(demo.zb1, "org_life_meeting", 李四="absent")
    meeting(demo.dz, "democratic_life_meeting", 李四="on_leave")
    row = dual_life.for_member(cadre, YEAR)
    assert not row.ok
    assert "未出席" in row.explanations[0] and "民主生活会" in row.explanations[1]


def test_only_counted_meetings_of_the_year_and_own_branch_count(demo, cadre):
    meeting(demo.zb1, "org_life_meeting", counted=False, 李四="present")
    meeting(demo.zb1, "org_life_meeting", held_on=dt.date(2025, 12, 1), 李四="present")
    meeting(demo.zb2, "org_life_meeting", 李四="present")  # another branch's meeting
    meeting(demo.zb1, "theme_day", 李四="present")  # not a 组织生活会
    row = dual_life.for_member(cadre, YEAR)
    assert not row.org_life_ok and "尚无本人出席" in row.explanations[0]
    assert not row.dem_life_applies


def test_a_group_org_life_meeting_counts(demo, cadre):
    meeting(demo.xz1, "org_life_meeting", 李四="present")
    assert dual_life.for_member(cadre, YEAR).org_life_ok


def test_a_democratic_life_meeting_outside_a_leading_group_does_not_count(demo, cadre):
    meeting(demo.zz, "democratic_life_meeting", 李四="present")
    assert not dual_life.for_member(cadre, YEAR).dem_life_applies


def test_ordinary_members_have_no_section(demo):
    assert dual_life.for_member(demo.m2, YEAR) is None


def test_subtree_totals_and_bounded_compute(demo, cadre, django_assert_num_queries):
    other = make_member("ZB3", name="钱八", leading_cadre=True)
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    meeting(demo.dz, "democratic_life_meeting", 李四="present", 钱八="absent")
    totals = dual_life.subtree_totals(demo.dw, YEAR)
    assert totals == {"cadres": 2, "org_life_ok": 1, "dem_life_due": 2, "dem_life_ok": 1,
                      "org_life_missing": 1, "dem_life_missing": 1}
    assert dual_life.subtree_totals(demo.zz, YEAR)["cadres"] == 1
    members = list(dual_life.cadres(demo.dw))
    assert [m.pk for m in members] == [cadre.pk, other.pk]
    with django_assert_num_queries(2):
        dual_life.compute(members, YEAR)


# ------------------------------------------------------------------ pages


def test_the_report_lists_cadres_of_the_subtree(client, demo, cadre):
    make_member("ZB3", name="钱八", leading_cadre=True)
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    client.force_login(demo.officer)
    body = client.get(reverse("dual_life", args=["ZZ"]) + "?year=2026").content.decode()
    assert "李四" in body and "钱八" not in body and "已参加" in body
    client.force_login(demo.admin)
    body = client.get(reverse("dual_life", args=["DW"])).content.decode()
    assert "钱八" in body and "未参加" in body


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "DW", 403), ("officer", "DW", 403), ("secretary", "ZZ", 403),
    ("secretary", "ZB1", 200), ("admin", "DW", 200),
])
def test_the_report_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("dual_life", args=[code])).status_code == status


def test_the_report_query_count_does_not_grow(client, demo, cadre, django_assert_max_num_queries):
    client.force_login(demo.admin)
    url = reverse("dual_life", args=["DW"]) + "?year=2026"
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    with django_assert_max_num_queries(30) as ctx:
        client.get(url)
    for i in range(4):
        make_member("ZB2", name=f"干部{i}", leading_cadre=True)
        meeting(demo.zb2, "org_life_meeting", **{f"干部{i}": "present"})
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url)


def test_a_bad_year_falls_back_to_this_year(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("dual_life", args=["DW"]) + "?year=abc").status_code == 200


def test_the_member_page_shows_the_section_for_cadres_only(client, demo, cadre):
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    client.force_login(demo.secretary)
    body = client.get(reverse("member_detail", args=[cadre.pk])).content.decode()
    assert "双重组织生活" in body and "已参加" in body
    assert "双重组织生活" not in client.get(reverse("member_detail", args=[demo.m2.pk])).content.decode()
    client.force_login(demo.member)  # the cadre on their own 我的 page
    assert "双重组织生活" in client.get(reverse("me")).content.decode()


def test_the_report_can_show_only_cadres_with_gaps(client, demo, cadre):
    make_member("ZB3", name="钱八", leading_cadre=True)
    make_member("ZB3", name="孙九", leading_cadre=True)
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    meeting(demo.zb3, "org_life_meeting", 钱八="present", 孙九="present")
    meeting(demo.dz, "democratic_life_meeting", 钱八="absent")
    assert sorted(m.name for m in dual_life.cadres_with_gaps(demo.dw, YEAR)) == ["钱八"]
    client.force_login(demo.admin)
    body = client.get(reverse("dual_life", args=["DW"]) + "?year=2026&gaps=1").content.decode()
    assert "钱八" in body and "孙九" not in body and "李四" not in body


def test_a_grant_on_the_committee_alone_does_not_show_the_branches_cadres(client, demo, cadre):
    """A non-recursive grant covers its own organization only (core.scope), as on the heat map."""
    from django.contrib.auth import get_user_model

    from orglife.core.models import Role

    user = get_user_model().objects.create_user(username="dw_viewer", password="Secret-pass-2026")
    services.grant_role(actor=None, user=user, org=demo.dw, role=Role.VIEWER, recursive=False)
    meeting(demo.zb1, "org_life_meeting", 李四="present")
    client.force_login(user)
    r = client.get(reverse("dual_life", args=["DW"]) + "?year=2026")
    body = r.content.decode()
    assert r.status_code == 200 and "李四" not in body
    assert r.context["totals"]["cadres"] == 0
