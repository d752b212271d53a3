"""Wuyou's benchmark: `./run bench` (python -m bench) against PostgreSQL.

Modules:
  db        create / drop the benchmark database (psycopg, before Django starts)
  generate  N appeals over the past 12 months (COPY on PostgreSQL, bulk_create elsewhere)
  intake    POST /api/v1/appeals from C client threads (HTTP against gunicorn, or Django's test Client)
  inbox     /dept/inbox/ latency and SQL queries per request
  sweep     sweep_all() over 10,000 appeals made due, then restored
  stats     department_stats() (三率) for one year
  report    the table on the terminal and docs/performance.md

Every measurement function works on any database Django supports, so bench/test_bench_smoke.py runs
them all on a few hundred appeals in the test database.
"""
