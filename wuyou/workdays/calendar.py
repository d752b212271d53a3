"""The working-day calendar as other apps use it: import from here, not from selectors/services.

Counting rule (Chinese administrative law): the start day is not counted; N working days end on the
Nth working day after it, with State Council holidays and 调休 make-up working days applied.
"""

from wuyou.workdays.selectors import (
    Day,
    add_workdays,
    clear_cache,
    day_info,
    estimated_from,
    estimated_years,
    first_estimated_date,
    is_estimated_year,
    is_workday,
    workday_deadline,
    workdays_between,
    year_days,
    year_source,
)
from wuyou.workdays.services import CalendarImportError, import_year, load_official, set_day

__all__ = [
    "CalendarImportError",
    "Day",
    "add_workdays",
    "clear_cache",
    "day_info",
    "estimated_from",
    "estimated_years",
    "first_estimated_date",
    "import_year",
    "is_estimated_year",
    "is_workday",
    "load_official",
    "set_day",
    "workday_deadline",
    "workdays_between",
    "year_days",
    "year_source",
]
