import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from orglife.core.models import AuditEvent, RoleGrant
from orglife.core.scope import visible_orgs

pytestmark = pytest.mark.django_db


def test_it_creates_an_account_with_a_scoped_role(demo, capsys):
    call_command("grant_role", "newofficer", "--org", "ZZ", "--role", "viewer")
    out = capsys.readouterr().out
    user = get_user_model().objects.get(username="newofficer")
    password = out.split("初始密码：")[1].split("（")[0]
    assert user.check_password(password)
    assert set(visible_orgs(user).values_list("code", flat=True)) == {"ZZ", "ZB1", "ZB2", "XZ1"}
    assert AuditEvent.objects.filter(action="grant.create", org=demo.zz).exists()
    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).exists()


def test_it_grants_without_subtree(demo):
    call_command("grant_role", "secretary", "--org", "ZZ", "--no-recursive")
    grant = RoleGrant.objects.get(user=demo.secretary, org=demo.zz)
    assert grant.recursive is False and grant.role == "manager"


def test_it_links_a_member(demo):
    call_command("grant_role", "wangwu", "--member", demo.m2.id_number.lower())
    demo.m2.refresh_from_db()
    assert demo.m2.user.username == "wangwu"


def test_it_refuses_unknown_org_and_does_not_create_the_account(demo):
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant_role", "ghost", "--org", "NOPE")
    assert not get_user_model().objects.filter(username="ghost").exists()


def test_it_needs_something_to_do(demo):
    with pytest.raises(CommandError):
        call_command("grant_role", "someone")
