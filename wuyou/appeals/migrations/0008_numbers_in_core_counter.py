from django.db import migrations


def seed_counters(apps, schema_editor):
    """Appeal numbers continue where the old per-day sequence left off, now in core's Counter."""
    from wuyou.core.numbering import carry_over

    NumberSequence = apps.get_model("appeals", "NumberSequence")
    carry_over(apps.get_model("core", "Counter"), {f"ZZ{d}": n for d, n in NumberSequence.objects.values_list("day", "last")})


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_move_notifications_out"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_counters, migrations.RunPython.noop),
        migrations.DeleteModel(name="NumberSequence"),
    ]
