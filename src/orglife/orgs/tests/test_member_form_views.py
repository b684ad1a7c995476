import pytest
from django.urls import reverse

from orglife.conftest import new_id
from orglife.core.models import AuditEvent
from orglife.orgs.models import Member

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"name": "欧阳明", "id_number": new_id(), "category": "full", "admitted_on": "2012-07-01",
            "full_member_on": "2013-07-01", "status": "active", "org": "ZB1", "phone": "13900001111"}
    data.update(overrides)
    return data


def test_it_creates_a_member(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("member_new", args=["ZB1"]), form_data())
    member = Member.objects.get(name="欧阳明")
    assert r.status_code == 302 and r.url == reverse("member_detail", args=[member.pk])
    assert member.name_initials == "oym" and member.org == demo.zb1
    assert AuditEvent.objects.filter(action="member.create", actor=demo.secretary, target_id=str(member.pk)).exists()


def test_it_keeps_what_was_typed_and_explains_errors(client, demo):
    client.force_login(demo.secretary)
    bad = form_data(id_number="110101199001011234", work_unit="语文组教师")
    r = client.post(reverse("member_new", args=["ZB1"]), bad)
    body = r.content.decode()
    assert r.status_code == 200
    assert "公民身份号码校验位错误" in body
    assert 'value="语文组教师"' in body and 'value="欧阳明"' in body
    assert not Member.objects.filter(name="欧阳明").exists()


def test_it_refuses_a_probationary_member_with_a_conversion_date(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("member_new", args=["ZB1"]), form_data(category="probationary"))
    assert "预备党员不应填写转正日期" in r.content.decode()


def test_it_offers_only_organizations_below(client, demo):
    client.force_login(demo.secretary)
    r = client.get(reverse("member_new", args=["ZB1"]))
    codes = [c for c, _ in r.context["form"].fields["org"].choices]
    assert "ZB1" in codes and "ZB3" not in codes


def test_it_refuses_placing_a_member_outside_scope(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("member_new", args=["ZB1"]), form_data(org="ZB3"))
    assert r.status_code == 200 and not Member.objects.filter(name="欧阳明").exists()


def test_it_edits_a_member_and_records_the_change(client, demo):
    client.force_login(demo.officer)
    data = {**form_data(), "name": "李四", "id_number": demo.m1.id_number, "phone": "13700000000",
            "party_group": "XZ1"}
    r = client.post(reverse("member_edit", args=[demo.m1.pk]), data)
    assert r.status_code == 302
    demo.m1.refresh_from_db()
    assert demo.m1.phone == "13700000000"
    event = AuditEvent.objects.filter(action="member.update", target_id=str(demo.m1.pk)).latest("id")
    assert event.changes["phone"] == ["13812345678", "13700000000"]


def test_edit_form_starts_with_current_values(client, demo):
    client.force_login(demo.secretary)
    r = client.get(reverse("member_edit", args=[demo.m1.pk]))
    assert r.context["form"].initial["id_number"] == demo.m1.id_number
    assert r.context["form"].initial["party_group"] == "XZ1"


@pytest.mark.parametrize("persona,status", [("member", 403), ("outsider", 403), ("officer", 200)])
def test_new_is_for_managers_only(client, demo, persona, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("member_new", args=["ZB1"])).status_code == status


def test_a_viewer_cannot_edit(client, demo, django_user_model):
    from orglife.orgs import services
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role="viewer")
    client.force_login(viewer)
    assert client.get(reverse("member_edit", args=[demo.m1.pk])).status_code == 403
    assert client.post(reverse("member_edit", args=[demo.m1.pk]), form_data()).status_code == 403


def test_the_member_cannot_edit_themself(client, demo):
    client.force_login(demo.member)
    assert client.get(reverse("member_edit", args=[demo.m1.pk])).status_code == 403


def test_secretary_cannot_edit_other_branch(client, demo):
    client.force_login(demo.secretary)
    assert client.get(reverse("member_edit", args=[demo.m3.pk])).status_code == 403


def test_unknown_org_or_member_404(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("member_new", args=["NOPE"])).status_code == 404
    assert client.get(reverse("member_edit", args=[999999])).status_code == 404


def test_wrong_method(client, demo):
    client.force_login(demo.admin)
    assert client.put(reverse("member_new", args=["ZB1"])).status_code == 405


def test_the_edit_form_always_offers_the_members_own_branch_and_group(client, demo, monkeypatch):
    # With more organizations below than the form lists, the member's own must still be there,
    # or saving any change would send an empty organization.
    from orglife.orgs import views
    monkeypatch.setattr(views, "FORM_CHOICES_LIMIT", 1)
    client.force_login(demo.admin)
    form = client.get(reverse("member_edit", args=[demo.m3.pk])).context["form"]
    assert "ZB3" in [c for c, _ in form.fields["org"].choices]
    form = client.get(reverse("member_edit", args=[demo.m1.pk])).context["form"]
    assert "XZ1" in [c for c, _ in form.fields["party_group"].choices]
