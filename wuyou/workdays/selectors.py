"""Reads of the working-day calendar, served from an in-process snapshot.

Deadlines are computed on every appeal intake and in bulk by the worker, so the hot path must not query
the database: the stored exceptions (a few hundred rows per decade) are loaded once and refreshed at most
every CACHE_SECONDS, or at once when this process's own services call clear_cache().
"""

import calendar as pycalendar
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuyou.workdays.models import AUTHORITATIVE, CalendarDay, CalendarYear, Source
from wuyou.workdays.rules import FIRST_YEAR, LAST_YEAR, estimated_year

CACHE_SECONDS = 60.0
SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
ESTIMATED = Source.ESTIMATED.value


@dataclass(frozen=True, slots=True)
class Day:
    date: date
    is_workday: bool
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class _Snapshot:
    days: dict  # date -> (is_workday, name, source)
    years: dict  # year -> source
    loaded_at: float


_snapshot: _Snapshot | None = None
_lock = threading.Lock()


def clear_cache() -> None:
    global _snapshot
    _snapshot = None


def _state() -> _Snapshot:
    snap = _snapshot
    if snap is not None and time.monotonic() - snap.loaded_at < CACHE_SECONDS:
        return snap
    with _lock:
        snap = _snapshot
        if snap is not None and time.monotonic() - snap.loaded_at < CACHE_SECONDS:
            return snap
        return _load()


def _load() -> _Snapshot:
    global _snapshot
    days = {
        d: (w, n, s) for d, w, n, s in CalendarDay.objects.values_list("date", "is_workday", "name", "source")
    }
    years = dict(CalendarYear.objects.values_list("year", "source"))
    # Build the whole snapshot first and swap the reference: readers on other threads never see half of it.
    _snapshot = _Snapshot(days=days, years=years, loaded_at=time.monotonic())
    return _snapshot


def _as_date(value: date) -> date:
    # A datetime is a date subclass but would never match the date keys of the snapshot.
    if isinstance(value, datetime):
        return timezone.localtime(value, SHANGHAI).date() if timezone.is_aware(value) else value.date()
    return value


def _lookup(snap: _Snapshot, d: date) -> tuple[bool, str, str]:
    row = snap.days.get(d)
    if row is not None:
        return row
    source = snap.years.get(d.year, ESTIMATED)
    if source not in AUTHORITATIVE:
        guess = estimated_year(d.year).get(d)
        if guess is not None:
            return guess[0], guess[1], ESTIMATED
    return d.weekday() < 5, "", source


def is_workday(d: date) -> bool:
    return _lookup(_state(), _as_date(d))[0]


def day_info(d: date) -> Day:
    d = _as_date(d)
    return Day(d, *_lookup(_state(), d))


def add_workdays(start: date, days: int) -> tuple[date, bool]:
    """The Nth working day after start (start itself never counts) and whether an estimate was consulted."""
    if days < 0:
        raise ValueError("days must not be negative")
    snap = _state()
    d = _as_date(start)
    estimated = False
    year = None
    remaining = days
    try:
        while remaining:
            d += ONE_DAY
            if d.year != year:
                year = d.year
                estimated = estimated or snap.years.get(year) not in AUTHORITATIVE
            if _lookup(snap, d)[0]:
                remaining -= 1
    except OverflowError as exc:
        raise ValueError("date out of range") from exc
    return d, estimated


def workday_deadline(start: datetime, days: int) -> tuple[datetime, bool]:
    """23:59:59 Shanghai time on the Nth working day after the local date of start."""
    end, estimated = add_workdays(_as_date(start), days)
    return datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=SHANGHAI), estimated


def workdays_between(a: date, b: date) -> int:
    """Working days d with a < d <= b, the same counting as add_workdays."""
    a, b = _as_date(a), _as_date(b)
    if b <= a:
        return 0
    snap = _state()
    count = 0
    d = a
    while d < b:
        d += ONE_DAY
        if _lookup(snap, d)[0]:
            count += 1
    return count


def year_source(year: int) -> str:
    return _state().years.get(year, ESTIMATED)


def is_estimated_year(year: int) -> bool:
    return year_source(year) not in AUTHORITATIVE


def estimated_years(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> set[int]:
    years = _state().years
    return {y for y in range(first, last + 1) if years.get(y) not in AUTHORITATIVE}


def first_estimated_date(today: date | None = None) -> date | None:
    """Jan 1 of the first year, from this year on, whose working days are only an estimate."""
    years = _state().years
    year = (today or timezone.localdate()).year
    while year <= 9999:
        if years.get(year) not in AUTHORITATIVE:
            return date(year, 1, 1)
        year += 1
    return None


# The name the appeals app uses when it compares open deadlines with the estimate horizon.
estimated_from = first_estimated_date


def year_days(year: int) -> list[Day]:
    """Holidays, named days and make-up working days of one year (computed ones for an estimated year)."""
    snap = _state()
    found = {d: Day(d, *row) for d, row in snap.days.items() if d.year == year}
    if snap.years.get(year) not in AUTHORITATIVE:
        for d, (work, name) in estimated_year(year).items():
            found.setdefault(d, Day(d, work, name, ESTIMATED))
    return sorted(found.values(), key=lambda day: day.date)


def year_months(year: int) -> list[dict]:
    """Month grids (weeks starting on Monday) for the calendar page; None pads days of other months."""
    snap = _state()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([Day(d, *_lookup(snap, d)) if d.month == month else None for d in week])
        months.append({"month": month, "weeks": weeks})
    return months
