"""The loop's steps from dispatch (交办) to rating (评价): the center dispatches or rejects, the
department signs, returns, pauses, asks for more time and replies, co-handlers give opinions, the
enterprise withdraws, supplies the material a pause asked for, or rates. Each: lock, check the table, change, event, notifications — one transaction."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wuyou.core.errors import InvalidInput
from wuyou.orgs.models import Role
from wuyou.workdays import clock

from . import deadlines, notify
from .attachments import attachment_data, save_attachments
from .models import (
    Action,
    AttachmentKind,
    CoHandler,
    Extension,
    Rating,
    ReplyResult,
    Status,
    Supervision,
)
from .oversight import escalate_locked
from .steps import begin, department_by_code, transition

MAX_RETURNS_BEFORE_LOCK = 2
RETURNS_FOR_LEVEL2 = 3
UNSATISFIED_FOR_LEVEL2 = 2
MAX_COST_YUAN = Decimal("1e12")


@transaction.atomic
def appeal_dispatch(
    *, appeal_id: int, by, department: str, co_departments: list[str] | None = None, note: str = ""
):
    appeal, v = begin(
        appeal_id, by, Action.DISPATCH, department=department, co_departments=co_departments, note=note
    )
    lead = department_by_code(v["department"])
    co = [department_by_code(code) for code in v["co_departments"] if code != lead.code]
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
    transition(
        appeal,
        Action.DISPATCH,
        by,
        fields=fields,
        note=v["note"],
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
def appeal_reject(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.REJECT, reason=reason)
    appeal.closed_at, appeal.close_reason = timezone.now(), v["reason"]
    transition(appeal, Action.REJECT, by, fields=["closed_at", "close_reason"], note=v["reason"])
    notify.notify(
        notify.enterprise_users(appeal), appeal, f"不予受理：{notify.link_text(appeal)}", v["reason"]
    )
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.WITHDRAW, reason=reason)
    appeal.closed_at = timezone.now()
    return transition(appeal, Action.WITHDRAW, by, fields=["closed_at"], note=v["reason"])


@transaction.atomic
def appeal_sign(*, appeal_id: int, by):
    appeal, _ = begin(appeal_id, by, Action.SIGN)
    appeal.signed_at = timezone.now()
    return transition(appeal, Action.SIGN, by, fields=["signed_at"])


@transaction.atomic
def appeal_return(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.RETURN, reason=reason)
    returning = appeal.department
    appeal.return_count += 1
    appeal.department = None
    # Back to the center: the department's clock stops and its due times are gone.
    cleared = clock.clear(
        appeal, "dispatched_at", "sign_due_at", "signed_at", "reply_due_at", "warn_at", "level2_due_at"
    )
    CoHandler.objects.filter(appeal=appeal).delete()
    transition(
        appeal,
        Action.RETURN,
        by,
        fields=["return_count", "department", *cleared],
        note=v["reason"],
        department=returning,
    )
    notify.notify(
        notify.role_users(Role.CENTER), appeal, f"部门退回：{notify.link_text(appeal)}", v["reason"]
    )
    if appeal.return_count >= RETURNS_FOR_LEVEL2:
        escalate_locked(appeal, 2, by=None, reason=f"累计退回 {appeal.return_count} 次")
    return appeal


@transaction.atomic
def appeal_opinion(*, appeal_id: int, by, content: str):
    appeal, v = begin(appeal_id, by, Action.OPINION, content=content)
    CoHandler.objects.filter(appeal=appeal, department_id=by.department_id).update(
        opinion=v["content"], opinion_at=timezone.now()
    )
    transition(appeal, Action.OPINION, by, fields=[], note=v["content"], department=by.department)
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"协办意见：{notify.link_text(appeal)}",
        v["content"],
    )
    return appeal


@transaction.atomic
def appeal_reply(*, appeal_id: int, by, result: str, content: str, cost_saved_yuan=None, files=()):
    appeal, v = begin(
        appeal_id, by, Action.REPLY, result=result, content=content, cost_saved_yuan=cost_saved_yuan
    )
    cost = v["cost_saved_yuan"]
    if cost is not None and not 0 <= cost < MAX_COST_YUAN:
        raise InvalidInput("降本金额必须在 0 到 1 万亿元之间", code="invalid_cost")
    saved = save_attachments(appeal, files, by=by, kind=AttachmentKind.REPLY)
    now = timezone.now()
    appeal.reply_result, appeal.reply_content, appeal.cost_saved_yuan = v["result"], v["content"], cost
    appeal.replied_at = now
    appeal.rate_due_at = deadlines.rate_deadline(appeal, now)
    transition(
        appeal,
        Action.REPLY,
        by,
        fields=["reply_result", "reply_content", "cost_saved_yuan", "replied_at", "rate_due_at"],
        note=v["content"],
        data={
            "result": v["result"],
            "cost_saved_yuan": str(cost) if cost is not None else None,
            **attachment_data(saved),
        },
    )
    Supervision.objects.filter(appeal=appeal, closed_at__isnull=True).update(closed_at=now)
    notify.notify(
        notify.enterprise_users(appeal),
        appeal,
        f"已答复：{notify.link_text(appeal)}",
        f"{ReplyResult(v['result']).label}。请在 {timezone.localtime(appeal.rate_due_at):%Y-%m-%d} 前评价。",
        sms_to=appeal.contact_phone,
    )
    return appeal


@transaction.atomic
def appeal_extend(*, appeal_id: int, by, working_days: int, reason: str) -> Extension:
    appeal, v = begin(appeal_id, by, Action.EXTEND, working_days=working_days, reason=reason)
    days = v["working_days"]
    ext = Extension.objects.create(
        appeal=appeal, working_days=days, reason=v["reason"], requested_by=by, requested_at=timezone.now()
    )
    transition(appeal, Action.EXTEND, by, fields=[], note=v["reason"], data={"working_days": days})
    notify.notify(
        notify.role_users(Role.CENTER),
        appeal,
        f"延期申请：{notify.link_text(appeal)}",
        f"申请延期 {days} 个工作日：{v['reason']}",
        email=False,
    )
    return ext


@transaction.atomic
def appeal_pause(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.PAUSE, reason=reason)
    appeal.paused_at = timezone.now()
    transition(appeal, Action.PAUSE, by, fields=["paused_at"], note=v["reason"])
    # It leads to the supply form on the appeal page: the enterprise answers there, also on a phone.
    notify.notify(
        notify.enterprise_side_users(appeal),
        appeal,
        f"请补充材料：{notify.link_text(appeal)}",
        f"{v['reason']}\n请在诉求页面的「补充材料」中回复并上传材料，提交后办理时限自动恢复计算。",
        sms_to=appeal.contact_phone,
        anchor=notify.SUPPLY_FORM,
    )
    return appeal


def _resume_clock(appeal, now) -> list[str]:
    """The clock runs again after a pause: the due times move by the working days paused (RESUME, SUPPLY)."""
    fields = deadlines.shift_for_pause(appeal, appeal.paused_at or now, now)
    appeal.paused_at = None
    return [*fields, "paused_at"]


@transaction.atomic
def appeal_resume(*, appeal_id: int, by, note: str = ""):
    appeal, v = begin(appeal_id, by, Action.RESUME, note=note)
    fields = _resume_clock(appeal, timezone.now())
    return transition(appeal, Action.RESUME, by, fields=fields, note=v["note"])


@transaction.atomic
def appeal_supply(*, appeal_id: int, by, content: str, files=()):
    """The enterprise (or the cadre who filed for it) answers a pause with text and files: the material is
    recorded on the event, the clock resumes as RESUME does, and the lead department is told."""
    appeal, v = begin(appeal_id, by, Action.SUPPLY, content=content)
    saved = save_attachments(appeal, files, by=by, kind=AttachmentKind.SUPPLY)
    fields = _resume_clock(appeal, timezone.now())
    transition(appeal, Action.SUPPLY, by, fields=fields, note=v["content"], data=attachment_data(saved))
    body = v["content"] + (f"\n（附件 {len(saved)} 个）" if saved else "") + "\n办理时限已恢复计算"
    if appeal.reply_due_at:
        body += f"，答复期限 {timezone.localtime(appeal.reply_due_at):%Y-%m-%d %H:%M}"
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"企业已补充材料：{notify.link_text(appeal)}",
        body + "。",
        anchor=notify.TIMELINE,
    )
    return appeal


@transaction.atomic
def appeal_rate(*, appeal_id: int, by, rating: str, resolved: bool, comment: str = ""):
    appeal, v = begin(appeal_id, by, Action.RATE, rating=rating, resolved=resolved, comment=comment)
    rating = v["rating"]
    now = timezone.now()
    appeal.rating, appeal.resolved, appeal.rating_comment = rating, v["resolved"], v["comment"]
    appeal.rated_at = now
    fields = ["rating", "resolved", "rating_comment", "rated_at"]
    data = {"rating": rating, "resolved": v["resolved"]}
    # The timeline shows the verdict itself, not only the comment.
    verdict = f"{Rating(rating).label}，{'问题已解决' if v['resolved'] else '问题未解决'}"
    note = f"{verdict}。{appeal.rating_comment}" if appeal.rating_comment else verdict
    if rating == Rating.UNSATISFIED:
        appeal.unsatisfied_count += 1
        fields.append("unsatisfied_count")
    else:
        appeal.closed_at = now
        fields.append("closed_at")
    transition(appeal, Action.RATE, by, fields=fields, note=note, data=data, inputs=v)
    if appeal.status == Status.REVIEWING:
        notify.notify(
            notify.role_users(Role.CENTER),
            appeal,
            f"企业不满意：{notify.link_text(appeal)}",
            appeal.rating_comment,
        )
        if appeal.unsatisfied_count >= UNSATISFIED_FOR_LEVEL2:
            escalate_locked(appeal, 2, by=None, reason=f"企业 {appeal.unsatisfied_count} 次评价不满意")
    return appeal
