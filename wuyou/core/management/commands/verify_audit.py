from django.core.management.base import BaseCommand, CommandError

from wuyou.core.audit import verify_admin, verify_all


class Command(BaseCommand):
    help = "Verify every hash chain (appeals, reports, clusters, administrative writes…); name the first broken link. 审计链校验"

    def handle(self, *args, **opts):
        results = [*verify_all(), ("admin", *verify_admin())]
        broken = [(name, checked, rid, reason) for name, checked, rid, reason in results if rid is not None]
        for name, checked, _rid, _ in results:
            self.stdout.write(f"{name}: 已检查 {checked} 条")
        if broken:
            name, checked, rid, reason = broken[0]
            raise CommandError(f"审计链断裂：{name} 事件 id={rid}。{reason}（已检查 {checked} 条）")
        total = sum(r[1] for r in results)
        self.stdout.write(self.style.SUCCESS(f"审计链完整：已检查 {total} 条事件"))
