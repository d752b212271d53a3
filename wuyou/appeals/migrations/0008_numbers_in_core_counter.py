from django.db import migrations


def seed_counters(apps, schema_editor):
    """Appeal numbers continue where the old per-day sequence left off, now in core's Counter."""
    NumberSequence = apps.get_model("appeals", "NumberSequence")
    Counter = apps.get_model("core", "Counter")
    for day, last in NumberSequence.objects.values_list("day", "last"):
        counter, created = Counter.objects.get_or_create(name=f"ZZ{day}", defaults={"last": last})
        if not created and counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_move_notifications_out"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_counters, migrations.RunPython.noop),
        migrations.DeleteModel(name="NumberSequence"),
    ]
