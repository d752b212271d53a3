"""The benchmark database: created when missing, dropped and recreated on --fresh or a different data size.

Runs before Django is set up, with psycopg alone, connecting to the server's `postgres` database.
"""

import time

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuyou_bench"
META_TABLE = "bench_meta"


def _dbname(url: str) -> str:
    name = conninfo_to_dict(url).get("dbname")
    if not name:
        raise SystemExit(f"BENCH_DATABASE_URL has no database name: {url}")
    return name


def _admin(url: str):
    return psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)


def stored_meta(url: str) -> dict:
    """The marker written by the last completed generation ({} when there is no database or marker)."""
    try:
        conn = psycopg.connect(url, connect_timeout=5)
    except psycopg.OperationalError:
        return {}
    with conn:
        row = conn.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()
        if row[0] is None:
            return {}
        return dict(conn.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())


def ensure_database(url: str, *, appeals: int, fresh: bool, max_age_hours: float = 24) -> str:
    """Return what happened: 'created', 'recreated (…)' or 'kept'.

    Data older than max_age_hours is regenerated too: its open appeals were placed relative to the
    day it was made, and would by now all be overdue.
    """
    name = _dbname(url)
    with _admin(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            meta = stored_meta(url)
            size = int(meta["appeals"]) if "appeals" in meta else None
            age_h = (time.time() - float(meta.get("generated_epoch", 0))) / 3600
            if fresh:
                reason = "--fresh"
            elif size is None:
                reason = "no completed data set"
            elif size != appeals:
                reason = f"data size {size:,} ≠ {appeals:,}"
            elif age_h > max_age_hours:
                reason = f"data is {age_h:.0f} h old"
            else:
                return "kept"
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return f"recreated ({reason})"
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return "created"
