"""Intake throughput: POST /api/v1/appeals from C client threads for a fixed time.

Against gunicorn (the real thing, configured by the project's gunicorn.conf.py: threaded workers with
keep-alive) the clients are stdlib threads with keep-alive http.client connections that reconnect when the
server closes one (a loopback connect costs ~0.1 ms and is part of the measured latency). The smoke test drives the same loop through
Django's test Client in-process with one client.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from wuyou.appeals.models import Appeal, Event
from wuyou.orgs.models import ApiToken

from .common import CpuMeter, loadavg, percentile

PATH = "/api/v1/appeals"
PROJECT_DIR = Path(__file__).resolve().parent.parent


def body(i: int) -> bytes:
    return json.dumps(
        {
            "category": "help",
            "title": f"园区供电不稳定影响生产（压测 {i}）",
            "content": "栗雨工业园本周停电三次，生产线受损，请供电公司尽快处理并告知原因和整改时间。",
            "contact_name": "张经理",
            "contact_phone": "13812341234",
        },
        ensure_ascii=False,
    ).encode()


@dataclass
class LoadResult:
    requests: int
    ok: int
    errors: int
    seconds: float
    rate: float  # successful appeals per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    concurrency: int
    error_samples: list = field(default_factory=list)
    cpu: dict = field(default_factory=dict)
    created: int = 0  # appeals found in the database afterwards


def run_load(make_sender, *, duration: float, concurrency: int, expect: int = 201) -> LoadResult:
    """Each client calls send(i) -> (status, body) back to back until the deadline."""
    lock = threading.Lock()
    latencies, samples = [], []
    counts = {"ok": 0, "err": 0}
    counter = iter(range(10**9))
    start_gate = threading.Event()

    def client():
        send = make_sender()
        local_lat, ok, err = [], 0, 0
        start_gate.wait()
        deadline = started + duration
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            try:
                status, payload = send(next(counter))
            except Exception as exc:  # a transport error is an error, not a crash of the benchmark
                status, payload = None, repr(exc).encode()
            local_lat.append(time.perf_counter() - t0)
            if status == expect:
                ok += 1
            else:
                err += 1
                with lock:
                    if len(samples) < 5:
                        samples.append(f"{status}: {payload[:200]!r}")
        with lock:
            latencies.extend(local_lat)
            counts["ok"] += ok
            counts["err"] += err

    if concurrency <= 1:
        started = time.perf_counter()
        start_gate.set()
        client()
    else:
        threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
        for t in threads:
            t.start()
        started = time.perf_counter()
        start_gate.set()
        for t in threads:
            t.join(duration + 60)
    elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies] or [0.0]
    return LoadResult(
        requests=len(latencies),
        ok=counts["ok"],
        errors=counts["err"],
        seconds=round(elapsed, 2),
        rate=round(counts["ok"] / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(ms, 50), 1),
        p95_ms=round(percentile(ms, 95), 1),
        p99_ms=round(percentile(ms, 99), 1),
        concurrency=concurrency,
        error_samples=samples,
    )


# ---------------------------------------------------------------- senders


def http_sender(host: str, port: int, token: str, path: str = PATH):
    """A keep-alive http.client connection that reconnects when the server closes it."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Connection": "keep-alive",
        "Host": f"{host}:{port}",
    }
    state = {"conn": None}

    def send(i):
        for attempt in (1, 2):
            reused = state["conn"] is not None
            if not reused:
                state["conn"] = http.client.HTTPConnection(host, port, timeout=30)
            conn = state["conn"]
            try:
                conn.request("POST", path, body(i), headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                state["conn"] = None
                if reused and attempt == 1:
                    continue  # a keep-alive connection the server had already closed: retry once, fresh
                raise
            if resp.will_close:
                conn.close()
                state["conn"] = None
            return resp.status, data
        raise RuntimeError("unreachable")

    return send


def get_sender(host: str, port: int, path: str = "/healthz"):
    """GET on a keep-alive connection: the baseline of a trivial view (one SELECT 1) on the same stack."""
    state = {"conn": None}

    def send(i):
        if state["conn"] is None:
            state["conn"] = http.client.HTTPConnection(host, port, timeout=30)
        conn = state["conn"]
        try:
            conn.request("GET", path, headers={"Host": f"{host}:{port}"})
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            state["conn"] = None
            raise
        if resp.will_close:
            conn.close()
            state["conn"] = None
        return resp.status, data

    return send


def measure_baseline_http(server: "Gunicorn", *, duration: float = 5.0, concurrency: int = 16) -> LoadResult:
    return run_load(
        lambda: get_sender("127.0.0.1", server.port), duration=duration, concurrency=concurrency, expect=200
    )


def client_sender(token: str):
    """Django's test Client in-process (smoke test; no server, no network)."""
    from django.test import Client

    client = Client(SERVER_NAME="localhost", headers={"Authorization": f"Bearer {token}"})

    def send(i):
        resp = client.post(PATH, data=body(i), content_type="application/json")
        return resp.status_code, resp.content

    return send


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn wuyou.wsgi:application on a free loopback port, with this process's environment."""

    def __init__(self, workers: int = 2, extra_args=()):
        self.workers = workers
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.proc = None

    def __enter__(self):
        exe = Path(sys.executable).with_name("gunicorn")
        cmd = [
            str(exe),
            "wuyou.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            *self.extra_args,
        ]
        self.log_path = PROJECT_DIR / "bench" / "out" / "gunicorn.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer /healthz within 30 s; see {self.log_path}")

    def is_ours(self, pid, comm, ppid) -> bool:
        return self.proc is not None and (pid == self.proc.pid or ppid == self.proc.pid)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return False


