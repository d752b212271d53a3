"""The negative list (versions → categories → domains → items) and the protected reports against it.

Reporter identity never sits in a plain column: `identity_token` is Fernet ciphertext and the two `*_tag`
columns are keyed hashes (HMAC) used only for lookups ("my reports", retaliation watch, rate limits).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuyou.orgs.models import Department

CURRENT_STATUSES = ("trial", "in_force")


class ListVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        TRIAL = "trial", "试行"
        IN_FORCE = "in_force", "施行"
        RETIRED = "retired", "已废止"

    name = models.CharField("清单名称", max_length=200)
    version = models.CharField("版本号", max_length=30, unique=True)
    issuer = models.CharField("发布机关", max_length=200)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "负面清单版本"
        constraints = [
            # Exactly one version is "the list" the public sees and reports cite.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status__in=CURRENT_STATUSES), name="nl_one_current_version"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


class Category(models.Model):
    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField("编码", max_length=10)
    name = models.CharField("名称", max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="nl_category_code")]

    def __str__(self):
        return self.name


class Domain(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField("编码", max_length=10)
    name = models.CharField("名称", max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="nl_domain_code")]

    def __str__(self):
        return self.name


class Item(models.Model):
    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="items")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编码", max_length=20)
    behaviour = models.TextField("刁难行为")
    departments = models.ManyToManyField(Department, related_name="negative_items", verbose_name="责任单位")
    basis = models.TextField("依据", blank=True)
    notes = models.TextField("备注", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="nl_item_code")]

    def __str__(self):
        return f"{self.code} {self.behaviour[:30]}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    INVESTIGATING = "investigating", "调查核实中"
    CONCLUDED = "concluded", "已认定"
    RECTIFYING = "rectifying", "整改中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.INVESTIGATING)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY = "partly", "部分属实"
    NOT_SUBSTANTIATED = "not_substantiated", "不属实"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Report(models.Model):
    """A report (举报). Only investigators read it; see docs/negative_list.md for who sees what."""

    number = models.CharField("编号", max_length=20, unique=True)
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    secret_hash = models.CharField(max_length=200, blank=True)
    anonymous = models.BooleanField("匿名举报", default=True)
    items = models.ManyToManyField(Item, related_name="reports", verbose_name="涉及清单条目")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="被举报单位"
    )
    official = models.CharField("涉及人员或岗位", max_length=100, blank=True)
    occurred_on = models.DateField("发生日期")
    place = models.CharField("发生地点", max_length=200, blank=True)
    description = models.TextField("事情经过")

    identity_token = models.TextField(blank=True)  # Fernet ciphertext of the identity JSON
    enterprise_tag = models.CharField(max_length=64, blank=True, db_index=True)
    account_tag = models.CharField(max_length=64, blank=True, db_index=True)

    status = models.CharField("状态", max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField("提交时间", db_index=True)
    accept_due_at = models.DateTimeField("受理期限", null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    conclude_due_at = models.DateTimeField("办结期限", null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField("已延期", default=False)
    due_estimated = models.BooleanField(default=False)
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reject_reason = models.TextField(blank=True)
    outcome = models.CharField("认定结论", max_length=20, choices=Outcome.choices, blank=True)
    finding = models.TextField("认定意见", blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField("答复举报人", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "举报"
        permissions = [("investigate_report", "可以办理举报并查看举报人身份")]
        indexes = [models.Index(fields=["department", "created_at"], name="nl_report_dept_created")]

    def __str__(self):
        return self.number


class Action(models.TextChoices):
    """Every action a report's time line records: the workflow's steps (wuyou.negative_list.transitions)
    and the events around them (the intake, the details of a step, the department's answers)."""

    SUBMIT = "submit", _("提交举报")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    INVESTIGATE = "investigate", _("开始调查核实")
    REQUEST_EXPLANATION = "request_explanation", _("要求被举报单位说明情况")
    EXTEND = "extend", _("延长办理期限")
    EXTEND_REASON = "extend_reason", _("延期理由")
    CONCLUDE = "conclude", _("作出认定")
    ORDER_RECTIFICATION = "order_rectification", _("责令整改")
    RECTIFICATION_DETAIL = "rectification_detail", _("整改要求")
    REFER = "refer", _("移送纪委监委")
    REPLY = "reply", _("答复举报人")
    CLOSE = "close", _("办结")
    RATE = "rate", _("评价")
    ADD_MATERIAL = "add_material", _("补充材料")
    EXPLANATION_RECEIVED = "explanation_received", _("收到情况说明")
    RECTIFICATION_REPORTED = "rectification_reported", _("收到整改报告")
    WARN = "warn", _("办理期限预警")
    ESCALATE = "escalate", _("超期督办")
    DEPT_OVERDUE = "dept_overdue", _("被举报单位逾期未回复")


class Event(models.Model):
    """Append-only time line of a report. `public` rows are the ones the reporter sees.

    Each report's events form a hash chain (wuyou.negative_list.audit): `public` is hashed too, so
    nobody can quietly show the reporter an internal note, or hide a step from them."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["report_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="nl_event_report_seq")]


def evidence_path(instance, filename):
    import secrets

    # A random name: the reporter's own file name may carry their name, so it is not used on disk.
    return f"negative_list/{instance.report_id}/{secrets.token_hex(12)}"


class Evidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    uploaded_at = models.DateTimeField()


class IdentityAccess(models.Model):
    """Every time someone sees a reporter's identity: who, when, through what."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    via = models.CharField(max_length=20)

    class Meta:
        ordering = ["-at"]


class DeptRequest(models.Model):
    """What the accused department sees: an explanation request or a rectification order, in the
    investigator's redacted words, with a due time. It never links back to the report for them."""

    class Kind(models.TextChoices):
        EXPLANATION = "explanation", "情况说明"
        RECTIFICATION = "rectification", "整改"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dept_requests")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("核实事项摘要")
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "answered_at"], name="nl_deptreq_dept")]


class Referral(models.Model):
    """A case handed to 纪委监委 (department `jw`)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="referral")
    note = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()


class RetaliationAlert(models.Model):
    """The accused department acted on a reporting enterprise within two years of the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="retaliation_alerts")
    action = models.CharField(max_length=100)
    ref = models.CharField(max_length=100)
    at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["report", "ref"], name="nl_alert_once")]


class ScanMark(models.Model):
    """How far a scan has read another module's events (the retaliation scan of appeals): the next
    scan reads only what happened since, instead of walking two years of reports every round."""

    name = models.CharField(max_length=40, primary_key=True)
    until = models.DateTimeField()
