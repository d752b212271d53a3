"""Fixtures for the end-to-end browser tests: one headless Chromium per session, a login helper.

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


@pytest.fixture(scope="module")
def browser(django_db_setup, live_server):
    # The test database and the live server come first: once Playwright runs, its asyncio loop sits on this
    # thread and Django's async-safety guard would refuse the session-level database work.
    path = chromium_path()
    if not Path(path).exists():
        if os.environ.get("WUYOU_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium not found but WUYOU_REQUIRE_BROWSER=1")
        pytest.skip(
            "Chromium not installed: browser tests skipped (apt-get install chromium fonts-wqy-microhei)"
        )
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is alive it keeps an asyncio loop registered on the main thread; the tests'
    # own ORM calls (setup, assertions, transactional flush) are still plain synchronous code, so the guard is a
    # false alarm here. Module scope keeps the override away from every other test module.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as pw:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """``page("ent", phone=True)`` → a Playwright page in a fresh context, signed in through the login form."""
    contexts = []

    def _login(username: str, *, phone: bool = False, password: str = PASSWORD):
        ctx = browser.new_context(locale="zh-CN", **(PHONE if phone else DESKTOP))
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert "/login/" not in page.url, f"login as {username} failed: {page.url}"
        return page

    yield _login
    for ctx in contexts:
        ctx.close()
