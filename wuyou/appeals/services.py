"""Every write to an appeal. Each action: lock the row, check the transition table, save the
changed fields, append an event in the same transaction; notifications ride in the same commit."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from wuyou.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from wuyou.orgs.models import Department, Enterprise, Role
from wuyou.orgs.validators import clean_phone, clean_uscc
from wuyou.workdays.calendar import workday_deadline

from . import deadlines, notify
from .attachments import save_attachments
from .audit import record_event
from .escalation import DEPARTMENT_ROLES, Escalation
from .models import (
    Action,
    Appeal,
    Category,
    Channel,
    CoHandler,
    Extension,
    NumberSequence,
    Rating,
    ReplyResult,
    Status,
    Supervision,
    Urgency,
)
from .selectors import visible_appeals
from .transitions import check_allowed, role_of

MAX_RETURNS_BEFORE_LOCK = 2
RETURNS_FOR_LEVEL2 = 3
UNSATISFIED_FOR_LEVEL2 = 2
MAX_EXTENSION_WORKDAYS = 10


# ---------------------------------------------------------------- helpers


def _text(value, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{label}不能为空", code=f"{field}_required")
    if len(value) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}字", code=f"{field}_too_long")
    return value


def _choice(value, choices, label: str, field: str) -> str:
    if value not in choices.values:
        allowed = "、".join(f"{c.value}({c.label})" for c in choices)
        raise InvalidInput(f"{label}无效：{value}。可选：{allowed}", code=f"invalid_{field}")
    return value


MAX_ID = 2**63 - 1


def _lock(appeal_id: int, by) -> Appeal:
    if not isinstance(appeal_id, int) or not 0 < appeal_id <= MAX_ID:
        raise NotFound("诉求不存在或无权查看", code="not_found")
    appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None or not visible_appeals(by).filter(pk=appeal_id).exists():
        raise NotFound("诉求不存在或无权查看", code="not_found")
    return appeal


def _department(code: str) -> Department:
    dept = Department.objects.filter(code=(code or "").strip(), is_active=True).first()
    if dept is None:
        raise InvalidInput(f"部门编码不存在或已停用：{code}", code="unknown_department")
    return dept


def _next_number(now) -> str:
    """One upsert per appeal (SQLite ≥ 3.35 and PostgreSQL): intake is the hot path."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        last = cursor.fetchone()[0]
    return f"ZZ{day}-{last:04d}"


def _transition(
    appeal: Appeal,
    action: str,
    by,
    *,
    to: str | None,
    fields: list[str],
    note: str = "",
    data: dict | None = None,
    department=None,
) -> Appeal:
    before = appeal.status
    if to is not None:
        appeal.status = to
        fields = ["status", *fields]
    if fields:
        appeal.save(update_fields=sorted(set(fields)))
    record_event(appeal, action, by=by, before=before, note=note, data=data, department=department)
    return appeal


# ---------------------------------------------------------------- intake


def appeal_submit(
    *,
    by,
    title: str,
    content: str,
    category: str,
    contact_name: str,
    contact_phone: str,
    enterprise_uscc: str | None = None,
    channel: str | None = None,
    urgency: str = Urgency.NORMAL,
    location: str = "",
    lat: float | None = None,
    lon: float | None = None,
    files=(),
    now=None,
) -> Appeal:
    now = now or timezone.now()
    role = role_of(by)
    if role == Role.ENTERPRISE:
        if by.enterprise_id is None:
            raise InvalidInput("该账号未关联企业，不能提交诉求", code="no_enterprise")
        enterprise = by.enterprise
        if enterprise_uscc and clean_uscc(enterprise_uscc) != enterprise.uscc:
            raise NotFound("企业不存在或无权代其提交", code="not_found")
        channel = channel or Channel.APP
    elif role in (Role.CENTER, Role.ADMIN, Role.CADRE):
        if not enterprise_uscc:
            raise InvalidInput("请填写企业统一社会信用代码", code="enterprise_required")
        try:
            uscc = clean_uscc(enterprise_uscc)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], code=exc.code or "invalid_uscc") from None
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            raise InvalidInput(f"企业未登记：{uscc}", code="unknown_enterprise")
        channel = channel or (Channel.CADRE if role == Role.CADRE else Channel.HOTLINE)
    else:
        raise Forbidden("当前角色不能提交诉求", code="forbidden")
    try:
        phone = clean_phone(contact_phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="invalid_phone") from None
    appeal = Appeal(
        enterprise=enterprise,
        contact_name=_text(contact_name, "contact_name", "联系人", 50),
        contact_phone=phone,
        channel=_choice(channel, Channel, "渠道", "channel"),
        category=_choice(category, Category, "诉求类别", "category"),
        urgency=_choice(urgency or Urgency.NORMAL, Urgency, "紧急程度", "urgency"),
        title=_text(title, "title", "标题", 120),
        content=_text(content, "content", "诉求内容", 5000),
        location=_text(location, "location", "地点", 200, required=False),
        lat=lat,
        lon=lon,
        created_by=by,
        created_at=now,
    )
    # The day's counter row is the one row every intake writes. Taking the number in its own short
    # transaction keeps that row locked for one statement instead of the whole intake, which capped
    # intake near 220/s (docs/performance.md). The price: a number is skipped if the insert below
    # fails, as with a database sequence (docs/decisions.md).
    appeal.number = _next_number(now)
    with transaction.atomic():
        appeal.save(force_insert=True)
        if files:
            save_attachments(appeal, files, by=by)
        # Kept on the instance so the API answers with the event it just wrote instead of reading it back.
        appeal.submit_event = record_event(
            appeal, Action.SUBMIT, by=by, before="", note=appeal.get_channel_display(), at=now, first=True
        )
    return appeal


