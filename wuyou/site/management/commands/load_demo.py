import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wuyou.site.demo.loader import load


class Command(BaseCommand):
    help = "Load the demo data set (enterprises, demo logins, a year of appeals). 加载演示数据；已加载则不做任何事。"

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, default=3000, help="number of appeals (default 3000)")
        parser.add_argument(
            "--enterprises", type=int, default=300, help="number of enterprises (default 300)"
        )
        parser.add_argument("--seed", type=int, default=20261127, help="random seed")

    def handle(self, *args, appeals=3000, enterprises=300, seed=20261127, **opts):
        # The demo logins share a public password and skip the password rules and two-factor login:
        # they must never exist in a production database.
        if not (settings.DEMO or settings.TESTING):
            raise CommandError(
                "演示数据只能在演示模式下加载（设置 WUYOU_DEMO=1）。/ Demo data loads only with WUYOU_DEMO=1."
            )
        started = time.perf_counter()
        self.stdout.write(
            f"正在加载演示数据 / loading demo data: {appeals} appeals, {enterprises} enterprises …"
        )
        summary = load(appeals=appeals, enterprises=enterprises, seed=seed, out=self.stdout.write)
        # The negative list (idempotent) and the investigator permission for the demo center login.
        call_command("load_negative_list", "--grant", "center", stdout=self.stdout)
        if summary is None:
            self.stdout.write("演示数据已存在，未做任何改动。/ Demo data already loaded; nothing to do.")
            return
        counts = ", ".join(f"{status} {n}" for status, n in summary["counts"].items())
        self.stdout.write(f"  按状态 / by status: {counts}")
        self.stdout.write(f"  最后一次巡检 / final sweep: {summary['swept']}")
        if summary["skipped"]:
            self.stdout.write(
                f"  跳过的步骤 / steps the services refused: {summary['skipped']} {summary['skips']}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"演示数据加载完成 / demo data loaded in {time.perf_counter() - started:.0f}s")
        )
