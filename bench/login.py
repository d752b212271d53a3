"""A login flood (issue 9): C clients post wrong passwords to POST /api/v1/auth/token from one address
while two others time GET /healthz on the same server. Every checked password costs an Argon2 hash, so
without throttling the flood takes the CPU the other users need; the figure is /healthz's latency under
the flood against the same two clients' latency without it, and how many passwords were actually checked.

Run inside ./run bench (the "login" step), or on its own against any database the project can use:
    .venv/bin/python -m bench.login   (DATABASE_URL and the usual settings from the environment)
It depends only on bench.intake's server and load loop, so it also runs against an older checkout.
"""

import http.client
import json
import threading
from collections import Counter


def login_sender(host: str, port: int, statuses: Counter, lock: threading.Lock):
    state = {"conn": None}

    def send(i):
        if state["conn"] is None:
            state["conn"] = http.client.HTTPConnection(host, port, timeout=30)
        conn = state["conn"]
        payload = json.dumps({"username": f"flood-{i % 50}", "password": f"guess-{i}"}).encode()
        try:
            conn.request(
                "POST",
                "/api/v1/auth/token",
                payload,
                {"Content-Type": "application/json", "Host": f"{host}:{port}", "Connection": "keep-alive"},
            )
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            state["conn"] = None
            raise
        if resp.will_close:
            conn.close()
            state["conn"] = None
        with lock:
            statuses[resp.status] += 1
        return resp.status, data

    return send


def forget_earlier_floods() -> None:
    """An earlier run's blocks on 127.0.0.1 would hold this flood back from its first request."""
    try:
        from wuyou.core.throttle import ThrottleCounter
    except ImportError:  # a checkout from before the throttle
        return
    ThrottleCounter.objects.filter(key__startswith="login:").delete()


def measure_login_flood(server, *, duration: float = 8.0, attackers: int = 16) -> dict:
    """`server`: a running bench.intake.Gunicorn."""
    from .intake import get_sender, run_load  # after django.setup(): intake imports models

    forget_earlier_floods()
    quiet = run_load(
        lambda: get_sender("127.0.0.1", server.port), duration=duration / 2, concurrency=2, expect=200
    )
    statuses, lock = Counter(), threading.Lock()
    flood = {}

    def attack():
        flood["result"] = run_load(
            lambda: login_sender("127.0.0.1", server.port, statuses, lock),
            duration=duration,
            concurrency=attackers,
            expect=401,
        )

    attacker = threading.Thread(target=attack)
    attacker.start()
    loud = run_load(
        lambda: get_sender("127.0.0.1", server.port), duration=duration, concurrency=2, expect=200
    )
    attacker.join()
    logins = flood["result"]
    return {
        "attackers": attackers,
        "seconds": duration,
        "healthz_quiet_p50_ms": quiet.p50_ms,
        "healthz_quiet_p95_ms": quiet.p95_ms,
        "healthz_flood_p50_ms": loud.p50_ms,
        "healthz_flood_p95_ms": loud.p95_ms,
        "healthz_flood_rate": loud.rate,
        "login_requests": logins.requests,
        "login_statuses": dict(sorted(statuses.items())),
        "login_rate": round(logins.requests / logins.seconds, 1) if logins.seconds else 0.0,
    }


def main() -> None:
    import django

    django.setup()
    from .intake import Gunicorn

    with Gunicorn(workers=2) as server:
        print(json.dumps(measure_login_flood(server), indent=2))


if __name__ == "__main__":
    main()
