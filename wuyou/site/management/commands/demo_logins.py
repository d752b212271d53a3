import unicodedata

from django.core.management.base import BaseCommand

from wuyou.orgs.models import Role
from wuyou.site.demo.people import DEMO_LOGINS, PASSWORD


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(cells - width(text), 0)


class Command(BaseCommand):
    help = "Print the demo URL and logins. 打印演示地址和演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port=8000, **opts):
        url = f"http://127.0.0.1:{port}/"
        rows = [("用户名 username", "角色 role", "试试看 what to try")]
        for username, role, _dept, _slot, _name, zh, en in DEMO_LOGINS:
            rows.append((username, f"{Role(role).label} {role}", f"{zh} / {en}"))
        rows.append(
            (
                "dept-<编码>",
                "部门经办人 dept_handler",
                "每个部门都有，如 dept-tax、dept-lls / every department",
            )
        )
        rows.append(("dept-<编码>-lead", "部门负责人 dept_leader", "每个部门都有 / every department"))
        rows.append(
            ("ent-3 … ent-N", "企业用户 enterprise", "其余每家企业一个账号 / one per other enterprise")
        )
        w1 = max(width(r[0]) for r in rows) + 2
        w2 = max(width(r[1]) for r in rows) + 2
        line = "=" * (w1 + w2 + 60)
        out = self.stdout.write
        out(line)
        out(f"无忧 Wuyou 演示 / demo:  {url}")
        out(f"所有账号密码 / password for every login:  {PASSWORD}")
        out(line)
        for i, (a, b, c) in enumerate(rows):
            out(f"{pad(a, w1)}{pad(b, w2)}{c}")
            if i == 0:
                out("-" * (w1 + w2 + 60))
        out(line)
        out("后台 / admin:  " + url + "admin/   (admin / " + PASSWORD + ")")
        out("按 Ctrl+C 停止 / press Ctrl+C to stop")
        out(line)
