"""Department inbox page (/dept/inbox/?tab=…): latency and SQL queries per request.

In-process through Django's test Client with force_login (middleware, view, template, context processors —
everything but the WSGI server). The number of queries comes from CaptureQueriesContext on a separate
request so that recording SQL never inflates the timings. Optionally the same page over HTTP against the
benchmark's gunicorn, with the session cookie of the forced login.
"""

import http.client
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wuyou.appeals import selectors

from .common import loadavg, percentile

URL = "/dept/inbox/"


def tab_sizes(user) -> dict:
    return {tab: selectors.department_inbox(user, tab).count() for tab in selectors.DEPT_TABS}


def logged_in_client(user) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def measure_inbox(
    user,
    *,
    reps: int = 200,
    other_reps: int = 50,
    tabs=None,
    budget_s: float = 60.0,
    other_budget_s: float = 20.0,
) -> dict:
    """{tab: {n, p50_ms, p95_ms, max_ms, queries, …}, 'all': {...}}.

    `reps` requests of to_sign and `other_reps` of each other tab — or fewer when a tab's time budget runs
    out first (a page that takes seconds is measured a few times, not 200).
    """
    client = logged_in_client(user)
    tabs = list(tabs or selectors.DEPT_TABS)
    for tab in tabs:  # warm caches (templates, calendar snapshot, PostgreSQL buffers)
        resp = client.get(URL, {"tab": tab})
        if resp.status_code != 200:
            raise RuntimeError(f"{URL}?tab={tab} answered {resp.status_code}")
    out, everything = {}, []
    for tab in tabs:
        n = reps if tab == "to_sign" else other_reps
        budget_end = time.perf_counter() + (budget_s if tab == "to_sign" else other_budget_s)
        times = []
        cpu0 = time.process_time()
        for _ in range(n):
            if times and time.perf_counter() > budget_end:
                break
            t0 = time.perf_counter()
            resp = client.get(URL, {"tab": tab})
            times.append((time.perf_counter() - t0) * 1000)
            if resp.status_code != 200:
                raise RuntimeError(f"{URL}?tab={tab} answered {resp.status_code}")
        cpu_ms = (time.process_time() - cpu0) * 1000 / len(times)
        with CaptureQueriesContext(connection) as ctx:
            client.get(URL, {"tab": tab})
        everything.extend(times)
        out[tab] = {
            "n": len(times),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "queries": len(ctx.captured_queries),
            "sql_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
            "python_cpu_ms": round(cpu_ms, 1),
        }
    out["all"] = {
        "loadavg": loadavg(),
        "n": len(everything),
        "p50_ms": round(percentile(everything, 50), 1),
        "p95_ms": round(percentile(everything, 95), 1),
        "max_ms": round(max(everything), 1),
        "queries": max(v["queries"] for k, v in out.items()),
    }
    return out


def slowest_queries(user, tab: str, top: int = 5) -> list[tuple[float, str]]:
    """(ms, sql) of the slowest queries of one request — what to look at when the page is slow."""
    client = logged_in_client(user)
    client.get(URL, {"tab": tab})
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"tab": tab})
    rows = sorted(((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries), reverse=True)
    return rows[:top]


def measure_inbox_http(
    user, port: int, *, tab: str = "to_sign", reps: int = 200, budget_s: float = 60.0
) -> dict:
    """The same page through gunicorn, sequential requests on a keep-alive connection (re-opened when closed)."""
    client = logged_in_client(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": f"127.0.0.1:{port}"}
    conn, times = None, []
    budget_end = time.perf_counter() + budget_s
    for i in range(reps + 5):
        if len(times) >= 3 and time.perf_counter() > budget_end:
            break
        t0 = time.perf_counter()
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", f"{URL}?tab={tab}", headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{URL}?tab={tab} over HTTP answered {resp.status}")
        if resp.will_close:
            conn.close()
            conn = None
        if i >= 5:  # the first few warm the worker processes
            times.append((time.perf_counter() - t0) * 1000)
    if conn is not None:
        conn.close()
    return {
        "n": len(times),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
    }
