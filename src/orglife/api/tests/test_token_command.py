from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orglife.core.models import ApiToken, AuditEvent

from . import ApiClient

pytestmark = pytest.mark.django_db


def issue(username: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", username, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_only_the_token(demo):
    out, err = issue("secretary")
    token = out.strip()
    assert out == token + "\n"
    assert token.startswith("ol_") and " " not in token
    assert err == ""
    row = ApiToken.objects.get(user=demo.secretary)
    assert row.digest == ApiToken.hash(token)  # only the digest is stored
    assert AuditEvent.objects.filter(action="api_token.issue", target_id=str(row.pk)).exists()


def test_the_token_authenticates(demo):
    token = issue("officer")[0].strip()
    r = ApiClient(token=token).get("/orgs")
    assert r.status_code == 200
    assert r.json()["count"] == 4
    assert ApiToken.objects.get(user=demo.officer).last_used_at is not None


def test_each_call_issues_a_new_token(demo):
    first, second = issue("admin")[0].strip(), issue("admin")[0].strip()
    assert first != second
    assert ApiToken.objects.filter(user=demo.admin).count() == 2


def test_it_refuses_an_unknown_user(demo):
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        issue("nobody")
    assert not ApiToken.objects.exists()


def test_it_refuses_an_inactive_user(demo):
    demo.outsider.is_active = False
    demo.outsider.save()
    with pytest.raises(CommandError, match="已停用"):
        issue("outsider")


def test_an_unknown_user_exits_non_zero_with_the_error_on_stderr(demo, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "create_api_token", "nobody"]).execute()
    assert exc.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "用户“nobody”不存在" in captured.err
