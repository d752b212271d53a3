"""Account security state kept beside the user model (which lives in orgs, a layer above): the TOTP
device, one-time recovery codes, the hashes of earlier passwords and the forced-change flag."""

from django.conf import settings
from django.db import models


class TOTPDevice(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    # Base32 TOTP secret. It must be readable to compute codes, so it cannot be hashed like a password.
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    # The last 30-second time step a code was accepted for: a code (or an older one) is never accepted twice.
    last_step = models.BigIntegerField(default=0)
    # Consecutive wrong codes; at the limit codes are refused for a while (the API has no half-login to end).
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "两步验证设备"


class RecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    # SHA-256 of a random 50-bit code: high entropy, so a fast hash is enough (as for API tokens).
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"


class PasswordHistory(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)  # the password hash, as in User.password
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhist_user_idx")]


class PasswordState(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_state"
    )
    # Set when someone else (an administrator) chose the password: the user must replace it at next login.
    must_change = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "密码状态"
