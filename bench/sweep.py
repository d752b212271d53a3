"""The worker's sweep over appeals that have just come due.

`count` recently closed appeals (the most recent ones with a department) are put back into handling with
their clocks just run out — 40 % past the warning time, 30 % past the sign-by time, 30 % past the reply
due time — and sweep_all() is timed. Before the change the rows are copied to a table bench_sweep_backup;
afterwards they are restored from it and the events, notifications, outbox rows and supervision orders the
sweep wrote are deleted, so the data set is the same for the next run. A crash in between is repaired by
restore_if_needed() at the start of the next run.

Any backlog the data already has (appeals that came due since the data was generated) is swept first,
untimed, so the timed sweep does exactly `count` appeals' worth of work.
"""

import cProfile
import io
import json
import pstats
import time
from collections import Counter
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyou.appeals.models import Appeal, Event, Status, Supervision
from wuyou.appeals.sweeps import sweep_all
from wuyou.notifications.models import Notification, Outbox

from .common import loadavg
from .generate import read_meta, write_meta

BACKUP = "bench_sweep_backup"
WRITTEN = [Notification, Event, Supervision, Outbox]  # tables the sweep appends to (delete order)


def q(name):
    return connection.ops.quote_name(name)


def _backup_exists() -> bool:
    return BACKUP in connection.introspection.table_names()


def _marks() -> dict:
    return {
        m._meta.db_table: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for m in WRITTEN
    }


def restore(marks: dict) -> None:
    cols = [f.column for f in Appeal._meta.concrete_fields if not f.primary_key]
    sets = ", ".join(f"{q(c)} = b.{q(c)}" for c in cols)
    table = q(Appeal._meta.db_table)
    with transaction.atomic(), connection.cursor() as cur:
        for model in WRITTEN:
            t = model._meta.db_table
            cur.execute(f"DELETE FROM {q(t)} WHERE id > %s", [int(marks.get(t, 0))])
        cur.execute(f"UPDATE {table} AS a SET {sets} FROM {BACKUP} AS b WHERE a.id = b.id")
        cur.execute(f"DROP TABLE {BACKUP}")
        write_meta({"sweep_marks": ""})


def restore_if_needed() -> bool:
    """Undo a sweep run that did not finish (the backup table is still there)."""
    if not _backup_exists():
        return False
    marks = json.loads(read_meta().get("sweep_marks") or "{}")
    restore(marks)
    return True


