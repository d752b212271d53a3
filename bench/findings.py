"""The analysis part of docs/performance.md, written by hand from the 1,000,000-appeal runs of 2026-11-27
and the kernel change's before/after runs of 2026-12-02.

Keep it in step with the figures when a rerun changes the picture.
"""

FINDINGS = """\
## The platform kernel change, before and after (2026-12-02)

Issue 8 moved the appeals, the negative list and dispatch onto the kernel (workflow table, hash-chain
mechanism, counter, sweep engine, notifications app). Both versions ran `./run bench` against their own
1,000,000-appeal database generated with the same seed, alternating before → after → before → after,
between 07:30 and 07:45 UTC on the same machine, nothing else running. The machine was slow that day:
`GET /healthz` answered 870–1,100/s (3,286/s on 2026-11-27), so the absolute figures are about a third of
those above and miss the targets on both versions; the comparison is what counts.

| measure (1,000,000 appeals) | before (d4cbe81), run 1 / run 2 | after, run 1 / run 2 |
| --- | --- | --- |
| baseline GET /healthz | 961 / 873 /s | 942 / 1,105 /s |
| intake, 16 clients, 2 gunicorn workers | 156 / 177 appeals/s | 176 / 171 appeals/s |
| ↳ gunicorn CPU per appeal | 9.4 / 8.3 ms | 8.3 / 8.4 ms |
| inbox busiest (gjj), all 6 tabs, p95 | 79.2 / 81.4 ms | 78.7 / 65.3 ms |
| inbox smallest (fgw), all 6 tabs, p95 | 73.6 / 71.5 ms | 62.2 / 56.0 ms |
| ↳ SQL queries per page | 11 | 12 (the unread-notification count in the header, new) |
| sweep_all() over 10,000 due appeals | 4.67 / 4.48 s | 4.05 / 4.09 s |
| 三率, 44 departments, one year | 0.726 / 0.469 s | 0.596 / 0.620 s |

No figure regressed beyond the run-to-run noise. The first after-run did show one: intake 125–136
appeals/s against 147–153, 1–2 ms more CPU per appeal. The cause was that the kernel's chain append set the event's
`actor_id` only, so the intake's 201 answer read the user back (one more query per appeal); the
event now carries the actor it was written with, and intake runs the same five statements as before.
The sweep engine adds one query per sweep for held-back (poison) rows and the worker one `TaskRun`
read per sweep; the sweep's figures are unchanged by them.

## Findings (1,000,000 appeals, runs of 2026-11-27 19:30–20:30 UTC)

All four targets are met on this 2-core machine. PostgreSQL here runs with autovacuum off, so each run
first vacuums the tables earlier runs wrote to (about 4 s); the one run made over 210,000 dead rows left
by earlier sweeps and intakes gave the lowest intake figure of the day (432 appeals/s). The table above is one run; repeated runs of the same
code moved intake between 460 and 540 appeals/s and the sweep between 1.33 and 1.52 s, mostly with what else
the machine was doing (2 cores are shared by the clients, gunicorn and PostgreSQL). Generating the data
takes 85 s (COPY) and is reused for 24 hours.

How each figure got here, from the first measurement of the day (same data size and machine):

| measure | first run | after the first fixes | now | what made the difference |
| --- | --- | --- | --- | --- |
| intake | 142 /s | 222 /s | 460–540 /s | see below |
| inbox p95, busiest department, all tabs | 1,087 ms | 82 ms (on fresh data the history tab alone took 3.5 s) | 20–22 ms | see below |
| sweep, 10,000 due appeals | 77 s | 4.6 s | 1.3–1.5 s | see below |
| 三率, one year | 0.41 s | 0.36 s | 0.25 s | no change in code; JIT off since the first fixes |

### Intake (≥ 400 appeals/s with two gunicorn workers and token auth)

Per appeal the server now runs five statements: the token lookup, the day's number, INSERT appeal,
INSERT event, COMMIT. Three changes took it from 222 to about 500 appeals/s:

1. **The day's number in its own transaction** (`services.appeal_submit`). Every intake updates one
   counter row per day. Inside the intake transaction that row stayed locked through the appeal insert,
   the event insert and the commit, so concurrent intakes queued behind each other; taken in its own
   statement the lock lasts one statement. A failed insert now skips a number (`docs/decisions.md`).
   With the 201 body built from the rows just written (no re-read of the events) and the token looked up
   without `.first()`'s ORDER BY: 222 → ~414 /s, in-process CPU per request 3.3 → 2.4 ms.
2. **Threaded gunicorn workers** (`gunicorn.conf.py`: 2 workers × 4 threads, keep-alive). With one request
   per process, two sync workers left about 16 % of the two cores idle while they waited for PostgreSQL.
3. **Server-side binding with prepared statements** on PostgreSQL (`settings.py`; `DB_SERVER_SIDE_BINDING=0`
   turns it off behind a transaction-mode pooler). PostgreSQL stops parsing and planning the same
   statements: its CPU per appeal fell from ~1.0 to ~0.7 ms. (2) and (3) together: ~400 → 460–540 /s.

The server now spends ~2.6 ms of CPU per appeal, PostgreSQL ~0.7 ms; the machine is ~94 % busy, so more
throughput needs more cores (workers scale; nothing serialises except one statement on the number row).
For scale, `GET /healthz` answers ~3,200 /s on the same server.

### Department inbox (p95 ≤ 50 ms, constant query count)

11 queries per page for every tab and both departments. SQL is now 1–4 ms of a page; the rest is Python
(view, the 30-row template, context processors), 9–15 ms on this CPU. Changes:

1. **Led and co-handled appeals apart** (`selectors.DEPT_TABS`). The tabs were filtered by "the department
   leads it OR co-handles it" (`department_id = d OR EXISTS(co-handler row)`), which no index can serve,
   so each count walked every open appeal of the city and the history tab sorted a department's whole
   history (3.5 s). The five lead tabs (待签收, 办理中, 即将到期, 已超期, 近90天已答复) now filter on the
   department alone; co-handled appeals the department still owes an opinion on have their own tab,
   待协办 (it cannot sign or reply those anyway).
2. **Two indexes** (migration `0006_inbox_indexes`): `(department, reply_due_at, warn_at)` over appeals in
   handling, so the 即将到期 and 已超期 counts read a department's slice of one index (9 → ~1 ms), and
   `cohandler (department, appeal) WHERE opinion_at IS NULL` for 待协办 (7 → ~1 ms).
3. **A capped count for the history tab** (`core.paging.CappedPaginator`): the paginator counts at most
   1,000 rows and the page says "1000+". Counting the busiest department's 46,000 replies of 90 days took
   70 ms per request.
4. **Full garbage collections out of the way.** One request in twenty took 130–150 ms while the rest took
   15 ms: Python's full (generation 2) collection walking everything the process had loaded, 80–140 ms per
   pause here. `gc.freeze()` after start-up (gunicorn's `post_worker_init` in `gunicorn.conf.py`, and the
   benchmark process likewise) leaves the collector only the objects made since: 11–14 ms per pause.

### Worker sweep (10,000 due appeals ≤ 2 s)

The sweep was already batched (500 appeals per transaction, `FOR UPDATE SKIP LOCKED`, one UPDATE per
batch). What remained was Python: building ~55,000 model instances for `bulk_create` and reading the
department's staff once per department per batch (428 queries for 5,000 appeals). Changes:

1. **Plain rows** (`core.rows.insert_rows`): events, notifications, outbox rows and supervision orders go
   in with one COPY each per batch on PostgreSQL (one executemany on SQLite); appeals are read with only
   the seven columns the sweep uses.
2. **Staff read once per sweep** (`sweeps.Audience`), not per batch.
3. **One email per recipient per batch** listing the appeals, instead of one per appeal: 12,000 emails
   became ~520. In-app notifications stay one per appeal (20,000 rows), and so do events (10,000, hash
   chains intact) and supervision orders (3,000).

Now ~0.6 s of the 1.3–1.5 s is Python (mostly hashing the 10,000 events and building rows), the rest
PostgreSQL writing ~33,000 rows and updating 10,000 appeals with their indexes.

### 三率 (all departments, one year ≤ 0.5 s)

One parallel scan of the appeals table with eight filtered counts per department, 0.25–0.36 s depending
on load. PostgreSQL's JIT compiled this query for 0.1–0.4 s before running it, so JIT is off for the
application's connections (`settings.py`). Beyond a few million appeals, a per-department per-day summary
table maintained by the worker would make a year 365 × 44 rows.
"""
