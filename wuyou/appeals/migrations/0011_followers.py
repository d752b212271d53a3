# Issue 10, item 11: 「我也遇到」 — an enterprise user follows an existing appeal of its enterprise.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0010_saved_views_search_index"),
        ("orgs", "0004_token_lifetime"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Follower",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="关注时间")),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followers",
                        to="appeals.appeal",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.enterprise"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "诉求关注（我也遇到）",
                "verbose_name_plural": "诉求关注（我也遇到）",
                "ordering": ["appeal_id", "created_at", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("appeal", "user"), name="follower_appeal_user")
                ],
            },
        ),
    ]
