"""Counters and blocks shared by every process: login throttling, rate limits on submissions.

Two stores behind one interface. By default a table in the project database (nothing more to run;
every web process and the worker see the same rows). With THROTTLE_REDIS_URL set, Redis (cheaper
under a password spray, and nothing to purge). Django's database cache is not used: its incr() is a
read and a write, so two processes counting at once both see the same number.

A counter's window starts at its first hit and lasts `window_seconds`; the next hit after it ends
starts a new window. Times are Unix seconds (floats), not datetimes, so the database store needs no
time-zone handling in raw SQL and `now` can be moved by time-machine in tests for both stores.

The database store writes on the caller's connection: a hit inside an atomic block that rolls back
is rolled back too. Callers count outside their transactions (the login and the rate limits do).
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection, models

from .errors import DomainError

MAX_KEY = 200


class ThrottleCounter(models.Model):
    key = models.CharField(max_length=MAX_KEY, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    # Unix seconds. window_ends is indexed for the purge.
    window_ends = models.FloatField(db_index=True)
    blocked_until = models.FloatField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "限流计数"


def _now(now) -> float:
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return now.timestamp()
    return float(now)


def _key(key: str) -> str:
    # Keys carry user-supplied parts (a username); keep them bounded so a long one cannot fail the insert.
    if len(key) <= MAX_KEY:
        return key
    import hashlib

    return key[:120] + "#" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStore:
    def _table(self):
        q = connection.ops.quote_name
        return q(ThrottleCounter._meta.db_table), q("key")

    def hit(self, key: str, window: float, amount: int, now: float) -> int:
        table, k = self._table()
        # One statement, atomic on both PostgreSQL and SQLite (3.35+ for RETURNING): a new window
        # when the old one has ended, else add to it.
        sql = (
            f"INSERT INTO {table} ({k}, count, window_ends, blocked_until) VALUES (%s, %s, %s, 0) "
            f"ON CONFLICT ({k}) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_ends <= %s THEN excluded.count "
            f"ELSE {table}.count + excluded.count END, "
            f"window_ends = CASE WHEN {table}.window_ends <= %s THEN excluded.window_ends "
            f"ELSE {table}.window_ends END "
            "RETURNING count"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [key, amount, now + window, now, now])
            return int(cur.fetchone()[0])

    def peek(self, key: str, now: float) -> int:
        row = ThrottleCounter.objects.filter(key=key, window_ends__gt=now).values_list("count", flat=True)[:1]
        return int(row[0]) if row else 0

    def reset(self, key: str) -> None:
        ThrottleCounter.objects.filter(key=key).delete()

    def block(self, key: str, seconds: float, now: float) -> None:
        table, k = self._table()
        until = now + seconds
        sql = (
            f"INSERT INTO {table} ({k}, count, window_ends, blocked_until) VALUES (%s, 0, %s, %s) "
            f"ON CONFLICT ({k}) DO UPDATE SET blocked_until = CASE "
            f"WHEN {table}.blocked_until > excluded.blocked_until THEN {table}.blocked_until "
            "ELSE excluded.blocked_until END"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [key, now, until])

    def blocked_for(self, key: str, now: float) -> float:
        row = ThrottleCounter.objects.filter(key=key, blocked_until__gt=now).values_list(
            "blocked_until", flat=True
        )[:1]
        return max(0.0, float(row[0]) - now) if row else 0.0

    def purge(self, now: float) -> int:
        deleted, _ = ThrottleCounter.objects.filter(window_ends__lte=now, blocked_until__lte=now).delete()
        return deleted


# KEYS[1] the hash; ARGV: amount, window, now. Fields c (count), e (window end), b (blocked until).
_HIT = """
local amount = tonumber(ARGV[1]); local window = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local e = tonumber(redis.call('HGET', KEYS[1], 'e') or '0')
local n
if e <= now then
  redis.call('HSET', KEYS[1], 'c', amount, 'e', now + window)
  n = amount
  e = now + window
