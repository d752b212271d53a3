"""The center's extension approval list (issue 10 item 5): each request with its age, the current and the
proposed reply due time, the reason and the person who asked; refusing needs a reason (page and API);
after a decision the center is back on the list; the rule for a late approval (due time from the original
one, the wait not counted; overdue escalations caused by the wait withdrawn, others kept); and the 待签收
tab of the department inbox showing the sign due time."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals import sweeps
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Action, Appeal, Event, Extension, Supervision
from wuyou.appeals.selectors import is_overdue, visible_appeals
from wuyou.notifications.models import Notification
from wuyou.orgs.models import Department
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")
LIST = "/center/extensions/"
API = "/api/v1/appeals"


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def named(p):
    """The gdgs handler with a real name, as staff accounts have."""
    p.handler.last_name, p.handler.first_name = "王", "小明"
    p.handler.save()
    return p


def signed(p, **kw) -> Appeal:
    """Dispatched to gdgs on Monday 2026-11-02 09:00 and signed: reply due Mon 11-09 23:59:59 (5 working
    days), sign due Tue 11-03 23:59:59."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        a = submit(p, **kw)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        return s.appeal_sign(appeal_id=a.pk, by=p.handler)


def ask(p, a, when, days=3, reason="需要现场勘查线路并协调停电窗口") -> Extension:
    with time_machine.travel(when, tick=False):
        return s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=days, reason=reason)


def row(html: str, ext: Extension) -> str:
    m = re.search(rf'<article class="card ext-request" id="ext-{ext.pk}">(.*?)</article>', html, re.S)
    assert m, f"no row for extension {ext.pk}"
    return m.group(1)


def decide_on_page(client, a, ext, **form):
    body = {"extension": ext.pk, "expected_status": a.status, **form}
    return client.post(reverse("center_extension_decide", args=[a.pk]), body)


def sweep(when):
    with time_machine.travel(when, tick=False):
        return sweeps.sweep_reply_overdue(when)


# ---------------------------------------------------------------- the list


def test_list_shows_age_both_due_times_reason_and_real_names(named):
    p = named
    late = signed(p)
    ext_late = ask(p, late, at(2026, 11, 5, 10, 0))
    fresh = signed(p, title="厂区变压器噪声过大")
    ext_fresh = ask(p, fresh, at(2026, 11, 10, 12, 0), days=2, reason="等待环保监测报告")
    with time_machine.travel(at(2026, 11, 10, 15, 0), tick=False):
        html = p.client(p.center).get(LIST).content.decode()
    dept = Department.objects.get(code="gdgs").name

    one = row(html, ext_late)
    assert "提交于 3 个工作日前" in one  # Fri 11-06, Mon 11-09, Tue 11-10
    assert "2026年11月9日 23:59" in one  # the current reply due time, already past
    assert "超期" in one
    # Approved now: 11-09 + 3 working days + the 1 working day (11-10) it waited after its due time.
    assert "2026年11月13日 23:59" in one
    assert "审批等待的 1 个工作日不计" in one
    assert "需要现场勘查线路并协调停电窗口" in one
    assert "王小明" in one and dept in one
    assert p.handler.username not in one  # a person, not a login name

    two = row(html, ext_fresh)
    assert "提交于 3 小时前" in two
    # Asked only after its due time: its own lateness is not given back, only the wait since it asked.
    assert "2026年11月11日 23:59" in two
    assert "等待环保监测报告" in two
    # Oldest request first.
    assert html.index(f'id="ext-{ext_late.pk}"') < html.index(f'id="ext-{ext_fresh.pk}"')


