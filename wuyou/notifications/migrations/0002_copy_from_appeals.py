"""Copy the inbox and the outbox from the appeals tables (appeals 0007 then drops them).

One INSERT … SELECT per table, so a large inbox is copied by the database, not row by row in
Python. Ids are kept (links and API clients may hold them). An appeal foreign key becomes the
subject "appeal:<id>" and the link "/appeals/<id>/", the path of appeal_detail."""

from django.core.management.color import no_style
from django.db import migrations

NOTIFICATION_FIELDS = "id, user_id, title, body, link, subject, kind, created_at, read_at"
OUTBOX_FIELDS = (
    "id, channel, " + '"to"' + ", subject, body, state, attempts, next_attempt_at, last_error, created_at, sent_at"
)


def _reset_sequences(schema_editor, models):
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def forward(apps, schema_editor):
    old_n, new_n = apps.get_model("appeals", "Notification"), apps.get_model("notifications", "Notification")
    old_o, new_o = apps.get_model("appeals", "Outbox"), apps.get_model("notifications", "Outbox")
    q = schema_editor.quote_name
    appeal_id = "CAST(appeal_id AS TEXT)"
    schema_editor.execute(
        f"INSERT INTO {q(new_n._meta.db_table)} ({NOTIFICATION_FIELDS}) "
        f"SELECT id, user_id, title, body, "
        f"CASE WHEN appeal_id IS NULL THEN '' ELSE '/appeals/' || {appeal_id} || '/' END, "
        f"CASE WHEN appeal_id IS NULL THEN '' ELSE 'appeal:' || {appeal_id} END, "
        f"CASE WHEN appeal_id IS NULL THEN '' ELSE 'appeal' END, "
        f"created_at, read_at FROM {q(old_n._meta.db_table)}"
    )
    schema_editor.execute(
        f"INSERT INTO {q(new_o._meta.db_table)} ({OUTBOX_FIELDS}) "
        f"SELECT {OUTBOX_FIELDS} FROM {q(old_o._meta.db_table)}"
    )
    _reset_sequences(schema_editor, [new_n, new_o])


def backward(apps, schema_editor):
    old_n, new_n = apps.get_model("appeals", "Notification"), apps.get_model("notifications", "Notification")
    old_o, new_o = apps.get_model("appeals", "Outbox"), apps.get_model("notifications", "Outbox")
    appeal = apps.get_model("appeals", "Appeal")
    q = schema_editor.quote_name
    # Only subjects naming an appeal that still exists become the foreign key again.
    schema_editor.execute(
        f"INSERT INTO {q(old_n._meta.db_table)} (id, user_id, appeal_id, title, body, created_at, read_at) "
        f"SELECT n.id, n.user_id, a.id, n.title, n.body, n.created_at, n.read_at "
        f"FROM {q(new_n._meta.db_table)} n LEFT JOIN {q(appeal._meta.db_table)} a "
        f"ON n.subject = 'appeal:' || CAST(a.id AS TEXT)"
    )
    schema_editor.execute(
        f"INSERT INTO {q(old_o._meta.db_table)} ({OUTBOX_FIELDS}) "
        f"SELECT {OUTBOX_FIELDS} FROM {q(new_o._meta.db_table)}"
    )
    _reset_sequences(schema_editor, [old_n, old_o])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("appeals", "0006_inbox_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=True)]
