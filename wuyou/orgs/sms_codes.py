"""SMS verification codes: issue, send, check, use up (enterprise registration and password reset).

The rules (docs/security.md):
- 6 random digits (`secrets`), only an HMAC of them kept (keyed with SECRET_KEY and the row's random token:
  a stolen table does not give the codes away, however few six digits are);
- SMS_CODE_SECONDS (10 minutes) of life, used once, and SMS_CODE_MAX_TRIES (5) checks at most: a check takes
  one of the slots in one UPDATE before the code is compared, so parallel guesses check no more than five;
- a new code for a phone and purpose retires the live ones: never more than one code to guess;
- sends are limited per phone and per source address in the shared store (core.throttle), see send_quotas.

Sending goes through the pluggable backend named in settings.SMS_BACKEND (`send(to, text)`; the default
logs, which is what demo mode shows on the console). It is loaded by name, as the notifications app does:
orgs sits below notifications and does not import it.
"""

import logging
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from wuyou.core import throttle

from .models_registration import SmsCode

log = logging.getLogger("wuyou.sms")

DIGITS = 6
OK, WRONG, DEAD = "ok", "wrong", "dead"


def _hash(token: str, code: str) -> str:
    return salted_hmac("wuyou.orgs.sms_codes", f"{token}:{code}", algorithm="sha256").hexdigest()


def normalise_code(raw) -> str:
    """What people type: full-width digits, spaces, a dash in the middle. Anything else stays as typed."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(c for c in text if c not in " -\u3000\t")[:20]


def lifetime() -> timedelta:
    return timedelta(seconds=settings.SMS_CODE_SECONDS)


def issue(purpose: str, phone: str, now=None) -> tuple[SmsCode, str]:
    """A new code for `phone`; the live ones for the same purpose and phone are retired. Returns the row
    and the code itself, which exists only here (to be sent)."""
    now = now or timezone.now()
    code = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    token = secrets.token_urlsafe(32)
    SmsCode.objects.filter(purpose=purpose, phone=phone, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    row = SmsCode.objects.create(
        token=token,
        purpose=purpose,
        phone=phone,
        code_hash=_hash(token, code),
        created_at=now,
        expires_at=now + lifetime(),
    )
    return row, code


def live(purpose: str, phone: str, *, token: str | None = None, now=None) -> SmsCode | None:
    """The phone's current code for `purpose` (with `token`: only that one), if it can still be used."""
    if not phone:
        return None
    now = now or timezone.now()
    rows = SmsCode.objects.filter(purpose=purpose, phone=phone, used_at__isnull=True, expires_at__gt=now)
    if token is not None:
        rows = rows.filter(token=token)
    return rows.order_by("-created_at", "-pk").first()


def check(row: SmsCode | None, raw, now=None) -> str:
    """OK, WRONG or DEAD (no such code, expired, used, or out of tries). A check takes a try first, in one
    UPDATE; the right code takes one too. The caller then uses the code up with `use` in the
    transaction that acts on it."""
    now = now or timezone.now()
    pk = row.pk if row is not None else 0  # the same statement on no row: no shortcut for a missing code
    taken = SmsCode.objects.filter(
        pk=pk, used_at__isnull=True, expires_at__gt=now, tries__lt=settings.SMS_CODE_MAX_TRIES
    ).update(tries=F("tries") + 1)
    if not taken:
        return DEAD
    code = normalise_code(raw)
    if (
        len(code) == DIGITS
        and code.isdigit()
        and constant_time_compare(_hash(row.token, code), row.code_hash)
    ):
        return OK
    return WRONG


def tries_left(row: SmsCode) -> int:
    tries = SmsCode.objects.filter(pk=row.pk).values_list("tries", flat=True).first() or 0
    return max(0, settings.SMS_CODE_MAX_TRIES - tries)


def use(row: SmsCode, now=None) -> bool:
    """Use the code up; False when a parallel request used it first (or it expired meanwhile)."""
    now = now or timezone.now()
    return bool(
        SmsCode.objects.filter(pk=row.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    )


# ---------------------------------------------------------------- sending


def send_quotas(kind: str, value: str) -> list[throttle.Quota]:
    """The send limits of one key: kind "phone" (a number), "address" (a client address) or "ident" (what
    was typed on the reset page), from settings.SMS_SEND_LIMITS: [(count, window seconds), …]."""
    value = (value or "-").strip().lower()
    return [
        throttle.Quota(f"sms:{kind}:{window}:{value}", limit, window)
        for limit, window in settings.SMS_SEND_LIMITS[kind]
    ]


def quota_left(quotas) -> bool:
    return all(throttle.peek(q.key) < q.limit for q in quotas)


def backend():
    return import_string(settings.SMS_BACKEND)()


def deliver(phone: str, text: str) -> bool:
    """Send one SMS now (a code cannot wait for the outbox's next round); False when the gateway failed."""
    try:
        backend().send(phone, f"{settings.SMS_SIGNATURE}{text}")
    except Exception:  # a gateway's failure must not become a 500 or tell anything to the page
        log.exception("SMS to %s failed", phone[:3] + "****" + phone[-4:])
        return False
    return True


def purge(now=None) -> dict:
    """Worker task: codes a day past their end are of no use to anyone."""
    now = now or timezone.now()
    deleted, _ = SmsCode.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return {"sms_codes_purged": deleted}
