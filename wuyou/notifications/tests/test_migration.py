"""The move of the inbox and the outbox out of appeals keeps every row (and its id)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("appeals", "0006_inbox_indexes"), ("notifications", "0001_initial")]
AFTER = [("appeals", "0007_move_notifications_out"), ("notifications", "0002_copy_from_appeals")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# serialized_rollback, as in the other transactional tests: its flush afterwards then leaves the
# content types to be restored from the snapshot, not recreated (they would clash).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_are_copied_with_subject_and_link():
    old = migrate(BEFORE)
    try:
        User = old.get_model("orgs", "User")
        user = User.objects.create(username="mig", role="center", email="mig@test.local")
        when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        appeal = _appeal(old, user, when)
        Notification, Outbox = old.get_model("appeals", "Notification"), old.get_model("appeals", "Outbox")
        linked = Notification.objects.create(user=user, appeal=appeal, title="交办", body="b", read_at=when)
        plain = Notification.objects.create(user=user, title="新举报")
        mail = Outbox.objects.create(
            channel="email", to="mig@test.local", subject="交办", body="b", next_attempt_at=when, attempts=2
        )
        new = migrate(AFTER)
        inbox, outbox = (
            new.get_model("notifications", "Notification"),
            new.get_model("notifications", "Outbox"),
        )
        n = inbox.objects.get(pk=linked.pk)
        assert (n.title, n.body, n.read_at, n.user_id) == ("交办", "b", when, user.pk)
        assert (n.subject, n.link, n.kind) == (f"appeal:{appeal.pk}", f"/appeals/{appeal.pk}/", "appeal")
        p = inbox.objects.get(pk=plain.pk)
        assert (p.subject, p.link, p.kind, p.read_at) == ("", "", "", None)
        o = outbox.objects.get(pk=mail.pk)
        assert (o.to, o.subject, o.attempts, o.next_attempt_at, o.state) == (
            "mig@test.local",
            "交办",
            2,
            when,
            "pending",
        )
        # The id sequences continue after the copied rows.
        assert inbox.objects.create(user_id=user.pk, title="下一条").pk > plain.pk
        assert "appeals_notification" not in connection.introspection.table_names()
    finally:
        migrate(migrate_leaves())


def migrate_leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _appeal(apps, user, when):
    Enterprise = apps.get_model("orgs", "Enterprise")
    District = apps.get_model("orgs", "District")
    Appeal = apps.get_model("appeals", "Appeal")
    district = District.objects.first()
    ent = Enterprise.objects.create(uscc="91430211MA4L99999X", name="迁移测试企业", district=district)
    return Appeal.objects.create(
        number="ZZ20260301-0001",
        enterprise=ent,
        channel="app",
        category="help",
        title="迁移",
        content="迁移测试",
        created_by=user,
        created_at=when,
    )
