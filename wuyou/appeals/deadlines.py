"""Appeals' due times on the clock (wuyou.workdays.clock): which limits apply, and what follows from them."""

from datetime import datetime

from django.utils import timezone

from wuyou.workdays import clock
from wuyou.workdays.calendar import workday_deadline, workdays_between

from .models import DEFAULT_REPLY_WORKDAYS, Appeal, TimeLimit, Urgency

WARN_FRACTION = 0.8
LEVEL2_OVERDUE_WORKDAYS = 5


def limits_for(category: str) -> TimeLimit:
    limit = TimeLimit.objects.filter(category=category).first()
    if limit is None:
        limit = TimeLimit(category=category, reply_workdays=DEFAULT_REPLY_WORKDAYS.get(category, 5))
    return limit


def set_handling_deadlines(appeal: Appeal, start: datetime) -> list[str]:
    """Sign, reply, warning and level-2 times for a dispatch starting at `start`; returns changed fields."""
    limit = limits_for(appeal.category)
    appeal.due_estimated = False  # a new dispatch starts a new clock
    if appeal.urgency == Urgency.URGENT:
        # Hours-based limits count natural hours.
        fields = clock.set_due(appeal, "sign_due_at", start, hours=limit.urgent_sign_hours)
    else:
        fields = clock.set_due(appeal, "sign_due_at", start, workdays=limit.sign_workdays)
    fields += clock.set_due(appeal, "reply_due_at", start, workdays=limit.reply_workdays)
    fields += clock.clear(appeal, "warned_at", "urged_at")
    return [*fields, "due_estimated", *set_derived_deadlines(appeal, start)]


def set_derived_deadlines(appeal: Appeal, start: datetime) -> list[str]:
    """Warning after 80 % of the reply window in working days; level 2 five working days after the reply due time.

    Counting the warning in working days keeps it off weekends and holidays: with 5 working days
    the warning comes at the end of the 4th, whatever weekend lies between."""
    working_days = workdays_between(
        timezone.localtime(start).date(), timezone.localtime(appeal.reply_due_at).date()
    )
    warn_days = int(working_days * WARN_FRACTION)
    if warn_days >= 1:
        appeal.warn_at, _ = workday_deadline(start, warn_days)
    else:
        appeal.warn_at = start + (appeal.reply_due_at - start) * WARN_FRACTION
    clock.set_due(appeal, "level2_due_at", appeal.reply_due_at, workdays=LEVEL2_OVERDUE_WORKDAYS)
    return ["warn_at", "level2_due_at", "due_estimated"]


def extend_reply_deadline(appeal: Appeal, working_days: int) -> list[str]:
    fields = clock.extend(appeal, "reply_due_at", working_days) + clock.clear(appeal, "warned_at")
    start = appeal.dispatched_at or timezone.now()
    return [*fields, *set_derived_deadlines(appeal, start)]


def shift_for_pause(appeal: Appeal, paused_at: datetime, resumed_at: datetime) -> list[str]:
    """The clock stops while the enterprise prepares material: push the reply due time by the working days paused."""
    fields = clock.resume(appeal, ("reply_due_at",), paused_at, resumed_at)
    if not fields:
        return []
    return [*fields, *set_derived_deadlines(appeal, appeal.dispatched_at or paused_at)]


def rate_deadline(appeal: Appeal, replied_at: datetime) -> datetime:
    due, _ = clock.due_after(replied_at, workdays=limits_for(appeal.category).rate_workdays)
    return due
