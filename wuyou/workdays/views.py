"""Calendar pages for the coordination centre: list of years, one year, import of a new schedule."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from wuyou.core import excel
from wuyou.core.errors import InvalidInput
from wuyou.orgs.access import CENTER, role_required
from wuyou.workdays import selectors, services
from wuyou.workdays.forms import DayForm, ImportForm
from wuyou.workdays.models import Source
from wuyou.workdays.parsers import rows_from_text, rows_from_upload, xlsx_template
from wuyou.workdays.rules import FIRST_YEAR, LAST_YEAR

SOURCE_LABELS = dict(Source.choices)


calendar_editor = role_required(CENTER, message="仅协调中心和系统管理员可以维护工作日历")


def _year_row(year: int) -> dict:
    source = selectors.year_source(year)
    return {"year": year, "source": source, "label": SOURCE_LABELS.get(source, source)}


@calendar_editor
def calendar_home(request):
    this_year = timezone.localdate().year
    years = [_year_row(y) for y in range(min(this_year + 2, LAST_YEAR), FIRST_YEAR - 1, -1)]
    upcoming = sorted(r["year"] for r in years if r["year"] >= this_year and r["source"] == Source.ESTIMATED)
    return render(
        request,
        "workdays/home.html",
        {"years": years, "upcoming_estimated": upcoming, "estimated_from": selectors.first_estimated_date()},
    )


@calendar_editor
def calendar_year(request, year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    form = DayForm(request.POST or None, initial={"date": f"{year}-01-01"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_day(
                date=data["date"], is_workday=data["kind"] == "workday", name=data["name"], by=request.user
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已修订 {data['date'].isoformat()}")
            return redirect("calendar_year", year=data["date"].year)
    return render(
        request,
        "workdays/year.html",
        {
            "year": _year_row(year),
            "days": selectors.year_days(year),
            "months": selectors.year_months(year),
            "form": form,
            "prev_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
        },
    )


@calendar_editor
def calendar_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = rows_from_upload(data["file"]) if data.get("file") else rows_from_text(data["text"])
            year = services.import_year(year=data["year"], rows=rows, by=request.user)
        except services.CalendarImportError as exc:
            errors = exc.errors
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{year.year} 年日历已导入，来源为官方")
            return redirect("calendar_year", year=year.year)
    return render(request, "workdays/import.html", {"form": form, "errors": errors})


@calendar_editor
def calendar_template(request):
    return HttpResponse(
        xlsx_template(), content_type=excel.CONTENT_TYPE, headers=excel.response_headers("日历导入模板.xlsx")
    )
