from django.core.management.base import BaseCommand

from wuyou.dispatch import services


class Command(BaseCommand):
    help = "Train a dispatch model on the appeals history plus the catalogue and make it active. 训练分拨模型"

    def add_arguments(self, parser):
        parser.add_argument("--note", default="command")
        parser.add_argument(
            "--no-activate", action="store_true", help="store the version without activating it"
        )

    def handle(self, *args, note="command", no_activate=False, **opts):
        v = services.train_model(note=note, activate=not no_activate)
        m = v.metrics
        self.stdout.write(
            f"trained {v} n_train={v.n_train} n_returns={v.n_returns} alpha={m.get('alpha')} "
            f"oof_top1={m.get('oof_top1', '-')} oof_top3={m.get('oof_top3', '-')} active={v.is_active or not no_activate}"
        )
