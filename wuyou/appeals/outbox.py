"""Moved to wuyou.notifications.outbox (the worker runs wuyou.notifications.tasks.deliver)."""

from wuyou.notifications.outbox import deliver_due  # noqa: F401
