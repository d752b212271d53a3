import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import access
from .access import Role  # noqa: F401  (re-exported: `from wuyou.orgs.models import Role`)


class District(models.Model):
    """An administrative division with its GB/T 2260 code."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return self.name


class Department(models.Model):
    """A unit that handles appeals: a bureau, a utility, a state-owned company or a district government."""

    class Kind(models.TextChoices):
        GOV = "gov", _("政府部门")
        UTILITY = "utility", _("公用事业")
        SOE = "soe", _("国有企业")
        DISTRICT = "district", _("区县(市)")

    code = models.SlugField("编码", max_length=20, unique=True, help_text="稳定编码，创建后不可修改")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.GOV)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    responsibility = models.TextField("职责", blank=True)
    keywords = models.TextField("关键词", blank=True, help_text="以逗号或空格分隔，用于智能分拨")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "部门"

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name="所属区县")
    industry = models.CharField("行业门类", max_length=1, help_text="GB/T 4754 门类字母 A–T")
    size = models.CharField("规模", max_length=10, choices=Size.choices, default=Size.SMALL)
    tags = models.JSONField("标签", default=list, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "企业"

    def __str__(self):
        return self.name


# Role and its groups live in access.py; kept here as names because many modules import them from models.
DEPT_ROLES = access.DEPT
READ_ALL_ROLES = access.READ_ALL


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField("手机", max_length=20, blank=True)
    # 企业管理员 (issue 10): an enterprise user who adds and removes the users of their own enterprise.
    # A flag, not a role: every rule for enterprise users still applies to them (orgs.registration).
    # db_default: rows written by code that predates the column (older migrations' states) still insert.
    is_enterprise_admin = models.BooleanField("企业管理员", default=False, db_default=False)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(enterprise__isnull=True),
                name="user_one_organisation",
            )
        ]

    def save(self, *args, **kwargs):
        # set_password() leaves the new raw password in _password until the save; check_password()'s
        # silent hash upgrade clears it first, so only a real change of password revokes tokens.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed or (self.pk is not None and not self.is_active):
            from . import tokens

            tokens.revoke_all(self, reason="password_changed" if password_changed else "deactivated")

    @property
    def is_dept(self) -> bool:
        return access.role_of(self) in access.DEPT

    @property
    def reads_all(self) -> bool:
        return access.role_of(self) in access.READ_ALL


def hash_token(raw: str) -> str:
    # Tokens are long random strings, so a fast hash is enough; a password hash per request is not.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API (`POST /api/v1/auth/token`). Only its hash is stored. It lives
    API_TOKEN_DAYS days; a user holds at most API_TOKEN_MAX_LIVE at once (a new one retires the oldest);
    all of a user's tokens go on a password change, a deactivation and a lockout (orgs.tokens)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField("用途", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Indexed: the token check filters on it, and the worker purges what has run out.
    expires_at = models.DateTimeField("到期时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    @classmethod
    def issue(cls, user: User, label: str = "") -> str:
        """A new token for `user`; the raw value, shown once. The oldest live ones beyond the cap go."""
        from django.conf import settings
        from django.utils import timezone

        raw = secrets.token_urlsafe(32)
        now = timezone.now()
        cls.objects.create(
            user=user,
            key_hash=hash_token(raw),
            label=label[:100],
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
        live = cls.objects.filter(user=user, expires_at__gt=now).order_by("-created_at", "-pk")
        surplus = list(live.values_list("pk", flat=True)[settings.API_TOKEN_MAX_LIVE :])
        if surplus:
            from . import auth_events

            cls.objects.filter(pk__in=surplus).delete()
            auth_events.record("tokens_revoked", user=user, note=f"cap: {len(surplus)}")
        return raw


# Enterprise self-service accounts (issue 10): their tables live beside the code that uses them.
from .models_registration import Registration, SmsCode  # noqa: E402, F401
