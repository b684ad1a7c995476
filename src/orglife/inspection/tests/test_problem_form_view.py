import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.inspection.models import Problem

pytestmark = pytest.mark.django_db

DATA = {"source": "org_life_meeting", "severity": "serious", "description": "批评和自我批评不够深入"}


def test_the_secretary_registers_a_problem(client, demo):
    client.force_login(demo.secretary)
    assert "登记问题" in client.get(reverse("problem_new", args=["ZB1"])).content.decode()
    r = client.post(reverse("problem_new", args=["ZB1"]), {**DATA, "responsible": demo.m1.pk})
    p = Problem.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("problem_detail", args=[p.pk])
    assert (p.org, p.source, p.severity, p.responsible, p.created_by) == (demo.zb1, "org_life_meeting", "serious",
                                                                          demo.m1, demo.secretary)
    assert AuditEvent.objects.filter(action="problem.create", org=demo.zb1).exists()


def test_errors_are_shown_in_chinese(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("problem_new", args=["ZB1"]), {**DATA, "description": ""})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode() and not Problem.objects.exists()


def test_a_member_of_another_branch_cannot_be_responsible(client, demo):
    client.force_login(demo.officer)
    r = client.post(reverse("problem_new", args=["ZB1"]), {**DATA, "responsible": demo.m3.pk})
    assert r.status_code == 200 and not Problem.objects.exists()


@pytest.mark.parametrize("persona,code,status", [
    ("outsider", "ZB1", 403), ("member", "ZB1", 403), ("officer", "ZB3", 403), ("secretary", "ZB2", 403),
    ("admin", "NOPE", 404), ("officer", "ZB1", 200),
])
def test_it_is_for_managers_in_scope(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("problem_new", args=[code])).status_code == status
    if status == 403:
        assert client.post(reverse("problem_new", args=[code]), DATA).status_code == 403
        assert not Problem.objects.exists()
