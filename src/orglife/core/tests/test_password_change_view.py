import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_changes_the_password(client, demo):
    client.force_login(demo.member)
    r = client.post(reverse("password_change"), {"old_password": "Secret-pass-2026",
                                                 "new_password1": "Another-pass-2027", "new_password2": "Another-pass-2027"})
    assert r.status_code == 302 and r.url == reverse("me")
    demo.member.refresh_from_db()
    assert demo.member.check_password("Another-pass-2027")


def test_it_applies_the_password_validators_in_chinese(client, demo):
    client.force_login(demo.member)
    r = client.post(reverse("password_change"), {"old_password": "Secret-pass-2026",
                                                 "new_password1": "12345678", "new_password2": "12345678"})
    body = r.content.decode()
    assert r.status_code == 200 and "密码只包含数字" in body
    demo.member.refresh_from_db()
    assert demo.member.check_password("Secret-pass-2026")


def test_it_needs_the_old_password(client, demo):
    client.force_login(demo.member)
    r = client.post(reverse("password_change"), {"old_password": "wrong",
                                                 "new_password1": "Another-pass-2027", "new_password2": "Another-pass-2027"})
    assert r.status_code == 200
    demo.member.refresh_from_db()
    assert demo.member.check_password("Secret-pass-2026")


def test_it_requires_login(client, demo):
    assert client.get(reverse("password_change")).status_code == 302


def test_it_is_audited(client, demo):
    from orglife.core.models import AuditEvent
    client.force_login(demo.member)
    client.post(reverse("password_change"), {"old_password": "Secret-pass-2026",
                                             "new_password1": "Another-pass-2027", "new_password2": "Another-pass-2027"})
    assert AuditEvent.objects.filter(action="user.password_change", actor=demo.member).count() == 1
