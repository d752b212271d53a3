"""Email preferences: off sends no email, digest holds it for one daily message; the inbox always keeps it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from wuyou.core.errors import InvalidInput
from wuyou.notifications import services, tasks
from wuyou.notifications.digest import build_digests
from wuyou.notifications.models import DigestItem, EmailMode, Notification, Outbox, Preference

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def emails_to(user):
    return Outbox.objects.filter(channel=Outbox.Channel.EMAIL, to=user.email)


def test_no_preference_is_immediate(p):
    services.notify([p.handler], title="交办", kind="appeal")
    assert emails_to(p.handler).count() == 1


def test_off_keeps_the_inbox_entry_and_writes_no_email(p):
    services.set_preferences(user=p.handler, modes={"appeal": EmailMode.OFF})
    services.notify(
        [p.handler, p.leader], title="交办", body="请签收", kind="appeal.dispatch", sms_to="13812341234"
    )
    assert Notification.objects.filter(user=p.handler, title="交办").exists()
    assert not emails_to(p.handler).exists()
    assert emails_to(p.leader).count() == 1  # another user's choice is not the handler's
    assert Outbox.objects.filter(channel=Outbox.Channel.SMS).count() == 1  # SMS is not an email preference
    assert not DigestItem.objects.exists()


def test_a_finer_kind_overrides_its_parent(p):
    services.set_preferences(user=p.handler, modes={"appeal": EmailMode.OFF})
    Preference.objects.create(user=p.handler, kind="appeal.escalate", email=EmailMode.IMMEDIATE)
    services.notify([p.handler], title="提级督办", kind="appeal.escalate")
    services.notify([p.handler], title="交办", kind="appeal.dispatch")
    assert list(emails_to(p.handler).values_list("subject", flat=True)) == ["提级督办"]


def test_digest_sends_one_email_a_day(p, settings):
    settings.NOTIFICATION_DIGEST_HOUR = 8
    services.set_preferences(user=p.handler, modes={"appeal": EmailMode.DIGEST})
    with time_machine.travel(at(2026, 11, 2, 14, 0), tick=False):
        services.notify([p.handler], title="交办：诉求一", body="请签收", kind="appeal")
        services.notify([p.handler], title="交办：诉求二", kind="appeal.dispatch")
    assert not emails_to(p.handler).exists() and DigestItem.objects.count() == 2
    assert Notification.objects.filter(user=p.handler).count() == 2
    # Before the next digest time nothing goes out; at it, one message with both.
    assert build_digests(at(2026, 11, 3, 7, 59)) == 0
    with time_machine.travel(at(2026, 11, 3, 8, 0, 30), tick=False):
        assert tasks.deliver(at(2026, 11, 3, 8, 0, 30))["digests"] == 1
        services.notify([p.handler], title="交办：诉求三", kind="appeal")  # after the cut-off: tomorrow
    digest = emails_to(p.handler).get()
    assert digest.subject == "无忧每日消息汇总（2 条）"
    assert "交办：诉求一\n请签收" in digest.body and "交办：诉求二" in digest.body
    assert digest.state == Outbox.State.SENT  # delivered in the same round
    # Every later round that day finds nothing; the next day brings the third.
    assert build_digests(at(2026, 11, 3, 20, 0)) == 0
    assert build_digests(at(2026, 11, 4, 8, 1)) == 1
    assert "交办：诉求三" in emails_to(p.handler).latest("id").body
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()


def test_digest_skips_users_without_email(p):
    p.handler.email = ""
    p.handler.save(update_fields=["email"])
    DigestItem.objects.create(user=p.handler, kind="appeal", title="x")
    DigestItem.objects.filter(user=p.handler).update(created_at=at(2026, 1, 1))
    assert build_digests(at(2026, 1, 3, 9, 0)) == 0
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()


def test_preferences_page_lists_registered_kinds_and_saves(p):
    c = p.client(p.handler)
    page = c.get(reverse("notification_preferences")).content.decode()
    assert 'name="kind-appeal"' in page and "每日汇总一封" in page
    resp = c.post(reverse("notification_preferences"), {"kind-appeal": "digest", "kind-report": "off"})
    assert resp.status_code == 302
    stored = dict(Preference.objects.filter(user=p.handler).values_list("kind", "email"))
    assert stored == {"appeal": "digest", "report": "off", "cluster": "immediate"}
    assert 'value="digest" selected' in c.get(reverse("notification_preferences")).content.decode()
    bad = c.post(reverse("notification_preferences"), {"kind-appeal": "weekly"})
    assert bad.status_code == 200 and "邮件方式须为" in bad.content.decode()


def test_preferences_reject_unknown_kinds_and_modes(p):
    with pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=p.handler, modes={"nope": EmailMode.OFF})
    assert exc.value.code == "unknown_kind"
    with pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=p.handler, modes={"appeal": "weekly"})
    assert exc.value.code == "invalid_mode"
