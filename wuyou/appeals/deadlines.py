"""Due-time arithmetic for appeals. Working days come from the official calendar (wuyou.workdays)."""

from datetime import datetime, timedelta

from django.utils import timezone

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
    if appeal.urgency == Urgency.URGENT:
        # Hours-based limits count natural hours.
        appeal.sign_due_at, sign_est = start + timedelta(hours=limit.urgent_sign_hours), False
    else:
        appeal.sign_due_at, sign_est = workday_deadline(start, limit.sign_workdays)
    appeal.reply_due_at, reply_est = workday_deadline(start, limit.reply_workdays)
    appeal.due_estimated = sign_est or reply_est
    appeal.warned_at = None
    appeal.urged_at = None
    fields = ["sign_due_at", "reply_due_at", "due_estimated", "warned_at", "urged_at"]
    return fields + set_derived_deadlines(appeal, start)


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
    appeal.level2_due_at, est = workday_deadline(appeal.reply_due_at, LEVEL2_OVERDUE_WORKDAYS)
    appeal.due_estimated = appeal.due_estimated or est
    return ["warn_at", "level2_due_at", "due_estimated"]


def extend_reply_deadline(appeal: Appeal, working_days: int) -> list[str]:
    appeal.reply_due_at, est = workday_deadline(appeal.reply_due_at, working_days)
    appeal.due_estimated = appeal.due_estimated or est
    appeal.warned_at = None
    start = appeal.dispatched_at or timezone.now()
    return ["reply_due_at", "warned_at", *set_derived_deadlines(appeal, start)]


def shift_for_pause(appeal: Appeal, paused_at: datetime, resumed_at: datetime) -> list[str]:
    """The clock stops while the enterprise prepares material: push the reply due time by the working days paused."""
    days = workdays_between(timezone.localtime(paused_at).date(), timezone.localtime(resumed_at).date())
    if days <= 0 or appeal.reply_due_at is None:
        return []
    appeal.reply_due_at, est = workday_deadline(appeal.reply_due_at, days)
    appeal.due_estimated = appeal.due_estimated or est
    return ["reply_due_at", *set_derived_deadlines(appeal, appeal.dispatched_at or paused_at)]


def rate_deadline(appeal: Appeal, replied_at: datetime) -> datetime:
    due, _ = workday_deadline(replied_at, limits_for(appeal.category).rate_workdays)
    return due
