from django.db import migrations, models


def build_chains(apps, schema_editor):
    """Chain the events written before reports had one, in the order they were written."""
    from wuyou.core.audit import GENESIS, digest

    Event = apps.get_model("negative_list", "Event")
    heads = {}
    for ev in Event.objects.order_by("report_id", "at", "id").iterator(chunk_size=2000):
        seq, prev = heads.get(ev.report_id, (0, GENESIS))
        seq += 1
        values = [ev.action, ev.actor_id, ev.from_status, ev.to_status, ev.note, ev.public]
        ev.seq, ev.prev_hash = seq, prev
        ev.hash = digest(prev, ev.report_id, seq, values, ev.at)
        ev.save(update_fields=["seq", "prev_hash", "hash"])
        heads[ev.report_id] = (seq, ev.hash)


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
