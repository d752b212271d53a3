"""The guarded sweep engine: every module's due work runs through `sweep`, and the worker runs each
module's task in isolation.

A sweep claims rows that match its guard in batches: one transaction locks up to `batch_size` rows
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second worker takes other rows or none; SQLite has one
writer at a time), lets `apply` gather what each row writes, changes the batch with one UPDATE and
flushes. A crash rolls the batch back and the next sweep takes it again: nothing is done twice and
nothing is missed.

A row whose handling raises (a poison row) would roll its whole batch back every round and starve
the rest. So a failed batch is retried one row at a time; the row that fails is recorded as a
`PoisonRow`, left out of that sweep until its back-off ends (doubling up to a day), counted and shown
to the center, while the other rows go through."""

import logging
import traceback
from datetime import timedelta

from django.db import models, transaction

log = logging.getLogger("wuyou.worker")

BATCH = 500
MAX_BACKOFF = timedelta(days=1)


class PoisonRow(models.Model):
    """A row a sweep could not handle. Kept until the row goes through or an operator clears it."""

    sweep = models.CharField("任务", max_length=60)
    subject_type = models.CharField("对象类型", max_length=60)
    subject_id = models.BigIntegerField("对象编号")
    error = models.TextField("错误")
    failures = models.PositiveIntegerField("失败次数", default=1)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    retry_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "core"
        constraints = [
            models.UniqueConstraint(fields=["sweep", "subject_type", "subject_id"], name="poison_row_unique")
        ]


class TaskRun(models.Model):
    """The health of one worker task: when it last succeeded or failed, and why."""

    task = models.CharField("任务", max_length=120, unique=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "core"


def backoff(failures: int, base: timedelta = timedelta(minutes=1)) -> timedelta:
    return min(base * (2 ** max(failures - 1, 0)), MAX_BACKOFF)


def _label(model) -> str:
    return model._meta.label_lower


def _held_back(name: str, model, now) -> set[int]:
    return set(
        PoisonRow.objects.filter(sweep=name, subject_type=_label(model), retry_at__gt=now).values_list(
            "subject_id", flat=True
        )
    )


def _record_poison(name: str, model, pk: int, exc: BaseException, now) -> None:
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    log.error("sweep %s: %s %s failed: %s", name, _label(model), pk, error)
    row, created = PoisonRow.objects.get_or_create(
        sweep=name,
        subject_type=_label(model),
        subject_id=pk,
        defaults={
            "error": error,
            "first_failed_at": now,
            "last_failed_at": now,
            "retry_at": now + backoff(1),
        },
    )
    if not created:
        row.failures += 1
        row.error, row.last_failed_at, row.retry_at = error, now, now + backoff(row.failures)
        row.save(update_fields=["failures", "error", "last_failed_at", "retry_at"])


def sweep(
    name: str,
    model,
    guard: dict,
    *,
    changes: dict,
    apply,
    make_batch,
    now,
    limit: int = 50_000,
    fields: tuple = (),
    batch_size: int = BATCH,
) -> int:
    """Claim rows of `model` matching `guard`, let `apply(row, batch)` gather their writes, set
    `changes` on them, `batch.flush()`. Returns the number of rows handled."""
    done = 0
    held = _held_back(name, model, now)
    # Rows whose back-off ended are tried again; when they go through they are poison no more.
    recovering = PoisonRow.objects.filter(sweep=name, subject_type=_label(model)).exists()

    def claim(qs, n):
        qs = qs.select_for_update(skip_locked=True).filter(**guard)
        if held:
            qs = qs.exclude(pk__in=held)
        if fields:
            qs = qs.only(*fields)
        return list(qs.order_by()[:n])  # no ORDER BY: let the due-time indexes drive the scan

    def handle(rows):
        batch = make_batch()
        for row in rows:
            apply(row, batch)
        ids = [r.pk for r in rows]
        model.objects.filter(pk__in=ids).update(**changes)
        batch.flush()
        if recovering:
            PoisonRow.objects.filter(sweep=name, subject_type=_label(model), subject_id__in=ids).delete()

    while done < limit:
        ids = []
        # A failure before any row is claimed (the claim query itself) is the task's, not a row's: it
        # propagates and the worker backs the task off.
        try:
            with transaction.atomic():
                rows = claim(model.objects.all(), min(batch_size, limit - done))
                ids = [r.pk for r in rows]
                if rows:
                    handle(rows)
        except Exception:
            if not ids:
                raise
            done += _one_by_one(name, model, ids, claim, handle, held, now)
            continue
        if not ids:
            break
        done += len(ids)
    if recovering:
        # A held-back row that no longer matches the guard (the appeal was signed, closed…) needs the
        # sweep no more: it leaves the center's list at its retry time instead of staying forever.
        still_due = model.objects.filter(**guard).values("pk")
        PoisonRow.objects.filter(sweep=name, subject_type=_label(model), retry_at__lte=now).exclude(
            subject_id__in=still_due
        ).delete()
    return done


def _one_by_one(name, model, ids, claim, handle, held, now) -> int:
    """After a failed batch: each row in its own transaction; the failing ones are held back."""
    done = 0
    for pk in ids:
        try:
            with transaction.atomic():
                rows = claim(model.objects.filter(pk=pk), 1)
                if rows:
                    handle(rows)
                    done += 1
        except Exception as exc:
            _record_poison(name, model, pk, exc, now)
            held.add(pk)
    return done
