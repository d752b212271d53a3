"""Writes to the working-day calendar. Every write drops the in-process snapshot so the next read sees it.

Policy for staff corrections (set_day): the corrected day is stored with source=edited. If its year was
official the year becomes "edited" (人工修订), so the list of years shows that someone deviated from the
published schedule; a later import_year of that year makes it official again. If the year was only
estimated it stays estimated: one correction does not make the rest of the year authoritative, so
deadlines in it still carry the estimate warning.

Every write records one audit row (calendar.import for a whole year, calendar.edit for one day). `by` is
a user, or a name such as "manage.py" for commands (then the row has no actor and names it in its note).
"""

import logging
from datetime import date

from django.db import transaction

from wuyou.core.audit import record_change
from wuyou.core.errors import InvalidInput
from wuyou.workdays import official
from wuyou.workdays.models import AUTHORITATIVE, CalendarDay, CalendarYear, Source
from wuyou.workdays.parsers import RawRow, parse_date, parse_kind
from wuyou.workdays.rules import FIRST_YEAR, LAST_YEAR, default_is_workday
from wuyou.workdays.selectors import clear_cache

log = logging.getLogger(__name__)

NAME_MAX = CalendarDay._meta.get_field("name").max_length


class CalendarImportError(InvalidInput):
    """Carries every bad line so the page can list them; line 0 means the input as a whole."""

    code = "calendar_import_invalid"

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        parts = [f"第 {line} 行：{reason}" if line else reason for line, reason in errors]
        super().__init__("导入失败，未导入任何数据。" + "；".join(parts))


def _actor(by) -> str:
    return str(getattr(by, "username", None) or by or "system")


def _audit(by, **kwargs) -> None:
    user = by if getattr(by, "pk", None) else None
    note = kwargs.pop("note", "")
    if user is None:
        note = f"{_actor(by)}{('：' + note) if note else ''}"
    record_change(by=user, note=note, **kwargs)


def _invalidate() -> None:
    # Now for this thread, and again after commit so no other thread caches the pre-commit state for long.
    clear_cache()
    transaction.on_commit(clear_cache)


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"年份须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间")


def _validate(year: int, rows) -> list[tuple[date, bool, str]]:
    errors: list[tuple[int, str]] = []
    seen: dict[date, int] = {}
    clean = []
    count = 0
    for index, row in enumerate(rows, start=1):
        count += 1
        raw = row if isinstance(row, RawRow) else RawRow(index, *(list(row) + [None, None, ""])[:3])
        line, reasons = raw.line, []
        try:
            day = parse_date(raw.date)
        except ValueError as exc:
            day = None
            reasons.append(str(exc))
        try:
            work = parse_kind(raw.kind)
        except ValueError as exc:
            reasons.append(str(exc))
        name = str(raw.name if raw.name is not None else "").strip()
        if len(name) > NAME_MAX:
            reasons.append(f"名称过长（最多 {NAME_MAX} 字）")
        if day is not None:
            if day.year != year:
                reasons.append(f"日期 {day.isoformat()} 不在 {year} 年内")
            elif day in seen:
                reasons.append(f"日期 {day.isoformat()} 与第 {seen[day]} 行重复")
            else:
                seen[day] = line
        if reasons:
            errors.append((line, "，".join(reasons)))
        else:
            clean.append((day, work, name))
    if count == 0:
        errors.append((0, "没有任何数据行"))
    if errors:
        raise CalendarImportError(errors)
    return clean


@transaction.atomic
def import_year(*, year: int, rows, by, note: str = "", source: str = Source.OFFICIAL) -> CalendarYear:
    """Replace one year's schedule with rows of (date, is_workday, name); all or nothing.

    rows may be RawRow values from the parsers (their line numbers are reported) or plain 3-tuples of
    dates/strings/booleans (numbered from 1). Rows that match the weekly rule and carry no name are dropped.
    """
    _check_year(year)
    clean = _validate(year, rows)
    keep = [(d, w, n) for d, w, n in clean if n or w != default_is_workday(d)]
    old = CalendarYear.objects.select_for_update().filter(year=year).first()
    in_year = CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    before = {"source": old.source if old else Source.ESTIMATED, "days": in_year.count()}
    in_year.delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, name=n, source=source) for d, w, n in keep]
    )
    row, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "note": (note or f"{_actor(by)} 导入 {len(keep)} 条")[:200]}
    )
    _audit(
        by,
        action="calendar.import",
        subject=("workdays.calendaryear", year, f"{year} 年日历"),
        before=before,
        after={"source": source, "days": len(keep), "rows": len(clean)},
        note=note,
    )
    _invalidate()
    log.info("calendar year %s imported by %s: %s rows", year, _actor(by), len(keep))
    return row


@transaction.atomic
def set_day(*, date: date, is_workday: bool, name: str = "", by) -> CalendarDay | None:
    """Correct one day (see the module docstring for how the year's source changes)."""
    _check_year(date.year)
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise InvalidInput(f"名称过长（最多 {NAME_MAX} 字）")
    year = CalendarYear.objects.select_for_update().filter(year=date.year).first()
    authoritative = year is not None and year.source in AUTHORITATIVE
    old = CalendarDay.objects.filter(date=date).first()
    if old is not None:
        before = {"is_workday": old.is_workday, "name": old.name, "source": old.source}
    else:
        before = {"is_workday": default_is_workday(date), "name": "", "source": "rule"}
    day = None
    if authoritative and not name and is_workday == default_is_workday(date):
        # Back to the weekly rule: in an authoritative year that is simply the absence of a row.
        CalendarDay.objects.filter(date=date).delete()
    else:
        # In an estimated year the row is kept even when it matches the weekly rule: it overrides the estimate.
        day, _ = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_workday": is_workday, "name": name, "source": Source.EDITED}
        )
    note = f"{_actor(by)} 修订 {date.isoformat()}"
    if year is None:
        CalendarYear.objects.create(year=date.year, source=Source.ESTIMATED, note=note)
    else:
        if year.source == Source.OFFICIAL:
            year.source = Source.EDITED
        year.note = note
        year.save(update_fields=["source", "note", "updated_at"])
    after = {"is_workday": is_workday, "name": name, "source": day.source if day else "rule"}
    _audit(
        by,
        action="calendar.edit",
        subject=("workdays.calendarday", date.isoformat(), date.isoformat()),
        before=before,
        after=after,
    )
    _invalidate()
    log.info("calendar day %s set to workday=%s name=%r by %s", date, is_workday, name, _actor(by))
    return day


def load_official(*, by, years: list[int] | None = None, force: bool = False) -> list[int]:
    """Import the schedules bundled with chinesecalendar (e.g. after upgrading the package for a new year).

    Years already official or edited are left alone unless force=True, so staff corrections survive.
    """
    existing = dict(CalendarYear.objects.values_list("year", "source"))
    done = []
    for year in years or official.official_years():
        if not force and existing.get(year) in AUTHORITATIVE:
            continue
        rows = official.official_rows(year)
        if not rows:
            continue
        import_year(year=year, rows=rows, by=by, note="chinesecalendar 数据")
        done.append(year)
    return done
