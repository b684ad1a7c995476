"""Login, lockout, logout and the home page redirect."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-2026"


def login(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_shows_a_chinese_login_page(client):
    r = client.get("/login/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "登录" in html
    assert "用户名" in html and "密码" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_refuses_a_wrong_password(client, demo):
    r = login(client, "secretary", "wrong-password")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    assert not logged_in(client)


def test_it_refuses_an_unknown_user(client, demo):
    r = login(client, "nobody")
    assert "用户名或密码错误" in r.content.decode()
    assert not logged_in(client)


def test_it_refuses_an_inactive_user(client, demo):
    demo.secretary.is_active = False
    demo.secretary.save()
    r = login(client, "secretary")
    assert r.status_code == 200
    assert not logged_in(client)


def test_a_correct_login_redirects_home(client, demo):
    r = login(client, "secretary")
    assert r.status_code == 302
    assert r.url == "/"
    assert logged_in(client)
    assert int(client.session["_auth_user_id"]) == demo.secretary.pk


def test_a_correct_login_follows_a_safe_next(client, demo):
    r = login(client, "secretary", next="/orgs/ZB1/")
    assert r.url == "/orgs/ZB1/"


def test_it_ignores_an_offsite_next(client, demo):
    r = login(client, "secretary", next="https://evil.example/")
    assert r.url == "/"


def test_a_logged_in_user_skips_the_login_page(client, demo):
    client.force_login(demo.secretary)
    r = client.get("/login/")
    assert r.status_code == 302 and r.url == "/"


# ---------------------------------------------------------------- lockout (django-axes)


def test_it_locks_out_after_the_failure_limit_even_with_the_right_password(client, demo):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        r = login(client, "secretary", "wrong-password")
        assert "用户名或密码错误" in r.content.decode()
    r = login(client, "secretary", "wrong-password")  # the limit-th failure locks
    assert "登录失败次数过多" in r.content.decode()
    r = login(client, "secretary")
    assert r.status_code == 429
    html = r.content.decode()
    assert "登录失败次数过多" in html
    assert "15分钟" in html
    assert not logged_in(client)


def test_the_lockout_is_per_username(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "secretary", "wrong-password")
    r = login(client, "officer")
    assert r.status_code == 302
    assert logged_in(client)


def test_a_success_before_the_limit_resets_the_count(client, demo):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        login(client, "secretary", "wrong-password")
    assert login(client, "secretary").status_code == 302
    client.post("/logout/")
    for _ in range(limit - 1):
        login(client, "secretary", "wrong-password")
    assert login(client, "secretary").status_code == 302


# ---------------------------------------------------------------- logout, login_required, CSRF


def test_logout_is_post_only(client, demo):
    client.force_login(demo.secretary)
    r = client.get("/logout/")
    assert r.status_code == 405
    assert logged_in(client)
    r = client.post("/logout/")
    assert r.status_code == 302
    assert r.url == "/login/"
    assert not logged_in(client)


@pytest.mark.parametrize("path", ["/orgs/", "/orgs/ZB1/", "/me/", "/"])
def test_anonymous_requests_redirect_to_login(client, demo, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r.url == f"/login/?next={path}"


def test_csrf_is_enforced_on_login(demo):
    csrf_client = Client(enforce_csrf_checks=True)
    r = csrf_client.post("/login/", {"username": "secretary", "password": PASSWORD})
    assert r.status_code == 403
    assert not logged_in(csrf_client)


def test_csrf_is_enforced_on_logout(demo):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(demo.secretary)
    assert csrf_client.post("/logout/").status_code == 403
    assert logged_in(csrf_client)


def test_login_works_with_the_csrf_token(demo):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get("/login/")
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    r = csrf_client.post(
        "/login/", {"username": "secretary", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert r.status_code == 302


# ---------------------------------------------------------------- home


@pytest.mark.parametrize("persona", ["secretary", "officer", "admin"])
def test_home_sends_a_manager_to_the_org_tree(client, demo, persona):
    client.force_login(getattr(demo, persona))
    r = client.get("/")
    assert r.status_code == 302 and r.url == "/orgs/"


def test_home_sends_a_superuser_to_the_org_tree(client, demo):
    client.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    assert client.get("/").url == "/orgs/"


def test_home_sends_a_plain_member_to_their_page(client, demo):
    client.force_login(demo.member)
    r = client.get("/")
    assert r.status_code == 302 and r.url == "/me/"


def test_home_refuses_a_user_with_neither(client, demo):
    client.force_login(demo.outsider)
    r = client.get("/")
    assert r.status_code == 403
    assert "暂无可访问的内容" in r.content.decode()
