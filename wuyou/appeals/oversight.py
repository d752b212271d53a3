"""The center's oversight of the loop: reopen (重办), close (办结), escalate (提级督办), supervise
(督办); extension requests are decided in extension_requests. Escalation by the worker's sweeps shares
`Escalation` with the person's action, so both write the same event, supervision order and notices."""

from django.db import transaction
from django.utils import timezone

from wuyou.core.errors import InvalidTransition
from wuyou.core.workflow import SYSTEM
from wuyou.workdays.calendar import workday_deadline

from . import deadlines, notify
from .audit import record_event
from .escalation import DEPARTMENT_ROLES, Escalation

# Extension decisions live in extension_requests (the rule for a late approval); re-exported for services.
from .extension_requests import appeal_approve_extension  # noqa: F401
from .models import Action, Appeal, Supervision
from .steps import begin, transition
from .transitions import FLOW


@transaction.atomic
def appeal_reopen(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.REOPEN, reason=reason)
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
    transition(appeal, Action.REOPEN, by, fields=fields, note=v["reason"])
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"重办：{notify.link_text(appeal)}",
        v["reason"],
    )
    return appeal


@transaction.atomic
def appeal_close(*, appeal_id: int, by, reason: str):
    appeal, v = begin(appeal_id, by, Action.CLOSE, reason=reason)
    appeal.closed_at, appeal.close_reason = timezone.now(), v["reason"]
    return transition(appeal, Action.CLOSE, by, fields=["closed_at", "close_reason"], note=v["reason"])


def escalate_locked(appeal: Appeal, level: int, *, by, reason: str, now=None) -> Appeal:
    """Raise the escalation level inside the caller's transaction (row already locked). `by` None:
    the system escalates (too many returns or unsatisfied ratings), which the table allows."""
    if by is None or by is SYSTEM:
        FLOW.check_system(appeal, Action.ESCALATE)
        by = None
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
def appeal_escalate(*, appeal_id: int, by, level: int, reason: str):
    appeal, v = begin(appeal_id, by, Action.ESCALATE, level=level, reason=reason)
    if v["level"] <= appeal.escalation_level:
        raise InvalidTransition(
            f"诉求已处于 {appeal.escalation_level} 级督办，只能向上提级", code="level_not_higher"
        )
    return escalate_locked(appeal, v["level"], by=by, reason=v["reason"])


@transaction.atomic
def appeal_supervise(*, appeal_id: int, by, note: str, due_days: int | None = None) -> Supervision:
    appeal, v = begin(appeal_id, by, Action.SUPERVISE, note=note, due_days=due_days)
    now = timezone.now()
    due = appeal.reply_due_at
    if v["due_days"] is not None:
        due, _ = workday_deadline(now, v["due_days"])
    sup = Supervision.objects.create(
        appeal=appeal,
        level=max(appeal.escalation_level, 1),
        note=v["note"],
        due_at=due,
        created_by=by,
        created_at=now,
    )
    transition(
        appeal,
        Action.SUPERVISE,
        by,
        fields=[],
        note=v["note"],
        data={"due_at": due.isoformat() if due else None},
    )
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"督办：{notify.link_text(appeal)}",
        v["note"],
        sms_to="",
    )
    return sup
