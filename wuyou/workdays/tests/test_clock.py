"""The clock: set, clear, extend, pause and resume due times on the official calendar."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from wuyou.workdays import clock

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_set_due_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    obj = SimpleNamespace(due_at=None, due_estimated=False)
    # 2026-09-30 (Wed) + 3 working days: 1–7 October are holidays; Thu 8, Fri 9, then the make-up Saturday 10.
    assert clock.set_due(obj, "due_at", at(2026, 9, 30, 10), workdays=3) == ["due_at"]
    assert obj.due_at.date().isoformat() == "2026-10-10"


def test_hours_count_natural_time_and_clear_empties():
    obj = SimpleNamespace(sign_due_at=None, warned_at=at(2026, 11, 2))
    clock.set_due(obj, "sign_due_at", at(2026, 11, 27, 16), hours=2)
    assert obj.sign_due_at == at(2026, 11, 27, 18)
    assert clock.clear(obj, "warned_at") == ["warned_at"] and obj.warned_at is None


def test_resume_pushes_running_due_times_by_the_working_days_paused():
    obj = SimpleNamespace(reply_due_at=at(2026, 11, 10, 23, 59, 59))
    # Paused Friday 6 November, resumed Wednesday 11 November: Mon, Tue, Wed = 3 working days.
    assert clock.resume(obj, ("reply_due_at",), at(2026, 11, 6, 10), at(2026, 11, 11, 10)) == ["reply_due_at"]
    assert obj.reply_due_at.date().isoformat() == "2026-11-13"
    assert clock.resume(obj, ("reply_due_at",), at(2026, 11, 7, 10), at(2026, 11, 8, 10)) == []  # a weekend


def test_an_estimated_year_marks_the_object():
    obj = SimpleNamespace(due_at=None, due_estimated=False)
    fields = clock.set_due(obj, "due_at", at(2026, 12, 28, 10), workdays=10)
    assert obj.due_at.year == 2027 and obj.due_estimated and fields == ["due_at", "due_estimated"]