# ---------------------------------------------------------------- center


@transaction.atomic
def appeal_dispatch(
    *, appeal_id: int, by, department: str, co_departments: list[str] | None = None, note: str = ""
) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.DISPATCH, by)
    lead = _department(department)
    co = [_department(code) for code in (co_departments or []) if code and code != lead.code]
    now = timezone.now()
    appeal.department = lead
    appeal.dispatched_at = now
    appeal.signed_at = None
    appeal.paused_at = None
    fields = ["department", "dispatched_at", "signed_at", "paused_at"]
    fields += deadlines.set_handling_deadlines(appeal, now)
    if appeal.return_count >= MAX_RETURNS_BEFORE_LOCK and not appeal.returns_locked:
        appeal.returns_locked = True
        fields.append("returns_locked")
    CoHandler.objects.filter(appeal=appeal).exclude(department__in=co).delete()
    for dept in co:
        CoHandler.objects.get_or_create(appeal=appeal, department=dept)
    _transition(
        appeal,
        Action.DISPATCH,
        by,
        to=Status.DISPATCHED,
        fields=fields,
        note=note,
        data={"department": lead.code, "co_departments": [d.code for d in co]},
    )
    notify.notify(
        notify.department_users(lead.pk),
        appeal,
        f"新交办：{notify.link_text(appeal)}",
        f"请于 {timezone.localtime(appeal.sign_due_at):%Y-%m-%d %H:%M} 前签收。",
    )
    for dept in co:
        notify.notify(notify.department_users(dept.pk), appeal, f"协办：{notify.link_text(appeal)}")
    return appeal


@transaction.atomic
def appeal_reject(*, appeal_id: int, by, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.REJECT, by)
    reason = _text(reason, "reason", "不予受理理由", 500)
    appeal.closed_at, appeal.close_reason = timezone.now(), reason
    _transition(
        appeal, Action.REJECT, by, to=Status.REJECTED, fields=["closed_at", "close_reason"], note=reason
    )
    notify.notify(notify.enterprise_users(appeal), appeal, f"不予受理：{notify.link_text(appeal)}", reason)
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal_id: int, by, reason: str = "") -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.WITHDRAW, by)
    appeal.closed_at = timezone.now()
    return _transition(
        appeal, Action.WITHDRAW, by, to=Status.WITHDRAWN, fields=["closed_at"], note=reason.strip()
    )


# ---------------------------------------------------------------- department


@transaction.atomic
def appeal_sign(*, appeal_id: int, by) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.SIGN, by)
    appeal.signed_at = timezone.now()
    return _transition(appeal, Action.SIGN, by, to=Status.IN_PROGRESS, fields=["signed_at"])


