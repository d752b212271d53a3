"""No dead end (issue 10, item 1): a paused appeal is answered by its enterprise with text and files, from
the appeal page (which the pause notification leads to) and the API; the clock resumes as RESUME does and
the lead department is told. Withdraw asks for confirmation and a reason."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Action, Appeal, Attachment, AttachmentKind, Status
from wuyou.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from wuyou.notifications.models import Notification
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")
BASE = "/api/v1"
PNG = (  # a real 1×1 PNG: uploads are decoded before they are accepted
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\xdac`\x00\x00\x00\x02\x00\x01\xe5'\xde\xfc\x00\x00\x00\x00IEND\xaeB`\x82"
)
PAUSE_REASON = "请补充用电报装申请表和现场照片"


def at(*args):
    return datetime(*args, tzinfo=TZ)


def png(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def paused(p, **overrides) -> Appeal:
    a = submit(p, **overrides)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    return s.appeal_pause(appeal_id=a.pk, by=p.handler, reason=PAUSE_REASON)


# ---------------------------------------------------------------- the service


def test_supply_resumes_the_clock_exactly_as_resume_does(p):
    results = {}
    for how in ("resume", "supply"):
        with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
            a = paused(p, title=f"停电 {how}")
        with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):  # 3 working days later
            if how == "resume":
                a = s.appeal_resume(appeal_id=a.pk, by=p.handler)
            else:
                a = s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="已补充申请表", files=[png()])
        a.refresh_from_db()
        assert a.status == Status.IN_PROGRESS and a.paused_at is None
        results[how] = (a.reply_due_at, a.warn_at, a.level2_due_at)
    # 11-09 pushed by the 3 working days paused, and the warning and level-2 times with it.
    assert results["supply"][0] == at(2026, 11, 12, 23, 59, 59)
    assert results["supply"] == results["resume"]


def test_supply_records_the_material_on_its_event(p):
    a = paused(p)
    s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="申请表和照片见附件", files=[png(), png("表.png")])
    event = a.events.order_by("-seq").first()
    files = list(Attachment.objects.filter(appeal=a).order_by("id"))
    assert event.action == Action.SUPPLY and event.note == "申请表和照片见附件"
    assert event.from_status == Status.PAUSED and event.to_status == Status.IN_PROGRESS
    assert event.actor_id == p.ent_user.pk
    assert [f.kind for f in files] == [AttachmentKind.SUPPLY] * 2
    assert event.data["attachments"] == [f.pk for f in files]
    assert verify_chain()[1] is None


def test_only_the_enterprise_side_supplies_and_only_while_paused(p):
    a = paused(p)
    with pytest.raises(NotFound):
        s.appeal_supply(appeal_id=a.pk, by=p.competitor_user, content="冒充")
    with pytest.raises(Forbidden):
        s.appeal_supply(appeal_id=a.pk, by=p.handler, content="部门不能代交")
    with pytest.raises(Forbidden):
        s.appeal_supply(appeal_id=a.pk, by=p.center, content="中心也不能")
    s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="已补充")
    with pytest.raises(InvalidTransition):  # no longer paused
        s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="再交一次")
    # The cadre who filed for the enterprise answers for it too.
    b = paused(p, by=p.cadre, enterprise_uscc=p.enterprise.uscc, title="干部代报")
    # Both are asked for the material, each led to the supply form.
    for user in (p.cadre, p.ent_user):
        asked = Notification.objects.get(user=user, subject=f"appeal:{b.pk}", title__startswith="请补充材料")
        assert asked.link == f"/appeals/{b.pk}/#act-supply"
    assert not Notification.objects.filter(user=p.competitor_user).exists()
    s.appeal_supply(appeal_id=b.pk, by=p.cadre, content="干部代企业补充")
    assert Appeal.objects.get(pk=b.pk).status == Status.IN_PROGRESS


def test_bad_input_changes_nothing(p):
    a = paused(p)
    n_events = a.events.count()
    with pytest.raises(InvalidInput) as exc:
        s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="  ")
    assert exc.value.code == "content_required"
    with pytest.raises(InvalidInput, match="内容与扩展名不符"):
        s.appeal_supply(
            appeal_id=a.pk,
            by=p.ent_user,
            content="附件",
            files=[png(), SimpleUploadedFile("x.pdf", b"not a pdf")],
        )
    a.refresh_from_db()
    assert a.status == Status.PAUSED and a.paused_at is not None
    assert a.events.count() == n_events and not a.attachments.exists()


def test_pause_notification_leads_to_the_supply_form_and_supply_tells_the_department(p):
    a = paused(p)
    note = Notification.objects.get(user=p.ent_user, title__startswith="请补充材料")
    assert note.link == f"/appeals/{a.pk}/#act-supply"
    assert PAUSE_REASON in note.body
    # Opening it from the inbox lands on the appeal page's supply form.
    c = p.client(p.ent_user)
    resp = c.get(reverse("notification_open", args=[note.pk]))
    assert resp.status_code == 302 and resp["Location"] == f"/appeals/{a.pk}/#act-supply"
    page = c.get(f"/appeals/{a.pk}/").content.decode()
    assert 'id="act-supply"' in page and 'data-action="supply"' in page
    assert PAUSE_REASON in page

    s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="申请表见附件", files=[png()])
    told = Notification.objects.filter(title__startswith="企业已补充材料")
    assert set(told.values_list("user_id", flat=True)) == {p.handler.pk, p.leader.pk}
    n = told.get(user=p.handler)
    assert n.link == f"/appeals/{a.pk}/#timeline"
    assert "申请表见附件" in n.body and "附件 1 个" in n.body and "恢复计算" in n.body
    assert not Notification.objects.filter(user=p.other_handler, subject=f"appeal:{a.pk}").exists()


# ---------------------------------------------------------------- the API


def test_api_supply_with_json(p):
    a = paused(p)
    resp = p.api(p.ent_user).post(
        f"{BASE}/appeals/{a.pk}/supply", {"content": "已补充材料"}, content_type="application/json"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "in_progress"
    assert body["events"][-1]["action"] == "supply" and body["events"][-1]["note"] == "已补充材料"


def test_api_supply_with_files_by_multipart(p):
    a = paused(p)
    resp = p.api(p.ent_user).post(
        f"{BASE}/appeals/{a.pk}/supply",
        {"content": "照片两张", "expected_status": "paused", "files": [png(), png("二.png")]},
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    files = [f for f in body["attachments"] if f["kind"] == "supply"]
    assert [f["name"] for f in files] == ["现场照片.png", "二.png"]
    assert body["events"][-1]["attachments"] == [f["id"] for f in files]
    assert files[0]["url"] == f"/appeals/{a.pk}/files/{files[0]['id']}/"
    # The department reads the same detail, files included.
    detail = p.api(p.handler).get(f"{BASE}/appeals/{a.pk}").json()
    assert [f["id"] for f in detail["attachments"]] == [f["id"] for f in files]


def test_api_supply_refusals(p):
    a = paused(p)
    api = p.api(p.ent_user)
    resp = api.post(f"{BASE}/appeals/{a.pk}/supply", {}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "content_required"
    resp = api.post(
        f"{BASE}/appeals/{a.pk}/supply", {"content": "x", "files": [SimpleUploadedFile("a.exe", b"MZ")]}
    )
    assert resp.status_code == 400 and resp.json()["code"] == "attachment_type"
    resp = p.api(p.competitor_user).post(
        f"{BASE}/appeals/{a.pk}/supply", {"content": "x"}, content_type="application/json"
    )
    assert resp.status_code == 404
    resp = p.api(p.handler).post(
        f"{BASE}/appeals/{a.pk}/supply", {"content": "x"}, content_type="application/json"
    )
    assert resp.status_code == 403
    resp = api.post(
        f"{BASE}/appeals/{a.pk}/supply",
        {"content": "x", "expected_status": "in_progress"},
        content_type="application/json",
    )
    assert resp.status_code == 409 and resp.json()["code"] == "stale_state"
    # Files go only with the actions that take them.
    resp = p.api(p.handler).post(f"{BASE}/appeals/{a.pk}/resume", {"note": "好", "files": [png()]})
    assert resp.status_code == 400 and resp.json()["code"] == "files_not_allowed"
    assert Appeal.objects.get(pk=a.pk).status == Status.PAUSED and not Attachment.objects.exists()


def test_api_withdraw_needs_a_reason(p):
    a = submit(p)
    api = p.api(p.ent_user)
    resp = api.post(f"{BASE}/appeals/{a.pk}/withdraw", {}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "reason_required"
    resp = api.post(f"{BASE}/appeals/{a.pk}/withdraw", b"", content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "reason_required"
    assert Appeal.objects.get(pk=a.pk).status == Status.SUBMITTED
    resp = api.post(
        f"{BASE}/appeals/{a.pk}/withdraw", {"reason": "问题已自行解决"}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "withdrawn"
    assert resp.json()["events"][-1]["note"] == "问题已自行解决"


# ---------------------------------------------------------------- the pages


def test_enterprise_answers_on_the_page_with_text_and_a_photo(p):
    a = paused(p)
    c = p.client(p.ent_user)
    resp = c.post(
        reverse("appeal_act_files", args=[a.pk, "supply"]),
        {"content": "申请表已补充，照片见附件", "expected_status": "paused", "files": [png()]},
    )
    assert resp.status_code == 302 and resp["Location"] == f"/appeals/{a.pk}/"
    a.refresh_from_db()
    assert a.status == Status.IN_PROGRESS
    att = a.attachments.get()
    assert att.kind == AttachmentKind.SUPPLY
    # The department sees the material on the timeline, the file beside the step it came with.
    page = p.client(p.handler).get(f"/appeals/{a.pk}/").content.decode()
    step = page.split('data-event="supply"', 1)[1].split("</li>", 1)[0]
    assert "申请表已补充，照片见附件" in step
    assert reverse("attachment_download", args=[a.pk, att.pk]) in step
    assert p.client(p.handler).get(reverse("attachment_download", args=[a.pk, att.pk])).status_code == 200
    # Supplied files are not listed as the appeal's own material.
    intake = page.split("诉求内容", 1)[1].split("</div>", 1)[0]
    assert "现场照片.png" not in intake


def test_a_refused_supply_keeps_the_text_and_shows_the_error_beside_the_files(p):
    a = paused(p)
    c = p.client(p.ent_user)
    resp = c.post(
        reverse("appeal_act_files", args=[a.pk, "supply"]),
        {"content": "我写了很长的一段说明", "files": [SimpleUploadedFile("病毒.exe", b"MZ\x00\x00")]},
    )
    assert resp.status_code == 302 and resp["Location"] == f"/appeals/{a.pk}/#act-supply"
    page = c.get(f"/appeals/{a.pk}/").content.decode()
    form = page.split('data-action="supply"', 1)[1].split("</form>", 1)[0]
    assert "我写了很长的一段说明</textarea>" in form
    assert "类型不支持" in form.split('id="files-error-supply', 1)[1]
    # Only once: the next view starts clean.
    assert "我写了很长的一段说明" not in c.get(f"/appeals/{a.pk}/").content.decode()
    assert Appeal.objects.get(pk=a.pk).status == Status.PAUSED


def test_supply_form_only_for_the_enterprise_side_while_paused(p):
    a = paused(p)
    assert 'data-action="supply"' not in p.client(p.handler).get(f"/appeals/{a.pk}/").content.decode()
    resp = p.client(p.handler).post(reverse("appeal_act_files", args=[a.pk, "supply"]), {"content": "x"})
    assert resp.status_code == 302 and Appeal.objects.get(pk=a.pk).status == Status.PAUSED
    resp = p.client(p.competitor_user).post(
        reverse("appeal_act_files", args=[a.pk, "supply"]), {"content": "x"}
    )
    assert resp.status_code == 404
    resp = p.client(p.ent_user).post(reverse("appeal_act_files", args=[a.pk, "sign"]), {})
    assert resp.status_code == 404  # only the actions that take files


def test_withdraw_asks_for_confirmation_and_a_reason(p):
    a = submit(p)
    c = p.client(p.ent_user)
    detail = c.get(f"/appeals/{a.pk}/").content.decode()
    # No one-click form: a link to the confirm page.
    assert f'action="/appeals/{a.pk}/act/withdraw/"' not in detail
    assert reverse("appeal_withdraw", args=[a.pk]) in detail
    page = c.get(reverse("appeal_withdraw", args=[a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "确认撤回" in text and "不能恢复" in text and 'name="reason"' in text and "required" in text
    resp = c.post(reverse("appeal_withdraw", args=[a.pk]), {"reason": "   ", "expected_status": "submitted"})
    assert resp.status_code == 200 and "撤回理由不能为空" in resp.content.decode()
    assert Appeal.objects.get(pk=a.pk).status == Status.SUBMITTED
    resp = c.post(
        reverse("appeal_withdraw", args=[a.pk]), {"reason": "已自行解决", "expected_status": "submitted"}
    )
    assert resp.status_code == 302 and resp["Location"] == f"/appeals/{a.pk}/"
    a.refresh_from_db()
    assert a.status == Status.WITHDRAWN
    assert a.events.order_by("-seq").first().note == "已自行解决"
    # Withdrawn: the confirm page sends back with the reason.
    resp = c.get(reverse("appeal_withdraw", args=[a.pk]))
    assert resp.status_code == 302


def test_withdraw_page_refuses_others(p):
    a = submit(p)
    assert p.client(p.competitor_user).get(reverse("appeal_withdraw", args=[a.pk])).status_code == 404
    assert p.client(p.center).get(reverse("appeal_withdraw", args=[a.pk])).status_code == 403
    resp = p.client(p.center).post(reverse("appeal_withdraw", args=[a.pk]), {"reason": "中心代撤"})
    assert resp.status_code == 403 and Appeal.objects.get(pk=a.pk).status == Status.SUBMITTED
