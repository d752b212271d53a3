from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wuyou.workdays import calendar, selectors
from wuyou.workdays.models import CalendarDay, CalendarYear, Source

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_migration_loaded_official_years():
    years = dict(CalendarYear.objects.values_list("year", "source"))
    assert set(range(2004, 2027)) <= set(years)
    assert all(years[y] == Source.OFFICIAL for y in range(2004, 2027))
    assert calendar.year_source(2026) == "official"
    assert calendar.year_source(2027) == "estimated"
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).is_workday is True


def test_worked_example_national_day_2026():
    # 10-01..10-07 国庆节 rest; 10-10 (Saturday) is a 调休 working day.
    assert calendar.add_workdays(date(2026, 9, 30), 5) == (date(2026, 10, 13), False)
    assert [calendar.is_workday(date(2026, 10, d)) for d in range(1, 14)] == [
        False, False, False, False, False, False, False, True, True, True, False, True, True,
    ]  # fmt: skip
    # chinesecalendar puts 中秋节 2026 on 09-25, not inside the National Day span.
    assert calendar.day_info(date(2026, 9, 25)).name == "中秋节"
    assert calendar.day_info(date(2026, 10, 1)).name == "国庆节"
    assert calendar.is_workday(date(2026, 9, 20)) is True  # Sunday make-up day


def test_spring_festival_2026_span_and_makeup_days():
    for offset in range(9):  # 02-15 .. 02-23
        assert calendar.is_workday(date(2026, 2, 15) + timedelta(days=offset)) is False
    assert calendar.is_workday(date(2026, 2, 14)) is True  # Saturday 调休
    assert calendar.is_workday(date(2026, 2, 28)) is True  # Saturday 调休
    assert calendar.add_workdays(date(2026, 2, 13), 1) == (date(2026, 2, 14), False)
    assert calendar.add_workdays(date(2026, 2, 14), 1) == (date(2026, 2, 24), False)
    assert calendar.day_info(date(2026, 2, 17)).name == "春节"
    assert calendar.day_info(date(2026, 2, 14)).name.startswith("调休上班")


def test_start_on_holiday_and_zero_days():
    assert calendar.add_workdays(date(2026, 10, 3), 1) == (date(2026, 10, 8), False)
    assert calendar.add_workdays(date(2026, 10, 3), 0) == (date(2026, 10, 3), False)
    assert calendar.add_workdays(date(2026, 10, 4), 3) == (date(2026, 10, 10), False)


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        calendar.add_workdays(date(2026, 1, 5), -1)


def test_datetime_input_uses_local_date():
    # 2026-10-08 16:30 UTC is already 10-09 in Shanghai; the next working day is Saturday 10-10.
    assert calendar.add_workdays(datetime(2026, 10, 8, 16, 30, tzinfo=UTC), 1) == (date(2026, 10, 10), False)


def test_workday_deadline_is_end_of_local_day():
    deadline, estimated = calendar.workday_deadline(datetime(2026, 9, 30, 23, 30, tzinfo=SH), 5)
    assert deadline == datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
    assert deadline.utcoffset() == timedelta(hours=8)
    assert estimated is False
    deadline, _ = calendar.workday_deadline(datetime(2026, 10, 8, 16, 30, tzinfo=UTC), 1)
    assert deadline == datetime(2026, 10, 10, 23, 59, 59, tzinfo=SH)


def test_workdays_between_matches_add_workdays():
    assert calendar.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert calendar.workdays_between(date(2026, 10, 13), date(2026, 9, 30)) == 0
    assert calendar.workdays_between(date(2026, 10, 1), date(2026, 10, 1)) == 0
    for start in (date(2026, 1, 30), date(2026, 9, 18), date(2026, 12, 20), date(2008, 4, 30)):
        for n in (1, 3, 10, 40):
            end, _ = calendar.add_workdays(start, n)
            assert calendar.workdays_between(start, end) == n


def test_estimate_2027():
    assert calendar.year_source(2027) == "estimated"
    assert calendar.is_estimated_year(2027)
    # Lunar New Year 2027 is 02-06: eve (02-05) plus the 1st to 3rd day rest, no make-up days.
    assert [calendar.is_workday(date(2027, 2, d)) for d in range(4, 10)] == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]
    assert calendar.day_info(date(2027, 2, 6)) == calendar.Day(date(2027, 2, 6), False, "春节", "estimated")
    assert not calendar.is_workday(date(2027, 1, 1))
    assert not calendar.is_workday(date(2027, 4, 5))  # 清明
    assert not calendar.is_workday(date(2027, 6, 9))  # 端午 (lunar 5/5)
    assert not calendar.is_workday(date(2027, 9, 15))  # 中秋 (lunar 8/15)
    assert [calendar.is_workday(date(2027, 10, d)) for d in range(1, 6)] == [False, False, False, True, True]
    names = {d.name for d in calendar.year_days(2027)}
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    assert len(calendar.year_days(2027)) == 13


