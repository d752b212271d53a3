"""Browser journeys: an anonymous report on a phone-sized screen, then the investigator's work, the accused
department's answer through the redacted summary, and the reporter reading the reply."""

import time

import pyotp
import pytest

from wuyou.accounts import twofactor
from wuyou.e2e.conftest import PHONE, TIMEOUT_MS
from wuyou.negative_list import catalog
from wuyou.negative_list.models import IdentityAccess, Report, Status
from wuyou.testing import build_personas

from .conftest import make_investigator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STORY = "检查组一个月内第三次到厂检查同一事项，没有出示检查计划，每次都要求停产配合。"


def fits_phone(pg):
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{pg.url} overflows a 390px phone: scrollWidth={width}"


def test_anonymous_report_on_a_phone_then_the_investigation(browser, page, live_server):
    build_personas()
    catalog.load_demo_list()
    investigator = make_investigator("inv")
    # Investigators must use two-factor login outside demo mode: enrol one, as the 两步验证 page would.
    totp_secret = twofactor.new_secret()
    # Enrolled with the previous 30-second code, so the login below may use the current one (a code
    # is accepted once: replaying the enrolment code would be refused).
    assert twofactor.enroll(investigator, totp_secret, pyotp.TOTP(totp_secret).at(time.time() - 30))

    # 1. anonymous, on a phone: search the list, open the item, report it
    ctx = browser.new_context(locale="zh-CN", **PHONE)
    ctx.set_default_timeout(TIMEOUT_MS)
    anon = ctx.new_page()
    anon.goto(f"{live_server.url}/negative-list/")
    fits_phone(anon)
    anon.fill("input[name=q]", "重复检查")
    with anon.expect_navigation():
        anon.click("form[role=search] button[type=submit]")
    with anon.expect_navigation():
        anon.click("a:text-is('C1-02')")
    fits_phone(anon)
    with anon.expect_navigation():
        anon.click("#report-this")
    assert anon.input_value("input[name=items]") == "C1-02"
    fits_phone(anon)
    anon.select_option("select[name=department]", "gdgs")
    anon.fill("input[name=occurred_on]", "2026-11-20")
    anon.fill("textarea[name=description]", STORY)
    anon.fill("input[name=reporter_phone]", "13977778888")
    with anon.expect_navigation():
        anon.click("form button[type=submit]")
    code = anon.inner_text("#tracking-code").strip()
    secret = anon.inner_text("#secret").strip()
    fits_phone(anon)
    report = Report.objects.get(tracking_code=code)
    assert report.anonymous and report.status == Status.SUBMITTED

    # 2. the investigator accepts, looks at the identity (logged), asks the department for an explanation
    inv = page("inv", totp_secret=totp_secret)
    inv.goto(f"{live_server.url}/negative-list/center/")
    with inv.expect_navigation():
        inv.click(f"a:text-is('{report.number}')")
    assert STORY in inv.inner_text("#description")
    inv.fill("#reveal-reason", "核实举报人联系方式以便回访")
    with inv.expect_navigation():
        inv.click("#reveal")
    assert "13977778888" in inv.inner_text("#identity")
    assert IdentityAccess.objects.filter(report=report, user__username="inv").count() == 1

    def act(action, **fields):
        details = inv.locator(f"details:has(form[data-action={action}])")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        form = inv.locator(f"form[data-action={action}]")
        for name, value in fields.items():
            el = form.locator(f"[name={name}]")
            if el.evaluate("e => e.tagName") == "SELECT":
                el.select_option(value)
            else:
                el.fill(value)
        with inv.expect_navigation():
            form.locator("button[type=submit]").click()

    act("accept")
    assert inv.inner_text("#status") == "已受理"
    act("request_explanation", summary="请说明11月对园区某企业开展检查的计划依据和次数。")
    assert inv.inner_text("#status") == "调查核实中"

    # 3. the accused department sees the summary only, and answers
    dept = page("gdgs")
    dept.goto(f"{live_server.url}/negative-list/requests/")
    text = dept.inner_text("main")
    assert "请说明11月对园区某企业开展检查的计划依据和次数" in text
    assert STORY not in text and report.number not in text and "13977778888" not in text
    dept.fill("textarea[name=answer]", "三次检查分别为安全、消防、环保专项，已附计划。")
    with dept.expect_navigation():
        dept.click("form button[type=submit]")
    assert "已回复" in dept.inner_text("main")

    # 4. the investigator concludes and replies
    inv.reload()
    assert "三次检查分别为" in inv.inner_text("main")
    act("conclude", outcome="partly", finding="其中两次检查无计划依据。")
    act("reply", content="经核实部分属实，已责令整改。感谢您的监督。")
    assert inv.inner_text("#status") == "已答复"

    # 5. the reporter, on the phone, reads the reply with the code and secret
    anon.goto(f"{live_server.url}/negative-list/track/")
    anon.fill("input[name=tracking_code]", code)
    anon.fill("input[name=secret]", secret)
    with anon.expect_navigation():
        anon.click("form button[type=submit]")
    assert anon.inner_text("#status") == "已答复"
    assert "感谢您的监督" in anon.inner_text("#reply")
    assert "三次检查分别为" not in anon.inner_text("main")  # the department's answer is internal
    fits_phone(anon)
    anon.check("input[name=rating][value=satisfied]")
    with anon.expect_navigation():
        anon.click("form:has(input[value=rate]) button[type=submit]")
    assert anon.inner_text("#status") == "已办结"
    ctx.close()
