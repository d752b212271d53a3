"""三率: department_stats(start, end) for every department over the past year, best of `repeats`."""

import time
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyou.appeals.metrics import department_stats


def measure_stats(repeats: int = 3, *, jit_off: bool = False) -> dict:
    """jit_off (PostgreSQL): the same with `SET jit = off` for the session — JIT compiles this one-second
    aggregate for ~0.1–0.4 s before running it."""
    if jit_off:
        with connection.cursor() as cur:
            cur.execute("SET jit = off")
        try:
            return measure_stats(repeats)
        finally:
            with connection.cursor() as cur:
                cur.execute("RESET jit")
    end = timezone.now()
    start = end - timedelta(days=365)
    times = []
    rows = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = department_stats(start, end)
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        department_stats(start, end)
    return {
        "best_s": round(min(times), 3),
        "all_s": [round(t, 3) for t in times],
        "departments": len(rows),
        "dispatched": sum(r.dispatched for r in rows),
        "queries": len(ctx.captured_queries),
    }
