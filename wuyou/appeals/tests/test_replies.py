"""Replies (issue 10, item 6): a department's reply carries attachments; per-department reply templates
(常用语) kept on a simple page and offered above the reply box."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuyou.appeals import replies
from wuyou.appeals import services as s
from wuyou.appeals.models import Action, Appeal, AttachmentKind, ReplyTemplate, Status
from wuyou.core.audit import AuditRecord
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.testing import submit

BASE = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="整改通知书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def in_progress(p) -> Appeal:
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    return s.appeal_sign(appeal_id=a.pk, by=p.handler)


# ---------------------------------------------------------------- attachments


def test_reply_carries_attachments_the_enterprise_can_open(p):
    a = in_progress(p)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已检修线路", files=[pdf()])
    a.refresh_from_db()
    att = a.attachments.get()
    assert a.status == Status.REPLIED and att.kind == AttachmentKind.REPLY
    event = a.events.get(action=Action.REPLY)
    assert event.data["attachments"] == [att.pk]
    page = p.client(p.ent_user).get(f"/appeals/{a.pk}/").content.decode()
    reply = page.split('id="reply"', 1)[1].split("</div>", 1)[0]
    url = reverse("attachment_download", args=[a.pk, att.pk])
    assert "整改通知书.pdf" in reply and url in reply
    assert p.client(p.ent_user).get(url).status_code == 200
    assert p.client(p.competitor_user).get(url).status_code == 404


def test_reply_with_files_over_the_api(p):
    a = in_progress(p)
    resp = p.api(p.handler).post(
        f"{BASE}/appeals/{a.pk}/reply",
        {"result": "explained", "content": "见附件说明", "cost_saved_yuan": "1200.50", "files": [pdf()]},
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "replied" and body["reply_content"] == "见附件说明"
    assert [(f["name"], f["kind"]) for f in body["attachments"]] == [("整改通知书.pdf", "reply")]
    assert body["events"][-1]["attachments"] == [body["attachments"][0]["id"]]


def test_a_bad_reply_file_writes_nothing(p):
    a = in_progress(p)
    with pytest.raises(InvalidInput):
        s.appeal_reply(
            appeal_id=a.pk,
            by=p.handler,
            result="solved",
            content="答复",
            files=[SimpleUploadedFile("a.pdf", b"x")],
        )
    a.refresh_from_db()
    assert a.status == Status.IN_PROGRESS and a.reply_content == "" and not a.attachments.exists()


def test_reply_form_posts_files_and_keeps_the_text_on_an_error(p):
    a = in_progress(p)
    c = p.client(p.handler)
    page = c.get(f"/appeals/{a.pk}/").content.decode()
    form = (
        page.split('data-action="reply"', 1)[0].rsplit("<form", 1)[1]
        + page.split('data-action="reply"', 1)[1]
    )
    assert f'action="{reverse("appeal_act_files", args=[a.pk, "reply"])}"' in form
    assert 'enctype="multipart/form-data"' in form and 'name="files"' in form
    # A negative saving: the typed reply survives, the error is beside the amount.
    resp = c.post(
        reverse("appeal_act_files", args=[a.pk, "reply"]),
        {"result": "explained", "content": "经现场核查，已协调施工单位", "cost_saved_yuan": "-5"},
    )
    assert resp.status_code == 302 and resp["Location"].endswith("#act-reply")
    page = c.get(f"/appeals/{a.pk}/").content.decode()
    form = page.split('data-action="reply"', 1)[1].split("</form>", 1)[0]
    assert "经现场核查，已协调施工单位</textarea>" in form
    assert '<option value="explained" selected>' in form
    cost = form.split('name="cost_saved_yuan"', 1)[1]
    assert 'value="-5"' in cost.split(">", 1)[0]
    assert "降本金额" in cost.split("</p>", 1)[0]
    assert Appeal.objects.get(pk=a.pk).status == Status.IN_PROGRESS
    # Then it goes through, with the file.
    resp = c.post(
        reverse("appeal_act_files", args=[a.pk, "reply"]),
        {"result": "solved", "content": "已解决", "files": [pdf()], "expected_status": "in_progress"},
    )
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.REPLIED and a.attachments.get().kind == AttachmentKind.REPLY


# ---------------------------------------------------------------- templates (常用语)


def test_templates_belong_to_one_department(p):
    tpl = replies.template_save(by=p.handler, title="已协调", text="您好，已协调施工单位于本周内完成修复。")
    assert tpl.department_id == p.handler.department_id
    assert list(replies.templates_for(p.leader)) == [tpl]  # the department's leader shares them
    assert not replies.templates_for(p.other_handler).exists()
    assert not replies.templates_for(p.ent_user).exists() and not replies.templates_for(p.center).exists()
    with pytest.raises(NotFound):
        replies.template_save(by=p.other_handler, template_id=tpl.pk, title="改", text="改")
    with pytest.raises(NotFound):
        replies.template_delete(by=p.other_handler, template_id=tpl.pk)
    with pytest.raises(Forbidden):
        replies.template_save(by=p.center, title="中心", text="不行")
    with pytest.raises(InvalidInput) as exc:
        replies.template_save(by=p.leader, title="已协调", text="重名")
    assert exc.value.code == "title_duplicate"
    replies.template_save(by=p.leader, template_id=tpl.pk, title="已协调修复", text="新内容")
    tpl.refresh_from_db()
    assert (tpl.title, tpl.text) == ("已协调修复", "新内容")
    replies.template_delete(by=p.handler, template_id=tpl.pk)
    assert not ReplyTemplate.objects.exists()
    actions = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["reply_template.create", "reply_template.update", "reply_template.delete"]


def test_template_limit(p, settings):
    settings.REPLY_TEMPLATES_PER_DEPARTMENT = 2
    replies.template_save(by=p.handler, title="一", text="1")
    replies.template_save(by=p.handler, title="二", text="2")
    with pytest.raises(InvalidInput) as exc:
        replies.template_save(by=p.handler, title="三", text="3")
    assert exc.value.code == "templates_full"


def test_templates_page(p):
    c = p.client(p.handler)
    url = reverse("reply_templates")
    assert c.get(url).status_code == 200
    resp = c.post(url, {"title": "已解决", "text": "您反映的问题已解决，感谢支持。"})
    assert resp.status_code == 302
    tpl = ReplyTemplate.objects.get()
    page = p.client(p.leader).get(url).content.decode()
    assert "已解决" in page and f"?edit={tpl.pk}" in page
    assert "已解决" not in p.client(p.other_handler).get(url).content.decode()
    # Errors beside their fields, with the input kept.
    resp = c.post(url, {"title": "已解决", "text": "另一段"})
    text = resp.content.decode()
    assert (
        resp.status_code == 200 and "本部门已有名为「已解决」的常用语" in text and "另一段</textarea>" in text
    )
    resp = c.post(url, {"title": "", "text": ""})
    assert "常用语名称不能为空" in resp.content.decode()
    # Edit and delete through ?edit= and the same form; another department's id is a 404.
    assert p.client(p.other_handler).get(url, {"edit": tpl.pk}).status_code == 404
    assert p.client(p.other_handler).post(url, {"id": tpl.pk, "op": "delete"}).status_code == 404
    edit = c.get(url, {"edit": tpl.pk}).content.decode()
    assert 'value="已解决"' in edit and 'name="id"' in edit
    c.post(url, {"id": tpl.pk, "title": "已解决", "text": "改后的内容"})
    assert ReplyTemplate.objects.get().text == "改后的内容"
    c.post(url, {"id": tpl.pk, "op": "delete"})
    assert not ReplyTemplate.objects.exists()
    for user in (p.ent_user, p.competitor_user, p.center, p.cadre):
        assert p.client(user).get(url).status_code == 403


def test_the_reply_box_offers_the_departments_templates(p):
    replies.template_save(by=p.handler, title="已协调", text="您好，已协调施工单位。\n如有问题请来电。")
    replies.template_save(by=p.other_handler, title="他部门", text="别的部门的常用语")
    a = in_progress(p)
    page = p.client(p.leader).get(f"/appeals/{a.pk}/").content.decode()
    form = page.split('data-action="reply"', 1)[1].split("</form>", 1)[0]
    assert f'data-fill-target="reply-content-{a.pk}"' in form
    assert 'data-text="您好，已协调施工单位。\n如有问题请来电。"' in form and ">已协调</option>" in form
    assert "他部门" not in form
    assert f'id="reply-content-{a.pk}"' in form
    assert "/static/wuyou/appeal_desk.js" in page
    # Not offered where there is no reply to write (the enterprise's page).
    assert "data-fill-target" not in p.client(p.ent_user).get(f"/appeals/{a.pk}/").content.decode()
