"""Time limits, warnings and escalation by the worker, with time travel; outbox delivery; audit chain."""

import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from wuyou.appeals import services as s
from wuyou.appeals import sweeps
from wuyou.appeals.models import Action, Event, Status, Supervision
from wuyou.notifications.models import Notification, Outbox
from wuyou.notifications.outbox import deliver_due
from wuyou.notifications.sms import MemorySmsBackend
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def dispatched(p, when, **kw):
    with time_machine.travel(when, tick=False):
        a = submit(p, **kw)
        return s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")


def test_consult_deadline_and_urgent_sign_in_natural_hours(p):
    a = dispatched(p, at(2026, 11, 27, 16, 0), category="consult", urgency="urgent")  # Friday
    assert a.sign_due_at == at(2026, 11, 27, 18, 0)
    assert a.reply_due_at == at(2026, 12, 2, 23, 59, 59)  # Mon, Tue, Wed


def test_suggestion_ten_days_across_new_year_into_estimated_2027(p):
    a = dispatched(p, at(2026, 12, 28, 10, 0), category="suggestion")
    # 12-29..12-31 (3), 2027-01-01 holiday (estimate), 01-04..01-08 (5), 01-11, 01-12 → 10th = 2027-01-12
    assert a.reply_due_at == at(2027, 1, 12, 23, 59, 59)
    assert a.due_estimated


def test_sign_overdue_urges_leader_once(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    assert sweeps.sweep_sign_overdue(at(2026, 11, 3, 23, 0)) == 0
    assert sweeps.sweep_sign_overdue(at(2026, 11, 4, 0, 1)) == 1
    assert sweeps.sweep_sign_overdue(at(2026, 11, 4, 0, 2)) == 0
    assert (
        Notification.objects.filter(user=p.leader, subject=f"appeal:{a.pk}", title__startswith="催办").count()
        == 1
    )
    assert a.events.filter(action=Action.URGE).count() == 1


def test_overdue_batch_mails_each_leader_one_list_and_keeps_one_inbox_entry_per_appeal(p):
    appeals = [dispatched(p, at(2026, 11, 2, 9, 0), title=f"厂区道路破损第{i}处") for i in range(3)]
    assert sweeps.sweep_all(at(2026, 11, 4, 0, 1))["sign_overdue"] == 3
    for a in appeals:
        assert (
            Notification.objects.filter(
                user=p.leader, subject=f"appeal:{a.pk}", title__startswith="催办"
            ).count()
            == 1
        )
    mails = Outbox.objects.filter(to=p.leader.email, subject__startswith="催办")
    assert mails.count() == 1
    digest = mails.get()
    assert digest.subject == "催办：超时未签收的诉求（3 件）"
    assert all(a.number in digest.body for a in appeals)
    # Chains stay intact when events are written in bulk.
    assert all(a.events.filter(action=Action.URGE).count() == 1 for a in appeals)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计链完整" in out.getvalue()


def test_warning_at_80_percent_then_level1_then_level2(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))  # help: due 11-09 23:59:59
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
    a.refresh_from_db()
    # 5 working days (11-03 … 11-09): the warning comes at the end of the 4th, Friday 11-06, not at a weekend.
    assert a.warn_at == at(2026, 11, 6, 23, 59, 59)
    assert sweeps.sweep_all(a.warn_at - timedelta(minutes=1))["warnings"] == 0
    assert sweeps.sweep_all(a.warn_at + timedelta(minutes=1))["warnings"] == 1
    assert sweeps.sweep_all(a.warn_at + timedelta(minutes=2))["warnings"] == 0
    assert Notification.objects.filter(user=p.handler, title__startswith="即将到期").count() == 1
    assert sweeps.sweep_all(at(2026, 11, 9, 23, 0))["reply_overdue"] == 0
    assert sweeps.sweep_all(at(2026, 11, 10, 0, 1))["reply_overdue"] == 1
    a.refresh_from_db()
    assert a.escalation_level == 1
    assert Supervision.objects.filter(appeal=a, level=1).count() == 1
    assert Notification.objects.filter(user=p.center, subject=f"appeal:{a.pk}").exists()
    # 5 working days after 11-09: 11-16 end of day.
    assert sweeps.sweep_all(at(2026, 11, 16, 23, 0))["reply_overdue"] == 0
    assert sweeps.sweep_all(at(2026, 11, 17, 0, 1))["reply_overdue"] == 1
    a.refresh_from_db()
    assert a.escalation_level == 2
    assert Notification.objects.filter(user=p.team, subject=f"appeal:{a.pk}").exists()
    assert sweeps.sweep_all(at(2026, 11, 30))["reply_overdue"] == 0
    assert a.events.filter(action=Action.ESCALATE).count() == 2


