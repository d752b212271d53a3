"""Pure calendar rules: the weekly default and the estimate for years without an official schedule.

Nothing here touches the database, so results can be memoised for the life of the process.
"""

import functools
from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

# The range every public function must handle without crashing (deadlines run a few years ahead at most).
FIRST_YEAR = 2004
LAST_YEAR = 2100

MAKEUP_NAME = "调休上班"


def default_is_workday(d: date) -> bool:
    return d.weekday() < 5


def _lunar(year: int, month: int, day: int) -> date | None:
    # lunardate only knows 1900–2099; beyond that we estimate with the solar holidays alone.
    try:
        return LunarDate(year, month, day).toSolarDate()
    except ValueError:
        return None


def _qingming(year: int) -> date:
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except NotImplementedError:
        # chinesecalendar knows solar terms only for the years it ships; beyond them 清明 falls on
        # 4 or 5 April. Only estimated years get here, and their days are stored marked as estimates.
        return date(year, 4, 5)
    for day, name in terms:
        if name == "清明":
            return day
    return date(year, 4, 5)


@functools.lru_cache(maxsize=512)
def estimated_year(year: int) -> dict[date, tuple[bool, str]]:
    """Statutory rest days under the 2025 State Council rules (11 days a year).

    No make-up working days are invented: those are only known once the State Council publishes them,
    so an estimate can be a little short of rest days but never counts a weekend as working.
    """
    days: dict[date, tuple[bool, str]] = {}

    def rest(d: date | None, name: str) -> None:
        if d is None or d.year != year:
            return
        if d in days:
            # e.g. 中秋 on Oct 3: the estimate does not invent the extra day the State Council may add.
            name = f"{days[d][1]}、{name}"
        days[d] = (False, name)

    rest(date(year, 1, 1), "元旦")
    new_year = _lunar(year, 1, 1)
    if new_year is not None:
        for offset in range(-1, 3):  # New Year's Eve plus the 1st to 3rd of the first lunar month
            rest(new_year + timedelta(days=offset), "春节")
    rest(_qingming(year), "清明节")
    rest(date(year, 5, 1), "劳动节")
    rest(date(year, 5, 2), "劳动节")
    rest(_lunar(year, 5, 5), "端午节")
    rest(_lunar(year, 8, 15), "中秋节")
    for day in (1, 2, 3):
        rest(date(year, 10, day), "国庆节")
    return days
