"""Search (issue 10, item 4): the 全部诉求 page searched for a word, as the center searches every appeal.

In-process through Django's test Client (middleware, view, template). Two words: 「停电」 (2 characters: no
trigram; on PostgreSQL the bigram index of migration 0010 serves it) and 「频繁停电」 (4 characters: the
pg_trgm indexes). For each: p50/p95 of the page and whether PostgreSQL's plans of the page's queries (its
rows and the capped count) name one of those indexes (EXPLAIN).
"""

import time

from django.db import connection
from django.test import Client

from wuyou.appeals import finding, selectors
from wuyou.appeals.models import Appeal
from wuyou.orgs.models import Role, User

from .common import percentile

URL = "/appeals/"
WORDS = ("停电", "频繁停电")


def _searcher() -> User:
    user = (
        User.objects.only("username", "first_name", "last_name", "role", "is_active", "is_superuser")
        .filter(role=Role.CENTER, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise RuntimeError("no active center user to search as (bench.generate.ensure_actors makes one)")
    return user


def index_used(user, word: str) -> bool | None:
    """Whether PostgreSQL plans the page's queries (its 30 rows and the capped count of all matches) with a
    trigram index; None off PostgreSQL (no such index there)."""
    if connection.vendor != "postgresql":
        return None
    from wuyou.appeals.views_search import COUNT_CAP, PER_PAGE

    qs = selectors.search(user, **finding.parse({"q": word}).filters)
    plans = []
    for query in (qs[:PER_PAGE].query, qs.order_by()[: COUNT_CAP + 1].values("id").query):
        sql, params = query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cur.fetchall()))
    return any("_trgm" in plan or "_bigrams" in plan for plan in plans)


def measure_search(*, reps: int = 30, budget_s: float = 30.0, words=WORDS) -> dict:
    """{word: {n, p50_ms, p95_ms, max_ms, rows, index_used}, 'appeals': N}."""
    user = _searcher()
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    out = {"appeals": Appeal.objects.count()}
    for word in words:
        resp = client.get(URL, {"q": word})  # warm: templates, buffers
        if resp.status_code != 200:
            raise RuntimeError(f"{URL}?q={word} answered {resp.status_code}")
        times = []
        end = time.perf_counter() + budget_s
        for _ in range(reps):
            t0 = time.perf_counter()
            client.get(URL, {"q": word})
            times.append((time.perf_counter() - t0) * 1000)
            if time.perf_counter() > end:
                break
        out[word] = {
            "n": len(times),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "rows": selectors.search(user, q=word)[:1001].count(),
            "index_used": index_used(user, word),
        }
    return out
