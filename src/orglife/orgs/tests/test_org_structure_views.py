"""Views that change the tree and the leadership: new child, edit, move, new term, new post."""

import datetime as dt

import pytest
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.orgs.models import Organization, PostHolding, Term

pytestmark = pytest.mark.django_db


def test_a_manager_adds_a_branch_below(client, demo):
    client.force_login(demo.officer)
    r = client.post(reverse("org_new", args=["ZZ"]), {"code": "ZB9", "name": "新党支部", "kind": "branch"})
    assert r.status_code == 302
    org = Organization.objects.get(code="ZB9")
    assert org.get_parent().code == "ZZ" and org.path.startswith(demo.zz.path)


def test_a_duplicate_code_is_refused_and_input_kept(client, demo):
    client.force_login(demo.officer)
    r = client.post(reverse("org_new", args=["ZZ"]), {"code": "ZB1", "name": "重复支部", "kind": "branch"})
    body = r.content.decode()
    assert r.status_code == 200 and "组织编码“ZB1”已存在" in body and 'value="重复支部"' in body


def test_edit_is_for_managers_of_the_parent(client, demo):
    client.force_login(demo.secretary)  # manages ZB1 itself, not ZZ above it
    assert client.get(reverse("org_edit", args=["ZB1"])).status_code == 403
    client.force_login(demo.officer)
    r = client.post(reverse("org_edit", args=["ZB1"]), {"code": "IGNORED", "name": "第一党支部（改）",
                                                        "kind": "branch", "rule_profile": "strict"})
    assert r.status_code == 302
    org = Organization.objects.get(pk=demo.zb1.pk)
    assert org.name == "第一党支部（改）" and org.code == "ZB1" and org.rule_profile == "strict"
    assert AuditEvent.objects.filter(action="org.update", target_id=str(org.pk)).exists()


def test_a_subtree_moves_and_keeps_its_members(client, demo):
    client.force_login(demo.admin)
    r = client.post(reverse("org_move", args=["ZB3"]), {"new_parent": "ZZ"})
    assert r.status_code == 302
    zb3 = Organization.objects.get(code="ZB3")
    assert zb3.get_parent().code == "ZZ" and zb3.members.count() == 1
    event = AuditEvent.objects.get(action="org.move")
    assert event.changes == {"parent": ["DW", "ZZ"]}


def test_moving_under_its_own_subtree_is_not_offered_or_allowed(client, demo):
    client.force_login(demo.admin)
    r = client.get(reverse("org_move", args=["ZZ"]))
    codes = [c for c, _ in r.context["form"].fields["new_parent"].choices]
    assert "ZB1" not in codes and "DW" in codes
    r = client.post(reverse("org_move", args=["ZZ"]), {"new_parent": "ZB1"})
    assert r.status_code == 200 and Organization.objects.get(code="ZZ").get_parent().code == "DW"


def test_officer_cannot_move_into_a_foreign_branch(client, demo):
    client.force_login(demo.officer)
    r = client.post(reverse("org_move", args=["ZB2"]), {"new_parent": "ZB3"})
    assert r.status_code == 200  # ZB3 is not a valid choice for the officer
    assert Organization.objects.get(code="ZB2").get_parent().code == "ZZ"


def test_a_secretary_records_a_new_term_with_default_length(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("term_new", args=["ZB1"]), {"started_on": "2026-06-01"})
    assert r.status_code == 302
    term = Term.objects.get(org=demo.zb1)
    assert term.expires_on == dt.date(2029, 6, 1)


def test_a_post_is_assigned_from_the_branch_members(client, demo):
    client.force_login(demo.secretary)
    assert client.get(reverse("post_new", args=["ZB1"])).status_code == 302  # no term yet
    client.post(reverse("term_new", args=["ZB1"]), {"started_on": "2026-06-01"})
    r = client.get(reverse("post_new", args=["ZB1"]))
    ids = [c for c, _ in r.context["form"].fields["member"].choices]
    assert demo.m1.pk in ids and demo.m3.pk not in ids
    r = client.post(reverse("post_new", args=["ZB1"]), {"member": demo.m1.pk, "post": "secretary"})
    assert r.status_code == 302
    assert PostHolding.objects.get(member=demo.m1).post == "secretary"


@pytest.mark.parametrize("name,args", [("org_new", ["ZB3"]), ("term_new", ["ZB3"]), ("post_new", ["ZB3"]),
                                       ("org_edit", ["ZB3"]), ("org_move", ["ZB3"])])
def test_officer_is_refused_outside_scope(client, demo, name, args):
    client.force_login(demo.officer)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_non_managers_are_refused(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("org_new", args=["ZB1"])).status_code == 403
    assert client.post(reverse("term_new", args=["ZB1"]), {"started_on": "2026-06-01"}).status_code == 403


def test_unknown_org_404(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("org_edit", args=["NOPE"])).status_code == 404


def test_wrong_method(client, demo):
    client.force_login(demo.admin)
    assert client.delete(reverse("org_move", args=["ZB1"])).status_code == 405
