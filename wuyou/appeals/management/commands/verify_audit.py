from django.core.management.base import BaseCommand, CommandError

from wuyou.appeals.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the appeals' event hash chains and report the first broken link. 审计链校验"

    def handle(self, *args, **opts):
        checked, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(f"审计链断裂：事件 id={broken}。{reason}（已检查 {checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：已检查 {checked} 条事件"))