# ---------------------------------------------------------------- the measurement


def database_backends() -> set[int]:
    """PostgreSQL backend pids connected to this database (empty elsewhere)."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {r[0] for r in cur.fetchall()}


def max_appeal_id() -> int:
    return Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def remove_appeals_after(last_id: int) -> int:
    """Delete what intake added (appeals above last_id and their events) so the data set stays at N."""
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {q(Event._meta.db_table)} WHERE appeal_id > %s", [last_id])
        cur.execute(f"DELETE FROM {q(Appeal._meta.db_table)} WHERE id > %s", [last_id])
        return cur.rowcount


def measure_intake_http(
    user, server: Gunicorn, *, duration: float = 18.0, concurrency: int = 16
) -> LoadResult:
    token = ApiToken.issue(user)
    before = max_appeal_id()
    try:
        # Warm every worker and thread (imports, URL resolver, first DB connection) outside the clock, with
        # as many clients as the measurement, so every database connection exists before the CPU meter
        # takes its list of PostgreSQL processes.
        run_load(lambda: http_sender("127.0.0.1", server.port, token), duration=2.0, concurrency=concurrency)
        meter = CpuMeter(
            {
                "server": server.is_ours,
                "postgres": lambda pid, comm, ppid: pid in backends,
                "client": lambda pid, comm, ppid: pid == os.getpid(),
            }
        )
        backends = database_backends()  # this database's server processes (gunicorn's and ours)
        mark = max_appeal_id()
        load_before = loadavg()
        meter.start()
        result = run_load(
            lambda: http_sender("127.0.0.1", server.port, token), duration=duration, concurrency=concurrency
        )
        result.cpu = meter.stop()
        result.cpu["loadavg_before"] = load_before
        result.cpu["loadavg_after"] = loadavg()
        result.created = Appeal.objects.filter(pk__gt=mark).count()
    finally:
        remove_appeals_after(before)
        ApiToken.objects.filter(user=user).delete()
    return result


def measure_intake_client(user, *, duration: float = 1.0) -> LoadResult:
    token = ApiToken.issue(user)
    before = max_appeal_id()
    try:
        result = run_load(lambda: client_sender(token), duration=duration, concurrency=1)
        result.created = Appeal.objects.filter(pk__gt=before).count()
    finally:
        remove_appeals_after(before)
        ApiToken.objects.filter(user=user).delete()
    return result
