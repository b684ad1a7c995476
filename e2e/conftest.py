"""Browser journeys: Playwright (sync API) driving Debian's chromium against pytest-django's
live_server.

- The browser is the system's chromium (apt), never a `playwright install` download.
- The sync Playwright API runs an event loop in the test thread, so Django's "async unsafe"
  guard must be relaxed for the ORM calls the tests make.
- Tests mark themselves `django_db(transaction=True)`: the live server runs in another thread and
  must see the data the test writes.
"""

from __future__ import annotations

import io
import os
import re
import shutil

import pytest
from django.core.management import call_command

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEMO_PASSWORD = "orglife-demo-2026"
PHONE = {"width": 375, "height": 812}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Lets tests write page.goto("/orgs/") against the live server."""
    return live_server.url


@pytest.fixture(autouse=True)
def _fail_fast(context):
    # A missing element should fail in seconds, not after Playwright's 30 s default.
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)


@pytest.fixture
def demo_data(transactional_db):
    """The demo organization and its accounts (seed_demo), password DEMO_PASSWORD."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def phone(new_context):
    """A page in a phone-sized context (375 × 812, touch)."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def login():
    """login(page, username): sign in through the login form and wait to leave it."""

    def _login(page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"^(?!.*/login/)"))

    return _login
