from django.conf import settings
from django.db import models
from django.db.models import Q

from wuyou.appeals.models import Appeal, Category
from wuyou.orgs.models import Department


class ModelVersion(models.Model):
    """A trained dispatch model. The blob holds the learned half; the catalogue half is always rebuilt from
    the current Department rows, so a staff edit to 职责/关键词 counts without retraining."""

    created_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=False)
    n_train = models.PositiveIntegerField("训练样本数", default=0)
    n_returns = models.PositiveIntegerField("退回样本数", default=0)
    metrics = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "分拨模型版本"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_dispatch_model"
            )
        ]

    def __str__(self):
        return f"v{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class DispatchState(models.Model):
    """Single row (pk=1): when the worker last trained and scanned, so each round is quick when idle."""

    last_trained_at = models.DateTimeField(null=True, blank=True)
    labelled_at_train = models.PositiveIntegerField(default=0)
    train_requested_at = models.DateTimeField(null=True, blank=True)
    training_started_at = models.DateTimeField(null=True, blank=True)
    last_scan_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def get(cls) -> "DispatchState":
        return cls.objects.get_or_create(pk=1)[0]


class AutoDispatchRule(models.Model):
    """Per category: dispatch automatically when the top suggestion's confidence reaches the threshold.
    Acts on behalf of the center user who turned it on, so every automatic dispatch has an accountable actor."""

    category = models.CharField("类别", max_length=12, choices=Category.choices, unique=True)
    enabled = models.BooleanField("启用", default=False)
    threshold = models.FloatField("置信度阈值", default=0.9)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自动交办规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0.3, threshold__lte=1.0), name="autodispatch_threshold_range"
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()}类自动交办规则"


class AutoDispatchLog(models.Model):
    """One row per appeal the worker considered, dispatched or not: it is never considered twice."""

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="+")
    department = models.CharField(max_length=20, blank=True)
    score = models.FloatField(default=0)
    version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()


class Cluster(models.Model):
    """批量诉求: several appeals about the same problem. Once linked it is a coordinated case."""

    class Status(models.TextChoices):
        DETECTED = "detected", "待确认"
        LINKED = "linked", "已并案协调"
        DISMISSED = "dismissed", "已忽略"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DETECTED, db_index=True)
    title = models.CharField(max_length=200)
    place = models.CharField(max_length=50, blank=True)
    topic = models.CharField(max_length=50, blank=True)
    lead_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="牵头部门"
    )
    created_at = models.DateTimeField(db_index=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "批量诉求"

    def __str__(self):
        return self.title


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    # Mirrors cluster.status == linked, so the database itself keeps an appeal in at most one case.
    linked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "appeal"], name="cluster_member_unique"),
            models.UniqueConstraint(fields=["appeal"], condition=Q(linked=True), name="appeal_in_one_case"),
        ]


class ClusterEvent(models.Model):
    """Audit of our own actions on clusters, one hash chain per cluster (wuyou.core.audit); the appeals'
    own events stay in the appeals chain."""

    class Action(models.TextChoices):
        DETECT = "detect", "发现"
        GROW = "grow", "新增成员"
        LINK = "link", "并案"
        UNLINK = "unlink", "撤销并案"
        DISMISS = "dismiss", "忽略"
        REPLY = "reply", "统一答复"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["cluster", "seq"], name="cluster_event_seq")]
