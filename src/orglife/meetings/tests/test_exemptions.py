import datetime as dt

import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.meetings import exemption_services
from orglife.meetings.models import Exemption
from orglife.orgs.services import ServiceError
from orglife.rules import compliance

pytestmark = pytest.mark.django_db


def test_a_grant_turns_missed_into_exempt(demo):
    exemption_services.exemption_grant(actor=demo.officer, org=demo.zb1, kind="assembly", period="2026-Q1",
                                       reason="支部于3月下旬成立")
    reqs = compliance.requirements(demo.zb1.profile(), "branch", dt.date(2026, 1, 1))
    facts = compliance.OrgFacts(demo.zb1.pk, "branch")
    exemptions = Exemption.objects.values_list("kind", "period")
    verdicts = compliance.judge(facts, reqs, [], 2026, dt.date(2026, 11, 30), exemptions)
    by_key = {(v.kind, v.period): v.status for v in verdicts}
    assert by_key[("assembly", "2026-Q1")] == "exempt" and by_key[("assembly", "2026-Q2")] == "missed"
    assert AuditEvent.objects.filter(action="exemption.grant", org=demo.zb1).exists()


@pytest.mark.parametrize("kind,period,reason,field,message", [
    ("assembly", "2026-03", "理由", "period", "支部党员大会按每季度要求，期间应写作 2026-Q1 这样的格式"),
    ("assembly", "2026-Q5", "理由", "period", "期间“2026-Q5”无效"),
    ("democratic_life_meeting", "2026", "理由", "kind", "党支部在该期间不要求召开民主生活会"),
    ("assembly", "2026-Q1", "  ", "reason", "请填写免于召开的理由"),
])
def test_bad_requests_are_refused_in_chinese(demo, kind, period, reason, field, message):
    with pytest.raises(ServiceError) as exc:
        exemption_services.exemption_grant(actor=demo.officer, org=demo.zb1, kind=kind, period=period, reason=reason)
    assert message in exc.value.errors[field]
    assert not Exemption.objects.exists()


def test_the_same_exemption_twice_is_refused(demo):
    exemption_services.exemption_grant(actor=None, org=demo.zb1, kind="theme_day", period="2026-03", reason="停课")
    with pytest.raises(ServiceError, match="已批准免于召开"):
        exemption_services.exemption_grant(actor=None, org=demo.zb1, kind="theme_day", period="2026-03", reason="停课")


def test_the_officer_above_approves_from_the_page(client, demo):
    client.force_login(demo.officer)
    r = client.post(reverse("exemption_list", args=["ZB1"]),
                    {"kind": "theme_day", "period": "2026-02", "reason": "春节假期"})
    assert r.status_code == 302
    assert Exemption.objects.get().reason == "春节假期"
    assert "春节假期" in client.get(reverse("exemption_list", args=["ZB1"])).content.decode()


def test_the_branch_cannot_exempt_itself(client, demo):
    client.force_login(demo.secretary)
    body = client.get(reverse("exemption_list", args=["ZB1"])).content.decode()
    assert "批准免于召开</strong>" not in body
    r = client.post(reverse("exemption_list", args=["ZB1"]), {"kind": "theme_day", "period": "2026-02", "reason": "x"})
    assert r.status_code == 403 and not Exemption.objects.exists()


def test_revoke_is_for_the_approvers(client, demo):
    e = exemption_services.exemption_grant(actor=None, org=demo.zb1, kind="theme_day", period="2026-03", reason="停课")
    client.force_login(demo.secretary)
    assert client.post(reverse("exemption_revoke", args=[e.pk])).status_code == 403
    client.force_login(demo.officer)
    assert client.post(reverse("exemption_revoke", args=[e.pk])).status_code == 302
    assert not Exemption.objects.exists()
    assert AuditEvent.objects.filter(action="exemption.revoke").exists()


@pytest.mark.parametrize("persona,code,status", [("outsider", "ZB1", 403), ("member", "ZB1", 403),
                                                 ("officer", "ZB3", 403), ("admin", "NOPE", 404)])
def test_it_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("exemption_list", args=[code])).status_code == status


def test_revoke_is_post_only(client, demo):
    e = exemption_services.exemption_grant(actor=None, org=demo.zb1, kind="theme_day", period="2026-03", reason="停课")
    client.force_login(demo.officer)
    assert client.get(reverse("exemption_revoke", args=[e.pk])).status_code == 405