def make_due(count: int, now) -> dict:
    """Back up and rewrite `count` closed appeals into due states; returns {group: ids}."""
    table = q(Appeal._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE {BACKUP} AS SELECT * FROM {table} WHERE id IN ("
            f"SELECT id FROM {table} WHERE status = 'closed' AND department_id IS NOT NULL "
            f"ORDER BY id DESC LIMIT {int(count)})"
        )
        cur.execute(f"SELECT id FROM {BACKUP} ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
    groups = {"warnings": [], "sign_overdue": [], "reply_overdue": []}
    for i, pk in enumerate(ids):
        k = i % 10
        groups["warnings" if k < 4 else "sign_overdue" if k < 7 else "reply_overdue"].append(pk)
    minute, day = timedelta(minutes=1), timedelta(days=1)
    cleared = dict(
        replied_at=None,
        rate_due_at=None,
        rated_at=None,
        closed_at=None,
        reply_result="",
        reply_content="",
        cost_saved_yuan=None,
        rating="",
        resolved=None,
        rating_comment="",
        close_reason="",
        escalation_level=0,
        paused_at=None,
        warned_at=None,
        urged_at=None,
    )
    states = {
        "warnings": dict(
            status=Status.IN_PROGRESS,
            dispatched_at=now - 4 * day,
            sign_due_at=now - 3.5 * day,
            signed_at=now - 3 * day,
            warn_at=now - minute,
            reply_due_at=now + day,
            level2_due_at=now + 8 * day,
        ),
        "sign_overdue": dict(
            status=Status.DISPATCHED,
            dispatched_at=now - 1.5 * day,
            sign_due_at=now - minute,
            signed_at=None,
            warn_at=now + 2 * day,
            reply_due_at=now + 3 * day,
            level2_due_at=now + 10 * day,
        ),
        "reply_overdue": dict(
            status=Status.IN_PROGRESS,
            dispatched_at=now - 6 * day,
            sign_due_at=now - 5.5 * day,
            signed_at=now - 5 * day,
            warn_at=now - day,
            reply_due_at=now - minute,
            level2_due_at=now + 6 * day,
        ),
    }
    for name, pks in groups.items():
        fields = {**cleared, **states[name]}
        if name == "reply_overdue":
            fields["warned_at"] = now - day
        for i in range(0, len(pks), 500):
            Appeal.objects.filter(pk__in=pks[i : i + 500]).update(**fields)
    return groups


def measure_sweep(count: int = 10_000, *, mode: str = "normal") -> dict:
    """Time sweep_all() over `count` appeals made due.

    mode: "normal" (as the worker runs it: one transaction per appeal),
          "one_transaction" (the same calls inside one outer transaction: what the per-appeal commits cost),
          "async_commit" (one transaction per appeal, with synchronous_commit off for the session: what
          waiting for the WAL flush of each commit costs),
          "profile" (queries recorded and cProfile on: counts and where the time goes, not a timing).
    """
    restore_if_needed()
    pre = sweep_all()  # backlog from the data's age, untimed
    marks = _marks()
    write_meta({"sweep_marks": json.dumps(marks)})
    now = timezone.now()
    with transaction.atomic():
        groups = make_due(count, now)
    made = sum(len(v) for v in groups.values())
    result = {
        "count": made,
        "groups": {k: len(v) for k, v in groups.items()},
        "backlog_swept": pre,
        "mode": mode,
    }
    result["loadavg"] = loadavg()
    cpu0 = time.process_time()
    try:
        now = timezone.now()
        if mode == "normal":
            t0 = time.perf_counter()
            swept = sweep_all(now)
            result["seconds"] = round(time.perf_counter() - t0, 3)
        elif mode == "async_commit":
            with connection.cursor() as cur:
                cur.execute("SET synchronous_commit TO off")
            try:
                t0 = time.perf_counter()
                swept = sweep_all(now)
                result["seconds"] = round(time.perf_counter() - t0, 3)
            finally:
                with connection.cursor() as cur:
                    cur.execute("RESET synchronous_commit")
        elif mode == "one_transaction":
            t0 = time.perf_counter()
            with transaction.atomic():
                swept = sweep_all(now)
            result["seconds"] = round(time.perf_counter() - t0, 3)
        elif mode == "profile":
            prof = cProfile.Profile()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                prof.enable()
                swept = sweep_all(now)
                prof.disable()
                result["seconds"] = round(time.perf_counter() - t0, 3)
            kinds = Counter(_kind(qr["sql"]) for qr in ctx.captured_queries)
            result["queries"] = len(ctx.captured_queries)
            result["queries_per_appeal"] = round(len(ctx.captured_queries) / max(made, 1), 1)
            result["query_kinds"] = dict(kinds.most_common(12))
            result["sql_ms"] = round(sum(float(qr["time"]) for qr in ctx.captured_queries) * 1000)
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
            result["profile"] = buf.getvalue()
        else:
            raise ValueError(mode)
        result["python_cpu_s"] = round(time.process_time() - cpu0, 2)
        result["swept"] = swept
        result["rows_written"] = {
            m._meta.db_table: m.objects.filter(pk__gt=marks[m._meta.db_table]).count() for m in WRITTEN
        }
    finally:
        restore(marks)
    return result


def _kind(sql: str) -> str:
    """A short label for a query: verb + table, savepoints and transaction control by name."""
    s = sql.lstrip().upper()
    verb = s.split(None, 1)[0] if s else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"):
        return verb
    for marker in (" FROM ", "INTO ", "UPDATE "):
        if marker in s:
            rest = s.split(marker, 1)[1].strip()
            table = rest.split(None, 1)[0].strip('"').lower() if rest else "?"
            tag = " FOR UPDATE" if "FOR UPDATE" in s else ""
            return f"{verb} {table}{tag}"
    return verb
