"""The prose of docs/performance.md around the measured tables (rendered by report.write_docs)."""

HOW_TO_RUN = """\
## How to run

```sh
./run bench                    # 1,000,000 appeals: ~1.5 min to generate (once), ~1–2 min of measurements
./run bench --appeals 20000    # a quick run on 20,000 appeals
./run bench --fresh            # drop and regenerate the benchmark database
./run bench --diagnose         # always run the diagnostics (otherwise only when a target is missed)
./run bench --skip intake --skip sweep   # only some measurements (intake, inbox, sweep, stats)
```

It needs a PostgreSQL server: `BENCH_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/wuyou_bench`).
The database is created when missing and dropped and recreated with `--fresh`, when the requested size differs
from the stored one, or when the stored data is more than 24 hours old (its open appeals were placed relative
to the day it was generated). The processes it starts get `DATABASE_URL` = that database, a random
`SECRET_KEY` and `WUYOU_DEMO=1`. Each run prints a table, saves `bench/out/results-<N>.json` and rewrites
this page from every results file present (one section per data size).

`bench/test_bench_smoke.py` (part of `./run test`) runs the generator and every measurement on 300 appeals in
the test database (SQLite or PostgreSQL) in a few seconds, so the benchmark cannot silently rot.
"""

METHOD = """\
## Method

**Data** (`bench/generate.py`). N appeals over the past 365 days (office hours mostly, fewer at weekends)
from 300 enterprises (Zipf-like: a few submit much more) to the 43 handling departments (Zipf-like, so one
department is clearly the busiest). Each appeal lives a plausible life — dispatched 0.3–48 h after
submission, signed (7 % late), replied (86 % on time, 11.5 % late, 2.5 % stuck past the level-2 time), rated
by 72 % of enterprises (5 % unsatisfied → 复核) or auto-closed at the rating deadline, 2 % rejected and 1 %
withdrawn at intake, 3 % with a co-handling department, 4 % of the open ones paused — and its state is where
*now* falls in that life, so ~95 % are closed and the open ones are the last two weeks'. Due times come
from the real working-day calendar and the TimeLimit table (as `deadlines.py` computes them); `warned_at`,
`urged_at` and `escalation_level` are set as the worker's sweeps would have left them, so there is no sweep
backlog. **Audit events are generated only for the appeals that are not finished** (a valid per-appeal hash
chain: submit, dispatch, urge, sign, warn, escalate, pause, reply, rate); closed, rejected and withdrawn
appeals carry none (`verify_audit` stays green: it checks the chains that exist). Rows go in with psycopg
`COPY` in one transaction (planned in chunks of 20,000 outside the COPY, because the working-day calendar
loads lazily through the same connection), then `VACUUM (ANALYZE)`. A marker table `bench_meta` records
the size, so a rerun of the same size reuses the data; a rerun first runs `VACUUM (ANALYZE)` on the tables
earlier runs wrote to (intake and the sweep leave dead rows behind, and autovacuum may be off on a
benchmark server), so every run measures a tidy table, as autovacuum keeps it in production.

**Intake** (`bench/intake.py`). `gunicorn wuyou.wsgi:application --workers 2` with the project's
`gunicorn.conf.py` (4 threads per worker, keep-alive) on a free loopback port; an enterprise user with a
fresh API token; C client threads (default 16) of the benchmark process send `POST /api/v1/appeals`
(category help, title, content, contact_name, contact_phone 13812341234) back to back for 18 s over
keep-alive `http.client` connections (re-opened when the server closes one; that is inside the measured
latency). 2 s of warm-up with the same number of clients are not counted. Errors are any status other than 201. CPU seconds of gunicorn, of PostgreSQL's
processes and of the client process are read from `/proc` over the measured interval. For scale, the same
clients then measure `GET /healthz` (a view that runs `SELECT 1`) on the same server. The appeals created
are deleted afterwards, so the data set stays at N.

**Department inbox** (`bench/inbox.py`). The handler of the busiest department and of the smallest one,
logged in with the test Client's `force_login`, request `/dept/inbox/?tab=to_sign` 200 times and each
other tab 50 times in-process (middleware, view, templates, context processors; no WSGI server) — fewer
when a tab's time budget (60 s for to_sign, 20 s for the others) runs out first. Queries per request are
counted with `CaptureQueriesContext` on one extra request per tab, so recording SQL never inflates the
timings. The same to_sign page is also fetched through gunicorn with the session cookie.

**Worker sweep** (`bench/sweep.py`). Any backlog is swept first, untimed. Then the 10,000 most recent closed
appeals (with a department) are copied to `bench_sweep_backup` and put back into handling with their clocks
just run out — 40 % past the warning time, 30 % past the sign-by time, 30 % past the reply due time — and
`sweep_all()` is timed. Afterwards the rows are restored from the backup and the events, notifications,
outbox rows and supervision orders the sweep wrote are deleted (an interrupted run is repaired at the start
of the next one). Diagnostics (on a miss): the same work on 2,000 appeals as is, with
`synchronous_commit = off` for the session, and inside one outer transaction; and 1,000 appeals with
queries recorded and cProfile on.

**三率** (`bench/stats.py`). `department_stats(now − 365 days, now)` for all departments, best of 3; on a
miss also with `SET jit = off` for the session.
"""


def _machine(m: dict) -> str:
    parts = [
        f"{m.get('nproc', '?')} cores ({m.get('cpu', 'unknown CPU')})",
        f"{m.get('memory_gib', '?')} GiB memory",
        f"PostgreSQL {m.get('postgresql', '?')} (shared_buffers {m.get('shared_buffers', '?')}, "
        f"synchronous_commit {m.get('synchronous_commit', '?')}, "
        f"max_parallel_workers_per_gather {m.get('max_parallel_workers_per_gather', '?')})",
        f"Python {m.get('python', '?')} (sum(range(1000)) in {m.get('python_sum_range_1000_us', '?')} µs), "
        f"Django {m.get('django', '?')}",
        f"load average {m.get('loadavg_at_start', '?')} at the start, {m.get('loadavg_at_end', '?')} at the end",
        f"measured {m.get('date', '?')}",
    ]
    return "; ".join(parts)


def render(results: list[dict], markdown_table) -> str:
    from .findings import FINDINGS

    out = [
        "# Performance",
        "",
        "Measured by `./run bench` (the `bench/` package) against PostgreSQL. The tables below are written by "
        "the benchmark itself; the analysis after them was written from the 1,000,000-appeal run it names.",
        "",
        "Targets: intake ≥ 400 appeals/s; department inbox p95 ≤ 50 ms; `sweep_all()` over 10,000 due "
        "appeals ≤ 2 s; 三率 for all departments over a year ≤ 0.5 s.",
        "",
    ]
    out.append("## Results")
    out.append("")
    for r in results:
        g = r.get("generation", {})
        out.append(f"### {r['appeals']:,} appeals")
        out.append("")
        out.append(
            f"Machine: {_machine(r.get('machine', {}))}. Whole run: {r.get('total_seconds', 0):.0f} s."
        )
        out.append("")
        states = g.get("status_counts") or {}
        if states:
            total = sum(states.values()) or 1
            out.append(
                "States: "
                + ", ".join(
                    f"{k} {v:,} ({100 * v / total:.1f} %)"
                    for k, v in sorted(states.items(), key=lambda kv: -kv[1])
                )
                + "."
            )
            out.append("")
        out.append(markdown_table(r))
        out.append("")
    out.append(FINDINGS)
    out.append(METHOD)
    out.append(HOW_TO_RUN)
    return "\n".join(out).rstrip() + "\n"
