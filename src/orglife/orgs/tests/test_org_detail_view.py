import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import make_member
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db


def url(code):
    return reverse("org_detail", args=[code])


def test_it_shows_the_organization(client, demo):
    client.force_login(demo.secretary)
    body = client.get(url("ZB1")).content.decode()
    assert "第一党支部" in body and "党员名册（2）" in body
    assert "导入花名册" in body  # managers may import


def test_it_warns_about_a_branch_with_fewer_than_three_full_members(client, demo):
    client.force_login(demo.secretary)
    body = client.get(url("ZB1")).content.decode()
    assert "正式党员仅 2 人" in body and "org.branch.min_full_members" in body


def test_it_warns_when_seven_full_members_have_no_committee(client, demo):
    for i in range(5):
        make_member("ZB1", name=f"成员{i}")
    client.force_login(demo.secretary)
    body = client.get(url("ZB1")).content.decode()
    assert "应当设立支部委员会" in body


def test_it_warns_before_and_errs_after_the_term(client, demo):
    today = dt.date.today()
    services.term_start(actor=None, org=demo.zb1, started_on=today - dt.timedelta(days=1000),
                        expires_on=today + dt.timedelta(days=40))
    client.force_login(demo.secretary)
    assert "请做好换届准备" in client.get(url("ZB1")).content.decode()
    services.term_start(actor=None, org=demo.zb1, started_on=today - dt.timedelta(days=1200),
                        expires_on=today - dt.timedelta(days=1))
    body = client.get(url("ZB1")).content.decode()
    assert "应按期换届" in body and "finding-error" in body


def test_it_lists_the_committee(client, demo):
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 1, 1))
    services.post_assign(actor=None, term=term, member=demo.m1, post="secretary")
    client.force_login(demo.officer)
    body = client.get(url("ZB1")).content.decode()
    assert "书记：" in body and "李四" in body and "2028年1月1日" in body


def test_it_shows_a_move_in_the_history(client, demo):
    services.org_move(actor=demo.admin, org=Organization.objects.get(code="ZB3"), new_parent=demo.zz)
    client.force_login(demo.admin)
    body = client.get(url("ZB3")).content.decode()
    assert "调整隶属关系" in body and "DW" in body and "ZZ" in body


def test_viewer_gets_no_manager_links(client, demo, django_user_model):
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role="viewer")
    client.force_login(viewer)
    body = client.get(url("ZB1")).content.decode()
    assert "导入花名册" not in body and "操作记录" not in body


@pytest.mark.parametrize("persona,code,status", [
    ("officer", "ZB3", 403), ("secretary", "ZB2", 403), ("outsider", "ZB1", 403), ("member", "ZB1", 403),
    ("admin", "NOPE", 404), ("officer", "ZB2", 200), ("admin", "ZB3", 200),
])
def test_it_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(url(code)).status_code == status


def test_it_requires_login(client, demo):
    assert client.get(url("ZB1")).status_code == 302


def test_it_rejects_post(client, demo):
    client.force_login(demo.admin)
    assert client.post(url("ZB1")).status_code == 405


def test_it_links_to_organizational_life(client, demo):
    client.force_login(demo.secretary)
    body = client.get(url("ZB1")).content.decode()
    for name in ("meeting_list", "plan_list", "compliance", "talk_list", "org_todos"):
        assert reverse(name, args=["ZB1"]) in body
    client.force_login(demo.officer)
    assert reverse("dual_life", args=["ZZ"]) in client.get(url("ZZ")).content.decode()
