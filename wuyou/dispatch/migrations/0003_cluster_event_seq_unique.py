from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration: PostgreSQL refuses to alter a table in the transaction that just updated its
    # rows ("pending trigger events"), which the chain back-fill in 0002 does.
    dependencies = [("dispatch", "0002_cluster_event_chain")]

    operations = [
        migrations.AddConstraint(
            model_name="clusterevent",
            constraint=models.UniqueConstraint(fields=("cluster", "seq"), name="cluster_event_seq"),
        ),
    ]
