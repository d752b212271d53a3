from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuyou.orgs.models import Department, Enterprise


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("企业服务咨询热线")
    BREAKFAST = "breakfast", _("「制造名城」早餐会")
    CHAIN_OFFICE = "chain_office", _("产业链办公室")
    WECHAT = "wechat", _("企业服务微信群")
    APP = "app", _("诸事达APP/网站")
    CADRE = "cadre", _("联企干部")
    API = "api", _("接口")
    OPEN311 = "open311", "Open311"


class Category(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待交办")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    PAUSED = "paused", _("暂停(补充材料)")
    REPLIED = "replied", _("已答复")
    REVIEWING = "reviewing", _("不满意复核")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = {Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.PAUSED, Status.REVIEWING}
# States in which the department's reply clock runs.
HANDLING_STATUSES = {Status.DISPATCHED, Status.IN_PROGRESS}


class ReplyResult(models.TextChoices):
    SOLVED = "solved", _("已解决")
    EXPLAINED = "explained", _("已解释说明")
    UNSOLVABLE = "unsolvable", _("无法解决")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class TimeLimit(models.Model):
    """Per-category time limits, editable by the center. Working days unless the name says hours."""

    category = models.CharField("类别", max_length=12, choices=Category.choices, unique=True)
    sign_workdays = models.PositiveSmallIntegerField("签收时限(工作日)", default=1)
    urgent_sign_hours = models.PositiveSmallIntegerField("紧急签收时限(小时)", default=2)
    reply_workdays = models.PositiveSmallIntegerField("答复时限(工作日)")
    rate_workdays = models.PositiveSmallIntegerField("评价时限(工作日)", default=3)

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"

    def __str__(self):
        return self.get_category_display()


DEFAULT_REPLY_WORKDAYS = {
    Category.CONSULT: 3,
    Category.HELP: 5,
    Category.COMPLAINT: 5,
    Category.SUGGESTION: 10,
}


class Appeal(models.Model):
    """An enterprise's appeal (诉求). Due times are stored columns so "overdue" is an indexed query."""

    number = models.CharField("编号", max_length=20, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="appeals", verbose_name="企业"
    )
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField("标题", max_length=120)
    content = models.TextField("内容")
    location = models.CharField("地点", max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name="主办部门",
    )
    escalation_level = models.PositiveSmallIntegerField("督办层级", default=0)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    returns_locked = models.BooleanField("禁止退回", default=False)
    unsatisfied_count = models.PositiveSmallIntegerField("不满意次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    extension_used = models.BooleanField("已延期", default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    status_before_merge = models.CharField(max_length=12, blank=True)

    created_at = models.DateTimeField("提交时间", db_index=True)
    dispatched_at = models.DateTimeField("交办时间", null=True, blank=True)
    sign_due_at = models.DateTimeField("签收期限", null=True, blank=True, db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    reply_due_at = models.DateTimeField("答复期限", null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField("预警时间", null=True, blank=True, db_index=True)
    level2_due_at = models.DateTimeField("专班介入时间", null=True, blank=True, db_index=True)
    due_estimated = models.BooleanField("期限基于估算日历", default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    urged_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    rate_due_at = models.DateTimeField("评价期限", null=True, blank=True, db_index=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    reply_result = models.CharField("办理结果", max_length=12, choices=ReplyResult.choices, blank=True)
    reply_content = models.TextField("答复内容", blank=True)
    cost_saved_yuan = models.DecimalField(
        "降本金额(元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    resolved = models.BooleanField("问题已解决", null=True, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)
    close_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "诉求"
        indexes = [
            models.Index(fields=["department", "status", "reply_due_at"], name="appeal_dept_status_due"),
            models.Index(fields=["status", "sign_due_at"], name="appeal_status_sign_due"),
            models.Index(fields=["enterprise", "-created_at"], name="appeal_ent_created"),
            models.Index(fields=["department", "dispatched_at"], name="appeal_dept_dispatched"),
            models.Index(fields=["department", "-replied_at"], name="appeal_dept_replied"),
            # Open appeals by reply due time (a few thousand rows, not the whole history). Without it the
            # department inbox's "in progress" / "overdue" pages (ORDER BY reply_due_at LIMIT 30) walk the
            # full reply_due_at index through a year of closed appeals: 1–1.5 s at 1M appeals, ~1 ms with it
            # (docs/performance.md).
            models.Index(
                fields=["reply_due_at"],
                condition=Q(status__in=["dispatched", "in_progress", "paused"]),
                name="appeal_open_reply_due",
            ),
            # A department's appeals in handling by reply due time, with warn_at alongside: the inbox
            # counts 即将到期 and 已超期 from the index alone instead of reading every open appeal of the
            # city (docs/performance.md).
            models.Index(
                fields=["department", "reply_due_at", "warn_at"],
                condition=Q(status__in=["dispatched", "in_progress"]),
                name="appeal_dept_handling_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(escalation_level__lte=3), name="appeal_level_0_3"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="appeal_merged_has_target"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class CoHandler(models.Model):
    """A co-handling department (协办): gives an opinion, the lead department replies."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="co_handlers")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="co_handled")
    opinion = models.TextField(blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "department"], name="cohandler_unique")]
        indexes = [
            models.Index(fields=["department", "appeal"], name="cohandler_dept"),
            # The 待协办 inbox tab: what a department still owes an opinion on.
            models.Index(
                fields=["department", "appeal"],
                condition=Q(opinion_at__isnull=True),
                name="cohandler_dept_pending",
            ),
        ]


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    DISPATCH = "dispatch", _("交办")
    REJECT = "reject", _("不予受理")
    WITHDRAW = "withdraw", _("撤回")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退回")
    OPINION = "opinion", _("协办意见")
    REPLY = "reply", _("答复")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重办")
    CLOSE = "close", _("办结")
    ESCALATE = "escalate", _("提级")
    # An overdue escalation withdrawn when an extension approved late removes its cause (issue 10).
    DEESCALATE = "deescalate", _("撤销提级")
    SUPERVISE = "supervise", _("督办")
    EXTEND = "extend", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("审批延期")
    PAUSE = "pause", _("暂停")
    RESUME = "resume", _("恢复")
    SUPPLY = "supply", _("补充材料")
    MERGE = "merge", _("合并")
    UNMERGE = "unmerge", _("撤销合并")
    WARN = "warn", _("到期预警")
    URGE = "urge", _("催办")
    AUTO_CLOSE = "auto_close", _("逾期未评价办结")


class Event(models.Model):
    """Append-only audit row. Each appeal's events form a hash chain (prev_hash → hash)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["appeal_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["appeal", "seq"], name="event_appeal_seq")]
        indexes = [models.Index(fields=["action", "department", "at"], name="event_action_dept_at")]


class Supervision(models.Model):
    """督办单: a supervision order on an appeal, with its own due date."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="supervisions")
    level = models.PositiveSmallIntegerField(default=1)
    note = models.TextField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Extension(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        DENIED = "denied", _("未批准")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(decision="pending"), name="one_pending_extension"
            )
        ]


def attachment_path(instance, filename):
    return f"appeals/{instance.appeal_id}/{filename}"


class AttachmentKind(models.TextChoices):
    """What a file came with: the appeal itself, the enterprise's supplied material, the department's reply.
    The event of a supply or reply names its files by id in its (hashed) data."""

    APPEAL = "appeal", _("诉求材料")
    SUPPLY = "supply", _("补充材料")
    REPLY = "reply", _("答复附件")


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.APPEAL)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ReplyTemplate(models.Model):
    """A department's reply template (常用语): offered above the reply box, managed by its own staff."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="reply_templates", verbose_name="部门"
    )
    title = models.CharField("名称", max_length=60)
    text = models.TextField("内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        ordering = ["department_id", "title"]
        verbose_name = verbose_name_plural = "答复常用语"
        constraints = [
            models.UniqueConstraint(fields=["department", "title"], name="reply_template_dept_title")
        ]

    def __str__(self):
        return self.title


class InternalNote(models.Model):
    """内部备注: a remark among the handling departments and the center. Never an Event (the timeline,
    the API's events and every print of them reach the enterprise), never in a notification."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The author's department when writing (None for the center without one): who said it, later too.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("内部备注")
    created_at = models.DateTimeField("时间")

    class Meta:
        ordering = ["appeal_id", "created_at", "id"]
        verbose_name = verbose_name_plural = "内部备注"
        indexes = [models.Index(fields=["appeal", "created_at"], name="internal_note_appeal")]


class MetricWeights(models.Model):
    """Weights of the composite 三率 score; a single row the center edits."""

    response = models.PositiveSmallIntegerField("响应率权重", default=30)
    resolution = models.PositiveSmallIntegerField("解决率权重", default=35)
    satisfaction = models.PositiveSmallIntegerField("满意率权重", default=35)

    class Meta:
        verbose_name = verbose_name_plural = "考核权重"


class SavedView(models.Model):
    """A user's saved search (issue 10, item 4): a name and the search page's query string. Only its
    owner lists, opens or deletes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_appeal_views"
    )
    name = models.CharField("名称", max_length=40)
    query = models.CharField("查询条件", max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_user_name")]
        verbose_name = verbose_name_plural = "已保存的查询"

    def __str__(self):
        return self.name


class Follower(models.Model):
    """「我也遇到」(issue 10, item 11): a user of the appeal's own enterprise who met it among the similar
    appeals at intake and follows it instead of filing the same problem again. Not a state change of the
    appeal (no Event); written and audited by appeals.following."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="followers")
    # The follower's enterprise when following: always the appeal's (the visibility rule), kept so a
    # follower who later moves to another enterprise is no longer told anything (following.followers).
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("关注时间")

    class Meta:
        ordering = ["appeal_id", "created_at", "id"]
        verbose_name = verbose_name_plural = "诉求关注（我也遇到）"
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="follower_appeal_user")]
