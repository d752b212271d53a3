"""The desk in headless Chromium (issue 10, item 3): select all and bulk sign in a department's inbox,
the bulk dispatch bar of the center's queue."""

import os

import pytest

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Status
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("WUYOU_SHOTS", "")  # a folder to save screenshots into, when set


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.fixture
def personas(db):
    return build_personas()


def test_select_all_and_bulk_sign_in_the_inbox(personas, page, live_server):
    p = personas
    appeals = []
    for title in ("园区频繁停电", "专变增容报装", "电价执行有误"):
        a = submit(p, title=title)
        appeals.append(s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs"))
    handler = page("gdgs")
    handler.goto(f"{live_server.url}/dept/inbox/?tab=to_sign")
    count = handler.locator("[data-bulk-count]")
    assert count.inner_text() == "已选 0 件"
    handler.locator("input[data-select-all]").check()
    assert count.inner_text() == "已选 3 件"
    assert handler.locator("input[data-row-pick]:checked").count() == 3
    # One unchecked by hand: the select-all box is no longer fully checked.
    handler.locator(f"input[data-row-pick][value='{appeals[2].pk}']").uncheck()
    assert count.inner_text() == "已选 2 件"
    assert handler.locator("input[data-select-all]").evaluate("el => el.indeterminate")
    shot(handler, "desk-inbox-bulk.png")
    with handler.expect_navigation():
        handler.get_by_role("button", name="批量签收").click()
    assert "已签收 2 件" in handler.locator("body").inner_text()
    assert handler.url.endswith("/dept/inbox/?tab=to_sign")
    statuses = dict(Appeal.objects.filter(pk__in=[a.pk for a in appeals]).values_list("pk", "status"))
    assert [statuses[a.pk] for a in appeals] == [Status.IN_PROGRESS, Status.IN_PROGRESS, Status.DISPATCHED]
    # The one left is still on the tab, with its checkbox.
    assert handler.locator("input[data-row-pick]").count() == 1
    shot(handler, "desk-inbox-after.png")


def test_bulk_dispatch_from_the_queue_by_pinyin_initials(personas, page, live_server):
    p = personas
    a = submit(p, title="园区频繁停电")
    b = submit(p, title="专变增容报装")
    center = page("center")
    center.goto(f"{live_server.url}/center/queue/?tab=new")
    center.locator("input[data-select-all]").check()
    center.locator("input[name=department]").fill("gwzzgd")
    with center.expect_navigation():
        center.get_by_role("button", name="批量交办").click()
    assert "已交办 2 件" in center.locator("body").inner_text()
    shot(center, "desk-queue-after.png")
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == Status.DISPATCHED and x.department.code == "gdgs"


def test_co_handler_picker_filters_by_name_and_initials(personas, page, live_server):
    p = personas
    a = submit(p, title="园区频繁停电")
    center = page("center")
    center.goto(f"{live_server.url}/appeals/{a.pk}/?from=queue:new")
    items = center.locator(f"#co-list-{a.pk} [data-filter-item]")
    total = items.count()
    assert total > 20
    box = center.locator(f"[data-filter-input='co-list-{a.pk}']")
    box.fill("住房")
    visible = center.locator(f"#co-list-{a.pk} [data-filter-item]:visible")
    assert sorted(t.strip() for t in visible.all_inner_texts()) == [
        "市住房公积金管理中心",
        "市住房和城乡建设局",
    ]
    center.locator("input[name=co_departments][value=zjj]").check()
    # Pinyin initials (of 国网株洲供电公司): the checked one stays in view.
    box.fill("gwzz")
    assert sorted(t.strip() for t in visible.all_inner_texts()) == ["国网株洲供电公司", "市住房和城乡建设局"]
    box.fill("")
    assert visible.count() == total
    center.locator(f"#dept-{a.pk}").fill("供电")
    shot(center, "desk-dispatch-picker.png")
    with center.expect_navigation():
        center.locator("form[data-action=dispatch] button[type=submit]").click()
    assert "已交办" in center.locator("body").inner_text()
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.department.code == "gdgs"
    assert list(a.co_handlers.values_list("department__code", flat=True)) == ["zjj"]
    # After the action, 「下一件」 leads back to the queue (nothing else is waiting there).
    assert "返回「待交办」" in center.locator("[data-next-item]").inner_text()


def test_keyboard_shortcuts_move_select_open_and_help(personas, page, live_server):
    p = personas
    first, second = (
        s.appeal_dispatch(appeal_id=submit(p, title=t).pk, by=p.center, department="gdgs")
        for t in ("园区频繁停电", "专变增容报装")
    )
    handler = page("gdgs")
    handler.goto(f"{live_server.url}/dept/inbox/?tab=to_sign")
    current = handler.locator("tr.is-current")
    handler.keyboard.press("j")
    handler.keyboard.press("j")
    assert second.number in current.inner_text()
    handler.keyboard.press("x")
    assert handler.locator("[data-bulk-count]").inner_text() == "已选 1 件"
    assert handler.locator(f"input[data-row-pick][value='{second.pk}']").is_checked()
    handler.keyboard.press("Shift+?")
    assert handler.locator("[data-desk-help]").is_visible()
    shot(handler, "desk-shortcuts-help.png")
    handler.keyboard.press("j")  # the help is open: rows do not move
    assert second.number in current.inner_text()
    handler.keyboard.press("Escape")
    assert not handler.locator("[data-desk-help]").is_visible()
    handler.keyboard.press("k")
    assert first.number in current.inner_text()
    with handler.expect_navigation():
        handler.keyboard.press("o")
    assert handler.url.endswith(f"/appeals/{first.pk}/?from=inbox%3Ato_sign")
    assert "下一件" in handler.locator("[data-next-item]").inner_text()


def test_shortcuts_are_ignored_while_typing(personas, page, live_server):
    p = personas
    submit(p, title="园区频繁停电")
    center = page("center")
    center.goto(f"{live_server.url}/center/queue/?tab=new")
    field = center.locator("input[name=department]")
    field.click()
    field.press_sequentially("jx?")
    assert field.input_value() == "jx?"
    assert center.locator("tr.is-current").count() == 0
    assert not center.locator("[data-desk-help]").is_visible()
    assert center.locator("input[data-row-pick]:checked").count() == 0
