"""Delivery of queued email and SMS with exponential back-off. Claiming uses a guarded update,
so two workers never send the same message twice."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Outbox
from .sms import get_backend

log = logging.getLogger("wuyou.outbox")
LEASE = timedelta(minutes=5)


def deliver_due(now=None, limit=200) -> dict:
    now = now or timezone.now()
    sent = failed = 0
    sms = None
    ids = list(
        Outbox.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:limit]
    )
    for pk, attempts in ids:
        # Claim: push next_attempt_at out by a lease; only the worker whose update matched sends.
        claimed = Outbox.objects.filter(
            pk=pk, state=Outbox.State.PENDING, attempts=attempts, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE, attempts=attempts + 1)
        if not claimed:
            continue
        msg = Outbox.objects.get(pk=pk)
        try:
            if msg.channel == Outbox.Channel.EMAIL:
                send_mail(msg.subject, msg.body, settings.DEFAULT_FROM_EMAIL, [msg.to])
            else:
                sms = sms or get_backend()
                sms.send(msg.to, msg.body)
        except Exception as exc:  # any transport error is retried later
            final = msg.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            backoff = timedelta(minutes=2 ** min(msg.attempts, 8))
            Outbox.objects.filter(pk=pk).update(
                state=Outbox.State.FAILED if final else Outbox.State.PENDING,
                next_attempt_at=now + backoff,
                last_error=str(exc)[:1000],
            )
            log.warning("outbox %s attempt %s failed: %s", pk, msg.attempts, exc)
            failed += 1
            continue
        Outbox.objects.filter(pk=pk).update(state=Outbox.State.SENT, sent_at=timezone.now())
        sent += 1
    return {"sent": sent, "failed": failed}
