"""Password rules of 等保2.0 三级 (AUTH_PASSWORD_VALIDATORS) and the forced change of a password someone
else chose. Demo mode lists none of these validators (settings), which is why `wuyou-demo` works there."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import PasswordHistory, PasswordState

# The session flag the middleware reads: set at login when the password must change, so checking it
# costs no query per request.
MUST_CHANGE_SESSION_KEY = "wuyou_must_change_password"

CLASSES = (
    ("小写字母", set(string.ascii_lowercase)),
    ("大写字母", set(string.ascii_uppercase)),
    ("数字", set(string.digits)),
)


def classes_in(password: str) -> int:
    found = sum(1 for _, chars in CLASSES if any(c in chars for c in password))
    # Anything not a letter or digit counts as a symbol (punctuation, spaces, Chinese characters).
    if any(not (c.isascii() and c.isalnum()) for c in password):
        found += 1
    return found


class MinimumLengthValidator:
    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if classes_in(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号四类中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


class HistoryValidator:
    """Refuses the current password and the ones before it (the last `count` in all); records each new
    password's hash when it is saved (Django calls password_changed from User.save)."""

    def __init__(self, count: int = 5):
        self.count = count

    def _recent(self, user):
        return list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("password", flat=True)[: self.count]
        )

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = self._recent(user)
        if user.password and user.password not in hashes:
            hashes = [user.password, *hashes][: self.count]
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = (
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[: self.count]
        )
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return f"不能与最近 {self.count} 次用过的密码相同。"


def require_change(user) -> None:
    """Mark the user's password as chosen by someone else: they must replace it at their next login."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})


def must_change(user) -> bool:
    if getattr(settings, "DEMO", False):
        return False  # demo logins keep the documented password
    return PasswordState.objects.filter(user=user, must_change=True).exists()


def changed_by_self(user) -> None:
    PasswordState.objects.update_or_create(
        user=user, defaults={"must_change": False, "changed_at": timezone.now()}
    )
