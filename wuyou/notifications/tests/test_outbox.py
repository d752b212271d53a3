"""Outbox delivery: email and SMS, nothing sent twice, retries with back-off, a final failure."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from wuyou.notifications import services, tasks
from wuyou.notifications.models import Outbox
from wuyou.notifications.outbox import deliver_due
from wuyou.notifications.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
BROKEN = "wuyou.notifications.tests.doubles.Broken"


def test_delivers_email_and_sms_once(p, settings):
    settings.SMS_BACKEND = "wuyou.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    services.notify([p.handler], title="已答复", body="请评价", sms_to="13812341234")
    assert deliver_due() == {"sent": 2, "failed": 0}
    assert [m.to for m in mail.outbox] == [["gdgs@test.local"]] and mail.outbox[0].subject == "已答复"
    assert MemorySmsBackend.outbox == [("13812341234", "【无忧】已答复")]
    assert deliver_due()["sent"] == 0


def test_broken_backend_is_retried_with_backoff_then_fails(settings):
    settings.SMS_BACKEND = BROKEN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    now = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
    Outbox.objects.create(channel="sms", to="13900000000", body="x", next_attempt_at=now)
    assert deliver_due(now)["failed"] == 1
    msg = Outbox.objects.get()
    assert msg.state == Outbox.State.PENDING and msg.attempts == 1 and "短信网关不可达" in msg.last_error
    assert msg.next_attempt_at == now + timedelta(minutes=2)
    assert deliver_due(now + timedelta(minutes=1))["failed"] == 0  # not due yet
    later = now + timedelta(minutes=2)
    assert deliver_due(later)["failed"] == 1
    assert Outbox.objects.get().next_attempt_at == later + timedelta(minutes=4)
    assert deliver_due(later + timedelta(minutes=4))["failed"] == 1
    msg = Outbox.objects.get()
    assert msg.state == Outbox.State.FAILED and msg.attempts == 3
    assert deliver_due(later + timedelta(days=1)) == {"sent": 0, "failed": 0}


def test_worker_task_reports_prefixed_counts(p, settings):
    assert "wuyou.notifications.tasks.deliver" in settings.WORKER_TASKS
    services.notify([p.handler, p.leader], title="督办")
    assert tasks.deliver() == {"digests": 0, "outbox_sent": 2, "outbox_failed": 0}
