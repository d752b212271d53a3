"""End-to-end journeys in headless Chromium against the live server: what each role actually sees.

The loop 提交 → 交办 → 签收 → 答复 → 评价 runs once entirely through the browser (enterprise on a phone);
a second test checks that another enterprise gets a 404 for the same detail URL.
"""

import re

import pytest

from wuyou.appeals.models import Appeal, Status
from wuyou.orgs.models import Department
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional DB; serialized_rollback restores the rows data migrations loaded
    # (calendar, departments, districts, time limits) after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def personas():
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    return build_personas()


def act(page, action: str):
    """Open the 办理 panel for ``action`` (a <details> holding form[data-action=...]) and return its form."""
    form = page.locator(f"form[data-action={action}]")
    details = page.locator(f"details:has(form[data-action={action}])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return form


def confirm(page, form):
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def status(page) -> str:
    return page.locator("#status").inner_text().strip()


def test_full_loop_in_the_browser(personas, page, live_server):
    # a. the enterprise, on a phone, submits an appeal
    ent = page("ent", phone=True)
    ent.goto(f"{live_server.url}/appeals/new/")
    assert ent.locator("h1").inner_text() == "提交诉求"
    ent.select_option("select[name=category]", "complaint")
    ent.fill("input[name=title]", "园区道路反复开挖影响出货")
    ent.fill("textarea[name=content]", "栗雨工业园东路一个月内第三次开挖，货车无法进出，请协调施工单位。")
    ent.fill("input[name=contact_name]", "张经理")
    ent.fill("input[name=contact_phone]", "13812341234")
    with ent.expect_navigation():
        ent.click("form button[type=submit]")
    assert re.search(r"/appeals/\d+/$", ent.url), ent.url
    appeal = Appeal.objects.get(title="园区道路反复开挖影响出货")
    assert status(ent) == "待交办"
    assert appeal.number in ent.locator("main").inner_text()
    assert f"诉求已提交，编号 {appeal.number}" in ent.locator(".messages").inner_text()
    width = ent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"detail page overflows a 390px phone: scrollWidth={width}"
    ent.goto(f"{live_server.url}/appeals/new/")
    width = ent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"submit page overflows a 390px phone: scrollWidth={width}"
    detail_url = f"{live_server.url}/appeals/{appeal.pk}/"

    # b. the center finds it in 受理交办 and dispatches it to 国网株洲供电公司 via the department search box
    center = page("center")
    assert center.url.endswith("/center/queue/")  # the center's home is its queue
    row = center.locator("table tr", has_text=appeal.number)
    assert "园区道路反复开挖影响出货" in row.inner_text()
    with center.expect_navigation():
        row.locator("a", has_text=appeal.number).click()
    assert status(center) == "待交办"
    form = act(center, "dispatch")
    form.locator("input[name=department]").press_sequentially("gdgs")
    form.locator("input[name=note]").fill("请供电公司协调施工单位")
    confirm(center, form)
    assert status(center) == "待签收"
    assert "国网株洲供电公司" in center.locator(".facts").inner_text()

    # c. the gdgs handler signs and replies from the department inbox
    handler = page("gdgs")
    assert "/dept/inbox/" in handler.url
    assert "active" in (handler.locator(".tabs a", has_text="待签收").get_attribute("class") or "")
    with handler.expect_navigation():
        handler.locator("table tr", has_text=appeal.number).locator("a", has_text=appeal.number).click()
    assert status(handler) == "待签收"
    confirm(handler, act(handler, "sign"))
    assert status(handler) == "办理中"
    form = act(handler, "reply")
    form.locator("select[name=result]").select_option("solved")
    form.locator("textarea[name=content]").fill("已约谈施工单位，夜间施工，白天保持道路通行。")
    confirm(handler, form)
    assert status(handler) == "已答复"
    assert "已约谈施工单位" in handler.locator("#reply").inner_text()

    # d. the enterprise (a fresh session on its phone) reads the reply and rates it
    ent = page("ent", phone=True)
    assert ent.url.endswith("/appeals/mine/")
    with ent.expect_navigation():
        ent.locator("a", has_text=appeal.number).first.click()
    assert ent.url == detail_url
    assert status(ent) == "已答复"
    form = act(ent, "rate")
    form.locator("input[name=rating][value=satisfied]").check()
    form.locator("input[name=resolved][value=yes]").check()
    confirm(ent, form)
    assert status(ent) == "已办结"
    steps = ent.locator(".timeline li strong").all_inner_texts()
    for label in ["提交", "交办", "签收", "答复", "评价"]:
        assert label in steps, f"timeline lacks {label}: {steps}"
    assert (
        steps.index("提交")
        < steps.index("交办")
        < steps.index("签收")
        < steps.index("答复")
        < steps.index("评价")
    )
    assert "满意" in ent.locator("main").inner_text()
    width = ent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"closed detail page overflows a 390px phone: scrollWidth={width}"

    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.department.code == "gdgs"


def test_competitor_gets_404_for_another_enterprises_appeal(personas, page, live_server):
    appeal = submit(personas)
    comp = page("comp", phone=True)
    response = comp.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    assert response.status == 404
    body = comp.locator("body").inner_text()
    assert appeal.title not in body and appeal.number not in body
    # the owner still sees it (the 404 is about who asks, not a broken URL)
    ent = page("ent", phone=True)
    assert ent.goto(f"{live_server.url}/appeals/{appeal.pk}/").status == 200
    assert status(ent) == "待交办"


def test_pages_are_styled_and_fit_a_phone(personas, page, live_server):
    """The phone checks above mean something only if wuyou.css is served: check that on its own."""
    ent = page("ent", phone=True)
    css = ent.request.get(f"{live_server.url}/static/wuyou/wuyou.css")
    assert css.status == 200, (
        "/static/wuyou/wuyou.css is not served: wuyou/static/ is in no app and not in STATICFILES_DIRS, "
        "so every page renders unstyled"
    )
    for path in ["/appeals/new/", "/appeals/mine/"]:
        ent.goto(f"{live_server.url}{path}")
        rules = ent.evaluate(
            "[...document.styleSheets].reduce((n, s) => { try { return n + s.cssRules.length } catch (e) "
            "{ return n } }, 0)"
        )
        assert rules > 0, f"{path}: no CSS rules applied"
        width = ent.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} overflows a 390px phone: scrollWidth={width}"
