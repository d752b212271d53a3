# Issue 10, item 4: saved views per user, and on PostgreSQL the trigram indexes of the full-text search.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# selectors.search matches `column__icontains`, which Django writes as UPPER("column"::text) LIKE UPPER(%s):
# a GIN index of pg_trgm's trigrams over the same expression serves it for patterns of 3+ characters, in
# any script (no segmenter: Chinese is matched as text). SQLite has neither: there this is a no-op.
SEARCHED_TEXT = ("title", "content", "reply_content")


# Two-character words (停电, 用地, 融资: the commonest Chinese queries) have no trigram: for them a GIN index
# of each text's character pairs (bigrams), which selectors.search queries with @> — exact, so no recheck
# of the rows (pairs are taken within each field, never across two). COST: never worth a per-row call.
# The expression must stay identical to selectors.BIGRAM_SQL.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION wuyou_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i
$$"""
BIGRAM_EXPRESSION = (
    "(wuyou_bigrams(UPPER(title)) || wuyou_bigrams(UPPER(content)) || wuyou_bigrams(UPPER(reply_content)))"
)


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED_TEXT:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS appeal_{column}_trgm ON appeals_appeal "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute(BIGRAMS_FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS appeal_text_bigrams ON appeals_appeal USING gin ({BIGRAM_EXPRESSION})"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_TEXT:
        schema_editor.execute(f"DROP INDEX IF EXISTS appeal_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS appeal_text_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS wuyou_bigrams(text)")


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0009_supply_notes_templates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=40, verbose_name='名称')),
                ('query', models.CharField(blank=True, max_length=1000, verbose_name='查询条件')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_appeal_views', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '已保存的查询',
                'verbose_name_plural': '已保存的查询',
                'ordering': ['name', 'id'],
                'constraints': [models.UniqueConstraint(fields=('user', 'name'), name='saved_view_user_name')],
            },
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
