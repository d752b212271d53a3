"""Fixtures for the end-to-end browser tests: a headless Chromium per test, a login helper (``page``).

Chromium is Debian's (``/usr/bin/chromium``, or ``WUYOU_CHROMIUM``); ``playwright install`` is never needed.
Without Chromium the tests skip, unless ``WUYOU_REQUIRE_BROWSER=1`` makes that a failure (CI).
"""

import os
from pathlib import Path

import pytest

from wuyou.testing import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 10_000


def chromium_path() -> str:
    return os.environ.get("WUYOU_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if not Path(path).exists():
        if os.environ.get("WUYOU_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium not found but WUYOU_REQUIRE_BROWSER=1")
        # A developer without Chromium still runs every other test; CI sets WUYOU_REQUIRE_BROWSER=1
        # (above), so there a missing browser fails the run instead of passing it quietly.
        pytest.skip(
            "Chromium not installed: browser tests skipped (apt-get install chromium fonts-wqy-microhei)"
        )
    return path


@pytest.fixture
def browser(chromium_executable, live_server, monkeypatch):
    """A headless Chromium for one test.

    Per test, not per session, on purpose: while Playwright's sync API is alive it keeps an asyncio loop
    running on the main thread, and asgiref then hands Django a *different* set of connection objects. The
    transactional-test machinery (flush, and the ``serialized_rollback`` reload of migration data, which is
    stored on the original connection object) must therefore run with Playwright stopped: that is the case
    when the browser starts after the database fixtures and stops before their teardown. Launching costs ~1 s.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The test body's ORM calls (setup through services, assertions) are ordinary synchronous code that merely
    # runs beside Playwright's loop; Django's async-safety guard is a false alarm here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
            # Connections opened during the test belong to the loop's context: close them now, or PostgreSQL
            # refuses to drop the test database at the end of the session.
            connections.close_all()


@pytest.fixture
def page(browser, live_server):
    """``page("ent", phone=True)`` → a Playwright page in a fresh context, signed in through the login form."""
    contexts = []

    def _login(username: str, *, phone: bool = False, password: str = PASSWORD, totp_secret: str = ""):
        ctx = browser.new_context(locale="zh-CN", **(PHONE if phone else DESKTOP))
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if totp_secret and "/login/code/" in page.url:
            # The second step of a two-factor login (issue 9): the code an authenticator app would show.
            import pyotp

            page.fill("#id_code", pyotp.TOTP(totp_secret).now())
            with page.expect_navigation():
                page.click("form button[type=submit]")
        assert "/login/" not in page.url, f"login as {username} failed: {page.url}"
        return page

    yield _login
    for ctx in contexts:
        ctx.close()
