"""The calendar's Excel template and row cap, and the audit rows of calendar writes."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from wuyou.core.audit import AuditRecord
from wuyou.core.errors import InvalidInput
from wuyou.workdays import calendar
from wuyou.workdays.models import CalendarDay
from wuyou.workdays.parsers import MAX_XLSX_ROWS, rows_from_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, make_user):
    user = make_user("center")
    client.force_login(user)
    client.user = user
    return client


def test_template_has_headers_and_kind_list_and_reimports_when_filled(editor):
    resp = editor.get(reverse("calendar_template"))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["日期", "类型", "名称"] and ws.freeze_panes == "A2"
    [dv] = ws.data_validations.dataValidation
    assert str(dv.sqref).startswith("B2")
    assert rows_from_xlsx(resp.content) == []  # the unchanged example is not data
    ws["A2"], ws["B2"], ws["C2"] = "2027年1月1日", "休息", "元旦"
    ws.append([date(2027, 2, 20), "上班", "调休上班"])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("2027.xlsx", buf.getvalue())
    res = editor.post(reverse("calendar_import"), {"year": 2027, "file": upload})
    assert res.status_code == 302
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 20))


def test_template_is_for_editors_only(client, make_user):
    client.force_login(make_user("enterprise"))
    assert client.get(reverse("calendar_template")).status_code == 403


def test_xlsx_over_the_cap_is_refused():
    book = Workbook()
    book.active.append(["日期", "类型", "名称"])
    for _ in range(MAX_XLSX_ROWS + 1):
        book.active.append(["2027-01-01", "休息", ""])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(InvalidInput, match=f"{MAX_XLSX_ROWS} 行"):
        rows_from_xlsx(buf.getvalue())


def test_xlsx_bad_rows_all_reported_and_nothing_imported(editor):
    book = Workbook()
    for row in [
        ("日期", "类型", "名称"),
        ("2027-01-01", "休息", "元旦"),
        ("2027-02-30", "休息", ""),
        ("2027-03-01", "加班", ""),
        ("2028-01-01", "休息", ""),
    ]:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    res = editor.post(
        reverse("calendar_import"), {"year": 2027, "file": SimpleUploadedFile("a.xlsx", buf.getvalue())}
    )
    assert [line for line, _ in res.context["errors"]] == [3, 4, 5]
    assert not CalendarDay.objects.filter(date__year=2027).exists() and not AuditRecord.objects.exists()


def test_import_records_one_audit_row(editor):
    text = "2027-01-01,休息,元旦\n2027-02-20,上班,调休上班\n"
    stored_before = CalendarDay.objects.filter(date__year=2027).count()
    editor.post(reverse("calendar_import"), {"year": 2027, "text": text})
    [rec] = AuditRecord.objects.all()
    assert rec.action == "calendar.import" and rec.actor == editor.user
    assert rec.subject_id == "2027"
    assert rec.before == {"source": "estimated", "days": stored_before}
    assert rec.after == {"source": "official", "days": 2, "rows": 2}


def test_day_edit_records_before_and_after(editor):
    url = reverse("calendar_year", kwargs={"year": 2026})
    editor.post(url, {"date": "2026-03-04", "kind": "holiday", "name": "临时休息"})
    [rec] = AuditRecord.objects.all()
    assert rec.action == "calendar.edit" and rec.actor == editor.user and rec.subject_id == "2026-03-04"
    assert rec.before == {"is_workday": True, "name": "", "source": "rule"}
    assert rec.after == {"is_workday": False, "name": "临时休息", "source": "edited"}


def test_command_import_names_its_actor():
    calendar.import_year(year=2027, rows=[("2027-01-01", "休息", "元旦")], by="manage.py")
    [rec] = AuditRecord.objects.all()
    assert rec.actor is None and rec.note.startswith("manage.py")
