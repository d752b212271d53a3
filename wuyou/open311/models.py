"""API keys for the Open311 GeoReport v2 endpoint.

Only the SHA-256 of a key is stored; the raw key is shown once, when staff create or regenerate it
in the admin. Every request made with a key acts as the key's user: appeals posted through Open311
are filed by that user, and reads see what ``visible_appeals(user)`` lets that user see.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from wuyou.orgs.access import Role, has_role

KEY_PREFIX = "o311_"
# Roles whose keys may file appeals. Other roles' keys are read-only.
POSTING_ROLES = frozenset({Role.CENTER, Role.CADRE})
# last_used_at is refreshed at most this often, so reads do not write on every request.
TOUCH_INTERVAL_SECONDS = 60


def hash_key(raw: str) -> str:
    # Keys are long random strings, so a fast hash is enough; a password hash per request is not.
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Key(models.Model):
    name = models.CharField("名称", max_length=100, help_text="用途或对接系统名称，如「12345 热线对接」")
    key_prefix = models.CharField("密钥前缀", max_length=16, blank=True, editable=False)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="open311_keys",
        verbose_name="代理账号",
        help_text="以该账号的身份提交和查询诉求。只有「协调中心」或「联企干部」账号的密钥可以提交诉求；其他角色的密钥只能查询该账号可见的诉求。",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "Open311 密钥"

    def __str__(self):
        return f"{self.name}（{self.key_prefix}…）"

    def set_new_key(self) -> str:
        """Give this key a fresh random value; returns the raw key, which is not stored."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash = hash_key(raw)
        self.key_prefix = raw[: len(KEY_PREFIX) + 6]
        return raw

    @classmethod
    def issue(cls, *, name: str, user) -> tuple["Open311Key", str]:
        key = cls(name=name, user=user)
        raw = key.set_new_key()
        key.save()
        return key, raw

    @classmethod
    def authenticate(cls, raw: str) -> "Open311Key | None":
        """The active key for this raw value whose user is active, or None."""
        raw = (raw or "").strip()
        if not raw:
            return None
        key = cls.objects.select_related("user").filter(key_hash=hash_key(raw), is_active=True).first()
        if key is None or not key.user.is_active:
            return None
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > TOUCH_INTERVAL_SECONDS:
            cls.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return key

    @property
    def can_post(self) -> bool:
        # A superuser acts as admin, which is not a posting role.
        return has_role(self.user, POSTING_ROLES)
