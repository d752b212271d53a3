from django.db import migrations


def load(apps, schema_editor):
    from wuyou.orgs.catalogue import load_catalogue

    load_catalogue(apps.get_model("orgs", "District"), apps.get_model("orgs", "Department"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
