from django.db import migrations, models


def build_chains(apps, schema_editor):
    """Chain the events written before the table had a chain, in the order they were written."""
    from wuyou.core.audit import build_chains

    build_chains(apps.get_model(*("negative_list", "Event")), "report", ("action", "actor_id", "from_status", "to_status", "note", "public"))


class Migration(migrations.Migration):
    dependencies = [
        ("negative_list", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(build_chains, migrations.RunPython.noop),
    ]
