from django.core.management.base import BaseCommand, CommandError

from wuyou.negative_list import catalog, excel


class Command(BaseCommand):
    help = (
        "Load the built-in negative list (or an Excel file) as a version. 加载负面清单；已存在则不做任何事。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="an .xlsx in the export format; loaded as a draft")
        parser.add_argument("--name", default="负面清单")
        parser.add_argument("--list-version", dest="list_version", default="")
        parser.add_argument("--issuer", default="")
        parser.add_argument(
            "--grant",
            action="append",
            default=[],
            metavar="USERNAME",
            help="give this center user the investigator permission",
        )

    def handle(self, *args, file=None, name="负面清单", list_version="", issuer="", grant=(), **opts):
        for username in grant:
            self.grant(username)
        if not file:
            lv = catalog.load_demo_list()
            if lv is None:
                self.stdout.write("负面清单已存在，未做任何改动。/ Negative list already loaded.")
            else:
                self.stdout.write(self.style.SUCCESS(f"已加载 {lv}：{lv.items.count()} 条 / loaded"))
            return
        with open(file, "rb") as fh:
            rows, errors = excel.read_rows(fh)
        if errors:
            raise CommandError("\n".join(f"第 {e.row} 行：{e.message}" for e in errors))
        lv = catalog.create_version(
            name=name, version=list_version or file, issuer=issuer or "未填写", effective_on=None, rows=rows
        )
        self.stdout.write(self.style.SUCCESS(f"已导入草稿 {lv}：{lv.items.count()} 条"))

    def grant(self, username: str):
        from django.contrib.auth.models import Permission

        from wuyou.orgs.models import User

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        user.user_permissions.add(
            Permission.objects.get(codename="investigate_report", content_type__app_label="negative_list")
        )
        self.stdout.write(f"已授予 {username} 举报办理权限 / investigator permission granted")
