"""The benchmark's code runs: generator and every measurement on 300 appeals in the test database.

Not a performance test: the figures only have to be positive numbers. Works on SQLite (bulk_create instead of
COPY, Django's test Client instead of gunicorn) and on PostgreSQL.
"""

import pytest

from bench import generate, inbox, intake, report, stats, sweep
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Appeal, Event, Status
from wuyou.appeals.sweeps import sweep_all
from wuyou.orgs.models import User
from wuyou.workdays.calendar import clear_cache


@pytest.fixture
def tiny(db):
    clear_cache()
    result = generate.generate(300, seed=3, n_enterprises=20, log=lambda msg: None)
    yield result
    clear_cache()


def test_generator_makes_consistent_data(tiny):
    assert tiny.appeals == 300 and Appeal.objects.count() == 300
    assert tiny.seconds > 0
    assert tiny.status_counts.get(Status.CLOSED, 0) > tiny.appeals / 2  # most appeals are finished
    handled = Appeal.objects.filter(department__isnull=False)
    assert not handled.filter(reply_due_at__isnull=True).exists()
    assert not handled.filter(sign_due_at__isnull=True).exists()
    assert Event.objects.exists() and verify_chain()[1] is None  # the generated audit chains verify
    assert generate.ensure_data(300).reused  # the marker lets a second run reuse the data


def test_every_measurement_runs(tiny):
    actors = generate.ensure_actors(20)
    ent_user = User.objects.get(pk=actors.intake_user_id)
    load = intake.measure_intake_client(ent_user, duration=0.5)
    assert load.errors == 0 and load.ok > 0 and load.rate > 0 and load.p95_ms > 0
    assert load.created == load.ok and Appeal.objects.count() == 300  # intake's appeals were removed

    dept_id, n = generate.busiest_departments()[0]
    handler = User.objects.get(username=f"bench-{actors.all_departments[dept_id]}-h")
    page = inbox.measure_inbox(handler, reps=4, other_reps=2)
    assert page["all"]["p95_ms"] > 0 and page["to_sign"]["queries"] > 0
    # The number of queries per request does not depend on the tab's size.
    assert len({v["queries"] for k, v in page.items() if k in inbox.selectors.DEPT_TABS}) <= 2

    sweep_all()  # whatever came due since generation, so the measured sweep changes only its own appeals

    def state():
        # A fresh query each time: re-listing one queryset would only compare its result cache with itself.
        return list(
            Appeal.objects.order_by("pk").values_list("pk", "status", "reply_due_at", "escalation_level")
        )

    snapshot = state()
    swept = sweep.measure_sweep(30)
    assert swept["seconds"] > 0 and swept["count"] == 30
    assert sum(swept["swept"].values()) >= 30
    assert state() == snapshot  # the appeals made due were restored
    assert not sweep.restore_if_needed()

    three = stats.measure_stats(repeats=2)
    assert three["best_s"] > 0 and three["departments"] > 0 and three["dispatched"] > 0

    results = {
        "appeals": 300,
        "generation": tiny.__dict__,
        "intake": load.__dict__,
        "inbox": {"busiest": {**page, "department": "x", "department_appeals": n}},
        "sweep": swept,
        "stats": three,
    }
    assert "appeals/s" in report.table(results)


def test_export_measurement_runs(tiny):
    """bench/export.py (issue 10, item 7): the search list to .xlsx, timed and traced, and its report row."""
    from bench import export

    generate.ensure_actors(20)  # the center user the export runs as
    m = export.measure_export(200)
    assert m["rows"] == 200 and m["seconds"] > 0 and m["rows_per_s"] > 0 and m["file_mb"] >= 0
    assert m["tracemalloc_peak_rows"] == 200 and m["tracemalloc_peak_small_rows"] == 20
    assert m["tracemalloc_peak_mb"] > 0
    table = report.table({"appeals": 300, "generation": tiny.__dict__, "export": m})
    assert "export 200 appeals to xlsx" in table and "peak memory" in table


def test_search_measurement_runs(tiny):
    """bench/search.py (issue 10, item 4): the search page timed for its words, with the plan's index."""
    from django.db import connection

    from bench import search

    generate.ensure_actors(20)  # the center user the search runs as
    m = search.measure_search(reps=3)
    assert m["appeals"] == 300
    for word in search.WORDS:
        assert m[word]["n"] == 3 and m[word]["p95_ms"] >= m[word]["p50_ms"] > 0
        if connection.vendor != "postgresql":
            assert m[word]["index_used"] is None  # no trigram index off PostgreSQL
    assert m["停电"]["rows"] > 0  # the generator's titles hold the word
    if connection.vendor == "postgresql":  # whether the planner takes an index on 300 rows is its choice
        assert all(isinstance(m[word]["index_used"], bool) for word in search.WORDS)
    table = report.table({"appeals": 300, "generation": tiny.__dict__, "search": m})
    assert "search 「停电」 over 300 appeals" in table and "index used:" in table
