import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from wuyou.core.worker import run_round

log = logging.getLogger("wuyou.worker")


class Command(BaseCommand):
    help = "Run the worker tasks (settings.WORKER_TASKS): sweeps over due work and outbox delivery. 后台任务"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one round and exit")
        parser.add_argument("--interval", type=float, default=settings.WORKER_INTERVAL_SECONDS)

    def handle(self, *args, once=False, interval=30.0, **opts):
        stop = {"now": False}

        def request_stop(*_):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while True:
            if not connection.in_atomic_block:  # inside a test's transaction there is nothing to recycle
                close_old_connections()
            started = time.monotonic()
            # Each task runs in isolation (wuyou.core.worker): one failing task never stops the others.
            results = run_round()
            busy = any(v for r in results.values() for v in r.values() if isinstance(v, int | float))
            failed = [f"{path} ({r['error']})" for path, r in results.items() if "error" in r]
            if once or busy or failed:
                self.stdout.write(f"round {results} in {time.monotonic() - started:.2f}s")
            if once and failed:
                # After every task had its turn: a one-off run (cron, a deploy check) must see the failure.
                raise CommandError(f"worker tasks failed: {', '.join(failed)}")
            if once or stop["now"]:
                return
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(0.5)
            if stop["now"]:
                return
