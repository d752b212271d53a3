"""The worker's task for this app (settings.WORKER_TASKS)."""

from django.utils import timezone

from .digest import build_digests
from .outbox import deliver_due


def deliver(now=None) -> dict:
    """Queue the daily digests when their time has come, then deliver the due outbox."""
    now = now or timezone.now()
    digests = build_digests(now)
    delivered = deliver_due(now)
    # Prefixed keys: the worker merges every task's counts into one summary.
    return {"digests": digests, "outbox_sent": delivered["sent"], "outbox_failed": delivered["failed"]}
