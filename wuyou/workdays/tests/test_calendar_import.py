import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from wuyou.core.errors import InvalidInput
from wuyou.workdays import calendar
from wuyou.workdays.models import CalendarDay, CalendarYear, Source
from wuyou.workdays.parsers import rows_from_csv, rows_from_text, rows_from_xlsx

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = """日期,类型,名称
2027-01-01,休息,元旦

# 春节
2027-02-05,holiday,春节
2027-02-06,休息,春节
2027-02-07,休息,春节
2027-02-08,休息,春节
2027-02-09,休息,春节
2027-02-10,休息,春节
2027-02-11,休息,春节
2027-02-20,上班,调休上班
2027-10-09,workday,调休上班
"""


def count_2027():
    return CalendarDay.objects.filter(date__year=2027).count()


def test_import_replaces_estimate_and_clears_flag():
    assert calendar.add_workdays(date(2026, 12, 30), 3) == (date(2027, 1, 5), True)
    calendar.import_year(year=2027, rows=rows_from_text(SCHEDULE_2027), by="tester")
    assert calendar.year_source(2027) == "official"
    assert CalendarYear.objects.get(year=2027).source == Source.OFFICIAL
    assert count_2027() == 10
    assert calendar.add_workdays(date(2026, 12, 30), 3) == (date(2027, 1, 5), False)
    assert calendar.is_workday(date(2027, 2, 20)) is True  # Saturday make-up day from the import
    assert calendar.is_workday(date(2027, 2, 11)) is False
    # The estimate's 清明 is gone: an official year is exactly what was imported.
    assert calendar.is_workday(date(2027, 4, 5)) is True
    assert 2027 not in calendar.estimated_years()
    assert calendar.first_estimated_date(today=date(2027, 3, 1)) == date(2028, 1, 1)


def test_rows_keep_source_line_numbers():
    rows = rows_from_text(SCHEDULE_2027)
    assert rows[0].line == 2 and rows[1].line == 5  # header dropped, blank and comment lines skipped
    assert rows[0].date == "2027-01-01" and rows[0].kind == "休息" and rows[0].name == "元旦"


def test_validation_errors_import_nothing():
    text = (
        "2027-01-01,休息,元旦\n"
        "2027-13-01,休息,坏日期\n"
        "2026-12-31,休息,不在本年\n"
        "2027-01-01,休息,重复\n"
        "2027-02-20,加班,类型错\n"
        "2027-02-21\n"
    )
    with pytest.raises(calendar.CalendarImportError) as info:
        calendar.import_year(year=2027, rows=rows_from_text(text), by="tester")
    lines = [line for line, _ in info.value.errors]
    assert lines == [2, 3, 4, 5, 6]
    reasons = dict(info.value.errors)
    assert "无法识别" in reasons[2]
    assert "不在 2027 年内" in reasons[3]
    assert "与第 1 行重复" in reasons[4]
    assert "加班" in reasons[5]
    assert "缺少类型" in reasons[6]
    assert "第 2 行" in info.value.message and info.value.status == 400
    assert count_2027() == 0
    assert calendar.year_source(2027) == "estimated"


def test_failed_reimport_keeps_existing_official_year():
    before = CalendarDay.objects.filter(date__year=2026).count()
    with pytest.raises(calendar.CalendarImportError):
        calendar.import_year(
            year=2026, rows=[("2026-01-01", "休息", "元旦"), ("2026-02-30", "休息", "")], by="t"
        )
    assert CalendarDay.objects.filter(date__year=2026).count() == before
    assert calendar.add_workdays(date(2026, 9, 30), 5) == (date(2026, 10, 13), False)


def test_empty_input_is_an_error():
    with pytest.raises(calendar.CalendarImportError) as info:
        calendar.import_year(year=2027, rows=rows_from_text("\n# 空\n"), by="t")
    assert info.value.errors == [(0, "没有任何数据行")]


def test_year_out_of_range():
    with pytest.raises(InvalidInput) as info:
        calendar.import_year(year=2101, rows=[("2101-01-01", "休息", "元旦")], by="t")
    assert "2004 至 2100" in info.value.message


def test_reimport_replaces_rows_and_drops_plain_days():
    rows = [(date(2026, 1, 1), True, ""), (date(2026, 1, 2), False, "元旦"), ("2026-01-05", "上班", "")]
    calendar.import_year(year=2026, rows=rows, by="t")
    # Jan 1 (a Thursday, working, no name) and Jan 5 (a Monday) match the weekly rule and are not stored.
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [
        date(2026, 1, 2)
    ]
    assert calendar.is_workday(date(2026, 10, 1)) is True
    assert calendar.year_source(2026) == "official"


def test_csv_in_gb18030_with_header():
    data = "日期,类型,名称\r\n2027-01-01,休息,元旦\r\n2027-02-20,上班,调休上班\r\n".encode("gb18030")
    rows = rows_from_csv(data)
    assert [(r.line, r.date, r.kind, r.name) for r in rows] == [
        (2, "2027-01-01", "休息", "元旦"),
        (3, "2027-02-20", "上班", "调休上班"),
    ]
    calendar.import_year(year=2027, rows=rows, by="t")
    assert calendar.is_workday(date(2027, 2, 20))


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_real_dates_and_booleans():
    data = xlsx_bytes(
        [("日期", "类型", "名称"), (date(2027, 1, 1), "休息", "元旦"), (date(2027, 2, 20), True, None)]
    )
    rows = rows_from_xlsx(data)
    assert [r.line for r in rows] == [2, 3]
    calendar.import_year(year=2027, rows=rows, by="t")
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).is_workday is True
    assert not calendar.is_workday(date(2027, 1, 1))


def test_management_command_imports_file(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("import_calendar", str(path), "--year", "2027", stdout=io.StringIO())
    assert calendar.year_source(2027) == "official" and count_2027() == 10


def test_load_official_skips_authoritative_years_unless_forced():
    assert calendar.load_official(by="t") == []
    calendar.set_day(date=date(2026, 3, 4), is_workday=False, name="临时", by="t")
    assert calendar.load_official(by="t", years=[2026], force=True) == [2026]
    assert calendar.year_source(2026) == "official" and calendar.is_workday(date(2026, 3, 4))
