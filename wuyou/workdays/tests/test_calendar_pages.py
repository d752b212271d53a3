import io
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from openpyxl import Workbook

from wuyou.workdays import calendar
from wuyou.workdays.models import CalendarDay, Source

pytestmark = pytest.mark.django_db

PAGES = [("calendar_home", {}), ("calendar_year", {"year": 2026}), ("calendar_import", {})]


@pytest.fixture
def center(client, make_user):
    client.force_login(make_user("center"))
    return client


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_anonymous_redirected_to_login(client, name, kwargs):
    res = client.get(reverse(name, kwargs=kwargs))
    assert res.status_code == 302
    assert res["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", ["enterprise", "dept_handler", "leader", "inspector"])
@pytest.mark.parametrize("name,kwargs", PAGES)
def test_other_roles_forbidden(client, make_user, role, name, kwargs):
    client.force_login(make_user(role))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse(name, kwargs=kwargs), {}).status_code == 403


@pytest.mark.parametrize("role,superuser", [("center", False), ("admin", False), ("enterprise", True)])
def test_editors_can_view(client, make_user, role, superuser):
    client.force_login(make_user(role, is_superuser=superuser, is_staff=superuser))
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_home_lists_years_and_warns_about_estimates(center):
    res = center.get(reverse("calendar_home"))
    html = res.content.decode()
    assert "2004" in html and "官方" in html
    assert "估算" in html and "2027年1月1日" in html
    years = [row["year"] for row in res.context["years"]]
    assert min(years) == 2004 and max(years) == 2028
    assert res.context["upcoming_estimated"] == [2027, 2028]


def test_year_page_shows_holidays(center):
    html = center.get(reverse("calendar_year", kwargs={"year": 2026})).content.decode()
    assert "国庆节" in html and "2026-10-10" in html
    html = center.get(reverse("calendar_year", kwargs={"year": 2027})).content.decode()
    assert "春节" in html and "本年尚无官方放假安排" in html
    assert center.get(reverse("calendar_year", kwargs={"year": 2101})).status_code == 404


def test_edit_day_from_year_page(center):
    url = reverse("calendar_year", kwargs={"year": 2026})
    res = center.post(url, {"date": "2026-03-04", "kind": "holiday", "name": "临时休息"})
    assert res.status_code == 302 and res["Location"] == url
    day = CalendarDay.objects.get(date=date(2026, 3, 4))
    assert (day.is_workday, day.name, day.source) == (False, "临时休息", Source.EDITED)
    assert calendar.year_source(2026) == "edited"
    res = center.post(url, {"date": "2101-03-04", "kind": "holiday", "name": ""})
    assert res.status_code == 200 and "2004 至 2100" in res.content.decode()


def test_import_by_paste(center):
    text = "2027-01-01,休息,元旦\n2027-02-20,上班,调休上班\n"
    res = center.post(reverse("calendar_import"), {"year": 2027, "text": text})
    assert res.status_code == 302 and res["Location"] == reverse("calendar_year", kwargs={"year": 2027})
    assert calendar.year_source(2027) == "official"
    assert calendar.add_workdays(date(2026, 12, 30), 3) == (date(2027, 1, 5), False)


def test_import_errors_listed_per_line(center):
    text = "2027-01-01,休息,元旦\n2027-02-30,休息,坏\n2028-01-01,休息,错年\n"
    res = center.post(reverse("calendar_import"), {"year": 2027, "text": text})
    html = res.content.decode()
    assert res.status_code == 200
    assert "第 2 行" in html and "第 3 行" in html and "不在 2027 年内" in html
    assert res.context["errors"][0][0] == 2
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert calendar.year_source(2027) == "estimated"


def test_import_requires_content(center):
    res = center.post(reverse("calendar_import"), {"year": 2027, "text": "  "})
    assert res.status_code == 200 and "请粘贴内容或上传文件" in res.content.decode()


def test_import_by_xlsx_upload(center):
    book = Workbook()
    for row in [
        ("日期", "类型", "名称"),
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-20", "workday", "调休上班"),
    ]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("2027.xlsx", buffer.getvalue())
    res = center.post(reverse("calendar_import"), {"year": 2027, "file": upload})
    assert res.status_code == 302
    assert calendar.is_workday(date(2027, 2, 20)) and calendar.year_source(2027) == "official"


def test_import_by_csv_upload_with_errors(center):
    upload = SimpleUploadedFile("2027.csv", "2027-01-01,休息,元旦\n2027-01-01,休息,元旦\n".encode())
    res = center.post(reverse("calendar_import"), {"year": 2027, "file": upload})
    assert res.status_code == 200 and "与第 1 行重复" in res.content.decode()
