import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from wuyou.appeals.outbox import deliver_due

log = logging.getLogger("wuyou.worker")


class Command(BaseCommand):
    help = (
        "Sweep due appeals (warnings, urging, escalation, unrated closing) and deliver the outbox. 后台任务"
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one sweep and exit")
        parser.add_argument("--interval", type=float, default=settings.WORKER_INTERVAL_SECONDS)

    def handle(self, *args, once=False, interval=30.0, **opts):
        stop = {"now": False}

        def request_stop(*_):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        tasks = [import_string(path) for path in settings.WORKER_TASKS]
        while True:
            if not connection.in_atomic_block:  # inside a test's transaction there is nothing to recycle
                close_old_connections()
            started = time.monotonic()
            try:
                swept = {}
                for task in tasks:
                    swept.update(task(timezone.now()))
                delivered = deliver_due()
            except Exception:
                log.exception("worker sweep failed; retrying next round")
                if once:
                    raise
            else:
                if once or any(swept.values()) or any(delivered.values()):
                    self.stdout.write(
                        f"sweep {swept} outbox {delivered} in {time.monotonic() - started:.2f}s"
                    )
            if once or stop["now"]:
                return
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(0.5)
            if stop["now"]:
                return
