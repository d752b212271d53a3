"""The clock: one mechanism that sets, clears, extends, pauses and resumes an object's due times on the
official working-day calendar. Due times are plain indexed columns on the module's own rows ("overdue"
is a query); this module only computes and assigns them, and returns the fields it changed so the
caller saves them with `update_fields` in its transaction.

An object that has a `due_estimated` column has it set when any due time rests on an estimated
calendar year (staff are warned about those)."""

from datetime import datetime, timedelta

from django.utils import timezone

from .selectors import workday_deadline, workdays_between


def _estimated(obj, est: bool) -> list[str]:
    if est and hasattr(obj, "due_estimated") and not obj.due_estimated:
        obj.due_estimated = True
        return ["due_estimated"]
    return []


def due_after(
    start: datetime, *, workdays: int | None = None, hours: float | None = None
) -> tuple[datetime, bool]:
    """The due time `workdays` working days after `start` (end of that day), or `hours` natural hours."""
    if hours is not None:
        return start + timedelta(hours=hours), False
    return workday_deadline(start, workdays)


def set_due(
    obj, field: str, start: datetime, *, workdays: int | None = None, hours: float | None = None
) -> list[str]:
    due, est = due_after(start, workdays=workdays, hours=hours)
    setattr(obj, field, due)
    return [field, *_estimated(obj, est)]


def clear(obj, *fields: str) -> list[str]:
    for name in fields:
        setattr(obj, name, None)
    return list(fields)


def extend(obj, field: str, workdays: int) -> list[str]:
    """Push one due time later by `workdays` working days (an approved extension)."""
    if getattr(obj, field) is None or workdays <= 0:
        return []
    due, est = workday_deadline(getattr(obj, field), workdays)
    setattr(obj, field, due)
    return [field, *_estimated(obj, est)]


def paused_workdays(paused_at: datetime, resumed_at: datetime) -> int:
    """Working days the clock stood still, counted on local dates."""
    return workdays_between(timezone.localtime(paused_at).date(), timezone.localtime(resumed_at).date())


def resume(obj, fields: tuple[str, ...], paused_at: datetime, resumed_at: datetime) -> list[str]:
    """The clock stops while paused (e.g. waiting for the enterprise's material): push each running due
    time by the working days paused."""
    days = paused_workdays(paused_at, resumed_at)
    changed = []
    for name in fields:
        changed += extend(obj, name, days)
    return changed
