"""Moving appeal numbers onto core's counter keeps each day's sequence: no number is handed out twice."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("appeals", "0007_move_notifications_out"), ("core", "0001_initial")]
AFTER = [("appeals", "0008_numbers_in_core_counter")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_days_sequence_continues_in_the_core_counter():
    old = migrate(BEFORE)
    try:
        old.get_model("appeals", "NumberSequence").objects.create(day="20261201", last=41)
        old.get_model("core", "Counter").objects.create(name="ZZ20261202", last=3)
        old.get_model("appeals", "NumberSequence").objects.create(day="20261202", last=7)
        new = migrate(AFTER)
        counters = dict(new.get_model("core", "Counter").objects.values_list("name", "last"))
        assert counters["ZZ20261201"] == 41 and counters["ZZ20261202"] == 7
        assert "appeals_numbersequence" not in connection.introspection.table_names()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_intake_numbers_follow_the_counter(p):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from wuyou.core.numbering import Counter
    from wuyou.testing import submit

    Counter.objects.create(name="ZZ20261202", last=41)
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert submit(p).number == "ZZ20261202-0042"
        assert submit(p).number == "ZZ20261202-0043"