@transaction.atomic
def appeal_return(*, appeal_id: int, by, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.RETURN, by)
    if appeal.returns_locked:
        raise InvalidTransition("该诉求已多次退回，协调中心已锁定，不能再退回", code="returns_locked")
    reason = _text(reason, "reason", "退回理由", 500)
    returning = appeal.department
    appeal.return_count += 1
    appeal.department = None
    for name in ("dispatched_at", "sign_due_at", "signed_at", "reply_due_at", "warn_at", "level2_due_at"):
        setattr(appeal, name, None)
    fields = [
        "return_count",
        "department",
        "dispatched_at",
        "sign_due_at",
        "signed_at",
        "reply_due_at",
        "warn_at",
        "level2_due_at",
    ]
    CoHandler.objects.filter(appeal=appeal).delete()
    _transition(
        appeal, Action.RETURN, by, to=Status.SUBMITTED, fields=fields, note=reason, department=returning
    )
    notify.notify(notify.role_users(Role.CENTER), appeal, f"部门退回：{notify.link_text(appeal)}", reason)
    if appeal.return_count >= RETURNS_FOR_LEVEL2:
        _escalate(appeal, 2, by=None, reason=f"累计退回 {appeal.return_count} 次")
    return appeal


@transaction.atomic
def appeal_opinion(*, appeal_id: int, by, content: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.OPINION, by)
    content = _text(content, "content", "协办意见", 2000)
    CoHandler.objects.filter(appeal=appeal, department_id=by.department_id).update(
        opinion=content, opinion_at=timezone.now()
    )
    _transition(appeal, Action.OPINION, by, to=None, fields=[], note=content, department=by.department)
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"协办意见：{notify.link_text(appeal)}",
        content,
    )
    return appeal


@transaction.atomic
def appeal_reply(*, appeal_id: int, by, result: str, content: str, cost_saved_yuan=None) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.REPLY, by)
    result = _choice(result, ReplyResult, "办理结果", "result")
    content = _text(content, "content", "答复内容", 5000)
    cost = None
    if cost_saved_yuan not in (None, ""):
        try:
            cost = Decimal(str(cost_saved_yuan)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise InvalidInput("降本金额必须是数字（元）", code="invalid_cost") from None
        if cost < 0 or cost >= Decimal("1e12"):
            raise InvalidInput("降本金额必须在 0 到 1 万亿元之间", code="invalid_cost")
    now = timezone.now()
    appeal.reply_result, appeal.reply_content, appeal.cost_saved_yuan = result, content, cost
    appeal.replied_at = now
    appeal.rate_due_at = deadlines.rate_deadline(appeal, now)
    fields = ["reply_result", "reply_content", "cost_saved_yuan", "replied_at", "rate_due_at"]
    _transition(
        appeal,
        Action.REPLY,
        by,
        to=Status.REPLIED,
        fields=fields,
        note=content,
        data={"result": result, "cost_saved_yuan": str(cost) if cost is not None else None},
    )
    Supervision.objects.filter(appeal=appeal, closed_at__isnull=True).update(closed_at=now)
    notify.notify(
        notify.enterprise_users(appeal),
        appeal,
        f"已答复：{notify.link_text(appeal)}",
        f"{ReplyResult(result).label}。请在 {timezone.localtime(appeal.rate_due_at):%Y-%m-%d} 前评价。",
        sms_to=appeal.contact_phone,
    )
    return appeal


@transaction.atomic
def appeal_extend(*, appeal_id: int, by, working_days: int, reason: str) -> Extension:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.EXTEND, by)
    if appeal.extension_used or appeal.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise InvalidTransition("每件诉求只能申请一次延期", code="extension_used")
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        raise InvalidInput("延期天数必须是整数", code="invalid_days") from None
    if not 1 <= working_days <= MAX_EXTENSION_WORKDAYS:
        raise InvalidInput(f"延期天数须在 1 到 {MAX_EXTENSION_WORKDAYS} 个工作日之间", code="invalid_days")
    reason = _text(reason, "reason", "延期理由", 500)
    ext = Extension.objects.create(
        appeal=appeal, working_days=working_days, reason=reason, requested_by=by, requested_at=timezone.now()
    )
    _transition(
        appeal, Action.EXTEND, by, to=None, fields=[], note=reason, data={"working_days": working_days}
    )
    notify.notify(
        notify.role_users(Role.CENTER),
        appeal,
        f"延期申请：{notify.link_text(appeal)}",
        f"申请延期 {working_days} 个工作日：{reason}",
        email=False,
    )
    return ext


@transaction.atomic
def appeal_pause(*, appeal_id: int, by, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.PAUSE, by)
    reason = _text(reason, "reason", "暂停理由", 500)
    appeal.paused_at = timezone.now()
    _transition(appeal, Action.PAUSE, by, to=Status.PAUSED, fields=["paused_at"], note=reason)
    notify.notify(
        notify.enterprise_users(appeal),
        appeal,
        f"请补充材料：{notify.link_text(appeal)}",
        reason,
        sms_to=appeal.contact_phone,
    )
    return appeal