else
  n = redis.call('HINCRBY', KEYS[1], 'c', amount)
end
local b = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
redis.call('EXPIRE', KEYS[1], math.ceil(math.max(e, b) - now) + 1)
return n
"""
_BLOCK = """
local untl = tonumber(ARGV[1]); local now = tonumber(ARGV[2])
local b = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
if untl > b then redis.call('HSET', KEYS[1], 'b', untl); b = untl end
local e = tonumber(redis.call('HGET', KEYS[1], 'e') or '0')
redis.call('EXPIRE', KEYS[1], math.ceil(math.max(e, b) - now) + 1)
return 1
"""


class RedisStore:
    prefix = "wuyou:throttle:"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._hit = self.client.register_script(_HIT)
        self._block = self.client.register_script(_BLOCK)

    def hit(self, key: str, window: float, amount: int, now: float) -> int:
        return int(self._hit(keys=[self.prefix + key], args=[amount, window, now]))

    def peek(self, key: str, now: float) -> int:
        c, e = self.client.hmget(self.prefix + key, ["c", "e"])
        if c is None or e is None or float(e) <= now:
            return 0
        return int(c)

    def reset(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def block(self, key: str, seconds: float, now: float) -> None:
        self._block(keys=[self.prefix + key], args=[now + seconds, now])

    def blocked_for(self, key: str, now: float) -> float:
        b = self.client.hget(self.prefix + key, "b")
        return max(0.0, float(b) - now) if b is not None else 0.0

    def purge(self, now: float) -> int:
        return 0  # Redis expires the keys itself.


_store = None


def store():
    global _store
    if _store is None:
        url = getattr(settings, "THROTTLE_REDIS_URL", "")
        _store = RedisStore(url) if url else DatabaseStore()
    return _store


def _forget_store(*, setting, **kwargs):
    global _store
    if setting == "THROTTLE_REDIS_URL":
        _store = None


setting_changed.connect(_forget_store)


def hit(key: str, window_seconds: float, amount: int = 1, now=None) -> int:
    """Count `amount` against `key`; the count in the current window, this hit included."""
    return store().hit(_key(key), float(window_seconds), int(amount), _now(now))


def peek(key: str, now=None) -> int:
    """The count in the current window without counting; 0 when the window has ended."""
    return store().peek(_key(key), _now(now))


def reset(key: str) -> None:
    store().reset(_key(key))


def block(key: str, seconds: float, now=None) -> None:
    """Block `key` for `seconds` (an existing longer block stays)."""
    store().block(_key(key), float(seconds), _now(now))


def blocked_for(key: str, now=None) -> float:
    """Seconds `key` stays blocked; 0 when it is not."""
    return store().blocked_for(_key(key), _now(now))


def retry_after(seconds: float) -> int:
    """Whole seconds for a Retry-After header: never 0 while still blocked."""
    return max(1, math.ceil(seconds))


def purge(now=None) -> dict:
    """Worker task: drop ended windows and blocks from the database store."""
    return {"throttle_purged": store().purge(_now(now))}


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class Quota(NamedTuple):
    """At most `limit` accepted submissions per `window` seconds, counted under `key`."""

    key: str
    limit: int
    window: float


def check_quotas(quotas, message: str) -> None:
    """Before a submission: refused (429 rate_limited) when one of its quotas is used up. Paired with
    count_quotas after the submission was accepted, so refused and invalid ones use up nothing.
    Between the two, simultaneous submissions may both pass: a limit can be exceeded by the requests
    in flight at once, never by a sustained stream."""
    for quota in quotas:
        if peek(quota.key) >= quota.limit:
            raise RateLimited(message)


def count_quotas(quotas) -> None:
    """After the submission was accepted: it uses up one of each quota."""
    for quota in quotas:
        hit(quota.key, quota.window)
