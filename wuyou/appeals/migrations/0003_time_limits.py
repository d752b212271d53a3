from django.db import migrations

DEFAULTS = {"consult": 3, "help": 5, "complaint": 5, "suggestion": 10}


def load(apps, schema_editor):
    TimeLimit = apps.get_model("appeals", "TimeLimit")
    for category, days in DEFAULTS.items():
        TimeLimit.objects.get_or_create(category=category, defaults={"reply_workdays": days})
    apps.get_model("appeals", "MetricWeights").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