@transaction.atomic
def appeal_resume(*, appeal_id: int, by, note: str = "") -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.RESUME, by)
    now = timezone.now()
    fields = deadlines.shift_for_pause(appeal, appeal.paused_at or now, now)
    appeal.paused_at = None
    return _transition(
        appeal, Action.RESUME, by, to=Status.IN_PROGRESS, fields=[*fields, "paused_at"], note=note
    )


# ---------------------------------------------------------------- enterprise


@transaction.atomic
def appeal_rate(*, appeal_id: int, by, rating: str, resolved: bool, comment: str = "") -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.RATE, by)
    rating = _choice(rating, Rating, "评价", "rating")
    if not isinstance(resolved, bool):
        raise InvalidInput("请选择问题是否已解决", code="invalid_resolved")
    now = timezone.now()
    appeal.rating, appeal.resolved = rating, resolved
    appeal.rating_comment = _text(comment, "comment", "评价意见", 1000, required=False)
    appeal.rated_at = now
    fields = ["rating", "resolved", "rating_comment", "rated_at"]
    data = {"rating": rating, "resolved": resolved}
    # The timeline shows the verdict itself, not only the comment.
    verdict = f"{Rating(rating).label}，{'问题已解决' if resolved else '问题未解决'}"
    note = f"{verdict}。{appeal.rating_comment}" if appeal.rating_comment else verdict
    if rating == Rating.UNSATISFIED:
        appeal.unsatisfied_count += 1
        fields.append("unsatisfied_count")
        _transition(appeal, Action.RATE, by, to=Status.REVIEWING, fields=fields, note=note, data=data)
        notify.notify(
            notify.role_users(Role.CENTER),
            appeal,
            f"企业不满意：{notify.link_text(appeal)}",
            appeal.rating_comment,
        )
        if appeal.unsatisfied_count >= UNSATISFIED_FOR_LEVEL2:
            _escalate(appeal, 2, by=None, reason=f"企业 {appeal.unsatisfied_count} 次评价不满意")
        return appeal
    appeal.closed_at = now
    return _transition(
        appeal,
        Action.RATE,
        by,
        to=Status.CLOSED,
        fields=[*fields, "closed_at"],
        note=note,
        data=data,
    )


# ---------------------------------------------------------------- center decisions


@transaction.atomic
def appeal_reopen(*, appeal_id: int, by, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.REOPEN, by)
    reason = _text(reason, "reason", "重办理由", 500)
    if appeal.department_id is None:
        raise InvalidTransition("该诉求没有主办部门，请直接交办", code="no_department")
    now = timezone.now()
    appeal.reopen_count += 1
    appeal.dispatched_at, appeal.signed_at, appeal.replied_at, appeal.rate_due_at = now, None, None, None
    appeal.rated_at, appeal.closed_at, appeal.rating, appeal.resolved = None, None, "", None
    fields = [
        "reopen_count",
        "dispatched_at",
        "signed_at",
        "replied_at",
        "rate_due_at",
        "rated_at",
        "closed_at",
        "rating",
        "resolved",
        *deadlines.set_handling_deadlines(appeal, now),
    ]
    _transition(appeal, Action.REOPEN, by, to=Status.DISPATCHED, fields=fields, note=reason)
    notify.notify(
        notify.department_users(appeal.department_id), appeal, f"重办：{notify.link_text(appeal)}", reason
    )
    return appeal


@transaction.atomic
def appeal_close(*, appeal_id: int, by, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.CLOSE, by)
    reason = _text(reason, "reason", "办结说明", 500)
    appeal.closed_at, appeal.close_reason = timezone.now(), reason
    return _transition(
        appeal, Action.CLOSE, by, to=Status.CLOSED, fields=["closed_at", "close_reason"], note=reason
    )


def _escalate(appeal: Appeal, level: int, *, by, reason: str, now=None) -> Appeal:
    """Raise the escalation level inside the caller's transaction (row already locked)."""
    now = now or timezone.now()
    esc = Escalation(level, reason)
    data = esc.event_data(appeal)
    appeal.escalation_level = level
    appeal.save(update_fields=["escalation_level"])
    record_event(appeal, Action.ESCALATE, by=by, before=appeal.status, note=reason, data=data, at=now)
    Supervision.objects.create(
        appeal=appeal,
        level=level,
        note=esc.supervision_note,
        created_by=by,
        created_at=now,
        due_at=appeal.reply_due_at,
    )
    notify.notify(notify.role_users(*esc.audience), appeal, esc.title(appeal), reason)
    notify.notify(
        notify.department_users(appeal.department_id, roles=DEPARTMENT_ROLES),
        appeal,
        esc.title(appeal),
        reason,
    )
    return appeal


