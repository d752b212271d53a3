from datetime import timedelta

from django.db import migrations, models


def set_expiry(apps, schema_editor):
    # Tokens issued before lifetimes existed get the default 30 days from their issue.
    ApiToken = apps.get_model("orgs", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + timedelta(days=30))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_security_roles")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="label",
            field=models.CharField(blank=True, max_length=100, verbose_name="用途"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(db_index=True, verbose_name="到期时间"),
        ),
    ]
