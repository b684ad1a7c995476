"""Writes to organizations, members, terms and grants: one transaction each, each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orglife.conftest import TODAY, member_data
from orglife.core import audit
from orglife.core.models import AppendOnlyError, AuditEvent, Role, RoleGrant
from orglife.core.scope import visible_orgs
from orglife.orgs import services
from orglife.orgs.models import Member, MemberOrgHistory, Organization, OrgKind, PostHolding, Term
from orglife.orgs.services import ServiceError

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def counts(org) -> tuple[int, int]:
    org = fresh(org)
    return org.member_count, org.full_member_count


def events(action=None, **filters):
    qs = AuditEvent.objects.filter(**filters)
    return qs.filter(action=action) if action else qs


# ---------------------------------------------------------------- fixture sanity


def test_the_demo_counts_are_right(demo):
    assert counts(demo.zb1) == (2, 2)
    assert counts(demo.xz1) == (1, 1)
    assert counts(demo.zb3) == (1, 1)
    assert counts(demo.zb2) == (0, 0)


# ---------------------------------------------------------------- member_create


def test_member_create_writes_member_history_counts_and_audit(demo):
    data = member_data("ZB1", name="钱七", party_group="XZ1")
    m = services.member_create(actor=demo.secretary, data=data, today=TODAY)

    m = Member.objects.get(pk=m.pk)
    assert m.name == "钱七"
    assert m.org_id == demo.zb1.pk and m.party_group_id == demo.xz1.pk
    assert m.name_initials == "qq"
    assert m.id_reversed == data["id_number"][::-1]
    assert m.gender == "male" and m.birth_date == dt.date(1990, 5, 17)

    history = list(MemberOrgHistory.objects.filter(member=m))
    assert len(history) == 1
    assert history[0].org_id == demo.zb1.pk
    assert history[0].ended_on is None
    assert history[0].started_on == timezone.localdate()

    assert counts(demo.zb1) == (3, 3)
    assert counts(demo.xz1) == (2, 2)

    (event,) = events("member.create", target_id=str(m.pk))
    assert event.actor_id == demo.secretary.pk
    assert event.org_id == demo.zb1.pk
    assert event.target_type == "orgs.member"
    assert event.target_repr == "钱七"
    assert event.changes["name"] == [None, "钱七"]
    assert event.changes["id_number"] == [None, data["id_number"]]
    assert event.changes["org"] == [None, str(demo.zb1.pk)]
    assert event.changes["party_group"] == [None, str(demo.xz1.pk)]
    assert event.changes["admitted_on"] == [None, "2015-07-01"]


def test_a_probationary_member_counts_in_the_total_only(demo):
    services.member_create(
        actor=demo.secretary,
        today=TODAY,
        data=member_data(
            "ZB1", category="probationary", admitted_on=dt.date(2026, 3, 1), full_member_on=None
        ),
    )
    assert counts(demo.zb1) == (3, 2)


def test_naming_the_party_group_as_org_places_the_member_in_its_branch(demo):
    m = services.member_create(actor=demo.secretary, data=member_data("XZ1"), today=TODAY)
    assert (m.org_id, m.party_group_id) == (demo.zb1.pk, demo.xz1.pk)


def test_member_create_saves_nothing_if_the_audit_write_fails(demo, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    data = member_data("ZB1", name="孙八", party_group="XZ1")
    with pytest.raises(RuntimeError):
        services.member_create(actor=demo.secretary, data=data, today=TODAY)
    assert not Member.objects.filter(id_number=data["id_number"]).exists()
    assert not Member.objects.filter(name="孙八").exists()
    assert MemberOrgHistory.objects.count() == 3
    assert counts(demo.zb1) == (2, 2)
    assert counts(demo.xz1) == (1, 1)


def test_the_secretary_cannot_create_a_member_in_another_branch(demo):
    data = member_data("ZB3")
    with pytest.raises(ServiceError) as exc:
        services.member_create(actor=demo.secretary, data=data, today=TODAY)
    assert exc.value.errors == {"org": "党组织“第三党支部”（ZB3）不在您可管理的范围内"}
    assert not Member.objects.filter(id_number=data["id_number"]).exists()
    assert counts(demo.zb3) == (1, 1)


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_people_without_a_manager_grant_cannot_create_members(demo, persona):
    with pytest.raises(ServiceError) as exc:
        services.member_create(actor=getattr(demo, persona), data=member_data("ZB1"), today=TODAY)
    assert "不在您可管理的范围内" in exc.value.errors["org"]


def test_a_viewer_cannot_create_members(demo):
    viewer = get_user_model().objects.create_user("viewer", password="Secret-pass-2026")
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role=Role.VIEWER)
    with pytest.raises(ServiceError, match="不在您可管理的范围内"):
        services.member_create(actor=viewer, data=member_data("ZB1"), today=TODAY)


def test_the_officer_can_create_members_in_both_branches(demo):
    services.member_create(actor=demo.officer, data=member_data("ZB2"), today=TODAY)
    services.member_create(actor=demo.officer, data=member_data("ZB1"), today=TODAY)
    assert counts(demo.zb2) == (1, 1)
    assert counts(demo.zb1) == (3, 3)


def test_a_duplicate_id_is_refused(demo):
    before = Member.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.member_create(
            actor=demo.secretary,
            data=member_data("ZB1", id_number=demo.m2.id_number.lower()),
            today=TODAY,
        )
    assert exc.value.errors == {"id_number": "该公民身份号码已登记在其他党员名下"}
    assert Member.objects.count() == before


def test_an_unknown_org_code_is_refused(demo):
    with pytest.raises(ServiceError) as exc:
        services.member_create(actor=None, data=member_data("NOPE"), today=TODAY)
    assert exc.value.errors == {"org": "党组织编码“NOPE”不存在"}


def test_a_group_of_another_branch_is_refused(demo):
    xz2 = services.org_create(
        actor=None, parent=demo.zb2, code="XZ2", name="第二党小组", kind=OrgKind.PARTY_GROUP
    )
    with pytest.raises(ServiceError) as exc:
        services.member_create(
            actor=demo.officer, data=member_data("ZB1", party_group=xz2.code), today=TODAY
        )
    assert exc.value.errors == {"party_group": "党小组编码“XZ2”不存在或不属于“第一党支部”"}


def test_a_dissolved_org_takes_no_members(demo):
    services.org_update(actor=None, org=demo.zb2, dissolved_on=dt.date(2026, 1, 1))
    with pytest.raises(ServiceError) as exc:
        services.member_create(actor=demo.officer, data=member_data("ZB2"), today=TODAY)
    assert exc.value.errors == {"org": "党组织“第二党支部”已撤销"}


# ---------------------------------------------------------------- member_update


def test_member_update_changes_only_the_given_fields(demo):
    m2 = fresh(demo.m2)
    before = {f.name: getattr(m2, f.name) for f in Member._meta.fields if f.name != "updated_at"}
    services.member_update(
        actor=demo.secretary, member=m2, data={"phone": "13900000000"}, today=TODAY
    )
    after = fresh(demo.m2)
    assert after.phone == "13900000000"
    for name, value in before.items():
        if name != "phone":
            assert getattr(after, name) == value, name
    (event,) = events("member.update", target_id=str(m2.pk))
    assert event.changes == {"phone": ["13812345678", "13900000000"]}
    assert event.actor_id == demo.secretary.pk
    assert event.org_id == demo.zb1.pk


def test_member_update_refreshes_search_keys(demo):
    services.member_update(
        actor=demo.secretary, member=fresh(demo.m2), data={"name": "周九"}, today=TODAY
    )
    assert fresh(demo.m2).name_initials == "zj"


def test_member_update_moves_history_and_recounts_both_orgs(demo):
    m2 = fresh(demo.m2)
    services.member_update(actor=demo.officer, member=m2, data={"org": "ZB2"}, today=TODAY)
    assert fresh(demo.m2).org_id == demo.zb2.pk
    history = list(MemberOrgHistory.objects.filter(member=m2).order_by("id"))
    assert [(h.org_id, h.ended_on) for h in history] == [
        (demo.zb1.pk, timezone.localdate()),
        (demo.zb2.pk, None),
    ]
    assert history[1].reason == "组织调整"
    assert counts(demo.zb1) == (1, 1)
    assert counts(demo.zb2) == (1, 1)
    (event,) = events("member.update", target_id=str(m2.pk))
    assert event.changes == {"org": [str(demo.zb1.pk), str(demo.zb2.pk)]}
    assert event.org_id == demo.zb2.pk


def test_moving_a_member_out_of_a_group_recounts_the_group(demo):
    services.member_update(
        actor=demo.officer,
        member=fresh(demo.m1),
        data={"org": "ZB2", "party_group": ""},
        today=TODAY,
    )
    assert counts(demo.xz1) == (0, 0)
    assert counts(demo.zb1) == (1, 1)
    assert counts(demo.zb2) == (1, 1)


def test_leaving_the_roster_recounts(demo):
    services.member_update(
        actor=demo.secretary, member=fresh(demo.m2), data={"status": "transferred_out"}, today=TODAY
    )
    assert counts(demo.zb1) == (1, 1)


def test_the_secretary_cannot_move_a_member_out_of_their_scope(demo):
    with pytest.raises(ServiceError) as exc:
        services.member_update(
            actor=demo.secretary, member=fresh(demo.m2), data={"org": "ZB2"}, today=TODAY
        )
    assert exc.value.errors == {"org": "党组织“第二党支部”（ZB2）不在您可管理的范围内"}
    assert fresh(demo.m2).org_id == demo.zb1.pk
    assert not events("member.update").exists()


def test_an_invalid_update_changes_nothing(demo):
    with pytest.raises(ServiceError) as exc:
        services.member_update(
            actor=demo.secretary,
            member=fresh(demo.m2),
            data={"phone": "123", "name": "新名"},
            today=TODAY,
        )
    assert "phone" in exc.value.errors
    assert fresh(demo.m2).name == "王五"


def test_a_no_op_update_writes_no_audit_event(demo):
    m2 = fresh(demo.m2)
    before = AuditEvent.objects.count()
    updated_at = m2.updated_at
    services.member_update(
        actor=demo.secretary,
        member=m2,
        data={"phone": m2.phone, "name": m2.name, "org": "ZB1", "admitted_on": "2015.7.1"},
        today=TODAY,
    )
    assert AuditEvent.objects.count() == before
    assert fresh(demo.m2).updated_at == updated_at


# ---------------------------------------------------------------- organizations


def test_org_create_writes_an_audit_event(demo):
    org = services.org_create(
        actor=demo.admin,
        parent=demo.dw,
        code="ZB4",
        name="第四党支部",
        kind=OrgKind.BRANCH,
        established_on=dt.date(2026, 1, 1),
    )
    assert fresh(org).get_parent().pk == demo.dw.pk
    (event,) = events("org.create", target_id=str(org.pk))
    assert event.actor_id == demo.admin.pk
    assert event.changes["code"] == [None, "ZB4"]
    assert event.changes["established_on"] == [None, "2026-01-01"]


def test_org_create_refuses_a_duplicate_code(demo):
    before = Organization.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.org_create(
            actor=demo.admin, parent=demo.dw, code="ZB1", name="重复", kind=OrgKind.BRANCH
        )
    assert exc.value.errors == {"code": "组织编码“ZB1”已存在"}
    assert Organization.objects.count() == before


def test_org_create_refuses_an_unknown_profile(demo):
    with pytest.raises(ServiceError) as exc:
        services.org_create(
            actor=demo.admin,
            parent=demo.dw,
            code="ZB4",
            name="第四",
            kind=OrgKind.BRANCH,
            rule_profile="lax",
        )
    assert exc.value.errors == {"rule_profile": "规则配置方案“lax”不存在"}


def test_org_update_records_the_diff(demo):
    services.org_update(actor=demo.admin, org=demo.zb2, name="第二党支部（新）")
    assert fresh(demo.zb2).name == "第二党支部（新）"
    (event,) = events("org.update", target_id=str(demo.zb2.pk))
    assert event.changes == {"name": ["第二党支部", "第二党支部（新）"]}


def test_org_move_keeps_members_and_updates_paths(demo):
    zz2 = services.org_create(
        actor=None, parent=demo.dw, code="ZZ2", name="新党总支", kind=OrgKind.GENERAL_BRANCH
    )
    services.org_move(actor=demo.admin, org=fresh(demo.zb1), new_parent=fresh(zz2))

    zb1, xz1, zz2 = fresh(demo.zb1), fresh(demo.xz1), fresh(zz2)
    assert zb1.get_parent().pk == zz2.pk
    assert zb1.path.startswith(zz2.path) and zb1.depth == zz2.depth + 1
    assert xz1.path.startswith(zb1.path) and xz1.get_parent().pk == zb1.pk
    assert set(Member.objects.filter(org=zb1).values_list("pk", flat=True)) == {
        demo.m1.pk,
        demo.m2.pk,
    }
    assert fresh(demo.m1).party_group_id == xz1.pk
    assert counts(zb1) == (2, 2)
    (event,) = events("org.move", target_id=str(zb1.pk))
    assert event.changes == {"parent": ["ZZ", "ZZ2"]}
    assert event.actor_id == demo.admin.pk
    # The officer's recursive grant on ZZ no longer covers the moved branch.
    officer = get_user_model().objects.get(pk=demo.officer.pk)
    assert set(visible_orgs(officer).values_list("code", flat=True)) == {"ZZ", "ZB2"}


def test_org_move_refuses_moving_a_party_group_with_members_to_another_branch(demo):
    # Its members' branch (Member.org) would no longer hold their group: edits to them would fail
    # and the other branch's roster of the group would list them.
    xz1_path = demo.xz1.path
    with pytest.raises(ServiceError) as exc:
        services.org_move(actor=demo.admin, org=fresh(demo.xz1), new_parent=fresh(demo.zb2))
    assert exc.value.errors == {"parent": "该党小组还有 1 名组员，不能调整到其他党支部：请先将组员调出该党小组"}
    assert fresh(demo.xz1).path == xz1_path
    assert not events("org.move").exists()


def test_org_move_moves_an_empty_party_group(demo):
    services.member_update(actor=None, member=fresh(demo.m1), data={"party_group": ""}, today=TODAY)
    services.org_move(actor=demo.admin, org=fresh(demo.xz1), new_parent=fresh(demo.zb2))
    assert fresh(demo.xz1).get_parent().pk == demo.zb2.pk


@pytest.mark.parametrize("target", ["zz", "zb1", "xz1"])
def test_org_move_refuses_moving_under_itself_or_a_descendant(demo, target):
    zz_path = demo.zz.path
    with pytest.raises(ServiceError) as exc:
        services.org_move(
            actor=demo.admin, org=fresh(demo.zz), new_parent=fresh(getattr(demo, target))
        )
    assert exc.value.errors == {"parent": "不能把组织移动到其自身或其下级组织之下"}
    assert fresh(demo.zz).path == zz_path
    assert not events("org.move").exists()


# ---------------------------------------------------------------- terms and posts


def test_term_start_defaults_expiry_by_kind(demo):
    term = services.term_start(actor=demo.secretary, org=demo.zb1, started_on=dt.date(2026, 1, 15))
    assert term.expires_on == dt.date(2029, 1, 15)
    assert term.is_current
    committee = services.term_start(actor=demo.admin, org=demo.dw, started_on=dt.date(2024, 2, 29))
    assert committee.expires_on == dt.date(2029, 2, 28)
    (event,) = events("term.start", target_id=str(term.pk))
    assert event.changes == {"started_on": [None, "2026-01-15"], "expires_on": [None, "2029-01-15"]}


def test_term_start_ends_the_previous_term(demo):
    first = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2020, 1, 1))
    other = services.term_start(actor=None, org=demo.zb2, started_on=dt.date(2020, 1, 1))
    second = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2023, 1, 5))
    assert fresh(first).ended_on == dt.date(2023, 1, 5)
    assert fresh(second).ended_on is None
    assert fresh(other).ended_on is None  # another organization's term is untouched
    assert list(Term.objects.filter(org=demo.zb1, ended_on__isnull=True)) == [second]


def test_term_start_needs_an_expiry_for_a_party_group(demo):
    with pytest.raises(ServiceError) as exc:
        services.term_start(actor=None, org=demo.xz1, started_on=dt.date(2026, 1, 1))
    assert exc.value.errors == {"expires_on": "党小组没有规定的任期，请填写任期届满日期"}
    term = services.term_start(
        actor=None, org=demo.xz1, started_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1)
    )
    assert term.expires_on == dt.date(2027, 1, 1)


def test_term_start_refuses_an_expiry_not_after_the_start(demo):
    with pytest.raises(ServiceError, match="任期届满日期应晚于开始日期"):
        services.term_start(
            actor=None, org=demo.zb1, started_on=dt.date(2026, 1, 1), expires_on=dt.date(2026, 1, 1)
        )
    assert not Term.objects.exists()


def test_post_assign_takes_members_of_the_org_and_its_subtree(demo):
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2026, 1, 1))
    holding = services.post_assign(
        actor=demo.secretary, term=term, member=demo.m1, post="secretary"
    )
    assert holding.started_on == dt.date(2026, 1, 1)
    (event,) = events("post.assign", target_id=str(holding.pk))
    assert event.changes == {"member": [None, demo.m1.pk], "post": [None, "secretary"]}
    dw_term = services.term_start(actor=None, org=demo.dw, started_on=dt.date(2026, 1, 1))
    services.post_assign(actor=demo.admin, term=dw_term, member=demo.m3, post="committee_member")
    group_term = services.term_start(
        actor=None, org=demo.xz1, started_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1)
    )
    services.post_assign(actor=demo.secretary, term=group_term, member=demo.m1, post="group_leader")
    assert PostHolding.objects.count() == 3


def test_post_assign_refuses_a_member_from_outside(demo):
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2026, 1, 1))
    with pytest.raises(ServiceError) as exc:
        services.post_assign(actor=demo.secretary, term=term, member=demo.m3, post="secretary")
    assert exc.value.errors == {"member": "赵六不是第一党支部的党员"}
    group_term = services.term_start(
        actor=None, org=demo.xz1, started_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1)
    )
    with pytest.raises(ServiceError, match="王五不是第一党小组的党员"):
        services.post_assign(
            actor=demo.secretary, term=group_term, member=demo.m2, post="group_leader"
        )
    assert not PostHolding.objects.exists()


# ---------------------------------------------------------------- grants


def test_grant_role_creates_a_grant_and_an_audit_event(demo):
    grant = services.grant_role(
        actor=demo.admin, user=demo.outsider, org=demo.zb2, role=Role.VIEWER, recursive=False
    )
    assert (grant.user_id, grant.org_id, grant.role, grant.recursive) == (
        demo.outsider.pk,
        demo.zb2.pk,
        "viewer",
        False,
    )
    (event,) = events("grant.create", target_id=str(grant.pk))
    assert event.changes == {
        "user": [None, "outsider"],
        "role": [None, "viewer"],
        "recursive": [None, False],
    }
    assert event.actor_id == demo.admin.pk


def test_granting_again_updates_recursion_without_duplicating(demo):
    services.grant_role(
        actor=None, user=demo.outsider, org=demo.zb2, role=Role.VIEWER, recursive=False
    )
    services.grant_role(
        actor=None, user=demo.outsider, org=demo.zb2, role=Role.VIEWER, recursive=True
    )
    (grant,) = RoleGrant.objects.filter(user=demo.outsider)
    assert grant.recursive is True


def test_grant_role_refuses_an_unknown_role(demo):
    with pytest.raises(ServiceError) as exc:
        services.grant_role(actor=None, user=demo.outsider, org=demo.zb2, role="owner")
    assert exc.value.errors == {"role": "角色“owner”无效"}
    assert not RoleGrant.objects.filter(user=demo.outsider).exists()


# ---------------------------------------------------------------- the audit trail is append-only


def test_an_audit_event_cannot_be_updated(demo):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    assert AuditEvent.objects.get(pk=event.pk).action != "forged"


def test_an_audit_event_cannot_be_deleted(demo):
    count = AuditEvent.objects.count()
    event = AuditEvent.objects.first()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == count


def test_the_demo_writes_were_all_audited(demo):
    assert events("org.create").count() == 6
    assert events("member.create").count() == 3
    assert events("grant.create").count() == 3
    assert events("member.link_user").count() == 1


def test_service_error_carries_field_messages():
    exc = ServiceError({"a": "甲", "b": "乙"})
    assert exc.errors == {"a": "甲", "b": "乙"}
    assert str(exc) == "a: 甲; b: 乙"


# ---------------------------------------------------------------- organization kinds (review)


def test_org_create_refuses_a_committee_under_a_party_group(demo):
    with pytest.raises(services.ServiceError) as exc:
        services.org_create(actor=None, parent=demo.xz1, code="BAD", name="错误党委", kind="committee")
    assert exc.value.errors["kind"] == "党委不能设在党小组之下"
    assert not Organization.objects.filter(code="BAD").exists()


def test_org_create_refuses_a_branch_as_root(db):
    with pytest.raises(services.ServiceError) as exc:
        services.org_create(actor=None, parent=None, code="R", name="孤立支部", kind="branch")
    assert exc.value.errors["kind"] == "党支部不能作为最上级组织"


def test_org_update_refuses_turning_a_branch_with_members_into_a_group(demo):
    with pytest.raises(services.ServiceError) as exc:
        services.org_update(actor=None, org=demo.zb3, kind="party_group")
    assert "kind" in exc.value.errors
    assert Organization.objects.get(pk=demo.zb3.pk).kind == "branch"


def test_org_update_refuses_dissolving_an_organization_with_members(demo):

    with pytest.raises(services.ServiceError) as exc:
        services.org_update(actor=None, org=demo.zb3, dissolved_on=dt.date(2026, 1, 1))
    assert "1 名在册党员" in exc.value.errors["dissolved_on"]


def test_org_update_without_changes_writes_no_event(demo):
    from orglife.core.models import AuditEvent
    before = AuditEvent.objects.count()
    services.org_update(actor=None, org=demo.zb1, name=demo.zb1.name)
    assert AuditEvent.objects.count() == before


def test_org_move_refuses_a_branch_under_a_branch(demo):
    with pytest.raises(services.ServiceError) as exc:
        services.org_move(actor=None, org=demo.zb3, new_parent=demo.zb2)
    assert exc.value.errors["parent"] == "党支部不能设在党支部之下"


def test_a_new_term_ends_the_old_terms_posts(demo):


    from orglife.orgs.models import PostHolding
    old = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2023, 1, 1))
    services.post_assign(actor=None, term=old, member=demo.m1, post="secretary")
    services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2026, 1, 1))
    assert PostHolding.objects.get(term=old).ended_on == dt.date(2026, 1, 1)
