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


def run_isolated(name: str, fn, now) -> dict:
    """Run one task (or one sweep of a task) so that its failure stays its own: logged, counted on its
    `TaskRun` row and backed off, while the caller goes on with the next. Returns its result, or
    {"error": …} / {"skipped": …}."""
    state = TaskRun.objects.filter(task=name).first()
    if state is not None and state.retry_at is not None and state.retry_at > now:
        return {"skipped": "backing off"}
    try:
        # Inside an outer transaction (tests) a savepoint keeps one task's database error from breaking
        # the others; in the worker each batch commits itself.
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            result = fn(now)
    except Exception as exc:
        log.exception("worker task %s failed; the others go on", name)
        failures = (state.consecutive_failures if state else 0) + 1
        TaskRun.objects.update_or_create(
            task=name,
            defaults={
                "last_failed_at": now,
                "consecutive_failures": failures,
                "last_error": "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000],
                "retry_at": now + min(backoff(failures, timedelta(seconds=30)), MAX_TASK_BACKOFF),
            },
        )
        return {"error": str(exc)[:200]}
    result = result if isinstance(result, dict) else {"done": result}
    if state is None or state.consecutive_failures or state.retry_at or _ok_is_stale(state, now):
        TaskRun.objects.update_or_create(
            task=name,
            defaults={
                "last_ok_at": now,
                "consecutive_failures": 0,
                "retry_at": None,
                "last_result": {k: v for k, v in result.items() if isinstance(v, int | float | str)},
            },
        )
    return result


def _ok_is_stale(state: TaskRun, now) -> bool:
    # Healthy tasks write their row at most once a minute: the worker runs every 30 s.
    return state.last_ok_at is None or now - state.last_ok_at > timedelta(minutes=1)


def run_round(now=None) -> dict:
    """Run each task of settings.WORKER_TASKS once, each isolated; {task path: its result}."""
    return {path: run_isolated(path, task, now or timezone.now()) for path, task in tasks()}


def run_each(prefix: str, steps: dict, now) -> dict:
    """A task made of several sweeps: each runs isolated (`run_isolated` under "<prefix>.<key>"), so one
    failing sweep neither stops nor backs off the others. {key: count}, plus "error" naming the failed."""
    out, errors = {}, []
    for key, fn in steps.items():
        result = run_isolated(f"{prefix}.{key}", fn, now)
        out[key] = result.get("done", 0)
        if "error" in result:
            errors.append(f"{key}: {result['error']}")
    if errors:
        out["error"] = "; ".join(errors)
    return out