def test_list_says_when_approving_withdraws_an_escalation_from_the_wait(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    sweep(at(2026, 11, 10, 0, 10))
    with time_machine.travel(at(2026, 11, 11, 10, 0), tick=False):
        html = p.client(p.center).get(LIST).content.decode()
    assert "撤销审批等待期间的超期提级（一级督办（协调中心） → 未督办）" in row(html, ext)


# ---------------------------------------------------------------- refusing needs a reason


def _snapshot(a: Appeal):
    a.refresh_from_db()
    return (
        a.status,
        a.reply_due_at,
        a.extension_used,
        a.events.count(),
        Extension.objects.get(appeal=a).decision,
        Notification.objects.filter(title__startswith="延期").count(),
    )


def test_page_refuses_a_refusal_without_reason_and_keeps_what_was_typed(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    before = _snapshot(a)
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        resp = decide_on_page(p.client(p.center), a, ext, approve="no", reason="  ")
        assert resp.status_code == 200
        one = row(resp.content.decode(), ext)
        assert "不批准时请填写理由" in one
        assert 'aria-invalid="true"' in one
        assert _snapshot(a) == before

        too_long = "线路改造已列入计划" * 120  # 1080 characters
        resp = decide_on_page(p.client(p.center), a, ext, approve="no", reason=too_long)
        one = row(resp.content.decode(), ext)
        assert "不批准理由不能超过1000字" in one
        assert f'value="{too_long}"' in one  # the typed reason is still there
        assert _snapshot(a) == before

        # The reason field sits beside the refuse button and is required in the browser too.
        html = p.client(p.center).get(LIST).content.decode()
        reject_form = re.search(r'<form[^>]*class="ext-reject">(.*?)</form>', row(html, ext), re.S).group(1)
        assert re.search(r'<input[^>]*name="reason"[^>]*required', reject_form)
        assert "不批准" in reject_form


def test_refusal_with_reason_goes_back_to_the_list_and_tells_the_department(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        c = p.client(p.center)
        resp = decide_on_page(c, a, ext, approve="no", reason="现场勘查可在原期限内完成")
        assert resp.status_code == 302 and resp["Location"] == LIST
        page = c.get(LIST).content.decode()
    assert f"已不批准诉求 {a.number} 的延期申请" in page
    assert f'id="ext-{ext.pk}"' not in page  # decided: off the list
    ext.refresh_from_db()
    assert ext.decision == Extension.Decision.DENIED and ext.decided_by == p.center
    a.refresh_from_db()
    assert a.reply_due_at == at(2026, 11, 9, 23, 59, 59) and not a.extension_used
    event = a.events.get(action=Action.APPROVE_EXTENSION)
    assert "现场勘查可在原期限内完成" in event.note and event.data["reason"] == "现场勘查可在原期限内完成"
    told = Notification.objects.get(user=p.handler, title__startswith="延期未批准")
    assert "现场勘查可在原期限内完成" in told.body


def test_api_refuses_a_refusal_without_reason(p):
    a = signed(p)
    ask(p, a, at(2026, 11, 5, 10, 0))
    before = _snapshot(a)
    api = p.api(p.center)
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        for body in ({"approve": False}, {"approve": False, "reason": "   ", "note": "不同意"}):
            resp = api.post(f"{API}/{a.pk}/approve_extension", body, content_type="application/json")
            assert resp.status_code == 400, resp.content
            assert resp.json()["code"] == "reason_required"
            assert "理由" in resp.json()["message"]
            assert _snapshot(a) == before
        resp = api.post(
            f"{API}/{a.pk}/approve_extension",
            {"approve": False, "reason": "材料已齐全，无需延期"},
            content_type="application/json",
        )
    assert resp.status_code == 200, resp.content
    assert Extension.objects.get(appeal=a).decision == Extension.Decision.DENIED


def test_approval_goes_back_to_the_list_naming_the_appeal(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        c = p.client(p.center)
        resp = decide_on_page(c, a, ext, approve="yes", note="同意，请按期答复")
        assert resp.status_code == 302 and resp["Location"] == LIST
        page = c.get(LIST).content.decode()
    # In time: the original due time plus the requested days, nothing more.
    assert f"已批准诉求 {a.number} 延期 3 个工作日，答复期限延至 2026年11月12日 23:59" in page
    a.refresh_from_db()
    assert a.reply_due_at == at(2026, 11, 12, 23, 59, 59)


def test_a_request_changed_since_the_page_was_read_is_not_decided(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        s.appeal_approve_extension(appeal_id=a.pk, by=p.center, approve=False, reason="无需延期")
        again = ask(p, a, at(2026, 11, 6, 11, 0), days=5, reason="新情况：需第三方检测")
        resp = decide_on_page(
            p.client(p.center), a, ext, approve="yes"
        )  # the page still showed the first request
    assert resp.status_code == 200
    assert "延期申请已有变化" in row(resp.content.decode(), again)
    again.refresh_from_db()
    assert again.decision == Extension.Decision.PENDING


# ---------------------------------------------------------------- a late approval


def test_late_approval_counts_from_the_original_due_time_and_withdraws_the_waits_escalations(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    assert sweep(at(2026, 11, 10, 0, 10)) == 1  # past 11-09: level 1
    assert sweep(at(2026, 11, 17, 0, 10)) == 1  # five working days past: level 2, the task force
    a.refresh_from_db()
    assert a.escalation_level == 2 and visible_appeals(p.team).filter(pk=a.pk).exists()

    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):  # Friday, two weeks after the request
        c = p.client(p.center)
        resp = decide_on_page(c, a, ext, approve="yes")
        assert resp.status_code == 302 and resp["Location"] == LIST
        page = c.get(LIST).content.decode()
    assert f"已批准诉求 {a.number}" in page and "超期提级已撤销" in page
    a.refresh_from_db()
    # 11-09 + 3 requested + 9 working days waited (11-10 … 11-20) = 12 working days: Wed 11-25.
    assert a.reply_due_at == at(2026, 11, 25, 23, 59, 59)
    assert a.escalation_level == 0
    assert not is_overdue(a, at(2026, 11, 20, 10, 0))
    withdrawal = a.events.get(action=Action.DEESCALATE)
    assert withdrawal.actor_id is None
    assert withdrawal.data["from_level"] == 2 and withdrawal.data["level"] == 0
    assert len(withdrawal.data["withdrawn"]) == 2
    assert "撤销超期提级" in withdrawal.note
    assert withdrawal.seq > a.events.get(action=Action.APPROVE_EXTENSION).seq
    # The supervision orders of those escalations are closed; the task force no longer holds the appeal.
    assert not Supervision.objects.filter(appeal=a, closed_at__isnull=True).exists()
    assert not visible_appeals(p.team).filter(pk=a.pk).exists()
    assert Notification.objects.filter(user=p.team, title__startswith="撤销督办").exists()
    # The worker does not escalate it again: it is within its new due time.
    assert sweep(at(2026, 11, 20, 10, 5)) == 0
    a.refresh_from_db()
    assert a.escalation_level == 0
    assert verify_chain()[1] is None


def test_an_escalation_by_hand_during_the_wait_is_not_withdrawn(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    assert sweep(at(2026, 11, 10, 0, 10)) == 1
    with time_machine.travel(at(2026, 11, 11, 9, 0), tick=False):
        s.appeal_escalate(appeal_id=a.pk, by=p.center, level=2, reason="企业多次来电，提请专班协调")
    with time_machine.travel(at(2026, 11, 13, 10, 0), tick=False):
        decide_on_page(p.client(p.center), a, ext, approve="yes")
    a.refresh_from_db()
    assert Extension.objects.get(pk=ext.pk).decision == Extension.Decision.APPROVED
    assert a.reply_due_at == at(2026, 11, 18, 23, 59, 59)  # 11-09 + 3 + 4 waited (11-10 … 11-13)
    assert a.escalation_level == 2  # the person's escalation, and what lies under it, stays
    assert not a.events.filter(action=Action.DEESCALATE).exists()


def test_only_the_waits_escalation_above_one_by_hand_is_withdrawn(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):
        s.appeal_escalate(appeal_id=a.pk, by=p.center, level=1, reason="涉及重点项目，中心督办")
    assert sweep(at(2026, 11, 17, 0, 10)) == 1  # level 2 from the worker, for being five days late
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        decide_on_page(p.client(p.center), a, ext, approve="yes")
    a.refresh_from_db()
    assert a.escalation_level == 1
    withdrawal = a.events.get(action=Action.DEESCALATE)
    assert (withdrawal.data["from_level"], withdrawal.data["level"]) == (2, 1)
    assert Supervision.objects.filter(appeal=a, closed_at__isnull=True, level=1).count() == 1


def test_an_escalation_from_before_the_request_is_the_departments_own(p):
    a = signed(p)
    assert sweep(at(2026, 11, 10, 0, 10)) == 1  # overdue before anyone asked for more time
    ext = ask(p, a, at(2026, 11, 11, 10, 0))
    with time_machine.travel(at(2026, 11, 12, 10, 0), tick=False):
        decide_on_page(p.client(p.center), a, ext, approve="yes")
    a.refresh_from_db()
    # 11-09 + 3 + the 1 working day it waited after the request (11-12): Fri 11-13.
    assert a.reply_due_at == at(2026, 11, 13, 23, 59, 59)
    assert a.escalation_level == 1
    assert not Event.objects.filter(appeal=a, action=Action.DEESCALATE).exists()


# ---------------------------------------------------------------- the department inbox


def test_to_sign_tab_shows_the_sign_due_time_other_tabs_the_reply_due_time(p):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        a = submit(p)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    client = p.client(p.handler)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        html = client.get("/dept/inbox/?tab=to_sign").content.decode()
    assert "签收期限" in html
    assert "11月3日 23:59 前签收" in html and "签收超时" in html
    assert "11月9日 23:59" not in html
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        html = client.get("/dept/inbox/?tab=overdue").content.decode()
    assert a.number in html and "11月9日 23:59" in html and "前签收" not in html


def test_the_appeal_page_offers_the_refusal_reason_and_refuses_with_it(p):
    a = signed(p)
    ext = ask(p, a, at(2026, 11, 5, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        c = p.client(p.center)
        page = c.get(reverse("appeal_detail", args=[a.pk])).content.decode()
        block = page[page.index('id="act-approve_extension"') :].split("</details>", 1)[0]
        assert 'name="reason"' in block  # no dead end: the reason the refusal needs can be typed here
        c.post(
            reverse("appeal_act", args=[a.pk, "approve_extension"]),
            {"approve": "no", "reason": "现场勘查可在原期限内完成", "expected_status": a.status},
        )
    ext.refresh_from_db()
    assert ext.decision == Extension.Decision.DENIED
