"""/api/v1/calendar: deadline arithmetic and one year's special days, for other systems and the front end."""

import datetime as dt

from ninja import Router, Schema

from wuyou.core.errors import InvalidInput, NotFound
from wuyou.workdays import selectors
from wuyou.workdays.rules import FIRST_YEAR, LAST_YEAR

router = Router(tags=["日历"])

MAX_DAYS = 3650


class AddWorkdaysOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    estimated: bool


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    name: str
    source: str


class YearOut(Schema):
    year: int
    source: str
    days: list[DayOut]


@router.get("/add-workdays", response=AddWorkdaysOut, summary="计算 N 个工作日后的日期")
def add_workdays(request, start: dt.date, days: int):
    if not 0 <= days <= MAX_DAYS:
        raise InvalidInput(f"工作日天数须在 0 至 {MAX_DAYS} 之间")
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise InvalidInput(f"起始日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间")
    try:
        end, estimated = selectors.add_workdays(start, days)
    except ValueError as exc:
        raise InvalidInput("日期超出可计算范围") from exc
    return {"start": start, "days": days, "date": end, "estimated": estimated}


@router.get("/{int:year}", response=YearOut, summary="某年的节假日与调休上班日")
def year_detail(request, year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(f"没有 {year} 年的日历（支持 {FIRST_YEAR} 至 {LAST_YEAR} 年）")
    return {
        "year": year,
        "source": selectors.year_source(year),
        "days": [
            {"date": d.date, "is_workday": d.is_workday, "name": d.name, "source": d.source}
            for d in selectors.year_days(year)
        ],
    }
