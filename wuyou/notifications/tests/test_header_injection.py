"""User text in mail headers: a CR/LF in an appeal's title no longer breaks the email, and a message that
can never be sent (a header or address the mail layer refuses) fails once instead of being retried."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from wuyou.notifications import services
from wuyou.notifications.models import Notification, Outbox
from wuyou.notifications.outbox import deliver_due
from wuyou.testing import submit

pytestmark = pytest.mark.django_db


def test_appeal_title_with_crlf_is_emailed_on_one_line(p):
    # An enterprise's title with a CR/LF (the API accepts multi-line text); the department is emailed it.
    appeal = submit(p, title="园区停电\r\nBcc: evil@example.com")
    r = p.api(p.center).post(
        f"/api/v1/appeals/{appeal.pk}/dispatch", {"department": "gdgs"}, content_type="application/json"
    )
    assert r.status_code == 200
    queued = Outbox.objects.filter(channel=Outbox.Channel.EMAIL).count()
    assert queued >= 1
    assert deliver_due() == {"sent": queued, "failed": 0}
    assert Outbox.objects.filter(state=Outbox.State.SENT).count() == queued
    sent = [m for m in mail.outbox if "园区停电" in m.subject]
    assert sent and all("\r" not in m.subject and "\n" not in m.subject for m in sent)
    assert all(m.bcc == [] for m in sent)  # nothing was injected as a header


def test_rows_queued_with_a_line_break_still_send():
    # Rows written by a bulk path (the sweeps) or before this rule: cleaned when sent.
    now = timezone.now()
    Outbox.objects.create(
        channel="email", to="a@test.local", subject="督办\n通知\u2028", body="x", next_attempt_at=now
    )
    assert deliver_due(now) == {"sent": 1, "failed": 0}
    assert mail.outbox[0].subject == "督办 通知"


def test_long_titles_fit_the_subject_column(p):
    services.notify([p.handler], title="长" * 300)
    assert len(Outbox.objects.get().subject) == 200


@pytest.mark.parametrize("to", ["a@test.local\r\nBcc: evil@example.com", "a@test.local\nb@test.local"])
def test_permanent_failure_is_marked_failed_once(to, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 6
    now = timezone.now()
    Outbox.objects.create(channel="email", to=to, subject="s", body="x", next_attempt_at=now)
    assert deliver_due(now) == {"sent": 0, "failed": 1}
    msg = Outbox.objects.get()
    assert msg.state == Outbox.State.FAILED and msg.attempts == 1 and msg.last_error
    assert deliver_due(now + timedelta(days=1)) == {"sent": 0, "failed": 0}  # not tried again
    assert mail.outbox == []


@pytest.mark.parametrize(
    "target", ["٣", "99999999999999999999", "/notifications/\r\nSet-Cookie: a=b", "//evil.example"]
)
def test_mark_read_redirects_only_to_a_local_path(p, target):
    services.notify([p.handler], title="督办", email=False)
    pk = Notification.objects.get().pk
    r = p.client(p.handler).post(f"/notifications/{pk}/read/", {"next": target})
    assert (r.status_code, r["Location"]) == (302, "/notifications/")
    assert not r.cookies.get("a")
    assert Notification.objects.get().read_at is not None
