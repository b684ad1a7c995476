"""/orgs/<code>/study/points/ (setting, table, ranking) and its setting form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.study import points, points_services
from orglife.study.plan_models import PointsSetting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB3", 403), ("officer", "ZB3", 403),
    ("secretary", "ZB1", 200), ("officer", "ZB1", 200), ("admin", "ZB3", 200),
])
def test_the_page_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("study_points", args=[code])).status_code == status


def test_off_by_default_and_a_manager_turns_points_on(client, demo):
    client.force_login(demo.secretary)
    body = client.get(reverse("study_points", args=["ZB1"])).content.decode()
    assert "未启用" in body and "启用学习积分" in body and "开启积分排名" not in body and "积分排名</strong>" not in body
    r = client.post(reverse("study_points_setting", args=["ZB1"]), {"enabled": "1"})
    assert r.status_code == 302 and points.effective(demo.zb1).enabled
    body = client.get(reverse("study_points", args=["ZB1"])).content.decode()
    assert "已启用" in body and "年积分排名" not in body  # no ranking until an administrator turns it on


def test_only_an_administrator_turns_the_ranking_on(client, demo):
    points_services.setting_update(actor=None, org=demo.zb1, enabled=True)
    client.force_login(demo.secretary)
    assert client.post(reverse("study_points_setting", args=["ZB1"]), {"ranking": "1"}).status_code == 403
    assert not PointsSetting.objects.get(org=demo.zb1).ranking
    client.force_login(demo.admin)
    assert client.post(reverse("study_points_setting", args=["ZB1"]), {"ranking": "1"}).status_code == 302
    body = client.get(reverse("study_points", args=["ZB1"])).content.decode()
    assert "年积分排名" in body and "李四" in body
    assert AuditEvent.objects.filter(action="study.points_setting", actor=demo.admin).exists()


@pytest.mark.parametrize("persona,code", [("member", "ZB1"), ("outsider", "ZB1"), ("secretary", "ZB3"), ("officer", "ZB3")])
def test_setting_changes_are_refused_for_others(client, demo, persona, code):
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("study_points_setting", args=[code]), {"enabled": "1"}).status_code == 403
    assert not PointsSetting.objects.exists()


def test_an_empty_post_changes_nothing(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("study_points_setting", args=["ZB1"]), {}, follow=True)
    assert "没有要修改的设置" in r.content.decode() and not PointsSetting.objects.exists()


def test_wrong_methods(client, demo):
    client.force_login(demo.admin)
    assert client.post(reverse("study_points", args=["ZB1"])).status_code == 405
    assert client.get(reverse("study_points_setting", args=["ZB1"])).status_code == 405
