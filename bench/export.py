"""Excel export (issue 10, item 7): the "全部诉求" list, unfiltered, newest first, cut at N rows and written
to .xlsx by the same code as the page's "导出 Excel" (wuyou.appeals.exports), as the center exports it; the
stream is consumed as a response would send it (the bytes are counted, not kept).

Two runs: one timed, with the growth of the process's peak resident memory (VmHWM, reset through
/proc/self/clear_refs before the run) — what the operating system sees; one under tracemalloc — the
Python heap's peak above where it started — on the same rows and on a tenth of them: memory that stays
flat when the rows grow tenfold is memory that does not grow with the file.
"""

import gc
import time
import tracemalloc
from pathlib import Path

from django.test import override_settings

from wuyou.orgs.models import Role, User

TARGET_S = 30.0  # 100,000 rows at most this long (issue 10, item 7)


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux ≥ 4.0: writing 5 to clear_refs sets VmHWM back to the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _exporter() -> User:
    # Only the fields the export reads: the benchmark database may predate a column added to users.
    user = (
        User.objects.only("username", "first_name", "last_name", "role", "is_active", "is_superuser")
        .filter(role=Role.CENTER, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise RuntimeError("no active center user to export as (bench.generate.ensure_actors makes one)")
    return user


def _run(rows: int, user) -> tuple[float, object, int]:
    """(seconds, export, bytes): the whole stream consumed as the response would send it."""
    from wuyou.appeals import exports

    size = 0
    with override_settings(APPEAL_EXPORT_MAX_ROWS=rows):
        t0 = time.perf_counter()
        result = exports.build(exports.appeal_search(user, {}), user)
        for chunk in result.chunks:
            size += len(chunk)
        seconds = time.perf_counter() - t0
    return seconds, result, size


def measure_export(rows: int = 100_000, *, traced: bool = True) -> dict:
    user = _exporter()
    gc.collect()
    can_reset = _reset_peak_rss()
    rss0, hwm0 = _status_kb("VmRSS"), _status_kb("VmHWM")
    seconds, result, size = _run(rows, user)
    hwm1 = _status_kb("VmHWM")
    out = {
        "rows": result.rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(result.rows / seconds) if seconds else 0,
        "file_mb": round(size / 1024 / 1024, 1),
        "columns": len(result.parts[0].sheet.columns),
    }
    if rss0 is not None and hwm1 is not None:
        base = rss0 if can_reset else hwm0
        out["rss_start_mb"] = round(rss0 / 1024, 1)
        out["peak_rss_growth_mb"] = round(max(0, hwm1 - base) / 1024, 1)
        out["peak_rss_reset"] = can_reset
    if traced:
        for n, key in ((max(1, rows // 10), "tracemalloc_peak_small_mb"), (rows, "tracemalloc_peak_mb")):
            gc.collect()
            tracemalloc.start()
            _, r, _ = _run(n, user)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[key] = round(peak / 1024 / 1024, 1)
            out[key.replace("_mb", "_rows")] = r.rows
    return out
