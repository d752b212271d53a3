"""Load the State Council schedules bundled with chinesecalendar (2004–2026 at 1.11) as official years."""

from django.db import migrations


def load(apps, schema_editor):
    from wuyou.workdays.official import official_rows, official_years

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    years = official_years()
    days = [
        CalendarDay(date=d, is_workday=w, name=n, source="official") for year in years for d, w, n in official_rows(year)
    ]
    CalendarDay.objects.bulk_create(days, batch_size=500, ignore_conflicts=True)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="official", note="chinesecalendar 数据") for year in years],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    from wuyou.workdays.official import official_years

    years = official_years()
    apps.get_model("workdays", "CalendarDay").objects.filter(source="official", date__year__in=years).delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="official", year__in=years).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
