"""Delivery of queued email and SMS with exponential back-off. Claiming uses a guarded update,
so two workers never send the same message twice."""

import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Outbox
from .sms import get_backend

log = logging.getLogger("wuyou.outbox")
LEASE = timedelta(minutes=5)
SUBJECT_MAX = 200  # Outbox.subject's column

# A mail header is one line: a CR/LF from user text (an appeal's title) made Django refuse the message
# (BadHeaderError) on every attempt. Line and paragraph separators and other controls go the same way.
_HEADER_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")

# Errors that the same message meets again on every attempt: a header Django refuses (BadHeaderError), an
# address it cannot parse, text it cannot encode (all ValueErrors), recipients the server refuses.
PERMANENT = (ValueError, smtplib.SMTPRecipientsRefused)


def header_text(value, max_len: int = SUBJECT_MAX) -> str:
    """User text made fit for a mail header: control characters become one space, cut to the column."""
    text = _HEADER_BREAKS.sub(" ", "" if value is None else str(value)).strip()
    return text[:max_len]


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
                # Cleaned here as well as where rows are queued: rows written by any path (the sweeps'
                # bulk inserts, rows queued before this rule) still send.
                send_mail(header_text(msg.subject), msg.body, settings.DEFAULT_FROM_EMAIL, [msg.to])
            else:
                sms = sms or get_backend()
                sms.send(msg.to, msg.body)
        except Exception as exc:  # a transport error is retried later; a permanent one fails at once
            final = isinstance(exc, PERMANENT) or msg.attempts >= settings.OUTBOX_MAX_ATTEMPTS
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
