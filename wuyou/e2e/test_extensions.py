"""The center's extension approval list in headless Chromium (issue 10 item 5): the request's context on
the page, refusing without a reason stopped in the browser and by the server with the typed text kept, and
back on the list after each decision."""

import os

import pytest

from wuyou.appeals import services as s
from wuyou.appeals.models import Extension
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("WUYOU_SHOTS", "")  # a folder to save screenshots into, when set


@pytest.fixture
def requests_(db):
    p = build_personas()
    p.handler.last_name, p.handler.first_name = "王", "小明"
    p.handler.save()
    out = []
    for title, days, reason in (
        ("园区频繁停电", 3, "需要现场勘查线路并协调停电窗口"),
        ("厂区变压器噪声过大", 5, "等待第三方环保监测报告"),
    ):
        a = submit(p, title=title)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        out.append((a, s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=days, reason=reason)))
    return out


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_center_decides_extensions_from_the_list(requests_, page, live_server):
    (first, ext1), (second, ext2) = requests_
    center = page("center")
    center.goto(f"{live_server.url}/center/extensions/")
    row = center.locator(f"#ext-{ext1.pk}")
    text = row.inner_text()
    assert "王小明" in text and "提交于" in text and "需要现场勘查线路" in text
    assert "当前答复期限" in text and "批准后期限" in text
    shot(center, "extensions-list.png")

    # Refusing without a reason: the browser does not send the form.
    row.locator("form.ext-reject button").click()
    assert center.url.endswith("/center/extensions/")
    assert row.locator("input[name=reason]").evaluate("el => el.validity.valueMissing")
    assert Extension.objects.get(pk=ext1.pk).decision == Extension.Decision.PENDING

    # Only spaces pass the browser; the server refuses them beside the field, and the row is still there.
    row.locator("input[name=reason]").fill("   ")
    with center.expect_navigation():
        row.locator("form.ext-reject button").click()
    row = center.locator(f"#ext-{ext1.pk}")
    assert "不批准时请填写理由" in row.locator("form.ext-reject").inner_text()
    shot(center, "extensions-reason-required.png")

    row.locator("input[name=reason]").fill("现场勘查可在原期限内完成")
    with center.expect_navigation():
        row.locator("form.ext-reject button").click()
    assert center.url.endswith("/center/extensions/")
    assert f"已不批准诉求 {first.number} 的延期申请" in center.locator(".messages").inner_text()
    assert center.locator(f"#ext-{ext1.pk}").count() == 0

    # Approving the other one: back on the list, which is now empty.
    with center.expect_navigation():
        center.locator(f"#ext-{ext2.pk} form.ext-approve button").click()
    assert center.url.endswith("/center/extensions/")
    assert f"已批准诉求 {second.number} 延期 5 个工作日" in center.locator(".messages").inner_text()
    assert "没有待审批的延期申请" in center.locator("main").inner_text()
    assert Extension.objects.get(pk=ext2.pk).decision == Extension.Decision.APPROVED
