"""The State Council schedules bundled with the `chinesecalendar` package, as (date, is_workday, name) rows."""

from datetime import date

from chinese_calendar import constants

from wuyou.workdays.rules import MAKEUP_NAME

# The package's own Chinese labels are abbreviations ("清明", "端午"); use the statutory names everywhere.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_years() -> list[int]:
    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def official_rows(year: int) -> list[tuple[date, bool, str]]:
    rows = [(d, False, HOLIDAY_NAMES.get(v, v)) for d, v in constants.holidays.items() if d.year == year]
    rows += [
        (d, True, f"{MAKEUP_NAME}（{HOLIDAY_NAMES.get(v, v)}）")
        for d, v in constants.workdays.items()
        if d.year == year
    ]
    return sorted(rows)
