"""Login with lockout and throttling (等保2.0 三级 登录失败处理; ASVS 2.2.1).

An attempt goes through three gates, each the same for a real and an unknown name:
1. the throttle (orgs.login_throttle): a name or address held back is answered at once, unhashed;
2. an attempt slot of the account, taken atomically before the password is checked: one UPDATE
   counts the attempt unless the account is locked or its LOGIN_MAX_FAILURES slots are all taken, so
   a burst of parallel requests checks at most that many passwords however it is timed;
3. the password. The slot's number says whether this failure is the one that locks the account.

Unknown, locked and wrong get the same answer (None) after the same Argon2 work, so neither the
answer nor its timing tells them apart.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import auth_events, login_throttle, tokens


def is_locked(user) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def _same_work(password: str) -> None:
    # As costly as a real check, so timing does not tell an unknown or locked account from a wrong password.
    get_user_model()().set_password(password)


def _take_slot(user) -> int | None:
    """This attempt's number among the account's failures, counted before the password is checked; None
    when the account is locked or every slot is taken by attempts already under way."""
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        taken = (
            User.objects.filter(pk=user.pk, failed_logins__lt=settings.LOGIN_MAX_FAILURES)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .update(failed_logins=F("failed_logins") + 1)
        )
        if not taken:
            return None
        # Our UPDATE holds the row until commit: the count read here is this attempt's own.
        return User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).get()


def _lock(user, request) -> None:
    User = get_user_model()
    until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
    revoked = tokens.revoke_all(user, reason="lockout")
    auth_events.record("account_locked", user=user, request=request, note=f"revoked_tokens={revoked}")


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        wait = login_throttle.held_back(username, request)
        if wait:
            if request is not None:
                request.login_throttled = wait
            return None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            # The same statements as a real account's slot (an UPDATE and a read in a transaction, on no
            # row), so not even the database round trips tell an unknown name from a real one.
            _take_slot(User(pk=0))
            _same_work(password)
            login_throttle.failed(username, request)
            return None
        slot = _take_slot(user)
        if slot is None:
            # Locked, or every slot in use by attempts under way: the same work and answer as a wrong password.
            _same_work(password)
            login_throttle.failed(username, request, user)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            login_throttle.succeeded(username, request)
            return user
        login_throttle.failed(username, request, user)
        if slot >= settings.LOGIN_MAX_FAILURES:
            _lock(user, request)
        return None
