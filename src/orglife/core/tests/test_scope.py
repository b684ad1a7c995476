"""Access scope: which organizations and members each persona may see or manage."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orglife.core import scope
from orglife.core.models import Role
from orglife.orgs import services

pytestmark = pytest.mark.django_db

ALL = {"DW", "ZZ", "ZB1", "ZB2", "ZB3", "XZ1"}


def reload(user):
    """A fresh user object (grants are cached per object, as per request)."""
    return get_user_model().objects.get(pk=user.pk)


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="Secret-pass-2026")


@pytest.fixture
def viewer(demo):
    user = get_user_model().objects.create_user("viewer", password="Secret-pass-2026")
    services.grant_role(actor=None, user=user, org=demo.zb1, role=Role.VIEWER)
    return reload(user)


# ---------------------------------------------------------------- visible_orgs


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member", set()),
        ("outsider", set()),
        ("secretary", {"ZB1", "XZ1"}),
        ("officer", {"ZZ", "ZB1", "ZB2", "XZ1"}),
        ("admin", ALL),
    ],
)
def test_visible_orgs_per_persona(demo, persona, expected):
    assert codes(scope.visible_orgs(getattr(demo, persona))) == expected


def test_the_officer_does_not_see_the_committee_or_the_third_branch(demo):
    seen = codes(scope.visible_orgs(demo.officer))
    assert "DW" not in seen and "ZB3" not in seen


def test_a_superuser_sees_everything(demo, superuser):
    assert codes(scope.visible_orgs(superuser)) == ALL
    assert scope.org_q(superuser) is None
    assert scope.can_administer(superuser, demo.zb3)


def test_anonymous_sees_nothing(demo):
    anon = AnonymousUser()
    assert codes(scope.visible_orgs(anon)) == set()
    assert scope.grants(anon) == []
    assert not scope.can_view(anon, demo.dw)


def test_visible_orgs_by_minimum_role(demo, viewer):
    services.grant_role(actor=None, user=viewer, org=demo.zb2, role=Role.MANAGER)
    viewer = reload(viewer)
    assert codes(scope.visible_orgs(viewer)) == {"ZB1", "XZ1", "ZB2"}
    assert codes(scope.visible_orgs(viewer, min_role=Role.MANAGER)) == {"ZB2"}
    assert codes(scope.visible_orgs(demo.admin, min_role=Role.ADMINISTRATOR)) == ALL
    assert codes(scope.visible_orgs(demo.officer, min_role=Role.ADMINISTRATOR)) == set()


def test_a_non_recursive_grant_covers_only_its_org(demo):
    services.grant_role(
        actor=None, user=demo.outsider, org=demo.zz, role=Role.VIEWER, recursive=False
    )
    user = reload(demo.outsider)
    assert codes(scope.visible_orgs(user)) == {"ZZ"}
    assert scope.can_view(user, demo.zz)
    assert not scope.can_view(user, demo.zb1)
    assert not scope.can_view(user, demo.xz1)


def test_a_recursive_grant_covers_only_its_subtree(demo):
    (grant,) = scope.grants(demo.officer)
    assert grant.recursive and grant.org_id == demo.zz.pk
    assert grant.covers(demo.zz) and grant.covers(demo.zb1) and grant.covers(demo.xz1)
    assert not grant.covers(demo.zb3)
    assert not grant.covers(demo.dw)


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("persona", "org", "view", "manage", "administer"),
    [
        ("secretary", "zb1", True, True, False),
        ("secretary", "xz1", True, True, False),
        ("secretary", "zb2", False, False, False),
        ("secretary", "zz", False, False, False),
        ("officer", "zb2", True, True, False),
        ("officer", "zb3", False, False, False),
        ("admin", "zb3", True, True, True),
        ("member", "zb1", False, False, False),
        ("outsider", "dw", False, False, False),
    ],
)
def test_role_checks(demo, persona, org, view, manage, administer):
    user, o = getattr(demo, persona), getattr(demo, org)
    assert scope.can_view(user, o) is view
    assert scope.can_manage(user, o) is manage
    assert scope.can_administer(user, o) is administer


def test_the_highest_role_wins(demo, viewer):
    services.grant_role(actor=None, user=viewer, org=demo.zz, role=Role.MANAGER)
    viewer = reload(viewer)
    assert scope.role_on(viewer, demo.zb1) == scope.RANK[Role.MANAGER]


# ---------------------------------------------------------------- get_org_for_user


def test_get_org_for_user_returns_the_org_in_scope(demo):
    assert scope.get_org_for_user(demo.officer, "ZB2").pk == demo.zb2.pk
    assert scope.get_org_for_user(demo.officer, "ZB2", write=True).pk == demo.zb2.pk
    assert scope.get_org_for_user(demo.admin, "ZB1", admin=True).pk == demo.zb1.pk


def test_get_org_for_user_raises_404_for_an_unknown_code(demo):
    with pytest.raises(Http404):
        scope.get_org_for_user(demo.admin, "NOPE")


@pytest.mark.parametrize(
    ("persona", "code"),
    [("secretary", "ZB3"), ("officer", "DW"), ("outsider", "ZB1"), ("member", "ZB1")],
)
def test_get_org_for_user_denies_out_of_scope(demo, persona, code):
    with pytest.raises(PermissionDenied):
        scope.get_org_for_user(getattr(demo, persona), code)


def test_get_org_for_user_denies_write_without_manager(demo, viewer):
    assert scope.get_org_for_user(viewer, "ZB1").pk == demo.zb1.pk
    with pytest.raises(PermissionDenied):
        scope.get_org_for_user(viewer, "ZB1", write=True)


def test_get_org_for_user_denies_admin_without_administrator(demo):
    with pytest.raises(PermissionDenied):
        scope.get_org_for_user(demo.secretary, "ZB1", admin=True)
    with pytest.raises(PermissionDenied):
        scope.get_org_for_user(demo.officer, "ZZ", admin=True)


# ---------------------------------------------------------------- members


def test_a_member_sees_their_own_record_but_not_another(demo):
    assert scope.get_member_for_user(demo.member, demo.m1.pk).pk == demo.m1.pk
    with pytest.raises(PermissionDenied):
        scope.get_member_for_user(demo.member, demo.m2.pk)


def test_a_member_may_not_edit_even_their_own_record(demo):
    with pytest.raises(PermissionDenied):
        scope.get_member_for_user(demo.member, demo.m1.pk, write=True)


def test_the_officer_sees_members_below_but_not_elsewhere(demo):
    assert scope.get_member_for_user(demo.officer, demo.m1.pk).pk == demo.m1.pk
    assert scope.get_member_for_user(demo.officer, demo.m2.pk, write=True).pk == demo.m2.pk
    with pytest.raises(PermissionDenied):
        scope.get_member_for_user(demo.officer, demo.m3.pk)


def test_a_viewer_may_read_but_not_write_members(demo, viewer):
    assert scope.get_member_for_user(viewer, demo.m2.pk).pk == demo.m2.pk
    with pytest.raises(PermissionDenied):
        scope.get_member_for_user(viewer, demo.m2.pk, write=True)


@pytest.mark.parametrize("member_id", [999999, "abc"])
def test_an_unknown_member_is_404(demo, member_id):
    with pytest.raises(Http404):
        scope.get_member_for_user(demo.admin, member_id)


def test_is_self(demo):
    assert scope.is_self(demo.member, demo.m1)
    assert not scope.is_self(demo.member, demo.m2)
    assert not scope.is_self(demo.secretary, demo.m2)  # m2 has no user: None must not match
    assert not scope.is_self(AnonymousUser(), demo.m2)


@pytest.mark.parametrize(
    ("persona", "member", "expected"),
    [
        ("member", "m1", True),
        ("member", "m2", False),
        ("secretary", "m1", True),
        ("secretary", "m3", False),
        ("officer", "m2", True),
        ("admin", "m3", True),
        ("outsider", "m1", False),
    ],
)
def test_sees_personal_data(demo, persona, member, expected):
    assert scope.sees_personal_data(getattr(demo, persona), getattr(demo, member)) is expected


def test_a_viewer_grant_does_not_show_personal_data(demo, viewer):
    assert scope.can_view(viewer, demo.m2.org)
    assert not scope.sees_personal_data(viewer, demo.m2)


# ---------------------------------------------------------------- scope_roots


def test_scope_roots_collapse_nested_grants(demo):
    services.grant_role(actor=None, user=demo.officer, org=demo.zb1, role=Role.VIEWER)
    services.grant_role(actor=None, user=demo.officer, org=demo.xz1, role=Role.MANAGER)
    officer = reload(demo.officer)
    assert [o.code for o in scope.scope_roots(officer)] == ["ZZ"]
    services.grant_role(actor=None, user=officer, org=demo.zb3, role=Role.VIEWER)
    assert [o.code for o in scope.scope_roots(reload(officer))] == ["ZZ", "ZB3"]


@pytest.mark.parametrize(
    ("persona", "roots"), [("secretary", ["ZB1"]), ("admin", ["DW"]), ("outsider", [])]
)
def test_scope_roots_per_persona(demo, persona, roots):
    assert [o.code for o in scope.scope_roots(getattr(demo, persona))] == roots


def test_a_superusers_roots_are_the_tree_roots(demo, superuser):
    assert [o.code for o in scope.scope_roots(superuser)] == ["DW"]


def test_grants_are_loaded_once_per_user_object(demo, django_assert_num_queries):
    officer = reload(demo.officer)
    with django_assert_num_queries(1):
        scope.can_view(officer, demo.zb1)
        scope.can_manage(officer, demo.zb2)
        scope.can_view(officer, demo.zb3)


def test_every_audited_action_has_a_chinese_label():
    """Audit pages show ACTION_LABELS; an action written by the code without a label would show raw."""
    import pathlib
    import re

    from orglife.core.models import ACTION_LABELS
    src = pathlib.Path(__file__).resolve().parents[2]
    found = set()
    for path in src.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
    assert found and found <= set(ACTION_LABELS), sorted(found - set(ACTION_LABELS))
