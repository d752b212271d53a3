"""Small helpers shared by the measurements: percentiles, CPU accounting from /proc, machine facts."""

import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path


def percentile(values, pct: float) -> float:
    """Nearest-rank percentile of a non-empty sequence (pct in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[bench +{time.monotonic() - _T0:6.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------- CPU accounting (Linux /proc; best effort)

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[str, int, float] | None:
    """(comm, ppid, cpu seconds) of one process, or None when it is gone or /proc is absent."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    utime, stime = int(fields[11]), int(fields[12])
    return comm, ppid, (utime + stime) / CLK_TCK


def _all_pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    values = [float(v) for v in first]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


@dataclass
class CpuSnapshot:
    at: float
    busy: float
    total: float
    groups: dict  # group name -> {pid: cpu seconds}


class CpuMeter:
    """CPU seconds used by groups of processes between start() and stop().

    A group is a predicate on (pid, comm, ppid). Processes born during the interval count in full.
    """

    def __init__(self, groups: dict):
        self.groups = groups
        self.before: CpuSnapshot | None = None

    def _snap(self) -> CpuSnapshot:
        busy, total = machine_busy()
        per_group = {name: {} for name in self.groups}
        for pid in _all_pids():
            st = _proc_stat(pid)
            if st is None:
                continue
            comm, ppid, cpu = st
            for name, pred in self.groups.items():
                if pred(pid, comm, ppid):
                    per_group[name][pid] = cpu
        return CpuSnapshot(time.monotonic(), busy, total, per_group)

    def start(self) -> None:
        self.before = self._snap()

    def stop(self) -> dict:
        after = self._snap()
        before = self.before
        wall = after.at - before.at
        out = {"wall_s": round(wall, 2)}
        ncpu = os.cpu_count() or 1
        if after.total > before.total:
            out["machine_busy_pct"] = round(
                100 * (after.busy - before.busy) / (after.total - before.total), 1
            )
        for name in self.groups:
            used = 0.0
            for pid, cpu in after.groups[name].items():
                used += cpu - before.groups[name].get(pid, 0.0)
            out[f"{name}_cpu_s"] = round(used, 2)
            out[f"{name}_cores"] = round(used / wall, 2) if wall > 0 else 0.0
        out["cores"] = ncpu
        return out


# ---------------------------------------------------------------- machine facts for the report


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def python_speed_us() -> float:
    """µs for sum(range(1000)), best of 5: how fast this interpreter is on this machine right now."""
    import timeit

    return round(min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6, 1)


def machine_info(connection=None) -> dict:
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": loadavg(),
        "python_sum_range_1000_us": python_speed_us(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["memory_gib"] = round(int(meminfo[1]) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        model = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        if model:
            info["cpu"] = model[0]
    except OSError:
        pass
    if connection is not None:
        info["database"] = connection.vendor
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SHOW server_version")
                info["postgresql"] = cur.fetchone()[0]
                for name in ("shared_buffers", "synchronous_commit", "max_parallel_workers_per_gather"):
                    cur.execute(f"SHOW {name}")
                    info[name] = cur.fetchone()[0]
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    return info
