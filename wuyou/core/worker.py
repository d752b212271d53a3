"""The worker's round: every task in settings.WORKER_TASKS, each in isolation.

A task that raises is logged, counted on its `TaskRun` row and backed off (doubling up to an hour);
the other tasks and the outbox keep running. The center sees the tasks' health and the poison rows
on the worker status page."""

import logging
import traceback
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .sweeps import TaskRun, backoff

log = logging.getLogger("wuyou.worker")
MAX_TASK_BACKOFF = timedelta(hours=1)


def tasks() -> list[tuple[str, object]]:
    return [(path, import_string(path)) for path in settings.WORKER_TASKS]


def run_round(now=None, *, raise_errors: bool = False) -> dict:
    """Run each due task once; returns {task path: its result dict, or {"error": …}}."""
    results = {}
    for path, task in tasks():
        now_ = now or timezone.now()
        state = TaskRun.objects.filter(task=path).first()
        if state is not None and state.retry_at is not None and state.retry_at > now_:
            results[path] = {"skipped": "backing off"}
            continue
        try:
            # Inside an outer transaction (tests, `--once` under a transaction) a savepoint keeps one
            # task's database error from breaking the others; in the worker each batch commits itself.
            with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
                result = task(now_) or {}
        except Exception as exc:
            log.exception("worker task %s failed; the others go on", path)
            failures = (state.consecutive_failures if state else 0) + 1
            TaskRun.objects.update_or_create(
                task=path,
                defaults={
                    "last_failed_at": now_,
                    "consecutive_failures": failures,
                    "last_error": "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000],
                    "retry_at": now_ + min(backoff(failures, timedelta(seconds=30)), MAX_TASK_BACKOFF),
                },
            )
            results[path] = {"error": str(exc)[:200]}
            if raise_errors:
                raise
            continue
        TaskRun.objects.update_or_create(
            task=path,
            defaults={
                "last_ok_at": now_,
                "consecutive_failures": 0,
                "retry_at": None,
                "last_result": {k: v for k, v in result.items() if isinstance(v, int | float | str)},
            },
        )
        results[path] = result
    return results