@transaction.atomic
def appeal_escalate(*, appeal_id: int, by, level: int, reason: str) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.ESCALATE, by)
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise InvalidInput("督办层级必须是 1、2 或 3", code="invalid_level") from None
    if level not in (1, 2, 3):
        raise InvalidInput("督办层级必须是 1、2 或 3", code="invalid_level")
    if level <= appeal.escalation_level:
        raise InvalidTransition(
            f"诉求已处于 {appeal.escalation_level} 级督办，只能向上提级", code="level_not_higher"
        )
    return _escalate(appeal, level, by=by, reason=_text(reason, "reason", "提级理由", 500))


@transaction.atomic
def appeal_supervise(*, appeal_id: int, by, note: str, due_days: int | None = None) -> Supervision:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.SUPERVISE, by)
    note = _text(note, "note", "督办意见", 1000)
    now = timezone.now()
    due = appeal.reply_due_at
    if due_days not in (None, ""):
        try:
            due_days = int(due_days)
        except (TypeError, ValueError):
            raise InvalidInput("督办期限必须是整数个工作日", code="invalid_days") from None
        if not 1 <= due_days <= 60:
            raise InvalidInput("督办期限须在 1 到 60 个工作日之间", code="invalid_days")
        due, _ = workday_deadline(now, due_days)
    sup = Supervision.objects.create(
        appeal=appeal,
        level=max(appeal.escalation_level, 1),
        note=note,
        due_at=due,
        created_by=by,
        created_at=now,
    )
    _transition(
        appeal,
        Action.SUPERVISE,
        by,
        to=None,
        fields=[],
        note=note,
        data={"due_at": due.isoformat() if due else None},
    )
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"督办：{notify.link_text(appeal)}",
        note,
        sms_to="",
    )
    return sup


@transaction.atomic
def appeal_approve_extension(*, appeal_id: int, by, approve: bool, note: str = "") -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.APPROVE_EXTENSION, by)
    ext = appeal.extensions.select_for_update().filter(decision=Extension.Decision.PENDING).first()
    if ext is None:
        raise InvalidTransition("没有待审批的延期申请", code="no_pending_extension")
    now = timezone.now()
    ext.decision = Extension.Decision.APPROVED if approve else Extension.Decision.DENIED
    ext.decided_by, ext.decided_at = by, now
    ext.save(update_fields=["decision", "decided_by", "decided_at"])
    fields = []
    if approve:
        appeal.extension_used = True
        fields = ["extension_used", *deadlines.extend_reply_deadline(appeal, ext.working_days)]
    _transition(
        appeal,
        Action.APPROVE_EXTENSION,
        by,
        to=None,
        fields=fields,
        note=note,
        data={"approve": bool(approve), "working_days": ext.working_days},
    )
    verdict = "已批准" if approve else "未批准"
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"延期{verdict}：{notify.link_text(appeal)}",
        note,
    )
    return appeal


@transaction.atomic
def appeal_merge(*, appeal_id: int, by, into: int) -> Appeal:
    try:
        into = int(into)
    except (TypeError, ValueError):
        raise InvalidInput("合并目标必须是诉求编号(id)", code="invalid_target") from None
    if into == appeal_id:
        raise InvalidInput("不能合并到自身", code="invalid_target")
    if not 0 < into <= MAX_ID:
        raise InvalidInput("合并目标诉求不存在", code="invalid_target")
    # Lock both rows in id order so two merges in opposite directions cannot deadlock.
    for pk in sorted([appeal_id, into]):
        Appeal.objects.select_for_update().filter(pk=pk).first()
    appeal = _lock(appeal_id, by)
    target = Appeal.objects.filter(pk=into).first()
    if target is None:
        raise InvalidInput("合并目标诉求不存在", code="invalid_target")
    check_allowed(appeal, Action.MERGE, by)
    if target.status in (Status.MERGED, Status.WITHDRAWN, Status.REJECTED):
        raise InvalidTransition(
            f"目标诉求状态为「{Status(target.status).label}」，不能合并进去", code="invalid_target"
        )
    if Appeal.objects.filter(merged_into=appeal).exists():
        raise InvalidTransition("该诉求已有其他诉求合并进来，请先撤销那些合并", code="has_merged")
    appeal.status_before_merge = appeal.status
    appeal.merged_into = target
    _transition(
        appeal,
        Action.MERGE,
        by,
        to=Status.MERGED,
        fields=["merged_into", "status_before_merge"],
        note=f"合并到 {target.number}",
        data={"into": target.pk},
    )
    record_event(
        target,
        Action.MERGE,
        by=by,
        before=target.status,
        note=f"{appeal.number} 合并进来",
        data={"merged": appeal.pk},
    )
    return appeal


