"""No dead end, in the browser (issue 10, item 1): the department pauses an appeal for material; the
enterprise, on a phone, follows the notification to the appeal page and answers with text and a photo;
the clock resumes and the department, told in its inbox, sees the material on the appeal.

A file over the size limit is refused in the browser before anything is uploaded, and the typed text stays."""

import io
import os
import re

import pytest
from PIL import Image

from wuyou.appeals import services as s
from wuyou.appeals.models import Action, Appeal, AttachmentKind, Status
from wuyou.orgs.models import Department
from wuyou.testing import build_personas, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("WUYOU_SHOTS_DIR", "")
PAUSE_REASON = "请补充配电房现场照片和用电报装申请表"


@pytest.fixture
def personas(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024  # 1 MB: the oversized file below is a little more
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    return build_personas()


def photo(path, size, noise=False) -> str:
    """A real JPEG (a phone photo) or, with noise, a PNG that does not compress below 1 MB."""
    if noise:
        im = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        im.save(path, "PNG")
    else:
        im = Image.new("RGB", size, (90, 140, 200))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=80)
        path.write_bytes(buf.getvalue())
    return str(path)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def status(page) -> str:
    return page.locator("#status").inner_text().strip()


def test_enterprise_answers_a_pause_from_its_phone(personas, page, live_server, tmp_path):
    p = personas
    a = submit(p, title="配电房频繁跳闸")
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_pause(appeal_id=a.pk, by=p.handler, reason=PAUSE_REASON)
    due_before = Appeal.objects.get(pk=a.pk).reply_due_at

    # The enterprise, on a phone, opens the notification: it lands on the appeal's supply form.
    ent = page("ent", phone=True)
    ent.goto(f"{live_server.url}/notifications/")
    with ent.expect_navigation():
        ent.locator("a", has_text="请补充材料").first.click()
    assert re.search(rf"/appeals/{a.pk}/#act-supply$", ent.url), ent.url
    assert status(ent) == "暂停(补充材料)"
    assert PAUSE_REASON in ent.locator("#pause-request").inner_text()
    form = ent.locator("form[data-action=supply]")
    assert form.is_visible()
    text = "已补充配电房照片，申请表明天送到服务大厅。"
    form.locator("textarea[name=content]").fill(text)

    # A file over the limit is refused before upload: the message shows, nothing is sent, the text stays.
    files = form.locator("input[type=file]")
    files.set_input_files(photo(tmp_path / "超大照片.png", (700, 700), noise=True))
    error = form.locator(".field-error")
    assert "超过 1 MB" in error.inner_text()
    form.locator("button[type=submit]").click()
    ent.wait_for_timeout(300)
    assert "#act-supply" in ent.url and status(ent) == "暂停(补充材料)"
    assert form.locator("textarea[name=content]").input_value() == text
    shot(ent, "supply-phone-too-big.png")

    # The photo from the phone goes through.
    files.set_input_files(photo(tmp_path / "配电房.jpg", (640, 480)))
    assert error.inner_text().strip() == ""
    width = ent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the supply form overflows a 390px phone: scrollWidth={width}"
    shot(ent, "supply-phone-form.png")
    with ent.expect_navigation():
        form.locator("button[type=submit]").click()
    assert status(ent) == "办理中"
    assert "材料已提交" in ent.locator(".messages").inner_text()
    step = ent.locator("#timeline li[data-event=supply]")
    assert text in step.inner_text() and "配电房.jpg" in step.inner_text()
    shot(ent, "supply-phone-done.png")

    a.refresh_from_db()
    assert a.status == Status.IN_PROGRESS and a.paused_at is None and a.reply_due_at >= due_before
    att = a.attachments.get()
    assert att.kind == AttachmentKind.SUPPLY and att.name == "配电房.jpg" and att.content_type == "image/jpeg"
    assert a.events.order_by("-seq").first().action == Action.SUPPLY

    # The department is told, and sees the material on the appeal.
    dept = page("gdgs")
    dept.goto(f"{live_server.url}/notifications/")
    with dept.expect_navigation():
        dept.locator("a", has_text="企业已补充材料").first.click()
    assert dept.url.endswith(f"/appeals/{a.pk}/#timeline"), dept.url
    assert status(dept) == "办理中"
    step = dept.locator("#timeline li[data-event=supply]")
    assert text in step.inner_text()
    with dept.expect_download() as download:
        step.locator("a", has_text="配电房.jpg").click()
    assert download.value.suggested_filename == "配电房.jpg"
    # Its reply form is open again.
    assert dept.locator("form[data-action=reply]").is_visible()
    shot(dept, "supply-dept-sees.png")
