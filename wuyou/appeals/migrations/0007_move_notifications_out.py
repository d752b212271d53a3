"""The inbox and the outbox now live in wuyou.notifications, which copied their rows (its 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_inbox_indexes"),
        ("notifications", "0002_copy_from_appeals"),
    ]

    # Dropping the tables outright: removing the foreign keys first would make SQLite rebuild
    # each table, copying every row, just before deleting it.
    operations = [
        migrations.DeleteModel(name="Outbox"),
        migrations.DeleteModel(name="Notification"),
    ]
