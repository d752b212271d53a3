"""Enterprise accounts in the browser, on a phone (issue 10, item 10): an enterprise registers with its
credit code and the register's contact phone, reads the SMS code, logs in as the enterprise's
administrator and adds a colleague, who sets a password from the invitation and logs in.

The SMS backend is the in-memory one (settings.SMS_BACKEND), which the live server shares with the test.
WUYOU_SHOTS_DIR=<dir> also writes a screenshot of each page there."""

import os
import re
from pathlib import Path

import pytest

from wuyou.e2e.conftest import PHONE, TIMEOUT_MS
from wuyou.notifications.sms import MemorySmsBackend
from wuyou.orgs.models import Department, User
from wuyou.testing import build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Qiye-Zhuce-2026!"


@pytest.fixture
def personas(settings):
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    settings.SMS_BACKEND = "wuyou.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield build_personas()
    MemorySmsBackend.outbox.clear()


def code_sent_to(phone: str) -> str:
    texts = [text for to, text in MemorySmsBackend.outbox if to == phone]
    assert texts, f"no SMS to {phone}: {MemorySmsBackend.outbox}"
    return re.search(r"验证码 (\d{6})", texts[-1]).group(1)


def fits_the_phone(page, what: str):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{what} overflows a 390px phone: scrollWidth={width}"
    if shots := os.environ.get("WUYOU_SHOTS_DIR"):
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{what}.png"), full_page=True)


def phone_page(browser):
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx, ctx.new_page()


def submit(page):
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_register_log_in_and_add_a_colleague_on_a_phone(personas, browser, live_server):
    ent = personas.enterprise
    ctx, page = phone_page(browser)
    try:
        # 1. From the login page to 「企业注册」: the credit code as printed (spaces), the register's phone.
        page.goto(f"{live_server.url}/login/")
        with page.expect_navigation():
            page.click("#link-register")
        assert page.locator("h1").inner_text() == "企业注册"
        fits_the_phone(page, "enterprise-register-phone")
        page.fill("#id_uscc", f"{ent.uscc[:9]} {ent.uscc[9:]}")
        page.fill("#id_phone", ent.contact_phone)
        page.fill("#id_name", "王建国")
        submit(page)

        # 2. The code from the SMS, a user name and a password.
        assert "/register/verify/" in page.url
        assert "138****1234" in page.locator("#sent-to").inner_text()
        fits_the_phone(page, "enterprise-register-verify-phone")
        page.fill("#id_code", "000000" if code_sent_to(ent.contact_phone) != "000000" else "111111")
        page.fill("#id_username", "wangjg")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        submit(page)
        assert "还可再试 4 次" in page.locator("#error-code").inner_text()  # beside its field
        assert page.input_value("#id_username") == "wangjg"  # what was typed survives the error
        page.fill("#id_code", code_sent_to(ent.contact_phone))
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        submit(page)
        assert page.locator("h1").inner_text() == "账号已开通"
        assert "企业管理员" in page.locator("#register-result").inner_text()
        fits_the_phone(page, "enterprise-register-done-phone")

        # 3. Log in as the new account: the enterprise's administrator.
        with page.expect_navigation():
            page.click("text=去登录")
        page.fill("#id_username", "wangjg")
        page.fill("#id_password", PASSWORD)
        submit(page)
        assert "/login/" not in page.url, page.url
        with page.expect_navigation():
            page.click("nav >> text=企业用户")
        assert page.locator("h1").inner_text() == "企业用户"
        table = page.locator("#enterprise-users").inner_text()
        assert "wangjg" in table and personas.ent_user.username in table
        assert personas.competitor_user.username not in table

        # 4. Add a colleague: an invitation SMS with a code and the page to set a password on.
        page.fill("#id_name", "李会计")
        page.fill("#id_phone", "139 0000 4444")
        with page.expect_navigation():
            page.click("#add-user button[type=submit]")
        assert "已添加 李会计" in page.locator(".messages").inner_text()
        assert "李会计" in page.locator("#enterprise-users").inner_text()
        assert "待设置密码" in page.locator("tr[data-username='13900004444']").inner_text()
        fits_the_phone(page, "enterprise-users-phone")
    finally:
        ctx.close()

    # 5. The colleague, on their own phone, follows the invitation and logs in.
    invitation = [t for to, t in MemorySmsBackend.outbox if to == "13900004444"][-1]
    assert "/account/reset/verify/" in invitation
    ctx, page = phone_page(browser)
    try:
        page.goto(f"{live_server.url}/account/reset/verify/")
        fits_the_phone(page, "enterprise-set-password-phone")
        page.fill("#id_identifier", "13900004444")
        page.fill("#id_code", code_sent_to("13900004444"))
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        submit(page)
        assert page.url.endswith("/login/")
        page.fill("#id_username", "13900004444")
        page.fill("#id_password", PASSWORD)
        submit(page)
        assert "/login/" not in page.url, page.url
    finally:
        ctx.close()
    colleague = User.objects.get(username="13900004444")
    assert colleague.enterprise == ent and not colleague.is_enterprise_admin
