from django.core.management.base import BaseCommand, CommandError

from wuyou.core.errors import DomainError
from wuyou.dispatch import services
from wuyou.dispatch.models import ModelVersion


class Command(BaseCommand):
    help = (
        "Activate the previous dispatch model version (or --to ID); with none left, the catalogue alone. 回滚"
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=int, help="activate this version id")

    def handle(self, *args, to=None, **opts):
        try:
            if to is not None:
                if not ModelVersion.objects.filter(pk=to).exists():
                    raise CommandError(f"模型版本不存在：{to}")
                ModelVersion.objects.filter(is_active=True).update(is_active=False)
                ModelVersion.objects.filter(pk=to).update(is_active=True)
                self.stdout.write(f"active: v{to}")
                return
            v = services.rollback()
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"active: {v}" if v else "active: cold start (catalogue only)")