def test_worker_run_late_escalates_straight_to_level2_once(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    assert sweeps.sweep_reply_overdue(at(2026, 12, 1)) == 1
    a.refresh_from_db()
    assert a.escalation_level == 2 and a.events.filter(action=Action.ESCALATE).count() == 1


def test_level3_only_by_center(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    from wuyou.core.errors import Forbidden

    s.appeal_escalate(appeal_id=a.pk, by=p.center, level=2, reason="多次协调未果")
    with pytest.raises(Forbidden):
        s.appeal_escalate(appeal_id=a.pk, by=p.team, level=3, reason="x")
    a = s.appeal_escalate(appeal_id=a.pk, by=p.center, level=3, reason="重大项目受阻")
    assert a.escalation_level == 3
    assert Notification.objects.filter(user=p.city_leader, subject=f"appeal:{a.pk}").exists()


def test_unrated_closes_after_three_working_days_and_is_excluded_from_satisfaction(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    with time_machine.travel(at(2026, 11, 3, 9, 0), tick=False):
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        a = s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已处理")
    assert a.rate_due_at == at(2026, 11, 6, 23, 59, 59)
    assert sweeps.sweep_unrated(at(2026, 11, 6, 23, 0)) == 0
    assert sweeps.sweep_unrated(at(2026, 11, 7, 0, 1)) == 1
    a.refresh_from_db()
    assert a.status == Status.CLOSED and a.rating == ""
    from wuyou.appeals.metrics import department_stats

    gdgs = next(x for x in department_stats(at(2026, 11, 1), at(2026, 12, 1)) if x.code == "gdgs")
    assert gdgs.rated == 0 and gdgs.satisfaction_rate is None and gdgs.response_rate == 1.0


def test_paused_appeal_is_not_escalated(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        s.appeal_pause(appeal_id=a.pk, by=p.handler, reason="等待材料")
    assert sweeps.sweep_all(at(2026, 11, 20))["reply_overdue"] == 0


def test_worker_command_once(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    with time_machine.travel(at(2026, 11, 20), tick=False):
        out = StringIO()
        call_command("worker", "--once", stdout=out)
    # The summary prints every key even when its count is 0, so assert the counts, not the keys.
    printed = out.getvalue()
    counts = {k: int(v) for k, v in re.findall(r"'(sign_overdue|reply_overdue)': (\d+)", printed)}
    assert counts == {"sign_overdue": 1, "reply_overdue": 1}, printed
    a.refresh_from_db()
    assert a.escalation_level == 2 and a.urged_at is not None  # 13 working days late: straight to the team


def test_outbox_delivers_email_and_sms_and_retries(p, settings):
    settings.SMS_BACKEND = "wuyou.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已处理")
    result = deliver_due()
    assert result["sent"] >= 2
    assert any(m.to == ["gdgs@test.local"] for m in mail.outbox)
    assert MemorySmsBackend.outbox and MemorySmsBackend.outbox[0][0] == "13812341234"
    assert deliver_due()["sent"] == 0  # nothing sent twice

    settings.SMS_BACKEND = "wuyou.notifications.tests.doubles.Broken"
    Outbox.objects.create(channel="sms", to="13900000000", body="x", next_attempt_at=at(2026, 1, 1))
    assert deliver_due()["failed"] == 1
    msg = Outbox.objects.get(to="13900000000")
    assert msg.state == "pending" and msg.attempts == 1 and msg.last_error


def test_verify_audit_detects_tampering(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计链完整" in out.getvalue()
    Event.objects.filter(appeal=a, seq=2).update(note="被篡改的交办意见")
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert "第 2 条事件内容被改动" in str(exc.value)