@transaction.atomic
def appeal_unmerge(*, appeal_id: int, by) -> Appeal:
    appeal = _lock(appeal_id, by)
    check_allowed(appeal, Action.UNMERGE, by)
    target = appeal.merged_into
    back = appeal.status_before_merge or Status.SUBMITTED
    appeal.merged_into, appeal.status_before_merge = None, ""
    _transition(
        appeal,
        Action.UNMERGE,
        by,
        to=back,
        fields=["merged_into", "status_before_merge"],
        note=f"撤销合并（原合并到 {target.number}）",
        data={"from": target.pk},
    )
    Appeal.objects.select_for_update().filter(pk=target.pk).first()
    record_event(
        target,
        Action.UNMERGE,
        by=by,
        before=target.status,
        note=f"{appeal.number} 已撤销合并",
        data={"unmerged": appeal.pk},
    )
    return appeal


# ---------------------------------------------------------------- one entry point for pages and the API

ACTION_NAMES = [
    "dispatch",
    "reject",
    "withdraw",
    "sign",
    "return",
    "opinion",
    "reply",
    "rate",
    "reopen",
    "close",
    "escalate",
    "supervise",
    "extend",
    "approve_extension",
    "pause",
    "resume",
    "merge",
    "unmerge",
]


def perform(action: str, *, appeal_id: int, by, data: dict):
    """Run an action by name with a dict of inputs (form or JSON)."""
    d = data
    handlers = {
        Action.DISPATCH: lambda: appeal_dispatch(
            appeal_id=appeal_id,
            by=by,
            department=d.get("department", ""),
            co_departments=d.get("co_departments") or [],
            note=d.get("note", ""),
        ),
        Action.REJECT: lambda: appeal_reject(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.WITHDRAW: lambda: appeal_withdraw(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.SIGN: lambda: appeal_sign(appeal_id=appeal_id, by=by),
        Action.RETURN: lambda: appeal_return(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.OPINION: lambda: appeal_opinion(appeal_id=appeal_id, by=by, content=d.get("content", "")),
        Action.REPLY: lambda: appeal_reply(
            appeal_id=appeal_id,
            by=by,
            result=d.get("result", ""),
            content=d.get("content", ""),
            cost_saved_yuan=d.get("cost_saved_yuan"),
        ),
        Action.RATE: lambda: appeal_rate(
            appeal_id=appeal_id,
            by=by,
            rating=d.get("rating", ""),
            resolved=d.get("resolved"),
            comment=d.get("comment", ""),
        ),
        Action.REOPEN: lambda: appeal_reopen(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.CLOSE: lambda: appeal_close(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.ESCALATE: lambda: appeal_escalate(
            appeal_id=appeal_id, by=by, level=d.get("level"), reason=d.get("reason", "")
        ),
        Action.SUPERVISE: lambda: appeal_supervise(
            appeal_id=appeal_id, by=by, note=d.get("note", ""), due_days=d.get("due_days")
        ),
        Action.EXTEND: lambda: appeal_extend(
            appeal_id=appeal_id, by=by, working_days=d.get("working_days"), reason=d.get("reason", "")
        ),
        Action.APPROVE_EXTENSION: lambda: appeal_approve_extension(
            appeal_id=appeal_id, by=by, approve=bool(d.get("approve")), note=d.get("note", "")
        ),
        Action.PAUSE: lambda: appeal_pause(appeal_id=appeal_id, by=by, reason=d.get("reason", "")),
        Action.RESUME: lambda: appeal_resume(appeal_id=appeal_id, by=by, note=d.get("note", "")),
        Action.MERGE: lambda: appeal_merge(appeal_id=appeal_id, by=by, into=d.get("into")),
        Action.UNMERGE: lambda: appeal_unmerge(appeal_id=appeal_id, by=by),
    }
    if action not in handlers:
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    return handlers[action]()
