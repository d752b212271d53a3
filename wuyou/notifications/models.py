"""The in-app inbox, the email/SMS outbox, email preferences and the queue of the daily digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """In-app inbox entry. Always written, whatever the user's email preference."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path inside the site, opened (and the entry marked read) from the notification centre.
    link = models.CharField(max_length=300, blank=True)
    # What the entry is about, "appeal:123", so an app finds its entries without a foreign key here.
    subject = models.CharField(max_length=64, blank=True, db_index=True)
    kind = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="notif_user_read_created")]
        verbose_name = verbose_name_plural = _("站内消息")

    def __str__(self):
        return self.title


class Outbox(models.Model):
    """Email and SMS waiting for delivery by the worker, written in the same transaction as the event."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notif_outbox_due")]
        verbose_name = verbose_name_plural = _("待发邮件短信")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("立即发送邮件")
    DIGEST = "digest", _("每日汇总一封")
    OFF = "off", _("不发邮件")


class Preference(models.Model):
    """A user's email choice for one kind of notification; no row means the parent kind's choice, or immediate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    email = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_preference_unique")]
        verbose_name = verbose_name_plural = _("消息偏好")


class DigestItem(models.Model):
    """An email held back for the user's daily digest; `sent_at` is set when a digest took it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The digest builder's scan: pending items only, so the index stays small.
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="notif_digest_pending"
            )
        ]
        verbose_name = verbose_name_plural = _("待汇总邮件")
