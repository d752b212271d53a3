"""The analysis part of docs/performance.md, written by hand from the 1,000,000-appeal run of 2026-11-27.

Keep it in step with the figures when a rerun changes the picture.
"""

FINDINGS = """\
## Findings (1,000,000 appeals, run of 2026-11-27 18:35 UTC)

**The machine matters.** 2 cores shared by the clients, gunicorn and PostgreSQL, a CPython built without
PGO (`sum(range(1000))` takes 11–12 µs here when the machine is quiet, ~27 µs while other sessions run
their test suites), and a disk on which a durable commit costs ~3.5 ms. The final run had a load average of
1–1.6; earlier runs at load 6 gave 2–3× worse figures throughout (the same code: inbox to_sign p95 2.4 s,
intake 32–57/s, sweep 177 s). Treat the figures as this box's; the ratios between them hold elsewhere.

Time to generate 1,000,000 appeals: **283 s** (COPY of the rows 254.5 s + the commit with its deferred
foreign-key checks 28.3 s; the first version of the generator stopped its clock before the commit, so this
figure is taken from that run's log) + 3.8 s VACUUM ANALYZE. About 4,000 rows/s, Python-bound (planning
each appeal's life with the working-day calendar, hashing the events' chains).

### 三率 — meets the target (0.41 s; 0.39 s with JIT off)

One parallel sequential scan of the 700 MB appeals heap with eight filtered counts per department. At load
6 the same query took 0.84–1.2 s. PostgreSQL's JIT compiles this query for 0.1–0.4 s before running it
(`jit_above_cost` is exceeded); a covering index `(dispatched_at) INCLUDE (department_id, signed_at,
sign_due_at, replied_at, reply_due_at, rating, resolved, reopen_count, id)` (80 MB) made it an index-only
scan but only ~25 % faster (0.66 → 0.51 s, JIT off, under load) — not worth its size and write cost.
Recommendations: turn JIT off for this OLTP application (`DATABASES["default"]["OPTIONS"] = {"options":
"-c jit=off"}` in `wuyou/settings.py`, or `ALTER DATABASE … SET jit = off`); beyond a few million appeals,
keep a per-department per-day summary table maintained by the worker so a year is 365 × 43 rows.

### Department inbox — misses badly (p95 ≈ 0.8–1.1 s at 1M; target 50 ms)

Queries per request are constant — **12** for both the busiest department (gjj, 187,790 appeals) and the
smallest (fgw, 6,402), and the same 12 at 20,000 appeals; **10** when the page is empty (no co-handler
prefetch): no N+1. At 20,000 appeals the page meets the target for to_sign (p95 49 ms) but not across tabs
(98 ms, the 已答复 tab again). The time is in two
kinds of SQL:

1. **Open tabs ordered by `reply_due_at` (fixed here).** `?tab=in_progress` / `overdue` run
   `… ORDER BY reply_due_at LIMIT 30`; PostgreSQL chose the full `reply_due_at` index and walked a year of
   closed appeals (918,735 rows removed by the filter) to find 30 open ones: **1.0–1.5 s per page query**.
   **Change made:** a partial index `appeal_open_reply_due` on `reply_due_at WHERE status IN ('dispatched',
   'in_progress', 'paused')` in `wuyou/appeals/models.py` (migration `0004_open_reply_due_index`, 144 kB
   at 1M appeals). The same queries now take **~1 ms** (page) and **3–5 ms** (count), with the
   department-or-co-handler visibility unchanged. Measured effect on the page without the 已答复 tab
   (busiest department): p95 **919 ms → 70 ms**.
2. **The 已答复 (replied) tab's count, run on every page (not fixed: needs `views.py`).** `dept_inbox`
   counts all five tabs on every request, and the paginator counts the current tab again. 已答复 is
   `status IN ('replied', 'reviewing', 'closed')` — 95 % of all appeals — and the department visibility
   `department_id = d OR EXISTS(co-handler row)` cannot use the `(department, status, reply_due_at)` index,
   so the COUNT walks 955,000 index entries and tests each row: **0.65–0.9 s** (1.3–2.1 s under load),
   every request, in every tab. On the replied tab itself the page query sorts all ~190,000 rows of the
   department by `replied_at`: **4.6–7 s**.
   Recommendation (`wuyou/appeals/views.py`, `dept_inbox`, and `selectors.DEPT_TABS`): count the four open
   tabs exactly (cheap now) but not 已答复 over all history — either restrict that tab to the last 90 days
   (history stays in 全部诉求 / search) or show a capped count (`qs.order_by().values("pk")[:1000].count()`
   → "999+"); give the paginator the count already computed instead of counting again (−1 query per page);
   and add an index on `replied_at` (or `(department, -replied_at)`) for the tab's ORDER BY.
   With the 已答复 tab taken out entirely (what-if in the table), the busiest department's page is at
   **p95 70 ms** (p50 52 ms): ~28 ms SQL for 11 queries and ~24 ms Python (view, 30-row template, context
   processors) per request.

   A what-if with `visible_appeals` for department roles rewritten as `department = d OR pk IN (<ids of the
   open appeals d co-handles>)` (so PostgreSQL can combine two index scans) helps the small department
   (fgw: p95 27 ms) but not the busiest (gjj: 94 ms, worse than the 70 ms without it): not recommended
   while the partial index is there.

   To get the busiest department under 50 ms p95 after the views change: drop the duplicated paginator
   count, and cache the per-request `calendar_warning` and navigation work; the remaining ~24 ms of Python
   per request is template rendering of 30 rows on this slow CPU.

### Intake — misses (142 appeals/s; target 400/s), 0 errors

p50 112 ms, p95 144 ms with 16 clients and 2 sync workers. The server is CPU-bound: gunicorn used 1.32
of the 2 cores (**9.3 ms of CPU per appeal**), PostgreSQL 0.18 cores (1.3 ms per appeal), the client
threads 0.08. For scale, `GET /healthz` (one `SELECT 1`) reaches 1,699/s on the same server, so the
framework is not the limit; the appeal's own work is. Per appeal there are 9 SQL statements plus
BEGIN/COMMIT:

| step | statements | share of CPU (cProfile, 300 in-process requests) |
| --- | --- | --- |
| `TokenAuth.authenticate` (token → user, department, enterprise) | 1 | 19 % |
| `services.appeal_submit`: `_next_number` (get_or_create SELECT, UPDATE, SELECT), INSERT appeal, INSERT event | 5 | 32 % |
| `api.load_detail` for the 201 body: SELECT appeal + joins, co-handlers, events | 3 | 37 % |
| ninja parsing / response validation, middleware | 0 | 12 % |

Recommendations, in order of effect:
1. `wuyou/appeals/api.py`, `create_appeal`: build the 201 body from the appeal just created (its
   enterprise is `request.user.enterprise`, it has no department and no co-handlers, and exactly one
   event, the submit event `appeal_submit` just wrote) instead of `load_detail(request, appeal.pk)`:
   −3 queries, about −35 % CPU per appeal.
2. `wuyou/appeals/services.py`, `_next_number`: one statement,
   `INSERT INTO appeals_numbersequence (day, last) VALUES (%s, 1) ON CONFLICT (day) DO UPDATE SET last =
   appeals_numbersequence.last + 1 RETURNING last` — −2 queries, and the per-day row lock (the one point
   where concurrent intakes serialise) is then held for one statement less.
With both, ~4–5 ms of server CPU per appeal: an estimated **250–300 appeals/s** on this 2-core box. 400/s
here would need ≈ 3.5 ms of server CPU per appeal including Django and ninja; on a machine with 4 or more
cores intake scales with `--workers` (nothing serialises except the per-day number row).

### Worker sweep — misses badly (77 s for 10,000 due appeals; target 2 s)

130 appeals/s, and it is the Python side: the benchmark process used **50.4 s of CPU** in the 77 s.
Each appeal takes its own transaction and **9 statements**: the guarded `SELECT … FOR UPDATE`, UPDATE,
SELECT of the chain head (last event), INSERT event, SELECT of the department's users, INSERT
notifications, INSERT outbox (escalations add a Supervision INSERT and a second users SELECT). Commits
are not the cost: on 2,000 appeals `synchronous_commit = off` gave 14.6 s vs 15.2 s, and one outer
transaction 16.0 s (no gain).
Recommendation (`wuyou/appeals/services.py`, the `sweep_*` functions): work set-wise in batches of a few
hundred, keeping the guard and the idempotency:
`UPDATE appeals_appeal SET warned_at = %(now)s WHERE id IN (SELECT id FROM appeals_appeal WHERE <guard>
ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED) RETURNING id, status, department_id, reply_due_at, …`;
the chain heads of the batch in one query (`SELECT DISTINCT ON (appeal_id) appeal_id, seq, hash FROM
appeals_event WHERE appeal_id = ANY(%s) ORDER BY appeal_id, seq DESC`); events, notifications and outbox
rows with one `bulk_create` each; department users read once per sweep into a dict. That is ~6 statements
per 500 appeals instead of ~4,500, and Python work of ~20–50 µs per row: an estimated 1–2 s for 10,000.
"""
