"""TOTP two-factor login (RFC 6238, 30-second steps, 6 digits) with one-time recovery codes.

Who must use it is configuration, not an import of the roles (orgs is a layer above): settings
TWO_FACTOR_REQUIRED_ROLES (role codes) and TWO_FACTOR_REQUIRED_PERMISSIONS (e.g. the investigators'
permission); superusers always. Demo mode offers it but never requires it, so the printed logins work.
"""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import RecoveryCode, TOTPDevice

ISSUER = "无忧平台"
STEP = 30
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
MAX_FAILURES = 5


def required(user, *, roles=None, permissions=None) -> bool:
    """True when the user may only sign in with a second factor (never in demo mode)."""
    if getattr(settings, "DEMO", False):
        return False
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = settings.TWO_FACTOR_REQUIRED_ROLES if roles is None else roles
    if getattr(user, "role", None) in set(roles):
        return True
    perms = settings.TWO_FACTOR_REQUIRED_PERMISSIONS if permissions is None else permissions
    return any(user.has_perm(p) for p in perms)


def enabled(user) -> bool:
    if user is None or getattr(user, "pk", None) is None:
        return False
    return TOTPDevice.objects.filter(user_id=user.pk).exists()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def qr_svg(user, secret: str) -> str:
    """The enrolment QR code as inline SVG markup: drawn here, no image fetched from anywhere."""
    qr = segno.make(provisioning_uri(user, secret), error="m")
    return qr.svg_inline(scale=4, border=2, dark="#111", light="#fff", title="两步验证二维码")


def _current_step(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // STEP)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now ± one step, for clock drift) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    step = _current_step(now)
    found = None
    for s in (step - 1, step, step + 1):
        # Compare every candidate, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.at(s * STEP), code):
            found = s
    return found


def check_totp(secret: str, code: str) -> bool:
    """For enrolment: the code fits this (not yet saved) secret."""
    code = (code or "").strip().replace(" ", "")
    return len(code) == 6 and code.isdigit() and _matching_step(secret, code) is not None


def hash_recovery(code: str) -> str:
    normalized = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with 10 new ones, returned once in clear and stored hashed."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=hash_recovery(c)) for c in codes])
    return codes


@transaction.atomic
def enroll(user, secret: str, code: str) -> list[str] | None:
    """Confirm a new device with a code from it; returns the recovery codes, or None for a wrong code."""
    if not check_totp(secret, code):
        return None
    step = _matching_step(secret, code.strip().replace(" ", ""))
    TOTPDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": step, "failures": 0},
    )
    return issue_recovery_codes(user)


@transaction.atomic
def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def remaining_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _take_slot(device, now) -> int | None:
    """This attempt's number among the device's failures, counted before the code is checked (as the
    password's lockout does, orgs.auth): parallel guesses cannot check more than MAX_FAILURES codes.
    None when locked or every slot is taken by attempts under way."""
    with transaction.atomic():
        taken = (
            TOTPDevice.objects.filter(pk=device.pk, failures__lt=MAX_FAILURES)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .update(failures=F("failures") + 1)
        )
        if not taken:
            return None
        return TOTPDevice.objects.filter(pk=device.pk).values_list("failures", flat=True).get()


def verify(user, code: str) -> bool:
    """A TOTP code (now ± one step, each step accepted once) or an unused recovery code (then consumed).

    After MAX_FAILURES wrong codes in a row, every code is refused for LOGIN_LOCKOUT_MINUTES."""
    code = (code or "").strip().replace(" ", "")
    device = TOTPDevice.objects.filter(user_id=getattr(user, "pk", None)).first()
    if device is None or not code:
        return False
    now = timezone.now()
    slot = _take_slot(device, now)
    if slot is None:
        return False
    ok = False
    if len(code) == 6 and code.isdigit():
        step = _matching_step(device.secret, code)
        # Guarded update: of two requests with the same code, only one moves last_step forward.
        ok = step is not None and bool(
            TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step, failures=0)
        )
    else:
        ok = bool(
            RecoveryCode.objects.filter(
                user_id=user.pk, code_hash=hash_recovery(code), used_at__isnull=True
            ).update(used_at=now)
        )
        if ok:
            TOTPDevice.objects.filter(pk=device.pk).update(failures=0)
    if not ok and slot >= MAX_FAILURES:
        minutes = getattr(settings, "LOGIN_LOCKOUT_MINUTES", 15)
        TOTPDevice.objects.filter(pk=device.pk).update(
            failures=0, locked_until=now + timedelta(minutes=minutes)
        )
    return ok