def test_overlapping_estimated_holidays_keep_both_names():
    # 中秋 2028 falls on 10-03; the estimate does not invent an extra day.
    assert calendar.day_info(date(2028, 10, 3)).name == "中秋节、国庆节"
    assert calendar.is_workday(date(2028, 10, 4))


def test_crossing_into_estimated_year_sets_flag():
    assert calendar.add_workdays(date(2026, 12, 30), 1) == (date(2026, 12, 31), False)
    # 2027-01-01 is an estimated 元旦, then a weekend.
    assert calendar.add_workdays(date(2026, 12, 30), 3) == (date(2027, 1, 5), True)
    _, estimated = calendar.workday_deadline(datetime(2026, 12, 30, 9, tzinfo=SH), 3)
    assert estimated is True


def test_2100_without_lunar_data():
    days = calendar.year_days(2100)
    assert {d.name for d in days} == {"元旦", "清明节", "劳动节", "国庆节"}
    assert calendar.is_workday(date(2100, 2, 9))  # would be near the Spring Festival, unknown here


def test_whole_range_never_crashes():
    samples = [date(y, m, d) for y in range(2004, 2101, 3) for m, d in ((1, 1), (2, 10), (6, 15), (12, 31))]
    samples += [date(2100, 12, 31), date(2099, 12, 31), date(2004, 1, 1)]
    for d in samples:
        calendar.is_workday(d)
        end, estimated = calendar.add_workdays(d, 250)
        assert end > d
        assert calendar.workdays_between(d, end) == 250
        calendar.workday_deadline(datetime(d.year, d.month, d.day, 12, tzinfo=SH), 20)
    end, estimated = calendar.add_workdays(date(2100, 12, 31), 3650)
    assert end.year > 2110 and estimated is True
    end, estimated = calendar.add_workdays(date(2004, 1, 1), 3650)
    assert estimated is False and end.year == 2018
    for year in range(2004, 2101):
        calendar.year_days(year)
        calendar.year_source(year)


def test_estimated_years_and_first_estimated_date():
    years = calendar.estimated_years()
    assert 2027 in years and 2100 in years and 2026 not in years and 2004 not in years
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False):
        assert calendar.first_estimated_date() == date(2027, 1, 1)
        assert calendar.estimated_from() == date(2027, 1, 1)
    with time_machine.travel(datetime(2020, 6, 1, 12, tzinfo=SH), tick=False):
        assert calendar.first_estimated_date() == date(2027, 1, 1)
    assert calendar.first_estimated_date(today=date(2031, 5, 1)) == date(2031, 1, 1)


def test_steady_state_does_not_query(django_assert_num_queries):
    calendar.is_workday(date(2026, 1, 5))
    with django_assert_num_queries(0):
        for n in range(200):
            calendar.add_workdays(date(2026, 1, 1) + timedelta(days=n), 10)
            calendar.workday_deadline(datetime(2026, 3, 1, 9, tzinfo=SH), 15)
        calendar.year_source(2027)
        calendar.first_estimated_date()


def test_cache_reloads_after_staleness_window(monkeypatch):
    assert calendar.is_workday(date(2026, 3, 4))
    # A write that bypasses the services (e.g. another process) is picked up once the window passes.
    CalendarDay.objects.create(date=date(2026, 3, 4), is_workday=False, name="测试", source=Source.EDITED)
    assert calendar.is_workday(date(2026, 3, 4))
    monkeypatch.setattr(selectors, "CACHE_SECONDS", 0.0)
    assert not calendar.is_workday(date(2026, 3, 4))


def test_set_day_in_official_year_marks_year_edited():
    day = calendar.set_day(date=date(2026, 3, 4), is_workday=False, name="临时休息", by="tester")
    assert day.source == Source.EDITED
    assert calendar.is_workday(date(2026, 3, 4)) is False
    assert calendar.year_source(2026) == "edited"
    assert calendar.add_workdays(date(2026, 3, 3), 1) == (date(2026, 3, 5), False)
    # Back to the weekly rule removes the row again.
    assert calendar.set_day(date=date(2026, 3, 4), is_workday=True, name="", by="tester") is None
    assert not CalendarDay.objects.filter(date=date(2026, 3, 4)).exists()
    assert calendar.is_workday(date(2026, 3, 4))


def test_set_day_in_estimated_year_overrides_but_stays_estimated():
    calendar.set_day(date=date(2027, 2, 20), is_workday=True, name="调休上班", by="tester")
    calendar.set_day(date=date(2027, 2, 5), is_workday=True, name="", by="tester")
    assert calendar.is_workday(date(2027, 2, 20)) and calendar.is_workday(date(2027, 2, 5))
    assert calendar.year_source(2027) == "estimated"
    assert calendar.add_workdays(date(2027, 2, 19), 1) == (date(2027, 2, 20), True)
    assert date(2027, 2, 20) in {d.date for d in calendar.year_days(2027)}
