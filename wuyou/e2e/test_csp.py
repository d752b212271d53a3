"""The Content-Security-Policy in a real browser (issue 9, item 9): the pages and their htmx and wuyou.js
behaviours work with no violation reported, styles still apply, and the API docs page works too.

Violations are caught twice: the document's ``securitypolicyviolation`` events (a listener Playwright
injects, which the policy does not govern) and Chromium's console ("Refused to …")."""

import os
import re
from pathlib import Path

import pytest

from wuyou.orgs.models import Department
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def personas():
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    return build_personas()


def watch(page) -> list[str]:
    """Start recording violations on ``page`` (from its next navigation on); returns the console list."""
    console: list[str] = []
    page.context.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: (
            console.append(m.text)
            if m.type in ("error", "warning")
            and ("Content Security Policy" in m.text or "Refused to" in m.text)
            else None
        ),
    )
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    return console


def violations(page, console) -> list[str]:
    return list(page.evaluate("window.__csp || []")) + console


def snap(page, tmp_path, name):
    """A screenshot, kept in WUYOU_SCREENSHOT_DIR when set (to look at), else thrown away with tmp_path."""
    out = Path(os.environ.get("WUYOU_SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(out / f"csp-{name}.png"), full_page=True)


def type_and_wait_for_similar(page, live_server):
    with page.expect_response(re.compile(r"/dispatch/similar/\?")) as resp:
        page.fill("input[name=title]", "栗雨工业园频繁停电影响生产")  # fill() fires "input", as paste does
    assert resp.value.status == 200
    page.locator("#similar-intake .similar").wait_for()  # a locator, not a JS predicate: no eval under CSP
    return page.locator("#similar-intake").inner_text()


def test_staff_and_enterprise_pages_run_under_the_policy(personas, page, live_server, tmp_path):
    submit(personas, title="园区频繁停电", content="栗雨工业园本周停电三次，生产线受损，请供电公司尽快处理。")

    # The center registering an appeal for an enterprise: the similar-appeals panel fills as they type (htmx).
    center = page("center")
    console = watch(center)
    center.goto(f"{live_server.url}/appeals/new/")
    assert center.evaluate("htmx.config.allowEval") is False
    assert center.evaluate("htmx.config.includeIndicatorStyles") is False
    assert center.locator("head style").count() == 0  # htmx injected no <style>
    text = type_and_wait_for_similar(center, live_server)
    assert "园区频繁停电" in text, text
    center.goto(f"{live_server.url}/center/queue/")
    # Styles from wuyou.css apply (the former inline style="" attributes are classes now).
    button = center.locator("h1 a.btn").first
    assert button.evaluate("e => getComputedStyle(e).float") == "right"
    assert button.evaluate("e => getComputedStyle(e).fontSize") == "14.4px"  # .9rem
    snap(center, tmp_path, "center-queue")
    assert violations(center, console) == []

    # The enterprise on a phone: the same panel, then the status filter that submits itself (wuyou.js).
    ent = page("ent", phone=True)
    console = watch(ent)
    ent.goto(f"{live_server.url}/appeals/new/")
    text = type_and_wait_for_similar(ent, live_server)
    assert "园区频繁停电" in text, text
    assert ent.evaluate("document.documentElement.scrollWidth") <= 391
    ent.goto(f"{live_server.url}/appeals/mine/")
    with ent.expect_navigation():
        ent.select_option("select[name=status]", "submitted")
    assert "status=submitted" in ent.url
    assert ent.locator("select[name=status]").input_value() == "submitted"
    ent.goto(f"{live_server.url}/appeals/mine/")
    with ent.expect_navigation():
        ent.locator("table a").first.click()
    snap(ent, tmp_path, "enterprise-detail-phone")
    assert violations(ent, console) == []

    # The listener does see a violation: an inline style the policy refuses.
    ent.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color:red\">x</div>')")
    ent.wait_for_function("window.__csp.length > 0")
    assert any("style-src" in v for v in violations(ent, console))


def test_two_factor_qr_code_renders(personas, page, live_server, tmp_path):
    ent = page("ent")
    console = watch(ent)
    ent.goto(f"{live_server.url}/account/two-factor/")
    if ent.locator("#totp-qr svg").count() == 0:
        ent.goto(f"{live_server.url}/login/enroll/")
    qr = ent.locator("#totp-qr svg")
    box = qr.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    card = ent.locator("main .card").first
    assert card.evaluate("e => getComputedStyle(e).maxWidth") == "560px"  # .u-box560, once style=""
    snap(ent, tmp_path, "two-factor")
    assert violations(ent, console) == []


def test_api_docs_page_works_under_the_policy(browser, live_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    console = watch(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations(page, console) == []
    # Nothing from a CDN: every request went to the live server (or was a data: URL).
    assert all(u.startswith((live_server.url, "data:")) for u in requested), requested
    ctx.close()
