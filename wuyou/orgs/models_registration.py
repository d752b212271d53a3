"""Tables of enterprise self-service accounts (issue 10): SMS verification codes and registrations.

Kept beside the code that uses them (sms_codes.py, registration.py); Django finds them through the import
at the end of models.py. They name the user and enterprise models by label, so this module imports nothing
of orgs and models.py can import it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsCode(models.Model):
    """One 6-digit code sent by SMS. Only a keyed hash of the code is stored (a plain hash of six digits is
    reversed by trying the million values); it lives SMS_CODE_SECONDS, is used once, and takes one of
    SMS_CODE_MAX_TRIES slots per check before it is compared. A new code for the same phone and purpose
    retires the older ones, so there is never more than one live code to guess."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("企业注册")
        RESET = "reset", _("重置密码")

    # A random handle the session keeps between the steps; not the code.
    token = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="orgs_smscode_phone_idx")]


class Registration(models.Model):
    """An enterprise account asked for on the 「企业注册」 page. Opened at once when the verified phone is
    the register's contact phone; else it waits for the center (the account exists, inactive)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已开通")
        REJECTED = "rejected", _("未通过")

    user = models.OneToOneField("orgs.User", on_delete=models.CASCADE, related_name="registration")
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="registrations")
    phone = models.CharField("手机号", max_length=20)
    # Whether the verified phone is the contact phone the register holds (False: none held, or another).
    phone_matches = models.BooleanField("与名录联系电话一致", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("申请时间")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("审核意见", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "企业注册申请"
        indexes = [models.Index(fields=["status", "-created_at"], name="orgs_registration_status_idx")]
