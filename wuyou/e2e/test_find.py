"""The search page in headless Chromium (issue 10, item 4): a department finds an appeal of three years ago
by a word of its reply, sorts by a header, saves the search as a view and opens it again; a bad date is
answered beside its field with the typed filters kept."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Status
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("WUYOU_SHOTS", "")


@pytest.fixture
def history(db):
    p = build_personas()
    old = submit(p, title="老厂区线路老化")
    s.appeal_dispatch(appeal_id=old.pk, by=p.center, department="gdgs")
    s.appeal_sign(appeal_id=old.pk, by=p.handler)
    s.appeal_reply(
        appeal_id=old.pk, by=p.handler, result="solved", content="已更换老化电缆并加装漏电保护器。"
    )
    Appeal.objects.filter(pk=old.pk).update(
        status=Status.CLOSED, created_at=timezone.now() - timedelta(days=1100)
    )
    new = submit(p, title="园区频繁停电")
    s.appeal_dispatch(appeal_id=new.pk, by=p.center, department="gdgs")
    other = submit(p, title="用地审批进度")
    s.appeal_dispatch(appeal_id=other.pk, by=p.center, department="zrzyj")
    return old, new, other


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_a_department_finds_saves_and_reopens_a_search(history, page, live_server):
    old, new, other = history
    dept = page("gdgs")
    dept.goto(f"{live_server.url}/dept/inbox/")
    dept.click("nav >> text=全部诉求")
    body = dept.locator("table.rows").inner_text()
    assert old.number in body and new.number in body and other.number not in body
    dept.fill("input[name=q]", "漏电保护")
    with dept.expect_navigation():
        dept.click("form.search-filters button")
    rows = dept.locator("table.rows").inner_text()
    assert old.number in rows and new.number not in rows
    assert dept.input_value("input[name=q]") == "漏电保护"  # kept after the search
    dept.fill("input[name=q]", "")
    with dept.expect_navigation():
        dept.click("form.search-filters button")
    with dept.expect_navigation():
        dept.click("th >> text=提交时间")  # oldest first
    rows = dept.locator("table.rows tr").all_inner_texts()
    assert old.number in rows[1] and new.number in rows[2]
    dept.fill("form.save-view input[name=name]", "三年来的")
    with dept.expect_navigation():
        dept.click("form.save-view button")
    assert "已保存视图「三年来的」" in dept.inner_text("body")
    shot(dept, "search-department.png")
    dept.goto(f"{live_server.url}/appeals/")
    with dept.expect_navigation():
        dept.click(".saved-views >> text=三年来的")
    assert "sort=created" in dept.url
    # A bad date: the message beside the field, the other filters kept, no rows.
    dept.goto(f"{live_server.url}/appeals/?created_from=2026-02-30&park=栗雨")
    assert "提交日期起须为日期" in dept.inner_text("form.search-filters")
    assert dept.input_value("input[name=park]") == "栗雨"
    shot(dept, "search-bad-date.png")
