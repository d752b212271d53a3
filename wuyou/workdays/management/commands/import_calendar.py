"""Import a year's State Council schedule from a file, or the schedules bundled with chinesecalendar.

manage.py import_calendar --year 2027 path/to/2027.csv   (.csv, .txt or .xlsx; columns date,kind,name)
manage.py import_calendar --official [--year 2027] [--force]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuyou.core.errors import InvalidInput
from wuyou.workdays import services
from wuyou.workdays.parsers import rows_from_csv, rows_from_xlsx


class Command(BaseCommand):
    help = "导入年度放假安排（文件或 chinesecalendar 内置数据）"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")
        parser.add_argument("--year", type=int, action="append", dest="years")
        parser.add_argument("--official", action="store_true", help="从 chinesecalendar 内置数据导入")
        parser.add_argument("--force", action="store_true", help="覆盖已是官方或人工修订的年份")

    def handle(self, *args, path=None, years=None, official=False, force=False, **options):
        if official:
            done = services.load_official(by="manage.py", years=years, force=force)
            self.stdout.write(
                f"已导入：{', '.join(map(str, done)) or '无（均已是官方或人工修订，可加 --force）'}"
            )
            return
        if not path or not years or len(years) != 1:
            raise CommandError("请指定文件和一个 --year")
        data = Path(path).read_bytes()
        try:
            rows = rows_from_xlsx(data) if path.lower().endswith(".xlsx") else rows_from_csv(data)
            year = services.import_year(year=years[0], rows=rows, by="manage.py")
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{year.year} 年日历已导入。")
