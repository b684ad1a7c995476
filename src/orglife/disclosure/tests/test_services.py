from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from orglife.core.models import AuditEvent
from orglife.disclosure import services
from orglife.disclosure.models import Publication
from orglife.orgs.services import ServiceError

from .helpers import problem, publish_rectification


def test_it_publishes_a_snapshot_and_audits(demo):
    problem(demo.zb1)
    pub = publish_rectification(demo)
    assert pub.snapshot["totals"]["total"] == 1
    assert pub.title == "测试党总支问题整改落实情况"
    assert pub.published_by == demo.officer
    event = AuditEvent.objects.get(action="disclosure.publish")
    assert event.target_id == str(pub.pk) and event.org_id == demo.zz.pk


def test_it_keeps_a_given_title(demo):
    assert publish_rectification(demo, title=" 2026年整改公示 ").title == "2026年整改公示"


def test_it_refuses_a_manager_of_another_org(demo):
    with pytest.raises(PermissionDenied):
        publish_rectification(demo, actor=demo.secretary)  # manages ZB1, not ZZ
    with pytest.raises(PermissionDenied):
        publish_rectification(demo, actor=demo.member)
    assert not Publication.objects.exists()


def test_it_refuses_an_unknown_kind_or_scope(demo):
    with pytest.raises(ServiceError) as e:
        services.publish(actor=demo.officer, org=demo.zz, kind="ballots", audience="public")
    assert "kind" in e.value.errors
    with pytest.raises(ServiceError) as e:
        publish_rectification(demo, audience="world")
    assert e.value.errors == {"audience": "请选择公开范围"}
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.filter(action="disclosure.publish").exists()


def test_the_snapshot_does_not_follow_live_data(demo):
    p = problem(demo.zb1)
    pub = publish_rectification(demo)
    problem(demo.zb2)
    problem(demo.zb2)
    from orglife.inspection import problem_services as ps
    ps.problem_withdraw(actor=None, problem=p, reason="登记错误")
    pub.refresh_from_db()
    assert pub.snapshot["totals"]["total"] == 1


def test_withdraw_needs_a_reason_and_happens_once(demo):
    pub = publish_rectification(demo)
    with pytest.raises(ServiceError) as e:
        services.withdraw(actor=demo.officer, publication=pub, reason="  ")
    assert e.value.errors == {"reason": "撤回需填写理由"}
    services.withdraw(actor=demo.officer, publication=pub, reason="数据有误")
    pub.refresh_from_db()
    assert pub.is_withdrawn and pub.withdraw_reason == "数据有误" and pub.withdrawn_by == demo.officer
    assert pub.snapshot  # kept as the record of what was published
    with pytest.raises(ServiceError) as e:
        services.withdraw(actor=demo.officer, publication=pub, reason="再次撤回")
    assert e.value.errors == {"reason": "该公开事项已撤回"}
    assert AuditEvent.objects.filter(action="disclosure.withdraw").count() == 1


def test_withdraw_refuses_others(demo):
    pub = publish_rectification(demo)
    for user in (demo.secretary, demo.member, demo.outsider):
        with pytest.raises(PermissionDenied):
            services.withdraw(actor=user, publication=pub, reason="无权撤回")
    pub.refresh_from_db()
    assert not pub.is_withdrawn


def test_an_administrator_above_may_publish_and_withdraw(demo):
    pub = publish_rectification(demo, actor=demo.admin)
    services.withdraw(actor=demo.admin, publication=pub, reason="重新发布")
